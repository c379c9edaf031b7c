// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gatekeeper/apply.h"
#include "watchbpf.skel.h"

/* Removes every digest of generation gen. */
static int clear_digests(int fd, unsigned int gen)
{
	struct wbpf_digest_key key, next, *prev = NULL;

	/* deleting while iterating restarts at the first key, so collect
	 * nothing: just walk again after each deletion */
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (next.gen == gen) {
			if (bpf_map_delete_elem(fd, &next))
				return -errno;
			prev = NULL;
			continue;
		}
		key = next;
		prev = &key;
	}
	return errno == ENOENT ? 0 : -errno;
}

int apply_generation(struct watchbpf *skel, const struct wb_policy *pol,
		     const struct wb_config *cfg, unsigned int gen, char *err, size_t errlen)
{
	int dfd = bpf_map__fd(skel->maps.loader_digests);
	int cfd = bpf_map__fd(skel->maps.loader_cfgs);
	int defd = bpf_map__fd(skel->maps.defaults);
	int ret;

	ret = clear_digests(dfd, gen);
	if (ret) {
		snprintf(err, errlen, "clearing digests: %s", strerror(-ret));
		return ret;
	}
	for (unsigned int id = 1; id < WB_MAX_LOADERS; id++) {
		__u32 idx = gen * WB_MAX_LOADERS + id;

		if (bpf_map_update_elem(cfd, &idx, &cfg->cfg[id], BPF_ANY)) {
			ret = -errno;
			snprintf(err, errlen, "loader configuration %u: %s", id, strerror(errno));
			return ret;
		}
	}
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		const struct wb_loader *l = &pol->loaders[i];
		struct wbpf_digest_key key = { .gen = gen };
		__u32 id = cfg->id_of[i];

		if (!l->has_digest)
			continue;
		key.alg = l->digest.hash_alg;
		key.size = l->digest.size;
		memcpy(key.digest, l->digest.bytes, l->digest.size);
		if (bpf_map_update_elem(dfd, &key, &id, BPF_NOEXIST)) {
			ret = -errno;
			snprintf(err, errlen, "loader %s: cannot add its digest: %s%s", l->name,
				 strerror(errno),
				 errno == EEXIST ? " (another loader has the same digest)" : "");
			return ret;
		}
	}
	if (bpf_map_update_elem(defd, &gen, &cfg->defaults, BPF_ANY)) {
		ret = -errno;
		snprintf(err, errlen, "defaults: %s", strerror(errno));
		return ret;
	}
	return 0;
}
