# driver.sh: the checks of ocibox's systemd cgroup driver (--systemd-cgroup),
# sourced by test/systemd/guest.sh inside the guest of `make test-systemd`,
# once per boot (systemd on pure cgroup v2, then on v1/hybrid).
#
# ADD THE DRIVER'S CHECKS HERE: write a function, add its name to
# DRIVER_TESTS. They run after the tier's own checks have shown that systemd
# is PID 1 and running, that the system bus answers and that a transient
# scope with Delegate=yes and MemoryMax can be made and removed, both with
# systemd-run and with Manager.StartTransientUnit over D-Bus.
#
# What a check can use:
#   $BOOT        v2 or hybrid;  $CG_LAYOUT  unified or hybrid
#   test/lib.sh  testing DESC CMD EXPECTED-STDOUT, testing_rc DESC RC CMD,
#                pass/fail/skip, contains FILE STR, base_bundle (a busybox
#                bundle in $B running /bin/true, config kept in $T/base.json),
#                r FILTER ARGS... (run it in the foreground as $TESTNAME),
#                d ID FILTER ARGS... (run it detached, its pid in $T/ID.pid),
#                jqset, mkbundle; $O is "ocibox --root $ROOT"; $T is a
#                private tmpfs dir, removed (with every container) at exit
#   guest.sh     check DESC CMD..., info TEXT, sd_prop UNIT PROP,
#                sd_wait_active UNIT, sd_wait_gone UNIT, sd_units_left,
#                bus_manager METHOD SIGNATURE ARGS... (busctl call to
#                org.freedesktop.systemd1.Manager), cg_dir CGPATH,
#                cg_mem_max CGPATH, in_cgroup PID CGPATH
# A check stops the units it starts; at exit every loaded *ocibox* unit
# other than ocibox-test.{service,target} is stopped, and t_nothing_left
# (after these) fails if any unit, container or *ocibox* cgroup remains.

# bundle: base_bundle once per boot
bundle() { [ -f "$T/base.json" ] || base_bundle; }
SD="$O --systemd-cgroup"
# sd_d ID FILTER ARGS...: `d` with --systemd-cgroup (run -d, pid in $T/ID.pid)
sd_d() {
	id=$1; shift
	cfg_args "$@" &&
		$SD run -d --pid-file "$T/$id.pid" --bundle "$B" "$id" </dev/null >/dev/null 2>"$T/$id.err"
}
# cg_file CGPATH CTL FILE: a control file of the cgroup in the hierarchy of
# controller CTL (v2: the one hierarchy)
cg_file() {
	case $CG_LAYOUT in
	unified) cat "/sys/fs/cgroup$1/$3" ;;
	*) d=$(awk -v c="$2" '$3 == "cgroup" && $4 ~ "(^|,)" c "(,|$)" {print $2; exit}' /proc/self/mounts)
	   cat "$d$1/$3" ;;
	esac
}
# no_cgroup_named NAME: no directory NAME in any cgroup hierarchy
no_cgroup_named() { [ -z "$(find /sys/fs/cgroup -name "$1" 2>/dev/null)" ]; }
# gone UNIT CGPATH WHAT: the unit and its cgroup (in every hierarchy) are gone
gone() {
	check "$3: no unit $1 left" sd_wait_gone "$1"
	check "$3: no cgroup ${2##*/} left in any hierarchy" no_cgroup_named "${2##*/}"
}
# nothing_of ID UNIT WHAT: a failed create left no container, unit or cgroup
nothing_of() {
	testing "$3: no container left" "$O list -q" ""
	check "$3: no unit left" sd_wait_gone "$2"
	check "$3: no cgroup left" no_cgroup_named "$2"
}
# one_line FILE: FILE is one line (an error message)
one_line() { [ "$(wc -l < "$1")" = 1 ]; }

