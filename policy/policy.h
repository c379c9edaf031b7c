/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy model: which loaders (executables named by their fs-verity
 * digest) may use bpf(), and whether denials are enforced or only logged.
 * docs/policy.md is the reference for the YAML form.
 */
#ifndef WATCHBPF_POLICY_H
#define WATCHBPF_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "fsverity/digest.h"

/* Larger files are refused before parsing: a policy is a few KiB. */
#define WB_POLICY_MAX_SIZE ((size_t)1 << 20)

#define WB_POLICY_NAME_MAX 63
#define WB_LOADER_NAME_MAX 31

enum wb_mode {
	WB_MODE_ENFORCE,
	WB_MODE_AUDIT,
};

struct wb_loader {
	char *name;
	bool has_digest;
	struct fsv_digest digest;
	unsigned int line; /* 1-based line of the entry in the policy file */
};

struct wb_policy {
	char *path; /* as given to policy_load_*(), for messages */
	char *name;
	enum wb_mode mode;
	struct wb_loader *loaders;
	size_t nr_loaders;
};

/*
 * Both return 0 and fill pol, or -1 with pol zeroed and err holding exactly
 * one line "FILE:LINE:COL: message" (1-based) about the first problem found,
 * or "FILE: message" when there is no position (file cannot be read, too
 * large). err may be NULL; a too small err is truncated.
 */
int policy_load_file(const char *path, struct wb_policy *pol, char *err, size_t errlen);
/* fname is only used in messages and as pol->path; text need not be
 * NUL-terminated. */
int policy_load_string(const char *fname, const char *text, size_t len, struct wb_policy *pol,
		       char *err, size_t errlen);
/* Safe on a zeroed policy and on one already freed; leaves pol zeroed. */
void policy_free(struct wb_policy *pol);

/* "enforce"/"audit", as spelled in the policy file. */
const char *wb_mode_name(enum wb_mode m);

#endif
