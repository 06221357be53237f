# hooks.sh: the six hook stages with path/args/env/timeout, the state JSON
# on stdin, what a failing or timed-out hook does per stage, and a create
# killed while its hook runs.
. "$TOP/test/lib.sh"
if ! is_root; then skip "hooks" "needs root"; exit 0; fi

B=$T/bundle
mkbundle "$B" /bin/sleep 100
jqset "$B" '.root.readonly = false'
cp "$B/config.json" "$T/base.json"
H=$T/hooks
mkdir -p "$H"
# the hook: saves its stdin (the state), its args and one env variable
cat > "$T/hook.sh" <<'EOF'
#!/bin/sh
out=$1; shift
cat > "$out.json"
echo "$STAGE $*" > "$out.args"
readlink /proc/self/ns/mnt > "$out.mnt"
grep Cpus_allowed_list /proc/self/status | tr -d ' \t' | cut -d: -f2 > "$out.cpus"
EOF
chmod 755 "$T/hook.sh"

cfg() { jq "$1" "$T/base.json" > "$B/config.json"; }
hook() { # hook STAGE: a hook object for stage STAGE
	echo "{path: \"$T/hook.sh\", args: [\"hook.sh\", \"$H/$1\", \"a1\", \"a 2\"], env: [\"STAGE=$1\"]}"
}
summary() { # summary STAGE: id pid status bundle from the saved state
	jq -r '[.id, (.pid | tostring), .status, .bundle] | join(" ")' "$H/$1.json"
}

cfg ".hooks = {prestart: [$(hook prestart)], createRuntime: [$(hook createRuntime)],
	createContainer: [$(hook createContainer)], poststart: [$(hook poststart)],
	poststop: [$(hook poststop)],
	startContainer: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat > /started.json; echo \$STAGE > /started.env\"], env: [\"STAGE=inside\"]}]}"
testing_rc "create with every hook" 0 "$O create --bundle $B --pid-file $T/pid h1"
P=$(cat "$T/pid" 2>/dev/null)
testing "prestart: state on stdin (status created, as runtime.md and runc)" "summary prestart" "h1 $P created $B"
testing "prestart: args and env" "cat $H/prestart.args" "prestart a1 a 2"
testing "createRuntime: state on stdin (status created)" "summary createRuntime" "h1 $P created $B"
testing "createRuntime: args and env" "cat $H/createRuntime.args" "createRuntime a1 a 2"
# the runtime runs on one CPU while it creates (core/proc.h): not its hooks
CPUS=$(grep Cpus_allowed_list /proc/self/status | tr -d ' \t' | cut -d: -f2)
for st in prestart createRuntime createContainer; do
	testing "$st: the caller's CPU affinity" "cat $H/$st.cpus" "$CPUS"
done
testing "createContainer: state on stdin" "summary createContainer" "h1 $P created $B"
testing "createContainer: args and env" "cat $H/createContainer.args" "createContainer a1 a 2"
testing "createContainer: ran in the container's mount namespace" \
	"cat $H/createContainer.mnt" "$(readlink /proc/$P/ns/mnt)"
testing "createRuntime: ran in the runtime's mount namespace" \
	"cat $H/createRuntime.mnt" "$(readlink /proc/self/ns/mnt)"
testing "state JSON has the ociVersion" "jq -r .ociVersion $H/createRuntime.json" "1.3.0"
# (each "not yet" next to a hook that did run, so that it cannot pass
# because nothing ran at all)
testing "no poststart before start" \
	"[ -s $H/createContainer.json ] && ! [ -e $H/poststart.json ] && echo none" "none"
testing "startContainer not before start" \
	"[ -s $H/createContainer.json ] && ! [ -e $B/rootfs/started.json ] && echo none" "none"
testing_rc "start" 0 "$O start h1"
# the startContainer hook writes started.env last
wait_for 5 test -s "$B/rootfs/started.env"
testing "startContainer: ran inside the container" \
	"jq -r '[.id, (.pid | tostring), .status] | join(\" \")' $B/rootfs/started.json" "h1 $P running"
testing "startContainer: env" "cat $B/rootfs/started.env" "inside"
testing "poststart: state on stdin" "summary poststart" "h1 $P running $B"
testing "poststart: args and env" "cat $H/poststart.args" "poststart a1 a 2"
testing "no poststop before delete" \
	"[ -s $H/poststart.json ] && ! [ -e $H/poststop.json ] && echo none" "none"
testing_rc "delete --force" 0 "$O delete --force h1"
# (ocibox sends pid 0 once stopped, as `state` shows; runc sends the old pid)
testing "poststop: state on stdin" \
	"jq -r '[.id, (has(\"pid\") | tostring), .status, .bundle] | join(\" \")' $H/poststop.json" \
	"h1 true stopped $B"
