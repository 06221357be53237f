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
want_podman="config.json: linux.namespaces[$(jq '.linux.namespaces | map(.type) | index("network")' "$S/podman-config.sample.json")].path: '$(jq -r '.linux.namespaces[] | select(.type == "network") | .path' "$S/podman-config.sample.json")': no such file or directory"
# and the engines' own files they bind (hosts, resolv.conf, ...) are gone
# with the machine the samples were made on: create would refuse them too
missing_sources() {
	jq -r '.mounts | to_entries[] | select((.value.options // []) |
		(index("bind") or index("rbind"))) | "\(.key) \(.value.source)"' "$1" |
	while read -r i src; do
		[ -e "$src" ] || echo "config.json: mounts[$i].source: '$src': no such file or directory"
	done
}
want_podman="$want_podman
$(missing_sources "$S/podman-config.sample.json")"
want_docker=$(missing_sources "$S/docker-config.sample.json")
want_sc=""
[ "$seccomp" = true ] || want_sc="
config.json: linux.seccomp: seccomp not compiled in (built with SECCOMP=0)"
testing "podman's config: only the vanished netns and bind sources (and seccomp if not built)" \
	"$OCIBOX check --bundle $T/podman" "$want_podman$want_sc" 1
testing "containerd's config: ok" "$OCIBOX check --bundle $T/containerd" "ok"
testing "docker's config: only the vanished bind sources (and seccomp if not built)" \
	"$OCIBOX check --bundle $T/docker" "$want_docker$want_sc" 1
testing "an engine's config with a missing rootfs names it" \
	"rm -rf $T/docker/rootfs; $OCIBOX check --bundle $T/docker | head -1" \
	"config.json: root.path: '$T/docker/rootfs': no such file or directory"
