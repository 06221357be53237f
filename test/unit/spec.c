/* SPDX-License-Identifier: MIT */
/* Unit tests for core/spec.c: every field into its struct value, every error
 * message, problem collection, the default config round trip, and the real
 * engine samples in test/data/samples. JSON is written with ' for " here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"
#include "core/spec.h"
#include "core/util.h"
#include "test/unit/check.h"

static char tmpdir[] = "/tmp/ocibox-spec-XXXXXX";

/* A minimal valid config; cases append members (a repeated key wins, and
 * null counts as absent, so a case can also replace or drop one). */
#define BASE "{'ociVersion':'1.2.0','root':{'path':'rootfs'}," \
	"'process':{'args':['sh'],'cwd':'/'}"

static char *quotes(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

/* Parse JSON (with ' for ") as the config.json of bundle tmpdir. */
static int parse(struct spec *s, const char *json, struct spec_problems *pr)
{
	char *buf = quotes(xstrdup(json));

	return spec_parse(s, buf, strlen(buf), tmpdir, pr);
}

static void bad(const char *members, const char *want)
{
	char *json = xasprintf(BASE "%s}", members);
	char *msg = quotes(xasprintf("config.json: %s", want));
	struct spec s;
	int rc = parse(&s, json, NULL);
	bool ok = rc < 0 && str_eq(err_last.msg, msg);

	CHECK_NAMED(ok, "rejects: %s", msg);
	if (!ok)
		printf("    got: %s\n", rc < 0 ? err_last.msg : "success");
	if (rc == 0)
		spec_free(&s);
	free(json);
	free(msg);
}

static void good(const char *members, const char *what)
{
	char *json = xasprintf(BASE "%s}", members);
	struct spec s;
	int rc = parse(&s, json, NULL);

	CHECK_NAMED(rc == 0, "accepts: %s", what);
	if (rc < 0)
		printf("    got: %s\n", err_last.msg);
	else
		spec_free(&s);
	free(json);
}

static void test_errors(void)
{
	static const struct { const char *members, *msg; } cases[] = {
		/* the messages of the contract */
		{ ",'linux':{'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'pids'}]}",
		  "linux.namespaces[2].type: unknown namespace 'pids' (expected one "
		  "of cgroup, ipc, mount, network, pid, time, user, uts)" },
		{ ",'process':{'args':[],'cwd':'/'}",
		  "process.args: must be a non-empty array of strings" },
		{ ",'process':{'cwd':'/'}",
		  "process.args: must be a non-empty array of strings" },
		{ ",'process':{'args':'sh','cwd':'/'}",
		  "process.args: must be a non-empty array of strings" },
		{ ",'root':null", "root.path: required" },
		{ ",'root':{'readonly':true}", "root.path: required" },
		{ ",'process':{'args':['sh'],'cwd':'/','rlimits':["
		  "{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
		  "{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]}",
		  "process.rlimits[1].type: duplicate rlimit RLIMIT_NOFILE" },
		{ ",'linux':{'resources':{'memory':{'limit':'1G'}}}",
		  "linux.resources.memory.limit: expected an integer, got string" },
		{ ",'ociVersion':'2.0.0'",
		  "ociVersion: unsupported version '2.0.0' (expected 1.0.0 to 1.3.x)" },
		{ ",'ociVersion':'1.4.0'",
		  "ociVersion: unsupported version '1.4.0' (expected 1.0.0 to 1.3.x)" },
		{ ",'ociVersion':'1.2'",
		  "ociVersion: unsupported version '1.2' (expected 1.0.0 to 1.3.x)" },
		{ ",'ociVersion':null", "ociVersion: required" },
		{ ",'ociVersion':1", "ociVersion: expected a string, got number" },
		{ ",'process':{'args':['sh'],'cwd':'root'}",
		  "process.cwd: must be an absolute path" },
		{ ",'process':{'args':['sh']}", "process.cwd: required" },
		{ ",'process':{'args':['sh'],'cwd':'/','capabilities':{'bounding':"
		  "['CAP_CHOWN','CAP_KILL','CAP_SYS_ADMIN','CAP_FOO']}}",
		  "process.capabilities.bounding[3]: unknown capability 'CAP_FOO'" },
		{ ",'hooks':{'poststart':[{'path':'/bin/true','timeout':0}]}",
		  "hooks.poststart[0].timeout: must be greater than zero" },
		{ ",'hooks':{'prestart':[{'path':'true'}]}",
		  "hooks.prestart[0].path: must be an absolute path" },
		{ ",'hooks':{'poststop':[{'args':['x']}]}",
		  "hooks.poststop[0].path: required" },
		{ ",'linux':{'namespaces':[{'type':'pid'},{'type':'ipc'},"
		  "{'type':'uts'},{'type':'pid'}]}",
		  "linux.namespaces[3].type: duplicate namespace 'pid'" },
		{ ",'linux':{'namespaces':[{'path':'/x'}]}",
		  "linux.namespaces[0].type: required" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		  "[{'names':['mkdir'],'action':'SCMP_ACT_NOTIFY'}]}}",
		  "linux.seccomp: SCMP_ACT_NOTIFY requires listenerPath" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_NOTIFY'}}",
		  "linux.seccomp: SCMP_ACT_NOTIFY requires listenerPath" },
		/* NUL, types and ranges */
		{ ",'hostname':'a\\u0000b'", "hostname: must not contain NUL" },
		{ ",'process':{'args':['sh','a\\u0000'],'cwd':'/'}",
		  "process.args[1]: must not contain NUL" },
		{ ",'annotations':{'k':'v\\u0000'}", "annotations.k: must not contain NUL" },
		{ ",'annotations':{'k':1}", "annotations.k: expected a string, got number" },
		{ ",'root':['rootfs']", "root: expected an object, got array" },
		{ ",'root':{'path':''}", "root.path: must not be empty" },
		{ ",'root':{'path':'r','readonly':'yes'}",
		  "root.readonly: expected a boolean, got string" },
		{ ",'process':{'args':['sh'],'cwd':'/','user':{'uid':-1}}",
		  "process.user.uid: must be between 0 and 4294967295, got -1" },
		{ ",'process':{'args':['sh'],'cwd':'/','user':{'gid':4294967296}}",
		  "process.user.gid: must be between 0 and 4294967295, got 4294967296" },
		{ ",'process':{'args':['sh'],'cwd':'/','user':{'uid':1.5}}",
		  "process.user.uid: expected an integer, got 1.5" },
		{ ",'process':{'args':['sh'],'cwd':'/','user':{'uid':1e3}}",
		  "process.user.uid: expected an integer, got 1e3" },
		{ ",'process':{'args':['sh'],'cwd':'/','oomScoreAdj':1001}",
		  "process.oomScoreAdj: must be between -1000 and 1000, got 1001" },
		{ ",'process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_FOO',"
		  "'soft':1,'hard':1}]}",
		  "process.rlimits[0].type: unknown rlimit 'RLIMIT_FOO'" },
		{ ",'process':{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_CORE',"
		  "'hard':1}]}",
		  "process.rlimits[0].soft: required" },
		{ ",'process':{'args':['sh'],'cwd':'/','scheduler':{'nice':1}}",
		  "process.scheduler.policy: required" },
		{ ",'process':{'args':['sh'],'cwd':'/','scheduler':{'policy':'SCHED_X'}}",
		  "process.scheduler.policy: unknown policy 'SCHED_X' (expected one of "
		  "SCHED_BATCH, SCHED_DEADLINE, SCHED_FIFO, SCHED_IDLE, SCHED_ISO, "
		  "SCHED_OTHER, SCHED_RR)" },
		{ ",'process':{'args':['sh'],'cwd':'/','scheduler':{'policy':'SCHED_RR',"
		  "'flags':['SCHED_FLAG_X']}}",
		  "process.scheduler.flags[0]: unknown flag 'SCHED_FLAG_X' (expected one "
		  "of SCHED_FLAG_DL_OVERRUN, SCHED_FLAG_KEEP_PARAMS, "
		  "SCHED_FLAG_KEEP_POLICY, SCHED_FLAG_RECLAIM, SCHED_FLAG_RESET_ON_FORK, "
		  "SCHED_FLAG_UTIL_CLAMP_MAX, SCHED_FLAG_UTIL_CLAMP_MIN)" },
		{ ",'process':{'args':['sh'],'cwd':'/','ioPriority':{'class':'IOPRIO_CLASS_BE',"
		  "'priority':8}}",
		  "process.ioPriority.priority: must be between 0 and 7, got 8" },
		{ ",'process':{'args':['sh'],'cwd':'/','ioPriority':{'class':'RT','priority':0}}",
		  "process.ioPriority.class: unknown class 'RT' (expected one of "
		  "IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE, IOPRIO_CLASS_RT)" },
		{ ",'process':{'args':['sh'],'cwd':'/','execCPUAffinity':{'final':'3-1'}}",
		  "process.execCPUAffinity.final: invalid list '3-1' (expected e.g. '0-3,7')" },
		{ ",'process':{'args':['sh'],'cwd':'/','consoleSize':{'height':1}}",
		  "process.consoleSize.width: required" },
		{ ",'process':{'args':['sh'],'cwd':'/','user':{'umask':512}}",
		  "process.user.umask: must be between 0 and 511, got 512" },
		{ ",'mounts':[{'destination':'/a'},{'type':'tmpfs'}]",
		  "mounts[1].destination: required" },
		{ ",'mounts':[{'destination':''}]", "mounts[0].destination: must not be empty" },
		{ ",'mounts':[{'destination':'/a','options':['ro',1]}]",
		  "mounts[0].options[1]: expected a string, got number" },
		{ ",'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'size':1}]}]",
		  "mounts[0].uidMappings[0].hostID: required" },
		{ ",'linux':{'uidMappings':[{'containerID':0,'hostID':0}]}",
		  "linux.uidMappings[0].size: required" },
		{ ",'linux':{'devices':[{'type':'x','path':'/dev/x'}]}",
		  "linux.devices[0].type: unknown device type 'x' (expected one of b, c, p, u)" },
		{ ",'linux':{'devices':[{'type':'c','path':'/dev/x','minor':1}]}",
		  "linux.devices[0].major: required" },
		{ ",'linux':{'devices':[{'type':'c','path':'dev/x','major':1,'minor':1}]}",
		  "linux.devices[0].path: must be an absolute path" },
		{ ",'linux':{'resources':{'devices':[{'access':'rwm'}]}}",
		  "linux.resources.devices[0].allow: required" },
		{ ",'linux':{'resources':{'devices':[{'allow':true,'access':'rwx'}]}}",
		  "linux.resources.devices[0].access: invalid access 'rwx' (expected a "
		  "subset of rwm)" },
		{ ",'linux':{'resources':{'devices':[{'allow':true,'type':'p'}]}}",
		  "linux.resources.devices[0].type: unknown device type 'p' (expected one "
		  "of a, b, c)" },
		{ ",'linux':{'resources':{'memory':{'swappiness':101}}}",
		  "linux.resources.memory.swappiness: must be between 0 and 100, got 101" },
		{ ",'linux':{'resources':{'memory':{'limit':-2}}}",
		  "linux.resources.memory.limit: must be between -1 and "
		  "9223372036854775807, got -2" },
		{ ",'linux':{'resources':{'memory':{'limit':9223372036854775808}}}",
		  "linux.resources.memory.limit: must be between -1 and "
		  "9223372036854775807, got 9223372036854775808" },
		{ ",'linux':{'resources':{'blockIO':{'weight':5}}}",
		  "linux.resources.blockIO.weight: must be between 10 and 1000, got 5" },
		{ ",'linux':{'resources':{'cpu':{'cpus':'0-'}}}",
		  "linux.resources.cpu.cpus: invalid list '0-' (expected e.g. '0-3,7')" },
		{ ",'linux':{'resources':{'hugepageLimits':[{'limit':1}]}}",
		  "linux.resources.hugepageLimits[0].pageSize: required" },
		{ ",'linux':{'resources':{'rdma':{'mlx':{'hcaHandles':'x'}}}}",
		  "linux.resources.rdma.mlx.hcaHandles: expected an integer, got string" },
		{ ",'linux':{'resources':{'unified':{'memory.max':5}}}",
		  "linux.resources.unified.memory.max: expected a string, got number" },
		{ ",'linux':{'seccomp':{}}", "linux.seccomp.defaultAction: required" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_NOPE'}}",
		  "linux.seccomp.defaultAction: unknown action 'SCMP_ACT_NOPE' (expected "
		  "one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
		  "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_LOG, "
		  "SCMP_ACT_NOTIFY, SCMP_ACT_TRACE, SCMP_ACT_TRAP)" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','architectures':"
		  "['SCMP_ARCH_X86_64','SCMP_ARCH_VAX']}}",
		  "linux.seccomp.architectures[1]: unknown architecture 'SCMP_ARCH_VAX'" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':['X']}}",
		  "linux.seccomp.flags[0]: unknown flag 'X' (expected one of "
		  "SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
		  "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		  "[{'names':[],'action':'SCMP_ACT_ALLOW'}]}}",
		  "linux.seccomp.syscalls[0].names: must be a non-empty array of strings" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		  "[{'names':['read']}]}}",
		  "linux.seccomp.syscalls[0].action: required" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		  "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':6,"
		  "'value':1,'op':'SCMP_CMP_EQ'}]}]}}",
		  "linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5, got 6" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		  "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,"
		  "'op':'SCMP_CMP_EQ'}]}]}}",
		  "linux.seccomp.syscalls[0].args[0].value: required" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':"
		  "[{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,"
		  "'value':1,'op':'SCMP_CMP_XX'}]}]}}",
		  "linux.seccomp.syscalls[0].args[0].op: unknown operator 'SCMP_CMP_XX' "
		  "(expected one of SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_LE, "
		  "SCMP_CMP_LT, SCMP_CMP_MASKED_EQ, SCMP_CMP_NE)" },
		{ ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'x'}}",
		  "linux.seccomp.listenerPath: must be an absolute path" },
		{ ",'linux':{'rootfsPropagation':'rshare'}",
		  "linux.rootfsPropagation: unknown propagation 'rshare' (expected one of "
		  "private, rprivate, rshared, rslave, runbindable, shared, slave, "
		  "unbindable)" },
		{ ",'linux':{'maskedPaths':['/proc/kcore','proc/keys']}",
		  "linux.maskedPaths[1]: must be an absolute path" },
		{ ",'linux':{'personality':{'domain':'LINUX64'}}",
		  "linux.personality.domain: unknown domain 'LINUX64' (expected one of "
		  "LINUX, LINUX32)" },
		{ ",'linux':{'timeOffsets':{'boottime':{'secs':1,'nanosecs':1000000000}}}",
		  "linux.timeOffsets.boottime.nanosecs: must be between 0 and 999999999, "
		  "got 1000000000" },
		{ ",'linux':{'sysctl':['a']}", "linux.sysctl: expected an object, got array" },
		{ ",'linux':{'intelRdt':true}", "linux.intelRdt: expected an object, got boolean" },
		{ ",'linux':[]", "linux: expected an object, got array" },
		{ ",'linux':{'netDevices':['eth0']}",
		  "linux.netDevices: expected an object, got array" },
		{ ",'linux':{'netDevices':{'eth0':'x'}}",
		  "linux.netDevices.eth0: expected an object, got string" },
		{ ",'linux':{'netDevices':{'eth0:1':{}}}",
		  "linux.netDevices: \"eth0:1\" is not a network interface name "
		  "(1 to 15 bytes; no slash, colon or space)" },
		{ ",'linux':{'netDevices':{'eth0':{'name':'a-name-of-16-byt'}}}",
		  "linux.netDevices.eth0.name: \"a-name-of-16-byt\" is not a network "
		  "interface name (1 to 15 bytes; no slash, colon or space)" },
		{ ",'linux':{'netDevices':{'eth0':{'name':'..'}}}",
		  "linux.netDevices.eth0.name: \"..\" is not a network "
		  "interface name (1 to 15 bytes; no slash, colon or space)" },
		{ ",'linux':{'netDevices':{'eth0':{'name':7}}}",
		  "linux.netDevices.eth0.name: expected a string, got number" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		bad(cases[i].members, cases[i].msg);
}

