# scrules.jq: a seccomp profile (runtime-spec linux.seccomp) as the rule lines
# test/bench/scpeak.c reads; see there. Used by test/bench/run.sh.
def act: {"SCMP_ACT_ALLOW": "A", "SCMP_ACT_ERRNO": "E", "SCMP_ACT_KILL": "K",
	"SCMP_ACT_KILL_THREAD": "K", "SCMP_ACT_KILL_PROCESS": "P",
	"SCMP_ACT_TRAP": "T", "SCMP_ACT_LOG": "L"}[.] // "X";
def op: {"SCMP_CMP_NE": 1, "SCMP_CMP_LT": 2, "SCMP_CMP_LE": 3, "SCMP_CMP_EQ": 4,
	"SCMP_CMP_GE": 5, "SCMP_CMP_GT": 6, "SCMP_CMP_MASKED_EQ": 7}[.];
def cmp: "\(.index) \(.op | op) \(.value // 0) \(.valueTwo // 0)";
"\(.defaultAction | act) \(.defaultErrnoRet // 1) \((.architectures // []) | map(ltrimstr("SCMP_ARCH_") | ascii_downcase) | join(" "))",
(.syscalls[] as $r | ($r.args // []) as $a | $r.names[] as $n |
	if ($a | map(.index) | unique | length) < ($a | length)
	then $a[] | "\($r.action | act) \($r.errnoRet // 1) \($n) 1 \(cmp)"
	else "\($r.action | act) \($r.errnoRet // 1) \($n) \($a | length) \($a | map(cmp) | join(" "))"
	end)