# The lifecycle of a container in its own scope, with limits systemd sets
# and the kernel enforces; update, pause, resume, ps, exec, events,
# kill --all, delete.
driver_sd_lifecycle() {
	bundle
	id=sdl u=ocibox-sdl.scope cg=/system.slice/ocibox-sdl.scope
	lim='.linux.resources.memory.limit = 67108864 | .linux.resources.pids.limit = 10 |
	     .linux.resources.cpu.shares = 512 | .linux.resources.cpu.quota = 50000 |
	     .linux.resources.cpu.period = 100000'
	cfg_args "$lim" sleep 600
	testing_rc "create --systemd-cgroup" 0 "$SD create --bundle $B $id"
	[ "$(status $id)" = created ] || { fail "create --systemd-cgroup: status created" "$(cat $T/stderr)"; return; }
	pid=$($O state $id | jq -r .pid)
	testing "the unit $u is active" "systemctl is-active $u" active
	testing "state.json records the unit" "jq -r .ocibox_systemd_unit $ROOT/$id/state.json" "$u"
	testing "Delegate=yes" "sd_prop $u Delegate" yes
	testing "Slice=system.slice (the default cgroupsPath)" "sd_prop $u Slice" system.slice
	testing "ControlGroup=$cg" "sd_prop $u ControlGroup" "$cg"
	testing "DefaultDependencies=no" "sd_prop $u DefaultDependencies" no
	testing "MemoryMax=64M" "sd_prop $u MemoryMax" 67108864
	testing "TasksMax=10" "sd_prop $u TasksMax" 10
	testing "CPUQuotaPerSecUSec=500ms" "sd_prop $u CPUQuotaPerSecUSec" 500ms
	testing "MemoryAccounting=yes" "sd_prop $u MemoryAccounting" yes
	testing "Description names the container" "sd_prop $u Description" "ocibox container $id"
	if [ "$CG_LAYOUT" = unified ]; then
		testing "CPUWeight=20 (shares 512, as runc converts)" "sd_prop $u CPUWeight" 20
	else
		testing "CPUShares=512 (cgroup v1)" "sd_prop $u CPUShares" 512
	fi
	testing "DevicePolicy=strict" "sd_prop $u DevicePolicy" strict
	check "the init is in the scope's cgroup" in_cgroup "$pid" "$cg"
	testing "the kernel has the memory limit" "cg_mem_max $cg" 67108864
	testing "the kernel has the pids limit" "cg_file $cg pids pids.max" 10
	if [ "$CG_LAYOUT" = unified ]; then
		testing "the kernel has the cpu quota" "cg_file $cg cpu cpu.max" "50000 100000"
	else
		testing "the kernel has the cpu quota" "cg_file $cg cpu cpu.cfs_quota_us" 50000
		testing "v1: the init is in the scope's path in every hierarchy (freezer, cpuset: ocibox's)" \
			"grep -v ':$cg\$' /proc/$pid/cgroup | wc -l" 0
	fi
	testing_rc "start" 0 "$O start $id"
	testing "status running" "status $id" running
	if $O exec -d --pid-file "$T/e.pid" $id sleep 60 >/dev/null 2>&1; then
		check "exec runs in the scope" in_cgroup "$(cat $T/e.pid)" "$cg"
	else
		fail "exec -d sleep 60"
	fi
	# the pids limit: 10 tasks, the init, the exec above and this sh among them
	testing "the pids limit stops a fork loop" \
		"$O exec $id sh -c 'i=0; while [ \$i -lt 20 ]; do sleep 30 & i=\$((i+1)); done; wait' 2>&1 | grep -q \"can't fork\" && echo refused" refused
	testing "ps lists the container's processes" "$O ps -f json $id | jq 'length > 1'" true
	testing "events --stats reads the scope's cgroup" \
		"$O events --stats $id | jq -r '.type, (.data.memory.usage.usage > 0), .data.pids.limit'" "stats
true
10"
	testing_rc "update --memory 128m --pids-limit 30" 0 "$O update --memory 128m --pids-limit 30 $id"
	testing "update: MemoryMax=128M in systemd" "sd_prop $u MemoryMax" 134217728
	testing "update: TasksMax=30 in systemd" "sd_prop $u TasksMax" 30
	testing "update: the kernel has the new memory limit" "cg_mem_max $cg" 134217728
	testing "update: the kernel has the new pids limit" "cg_file $cg pids pids.max" 30
	testing_rc "pause" 0 "$O pause $id"
	testing "paused" "status $id" paused
	testing_rc "resume" 0 "$O resume $id"
	testing "running again" "status $id" running
	testing_rc "kill --all KILL" 0 "$O kill --all $id KILL"
	i=0; while [ "$(status $id)" != stopped ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	testing "kill --all: stopped" "status $id" stopped
	testing_rc "delete" 0 "$O delete $id"
	gone "$u" "$cg" "delete"
	testing "delete: no container left" "$O list -q" ""
}

# The config's device rules, exactly: an extra node allowed, another not,
# whatever systemd's own device program allows; still so after an update.
driver_sd_devices() {
	bundle
	id=sddev u=ocibox-sddev.scope
	f='.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] |
	   .process.capabilities.permitted += ["CAP_MKNOD"] |
	   .linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]'
	if ! sd_d $id "$f" sleep 600; then fail "devices: run -d" "$(cat $T/$id.err)"; return; fi
	testing "DeviceAllow has the config's rule" \
		"sd_prop $u DeviceAllow | grep -o '/dev/char/10:229 rw' | head -1" "/dev/char/10:229 rw"
	dev_checks "devices"
	$O update --memory 100m $id >/dev/null 2>&1
	dev_checks "devices after an update"
	$O delete --force $id >/dev/null 2>&1
	gone "$u" /system.slice/$u "devices"
}
dev_checks() {
	testing "$1: /dev/null works" "$O exec $id sh -c 'echo x > /dev/null && echo ok'" ok
	testing "$1: the allowed node c 10:229 opens (no EPERM; no driver is fine)" \
		"$O exec $id sh -c 'rm -f /dev/t-ok; mknod /dev/t-ok c 10 229 && { head -c0 /dev/t-ok; echo made; }' 2>&1 | grep -v 'No such device'" made
	testing "$1: an unlisted node c 10:228 is refused (EPERM)" \
		"$O exec $id sh -c 'rm -f /dev/t-no; mknod /dev/t-no c 10 228 && head -c0 /dev/t-no' 2>&1 | grep -c 'not permitted'" 1
}