static void test_syntax(void)
{
	struct spec_problems pr = { 0 };
	struct spec s;

	CHECK(parse(&s, "[]", NULL) < 0 &&
	      str_eq(err_last.msg, "config.json: expected an object, got array"));
	CHECK_NAMED(parse(&s, "{'ociVersion':'1.2.0',}", NULL) < 0 &&
		    has_prefix(err_last.msg, "config.json:1:"),
		    "JSON syntax errors come from json_parse: %s", err_last.msg);
	CHECK(parse(&s, "{'ociVersion'", &pr) < 0 && pr.n == 1 &&
	      has_prefix(pr.msg[0], "config.json:1:"));
	spec_problems_fini(&pr);
}

static void test_accepts(void)
{
	good(",'ociVersion':'1.0.0'", "ociVersion 1.0.0");
	good(",'ociVersion':'1.0.2-dev'", "ociVersion 1.0.2-dev");
	good(",'ociVersion':'1.1.0-rc.1'", "ociVersion 1.1.0-rc.1");
	good(",'ociVersion':'1.2.1+build.5'", "ociVersion 1.2.1+build.5");
	good(",'process':null", "no process");
	good(",'process':{'args':['sh'],'cwd':'/','env':null,'user':null}", "nulls");
	good(",'unknown':{'x':[1,{}]},'linux':{'future':1}", "unknown properties");
	good(",'linux':{'resources':{'blockIO':{'weight':0},'cpu':{'shares':0}}}",
	     "Docker's zero blkio weight");
	good(",'linux':{'devices':[{'type':'p','path':'/dev/fifo'}]}",
	     "FIFO without numbers");
	good(",'mounts':[{'destination':'relative'}]", "relative mount destination");
}

