# refusals.sh: what create refuses, check lists too, in the same words (one
# list: core/verify.c), naming the JSON path and leaving nothing behind; and
# the configs runc and crun run that ocibox used to refuse.
. "$TOP/test/lib.sh"
if ! is_root; then skip "refusals" "needs root"; exit 0; fi

base_bundle
NM=$(jq '.mounts | length' "$T/base.json")
NET=$(jq '.linux.namespaces | map(.type) | index("network")' "$T/base.json")
leftovers() { find "$ROOT" -mindepth 1 -maxdepth 1 ! -name .seccomp 2>/dev/null | wc -l; }

# agree DESC FILTER WANT: `check` lists WANT among its problems, create (and
# run) stop at exactly WANT, and nothing is left
agree() {
	printf '%s\n' "$3" > "$T/want"
	jq "$2" "$T/base.json" > "$B/config.json"
	testing "$1: check lists it" \
		"$OCIBOX check --bundle $B | grep -cFx -f $T/want" "1"
	testing "$1: create refuses in the same words" \
		"$O create --bundle $B agree 2>&1 | sed 's/^ocibox: create: //' | grep -cFx -f $T/want" "1"
	testing "$1: nothing left" "leftovers" "0"
}

agree "hostname without a uts namespace" \
	'.hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))' \
	"config.json: hostname: needs a uts namespace"
agree "domainname without a uts namespace" \
	'del(.hostname) | .domainname = "d" | .linux.namespaces |= map(select(.type != "uts"))' \
	"config.json: domainname: needs a uts namespace"
agree "uidMappings without a user namespace" \
	'.linux.uidMappings = [{containerID: 0, hostID: 1000, size: 1}]' \
	"config.json: linux.uidMappings: needs a user namespace"
agree "rlimit soft above hard: the index is named" \
	'.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 50}]' \
	"config.json: process.rlimits[0]: RLIMIT_NOFILE soft limit 100 is above the hard limit 50"
agree "a bind source that does not exist" \
	".mounts += [{destination: \"/mnt\", type: \"bind\", source: \"$T/nope\", options: [\"bind\"]}]" \
	"config.json: mounts[$NM].source: '$T/nope': no such file or directory"
agree "a namespace path that does not exist: the index is named" \
	".linux.namespaces[$NET].path = \"$T/nope-ns\"" \
	"config.json: linux.namespaces[$NET].path: '$T/nope-ns': no such file or directory"
agree "a root.path that does not exist: config.json prefix like every config error" \
	'.root.path = "nowhere"' \
	"config.json: root.path: '$B/nowhere': no such file or directory"
agree "a program that is not executable" \
	'.process.args = ["/etc/passwd"]' \
	'config.json: process.args[0]: exec "/etc/passwd": permission denied'
agree "intelRdt" '.linux.intelRdt = {closID: "x"}' \
	"config.json: linux.intelRdt: not supported"
agree "netDevices (spec 1.3): an interface that is not here" \
	'.ociVersion = "1.3.0" | .linux.netDevices = {ocbx404: {}}' \
	"config.json: linux.netDevices.ocbx404: no such network interface here: no such device"
agree "kernel.core_pattern (no namespace has it)" \
	'.linux.sysctl = {"kernel.core_pattern": "|/bin/false"}' \
	'config.json: linux.sysctl: "kernel.core_pattern" is not in a namespace the container can have (it would change the host)'
agree "a mount inside /proc" \
	'.mounts += [{destination: "/proc/sys/kernel", type: "tmpfs", source: "tmpfs"}]' \
	"config.json: mounts[$NM].destination: '/proc/sys/kernel' is inside /proc (only procfs at /proc, and procfs or the files lxcfs provides below it)"
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	skip "apparmorProfile without AppArmor" "AppArmor is enabled on this host"
else
	agree "apparmorProfile where AppArmor is not enabled (runc and crun refuse it)" \
		'.process.apparmorProfile = "ocibox-test"' \
		'config.json: process.apparmorProfile: "ocibox-test": AppArmor is not enabled on this host'
fi

# a relative destination works, with runc's warning
testing "relative mount destination: runs, with a warning naming it" \
	"r '.mounts += [{destination: \"rel\", type: \"tmpfs\", source: \"tmpfs\"}]' /bin/sh -c 'grep -c \" /rel \" /proc/self/mountinfo' 2>$T/warn; grep -c 'mounts\[$NM\].destination \"rel\" is not absolute' $T/warn" \
	"1
1"

# runc spec bundles: ambient capabilities without an inheritable set (the
# kernel refuses to raise those; runc and crun skip them, so do we)
testing "ambient without inheritable (runc spec): runs, nothing raised" \
	"r 'del(.process.capabilities.inheritable) | .process.capabilities.ambient = .process.capabilities.bounding' /probe cap Amb" \
	"0000000000000000"
if command -v runc >/dev/null 2>&1; then
	mkdir -p "$T/runc"
	(cd "$T/runc" && runc spec)
	jq '.root.path = "'"$B/rootfs"'" | .process.terminal = false | .process.args = ["/bin/echo", "hello"]' \
		"$T/runc/config.json" > "$T/runc/c.json" && mv "$T/runc/c.json" "$T/runc/config.json"
	testing "a bundle from \`runc spec\` runs unchanged" \
		"$O run --bundle $T/runc runcspec" "hello"
else
	skip "a bundle from runc spec" "runc is not installed"
fi
testing "ociVersion 1.3.0 without 1.3 features runs" \
	"r '.ociVersion = \"1.3.0\"' /bin/echo ok" "ok"

# no mount namespace: the runtime's is inherited (runtime-spec); nothing is
# mounted there (it would outlive the container) and / is not pivoted
own_root() { grep ' / / ' /proc/self/mountinfo; }
own_root > "$T/root.before"
d nomnt '.linux.namespaces |= map(select(.type != "mount"))' /bin/sleep 100
pid=$(cat "$T/nomnt.pid" 2>/dev/null)
testing "no mount namespace: the container shares the runtime's" \
	"[ \"\$(readlink /proc/$pid/ns/mnt)\" = \"\$(readlink /proc/self/ns/mnt)\" ] && echo same" "same"
testing "no mount namespace: its root is the rootfs (chroot)" \
	"readlink /proc/$pid/root" "$B/rootfs"
testing "no mount namespace: no host mount appeared" "count ' $B' /proc/self/mountinfo" "0"
testing "no mount namespace: the host's / propagation is unchanged" \
	"own_root | cmp -s - $T/root.before && echo same" "same"
$O delete --force nomnt
testing "rootfsPropagation unbindable: applied to the new root" \
	"r '.linux.rootfsPropagation = \"unbindable\"' /bin/grep -cE '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / .* unbindable ' /proc/self/mountinfo" "1"

# a bundle path that is not UTF-8 cannot be written to state.json: refused
# at create, and nothing is left that state/list/delete could not read
B2="$T/caf$(printf '\351')"
mkdir -p "$B2" && cp -a "$B/rootfs" "$B2/" && cp "$T/base.json" "$B2/config.json"
testing "non-UTF-8 bundle path: create refuses, saying why" \
	"$O create --bundle '$B2' latin1 2>&1 | grep -c 'config.json: bundle path is not valid UTF-8'" "1"
testing "non-UTF-8 bundle path: nothing left" "leftovers" "0"
testing "non-UTF-8 bundle path: list still works" "$O list -q" ""
testing "no process of ours left" "ours_left" "0"
