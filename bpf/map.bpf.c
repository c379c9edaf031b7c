// SPDX-License-Identifier: GPL-2.0
/*
 * Maps: where a map fd is made (create, GET_FD_BY_ID, OBJ_GET of a pin), a
 * loader with map rules gets what its rule for the map's name grants:
 * rw, ro (a read-only fd, which the kernel refuses updates through, or a
 * read-write one, whose process then writes no map), or none. So a bug in Alice cannot break Bob's maps. A map no rule names
 * is refused, unless it is a feature probe's (bpf/probe.bpf.h).
 */
#include "bpf/probe.bpf.h"
#include "bpf/self.bpf.h"

/* A feature probe's map: one element of an array, nothing else to it
 * (libbpf's libbpf_global, libbpf_mmap, libbpf_det_bind; cilium/ebpf's
 * feature_test, .test and its unnamed memlock probe). A fresh, private
 * map that holds nothing of anyone's. */
static __always_inline bool probe_map_shape(struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_ARRAY && map->max_entries == 1 &&
	       map->key_size == 4 && map->value_size <= 64 && !(map->map_flags & ~WB_MAP_F_PROBE);
}

SEC("lsm/bpf_map")
int BPF_PROG(wb_map_fd, struct bpf_map *map, fmode_t fmode)
{
	struct loader_ctx l;
	struct wbpf_task *t;
	char name[WB_NAME_LEN] = {};
	__u8 reason = WB_R_NONE, flags = 0, access;
	struct wbpf_loader_cfg *c;
	struct wbpf_event *e;
	__u32 op;
	int ret = 0;

	if (is_self(WB_SELF_MAP, map->id) && !is_daemon())
		return self_refuse(WB_OP_MAP_FD, WB_OBJ_MAP, map->map_type, map->id);
	if (!current_loader(&l))
		return 0; /* the daemon, or not a loader: judged by the bpf hook */
	t = l.t;
	c = l.c;

	op = t->cur_cmd;
	if (op != BPF_MAP_CREATE && op != BPF_MAP_GET_FD_BY_ID && op != BPF_OBJ_GET)
		op = WB_OP_MAP_FD;
	bpf_probe_read_kernel_str(name, sizeof(name), map->name);
	if (op == BPF_MAP_CREATE && !tainted(t) && probe_map_shape(map)) {
		__u64 key = (__u64)map;

		/* libbpf's probe programs reference it (global data): they
		 * may, whatever the rules that let the map be made. Without
		 * it a loader with no map rules fails every object with
		 * .rodata (execsnoop: "map referenced but wasn't created") */
		bpf_map_update_elem(&probe_maps, &key, &t->loader_id, BPF_ANY);
		if ((c->flags & WB_LC_HAS_MAPS) && map_rule_access(c, name) == WB_NO_RULE) {
			count_probe(BPF_MAP_CREATE, t->loader_id);
			return 0;
		}
	}
	if (c->flags & WB_LC_HAS_MAPS) {
		access = map_rule_access(c, name);
		reason = map_refusal(access, name, fmode & WB_FMODE_WRITE);
		if (reason == WB_R_MAP_RO && !(map->map_flags & WB_F_MMAPABLE)) {
			/* read-only, through a read-write fd: bpftool and
			 * libbpf ask for one to look up. Its process
			 * writes no map from now on (the bpf hook). A
			 * mmapable map is written without bpf(): no. */
			struct wbpf_task *lt = leader_mark();

			if (lt) {
				lt->ro_writable = 1;
				reason = WB_R_NONE;
			}
		}
	}
	if (reason)
		flags = enforce(loader_audits(&l), c->flags & WB_LC_KILL, &ret);
	else if (op != BPF_MAP_CREATE && op != BPF_MAP_GET_FD_BY_ID)
		return 0; /* approved, and the bpf hook already logged the command */

	e = event_start(op, reason ? WB_ACT_DENIED : WB_ACT_APPROVED, reason, t->loader_id, flags);
	if (!e)
		return ret;
	e->has_obj = WB_OBJ_MAP;
	e->obj_type = map->map_type;
	e->obj_id = map->id;
	__builtin_memcpy(e->name, name, sizeof(name));
	bpf_ringbuf_submit(e, 0);
	return ret;
}
