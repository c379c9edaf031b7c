// SPDX-License-Identifier: GPL-2.0
/*
 * flood THREADS TOTAL: TOTAL bpf(BPF_PROG_GET_NEXT_ID) calls spread over
 * THREADS threads, as an attacker would flood events to hide in the noise.
 * Prints how many were denied (EPERM); exit 0 when all calls were made.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct worker {
	pthread_t thread;
	unsigned long calls, denied;
};

static void *flood(void *arg)
{
	struct worker *w = arg;
	union bpf_attr attr;

	for (unsigned long i = 0; i < w->calls; i++) {
		memset(&attr, 0, sizeof(attr));
		if (syscall(SYS_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)) < 0 &&
		    errno == EPERM)
			w->denied++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long threads = argc > 1 ? strtoul(argv[1], NULL, 0) : 4;
	unsigned long total = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000;
	unsigned long denied = 0;
	struct worker *w;

	if (!threads || threads > 64)
		return 2;
	w = calloc(threads, sizeof(*w));
	if (!w)
		return 2;
	for (unsigned long i = 0; i < threads; i++) {
		w[i].calls = total / threads + (i < total % threads);
		if (pthread_create(&w[i].thread, NULL, flood, &w[i]))
			return 2;
	}
	for (unsigned long i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		denied += w[i].denied;
	}
	printf("flood: %lu calls, %lu denied\n", total, denied);
	free(w);
	return 0;
}
