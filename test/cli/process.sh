# process.sh: what the container process gets: uts names, identity,
# capabilities, limits, scheduling, cwd/env/umask, fds, sysctl, keyring.
. "$TOP/test/lib.sh"
if ! is_root; then skip "process" "needs root"; exit 0; fi

base_bundle
# the host's value, before any container could have changed it
HOST_FWD=$(cat /proc/sys/net/ipv4/ip_forward)

# r FILTER ARGS... (test/lib.sh): run ARGS with the default config edited
# by FILTER; $RUNOPTS go to run.

# uts
testing "hostname from the config" "r . /bin/hostname" "ocibox"
testing "hostname and domainname" \
	"r '.hostname = \"h1\" | .domainname = \"example.org\"' /probe domain" \
	"h1 example.org"

# identity
testing "default user is root with no extra groups" "r . /probe ids" "0 0"
testing "uid, gid and additionalGids" \
	"r '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 10]}' /probe ids" \
	"1000 1001 5 10"

# capabilities: AUDIT_WRITE=29 KILL=5 NET_BIND_SERVICE=10 -> 0x20000420
testing "root: effective = the configured set" "r . /probe cap Eff" "0000000020000420"
testing "root: permitted" "r . /probe cap Prm" "0000000020000420"
testing "root: bounding" "r . /probe cap Bnd" "0000000020000420"
testing "root: inheritable empty when not configured" "r . /probe cap Inh" "0000000000000000"
testing "root: ambient empty" "r . /probe cap Amb" "0000000000000000"
# a non-root user keeps only what ambient carries over exec
CAPS='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
AMB=".process.user = {uid: 1000, gid: 1000} | .process.capabilities = {bounding: $CAPS, effective: $CAPS, permitted: $CAPS, inheritable: $CAPS, ambient: [\"CAP_NET_BIND_SERVICE\"]}"
testing "user+ambient: ambient" "r '$AMB' /probe cap Amb" "0000000000000400"
testing "user+ambient: effective is the ambient set" "r '$AMB' /probe cap Eff" "0000000000000400"
testing "user+ambient: permitted is the ambient set" "r '$AMB' /probe cap Prm" "0000000000000400"
testing "user+ambient: inheritable kept" "r '$AMB' /probe cap Inh" "0000000020000420"
testing "user+ambient: bounding" "r '$AMB' /probe cap Bnd" "0000000020000420"
testing "user without ambient: no effective caps" \
	"r '.process.user = {uid: 1000, gid: 1000}' /probe cap Eff" "0000000000000000"
testing "empty bounding set" \
	"r '.process.capabilities = {bounding: [], effective: [], permitted: []}' /probe cap Bnd" \
	"0000000000000000"

# no_new_privs
testing "noNewPrivileges true" "r . /probe nnp" "1"
testing "noNewPrivileges false" "r '.process.noNewPrivileges = false' /probe nnp" "0"

# rlimits (7 = RLIMIT_NOFILE, 4 = RLIMIT_CORE)
testing "rlimit from the default config" "r . /probe rlimit 7" "1024 1024"
testing "rlimits soft and hard" \
	"r '.process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 512, hard: 2048}, {type: \"RLIMIT_CORE\", soft: 0, hard: 0}]' /probe rlimit 7; r '.process.rlimits = [{type: \"RLIMIT_CORE\", soft: 0, hard: 0}]' /probe rlimit 4" \
	"512 2048
0 0"
# this machine lacks CAP_SYS_RESOURCE: a hard limit above ours cannot be set
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ]; then
	big=$((hard + 1000))
	jq ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: $big, hard: $big}]" \
		"$T/base.json" > "$B/config.json"
	testing "rlimit above the host's hard limit: error names the limit" \
		"$O create --bundle $B rl 2>&1 | grep -c 'config.json: process.rlimits\[0\]: RLIMIT_NOFILE hard limit $big is above the runtime.s $hard and raising it needs CAP_SYS_RESOURCE'" "1"
	testing "rlimit error: no state left" "states" ""
	testing "rlimit error: no process left" "ours_left" "0"
else
	skip "rlimit above the host's hard limit" "the host's hard limit is unlimited"
fi

# oom, cwd, env, umask
testing "oomScoreAdj" "r '.process.oomScoreAdj = 500' /bin/cat /proc/self/oom_score_adj" "500"
testing "cwd" "r '.process.cwd = \"/tmp\"' /probe cwd" "/tmp"
testing "cwd is / by default" "r . /probe cwd" "/"
testing "missing cwd is created, as runc does (even with a read-only root)" \
	"r '.process.cwd = \"/new/dir\"' /probe cwd 2>&1" "/new/dir"
testing "cwd that is a file: clear error" \
	"r '.process.cwd = \"/probe\"' /probe cwd 2>&1 | grep -c 'process.cwd'" "1"
testing "failed cwd: no state left" "states" ""
testing "env is exactly process.env" \
	"r '.process.env = [\"A=1\", \"B=two words\"]' /bin/env" "A=1
B=two words"
testing "args[0] found on the container's PATH" "r . echo found" "found"
testing "umask defaults to 0022" "r . /probe umask" "0022"
testing "umask from the config" "r '.process.user.umask = 63' /probe umask" "0077"

# fds
testing "an fd the caller leaks never reaches the container" \
	"r . /probe fds 7>/dev/null 9</dev/null" "0 1 2"
