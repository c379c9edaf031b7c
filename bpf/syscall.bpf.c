// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf() syscall, for every command: loaders pass (their objects are
 * judged by the object hooks), everyone else gets the policy's default:
 * deny, allow, or restrict to the initial mount namespace, minus "block".
 * And BPF objects' fds passed between processes.
 */
#include "bpf/probe.bpf.h"
#include "bpf/scan.bpf.h"
#include "bpf/self.bpf.h"

/* The kernel's file operations of BPF objects: a file with these is one.
 * Declared here alone: the BPF static linker cannot resolve one from two
 * objects. */
extern const void bpf_map_fops __ksym;
extern const void bpf_prog_fops __ksym;
extern const void bpf_link_fops __ksym;

/*
 * For the log only, never judged: the BTF object of a kfunc a program that
 * the bpf hook logs calls (the kernel has not read fd_array yet, and the
 * fd's file is not checked to be a BTF's: a wrong id names nothing, and
 * the verifier refuses a program whose fd is no BTF's).
 */
static __always_inline __u8 scan_kfunc(struct wbpf_scan *s, __u32 type_id, __s16 off,
				       __u32 *btf_id)
{
	struct btf *btf;
	struct file *f;
	int fd;

	*btf_id = 0;
	if (off > 0 && s->fd_array &&
	    !bpf_probe_read_user(&fd, sizeof(fd), (void *)(s->fd_array + off * sizeof(int)))) {
		f = file_of_fd(fd);
		btf = f ? BPF_CORE_READ(f, private_data) : NULL;
		*btf_id = btf ? BPF_CORE_READ(btf, id) : 0;
	}
	return WB_R_NONE;
}

/* What a program the bpf hook logs calls, from the caller's copy of its
 * instructions: what learning from an audit run needs (learn/). Not for a
 * load refused for real: Eve's flood of them would have each one scan
 * (the kernel has not checked insn_cnt yet: at most its own limit). */
static __always_inline void describe_calls(struct wbpf_event *e, union bpf_attr *attr)
{
	struct wbpf_scan *s;

	if (e->action != WB_ACT_APPROVED && !(e->flags & WB_EV_AUDIT))
		return;
	s = scan_begin();
	if (!s)
		return;
	s->insns = BPF_CORE_READ(attr, insns);
	s->len = e->insn_cnt < WB_MAX_PROG_INSNS ? e->insn_cnt : WB_MAX_PROG_INSNS;
	s->fd_array = BPF_CORE_READ(attr, fd_array);
	s->user = 1;
	s->collect = 1;
	scan_prog(s);
	scan_kfuncs(s);
	scan_to_event(s, e);
	scan_end();
}

/* The object the command creates or names, for the log. */
static __always_inline void describe(struct wbpf_event *e, int cmd, union bpf_attr *attr)
{
	const char *name;

	if (cmd == BPF_PROG_LOAD) {
		e->obj_type = BPF_CORE_READ(attr, prog_type);
		e->insn_cnt = BPF_CORE_READ(attr, insn_cnt);
		e->attach_type = BPF_CORE_READ(attr, expected_attach_type);
		name = attr->prog_name;
		e->has_obj = WB_OBJ_PROG;
		describe_calls(e, attr);
	} else if (cmd == BPF_MAP_CREATE) {
		e->obj_type = BPF_CORE_READ(attr, map_type);
		name = attr->map_name;
		e->has_obj = WB_OBJ_MAP;
	} else {
		if (cmd == BPF_OBJ_GET || cmd == BPF_OBJ_PIN) {
			const char *p = (const char *)BPF_CORE_READ(attr, pathname);

			if (bpf_probe_read_user_str(e->path, sizeof(e->path), p) > 0)
				e->flags |= WB_EV_PATH;
		}
		return;
	}
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), name);
}

/* The map behind FD in the current task's file table, or NULL. Racy (the
 * fd can change before the kernel looks), so it only decides what the fd
 * checks at bpf_map already guarantee, and names the map in the log. */
