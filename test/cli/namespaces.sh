# namespaces.sh: new and joined namespaces: pid, cgroup, ipc, uts, user
# (with id maps), network (joined by path), time (with offsets).
. "$TOP/test/lib.sh"
if ! is_root; then skip "namespaces" "needs root"; exit 0; fi

chmod 755 "$T"  # the mapped root must reach the rootfs
base_bundle
NETNS=ocibox-test-$$
trap 'ip netns delete $NETNS 2>/dev/null; cleanup' EXIT

ns() { readlink "/proc/$1/ns/$2"; }

# pid, cgroup, ipc, uts
testing "pid namespace: the program is pid 1" "r . /bin/sh -c 'echo \$\$'" "1"
testing "no pid namespace: not pid 1" \
	"r 'del(.linux.namespaces[] | select(.type == \"pid\"))' /bin/sh -c '[ \$\$ != 1 ] && echo host'" "host"
testing "cgroup namespace: every hierarchy is at /" \
	"r . /bin/grep -vc ':/\$' /proc/self/cgroup" "0" 1
testing "ipc namespace is new" "r . /bin/readlink /proc/self/ns/ipc | grep -vxc '$(ns self ipc)'" "1"
testing "uts namespace is new" "r . /bin/readlink /proc/self/ns/uts | grep -vxc '$(ns self uts)'" "1"
testing "no network namespace: the host's" \
	"r 'del(.linux.namespaces[] | select(.type == \"network\"))' /bin/readlink /proc/self/ns/net" "$(ns self net)"

# user namespace with maps
USERNS='.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
testing "userns: root inside" "r '$USERNS' /probe ids" "0 0"
testing "userns: uid_map" "r '$USERNS' /bin/cat /proc/self/uid_map" \
	"$(printf '%10u %10u %10u' 0 100000 65536)"
testing "userns: gid_map" "r '$USERNS' /bin/cat /proc/self/gid_map" \
	"$(printf '%10u %10u %10u' 0 200000 65536)"
testing "userns: the rootfs is still readable" "r '$USERNS' /bin/head -1 /etc/passwd" \
	"root:x:0:0:root:/root:/bin/sh"
testing "userns: host root's files are nobody's" "r '$USERNS' /probe owner /etc/passwd" \
	"65534:65534"
testing "userns: /dev/null is bound from the host" "r '$USERNS' /probe stat /dev/null" \
	"char 1:3 0666"
testing "userns: /dev/zero works" "r '$USERNS' /bin/sh -c 'head -c 3 /dev/zero | wc -c'" "3"
testing "userns: /sys is mounted read-only" "r '$USERNS' /probe ro /sys/kernel" "ro"
testing "userns: /sys has content" "r '$USERNS' /bin/sh -c 'test -d /sys/kernel/mm && echo yes'" "yes"
testing "userns: /sys/fs/cgroup has hierarchies" \
	"r '$USERNS' /bin/sh -c 'ls /sys/fs/cgroup | grep -c .' | grep -vxc 0" "1"
testing "userns: caps only inside the namespace" "r '$USERNS' /probe cap Eff" "0000000020000420"
d u1 "$USERNS" /bin/sleep 100
UPID=$(cat "$T/u1.pid" 2>/dev/null)
testing "userns: the host sees the mapped uid" \
	"grep '^Uid:' /proc/$UPID/status | tr -s '\t ' ' '" "Uid: 100000 100000 100000 100000"
testing "userns: the host sees the mapped gid" \
	"grep '^Gid:' /proc/$UPID/status | tr -s '\t ' ' '" "Gid: 200000 200000 200000 200000"
# a second container joins the first one's user namespace (no maps),
# as a pod does: its other namespaces must belong to that user namespace
JOIN=".linux.namespaces += [{type: \"user\", path: \"/proc/$UPID/ns/user\"}]"
JOINPID="$JOIN | .linux.namespaces = [.linux.namespaces[] | if .type == \"pid\" then .path = \"/proc/$UPID/ns/pid\" else . end]"
testing "join another container's user and pid namespaces" \
	"r '$JOINPID' /bin/sh -c 'readlink /proc/self/ns/user; readlink /proc/self/ns/pid'" \
	"$(ns "$UPID" user)