static const char full[] =
	"{'ociVersion':'1.1.0-rc.1',"
	"'root':{'path':'rootfs','readonly':true},"
	"'hostname':'h','domainname':'d',"
	"'annotations':{'a':'1','b':'2','a':'3'},"
	"'mounts':["
	" {'destination':'/data','type':'none','source':'/vol','options':['rbind',"
	"  'rw','nosuid','rprivate','mode=755','size=1k','rro','rnoatime','rrw',"
	"  'rnodev','idmap','tmpcopyup','defaults'],"
	"  'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
	"  'gidMappings':[{'containerID':1,'hostID':2000,'size':2}]},"
	" {'destination':'/b','type':'bind','source':'b'},"
	" {'destination':'/t','type':'tmpfs','source':'tmpfs','options':['ro','rw',"
	"  'noatime','atime','strictatime','nodev','remount','nosymfollow']}],"
	"'process':{'terminal':true,'consoleSize':{'height':25,'width':80},"
	" 'user':{'uid':1,'gid':2,'umask':63,'additionalGids':[5,6],'username':'u'},"
	" 'args':['sh','-c','x'],'commandLine':'c','env':['A=1','B'],'cwd':'/root',"
	" 'capabilities':{'bounding':['CAP_CHOWN','CAP_SYS_ADMIN'],"
	"  'effective':['CAP_KILL'],'inheritable':[],"
	"  'permitted':['CAP_CHECKPOINT_RESTORE'],'ambient':['CAP_NET_BIND_SERVICE']},"
	" 'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096},"
	"  {'type':'RLIMIT_RTTIME','soft':18446744073709551615,"
	"   'hard':18446744073709551615}],"
	" 'noNewPrivileges':true,'apparmorProfile':'ap','selinuxLabel':'sl',"
	" 'oomScoreAdj':-1000,"
	" 'scheduler':{'policy':'SCHED_DEADLINE','nice':-5,'priority':3,"
	"  'flags':['SCHED_FLAG_RESET_ON_FORK','SCHED_FLAG_UTIL_CLAMP_MAX'],"
	"  'runtime':1,'deadline':2,'period':3},"
	" 'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
	" 'execCPUAffinity':{'initial':'7','final':'0-3,7'}},"
	"'hooks':{'prestart':[{'path':'/p'}],"
	" 'createRuntime':[{'path':'/cr','args':['cr','x'],'env':['E=1'],'timeout':5}],"
	" 'createContainer':[{'path':'/cc'}],'startContainer':[{'path':'/sc'}],"
	" 'poststart':[{'path':'/ps'}],'poststop':[{'path':'/pst'},{'path':'/pst2'}]},"
	"'linux':{"
	" 'namespaces':[{'type':'pid'},{'type':'network','path':'/run/netns/x'},"
	"  {'type':'ipc'},{'type':'uts'},{'type':'mount'},{'type':'user'},"
	"  {'type':'cgroup'},{'type':'time'}],"
	" 'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
	" 'gidMappings':[{'containerID':0,'hostID':200000,'size':65536},"
	"  {'containerID':65536,'hostID':1,'size':1}],"
	" 'timeOffsets':{'monotonic':{'secs':-5,'nanosecs':7},'boottime':{'secs':9}},"
	" 'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,"
	"  'fileMode':438,'uid':0,'gid':5},{'type':'p','path':'/dev/fifo'}],"
	" 'cgroupsPath':'/x/y',"
	" 'resources':{"
	"  'devices':[{'allow':false,'access':'rwm'},"
	"   {'allow':true,'type':'c','major':1,'minor':3,'access':'mwr'},"
	"   {'allow':true,'type':'b','major':8}],"
	"  'memory':{'limit':536870912,'reservation':-1,'swap':-1,'kernel':0,"
	"   'kernelTCP':1,'swappiness':60,'disableOOMKiller':true,"
	"   'useHierarchy':false,'checkBeforeUpdate':true},"
	"  'cpu':{'shares':1024,'quota':50000,'burst':10,'period':100000,"
	"   'realtimeRuntime':950000,'realtimePeriod':1000000,'cpus':'0-3',"
	"   'mems':'0','idle':1},"
	"  'pids':{'limit':-1},"
	"  'blockIO':{'weight':500,'leafWeight':10,'weightDevice':[{'major':8,"
	"   'minor':0,'weight':600,'leafWeight':300}],"
	"   'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1000}],"
	"   'throttleWriteBpsDevice':[{'major':8,'minor':1,'rate':2000}],"
	"   'throttleReadIOPSDevice':[{'major':8,'minor':2,'rate':3}],"
	"   'throttleWriteIOPSDevice':[{'major':8,'minor':3,'rate':4}]},"
	"  'hugepageLimits':[{'pageSize':'2MB','limit':209715200}],"
	"  'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500}]},"
	"  'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000},'mlx5_2':{}},"
	"  'unified':{'io.weight':'100','memory.high':'1G'}},"
	" 'sysctl':{'net.ipv4.ip_forward':'1'},"
	" 'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,"
	"  'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_AARCH64'],"
	"  'flags':['SECCOMP_FILTER_FLAG_LOG'],'listenerPath':'/run/l.sock',"
	"  'listenerMetadata':'m',"
	"  'syscalls':[{'names':['getcwd','chmod'],'action':'SCMP_ACT_ALLOW'},"
	"   {'names':['personality'],'action':'SCMP_ACT_NOTIFY','errnoRet':5,"
	"    'args':[{'index':5,'value':8,'valueTwo':9,'op':'SCMP_CMP_MASKED_EQ'},"
	"     {'index':0,'value':18446744073709551615,'op':'SCMP_CMP_NE'}]}]},"
	" 'rootfsPropagation':'rslave',"
	" 'maskedPaths':['/proc/kcore'],'readonlyPaths':['/proc/sys','/proc/bus'],"
	" 'mountLabel':'ml',"
	" 'personality':{'domain':'LINUX32','flags':['x']},"
	" 'intelRdt':{'closID':'c'},"
	" 'netDevices':{'eth0':{},'ens4':{'name':'e4'}}},"
	"'unknownTopLevel':{'x':[1,2,{}]}}";

