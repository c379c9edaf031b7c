// SPDX-License-Identifier: GPL-2.0
/* fmod_ret on the bpf() security hook: a program that could overrule every
 * decision of every LSM, watchbpf's included. Nobody loads it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fmod_ret/security_bpf")
int BPF_PROG(fmod_bpf)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
