# rootless.sh: test/cli/rootless.sh on this tier's pure cgroup v2 boot, the
# one place it can check what this hybrid host cannot: a delegated cgroup v2
# subtree with the memory controller, where a rootless container's memory
# limit is applied and enforced (the OOM kill), and --systemd-cgroup as the
# user, whose units are its own systemd's (systemd --user); then rootless
# podman on its systemd cgroup manager (rootless_podman_sd). The guest's root is the
# host's own (useradd, newuidmap, jq are there). Sourced by guest.sh; its
# PASS/FAIL/SKIP lines join this tier's count, named systemd-v2: rootless:.

rootless_v2() {
	[ "$CG_LAYOUT" = unified ] || { info "rootless: cgroup v2 only"; return; }
	relay rootless timeout -k 10 600 sh "$TOP/test/cli/rootless.sh"
}

DRIVER_TESTS="$DRIVER_TESTS rootless_v2"

# rootless podman on its systemd default: cgroup_manager = "systemd", what
# podman picks for a user with a systemd --user session. podman runs ocibox
# as uid 0 of the user's namespace with --systemd-cgroup and a cgroupsPath
# "user.slice:libpod:ID": the container's scope is the user's systemd's.
# Storage vfs and --network none: no fuse-overlayfs or slirp4netns needed
# (the engines tier runs those, with cgroupfs).
rootless_podman_sd() {
	h="rootless podman, systemd cgroup manager"
	[ "$CG_LAYOUT" = unified ] || { info "$h: cgroup v2 only"; return; }
	command -v podman >/dev/null 2>&1 || { skip "$h" "no podman"; return; }
	PU=ocbxps$$ PW=$T/pw
	mkdir -p "$PW/img" && chmod 711 "$T"
	useradd -M -d "$PW" -s /bin/sh -K SUB_UID_MIN=2000000 -K SUB_GID_MIN=2000000 "$PU" ||
		{ fail "$h: useradd"; return; }
	PUID=$(id -u "$PU") PGID=$(id -g "$PU")
	PX=/run/user/$PUID
	mkrootfs "$PW/img/rootfs" && tar -C "$PW/img/rootfs" -cf "$PW/img/rootfs.tar" .
	cat > "$PW/containers.conf" <<EOC
[engine]
cgroup_manager = "systemd"
events_logger = "file"
events_logfile_path = "$PW/events.log"
runtime_supports_json = ["crun", "runc", "ocibox"]
EOC
	chown -R "$PUID:$PGID" "$PW"
	if systemctl start "user@$PUID.service" && wait_for 30 test -S "$PX/bus"; then
		podman_sd_checks
	else
		fail "$h: systemctl start user@$PUID.service (no $PX/bus)"
	fi
	PP rm -a -f -t 0 >/dev/null 2>&1
	PP system reset -f >/dev/null 2>&1
	systemctl stop "user@$PUID.service" "user-runtime-dir@$PUID.service" 2>/dev/null
	# its processes: its uid's and its subordinate ids' (lib.sh's user_pids)
	for p in $(RUID=$PUID SUB=$(awk -F: -v u="$PU" '$1 == u { print $2 }' /etc/subuid)
		   SUBN=$(awk -F: -v u="$PU" '$1 == u { print $3 }' /etc/subuid); user_pids); do
		kill -9 "$p" 2>/dev/null
	done
	userdel "$PU" 2>/dev/null
	rm -rf "$PW"
}
# PP ARGS...: rootless podman as that user, in its systemd --user session
PP() {
	timeout -k 5 180 setpriv --reuid "$PUID" --regid "$PGID" --clear-groups \
		env -i HOME="$PW" USER="$PU" LOGNAME="$PU" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		XDG_RUNTIME_DIR="$PX" DBUS_SESSION_BUS_ADDRESS="unix:path=$PX/bus" \
		CONTAINERS_CONF="$PW/containers.conf" \
		podman --root "$PW/storage" --runroot "$PX/runroot" --storage-driver vfs \
		--runtime "$OCIBOX" "$@"
}
# PSD ARGS...: systemctl --user of that user
PSD() {
	setpriv --reuid "$PUID" --regid "$PGID" --clear-groups \
		env -i XDG_RUNTIME_DIR="$PX" PATH=/usr/bin:/bin systemctl --user "$@"
}
podman_sd_checks() {
	I=localhost/ocibox-bb:latest
	testing "$h: import an image" \
		"PP import --change 'CMD [\"/bin/sh\"]' $PW/img/rootfs.tar $I >/dev/null && echo ok" "ok"
	testing "$h: podman info: rootless, the systemd cgroup manager, ocibox" \
		"PP info --format '{{.Host.Security.Rootless}} {{.Host.CgroupManager}} {{.Host.OCIRuntime.Path}}'" \
		"true systemd $OCIBOX"
	testing "$h: run echo" "PP run --rm --network none $I /bin/echo hi" "hi"
	testing_rc "$h: run exit code 3" 3 "PP run --rm --network none $I /bin/sh -c 'exit 3'"
	id=$(PP run -d --network none --memory 64m $I sleep 100)
	pid=$(PP inspect --format '{{.State.Pid}}' "$id" 2>/dev/null)
	testing "$h: run -d: the container's scope is the user's" \
		"PSD is-active libpod-$id.scope && grep '^0::' /proc/$pid/cgroup" \
		"active
0::/user.slice/user-$PUID.slice/user@$PUID.service/user.slice/libpod-$id.scope"
	testing "$h: ... --memory reached the scope" \
		"cat /sys/fs/cgroup/user.slice/user-$PUID.slice/user@$PUID.service/user.slice/libpod-$id.scope/memory.max" \
		"67108864"
	testing "$h: exec" "PP exec $id /bin/echo inside" "inside"
	testing "$h: stop, rm: the scope is gone" \
		"PP stop -t 0 $id >/dev/null && PP rm $id >/dev/null && { PSD is-active libpod-$id.scope || true; }" \
		"inactive"
	testing "$h: nothing of ocibox's left" \
		"PSD list-units --all --plain --no-legend 'libpod-*'; ls $PX/ocibox 2>/dev/null" ""
}
DRIVER_TESTS="$DRIVER_TESTS rootless_podman_sd"

