// SPDX-License-Identifier: GPL-2.0
/* The bpf() syscall: only authorized loaders (and watchbpf) may use it. */
#include "bpf/common.bpf.h"

/* The object the command creates, for the log: "type: xdp name: from_x". */
static __always_inline void describe(struct wbpf_event *e, int cmd, union bpf_attr *attr)
{
	const char *name;

	if (cmd == BPF_PROG_LOAD) {
		e->obj_type = BPF_CORE_READ(attr, prog_type);
		name = attr->prog_name;
	} else if (cmd == BPF_MAP_CREATE) {
		e->obj_type = BPF_CORE_READ(attr, map_type);
		name = attr->map_name;
	} else {
		return;
	}
	e->has_obj = 1;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), name);
}

SEC("lsm/bpf")
int BPF_PROG(wb_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	struct wbpf_task *t = task_mark(bpf_get_current_task_btf());
	__u8 action = WB_ACT_APPROVED, reason = WB_R_NONE;
	__u32 id = 0;
	struct wbpf_event *e;

	if (t && t->daemon)
		return 0;
	if (t && t->loader_id)
		id = t->loader_id;
	else
		action = WB_ACT_DENIED, reason = WB_R_NOT_LOADER;

	e = event_start(cmd, action, reason, id);
	if (e) {
		describe(e, cmd, attr);
		if (action == WB_ACT_DENIED && audit_mode)
			e->flags |= WB_EV_AUDIT;
		bpf_ringbuf_submit(e, 0);
	}
	if (action == WB_ACT_APPROVED || audit_mode)
		return 0;
	return -EPERM;
}
