# rootless.sh: ocibox run by an unprivileged user the test creates (useradd
# gives it /etc/subuid and /etc/subgid ranges) and removes with everything
# it ran: a bundle from `spec --rootless`, the lifecycle, a multi-range
# mapping through newuidmap, resources refused where no cgroup is writable
# (cgroup v1), a delegated cgroup v2 subtree (here the hybrid host's
# cgroup2 mount; in the VM tier with a memory limit), the CVE-2019-5736
# protection of a binary the user owns, and ocibox as root of a user
# namespace that does not map the host's root (rootless podman's case).
. "$TOP/test/lib.sh"
if ! is_root; then skip "rootless" "needs root (it creates its test user)"; exit 0; fi
for c in useradd userdel setpriv unshare newuidmap; do
	command -v $c >/dev/null 2>&1 || { skip "rootless" "no $c"; exit 0; }
done

RU=ocbxrl$$
W=$T/w                    # the user's home: its bundles and XDG_RUNTIME_DIR
UPATH=/usr/local/bin:/usr/bin:/bin
chmod 711 "$T"
# its subordinate ids above those other tests' user namespaces map to (host
# 100000 and 200000), so that their processes never count as this user's
useradd -M -d "$W" -s /bin/sh -K SUB_UID_MIN=1000000 -K SUB_GID_MIN=1000000 "$RU" || { fail "useradd $RU"; exit 1; }
RUID=$(id -u "$RU") RGID=$(id -g "$RU")
SUB=$(awk -F: -v u="$RU" '$1 == u { print $2 }' /etc/subuid)
SUBN=$(awk -F: -v u="$RU" '$1 == u { print $3 }' /etc/subuid)
mkdir -p "$W/xdg" "$W/bin"
cp "$OCIBOX" "$W/bin/ocibox"   # a binary the user can write
D=                              # the delegated cgroup v2 subtree, if made

# u CMD: the shell line CMD as the test user in $W, with its own
# XDG_RUNTIME_DIR; $O in CMD is the root-owned ocibox under test
u() {
	sh -c '[ -z "$1" ] || echo $$ > "$1" || exit 1; shift; exec "$@"' - "${JOIN:-}" \
		setpriv --reuid "$RUID" --regid "$RGID" --clear-groups \
		env -i HOME="$W" PATH="${UP:-$UPATH}" XDG_RUNTIME_DIR="$W/xdg" \
		O="$OCIBOX" MINE="$W/bin/ocibox" /bin/sh -c "cd '$W' && $1"
}
# ud CMD: u, started in the delegated cgroup $D/self
ud() { JOIN=$D/self/cgroup.procs u "$1"; }
# usd CMD: u with the XDG_RUNTIME_DIR of the user's systemd (systemd --user),
# which the test starts as user@UID.service where systemd runs
SDU= SDX=/run/user/$RUID
usd() {
	setpriv --reuid "$RUID" --regid "$RGID" --clear-groups \
		env -i HOME="$W" PATH="$UPATH" XDG_RUNTIME_DIR="$SDX" ${SDBUS:+DBUS_SESSION_BUS_ADDRESS="$SDBUS"} \
		O="$OCIBOX" /bin/sh -c "cd '$W' && $1"
}


rl_cleanup() {
	if [ -d "$W/xdg/ocibox" ]; then
		for s in "$W"/xdg/ocibox/*/; do
			[ -d "$s" ] || continue
			s=${s%/}; u "\$O delete --force ${s##*/}" >/dev/null 2>&1
		done
	fi
	for p in $(user_pids); do kill -9 "$p" 2>/dev/null; done
	wait_for 10 no_user_pids
	if [ -n "$D" ]; then
		rmdir "$D"/ocibox/* "$D"/ocibox 2>/dev/null
		wait_for 10 rmdir "$D/self" 2>/dev/null
		rmdir "$D"
	fi
	if [ -n "$SDU" ]; then
		for s in "$SDX"/ocibox/*/; do
			[ -d "$s" ] || continue
			s=${s%/}; usd "\$O --systemd-cgroup delete --force ${s##*/}" >/dev/null 2>&1
		done
		systemctl stop "user@$RUID.service" "user-runtime-dir@$RUID.service" 2>/dev/null
	fi
	userdel "$RU" 2>/dev/null
	cleanup
}
trap rl_cleanup EXIT