static void test_full_mounts(const struct spec *s)
{
	const struct spec_mount *m = &s->mounts[0];

	CHECK(s->n_mounts == 3);
	CHECK(str_eq(m->destination, "/data") && str_eq(m->type, "none") &&
	      str_eq(m->source, "/vol") && m->options.n == 13 &&
	      str_eq(m->options.v[12], "defaults") && !m->options.v[13]);
	CHECK(m->bind && m->flags == (MS_BIND | MS_REC | MS_NOSUID));
	CHECK(m->clear == MS_RDONLY);
	CHECK(m->propagation == (MS_PRIVATE | MS_REC));
	/* rro then rrw: the last wins; rnoatime clears the whole atime field */
	CHECK(m->attr_set == (0x10 /* NOATIME */ | 0x4 /* NODEV */));
	CHECK(m->attr_clr == (0x70 /* _ATIME */ | 0x1 /* RDONLY */));
	CHECK(m->data && str_eq(m->data, "mode=755,size=1k"));
	CHECK(m->idmap && m->tmpcopyup);
	CHECK(m->n_uid_mappings == 1 && m->uid_mappings[0].host_id == 1000 &&
	      m->uid_mappings[0].size == 1);
	CHECK(m->n_gid_mappings == 1 && m->gid_mappings[0].container_id == 1 &&
	      m->gid_mappings[0].host_id == 2000 && m->gid_mappings[0].size == 2);
	m = &s->mounts[1];
	CHECK(m->bind && m->flags == MS_BIND && !m->data && m->options.n == 0);
	m = &s->mounts[2];
	CHECK(!m->bind && m->flags == (MS_STRICTATIME | MS_NODEV | MS_REMOUNT |
				       MS_NOSYMFOLLOW));
	CHECK(m->clear == (MS_RDONLY | MS_NOATIME) && !m->data);
}

static void test_full_process(const struct spec *s)
{
	const struct spec_process *p = &s->process;

	CHECK(s->has_process && p->terminal);
	CHECK(p->console_size.set && p->console_size.height == 25 &&
	      p->console_size.width == 80);
	CHECK(p->user.uid == 1 && p->user.gid == 2);
	CHECK(p->user.umask.set && p->user.umask.v == 63);
	CHECK(p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 6);
	CHECK(str_eq(p->user.username, "u"));
	CHECK(p->args.n == 3 && str_eq(p->args.v[2], "x") && !p->args.v[3]);
	CHECK(str_eq(p->command_line, "c"));
	CHECK(p->env.n == 2 && str_eq(p->env.v[1], "B"));
	CHECK(str_eq(p->cwd, "/root"));
	CHECK(p->has_caps);
	CHECK(p->caps[SPEC_CAP_BOUNDING] == (1ULL << 0 | 1ULL << 21));
	CHECK(p->caps[SPEC_CAP_EFFECTIVE] == 1ULL << 5);
	CHECK(p->caps[SPEC_CAP_INHERITABLE] == 0);
	CHECK(p->caps[SPEC_CAP_PERMITTED] == 1ULL << 40);
	CHECK(p->caps[SPEC_CAP_AMBIENT] == 1ULL << 10);
	CHECK(p->n_rlimits == 2 && p->rlimits[0].resource == RLIMIT_NOFILE &&
	      str_eq(p->rlimits[0].type, "RLIMIT_NOFILE") &&
	      p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096);
	CHECK(p->rlimits[1].resource == RLIMIT_RTTIME &&
	      p->rlimits[1].soft == UINT64_MAX);
	CHECK(p->no_new_privileges);
	CHECK(str_eq(p->apparmor_profile, "ap") && str_eq(p->selinux_label, "sl"));
	CHECK(p->oom_score_adj.set && p->oom_score_adj.v == -1000);
	CHECK(p->scheduler.set && str_eq(p->scheduler.policy, "SCHED_DEADLINE") &&
	      p->scheduler.policy_no == 6);
	CHECK(p->scheduler.nice == -5 && p->scheduler.priority == 3);
	CHECK(p->scheduler.flags == (0x01 | 0x40));
	CHECK(p->scheduler.runtime == 1 && p->scheduler.deadline == 2 &&
	      p->scheduler.period == 3);
	CHECK(p->io_priority.set && p->io_priority.class_no == 3 &&
	      str_eq(p->io_priority.class_name, "IOPRIO_CLASS_IDLE") &&
	      p->io_priority.priority == 7);
	CHECK(str_eq(p->exec_cpu_affinity.initial, "7") &&
	      str_eq(p->exec_cpu_affinity.final, "0-3,7"));
}

