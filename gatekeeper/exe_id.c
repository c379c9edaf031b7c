// SPDX-License-Identifier: GPL-2.0
/*
 * exe and exe_digest of bpf() decisions (gatekeeper/exe_id.h). An exec's
 * own record has them from the kernel (the file the exec verified); other
 * records take them from /proc/PID/exe when the daemon writes them, which
 * is what an audit run's log needs to say which executable did what.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fsverity/verity.h"
#include "gatekeeper/exe_id.h"

void exes_init(struct wb_exes *x, const char *proc)
{
	memset(x, 0, sizeof(*x));
	x->proc = proc ? proc : "/proc";
}

static struct wb_exe *slot_of(struct wb_exes *x, const struct statx *st)
{
	uint64_t dev = makedev(st->stx_dev_major, st->stx_dev_minor);
	struct wb_exe *old = &x->e[0];

	for (size_t i = 0; i < WB_EXES; i++) {
		struct wb_exe *e = &x->e[i];

		if (e->used && e->dev == dev && e->ino == st->stx_ino &&
		    e->ctime_sec == st->stx_ctime.tv_sec && e->ctime_nsec == st->stx_ctime.tv_nsec)
			return e;
		if (e->used < old->used)
			old = e;
	}
	memset(old, 0, sizeof(*old));
	old->dev = dev;
	old->ino = st->stx_ino;
	old->ctime_sec = st->stx_ctime.tv_sec;
	old->ctime_nsec = st->stx_ctime.tv_nsec;
	return old;
}

void exes_lookup(struct wb_exes *x, pid_t pid, char *path, size_t path_len, const char **path_out,
		 const char **digest_out)
{
	struct fsv_digest d;
	struct wb_exe *e;
	struct statx st;
	char link[64];
	ssize_t n;
	int fd;

	*path_out = NULL;
	if (digest_out)
		*digest_out = NULL;
	if (pid <= 0 || path_len < 2)
		return;
	snprintf(link, sizeof(link), "%s/%d/exe", x->proc, (int)pid);
	n = readlink(link, path, path_len - 1);
	if (n <= 0)
		return;
	path[n] = '\0';
	*path_out = path;
	if (!digest_out)
		return;
	/* The event loop must not wait on a file system a process chose (a
	 * FUSE server that never answers would blind the log): cached
	 * attributes only, and only a file with fs-verity, which lives on
	 * ext4, f2fs or btrfs, is opened. */
	if (statx(AT_FDCWD, link, AT_STATX_DONT_SYNC, STATX_INO | STATX_CTIME, &st) ||
	    !(st.stx_attributes_mask & STATX_ATTR_VERITY) ||
	    !(st.stx_attributes & STATX_ATTR_VERITY))
		return;
	e = slot_of(x, &st);
	if (!e->used) {
		fd = open(link, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		e->has_digest = fd >= 0 && !fsv_measure_fd(fd, &d) &&
				fsv_digest_format(&d, e->digest, sizeof(e->digest));
		if (fd >= 0)
			close(fd);
	}
	e->used = ++x->clock;
	if (e->has_digest)
		*digest_out = e->digest;
}