# rootless bundle DIR [ARGS...]: `spec --rootless` as the user, running ARGS
rbundle() {
	b=$W/$1; shift
	mkrootfs "$b/rootfs"
	chown -R "$RUID:$RGID" "$W"
	u "\$O spec --rootless --bundle $b" || return 1
	a=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq ".process.terminal = false | .process.args = $a" "$b/config.json" > "$b/c.json" &&
		mv "$b/c.json" "$b/config.json" && chown "$RUID:$RGID" "$b/config.json"
}
# redit DIR FILTER: edit DIR's config.json with jq (it stays the user's)
redit() {
	jq "$2" "$W/$1/config.json" > "$W/$1/c.json" && mv "$W/$1/c.json" "$W/$1/config.json" &&
		chown "$RUID:$RGID" "$W/$1/config.json"
}
states_left() { ls -A "$W/xdg/ocibox" 2>/dev/null | grep -v '^\.' | tr '\n' ' '; }

testing "features: what rootless supports" \
	"u '\$O features' | jq -c '[.linux.cgroup.systemdUser, (.annotations | with_entries(select(.key | startswith(\"io.github.ocibox.rootless\"))))]'" \
	'[true,{"io.github.ocibox.rootless.enabled":"true","io.github.ocibox.rootless.idmap":"own-id,newuidmap,newgidmap","io.github.ocibox.rootless.cgroup":"v2-delegated","io.github.ocibox.rootless.devices":"bind"}]'
rbundle b sh -c 'id; cat /proc/self/uid_map'
testing "spec --rootless: the user's own ids mapped to 0" \
	"jq -c '[.linux.uidMappings, .linux.gidMappings, (.linux.namespaces | map(.type) | index(\"user\") != null)]' $W/b/config.json" \
	"[[{\"containerID\":0,\"hostID\":$RUID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RGID,\"size\":1}],true]"
testing "run as the user: root inside, the user outside" \
	"u '\$O run -b b r1 2>&1' | tr -s ' '" "uid=0(root) gid=0(root)
 0 $RUID 1"
testing "run: nothing on stderr (a binary the user cannot write needs no protection)" \
	"u '\$O run -b b r1 >/dev/null 2>$W/err'; cat $W/err" ""
testing "the state went to \$XDG_RUNTIME_DIR/ocibox, and is gone" \
	"[ -d $W/xdg/ocibox ] && states_left" ""

# the lifecycle, applet by applet
redit b '.process.args = ["sleep", "100"]'
testing "create" "u '\$O create -b b --pid-file $W/c1.pid c1 </dev/null >$W/c1.out 2>&1' && cat $W/c1.out" ""
P=$(cat "$W/c1.pid" 2>/dev/null)
testing "state: created, its pid" "u '\$O state c1' | jq -r '.status, .pid'" "created
$P"
testing "the init's host uid is the user's" "stat -c %u /proc/$P" "$RUID"
testing "start" "u '\$O start c1' && u '\$O state c1' | jq -r .status" "running"
testing "list" "u '\$O list -q'" "c1"
testing "ps (no cgroup on this host: the init's pid namespace)" \
	"u '\$O ps --format json c1'" "[$P]"
testing "exec" "u '\$O exec c1 id -u' && u '\$O exec c1 cat /proc/1/cmdline' | tr '\\0' ' '" "0
sleep 100 "
testing "exec -d: ps shows it too" \
	"u '\$O exec -d c1 sleep 50' && u '\$O ps --format json c1' | jq length" "2"
testing "pause: no cgroup to freeze here, said so" "u '\$O pause c1 2>&1'" \
	"ocibox: pause: container \"c1\" has no cgroup (rootless, and no cgroup this user may write): it cannot be paused" 1
testing "update: likewise" "u '\$O update --pids-limit 10 c1 2>&1'" \
	"ocibox: update: container \"c1\" has no cgroup (rootless, and no cgroup this user may write): nothing to update" 1
