/* SPDX-License-Identifier: MIT */
/* dbus tests: byte-exact marshalling against real captures and hand-derived
 * spec examples, reading of captured messages, malformed and truncated input,
 * a mutation fuzz loop, SASL and the systemd helpers against a scripted peer,
 * and a live private dbus-daemon (skipped without dbus-daemon on PATH). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/dbus.h"
#include "core/err.h"
#include "core/util.h"
#include "test/unit/check.h"

/* Captured from Debian 12's dbus-daemon 1.14 and busctl (systemd 252):
 *   dbus-daemon --session --nofork --print-address --address=unix:path=/tmp/x/bus &
 *   dbus-monitor --address unix:path=/tmp/x/bus --binary > cap.bin &
 *   busctl --address=unix:path=/tmp/x/bus call org.freedesktop.DBus \
 *       /org/freedesktop/DBus org.freedesktop.DBus GetId           (and NoSuchMethod)
 *   busctl --address=... call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
 *       org.freedesktop.systemd1.Manager StartTransientUnit 'ssa(sv)a(sa(sv))' \
 *       libpod-x.scope replace 6 Description s "ocibox x" PIDs au 1 42 \
 *       Delegate b true MemoryMax t 1048576 DeviceAllow 'a(ss)' 2 /dev/null rwm \
 *       /dev/zero rw IOReadBandwidthMax 'a(st)' 1 /dev/sda 1000 0
 *   ... SetUnitProperties 'sba(sv)' libpod-x.scope true 4 AllowedCPUs ay 2 3 0 \
 *       After as 1 foo.service CPUWeight t 100 TasksMax t 18446744073709551615
 *   ... StopUnit ss libpod-x.scope replace; ResetFailedUnit s libpod-x.scope;
 *   ... GetUnit s libpod-x.scope; Subscribe; AddMatch s "type='signal',...";
 *   ... ListNames
 * then split into messages by their header lengths. The daemon appends the
 * SENDER field (7) to what it forwards, and busctl sets flag 0x4 (interactive
 * authorization), so comparisons with our calls skip those two. */
