// SPDX-License-Identifier: GPL-2.0
/* The control socket, the daemon's side (control.h); the commands that
 * ask it are in request_cmd.c. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gatekeeper/control.h"
#include "lib/util.h"

/* A request must come within this time: a client that connects and says
 * nothing cannot hold the daemon's loop. */
#define CONTROL_REQUEST_MS 1000
#define CONTROL_ANSWER_MS 60000

static int sock_addr(const char *path, struct sockaddr_un *sa, char *err, size_t len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		snprintf(err, len, "control socket path too long: %s", path);
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

int control_connect(const char *path, char *err, size_t len)
{
	struct sockaddr_un sa;
	int fd;

	if (sock_addr(path, &sa, err, len))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, len, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, len, "no watchbpf daemon answers on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int control_listen(const char *path, char *err, size_t len)
{
	struct sockaddr_un sa;
	char dir[sizeof(sa.sun_path)], why[256];
	mode_t old;
	int fd, other;

	if (sock_addr(path, &sa, err, len))
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	mkdir(dirname(dir), 0755);
	other = control_connect(path, why, sizeof(why));
	if (other >= 0) {
		close(other);
		snprintf(err, len, "another watchbpf daemon answers on %s", path);
		return -1;
	}
	unlink(path); /* stale: left by a daemon that did not stop cleanly */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, len, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		snprintf(err, len, "control socket %s: %s", path, strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	chmod(path, 0600);
	return fd;
}

/* One line of at most WB_CONTROL_LINE - 1 bytes, without its newline. */
int control_read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0)
			break;
		n += r;
		if (memchr(buf, '\n', n))
			break;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return n ? 0 : -1;
}

void control_reply(int cfd, bool ok, const char *msg)
{
	char line[WB_CONTROL_LINE];
	int n;

	n = snprintf(line, sizeof(line), "%s: %s\n", ok ? "ok" : "error", msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (write(cfd, line, n) != n && verbose)
		p_err("answering on the control socket: %s", strerror(errno));
	close(cfd);
}

int control_accept(int lfd, struct control_request *r)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	char line[WB_CONTROL_LINE], *sig;
	int cfd;

	r->req = CTL_NONE;
	r->arg[0] = r->sig[0] = '\0';
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0)
		return -1;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
		control_reply(cfd, false, "only root may stop or reload watchbpf");
		return -1;
	}
	r->pid = cred.pid;
	if (control_read_line(cfd, line, sizeof(line), CONTROL_REQUEST_MS)) {
		close(cfd);
		return -1;
	}
	sig = strstr(line, " sig=");
	if (sig) {
		snprintf(r->sig, sizeof(r->sig), "%s", sig + 5);
		*sig = '\0';
	}
	if (!strcmp(line, "stop")) {
		r->req = CTL_STOP;
	} else if (!strcmp(line, "stop end-enforcement")) {
		r->req = CTL_END;
	} else if (!strcmp(line, "reload")) {
		r->req = CTL_RELOAD;
	} else if (!strcmp(line, "abort")) {
		r->req = CTL_ABORT;
	} else if (!strcmp(line, "challenge")) {
		r->req = CTL_CHALLENGE;
	} else if (!strncmp(line, "upgrade /", 9)) {
		r->req = CTL_UPGRADE;
		snprintf(r->arg, sizeof(r->arg), "%s", line + 8);
	} else {
		control_reply(cfd, false, "unknown request (expected: stop, reload, upgrade)");
		return -1;
	}
	return cfd;
}


int control_ask(const char *path, const char *line, char *answer, size_t len, char *err,
		size_t errlen)
{
	int fd = control_connect(path, err, errlen);

	if (fd < 0)
		return -1;
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) || write(fd, "\n", 1) != 1) {
		snprintf(err, errlen, "writing to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* a reload checks and writes a whole policy first */
	if (control_read_line(fd, answer, len, CONTROL_ANSWER_MS)) {
		snprintf(err, errlen, "no answer from the daemon on %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