static __always_inline struct bpf_map *map_of_fd(int fd)
{
	struct file *f = file_of_fd(fd);

	if (!f || BPF_CORE_READ(f, f_op) != (void *)&bpf_map_fops)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

static __always_inline bool writes_map(int cmd)
{
	return cmd == BPF_MAP_UPDATE_ELEM || cmd == BPF_MAP_DELETE_ELEM ||
	       cmd == BPF_MAP_LOOKUP_AND_DELETE_ELEM || cmd == BPF_MAP_FREEZE ||
	       cmd == BPF_MAP_UPDATE_BATCH || cmd == BPF_MAP_DELETE_BATCH ||
	       cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH;
}

/* Reads of a map through its fd: named in a loader's records, not judged
 * (a read needs no more than the fd, which bpf/map.bpf.c judged). */
static __always_inline bool reads_map(int cmd)
{
	return cmd == BPF_MAP_LOOKUP_ELEM || cmd == BPF_MAP_GET_NEXT_KEY ||
	       cmd == BPF_MAP_LOOKUP_BATCH;
}

/* Commands whose object hook (bpf_prog_load, bpf_map, bpf_prog) logs the
 * loader's decision with the object's details; a token's creation, the
 * bpf_token_create hook (bpf/token.bpf.c). */
static __always_inline bool judged_by_object(int cmd)
{
	return cmd == BPF_PROG_LOAD || cmd == BPF_MAP_CREATE || cmd == BPF_MAP_GET_FD_BY_ID ||
	       cmd == BPF_PROG_GET_FD_BY_ID || cmd == BPF_TOKEN_CREATE;
}

static __always_inline int loader_bpf(int cmd, union bpf_attr *attr, struct wbpf_task *t,
				      struct wbpf_loader_cfg *c, struct wbpf_defaults *d)
{
	bool audit = d->audit || (c->flags & WB_LC_AUDIT);
	__u8 action = WB_ACT_APPROVED, reason = WB_R_NONE, flags = 0;
	char name[WB_NAME_LEN] = {};
	struct bpf_map *map = NULL;
	struct wbpf_event *e;
	int ret = 0;

	t->cur_cmd = cmd;
	t->in_probe = 0;
	if (tainted(t)) {
		action = WB_ACT_DENIED;
		reason = WB_R_TAINTED;
	} else if (judged_by_object(cmd)) {
		return 0;
	} else if (attaches(cmd, attr) && holds_probe()) {
		/* a probe must not be attached: none of its process's attaches
		 * goes through while it holds one (bpf/probe.bpf.h) */
		action = WB_ACT_DENIED;
		reason = WB_R_PROBE_HELD;
	} else if (writes_map(cmd) || reads_map(cmd)) {
		int fd = cmd >= BPF_MAP_LOOKUP_BATCH && cmd <= BPF_MAP_DELETE_BATCH ?
				 BPF_CORE_READ(attr, batch.map_fd) :
				 BPF_CORE_READ(attr, map_fd);
		bool writes = writes_map(cmd);

		/* named in the log for every loader, judged for those with
		 * rules; reads only named, so that learn/ tells ro from rw */
		map = map_of_fd(fd);
		if (map)
			bpf_probe_read_kernel_str(name, sizeof(name), map->name);
		if (map && writes && (c->flags & WB_LC_HAS_MAPS))
			reason = map_refusal(map_rule_access(c, name), name, true);
		/* the fd table can change before the kernel looks: a
		 * process holding a write-mode fd of a read-only map
		 * writes nothing (bpf/map.bpf.c) */
		if (!reason && writes && (c->flags & WB_LC_HAS_MAPS)) {
			struct wbpf_task *lt = leader_mark();

			if (lt && lt->ro_writable)
				reason = WB_R_MAP_RO;
		}
		if (reason)
			action = WB_ACT_DENIED;
	}
	if (action != WB_ACT_APPROVED)
		flags = enforce(audit, c->flags & WB_LC_KILL, &ret);

	e = event_start(cmd, action, reason, t->loader_id, flags);
	if (!e)
		return ret;
	describe(e, cmd, attr);
	if (map) {
		__builtin_memcpy(e->name, name, sizeof(name));
		e->has_obj = WB_OBJ_MAP;
		e->obj_type = BPF_CORE_READ(map, map_type);
		e->obj_id = BPF_CORE_READ(map, id);
	}
	bpf_ringbuf_submit(e, 0);
	return ret;
}

static __always_inline bool in_initial_mnt_ns(struct wbpf_defaults *d)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) == d->mnt_ns_inum;
}

