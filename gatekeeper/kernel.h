/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel offers: used by `doctor` and, before loading
 * anything, by the gatekeeper, so a missing feature gets one clear line. */
#ifndef WATCHBPF_KERNEL_H
#define WATCHBPF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/* The active LSM list from securityfs into buf; -errno when unreadable. */
int kernel_lsm_list(char *buf, size_t len);
/* True when "bpf" is an element of a comma-separated LSM list. */
bool lsm_list_has_bpf(const char *list);

/*
 * Checks everything the gatekeeper needs: BTF, the BPF LSM, the hooks and
 * kfuncs. Returns 0, or -1 with a one-line explanation in why. *btf gets
 * the vmlinux BTF on success (the caller frees it with btf__free).
 */
int kernel_preflight(struct btf **btf, char *why, size_t len);

/* Loads a trivial BPF LSM program to see whether the kernel allows it:
 * 0 when it does, else -errno (EPERM on kernels that refuse them). */
int kernel_probe_lsm_load(const struct btf *vmlinux);

#endif
