/* SPDX-License-Identifier: MIT */
/* netdev: linux.netDevices over rtnetlink (see netdev.h). Each step runs in
 * the namespace it concerns: the runtime is single-threaded, so it setns()es
 * into the container's network namespace and back, and every netlink
 * socket is made where it is used (a socket stays in the namespace it was
 * created in). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "core/err.h"
#include "core/netdev.h"
#include "core/spec.h"
#include "core/util.h"

#define PIN "netns"
#define MAX_ADDRS 64

static void NORETURN die_errno(const char *what)
{
	fail(errno, "%s", what);
	die();
}

struct req {
	struct nlmsghdr h;
	union { struct ifinfomsg link; struct ifaddrmsg addr; } m;
	char attrs[128];
};

struct addr {
	struct ifaddrmsg m;
	unsigned char local[16], address[16], brd[4];
	unsigned char len;                /* 4 or 16 */
	bool has_local, has_address, has_brd;
};

struct addrs {
	int ifindex;
	size_t n;
	struct addr a[MAX_ADDRS];
};

static void req_init(struct req *r, int type, int flags, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(body);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | flags;
	r->h.nlmsg_seq = 1;
}

static void put_attr(struct req *r, int type, const void *data, size_t len)
{
	struct rtattr *a = (void *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Send R on a socket made in the current network namespace and read up to
 * its ack (or a dump's end), handing every other message to FN. 0 or
 * -errno as the kernel answered. */
static int talk(struct req *r, void (*fn)(struct nlmsghdr *, void *), void *arg)
{
	static char buf[32768];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *m;
	AUTOCLOSE int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				  NETLINK_ROUTE);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (sendto(fd, &r->h, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (m = (void *)buf; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(m))->error;
			if (fn)
				fn(m, arg);
		}
	}
}

static void take_addr(struct nlmsghdr *m, void *arg)
{
	struct addrs *as = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(m);
	struct rtattr *rta;
	struct addr *a;
	int len = IFA_PAYLOAD(m);

	if (m->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != as->ifindex ||
	    as->n == MAX_ADDRS)
		return;
	/* the kernel makes an IPv6 link-local address itself */
	if (ifa->ifa_family == AF_INET6 && ifa->ifa_scope == RT_SCOPE_LINK)
		return;
	a = &as->a[as->n];
	memset(a, 0, sizeof(*a));
	a->m = *ifa;
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t l = RTA_PAYLOAD(rta);

		if (l != 4 && l != 16)
			continue;
		if (rta->rta_type == IFA_LOCAL) {
			memcpy(a->local, RTA_DATA(rta), l);
			a->has_local = true;
		} else if (rta->rta_type == IFA_ADDRESS) {
			memcpy(a->address, RTA_DATA(rta), l);
			a->has_address = true;
		} else if (rta->rta_type == IFA_BROADCAST && l == 4) {
			memcpy(a->brd, RTA_DATA(rta), l);
			a->has_brd = true;
			continue;
		} else {
			continue;
		}
		a->len = l;
	}
	as->n += a->has_local || a->has_address;
}

static int set_up(int ifindex, bool up)
{
	struct req r;

	req_init(&r, RTM_NEWLINK, NLM_F_ACK, sizeof(r.m.link));
	r.m.link.ifi_index = ifindex;
	r.m.link.ifi_flags = up ? IFF_UP : 0;
	r.m.link.ifi_change = IFF_UP;
	return talk(&r, NULL, NULL);
}

static int add_addr(int ifindex, const struct addr *a)
{
	struct req r;

	req_init(&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
		 sizeof(r.m.addr));
	r.m.addr = a->m;
	r.m.addr.ifa_index = ifindex;
	r.m.addr.ifa_flags = 0;
	if (a->has_local)
		put_attr(&r, IFA_LOCAL, a->local, a->len);
	if (a->has_address)
		put_attr(&r, IFA_ADDRESS, a->address, a->len);
	if (a->has_brd)
		put_attr(&r, IFA_BROADCAST, a->brd, 4);
	return talk(&r, NULL, NULL);
}

/* Move interface FROM of namespace FROMNS to namespace TONS as TO, its
 * addresses with it (the kernel drops them on the way), set up or down.
 * WHAT prefixes errors. Returns in namespace TONS on success. */
static int move_dev(const char *from, const char *to, int fromns, int tons,
		    bool up, const char *what)
{
	struct addrs *as;
	struct req r;
	uint32_t nsfd = (uint32_t)tons;
	size_t i;
	int idx, e;

	if (setns(fromns, CLONE_NEWNET) < 0)
		return fail(errno, "%s: setns", what);
	idx = (int)if_nametoindex(from);
	if (idx == 0)
		return fail(errno == ENXIO ? ENODEV : errno,
			    "%s: network interface \"%s\"", what, from);
	as = xcalloc(1, sizeof(*as));
	as->ifindex = idx;
	req_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(r.m.addr));
	if ((e = talk(&r, take_addr, as)) < 0) {
		fail(-e, "%s: read the addresses of \"%s\"", what, from);
		goto out;
	}
	/* the spec: down before it goes back, so that it cannot clash */
	if (!up && (e = set_up(idx, false)) < 0) {
		fail(-e, "%s: set \"%s\" down", what, from);
		goto out;
	}
	req_init(&r, RTM_NEWLINK, NLM_F_ACK, sizeof(r.m.link));
	r.m.link.ifi_index = idx;
	put_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	put_attr(&r, IFLA_IFNAME, to, strlen(to) + 1);
	if ((e = talk(&r, NULL, NULL)) < 0) {
		fail(-e, e == -EEXIST ? "%s: move \"%s\": the other namespace "
		     "already has an interface \"%s\"" : "%s: move \"%s\" as "
		     "\"%s\"", what, from, to);
		goto out;
	}
	e = 0;
	if (setns(tons, CLONE_NEWNET) < 0) {
		e = fail(errno, "%s: setns", what);
		goto out;
	}
	idx = (int)if_nametoindex(to);
	for (i = 0; i < as->n && idx > 0; i++) {
		int a = add_addr(idx, &as->a[i]);

		if (a < 0 && a != -EEXIST) {
			e = fail(-a, "%s: give \"%s\" back its address", what, to);
			break;
		}
	}
	if (e == 0 && up && idx > 0 && (e = set_up(idx, true)) < 0)
		fail(-e, "%s: set \"%s\" up", what, to);
out:
	free(as);
	return e < 0 ? -1 : 0;
}

