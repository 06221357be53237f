#!/usr/bin/python3
"""cri.py: the project's own CRI client. It makes the calls a kubelet makes,
with the requests a kubelet builds, to a containerd CRI plugin (runtime.v1,
api_pb2 compiled by k8s.mk from the api.proto in Debian's containerd source),
once per runtime handler, and compares the handlers call by call: the first
handler named is the one under test, the others are controls.

  cri.py --socket SOCK --dir DIR --image REF --pause-image REF
         [--netns-pid PID] [--cgroup-driver cgroupfs|systemd]
         [--cgroup-parent PARENT] [--leave-running] HANDLER...

PARENT is where the pods' cgroups go, as the kubelet's cgroup root:
cgroupfs "/name" (pod cgroups PARENT/pod<uid>), systemd "name.slice" (pod
slices name-pod<uid>.slice). DIR plays /var/lib/kubelet and /var/log/pods.
--netns-pid: a process in the network namespace of containerd (the node's
side of the pod network), from which the pods' addresses must answer.
--leave-running: start one pod with one container per handler and leave
them running (run.sh then kills containerd to test its cleanup).
Prints PASS:/FAIL: lines, then the calls' results side by side.
"""
import argparse
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import uuid

import grpc
from google.protobuf import json_format

import api_pb2 as pb

RT = "RuntimeService"
IMG = "ImageService"
NS = "ocibox-k8s"
SUBNET = ipaddress.ip_network("10.77.0.0/24")
MiB = 1024 * 1024
# the kubelet's defaults for a container without procMount: Unmasked
MASKED = ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
          "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
          "/proc/scsi", "/sys/firmware"]
READONLY = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger"]
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class CRI:
    """runtime.v1 over a unix socket: every method is NAME(dict) -> reply"""

    def __init__(self, sock):
        self.channel = grpc.insecure_channel("unix://" + sock)

    def call(self, service, name, req, timeout=60):
        req_type = getattr(pb, name + "Request")
        rep_type = getattr(pb, name + "Response")
        fn = self.channel.unary_unary(
            "/runtime.v1.%s/%s" % (service, name),
            request_serializer=req_type.SerializeToString,
            response_deserializer=rep_type.FromString)
        return fn(json_format.ParseDict(req, req_type()), timeout=timeout)


class Unavailable(Exception):
    """containerd no longer answers: the scenario cannot go on"""


class Run:
    """one handler's pass: its checks (PASS/FAIL lines) and, per call, a
    result summary free of what differs by nature (ids, addresses, names)"""

    def __init__(self, cri, handler, args):
        self.cri, self.h, self.a = cri, handler, args
        self.results = []
        self.failed = 0
        self.subst = {}

    def check(self, desc, ok, detail=""):
        print("%s: k8s: %s: %s" % ("PASS" if ok else "FAIL", self.h, desc))
        if not ok:
            self.failed += 1
            if detail:
                print("    " + str(detail)[:800].replace("\n", "\n    "))
        return ok

    def norm(self, s):
        for k, v in sorted(self.subst.items(), key=lambda kv: -len(kv[0])):
            s = re.sub(r"(?<![\w.])%s(?![\w])" % re.escape(k), v, s)
        return s

    def call(self, step, service, name, req, summarize=None, timeout=60):
        """(reply or None, grpc error or None, seconds); records the result"""
        t0 = time.monotonic()
        try:
            rep, err = self.cri.call(service, name, req, timeout), None
        except grpc.RpcError as e:
            rep, err = None, e
        dt = time.monotonic() - t0
        if err is not None and err.code() == grpc.StatusCode.UNAVAILABLE:
            raise Unavailable("%s: %s" % (step, err.details()))
        if err is not None:
            summary = "error " + err.code().name
        else:
            summary = summarize(rep) if summarize else "ok"
        self.results.append((step, self.norm(summary), dt, name))
        return rep, err, dt

    def expect_ok(self, step, service, name, req, summarize=None, timeout=60):
        rep, err, dt = self.call(step, service, name, req, summarize, timeout)
        self.check(step, err is None, err and "%s: %s" % (err.code().name, err.details()))
        return rep

    def execsync(self, step, cid, cmd, timeout=10):
        """ExecSync: (exit code, stdout, stderr) or None on a CRI error"""
        rep, err, _ = self.call(step, RT, "ExecSync",
                                {"container_id": cid, "cmd": cmd, "timeout": timeout},
                                lambda r: "exit %d stdout %r stderr %r" % (
                                    r.exit_code, self.norm(r.stdout.decode(errors="replace")),
                                    self.norm(r.stderr.decode(errors="replace"))))
        if err is not None:
            self.check(step, False, "%s: %s" % (err.code().name, err.details()))
            return None
        return rep.exit_code, rep.stdout.decode(errors="replace"), rep.stderr.decode(errors="replace")

    def exec_expect(self, step, cid, cmd, want, rc=0):
        """ExecSync whose stdout must satisfy WANT (a string: equal; a
        function: true) with exit code RC"""
        got = self.execsync(step, cid, cmd)
        if got is None:
            return None
        ok = got[0] == rc and (want(got[1]) if callable(want) else got[1] == want)
        self.check(step, ok, "exit %d, stdout %r, stderr %r" % got)
        return got


