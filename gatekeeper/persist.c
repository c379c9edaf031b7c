// SPDX-License-Identifier: GPL-2.0
/* Persistent enforcement: pinning, adopting and ending it (persist.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fsverity/verity.h"
#include "gatekeeper/persist.h"
#include "gatekeeper/self.h"
#include "watchbpf.skel.h"

#define BPF_FS_MAGIC_ 0xcafe4a11
/* bpffs refuses dots in names (reserved): "map_task_marks", "map__bss" */
#define PIN_MAP "map_"
#define PIN_LINK "link_"

static void pin_path(char *buf, size_t len, const char *dir, const char *kind, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, kind);

	for (; n > 0 && (size_t)n + 1 < len && *name; name++)
		buf[n++] = *name == '.' ? '_' : *name;
	if (n > 0 && (size_t)n < len)
		buf[n] = '\0';
}

bool persist_found(const char *dir)
{
	char parent[4096], marker[4096];
	struct stat d, up;
	struct statfs fs;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	pin_path(marker, sizeof(marker), dir, PIN_MAP, "persist_state");
	/* a bpffs mounted on DIR (not a directory of /sys/fs/bpf), with ours */
	return !stat(dir, &d) && !stat(parent, &up) && d.st_dev != up.st_dev &&
	       !statfs(dir, &fs) && fs.f_type == BPF_FS_MAGIC_ && !access(marker, F_OK);
}

/* The pinned map must be the one this build would make. */
static int same_layout(const struct bpf_map *map, const struct bpf_map_info *info, char *err,
		       size_t len)
{
	const char *what = NULL;

	if (info->type != bpf_map__type(map))
		what = "type";
	else if (info->key_size != bpf_map__key_size(map))
		what = "key size";
	else if (info->value_size != bpf_map__value_size(map))
		what = "value size";
	else if (info->map_flags != bpf_map__map_flags(map))
		what = "flags";
	else if (info->type != BPF_MAP_TYPE_RINGBUF &&
		 info->max_entries != bpf_map__max_entries(map))
		what = "size";
	if (!what)
		return 0;
	snprintf(err, len,
		 "cannot adopt the pinned state: map %s has another %s (another build of "
		 "watchbpf pinned it); it stays in force until a reboot or a `watchbpf stop "
		 "--end-enforcement` by the build that made it",
		 bpf_map__name(map), what);
	return -1;
}

int persist_reuse_maps(struct watchbpf *skel, struct persist *p, char *err, size_t len)
{
	struct bpf_map *map;
	char path[4096];
	__u32 zero = 0;

	if (!persist_found(p->dir))
		return 0;
	bpf_object__for_each_map(map, skel->obj) {
		struct bpf_map_info info = {};
		__u32 ilen = sizeof(info);
		int fd, e;

		pin_path(path, sizeof(path), p->dir, PIN_MAP, bpf_map__name(map));
		fd = bpf_obj_get(path);
		if (fd < 0) {
			e = errno;
			snprintf(err, len, "cannot adopt the pinned state: %s: %s%s", path,
				 strerror(e),
				 e == EPERM ? " (only an exec of watchbpf's own executable, as "
					      "registered by the daemon that pinned it, may)" :
					      "");
			return -1;
		}
		if (bpf_map_get_info_by_fd(fd, &info, &ilen)) {
			snprintf(err, len, "cannot read pinned map %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (same_layout(map, &info, err, len)) {
			close(fd);
			return -1;
		}
		/* the ring buffer keeps the size it was made with */
		e = bpf_map__set_max_entries(map, info.max_entries) ?: bpf_map__reuse_fd(map, fd);
		close(fd);
		if (e) {
			snprintf(err, len, "cannot reuse pinned map %s: %s", path, strerror(-e));
			return -1;
		}
	}
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.persist_state), &zero, &p->before);
	p->adopted = true;
	return 0;
}

