// SPDX-License-Identifier: GPL-2.0
/*
 * The guards of the probe door (bpf/probe.bpf.h): a guarded probe is let
 * through on the promise that it is attached nowhere. bpf() attach commands
 * are refused in the bpf hook while the process holds one; here the other
 * ways: a perf event's ioctl (PERF_EVENT_IOC_SET_BPF attaches kprobe,
 * tracepoint and perf_event programs), and the probe's fd leaving the
 * process (SCM_RIGHTS, pidfd_getfd), where no slot would hold it.
 */
#include "bpf/probe.bpf.h"

/* The kernel's program file operations: a file with these is a program. */
extern const void bpf_prog_fops __ksym;

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

/* An fd received from another process: never a probe's. */
SEC("lsm/file_receive")
int BPF_PROG(wb_file_receive, struct file *file)
{
	struct wbpf_prog_owner *o;
	struct wbpf_defaults *d;
	struct wbpf_event *e;
	struct wbpf_task *t;
	struct bpf_prog *prog;
	__u64 aux;
	__u8 flags;
	int ret;

	if (file->f_op != (void *)&bpf_prog_fops)
		return 0;
	prog = file->private_data;
	aux = (__u64)BPF_CORE_READ(prog, aux);
	o = bpf_map_lookup_elem(&prog_owner, &aux);
	if (!o || !(o->flags & WB_PO_PROBE))
		return 0;
	t = current_mark();
	if (t && t->daemon)
		return 0;
	d = defaults_of(current_gen());
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

SEC("lsm/bpf_map_free")
int BPF_PROG(wb_map_free, struct bpf_map *map)
{
	__u64 key = (__u64)map;

	bpf_map_delete_elem(&probe_maps, &key);
	return 0;
}
