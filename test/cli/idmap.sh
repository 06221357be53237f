# idmap.sh: id-mapped bind mounts (mounts[].uidMappings/gidMappings and the
# "idmap"/"ridmap" options, runtime-spec 1.1+), on tmpfs and on this
# machine's ext4 (both take MOUNT_ATTR_IDMAP here). A mapping
# {containerID: C, hostID: H} shows a file the filesystem stores as owned by
# C as owned by H through the mount, and stores what H writes there as C.
. "$TOP/test/lib.sh"
if ! is_root; then skip "idmap" "needs root"; exit 0; fi

base_bundle
chmod 755 "$T"   # the user namespace's root (host 100000) walks to the rootfs
mkdir -p "$T/vol" "$T/ext"
mount -t tmpfs -o mode=0777 ocibox-idmap "$T/vol"
mkdir "$T/vol/sub"
mount -t tmpfs -o mode=0777 ocibox-idmap-sub "$T/vol/sub"
chmod 0777 "$T/ext"
touch "$T/vol/owned" && chown 1000:1000 "$T/vol/owned"
# vol OPTS MAPPINGS: a mounts[] entry binding $T/vol at /vol
# 0 and 1000 swapped: the kernel lets no one create in a directory whose
# owner the mount does not map, so the directories' owner (0) maps too
MAP1000='uidMappings: [{containerID: 1000, hostID: 0, size: 1}, {containerID: 0, hostID: 1000, size: 1}], gidMappings: [{containerID: 1000, hostID: 0, size: 1}, {containerID: 0, hostID: 1000, size: 1}]'
vol() { echo ".mounts += [{destination: \"/vol\", type: \"bind\", source: \"${3:-$T/vol}\", options: $1${2:+, $2}}]"; }
owner() { stat -c %u:%g "$1"; }

testing "idmap on tmpfs: what root writes is stored as 1000" \
	"r '$(vol '["bind", "idmap"]' "$MAP1000")' /bin/sh -c 'touch /vol/new && stat -c %u:%g /vol/owned /vol/new'; owner $T/vol/new" \
	"0:0
0:0
1000:1000"
testing "idmap on ext4: the same" \
	"r '$(vol '["bind", "idmap"]' "$MAP1000" "$T/ext")' /bin/touch /vol/new; owner $T/ext/new" \
	"1000:1000"
# "idmap" maps the top mount of an rbind only, "ridmap" every one of them
testing "rbind + idmap: the submount is not mapped" \
	"r '$(vol '["rbind", "idmap"]' "$MAP1000")' /bin/touch /vol/sub/a; owner $T/vol/sub/a" \
	"0:0"
testing "rbind + ridmap: the submount is mapped too" \
	"r '$(vol '["rbind", "ridmap"]' "$MAP1000")' /bin/touch /vol/sub/b; owner $T/vol/sub/b" \
	"1000:1000"
testing "mappings without the option: mapped (the spec's SHOULD, not a MUST)" \
	"r '$(vol '["bind"]' "$MAP1000")' /bin/touch /vol/c; owner $T/vol/c" \
	"1000:1000"
# Kubernetes' hostUsers: false: the container's root is host 100000; a bare
# "idmap" takes the container's mappings, so its root writes as root
USERNS='.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
testing "user namespace + bare idmap: the container's root writes as root" \
	"r '$USERNS | $(vol '["bind", "idmap"]')' /bin/sh -c 'touch /vol/k && stat -c %u:%g /vol/k /vol/owned'; owner $T/vol/k" \
	"0:0
1000:1000
0:0"
testing "user namespace without idmap: the same write is 100000's" \
	"r '$USERNS | $(vol '["rbind"]')' /bin/touch /vol/u; owner $T/vol/u" \
	"100000:100000"

refused() { # DESC FILTER EXPECTED
	cfg_args "$2" /bin/true
	$O create --bundle "$B" bad > "$T/bad.out" 2>&1; rc=$?
	testing "$1" "cat $T/bad.out; echo rc=$rc" "$3
rc=1"
	testing "$1: nothing left" "states | wc -l; count ' $T/bundle' /proc/self/mountinfo" "0
0"
}
refused "idmap on a mount that is not a bind" \
	'.mounts += [{destination: "/vol", type: "tmpfs", source: "tmpfs", options: ["idmap"]}]' \
	"ocibox: create: config.json: mounts[7]: an id-mapped mount must be a bind mount"
refused "uidMappings without gidMappings" \
	"$(vol '["bind", "idmap"]' 'uidMappings: [{containerID: 1000, hostID: 0, size: 1}]')" \
	"ocibox: create: config.json: mounts[7]: uidMappings and gidMappings go together"
refused "a bare idmap without a user namespace" "$(vol '["bind", "idmap"]')" \
	'ocibox: create: config.json: mounts[7]: "idmap" needs uidMappings and gidMappings, of the mount or of linux for the container'"'"'s user namespace'
mkdir -p "$T/rfs"
mount -t ramfs ocibox-idmap-ramfs "$T/rfs"
refused "a filesystem without idmapped mounts (ramfs)" \
	"$(vol '["bind", "idmap"]' "$MAP1000" "$T/rfs")" \
	"ocibox: create: config.json: mounts[7]: id-map '$T/rfs' (does its filesystem support idmapped mounts?): invalid argument"
testing "check refuses what create refuses" \
	"cfg_args '$(vol '["bind", "idmap"]')' /bin/true; $O check --bundle $B 2>&1" \
	'config.json: mounts[7]: "idmap" needs uidMappings and gidMappings, of the mount or of linux for the container'"'"'s user namespace' 1
testing "features: idmap enabled, idmap and ridmap listed" \
	"$OCIBOX features | jq -r '[.linux.mountExtensions.idmap.enabled, (.mountOptions | index(\"idmap\") != null), (.mountOptions | index(\"ridmap\") != null)] | join(\" \")'" \
	"true true true"
testing "no runtime process left" "ours_left" "0"