testing "kill --all KILL" "u '\$O kill --all c1 KILL'" ""
testing "... the init is gone" "wait_for 5 eval '! alive $P' && echo gone" "gone"
testing "state: stopped" "u '\$O state c1' | jq -r .status" "stopped"
testing "delete" "u '\$O delete c1' && u '\$O list -q'" ""
testing "nothing left of c1" "states_left; count ' $W/b/rootfs' /proc/self/mountinfo" "0"
testing "run -d, kill, delete --force" \
	"u '\$O run -d -b b c2 </dev/null >/dev/null' && u '\$O kill c2 KILL' && u '\$O delete --force c2' && states_left" ""

# a multi-range mapping: the user's own id and its /etc/subuid range
rbundle m sh -c 'id -u; cat /proc/self/uid_map | tr -s " "; touch /tmp/f'
redit m ".linux.uidMappings = [{containerID: 0, hostID: $RUID, size: 1}, {containerID: 1, hostID: $SUB, size: 65536}]
	| .linux.gidMappings = [{containerID: 0, hostID: $RGID, size: 1}, {containerID: 1, hostID: $SUB, size: 65536}]
	| .process.user = {uid: 1000, gid: 1000} | .root.readonly = false"
chmod 1777 "$W/m/rootfs/tmp"
testing "newuidmap/newgidmap: uid 1000 inside" "u '\$O run -b m m1'" "1000
 0 $RUID 1
 1 $SUB 65536"
testing "... is subordinate uid $((SUB + 999)) outside" "stat -c '%u %g' $W/m/rootfs/tmp/f" \
	"$((SUB + 999)) $((SUB + 999))"
testing "without newuidmap on PATH: refused, naming the field" \
	"UP=$W/nopath u '\$O run -b m m2 2>&1'" \
	"ocibox: run: config.json: linux.uidMappings: mapping more than your own uid $RUID needs newuidmap (Debian package uidmap), which is not on PATH" 1
redit m ".linux.uidMappings[1].hostID = 1"
testing "a range not in /etc/subuid: newuidmap's refusal, naming the field" \
	"u '\$O run -b m m3 2>&1' | sed 's/: newuidmap failed: .*/: newuidmap failed/'" \
	"ocibox: run: config.json: linux.uidMappings: newuidmap failed"
testing "... nothing left" "states_left" ""

# refusals: one line naming the field, nothing left behind
rbundle r true
refused() { # FILTER: the user's run of r edited by FILTER, its first error line
	cp "$W/r/config.json" "$W/r/keep.json"
	redit r "$1"
	u '$O run -b r x >/dev/null 2>x.err; echo $?; head -1 x.err'
	mv "$W/r/keep.json" "$W/r/config.json"
}
if [ -n "$(awk '$3 == "cgroup" && $4 ~ /memory/' /proc/self/mounts)" ]; then
	testing "a memory limit on cgroup v1: refused, naming the field" \
		"refused '.linux.resources.memory.limit = 33554432'" "1
ocibox: run: linux.resources.memory: cannot be applied rootless: no memory cgroup this user may write (cgroup v1, or v2 without a delegated subtree)"
else
	skip "memory limit refused on cgroup v1" "no cgroup v1 memory hierarchy here"
fi
testing "device rules are not cgroup rules here (runc skips them too)" \
	"refused '.linux.resources.devices = [{allow: false, access: \"rwm\"}]'" "0"
OOM=$(cat /proc/self/oom_score_adj)
if [ "$OOM" -gt -1000 ]; then
	testing "oomScoreAdj below the user's: refused" \
		"refused '.process.oomScoreAdj = $((OOM - 1))'" "1
ocibox: run: config.json: process.oomScoreAdj: $((OOM - 1)) is below this user's $OOM (lowering it needs CAP_SYS_RESOURCE)"
fi
testing "no user namespace: refused" \
	"refused '.linux.namespaces -= [{type: \"user\"}] | del(.linux.uidMappings, .linux.gidMappings)'" "1