/* busctl: Hello, 144 bytes */
static const uint8_t cap_hello[] = {
	0x6c, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x7d, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,
	0x03, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00, 0x48, 0x65, 0x6c, 0x6c,
	0x6f, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x07, 0x01, 0x73, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x31, 0x00, 0x00, 0x00, 0x00,
};
/* busctl: GetId, 144 bytes */
static const uint8_t cap_getid[] = {
	0x6c, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x7d, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,
	0x03, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00, 0x47, 0x65, 0x74, 0x49,
	0x64, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x07, 0x01, 0x73, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x31, 0x00, 0x00, 0x00, 0x00,
};
/* dbus-daemon: the reply to GetId (s), 117 bytes */
static const uint8_t cap_getid_reply[] = {
	0x6c, 0x02, 0x01, 0x01, 0x25, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x3d, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x3a, 0x31, 0x2e, 0x31, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x75, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00,
	0x38, 0x33, 0x31, 0x61, 0x62, 0x32, 0x30, 0x66, 0x31, 0x35, 0x32, 0x31,
	0x63, 0x31, 0x39, 0x34, 0x65, 0x33, 0x39, 0x64, 0x34, 0x37, 0x62, 0x39,
	0x36, 0x62, 0x30, 0x65, 0x62, 0x37, 0x61, 0x31, 0x00,
};
/* dbus-daemon: NameOwnerChanged signal (sss), 189 bytes */
static const uint8_t cap_owner_changed[] = {
	0x6c, 0x04, 0x01, 0x01, 0x1d, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
	0x89, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x10, 0x00, 0x00, 0x00, 0x4e, 0x61, 0x6d, 0x65, 0x4f, 0x77, 0x6e, 0x65,
	0x72, 0x43, 0x68, 0x61, 0x6e, 0x67, 0x65, 0x64, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x01, 0x67, 0x00, 0x03, 0x73, 0x73, 0x73, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x31,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x31, 0x00,
};
/* dbus-daemon: UnknownMethod error reply (s), 202 bytes */
static const uint8_t cap_unknown[] = {
	0x6c, 0x03, 0x01, 0x01, 0x42, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x75, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x3a, 0x31, 0x2e, 0x32, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x73, 0x00,
	0x28, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73,
	0x2e, 0x45, 0x72, 0x72, 0x6f, 0x72, 0x2e, 0x55, 0x6e, 0x6b, 0x6e, 0x6f,
	0x77, 0x6e, 0x4d, 0x65, 0x74, 0x68, 0x6f, 0x64, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x75, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00, 0x07, 0x01, 0x73, 0x00,
	0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73,
	0x00, 0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x20, 0x64, 0x6f, 0x65, 0x73, 0x20, 0x6e, 0x6f,
	0x74, 0x20, 0x75, 0x6e, 0x64, 0x65, 0x72, 0x73, 0x74, 0x61, 0x6e, 0x64,
	0x20, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x20, 0x4e, 0x6f, 0x53,
	0x75, 0x63, 0x68, 0x4d, 0x65, 0x74, 0x68, 0x6f, 0x64, 0x00,
};
/* busctl: StartTransientUnit (ssa(sv)a(sa(sv))), 528 bytes */
static const uint8_t cap_start[] = {
	0x6c, 0x01, 0x04, 0x01, 0x38, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xc5, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x12, 0x00, 0x00, 0x00, 0x53, 0x74, 0x61, 0x72, 0x74, 0x54, 0x72, 0x61,
	0x6e, 0x73, 0x69, 0x65, 0x6e, 0x74, 0x55, 0x6e, 0x69, 0x74, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00, 0x20, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31,
	0x2e, 0x4d, 0x61, 0x6e, 0x61, 0x67, 0x65, 0x72, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00, 0x18, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00,
	0x10, 0x73, 0x73, 0x61, 0x28, 0x73, 0x76, 0x29, 0x61, 0x28, 0x73, 0x61,
	0x28, 0x73, 0x76, 0x29, 0x29, 0x00, 0x00, 0x00, 0x07, 0x01, 0x73, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x33, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x00, 0x00, 0x00, 0x6c, 0x69, 0x62, 0x70, 0x6f, 0x64, 0x2d, 0x78,
	0x2e, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x72, 0x65, 0x70, 0x6c, 0x61, 0x63, 0x65, 0x00, 0x08, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x44, 0x65, 0x73, 0x63,
	0x72, 0x69, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x01, 0x73, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x6f, 0x63, 0x69, 0x62, 0x6f, 0x78, 0x20, 0x78,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x50, 0x49, 0x44, 0x73, 0x00, 0x02, 0x61, 0x75, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x44, 0x65, 0x6c, 0x65, 0x67, 0x61, 0x74, 0x65, 0x00, 0x01, 0x62, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
	0x4d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x4d, 0x61, 0x78, 0x00, 0x01, 0x74,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x44, 0x65, 0x76, 0x69,
	0x63, 0x65, 0x41, 0x6c, 0x6c, 0x6f, 0x77, 0x00, 0x05, 0x61, 0x28, 0x73,
	0x73, 0x29, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x2f, 0x64, 0x65, 0x76, 0x2f, 0x6e, 0x75, 0x6c,
	0x6c, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x72, 0x77, 0x6d, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x2f, 0x64, 0x65, 0x76, 0x2f, 0x7a, 0x65, 0x72,
	0x6f, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x72, 0x77, 0x00, 0x00,
	0x12, 0x00, 0x00, 0x00, 0x49, 0x4f, 0x52, 0x65, 0x61, 0x64, 0x42, 0x61,
	0x6e, 0x64, 0x77, 0x69, 0x64, 0x74, 0x68, 0x4d, 0x61, 0x78, 0x00, 0x05,
	0x61, 0x28, 0x73, 0x74, 0x29, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x2f, 0x64, 0x65, 0x76,
	0x2f, 0x73, 0x64, 0x61, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* busctl: SetUnitProperties (sba(sv)), 368 bytes */
static const uint8_t cap_set_props[] = {
	0x6c, 0x01, 0x04, 0x01, 0xa0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xbd, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x11, 0x00, 0x00, 0x00, 0x53, 0x65, 0x74, 0x55, 0x6e, 0x69, 0x74, 0x50,
	0x72, 0x6f, 0x70, 0x65, 0x72, 0x74, 0x69, 0x65, 0x73, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00, 0x20, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31,
	0x2e, 0x4d, 0x61, 0x6e, 0x61, 0x67, 0x65, 0x72, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00, 0x18, 0x00, 0x00, 0x00,
	0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b,
	0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00,
	0x07, 0x73, 0x62, 0x61, 0x28, 0x73, 0x76, 0x29, 0x00, 0x00, 0x00, 0x00,
	0x07, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x35,
	0x00, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x6c, 0x69, 0x62, 0x70,
	0x6f, 0x64, 0x2d, 0x78, 0x2e, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0b, 0x00, 0x00, 0x00, 0x41, 0x6c, 0x6c, 0x6f, 0x77, 0x65, 0x64, 0x43,
	0x50, 0x55, 0x73, 0x00, 0x02, 0x61, 0x79, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
	0x41, 0x66, 0x74, 0x65, 0x72, 0x00, 0x02, 0x61, 0x73, 0x00, 0x00, 0x00,
	0x10, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x66, 0x6f, 0x6f, 0x2e,
	0x73, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x43, 0x50, 0x55, 0x57, 0x65, 0x69, 0x67, 0x68,
	0x74, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x54, 0x61, 0x73, 0x6b, 0x73, 0x4d, 0x61, 0x78, 0x00, 0x01, 0x74, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
/* busctl: StopUnit (ss), 224 bytes */
static const uint8_t cap_stop[] = {
	0x6c, 0x01, 0x04, 0x01, 0x20, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xad, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x53, 0x74, 0x6f, 0x70, 0x55, 0x6e, 0x69, 0x74,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x64, 0x31, 0x2e, 0x4d, 0x61, 0x6e, 0x61, 0x67, 0x65, 0x72,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00,
	0x18, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x64, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x01, 0x67, 0x00, 0x02, 0x73, 0x73, 0x00, 0x07, 0x01, 0x73, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x36, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x00, 0x00, 0x00, 0x6c, 0x69, 0x62, 0x70, 0x6f, 0x64, 0x2d, 0x78,
	0x2e, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x72, 0x65, 0x70, 0x6c, 0x61, 0x63, 0x65, 0x00,
};
/* busctl: ResetFailedUnit (s), 211 bytes */
static const uint8_t cap_reset[] = {
	0x6c, 0x01, 0x04, 0x01, 0x13, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xad, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x0f, 0x00, 0x00, 0x00, 0x52, 0x65, 0x73, 0x65, 0x74, 0x46, 0x61, 0x69,
	0x6c, 0x65, 0x64, 0x55, 0x6e, 0x69, 0x74, 0x00, 0x02, 0x01, 0x73, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x64, 0x31, 0x2e, 0x4d, 0x61, 0x6e, 0x61, 0x67, 0x65, 0x72,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00,
	0x18, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x64, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00, 0x07, 0x01, 0x73, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x37, 0x00, 0x00, 0x00, 0x00,
	0x0e, 0x00, 0x00, 0x00, 0x6c, 0x69, 0x62, 0x70, 0x6f, 0x64, 0x2d, 0x78,
	0x2e, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x00,
};
/* busctl: GetUnit (s), 203 bytes */
static const uint8_t cap_get_unit[] = {
	0x6c, 0x01, 0x04, 0x01, 0x13, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xa5, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x47, 0x65, 0x74, 0x55, 0x6e, 0x69, 0x74, 0x00,
	0x02, 0x01, 0x73, 0x00, 0x20, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x2e, 0x4d, 0x61, 0x6e,
	0x61, 0x67, 0x65, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x01, 0x73, 0x00, 0x18, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,
	0x07, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x38,
	0x00, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x6c, 0x69, 0x62, 0x70,
	0x6f, 0x64, 0x2d, 0x78, 0x2e, 0x73, 0x63, 0x6f, 0x70, 0x65, 0x00,
};
/* busctl: Subscribe, 184 bytes */
static const uint8_t cap_subscribe[] = {
	0x6c, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0xa5, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64,
	0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x73, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x53, 0x75, 0x62, 0x73, 0x63, 0x72, 0x69, 0x62,
	0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0x73, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x64, 0x31, 0x2e, 0x4d, 0x61, 0x6e, 0x61, 0x67, 0x65, 0x72,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00,
	0x18, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79, 0x73, 0x74,
	0x65, 0x6d, 0x64, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x07, 0x01, 0x73, 0x00, 0x04, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x39,
	0x00, 0x00, 0x00, 0x00,
};
/* busctl: AddMatch (s), 310 bytes */
static const uint8_t cap_add_match[] = {
	0x6c, 0x01, 0x04, 0x01, 0x96, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x8e, 0x00, 0x00, 0x00, 0x01, 0x01, 0x6f, 0x00, 0x15, 0x00, 0x00, 0x00,
	0x2f, 0x6f, 0x72, 0x67, 0x2f, 0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73,
	0x6b, 0x74, 0x6f, 0x70, 0x2f, 0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00,
	0x03, 0x01, 0x73, 0x00, 0x08, 0x00, 0x00, 0x00, 0x41, 0x64, 0x64, 0x4d,
	0x61, 0x74, 0x63, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00,
	0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73,
	0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00, 0x01, 0x73, 0x00, 0x00,
	0x07, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x31,
	0x30, 0x00, 0x00, 0x00, 0x91, 0x00, 0x00, 0x00, 0x74, 0x79, 0x70, 0x65,
	0x3d, 0x27, 0x73, 0x69, 0x67, 0x6e, 0x61, 0x6c, 0x27, 0x2c, 0x73, 0x65,
	0x6e, 0x64, 0x65, 0x72, 0x3d, 0x27, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72,
	0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73, 0x79,
	0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x27, 0x2c, 0x69, 0x6e, 0x74, 0x65,
	0x72, 0x66, 0x61, 0x63, 0x65, 0x3d, 0x27, 0x6f, 0x72, 0x67, 0x2e, 0x66,
	0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x73,
	0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x2e, 0x4d, 0x61, 0x6e, 0x61,
	0x67, 0x65, 0x72, 0x27, 0x2c, 0x6d, 0x65, 0x6d, 0x62, 0x65, 0x72, 0x3d,
	0x27, 0x4a, 0x6f, 0x62, 0x52, 0x65, 0x6d, 0x6f, 0x76, 0x65, 0x64, 0x27,
	0x2c, 0x70, 0x61, 0x74, 0x68, 0x3d, 0x27, 0x2f, 0x6f, 0x72, 0x67, 0x2f,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2f,
	0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x64, 0x31, 0x27, 0x00,
};
/* dbus-daemon: the reply to ListNames (as), 122 bytes */
static const uint8_t cap_list_names[] = {
	0x6c, 0x02, 0x01, 0x01, 0x2a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x3d, 0x00, 0x00, 0x00, 0x06, 0x01, 0x73, 0x00, 0x05, 0x00, 0x00, 0x00,
	0x3a, 0x31, 0x2e, 0x31, 0x31, 0x00, 0x00, 0x00, 0x05, 0x01, 0x75, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x08, 0x01, 0x67, 0x00, 0x02, 0x61, 0x73, 0x00,
	0x07, 0x01, 0x73, 0x00, 0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e,
	0x66, 0x72, 0x65, 0x65, 0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e,
	0x44, 0x42, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x26, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x00, 0x00, 0x6f, 0x72, 0x67, 0x2e, 0x66, 0x72, 0x65, 0x65,
	0x64, 0x65, 0x73, 0x6b, 0x74, 0x6f, 0x70, 0x2e, 0x44, 0x42, 0x75, 0x73,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x3a, 0x31, 0x2e, 0x31,
	0x31, 0x00,
};

#define SD "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MGR SD ".Manager"
#define UNIT "libpod-x.scope"

static bool parses(const void *d, size_t n)
{
	struct dbus_msg m;

	if (dbus_msg_parse(&m, d, n) < 0)
		return false;
	dbus_msg_fini(&m);
	return true;
}

/* Fails to parse, with SUB in the message. */
static bool rejects(const void *d, size_t n, const char *sub)
{
	return !parses(d, n) && strstr(err_last.msg, sub);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Our sealed M against busctl's CAP: the same fixed header but for the
 * flags and the serial, the same header fields up to the SENDER the daemon
 * appended, and the same body. */
static bool same_as_capture(const struct dbus_msg *m, const uint8_t *cap, size_t n)
{
	uint32_t flen = le32(m->buf + 12), cbody = n - le32(cap + 4);

	return m->len >= 16 && n >= 16 && !memcmp(m->buf, cap, 2) &&
	       !memcmp(m->buf + 3, cap + 3, 5) && flen < le32(cap + 12) &&
	       !memcmp(m->buf + 16, cap + 16, flen) && cap[16 + ((flen + 7) & ~7u)] == 7 &&
	       m->len - m->body == n - cbody && !memcmp(m->buf + m->body, cap + cbody, n - cbody);
}

/* M sealed with CAP's serial is CAP (as above) */
static bool sealed_as(struct dbus_msg *m, const uint8_t *cap, size_t n)
{
	return dbus_msg_seal(m, le32(cap + 8)) == 0 && same_as_capture(m, cap, n) &&
	       !memcmp(m->buf + 8, cap + 8, 4);
}

static void sd_call(struct dbus_msg *m, const char *member, const char *sig)
{
	dbus_msg_call(m, SD, SD_PATH, SD_MGR, member, sig);
}

/* The properties of the busctl StartTransientUnit capture. */
static void start_props(struct dbus_msg *m, void *arg)
{
	dbus_prop(m, "Description", "s", "ocibox x");
	dbus_prop_open(m, "PIDs", "au");
	dbus_open(m, 'a', "u");
	dbus_put(m, "u", 42);
	dbus_close(m);
	dbus_prop_close(m);
	dbus_prop(m, "Delegate", "b", true);
	dbus_prop(m, "MemoryMax", "t", (uint64_t)1048576);
	dbus_prop_open(m, "DeviceAllow", "a(ss)");
	dbus_open(m, 'a', "(ss)");
	dbus_open(m, '(', NULL);
	dbus_put(m, "ss", "/dev/null", "rwm");
	dbus_close(m);
	dbus_open(m, '(', NULL);
	dbus_put(m, "ss", "/dev/zero", "rw");
	dbus_close(m);
	dbus_close(m);
	dbus_prop_close(m);
	dbus_prop_open(m, "IOReadBandwidthMax", "a(st)");
	dbus_open(m, 'a', "(st)");
	dbus_open(m, '(', NULL);
	dbus_put(m, "st", "/dev/sda", (uint64_t)1000);
	dbus_close(m);
	dbus_close(m);
	dbus_prop_close(m);
}

/* The properties of the SetUnitProperties capture. */
static void set_props(struct dbus_msg *m, void *arg)
{
	dbus_prop_open(m, "AllowedCPUs", "ay");
	dbus_open(m, 'a', "y");
	dbus_put(m, "yy", 3, 0);
	dbus_close(m);
	dbus_prop_close(m);
	dbus_prop_open(m, "After", "as");
	dbus_open(m, 'a', "s");
	dbus_put(m, "s", "foo.service");
	dbus_close(m);
	dbus_prop_close(m);
	dbus_prop(m, "CPUWeight", "t", (uint64_t)100);
	dbus_prop(m, "TasksMax", "t", UINT64_MAX);
}

/* Our calls, built as the systemd helpers build them, against busctl's. */
static void test_build_captures(void)
{
	struct dbus_msg m;

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "Hello", NULL);
	CHECK_NAMED(sealed_as(&m, cap_hello, sizeof(cap_hello)),
		    "Hello as busctl sends it");
	dbus_msg_fini(&m);

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "GetId", "");
	CHECK_NAMED(sealed_as(&m, cap_getid, sizeof(cap_getid)),
		    "GetId (empty signature: no SIGNATURE field)");
	dbus_msg_fini(&m);

	sd_call(&m, "StartTransientUnit", "ssa(sv)a(sa(sv))");
	dbus_put(&m, "ss", UNIT, "replace");
	dbus_open(&m, 'a', "(sv)");
	start_props(&m, NULL);
	dbus_close(&m);
	dbus_open(&m, 'a', "(sa(sv))");
	dbus_close(&m);
	CHECK_NAMED(sealed_as(&m, cap_start, sizeof(cap_start)),
		    "StartTransientUnit with s, au, b, t, a(ss), a(st) properties");
	dbus_msg_fini(&m);

	sd_call(&m, "SetUnitProperties", "sba(sv)");
	dbus_put(&m, "sb", UNIT, 1);
	dbus_open(&m, 'a', "(sv)");
	set_props(&m, NULL);
	dbus_close(&m);
	CHECK_NAMED(sealed_as(&m, cap_set_props, sizeof(cap_set_props)),
		    "SetUnitProperties with ay, as, t properties");
	dbus_msg_fini(&m);

	sd_call(&m, "StopUnit", "ss");
	dbus_put(&m, "ss", UNIT, "replace");
	CHECK_NAMED(sealed_as(&m, cap_stop, sizeof(cap_stop)),
		    "StopUnit");
	dbus_msg_fini(&m);

	sd_call(&m, "ResetFailedUnit", "s");
	dbus_put(&m, "s", UNIT);
	CHECK_NAMED(sealed_as(&m, cap_reset, sizeof(cap_reset)),
		    "ResetFailedUnit");
	dbus_msg_fini(&m);

	sd_call(&m, "GetUnit", "s");
	dbus_put(&m, "s", UNIT);
	CHECK_NAMED(sealed_as(&m, cap_get_unit, sizeof(cap_get_unit)), "GetUnit");
	dbus_msg_fini(&m);

	sd_call(&m, "Subscribe", NULL);
	CHECK_NAMED(sealed_as(&m, cap_subscribe, sizeof(cap_subscribe)), "Subscribe");
	dbus_msg_fini(&m);

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "AddMatch", "s");
	dbus_put(&m, "s", "type='signal',sender='" SD "',interface='" SD_MGR
		 "',member='JobRemoved',path='" SD_PATH "'");
	CHECK_NAMED(sealed_as(&m, cap_add_match, sizeof(cap_add_match)), "AddMatch");
	dbus_msg_fini(&m);
}

