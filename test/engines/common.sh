# common.sh: what every engine script shares, sourced after test/lib.sh:
# timeouts, packages, daemons started and stopped by pid, the busybox image.
# Engine output lines: PASS/FAIL/SKIP as in lib.sh; an engine that cannot
# run here for reasons outside ocibox prints "SKIP: engines: ENGINE: why".

# tmo SECONDS CMD...: never let an engine hang the suite
tmo() { _tmo=$1; shift; timeout -k 5 "$_tmo" "$@"; }

# engine_skip REASON: the whole engine section is skipped
engine_skip() { echo "SKIP: engines: $TESTNAME: $1"; exit 0; }

# expect DESC EXPECTED GOT [DETAIL]: compare two strings
expect() {
	if [ "$3" = "$2" ]; then pass "$1"; else
		fail "$1"
		printf '    expected: %s\n    got:      %s\n' "$2" "$3"
		[ -n "${4:-}" ] && printf '    detail:   %s\n' "$(printf %s "$4" | head -c 600)"
	fi
	return 0
}
# expect_match DESC REGEX GOT: GOT matches the extended REGEX
expect_match() {
	if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else
		fail "$1"
		printf '    expected /%s/\n    got:      %s\n' "$2" "$(printf %s "$3" | head -c 600)"
	fi
	return 0
}

# need_pkgs CMD PKG...: install PKG... from apt when CMD is missing
need_pkgs() {
	_cmd=$1; shift
	command -v "$_cmd" >/dev/null 2>&1 && return 0
	is_root || return 1
	if [ ! -e /var/lib/apt/lists/lock ] || [ -z "$(ls /var/lib/apt/lists/*_Packages 2>/dev/null)" ]; then
		tmo 300 apt-get update -q >/dev/null 2>&1
	fi
	DEBIAN_FRONTEND=noninteractive tmo 600 apt-get install -y -q "$@" \
		>"$T/apt.log" 2>&1 || tmo 300 apt-get update -q >/dev/null 2>&1
	command -v "$_cmd" >/dev/null 2>&1 ||
		DEBIAN_FRONTEND=noninteractive tmo 600 apt-get install -y -q "$@" \
			>>"$T/apt.log" 2>&1
	command -v "$_cmd" >/dev/null 2>&1
}

# daemon_start PIDFILE LOG CMD...: a daemon in its own session (run.sh
# closed every fd > 2 before any engine script started)
daemon_start() {
	_pf=$1 _lg=$2; shift 2
	( exec setsid "$@" </dev/null >"$_lg" 2>&1 ) &
	echo $! > "$_pf"
}

# containerd_config DIR: a private containerd (no CRI) under DIR, as
# ../shared/CLIENTS.md sets it up; containerd_start DIR starts it and waits
# (or skips the engine with its log's last line)
containerd_config() {
	cat > "$1/config.toml" <<EOF
version = 2
root = "$1/root"
state = "$1/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$1/containerd.sock"
[ttrpc]
  address = "$1/containerd.sock.ttrpc"
[debug]
  address = "$1/debug.sock"
EOF
}
containerd_start() {
	daemon_start "$1/containerd.pid" "$1/containerd.log" containerd --config "$1/config.toml"
	wait_for 30 ctr --address "$1/containerd.sock" version ||
		engine_skip "containerd did not start: $(tail -1 "$1/containerd.log")"
}
# daemon_stop PIDFILE: TERM the one we started, KILL it after 15 s
daemon_stop() {
	[ -s "$1" ] || return 0
	_p=$(cat "$1")
	kill "$_p" 2>/dev/null || return 0
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 150 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -9 "$_p" 2>/dev/null
	rm -f "$1"
	return 0
}
# keep_logs FILE...: with ENGINES_LOGS=DIR, copy the engine's logs there
keep_logs() {
	[ -n "${ENGINES_LOGS:-}" ] || return 0
	mkdir -p "$ENGINES_LOGS/$TESTNAME"
	cp "$@" "$ENGINES_LOGS/$TESTNAME/" 2>/dev/null
	return 0
}
# wait_for SECONDS CMD...: until CMD succeeds
wait_for() {
	_n=$(($1 * 10)); shift
	while [ $_n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; _n=$((_n - 1))
	done
	return 1
}

# mkimage_tar DIR: the busybox rootfs (lib.sh's, from busybox-static) with
# /probe, plus a non-executable file, tarred into DIR/rootfs.tar
mkimage_tar() {
	mkrootfs "$1/rootfs"
	mkdir -p "$1/rootfs/var" "$1/rootfs/run"
	for a in seq yes nproc; do ln -sf busybox "$1/rootfs/bin/$a"; done
	printf 'not a program\n' > "$1/rootfs/noexec"
	chmod 0644 "$1/rootfs/noexec"
	tar -C "$1/rootfs" -cf "$1/rootfs.tar" .
}

# mkimage_oci DIR NAME: an OCI image archive (layout tarred) of DIR/rootfs.tar,
# as `podman save --format oci-archive` would write, without podman
mkimage_oci() {
	d=$1/oci; rm -rf "$d"; mkdir -p "$d/blobs/sha256"
	gzip -n -c "$1/rootfs.tar" > "$d/layer"
	diffid=$(sha256sum < "$1/rootfs.tar" | cut -d' ' -f1)
	lsum=$(sha256sum < "$d/layer" | cut -d' ' -f1); lsize=$(stat -c %s "$d/layer")
	mv "$d/layer" "$d/blobs/sha256/$lsum"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$diffid" > "$d/config"
	csum=$(sha256sum < "$d/config" | cut -d' ' -f1); csize=$(stat -c %s "$d/config")
	mv "$d/config" "$d/blobs/sha256/$csum"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		"$csum" "$csize" "$lsum" "$lsize" > "$d/manifest"
	msum=$(sha256sum < "$d/manifest" | cut -d' ' -f1); msize=$(stat -c %s "$d/manifest")
	mv "$d/manifest" "$d/blobs/sha256/$msum"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$msum" "$msize" "$2" > "$d/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' > "$d/oci-layout"
	tar -C "$d" -cf "$1/image-oci.tar" oci-layout index.json blobs
}

# leftovers ROOT: ocibox state dirs still under ROOT (which must exist: a
# check of the wrong directory must not pass); .seccomp is the compiled
# profile cache, not a container
leftovers() {
	[ -d "$1" ] || { echo "(no directory $1)"; return; }
	ls -A "$1" | grep -vx '\.seccomp' | tr '\n' ' '
}
# mounts_under DIR: mount points below DIR
mounts_under() { awk -v d="$1" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo; }
