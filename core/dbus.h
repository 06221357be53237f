/* SPDX-License-Identifier: MIT */
/* dbus: a small D-Bus client for systemd's transient-unit API (issue 12):
 * unix socket, SASL EXTERNAL, marshalling of the basic types, arrays, structs
 * and variants, strict reading. Leaves out unix fds, other auth mechanisms,
 * the 'd' and 'h' types on writing, and names' syntax checks. Follows the
 * D-Bus specification, dbus.freedesktop.org/doc/dbus-specification.html. */
#ifndef OCIBOX_DBUS_H
#define OCIBOX_DBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* We refuse bigger messages (the spec allows 128 MiB): systemd's replies to
 * our calls are a few hundred bytes. */
#define DBUS_MAX_MSG   (1u << 20)
#define DBUS_MAX_DEPTH 16   /* containers a builder can nest */
#define DBUS_QUEUE     16   /* signals kept while a call waits for its reply */

#define DBUS_SYSTEM_BUS "/run/dbus/system_bus_socket"
#define DBUS_SYSTEMD_PRIVATE "/run/systemd/private"

enum dbus_msg_type { DBUS_CALL = 1, DBUS_RETURN, DBUS_ERROR, DBUS_SIGNAL };

/* One message, received or being built. Received: the header strings borrow
 * from buf (NULL if absent; sig is "" then). Built: they borrow the caller's
 * strings, which must live until the message is sealed. */
struct dbus_msg {
	uint8_t type, flags;
	uint32_t serial, reply_serial;
	const char *path, *iface, *member, *error, *dest, *sender, *sig;
	uint8_t *buf;        /* owned: the whole message */
	size_t len, cap;
	size_t body;         /* offset of the body in buf (8-aligned) */
	/* builder state: the first misuse, and the open containers */
	const char *bad;
	int depth;
	struct { size_t len_off, start; } lv[DBUS_MAX_DEPTH];  /* len_off 0: not an array */
};

/* Building, little endian. The builder only pads and counts; the sealed
 * message is then read as its receiver will, so values that do not match
 * the signature (unless their bytes happen to), strings that are not UTF-8,
 * bad object paths or signatures make dbus_msg_seal() fail. So do misuses
 * (unbalanced containers, 'd' or 'h'), kept in m->bad meanwhile. */

/* Start M (any previous content is dropped, not freed) from the header
 * fields the caller set in M: type, flags, path, iface, member, error, dest,
 * reply_serial, sig (NULL = empty body). The body must then follow SIG. */
void dbus_msg_begin(struct dbus_msg *m);
/* Zero M and begin a METHOD_CALL with these header fields (DEST may be NULL). */
void dbus_msg_call(struct dbus_msg *m, const char *dest, const char *path,
		   const char *iface, const char *member, const char *sig);
/* Append basic values, one per character of TYPES: y b n q i u take an int
 * (or unsigned), x t an int64_t/uint64_t (cast literals!), s o g a string. */
void dbus_put(struct dbus_msg *m, const char *types, ...);
/* Open a container: 'a' with SIG its element type ("(sv)"), '(' or '{'
 * (SIG unused), 'v' with SIG the one complete type it holds ("as").
 * dbus_close() ends the innermost. */
void dbus_open(struct dbus_msg *m, char type, const char *sig);
void dbus_close(struct dbus_msg *m);
/* Set the serial and body length, then validate. 0, or -1 with fail(). */
int dbus_msg_seal(struct dbus_msg *m, uint32_t serial);
/* A systemd property, one element of an a(sv): (NAME, variant of SIG). */
void dbus_prop(struct dbus_msg *m, const char *name, const char *sig, ...);
/* The same for container values: fill the variant, then dbus_prop_close(). */
void dbus_prop_open(struct dbus_msg *m, const char *name, const char *sig);
void dbus_prop_close(struct dbus_msg *m);

/* Free M's buffer; M is zeroed. */
void dbus_msg_fini(struct dbus_msg *m);
/* Parse and fully validate the message in DATA[0..LEN) (copied): header,
 * padding, every value of the body against its signature, UTF-8, lengths,
 * nesting. 0, or -1 with fail() ("dbus: ...") and M zeroed. */
int dbus_msg_parse(struct dbus_msg *m, const void *data, size_t len);

/* Reading a body by its signature; every read is bounds-checked. After a
 * failure (fail()s: "dbus: ...") the reader must not be used again. */
struct dbus_rd {
	const uint8_t *buf;      /* borrowed; alignment counts from buf */
	uint32_t pos, end;
	const char *p, *lo, *hi; /* types left to read: [p, hi); an array
				    repeats its element type [lo, hi) */
	uint8_t depth;
	bool array, be;
};
/* R reads M's body. */
void dbus_msg_body(const struct dbus_msg *m, struct dbus_rd *r);
/* Read basic values, one per character of TYPES, into pointers: y uint8_t,
 * b bool, n q uint16_t, i u h uint32_t, x t d uint64_t, s o g const char *
 * (borrowed from the message). 0 or -1; on -1 earlier outputs may be set. */
int dbus_read(struct dbus_rd *r, const char *types, ...);
/* Enter the next value, a container of TYPE ('a', '(', '{', 'v'); R moves
 * past it, SUB reads its contents (a variant's signature is SUB->lo). 0/-1. */