/* Reading the captures back: header fields and typed values. */
static void test_read_captures(void)
{
	struct dbus_msg m;
	struct dbus_rd r, a, e, v, x;
	const char *s1, *s2, *s3;
	uint32_t u;
	uint64_t t;
	bool b;
	int n;

	CHECK_NAMED(dbus_msg_parse(&m, cap_getid_reply, sizeof(cap_getid_reply)) == 0 &&
		    m.type == DBUS_RETURN && m.serial == 3 && m.reply_serial == 2 &&
		    str_eq(m.sig, "s") && str_eq(m.sender, "org.freedesktop.DBus") &&
		    str_eq(m.dest, ":1.1") && !m.path && !m.member,
		    "GetId reply: header");
	dbus_msg_body(&m, &r);
	CHECK_NAMED(dbus_read(&r, "s", &s1) == 0 && strlen(s1) == 32 && !dbus_more(&r) &&
		    dbus_read(&r, "s", &s2) < 0 && strstr(err_last.msg, "no value left"),
		    "GetId reply: one string of 32 hex digits, then nothing");
	dbus_msg_body(&m, &r);
	CHECK_NAMED(dbus_read(&r, "o", &s1) < 0 &&
		    str_eq(err_last.msg, "dbus: value of type 's', not 'o'"),
		    "reading the wrong type: %s", err_last.msg);
	dbus_msg_fini(&m);

	CHECK_NAMED(dbus_msg_parse(&m, cap_owner_changed, sizeof(cap_owner_changed)) == 0 &&
		    m.type == DBUS_SIGNAL && str_eq(m.member, "NameOwnerChanged") &&
		    str_eq(m.iface, "org.freedesktop.DBus") && str_eq(m.path, "/org/freedesktop/DBus") &&
		    !m.dest && str_eq(m.sig, "sss"), "NameOwnerChanged: header");
	dbus_msg_body(&m, &r);
	CHECK_NAMED(dbus_read(&r, "sss", &s1, &s2, &s3) == 0 && str_eq(s1, ":1.1") &&
		    str_eq(s2, "") && str_eq(s3, ":1.1"), "NameOwnerChanged: sss");
	dbus_msg_fini(&m);

	CHECK_NAMED(dbus_msg_parse(&m, cap_unknown, sizeof(cap_unknown)) == 0 &&
		    m.type == DBUS_ERROR && str_eq(m.error, "org.freedesktop.DBus.Error.UnknownMethod") &&
		    m.reply_serial == 2, "UnknownMethod error: header");
	dbus_msg_body(&m, &r);
	CHECK_NAMED(dbus_read(&r, "s", &s1) == 0 && strstr(s1, "NoSuchMethod"),
		    "UnknownMethod error: its text");
	dbus_msg_fini(&m);

	CHECK_NAMED(dbus_msg_parse(&m, cap_list_names, sizeof(cap_list_names)) == 0 &&
		    str_eq(m.sig, "as"), "ListNames reply");
	dbus_msg_body(&m, &r);
	n = 0;
	if (dbus_enter(&r, 'a', &a) == 0)
		while (dbus_more(&a) && dbus_read(&a, "s", &s1) == 0)
			n += str_eq(s1, "org.freedesktop.DBus") ? 1 : 10;
	CHECK_NAMED(n == 11 && !dbus_more(&r), "ListNames: as of the bus and busctl (%d)", n);
	dbus_msg_fini(&m);

	/* busctl's StartTransientUnit, walked value by value */
	CHECK_NAMED(dbus_msg_parse(&m, cap_start, sizeof(cap_start)) == 0 &&
		    m.type == DBUS_CALL && m.flags == 4 && str_eq(m.member, "StartTransientUnit") &&
		    str_eq(m.sender, ":1.3") && str_eq(m.sig, "ssa(sv)a(sa(sv))"),
		    "StartTransientUnit: header");
	dbus_msg_body(&m, &r);
	n = 0;
	if (dbus_read(&r, "ss", &s1, &s2) == 0 && str_eq(s1, UNIT) && dbus_enter(&r, 'a', &a) == 0)
		while (dbus_more(&a)) {
			if (dbus_enter(&a, '(', &e) < 0 || dbus_read(&e, "s", &s1) < 0 ||
			    dbus_enter(&e, 'v', &v) < 0)
				break;
			if (str_eq(s1, "Description") && str_eq(v.lo, "s"))
				n += dbus_read(&v, "s", &s2) == 0 && str_eq(s2, "ocibox x");
			if (str_eq(s1, "PIDs") && dbus_enter(&v, 'a', &x) == 0)
				n += dbus_read(&x, "u", &u) == 0 && u == 42 && !dbus_more(&x);
			if (str_eq(s1, "Delegate"))
				n += dbus_read(&v, "b", &b) == 0 && b;
			if (str_eq(s1, "MemoryMax"))
				n += dbus_read(&v, "t", &t) == 0 && t == 1048576;
			if (str_eq(s1, "DeviceAllow") && dbus_enter(&v, 'a', &x) == 0)
				while (dbus_more(&x))
					n += dbus_skip(&x) == 0;
			if (str_eq(s1, "IOReadBandwidthMax") && dbus_enter(&v, 'a', &x) == 0 &&
			    dbus_enter(&x, '(', &e) == 0)
				n += dbus_read(&e, "st", &s2, &t) == 0 && t == 1000;
		}
	CHECK_NAMED(n == 7 && dbus_enter(&r, 'a', &a) == 0 && !dbus_more(&a) && !dbus_more(&r),
		    "StartTransientUnit: every property read back (%d of 7)", n);
	dbus_msg_fini(&m);
}

/* Byte strings derived by hand from the specification's marshalling rules
 * (a signal with no body, and bodies showing each alignment rule). */
static void test_spec_bytes(void)
{
	static const uint8_t sig_msg[] = {
		'l', 4, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 44, 0, 0, 0,
		/* (PATH, o "/"), padded to 8 */
		1, 1, 'o', 0, 1, 0, 0, 0, '/', 0, 0, 0, 0, 0, 0, 0,
		/* (MEMBER, s "C") */
		3, 1, 's', 0, 1, 0, 0, 0, 'C', 0, 0, 0, 0, 0, 0, 0,
		/* (INTERFACE, s "a.b"): the array ends here, the header is
		 * padded to 8 (the padding is outside the 44 bytes) */
		2, 1, 's', 0, 3, 0, 0, 0, 'a', '.', 'b', 0, 0, 0, 0, 0,
	};
	static const struct {
		const char *sig, *what;
		size_t len;
		uint8_t body[24];
	} bodies[] = {
		/* the length (8) excludes the padding to the first element */
		{ "at", "at [7]: length 8, then 4 bytes of padding", 16,
		  { 8, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0 } },
		/* an empty array is still padded to its element's alignment */
		{ "at", "at []: length 0 and the padding", 8, { 0 } },
		{ "y(u)", "y (u): a struct starts 8-aligned", 12,
		  { 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0 } },
		/* a variant: its signature, then the value at its own alignment */
		{ "v", "v of as [\"a\", \"bc\"]: length 15 spans the inner padding", 23,
		  { 2, 'a', 's', 0, 15, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 0, 0,
		    2, 0, 0, 0, 'b', 'c', 0 } },
		{ "a{sv}", "a{sv} [\"k\": b true]: dict entries are 8-aligned", 24,
		  { 16, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 'k', 0, 1, 'b', 0, 0, 0, 0,
		    1, 0, 0, 0 } },
		{ "nqix", "n q i x: 2-, 4- and 8-byte alignment, little endian", 16,
		  { 0xfe, 0xff, 2, 0, 0xfd, 0xff, 0xff, 0xff, 0xfc, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff } },
	};
	/* the same as the last one, big endian: the reader takes both orders */
	static const uint8_t be_msg[] = {
		'B', 2, 0, 1, 0, 0, 0, 16, 0, 0, 0, 9, 0, 0, 0, 18,
		5, 1, 'u', 0, 0, 0, 0, 1, 8, 1, 'g', 0, 4, 'n', 'q', 'i', 'x', 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xfe, 0, 2, 0xff, 0xff, 0xff, 0xfd,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,
	};
	struct dbus_msg m = { .type = DBUS_SIGNAL, .path = "/", .member = "C", .iface = "a.b" };
	struct dbus_rd r;
	uint16_t n, q;
	uint32_t i;
	uint64_t x;
	size_t k;

	dbus_msg_begin(&m);
	CHECK_NAMED(dbus_msg_seal(&m, 1) == 0 && m.len == sizeof(sig_msg) &&
		    !memcmp(m.buf, sig_msg, m.len) && parses(m.buf, m.len),
		    "a signal without body, byte for byte");
	dbus_msg_fini(&m);

	for (k = 0; k < ARRAY_SIZE(bodies); k++) {
		m = (struct dbus_msg){ .type = DBUS_SIGNAL, .path = "/", .member = "C",
				       .iface = "a.b", .sig = bodies[k].sig };
		dbus_msg_begin(&m);
		switch (k) {
		case 0:
			dbus_open(&m, 'a', "t");
			dbus_put(&m, "t", (uint64_t)7);
			dbus_close(&m);
			break;
		case 1:
			dbus_open(&m, 'a', "t");
			dbus_close(&m);
			break;
		case 2:
			dbus_put(&m, "y", 1);
			dbus_open(&m, '(', NULL);
			dbus_put(&m, "u", 5);
			dbus_close(&m);
			break;
		case 3:
			dbus_open(&m, 'v', "as");
			dbus_open(&m, 'a', "s");
			dbus_put(&m, "ss", "a", "bc");
			dbus_close(&m);
			dbus_close(&m);
			break;
		case 4:
			dbus_open(&m, 'a', "{sv}");
			dbus_open(&m, '{', NULL);
			dbus_put(&m, "s", "k");
			dbus_open(&m, 'v', "b");
			dbus_put(&m, "b", 1);
			dbus_close(&m);
			dbus_close(&m);
			dbus_close(&m);
			break;
		case 5:
			dbus_put(&m, "nqix", -2, 2, -3, (int64_t)-4);
			break;
		}
		CHECK_NAMED(dbus_msg_seal(&m, 1) == 0 && m.len - m.body == bodies[k].len &&
			    !memcmp(m.buf + m.body, bodies[k].body, bodies[k].len) &&
			    parses(m.buf, m.len), "%s", bodies[k].what);
		dbus_msg_fini(&m);
	}

	CHECK_NAMED(dbus_msg_parse(&m, be_msg, sizeof(be_msg)) == 0 && m.reply_serial == 1 &&
		    m.serial == 9, "big endian: header");
	dbus_msg_body(&m, &r);
	CHECK_NAMED(dbus_read(&r, "nqix", &n, &q, &i, &x) == 0 && n == 0xfffe && q == 2 &&
		    i == 0xfffffffd && x == (uint64_t)-4, "big endian: n q i x");
	dbus_msg_fini(&m);
}

