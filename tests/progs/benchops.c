// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-path costs for `make bench`: median nanoseconds per operation over
 * BATCHES batches, for a task the policy does not concern.
 *   benchops open N FILE      open()+close() of FILE
 *   benchops openw N FILE     the same, opened for writing
 *   benchops kill N -         kill(parent, 0): a signal's permission check
 *   benchops stat N FILE      stat() of FILE: a path walk
 *   benchops forkexec N PATH  fork + exec PATH + wait
 *   benchops mmapf N FILE     mmap(PROT_READ|PROT_EXEC) of FILE + munmap
 *   benchops mmapa N -        the same of anonymous memory
 *   benchops mprotect N -     mprotect() of an anonymous page, RW and RX in turn
 *   benchops ptrace N -       process_vm_readv() of 8 bytes of a child: a
 *                             ptrace access check (attach mode)
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 21

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static volatile unsigned long long word = 1; /* what ptrace reads */
	unsigned long long per[BATCHES], got;
	struct iovec local = { (void *)&got, sizeof(got) };
	struct iovec remote = { (void *)&word, sizeof(word) };
	pid_t child = -1;
	void *page = NULL;
	unsigned long n;
	int mfd = -1;

	if (argc != 4)
		return 2;
	if (!strcmp(argv[1], "mmapf")) {
		mfd = open(argv[3], O_RDONLY);
		if (mfd < 0)
			return 1;
	} else if (!strcmp(argv[1], "mprotect")) {
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			return 1;
	} else if (!strcmp(argv[1], "ptrace")) {
		/* the same address in a forked child: another process, so the
		 * kernel asks the LSMs (a thread group's own memory it does not) */
		child = fork();
		if (child == 0) {
			pause();
			_exit(0);
		}
		if (child < 0)
			return 1;
	}
	n = strtoul(argv[2], NULL, 0) / BATCHES;
	if (!n)
		n = 1;
	for (int b = 0; b < BATCHES; b++) {
		unsigned long long t0 = now_ns();

		for (unsigned long i = 0; i < n; i++) {
			if (!strcmp(argv[1], "open") || !strcmp(argv[1], "openw")) {
				int fd = open(argv[3], argv[1][4] ? O_WRONLY : O_RDONLY);

				if (fd < 0)
					return 1;
				close(fd);
			} else if (!strcmp(argv[1], "stat")) {
				struct stat st;

				if (stat(argv[3], &st))
					return 1;
			} else if (!strcmp(argv[1], "kill")) {
				if (kill(getppid(), 0))
					return 1;
			} else if (!strcmp(argv[1], "mmapf") || !strcmp(argv[1], "mmapa")) {
				void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
					       MAP_PRIVATE | (mfd < 0 ? MAP_ANONYMOUS : 0), mfd, 0);

				if (p == MAP_FAILED)
					return 1;
				munmap(p, 4096);
			} else if (!strcmp(argv[1], "mprotect")) {
				if (mprotect(page, 4096,
					     PROT_READ | (i & 1 ? PROT_WRITE : PROT_EXEC)))
					return 1;
			} else if (!strcmp(argv[1], "ptrace")) {
				if (process_vm_readv(child, &local, 1, &remote, 1, 0) !=
				    sizeof(got))
					goto fail;
			} else {
				pid_t pid = fork();

				if (pid == 0) {
					execl(argv[3], argv[3], (char *)NULL);
					_exit(127);
				}
				if (pid < 0 || waitpid(pid, NULL, 0) < 0)
					return 1;
			}
		}
		per[b] = (now_ns() - t0) / n;
	}
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	qsort(per, BATCHES, sizeof(per[0]), cmp);
	printf("%llu\n", per[BATCHES / 2]);
	return 0;
fail:
	kill(child, SIGKILL);
	return 1;
}
