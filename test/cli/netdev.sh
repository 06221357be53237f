# netdev.sh: linux.netDevices (runtime-spec 1.3). The whole file runs in a
# network namespace of its own (unshare --net), so the "host" interfaces it
# moves are veths it made there, never the machine's. (This kernel has no
# dummy driver; a veth is virtual too: destroyed, not returned, when the
# namespace it is in goes away.)
. "$TOP/test/lib.sh"
if ! is_root; then skip "netdev" "needs root"; exit 0; fi
if [ -z "${OCIBOX_NETDEV_NS:-}" ]; then
	rm -rf "$T"
	exec env OCIBOX_NETDEV_NS=1 unshare --net sh "$0"
fi
trap cleanup EXIT

base_bundle
ln -sf busybox "$B/rootfs/bin/ip"
ip link add ocbx0 type veth peer name ocbx0p
ip addr add 10.123.0.1/24 dev ocbx0
ip link set ocbx0 up
ip link add ocbx1 type veth peer name ocbx1p
# host IF: "NAME up|down|absent ADDRESS" as this namespace (the host) sees it
# (ip, not /sys/class/net: sysfs shows the namespace that mounted it)
host() {
	if l=$(ip -o link show dev "$1" 2>/dev/null); then
		case $l in *[\<,]UP[,\>]*) u=up ;; *) u=down ;; esac
		echo "$1 $u $(ip -o -4 addr show dev "$1" | awk '{print $4}')"
	else
		echo "$1 absent "
	fi
}
NETDEVS='.linux.netDevices = {"ocbx0": {"name": "eth9"}, "ocbx1": {}}'

testing "run: eth9 inside, up, with its address; ocbx1 under its own name" \
	"r '$NETDEVS' /bin/sh -c 'ip -o -4 addr show dev eth9 | awk \"{print \\\$4}\"; ip -o link show eth9 | grep -c \",UP\"; ip -o link show ocbx1 | grep -c \",UP\"'" \
	"10.123.0.1/24
1
1"
# a veth in a namespace that dies is destroyed with it: back only because
# the namespace was pinned until delete moved it out
testing "after run: both back on the host, down, the address kept" \
	"host ocbx0; host ocbx1" "ocbx0 down 10.123.0.1/24
ocbx1 down "
testing "after run: no eth9 here, nothing left" \
	"ip link show dev eth9 2>/dev/null || echo none; states | wc -l" "none
0"

d n1 "$NETDEVS" /bin/sleep 100
testing "detached: the interfaces have left the host" \
	"host ocbx0; host ocbx1" "ocbx0 absent 
ocbx1 absent "
testing "detached: the network namespace is pinned in the state dir" \
	"stat -f -c %T $ROOT/n1/netns" "nsfs"
$O kill n1 KILL
wait_for 5 eval '[ "$(status n1)" = stopped ]'
testing "stopped: the interfaces wait in the pinned namespace" \
	"host ocbx0" "ocbx0 absent "
testing_rc "delete" 0 "$O delete n1"
testing "delete brought them back" "host ocbx0; host ocbx1" \
	"ocbx0 down 10.123.0.1/24
ocbx1 down "
testing "delete: no pin, no state left" \
	"grep -c \" $ROOT/\" /proc/self/mountinfo; states | wc -l" "0
0"

d n2 "$NETDEVS" /bin/sleep 100
testing_rc "delete --force of a running one" 0 "$O delete --force n2"
testing "delete --force brought them back" "host ocbx0; host ocbx1" \
	"ocbx0 down 10.123.0.1/24
ocbx1 down "

# refusals, each before anything moved or was made
refused() { # DESC FILTER EXPECTED
	cfg_args "$2" /bin/true
	$O create --bundle "$B" bad > "$T/bad.out" 2>&1; rc=$?
	testing "$1" "cat $T/bad.out; echo rc=$rc" "$3
rc=1"
	testing "$1: nothing left, ocbx0 still here" \
		"states | wc -l; grep -c \" $ROOT/\" /proc/self/mountinfo; host ocbx0" \
		"0
0
ocbx0 down 10.123.0.1/24"
}
refused "no network namespace of its own" \
	"$NETDEVS | .linux.namespaces |= map(select(.type != \"network\"))" \
	'ocibox: create: config.json: linux.netDevices: needs a network namespace of the container'"'"'s own (linux.namespaces has no "network" entry, or its path is the runtime'"'"'s)'
refused "an interface that is not here" '.linux.netDevices = {"nosuch9": {}}' \
	'ocibox: create: config.json: linux.netDevices.nosuch9: no such network interface here: no such device'
refused "not an interface name" '.linux.netDevices = {"ocbx0": {"name": "a/b"}}' \
	'ocibox: create: config.json: linux.netDevices.ocbx0.name: "a/b" is not a network interface name (1 to 15 bytes; no slash, colon or space)'
refused "two interfaces, one name" '.linux.netDevices = {"ocbx0": {"name": "e0"}, "ocbx1": {"name": "e0"}}' \
	'ocibox: create: config.json: linux.netDevices.ocbx1.name: "e0" is also the name of linux.netDevices.ocbx0'
# the kernel refuses the second move: the first is undone
refused "a name taken in the container (lo): the first move is undone" \
	'.linux.netDevices = {"ocbx0": {"name": "eth9"}, "ocbx1": {"name": "lo"}}' \
	'ocibox: create: config.json: linux.netDevices.ocbx1: move "ocbx1": the other namespace already has an interface "lo": file exists'
testing "check refuses what create refuses" \
	"cfg_args '.linux.netDevices = {\"nosuch9\": {}}' /bin/true; $O check --bundle $B 2>&1" \
	'config.json: linux.netDevices.nosuch9: no such network interface here: no such device' 1
testing "features: netDevices enabled" \
	"$OCIBOX features | jq -r .linux.netDevices.enabled" "true"
testing "no runtime process left" "ours_left" "0"
