#!/bin/sh
# modules.sh MAP: the bytes each module puts into the binary, from the
# linker's map (-Wl,-Map): every input section the link kept, by the object
# it came from. One line per module, "BYTES MODULE", largest first, then a
# total per group: core/NAME and applets/NAME (ocibox's objects),
# libseccomp/NAME (members of libseccomp.a), musl/NAME (members of libc.a
# and the crt files), "fill" (alignment padding). Bytes are those stored in
# the file (.bss, which takes none, is counted as "bss MODULE" apart).
set -eu
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: $0 LINKER-MAP" >&2; exit 2; }
awk '
function module(f,   m) {
	if (f ~ /\.a\(/) {
		m = f; sub(/\)$/, "", m); sub(/.*\(/, "", m); sub(/\.l?o$/, "", m)
		sub(/^libseccomp_la-/, "", m)
		if (f ~ /libseccomp\.a\(/) return "libseccomp/" m
		if (f ~ /libc\.a\(/) return "musl/" m
		return "lib/" m
	}
	if (f ~ /(^|\/)crt[^\/]*\.o$|\/[A-Za-z]?crt[^\/]*\.o$/) {
		m = f; sub(/.*\//, "", m); return "musl/" m
	}
	m = f; sub(/^.*\/(core|applets)\//, "", m)
	if (f ~ /\/core\//) return "core/" substr(m, 1, length(m) - 2)
	if (f ~ /\/applets\//) return "applets/" substr(m, 1, length(m) - 2)
	return f
}
function add(sz, f) {
	if (out == "" || skip[out]) return
	sz = strtonum(sz)
	if (out == ".bss" || out == ".tbss") bss[module(f)] += sz
	else bytes[module(f)] += sz
}
function strtonum(h,   i, c, v) {
	h = tolower(h); sub(/^0x/, "", h); v = 0
	for (i = 1; i <= length(h); i++) {
		c = index("0123456789abcdef", substr(h, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}
BEGIN { skip[".comment"] = skip[".shstrtab"] = skip[".symtab"] = skip[".strtab"] = 1 }
/^Linker script and memory map/ { on = 1; next }
!on { next }
/^\.debug|^\.note\.GNU-stack|^\.comment|^\/DISCARD\// { out = ""; next }
/^\.[A-Za-z_]/ { out = $1; pend = ""; next }
# an input section whose name filled the line: address, size, file on the next
/^ \.[^ ]+$/ { pend = 1; next }
pend && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($2, $3); pend = ""; next }
/^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($3, $4); pend = ""; next }
/^ COMMON +0x/ { add($3, $4); next }
/^ \*fill\* +0x/ { if (out != "" && !skip[out]) { if (out == ".bss") bss["fill"] += strtonum($3); else bytes["fill"] += strtonum($3) } next }
{ pend = "" }
END {
	for (m in bytes) {
		printf "%d %s\n", bytes[m], m
		g = m; sub(/\/.*/, "", g); if (g != m) tot[g] += bytes[m]; all += bytes[m]
	}
	for (g in tot) printf "%d total:%s\n", tot[g], g
	printf "%d total\n", all
	for (m in bss) printf "%d bss:%s\n", bss[m], m
}' "$1" | sort -k1,1nr -k2