/* A message whose body has type SIG and holds only the 'g' value G. */
static bool build_g(struct dbus_msg *m, const char *g)
{
	*m = (struct dbus_msg){ .type = DBUS_SIGNAL, .path = "/", .member = "C", .iface = "a.b",
				.sig = "g" };
	dbus_msg_begin(m);
	dbus_put(m, "g", g);
	return dbus_msg_seal(m, 1) == 0;
}

static void test_signatures(void)
{
	static const char *const valid[] = {
		"", "y", "v", "h", "d", "a{sv}", "a(sa(sv))", "ssa(sv)a(sa(sv))", "a{s(ii)}",
		"aav", "a{ta{sv}}", "(y(y(y)))",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay",   /* 32 arrays */
		"((((((((((((((((((((((((((((((((y))))))))))))))))))))))))))))))))",
	};
	static const char *const invalid[] = {
		"a", "()", "(", ")", "(y", "y)", "a{vs}", "{sv}", "a{s}", "a{sss}", "a{(y)s}",
		"a{sv", "z", "a)", "(}", "a{s)", "{", "}", "a{}", "ay}",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay",  /* 33 arrays */
		"(((((((((((((((((((((((((((((((((y)))))))))))))))))))))))))))))))))",
	};
	struct dbus_msg m;
	char big[257], fill[80];
	size_t i, n;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		ok = build_g(&m, valid[i]) && parses(m.buf, m.len);
		CHECK_NAMED(ok, "valid signature '%s'", valid[i]);
		dbus_msg_fini(&m);
	}
	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		ok = !build_g(&m, invalid[i]) && strstr(err_last.msg, "invalid signature");
		dbus_msg_fini(&m);
		/* received: a valid signature of the same length, patched */
		n = strlen(invalid[i]);
		memset(fill, 'y', n);
		fill[n] = 0;
		if (!build_g(&m, fill))
			ok = false;
		else
			memcpy(m.buf + m.body + 1, invalid[i], n);
		ok = ok && rejects(m.buf, m.len, "invalid signature");
		CHECK_NAMED(ok, "invalid signature '%s' refused by writer and reader", invalid[i]);
		dbus_msg_fini(&m);
	}
	memset(big, 'y', 256);
	big[256] = 0;
	CHECK_NAMED(!build_g(&m, big), "a 256-byte signature is refused");
	dbus_msg_fini(&m);
}

/* Every type through the builder and back through the reader. */
static void test_round_trip(void)
{
	struct dbus_msg m = { .type = DBUS_CALL, .path = "/a/b_1", .member = "M", .dest = "x.y",
			      .sig = "ybnqiuxtsogvas(ub)a{sv}ay" };
	struct dbus_msg p;
	struct dbus_rd r, a, e, v;
	uint8_t y;
	bool b, b2;
	uint16_t n, q;
	uint32_t i, u, u2;
	uint64_t x, t;
	const char *s, *o, *g, *s2, *s3;
	int k = 0;

	dbus_msg_begin(&m);
	dbus_put(&m, "ybnqiuxtsog", 200, 1, -5, 65535, -7, 4000000000u, INT64_MIN,
		 UINT64_MAX, "h\xc3\xa9llo \xf0\x9f\x98\x80", "/org/x", "a{sv}");
	dbus_open(&m, 'v', "(st)");
	dbus_open(&m, '(', NULL);
	dbus_put(&m, "st", "in", (uint64_t)3);
	dbus_close(&m);
	dbus_close(&m);
	dbus_open(&m, 'a', "s");
	dbus_put(&m, "sss", "", "b", "cc");
	dbus_close(&m);
	dbus_open(&m, '(', NULL);
	dbus_put(&m, "ub", 9, 0);
	dbus_close(&m);
	dbus_open(&m, 'a', "{sv}");
	dbus_open(&m, '{', NULL);
	dbus_put(&m, "s", "k1");
	dbus_open(&m, 'v', "u");
	dbus_put(&m, "u", 11);
	dbus_close(&m);
	dbus_close(&m);
	dbus_open(&m, '{', NULL);
	dbus_put(&m, "s", "k2");
	dbus_open(&m, 'v', "as");
	dbus_open(&m, 'a', "s");
	dbus_close(&m);
	dbus_close(&m);
	dbus_close(&m);
	dbus_close(&m);
	dbus_open(&m, 'a', "y");
	dbus_close(&m);
	CHECK_NAMED(dbus_msg_seal(&m, 77) == 0, "round trip: built (%s)", m.bad ? m.bad : "");

	k = dbus_msg_parse(&p, m.buf, m.len);
	dbus_msg_fini(&m);
	m = p;
	CHECK(k == 0 && m.serial == 77 && str_eq(m.path, "/a/b_1") && str_eq(m.dest, "x.y") &&
	      !m.iface);
	k = 0;
	dbus_msg_body(&m, &r);
	CHECK_NAMED(dbus_read(&r, "ybnqiuxtsog", &y, &b, &n, &q, &i, &u, &x, &t, &s, &o, &g) == 0 &&
		    y == 200 && b && n == (uint16_t)-5 && q == 65535 && i == (uint32_t)-7 &&
		    u == 4000000000u && x == (uint64_t)INT64_MIN && t == UINT64_MAX &&
		    str_eq(s, "h\xc3\xa9llo \xf0\x9f\x98\x80") && str_eq(o, "/org/x") &&
		    str_eq(g, "a{sv}"), "round trip: basic types");
	CHECK_NAMED(dbus_enter(&r, 'v', &v) == 0 && str_eq(v.lo, "(st)") &&
		    dbus_enter(&v, '(', &e) == 0 && dbus_read(&e, "st", &s, &t) == 0 &&
		    str_eq(s, "in") && t == 3 && !dbus_more(&e) && !dbus_more(&v),
		    "round trip: variant of a struct");
	if (dbus_enter(&r, 'a', &a) == 0)
		while (dbus_more(&a) && dbus_read(&a, "s", &s) == 0)
			k++;
	CHECK_NAMED(k == 3, "round trip: as of 3, one empty");
	CHECK_NAMED(dbus_enter(&r, '(', &e) == 0 && dbus_read(&e, "ub", &u2, &b2) == 0 &&
		    u2 == 9 && !b2, "round trip: struct");
	k = 0;
	if (dbus_enter(&r, 'a', &a) == 0 && dbus_enter(&a, '{', &e) == 0 &&
	    dbus_read(&e, "s", &s2) == 0 && dbus_enter(&e, 'v', &v) == 0 &&
	    dbus_read(&v, "u", &u2) == 0 && dbus_enter(&a, '{', &e) == 0 &&
	    dbus_read(&e, "s", &s3) == 0 && dbus_skip(&e) == 0 && !dbus_more(&a))
		k = str_eq(s2, "k1") && u2 == 11 && str_eq(s3, "k2");
	CHECK_NAMED(k, "round trip: a{sv}");
	CHECK_NAMED(dbus_enter(&r, 'a', &a) == 0 && !dbus_more(&a) && !dbus_more(&r) &&
		    dbus_skip(&r) < 0, "round trip: empty ay, then the end");
	dbus_msg_fini(&m);
}

/* Mistakes while building: misuses kept in m->bad, values against the
 * signature found when dbus_msg_seal() reads the message back. */
static void test_builder_mistakes(void)
{
	struct dbus_msg m;
	int k;

	for (k = 0; k < 13; k++) {
		const char *sig[] = { "s", "ss", "s", "as", "", "s", "o", "v", "d", "a",
				      "aaaaaaaaaaaaaaaaaaaau", "(uu)", "u" };
		const char *want[] = { "'s': dbus: truncated value", "'ss': dbus: truncated value",
				       "'s': dbus: bytes after the body", ": container left open",
				       ": close without open", "'s': dbus: string is not UTF-8",
				       "'o': dbus: invalid object path '/a//b'",
				       "'v': dbus: variant of signature 'ss'", ": container or d/h",
				       "'a': dbus: invalid signature 'a'", ": nested too deep",
				       "'(uu)': dbus: truncated value", "'u': dbus: bytes after the body" };
		int d;

		m = (struct dbus_msg){ .type = DBUS_CALL, .path = "/", .member = "M", .sig = sig[k] };
		dbus_msg_begin(&m);
		switch (k) {
		case 0: dbus_put(&m, "u", 1); break;
		case 1: dbus_put(&m, "s", "a"); break;
		case 2: dbus_put(&m, "ss", "a", "b"); break;
		case 3: dbus_open(&m, 'a', "s"); break;
		case 4: dbus_close(&m); break;
		case 5: dbus_put(&m, "s", "a\xff"); break;
		case 6: dbus_put(&m, "o", "/a//b"); break;
		case 7: dbus_open(&m, 'v', "ss"); dbus_close(&m); break;
		case 8: dbus_put(&m, "d", 1.0); break;
		case 9: break;
		case 10:
			for (d = 0; d < 20; d++)
				dbus_open(&m, 'a', "a");
			for (d = 0; d < 20; d++)
				dbus_close(&m);
			break;
		case 11: dbus_open(&m, '(', NULL); dbus_put(&m, "u", 1); dbus_close(&m); break;
		case 12: dbus_open(&m, 'a', "t"); dbus_close(&m); break;
		}
		CHECK_NAMED(dbus_msg_seal(&m, 1) < 0 && strstr(err_last.msg, want[k]) &&
			    has_prefix(err_last.msg, "dbus: M"), "builder mistake %d: %s", k,
			    err_last.msg);
		dbus_msg_fini(&m);
	}
}

/* One malformed message: the base below, built valid, then N bytes patched
 * at OFF (from the body's start if BODY).
 * The base is a METHOD_RETURN with the fields REPLY_SERIAL 5 (at 16; its
 * variant's type at 18), DESTINATION ":1.5" (24), SENDER ":1.6" (40; the
 * header padding follows at 53 when there is no body) and SIGNATURE SIG (56;
 * a one-type signature at 61), then one value of SIG: the string VAL, or 1. */
struct bad {
	const char *what, *want;
	uint8_t type;
	const char *sig, *val;
	bool body;
	uint8_t off, n, bytes[4];
};

