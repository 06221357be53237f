/* SPDX-License-Identifier: MIT */
/* netdev: linux.netDevices (runtime-spec 1.3). Named interfaces of the
 * runtime's network namespace move into the container's (renamed, their
 * addresses carried over, set up) and back at delete (set down first, the
 * host name given back, the addresses carried back).
 *
 * The spec wants them back before the container's network namespace goes
 * away, which for a namespace of its own happens when its last process
 * exits, long before delete: the kernel would then destroy virtual
 * interfaces (veth, dummy, macvlan) and hand physical ones to the initial
 * namespace under the container's name. So create pins that namespace with
 * a bind mount at STATEDIR/netns (as `ip netns` pins its own), and delete
 * moves the interfaces out of it and unpins it. */
#ifndef OCIBOX_NETDEV_H
#define OCIBOX_NETDEV_H

#include <stdbool.h>
#include <sys/types.h>

struct spec_linux;

/* Is there an interface NAME in the runtime's network namespace? */
bool netdev_exists(const char *name);
/* Move LX's devices into the network namespace of PID (or of its
 * namespaces[].path), pinning a new namespace at STATEDIR/netns. On failure
 * every device moved so far is back, nothing is pinned: -1 with the JSON
 * path in err_last. */
int netdev_enter(const struct spec_linux *lx, pid_t pid, int statedir);
/* Move them back (best effort: what fails is warned about, the rest goes
 * on) from the pinned namespace, else the namespace path, else PID's; then
 * unpin. PID <= 0 when the container is gone. 0, or -1 when a device could
 * not be moved back. */
int netdev_leave(const struct spec_linux *lx, pid_t pid, int statedir);
/* Drop the pin at STATEDIR/netns, if any (netdev_leave does it too). */
void netdev_unpin(int statedir);

#endif
