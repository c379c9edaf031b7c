// SPDX-License-Identifier: GPL-2.0
/* make bench's reference: the cost of any BPF LSM program on file_open,
 * the kernel's trampoline and nothing else. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("lsm/file_open")
int BPF_PROG(empty_file_open, struct file *file)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
