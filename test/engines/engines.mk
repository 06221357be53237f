# test/engines/engines.mk: `make test-engines`, the engine tier: podman
# (conmon), containerd (ctr + runc v2 shim) and dockerd drive ocibox (see
# test/engines/run.sh). Included by the Makefile. Podman's and docker's
# default seccomp profiles need a binary built with SECCOMP=1; when the main
# build has none, a seccomp flavour is built under $(B)/seccomp.
ifeq ($(SECCOMP),1)
ENGINES_BIN := $(NAME)
else
ENGINES_BIN := $(B)/seccomp/$(NAME)
# the sub-make knows the sources; this one only asks it every time
.PHONY: $(ENGINES_BIN)
$(ENGINES_BIN):
	@$(MAKE) --no-print-directory B=$(B)/seccomp SECCOMP=1 NAME=$@ deps
	@$(MAKE) --no-print-directory B=$(B)/seccomp SECCOMP=1 NAME=$@ $@
endif

test-engines:
	$(call setup,build test,$(ENGINES_BIN) $(B)/test/probe)
	@OCIBOX=$(abspath $(ENGINES_BIN)) PROBE=$(abspath $(B)/test/probe) \
		bash test/engines/run.sh

.PHONY: test-engines