ocibox: run: config.json: linux.namespaces: a rootless container needs a user namespace ({\"type\": \"user\"} and linux.uidMappings, as \`ocibox spec --rootless\` writes)"
# --systemd-cgroup as this user: the user's systemd (systemd --user), which
# this user has none of (the systemd VM tier runs one: test/systemd/rootless.sh)
if [ -d /run/systemd/system ]; then
	testing "--systemd-cgroup: no systemd --user: a clear error" \
		"u '\$O --systemd-cgroup run -b r x 2>&1' | sed 's/(dbus: connect .*/(...)/'" \
		"ocibox: run: systemd --user: no user bus (...)"
else
	testing "--systemd-cgroup: no systemd: a clear error" \
		"u '\$O --systemd-cgroup run -b r x 2>&1'" \
		"ocibox: run: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system)" 1
fi
testing "--systemd-cgroup refused: nothing left" "ls $W/xdg/ocibox" ""
testing "check: the bundle is fine for this user" "u '\$O check -b r'" "ok"
cp "$W/r/config.json" "$W/r/keep.json"
redit r '.linux.namespaces -= [{type: "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
testing "check refuses what create refuses" "u '\$O check -b r 2>&1'" \
	"config.json: linux.namespaces: a rootless container needs a user namespace ({\"type\": \"user\"} and linux.uidMappings, as \`ocibox spec --rootless\` writes)" 1
mv "$W/r/keep.json" "$W/r/config.json"
testing "... nothing left by the refusals" "states_left" ""
testing "no XDG_RUNTIME_DIR: a clear error" \
	"setpriv --reuid $RUID --regid $RGID --clear-groups env -i PATH=$UPATH $OCIBOX state x 2>&1" \
	"ocibox: state: rootless: XDG_RUNTIME_DIR is not set: give --root DIR, a state directory of your own" 1
testing "... --root is enough" \
	"setpriv --reuid $RUID --regid $RGID --clear-groups env -i PATH=$UPATH $OCIBOX --root $W/xdg/other list -q" ""
testing "--rootless false: /run/ocibox, not the user's" \
	"u '\$O --rootless false create -b r x 2>&1' | grep -o \"'/run/ocibox'\"" "'/run/ocibox'"

# CVE-2019-5736: a binary the user may write is protected (a sealed copy),
# without a warning; a hook, the runtime's child, sees the copy
printf '#!/bin/sh\nreadlink /proc/$PPID/exe > %s/exe\n' "$W" > "$W/hook"
chmod 755 "$W/hook"
redit r ".hooks.createRuntime = [{path: \"$W/hook\"}]"
testing "the user's own binary: nothing on stderr" \
	"u '\$MINE run -b r p1 2>&1'" ""
testing "... it ran from a sealed memfd copy" "cat $W/exe" "/memfd:ocibox (deleted)"
testing "the root-owned binary runs as it is" "u '\$O run -b r p2' && cat $W/exe" "$(readlink -f "$OCIBOX")"

# --systemd-cgroup as the user: the unit is its own systemd's (systemd
# --user), as rootless podman's default on a systemd host asks (runc's
# rootless systemd driver): a scope in the user's user.slice, the limits as
# unit properties and in its cgroup, update, pause, delete, nothing left
sd_unit_left() { usd "systemctl --user list-units --all --plain --no-legend '$1'" 2>/dev/null; }
sd_user_checks() {
	rbundle sd sleep 100
	redit sd '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 50}}'
	testing "systemd --user: run -d" \
		"usd '\$O --systemd-cgroup run -d -b sd sd1 </dev/null >/dev/null' && usd 'systemctl --user is-active ocibox-sd1.scope'" \
		"active"
	P=$(usd '$O state sd1' | jq -r .pid)
	SC=/user.slice/user-$RUID.slice/user@$RUID.service/user.slice/ocibox-sd1.scope
	testing "... the init is in the user's user.slice" "grep '^0::' /proc/$P/cgroup" "0::$SC"
	testing "... memory.max and pids.max from the config" \
		"cat /sys/fs/cgroup$SC/memory.max /sys/fs/cgroup$SC/pids.max" "67108864
50"
	testing "... systemd --user has them as unit properties" \
		"usd 'systemctl --user show -p MemoryMax -p TasksMax -p Delegate ocibox-sd1.scope' | sort" \
		"Delegate=yes
MemoryMax=67108864
TasksMax=50"
	testing "... state.json names the unit, the user's" \
		"jq -c '[.ocibox_systemd_unit, .ocibox_systemd_user]' $SDX/ocibox/sd1/state.json" \
		'["ocibox-sd1.scope",true]'
	testing "... update: SetUnitProperties and the cgroup file" \
		"usd '\$O update --memory 33554432 sd1' && cat /sys/fs/cgroup$SC/memory.max && usd 'systemctl --user show -p MemoryMax --value ocibox-sd1.scope'" \
		"33554432
33554432"
	testing "... pause, resume" \
		"usd '\$O pause sd1 && \$O state sd1' | jq -r .status && usd '\$O resume sd1 && \$O state sd1' | jq -r .status" \
		"paused
running"
	testing "... ps" "usd '\$O ps --format json sd1'" "[$P]"
	testing "... delete: no unit, no cgroup, no state" \
		"usd '\$O delete -f sd1' && sd_unit_left ocibox-sd1.scope; [ -e /sys/fs/cgroup$SC ] || [ -e $SDX/ocibox/sd1 ] || echo gone" \
		"gone"
	redit sd '.linux.cgroupsPath = "user.slice:mine:sd2" | .process.args = ["/nonexistent"]'
	testing "systemd --user: a failed create leaves no unit" \
		"usd '\$O --systemd-cgroup run -b sd sd2 2>&1' | grep -c 'nonexistent'; sd_unit_left mine-sd2.scope; ls $SDX/ocibox" \
		"1"
	# (seen from here: the container has a cgroup namespace of its own)
	# (the unit is named by cgroupsPath's NAME, not by the container's id)
	redit sd '.process.args = ["sleep", "100"] | .linux.cgroupsPath = "user.slice:mine:sd3"'
	testing "systemd --user: cgroupsPath slice:prefix:name" \
		"usd '\$O --systemd-cgroup run -d -b sd sd3 </dev/null >/dev/null' && grep '^0::' /proc/\$(usd '\$O state sd3' | jq .pid)/cgroup && usd '\$O delete -f sd3'" \
		"0::/user.slice/user-$RUID.slice/user@$RUID.service/user.slice/mine-sd3.scope"
	redit sd '.linux.cgroupsPath = "user.slice:mine:sd4"'
	SDBUS=unix:path=$W/no-such-bus
	testing "systemd --user: no user bus: its private socket" \
		"usd '\$O --systemd-cgroup run -d -b sd sd4 </dev/null >/dev/null && env -u DBUS_SESSION_BUS_ADDRESS systemctl --user is-active mine-sd4.scope && \$O delete -f sd4'" \
		"active"
	SDBUS=
	# rootless podman's case: ocibox as uid 0 of a user namespace mapping
	# the user alone; the bus sees the user's own uid (the SASL EXTERNAL
	# identity is translated), the config has no user namespace of its own
	redit sd '.linux.cgroupsPath = "user.slice:mine:sd5" | del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces -= [{type: "user"}]'
	testing "systemd --user: as root of the user's namespace (rootless podman's case)" \
		"usd 'unshare -U --map-root-user sh -c \"\$O --systemd-cgroup run -d -b sd sd5 </dev/null >/dev/null && \$O state sd5 | jq -r .status\" && systemctl --user is-active mine-sd5.scope && unshare -U --map-root-user \$O --systemd-cgroup delete -f sd5 && { systemctl --user is-active mine-sd5.scope || true; }'" \
		"running
active
inactive"
	testing "systemd --user: nothing left" \
		"sd_unit_left 'mine-*'; sd_unit_left 'ocibox-*'; ls $SDX/ocibox" ""
}
if [ ! -d /run/systemd/system ]; then
	skip "systemd --user" "systemd is not running here (the systemd VM tier runs this)"
elif [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
	skip "systemd --user" "not a pure cgroup v2 host"
elif ! systemctl start "user@$RUID.service"; then
	fail "systemd --user: systemctl start user@$RUID.service"
else
	SDU=1
	if wait_for 30 test -S "$SDX/systemd/private"; then
		sd_user_checks
	else
		fail "systemd --user: no $SDX/systemd/private"
	fi
	# the user's systemd goes too (its processes are the user's)
	systemctl stop "user@$RUID.service" "user-runtime-dir@$RUID.service" && SDU=
fi

# rootless podman's case: ocibox as uid 0 of a user namespace that maps the
# user alone, no --root given, a config without a user namespace of its own
rbundle e sh -c 'id -u; cat /proc/self/uid_map | tr -s " "; ls -l /dev/null | cut -c1'
redit e 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces -= [{type: "user"}]'
mkdir -p "$W/e2" && cp "$W/e/config.json" "$W/e2/" && ln -s ../e/rootfs "$W/e2/rootfs"
redit e2 '.process.args = ["sleep", "100"]'
testing "root of the user's namespace: rootless (state in \$XDG_RUNTIME_DIR)" \
	"u 'unshare -U --map-root-user sh -c \"\$O run -b e e1 && \$O run -d -b e2 e2 </dev/null >/dev/null && ls \$XDG_RUNTIME_DIR/ocibox && \$O ps --format json e2 | jq length && \$O delete -f e2\"'" \
	"0
 0 $RUID 1
c
e2
1"
testing "... nothing left" "states_left" ""

# a delegated cgroup v2 subtree (what systemd --user gets): the container's
# cgroup goes below it, pause, ps and kill --all through it
CG2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
if [ -n "$CG2" ] && [ -w "$CG2" ]; then
	D=$CG2/ocibox-test-rl$$
	mkdir "$D" "$D/self" &&
		chown "$RUID:$RGID" "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" \
			"$D/cgroup.threads" "$D/self" "$D/self/cgroup.procs" "$D/self/cgroup.threads"
	for c in memory pids; do
		grep -qw $c "$D/cgroup.controllers" && echo "+$c" > "$D/cgroup.subtree_control"
	done
	redit r 'del(.hooks) | .process.args = ["sleep", "100"]'
	testing "delegated v2: the container's cgroup is below it" \
		"ud '\$O run -d -b r --pid-file $W/d1.pid d1 </dev/null >/dev/null' && [ -d $D/ocibox/d1 ] && echo yes" "yes"
	P=$(cat "$W/d1.pid" 2>/dev/null)
	testing "... its init is in it" "cat $D/ocibox/d1/cgroup.procs" "$P"
	# (hybrid: the cgroup2 line alone, ":/PATH"; pure v2: "/PATH")
	testing "... state.json names it" "u '\$O state d1' >/dev/null && jq -r .ocibox_cgroup $W/xdg/ocibox/d1/state.json | tr -d '\\n' | sed 's/^://'" \
		"/${D#$CG2/}/ocibox/d1"
	testing "... exec joins it, ps reads it" \
		"ud '\$O exec -d d1 sleep 50' && u '\$O ps --format json d1' | jq length && wc -l < $D/ocibox/d1/cgroup.procs" "2
2"
	testing "... pause freezes it" \
		"u '\$O pause d1' && grep frozen $D/ocibox/d1/cgroup.events && u '\$O state d1' | jq -r .status" \
		"frozen 1
paused"
	testing "... resume" "u '\$O resume d1' && grep frozen $D/ocibox/d1/cgroup.events" "frozen 0"
	testing "... kill --all" "u '\$O kill --all d1 KILL' && wait_for 5 eval '! alive $P' && echo gone" "gone"
	testing "... delete removes what it made" "u '\$O delete d1' && [ ! -e $D/ocibox ] && echo gone" "gone"
	if grep -qw memory "$D/cgroup.controllers"; then
		redit r '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
		testing "delegated v2: memory.max set" \
			"ud '\$O run -d -b r d2 </dev/null >/dev/null' && cat $D/ocibox/d2/memory.max && u '\$O delete -f d2'" \
			"33554432"
		redit r '.process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]'
		testing "delegated v2: ... and enforced (OOM kill: 137)" \
			"ud '\$O run -b r d3 >/dev/null 2>&1'; echo \$?" "137"
	else
		skip "delegated v2: memory limit" "no memory controller in $CG2 (a hybrid host: the VM tier runs this)"
	fi
else
	skip "delegated v2 subtree" "no writable cgroup2 mount"
fi

# (on failure: what is left, with its parent and age, to tell a leak of this
# test from one of an earlier test's user namespace in the same id range)
testing "no process of the user is left" \
	"wait_for 10 no_user_pids || for p in \$(user_pids); do ps -o pid=,ppid=,uid=,stat=,etime=,args= -p \$p; done" ""
testing "no state left" "states_left" ""
testing "no mount left" "count ' $W' /proc/self/mountinfo" "0"
