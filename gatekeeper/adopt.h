/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adoption of running processes (gatekeeper/adopt.c, bpf/adopt.bpf.c): at
 * start and at every reload, each process whose executable is a loader by
 * the exec hook's rules gets the mark an exec would have given it, on every
 * thread; each adoption, refusal and non-loader holding BPF objects is
 * logged with op "adopt".
 */
#ifndef WATCHBPF_GATEKEEPER_ADOPT_H
#define WATCHBPF_GATEKEEPER_ADOPT_H

#include <stdbool.h>
#include <stddef.h>

struct gatekeeper;

struct adopt_stats {
	unsigned int adopted; /* processes marked */
	unsigned int refused; /* a loader's executable, but a check said no */
	unsigned int not_loaders; /* no loader, holding BPF objects */
	unsigned int rounds;
	bool unsettled; /* the last round still found something to do */
};

/* Walks /proc and adopts; 0, or -errno when the walk could not run (what
 * it adopted before stays adopted). */
int adopt_running(struct gatekeeper *gk, struct adopt_stats *st);

/* The daemon's one line about a walk, on stderr. */
void adopt_say(const struct adopt_stats *st, int err);

#endif
