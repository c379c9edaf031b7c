// SPDX-License-Identifier: GPL-2.0
/*
 * The guards of the probe door (bpf/probe.bpf.h): a guarded probe is let
 * through on the promise that it is attached nowhere. bpf() attach commands
 * are refused in the bpf hook while the process holds one; here a perf
 * event's ioctl (PERF_EVENT_IOC_SET_BPF attaches kprobe, tracepoint and
 * perf_event programs). Its fd leaving the process: bpf/self.bpf.c.
 */
#include "bpf/probe.bpf.h"

/* perf_ioctl() asks this before every ioctl of a perf event. */
SEC("lsm/perf_event_write")
int BPF_PROG(wb_perf_event_write, struct perf_event *event)
{
	struct loader_ctx l;
	__u8 flags;
	int ret;

	if (!current_loader(&l) || !holds_probe())
		return 0;
	flags = enforce(loader_audits(&l), l.c->flags & WB_LC_KILL, &ret);
	emit(WB_OP_PERF_IOCTL, WB_ACT_DENIED, WB_R_PROBE_HELD, l.t->loader_id, flags);
	return ret;
}

SEC("lsm/bpf_map_free")
int BPF_PROG(wb_map_free, struct bpf_map *map)
{
	__u64 key = (__u64)map;

	bpf_map_delete_elem(&probe_maps, &key);
	return 0;
}
