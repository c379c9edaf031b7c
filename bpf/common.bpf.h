/* SPDX-License-Identifier: GPL-2.0 */
/* Maps, configuration and event helpers shared by every BPF file. The maps
 * are defined once in maps.bpf.c and are extern elsewhere; the BPF static
 * linker (bpftool gen object) resolves them into one object. */
#ifndef WATCHBPF_COMMON_BPF_H
#define WATCHBPF_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/watchbpf.h"

#define EPERM 1
#define WB_CLONE_THREAD 0x00010000 /* uapi sched.h: not in BTF */

#ifdef WB_DEFINE_MAPS
#define WB_MAP
#else
#define WB_MAP extern
#endif

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct wbpf_task);
} task_marks SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WB_MAX_LOADERS);
	__type(key, struct wbpf_digest_key);
	__type(value, __u32);
} loader_digests SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wbpf_counters);
} counters SEC(".maps");

/* Set by the daemon before load. */
extern const volatile bool audit_mode;

static __always_inline struct wbpf_task *task_mark(struct task_struct *task)
{
	return bpf_task_storage_get(&task_marks, task, NULL, 0);
}

static __always_inline void count(__u8 action)
{
	__u32 zero = 0;
	struct wbpf_counters *c = bpf_map_lookup_elem(&counters, &zero);

	if (!c)
		return;
	if (action == WB_ACT_APPROVED)
		c->approved++;
	else
		c->denied++;
}

/* Reserves an event and fills in who the current task is. NULL when the
 * ring buffer is full: the drop is counted, so the daemon can report it. */
static __always_inline struct wbpf_event *event_start(__u16 op, __u8 action, __u8 reason,
						      __u32 loader_id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct kernfs_node *kn;
	struct wbpf_event *e;
	__u32 zero = 0;
	int level;

	count(action);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		struct wbpf_counters *c = bpf_map_lookup_elem(&counters, &zero);

		if (c)
			c->events_dropped++;
		return NULL;
	}
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->loader_id = loader_id;
	e->op = op;
	e->action = action;
	e->reason = reason;
	e->flags = 0;
	e->has_obj = 0;
	e->obj_type = 0;
	e->name[0] = '\0';
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	/* pod: the last component of the cgroup v2 path, "" at the root */
	e->pod[0] = '\0';
	level = BPF_CORE_READ(task, cgroups, dfl_cgrp, level);
	if (level > 0) {
		kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
		bpf_probe_read_kernel_str(e->pod, sizeof(e->pod), BPF_CORE_READ(kn, name));
	}
	return e;
}

#endif