# --systemd-cgroup as a user where systemd runs on cgroup v1 (the hybrid
# boot): refused before the user's systemd is asked anything, as runc
rootless_sd_v1() {
	h="rootless --systemd-cgroup on cgroup v1"
	[ "$CG_LAYOUT" != unified ] || return 0
	VU=ocbxsv$$ VW=$T/vw
	mkdir -p "$VW/xdg" && chmod 711 "$T"
	useradd -M -d "$VW" -s /bin/sh -K SUB_UID_MIN=3000000 -K SUB_GID_MIN=3000000 "$VU" ||
		{ fail "$h: useradd"; return; }
	mkrootfs "$VW/b/rootfs"
	chown -R "$VU:" "$VW"
	VR() {
		setpriv --reuid "$(id -u "$VU")" --regid "$(id -g "$VU")" --clear-groups \
			env -i HOME="$VW" PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$VW/xdg" \
			/bin/sh -c "cd '$VW' && $1"
	}
	testing "$h: refused, naming cgroup v2" \
		"VR '$OCIBOX spec --rootless --bundle b && $OCIBOX --systemd-cgroup run -b b v1 2>&1'" \
		"ocibox: run: --systemd-cgroup: a rootless container's unit needs cgroup v2 (systemd --user manages no cgroup v1 hierarchy); without --systemd-cgroup it runs with cgroupfs" 1
	testing "$h: nothing left" "[ ! -e $VW/xdg/ocibox ] || ls -A $VW/xdg/ocibox" ""
	userdel "$VU" 2>/dev/null
	rm -rf "$VW"
}
DRIVER_TESTS="$DRIVER_TESTS rootless_sd_v1"
