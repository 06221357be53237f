# third_party/libseccomp.mk: libseccomp, built once from Debian's source
# package with $(CC) (musl) into a static library under $(B)/third_party/out.
# Included by the Makefile; builds nothing unless SECCOMP=1. See README.md here.

# Included before `all`: none of the rules here may become the default goal.
ifeq ($(.DEFAULT_GOAL),)
.DEFAULT_GOAL := all
endif

# make does not track flags: objects depend on a file named for the setting,
# so that switching SECCOMP either way recompiles what tests ENABLE_SECCOMP.
$(B)/.seccomp-$(SECCOMP):
	@mkdir -p $(B) && rm -f $(B)/.seccomp-* && touch $@
$(OBJ): $(B)/.seccomp-$(SECCOMP)

ifeq ($(SECCOMP),1)

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
SC_APT   = $(abspath $(B))/apt
# A private apt configuration: our own source lists, lists and cache, so
# /etc and the system's package lists stay untouched. As root, apt would hand
# downloads to the _apt user, which cannot write into the build directory.
SC_APTO  = -o Dir::Etc::sourcelist=$(SC_APT)/sources.list \
           -o Dir::Etc::sourceparts=$(SC_APT)/sources.list.d \
           -o Dir::State::Lists=$(SC_APT)/lists \
           -o Dir::Cache=$(SC_APT)/cache \
           -o APT::Sandbox::User=root -o Acquire::Languages=none

CPPFLAGS += -isystem $(SC_OUT)/include
LIBS     += $(SC_OUT)/lib/libseccomp.a

$(OBJ) $(NAME): $(SC_STAMP)

# deb-src entries derived from the system's deb entries: one-line
# sources.list(.d/*.list) lines and deb822 .sources stanzas alike (URIs,
# Suites, Components, Signed-By kept; Types becomes deb-src).
define sc_derive_sources
	mkdir -p $(SC_APT)/sources.list.d $(SC_APT)/lists/partial \
		$(SC_APT)/cache/archives/partial; \
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | \
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' | sort -u \
		> $(SC_APT)/sources.list; \
	for f in /etc/apt/sources.list.d/*.sources; do [ -e "$$f" ] && cat "$$f"; \
		echo; done | awk 'BEGIN { RS = ""; ORS = "\n\n" } { \
		src = 0; out = ""; n = split($$0, l, "\n"); \
		for (i = 1; i <= n; i++) { \
			if (l[i] ~ /^Types:/) { \
				if (l[i] ~ /[ \t]deb(-src)?([ \t]|$$)/) src = 1; \
				l[i] = "Types: deb-src"; } \
			out = out l[i] "\n"; } \
		if (src) printf "%s\n", out }' \
		> $(SC_APT)/sources.list.d/deb-src.sources
endef

# A file in $(SC_DL) is used only when its sha256 matches the pin.
sc_ok = echo "$(2)  $(SC_DL)/$(1)" | sha256sum -c --quiet >/dev/null 2>&1

# Commands the recipe needs beyond deps.sh's build group; installed as root.
define sc_need
	command -v $(1) >/dev/null 2>&1 || { \
		if [ "$$(id -u)" != 0 ]; then \
			echo "libseccomp: needs '$(1)' (Debian package $(2)); install it as root"; \
			exit 1; fi; \
		echo "libseccomp: installing Debian package $(2) (for '$(1)')"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(2) >/dev/null; }
endef

$(SC_STAMP): third_party/libseccomp.mk | $(KINC)/.stamp $(B)/.deps-build
	@echo "libseccomp: building $(SC_VERSION)-$(SC_DEBREV) from Debian's source package (once)"
	@$(call sc_need,sha256sum,coreutils)
	@$(call sc_need,xz,xz-utils)
	@$(call sc_need,patch,patch)
	@$(call sc_need,objcopy,binutils)
	@mkdir -p $(SC_DL)
	@for f in $(SC_ORIG) $(SC_DEB); do \
		if [ ! -e $(SC_DL)/$$f ] && [ -e third_party/dl/$$f ]; then \
			echo "libseccomp: using third_party/dl/$$f"; \
			cp third_party/dl/$$f $(SC_DL)/; fi; done
	@if $(call sc_ok,$(SC_ORIG),$(SC_ORIG_SHA)) && \
	    $(call sc_ok,$(SC_DEB),$(SC_DEB_SHA)); then \
		echo "libseccomp: source already in $(SC_DL)"; \
	else \
		echo "libseccomp: deriving deb-src entries from /etc/apt into $(SC_APT)"; \
		$(sc_derive_sources); \
		if [ ! -s $(SC_APT)/sources.list ] && \
		   [ ! -s $(SC_APT)/sources.list.d/deb-src.sources ]; then \
			echo "libseccomp: no deb entries in /etc/apt/sources.list{,.d} to derive deb-src from"; \
			exit 1; fi; \
		echo "libseccomp: apt-get update (private lists in $(SC_APT))"; \
		apt-get $(SC_APTO) -qq update || \
			echo "libseccomp: warning: apt-get update reported errors; trying anyway"; \
		echo "libseccomp: apt-get source --download-only libseccomp=$(SC_VERSION)-$(SC_DEBREV)"; \
		(cd $(SC_DL) && apt-get $(SC_APTO) -qq source --download-only \
			libseccomp=$(SC_VERSION)-$(SC_DEBREV)) || exit 1; \
	fi
	@for p in "$(SC_ORIG) $(SC_ORIG_SHA)" "$(SC_DEB) $(SC_DEB_SHA)"; do \
		set -- $$p; \
		if ! echo "$$2  $(SC_DL)/$$1" | sha256sum -c --quiet >/dev/null 2>&1; then \
			echo "libseccomp: $(SC_DL)/$$1: sha256 mismatch"; \
			echo "  expected $$2"; \
			echo "  got      $$(sha256sum < $(SC_DL)/$$1 | cut -d' ' -f1)"; \
			exit 1; fi; \
		echo "libseccomp: $$1: sha256 ok"; done
	@echo "libseccomp: unpacking into $(SC_SRC), applying Debian's patches"
	@rm -rf $(SC_SRC) && mkdir -p $(SC_TOP) && \
		tar -xzf $(SC_DL)/$(SC_ORIG) -C $(SC_TOP) && \
		tar -xJf $(SC_DL)/$(SC_DEB) -C $(SC_SRC) && \
		cd $(SC_SRC) && sed -e 's/[[:space:]]*#.*//' -e '/^$$/d' debian/patches/series | \
		while read -r p opt; do echo "  $$p"; \
			patch -s $${opt:--p1} < debian/patches/$$p || exit 1; done
	@echo "libseccomp: configure CC=$(CC) --enable-static --disable-shared (log: $(SC_SRC)/build.log)"
	@cd $(SC_SRC) && ./configure CC="$(CC)" \
		CFLAGS="-Os -ffunction-sections -fdata-sections -isystem $(abspath $(KINC))" \
		--enable-static --disable-shared --disable-python \
		--prefix=$(SC_OUT) > build.log 2>&1 || \
		{ tail -n 30 build.log; echo "libseccomp: configure failed"; exit 1; }
	@echo "libseccomp: make -C src (the library only), install into $(SC_OUT)"
	@cd $(SC_SRC) && rm -rf $(SC_OUT) && \
		{ env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C src -j"$$(nproc)" && \
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
