// SPDX-License-Identifier: GPL-2.0
/* make bench's reference for signals: any BPF LSM program on task_kill,
 * the kernel's trampoline and nothing else. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("lsm/task_kill")
int BPF_PROG(empty_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
