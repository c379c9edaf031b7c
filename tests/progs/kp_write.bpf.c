// SPDX-License-Identifier: GPL-2.0
/* A kprobe program that writes user memory (bpf_probe_write_user): what a
 * loader's deny_helpers keeps out, loaded by bpftool in the VM tests. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kp_write, void *t)
{
	char zero = 0;

	bpf_probe_write_user(t, &zero, sizeof(zero));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
