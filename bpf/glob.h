/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Name globs the verifier can afford: at most one '*', '?' anywhere. A glob
 * is a prefix and a suffix, each compared as two masked 64-bit words ('?'
 * is a zero mask byte); the suffix against the name reversed. No loops over
 * rules' characters, so checking 16 rules costs the verifier almost nothing.
 * The same code runs in the BPF programs and in the host's unit tests.
 */
#ifndef WATCHBPF_GLOB_H
#define WATCHBPF_GLOB_H

#define WB_GLOB_LEN 16 /* BPF_OBJ_NAME_LEN */

struct wbpf_glob {
	__u64 pre[2], pmask[2];
	__u64 suf[2], smask[2]; /* of the reversed suffix */
	__u8 min_len; /* prefix + suffix */
	__u8 star; /* 0: the name is exactly min_len long */
	__u8 access; /* for map rules: WBPF_ACCESS_* */
	__u8 pad[5];
};

/* A name ready for matching: its words, its reversal's words, its length. */
struct wbpf_name {
	__u64 w[2];
	__u64 r[2];
	__u32 len;
};

static inline __attribute__((always_inline)) void wb_name_prepare(struct wbpf_name *n,
								  const char *s)
{
	unsigned char *w = (unsigned char *)n->w, *r = (unsigned char *)n->r;
	__u32 len = 0;
	int i;

	n->w[0] = n->w[1] = n->r[0] = n->r[1] = 0;
	for (i = 0; i < WB_GLOB_LEN - 1; i++) {
		if (!s[i])
			break;
		w[i] = s[i];
		len++;
	}
	for (i = 0; i < WB_GLOB_LEN - 1; i++) {
		if ((__u32)i >= len)
			break;
		r[i] = w[(len - 1 - i) & (WB_GLOB_LEN - 1)];
	}
	n->len = len;
}

static inline __attribute__((always_inline)) int wb_glob_match(const struct wbpf_glob *g,
							       const struct wbpf_name *n)
{
	if (g->star ? n->len < g->min_len : n->len != g->min_len)
		return 0;
	return (n->w[0] & g->pmask[0]) == g->pre[0] && (n->w[1] & g->pmask[1]) == g->pre[1] &&
	       (n->r[0] & g->smask[0]) == g->suf[0] && (n->r[1] & g->smask[1]) == g->suf[1];
}

#endif
