/* SPDX-License-Identifier: GPL-2.0 */
/* A BPF decision event as a log record (log/record.h): names resolved,
 * the rule that decided named, times made wall-clock. */
#ifndef WATCHBPF_EVENT_RECORD_H
#define WATCHBPF_EVENT_RECORD_H

#include "gatekeeper/event_fmt.h"
#include "gatekeeper/pod.h"
#include "log/record.h"

/* What every record of this daemon run says about where it comes from. */
struct wb_origin {
	char host[256];
	char boot_id[40];
	const char *policy, *policy_version;
	int64_t boot_to_real_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
};

/* The record and the storage its strings point into. */
struct wb_event_record {
	struct wb_record rec;
	char comm[WB_COMM_LEN + 1], name[WB_NAME_LEN + 1], pod[WB_POD_LEN + 1];
	char exe[WB_PATH_LEN + 1], cgroup[24], op[16], type[16], action[64];
	char reason[WB_PATH_LEN + 64], rule[96], digest[FSV_DIGEST_STR_SIZE];
	/* a program load's attach type, helpers and kfuncs (log/record.h) */
	char attach[48], helpers[3072], kfuncs[1536];
	struct wb_pod k8s; /* the task's Kubernetes pod, when it is in one */
};

void origin_init(struct wb_origin *o, const char *policy, const char *policy_version);

/* Fills out from e; id is the record's decision id. */
void event_record(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
		  const struct wb_origin *o, const struct wb_policy *pol, uint64_t id,
		  struct wb_event_record *out);

#endif
