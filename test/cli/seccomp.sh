# seccomp.sh: linux.seccomp on real busybox containers: each action seen from
# inside, argument operators, flags, podman's default profile, and a notify
# listener of our own (compiled here) that answers the container's mkdir.
. "$TOP/test/lib.sh"
PODMAN=$TOP/test/data/podman-seccomp.json

B=$T/b
if [ "$($OCIBOX features | jq -r .linux.seccomp.enabled)" != true ]; then
	skip "profiles" "built with SECCOMP=0"
	is_root || exit 0
	mkbundle "$B"
	jqset "$B" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
	testing "SECCOMP=0: create refuses a profile" "$O create --bundle $B x0 2>&1" \
		"ocibox: create: seccomp: not compiled in (built with SECCOMP=0)" 1
	testing "SECCOMP=0: nothing left behind" "states" ""
	exit 0
fi
testing "features: every action, probed" \
	"$OCIBOX features | jq -r '.linux.seccomp.actions | length'" "9"
testing "features: seven operators" \
	"$OCIBOX features | jq -r '.linux.seccomp.operators | length'" "7"
testing "features: the native arch" \
	"$OCIBOX features | jq -r '.linux.seccomp.archs | index(\"SCMP_ARCH_X86_64\") != null'" \
	"$([ "$(uname -m)" = x86_64 ] && echo true || echo false)"

if ! is_root; then skip "containers" "needs root"; exit 0; fi
mkbundle "$B"
jqset "$B" '.root.readonly = false'
# profile DEFAULT-ACTION RULES-JSON [EXTRA-JQ]: set linux.seccomp
profile() {
	jqset "$B" ".linux.seccomp = {\"defaultAction\": \"$1\", \"syscalls\": $2} ${3:+| $3}"
}
args() { # args CMD...: the container runs sh -c CMD, stderr into stdout
	jqset "$B" ".process.args = [\"/bin/sh\", \"-c\", $(printf '%s' "$*" | jq -Rs .)]"
}

profile SCMP_ACT_ALLOW '[{"names": ["ocibox_nonexistent", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
testing "check: the profile is fine" "$OCIBOX check --bundle $B" "ok"
args 'mkdir /tmp/d 2>&1; echo still here'
testing "ERRNO errnoRet 13: mkdir says permission denied; unknown names skipped" \
	"$O run --bundle $B e1" "mkdir: can't create directory '/tmp/d': Permission denied
still here"
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'
testing "ERRNO without errnoRet: EPERM" "$O run --bundle $B e2" \
	"mkdir: can't create directory '/tmp/d': Operation not permitted
still here"

# exec: the init itself makes the call (sh would fork a child for mkdir)
args 'exec mkdir /tmp/d'
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]'
testing_rc "KILL: killed by SIGSYS (128+31)" 159 "$O run --bundle $B k1"
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]'
testing_rc "KILL_PROCESS: 159" 159 "$O run --bundle $B k2"
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_THREAD"}]'
testing_rc "KILL_THREAD: 159" 159 "$O run --bundle $B k3"
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRAP"}]'
testing_rc "TRAP: SIGSYS, which sh does not catch: 159" 159 "$O run --bundle $B k4"
args 'mkdir /tmp/d && echo made'
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]'
testing "LOG: the syscall succeeds" "$O run --bundle $B l1" "made"
args 'mkdir /tmp/d2 && echo made'
profile SCMP_ACT_LOG '[]' '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG"]'
testing "defaultAction LOG with SECCOMP_FILTER_FLAG_LOG" "$O run --bundle $B l2" "made"
args 'mkdir /tmp/d3'
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRACE", "errnoRet": 1}]'
testing "TRACE without a tracer: ENOSYS" "$O run --bundle $B t1 2>&1" \
	"mkdir: can't create directory '/tmp/d3': Function not implemented" 1

# operators: kill(pid, sig) with sig == SIGUSR1 (10) refused
args 'kill -0 $$ && echo sig0 ok; kill -USR1 $$ 2>&1 || echo usr1 refused'
profile SCMP_ACT_ALLOW '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
	"args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]'
testing "args: SCMP_CMP_EQ on the signal" "$O run --bundle $B o1 | tail -1 | sed 's/.*usr1/usr1/'" \
	"usr1 refused"
testing "args: other signals pass" "$O run --bundle $B o2 | head -1" "sig0 ok"
# MASKED_EQ: openat with O_CREAT (0100) in flags refused; plain opens pass
args 'grep -c ^root: /etc/group; touch /tmp/f 2>&1 || echo create refused'
profile SCMP_ACT_ALLOW '[{"names": ["open", "openat", "creat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	"args": [{"index": 2, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]},
	{"names": ["open", "creat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
	"args": [{"index": 1, "value": 64, "valueTwo": 64, "op": "SCMP_CMP_MASKED_EQ"}]}]'
testing "args: SCMP_CMP_MASKED_EQ (value = mask, valueTwo = datum)" \
	"$O run --bundle $B o3 | sed -n '1p;\$p'" "1
create refused"

# without no_new_privs the runtime loads it while it still has CAP_SYS_ADMIN
args 'mkdir /tmp/d 2>&1'
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]' \
	'.process.noNewPrivileges = false'
