// SPDX-License-Identifier: GPL-2.0
/*
 * Programs: a loader's program is judged at bpf_prog_load, on the kernel's
 * own copy of its instructions (no TOCTOU with user memory), by its
 * metadata: type, expected attach type, name, size, and the helpers and
 * kfuncs it calls, found by scanning every instruction. Its code may be
 * generated at run time: only what it is, never its bytes, matters.
 */
#include "bpf/probe.bpf.h"
#include "bpf/scan.bpf.h"
#include "bpf/kfunc.bpf.h"
#include "bpf/self.bpf.h"
#include "bpf/signed.bpf.h"

#define WB_LOCKDOWN_BPF_WRITE_USER 17
#define WB_LOCKDOWN_BPF_READ_KERNEL 24

static __always_inline bool name_allowed(struct wbpf_loader_cfg *c, const char *s)
{
	struct wbpf_name name;

	wb_name_prepare(&name, s);
	return first_match(c->names, c->nr_names < WB_MAX_GLOBS ? c->nr_names : WB_MAX_GLOBS,
			   &name) >= 0;
}

/* The reason a loader may not load PROG, or WB_R_NONE; *detail for the
 * log. S: the scan, whose findings the event reports. */
static __always_inline __u8 judge(struct bpf_prog *prog, union bpf_attr *attr,
				  struct wbpf_loader_cfg *c, const char *name, __u32 gen,
				  struct wbpf_scan *s, __u32 *detail)
{
	__u32 type = prog->type, eat = prog->expected_attach_type, len = prog->len;

	/* The scan runs first, though a bad name is the reason given
	 * before its findings: the name's length forks the verifier's
	 * states, and on 7.x each one verifies the bpf_loop callback anew
	 * (580,000 instructions processed, a minute under emulation, where
	 * this order takes 35,000). It always runs: the log says what the
	 * program calls, whatever the rules. */
	s->insns = (__u64)__builtin_preserve_access_index(&prog->insnsi);
	s->len = len;
	s->fd_array = BPF_CORE_READ(attr, fd_array);
	s->gen = gen;
	s->collect = 1;
	s->no_kernel_reads = !!(c->flags & WB_LC_NO_KERNEL_READS);
	s->kfunc_rules = !!(c->flags & WB_LC_KFUNC_RULES);
	s->allow_kfuncs = !!(c->flags & WB_LC_ALLOW_KFUNCS);
	__builtin_memcpy(s->deny, c->deny_helpers, sizeof(s->deny));
	scan_prog(s);
	scan_kfuncs(s);
	if (c->prog_types && (type >= 64 || !(c->prog_types & (1ULL << type)))) {
		*detail = type;
		return WB_R_PROG_TYPE;
	}
	if ((c->attach_types[0] || c->attach_types[1]) &&
	    (eat >= 128 || !(c->attach_types[(eat / 64) & 1] & (1ULL << (eat % 64))))) {
		*detail = eat;
		return WB_R_ATTACH_TYPE;
	}
	if (c->max_insns && len > c->max_insns) {
		*detail = len;
		return WB_R_MAX_INSNS;
	}
	if (c->nr_names && !name_allowed(c, name))
		return WB_R_PROG_NAME;
	if ((c->flags & WB_LC_PROG_SIGNED) && !prog_signed(prog, attr, detail))
		return WB_R_UNSIGNED_PROG;
	*detail = s->found;
	return s->reason;
}

SEC("lsm/bpf_prog_load")
int BPF_PROG(wb_prog_load, struct bpf_prog *prog, union bpf_attr *attr, struct bpf_token *token)
{
	struct wbpf_prog_owner owner = {};
	struct wbpf_scan *s;
	struct loader_ctx l;
	struct wbpf_task *t;
	char name[WB_NAME_LEN] = {};
	struct wbpf_loader_cfg *c;
	struct wbpf_event *e;
	__u8 reason, flags = 0;
	__u32 detail = 0;
	__u64 aux;
	int ret = 0;

	if (targets_security(prog) && !is_daemon())
		return self_refuse(BPF_PROG_LOAD, WB_OBJ_PROG, prog->type, 0);
	if (!current_loader(&l))
		return 0; /* the daemon, or not a loader: judged by the bpf hook */
	t = l.t;
	c = l.c;
	aux = (__u64)prog->aux;
	owner.loader_id = t->loader_id;

	bpf_probe_read_kernel_str(name, sizeof(name), attr->prog_name);
	s = scan_begin();
	if (!s)
		return -ENOMEM; /* unjudged: no program goes through */
	s->loader_id = t->loader_id;
	reason = judge(prog, attr, c, name, current_gen(), s, &detail);
	kfunc_note(t, s);
	t->in_probe = 0;
	if (reason && !tainted(t) && probe_door(prog, &l, reason, &owner, &aux)) {
		count_probe(BPF_PROG_LOAD, t->loader_id);
		t->in_probe = 1; /* for locked_down, which the verifier asks next */
		scan_end();
		return 0;
	}
	if (reason)
		flags = enforce(loader_audits(&l), c->flags & WB_LC_KILL, &ret);
	if (!ret)
		bpf_map_update_elem(&prog_owner, &aux, &owner, BPF_ANY);

	e = event_start(BPF_PROG_LOAD, reason ? WB_ACT_DENIED : WB_ACT_APPROVED, reason,
			t->loader_id, flags);
	if (!e) {
		scan_end();
		return ret;
	}
	e->has_obj = WB_OBJ_PROG;
	e->obj_type = prog->type;
	e->insn_cnt = prog->len;
	e->attach_type = prog->expected_attach_type;
	e->detail = detail;
	if (s->found_kfunc && reason == s->reason)
		e->flags |= WB_EV_KFUNC_DETAIL;
	scan_to_event(s, e);
	__builtin_memcpy(e->name, name, sizeof(name));
	bpf_ringbuf_submit(e, 0);
	scan_end();
	return ret;
}

