/* SPDX-License-Identifier: MIT */
/* cgroup_bpf: linux.resources.devices on cgroup v2, as an eBPF
 * BPF_PROG_TYPE_CGROUP_DEVICE program. The rules are first reduced the way the
 * v1 devices controller would (default + exceptions, last rule wins), so both
 * hierarchies enforce the same thing; runc does the same with its emulator. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_int.h"
#include "core/err.h"
#include "core/util.h"

static unsigned acc_bits(const char *a)
{
	unsigned b = 0;

	for (; *a; a++)
		b |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE :
		     *a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return b;
}

/* One devices.allow / devices.deny write, as the kernel applies it:
 * "a" resets the default and drops every exception; a rule agreeing with the
 * default removes access from a matching exception; any other adds one. */
void cg_devs_apply(struct cg_devs *s, const struct spec_dev_rule *r)
{
	unsigned acc = acc_bits(r->access[0] ? r->access : "rwm");
	size_t i;

	if (r->type == 'a' || !r->type) {
		s->allow = r->allow;
		s->n = 0;
		return;
	}
	for (i = 0; i < s->n; i++) {
		struct cg_dev_ex *e = &s->ex[i];

		if (e->type != r->type || e->major != r->major || e->minor != r->minor)
			continue;
		if (r->allow == s->allow) {
			e->acc &= ~acc;
			if (!e->acc)
				memmove(e, e + 1, (--s->n - i) * sizeof(*e));
		} else {
			e->acc |= acc;
		}
		return;
	}
	if (r->allow == s->allow)
		return;
	s->ex = xrealloc(s->ex, (s->n + 1) * sizeof(*s->ex));
	s->ex[s->n++] = (struct cg_dev_ex){ r->type, r->major, r->minor, acc };
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), \
	.src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, off) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, off, 0)
#define MOV_IMM(d, i)    INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s)    INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define AND_IMM(d, i)    INSN(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, i)
#define RSH_IMM(d, i)    INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_REG(d, s, o) INSN(BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)
#define EXIT()           INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* r2 = device type, r3 = requested access, r4 = major, r5 = minor; each
 * exception is a block that jumps past itself on the first mismatch. An
 * allow-list grants when an exception covers all the requested access; a
 * deny-list refuses when one overlaps it (the v1 kernel's two match rules). */
static struct bpf_insn *dev_prog(const struct cg_devs *s, size_t *len)
{
	struct bpf_insn *p = xcalloc(6 + s->n * 10 + 2, sizeof(*p));
	size_t n = 0, i, blk, k;

	p[n++] = LDX_W(BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[n++] = MOV_REG(BPF_REG_3, BPF_REG_2);
	p[n++] = RSH_IMM(BPF_REG_3, 16);
	p[n++] = AND_IMM(BPF_REG_2, 0xffff);
	p[n++] = LDX_W(BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major));
	p[n++] = LDX_W(BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor));
	for (i = 0; i < s->n; i++) {
		const struct cg_dev_ex *e = &s->ex[i];

		blk = 1 + (e->major >= 0) + (e->minor >= 0) + 3 + 2;
		k = 0;
#define OFF() ((short)(blk - ++k))
		p[n++] = JNE_IMM(BPF_REG_2, e->type == 'b' ? BPF_DEVCG_DEV_BLOCK :
				 BPF_DEVCG_DEV_CHAR, OFF());
		if (e->major >= 0)
			p[n++] = JNE_IMM(BPF_REG_4, (int32_t)e->major, OFF());
		if (e->minor >= 0)
			p[n++] = JNE_IMM(BPF_REG_5, (int32_t)e->minor, OFF());
		p[n++] = MOV_REG(BPF_REG_1, BPF_REG_3), k++;
		p[n++] = AND_IMM(BPF_REG_1, (int32_t)e->acc), k++;
		p[n++] = s->allow ? JEQ_IMM(BPF_REG_1, 0, OFF()) :
				    JNE_REG(BPF_REG_1, BPF_REG_3, OFF());
#undef OFF
		p[n++] = MOV_IMM(BPF_REG_0, s->allow ? 0 : 1);
		p[n++] = EXIT();
	}
	p[n++] = MOV_IMM(BPF_REG_0, s->allow ? 1 : 0);
	p[n++] = EXIT();
	*len = n;
	return p;
}

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

int cgroup_bpf_devices(int dirfd, const struct spec_dev_rule *rules, size_t n)
{
	struct cg_devs s = { .allow = false };
	AUTOFREE struct bpf_insn *prog = NULL;
	AUTOCLOSE int pfd = -1;
	static char log[16384];
	uint32_t ids[64], nids;
	union bpf_attr a;
	size_t len, i;

	for (i = 0; i < n; i++)
		cg_devs_apply(&s, &rules[i]);
	prog = dev_prog(&s, &len);
	free(s.ex);

	memset(&a, 0, sizeof(a));
	a.query.target_fd = dirfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = ARRAY_SIZE(ids);
	nids = sys_bpf(BPF_PROG_QUERY, &a) == 0 ? a.query.prog_cnt : 0;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = (uint32_t)len;
	a.license = (uintptr_t)"GPL";
	/* Without a log first: the verifier's log costs more than the
	 * verification itself (0.6 of 0.9 ms). Only a refusal is loaded
	 * again, with the log, for --debug. */
	if ((pfd = sys_bpf(BPF_PROG_LOAD, &a)) < 0) {
		int e = errno;

		a.log_buf = (uintptr_t)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		log[0] = '\0';
		if ((pfd = sys_bpf(BPF_PROG_LOAD, &a)) < 0)
			e = errno;
		log_debug("bpf verifier: %s", log);
		if (pfd < 0)
			return fail(e, "load the device cgroup program "
				    "(%zu instructions)", len);
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = dirfd;
	a.attach_bpf_fd = pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return fail(errno, "attach the device cgroup program");

	/* Now the new program guards the cgroup: drop the ones it replaces
	 * (update). Attached programs live on without an fd. */
	for (i = 0; i < nids && i < ARRAY_SIZE(ids); i++) {
		AUTOCLOSE int old = -1;

		memset(&a, 0, sizeof(a));
		a.prog_id = ids[i];
		if ((old = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a)) < 0)
			return fail(errno, "bpf program %u", ids[i]);
		memset(&a, 0, sizeof(a));
		a.target_fd = dirfd;
		a.attach_bpf_fd = old;
		a.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
			return fail(errno, "detach the old device cgroup program");
	}
	return 0;
}
