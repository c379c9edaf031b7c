// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption actions of the test loader (included by loader.c): processes
 * that are running before the daemon starts, or while it walks /proc, and
 * try bpf() only once FLAG exists (the test makes it when the daemon is in
 * force). Each try appends one line "ROLE PID TID ok|<strerror>|timeout" to
 * OUT, in one write, so many processes can share the file.
 *
 *   wait FLAG OUT [hold|FILE]   one try, then exit; first, with "hold",
 *                               create a map and keep its fd (a process
 *                               that holds BPF objects), with FILE map it
 *                               executable (what Eve's dlopen leaves)
 *   waitthreads FLAG OUT N      N threads and the main thread, a try each
 *   forkloop FLAG OUT           fork children until FLAG exists (a child
 *                               every 100 ms, each waits and tries once)
 *   flip FLAG OUT SELF OTHER    until FLAG exists, exec OTHER (alice, bob),
 *                               which execs SELF back: a process that is a
 *                               loader and then not, tens of times a second,
 *                               while the daemon walks
 */
#include <stdbool.h>
#include <sys/wait.h>

/* Whether FLAG came: the daemon's start is slow under emulation, and
 * slower with hundreds of waiters; the scenario always makes it. */
static bool wait_flag(const char *flag)
{
	for (int i = 0; i < 18000; i++) { /* half an hour */
		if (!access(flag, F_OK))
			return true;
		usleep(100000);
	}
	return false;
}

static void put_line(const char *out, const char *role, const char *what)
{
	char line[128];
	int len, o;

	len = snprintf(line, sizeof(line), "%s %d %ld %s\n", role, getpid(), syscall(SYS_gettid),
		       what);
	o = open(out, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (o >= 0) {
		if (write(o, line, len) != len)
			failed = 1;
		close(o);
	}
}

/* One bpf() try once FLAG exists; "timeout" when it never came. */
static void try_after(const char *flag, const char *role, const char *out)
{
	int fd;

	if (!wait_flag(flag)) {
		put_line(out, role, "timeout");
		return;
	}
	fd = create_map(BPF_MAP_TYPE_ARRAY, "adopt_map", 8);
	put_line(out, role, fd < 0 ? strerror(errno) : "ok");
	if (fd >= 0)
		close(fd);
}

static const char *thread_flag, *thread_out;

static void *thread_try(void *unused)
{
	(void)unused;
	try_after(thread_flag, LOADER_NAME, thread_out);
	return NULL;
}

static int running_action(const char *how, int argc, char **argv)
{
	if (!strcmp(how, "wait") && argc > 3) {
		if (argc > 4 && !strcmp(argv[4], "hold"))
			report("map_create", create_map(BPF_MAP_TYPE_ARRAY, "held_map", 8));
		else if (argc > 4)
			map_file(argv[4], PROT_READ | PROT_EXEC);
		try_after(argv[2], LOADER_NAME, argv[3]);
	} else if (!strcmp(how, "waitthreads") && argc > 4) {
		int n = atoi(argv[4]);
		pthread_t t[16];

		thread_flag = argv[2];
		thread_out = argv[3];
		if (n > 16)
			n = 16;
		for (int i = 0; i < n; i++)
			if (pthread_create(&t[i], NULL, thread_try, NULL))
				return 2 + 2;
		thread_try(NULL);
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
	} else if (!strcmp(how, "forkloop") && argc > 3) {
		int children = 0;

		while (access(argv[2], F_OK) && children < 150) {
			pid_t pid = fork();

			if (pid == 0) {
				try_after(argv[2], LOADER_NAME, argv[3]);
				_exit(0);
			}
			if (pid > 0)
				children++;
			usleep(100000);
		}
		while (wait(NULL) > 0)
			;
	} else if (!strcmp(how, "flip") && argc > 5) {
		char *args[] = { argv[5], "flip", argv[2], argv[3], argv[5], argv[4], NULL };

		if (!access(argv[2], F_OK)) {
			try_after(argv[2], LOADER_NAME, argv[3]);
			return 2 + failed;
		}
		usleep(20000);
		execv(argv[5], args);
		return 2 + 2;
	} else {
		return 0;
	}
	return 2 + failed;
}
