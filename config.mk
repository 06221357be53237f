# config.mk: defaults. Override with `make VAR=...` or in config.local.mk (git-ignored).
# Comments go on their own line: a trailing "# ..." leaves spaces in the value.
VERSION  = 0.1.0
NAME     = ocibox
CC       = musl-gcc
CFLAGS   = -std=gnu11 -Os -Wall -Wextra -Wshadow -Wvla -Wno-unused-parameter \
           -Wno-format-truncation -Werror=implicit-function-declaration \
           -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
# -Ulinux: GNU C predefines `linux` as 1, and struct spec has a member named linux
CPPFLAGS = -Ulinux -D_GNU_SOURCE -I. -DVERSION=\"$(VERSION)\" -DENABLE_SECCOMP=$(SECCOMP)
LDFLAGS  = -static -Wl,--gc-sections -s
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
