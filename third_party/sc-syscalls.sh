#!/bin/sh
# sc-syscalls.sh: stands in for gperf in libseccomp's src/Makefile
# (libseccomp.mk passes GPERF="sh .../sc-syscalls.sh"). Run in src/; ignores
# gperf's arguments and writes, on stdout, the compact syscall table that
# sc-syscalls.awk makes of ./syscalls.csv (sorted by name, header first).
set -e
[ -r syscalls.csv ] || { echo "sc-syscalls.sh: no syscalls.csv here" >&2; exit 1; }
{ head -n 1 syscalls.csv; grep -v '^#' syscalls.csv | LC_ALL=C sort; } |
	LC_ALL=C awk -f "$(dirname "$0")/sc-syscalls.awk"
