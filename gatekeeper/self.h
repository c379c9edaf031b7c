/* SPDX-License-Identifier: GPL-2.0 */
/* Self-protection, the daemon's side: telling the BPF programs which
 * objects are watchbpf's own and which kernel functions are security hooks
 * (bpf/self.bpf.h). */
#ifndef WATCHBPF_SELF_H
#define WATCHBPF_SELF_H

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct bpf_link;
struct watchbpf;

/* Registers every map and program of the loaded skeleton, and the BTF ids
 * of the kernel's security_* and bpf_lsm_* functions. Before attaching:
 * from the first decision on, nobody but the daemon gets an fd of them.
 * 0, or -1 with err. */
int self_register_objects(struct watchbpf *skel, const struct btf *vmlinux, char *err,
			  size_t len);

/* Registers (add) or forgets a link of the daemon. 0, or -1 with err. */
int self_register_link(struct watchbpf *skel, const struct bpf_link *link, bool add, char *err,
		       size_t len);

/* Every attached link of the skeleton. 0, or -1 with err. */
int self_register_links(struct watchbpf *skel, char *err, size_t len);

/* Forgets a link and its program, by id, that an adopted state had and
 * that are going (gatekeeper/persist.c). */
void self_forget(struct watchbpf *skel, unsigned int link_id, unsigned int prog_id);

#endif
