# lib.sh: the CLI test harness, sourced by test/cli/*.sh (and test/engines).
#
#   testing "description" "shell command" "expected stdout" [STATUS]
#       passes when the command's stdout is exactly the expected text AND it
#       exits with STATUS (default 0): a command that never ran cannot pass
#       a test that expects empty output. A command meant to fail says how:
#         testing "bad id" "$O state ../x 2>&1" 'ocibox: state: ...' 1
#   testing_rc "description" STATUS "shell command"
#       the exit status only (stdout and stderr shown when it differs)
#   pass/fail/skip "description" [reason]
#   count PATTERN [FILE...]     grep -c whose status is 0 for no match too,
#       so that `count X FILE` -> "0" passes; unreadable input still fails
#   wait_for SECONDS CMD [ARG...]
#       run CMD every 0.05 s until it succeeds; status 1 after SECONDS.
#       Tests wait for the state they need instead of sleeping a guess:
#         wait_for 5 test -S "$T/sock"
#         wait_for 5 eval '[ "$(status c1)" = stopped ]'
#
# Commands run with eval in a subshell, so this file's functions work there.
# Status comes from the last command: a pipeline's from its last stage, so
# end with the stage whose failure matters, or join with && to keep each.
# Each test file gets a private temp dir $T, a private state root $ROOT, and
# cleanup at exit of every container, mount and cgroup created under them.
# Tests look only at what they made: processes by the pid they recorded or
# by our own $ROOT (ours_left), never by a name shared with the machine.
set -u
: "${OCIBOX:?run through test/run.sh}"
TESTNAME=${0##*/}; TESTNAME=${TESTNAME%.sh}
T=$(mktemp -d "/tmp/ocibox-test-$TESTNAME.XXXXXX")
ROOT=$T/root
O="$OCIBOX --root $ROOT"

pass() { echo "PASS: $TESTNAME: $1"; }
fail() { echo "FAIL: $TESTNAME: $1${2:+ ($2)}"; }
skip() { echo "SKIP: $TESTNAME: $1: $2"; }

testing() { # desc cmd expected [status]
	got=$(eval "$2" 2>"$T/stderr"); rc=$?
	if [ "$got" = "$3" ] && [ "$rc" = "${4:-0}" ]; then pass "$1"; else
		if [ "$rc" = "${4:-0}" ]; then fail "$1" "output differs"
		else fail "$1" "expected status ${4:-0}, got $rc"; fi
		printf '    expected: %s\n    got:      %s\n    stderr:   %s\n' \
			"$3" "$got" "$(head -c 600 "$T/stderr")"
	fi
}
testing_rc() { # desc expected-rc cmd
	(eval "$3") >"$T/stdout" 2>"$T/stderr"; rc=$?
	if [ "$rc" = "$2" ]; then pass "$1"; else
		fail "$1" "expected status $2, got $rc"
		printf '    stdout: %s\n    stderr: %s\n' "$(head -c 600 "$T/stdout")" \
			"$(head -c 600 "$T/stderr")"
	fi
}
count() { # PATTERN [FILE...]: grep -c; 0 matches is success, grep's errors (2) are not
	grep -c -- "$@"
	[ $? -le 1 ]
}
wait_for() { # SECONDS CMD [ARG...]
	_w=$(($1 * 20)); shift
	until "$@"; do
		[ "$_w" -gt 0 ] || return 1
		_w=$((_w - 1))
		sleep 0.05
	done
}
# contains FILE STRING: grep -F, quietly
contains() { grep -qF -- "$2" "$1"; }

is_root() { [ "$(id -u)" = 0 ]; }
# alive PID: the process exists and is not a zombie (this machine's init
# reaps orphans only about once a second); an empty or non-numeric PID (a
# pid file never written) is not alive
alive() {
	case $1 in ''|*[!0-9]*) return 1 ;; esac
	[ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'
}
# states: the containers whose state is under $ROOT (none before the first
# create made $ROOT; dot entries such as the seccomp cache are no state)
states() { [ ! -e "$ROOT" ] || ls "$ROOT"; }
# status ID: the container's status
status() { $O state "$1" 2>/dev/null | jq -r .status; }
# ours_left: runtime processes still running with our own root (every
# command here starts "$OCIBOX --root $ROOT"; $ROOT is private to this test
# file, so other tests' and engineers' containers are never counted). Read
# from /proc, compared literally at the start of each command line: no
# pgrep (the VM's busybox has none, and a missing pgrep must not read as
# "0") and no regular expression.
ours_left() {
	for _f in /proc/[0-9]*/cmdline; do
		printf '\n'
		cat "$_f" 2>/dev/null
	done | tr '\0' ' ' | P="$OCIBOX --root $ROOT " \
		awk 'index($0, ENVIRON["P"]) == 1 { n++ } END { print n + 0 }'
}

# user_pids: the live processes of a test user the test made: host uid
# $RUID or one of its subordinate uids [$SUB, $SUB + $SUBN) (rootless tests)
user_pids() {
	for p in /proc/[0-9]*; do
		o=$(stat -c %u "$p" 2>/dev/null) || continue
		if [ "$o" = "$RUID" ] || { [ "$o" -ge "$SUB" ] && [ "$o" -lt $((SUB + SUBN)) ]; }; then
			alive "${p#/proc/}" && echo "${p#/proc/}"
		fi
	done
}
no_user_pids() { [ -z "$(user_pids)" ]; }

# mkrootfs DIR: a busybox rootfs with /probe
mkrootfs() {
	mkdir -p "$1"/bin "$1"/etc "$1"/proc "$1"/sys "$1"/dev "$1"/tmp "$1"/root "$1"/home
	cp /bin/busybox "$1"/bin/busybox
	for a in sh true false echo cat sleep ls id ps hostname env mount stat \
		readlink touch mkdir test grep wc kill head printf umask ulimit \
		tty stty pwd chmod dd; do
		ln -sf busybox "$1/bin/$a"
	done
	cp "$PROBE" "$1"/probe
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home:/bin/sh\n' > "$1"/etc/passwd
	printf 'root:x:0:\nuser:x:1000:\n' > "$1"/etc/group
	chmod 1777 "$1"/tmp
}

# mkbundle DIR [ARGS...]: rootfs + the default config.json running ARGS
# (default /bin/true), with terminal off.
mkbundle() {
	b=$1; shift
	mkdir -p "$b"
	mkrootfs "$b/rootfs"
	$OCIBOX spec --bundle "$b" >/dev/null
	if [ $# -gt 0 ]; then
		args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	else
		args='["/bin/true"]'
	fi
	jqset "$b" ".process.terminal = false | .process.args = $args"
}

# jqset BUNDLE FILTER: edit BUNDLE/config.json in place with jq
jqset() {
	jq "$2" "$1/config.json" > "$1/config.json.new" && mv "$1/config.json.new" "$1/config.json"
}

# base_bundle: $B, a default bundle whose config is kept as $T/base.json,
# the starting point of r and d
base_bundle() {
	B=$T/bundle
	mkbundle "$B"
	cp "$B/config.json" "$T/base.json"
}
# cfg_args FILTER ARGS...: $B's config = base.json edited by FILTER, running ARGS
cfg_args() {
	f=$1; shift
	a=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq "$f | .process.args = $a" "$T/base.json" > "$B/config.json"
}
# r FILTER ARGS...: run that in the foreground ($RUNOPTS added to run)
r() { cfg_args "$@" && $O run ${RUNOPTS:-} --bundle "$B" "$TESTNAME"; }
# d ID FILTER ARGS...: run it detached as ID, its pid in $T/ID.pid
d() {
	id=$1; shift
	cfg_args "$@" &&
		$O run -d --pid-file "$T/$id.pid" --bundle "$B" "$id" </dev/null >/dev/null 2>&1
}

# cleanup: delete every container under $ROOT, then remove $T
cleanup() {
	if [ -d "$ROOT" ]; then
		for d in "$ROOT"/*/; do
			[ -d "$d" ] || continue
			id=${d%/}; id=${id##*/}
			$O delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	# unmount anything a failed test left below $T (deepest first)
	grep -F " $T" /proc/self/mountinfo 2>/dev/null | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
