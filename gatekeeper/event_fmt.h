/* SPDX-License-Identifier: GPL-2.0 */
/* What a decision event says, in words: action, reason, loader. */
#ifndef WATCHBPF_EVENT_FMT_H
#define WATCHBPF_EVENT_FMT_H

#include <stddef.h>
#include <linux/types.h>

#include "bpf/watchbpf.h"
#include "gatekeeper/config.h"
#include "gatekeeper/names.h"

struct wb_pods;
struct wb_calls;
struct wb_exes;

/* Everything an event's numbers are resolved against. */
struct wb_fmt_ctx {
	const struct wb_names *names;
	const struct wb_ids *ids; /* may be NULL */
	const struct wb_config *cfg; /* may be NULL: no grants */
	struct wb_pods *pods; /* may be NULL: no Kubernetes pod names (gatekeeper/pod.h) */
	struct wb_calls *calls; /* may be NULL: kfuncs by BTF id (gatekeeper/calls.h) */
	struct wb_exes *exes; /* may be NULL: no exe for bpf() records (gatekeeper/exe_id.h) */
};

/* "Approved" (for an exec: the grants, "ProgApproved,MapsReadOnly"),
 * "BPFDenied", "Denied", "Tainted"; ",Killed" appended when killed. */
const char *event_action(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx, char *buf,
			 size_t len);
/* "not-loader", "helper:probe_write_user", "collateral:/x.o", ...; NULL for none */
const char *event_reason(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx, char *buf,
			 size_t len);
/* prog or map type name ("xdp", "hash"), NULL when the event has no object */
const char *event_type(const struct wbpf_event *e, char *buf, size_t len);
/* An adoption refused for the code a process has mapped: e->path is that
 * code's file, not the executable. */
bool event_code_reason(const struct wbpf_event *e);
const char *event_loader(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx);

/*
 * process: eve pid: 284 pod: eve op: load type: xdp name: from_netdev action: BPFDenied reason: not-loader
 * Fields in this order; type/name only when known, "audit" after the
 * action in audit mode, loader last when the task is one.
 * Returns the length snprintf would write.
 */
int event_format_text(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx, char *buf,
		      size_t len);

#endif
