#!/bin/sh
# size.sh DIR: `make size`'s report from DIR/unstripped (the binary before
# strip) and DIR/ocibox.map (its linker map): the bytes per module
# (modules.sh), the 20 largest symbols, and what changed since the last
# `make size` (bloat.sh against DIR/last/, which this run then replaces).
set -eu
[ $# -eq 1 ] && [ -r "$1/unstripped" ] && [ -r "$1/ocibox.map" ] ||
	{ echo "usage: $0 DIR (with unstripped and ocibox.map)" >&2; exit 2; }
here=$(dirname "$0")
d=$1
sh "$here/modules.sh" "$d/ocibox.map" > "$d/modules.txt"
nm --size-sort -S "$d/unstripped" > "$d/symbols.txt"
echo "bytes per module (file bytes; bss apart):"
awk '$2 ~ /^total/' "$d/modules.txt" | sed 's/^/  /'
grep -v ' total' "$d/modules.txt" | grep -v ' bss:' | head -n 40 | sed 's/^/  /'
echo "largest symbols:"
tail -n 20 "$d/symbols.txt" | sed 's/^/  /'
if [ -r "$d/last/modules.txt" ]; then
	echo "since the last make size:"
	sh "$here/bloat.sh" "$d/last" "$d"
fi
mkdir -p "$d/last"
cp "$d/modules.txt" "$d/symbols.txt" "$d/last/"
