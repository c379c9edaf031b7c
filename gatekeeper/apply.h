/* SPDX-License-Identifier: GPL-2.0 */
/* Writing a configuration into the BPF maps, one generation at a time. */
#ifndef WATCHBPF_APPLY_H
#define WATCHBPF_APPLY_H

#include "gatekeeper/config.h"

struct watchbpf;

/*
 * Writes cfg as generation gen (the one not in force), replacing whatever
 * that generation held. The programs see none of it until the caller flips
 * active_gen. Returns 0 or -errno, with err saying which loader failed.
 */
int apply_generation(struct watchbpf *skel, const struct wb_policy *pol,
		     const struct wb_config *cfg, unsigned int gen, char *err, size_t errlen);

/* Removes generation GEN's entries from hash map FD, whose keys start
 * with the generation (struct wbpf_digest_key, struct wbpf_kfunc_key).
 * 0 or -errno. */
int apply_clear_gen(int fd, unsigned int gen);

#endif
