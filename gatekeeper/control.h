/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's control socket. Signals from other processes do not reach
 * the daemon (bpf/self.bpf.c), so `watchbpf stop` and `watchbpf reload` ask
 * it here: a unix stream socket, mode 0600, one request line per
 * connection ("stop" or "reload"), one answer line ("ok: ..." or
 * "error: ..."). Only root (SO_PEERCRED) is heard.
 */
#ifndef WATCHBPF_CONTROL_H
#define WATCHBPF_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define WB_CONTROL_SOCKET "/run/watchbpf/control"
#define WB_CONTROL_LINE 512

enum control_req {
	CTL_NONE, /* nothing to do: a bad request, already answered */
	CTL_STOP,
	CTL_RELOAD,
};

/* Binds PATH, replacing a stale socket that nobody answers on; refuses
 * when a daemon answers there. Returns the listening fd, or -1 with err. */
int control_listen(const char *path, char *err, size_t len);

/*
 * Accepts one connection on LFD and reads its request. Returns the
 * connection's fd (answer with control_reply, which closes it) and the
 * request in *req, or -1 when there was nothing to accept. Requests from
 * other than root, and unknown ones, are answered and closed here
 * (*req CTL_NONE, -1 returned).
 */
int control_accept(int lfd, enum control_req *req);

/* Writes "ok: MSG" or "error: MSG" and closes CFD. */
void control_reply(int cfd, bool ok, const char *msg);

#endif
