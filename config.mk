# config.mk: defaults. Override with `make VAR=...` or in config.local.mk (git-ignored).
# Comments go on their own line: a trailing "# ..." leaves spaces in the value.
VERSION  = 0.1.0
NAME     = ocibox
CC       = musl-gcc
# -flto=auto and -malign-data=abi (arrays aligned as the psABI says, not to
# 32 bytes) make the binary smaller; `make check` holds it to its budget.
CFLAGS   = -std=gnu11 -Os -Wall -Wextra -Wshadow -Wvla -Wno-unused-parameter \
           -Wno-format-truncation -Werror=implicit-function-declaration \
           -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
           -flto=auto -malign-data=abi
# -Ulinux: GNU C predefines `linux` as 1, and struct spec has a member named linux
CPPFLAGS = -Ulinux -D_GNU_SOURCE -I. -DVERSION=\"$(VERSION)\" -DENABLE_SECCOMP=$(SECCOMP)
# Linking for size (make check holds the budgets; README "Footprint"): no
# page of padding between code and read-only data (noseparate-code: they
# share the one executable segment, as before binutils 2.31) nor before the
# data (norelro, common-page-size=64: static musl never write-protects
# RELRO, so the segment bought nothing but the padding). Link-time
# optimisation (-flto) inlines across files; -Wmaybe-uninitialized stays on
# for each file's own compile, but not for the link's cross-file guesses.
LDFLAGS  = -static -Wl,--gc-sections -Wl,-z,noseparate-code,-z,norelro,-z,common-page-size=64 -s \
           -Wno-maybe-uninitialized
# SECCOMP = 0 builds without libseccomp (core/seccomp.c then has stubs that
# refuse a config asking for seccomp)
SECCOMP  = 1
PREFIX   = /usr/local
DESTDIR  =
# build directory for objects, kernel headers, third-party libraries
B        = build
# the sanitizer flavour of the unit tests (glibc, ASan + UBSan); 0 skips it
SAN      = 1
# interleaved runs per runtime and cell in `make bench` (the issue asks >= 100)
BENCH_N  = 100
# Footprint budgets `make check` holds (test/check/budget.sh; README
# "Footprint"): bytes of the binary with libseccomp and without (SECCOMP=0),
# and the peak RSS in KiB of each of create, start, state, kill and delete.
# test/cli/footprint.sh holds the fourth: a busybox container runs under a
# 256 KiB memory limit.
BUDGET_BYTES      = 307200
BUDGET_BYTES_NOSC = 262144
BUDGET_RSS_KIB    = 600
# page faults taken by a whole `run` of busybox /bin/true (runtime, re-exec,
# init, the program): 157 before the cgroup struct left the stack and the
# stack was prefaulted, 121-130 after (hybrid host)
BUDGET_RUN_FAULTS = 145
