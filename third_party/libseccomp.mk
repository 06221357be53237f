# third_party/libseccomp.mk: libseccomp, built once from Debian's source
# package with $(CC) (musl) into a static library under $(B)/third_party/out:
# the pin, then unpack, patch, configure, build, rename. The source itself is
# fetched by fetch-libseccomp.sh (`make deps`), never by a compile. Included
# by the Makefile; builds nothing unless SECCOMP=1. See README.md here.

# Included before `all`: none of the rules here may become the default goal.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif

# make does not track flags: objects depend on a file named for the setting,
# so that switching SECCOMP either way recompiles what tests ENABLE_SECCOMP.
$(B)/.seccomp-$(SECCOMP):
	@mkdir -p $(B) && rm -f $(B)/.seccomp-* && touch $@
$(OBJ): $(B)/.seccomp-$(SECCOMP)

# The pin, as runc's build-seccomp.sh pins its tarball: Debian bookworm's
# source package (upstream 2.5.4 plus Debian's syscall-table update to Linux 6.7).
SC_VERSION  = 2.5.4
SC_DEBREV   = 1+deb12u1
SC_ORIG     = libseccomp_$(SC_VERSION).orig.tar.gz
SC_ORIG_SHA = d82902400405cf0068574ef3dc1fe5f5926207543ba1ae6f8e7a1576351dcbdb
SC_DEB      = libseccomp_$(SC_VERSION)-$(SC_DEBREV).debian.tar.xz
SC_DEB_SHA  = 665fc6ad1b9887207b0af1a293a2d7975e2df503a2618d1808b970081f9672f6

# libseccomp allocates through these, renamed to sc_heap_* (core/seccomp.c)
SC_HEAP_FNS = malloc calloc realloc free strdup

SC_TOP   = $(abspath $(B))/third_party
# the downloaded source, kept: LGPL-2.1 binaries must come with it
SC_DL    = $(SC_TOP)/dl
SC_SRC   = $(SC_TOP)/libseccomp-$(SC_VERSION)
SC_OUT   = $(SC_TOP)/out
SC_STAMP = $(SC_OUT)/.stamp-$(SC_VERSION)-$(SC_DEBREV)

ifeq ($(SECCOMP),1)

# The fetch (third_party/fetch-libseccomp.sh: apt-get source into $(SC_DL),
# sha256 checked) as a recipe line of `make deps` and of the goals that set
# up first (the Makefile's `setup`); quiet once the files are there.
SC_FETCH = @sh third_party/fetch-libseccomp.sh $(SC_DL) \
	libseccomp=$(SC_VERSION)-$(SC_DEBREV) $(SC_ORIG) $(SC_ORIG_SHA) $(SC_DEB) $(SC_DEB_SHA)

CPPFLAGS += -isystem $(SC_OUT)/include
LIBS     += $(SC_OUT)/lib/libseccomp.a

$(OBJ) $(NAME): $(SC_STAMP)

# Fetching (apt) is `make deps`'s job, never a compile's: a build without
# the source stops here and says so.
$(SC_DL)/$(SC_ORIG) $(SC_DL)/$(SC_DEB):
	@echo "libseccomp: $@ is missing: 'make deps' fetches it (or 'make SECCOMP=0')"
	@exit 1

# Commands the recipe needs (deps.sh build names their packages).
sc_need = command -v $(1) >/dev/null 2>&1 || { \
	echo "libseccomp: needs '$(1)' (Debian package $(2)): 'make deps' installs it"; \
	exit 1; }

# ocibox's own changes, applied after Debian's: patches/*.patch, and the
# syscall table made by sc-syscalls.sh (.awk) where libseccomp runs gperf
# (a 16-bit table searched by name: a third of the size; see the .awk)
SC_PATCHES = $(sort $(wildcard third_party/patches/*.patch))

$(SC_STAMP): third_party/libseccomp.mk $(SC_PATCHES) third_party/sc-syscalls.* \
		$(SC_DL)/$(SC_ORIG) $(SC_DL)/$(SC_DEB) | $(KINC)/.stamp
	@echo "libseccomp: building $(SC_VERSION)-$(SC_DEBREV) from Debian's source package (once)"
	@$(call sc_need,xz,xz-utils)
	@$(call sc_need,patch,patch)
	@$(call sc_need,objcopy,binutils)
	@echo "libseccomp: unpacking into $(SC_SRC), applying Debian's patches"
	@rm -rf $(SC_SRC) && mkdir -p $(SC_TOP) && \
		tar -xzf $(SC_DL)/$(SC_ORIG) -C $(SC_TOP) && \
		tar -xJf $(SC_DL)/$(SC_DEB) -C $(SC_SRC) && \
		cd $(SC_SRC) && sed -e 's/[[:space:]]*#.*//' -e '/^$$/d' debian/patches/series | \
		while read -r p opt; do echo "  $$p"; \
			patch -s $${opt:--p1} < debian/patches/$$p || exit 1; done
	@for p in $(SC_PATCHES); do echo "  ocibox: $$p"; \
		patch -s -d $(SC_SRC) -p1 < $$p || exit 1; done
	@rm -f $(SC_SRC)/src/syscalls.perf.c
	@echo "libseccomp: configure CC=$(CC) --enable-static --disable-shared (log: $(SC_SRC)/build.log)"
	@cd $(SC_SRC) && ./configure CC="$(CC)" \
		CFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
			-Werror=overflow -isystem $(abspath $(KINC))" \
		--enable-static --disable-shared --disable-python \
		--prefix=$(SC_OUT) > build.log 2>&1 || \
		{ tail -n 30 build.log; echo "libseccomp: configure failed"; exit 1; }
	@echo "libseccomp: make -C src (the library only), install into $(SC_OUT)"
	@cd $(SC_SRC) && rm -rf $(SC_OUT) && \
		{ env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C src -j"$$(nproc)" \
			GPERF="sh $(abspath third_party/sc-syscalls.sh)" && \
		  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C src install-libLTLIBRARIES && \
		  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C include install-includeHEADERS; \
		} >> build.log 2>&1 || \
		{ tail -n 30 build.log; echo "libseccomp: build failed"; exit 1; }
	@rm -f $(SC_OUT)/lib/libseccomp.la
	@echo "libseccomp: renaming its allocator calls to sc_heap_* (see core/seccomp.c)"
	@objcopy $(foreach f,$(SC_HEAP_FNS),--redefine-sym $(f)=sc_heap_$(f)) \
		$(SC_OUT)/lib/libseccomp.a
	@left=$$(nm -u $(SC_OUT)/lib/libseccomp.a | awk '{print $$2}' | sort -u | \
		grep -xE 'malloc|calloc|realloc|free|strdup|strndup|reallocarray|aligned_alloc|posix_memalign|memalign|valloc' | \
		tr '\n' ' '); \
	if [ -n "$$left" ]; then \
		echo "libseccomp: still calls $$left: add them to SC_HEAP_FNS and core/seccomp.c"; \
		rm -rf $(SC_OUT); exit 1; fi
	@touch $@
	@echo "libseccomp: $(SC_OUT)/lib/libseccomp.a ready"

endif
