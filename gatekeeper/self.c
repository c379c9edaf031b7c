// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "gatekeeper/self.h"
#include "watchbpf.skel.h"

/* bpf/self.bpf.h */
#define WB_SELF_MAP 1
#define WB_SELF_PROG 2
#define WB_SELF_LINK 3

static int put(struct watchbpf *skel, uint32_t kind, uint32_t id, bool add)
{
	uint64_t key = (uint64_t)kind << 32 | id;
	uint32_t one = 1;
	int fd = bpf_map__fd(skel->maps.self_objs);

	if (add)
		return bpf_map_update_elem(fd, &key, &one, BPF_ANY) ? -errno : 0;
	return bpf_map_delete_elem(fd, &key) && errno != ENOENT ? -errno : 0;
}

static int fd_id(int fd, uint32_t *id)
{
	/* bpf_prog_info, bpf_map_info and bpf_link_info all begin with
	 * type and id */
	struct {
		uint32_t type, id;
		char rest[256];
	} info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

static int add_fd(struct watchbpf *skel, uint32_t kind, int fd, const char *what,
		  const char *name, char *err, size_t len)
{
	uint32_t id = 0;
	int e = fd_id(fd, &id);

	if (!e)
		e = put(skel, kind, id, true);
	if (e)
		snprintf(err, len, "cannot register %s %s as watchbpf's own: %s", what, name,
			 strerror(-e));
	return e ? -1 : 0;
}

/* The security hooks' BTF ids, where fentry, fexit and fmod_ret could
 * watch or overrule every decision. */
static int guard_funcs(struct watchbpf *skel, const struct btf *vmlinux, char *err, size_t len)
{
	int fd = bpf_map__fd(skel->maps.guarded_funcs), n = btf__type_cnt(vmlinux);
	uint32_t one = 1, count = 0;

	for (uint32_t id = 1; id < (uint32_t)n; id++) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(vmlinux, t->name_off);
		if (!name || (strncmp(name, "security_", 9) && strncmp(name, "bpf_lsm_", 8)))
			continue;
		if (bpf_map_update_elem(fd, &id, &one, BPF_ANY)) {
			snprintf(err, len, "cannot guard the security hook %s: %s", name,
				 strerror(errno));
			return -1;
		}
		count++;
	}
	if (!count) {
		snprintf(err, len, "kernel BTF names no security_* function to guard");
		return -1;
	}
	return 0;
}

int self_register_objects(struct watchbpf *skel, const struct btf *vmlinux, char *err,
			  size_t len)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	bpf_object__for_each_map(map, skel->obj)
		if (add_fd(skel, WB_SELF_MAP, bpf_map__fd(map), "map", bpf_map__name(map), err,
			   len))
			return -1;
	bpf_object__for_each_program(prog, skel->obj)
		if (add_fd(skel, WB_SELF_PROG, bpf_program__fd(prog), "program",
			   bpf_program__name(prog), err, len))
			return -1;
	return guard_funcs(skel, vmlinux, err, len);
}

int self_register_link(struct watchbpf *skel, const struct bpf_link *link, bool add, char *err,
		       size_t len)
{
	uint32_t id = 0;
	int e = fd_id(bpf_link__fd(link), &id);

	if (!e)
		e = put(skel, WB_SELF_LINK, id, add);
	if (e)
		snprintf(err, len, "cannot %s a link of watchbpf's own: %s",
			 add ? "register" : "forget", strerror(-e));
	return e ? -1 : 0;
}

int self_register_links(struct watchbpf *skel, char *err, size_t len)
{
	const struct bpf_object_skeleton *sk = skel->skeleton;

	for (int i = 0; i < sk->prog_cnt; i++) {
		const struct bpf_prog_skeleton *p =
			(const void *)((const char *)sk->progs + (size_t)i * sk->prog_skel_sz);

		if (*p->link && self_register_link(skel, *p->link, true, err, len))
			return -1;
	}
	return 0;
}

void self_forget(struct watchbpf *skel, unsigned int link_id, unsigned int prog_id)
{
	put(skel, WB_SELF_LINK, link_id, false);
	put(skel, WB_SELF_PROG, prog_id, false);
}
