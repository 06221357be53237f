# robust.sh: the runtime under stress of its own making: readers never wait
# for a writer, a killed start or cache write leaves a true state, creates
# race deletes, delete touches only what is the container's.
. "$TOP/test/lib.sh"
if ! is_root; then skip "robust" "needs root"; exit 0; fi

base_bundle
leftovers() { find "$ROOT" -mindepth 1 -maxdepth 1 ! -name .seccomp 2>/dev/null | wc -l; }

# ---- readers never wait for a writer ----
# A createRuntime hook that blocks until we let it go: create holds its
# container's lock for all that time.
cat > "$T/hook.sh" <<EOF
#!/bin/sh
echo \$\$ > $T/hook.pid
while [ ! -e $T/go ]; do sleep 0.05; done
EOF
chmod +x "$T/hook.sh"
d other '.' /bin/sleep 100
cfg_args ".hooks.createRuntime = [{path: \"$T/hook.sh\"}]" /bin/sleep 100
$O create --bundle "$B" held </dev/null >/dev/null 2>"$T/held.err" &
held=$!
wait_for 10 test -s "$T/hook.pid"
testing "while a create's hook runs: list answers" "timeout 5 $O list -q | sort" "held
other"
testing "while a create's hook runs: its state answers (creating)" \
	"timeout 5 $O state held | jq -r .status" "creating"
testing "while a create's hook runs: another's state answers" \
	"timeout 5 $O state other | jq -r .status" "running"
touch "$T/go"
wait $held
testing "the held create then finishes" "status held" "created"
$O delete --force held
$O delete --force other

# ---- delete --force of a paused container ----
d p16 '.' /bin/sleep 100
pid=$(cat "$T/p16.pid")
$O pause p16
testing "paused: delete --force kills and removes it (within 5 s)" \
	"timeout 5 $O delete --force p16 && echo done" "done"
testing "paused: its init is gone" "wait_for 5 sh -c '! alive $pid' && echo gone" "gone"

# ---- start killed right after it released the init ----
cfg_args '.root.readonly = false' /bin/sh -c 'touch /tmp/started; exec sleep 100'
$O create --bundle "$B" s18 </dev/null >/dev/null 2>&1
# start's first poll comes after it consumed exec.fifo (the release)
strace -f -o /dev/null -e trace=poll,ppoll -e inject=poll,ppoll:signal=KILL:when=1 \
	$O start s18 >/dev/null 2>&1
testing "start killed after the release: the program runs" \
	"wait_for 10 test -e $B/rootfs/tmp/started && echo yes" "yes"
testing "start killed after the release: state says running" "status s18" "running"
testing_rc "start killed after the release: a second start refuses" 1 "$O start s18"
testing_rc "start killed after the release: a plain delete refuses" 1 "$O delete s18"
$O delete --force s18
rm -f "$B/rootfs/tmp/started"

# ---- a create killed while writing the seccomp cache leaves nothing ----
if [ "$($OCIBOX features | jq -r .linux.seccomp.enabled)" = true ]; then
	rm -rf "$ROOT/.seccomp"
	cfg_args ".linux.seccomp = $(jq -c . "$TOP/test/data/podman-seccomp.json")" /bin/true
	# the cache write is create's first link or rename
	strace -f -o /dev/null -e trace=linkat,rename,renameat,renameat2 \
		-e inject=linkat,rename,renameat,renameat2:signal=KILL:when=1 \
		$O create --bundle "$B" sc17 >/dev/null 2>&1
	testing "seccomp cache: a create killed at its write leaves no file" \
		"ls -A $ROOT/.seccomp" ""
	testing "seccomp cache: and no state" "leftovers" "0"
	testing "seccomp cache: the next create writes it" \
		"$O run --bundle $B sc17b && ls -A $ROOT/.seccomp | wc -l" "1"
else
	skip "seccomp cache" "built without seccomp"
fi

# ---- a kill -9 at any step of a state write: the old file or the new ----
d w11 '.' /bin/sleep 100
n=1
while [ $n -le 6 ]; do
	# pause writes the freezer, then state.json: temp file, write, rename
	strace -f -o /dev/null -e trace=openat,write,close,rename,renameat,renameat2 \
		-e inject=openat,write,close,rename,renameat,renameat2:signal=KILL:when=$n \
		$O pause w11 >/dev/null 2>&1
	jq -e '.status == "running" or .status == "paused"' "$ROOT/w11/state.json" \
		>/dev/null 2>&1 || echo "torn at $n" >> "$T/torn"
	$O resume w11 >/dev/null 2>&1
	n=$((n + 1))
