/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `watchbpf check --explain`: what a valid policy lets each loader do, in
 * words, and the combinations of keys that are risky (policy/explain.c).
 * docs/policy.md, "watchbpf check --explain", lists the warnings.
 */
#ifndef WATCHBPF_POLICY_EXPLAIN_H
#define WATCHBPF_POLICY_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "policy/policy.h"

/* More than one policy can have: a few per loader, a few about the whole. */
#define WB_RISK_MSG 640

struct wb_risk {
	const char *id; /* short and stable, for grep and docs: "tracing-kernel-reads" */
	const char *loader; /* the loader it is about; NULL: the policy as a whole */
	unsigned int line; /* 1-based line in the policy file; 0: none */
	char msg[WB_RISK_MSG];
};

/* The bytes of pol->path if they are still those pol was parsed from
 * (their SHA-256 is pol->sha256), for the positions of keys the policy
 * does not keep; NULL otherwise. Free with free(); *len gets the size. */
char *policy_explain_text(const struct wb_policy *pol, size_t *len);

/*
 * The warnings of a valid policy: the risky combinations of its keys, then
 * policy_warnings()'s, then host (policy_host_warning()'s sentence, or
 * NULL). text/len: the policy's bytes (policy_explain_text()), to point at
 * the key at fault; NULL points at the loader's entry instead. Fills up to
 * n entries of out, returns how many there are (which may be more than n).
 */
size_t policy_risks(const struct wb_policy *pol, const char *text, size_t len, const char *host,
		    struct wb_risk *out, size_t n);

/* "FILE:LINE: warning: loader 'x': message [id]" (no ":LINE" without one). */
void policy_risk_print(FILE *f, const struct wb_policy *pol, const struct wb_risk *r);

/* What the policy lets each loader and every other process do, in words,
 * then the nr risks, one a line as policy_risk_print() writes them. */
void policy_explain(FILE *f, const struct wb_policy *pol, const struct wb_risk *risks, size_t nr);

/* The lines of a loader's allow_helpers and kfunc rules (policy/explain_calls.c). */
void explain_calls(FILE *f, const struct wb_programs *p);
/* Whether a program that calls HELPER is denied: deny_helpers names it, or
 * allow_helpers does not. */
bool explain_denies_helper(const struct wb_programs *p, const char *helper);

#endif
