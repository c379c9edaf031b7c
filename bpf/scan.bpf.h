/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helper calls of a program being loaded, found by scanning the
 * kernel's copy of its instructions with bpf_loop(chunks, scan_chunk, ctx):
 * a loader's deny_helpers and kernel_reads (bpf/prog.bpf.c), and
 * bpf_override_return, which no loader gets (bpf/self.bpf.c). The caller
 * sets insns, len and what to look for (deny, no_kernel_reads); reason and
 * found say what was found first.
 */
#ifndef WATCHBPF_SCAN_BPF_H
#define WATCHBPF_SCAN_BPF_H

#include "bpf/common.bpf.h"

#define WB_SCAN_CHUNK 32 /* instructions read per bpf_loop step (256 bytes of stack) */

struct scan_ctx {
	const struct bpf_insn *insns;
	__u32 len;
	__u32 found; /* helper id */
	__u8 reason;
	__u8 no_kernel_reads;
	__u64 deny[WB_HELPER_WORDS];
};

static __always_inline bool reads_kernel(__u32 id)
{
	return id == BPF_FUNC_probe_read || id == BPF_FUNC_probe_read_str ||
	       id == BPF_FUNC_probe_read_kernel || id == BPF_FUNC_probe_read_kernel_str ||
	       id == BPF_FUNC_snprintf_btf || id == BPF_FUNC_seq_printf_btf;
}

static long scan_chunk(__u64 i, void *data)
{
	struct scan_ctx *ctx = data;
	struct bpf_insn buf[WB_SCAN_CHUNK];
	__u32 first = i * WB_SCAN_CHUNK;

	if (first >= ctx->len)
		return 1;
	/* reading past the end is harmless: those slots are ignored */
	if (bpf_probe_read_kernel(buf, sizeof(buf), ctx->insns + first))
		__builtin_memset(buf, 0, sizeof(buf));
	for (int j = 0; j < WB_SCAN_CHUNK; j++) {
		__u32 id;

		if (first + j >= ctx->len)
			return 1;
		if (buf[j].code != WB_CALL || buf[j].src_reg != 0)
			continue;
		id = buf[j].imm;
		if (id < 64 * WB_HELPER_WORDS && (ctx->deny[(id / 64) & 3] & (1ULL << (id % 64)))) {
			ctx->reason = WB_R_HELPER;
			ctx->found = id;
			return 1;
		}
		if (ctx->no_kernel_reads && reads_kernel(id)) {
			ctx->reason = WB_R_KERNEL_READ;
			ctx->found = id;
			return 1;
		}
	}
	return 0;
}

#endif
