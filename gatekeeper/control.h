/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's control socket. Signals from other processes do not reach
 * the daemon (bpf/self.bpf.c), so `watchbpf stop` and `watchbpf reload` ask
 * it here: a unix stream socket, mode 0600, one request line per
 * connection ("stop", "stop end-enforcement", "reload", "upgrade FILE"),
 * one answer line ("ok: ..." or "error: ..."). Only root (SO_PEERCRED) is
 * heard.
 */
#ifndef WATCHBPF_CONTROL_H
#define WATCHBPF_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define WB_CONTROL_SOCKET "/run/watchbpf/control"
#define WB_CONTROL_LINE 8192 /* "upgrade ", a path of PATH_MAX, " sig=" and base64 */

enum control_req {
	CTL_NONE, /* nothing to do: a bad request, already answered */
	CTL_STOP, /* the daemon stops; pinned enforcement stays */
	CTL_END, /* enforcement ends with the daemon, pins and all */
	CTL_RELOAD,
	CTL_UPGRADE, /* exec the new build FILE, which adopts the pins */
	CTL_ABORT, /* tests only: abort(), as a crash would */
	CTL_CHALLENGE, /* what an admin-signed request must name (gatekeeper/admin.h) */
};

struct control_request {
	enum control_req req;
	char arg[WB_CONTROL_LINE]; /* upgrade's FILE */
	char sig[WB_CONTROL_LINE]; /* " sig=BASE64" at the end of the line, or "" */
	unsigned int pid; /* who asked (SO_PEERCRED) */
};

/* Binds PATH, replacing a stale socket that nobody answers on; refuses
 * when a daemon answers there. Returns the listening fd, or -1 with err. */
int control_listen(const char *path, char *err, size_t len);

/*
 * Accepts one connection on LFD and reads its request. Returns the
 * connection's fd (answer with control_reply, which closes it) and the
 * request in R, or -1 when there was nothing to accept. Requests from
 * other than root, and unknown ones, are answered and closed here
 * (*req CTL_NONE, -1 returned).
 */
int control_accept(int lfd, struct control_request *r);

/* Writes "ok: MSG" or "error: MSG" and closes CFD. */
void control_reply(int cfd, bool ok, const char *msg);

/* The client's side: connects to the daemon's socket at PATH (an fd, or
 * -1 with err), reads one line of at most LEN - 1 bytes within TIMEOUT_MS
 * (0, or -1), and does both for one request (0, or -1 with err). */
int control_connect(const char *path, char *err, size_t len);
int control_read_line(int fd, char *buf, size_t len, int timeout_ms);
int control_ask(const char *path, const char *line, char *answer, size_t len, char *err,
		size_t errlen);

#endif
