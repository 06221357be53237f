# ocibox: one non-recursive Makefile (goals that set up first hand the build
# to a sub-make of this same file). `make`, `make deps`, `make test`,
# `make demo`, `make bench`, `make check`, `make size`, `make install`,
# `make clean`.
include config.mk
-include config.local.mk

GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
CORE_SRC   := $(sort $(wildcard core/*.c))
APPLET_SRC := $(sort $(wildcard applets/*.c))
CORE_OBJ   := $(CORE_SRC:%.c=$(B)/%.o)
OBJ        := $(CORE_OBJ) $(APPLET_SRC:%.c=$(B)/%.o)
LIB_OBJ    := $(filter-out $(B)/core/main.o,$(CORE_OBJ))
UNIT_SRC   := $(sort $(wildcard test/unit/*.c))
UNIT_BIN   := $(UNIT_SRC:test/unit/%.c=$(B)/test/unit/%)
SAN_BIN    := $(UNIT_SRC:test/unit/%.c=$(B)/san/test/unit/%)
KINC       := $(B)/kinclude
# quiet by default ("  CC core/json.c"); V=1 prints the commands
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1) $(2)"
endif
SANFLAGS   := -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all
LIBS       :=
SC_FETCH   :=

# What comes from outside is set up by goals, never by an object's rule:
# `make deps` installs the Debian packages (deps.sh, as root) and fetches
# libseccomp's source (third_party/fetch-libseccomp.sh, SECCOMP=1); the test
# goals and demo do the same first. $(call setup,DEPS-GROUPS,TARGETS): that,
# then TARGETS in a sub-make, so that no compile starts before it is done.
define setup
@sh third_party/deps.sh $(1)
$(SC_FETCH)
+@$(MAKE) --no-print-directory $(2)
endef

# The default goal, before any fragment can define a target: only checks
# for the packages (installing is `make deps`'s), fetches a missing
# libseccomp source, builds.
all:
	$(call setup,-n build,$(NAME))

# Fragments owned by their modules: libseccomp's static build (SECCOMP=1),
# the pure cgroup v2 VM test tier, the engine tier and the Kubernetes CRI tier.
-include third_party/libseccomp.mk
-include test/vm/vm.mk
-include test/systemd/systemd.mk
-include test/engines/engines.mk
-include test/k8s/k8s.mk

deps:
	@sh third_party/deps.sh build
	$(SC_FETCH)

# musl-gcc has no kernel headers: borrow linux-libc-dev's, and only those
# (never glibc's), through a build-local include directory.
$(KINC)/.stamp:
	@mkdir -p $(KINC)
	ln -sfn /usr/include/linux $(KINC)/linux
	ln -sfn /usr/include/asm-generic $(KINC)/asm-generic
	ln -sfn /usr/include/$(shell gcc -print-multiarch)/asm $(KINC)/asm
	@touch $@

$(B)/%.o: %.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/core/main.o: CPPFLAGS += -DGIT_COMMIT=\"$(GIT_COMMIT)\"

$(NAME): $(OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

# Unit tests: one program per core module, linked with core/ (not main).
$(B)/test/unit/%: test/unit/%.c $(LIB_OBJ) test/unit/check.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LIBS)

# The sanitizer flavour: glibc + ASan/UBSan (ASan cannot be static musl).
$(B)/san/%.o: %.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(call say,CC-SAN,$<)
	$(Q)cc $(filter-out -DENABLE_SECCOMP=%,$(CPPFLAGS)) -DENABLE_SECCOMP=0 $(SANFLAGS) -std=gnu11 -Wall -MMD -MP -c -o $@ $<

$(B)/san/test/unit/%: test/unit/%.c $(LIB_OBJ:$(B)/%=$(B)/san/%) test/unit/check.h
	@mkdir -p $(@D)
	cc $(filter-out -DENABLE_SECCOMP=%,$(CPPFLAGS)) -DENABLE_SECCOMP=0 $(SANFLAGS) -std=gnu11 -o $@ $< \
		$(LIB_OBJ:$(B)/%=$(B)/san/%)

# The static probe that test rootfs carry as /probe.
$(B)/test/probe: test/probe/probe.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(B)/test/bench: test/bench/bench.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# the kernel's floor: the benchmark container's kernel work and nothing else
$(B)/test/floor: test/bench/floor.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# libseccomp alone compiling a profile, for its peak memory (bench)
$(B)/test/scpeak: test/bench/scpeak.c $(SC_STAMP) | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LIBS)

BENCH_BINS := $(NAME) $(B)/test/bench $(B)/test/floor
ifeq ($(SECCOMP),1)
BENCH_BINS += $(B)/test/scpeak
endif
bench:
	$(call setup,build test bench,$(BENCH_BINS))
	@sh test/bench/run.sh $(BENCH_N)

ifeq ($(SAN),1)
TEST_BINS := $(UNIT_BIN) $(SAN_BIN)
else
TEST_BINS := $(UNIT_BIN)
endif

test:
	$(call setup,build test,$(NAME) $(TEST_BINS) $(B)/test/probe)
	@SAN=$(SAN) sh test/run.sh

# make check: the tests, a static binary, and the footprint budgets of
# config.mk (test/check/budget.sh) against this build and a SECCOMP=0 one
# built beside it in $(B)/nosc.
NOSC := $(B)/nosc

$(B)/test/maxrss: test/check/maxrss.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -o $@ $< $(LDFLAGS)

check: test
	@if readelf -d $(NAME) | grep -q NEEDED; then \
		echo "$(NAME) is not static"; exit 1; else echo "$(NAME): static"; fi
	+@$(MAKE) --no-print-directory $(B)/test/maxrss
	+@$(MAKE) --no-print-directory SECCOMP=0 B=$(NOSC) NAME=$(NOSC)/$(NAME) $(NOSC)/$(NAME)
	@BUDGET_BYTES=$(BUDGET_BYTES) BUDGET_BYTES_NOSC=$(BUDGET_BYTES_NOSC) \
		BUDGET_RSS_KIB=$(BUDGET_RSS_KIB) BUDGET_RUN_FAULTS=$(BUDGET_RUN_FAULTS) OCIBOX=$(abspath $(NAME)) \
		PROBE=$(abspath $(B)/test/probe) TOP=$(CURDIR) \
		sh test/check/budget.sh $(NAME) $(NOSC)/$(NAME) $(B)/test/maxrss

# make size: size(1), the bytes each module puts in the binary (from the
# linker's map), the largest symbols, and what changed since the last
# make size (test/check/size.sh, bloat.sh; kept in $(B)/size). LTO melts
# the modules together, so the map comes from a link of objects built
# without it ($(B)/size/); the difference is what LTO saves.
SIZE_OBJ := $(OBJ:$(B)/%=$(B)/size/%)
$(B)/size/%.o: %.c | $(KINC)/.stamp
	@mkdir -p $(@D)
	$(call say,CC-SIZE,$<)
	$(Q)$(CC) $(CPPFLAGS) -isystem $(KINC) $(CFLAGS) -fno-lto -MMD -MP -c -o $@ $<
$(B)/size/core/main.o: CPPFLAGS += -DGIT_COMMIT=\"$(GIT_COMMIT)\"
$(SIZE_OBJ): $(B)/.seccomp-$(SECCOMP)

size: $(NAME) $(SIZE_OBJ)
	@size $(NAME)
	@ls -l $(NAME) | awk '{print "$(NAME): " $$5 " bytes"}'
	@$(CC) $(CFLAGS) -fno-lto $(filter-out -s,$(LDFLAGS)) -Wl,-Map=$(B)/size/ocibox.map \
		-o $(B)/size/unstripped $(SIZE_OBJ) $(LIBS)
	@$(CC) $(CFLAGS) -fno-lto $(LDFLAGS) -o $(B)/size/stripped $(SIZE_OBJ) $(LIBS)
	@echo "without LTO: $$(stat -c %s $(B)/size/stripped) bytes (LTO saves $$(($$(stat -c %s $(B)/size/stripped) - $$(stat -c %s $(NAME)))))"
	@sh test/check/size.sh $(B)/size

demo:
	$(call setup,build test,$(NAME))
	@sh test/demo.sh

install: $(NAME)
	install -D -m 0755 $(NAME) $(DESTDIR)$(PREFIX)/bin/$(NAME)
	./$(NAME) --install $(DESTDIR)$(PREFIX)/libexec/$(NAME)
	for f in $(DESTDIR)$(PREFIX)/libexec/$(NAME)/*; do \
		ln -sfn $(PREFIX)/bin/$(NAME) $$f; done

clean:
	rm -rf $(B) $(NAME)

.PHONY: all deps test check size demo bench install clean
# keep the objects pattern chains build (the sanitizer flavour's): make
# would delete them as intermediates and rebuild them on every run
.SECONDARY:
-include $(OBJ:.o=.d) $(wildcard $(B)/size/*/*.d)
