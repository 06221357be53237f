# exec.sh: a new process in a running container (runc exec).
. "$TOP/test/lib.sh"
if ! is_root; then skip "exec" "needs root"; exit 0; fi

B=$T/bundle
mkbundle "$B" /bin/sleep 100
jqset "$B" '.process.env += ["FROMCONFIG=1"] | .hostname = "xbox" | .process.user.gid = 5'
$O run -d --bundle $B --pid-file $T/init.pid x1

testing "exec runs in the container's namespaces" \
	"$O exec x1 /bin/hostname" "xbox"
testing "exec sees the container's pid namespace" \
	"$O exec x1 /bin/sh -c 'xargs -0 echo < /proc/1/cmdline'" "/bin/sleep 100"
testing "exec joins the container's cgroup" \
	"$O exec x1 /bin/sh -c 'grep -E \":pids:|^0::\" /proc/self/cgroup | head -1 | cut -d: -f3'" "/"
testing "exec relays the exit status" \
	"$O exec x1 /bin/sh -c 'exit 7'; echo \$?" "7"
testing "exec takes the config's environment" \
	"$O exec x1 /bin/sh -c 'echo \$FROMCONFIG'" "1"
jqset "$B" '.process.env += ["LATER=1"]'
testing "exec uses the config as created, not later edits of the bundle" \
	"$O exec x1 /bin/sh -c 'echo \${LATER:-unset}'" "unset"
testing "exec -e overrides and adds" \
	"$O exec -e FROMCONFIG=2 -e NEW=x x1 /bin/sh -c 'echo \$FROMCONFIG\$NEW'" "2x"
testing "exec --cwd" "$O exec --cwd /tmp x1 /probe cwd" "/tmp"
testing "exec -u UID:GID" "$O exec -u 1000:1000 x1 /probe ids" "1000 1000"
testing "exec -u UID keeps the config's gid, as runc" "$O exec -u 1000 x1 /probe ids" "1000 5"
testing "exec --additional-gids" "$O exec -u 1000:1000 -g 5 -g 6 x1 /probe ids" "1000 1000 5 6"
testing "exec --cap adds to effective, never inheritable" \
	"$O exec --cap CAP_SYS_ADMIN x1 /bin/sh -c 'echo \$(/probe cap Eff) \$(/probe cap Inh)'" \
	"0000000020200420 0000000000000000"
testing "exec keeps the config's noNewPrivileges" "$O exec x1 /probe nnp" "1"
testing "exec: fds of the caller do not leak" "$O exec x1 /probe fds 7>/dev/null 9</dev/null" "0 1 2"
testing "exec --preserve-fds" "$O exec --preserve-fds 1 x1 /probe fds 3</dev/null" "0 1 2 3"
testing "exec: a missing program is the container's message" \
	"$O exec x1 /bin/nope 2>&1; echo rc=\$?" 'ocibox: exec: exec "/bin/nope": no such file or directory
rc=1'
testing "exec stdin reaches the process" "echo hi | $O exec x1 /bin/cat" "hi"
testing_rc "exec -d returns at once and writes the pid file" 0 \
	"$O exec -d --pid-file $T/e.pid x1 /bin/sleep 30 && alive \$(cat $T/e.pid)"
testing "the detached process is in the container" \
	"xargs -0 echo < /proc/\$(cat $T/e.pid)/cmdline" "/bin/sleep 30"
printf '{"args":["/bin/sh","-c","echo \\"$A\\" $(id -u)"],"env":["A=fromfile"],"cwd":"/","user":{"uid":1000,"gid":1000}}' > $T/proc.json
testing "exec --process FILE" "$O exec --process $T/proc.json x1" "fromfile 1000"
printf '{"args":[],"cwd":"/"}' > $T/bad.json
testing "exec --process with a bad file names the path" \
	"$O exec --process $T/bad.json x1 2>&1" "ocibox: exec: $T/bad.json: args: must be a non-empty array of strings" 1
