// SPDX-License-Identifier: GPL-2.0
/* The program Eve tries to load with bpftool. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int from_netdev(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