static void test_full_linux(const struct spec *s)
{
	const struct spec_linux *l = &s->linux;
	int i;

	CHECK(s->has_linux);
	for (i = 0; i < SPEC_NS_COUNT; i++)
		CHECK_NAMED(l->ns[i].present, "namespace %s present", spec_ns_name[i]);
	CHECK(str_eq(l->ns[SPEC_NS_NETWORK].path, "/run/netns/x") &&
	      !l->ns[SPEC_NS_PID].path);
	CHECK(l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 100000 &&
	      l->uid_mappings[0].size == 65536);
	CHECK(l->n_gid_mappings == 2 && l->gid_mappings[1].container_id == 65536);
	CHECK(l->time_offsets[0].set && l->time_offsets[0].secs == -5 &&
	      l->time_offsets[0].nanosecs == 7);
	CHECK(l->time_offsets[1].set && l->time_offsets[1].secs == 9);
	CHECK(l->n_devices == 2 && l->devices[0].type == 'c' &&
	      str_eq(l->devices[0].path, "/dev/fuse") && l->devices[0].major == 10 &&
	      l->devices[0].minor == 229);
	CHECK(l->devices[0].file_mode.set && l->devices[0].file_mode.v == 0666 &&
	      l->devices[0].uid.v == 0 && l->devices[0].gid.v == 5);
	CHECK(l->devices[1].type == 'p' && !l->devices[1].file_mode.set);
	CHECK(str_eq(l->cgroups_path, "/x/y"));
	CHECK(l->sysctl.n == 1 && str_eq(l->sysctl.v[0].key, "net.ipv4.ip_forward") &&
	      str_eq(l->sysctl.v[0].value, "1"));
	CHECK(l->rootfs_propagation == (MS_SLAVE | MS_REC));
	CHECK(l->masked_paths.n == 1 && str_eq(l->masked_paths.v[0], "/proc/kcore"));
	CHECK(l->readonly_paths.n == 2 && str_eq(l->readonly_paths.v[1], "/proc/bus"));
	CHECK(str_eq(l->mount_label, "ml"));
	CHECK(l->personality.set && l->personality.domain == PER_LINUX32 &&
	      str_eq(l->personality.domain_name, "LINUX32") &&
	      l->personality.flags.n == 1);
	CHECK(l->has_intel_rdt);
	CHECK(l->n_net_devices == 2 &&
	      str_eq(l->net_devices[0].host, "eth0") &&
	      str_eq(l->net_devices[0].name, "eth0") &&
	      str_eq(l->net_devices[1].host, "ens4") &&
	      str_eq(l->net_devices[1].name, "e4"));
}

static void test_full_resources(const struct spec_resources *r)
{
	CHECK(r->n_devices == 3 && !r->devices[0].allow && r->devices[0].type == 'a' &&
	      r->devices[0].major == -1 && r->devices[0].minor == -1 &&
	      str_eq(r->devices[0].access, "rwm"));
	CHECK(r->devices[1].allow && r->devices[1].type == 'c' &&
	      r->devices[1].major == 1 && r->devices[1].minor == 3 &&
	      str_eq(r->devices[1].access, "rwm"));
	CHECK(r->devices[2].type == 'b' && r->devices[2].major == 8 &&
	      r->devices[2].minor == -1 && str_eq(r->devices[2].access, "rwm"));
	CHECK(r->memory.limit.set && r->memory.limit.v == 536870912);
	CHECK(r->memory.reservation.v == -1 && r->memory.swap.v == -1 &&
	      r->memory.kernel.set && r->memory.kernel.v == 0 &&
	      r->memory.kernel_tcp.v == 1);
	CHECK(r->memory.swappiness.set && r->memory.swappiness.v == 60);
	CHECK(r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v);
	CHECK(r->memory.use_hierarchy.set && !r->memory.use_hierarchy.v);
	CHECK(r->memory.check_before_update.v);
	CHECK(r->cpu.shares.v == 1024 && r->cpu.quota.v == 50000 &&
	      r->cpu.burst.v == 10 && r->cpu.period.v == 100000);
	CHECK(r->cpu.realtime_runtime.v == 950000 &&
	      r->cpu.realtime_period.v == 1000000);
	CHECK(str_eq(r->cpu.cpus, "0-3") && str_eq(r->cpu.mems, "0") &&
	      r->cpu.idle.set && r->cpu.idle.v == 1);
	CHECK(r->pids.limit.set && r->pids.limit.v == -1);
	CHECK(r->block_io.weight.v == 500 && r->block_io.leaf_weight.v == 10);
	CHECK(r->block_io.n_weight_device == 1 &&
	      r->block_io.weight_device[0].major == 8 &&
	      r->block_io.weight_device[0].weight.v == 600 &&
	      r->block_io.weight_device[0].leaf_weight.v == 300);
	CHECK(r->block_io.n_throttle_read_bps == 1 &&
	      r->block_io.throttle_read_bps[0].rate == 1000);
	CHECK(r->block_io.n_throttle_write_bps == 1 &&
	      r->block_io.throttle_write_bps[0].minor == 1 &&
	      r->block_io.throttle_write_bps[0].rate == 2000);
	CHECK(r->block_io.n_throttle_read_iops == 1 &&
	      r->block_io.throttle_read_iops[0].rate == 3);
	CHECK(r->block_io.n_throttle_write_iops == 1 &&
	      r->block_io.throttle_write_iops[0].minor == 3 &&
	      r->block_io.throttle_write_iops[0].rate == 4);
	CHECK(r->n_hugepage_limits == 1 &&
	      str_eq(r->hugepage_limits[0].page_size, "2MB") &&
	      r->hugepage_limits[0].limit == 209715200);
	CHECK(r->network.class_id.set && r->network.class_id.v == 1048577);
	CHECK(r->network.n_priorities == 1 &&
	      str_eq(r->network.priorities[0].name, "eth0") &&
	      r->network.priorities[0].priority == 500);
	CHECK(r->n_rdma == 2 && str_eq(r->rdma[0].device, "mlx5_1") &&
	      r->rdma[0].hca_handles.v == 3 && r->rdma[0].hca_objects.v == 10000 &&
	      str_eq(r->rdma[1].device, "mlx5_2") && !r->rdma[1].hca_handles.set);
	CHECK(r->unified.n == 2 && str_eq(r->unified.v[1].key, "memory.high") &&
	      str_eq(r->unified.v[1].value, "1G"));
}