static const struct bad bads[] = {
	{ "byte order mark", "bad byte order mark 0x58", 2, NULL, NULL, 0, 0, 1, { 'X' } },
	{ "version 2", "protocol version 2", 2, NULL, NULL, 0, 3, 1, { 2 } },
	{ "serial 0", "serial 0", 2, NULL, NULL, 0, 8, 1, { 0 } },
	{ "body length 4 GiB", "over 1 MiB", 2, NULL, NULL, 0, 4, 4, { 255, 255, 255, 255 } },
	{ "fields length 2 MiB", "over 1 MiB", 2, NULL, NULL, 0, 12, 4, { 0, 0, 32, 0 } },
	{ "type 0", "lacks a header field", 0, NULL, NULL, 0, 0, 0, { 0 } },
	{ "return without REPLY_SERIAL", "lacks a header field", 2, NULL, NULL, 0, 16, 1,
	  { 42 } },
	{ "header field 0", "header field 0:", 2, NULL, NULL, 0, 16, 1, { 0 } },
	{ "REPLY_SERIAL typed i", "header field 5: type 'i', or twice", 2, NULL, NULL, 0, 18, 1, { 'i' } },
	{ "DESTINATION twice", "header field 6: type 's', or twice", 2, NULL, NULL, 0, 40, 1, { 6 } },
	{ "non-zero header padding", "non-zero padding", 2, NULL, NULL, 0, 53, 1, { 1 } },
	{ "header array cut", "truncated", 2, NULL, NULL, 0, 12, 1, { 40 } },
	{ "string not UTF-8", "not UTF-8", 2, "s", "xx", 1, 4, 2, { 0xc3, 0x28 } },
	{ "overlong UTF-8", "not UTF-8", 2, "s", "xx", 1, 4, 2, { 0xc0, 0x80 } },
	{ "overlong 3-byte UTF-8", "not UTF-8", 2, "s", "xxx", 1, 4, 3, { 0xe0, 0x80, 0xaf } },
	{ "UTF-8 surrogate", "not UTF-8", 2, "s", "xxx", 1, 4, 3, { 0xed, 0xa0, 0x80 } },
	{ "UTF-8 over U+10FFFF", "not UTF-8", 2, "s", "xxxx", 1, 4, 4, { 0xf4, 0x90, 0x80, 0x80 } },
	{ "UTF-8 cut short", "not UTF-8", 2, "s", "xx", 1, 5, 1, { 0xe2 } },
	{ "embedded NUL", "misplaced NUL", 2, "s", "xx", 1, 5, 1, { 0 } },
	{ "no terminating NUL", "misplaced NUL", 2, "s", "xx", 1, 6, 1, { 'x' } },
	{ "string longer than the body", "truncated", 2, "s", "xx", 1, 0, 1, { 3 } },
	{ "boolean 2", "boolean of value 2", 2, "b", NULL, 1, 0, 1, { 2 } },
	{ "object path with //", "invalid object path", 2, "o", "/ab", 1, 5, 1, { '/' } },
	{ "object path with -", "invalid object path", 2, "o", "/ab", 1, 5, 1, { '-' } },
	{ "object path ending in /", "invalid object path", 2, "o", "/ab", 1, 6, 1, { '/' } },
	{ "signature u, body of t", "bytes after the body", 2, "t", NULL, 0, 61, 1, { 'u' } },
	{ "signature t, body of u", "truncated", 2, "u", NULL, 0, 61, 1, { 't' } },
	{ "body without a signature", "bytes after the body", 2, "u", NULL, 0, 56, 1, { 42 } },
	{ "array longer than the body", "truncated", 2, "au", NULL, 1, 0, 1, { 8 } },
	{ "array cutting an element", "truncated", 2, "au", NULL, 1, 0, 1, { 3 } },
	{ "non-zero padding in the body", "non-zero padding", 2, "(yu)", NULL, 1, 1, 1, { 7 } },
	{ "variant of two types", "variant of signature 'uu'", 2, "v", NULL, 1, 1, 2, { 'u', 'u' } },
	{ "variant of a bad signature", "invalid signature", 2, "v", NULL, 1, 1, 2, { 'a', 'a' } },
};

static void test_malformed(void)
{
	uint8_t buf[128];
	struct dbus_msg m;
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		const struct bad *b = &bads[i];

		m = (struct dbus_msg){ .type = b->type, .reply_serial = 5, .dest = ":1.5",
				       .sender = ":1.6", .sig = b->sig };
		dbus_msg_begin(&m);
		if (b->val) {
			dbus_put(&m, b->sig, b->val);
		} else if (b->sig && *b->sig == 'v') {
			dbus_open(&m, 'v', "ay");
			dbus_open(&m, 'a', "u");
			dbus_close(&m);
			dbus_close(&m);
		} else if (b->sig && (*b->sig == 'a' || *b->sig == '(')) {
			dbus_open(&m, *b->sig, b->sig + 1);
			dbus_put(&m, *b->sig == 'a' ? "u" : "yu", 1, 1);
			dbus_close(&m);
		} else if (b->sig) {
			dbus_put(&m, b->sig, *b->sig == 't' ? (uint64_t)1 : 1);
		}
		/* type 0 is the one base that is invalid as built: sealing
		 * refuses it already */
		if (!b->type) {
			CHECK_NAMED(dbus_msg_seal(&m, 3) < 0 && strstr(err_last.msg, b->want),
				    "malformed: %s: %s", b->what, err_last.msg);
			dbus_msg_fini(&m);
			continue;
		}
		ok = dbus_msg_seal(&m, 3) == 0 && parses(m.buf, m.len) && m.len < sizeof(buf);
		memset(buf, 0, sizeof(buf));
		memcpy(buf, m.buf, m.len);
		memcpy(buf + (b->body ? m.body : 0) + b->off, b->bytes, b->n);
		ok = ok && rejects(buf, m.len, b->want);
		CHECK_NAMED(ok, "malformed: %s: %s", b->what, err_last.msg);
		dbus_msg_fini(&m);
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, cap_getid_reply, sizeof(cap_getid_reply));
	CHECK_NAMED(rejects(buf, sizeof(cap_getid_reply) + 1, "118 bytes of a 117-byte message"),
		    "malformed: a trailing byte: %s", err_last.msg);
}

/* Variants nest at run time, past what signatures limit: 64 levels pass,
 * more are refused before the stack could suffer. */
static void test_variant_depth(void)
{
	struct dbus_msg m = { .type = DBUS_RETURN, .reply_serial = 1, .sig = "v" };
	uint8_t *buf;
	size_t k, levels[] = { 64, 65, 5000 };
	int d;

	dbus_msg_begin(&m);
	dbus_open(&m, 'v', "y");
	dbus_put(&m, "y", 1);
	dbus_close(&m);
	dbus_msg_seal(&m, 1);
	for (k = 0; k < ARRAY_SIZE(levels); k++) {
		size_t n = m.body + 3 * levels[k] + 1;

		buf = xmalloc(n);
		memcpy(buf, m.buf, m.body);
		for (d = 0; d < (int)levels[k]; d++)
			memcpy(buf + m.body + 3 * d, d + 1 < (int)levels[k] ? "\1v" : "\1y", 3);
		buf[n - 1] = 7;
		buf[4] = (n - m.body) & 0xff;
		buf[5] = (n - m.body) >> 8;
		if (levels[k] == 64)
			CHECK_NAMED(parses(buf, n), "64 nested variants");
		else
			CHECK_NAMED(rejects(buf, n, "nested too deep"), "%zu nested variants: %s",
				    levels[k], err_last.msg);
		free(buf);
	}
	dbus_msg_fini(&m);
}

struct vec {
	const uint8_t *d;
	size_t n;
};

static const struct vec vecs[] = {
#define V(x) { x, sizeof(x) }
	V(cap_hello), V(cap_getid), V(cap_getid_reply), V(cap_owner_changed), V(cap_unknown),
	V(cap_start), V(cap_set_props), V(cap_stop), V(cap_reset), V(cap_get_unit),
	V(cap_subscribe), V(cap_add_match), V(cap_list_names),
#undef V
};

/* Every proper prefix of every capture fails cleanly (exact-size copies, so
 * the ASan flavour sees any over-read). */