# ---- what a kubelet builds

def pod_paths(a, uid):
    return os.path.join(a.dir, "pods", uid)


def pod_cgroup_parent(a, uid):
    if a.cgroup_driver == "systemd":
        return "%s-pod%s.slice" % (a.cgroup_parent[:-len(".slice")], uid.replace("-", "_"))
    return "%s/pod%s" % (a.cgroup_parent, uid)


def sandbox_config(a, name, uid, shared_pid=False):
    """kuberuntime's generatePodSandboxConfig for a pod of the restricted
    Pod Security Standard (runAsNonRoot, seccomp RuntimeDefault)"""
    logdir = os.path.join(a.dir, "log", "pods", "%s_%s_%s" % (NS, name, uid))
    os.makedirs(logdir, exist_ok=True)
    return {
        "metadata": {"name": name, "uid": uid, "namespace": NS, "attempt": 0},
        "hostname": name,
        "log_directory": logdir,
        "dns_config": {
            "servers": ["10.96.0.10"],
            "searches": ["%s.svc.cluster.local" % NS, "svc.cluster.local", "cluster.local"],
            "options": ["ndots:5"],
        },
        "labels": {
            "app": name, "io.kubernetes.pod.name": name,
            "io.kubernetes.pod.namespace": NS, "io.kubernetes.pod.uid": uid,
        },
        "annotations": {
            "kubernetes.io/config.seen": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "kubernetes.io/config.source": "api",
        },
        "linux": {
            "cgroup_parent": pod_cgroup_parent(a, uid),
            "security_context": {
                "namespace_options": {"network": "POD", "ipc": "POD",
                                      "pid": "POD" if shared_pid else "CONTAINER"},
                "run_as_user": {"value": 1000},
                "run_as_group": {"value": 3000},
                "supplemental_groups": [4000],
                "seccomp": {"profile_type": "RuntimeDefault"},
            },
            "resources": {"cpu_period": 100000, "cpu_quota": 50000, "cpu_shares": 204,
                          "memory_limit_in_bytes": 256 * MiB},
        },
    }


def kubelet_files(a, uid, name, ip, container):
    """what the kubelet writes on the node for a container: etc-hosts, the
    termination log, an emptyDir and the service-account token volume"""
    pod = pod_paths(a, uid)
    hosts = os.path.join(pod, "etc-hosts")
    if not os.path.exists(hosts):
        os.makedirs(pod, exist_ok=True)
        with open(hosts, "w") as f:
            f.write("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
                    "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                    "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
                    "%s\t%s\n" % (ip, name))
    empty = os.path.join(pod, "volumes", "kubernetes.io~empty-dir", "cache")
    os.makedirs(empty, exist_ok=True)
    os.chmod(empty, 0o777)
    sa = os.path.join(pod, "volumes", "kubernetes.io~projected", "kube-api-access-x7k2p")
    os.makedirs(sa, exist_ok=True)
    for f, text in (("namespace", NS), ("token", "not-a-real-token"), ("ca.crt", "not-a-real-ca\n")):
        with open(os.path.join(sa, f), "w") as fh:
            fh.write(text)
        os.chmod(os.path.join(sa, f), 0o644)
    tdir = os.path.join(pod, "containers", container)
    os.makedirs(tdir, exist_ok=True)
    term = os.path.join(tdir, "3f9c1a2b")
    open(term, "w").close()
    os.chmod(term, 0o666)
    return hosts, empty, sa, term


