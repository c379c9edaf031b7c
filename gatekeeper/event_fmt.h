/* SPDX-License-Identifier: GPL-2.0 */
/* One decision, one line: the proposal's human format. */
#ifndef WATCHBPF_EVENT_FMT_H
#define WATCHBPF_EVENT_FMT_H

#include <stddef.h>

#include "bpf/watchbpf.h"
#include "gatekeeper/names.h"
#include "policy/policy.h"

/* "Approved", "BPFDenied" */
const char *action_name(unsigned int action);
/* "not-loader", "unknown-digest"; NULL for none */
const char *reason_name(unsigned int reason);

/*
 * process: eve pid: 284 pod: eve op: load type: xdp name: from_netdev action: BPFDenied reason: not-loader
 * Fields in this order; type/name only when known, "audit" after the
 * action in audit mode, loader last when the task is one.
 * Returns the length snprintf would write.
 */
int event_format_text(const struct wbpf_event *e, const struct wb_names *names,
		      const struct wb_policy *pol, char *buf, size_t len);

#endif