static void test_full_seccomp(const struct spec_seccomp *sc)
{
	const struct spec_sc_rule *r;

	CHECK(sc->set && sc->default_action == SPEC_SC_ERRNO);
	CHECK(sc->default_errno_ret.set && sc->default_errno_ret.v == 1);
	CHECK(sc->architectures.n == 2 &&
	      str_eq(sc->architectures.v[1], "SCMP_ARCH_AARCH64"));
	CHECK(sc->flags.n == 1 && str_eq(sc->flags.v[0], "SECCOMP_FILTER_FLAG_LOG"));
	CHECK(str_eq(sc->listener_path, "/run/l.sock") &&
	      str_eq(sc->listener_metadata, "m"));
	CHECK(sc->n_syscalls == 2);
	r = &sc->syscalls[0];
	CHECK(r->names.n == 2 && str_eq(r->names.v[1], "chmod") &&
	      r->action == SPEC_SC_ALLOW && !r->errno_ret.set && r->n_args == 0);
	r = &sc->syscalls[1];
	CHECK(r->action == SPEC_SC_NOTIFY && r->errno_ret.v == 5 && r->n_args == 2);
	CHECK(r->args[0].index == 5 && r->args[0].value == 8 &&
	      r->args[0].value_two == 9 && r->args[0].op == SPEC_SC_MASKED_EQ);
	CHECK(r->args[1].value == UINT64_MAX && r->args[1].op == SPEC_SC_NE);
}

static void test_full(void)
{
	struct spec s;
	char *abs = xasprintf("%s/rootfs", tmpdir);
	const struct spec_hooks *h;

	if (parse(&s, full, NULL) < 0) {
		CHECK_NAMED(0, "full config parses: %s", err_last.msg);
		free(abs);
		return;
	}
	CHECK(str_eq(s.oci_version, "1.1.0-rc.1"));
	CHECK(str_eq(s.bundle, tmpdir));
	CHECK(str_eq(s.root.path, "rootfs") && str_eq(s.root.abs, abs) &&
	      s.root.readonly);
	CHECK(str_eq(s.hostname, "h") && str_eq(s.domainname, "d"));
	CHECK(s.annotations.n == 2 && str_eq(s.annotations.v[0].key, "a") &&
	      str_eq(s.annotations.v[0].value, "3") &&
	      str_eq(s.annotations.v[1].value, "2"));
	h = s.hooks;
	CHECK(h[SPEC_HOOK_PRESTART].n == 1 && str_eq(h[SPEC_HOOK_PRESTART].v[0].path, "/p"));
	CHECK(h[SPEC_HOOK_CREATE_RUNTIME].n == 1 &&
	      h[SPEC_HOOK_CREATE_RUNTIME].v[0].args.n == 2 &&
	      str_eq(h[SPEC_HOOK_CREATE_RUNTIME].v[0].env.v[0], "E=1") &&
	      h[SPEC_HOOK_CREATE_RUNTIME].v[0].timeout == 5);
	CHECK(str_eq(h[SPEC_HOOK_CREATE_CONTAINER].v[0].path, "/cc") &&
	      str_eq(h[SPEC_HOOK_START_CONTAINER].v[0].path, "/sc") &&
	      str_eq(h[SPEC_HOOK_POSTSTART].v[0].path, "/ps") &&
	      h[SPEC_HOOK_POSTSTART].v[0].timeout == 0);
	CHECK(h[SPEC_HOOK_POSTSTOP].n == 2 &&
	      str_eq(h[SPEC_HOOK_POSTSTOP].v[1].path, "/pst2"));
	test_full_mounts(&s);
	test_full_process(&s);
	test_full_linux(&s);
	test_full_resources(&s.linux.resources);
	test_full_seccomp(&s.linux.seccomp);
	spec_free(&s);
	CHECK(s.buf == NULL && s.arena == NULL && s.mounts == NULL);
	free(abs);
}

static void test_problems(void)
{
	struct spec_problems pr = { 0 };
	struct spec s;
	static const char *const want[] = {
		"config.json: ociVersion: unsupported version \"0.9.0\" (expected "
		"1.0.0 to 1.3.x)",
		"config.json: root.path: required",
		"config.json: process.cwd: must be an absolute path",
		"config.json: process.capabilities.bounding[0]: unknown capability "
		"\"CAP_FOO\"",
		"config.json: process.capabilities.bounding[2]: unknown capability "
		"\"CAP_BAR\"",
		"config.json: linux.namespaces[1].type: duplicate namespace \"pid\"",
	};
	static const char json[] =
		"{'ociVersion':'0.9.0','process':{'args':['sh'],'cwd':'x',"
		"'capabilities':{'bounding':['CAP_FOO','CAP_KILL','CAP_BAR']}},"
		"'linux':{'namespaces':[{'type':'pid'},{'type':'pid'}]}}";
	size_t i;

	CHECK(parse(&s, json, &pr) < 0);
	CHECK_NAMED(pr.n == ARRAY_SIZE(want), "collects %zu problems (got %zu)",
		    ARRAY_SIZE(want), pr.n);
	for (i = 0; i < pr.n && i < ARRAY_SIZE(want); i++)
		CHECK_NAMED(str_eq(pr.msg[i], want[i]), "problem %zu: %s", i, pr.msg[i]);
	CHECK(str_eq(err_last.msg, want[0]));
	spec_problems_fini(&pr);
	CHECK(pr.msg == NULL && pr.n == 0);

	/* without a list: the first problem only, in err_last */
	CHECK(parse(&s, json, NULL) < 0 && str_eq(err_last.msg, want[0]));
	CHECK(s.buf == NULL && s.arena == NULL);

	/* a valid config has no problems */
	CHECK(parse(&s, BASE "}", &pr) == 0 && pr.n == 0);
	spec_free(&s);
	spec_problems_fini(&pr);
}