# runc's placement: a SLICE with dashes is nested as systemd nests it; a
# NAME that is a slice makes a slice unit; run in the foreground.
driver_sd_slices() {
	bundle
	id=sdnest u=ocibox-sdnest.scope cg=/ocibox.slice/ocibox-drv.slice/ocibox-sdnest.scope
	if sd_d $id '.linux.cgroupsPath = "ocibox-drv.slice:ocibox:sdnest"' sleep 600; then
		testing "nested slice: Slice=ocibox-drv.slice" "sd_prop $u Slice" ocibox-drv.slice
		testing "nested slice: ControlGroup=$cg" "sd_prop $u ControlGroup" "$cg"
		check "nested slice: the init is in $cg" in_cgroup "$(cat $T/$id.pid)" "$cg"
		$O delete --force $id >/dev/null 2>&1
		gone "$u" "$cg" "nested slice"
	else
		fail "nested slice: run -d" "$(cat $T/$id.err)"
	fi
	id=sdsl u=ocibox-sdname.slice cg=/ocibox.slice/ocibox-sdname.slice
	if sd_d $id '.linux.cgroupsPath = "system.slice:ocibox:ocibox-sdname.slice"' sleep 600; then
		testing "slice NAME: the unit $u is active" "systemctl is-active $u" active
		check "slice NAME: the init is in $cg" in_cgroup "$(cat $T/$id.pid)" "$cg"
		$O delete --force $id >/dev/null 2>&1
		gone "$u" "$cg" "slice NAME"
	else
		fail "slice NAME: run -d" "$(cat $T/$id.err)"
	fi
	cfg_args '.linux.cgroupsPath = "ocibox-drv.slice:ocibox:sdfg" |
		  .linux.namespaces |= map(select(.type != "cgroup"))' sh -c 'grep -c ":/ocibox.slice/ocibox-drv.slice/ocibox-sdfg.scope$" /proc/self/cgroup >/dev/null && exit 7'
	testing_rc "run in the foreground: in its scope, the status relayed" 7 \
		"$SD run --bundle $B sdfg"
	check "run in the foreground: no unit left" sd_wait_gone ocibox-sdfg.scope
	# systemd keeps the slices a scope was put in (as with runc): ours to stop
	timeout 30 systemctl stop ocibox-drv.slice ocibox.slice
}

