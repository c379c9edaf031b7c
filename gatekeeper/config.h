/* SPDX-License-Identifier: GPL-2.0 */
/* The policy, as the BPF programs read it: one generation of loader
 * configurations, digests and defaults (bpf/watchbpf.h). */
#ifndef WATCHBPF_CONFIG_H
#define WATCHBPF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "bpf/watchbpf.h"
#include "policy/policy.h"

/* Loader ids stay with a loader's name across reloads, so the marks of
 * running loaders keep meaning the same loader. */
struct wb_ids {
	char *name[WB_MAX_LOADERS]; /* index: id; [0] unused */
};

struct wb_config {
	struct wbpf_defaults defaults;
	struct wbpf_loader_cfg cfg[WB_MAX_LOADERS]; /* index: id */
	unsigned int id_of[WB_MAX_LOADERS]; /* index: policy loader */
	char grants[WB_MAX_LOADERS][48]; /* "ProgApproved,MapsReadOnly" */
};

/*
 * Builds the configuration of a resolved policy (policy_resolve() done),
 * assigning ids through ids (new names get free ids). keyring: the trusted
 * keyring's serial, or 0. Returns 0, or -1 with err "FILE:LINE:COL: ...".
 */
int config_build(const struct wb_policy *pol, struct wb_ids *ids, int keyring,
		 unsigned long long mnt_ns_inum, struct wb_config *out, char *err, size_t errlen);

/* Whether a loader of cfg has collateral: only then is file_open hooked. */
bool config_has_collateral(const struct wb_config *cfg);

/* The id's loader name, or NULL. */
const char *config_loader_name(const struct wb_ids *ids, unsigned int id);
void config_ids_free(struct wb_ids *ids);

/* Compiles a glob of at most one '*' ('?' anywhere) for the BPF matcher.
 * Returns 0, or -1 with a reason in why. */
int glob_compile(const char *glob, struct wbpf_glob *out, const char **why);

#endif
