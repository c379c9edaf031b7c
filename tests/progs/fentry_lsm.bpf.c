// SPDX-License-Identifier: GPL-2.0
/* fentry on the BPF LSM's own bpf() hook, where watchbpf decides: nobody
 * watches it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fentry/bpf_lsm_bpf")
int BPF_PROG(fentry_lsm)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