/* A new fd of a program: a loader gets none of another loader's programs,
 * and none of a probe but at its load. */
SEC("lsm/bpf_prog")
int BPF_PROG(wb_prog_fd, struct bpf_prog *prog)
{
	struct wbpf_prog_owner *owner;
	struct loader_ctx l;
	struct wbpf_task *t;
	struct wbpf_loader_cfg *c;
	struct wbpf_event *e;
	__u8 reason = WB_R_NONE, flags = 0;
	__u64 aux = (__u64)prog->aux;
	__u32 op;
	int ret = 0;

	if (is_self(WB_SELF_PROG, prog->aux->id) && !is_daemon())
		return self_refuse(WB_OP_PROG_FD, WB_OBJ_PROG, prog->type, prog->aux->id);
	if (!current_loader(&l))
		return 0; /* the daemon, or not a loader: judged by the bpf hook */
	t = l.t;
	c = l.c;
	owner = bpf_map_lookup_elem(&prog_owner, &aux);
	if (owner && owner->loader_id != t->loader_id)
		reason = WB_R_PROG_OWNER;
	else if (t->cur_cmd == BPF_PROG_LOAD && (c->flags & WB_LC_KFUNC_RULES) &&
		 !kfunc_recheck(prog, t))
		reason = WB_R_KFUNC_CHANGED;
	else if (owner && (owner->flags & WB_PO_PROBE) && t->cur_cmd != BPF_PROG_LOAD)
		reason = WB_R_PROBE_FD;
	else if (t->cur_cmd != BPF_PROG_GET_FD_BY_ID)
		return 0; /* its own program (e.g. at load): nothing to log */
	if (reason)
		flags = enforce(loader_audits(&l), c->flags & WB_LC_KILL, &ret);
	op = t->cur_cmd;
	/* kfunc-changed ends a load: the load's record */
	if (reason == WB_R_KFUNC_CHANGED)
		op = BPF_PROG_LOAD;
	else if (op != BPF_PROG_GET_FD_BY_ID && op != BPF_OBJ_GET)
		op = WB_OP_PROG_FD;
	e = event_start(op, reason ? WB_ACT_DENIED : WB_ACT_APPROVED, reason, t->loader_id, flags);
	if (!e)
		return ret;
	e->has_obj = WB_OBJ_PROG;
	e->obj_type = prog->type;
	e->obj_id = prog->aux->id;
	e->insn_cnt = prog->len;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), prog->aux->name);
	bpf_ringbuf_submit(e, 0);
	return ret;
}

SEC("lsm/bpf_prog_free")
int BPF_PROG(wb_prog_free, struct bpf_prog *prog)
{
	__u64 aux = (__u64)prog->aux;

	bpf_map_delete_elem(&prog_owner, &aux);
	return 0;
}

/*
 * The verifier asks lockdown before it lets a program use
 * bpf_probe_write_user or the kernel-read helpers: a second line behind the
 * instruction scan, for loaders whose policy forbids them.
 */
SEC("lsm/locked_down")
int BPF_PROG(wb_locked_down, enum lockdown_reason what)
{
	struct wbpf_loader_cfg *c;
	struct wbpf_event *e;
	struct loader_ctx l;
	__u8 reason = 0, flags;
	__u32 helper = 0;
	int ret;

	if (what != WB_LOCKDOWN_BPF_READ_KERNEL && what != WB_LOCKDOWN_BPF_WRITE_USER)
		return 0;
	if (!current_loader(&l) || l.t->cur_cmd != BPF_PROG_LOAD || l.t->in_probe)
		return 0;
	c = l.c;
	if (what == WB_LOCKDOWN_BPF_READ_KERNEL && (c->flags & WB_LC_NO_KERNEL_READS)) {
		reason = WB_R_KERNEL_READ;
		helper = BPF_FUNC_probe_read_kernel;
	} else if (what == WB_LOCKDOWN_BPF_WRITE_USER &&
		   (c->deny_helpers[0] & (1ULL << BPF_FUNC_probe_write_user))) {
		reason = WB_R_HELPER;
		helper = BPF_FUNC_probe_write_user;
	}
	if (!reason)
		return 0;
	flags = enforce(loader_audits(&l), false, &ret);
	e = event_start(BPF_PROG_LOAD, WB_ACT_DENIED, reason, l.t->loader_id, flags);
	if (e) {
		e->detail = helper;
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}