# Annotations org.systemd.property.*: runc's convention.
driver_sd_annotations() {
	bundle
	id=sdann u=ocibox-sdann.scope
	f='.annotations["org.systemd.property.CollectMode"] = "'"'"'inactive-or-failed'"'"'" |
	   .annotations["org.systemd.property.TimeoutStopSec"] = "uint64 7" |
	   .annotations["org.systemd.property.SendSIGHUP"] = "true"'
	if ! sd_d $id "$f" sleep 600; then fail "annotations: run -d" "$(cat $T/$id.err)"; return; fi
	testing "annotation CollectMode='inactive-or-failed'" "sd_prop $u CollectMode" inactive-or-failed
	testing "annotation TimeoutStopSec=uint64 7 (as TimeoutStopUSec)" "sd_prop $u TimeoutStopUSec" 7s
	testing "annotation SendSIGHUP=true" "sd_prop $u SendSIGHUP" yes
	$O delete --force $id >/dev/null 2>&1
	gone "$u" /system.slice/$u "annotations"
	cfg_args '.annotations["org.systemd.property.TimeoutStopSec"] = "1.5"' /bin/true
	testing_rc "an annotation ocibox cannot read: refused" 1 "$SD run --bundle $B sdann2"
	check "an annotation ocibox cannot read: the error names it" \
		contains "$T/stderr" "annotation org.systemd.property.TimeoutStopSec"
	testing "check --systemd-cgroup refuses it in the same words" \
		"$SD check --bundle $B | grep -c 'org.systemd.property.TimeoutStopSec'" 1
	nothing_of sdann2 ocibox-sdann2.scope "an annotation ocibox cannot read"
}

# Every failure is one line naming what failed, and leaves nothing.
driver_sd_failures() {
	bundle
	# the unit exists already (not ours: left alone)
	systemd-run --quiet --scope --unit=ocibox-sddup sleep 120 &
	spid=$!
	sd_wait_active ocibox-sddup.scope
	cfg_args . /bin/true
	testing_rc "unit exists: create fails" 1 "$SD create --bundle $B sddup"
	cp "$T/stderr" "$T/sddup.err"
	# (systemd 252 says "Unit X was already loaded or has a fragment file.")
	check "unit exists: systemd's answer, naming the call and the unit" \
		grep -q "^ocibox: create: systemd: StartTransientUnit ocibox-sddup.scope: Unit ocibox-sddup.scope " "$T/sddup.err"
	check "unit exists: one line" one_line "$T/sddup.err"
	info "unit exists: $(cat $T/sddup.err)"
	testing "unit exists: no container left" "$O list -q" ""
	testing "unit exists: the other scope is left alone" "systemctl is-active ocibox-sddup.scope" active
	timeout 30 systemctl stop ocibox-sddup.scope; wait $spid
	# a property systemd refuses
	cfg_args '.annotations["org.systemd.property.NoSuchProperty"] = "true"' /bin/true
	testing_rc "bad property: create fails" 1 "$SD create --bundle $B sdbad"
	check "bad property: systemd's answer, one line, naming the call" \
		grep -q "^ocibox: create: systemd: StartTransientUnit ocibox-sdbad.scope: .*NoSuchProperty" "$T/stderr"
	check "bad property: one line" one_line "$T/stderr"
	nothing_of sdbad ocibox-sdbad.scope "bad property"
	# a failure after the unit started (a prestart hook)
	cfg_args '.hooks.prestart = [{"path": "/bin/false"}]' /bin/true
	testing_rc "failed hook: create fails" 1 "$SD create --bundle $B sdhook"
	nothing_of sdhook ocibox-sdhook.scope "failed hook after the unit started"
	# not the systemd form
	cfg_args '.linux.cgroupsPath = "/ocibox/x"' /bin/true
	testing_rc "cgroupsPath not slice:prefix:name: refused" 1 "$SD create --bundle $B sdform"
	check "cgroupsPath not slice:prefix:name: the error names linux.cgroupsPath" \
		grep -q '^ocibox: create: linux.cgroupsPath "/ocibox/x": expected "slice:prefix:name"' "$T/stderr"
	testing "cgroupsPath not slice:prefix:name: no container left" "$O list -q" ""
	cfg_args '.linux.cgroupsPath = "system.slice:docker:x"' /bin/true
	testing_rc "without --systemd-cgroup the systemd form is refused (as before)" 1 \
		"$O create --bundle $B sdform"
	check "without --systemd-cgroup: the error says what is needed" \
		contains "$T/stderr" "needs --systemd-cgroup"
	# no systemd (sd_booted): refused before anything is touched
	cfg_args . /bin/true
	testing_rc "no systemd: create fails" 1 \
		"unshare -m sh -c 'mount -t tmpfs none /run/systemd && $SD --root $T/nosd create --bundle $B sdnosd'"
	cp "$T/stderr" "$T/nosd.err"
	testing "no systemd: refused in one line, touching nothing (not even --root)" \
		"cat $T/nosd.err; ls $T/nosd 2>&1 | grep -c 'No such'" \
		"ocibox: create: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system)
1"
	# no bus and no answer on systemd's socket: a mount namespace blocks both
	testing_rc "no bus, no systemd: create fails" 1 \
		"unshare -m sh -c 'mount --bind /dev/null /run/dbus/system_bus_socket && mount --bind /dev/null /run/systemd/private && $SD create --bundle $B sdnobus'"
	check "no bus, no systemd: one line naming both sockets" \
		grep -q "^ocibox: create: systemd: no system bus (dbus: connect '/run/dbus/system_bus_socket': .*), and its private socket: dbus: .*/run/systemd/private" "$T/stderr"
	check "no bus, no systemd: one line" one_line "$T/stderr"
	nothing_of sdnobus ocibox-sdnobus.scope "no bus"
	# no bus: systemd's private socket, peer to peer
	testing_rc "no bus: systemd's private socket: run" 0 \
		"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent $SD run --bundle $B sdpriv"
	check "no bus: no unit left" sd_wait_gone ocibox-sdpriv.scope
}