testing "poststop: args and env" "cat $H/poststop.args" "poststop a1 a 2"
rm -f "$B/rootfs/started.json" "$B/rootfs/started.env" "$H"/*

# run: the same hooks around a foreground container
cfg ".process.args = [\"/bin/true\"] | .hooks = {poststart: [$(hook poststart)], poststop: [$(hook poststop)]}"
testing_rc "run with poststart and poststop hooks" 0 "$O run --bundle $B h2"
testing "run: poststart ran" "jq -r .status $H/poststart.json" "running"
testing "run: poststop ran" "jq -r .status $H/poststop.json" "stopped"

# failures
cfg '.hooks = {createRuntime: [{path: "/bin/false"}]}'
testing "failing createRuntime hook: create fails naming it" \
	"$O create --bundle $B h3 2>&1" \
	'ocibox: create: hooks.createRuntime[0] "/bin/false": exit status 1' 1
testing "failing createRuntime hook: no state left" "states" ""
testing "failing createRuntime hook: no mount left" "count ' $B/rootfs' /proc/self/mountinfo" "0"
testing "failing createRuntime hook: no process left" "ours_left" "0"
cfg '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]}'
testing "failing prestart hook: create fails" "$O create --bundle $B h4 2>&1" \
	'ocibox: create: hooks.prestart[0] "/bin/sh": exit status 3' 1
cfg '.hooks = {createContainer: [{path: "/bin/false"}]}'
testing "failing createContainer hook: create fails" "$O create --bundle $B h5 2>&1" \
	'ocibox: create: hooks.createContainer[0] "/bin/false": exit status 1' 1
testing "failing createContainer hook: no state left" "states" ""
# the hook records its own pid, then becomes the sleep
cfg ".hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo \$\$ > $T/h6.pid; exec /bin/sleep 5\"], timeout: 1}]}"
testing "hook over its timeout: create fails" "$O create --bundle $B h6 2>&1" \
	'ocibox: create: hooks.createRuntime[0] "/bin/sh": timed out after 1s' 1
testing "timed-out hook: no state left" "states" ""
testing "timed-out hook: the hook was killed" \
	"p=\$(cat $T/h6.pid) && { alive \$p && echo alive || echo gone; }" "gone"
cfg '.hooks = {createRuntime: [{path: "/nonexistent/hook"}]}'
testing "missing hook program: create fails naming it" \
	"$O create --bundle $B h7 2>&1 | grep -c 'hooks.createRuntime\[0\] \"/nonexistent/hook\"'" "1"
testing "missing hook program: no state left" "states" ""
cfg '.hooks = {poststart: [{path: "/bin/false"}]}'
$O create --bundle "$B" h8 >/dev/null 2>&1
testing "failing poststart hook: start still succeeds, with a warning" \
	"$O start h8 2>&1 >/dev/null | grep -c 'hooks.poststart\[0\] \"/bin/false\": exit status 1'" "1"
testing "failing poststart hook: the container runs" "status h8" "running"
$O delete -f h8 >/dev/null 2>&1
cfg '.hooks = {poststop: [{path: "/bin/false"}]}'
$O create --bundle "$B" h9 >/dev/null 2>&1
testing_rc "failing poststop hook: delete still succeeds" 0 "$O delete -f h9"
testing "failing poststop hook: state removed" "states" ""
cfg ".hooks = {poststop: [{path: \"/bin/false\"}, {path: \"/bin/touch\", args: [\"touch\", \"$T/after-false\"]}]}"
$O create --bundle "$B" h10 >/dev/null 2>&1
testing "a failing poststop hook does not skip the next one" \
	"$O delete -f h10 2>/dev/null; ls $T/after-false" "$T/after-false"
# a state bigger than a pipe holds, to a hook that never reads it
big=$(head -c 100000 /dev/zero | tr '\000' x)
cfg ".annotations = {big: \"$big\"} | .hooks = {createRuntime: [{path: \"/bin/sleep\", args: [\"sleep\", \"5\"], timeout: 1}]}"
testing "the timeout covers feeding the state to the hook's stdin" \
	"s=\$(date +%s); $O create --bundle $B h11 2>&1; echo \$((\$(date +%s) - s < 4))" \
	"$(printf '%s\n1' 'ocibox: create: hooks.createRuntime[0] "/bin/sleep": timed out after 1s')"

# a failed create kills what a hook left in its cgroup (no pid namespace
# here, so the init's death does not take it along). The hook records the
# pid of what it left (it runs before pivot_root, as runc's: $T is there).
# (the create fails at a second hook: a missing program would be refused
# before anything runs)
cfg ".linux.namespaces |= map(select(.type != \"pid\")) | .hooks = {createContainer: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"/bin/sleep 313 >/dev/null 2>&1 & echo \$! > $T/h12.pid\"]}, {path: \"/bin/false\"}]}"
testing "failed create: a hook's leftover process is killed" \
	"$O create --bundle $B h12 >/dev/null 2>&1; p=\$(cat $T/h12.pid) && wait_for 5 eval '! alive \$p' && echo killed" "killed"
testing "failed create: no cgroup left" "ls -d /sys/fs/cgroup/*/ocibox/h12 2>/dev/null | wc -l" "0"

# a create killed while its createRuntime hook runs
cat > "$T/slow.sh" <<EOF
#!/bin/sh
echo \$\$ > $T/slow.pid
sleep 5
EOF
chmod 755 "$T/slow.sh"
cfg ".hooks = {createRuntime: [{path: \"$T/slow.sh\"}]}"
$O create --bundle "$B" int >/dev/null 2>&1 &
CREATE=$!
wait_for 5 test -s "$T/slow.pid"
IPID=$(jq -r .pid "$ROOT/int/state.json" 2>/dev/null)
testing "interrupted create: the hook ran, the init exists" \
	"[ -s $T/slow.pid ] && alive $IPID && echo yes" "yes"
kill -9 $CREATE; wait $CREATE 2>/dev/null
testing "interrupted create: the init died with the runtime" \
	"[ -n '$IPID' ] && wait_for 5 eval '! alive $IPID' && echo gone" "gone"
testing_rc "interrupted create: delete succeeds" 0 "$O delete int"
testing "interrupted create: no state left" "states" ""
testing "interrupted create: no mount left" "count ' $B/rootfs' /proc/self/mountinfo" "0"
testing "interrupted create: no process of ours left" "ours_left" "0"
kill "$(cat "$T/slow.pid")" 2>/dev/null

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
