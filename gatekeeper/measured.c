// SPDX-License-Identifier: GPL-2.0
/*
 * Measured identity (bpf/measured.bpf.h): the files a policy trusts by
 * digest that have no fs-verity (their file system has none, or it was not
 * turned on) are measured here, in user space, with the digest fs-verity
 * would give, and registered by inode when it is the digest the policy
 * names. From then on the kernel holds them unchanged and answers for them
 * as for a verity file. Candidates are the files the policy names by path:
 * a loader's exec.path (with exec.digest), and the entries of digests files
 * (`watchbpf enroll --measured --output`).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/watchbpf.h"
#include "fsverity/verity.h"
#include "gatekeeper/measured.h"
#include "lib/util.h"
#include "watchbpf.skel.h"

#define WB_KERNEL_MINORBITS 20

/* The files registered, each with an fd the daemon holds open: a file
 * system evicts an inode nobody holds, and its entry goes with it
 * (bpf/measured.bpf.c), so a library not mapped for a while would lose
 * its identity. */
struct reg {
	struct wbpf_inode_key *keys;
	int *fds;
	size_t n, cap;
	unsigned int skipped;
};

/* What the policy in force registered, held until the next one has. */
static struct reg held;

static void reg_free(struct reg *r)
{
	for (size_t i = 0; i < r->n; i++)
		close(r->fds[i]);
	free(r->keys);
	free(r->fds);
	memset(r, 0, sizeof(*r));
}

/* Keeps K, and fd (a dup of it: the caller closes its own). */
static int remember(struct reg *r, const struct wbpf_inode_key *k, int fd)
{
	int dfd;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct wbpf_inode_key *v = realloc(r->keys, cap * sizeof(*v));
		int *f;

		if (!v)
			return -ENOMEM;
		r->keys = v;
		f = realloc(r->fds, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		r->fds = f;
		r->cap = cap;
	}
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0)
		return -errno;
	r->keys[r->n] = *k;
	r->fds[r->n++] = dfd;
	return 0;
}

static bool known(const struct reg *r, const struct wbpf_inode_key *k)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->keys[i].dev == k->dev && r->keys[i].ino == k->ino)
			return true;
	return false;
}

/* The digest of the file open at fd, as fs-verity would give it with the
 * algorithm of WANT. */
static int measure_fd(int fd, const struct fsv_digest *want, struct fsv_digest *got)
{
	struct fsv_params p = { .hash_alg = want->hash_alg };

	return fsv_digest_fd(fd, &p, got);
}

/* PATH, which the policy trusts with digest WANT: registered if it has no
 * fs-verity and measures WANT. A file that is missing or measures another
 * digest is said, and left out: what maps or execs it is judged untrusted. */
void measured_inode_key(const struct stat *st, struct wbpf_inode_key *k)
{
	k->dev = ((__u64)major(st->st_dev) << WB_KERNEL_MINORBITS) | minor(st->st_dev);
	k->ino = st->st_ino;
}

int run_iter_link(struct bpf_link *link)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The inode whose bytes FD reads, as the kernel will look it up
 * (data_inode(), bpf/measured.bpf.h): for a file of an overlay, the real
 * file underneath. Asked of the kernel through an iterator over the
 * daemon's own files. */
static int data_inode_key(struct watchbpf *skel, int fd, struct wbpf_inode_key *key)
{
	union bpf_iter_link_info linfo = { .task.pid = (__u32)getpid() };
	struct bpf_iter_attach_opts opts = {
		.sz = sizeof(opts),
		.link_info = &linfo,
		.link_info_len = sizeof(linfo),
	};
	int kfd = bpf_map__fd(skel->maps.measured_fds), err;
	struct wbpf_inode_key none = {};
	struct bpf_link *link;
	__u32 k = (__u32)fd;

	if (bpf_map_update_elem(kfd, &k, &none, BPF_ANY))
		return -errno;
	link = bpf_program__attach_iter(skel->progs.wb_data_inodes, &opts);
	if (!link) {
		err = -errno;
		goto out;
	}
	err = run_iter_link(link);
	bpf_link__destroy(link);
	if (!err && bpf_map_lookup_elem(kfd, &k, key))
		err = -errno;
	if (!err && !key->ino)
		err = -ENOENT;
out:
	bpf_map_delete_elem(kfd, &k);
	return err;
}