int dbus_enter(struct dbus_rd *r, char type, struct dbus_rd *sub);
/* Whether R has another value (an array: another element). */
bool dbus_more(const struct dbus_rd *r);
/* Skip (and validate) the next value, whatever its type. 0 or -1. */
int dbus_skip(struct dbus_rd *r);

/* A connection. All waits poll with a timeout; a read error, or a timeout in
 * the middle of a message, closes it (fd -1) because the stream is lost. */
struct dbus_conn {
	int fd;
	uint32_t serial;     /* the last one we sent */
	int timeout_ms;      /* for connect, authentication and sends */
	bool subscribed;     /* systemd Subscribe (and AddMatch) done */
	char *name;          /* owned: our unique name on a bus, NULL peer to peer */
	char error[256];     /* the last ERROR reply's name, "" after a success */
	unsigned qhead, qn;  /* signals that came while a call waited */
	struct { uint8_t *buf; size_t len; } q[DBUS_QUEUE];
};

/* The system bus socket: DBUS_SYSTEM_BUS_ADDRESS's unix:path=, else
 * DBUS_SYSTEM_BUS. 0, or -1 with fail() for other address kinds. */
int dbus_system_bus_path(char *out, size_t size);
/* The user's bus (systemd --user's): DBUS_SESSION_BUS_ADDRESS's unix:path=,
 * else $XDG_RUNTIME_DIR/bus; PRIVATE: systemd --user's own socket,
 * $XDG_RUNTIME_DIR/systemd/private (peer to peer, no bus daemon needed).
 * 0, or -1 with fail(). */
int dbus_user_bus_path(char *out, size_t size, bool private);
/* Connect to the socket PATH and authenticate (SASL EXTERNAL as UID: our
 * euid as the server sees it, which a server outside our user namespace
 * sees translated, rootless_host_uid()); BUS: a message bus, so send
 * Hello; false: peer to peer (systemd's private socket, no Hello). 0, or -1
 * with fail() and C closed. */
int dbus_connect(struct dbus_conn *c, const char *path, bool bus, uint32_t uid,
		 int timeout_ms);
/* The same over a connected socket FD, which C takes in any case, as our
 * euid. */
int dbus_connect_fd(struct dbus_conn *c, int fd, bool bus, int timeout_ms);
/* Close C and free what it holds; only for a C that dbus_connect*() set up
 * (even if it failed): a zeroed one would close fd 0. Idempotent. */
void dbus_disconnect(struct dbus_conn *c);
/* Seal M with the next serial and write it. 0 or -1. M stays the caller's. */
int dbus_send(struct dbus_conn *c, struct dbus_msg *m);
/* The next message (queued signals first) into M, the caller's to fini. 0 or -1. */
int dbus_recv(struct dbus_conn *c, struct dbus_msg *m, int timeout_ms);
/* Send the METHOD_CALL M (and fini it), wait for its reply (into REPLY, the
 * caller's to fini; NULL: dropped). Signals meanwhile are queued, other
 * messages dropped. An ERROR reply fails with its text (its first string
 * argument, else its name) and leaves its name in c->error. 0 or -1. */
int dbus_call(struct dbus_conn *c, struct dbus_msg *m, struct dbus_msg *reply,
	      int timeout_ms);
/* Wait for a signal MATCH accepts (queued ones first; others are dropped)
 * into OUT (the caller's to fini; NULL: dropped). 0 or -1 (timeout). */
int dbus_wait_signal(struct dbus_conn *c,
		     bool (*match)(const struct dbus_msg *m, void *arg), void *arg,
		     struct dbus_msg *out, int timeout_ms);

/* systemd's org.freedesktop.systemd1.Manager. Errors read
 * "systemd: StartTransientUnit UNIT: Unit UNIT already exists." */
typedef void dbus_props_fn(struct dbus_msg *m, void *arg);
/* StartTransientUnit(UNIT, MODE (NULL: "fail"), properties PROPS appends with
 * dbus_prop*) and wait for its job; a job result other than "done" fails.
 * Subscribes first (and on a bus adds a match for JobRemoved). 0 or -1. */
int dbus_systemd_start_unit(struct dbus_conn *c, const char *unit, const char *mode,
			    dbus_props_fn *props, void *arg, int timeout_ms);
/* StopUnit(UNIT, "replace") and wait for its job; no such unit is success. */
int dbus_systemd_stop_unit(struct dbus_conn *c, const char *unit, int timeout_ms);
/* ResetFailedUnit(UNIT); no such unit is success. 0 or -1. */
int dbus_systemd_reset_failed(struct dbus_conn *c, const char *unit, int timeout_ms);
/* SetUnitProperties(UNIT, RUNTIME, PROPS). 0 or -1. */
int dbus_systemd_set_props(struct dbus_conn *c, const char *unit, bool runtime,
			   dbus_props_fn *props, void *arg, int timeout_ms);
/* The manager's string property PROP (org.freedesktop.DBus.Properties.Get;
 * "ControlGroup": the cgroup systemd --user runs in) into *OUT (owned).
 * 0 or -1. */
int dbus_systemd_manager_string(struct dbus_conn *c, const char *prop, char **out,
				int timeout_ms);
/* GetUnit(UNIT): its object path into *PATH (owned). 0 or -1. */
int dbus_systemd_get_unit(struct dbus_conn *c, const char *unit, char **path,
			  int timeout_ms);

#endif