bool netdev_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static const char *dev_ctx(const struct spec_netdev *d, char *buf, size_t n)
{
	snprintf(buf, n, "config.json: linux.netDevices.%s", d->host);
	return buf;
}

/* The container's network namespace: pinned, given by path, or PID's. */
static int open_target(const struct spec_linux *lx, pid_t pid, int statedir)
{
	const char *path = lx->ns[SPEC_NS_NETWORK].path;
	char proc[64];
	struct statfs sf;
	int fd;

	if (statedir >= 0) {
		fd = openat(statedir, PIN, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	if (path)
		return open(path, O_RDONLY | O_CLOEXEC);
	if (pid <= 0)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/%d/ns/net", (int)pid);
	return open(proc, O_RDONLY | O_CLOEXEC);
}

void netdev_unpin(int statedir)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d/" PIN, statedir);
	umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
	unlinkat(statedir, PIN, 0);
}

/* Keep PID's network namespace alive at STATEDIR/netns until delete. */
static int pin(pid_t pid, int statedir)
{
	char src[64], dst[64];
	int fd = openat(statedir, PIN, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			0400);

	if (fd < 0)
		return fail(errno, "linux.netDevices: pin the network namespace");
	close(fd);
	snprintf(src, sizeof(src), "/proc/%d/ns/net", (int)pid);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d/" PIN, statedir);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
		fail(errno, "linux.netDevices: pin the network namespace");
		unlinkat(statedir, PIN, 0);
		return -1;
	}
	return 0;
}

int netdev_enter(const struct spec_linux *lx, pid_t pid, int statedir)
{
	AUTOCLOSE int self = -1, target = -1;
	const struct spec_netdev *d;
	char ctx[64];
	bool pinned = false;
	size_t i;

	if (lx->n_net_devices == 0)
		return 0;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open_target(lx, pid, -1);
	if (self < 0 || target < 0)
		return fail(errno, "linux.netDevices: open the network namespaces");
	if (!lx->ns[SPEC_NS_NETWORK].path) {
		if (pin(pid, statedir) < 0)
			return -1;
		pinned = true;
	}
	for (i = 0; i < lx->n_net_devices; i++) {
		d = &lx->net_devices[i];
		if (move_dev(d->host, d->name, self, target, true,
			     dev_ctx(d, ctx, sizeof(ctx))) < 0)
			break;
	}
	if (setns(self, CLONE_NEWNET) < 0)
		die_errno("setns back to the runtime's network namespace");
	if (i == lx->n_net_devices)
		return 0;
	{
		struct err saved = err_last;

		while (i-- > 0) {
			d = &lx->net_devices[i];
			if (move_dev(d->name, d->host, target, self, false,
				     dev_ctx(d, ctx, sizeof(ctx))) < 0)
				log_warn("%s", err_last.msg);
		}
		if (setns(self, CLONE_NEWNET) < 0)
			die_errno("setns back to the runtime's network namespace");
		if (pinned)
			netdev_unpin(statedir);
		err_last = saved;
	}
	return -1;
}

int netdev_leave(const struct spec_linux *lx, pid_t pid, int statedir)
{
	AUTOCLOSE int self = -1, target = -1;
	const struct spec_netdev *d;
	char ctx[64];
	size_t i;
	int r = 0;

	if (lx->n_net_devices == 0)
		return 0;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open_target(lx, pid, statedir);
	if (self < 0 || target < 0) {
		log_warn("linux.netDevices: the container's network namespace "
			 "is gone, and its interfaces with it");
		r = -1;
		goto out;
	}
	for (i = 0; i < lx->n_net_devices; i++) {
		d = &lx->net_devices[i];
		if (move_dev(d->name, d->host, target, self, false,
			     dev_ctx(d, ctx, sizeof(ctx))) < 0) {
			log_warn("%s", err_last.msg);
			r = -1;
		}
	}
	if (setns(self, CLONE_NEWNET) < 0)
		die_errno("setns back to the runtime's network namespace");
out:
	if (statedir >= 0)
		netdev_unpin(statedir);
	return r;
}
