/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's --learn FILE (learn/live.c, docs/learn.md). */
#ifndef WATCHBPF_LEARN_LIVE_H
#define WATCHBPF_LEARN_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "log/record.h"
#include "policy/policy.h"

struct learn_live;

int learn_live_new(struct learn_live **out, const char *path); /* 0 or -ENOMEM */
/* One record the daemon made; pol: the policy in force, which names its loaders */
void learn_live_add(struct learn_live *lv, const struct wb_policy *pol, const struct wb_record *r);
/* The policy file at policy_path merged with what was learned, into the
 * --learn file, atomically. 0, or -1 with err. */
int learn_live_write(struct learn_live *lv, const char *policy_path, char *err, size_t errlen);
const char *learn_live_path(const struct learn_live *lv);
uint64_t learn_live_used(const struct learn_live *lv); /* records learned from */
void learn_live_free(struct learn_live *lv);

#endif
