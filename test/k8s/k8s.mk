# test/k8s/k8s.mk: `make test-k8s`, the Kubernetes CRI tier: the calls a
# kubelet makes, sent by the project's own CRI client (test/k8s/cri.py) to a
# private containerd's CRI plugin, whose runc v2 shim runs ocibox or runc
# (the control) by the pod's runtime handler (see test/k8s/run.sh).
# Included by the Makefile. As root it installs what is missing (deps.sh
# k8s: containerd, containernetworking-plugins, protobuf-compiler,
# python3-grpcio), fetches Debian's containerd source package for the CRI's
# api.proto (runtime.v1), compiles it with protoc, and builds the pause
# program. K8S_CGROUP_DRIVER=systemd runs it with SystemdCgroup = true
# (on a systemd host: the systemd VM tier). Run it under the machine's test
# lock: flock -o /tmp/ocibox-ctest.lock make test-k8s
K8S_CGROUP_DRIVER = cgroupfs
K8S_B   = $(B)/k8s
# the source package of the containerd that is installed (its CRI plugin is
# what the client speaks to); the orig tarball is pinned, whatever the
# Debian revision, and fetched next to libseccomp's (sharing its private
# apt lists) by the same script
K8S_CTRD_ORIG = containerd_1.6.20~ds1.orig.tar.xz
K8S_CTRD_SHA  = 270136d05125f15636f036d4ea846581c0e49a1d3a5e6001115098f4b656d688
K8S_CTRD_DIR  = containerd-1.6.20
K8S_DL        = $(abspath $(B))/third_party/containerd
K8S_PROTO     = $(K8S_CTRD_DIR)/vendor/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto
# default seccomp (the restricted pod's RuntimeDefault) needs SECCOMP=1:
# engines.mk builds that flavour when the main build has none
K8S_BIN := $(if $(filter 1,$(SECCOMP)),$(NAME),$(ENGINES_BIN))

# runtime.v1's messages for python; the gogoproto options (Go code
# generation only) are dropped, so that protoc needs no gogo.proto
$(K8S_B)/api_pb2.py: $(K8S_DL)/$(K8S_CTRD_ORIG)
	@mkdir -p $(@D)
	tar -xJOf $< $(K8S_PROTO) | sed '/gogoproto/d' > $(K8S_B)/api.proto
	protoc -I$(K8S_B) --python_out=$(K8S_B) $(K8S_B)/api.proto

$(K8S_B)/pause: test/k8s/pause.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

test-k8s:
	$(call setup,build test k8s,$(K8S_BIN) $(B)/test/probe)
	@sh third_party/fetch-libseccomp.sh $(K8S_DL) \
		containerd=$$(dpkg-query -W -f '$${Version}' containerd) $(K8S_CTRD_ORIG) $(K8S_CTRD_SHA)
	+@$(MAKE) --no-print-directory $(K8S_B)/api_pb2.py $(K8S_B)/pause
	@OCIBOX=$(abspath $(K8S_BIN)) PROBE=$(abspath $(B)/test/probe) K8S_B=$(abspath $(K8S_B)) \
		K8S_CGROUP_DRIVER=$(K8S_CGROUP_DRIVER) bash test/k8s/run.sh

.PHONY: test-k8s