def container_config(a, pod, uid, name, image_id, command, ip, restricted=True,
                     shared_pid=False):
    """kuberuntime's generateContainerConfig: labels and annotations, the
    kubelet's mounts, resources (requests cpu 100m memory 32Mi, limits cpu
    200m memory 64Mi: cpu shares 102, quota 20000 per 100000) and the
    restricted security context"""
    hosts, empty, sa, term = kubelet_files(a, uid, pod, ip, name)
    os.makedirs(os.path.join(a.dir, "log", "pods", "%s_%s_%s" % (NS, pod, uid), name), exist_ok=True)
    sc = {
        "capabilities": {"drop_capabilities": ["ALL"]},
        "namespace_options": {"network": "POD", "ipc": "POD",
                              "pid": "POD" if shared_pid else "CONTAINER"},
        "run_as_user": {"value": 1000},
        "run_as_group": {"value": 3000},
        "supplemental_groups": [4000],
        "readonly_rootfs": True,
        "no_new_privs": True,
        "masked_paths": MASKED,
        "readonly_paths": READONLY,
        "seccomp": {"profile_type": "RuntimeDefault"},
    }
    return {
        "metadata": {"name": name, "attempt": 0},
        "image": {"image": image_id},
        "command": command,
        "working_dir": "/",
        "envs": [{"key": "KUBERNETES_SERVICE_HOST", "value": "10.96.0.1"},
                 {"key": "KUBERNETES_SERVICE_PORT", "value": "443"},
                 {"key": "KUBERNETES_PORT", "value": "tcp://10.96.0.1:443"}],
        "mounts": [
            {"container_path": "/cache", "host_path": empty},
            {"container_path": SA_DIR, "host_path": sa, "readonly": True},
            {"container_path": "/etc/hosts", "host_path": hosts},
            {"container_path": "/dev/termination-log", "host_path": term},
        ],
        "labels": {"io.kubernetes.container.name": name, "io.kubernetes.pod.name": pod,
                   "io.kubernetes.pod.namespace": NS, "io.kubernetes.pod.uid": uid},
        "annotations": {
            "io.kubernetes.container.hash": "6e1a9d2c",
            "io.kubernetes.container.restartCount": "0",
            "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
            "io.kubernetes.container.terminationMessagePolicy": "File",
            "io.kubernetes.pod.terminationGracePeriod": "30",
        },
        "log_path": "%s/0.log" % name,
        "linux": {
            "resources": {"cpu_period": 100000, "cpu_quota": 20000, "cpu_shares": 102,
                          "memory_limit_in_bytes": 64 * MiB, "oom_score_adj": 984},
            "security_context": sc if restricted else {},
        },
    }


# ---- the node's view: cgroups and the pod network

def cgroup_mounts():
    """{controller: mount point} of cgroup v1, and the cgroup2 mount point"""
    v1, v2 = {}, None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, post = line.split(" - ", 1)
            mp = pre.split()[4]
            fstype, _src, opts = post.split()[:3]
            if fstype == "cgroup2" and (v2 is None or mp == "/sys/fs/cgroup"):
                v2 = mp
            elif fstype == "cgroup":
                for o in opts.split(","):
                    v1.setdefault(o, mp)
    return v1, v2


def proc_cgroups(pid):
    """{controller or "": path} from /proc/PID/cgroup"""
    m = {}
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            _n, ctrls, path = line.rstrip("\n").split(":", 2)
            for c in (ctrls.split(",") if ctrls else [""]):
                m[c] = path
    return m


def read(path):
    with open(path) as f:
        return f.read().strip()


def cgroup_limits(pid):
    """the memory and cpu limits of PID's cgroups, as the node sees them;
    (the memory cgroup's path, {name: value})"""
    v1, v2 = cgroup_mounts()
    cg = proc_cgroups(pid)
    if "memory" in cg and "memory" in v1 and "cpu" in v1:
        mem, cpu = v1["memory"] + cg["memory"], v1["cpu"] + cg["cpu"]
        return cg["memory"], {
            "memory": read(mem + "/memory.limit_in_bytes"),
            "cpu.cfs_quota_us": read(cpu + "/cpu.cfs_quota_us"),
            "cpu.cfs_period_us": read(cpu + "/cpu.cfs_period_us"),
            "cpu.shares": read(cpu + "/cpu.shares"),
        }
    d = v2 + cg[""]
    return cg[""], {"memory": read(d + "/memory.max"), "cpu.max": read(d + "/cpu.max"),
                    "cpu.weight": read(d + "/cpu.weight")}


def expected_limits(mem, quota, period, shares):
    v1, _v2 = cgroup_mounts()
    if "memory" in v1:
        return {"memory": str(mem), "cpu.cfs_quota_us": str(quota),
                "cpu.cfs_period_us": str(period), "cpu.shares": str(shares)}
    # cgroup v2: the weight is the runtime's conversion; runc's is the control
    return {"memory": str(mem), "cpu.max": "%d %d" % (quota, period), "cpu.weight": None}


def limits_match(got, want):
    return all(v is None or got.get(k) == v for k, v in want.items())


