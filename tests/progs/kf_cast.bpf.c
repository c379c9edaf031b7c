// SPDX-License-Identifier: GPL-2.0
/* An XDP program reading kernel memory through a kfunc, bpf_rdonly_cast,
 * with no helper at all: what kernel_reads: false must keep out too
 * (96-kfuncs). */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

SEC("xdp")
int kf_cast(struct xdp_md *ctx)
{
	struct xdp_buff *x = bpf_rdonly_cast(ctx, bpf_core_type_id_kernel(struct xdp_buff));

	return x->data_end - x->data > 14 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