static void test_paths(void)
{
	struct spec s;
	char cwd[PATH_MAX], *want;

	CHECK(spec_parse(&s, quotes(xstrdup(BASE ",'root':{'path':'../r/./x/'}}")),
			 strlen(BASE) + 29, "/a/./b//c/../", NULL) == 0);
	CHECK_NAMED(str_eq(s.bundle, "/a/b"), "bundle cleaned: %s", s.bundle);
	CHECK_NAMED(str_eq(s.root.abs, "/a/r/x"), "root.abs cleaned: %s", s.root.abs);
	spec_free(&s);
	CHECK(spec_parse(&s, quotes(xstrdup(BASE ",'root':{'path':'/abs//root/'}}")),
			 strlen(BASE) + 31, "/b", NULL) == 0);
	CHECK(str_eq(s.root.abs, "/abs/root") && str_eq(s.root.path, "/abs//root/"));
	spec_free(&s);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(spec_parse(&s, quotes(xstrdup(BASE "}")), strlen(BASE) + 1,
			 "bundle/", NULL) == 0);
	want = xasprintf("%s/bundle", cwd);
	CHECK_NAMED(str_eq(s.bundle, want), "relative bundle: %s", s.bundle);
	free(want);
	spec_free(&s);
}

/* Write JSON (with ' for ") to PATH. */
static int write_json(const char *path, const char *json)
{
	char *text = quotes(xstrdup(json));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = fd < 0 ? -1 : write_all(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	free(text);
	return rc;
}

static void test_load(void)
{
	struct spec_problems pr = { 0 };
	struct spec s = { 0 };
	struct spec_process p = { 0 };
	struct spec_resources r;
	char *cfg = xasprintf("%s/config.json", tmpdir);
	char *proc = xasprintf("%s/process.json", tmpdir);
	char *rootfs = xasprintf("%s/rootfs", tmpdir);
	char *msg = xasprintf("%s: args: must be a non-empty array of strings", proc);
	char res[] = "{\"memory\":{\"limit\":100},\"pids\":{\"limit\":5}}";
	char bad_res[] = "{\"memory\":{\"limit\":true}}";

	CHECK(spec_load(&s, tmpdir, &pr) < 0 && pr.n == 1 &&
	      has_prefix(pr.msg[0], "open '") && err_last.no == ENOENT);
	spec_problems_fini(&pr);
	CHECK(write_json(cfg, BASE ",'hostname':'x'}") == 0);
	CHECK(spec_load(&s, tmpdir, NULL) == 0);
	CHECK(str_eq(s.hostname, "x") && str_eq(s.bundle, tmpdir) &&
	      str_eq(s.root.abs, rootfs));

	/* exec --process: memory joins the spec, prefix is the file name */
	CHECK(write_json(proc, "{'args':['ls','-l'],'cwd':'/tmp','env':['A=1'],"
			 "'terminal':true}") == 0);
	CHECK(spec_load_process(&s, proc, &p) == 0);
	CHECK(p.args.n == 2 && str_eq(p.args.v[1], "-l") && str_eq(p.cwd, "/tmp") &&
	      p.terminal && p.env.n == 1);
	CHECK(write_json(proc, "{'args':[],'cwd':'/'}") == 0);
	CHECK(spec_load_process(&s, proc, &p) < 0 && str_eq(err_last.msg, msg));
	CHECK(p.args.n == 2);  /* untouched on failure */
	CHECK(write_json(proc, "{'args':") == 0);
	CHECK(spec_load_process(&s, proc, &p) < 0 && has_prefix(err_last.msg, proc));

	/* update --resources */
	CHECK(spec_parse_resources(&s, xstrdup(res), strlen(res), "resources.json",
				   &r) == 0);
	CHECK(r.memory.limit.set && r.memory.limit.v == 100 && r.pids.limit.v == 5);
	CHECK(spec_parse_resources(&s, xstrdup(bad_res), strlen(bad_res), "-", &r) < 0 &&
	      str_eq(err_last.msg, "-: memory.limit: expected an integer, got boolean"));
	spec_free(&s);

	/* a zero-initialised spec can hold an exec process alone */
	CHECK(write_json(proc, "{'args':['true'],'cwd':'/'}") == 0);
	CHECK(spec_load_process(&s, proc, &p) == 0 && str_eq(p.args.v[0], "true"));
	spec_free(&s);

	unlink(cfg);
	unlink(proc);
	free(cfg);
	free(proc);
	free(rootfs);
	free(msg);
}

static void test_default(bool rootless)
{
	const char *flavour = rootless ? "rootless" : "default";
	struct jw w;
	struct spec s;
	size_t i;
	bool gid = false, cgroup = false, sysfs = false;

	jw_init(&w);
	spec_write_default(&w, rootless);
	if (spec_parse(&s, TAKE_PTR(w.buf), w.len, tmpdir, NULL) < 0) {
		CHECK_NAMED(0, "%s config parses back: %s", flavour, err_last.msg);
		jw_fini(&w);
		return;
	}
	jw_fini(&w);
	CHECK_NAMED(str_eq(s.oci_version, SPEC_VERSION) && str_eq(s.hostname, "ocibox") &&
		    str_eq(s.root.path, "rootfs") && s.root.readonly,
		    "%s: version, hostname, root", flavour);
	CHECK_NAMED(s.has_process && s.process.terminal && s.process.user.uid == 0 &&
		    s.process.args.n == 1 && str_eq(s.process.args.v[0], "sh") &&
		    s.process.env.n == 2 && str_eq(s.process.env.v[1], "TERM=xterm") &&
		    str_eq(s.process.cwd, "/") && s.process.no_new_privileges,
		    "%s: process", flavour);
	CHECK_NAMED(s.process.caps[SPEC_CAP_BOUNDING] ==
		    (1ULL << 29 | 1ULL << 5 | 1ULL << 10) &&
		    s.process.caps[SPEC_CAP_EFFECTIVE] == s.process.caps[SPEC_CAP_BOUNDING] &&
		    s.process.caps[SPEC_CAP_PERMITTED] == s.process.caps[SPEC_CAP_BOUNDING] &&
		    !s.process.caps[SPEC_CAP_INHERITABLE] && !s.process.caps[SPEC_CAP_AMBIENT],
		    "%s: capabilities", flavour);
	CHECK_NAMED(s.process.n_rlimits == 1 &&
		    s.process.rlimits[0].resource == RLIMIT_NOFILE &&
		    s.process.rlimits[0].soft == 1024 && s.process.rlimits[0].hard == 1024,
		    "%s: rlimits", flavour);
	for (i = 0; i < s.n_mounts; i++) {
		const struct spec_mount *m = &s.mounts[i];
		size_t j;

		for (j = 0; j < m->options.n; j++)
			gid |= has_prefix(m->options.v[j], "gid=");
		cgroup |= str_eq(m->destination, "/sys/fs/cgroup");
		if (str_eq(m->destination, "/sys"))
			sysfs = str_eq(m->type, rootless ? "none" : "sysfs") &&
				m->bind == rootless && (m->flags & MS_RDONLY);
	}
	CHECK_NAMED(s.n_mounts == (rootless ? 6 : 7) && str_eq(s.mounts[0].destination,
							   "/proc"),
		    "%s: %zu mounts", flavour, s.n_mounts);
	CHECK_NAMED(gid == !rootless && cgroup == !rootless && sysfs,
		    "%s: /sys, /sys/fs/cgroup and gid=5", flavour);
	CHECK_NAMED(s.linux.ns[SPEC_NS_PID].present && s.linux.ns[SPEC_NS_IPC].present &&
		    s.linux.ns[SPEC_NS_UTS].present && s.linux.ns[SPEC_NS_MOUNT].present &&
		    s.linux.ns[SPEC_NS_CGROUP].present && !s.linux.ns[SPEC_NS_TIME].present &&
		    s.linux.ns[SPEC_NS_NETWORK].present == !rootless &&
		    s.linux.ns[SPEC_NS_USER].present == rootless,
		    "%s: namespaces", flavour);
	if (rootless)
		CHECK_NAMED(!s.linux.has_resources && s.linux.n_uid_mappings == 1 &&
			    s.linux.uid_mappings[0].host_id == geteuid() &&
			    s.linux.uid_mappings[0].container_id == 0 &&
			    s.linux.uid_mappings[0].size == 1 &&
			    s.linux.n_gid_mappings == 1 &&
			    s.linux.gid_mappings[0].host_id == getegid(),
			    "rootless: id mappings, no resources");
	else
		CHECK_NAMED(s.linux.has_resources && s.linux.resources.n_devices == 1 &&
			    !s.linux.resources.devices[0].allow &&
			    s.linux.resources.devices[0].type == 'a' &&
			    !s.linux.n_uid_mappings,
			    "default: deny-all device rule, no id mappings");
	CHECK_NAMED(s.linux.masked_paths.n >= 10 && s.linux.readonly_paths.n == 5 &&
		    str_eq(s.linux.readonly_paths.v[4], "/proc/sysrq-trigger"),
		    "%s: masked and read-only paths", flavour);
	spec_free(&s);
}

static void test_tables(void)
{
	CHECK(spec_cap_parse("CAP_CHOWN") == 0);
	CHECK(spec_cap_parse("CAP_SYS_ADMIN") == 21);
	CHECK(spec_cap_parse("CAP_CHECKPOINT_RESTORE") == 40);
	CHECK(spec_cap_parse("CAP_FOO") == -1 && spec_cap_parse("chown") == -1);
	CHECK(str_eq(spec_cap_name[SPEC_CAP_MAX], "CAP_CHECKPOINT_RESTORE"));
	CHECK(str_eq(spec_ns_name[SPEC_NS_NETWORK], "network") &&
	      spec_ns_flag[SPEC_NS_NETWORK] == CLONE_NEWNET &&
	      spec_ns_flag[SPEC_NS_TIME] == 0x80);
	CHECK(str_eq(spec_sc_action_name[SPEC_SC_KILL_PROCESS], "SCMP_ACT_KILL_PROCESS"));
	CHECK(str_eq(spec_sc_op_name[SPEC_SC_MASKED_EQ], "SCMP_CMP_MASKED_EQ"));
	CHECK(str_eq(spec_hook_name[SPEC_HOOK_START_CONTAINER], "startContainer"));
}

/* ---- the real engine samples ---- */

static void sample_config(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *buf;
	struct spec s;
	size_t len;

	if (read_file_at(AT_FDCWD, path, &buf, &len) < 0 ||
	    spec_parse(&s, buf, len, tmpdir, NULL) < 0) {
		CHECK_NAMED(0, "sample %s: %s", name, err_last.msg);
		free(path);
		return;
	}
	CHECK_NAMED(s.has_process && s.process.args.n > 0 && s.has_linux &&
		    s.n_mounts > 4 && s.linux.ns[SPEC_NS_PID].present &&
		    s.linux.ns[SPEC_NS_MOUNT].present && s.root.abs,
		    "sample %s parses", name);
	if (has_prefix(name, "docker"))
		CHECK_NAMED(s.hooks[SPEC_HOOK_PRESTART].n == 1 &&
			    s.linux.seccomp.set &&
			    s.linux.seccomp.default_action == SPEC_SC_ERRNO &&
			    s.linux.seccomp.n_syscalls > 5 &&
			    s.mounts[s.n_mounts - 1].bind &&
			    s.mounts[s.n_mounts - 1].propagation == (MS_PRIVATE | MS_REC),
			    "sample %s: hook, seccomp, bind mounts", name);
	if (has_prefix(name, "podman"))
		CHECK_NAMED(s.process.user.umask.set && s.process.user.umask.v == 18 &&
			    s.linux.ns[SPEC_NS_NETWORK].path &&
			    s.linux.resources.memory.limit.v == 67108864 &&
			    s.linux.resources.pids.limit.v == 50 &&
			    s.annotations.n == 8 &&
			    s.linux.seccomp.default_errno_ret.v == 38,
			    "sample %s: umask, netns path, limits, annotations", name);
	if (has_prefix(name, "containerd"))
		CHECK_NAMED(s.linux.resources.n_devices == 10 &&
			    s.linux.resources.devices[8].major == 136 &&
			    s.linux.resources.devices[8].minor == -1 &&
			    s.linux.masked_paths.n == 10,
			    "sample %s: device rules, masked paths", name);
	spec_free(&s);
	free(path);
}

static void sample_process(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct spec s = { 0 };
	struct spec_process p;

	CHECK_NAMED(spec_load_process(&s, path, &p) == 0 && p.args.n > 0 &&
		    p.has_caps && p.caps[SPEC_CAP_BOUNDING] && p.n_rlimits > 0,
		    "sample %s parses", name);
	spec_free(&s);
	free(path);
}

static void test_samples(void)
{
	char *dir = xstrdup(check_path("test/data/samples"));
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	if (!(d = opendir(dir))) {
		CHECK_NAMED(0, "samples: open '%s': %m", dir);
		free(dir);
		return;
	}
	while ((e = readdir(d))) {
		if (strstr(e->d_name, "-config.sample.json")) {
			sample_config(dir, e->d_name);
			n++;
		} else if (strstr(e->d_name, "-process.sample.json")) {
			sample_process(dir, e->d_name);
			n++;
		}
	}
	closedir(d);
	CHECK_NAMED(n > 0, "samples: %zu read from %s", n, dir);
	free(dir);
}

int main(void)
{
	check_module = "spec";
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_tables();
	test_errors();
	test_syntax();
	test_accepts();
	test_full();
	test_problems();
	test_paths();
	test_load();
	test_default(false);
	test_default(true);
	test_samples();
	if (rmdir(tmpdir) < 0)
		CHECK_NAMED(0, "temporary bundle %s removed", tmpdir);
	return CHECK_DONE();
}
