# lifecycle.sh: create/start/state/kill/delete/run on real containers.
. "$TOP/test/lib.sh"
if ! is_root; then skip "lifecycle" "needs root"; exit 0; fi

B=$T/bundle
mkbundle "$B" /bin/sleep 100

testing_rc "create exits 0" 0 "$O create --bundle $B --pid-file $T/pid c1"
testing "state is created" "status c1" "created"
testing "pid file holds the init's pid" "alive \$(cat $T/pid) && echo alive" "alive"
testing "state pid matches the pid file" \
	"[ -s $T/pid ] && $O state c1 > $T/c1.json && jq -r .pid $T/c1.json" "$(cat "$T/pid")"
testing "state has bundle and ociVersion" "$O state c1 | jq -r '.bundle + \" \" + .ociVersion'" "$B 1.3.0"
testing "create with the same id fails" "$O create --bundle $B c1 2>&1" \
	'ocibox: create: container "c1" already exists' 1
testing "list shows it" "$O list -q" "c1"
testing_rc "start exits 0" 0 "$O start c1"
testing "state is running" "status c1" "running"
testing "start again fails" "$O start c1 2>&1" \
	"ocibox: start: cannot start a container in status running (only a created one)" 1
testing "delete without --force refuses a running container" "$O delete c1 2>&1" \
	'ocibox: delete: cannot delete container "c1" that is not stopped: running' 1
testing_rc "kill with a number" 0 "$O kill c1 9"
wait_for 5 eval '[ "$(status c1)" = stopped ]'
testing "state is stopped" "status c1" "stopped"
testing "kill a stopped container says not running" "$O kill c1 2>&1" \
	"ocibox: kill: container not running" 1
testing_rc "delete a stopped container" 0 "$O delete c1"
testing "state after delete says does not exist" "$O state c1 2>&1" \
	'ocibox: state: container "c1" does not exist' 1

testing_rc "delete a created container (as runc)" 0 \
	"$O create --bundle $B c2 && [ -d $ROOT/c2 ] && $O delete c2 && ! [ -d $ROOT/c2 ]"
$O create --bundle $B --pid-file $T/pid3 c3 >/dev/null 2>&1
$O start c3
testing_rc "kill by name SIGTERM" 0 "$O kill c3 SIGTERM"
testing_rc "delete --force" 0 "$O delete --force c3"
testing "no process left after delete --force" \
	"p=\$(cat $T/pid3) && { alive \$p && echo alive || echo gone; }" "gone"

$O create --bundle $B --pid-file $T/pid4 c4
kill -9 "$(cat $T/pid4)"
testing "start of a container whose init died is an error, not a hang" \
	"timeout 10 $O start c4 2>&1; echo rc=\$?" "ocibox: start: cannot start a container in status stopped (only a created one)
rc=1"
$O delete c4

# run
jqset "$B" '.process.args = ["/bin/sh", "-c", "exit 3"]'
testing_rc "run relays the exit code" 3 "$O run --bundle $B r1"
testing "run deletes the container" "$O list -q" ""
jqset "$B" '.process.args = ["/bin/sleep", "30"]'
( wait_for 10 eval '[ "$(status r2)" = running ]'; $O kill r2 KILL ) &
testing_rc "run relays death by signal as 128+N" 137 "$O run --bundle $B r2"
wait
jqset "$B" '.process.args = ["/bin/echo", "hello"]'
testing "run stdout reaches the caller" "$O run --bundle $B r3" "hello"
jqset "$B" '.process.args = ["/bin/cat"]'
testing "run stdin reaches the container" "echo piped | $O run --bundle $B r4" "piped"
# pid 1 ignores signals it has no handler for: this one has a handler,
# and TERM goes to run only once the container's sh has installed it
# (SigCgt bit 15 of its status)
jqset "$B" '.process.args = ["/bin/sh", "-c", "trap \"exit 7\" TERM; while :; do sleep 0.1; done"]'
traps_term() { # ID: the container's init has a TERM handler
	_c=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$($O state "$1" | jq .pid)/status" 2>/dev/null)
	[ -n "$_c" ] && [ $((0x${_c#${_c%????}} & 0x4000)) != 0 ]
}
testing_rc "run forwards signals it receives to the container" 7 \
	"$O run --bundle $B r5 & wait_for 10 traps_term r5; kill -TERM \$!; wait \$!"
testing_rc "run --keep keeps a stopped container" 0 \
	"$O run --keep --bundle $B r6 >/dev/null 2>&1 & wait_for 10 eval '[ \"\$(status r6)\" = running ]' && $O kill r6 KILL; wait; [ \$($O state r6 | jq -r .status) = stopped ]"
$O delete r6 >/dev/null 2>&1
jqset "$B" '.process.args = ["/bin/sleep", "100"]'
testing_rc "run --detach returns at once" 0 "$O run -d --bundle $B --pid-file $T/pid7 r7"
testing "detached container runs" "status r7" "running"
$O delete -f r7

# errors leave nothing behind
jqset "$B" '.process.args = ["/bin/nope"]'
testing "missing program: the container's own message" \
	"$O create --bundle $B e1 2>&1" 'ocibox: create: config.json: process.args[0]: exec "/bin/nope": no such file or directory' 1
testing "missing program: no state left" "states" ""
jqset "$B" '.process.args = ["nope"]'
testing "missing program on PATH: the words podman maps to 127" \
	"$O run --bundle $B e2 2>&1 | grep -c 'executable file not found in \$PATH'" "1"
# refused at create, as runc's LookPath: after start no runtime could say why
printf 'data\n' > "$B/rootfs/noexec"; chmod 0644 "$B/rootfs/noexec"
jqset "$B" '.process.args = ["/noexec"]'
testing "non-executable program: refused at create with the words podman maps to 126" \
	"$O create --bundle $B e4 2>&1" 'ocibox: create: config.json: process.args[0]: exec "/noexec": permission denied' 1
testing "non-executable program: no state left" "states" ""
jqset "$B" '.process.args = ["/bin/true"] | .root.path = "nowhere"'
testing "missing rootfs: clear error" "$O create --bundle $B e3 2>&1 | grep -c 'root.path'" "1"
testing "missing rootfs: no state left" "states" ""
jqset "$B" '.root.path = "rootfs"'
if [ -d /run/systemd/system ]; then
	skip "a refused create (--systemd-cgroup) touches nothing" "systemd runs here"
else
	testing "a refused create (--systemd-cgroup, no systemd here) touches nothing, not even --root" \
		"$OCIBOX --root $T/untouched --systemd-cgroup create --bundle $B e4 2>&1; ls -a $T/untouched 2>&1 | grep -c 'No such'" \
		"ocibox: create: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system)
1"
fi
testing "failed creates left no cgroup" \
	"ls -d /sys/fs/cgroup/*/ocibox/e1 /sys/fs/cgroup/*/ocibox/e3 2>/dev/null | wc -l" "0"
testing "no process of ours left" "ours_left" "0"