testing "--preserve-fds 1 keeps fd 3 (and only it)" \
	"RUNOPTS='--preserve-fds 1'; r . /probe fds 3</dev/null 4</dev/null" "0 1 2 3"
testing "LISTEN_FDS=2 keeps fds 3 and 4" \
	"export LISTEN_FDS=2; r . /probe fds 3</dev/null 4</dev/null 5</dev/null" "0 1 2 3 4"
testing "LISTEN_FDS and LISTEN_PID=1 reach the program, as runc" \
	"export LISTEN_FDS=1; r . /bin/sh -c 'echo \$LISTEN_FDS \$LISTEN_PID' 3</dev/null" "1 1"
testing "stdio is inherited" "echo in | r . /bin/cat" "in"

# CPU affinity: the runtime pins itself and the init to one CPU while they
# hand control to each other; the program must get the caller's affinity
# back, whatever it was (run, create + start, exec)
allowed() { grep Cpus_allowed_list "$1" | tr -d ' \t' | cut -d: -f2; }
HOST_CPUS=$(allowed /proc/self/status)
testing "affinity: the program has the caller's" \
	"r . /bin/cat /proc/self/status | grep Cpus_allowed_list | tr -d ' \t' | cut -d: -f2" "$HOST_CPUS"
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	testing "affinity: a caller restricted to CPUs 0-1 gives the program 0-1" \
		"cfg_args . /bin/cat /proc/self/status && taskset -c 0,1 $O run --bundle $B aff01 | grep Cpus_allowed_list | tr -d ' \t' | cut -d: -f2" "0-1"
	cfg_args . /bin/sleep 100
	taskset -c 0,1 $O create --bundle "$B" --pid-file "$T/aff.pid" aff </dev/null >/dev/null 2>&1
	testing "affinity: a created init waiting for start has the caller's" \
		"allowed /proc/$(cat "$T/aff.pid" 2>/dev/null)/status" "0-1"
	testing "affinity: started, the same" \
		"$O start aff && allowed /proc/$(cat "$T/aff.pid" 2>/dev/null)/status" "0-1"
	testing "affinity: exec'd, the exec caller's" \
		"$O exec aff /bin/cat /proc/self/status | grep Cpus_allowed_list | tr -d ' \t' | cut -d: -f2" "$HOST_CPUS"
	$O delete --force aff
else
	skip "affinity: restricted callers" "needs 2 CPUs and taskset"
fi

# scheduling and personality
testing "scheduler SCHED_BATCH with nice" \
	"r '.process.scheduler = {policy: \"SCHED_BATCH\", nice: 5}' /probe sched" "3 5"
testing "ioPriority" \
	"r '.process.ioPriority = {class: \"IOPRIO_CLASS_BE\", priority: 6}' /probe ioprio" "2 6"
testing "personality LINUX32" \
	"r '.linux.personality = {domain: \"LINUX32\"}' /probe machine" "i686"
testing "personality LINUX32: busybox uname -m" \
	"r '.linux.personality = {domain: \"LINUX32\"}' /bin/busybox uname -m" "i686"
if [ "$(nproc)" -ge 2 ]; then
	testing "execCPUAffinity final" \
		"r '.process.execCPUAffinity = {initial: \"0\", final: \"1\"}' /probe status Cpus_allowed_list" "1"
	# the runtime pins itself to the CPU it runs on (which exec's balancing
	# picks, not the caller): an initial affinity of exactly that CPU is
	# the config's, not the pin; six runs per CPU meet both cases
	for c in 0 1; do
		testing "execCPUAffinity initial only $c, wherever the runtime runs" \
			"cfg_args '.process.execCPUAffinity = {initial: \"$c\"}' /probe status Cpus_allowed_list &&
			 for i in 1 2 3 4 5 6; do $O run --bundle $B affi$c; done | sort -u" "$c"
	done
else
	skip "execCPUAffinity" "one CPU"
fi
testing "sysctl in a new network namespace" \
	"r '.linux.sysctl = {\"net.ipv4.ip_forward\": \"1\"}' /bin/cat /proc/sys/net/ipv4/ip_forward" "1"
testing "sysctl did not touch the host" "cat /proc/sys/net/ipv4/ip_forward" "$HOST_FWD"

# keyring
testing "a new session keyring named after the container" "r . /probe keyring" "_ses.process"
testing "--no-new-keyring keeps the caller's" \
	"RUNOPTS=--no-new-keyring; r . /probe keyring" "$($PROBE keyring)"

# signals: what the caller ignored (sh's trap '') and what the init ignored
# itself while it waited for start (SIGPIPE) are default again in the
# program; execve keeps ignored signals, so the runtime must reset them,
# 34 too (a libc's own: musl's sigaction refuses it)
testing "signals the caller ignored are not ignored in the container" \
	"(trap '' HUP INT USR1 TERM 34; r . /bin/grep SigIgn /proc/self/status)" \
	"SigIgn:	0000000000000000"
testing "create/start: no signal ignored in the container" \
	"cfg_args . /bin/grep SigIgn /proc/self/status &&
	 (trap '' HUP QUIT; $O create --bundle $B sigs </dev/null >$T/sigs.out 2>&1) &&
	 $O start sigs && wait_for 5 eval '[ \"\$(status sigs)\" = stopped ]' &&
	 $O delete sigs && cat $T/sigs.out" \
	"SigIgn:	0000000000000000"

testing "no state left" "states" ""
testing "no process of ours left" "ours_left" "0"