int persist_trust_exe(struct watchbpf *skel, const char *file, const char *expected, char *err,
		      size_t len)
{
	char got[FSV_DIGEST_STR_SIZE], why[160];
	struct wbpf_digest_key key;
	struct fsv_digest d = {};
	__u32 one = 1;

	if (self_measure(file, &key, why, sizeof(why))) {
		snprintf(err, len,
			 "%s: %s: a later daemon could not prove it is watchbpf, and could not "
			 "adopt the pinned state (`watchbpf enroll` it, or run without --persist)",
			 file, why);
		return -1;
	}
	d.hash_alg = key.alg;
	d.size = key.size;
	memcpy(d.bytes, key.digest, key.size);
	if (expected && strcmp(fsv_digest_format(&d, got, sizeof(got)), expected)) {
		snprintf(err, len, "%s is %s now, not the %s the request names", file, got,
			 expected);
		return -1;
	}
	/* its code first: an exe registered without it would be a daemon
	 * whose libraries no one checked */
	if (self_code_register(skel, file, err, len))
		return -1;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.self_digests), &key, &one, BPF_ANY)) {
		snprintf(err, len, "cannot register %s as watchbpf's own: %s", file,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* Forgets, as one of watchbpf's own, the link open at FD and its program:
 * it goes, and its ids may be someone else's later. */
static void forget_old(struct watchbpf *skel, int fd)
{
	struct bpf_link_info info = {};
	__u32 ilen = sizeof(info);

	if (!bpf_link_get_info_by_fd(fd, &info, &ilen))
		self_forget(skel, info.id, info.prog_id);
}

/* Pins LINK as program NAME's, in place of the pin there: the old link
 * goes when the new one is attached and pinned already. */
static int pin_one(struct watchbpf *skel, const struct persist *p, struct bpf_link *link,
		   const char *name, char *err, size_t len)
{
	char tmp[4096], final[4096];
	int old, e;

	pin_path(tmp, sizeof(tmp), p->dir, "new_" PIN_LINK, name);
	pin_path(final, sizeof(final), p->dir, PIN_LINK, name);
	old = bpf_obj_get(final);
	unlink(tmp);
	e = bpf_link__pin(link, tmp);
	if (!e && rename(tmp, final))
		e = -errno;
	if (e) {
		snprintf(err, len, "cannot pin the link of %s: %s", name, strerror(-e));
		unlink(tmp);
	} else if (old >= 0) {
		forget_old(skel, old);
	}
	if (old >= 0)
		close(old);
	return e ? -1 : 0;
}

int persist_pin_link(struct watchbpf *skel, struct persist *p, struct bpf_link *link,
		     const char *name, bool add, char *err, size_t len)
{
	char final[4096];

	if (!p->dir)
		return 0;
	if (add)
		return pin_one(skel, p, link, name, err, len);
	pin_path(final, sizeof(final), p->dir, PIN_LINK, name);
	if (unlink(final) && errno != ENOENT) {
		snprintf(err, len, "cannot unpin %s: %s", final, strerror(errno));
		return -1;
	}
	return 0;
}

static bool attached_now(struct watchbpf *skel, const char *name)
{
	const struct bpf_object_skeleton *sk = skel->skeleton;

	for (int i = 0; i < sk->prog_cnt; i++) {
		const struct bpf_prog_skeleton *ps =
			(const void *)((const char *)sk->progs + (size_t)i * sk->prog_skel_sz);

		if (*ps->link && !strcmp(ps->name, name))
			return true;
	}
	return false;
}

/* Links of programs this build has not attached (removed from the code, or
 * a hook the policy no longer needs) go too. */
static void unpin_stale(struct watchbpf *skel, const struct persist *p)
{
	struct dirent *de;
	char path[4096];
	DIR *d;

	d = opendir(p->dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd;

		if (strncmp(de->d_name, PIN_LINK, strlen(PIN_LINK)) ||
		    attached_now(skel, de->d_name + strlen(PIN_LINK)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name);
		fd = bpf_obj_get(path);
		if (unlink(path) == 0 && fd >= 0)
			forget_old(skel, fd);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

static int pin_maps(struct watchbpf *skel, const struct persist *p, char *err, size_t len)
{
	struct bpf_map *map;
	char path[4096];

	bpf_object__for_each_map(map, skel->obj) {
		int e;

		pin_path(path, sizeof(path), p->dir, PIN_MAP, bpf_map__name(map));
		e = bpf_map__pin(map, path);
		if (e) {
			snprintf(err, len, "cannot pin map %s at %s: %s", bpf_map__name(map), path,
				 strerror(-e));
			return -1;
		}
	}
	return 0;
}

int persist_pin(struct watchbpf *skel, struct persist *p, char *err, size_t len)
{
	const struct bpf_object_skeleton *sk = skel->skeleton;
	char why[512];

	if (!p->dir)
		return 0;
	if (!p->adopted) {
		if (mkdir(p->dir, 0700) && errno != EEXIST) {
			snprintf(err, len, "cannot make %s: %s (is bpffs mounted on its parent?)",
				 p->dir, strerror(errno));
			return -1;
		}
		if (mount("bpf", p->dir, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700")) {
			snprintf(err, len, "cannot mount a bpffs on %s: %s", p->dir,
				 strerror(errno));
			return -1;
		}
	}
	/* the daemon's chmod of the root tells the kernel side which file
	 * system holds the pins (bpf/pins.bpf.c) */
	if (chmod(p->dir, 0700)) {
		snprintf(err, len, "cannot chmod %s: %s", p->dir, strerror(errno));
		goto fail;
	}
	if (persist_trust_exe(skel, "/proc/self/exe", NULL, err, len) ||
	    (!p->adopted && pin_maps(skel, p, err, len)))
		goto fail;
	for (int i = 0; i < sk->prog_cnt; i++) {
		const struct bpf_prog_skeleton *ps =
			(const void *)((const char *)sk->progs + (size_t)i * sk->prog_skel_sz);

		if (*ps->link && pin_one(skel, p, *ps->link, ps->name, err, len))
			goto fail;
	}
	unpin_stale(skel, p);
	return 0;
fail:
	/* a new state half made is no state: a state adopted stays */
	if (!p->adopted)
		persist_end(p, why, sizeof(why));
	return -1;
}

void persist_note(struct watchbpf *skel, const struct persist *p, uint64_t decisions,
		  uint64_t drops_told, bool stopped, const char *pol_sha256, bool admin_locked)
{
	struct wbpf_persist st = {
		.decisions = decisions,
		.drops_told = drops_told,
		.pid = getpid(),
		.stopped = stopped,
		.admin_locked = admin_locked,
	};
	struct timespec ts;
	__u32 zero = 0;

	if (!p->dir)
		return;
	snprintf(st.policy_sha256, sizeof(st.policy_sha256), "%s", pol_sha256);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	st.last_seen_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	bpf_map_update_elem(bpf_map__fd(skel->maps.persist_state), &zero, &st, BPF_ANY);
}

int persist_may_adopt(const struct persist *p, const char *pol_sha256, char *err, size_t len)
{
	const struct wbpf_persist *b = &p->before;

	if (!p->adopted || !b->admin_locked ||
	    !strncmp(b->policy_sha256, pol_sha256, sizeof(b->policy_sha256)))
		return 0;
	snprintf(err, len,
		 "cannot adopt the pinned state: its policy (%.*s) names admin.certs, and this "
		 "is another policy (%s); start with the policy in force, then put this one in "
		 "force with a signed request (`watchbpf request reload`, `watchbpf reload "
		 "--signature`); the pinned state stays in force",
		 (int)sizeof(b->policy_sha256), b->policy_sha256, pol_sha256);
	return -1;
}

int persist_end(struct persist *p, char *err, size_t len)
{
	struct dirent *de;
	char path[4096];
	DIR *d;

	d = opendir(p->dir);
	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name);
				unlink(path);
			}
		closedir(d);
	}
	if (umount2(p->dir, 0) && errno != EINVAL) {
		snprintf(err, len, "cannot unmount %s: %s", p->dir, strerror(errno));
		return -1;
	}
	rmdir(p->dir);
	return 0;
}