static void test_truncations(void)
{
	size_t i, k, bad = 0, total = 0;

	for (i = 0; i < ARRAY_SIZE(vecs); i++) {
		CHECK_NAMED(parses(vecs[i].d, vecs[i].n), "capture %zu parses", i);
		for (k = 0; k < vecs[i].n; k++, total++)
			bad += parses(vecs[i].d, k);
	}
	CHECK_NAMED(!bad, "all %zu truncations of the captures refused", total);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Seeded mutations: 1-4 bytes replaced (random, or small numbers where
 * lengths live). Nothing may crash; the accepted ones must read back. */
static void test_fuzz(void)
{
	uint8_t buf[600];
	struct dbus_msg m;
	struct dbus_rd r;
	size_t iters = getenv("DBUS_FUZZ") ? strtoul(getenv("DBUS_FUZZ"), NULL, 10) : 30000;
	size_t it, i, ok = 0, walked = 0;
	int k;

	for (it = 0; it < iters; it++) {
		const struct vec *v = &vecs[rnd() % ARRAY_SIZE(vecs)];

		memcpy(buf, v->d, v->n);
		for (k = 1 + rnd() % 4; k; k--) {
			i = rnd() % v->n;
			buf[i] = rnd() & 1 ? rnd() : (uint8_t)(buf[i] + (int)(rnd() % 9) - 4);
		}
		if (dbus_msg_parse(&m, buf, v->n) < 0)
			continue;
		ok++;
		dbus_msg_body(&m, &r);
		while (dbus_more(&r) && dbus_skip(&r) == 0)
			;
		walked += r.pos == r.end;
		dbus_msg_fini(&m);
	}
	CHECK_NAMED(walked == ok, "fuzz: %zu mutations, %zu accepted and read back", iters, ok);
}

static void test_bus_address(void)
{
	static const struct {
		const char *addr, *path;
	} t[] = {
		{ NULL, "/run/dbus/system_bus_socket" },
		{ "", "/run/dbus/system_bus_socket" },
		{ "unix:path=/tmp/bus", "/tmp/bus" },
		{ "unix:guid=0123,path=/tmp/a.b,x=y;unix:path=/other", "/tmp/a.b" },
		{ "unix:path=/tmp/a%2cb", NULL },
		{ "unix:path=/x;unix:path=/y", "/x" },
		{ "unix:abstract=/tmp/x", NULL },
		{ "tcp:host=localhost,port=1", NULL },
		{ "unix:path=/a%zz", NULL },
		{ "unix:path=/a%0", NULL },
		{ "unix:path=", NULL },
		{ "unix:;unix:path=/y", NULL },
	};
	char out[108];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (t[i].addr)
			setenv("DBUS_SYSTEM_BUS_ADDRESS", t[i].addr, 1);
		else
			unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
		rc = dbus_system_bus_path(out, sizeof(out));
		CHECK_NAMED(t[i].path ? rc == 0 && str_eq(out, t[i].path) : rc < 0,
			    "DBUS_SYSTEM_BUS_ADDRESS=%s: %s", t[i].addr ? t[i].addr : "(unset)",
			    rc < 0 ? err_last.msg : out);
	}
	unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

/* The user's bus (systemd --user): the session address, else
 * $XDG_RUNTIME_DIR/bus; its private socket from XDG_RUNTIME_DIR only. */
static void test_user_bus(void)
{
	static const struct {
		const char *addr, *xdg, *path, *priv;
	} t[] = {
		{ NULL, "/run/user/1000", "/run/user/1000/bus", "/run/user/1000/systemd/private" },
		{ "", "/run/user/7", "/run/user/7/bus", "/run/user/7/systemd/private" },
		{ "unix:path=/tmp/sess", "/run/user/7", "/tmp/sess", "/run/user/7/systemd/private" },
		{ "unix:path=/tmp/sess", NULL, "/tmp/sess", NULL },
		{ "unix:abstract=/tmp/x", "/run/user/7", NULL, "/run/user/7/systemd/private" },
		{ NULL, NULL, NULL, NULL },
		{ NULL, "run/user/7", NULL, NULL },
	};
	char out[108];
	size_t i;
	int rc, pass;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (t[i].addr)
			setenv("DBUS_SESSION_BUS_ADDRESS", t[i].addr, 1);
		else
			unsetenv("DBUS_SESSION_BUS_ADDRESS");
		if (t[i].xdg)
			setenv("XDG_RUNTIME_DIR", t[i].xdg, 1);
		else
			unsetenv("XDG_RUNTIME_DIR");
		for (pass = 0; pass < 2; pass++) {
			const char *want = pass ? t[i].priv : t[i].path;

			rc = dbus_user_bus_path(out, sizeof(out), pass);
			CHECK_NAMED(want ? rc == 0 && str_eq(out, want) : rc < 0,
				    "user bus%s: DBUS_SESSION_BUS_ADDRESS=%s XDG_RUNTIME_DIR=%s: %s",
				    pass ? " (private)" : "", t[i].addr ? t[i].addr : "(unset)",
				    t[i].xdg ? t[i].xdg : "(unset)", rc < 0 ? err_last.msg : out);
		}
	}
	unsetenv("XDG_RUNTIME_DIR");
	CHECK_NAMED(dbus_user_bus_path(out, sizeof(out), true) < 0 &&
		    str_eq(err_last.msg, "dbus: no user bus: XDG_RUNTIME_DIR is not set"),
		    "user bus: %s", err_last.msg);
	CHECK_NAMED(dbus_user_bus_path(out, sizeof(out), false) < 0 &&
		    str_eq(err_last.msg, "dbus: no user bus: neither DBUS_SESSION_BUS_ADDRESS "
			   "nor XDG_RUNTIME_DIR is set"), "user bus: %s", err_last.msg);
	setenv("XDG_RUNTIME_DIR", "run/user/7", 1);
	CHECK_NAMED(dbus_user_bus_path(out, sizeof(out), false) < 0 &&
		    str_eq(err_last.msg, "dbus: no user bus: XDG_RUNTIME_DIR 'run/user/7' "
			   "is not absolute"), "user bus: %s", err_last.msg);
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
}

/* --- a scripted peer on the other end of a socketpair --------------------- */

static pid_t peer_start(int *fd, int (*fn)(int fd, int arg), int arg)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(stdout);
	if (!(pid = fork())) {
		close(sv[0]);
		_exit(fn(sv[1], arg));
	}
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