done
testing "kill -9 at each step of a state write: never a torn state.json" \
	"cat $T/torn 2>/dev/null; status w11" "running"
$O delete --force w11

# ---- create racing delete of the same id ----
cfg_args '.' /bin/true
i=0
while [ $i -lt 20 ]; do
	$O create --bundle "$B" r19 </dev/null >/dev/null 2>>"$T/race.err" &
	c=$!
	$O delete --force r19 2>/dev/null
	wait $c
	$O delete --force r19 2>/dev/null
	i=$((i + 1))
done
testing "create racing delete: never \"does not exist\"" \
	"count 'does not exist' $T/race.err" "0"
testing "create racing delete: nothing left" "leftovers" "0"

# ---- delete removes what it does not know by name ----
# (it removes state.json, config.json and exec.fifo by name, the rest only
# when rmdir finds the directory not empty)
d stray1 '.' /bin/sleep 100
touch "$ROOT/stray1/.state.json.XXXXXX"
testing "a stray file in the state directory: delete removes it with the rest" \
	"$O delete --force stray1 && [ ! -e $ROOT/stray1 ] && echo gone" "gone"

# ---- delete touches only what is the container's ----
# our own cgroup hierarchy to play in: pids on v1/hybrid, the root on v2
CG=/sys/fs/cgroup/pids
[ -d "$CG" ] || CG=/sys/fs/cgroup
CGP=/ocibox-test-robust-$$
cleanup_cg() {
	for p in $(cat "$CG$CGP"/*/cgroup.procs 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	for dir in "$CG$CGP"/* "$CG$CGP"; do [ -d "$dir" ] && rmdir "$dir" 2>/dev/null; done
	true
}
trap 'cleanup_cg; cleanup' EXIT
mkdir -p "$CG$CGP"
d share1 ".linux.cgroupsPath = \"$CGP/shared\"" /bin/sleep 100
testing "two containers, one cgroupsPath: the second is refused" \
	"cfg_args '.linux.cgroupsPath = \"$CGP/shared\"' /bin/sleep 100; $O create --bundle $B share2 </dev/null >/dev/null 2>$T/share2.err; grep -c 'already holds processes' $T/share2.err" "1"
testing "two containers, one cgroupsPath: the first still runs" "status share1" "running"
$O delete --force share1
# a cgroup that already holds a process of someone else's: refused
mkdir "$CG$CGP/foreign"
sleep 100 &
sp=$!
echo $sp > "$CG$CGP/foreign/cgroup.procs"
testing "a cgroup holding someone else's process: refused, naming it" \
	"cfg_args '.linux.cgroupsPath = \"$CGP/foreign\"' /bin/true; $O create --bundle $B f1 </dev/null >/dev/null 2>$T/f1.err; grep -c \"'$CG$CGP/foreign' already holds processes ($sp)\" $T/f1.err" "1"
testing "that process is untouched" "alive $sp && echo alive" "alive"
# an existing, empty cgroup: used, but not ours to kill in or remove
mkdir "$CG$CGP/pre"
d pre1 ".linux.cgroupsPath = \"$CGP/pre\"" /bin/sleep 100
echo $sp > "$CG$CGP/pre/cgroup.procs"
$O delete --force pre1
testing "a pre-existing cgroup: delete left the other process alive" "alive $sp && echo alive" "alive"
testing "a pre-existing cgroup: delete left the directory" "[ -d $CG$CGP/pre ] && echo kept" "kept"
# a cgroup below the container's (as systemd in a container makes): delete
# removes the leaf directly when it can, the tree when it must
d nest1 ".linux.cgroupsPath = \"$CGP/nest\"" /bin/sleep 100
mkdir -p "$CG$CGP/nest/sub/deeper"
testing "a cgroup tree below the container's: delete removes it all" \
	"$O delete --force nest1 && [ ! -e $CG$CGP/nest ] && echo gone" "gone"
kill -9 $sp; wait $sp 2>/dev/null
testing "no process of ours left" "ours_left" "0"
