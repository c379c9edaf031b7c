// SPDX-License-Identifier: GPL-2.0
/* An XDP program calling kfuncs of a module's BTF (nf_conntrack's
 * bpf_xdp_ct_lookup and bpf_ct_release): libbpf passes the module BTF's fd
 * in fd_array, which watchbpf must judge by name like vmlinux's
 * (96-kfuncs). The program never runs: only its load matters. */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* struct bpf_ct_opts of nf_conntrack_bpf.c: in the module's BTF only */
struct ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u8 reserved[2];
};

struct nf_conn;
extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *xdp_ctx, struct bpf_sock_tuple *tuple,
					 __u32 tuple__sz, struct ct_opts *opts,
					 __u32 opts__sz) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

SEC("xdp")
int kf_ct(struct xdp_md *ctx)
{
	struct ct_opts opts = { .netns_id = -1, .l4proto = 6 };
	struct bpf_sock_tuple tup = {};
	struct nf_conn *ct;

	ct = bpf_xdp_ct_lookup(ctx, &tup, sizeof(tup.ipv4), &opts, sizeof(opts));
	if (ct)
		bpf_ct_release(ct);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