# The job does not end in time (ordered after a service that takes longer):
# a clear error after 30 s, and the unit is stopped.
driver_sd_timeout() {
	bundle
	systemd-run --quiet --no-block --unit=ocibox-slow -p Type=oneshot sleep 300
	cfg_args '.annotations["org.systemd.property.After"] = "['"'"'ocibox-slow.service'"'"']"' /bin/true
	testing_rc "job timeout: create fails" 1 "$SD create --bundle $B sdslow"
	check "job timeout: one line naming the call and the job" \
		grep -q "^ocibox: create: systemd: StartTransientUnit ocibox-sdslow.scope: job /org/freedesktop/systemd1/job/" "$T/stderr"
	info "job timeout: $(cat $T/stderr)"
	nothing_of sdslow ocibox-sdslow.scope "job timeout"
	timeout 30 systemctl stop ocibox-slow.service
	systemctl reset-failed ocibox-slow.service 2>/dev/null
}

# linux.resources.unified keys systemd has a property for are sent as that
# property (runc's mapping), after the converted values (unified wins, as in
# the files); systemd then keeps them when it writes the unit's settings
# again (here: set-property of another memory and cpu setting). cgroup v2
# only (on hybrid the unified keys name no controller ocibox can write).
driver_sd_unified() {
	[ "$CG_LAYOUT" = unified ] || { info "unified: cgroup v2 only"; return; }
	bundle
	id=sduni u=ocibox-sduni.scope cg=/system.slice/ocibox-sduni.scope
	f='.linux.resources.memory.limit = 134217728 | .linux.resources.unified = {
	     "memory.max": "67108864", "memory.high": "60M", "pids.max": "12",
	     "cpu.weight": "50", "cpu.max": "20000 100000"}'
	if ! sd_d $id "$f" sleep 600; then fail "unified: run -d" "$(cat $T/$id.err)"; return; fi
	testing "unified memory.max: MemoryMax=64M (over memory.limit 128M)" "sd_prop $u MemoryMax" 67108864
	testing "unified memory.high 60M: MemoryHigh in bytes" "sd_prop $u MemoryHigh" 62914560
	testing "unified pids.max: TasksMax=12" "sd_prop $u TasksMax" 12
	testing "unified cpu.weight: CPUWeight=50" "sd_prop $u CPUWeight" 50
	testing "unified cpu.max: CPUQuotaPerSecUSec=200ms, CPUQuotaPeriodUSec=100ms" \
		"sd_prop $u CPUQuotaPerSecUSec; sd_prop $u CPUQuotaPeriodUSec" "200ms