static int measure_one(struct watchbpf *skel, struct reg *r, const char *path,
		       const struct fsv_digest *want)
{
	int mfd = bpf_map__fd(skel->maps.measured_inodes);
	struct statfs sfs;
	struct wbpf_digest_key val = {};
	struct wbpf_inode_key key;
	struct fsv_digest got;
	struct stat st;
	int fd, e, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		p_info("warning: measured: %s: %s: not registered", path, strerror(errno));
		r->skipped++;
		return 0;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !fsv_measure_fd(fd, &got))
		goto out; /* not a file, or fs-verity answers for it in the kernel */
	measured_inode_key(&st, &key);
	/* a file of an overlay: the identity follows the real file */
	if (!fstatfs(fd, &sfs) && sfs.f_type == OVERLAYFS_SUPER_MAGIC) {
		e = data_inode_key(skel, fd, &key);
		if (e) {
			p_info("warning: measured: %s: no file under the overlay: %s: not "
			       "registered", path, strerror(-e));
			r->skipped++;
			goto out;
		}
	}
	if (known(r, &key))
		goto out;
	e = measure_fd(fd, want, &got);
	if (e || !fsv_digest_equal(&got, want)) {
		p_info("warning: measured: %s: %s: not registered", path,
		       e ? strerror(-e) : "not the digest the policy names (changed since enrolled?)");
		r->skipped++;
		goto out;
	}
	val.alg = got.hash_alg;
	val.size = got.size;
	memcpy(val.digest, got.bytes, got.size);
	if (bpf_map_update_elem(mfd, &key, &val, BPF_ANY)) {
		ret = -errno;
		goto out;
	}
	/* Registered: no new writer from here on. One that had it open
	 * before could have changed it while it was read: read it again. */
	if (measure_fd(fd, want, &got) || !fsv_digest_equal(&got, want)) {
		bpf_map_delete_elem(mfd, &key);
		p_info("warning: measured: %s: changed while measured: not registered", path);
		r->skipped++;
		goto out;
	}
	ret = remember(r, &key, fd);
	if (ret == -EMFILE)
		p_info("warning: measured: %s: no fd left to hold it (raise RLIMIT_NOFILE)", path);
out:
	close(fd);
	return ret;
}

static int measure_list(struct watchbpf *skel, struct reg *r, const struct wb_digest_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		int ret;

		if (!l->v[i].path)
			continue;
		ret = measure_one(skel, r, l->v[i].path, &l->v[i].d);
		if (ret)
			return ret;
	}
	return 0;
}

/* Entries of files the policy no longer names go. */
static int forget_others(int mfd, const struct reg *r)
{
	struct wbpf_inode_key k, next, *prev = NULL;

	while (!bpf_map_get_next_key(mfd, prev, &next)) {
		if (!known(r, &next)) {
			if (bpf_map_delete_elem(mfd, &next))
				return -errno;
			prev = NULL;
			continue;
		}
		k = next;
		prev = &k;
	}
	return errno == ENOENT ? 0 : -errno;
}

int measured_apply(struct watchbpf *skel, const struct wb_policy *pol, unsigned int *count,
		   char *err, size_t len)
{
	int mfd = bpf_map__fd(skel->maps.measured_inodes);
	struct reg r = {};
	struct rlimit rl;
	int ret = 0;

	/* an fd per file held: as many as the hard limit allows */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* lookups on while the map fills: the count only spares the hooks
	 * a lookup when nothing is registered */
	__atomic_store_n(&skel->bss->measured_count, 1, __ATOMIC_SEQ_CST);
	for (size_t i = 0; !ret && i < pol->nr_loaders; i++) {
		const struct wb_loader *l = &pol->loaders[i];

		if (l->has_digest && l->exec_path)
			ret = measure_one(skel, &r, l->exec_path, &l->digest);
		if (!ret)
			ret = measure_list(skel, &r, &l->code.digests);
	}
	if (!ret)
		ret = measure_list(skel, &r, &pol->trust_code.digests);
	if (!ret)
		ret = forget_others(mfd, &r);
	if (ret)
		snprintf(err, len, "registering measured files: %s%s", strerror(-ret),
			 ret == -E2BIG ? " (more than 8192)" : "");
	__atomic_store_n(&skel->bss->measured_count, ret ? 1 : (unsigned int)r.n,
			 __ATOMIC_SEQ_CST);
	*count = r.n;
	if (ret) {
		reg_free(&r);
		return ret;
	}
	reg_free(&held); /* the new set holds what both name */
	held = r;
	return 0;
}