testing_rc "exec: a command and --process exclude each other" 2 \
	"$O exec --process $T/proc.json x1 /bin/true"
# AppArmor applied is tested in the systemd tier (its kernel has it); here
# only the refusal, as create's, before anything runs in the container
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	skip "exec --apparmor where AppArmor is not enabled" "AppArmor is enabled on this host"
else
	testing "exec --apparmor where AppArmor is not enabled: refused, naming the flag" \
		"$O exec --apparmor ocibox-test x1 /bin/sh -c 'echo ran' 2>&1; echo rc=\$?" \
		'ocibox: exec: --apparmor: "ocibox-test": AppArmor is not enabled on this host
rc=1'
	printf '{"args":["/bin/sh","-c","echo ran"],"cwd":"/","apparmorProfile":"ocibox-test"}' > $T/aa.json
	testing "exec --process with an apparmorProfile where AppArmor is not enabled: refused" \
		"$O exec --process $T/aa.json x1 2>&1" \
		'ocibox: exec: process.apparmorProfile: "ocibox-test": AppArmor is not enabled on this host' 1
fi
# (script's pty echoes the EOF of its empty stdin as "^@", before or after
# the program's output, as it happens)
testing "exec -t without a console socket in the foreground relays a pty" \
	"script -qec '$O exec -t x1 /bin/tty' /dev/null </dev/null | tr -d '\\r' | sed 's/\\^@//g'" "/dev/pts/0"

# --cgroup: an existing sub-cgroup (v1 here: the pids hierarchy only)
if [ -d /sys/fs/cgroup/pids/ocibox/x1 ]; then
	mkdir /sys/fs/cgroup/pids/ocibox/x1/sub
	testing "exec --cgroup pids:sub joins that sub-cgroup only" \
		"$O exec --cgroup pids:sub x1 /bin/sh -c 'grep -E \":(pids|memory):\" /proc/self/cgroup | cut -d: -f2,3 | sort'" \
		"memory:/
pids:/sub"
	testing "exec --cgroup with a missing sub-cgroup names it" \
		"$O exec --cgroup pids:nope x1 /bin/true 2>&1 | grep -c 'x1/nope/cgroup.procs'" "1"
	rmdir /sys/fs/cgroup/pids/ocibox/x1/sub 2>/dev/null
else
	skip "exec --cgroup" "no v1 pids hierarchy on this host"
fi
testing "exec --cgroup refuses a path leaving the container's cgroup" \
	"$O exec --cgroup ../x x1 /bin/true 2>&1" \
	"ocibox: exec: --cgroup \"../x\": expected [CONTROLLER[,...]:]PATH below the container's cgroup" 1

# the init of a created container is still the runtime: its fds (host
# files: the --log file, exec.fifo) must be out of reach of the container
$O --log $T/host.log create --bundle $B cr1
# (listing /proc/1/fd is allowed; following or opening an fd is what the
# init's non-dumpable state forbids)
testing "a created init's fds cannot be opened from the container" \
	"$O exec cr1 /bin/sh -c 'n=0; for f in /proc/1/fd/*; do readlink \$f >/dev/null 2>&1 && n=\$((n+1)); cat \$f >/dev/null 2>&1 </dev/null && n=\$((n+1)); done; echo \$n'" "0"
testing "the created init holds neither the log file nor the state dir" \
	"ls -l /proc/\$($O state cr1 | jq .pid)/fd > $T/cr1.fds && count 'host.log\|/cr1\$' $T/cr1.fds" "0"
testing "the host log file was not written from inside" "count X $T/host.log" "0"
$O delete -f cr1

# stopped containers
$O kill x1 KILL
wait_for 5 eval '[ "$(status x1)" = stopped ]'
testing "exec into a stopped container: container not running" \
	"$O exec x1 /bin/true 2>&1" "ocibox: exec: container not running" 1
testing "exec into a missing container" \
	"$O exec nope /bin/true 2>&1" 'ocibox: exec: container "nope" does not exist' 1
$O delete -f x1
testing "no process of ours left" "ours_left" "0"