100ms"
	uni_files() {
		testing "$1: the kernel has them" \
			"cd /sys/fs/cgroup$cg && cat memory.max memory.high pids.max cpu.weight cpu.max" \
			"67108864
62914560
12
50
20000 100000"
	}
	uni_files "unified"
	timeout 30 systemctl set-property --runtime $u MemoryLow=1M StartupCPUWeight=100
	testing "set-property MemoryLow: systemd wrote the memory settings again" \
		"cat /sys/fs/cgroup$cg/memory.low" 1048576
	uni_files "unified, after systemd wrote its settings again"
	$O delete --force $id >/dev/null 2>&1
	gone "$u" "$cg" "unified"
	cfg_args '.linux.resources.unified = {"memory.max": "lots"}' /bin/true
	testing_rc "unified memory.max \"lots\": refused" 1 "$SD run --bundle $B sduni2"
	check "unified memory.max \"lots\": the error names it" contains "$T/stderr" "memory.max"
	# (the unit is stopped after its init is killed, not while it lives:
	# no warning that systemd's stop job timed out)
	check "unified memory.max \"lots\": one line" one_line "$T/stderr"
	info "unified memory.max \"lots\": $(cat $T/stderr)"
	nothing_of sduni2 ocibox-sduni2.scope "unified memory.max \"lots\""
}

# podman with its default configuration (cgroup manager systemd, so it
# passes --systemd-cgroup and machine.slice:libpod:ID) and ocibox as its
# runtime; --network none, storage on the guest's tmpfs /var/lib/containers,
# an image imported from the busybox rootfs (no registry in the guest).
driver_sd_podman() {
	command -v podman >/dev/null && command -v conmon >/dev/null ||
		{ skip "podman" "podman and conmon are not installed on the host"; return; }
	bundle
	P="podman --runtime $OCIBOX" I=localhost/ocibox-sd:latest
	tar -C "$B/rootfs" -cf "$T/rootfs.tar" . &&
		podman import --quiet "$T/rootfs.tar" $I >/dev/null 2>"$T/import.err" ||
		{ fail "podman: import the busybox rootfs" "$(head -c 300 $T/import.err)"; return; }
	testing "podman: its cgroup manager is systemd (the default here)" \
		"podman info --format '{{.Host.CgroupManager}}'" systemd
	testing "podman run --rm: the output" "$P run --rm --network none $I echo hi" hi
	testing_rc "podman run --rm: the exit status" 3 "$P run --rm --network none $I sh -c 'exit 3'"
	if ! cid=$($P run -d --name sdp --network none --memory 64m --pids-limit 20 $I sleep 600 2>"$T/p.err"); then
		fail "podman run -d with limits" "$(head -c 300 $T/p.err)"; return
	fi
	u=libpod-$cid.scope
	testing "podman: the container is the unit $u, active" "systemctl is-active $u" active
	testing "podman: ocibox made it (its state.json names the unit)" \
		"jq -r .ocibox_systemd_unit \$(find /run -path '*/$cid/state.json' 2>/dev/null)" "$u"
	testing "podman: in machine.slice" "sd_prop $u Slice" machine.slice
	testing "podman: Delegate=yes" "sd_prop $u Delegate" yes
	testing "podman: MemoryMax=64M" "sd_prop $u MemoryMax" 67108864
	testing "podman: TasksMax=20" "sd_prop $u TasksMax" 20
	if [ "$CG_LAYOUT" = unified ]; then
		testing "podman: the container sees its memory and pids limits" \
			"$P exec sdp cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max" "67108864
20"
	else
		testing "podman: the container sees its memory and pids limits" \
			"$P exec sdp cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max" "67108864
20"
	fi
	testing "podman exec" "$P exec sdp echo ok" ok
	if [ "$(podman info --format '{{.Host.Security.AppArmorEnabled}}')" = true ]; then
		testing "podman: its AppArmor profile, applied by ocibox (init and exec)" \
			"$P exec sdp sh -c 'cat /proc/1/attr/current /proc/self/attr/current' | grep -c '^containers-default-.* (enforce)\$'" 2
	else
		info "podman: AppArmor not enabled for podman (no apparmor_parser?)"
	fi
	testing_rc "podman stop" 0 "$P stop -t 1 sdp"
	testing_rc "podman rm" 0 "$P rm sdp"
	gone "$u" "/machine.slice/$u" "podman rm"
	$P rm -af >/dev/null 2>&1
	podman rmi -af >/dev/null 2>&1
	testing "podman: no libpod unit left" \
		"systemctl list-units --all --plain --no-legend 'libpod-*' | wc -l" 0
}

DRIVER_TESTS="driver_sd_lifecycle driver_sd_devices driver_sd_slices driver_sd_annotations driver_sd_failures driver_sd_timeout driver_sd_unified driver_sd_podman"
