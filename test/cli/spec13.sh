# spec13.sh: what runtime-spec 1.3 and runc 1.2+ added that ocibox has:
# --pidfd-socket for create, run and exec; linux.memoryPolicy.
. "$TOP/test/lib.sh"
if ! is_root; then skip "spec13" "needs root"; exit 0; fi

base_bundle
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
	"ocibox: create: connect to --pidfd-socket '$T/nobody.sock': no such file or directory" 1
testing "a pidfd socket nobody listens on: nothing left" "ls -A $ROOT | grep -v '^\.seccomp$' | wc -l" "0"

# linux.memoryPolicy (spec 1.3): set_mempolicy for the container process,
# read back from its numa_maps; nodes that are not online are refused
testing "memoryPolicy MPOL_BIND on node 0: the process's memory is bound" \
	"r '.ociVersion = \"1.3.0\" | .linux.memoryPolicy = {mode: \"MPOL_BIND\", nodes: \"0\"}' /bin/sh -c 'grep -q \" bind:0 \" /proc/self/numa_maps && echo bound'" \
	"bound"
testing "memoryPolicy MPOL_INTERLEAVE with MPOL_F_STATIC_NODES" \
	"r '.linux.memoryPolicy = {mode: \"MPOL_INTERLEAVE\", nodes: \"0\", flags: [\"MPOL_F_STATIC_NODES\"]}' /bin/sh -c 'grep -q \" interleave=static:0 \" /proc/self/numa_maps && echo interleaved'" \
	"interleaved"
testing "memoryPolicy: exec'd processes get it too" \
	"d mp '.linux.memoryPolicy = {mode: \"MPOL_BIND\", nodes: \"0\"}' /bin/sleep 100; $O exec mp /bin/sh -c 'grep -q \" bind:0 \" /proc/self/numa_maps && echo bound'" \
	"bound"
$O delete --force mp
online=$(cat /sys/devices/system/node/online 2>/dev/null || echo 0)
cfg_args '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1000"}' /bin/true
testing "memoryPolicy: a node that is not online: check names it" \
	"$OCIBOX check --bundle $B" \
	"config.json: linux.memoryPolicy.nodes: \"1000\" names a node that is not online (online: $online)" 1
testing "memoryPolicy: and create refuses it in the same words" \
	"$O create --bundle $B mp2 2>&1" \
	"ocibox: create: config.json: linux.memoryPolicy.nodes: \"1000\" names a node that is not online (online: $online)" 1
cfg_args '.linux.memoryPolicy = {mode: "MPOL_DEFAULT", nodes: "0"}' /bin/true
testing "memoryPolicy: MPOL_DEFAULT with nodes is refused" \
	"$O create --bundle $B mp3 2>&1" \
	"ocibox: create: config.json: linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes" 1
cfg_args '.linux.memoryPolicy = {mode: "MPOL_NOPE"}' /bin/true
testing "memoryPolicy: an unknown mode names the field" \
	"$O create --bundle $B mp4 2>&1 | grep -c 'linux.memoryPolicy.mode: unknown mode \"MPOL_NOPE\"'" "1"
testing "memoryPolicy: nothing left" "ls -A $ROOT | grep -v '^\.seccomp$' | wc -l" "0"
testing "no process of ours left" "ours_left" "0"
