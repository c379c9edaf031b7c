// SPDX-License-Identifier: GPL-2.0
/* sd_notify without libsystemd: the exact datagrams a service manager
 * reads on $NOTIFY_SOCKET, to a path and to an abstract name. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "gatekeeper/notify.h"

/* A datagram socket bound to NAME ("/path" or "@abstract"), as systemd
 * binds its own; -1 on failure. */
static int bind_notify(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + n;
	int fd;

	if (n >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram, NUL-terminated, or "" when none is waiting. */
static const char *next_datagram(int fd)
{
	static char buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static unsigned long long monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

TEST(notify_without_socket_does_nothing)
{
	unsetenv("NOTIFY_SOCKET");
	CHECK_INT(notify_send("READY=1"), ==, 0);
	CHECK_INT(notify_ready("enforcing policy %s", "p"), ==, 0);
	setenv("NOTIFY_SOCKET", "", 1);
	CHECK_INT(notify_reloading(), ==, 0);
	unsetenv("NOTIFY_SOCKET");
}

TEST(notify_exact_datagrams_on_a_path)
{
	char path[128], want[256];
	unsigned long long before, after, usec;
	const char *got;
	char *end;
	int fd;

	snprintf(path, sizeof(path), "%s/notify", test_tmpdir());
	fd = bind_notify(path);
	if (!CHECK(fd >= 0, "bind %s: %s", path, strerror(errno)))
		return;
	setenv("NOTIFY_SOCKET", path, 1);

	CHECK_INT(notify_ready("enforcing policy %s", "alice-demo"), ==, 1);
	snprintf(want, sizeof(want), "READY=1\nSTATUS=enforcing policy alice-demo\nMAINPID=%d",
		 (int)getpid());
	CHECK_STR(next_datagram(fd), want);

	before = monotonic_usec();
	CHECK_INT(notify_reloading(), ==, 1);
	after = monotonic_usec();
	got = next_datagram(fd);
	CHECK(!strncmp(got, "RELOADING=1\nMONOTONIC_USEC=", 27), "got \"%s\"", got);
	usec = strtoull(got + 27, &end, 10);
	CHECK(*end == '\0' && usec >= before && usec <= after,
	      "MONOTONIC_USEC=%llu not in [%llu, %llu] (\"%s\")", usec, before, after, got);

	CHECK_INT(notify_stopping(NULL), ==, 1);
	CHECK_STR(next_datagram(fd), "STOPPING=1");
	CHECK_INT(notify_stopping("stop requested, enforcement stays (pinned)"), ==, 1);
	CHECK_STR(next_datagram(fd),
		  "STOPPING=1\nSTATUS=stop requested, enforcement stays (pinned)");

	/* a newline in the text must not start a key of its own */
	CHECK_INT(notify_status("reload failed:\nMAINPID=1"), ==, 1);
	CHECK_STR(next_datagram(fd), "STATUS=reload failed: MAINPID=1");
	CHECK_STR(next_datagram(fd), ""); /* one datagram each, nothing more */

	/* a text too long is cut, the keys after it are not */
	{
		static char text[8192];

		memset(text, 'x', sizeof(text) - 1);
		CHECK_INT(notify_ready("%s", text), ==, 1);
		got = next_datagram(fd);
		snprintf(want, sizeof(want), "\nMAINPID=%d", (int)getpid());
		CHECK(!strncmp(got, "READY=1\nSTATUS=xxx", 18) && strlen(got) > strlen(want) &&
			      !strcmp(got + strlen(got) - strlen(want), want),
		      "got \"%.40s...%s\"", got, got + strlen(got) - 20);
	}

	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(path);
}

TEST(notify_abstract_socket)
{
	char name[64], want[128];
	int fd;

	snprintf(name, sizeof(name), "@watchbpf-unit/notify.%d", (int)getpid());
	fd = bind_notify(name);
	if (!CHECK(fd >= 0, "bind %s: %s", name, strerror(errno)))
		return;
	setenv("NOTIFY_SOCKET", name, 1);
	CHECK_INT(notify_ready("auditing policy %s", "default"), ==, 1);
	snprintf(want, sizeof(want), "READY=1\nSTATUS=auditing policy default\nMAINPID=%d",
		 (int)getpid());
	CHECK_STR(next_datagram(fd), want);
	CHECK_INT(notify_send("WATCHDOG=1"), ==, 1);
	CHECK_STR(next_datagram(fd), "WATCHDOG=1");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}

/* Nobody listening, or a socket kind we do not speak: an error, told once
 * on stderr, and the caller goes on. */
TEST(notify_errors_are_told_once)
{
	char path[128], out[128], buf[1024];
	int saved, fd, n, lines = 0;

	snprintf(path, sizeof(path), "%s/nobody", test_tmpdir());
	snprintf(out, sizeof(out), "%s/notify.err", test_tmpdir());
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!CHECK(saved >= 0 && fd >= 0, "%s", strerror(errno)))
		return;
	dup2(fd, STDERR_FILENO);

	setenv("NOTIFY_SOCKET", path, 1);
	CHECK_INT(notify_ready("x"), ==, -ENOENT);
	CHECK_INT(notify_stopping(NULL), ==, -ENOENT);
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	CHECK_INT(notify_reloading(), ==, -EAFNOSUPPORT);
	unsetenv("NOTIFY_SOCKET");

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK_INT(lines, ==, 1);
	CHECK(strstr(buf, path) && strstr(buf, "No such file or directory"), "stderr: \"%s\"", buf);
}
