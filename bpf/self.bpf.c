// SPDX-License-Identifier: GPL-2.0
/*
 * BPF fds that pass from one process to another (SCM_RIGHTS, pidfd_getfd,
 * binder): none of watchbpf's own objects (bpf/self.bpf.h) leaves the
 * daemon, and no feature probe its process (bpf/probe.bpf.h), where no slot
 * would hold it. The fd-creation hooks never see these fds.
 */
#include "bpf/probe.bpf.h"
#include "bpf/self.bpf.h"

/* The kernel's file operations of BPF objects. */
extern const struct file_operations bpf_prog_fops __ksym;
extern const struct file_operations bpf_map_fops __ksym;
extern const struct file_operations bpf_link_fops __ksym;

/* A received fd of a probe: refused (audit mode aside), and said. */
static __always_inline int probe_received(struct bpf_prog *prog)
{
	struct wbpf_defaults *d = defaults_of(current_gen());
	struct wbpf_task *t = current_mark();
	struct wbpf_event *e;
	__u8 flags;
	int ret;

	if (!d)
		return 0;
	flags = enforce(d->audit, false, &ret);
	e = event_start(WB_OP_FD_RECEIVE, WB_ACT_DENIED, WB_R_PROBE_FD, t ? t->loader_id : 0,
			flags);
	if (e) {
		e->has_obj = WB_OBJ_PROG;
		e->obj_type = BPF_CORE_READ(prog, type);
		e->obj_id = BPF_CORE_READ(prog, aux, id);
		e->insn_cnt = BPF_CORE_READ(prog, len);
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}

SEC("lsm/file_receive")
int BPF_PROG(wb_file_receive, struct file *file)
{
	const void *fops = file->f_op;
	struct wbpf_prog_owner *o;
	struct bpf_prog *prog;
	struct bpf_map *map;
	struct bpf_link *link;
	__u32 id;
	__u64 aux;

	if (fops == (void *)&bpf_prog_fops) {
		prog = file->private_data;
		id = BPF_CORE_READ(prog, aux, id);
		if (is_self(WB_SELF_PROG, id) && !is_daemon())
			return self_refuse(WB_OP_FD_RECEIVE, WB_OBJ_PROG, BPF_CORE_READ(prog, type),
					   id);
		aux = (__u64)BPF_CORE_READ(prog, aux);
		o = bpf_map_lookup_elem(&prog_owner, &aux);
		if (o && (o->flags & WB_PO_PROBE) && !is_daemon())
			return probe_received(prog);
	} else if (fops == (void *)&bpf_map_fops) {
		map = file->private_data;
		id = BPF_CORE_READ(map, id);
		if (is_self(WB_SELF_MAP, id) && !is_daemon())
			return self_refuse(WB_OP_FD_RECEIVE, WB_OBJ_MAP, BPF_CORE_READ(map, map_type),
					   id);
	} else if (fops == (void *)&bpf_link_fops) {
		link = file->private_data;
		id = BPF_CORE_READ(link, id);
		if (is_self(WB_SELF_LINK, id) && !is_daemon())
			return self_refuse(WB_OP_FD_RECEIVE, 0, 0, id);
	}
	return 0;
}
