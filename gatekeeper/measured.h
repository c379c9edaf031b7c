/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WATCHBPF_GATEKEEPER_MEASURED_H
#define WATCHBPF_GATEKEEPER_MEASURED_H

#include "policy/policy.h"

struct bpf_link;
struct stat;
struct watchbpf;
struct wbpf_inode_key;

/* A file by its inode as the kernel keys it (bpf/measured.bpf.h): the
 * kernel's dev_t encoding and the inode number. */
void measured_inode_key(const struct stat *st, struct wbpf_inode_key *k);

/* Runs an iterator LINK over all it walks; 0, or -errno. */
int run_iter_link(struct bpf_link *link);

/*
 * Measures the files POL trusts by digest and path that have no fs-verity,
 * registers those that measure what the policy says (warning about the
 * others), and forgets the files it no longer names. *count: how many are
 * registered. 0, or -errno with err.
 */
int measured_apply(struct watchbpf *skel, const struct wb_policy *pol, unsigned int *count,
		   char *err, size_t len);

#endif
