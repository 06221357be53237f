# cgroup.sh: cgroups of real containers: resources from config.json read back
# from the kernel, ps, pause/resume, update, kill --all, devices, OOM, check,
# and no cgroup left behind. Runs on the host (v1/hybrid) and, through
# `make test-vm`, on pure v2 under busybox sh: no jq, POSIX sh only.
. "$TOP/test/lib.sh"
if ! is_root; then skip "cgroup" "needs root"; exit 0; fi

P=ocibox-test-cli-$$
CG=/sys/fs/cgroup
if [ -f $CG/cgroup.controllers ]; then V2=1; else V2=; fi

# cgf CONTROLLER ID FILE: a file of container ID's cgroup (below $P)
cgf() { if [ -n "$V2" ]; then echo "$CG/$P/$2/$3"; else echo "$CG/$1/$P/$2/$3"; fi; }
rdf() { cat "$(cgf "$@")" 2>&1; }
st() { $O state "$1" 2>/dev/null | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'; }
pid_of() { $O state "$1" 2>/dev/null | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'; }
ndirs() { # cgroup directories left below $P, every hierarchy
	for d in $CG/$P $CG/*/$P; do [ -d "$d" ] && find "$d" -mindepth 1 -type d; done | wc -l
}
cgprocs() { # the pids in any cgroup below $P
	for d in $CG/$P $CG/*/$P; do
		[ -d "$d" ] && find "$d" -name cgroup.procs -exec cat {} +
	done 2>/dev/null
}
cgcleanup() { # also what a failed delete left: thaw, kill, rmdir deepest first
	cleanup
	for d in $CG/$P $CG/*/$P; do
		[ -d "$d" ] || continue
		find "$d" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \;
		find "$d" -name cgroup.freeze -exec sh -c 'echo 0 > "$1"' _ {} \;
	done 2>/dev/null
	cgprocs | xargs -r kill -9 2>/dev/null
	wait_for 5 eval '[ -z "$(cgprocs)" ]'
	for d in $CG/$P $CG/*/$P; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \;
	done 2>/dev/null
}
trap cgcleanup EXIT

# cfg BUNDLE ARGS-JSON RESOURCES-JSON [EXTRA-MOUNTS-JSON] [CGROUPS-PATH]: config.json
cfg() {
	mounts='{"destination":"/proc","type":"proc","source":"proc"},
	 {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=755"]},
	 {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["newinstance","ptmxmode=0666"]},
	 {"destination":"/sys","type":"sysfs","source":"sysfs","options":["ro","nosuid","nodev","noexec"]}'
	[ -n "${4:-}" ] && mounts="$mounts,$4"
	cgp=${5-/$P/${1##*/}}
	cgl=
	[ -n "$cgp" ] && cgl="\"cgroupsPath\":\"$cgp\","
	cat > "$1/config.json" <<EOF
{"ociVersion":"1.2.0",
 "process":{"terminal":false,"user":{"uid":0,"gid":0},"args":$2,"cwd":"/",
  "env":["PATH=/bin"]},
 "root":{"path":"rootfs"},"hostname":"cg",
 "mounts":[$mounts],
 "linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"ipc"},{"type":"uts"}],
  $cgl
  "resources":$3}}
EOF
}
# bundle NAME: a bundle directory $T/NAME with a rootfs; the container id is NAME too
bundle() { mkdir -p "$T/$1"; mkrootfs "$T/$1/rootfs"; }

SLEEP='["/bin/sleep","100"]'
THREE='["/bin/sh","-c","sleep 100 & sleep 100 & wait"]'

# ---- resources applied at create ----
bundle c1
cfg "$T/c1" "$SLEEP" '{"memory":{"limit":67108864},"pids":{"limit":20},
	"cpu":{"shares":512,"quota":50000,"period":100000}}'
testing_rc "run -d with memory, pids and cpu limits" 0 "$O run -d --bundle $T/c1 c1"
if [ -n "$V2" ]; then
	testing "memory.max" "rdf memory c1 memory.max" "67108864"
	testing "cpu.max" "rdf cpu c1 cpu.max" "50000 100000"
	testing "cpu.weight from shares 512" "rdf cpu c1 cpu.weight" "20"
else
	testing "memory.limit_in_bytes" "rdf memory c1 memory.limit_in_bytes" "67108864"
	testing "cpu.cfs_quota_us" "rdf cpu c1 cpu.cfs_quota_us" "50000"
	testing "cpu.shares" "rdf cpu c1 cpu.shares" "512"
fi
testing "pids.max" "rdf pids c1 pids.max" "20"
testing "the container init is in its cgroup" \
	"grep -c ':/$P/c1\$' /proc/\$(pid_of c1)/cgroup | sed 's/^[1-9][0-9]*\$/yes/'" "yes"

# ---- ps ----
testing "ps --format json lists the init" "$O ps --format json c1" "[$(pid_of c1)]"
testing "ps table: header and the sleep" \
	"$O ps c1 | sed -n '1s/ .*//p; 2s/.* //p'" "UID
100"
C1PID=$(pid_of c1)
testing "ps table: pid column" \
	"[ -n '$C1PID' ] && $O ps c1 > $T/ps && awk 'NR==2 {print \$2}' $T/ps" "$C1PID"
testing "ps table: USER is root's name, STIME today's HH:MM" \
	"awk 'NR==2 {print \$1; print (\$5 ~ /^[0-2][0-9]:[0-5][0-9]\$/)}' $T/ps" "root
1"
testing "ps with ps(1) options is refused" "$O ps c1 -ef 2>&1" \
	"ocibox: ps: ps options are not supported (there is no ps(1) behind this); use --format json" 1

# ---- pause / resume ----
testing_rc "pause" 0 "$O pause c1"
testing "state says paused" "st c1" "paused"
if [ -n "$V2" ]; then
	testing "cgroup.events frozen 1" "grep frozen $(cgf freezer c1 cgroup.events)" "frozen 1"
else
	testing "freezer.state FROZEN" "rdf freezer c1 freezer.state" "FROZEN"
fi
testing "the init is stopped in the freezer" \
	"sed 's/.*) //' /proc/\$(pid_of c1)/stat | cut -c1" "$( [ -n "$V2" ] && echo S || echo D)"
testing "pause a paused container fails" "$O pause c1 2>&1" \
	"ocibox: pause: container not running (status paused)" 1
testing_rc "resume" 0 "$O resume c1"
testing "state says running again" "st c1" "running"
testing "resume a running container fails" "$O resume c1 2>&1" \
	"ocibox: resume: container not paused" 1

# ---- update ----
testing_rc "update with flags" 0 "$O update --memory 32m --pids-limit 10 --cpu-shares 1024 c1"
if [ -n "$V2" ]; then
	testing "update: memory.max" "rdf memory c1 memory.max" "33554432"
	testing "update: cpu.weight" "rdf cpu c1 cpu.weight" "39"
else
	testing "update: memory.limit_in_bytes" "rdf memory c1 memory.limit_in_bytes" "33554432"
	testing "update: cpu.shares" "rdf cpu c1 cpu.shares" "1024"
fi
testing "update: pids.max" "rdf pids c1 pids.max" "10"
testing_rc "update --resources - (docker sends JSON on stdin)" 0 \
	"echo '{\"pids\":{\"limit\":15},\"cpu\":{\"quota\":20000}}' | $O update --resources - c1"
testing "update from stdin: pids.max" "rdf pids c1 pids.max" "15"
if [ -n "$V2" ]; then
	testing "update from stdin: cpu.max keeps the period" "rdf cpu c1 cpu.max" "20000 100000"
else
	testing "update from stdin: cpu.cfs_quota_us" "rdf cpu c1 cpu.cfs_quota_us" "20000"
fi
echo '{"pids":{"limit":30}}' > "$T/res.json"
testing_rc "update --resources FILE with a flag that wins" 0 \
	"$O update --resources $T/res.json --pids-limit 7 c1"
testing "the flag won" "rdf pids c1 pids.max" "7"
testing_rc "update --pids-limit -1" 0 "$O update --pids-limit -1 c1"
testing "pids.max is max" "rdf pids c1 pids.max" "max"
testing "update with a bad value names field and file" \
	"$O update --memory-swap 1m c1 2>&1 | grep -c 'linux.resources.memory.swap'" "1"
testing "update a missing container" "$O update --memory 1g nope 2>&1" \
	'ocibox: update: container "nope" does not exist' 1

# ---- kill --all ----
# nps ID: how many processes ps lists for ID
nps() { $O ps --format json "$1" | tr ',' '\n' | grep -c '[0-9]'; }
bundle c2
cfg "$T/c2" "$THREE" '{}'
$O run -d --bundle "$T/c2" c2 >/dev/null 2>&1
# the sh forks its two sleeps after start: wait until it has
wait_for 5 eval '[ "$(nps c2)" = 3 ]'
testing "ps json lists three processes" "$O ps --format json c2 | tr ',' '\n' | wc -l" "3"
testing_rc "kill --all KILL" 0 "$O kill --all c2 KILL"
wait_for 5 eval '[ "$($O ps --format json c2)" = "[]" ]'
testing "nothing left in the cgroup" "$O ps --format json c2" "[]"
testing "state is stopped" "st c2" "stopped"
bundle c3
cfg "$T/c3" "$THREE" '{}'
$O run -d --bundle "$T/c3" c3 >/dev/null 2>&1
wait_for 5 eval '[ "$(nps c3)" = 3 ]'
testing_rc "kill --all TERM (freeze, signal each, thaw)" 0 "$O kill --all c3 TERM"
wait_for 5 eval '[ "$($O ps --format json c3)" = "[]" ]'
testing "TERM reached every process" "$O ps --format json c3" "[]"

# ---- delete --force of a paused container ----
$O pause c1
had=$([ -d "$(cgf pids c1 .)" ] && echo had)
testing_rc "delete --force a paused container" 0 "$O delete --force c1"
testing "its cgroup, there before, is gone" \
	"echo $had; [ -d $(cgf pids c1 .) ] && echo left || echo gone" "had
gone"
$O delete c2 >/dev/null 2>&1
$O delete c3 >/dev/null 2>&1

# ---- devices: a bind-mounted node the rules do not allow ----
if [ -c /dev/loop-control ]; then
	LC='{"destination":"/dev/loop-control","type":"bind","source":"/dev/loop-control","options":["bind"]}'
	bundle d1
	cfg "$T/d1" '["/bin/sh","-c","exec 3>/dev/loop-control && echo opened"]' \
		'{"devices":[{"allow":false,"access":"rwm"}]}' "$LC"
	testing "a device not in the rules does not open" \
		"$O run --bundle $T/d1 d1 2>&1 | grep -c 'not permitted'" "1"
	cfg "$T/d1" '["/bin/sh","-c","exec 3>/dev/loop-control && echo opened"]' \
		'{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":237,"access":"rw"}]}' "$LC"
	testing "an allowed device opens" "$O run --bundle $T/d1 d1 2>&1" "opened"
	cfg "$T/d1" '["/bin/sh","-c","echo x >/dev/null && head -c 1 /dev/zero | wc -c"]' \
		'{"devices":[{"allow":false,"access":"rwm"}]}'
	testing "the default nodes stay usable under deny-all" "$O run --bundle $T/d1 d1 2>&1" "1"
else
	skip "devices" "no /dev/loop-control"
fi

# ---- OOM ----
bundle m1
if [ -n "$V2" ] || [ -f $CG/memory/memory.memsw.limit_in_bytes ]; then
	SW=',"swap":16777216'
else
	SW=
fi
cfg "$T/m1" '["/bin/dd","if=/dev/zero","of=/dev/null","bs=64M","count=1"]' \
	"{\"memory\":{\"limit\":16777216$SW}}"
testing_rc "a memory hog dies of SIGKILL (137)" 137 "$O run --bundle $T/m1 m1"
testing "run says it was the OOM killer" \
	"$O run --bundle $T/m1 m1 2>&1 | grep -c 'OOM killer'" "1"

# ---- check and create refuse what the host does not have ----
bundle n1
cfg "$T/n1" "$SLEEP" '{"network":{"classID":1048577}}'
testing "check names the missing controller" "$O check --bundle $T/n1 2>&1 | grep -c \
'linux.resources.network.classID: net_cls controller not available on this host'" "1"
testing "create fails the same way" "$O create --bundle $T/n1 n1 2>&1" \
	"ocibox: create: linux.resources.network.classID: net_cls controller not available on this host" 1
testing "and leaves no state" "states" ""
if [ -z "$V2" ]; then
	cfg "$T/n1" "$SLEEP" '{"unified":{"memory.max":"1"}}'
	testing "unified memory key on a v1 memory host" "$O create --bundle $T/n1 n1 2>&1 | grep -c \
'unified.*not on the cgroup v2 hierarchy'" "1"
fi

# ---- hugetlb (on a hybrid host through the cgroup2 mount) ----
if [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
	bundle h1
	cfg "$T/h1" "$SLEEP" '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}'
	$O run -d --bundle "$T/h1" h1 >/dev/null 2>&1
	if [ -n "$V2" ]; then
		testing "hugetlb.2MB.max" "rdf hugetlb h1 hugetlb.2MB.max" "4194304"
	elif [ -d $CG/unified ] && grep -q hugetlb $CG/unified/cgroup.controllers; then
		testing "hybrid: hugetlb.2MB.max on the cgroup2 mount" \
			"cat $CG/unified/$P/h1/hugetlb.2MB.max" "4194304"
	else
		testing "hugetlb.2MB.limit_in_bytes" "rdf hugetlb h1 hugetlb.2MB.limit_in_bytes" "4194304"
	fi
	$O delete --force h1
fi

# ---- the default cgroupsPath ----
bundle def1
cfg "$T/def1" "$SLEEP" '{}' "" ""
$O run -d --bundle "$T/def1" def1-$$ >/dev/null 2>&1
testing "default cgroup /ocibox/ID" \
	"grep -c ':/ocibox/def1-$$\$' /proc/\$(pid_of def1-$$)/cgroup | sed 's/^[1-9][0-9]*\$/yes/'" "yes"
had=$(ls -d $CG/ocibox/def1-$$ $CG/*/ocibox/def1-$$ 2>/dev/null | wc -l)
$O delete --force def1-$$
testing "deleted: /ocibox/ID, there before, is gone" \
	"echo \$(($had > 0)); ls -d $CG/ocibox/def1-$$ $CG/*/ocibox/def1-$$ 2>/dev/null | wc -l" "1
0"

testing "no cgroup directory of ours left" "ndirs" "0"
testing "no process of ours left" "ours_left" "0"
