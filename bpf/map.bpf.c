// SPDX-License-Identifier: GPL-2.0
/*
 * Maps: where a map fd is made (create, GET_FD_BY_ID, OBJ_GET of a pin), a
 * loader with map rules gets what its rule for the map's name grants:
 * rw, ro (a read-only fd: the kernel then refuses updates through it), or
 * none. So a bug in Alice cannot break Bob's maps.
 */
#include "bpf/common.bpf.h"

static __always_inline __u8 access_of(struct wbpf_loader_cfg *c, const char *s)
{
	struct wbpf_name name;
	int i;

	wb_name_prepare(&name, s);
	i = first_match(c->maps, c->nr_maps, &name);

	return i >= 0 && i < WB_MAX_MAP_RULES ? c->maps[i].access : WBPF_ACCESS_NONE;
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

	if (!current_loader(&l))
		return 0; /* the daemon, or not a loader: judged by the bpf hook */
	t = l.t;
	c = l.c;

	op = t->cur_cmd;
	if (op != BPF_MAP_CREATE && op != BPF_MAP_GET_FD_BY_ID && op != BPF_OBJ_GET)
		op = WB_OP_MAP_FD;
	bpf_probe_read_kernel_str(name, sizeof(name), map->name);
	if (c->flags & WB_LC_HAS_MAPS) {
		access = access_of(c, name);
		if (access == WBPF_ACCESS_NONE)
			reason = WB_R_MAP_NONE;
		else if (access == WBPF_ACCESS_RO && (fmode & WB_FMODE_WRITE))
			reason = WB_R_MAP_RO;
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
