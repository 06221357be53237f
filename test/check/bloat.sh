#!/bin/sh
# bloat.sh OLD NEW: what changed in size between two builds, each a
# directory that test/check/size.sh filled (modules.txt: "BYTES MODULE" from
# modules.sh; symbols.txt: nm --size-sort -S). Prints the modules, then the
# 25 symbols, whose size changed, largest change first, with the total:
#   +1234 core/spec   (20000 -> 21234)
set -eu
[ $# -eq 2 ] && [ -r "$1/modules.txt" ] && [ -r "$2/modules.txt" ] ||
	{ echo "usage: $0 OLD-DIR NEW-DIR (each with modules.txt, symbols.txt)" >&2; exit 2; }
delta() { # OLD NEW: "DELTA NAME (OLD -> NEW)" for each name whose size differs
	awk 'NR == FNR { old[$2] = $1; next } { new[$2] = $1 }
	END {
		for (k in old) if (!(k in new)) new[k] = 0
		for (k in new) {
			o = (k in old) ? old[k] : 0
			if (new[k] != o) printf "%+d %s (%d -> %d)\n", new[k] - o, k, o, new[k]
		}
	}' "$1" "$2" | awk '{ d = $1 + 0; if (d < 0) d = -d; print d, $0 }' | sort -k1,1nr | cut -d' ' -f2-
}
syms() { # nm -S lines -> "BYTES NAME" (the same name twice: summed)
	awk 'function hex(h,   i, v) {
		v = 0; h = tolower(h)
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	NF == 4 { s[$4] += hex($2) } END { for (k in s) print s[k], k }' "$1"
}
t_old=$(awk '$2 == "total" { print $1 }' "$1/modules.txt")
t_new=$(awk '$2 == "total" { print $1 }' "$2/modules.txt")
echo "modules (bytes in the file; $t_old -> $t_new, $((t_new - t_old)) in all):"
grep -v ' total' "$1/modules.txt" > "$2/.old-mod"
grep -v ' total' "$2/modules.txt" > "$2/.new-mod"
delta "$2/.old-mod" "$2/.new-mod" | sed 's/^/  /'
if [ -r "$1/symbols.txt" ] && [ -r "$2/symbols.txt" ]; then
	echo "symbols (25 largest changes):"
	syms "$1/symbols.txt" > "$2/.old-sym"
	syms "$2/symbols.txt" > "$2/.new-sym"
	delta "$2/.old-sym" "$2/.new-sym" | head -n 25 | sed 's/^/  /'
fi
rm -f "$2/.old-mod" "$2/.new-mod" "$2/.old-sym" "$2/.new-sym"