/* The peer's exit status (0: all it checked was right). */
static int peer_end(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

/* Check the client's SASL lines (AUTH and BEGIN at once) and answer REPLY. */
static int peer_auth(int fd, const char *reply)
{
	char want[64], got[64], uid[16];
	size_t n, i;

	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	n = snprintf(want, sizeof(want), "%cAUTH EXTERNAL ", 0);
	for (i = 0; uid[i]; i++)
		n += snprintf(want + n, sizeof(want) - n, "%02x", uid[i]);
	n += snprintf(want + n, sizeof(want) - n, "\r\nBEGIN\r\n");
	if (read(fd, got, n) != (ssize_t)n || memcmp(got, want, n))
		return -1;
	return reply && write(fd, reply, strlen(reply)) < 0 ? -1 : 0;
}

/* The next call must be of MEMBER (signals, such as a bus's NameAcquired,
 * are skipped). */
static int peer_expect(struct dbus_conn *s, struct dbus_msg *m, const char *member)
{
	do {
		if (dbus_recv(s, m, 3000) < 0)
			return -1;
		if (m->type == DBUS_CALL && str_eq(m->member, member))
			return 0;
		dbus_msg_fini(m);
	} while (m->type != DBUS_CALL);
	return -1;
}

/* Reply to CALL (and fini it): a return of one string-like VAL of type SIG
 * (none if SIG is NULL), or the error NAME with text VAL. */
static int peer_reply(struct dbus_conn *s, struct dbus_msg *call, const char *name,
		      const char *sig, const char *val)
{
	struct dbus_msg m = { .type = name ? DBUS_ERROR : DBUS_RETURN, .error = name,
			      .reply_serial = call->serial, .dest = call->sender, .sig = sig };
	int rc;

	dbus_msg_begin(&m);
	if (sig)
		dbus_put(&m, sig, val);
	rc = dbus_send(s, &m);
	dbus_msg_fini(&m);
	dbus_msg_fini(call);
	return rc;
}

static int peer_signal(struct dbus_conn *s, const char *dest, const char *member,
		       uint32_t id, const char *job, const char *unit, const char *result)
{
	struct dbus_msg m = { .type = DBUS_SIGNAL, .path = SD_PATH, .iface = SD_MGR,
			      .member = member, .dest = dest, .sig = "uoss" };
	int rc;

	dbus_msg_begin(&m);
	dbus_put(&m, "uoss", id, job, unit, result);
	rc = dbus_send(s, &m);
	dbus_msg_fini(&m);
	return rc;
}

#define JOB(n) "/org/freedesktop/systemd1/job/" #n

/* systemd on its private socket: no Hello, and the calls the helpers make
 * compared byte for byte with busctl's (serial 2: Subscribe was 1). */
static int peer_systemd(int fd, int arg)
{
	struct dbus_conn s = { .fd = fd, .timeout_ms = 3000 };
	struct dbus_msg m;

	if (peer_auth(fd, "OK 0123456789abcdef0123456789abcdef\r\n") < 0)
		return 1;
	if (peer_expect(&s, &m, "Subscribe") < 0 || peer_reply(&s, &m, NULL, NULL, NULL) < 0)
		return 2;
	if (peer_expect(&s, &m, "StartTransientUnit") < 0)
		return 3;
	if (m.serial != 2 || !same_as_capture(&m, cap_start, sizeof(cap_start)))
		return 4;
	/* another job's end, then ours even before the reply (queued) */
	if (peer_signal(&s, NULL, "JobRemoved", 1, JOB(1), "other.scope", "failed") < 0 ||
	    peer_signal(&s, NULL, "JobNew", 7, JOB(7), UNIT, "done") < 0 ||
	    peer_signal(&s, NULL, "JobRemoved", 7, JOB(7), UNIT, "done") < 0 ||
	    peer_reply(&s, &m, NULL, "o", JOB(7)) < 0)
		return 5;
	if (peer_expect(&s, &m, "StopUnit") < 0 || peer_reply(&s, &m, NULL, "o", JOB(8)) < 0 ||
	    peer_signal(&s, NULL, "JobRemoved", 8, JOB(8), UNIT, "failed") < 0)
		return 6;
	if (peer_expect(&s, &m, "ResetFailedUnit") < 0 ||
	    peer_reply(&s, &m, SD ".NoSuchUnit", "s", "Unit " UNIT " not loaded.") < 0)
		return 7;
	if (peer_expect(&s, &m, "SetUnitProperties") < 0)
		return 8;
	if (!same_as_capture(&m, cap_set_props, sizeof(cap_set_props)))
		return 9;
	if (peer_reply(&s, &m, NULL, NULL, NULL) < 0)
		return 10;
	if (peer_expect(&s, &m, "GetUnit") < 0 ||
	    peer_reply(&s, &m, NULL, "o", "/org/freedesktop/systemd1/unit/libpod_2dx_2escope") < 0)
		return 11;
	if (peer_expect(&s, &m, "StopUnit") < 0 ||
	    peer_reply(&s, &m, SD ".NoSuchUnit", "s", "Unit " UNIT " not loaded.") < 0)
		return 12;
	if (peer_expect(&s, &m, "StartTransientUnit") < 0 ||
	    peer_reply(&s, &m, SD ".UnitExists", "s", "Unit " UNIT " already exists.") < 0)
		return 13;
	/* a job whose end never comes */
	if (peer_expect(&s, &m, "StartTransientUnit") < 0 || peer_reply(&s, &m, NULL, "o", JOB(9)) < 0)
		return 14;
	sleep_ms(500);
	return 0;
}

/* Properties.Get of the manager's ControlGroup (systemd --user's cgroup):
 * a string in a variant; then a variant of the wrong type; then an error. */
static int peer_manager_prop(int fd, int arg)
{
	struct dbus_conn s = { .fd = fd, .timeout_ms = 3000 };
	struct dbus_msg m, r;
	struct dbus_rd rd;
	const char *iface, *prop;
	int i;

	if (peer_auth(fd, "OK 0123456789abcdef0123456789abcdef\r\n") < 0)
		return 1;
	for (i = 0; i < 3; i++) {
		if (peer_expect(&s, &m, "Get") < 0 || !str_eq(m.iface, "org.freedesktop.DBus.Properties") ||
		    !str_eq(m.path, SD_PATH) || !str_eq(m.sig, "ss"))
			return 2;
		dbus_msg_body(&m, &rd);
		if (dbus_read(&rd, "ss", &iface, &prop) < 0 || !str_eq(iface, SD_MGR) ||
		    !str_eq(prop, "ControlGroup"))
			return 3;
		if (i == 2) {
			if (peer_reply(&s, &m, "org.freedesktop.DBus.Error.UnknownProperty", "s",
				       "Unknown property") < 0)
				return 4;
			continue;
		}
		r = (struct dbus_msg){ .type = DBUS_RETURN, .reply_serial = m.serial,
				       .dest = m.sender, .sig = "v" };
		dbus_msg_begin(&r);
		dbus_open(&r, 'v', i ? "u" : "s");
		if (i)
			dbus_put(&r, "u", 5);
		else
			dbus_put(&r, "s", "/user.slice/user-1000.slice/user@1000.service");
		dbus_close(&r);
		if (dbus_send(&s, &r) < 0)
			return 5;
		dbus_msg_fini(&r);
		dbus_msg_fini(&m);
	}
	return 0;
}

static void test_manager_prop(void)
{
	struct dbus_conn c;
	char *cg = NULL;
	int fd, rc;
	pid_t pid = peer_start(&fd, peer_manager_prop, 0);

	CHECK_NAMED(dbus_connect_fd(&c, fd, false, 3000) == 0, "manager property: connected");
	CHECK_NAMED(dbus_systemd_manager_string(&c, "ControlGroup", &cg, 3000) == 0 && cg &&
		    str_eq(cg, "/user.slice/user-1000.slice/user@1000.service"),
		    "Get ControlGroup: %s", cg ? cg : err_last.msg);
	free(cg);
	cg = NULL;
	CHECK_NAMED(dbus_systemd_manager_string(&c, "ControlGroup", &cg, 3000) < 0 && !cg &&
		    strstr(err_last.msg, "systemd: Get ControlGroup: the reply"),
		    "a variant that is not a string: %s", err_last.msg);
	CHECK_NAMED(dbus_systemd_manager_string(&c, "ControlGroup", &cg, 3000) < 0 && !cg &&
		    str_eq(err_last.msg, "systemd: Get ControlGroup: Unknown property"),
		    "an error reply: %s", err_last.msg);
	dbus_disconnect(&c);
	CHECK_NAMED((rc = peer_end(pid)) == 0, "the fake manager saw what it expected (%d)", rc);
}

static void test_systemd_peer(void)
{
	struct dbus_conn c;
	char *path = NULL;
	int fd, rc;
	pid_t pid = peer_start(&fd, peer_systemd, 0);

	CHECK_NAMED(dbus_connect_fd(&c, fd, false, 3000) == 0 && !c.name,
		    "peer to peer: authenticated, no Hello");
	CHECK_NAMED(dbus_systemd_start_unit(&c, UNIT, "replace", start_props, NULL, 3000) == 0,
		    "StartTransientUnit: its JobRemoved came before the reply: %s",
		    err_last.msg);
	rc = dbus_systemd_stop_unit(&c, UNIT, 3000);
	CHECK_NAMED(rc < 0 && str_eq(err_last.msg, "systemd: StopUnit " UNIT ": job "
				     JOB(8) ": result 'failed'"), "StopUnit: %s", err_last.msg);
	CHECK_NAMED(dbus_systemd_reset_failed(&c, UNIT, 3000) == 0,
		    "ResetFailedUnit: no such unit is success");
	CHECK_NAMED(dbus_systemd_set_props(&c, UNIT, true, set_props, NULL, 3000) == 0,
		    "SetUnitProperties");
	CHECK_NAMED(dbus_systemd_get_unit(&c, UNIT, &path, 3000) == 0 && path &&
		    str_eq(path, "/org/freedesktop/systemd1/unit/libpod_2dx_2escope"), "GetUnit");
	free(path);
	CHECK_NAMED(dbus_systemd_stop_unit(&c, UNIT, 3000) == 0, "StopUnit: no such unit is success");
	rc = dbus_systemd_start_unit(&c, UNIT, "replace", start_props, NULL, 3000);
	CHECK_NAMED(rc < 0 && str_eq(err_last.msg, "systemd: StartTransientUnit " UNIT
				     ": Unit " UNIT " already exists.") &&
		    str_eq(c.error, SD ".UnitExists"), "%s (%s)", err_last.msg, c.error);
	rc = dbus_systemd_start_unit(&c, UNIT, NULL, NULL, NULL, 200);
	CHECK_NAMED(rc < 0 && str_eq(err_last.msg, "systemd: StartTransientUnit " UNIT ": job "
				     JOB(9) ": dbus: timed out") && c.fd >= 0,
		    "a job that does not end: %s", err_last.msg);
	dbus_disconnect(&c);
	CHECK_NAMED((rc = peer_end(pid)) == 0, "the fake systemd saw what it expected (%d)", rc);
}

/* A bus on the other end: Hello, then replies out of order, signals
 * around replies, an error without text. */
static int peer_bus(int fd, int arg)
{
	struct dbus_conn s = { .fd = fd, .timeout_ms = 3000 };
	struct dbus_msg m, slow;
	uint32_t i;

	if (peer_auth(fd, "OK 0123456789abcdef0123456789abcdef\r\n") < 0)
		return 1;
	if (peer_expect(&s, &m, "Hello") < 0 || m.sig[0] ||
	    !str_eq(m.dest, "org.freedesktop.DBus") || !str_eq(m.path, "/org/freedesktop/DBus"))
		return 2;
	/* the daemon's NameAcquired comes before Hello's reply */
	if (peer_signal(&s, ":1.42", "NameAcquired", 0, "/", "x", "y") < 0 ||
	    peer_reply(&s, &m, NULL, "s", ":1.42") < 0)
		return 3;
	/* Slow's reply comes after the client gave up, before Fast's */
	if (peer_expect(&s, &slow, "Slow") < 0 || peer_expect(&s, &m, "Fast") < 0 ||
	    peer_reply(&s, &slow, NULL, "s", "slow") < 0 || peer_reply(&s, &m, NULL, "s", "fast") < 0)
		return 4;
	if (peer_expect(&s, &m, "Signals") < 0)
		return 5;
	for (i = 1; i <= 20; i++)
		if (peer_signal(&s, NULL, "S", i, "/", "x", "y") < 0)
			return 6;
	if (peer_reply(&s, &m, NULL, NULL, NULL) < 0)
		return 7;
	if (peer_expect(&s, &m, "Error") < 0 || peer_reply(&s, &m, "org.example.Bad", NULL, NULL) < 0)
		return 8;
	/* a call to the client: dropped while it waits for its reply */
	if (peer_expect(&s, &m, "Last") < 0 ||
	    peer_signal(&s, NULL, "S", 99, "/", "x", "y") < 0)
		return 9;
	dbus_msg_fini(&m);
	m = (struct dbus_msg){ .type = DBUS_CALL, .path = "/", .member = "Ping" };
	dbus_msg_begin(&m);
	if (dbus_send(&s, &m) < 0)
		return 10;
	dbus_msg_fini(&m);
	m.serial = 5;   /* the client's Last was its serial 5 */
	return peer_reply(&s, &m, NULL, "s", "last") < 0 ? 11 : 0;
}

static bool signal_n(const struct dbus_msg *m, void *arg)
{
	struct dbus_rd r;
	uint32_t n;

	dbus_msg_body(m, &r);
	return str_eq(m->member, "S") && dbus_read(&r, "u", &n) == 0 && n == *(uint32_t *)arg;
}

static bool name_acquired(const struct dbus_msg *m, void *arg)
{
	return str_eq(m->member, "NameAcquired") && str_eq(m->dest, arg);
}

static int call_s(struct dbus_conn *c, const char *member, const char **s, struct dbus_msg *r,
		  int timeout_ms)
{
	struct dbus_msg m;
	struct dbus_rd rd;

	dbus_msg_call(&m, "x.y", "/", NULL, member, NULL);
	if (dbus_call(c, &m, r, timeout_ms) < 0)
		return -1;
	dbus_msg_body(r, &rd);
	if (!s)
		return 0;
	return dbus_read(&rd, "s", s);
}

static void test_bus_peer(void)
{
	struct dbus_conn c;
	struct dbus_msg r;
	const char *s = NULL;
	uint32_t n;
	int fd, rc;
	pid_t pid = peer_start(&fd, peer_bus, 0);

	CHECK_NAMED(dbus_connect_fd(&c, fd, true, 3000) == 0 && c.name && str_eq(c.name, ":1.42"),
		    "bus: Hello gives our name");
	CHECK_NAMED(dbus_wait_signal(&c, name_acquired, ":1.42", NULL, 0) == 0,
		    "bus: NameAcquired, queued during Hello, is waited for");
	CHECK_NAMED(call_s(&c, "Slow", &s, &r, 100) < 0 && str_eq(err_last.msg, "dbus: timed out") &&
		    c.fd >= 0, "a call timing out keeps the connection");
	rc = call_s(&c, "Fast", &s, &r, 3000);
	CHECK_NAMED(rc == 0 && str_eq(s, "fast"), "the next call skips the late reply");
	if (!rc)
		dbus_msg_fini(&r);
	rc = call_s(&c, "Signals", NULL, &r, 3000);
	if (!rc)
		dbus_msg_fini(&r);
	n = 5;
	CHECK_NAMED(rc == 0 && c.qn == DBUS_QUEUE &&
		    dbus_wait_signal(&c, signal_n, &n, NULL, 0) == 0,
		    "20 signals during a call: the last 16 kept, the 5th found");
	n = 20;
	CHECK_NAMED(dbus_wait_signal(&c, signal_n, &n, NULL, 0) == 0 && !c.qn,
		    "then the 20th, dropping the ones between");
	n = 1;
	CHECK_NAMED(dbus_wait_signal(&c, signal_n, &n, NULL, 50) < 0 &&
		    str_eq(err_last.msg, "dbus: timed out"), "the 1st was dropped: timed out");
	CHECK_NAMED(call_s(&c, "Error", NULL, &r, 3000) < 0 &&
		    str_eq(err_last.msg, "org.example.Bad") && str_eq(c.error, "org.example.Bad"),
		    "an error without text: its name");
	c.serial = 4;
	rc = call_s(&c, "Last", &s, &r, 3000);
	CHECK_NAMED(rc == 0 && str_eq(s, "last") && c.qn == 1 && !c.error[0],
		    "a call to us is dropped, a signal kept");
	if (!rc)
		dbus_msg_fini(&r);
	dbus_disconnect(&c);
	CHECK_NAMED(!c.qn && c.fd < 0, "disconnect frees the queue");
	CHECK_NAMED((rc = peer_end(pid)) == 0, "the fake bus saw what it expected (%d)", rc);
}

/* Peers that break the protocol; each ends the connection. */
enum { P_REJECT, P_GUID, P_HANGUP, P_HUGE, P_INVALID, P_PARTIAL, P_CLOSE, P_SILENT };

static int peer_bad(int fd, int how)
{
	static const char *const auth[P_SILENT + 1] = {
		[P_REJECT] = "REJECTED EXTERNAL\r\n", [P_GUID] = "OK 1234\r\n",
	};
	uint8_t huge[16] = { 'l', 2, 0, 1, 0, 0, 32, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t bad[sizeof(cap_getid_reply)];

	if (how == P_SILENT) {
		sleep_ms(1000);
		return 0;
	}
	if (peer_auth(fd, how == P_HANGUP ? NULL : auth[how] ? auth[how] :
		      "OK 0123456789abcdef0123456789abcdef\r\n") < 0)
		return 1;
	memcpy(bad, cap_getid_reply, sizeof(bad));
	bad[sizeof(bad) - 10] = 0xff;   /* in the 32 hex digits */
	if ((how == P_HUGE && write(fd, huge, 16) < 0) ||
	    (how == P_INVALID && write(fd, bad, sizeof(bad)) < 0) ||
	    (how == P_PARTIAL && write(fd, cap_getid_reply, 20) < 0))
		return 2;
	if (how == P_PARTIAL || how == P_HUGE)
		sleep_ms(1000);
	return 0;
}

static void test_bad_peers(void)
{
	static const struct {
		int how;
		const char *what, *want;
	} t[] = {
		{ P_REJECT, "auth rejected", "dbus: authentication refused: 'REJECTED EXTERNAL'" },
		{ P_GUID, "auth with a bad guid", "dbus: authentication refused: 'OK 1234'" },
		{ P_HANGUP, "hangup during auth", "dbus: connection closed by the peer" },
		{ P_SILENT, "no auth reply", "dbus: timed out" },
		{ P_HUGE, "a 2 MiB message", "dbus: message of 2097168 bytes, over 1 MiB" },
		{ P_INVALID, "a string that is not UTF-8", "dbus: string is not UTF-8" },
		{ P_PARTIAL, "a message cut short", "dbus: timed out" },
		{ P_CLOSE, "the peer closes", "dbus: connection closed by the peer" },
	};
	struct dbus_conn c;
	struct dbus_msg m;
	char longp[200];
	size_t i;
	int fd, rc;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		pid = peer_start(&fd, peer_bad, t[i].how);
		rc = dbus_connect_fd(&c, fd, false, 200);
		if (rc == 0)
			rc = dbus_recv(&c, &m, 2000);
		CHECK_NAMED(rc < 0 && str_eq(err_last.msg, t[i].want) && c.fd < 0,
			    "%s: %s", t[i].what, err_last.msg);
		dbus_disconnect(&c);
		kill(pid, SIGKILL);
		peer_end(pid);
	}
	CHECK_NAMED(dbus_connect(&c, "/nonexistent/bus", true, geteuid(), 200) < 0 &&
		    str_eq(err_last.msg, "dbus: connect '/nonexistent/bus': no such file or directory"),
		    "connect: %s", err_last.msg);
	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = 0;
	CHECK_NAMED(dbus_connect(&c, longp, true, geteuid(), 200) < 0 && strstr(err_last.msg, "too long"),
		    "connect: a path over 107 bytes");
}

/* --- a live private dbus-daemon -------------------------------------------- */

static bool on_path(const char *prog)
{
	const char *p = getenv("PATH"), *e;
	char buf[4096];

	for (; p && *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(e - p), p, prog);
		if (access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

/* The daemon's config: anyone may own and call anything, and no service
 * activation (a call to a name nobody owns fails at once). */
static const char bus_conf[] =
	"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	"<busconfig><type>session</type><listen>unix:path=%s/bus</listen>\n"
	"<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/>\n"
	"<allow receive_sender=\"*\"/><allow own=\"*\"/></policy></busconfig>\n";

static bool owner_changed(const struct dbus_msg *m, void *arg)
{
	struct dbus_rd r;
	const char *name, *old, *new;

	dbus_msg_body(m, &r);
	return str_eq(m->member, "NameOwnerChanged") &&
	       dbus_read(&r, "sss", &name, &old, &new) == 0 && str_eq(name, arg) &&
	       str_eq(new, arg);
}

/* systemd on the bus: owns its name, answers the helpers' calls; a third
 * connection sends the caller a forged JobRemoved, which must not count. */
static int live_systemd(const char *path, int ready)
{
	struct dbus_conn s, forger;
	struct dbus_msg m;
	struct dbus_rd r;
	uint32_t u = 0;

	if (dbus_connect(&s, path, true, geteuid(), 3000) < 0 ||
	    dbus_connect(&forger, path, true, geteuid(), 3000) < 0)
		return 1;
	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		      "RequestName", "su");
	dbus_put(&m, "su", SD, 4);
	if (dbus_call(&s, &m, &m, 3000) < 0)
		return 2;
	dbus_msg_body(&m, &r);
	if (dbus_read(&r, "u", &u) < 0 || u != 1 || write(ready, "", 1) != 1)
		return 3;
	dbus_msg_fini(&m);
	if (peer_expect(&s, &m, "Subscribe") < 0 || peer_reply(&s, &m, NULL, NULL, NULL) < 0)
		return 4;
	if (peer_expect(&s, &m, "StartTransientUnit") < 0 ||
	    peer_signal(&forger, m.sender, "JobRemoved", 7, JOB(7), UNIT, "done") < 0 ||
	    peer_reply(&s, &m, NULL, "o", JOB(7)) < 0 ||
	    peer_signal(&s, NULL, "JobRemoved", 7, JOB(7), UNIT, "failed") < 0)
		return 5;
	if (peer_expect(&s, &m, "StopUnit") < 0 || peer_reply(&s, &m, NULL, "o", JOB(8)) < 0 ||
	    peer_signal(&s, NULL, "JobRemoved", 8, JOB(8), UNIT, "done") < 0)
		return 6;
	if (peer_expect(&s, &m, "ResetFailedUnit") < 0 ||
	    peer_reply(&s, &m, SD ".NoSuchUnit", "s", "Unit " UNIT " not loaded.") < 0)
		return 7;
	sleep_ms(200);
	dbus_disconnect(&forger);
	dbus_disconnect(&s);
	return 0;
}

static void test_live(void)
{
	char dir[] = "/tmp/ocibox-dbus-XXXXXX", path[64], conf[64];
	struct dbus_conn c, c2;
	struct dbus_msg m;
	struct dbus_rd r, a;
	const char *s;
	int i, n = 0, ready[2] = { -1, -1 }, rc;
	char byte;
	FILE *f;
	pid_t daemon, sd;

	if (!on_path("dbus-daemon")) {
		printf("SKIP: dbus: live tests: no dbus-daemon on PATH\n");
		return;
	}
	if (!mkdtemp(dir)) {
		CHECK_NAMED(0, "live: mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/bus", dir);
	snprintf(conf, sizeof(conf), "%s/bus.conf", dir);
	if (!(f = fopen(conf, "w"))) {
		CHECK_NAMED(0, "live: write %s", conf);
		return;
	}
	fprintf(f, bus_conf, dir);
	fclose(f);
	fflush(stdout);
	if (!(daemon = fork())) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execlp("dbus-daemon", "dbus-daemon", "--nofork", "--nopidfile",
		       "--config-file", conf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && access(path, F_OK) < 0; i++)
		sleep_ms(10);
	dbus_connect(&c, path, true, geteuid(), 2000);
	CHECK_NAMED(c.fd >= 0 && c.name && has_prefix(c.name, ":1."),
		    "live: connect, SASL, Hello (%s)", c.fd >= 0 ? c.name : err_last.msg);
	if (c.fd < 0)
		goto out;
	CHECK_NAMED(dbus_wait_signal(&c, name_acquired, c.name, NULL, 2000) == 0,
		    "live: NameAcquired for our name");

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "GetId", NULL);
	rc = dbus_call(&c, &m, &m, 2000);
	dbus_msg_body(&m, &r);
	CHECK_NAMED(rc == 0 && dbus_read(&r, "s", &s) == 0 && strlen(s) == 32,
		    "live: GetId");
	dbus_msg_fini(&m);

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "ListNames", NULL);
	if (dbus_call(&c, &m, &m, 2000) == 0) {
		dbus_msg_body(&m, &r);
		if (dbus_enter(&r, 'a', &a) == 0)
			while (dbus_more(&a) && dbus_read(&a, "s", &s) == 0)
				n += str_eq(s, "org.freedesktop.DBus") + 2 * str_eq(s, c.name);
		dbus_msg_fini(&m);
	}
	CHECK_NAMED(n == 3, "live: ListNames has the bus and us");

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "NoSuchMethod", NULL);
	CHECK_NAMED(dbus_call(&c, &m, NULL, 2000) < 0 &&
		    str_eq(c.error, "org.freedesktop.DBus.Error.UnknownMethod") &&
		    strstr(err_last.msg, "NoSuchMethod"), "live: an unknown method: %s (%s)",
		    err_last.msg, c.error);
	dbus_msg_call(&m, "org.example.Nobody", "/", NULL, "X", NULL);
	CHECK_NAMED(dbus_call(&c, &m, NULL, 2000) < 0 &&
		    str_eq(c.error, "org.freedesktop.DBus.Error.ServiceUnknown"),
		    "live: a name nobody owns: %s", err_last.msg);

	dbus_msg_call(&m, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		      "org.freedesktop.DBus", "AddMatch", "s");
	dbus_put(&m, "s", "type='signal',interface='org.freedesktop.DBus',member='NameOwnerChanged'");
	CHECK_NAMED(dbus_call(&c, &m, NULL, 2000) == 0, "live: AddMatch");
	if (dbus_connect(&c2, path, true, geteuid(), 2000) == 0) {
		CHECK_NAMED(dbus_wait_signal(&c, owner_changed, c2.name, NULL, 2000) == 0,
			    "live: NameOwnerChanged for a second connection");
		dbus_disconnect(&c2);
	}

	/* the systemd helpers against a fake systemd on the bus */
	if (pipe(ready) < 0)
		goto out;
	fflush(stdout);
	if (!(sd = fork())) {
		close(ready[0]);
		_exit(live_systemd(path, ready[1]));
	}
	close(ready[1]);
	CHECK_NAMED(read(ready[0], &byte, 1) == 1, "live: a fake systemd owns " SD);
	close(ready[0]);
	rc = dbus_systemd_start_unit(&c, UNIT, NULL, start_props, NULL, 3000);
	CHECK_NAMED(rc < 0 && str_eq(err_last.msg, "systemd: StartTransientUnit " UNIT ": job "
				     JOB(7) ": result 'failed'"),
		    "live: start: AddMatch, Subscribe, a forged JobRemoved ignored: %s",
		    err_last.msg);
	CHECK_NAMED(dbus_systemd_stop_unit(&c, UNIT, 3000) == 0, "live: stop: %s", err_last.msg);
	CHECK_NAMED(dbus_systemd_reset_failed(&c, UNIT, 3000) == 0, "live: reset-failed");
	CHECK_NAMED((rc = peer_end(sd)) == 0, "live: the fake systemd saw what it expected (%d)", rc);
out:
	dbus_disconnect(&c);
	kill(daemon, SIGTERM);
	peer_end(daemon);
	unlink(path);
	unlink(conf);
	rmdir(dir);
}

int main(void)
{
	check_module = "dbus";
	signal(SIGPIPE, SIG_IGN);
	test_signatures();
	test_spec_bytes();
	test_build_captures();
	test_read_captures();
	test_round_trip();
	test_builder_mistakes();
	test_malformed();
	test_variant_depth();
	test_truncations();
	test_fuzz();
	test_bus_address();
	test_user_bus();
	test_systemd_peer();
	test_manager_prop();
	test_bus_peer();
	test_bad_peers();
	test_live();
	return CHECK_DONE();
}
