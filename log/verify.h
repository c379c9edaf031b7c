/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `watchbpf log verify`: recomputes the hash chain over a set of files and
 * checks every checkpoint's signature. docs/log-format.md says what it can
 * and cannot detect.
 */
#ifndef WATCHBPF_LOG_VERIFY_H
#define WATCHBPF_LOG_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "log/chain.h"

struct verify_opts {
	struct wb_key *keys; /* public keys a checkpoint may be signed by */
	int nr_keys;
	bool strict; /* records after the last checkpoint are an error too */
};

struct verify_result {
	uint64_t lines, bytes;
	uint64_t checkpoints; /* whose signature verified */
	uint64_t unsigned_tail; /* lines after the last verified checkpoint */
	uint64_t errors, warnings;
};

/*
 * Streams files in order as one chain and prints each problem as
 * "FILE:LINE: error|warning: ..." then a closing summary to out.
 * Returns 0 when everything verifies, 1 otherwise.
 */
int log_verify(char *const *files, int nfiles, const struct verify_opts *o, FILE *out,
	       struct verify_result *res);

#endif
