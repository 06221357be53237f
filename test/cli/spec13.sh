# spec13.sh: what runtime-spec 1.3 and runc 1.2+ added that ocibox has:
# --pidfd-socket for create, run and exec.
. "$TOP/test/lib.sh"
if ! is_root; then skip "spec13" "needs root"; exit 0; fi

base_bundle
# wait_for SECONDS CMD...: poll CMD until it succeeds, at most SECONDS
wait_for() {
	n=$(($1 * 20)); shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.05
	done
}
# receiver NAME: the engine's end of --pidfd-socket at $T/NAME.sock; what
# it received goes to $T/NAME.out, its pid to $rp
receiver() {
	$PROBE fd-recv "$T/$1.sock" > "$T/$1.out" 2>&1 &
	rp=$!
	wait_for 5 test -S "$T/$1.sock"
}

receiver c1
cfg_args '.' /bin/sleep 100
$O create --bundle "$B" --pidfd-socket "$T/c1.sock" --pid-file "$T/c1.pid" c1
wait $rp
testing "create --pidfd-socket: the socket gets a pidfd of the init" \
	"cat $T/c1.out" "pidfd
$(cat "$T/c1.pid" 2>/dev/null)"
receiver e1
$O exec -d --pidfd-socket "$T/e1.sock" --pid-file "$T/e1.pid" c1 /bin/sleep 100
wait $rp
testing "exec --pidfd-socket: the socket gets a pidfd of the new process" \
	"cat $T/e1.out" "pidfd
$(cat "$T/e1.pid" 2>/dev/null)"
$O delete --force c1
receiver r1
$O run -d --bundle "$B" --pidfd-socket "$T/r1.sock" --pid-file "$T/r1.pid" r1 </dev/null >/dev/null
wait $rp
testing "run -d --pidfd-socket: the same" "cat $T/r1.out" "pidfd
$(cat "$T/r1.pid" 2>/dev/null)"
$O delete --force r1
testing "a pidfd socket nobody listens on: a clear error" \
	"$O create --bundle $B --pidfd-socket $T/nobody.sock c2 2>&1" \
	"ocibox: create: connect to --pidfd-socket '$T/nobody.sock': no such file or directory"
testing "a pidfd socket nobody listens on: nothing left" "ls -A $ROOT | grep -v '^\.seccomp$' | wc -l" "0"
testing "no process of ours left" "ours_left" "0"