$(ns "$UPID" pid)"
testing "joined user namespace: root inside" "r '$JOINPID' /probe ids" "0 0"
testing "joined user namespace: hostname set in a uts namespace it owns" \
	"r '$JOINPID | .hostname = \"pod\"' /bin/hostname" "pod"
testing "joined user namespace: sysctl in a network namespace it owns" \
	"r '$JOINPID | .linux.sysctl = {\"net.ipv4.ip_forward\": \"1\"}' /bin/cat /proc/sys/net/ipv4/ip_forward" "1"
# a NEW pid namespace with a JOINED user namespace must be owned by the
# latter: the child unshares it after setns and forks the init (SYNC_PID)
testing "join another container's user namespace, new pid namespace" \
	"r '$JOIN' /bin/readlink /proc/self/ns/user" "$(ns "$UPID" user)"
# (the hook runs in the container's namespaces, the joined user namespace
# too: as uid 100000 on the host, it can write only where others may)
mkdir -m 1777 "$T/cc"
jq "$JOIN | .process.args = [\"/bin/sleep\", \"30\"] | .hooks = {createContainer: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat > $T/cc/cc.json\"]}]}" "$T/base.json" > "$B/config.json"
$O create --bundle "$B" jc >/dev/null 2>&1
testing "joined user namespace, new pid namespace: hooks get the real init's pid" \
	"$O state jc > $T/jc.json && p=\$(jq .pid $T/jc.json) && [ \"\$p\" -gt 0 ] && [ \"\$(jq .pid $T/cc/cc.json)\" = \"\$p\" ] && echo same" "same"
$O delete -f jc >/dev/null 2>&1
testing "joined user namespace, new pid namespace: the init is pid 1 with /proc" \
	"r '$JOIN' /bin/sh -c 'echo \$\$; ls /proc/1/ns >/dev/null && echo proc'" "1
proc"
$O delete -f u1 >/dev/null 2>&1
testing "a new userns without maps is refused" \
	"r '.linux.namespaces += [{type: \"user\"}]' /bin/true 2>&1" \
	"ocibox: run: config.json: linux.uidMappings: a new user namespace needs uid and gid mappings" 1

# network namespace joined by path
if ip netns add "$NETNS" 2>/dev/null; then
	NETJ=".linux.namespaces = [.linux.namespaces[] | if .type == \"network\" then .path = \"/run/netns/$NETNS\" else . end]"
	testing "join a network namespace by path" "r '$NETJ' /bin/readlink /proc/self/ns/net" \
		"net:[$(stat -L -c %i /run/netns/$NETNS)]"
	# a createRuntime hook runs in the runtime's namespaces: had the runtime
	# joined the network namespace itself, the hook would be there too
	testing "joining did not move the runtime" \
		"r '$NETJ | .hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"readlink /proc/self/ns/net > $T/hook.net\"]}]}' /bin/true && cat $T/hook.net" \
		"$(ns self net)"
	testing "a path that is not a network namespace is refused" \
		"r '.linux.namespaces = [.linux.namespaces[] | if .type == \"network\" then .path = \"/proc/self/ns/uts\" else . end]' /bin/true 2>&1" \
		"ocibox: run: config.json: linux.namespaces[$(jq '.linux.namespaces | map(.type) | index("network")' "$T/base.json")].path: '/proc/self/ns/uts' is not a network namespace" 1
	ip netns delete "$NETNS"
else
	skip "join a network namespace by path" "ip netns add failed"
fi

# time namespace
TIMENS='.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}, monotonic: {secs: 1728000, nanosecs: 0}}'
testing "timens: /proc/uptime is at least the boottime offset" \
	"r '$TIMENS' /bin/sh -c 'read u i < /proc/uptime; [ \${u%%.*} -ge 864000 ] && echo yes'" "yes"
# as the runtime's side sees it: a createRuntime hook runs in the runtime's
# namespaces, so it would see the offsets had the runtime entered the new
# time namespace itself
testing "timens: the host's uptime is unchanged" \
	"r '$TIMENS | .hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat /proc/uptime > $T/hook.uptime\"]}]}' /bin/true && read u i < $T/hook.uptime && [ \${u%%.*} -lt 864000 ] && echo yes" "yes"
testing "timens: a new time namespace" "r '$TIMENS' /bin/readlink /proc/self/ns/time | grep -vxc '$(ns self time)'" "1"

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
