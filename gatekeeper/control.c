// SPDX-License-Identifier: GPL-2.0
/* The control socket: the daemon's side, and `watchbpf stop|reload`. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gatekeeper/commands.h"
#include "gatekeeper/control.h"
#include "lib/util.h"

/* A request must come within this time: a client that connects and says
 * nothing cannot hold the daemon's loop. The answer to a reload comes once
 * the whole policy is checked and written: the client waits longer. */
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

static int connect_to(const char *path, char *err, size_t len)
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
	other = connect_to(path, why, sizeof(why));
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
static int read_line(int fd, char *buf, size_t len, int timeout_ms)
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

int control_accept(int lfd, enum control_req *req)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	char line[WB_CONTROL_LINE];
	int cfd;

	*req = CTL_NONE;
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0)
		return -1;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
		control_reply(cfd, false, "only root may stop or reload watchbpf");
		return -1;
	}
	if (read_line(cfd, line, sizeof(line), CONTROL_REQUEST_MS)) {
		close(cfd);
		return -1;
	}
	if (!strcmp(line, "stop")) {
		*req = CTL_STOP;
	} else if (!strcmp(line, "reload")) {
		*req = CTL_RELOAD;
	} else {
		control_reply(cfd, false, "unknown request (expected: stop, reload)");
		return -1;
	}
	return cfd;
}

/* `watchbpf stop|reload [--control PATH]`: sends the request, prints the
 * answer; exit 0 on "ok", 1 on an error from the daemon or none at all. */
static int cmd_request(const char *what, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *path = WB_CONTROL_SOCKET;
	char line[WB_CONTROL_LINE], err[256];
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			printf("Usage: %s %s [--control SOCKET]\n", prog_name, what);
			return 0;
		default:
			p_err("usage: %s %s [--control SOCKET]", prog_name, what);
			return 2;
		}
	}
	if (optind != argc) {
		p_err("usage: %s %s [--control SOCKET]", prog_name, what);
		return 2;
	}
	fd = connect_to(path, err, sizeof(err));
	if (fd < 0) {
		p_err("%s", err);
		return 1;
	}
	snprintf(line, sizeof(line), "%s\n", what);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		p_err("writing to %s: %s", path, strerror(errno));
		close(fd);
		return 1;
	}
	if (read_line(fd, line, sizeof(line), CONTROL_ANSWER_MS)) {
		p_err("no answer from the daemon on %s", path);
		close(fd);
		return 1;
	}
	close(fd);
	if (!strncmp(line, "ok: ", 4)) {
		printf("%s\n", line + 4);
		return 0;
	}
	p_err("%s", !strncmp(line, "error: ", 7) ? line + 7 : line);
	return 1;
}

int cmd_stop(int argc, char **argv)
{
	return cmd_request("stop", argc, argv);
}

int cmd_reload(int argc, char **argv)
{
	return cmd_request("reload", argc, argv);
}
