// SPDX-License-Identifier: GPL-2.0
/* An XDP program calling vmlinux kfuncs (bpf_rcu_read_lock/unlock, which
 * every program type may call): what deny_kfuncs and allow_kfuncs judge,
 * loaded by bpftool in the VM tests (96-kfuncs). */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("xdp")
int kf_rcu(struct xdp_md *ctx)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