SEC("lsm/bpf")
int BPF_PROG(wb_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	struct wbpf_task *t = current_mark();
	__u8 action = WB_ACT_APPROVED, reason = WB_R_NONE, flags = 0;
	struct wbpf_loader_cfg *c;
	struct wbpf_defaults *d;
	struct wbpf_event *e;
	__u32 gen;
	int ret = 0;

	if (t && t->daemon) {
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;

		/* who the daemon is, in the init pid namespace, whatever
		 * namespace it runs in: bpf/self.bpf.c guards this process */
		if (self_tgid != tgid)
			self_tgid = tgid;
		return 0;
	}
	/* links have no hook of their own where their fds are made */
	if (cmd == BPF_LINK_GET_FD_BY_ID && is_self(WB_SELF_LINK, BPF_CORE_READ(attr, link_id)))
		return self_refuse(cmd, 0, 0, BPF_CORE_READ(attr, link_id));
	gen = current_gen();
	d = defaults_of(gen);
	if (!d)
		return 0;
	c = cfg_of(t, gen);
	if (c)
		return loader_bpf(cmd, attr, t, c, d);

	if (d->bpf == WBPF_BPF_DENY) {
		reason = WB_R_NOT_LOADER;
	} else if (d->bpf == WBPF_BPF_RESTRICT && !in_initial_mnt_ns(d)) {
		reason = WB_R_NAMESPACE;
	} else if (cmd < 64 && (d->block & (1ULL << cmd))) {
		reason = WB_R_BLOCKED;
	}
	if (reason) {
		action = WB_ACT_DENIED_TASK;
		flags = enforce(d->audit, d->kill, &ret);
	} else if (cmd == BPF_TOKEN_CREATE) {
		return 0; /* default.tokens decides, and logs (bpf/token.bpf.c) */
	}
	e = event_start(cmd, action, reason, 0, flags);
	if (e) {
		describe(e, cmd, attr);
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}

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

/*
 * A BPF fd passed in (MAP and PROG: file->private_data, read as untrusted
 * pointers) is judged as if the receiver had asked for it itself:
 * a loader by its map rules (MAP or PROG, the one received) or by program
 * ownership, a task that is no loader by default.bpf, under which its
 * GET_FD_BY_ID would have been refused too. Else Alice could hand Eve a
 * map Eve writes through mmap, or Bob's map to Carol.
 */
static __always_inline int fd_received(struct bpf_map *map, struct bpf_prog *prog, __u32 id,
				       fmode_t fmode)
{
	char name[WB_NAME_LEN] = {};
	struct wbpf_prog_owner *o;
	struct wbpf_defaults *d;
	struct wbpf_event *e;
	struct wbpf_task *lt;
	struct loader_ctx l;
	__u8 reason = WB_R_NONE, action = WB_ACT_DENIED, flags;
	__u32 loader_id = 0;
	__u64 aux;
	int ret;

	if (map)
		bpf_probe_read_kernel_str(name, sizeof(name), map->name);
	if (current_loader(&l)) {
		if (map && (l.c->flags & WB_LC_HAS_MAPS)) {
			reason = map_refusal(map_rule_access(l.c, name), name,
					     fmode & WB_FMODE_WRITE);
			/* as at GET_FD_BY_ID: a read-write fd of a read-only
			 * map costs the process its map writes */
			if (reason == WB_R_MAP_RO &&
			    !(BPF_CORE_READ(map, map_flags) & WB_F_MMAPABLE)) {
				lt = leader_mark();
				if (lt) {
					lt->ro_writable = 1;
					reason = WB_R_NONE;
				}
			}
		} else if (prog) {
			aux = (__u64)BPF_CORE_READ(prog, aux);
			o = bpf_map_lookup_elem(&prog_owner, &aux);
			if (o && o->loader_id != l.t->loader_id)
				reason = WB_R_PROG_OWNER;
		}
		if (!reason)
			return 0;
		loader_id = l.t->loader_id;
		flags = enforce(loader_audits(&l), l.c->flags & WB_LC_KILL, &ret);
	} else {
		if (is_daemon())
			return 0;
		d = defaults_of(current_gen());
		if (!d)
			return 0;
		if (d->bpf == WBPF_BPF_DENY)
			reason = WB_R_NOT_LOADER;
		else if (d->bpf == WBPF_BPF_RESTRICT && !in_initial_mnt_ns(d))
			reason = WB_R_NAMESPACE;
		if (!reason)
			return 0;
		action = WB_ACT_DENIED_TASK;
		flags = enforce(d->audit, d->kill, &ret);
	}
	e = event_start(WB_OP_FD_RECEIVE, action, reason, loader_id, flags);
	if (e) {
		e->has_obj = map ? WB_OBJ_MAP : prog ? WB_OBJ_PROG : 0;
		e->obj_type = map ? BPF_CORE_READ(map, map_type) : prog ? BPF_CORE_READ(prog, type) : 0;
		e->obj_id = id;
		__builtin_memcpy(e->name, name, sizeof(name));
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}

/* BPF fds passed from one process to another (SCM_RIGHTS, pidfd_getfd,
 * binder), which no fd-creation hook sees: none of watchbpf's own objects
 * leaves the daemon (bpf/self.bpf.h), no feature probe its process
 * (bpf/probe.bpf.h), where no slot would hold it, and the rest is judged
 * as the receiver's own request (fd_received()). Here because the fops
 * ksyms are: the BPF static linker resolves one from a single object. */
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
		return fd_received(NULL, prog, id, file->f_mode);
	} else if (fops == (void *)&bpf_map_fops) {
		map = file->private_data;
		id = BPF_CORE_READ(map, id);
		if (is_self(WB_SELF_MAP, id) && !is_daemon())
			return self_refuse(WB_OP_FD_RECEIVE, WB_OBJ_MAP, BPF_CORE_READ(map, map_type),
					   id);
		return fd_received(map, NULL, id, file->f_mode);
	} else if (fops == (void *)&bpf_link_fops) {
		link = file->private_data;
		id = BPF_CORE_READ(link, id);
		if (is_self(WB_SELF_LINK, id) && !is_daemon())
			return self_refuse(WB_OP_FD_RECEIVE, 0, 0, id);
		return fd_received(NULL, NULL, id, file->f_mode);
	}
	return 0;
}
