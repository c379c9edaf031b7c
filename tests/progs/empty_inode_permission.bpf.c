// SPDX-License-Identifier: GPL-2.0
/* make bench's reference for path lookups: any BPF LSM program on inode_permission,
 * the kernel's trampoline and nothing else. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("lsm/inode_permission")
int BPF_PROG(empty_inode_permission, struct inode *inode, int mask)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
