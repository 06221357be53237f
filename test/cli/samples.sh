# samples.sh: config.json files real engines wrote (podman, containerd,
# docker; test/data/samples) parse, and `check` on a bundle made from each
# says ok or names exactly what this host lacks.
. "$TOP/test/lib.sh"
S=$TOP/test/data/samples
seccomp=$($OCIBOX features | jq -r .linux.seccomp.enabled)

for e in podman containerd docker; do
	mkdir -p "$T/$e"
	mkrootfs "$T/$e/rootfs"
	jq '.root.path = "rootfs"' "$S/$e-config.sample.json" > "$T/$e/config.json"
done
# podman joined a network namespace that existed only while it ran
want_podman="config.json: linux.namespaces: network path '$(jq -r '.linux.namespaces[] | select(.type == "network") | .path' "$S/podman-config.sample.json")': no such file or directory"
want_sc=""
[ "$seccomp" = true ] || want_sc="
config.json: linux.seccomp: seccomp not compiled in (built with SECCOMP=0)"
testing "podman's config: only the vanished netns (and seccomp if not built)" \
	"$OCIBOX check --bundle $T/podman" "$want_podman$want_sc" 1
testing "containerd's config: ok" "$OCIBOX check --bundle $T/containerd" "ok"
testing "docker's config: ok (or seccomp if not built)" \
	"$OCIBOX check --bundle $T/docker" "$([ "$seccomp" = true ] && echo ok || echo "${want_sc#?}")" \
	"$([ "$seccomp" = true ] && echo 0 || echo 1)"
testing "an engine's config with a missing rootfs names it" \
	"rm -rf $T/docker/rootfs; $OCIBOX check --bundle $T/docker | head -1" \
	"config.json: root.path: '$T/docker/rootfs': no such file or directory"
