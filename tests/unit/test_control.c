// SPDX-License-Identifier: GPL-2.0
/* The control socket: the daemon's side against `watchbpf stop|reload`. */
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "gatekeeper/commands.h"
#include "gatekeeper/control.h"

static char dir[] = "/tmp/watchbpf-ctl-XXXXXX";
static char path[64];

static void setup(void)
{
	static bool made;

	if (!made && mkdtemp(dir))
		made = true;
	snprintf(path, sizeof(path), "%s/control", dir);
}

/* Runs `watchbpf WHAT --control PATH` in a child; its exit status, with
 * stdout and stderr silenced. */
static pid_t client(const char *what)
{
	pid_t pid;

	fflush(NULL); /* nothing of ours printed twice */
	pid = fork();

	if (pid == 0) {
		char *argv[] = { (char *)what, "--control", path, NULL };

		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(3);
		_exit(!strcmp(what, "stop") ? cmd_stop(3, argv) : cmd_reload(3, argv));
	}
	return pid;
}

static int status_of(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* waits until the listening socket has a connection to accept */
static int accept_one(int lfd, enum control_req *req)
{
	static struct control_request r;

	for (int i = 0; i < 200; i++) {
		int cfd = control_accept(lfd, &r);

		*req = r.req;
		if (cfd >= 0 || r.req != CTL_NONE)
			return cfd;
		usleep(10000);
	}
	return -1;
}

TEST(control_stop_and_reload)
{
	enum control_req req;
	char err[256];
	struct stat st;
	int lfd, cfd;
	pid_t c;

	setup();
	lfd = control_listen(path, err, sizeof(err));
	if (!CHECK(lfd >= 0, "%s", err))
		return;
	CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600, "mode %o", st.st_mode & 0777);
	/* a second daemon on the same socket is refused */
	CHECK_INT(control_listen(path, err, sizeof(err)), ==, -1);
	CHECK(strstr(err, "another watchbpf daemon answers on") != NULL, "%s", err);

	c = client("stop");
	cfd = accept_one(lfd, &req);
	CHECK_INT(req, ==, CTL_STOP);
	if (cfd >= 0)
		control_reply(cfd, true, "stopping");
	CHECK_INT(status_of(c), ==, 0);

	/* a reload the daemon could not do: the client fails */
	c = client("reload");
	cfd = accept_one(lfd, &req);
	CHECK_INT(req, ==, CTL_RELOAD);
	if (cfd >= 0)
		control_reply(cfd, false, "reload failed, policy x stays in force: t.yaml:1:1: bad");
	CHECK_INT(status_of(c), ==, 1);

	/* a stale socket (a daemon that died) is replaced */
	close(lfd);
	lfd = control_listen(path, err, sizeof(err));
	CHECK(lfd >= 0, "stale socket: %s", err);
	close(lfd);
	unlink(path);
	/* nobody there: the client says so */
	CHECK_INT(status_of(client("stop")), ==, 1);
}

TEST(control_unknown_request_is_answered)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	enum control_req req;
	char err[256], buf[128] = "";
	int lfd, fd, cfd;
	ssize_t n;

	setup();
	lfd = control_listen(path, err, sizeof(err));
	if (!CHECK(lfd >= 0, "%s", err))
		return;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (CHECK(!connect(fd, (struct sockaddr *)&sa, sizeof(sa)), "connect")) {
		CHECK_INT(write(fd, "halt\n", 5), ==, 5);
		cfd = accept_one(lfd, &req);
		CHECK_INT(cfd, ==, -1);
		CHECK_INT(req, ==, CTL_NONE);
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		CHECK_STR(buf, "error: unknown request (expected: stop, reload, upgrade)\n");
	}
	close(fd);
	close(lfd);
	unlink(path);
	rmdir(dir);
}
