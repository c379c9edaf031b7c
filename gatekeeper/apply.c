// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gatekeeper/apply.h"
#include "gatekeeper/kfunc_rules.h"
#include "watchbpf.skel.h"

int apply_clear_gen(int fd, unsigned int gen)
{
	union {
		struct wbpf_digest_key digest;
		struct wbpf_kfunc_key kfunc;
		__u32 gen;
	} key, next;
	void *prev = NULL;

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

/* Puts D in the code map for generation gen: for every loader (id 0), or
 * adds loader id to those who may run it. */
static int add_code(int fd, unsigned int gen, const struct fsv_digest *d, unsigned int id)
{
	struct wbpf_digest_key key = { .gen = gen };
	struct wbpf_code code = {};

	key.alg = d->hash_alg;
	key.size = d->size;
	memcpy(key.digest, d->bytes, d->size);
	if (bpf_map_lookup_elem(fd, &key, &code) && errno != ENOENT)
		return -errno;
	if (!id)
		code.all = 1;
	else
		code.loaders[id / 64] |= 1ULL << (id % 64);
	return bpf_map_update_elem(fd, &key, &code, BPF_ANY) ? -errno : 0;
}

/* trust.digests and every loader's code.digests, of generation gen. */
static int apply_code(int fd, const struct wb_policy *pol, const struct wb_config *cfg,
		      unsigned int gen, char *err, size_t errlen)
{
	const struct wb_digest_list *dl;
	int ret = apply_clear_gen(fd, gen);

	if (ret) {
		snprintf(err, errlen, "clearing code digests: %s", strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i <= pol->nr_loaders; i++) {
		unsigned int id = i < pol->nr_loaders ? cfg->id_of[i] : 0;

		dl = i < pol->nr_loaders ? &pol->loaders[i].code.digests : &pol->trust_code.digests;
		for (size_t j = 0; j < dl->n; j++) {
			ret = add_code(fd, gen, &dl->v[j].d, id);
			if (ret) {
				snprintf(err, errlen, "code digest %zu of %s: %s%s", j + 1,
					 id ? pol->loaders[i].name : "trust.digests", strerror(-ret),
					 ret == -E2BIG ? " (more than 4096 digests of code)" : "");
				return ret;
			}
		}
	}
	return 0;
}

int apply_generation(struct watchbpf *skel, const struct wb_policy *pol,
		     const struct wb_config *cfg, unsigned int gen, char *err, size_t errlen)
{
	int dfd = bpf_map__fd(skel->maps.loader_digests);
	int cfd = bpf_map__fd(skel->maps.loader_cfgs);
	int defd = bpf_map__fd(skel->maps.defaults);
	int ret;

	ret = apply_clear_gen(dfd, gen);
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
	ret = apply_code(bpf_map__fd(skel->maps.code_digests), pol, cfg, gen, err, errlen);
	if (ret)
		return ret;
	ret = apply_kfuncs(bpf_map__fd(skel->maps.kfunc_rules), pol, cfg, gen, err, errlen);
	if (ret)
		return ret;
	if (bpf_map_update_elem(defd, &gen, &cfg->defaults, BPF_ANY)) {
		ret = -errno;
		snprintf(err, errlen, "defaults: %s", strerror(errno));
		return ret;
	}
	return 0;
}
