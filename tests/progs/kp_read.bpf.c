// SPDX-License-Identifier: GPL-2.0
/* A kprobe program that reads kernel memory through CO-RE
 * (bpf_probe_read_kernel): what kernel_reads: false keeps out, loaded by
 * bpftool in the VM tests. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kp_read)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, real_parent, tgid);
}

char LICENSE[] SEC("license") = "GPL";