testing "noNewPrivileges false: the profile still loads" "$O run --bundle $B n1" \
	"mkdir: can't create directory '/tmp/d': Permission denied" 1
jqset "$B" '.process.noNewPrivileges = true'

# podman's default profile: busybox works, what it refuses is refused
if [ -r "$PODMAN" ]; then
	jqset "$B" ".linux.seccomp = $(jq -c . "$PODMAN")"
	args 'echo hello; ls -d /bin /etc; mkdir /tmp/x && echo mkdir ok; id -u'
	testing "podman profile: sh, echo, ls, mkdir, id work" "$O run --bundle $B p1" "hello
/bin
/etc
mkdir ok
0"
	args 'sh -c "exit 7"; echo child $?'
	testing "podman profile: fork + exec + wait" "$O run --bundle $B p2" "child 7"
	# the compiled program is cached under --root, verified on use
	n0=$(ls $ROOT/.seccomp | wc -l)
	testing "the same profile again: no new cache entry" \
		"$O run --bundle $B p2b >/dev/null; ls $ROOT/.seccomp | wc -l" "$n0"
	f=$ROOT/.seccomp/$(ls -t $ROOT/.seccomp | head -1)
	printf 'XX' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
	testing "a cache entry whose profile text differs is not used (and is replaced)" \
		"$O run --bundle $B p3 && dd if=$f bs=1 skip=40 count=2 2>/dev/null | count XX" "child 7
0"
	args 'mkdir /tmp/y 2>&1'
	profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]'
	testing "another profile is another cache entry, and its own filter" \
		"$O run --bundle $B p4; ls $ROOT/.seccomp | wc -l" \
		"mkdir: can't create directory '/tmp/y': Operation not permitted
$((n0 + 1))"
	chmod 0777 $ROOT/.seccomp
	testing "a cache directory others may write is not used" \
		"$O run --bundle $B p5 2>&1 | grep -c 'not ours alone'" "1"
	chmod 0700 $ROOT/.seccomp
else
	skip "podman profile" "$PODMAN not found"
fi

# check: names that libseccomp or the kernel does not know
profile SCMP_ACT_ALLOW '[{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5000}]' \
	'.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_LOONGARCH64"]'
testing "check: unknown arch and errno out of range" "$OCIBOX check --bundle $B" \
	"config.json: linux.seccomp.architectures[1]: SCMP_ARCH_LOONGARCH64: not known to libseccomp
config.json: linux.seccomp.syscalls[0]: errno 5000 out of range (0..4094)" 1
testing "create fails naming the arch" "$O create --bundle $B x1 2>&1" \
	"ocibox: create: seccomp: linux.seccomp.architectures[1]: SCMP_ARCH_LOONGARCH64: not known to libseccomp" 1
testing "nothing left behind" "states" ""

# NOTIFY: a listener of our own answers the container's mkdir
if ! command -v cc >/dev/null 2>&1; then skip "notify listener" "no cc to build it"; exit 0; fi
cat > "$T/listener.c" <<'EOF'
/* listener SOCKET OUT: accept one ContainerProcessState (JSON + fd), save the
 * JSON in OUT, answer notifications: first EXDEV, then success (0). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/seccomp.h>
int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[65536], cb[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cb, .msg_controllen = sizeof(cb) };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c, fd = -1, n = 0;
	ssize_t len;
	FILE *f;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1))
		return 1;
	if ((c = accept(s, NULL, NULL)) < 0 || (len = recvmsg(c, &mh, 0)) <= 0)
		return 2;
	if (CMSG_FIRSTHDR(&mh))
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	if (!(f = fopen(argv[2], "w")))
		return 3;
	fprintf(f, "%.*s\n", (int)len, buf);
	fclose(f);
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			return errno == ENOENT ? 0 : 4;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = n++ ? 0 : -EXDEV;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}
EOF
if ! cc -O -o "$T/listener" "$T/listener.c" 2>"$T/cc.err"; then
	fail "notify listener" "cc: $(head -c 300 "$T/cc.err")"; exit 0
fi
timeout 30 "$T/listener" "$T/l.sock" "$T/state.json" & lpid=$!
wait_for 5 test -S "$T/l.sock"
args 'mkdir /tmp/a 2>&1; mkdir /tmp/b && echo made; [ -d /tmp/b ] || echo but absent'
profile SCMP_ACT_ALLOW '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]' \
	".linux.seccomp.listenerPath = \"$T/l.sock\" | .linux.seccomp.listenerMetadata = \"meta\""
testing "NOTIFY: the listener's answers are what mkdir returns" "$O run --bundle $B nt1" \
	"mkdir: can't create directory '/tmp/a': Invalid cross-device link
made
but absent"
wait $lpid; lrc=$?
testing "NOTIFY: the listener got ContainerProcessState and ended cleanly" \
	"echo rc=$lrc; jq -r '[.ociVersion, .fds[0], .metadata, .state.id, .state.status, (.pid == .state.pid)] | join(\" \")' $T/state.json" \
	"rc=0
1.3.0 seccompFd meta nt1 creating true"
