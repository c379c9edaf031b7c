// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify(3) without libsystemd (notify.h): the protocol is one datagram
 * of "KEY=VALUE" lines, sent to $NOTIFY_SOCKET. The kernel attaches our
 * credentials; systemd takes them from the main process (NotifyAccess=main).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gatekeeper/notify.h"
#include "lib/util.h"

#define NOTIFY_MAX 2048 /* what we send; systemd takes up to 4 KiB of text */

/* The address $NOTIFY_SOCKET names: "/path" or "@abstract". 0 or -errno. */
static int notify_addr(const char *name, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(name);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (name[0] != '/' && name[0] != '@')
		return -EAFNOSUPPORT; /* "vsock:...", and anything else */
	if (n < 2 || n >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@') {
		/* an abstract name is exactly its bytes: no NUL counted */
		sa->sun_path[0] = '\0';
		*len = offsetof(struct sockaddr_un, sun_path) + n;
	} else {
		*len = offsetof(struct sockaddr_un, sun_path) + n + 1;
	}
	return 0;
}

int notify_send(const char *msg)
{
	static bool told; /* one line per process: it is never fatal */
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int fd, err;

	if (!name || !*name)
		return 0;
	err = notify_addr(name, &sa, &len);
	if (!err) {
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = -errno;
		} else {
			if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
				   len) < 0)
				err = -errno;
			close(fd);
		}
	}
	if (!err)
		return 1;
	if (!told) {
		told = true;
		p_info("warning: cannot tell the service manager at NOTIFY_SOCKET=%s: %s "
		       "(the gatekeeper runs on regardless)",
		       name, strerror(-err));
	}
	return err;
}

/* PREFIX, then "STATUS=" and FMT's text on one line, then SUFFIX. */
static int send_status(const char *prefix, const char *suffix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int send_status(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char msg[NOTIFY_MAX];
	size_t n = snprintf(msg, sizeof(msg), "%sSTATUS=", prefix), start = n;

	/* a long text is cut, never the keys after it */
	if (n + strlen(suffix) < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - n - strlen(suffix), fmt, ap);
	/* a newline would start a line of its own: a key we never meant */
	for (n = start; n < sizeof(msg) && msg[n]; n++)
		if (msg[n] == '\n')
			msg[n] = ' ';
	n = strlen(msg);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, "%s", suffix);
	return notify_send(msg);
}

int notify_ready(const char *fmt, ...)
{
	char pid[32];
	va_list ap;
	int ret;

	snprintf(pid, sizeof(pid), "\nMAINPID=%d", (int)getpid());
	va_start(ap, fmt);
	ret = send_status("READY=1\n", pid, fmt, ap);
	va_end(ap);
	return ret;
}

int notify_reloading(void)
{
	char msg[64];
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000);
	return notify_send(msg);
}

static int send_statusf(const char *prefix, const char *suffix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int send_statusf(const char *prefix, const char *suffix, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = send_status(prefix, suffix, fmt, ap);
	va_end(ap);
	return ret;
}

int notify_stopping(const char *status)
{
	if (!status)
		return notify_send("STOPPING=1");
	return send_statusf("STOPPING=1\n", "", "%s", status);
}

int notify_status(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = send_status("", "", fmt, ap);
	va_end(ap);
	return ret;
}