def ping(a, ip):
    """the pod's address answers from the node's side of the pod network"""
    if not a.netns_pid:
        return True
    return subprocess.call(["nsenter", "-t", str(a.netns_pid), "-n", "/bin/busybox",
                            "ping", "-c", "1", "-W", "3", ip],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def info_pid(rep):
    try:
        return int(json.loads(rep.info["info"])["pid"])
    except (KeyError, ValueError, TypeError):
        return 0


def state_name(enum, v):
    return enum.Name(v)


# ---- the scenario

def cstatus(r, step, cid):
    rep, err, _ = r.call(step, RT, "ContainerStatus", {"container_id": cid, "verbose": True},
                         lambda x: "%s exit %d reason %r" % (
                             pb.ContainerState.Name(x.status.state), x.status.exit_code,
                             x.status.reason))
    if err is not None:
        r.check(step, False, "%s: %s" % (err.code().name, err.details()))
    return rep


def run_pod(r, role, shared_pid=False):
    """RunPodSandbox + PodSandboxStatus of pod ROLE-HANDLER: (sandbox id,
    uid, ip, pod name) or None"""
    a, h = r.a, r.h
    name = "%s-%s" % (role, h)
    r.subst[name] = role + "-<handler>"
    uid = str(uuid.uuid4())
    r.subst[uid] = "<uid>"
    r.subst[uid.replace("-", "_")] = "<uid>"
    rep = r.expect_ok("RunPodSandbox %s (runtime_handler)" % role, RT, "RunPodSandbox",
                      {"config": sandbox_config(a, name, uid, shared_pid), "runtime_handler": h},
                      timeout=120)
    if rep is None:
        return None
    sid = rep.pod_sandbox_id
    r.subst[sid] = "<sandbox-id>"
    st = r.expect_ok("PodSandboxStatus %s" % role, RT, "PodSandboxStatus",
                     {"pod_sandbox_id": sid, "verbose": True},
                     lambda x: "%s ip-in-pod-subnet %s runtime_handler-as-asked %s" % (
                         pb.PodSandboxState.Name(x.status.state),
                         bool(x.status.network.ip)
                         and ipaddress.ip_address(x.status.network.ip) in SUBNET,
                         x.status.runtime_handler == h))
    ip = st.status.network.ip if st else ""
    if ip:
        r.subst[ip] = "<pod-ip>"
    r.check("PodSandboxStatus %s: ready, pod IP %s in %s, runtime_handler %s" % (name, ip, SUBNET, h),
            st is not None and st.status.state == pb.SANDBOX_READY and ip
            and ipaddress.ip_address(ip) in SUBNET and st.status.runtime_handler == h,
            st and str(st.status))
    r.check("pod %s: its IP answers ping from the node's side of the bridge" % name,
            bool(ip) and ping(a, ip))
    return sid, uid, ip, name


def create_start(r, sid, uid, pod, ip, name, command, image_id, shared_pid=False):
    cfg = container_config(r.a, pod, uid, name, image_id, command, ip, shared_pid=shared_pid)
    rep = r.expect_ok("CreateContainer %s (restricted, resources, kubelet mounts)" % name,
                      RT, "CreateContainer",
                      {"pod_sandbox_id": sid, "config": cfg,
                       "sandbox_config": sandbox_config(r.a, pod, uid, shared_pid)})
    if rep is None:
        return None
    cid = rep.container_id
    r.subst[cid] = "<%s-id>" % name
    r.expect_ok("StartContainer %s" % name, RT, "StartContainer", {"container_id": cid})
    return cid


def scenario(r):
    a, h = r.a, r.h
    v = r.expect_ok("Version", RT, "Version", {"version": "v1"},
                    lambda x: "%s %s api %s" % (x.runtime_name, x.runtime_version, x.runtime_api_version))
    r.check("Version: containerd speaks CRI v1", v is not None and v.runtime_name == "containerd"
            and v.runtime_api_version == "v1", v)
    st = r.expect_ok("Status", RT, "Status", {},
                     lambda x: " ".join("%s=%s" % (c.type, c.status) for c in x.status.conditions))
    conds = {c.type: c.status for c in st.status.conditions} if st else {}
    r.check("Status: RuntimeReady and NetworkReady (the CNI bridge config is loaded)",
            conds.get("RuntimeReady") and conds.get("NetworkReady"), st)
    im = r.expect_ok("ImageStatus %s" % a.image, IMG, "ImageStatus", {"image": {"image": a.image}},
                     lambda x: "present" if x.image.id else "absent")
    image_id = im.image.id if im else a.image
    r.check("ImageStatus: the image is there (id %s)" % image_id[:19], bool(im and im.image.id))
    im = r.expect_ok("ImageStatus (an image never imported)", IMG, "ImageStatus",
                     {"image": {"image": "localhost/ocibox-k8s-absent:1"}},
                     lambda x: "present" if x.image.id else "absent")
    r.check("ImageStatus: an absent image is no error and no image (the kubelet then pulls)",
            im is not None and not im.image.id)

    got = run_pod(r, "web")
    if got is None:
        return
    sid, uid, ip, pod = got
    ls = r.expect_ok("ListPodSandbox (label io.kubernetes.pod.uid)", RT, "ListPodSandbox",
                     {"filter": {"label_selector": {"io.kubernetes.pod.uid": uid}}},
                     lambda x: " ".join(pb.PodSandboxState.Name(i.state) for i in x.items))
    r.check("ListPodSandbox: the pod, ready", ls is not None and [i.id for i in ls.items] == [sid]
            and ls.items[0].state == pb.SANDBOX_READY, ls)

    app = ["/bin/sh", "-c", "trap 'echo bye > /dev/termination-log; exit 0' TERM; "
           "echo started; while :; do sleep 1 & wait $!; done"]
    cid = create_start(r, sid, uid, pod, ip, "app", app, image_id)
    if cid is None:
        return
    cs = cstatus(r, "ContainerStatus app (running)", cid)
    pid = info_pid(cs) if cs else 0
    r.check("ContainerStatus: running, the image and the kubelet's mounts reported",
            cs is not None and cs.status.state == pb.CONTAINER_RUNNING and pid > 0
            and cs.status.image_ref == image_id
            and {m.container_path for m in cs.status.mounts} >= {"/cache", SA_DIR, "/etc/hosts",
                                                                  "/dev/termination-log"},
            cs and cs.status)
    lc = r.expect_ok("ListContainers (pod_sandbox_id)", RT, "ListContainers",
                     {"filter": {"pod_sandbox_id": sid}},
                     lambda x: " ".join("%s:%s" % (c.metadata.name, pb.ContainerState.Name(c.state))
                                        for c in x.containers))
    r.check("ListContainers: app, running", lc is not None and [c.id for c in lc.containers] == [cid]
            and lc.containers[0].state == pb.CONTAINER_RUNNING, lc)

    # the restricted security context, as the container sees it
    r.exec_expect("ExecSync id: uid 1000, gid 3000, supplemental group 4000", cid, ["id"],
                  lambda o: o.startswith("uid=1000") and "gid=3000" in o and "4000" in o)
    r.exec_expect("ExecSync /proc/self/status: no capability, no_new_privs, seccomp filter", cid,
                  ["grep", "-E", "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):",
                   "/proc/self/status"],
                  lambda o: all(l.split()[1] in ("0000000000000000",) for l in o.splitlines()
                                if l.startswith("Cap")) and "NoNewPrivs:\t1" in o
                  and "Seccomp:\t2" in o and o.count("\n") == 7)
    r.exec_expect("ExecSync unshare -U: refused by the runtime's default seccomp profile", cid,
                  ["sh", "-c", "unshare -U true 2>&1; echo rc=$?"],
                  lambda o: "Operation not permitted" in o and not o.endswith("rc=0\n"))
    r.exec_expect("ExecSync touch /x: the root filesystem is read-only", cid,
                  ["sh", "-c", "touch /x 2>&1; echo rc=$?"],
                  lambda o: "Read-only file system" in o and o.endswith("rc=1\n"))
    got = r.exec_expect("ExecSync write to the emptyDir /cache", cid,
                        ["sh", "-c", "echo hi > /cache/f && cat /cache/f"], "hi\n")
    empty = os.path.join(pod_paths(a, uid), "volumes", "kubernetes.io~empty-dir", "cache", "f")
    r.check("emptyDir: the node sees the container's file, owned by uid 1000",
            os.path.exists(empty) and read(empty) == "hi" and os.stat(empty).st_uid == 1000)
    r.exec_expect("ExecSync the service-account volume: readable, read-only", cid,
                  ["sh", "-c", "cat %s/namespace; echo; touch %s/x 2>&1; echo rc=$?" % (SA_DIR, SA_DIR)],
                  lambda o: o.startswith(NS + "\n") and "Read-only file system" in o
                  and o.endswith("rc=1\n"))
    r.exec_expect("ExecSync /etc/hosts is the kubelet's", cid, ["cat", "/etc/hosts"],
                  read(os.path.join(pod_paths(a, uid), "etc-hosts")) + "\n")
    r.exec_expect("ExecSync /etc/resolv.conf from the pod's dns_config", cid,
                  ["cat", "/etc/resolv.conf"],
                  lambda o: "nameserver 10.96.0.10" in o and "ndots:5" in o
                  and "search %s.svc.cluster.local svc.cluster.local cluster.local" % NS in o)
    r.exec_expect("ExecSync hostname is the pod's", cid, ["hostname"], pod + "\n")
    r.exec_expect("ExecSync eth0 has the pod IP", cid, ["ip", "-4", "-o", "addr", "show", "eth0"],
                  lambda o: (" %s/24 " % ip) in o)
    r.exec_expect("ExecSync pid 1 is the container's own program (pid namespace per container)",
                  cid, ["sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"],
                  lambda o: o.startswith("/bin/sh -c trap"))
    # each masked path that this kernel has is a mount point, files read
    # empty (/dev/null over them);
    # each read-only path that it has is mounted read-only
    script = "for p in %s; do [ -e $p ] || continue; " \
        "o=$(awk -v p=$p '$5 == p {print $6}' /proc/self/mountinfo); " \
        "if [ -d $p ]; then n=dir; else n=$(cat $p | wc -c); fi; echo \"$p ${o%%%%,*} $n\"; done"
    r.exec_expect("ExecSync the kubelet's masked paths are masked", cid,
                  ["sh", "-c", script % " ".join(MASKED)],
                  lambda o: o and all(len(l.split()) == 3 and l.split()[1] in ("rw", "ro")
                                      and l.split()[2] in ("0", "dir") for l in o.splitlines()))
    r.exec_expect("ExecSync the kubelet's read-only paths are read-only mounts", cid,
                  ["sh", "-c", script % " ".join(READONLY)],
                  lambda o: o and all(len(l.split()) == 3 and l.split()[1] == "ro"
                                      for l in o.splitlines()))

    # ExecSync itself: output, exit codes, stderr, the timeout
    r.exec_expect("ExecSync exit code 3 with stdout and stderr", cid,
                  ["sh", "-c", "echo out; echo err >&2; exit 3"], "out\n", rc=3)
    got = r.execsync("ExecSync stderr alone", cid, ["sh", "-c", "echo oops >&2"])
    r.check("ExecSync stderr alone: stderr 'oops', stdout empty, exit 0",
            got == (0, "", "oops\n"), got)
    r.exec_expect("ExecSync exit code 127 for a missing command", cid, ["sh", "-c", "/nope"],
                  "", rc=127)
    t0 = time.monotonic()
    rep, err, dt = r.call("ExecSync with timeout 1 (sleep 37)", RT, "ExecSync",
                          {"container_id": cid, "cmd": ["sleep", "37"], "timeout": 1},
                          timeout=30)
    r.check("ExecSync timeout: the call fails after about 1 s (took %.1f s)" % dt,
            err is not None and "timeout" in err.details() and 0.9 < dt < 10,
            err and err.details() or rep)
    r.exec_expect("ExecSync ps: the timed-out process was killed", cid,
                  ["ps", "-o", "args"], lambda o: "sleep 37" not in o)

    # the node's view: cgroups where the kubelet asked, with the limits
    path = lims = None
    if pid:
        try:
            path, lims = cgroup_limits(pid)
        except OSError as e:
            r.check("cgroup of the app container readable", False, e)
    if path is not None:
        if a.cgroup_driver == "systemd":
            where = path.endswith("/%s/cri-containerd-%s.scope" % (pod_cgroup_parent(a, uid), cid))
        else:
            where = path == "%s/%s" % (pod_cgroup_parent(a, uid), cid)
        r.check("cgroup: the container is in its pod's cgroup parent (%s)" % r.norm(path), where)
        want = expected_limits(64 * MiB, 20000, 100000, 102)
        r.check("cgroup limits from CreateContainer: %s" % lims, limits_match(lims, want), want)
        r.results.append(("cgroup limits after CreateContainer", str(sorted(lims.items())), 0, "-"))
    stats = r.expect_ok("ContainerStats app", RT, "ContainerStats", {"container_id": cid},
                        lambda x: "cpu %s memory-working-set %s" % (
                            x.stats.cpu.HasField("usage_core_nano_seconds"),
                            x.stats.memory.working_set_bytes.value > 0))
    r.check("ContainerStats: cpu usage and a memory working set",
            stats is not None and stats.stats.cpu.HasField("usage_core_nano_seconds")
            and stats.stats.memory.working_set_bytes.value > 0, stats)
    r.expect_ok("UpdateContainerResources app (memory 96Mi, cpu limit 300m, request 200m)", RT,
                "UpdateContainerResources",
                {"container_id": cid, "linux": {"cpu_period": 100000, "cpu_quota": 30000,
                                                "cpu_shares": 204, "memory_limit_in_bytes": 96 * MiB,
                                                "oom_score_adj": 984}})
    if path is not None:
        _p, lims = cgroup_limits(pid)
        want = expected_limits(96 * MiB, 30000, 100000, 204)
        r.check("cgroup limits after UpdateContainerResources: %s" % lims, limits_match(lims, want), want)
        r.results.append(("cgroup limits after UpdateContainerResources", str(sorted(lims.items())), 0, "-"))

    logf = os.path.join(a.dir, "log", "pods", "%s_%s_%s" % (NS, pod, uid), "app", "0.log")
    r.check("the container log (CRI format) has its stdout",
            os.path.exists(logf) and " stdout F started" in open(logf).read())

    # stop: SIGTERM honoured ...
    t0 = time.monotonic()
    r.expect_ok("StopContainer app (timeout 10, traps SIGTERM)", RT, "StopContainer",
                {"container_id": cid, "timeout": 10}, timeout=60)
    dt = time.monotonic() - t0
    cs = cstatus(r, "ContainerStatus app (stopped)", cid)
    term = os.path.join(pod_paths(a, uid), "containers", "app", "3f9c1a2b")
    r.check("StopContainer: SIGTERM handled at once (%.1f s), exit 0, reason Completed, "
            "termination message written" % dt,
            dt < 5 and cs is not None and cs.status.state == pb.CONTAINER_EXITED
            and cs.status.exit_code == 0 and cs.status.reason == "Completed"
            and read(term) == "bye", cs and cs.status)

    # ... and the grace period for a program that ignores it
    stubborn = ["/bin/sh", "-c", "trap '' TERM; echo started; while :; do sleep 1; done"]
    cid2 = create_start(r, sid, uid, pod, ip, "stubborn", stubborn, image_id)
    if cid2:
        t0 = time.monotonic()
        r.expect_ok("StopContainer stubborn (timeout 2, ignores SIGTERM)", RT, "StopContainer",
                    {"container_id": cid2, "timeout": 2}, timeout=60)
        dt = time.monotonic() - t0
        cs = cstatus(r, "ContainerStatus stubborn (stopped)", cid2)
        r.check("StopContainer: the grace period, then SIGKILL (%.1f s, exit 137)" % dt,
                2 <= dt < 8 and cs is not None and cs.status.state == pb.CONTAINER_EXITED
                and cs.status.exit_code == 137, cs and cs.status)

    # a program that does not exist: the runtime's reason must reach the CRI
    cid3 = None
    cfg = container_config(a, pod, uid, "missing", image_id, ["/nonexistent"], ip)
    rep = r.expect_ok("CreateContainer missing (command /nonexistent)", RT, "CreateContainer",
                      {"pod_sandbox_id": sid, "config": cfg,
                       "sandbox_config": sandbox_config(a, pod, uid)})
    if rep:
        cid3 = rep.container_id
        r.subst[cid3] = "<missing-id>"
        rep, err, _ = r.call("StartContainer missing", RT, "StartContainer", {"container_id": cid3})
        detail = err.details() if err is not None else ""
        print("    %s: StartContainer missing: %s" % (h, detail or "no error"))
        r.check("StartContainer of a missing program fails, the runtime's reason in the error",
                err is not None and "/nonexistent" in detail
                and "no such file or directory" in detail
                and (h != "ocibox" or 'exec "/nonexistent": no such file or directory' in detail),
                detail)
        cs = cstatus(r, "ContainerStatus missing (failed start)", cid3)
        r.check("ContainerStatus of the failed start: exited, reason StartError",
                cs is not None and cs.status.state == pb.CONTAINER_EXITED
                and cs.status.reason == "StartError", cs and cs.status)

    for c, n in ((cid, "app"), (cid2, "stubborn"), (cid3, "missing")):
        if c:
            r.expect_ok("RemoveContainer %s" % n, RT, "RemoveContainer", {"container_id": c})
    rep, err, _ = r.call("ContainerStatus app (removed)", RT, "ContainerStatus", {"container_id": cid})
    r.check("ContainerStatus after RemoveContainer: NotFound",
            err is not None and err.code() == grpc.StatusCode.NOT_FOUND, err or rep)
    lc = r.expect_ok("ListContainers (pod_sandbox_id, after removal)", RT, "ListContainers",
                     {"filter": {"pod_sandbox_id": sid}}, lambda x: "%d containers" % len(x.containers))
    r.check("ListContainers: none left in the pod", lc is not None and not lc.containers, lc)
    stop_remove_pod(r, sid, "web")

    # a pod whose containers share its pid namespace
    got = run_pod(r, "shared", shared_pid=True)
    if got is None:
        return
    sid, uid, ip, pod = got
    cid = create_start(r, sid, uid, pod, ip, "sleeper", ["sleep", "1000"], image_id, shared_pid=True)
    if cid:
        r.exec_expect("ExecSync (shared pid) pid 1 is the pause program", cid,
                      ["sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"], "/pause ")
        r.exec_expect("ExecSync (shared pid) ps sees pause and the container", cid,
                      ["ps", "-o", "args"],
                      lambda o: "/pause" in o.split("\n")[1] and "sleep 1000" in o)
        t0 = time.monotonic()
        r.expect_ok("StopContainer sleeper (timeout 10)", RT, "StopContainer",
                    {"container_id": cid, "timeout": 10}, timeout=60)
        dt = time.monotonic() - t0
        cs = cstatus(r, "ContainerStatus sleeper (stopped)", cid)
        r.check("StopContainer (shared pid): sleep, not pid 1, dies of SIGTERM (%.1f s)" % dt,
                dt < 5 and cs is not None and cs.status.state == pb.CONTAINER_EXITED
                and cs.status.exit_code == 143, cs and cs.status)
        r.expect_ok("RemoveContainer sleeper", RT, "RemoveContainer", {"container_id": cid})
    stop_remove_pod(r, sid, "shared")


def stop_remove_pod(r, sid, pod):
    r.expect_ok("StopPodSandbox %s" % pod, RT, "StopPodSandbox", {"pod_sandbox_id": sid})
    st = r.expect_ok("PodSandboxStatus %s (stopped)" % pod, RT, "PodSandboxStatus",
                     {"pod_sandbox_id": sid},
                     lambda x: pb.PodSandboxState.Name(x.status.state))
    r.check("PodSandboxStatus after StopPodSandbox: not ready",
            st is not None and st.status.state == pb.SANDBOX_NOTREADY, st)
    r.expect_ok("RemovePodSandbox %s" % pod, RT, "RemovePodSandbox", {"pod_sandbox_id": sid})
    rep, err, _ = r.call("PodSandboxStatus %s (removed)" % pod, RT, "PodSandboxStatus",
                         {"pod_sandbox_id": sid})
    r.check("PodSandboxStatus after RemovePodSandbox: NotFound",
            err is not None and err.code() == grpc.StatusCode.NOT_FOUND, err or rep)
    ls = r.expect_ok("ListPodSandbox %s (after removal)" % pod, RT, "ListPodSandbox",
                     {"filter": {"id": sid}}, lambda x: "%d pods" % len(x.items))
    r.check("ListPodSandbox: the pod is gone", ls is not None and not ls.items, ls)


def leave_running(r):
    """one running pod with one running container, left for run.sh"""
    im = r.expect_ok("ImageStatus", IMG, "ImageStatus", {"image": {"image": r.a.image}})
    if im is None:
        return
    got = run_pod(r, "crash")
    if got is None:
        return
    sid, uid, ip, pod = got
    cid = create_start(r, sid, uid, pod, ip, "app", ["sleep", "1000"], im.image.id)
    if cid:
        cs = cstatus(r, "ContainerStatus app (running)", cid)
        r.check("crash pod: the container runs", cs is not None
                and cs.status.state == pb.CONTAINER_RUNNING)


def compare(runs):
    """the handlers call by call: the first is under test, the rest controls"""
    base = runs[0]
    steps = {}
    for r in runs:
        for step, summary, dt, _name in r.results:
            steps.setdefault(step, {})[r.h] = (summary, dt)
    failed = 0
    for step, by in steps.items():
        s0 = by.get(base.h, ("(not made)", 0))[0]
        for r in runs[1:]:
            s1 = by.get(r.h, ("(not made)", 0))[0]
            if s0 == s1:
                print("PASS: k8s: %s = %s: %s: %s" % (base.h, r.h, step, s0))
            else:
                failed += 1
                print("FAIL: k8s: %s = %s: %s" % (base.h, r.h, step))
                print("    %s: %s\n    %s: %s" % (base.h, s0, r.h, s1))
    print("calls (seconds per handler: %s):" % " ".join(r.h for r in runs))
    for step, by in steps.items():
        print("    %-72s %s" % (step[:72], " ".join("%6.2f" % by.get(r.h, ("", 0))[1] for r in runs)))
    return failed


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--socket", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--pause-image", required=True)
    p.add_argument("--netns-pid", type=int, default=0)
    p.add_argument("--cgroup-driver", choices=("cgroupfs", "systemd"), default="cgroupfs")
    p.add_argument("--cgroup-parent", default="/ocibox-k8s")
    p.add_argument("--leave-running", action="store_true")
    p.add_argument("handlers", nargs="+")
    a = p.parse_args()
    if a.cgroup_driver == "systemd" and not a.cgroup_parent.endswith(".slice"):
        p.error("--cgroup-driver systemd needs a slice as --cgroup-parent")
    a.dir = os.path.abspath(a.dir)
    cri = CRI(a.socket)
    runs = []
    for h in a.handlers:
        r = Run(cri, h, a)
        t0 = time.monotonic()
        runs.append(r)
        try:
            (leave_running if a.leave_running else scenario)(r)
        except Unavailable as e:
            r.check("containerd answers (stopped at %s)" % e, False)
            break
        print("    %s: %.1f s" % (h, time.monotonic() - t0))
    failed = sum(r.failed for r in runs)
    if not a.leave_running and len(runs) == len(a.handlers) > 1:
        failed += compare(runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
