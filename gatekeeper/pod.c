// SPDX-License-Identifier: GPL-2.0
/*
 * Pod names for decision records (pod.h): the container ID and pod UID a
 * cgroup path carries, resolved to namespace/pod/container through the
 * kubelet's log directories, cached by cgroup id. A cgroup id names one
 * cgroup for the boot, never another, so what was found stays true.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <linux/magic.h>

#include "gatekeeper/pod.h"

/* 64 sets of 4: a node runs at most a few hundred containers */
#define POD_SETS 64
#define POD_WAYS 4
/* a walk goes no deeper, nor through more directories */
#define WALK_DEPTH 16
#define WALK_DIRS 100000
/* the kubelet cuts a link's name to what ext4 allows: 255 with ".log" */
#define LINK_NAME_MAX 251

enum pod_state {
	P_EMPTY,
	P_NONE, /* no pod container, or gone: for good */
	P_PART, /* a pod, not all of it found: again after retry_ns */
	P_FULL,
};

struct pod_entry {
	uint64_t id;
	uint64_t used; /* tick of the last lookup: the least recent goes */
	uint64_t retry_at; /* P_PART: monotonic ns */
	unsigned char state;
	struct wb_pod pod;
};

struct wb_pods {
	char cgroup_root[PATH_MAX], pods_dir[PATH_MAX], containers_dir[PATH_MAX];
	uint64_t retry_ns, tick;
	unsigned long walks;
	struct pod_entry set[POD_SETS][POD_WAYS];
};

/* The name prefixes of a container's cgroup: systemd's scope units of
 * containerd, CRI-O and Docker (cri-dockerd); under cgroupfs, containerd
 * names it by the ID alone and CRI-O "crio-ID". */
static const char *const runtime_prefix[] = { "cri-containerd-", "crio-", "docker-" };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Kubernetes' names are DNS labels and subdomains: a-z, 0-9, '-', '.';
 * a directory named otherwise is no kubelet's */
static bool is_k8s_name(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-' &&
		    s[i] != '.')
			return false;
	return n > 0;
}

static bool is_dot(const char *name)
{
	return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/*
 * The container ID in a container cgroup's name N[0..n), into ID; false
 * when N names no container. CUT: N may have been cut short (an event's
 * 63 bytes), so ".scope" may be cut or gone, and the ID with it.
 */
static bool leaf_id(const char *n, size_t len, bool cut, char *id, size_t id_len)
{
	const char *dot;
	size_t k;

	for (size_t i = 0; i < sizeof(runtime_prefix) / sizeof(runtime_prefix[0]); i++) {
		k = strlen(runtime_prefix[i]);
		if (len > k && !strncmp(n, runtime_prefix[i], k)) {
			n += k;
			len -= k;
			break;
		}
	}
	dot = memchr(n, '.', len);
	if (dot) {
		/* ".scope", or what a cut name kept of it */
		k = len - (size_t)(dot - n) - 1;
		if (k > 5 || strncmp(dot + 1, "scope", k) || (!cut && k != 5))
			return false;
		len = (size_t)(dot - n);
	}
	/* Docker shows 12 digits of an ID: fewer are no container's */
	if (len < 12 || len > 64 || len >= id_len)
		return false;
	for (k = 0; k < len; k++)
		if (!is_hex(n[k]))
			return false;
	memcpy(id, n, len);
	id[len] = '\0';
	return true;
}

/* The pod UID in the name C[0..n) of a container's parent cgroup:
 * "kubepods-burstable-pod<uid>.slice", "kubepods-pod<uid>.slice" with '_'
 * for '-' (systemd), or "pod<uid>" (cgroupfs). */
static bool parent_uid(const char *c, size_t n, char *uid, size_t uid_len)
{
	const char *u = NULL, *end = c + n;
	size_t k;

	if (n > 6 && !strncmp(end - 6, ".slice", 6)) {
		end -= 6;
		for (size_t i = (size_t)(end - c); i >= 4 && !u; i--)
			if (!strncmp(c + i - 4, "-pod", 4))
				u = c + i;
	} else if (n > 3 && !strncmp(c, "pod", 3)) {
		u = c + 3;
	}
	if (!u)
		return false;
	k = (size_t)(end - u);
	if (!k || k > 36 || k >= uid_len)
		return false;
	for (size_t i = 0; i < k; i++) {
		char ch = u[i] == '_' ? '-' : u[i];

		if (!is_hex(ch) && ch != '-')
			return false;
		uid[i] = ch;
	}
	uid[k] = '\0';
	return true;
}

bool pod_parse_cgroup(const char *path, char *uid, size_t uid_len, char *id, size_t id_len)
{
	const char *leaf = strrchr(path, '/'), *parent;
	bool kubepods = false;
	size_t n;

	if (!leaf || leaf == path)
		return false;
	for (parent = leaf - 1; parent > path && parent[-1] != '/'; parent--)
		;
	/* a kubelet's tree: kubepods at its top, whatever the cgroup root */
	for (const char *p = path; p < parent && !kubepods; p++)
		kubepods = !strncmp(p, "kubepods", 8);
	n = strlen(leaf + 1);
	return (kubepods || !strncmp(parent, "kubepods", 8)) &&
	       leaf_id(leaf + 1, n, false, id, id_len) &&
	       parent_uid(parent, (size_t)(leaf - parent), uid, uid_len);
}

/* Depth-first through PATH (of length n) for the directory with inode
 * number ID, on device DEV. PATH holds it on success: 1; 0 otherwise. */
static int find_ino(char *path, size_t n, size_t len, uint64_t id, dev_t dev, int depth,
		    unsigned int *budget)
{
	struct dirent *d;
	struct stat st;
	int found = 0;
	DIR *dir;

	if (depth > WALK_DEPTH || !*budget)
		return 0;
	(*budget)--;
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!found && (d = readdir(dir))) {
		size_t k = strlen(d->d_name);

		if (is_dot(d->d_name) || (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN) ||
		    n + 1 + k >= len)
			continue;
		if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_dev != dev)
			continue;
		path[n] = '/';
		memcpy(path + n + 1, d->d_name, k + 1);
		found = st.st_ino == id ||
			find_ino(path, n + 1 + k, len, id, dev, depth + 1, budget);
		if (!found)
			path[n] = '\0';
	}
	closedir(dir);
	return found;
}

int pod_find_cgroup(const char *root, uint64_t id, char *out, size_t len)
{
	unsigned int budget = WALK_DIRS;
	struct stat st;
	size_t n = strlen(root);

	if (n >= len || stat(root, &st))
		return -1;
	memcpy(out, root, n + 1);
	if (st.st_ino == id)
		return 0;
	return find_ino(out, n, len, id, st.st_dev, 0, &budget) ? 0 : -1;
}

const char *pods_cgroup2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (!statfs(roots[i], &sf) && sf.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

/* The pod directory "<namespace>_<pod>_<uid>" of POD->uid: namespace and
 * name into POD, the directory's name into DIR. 0, or -1. */
static int find_pod_dir(const struct wb_pods *p, struct wb_pod *pod, char *dir, size_t len)
{
	size_t ulen = strlen(pod->uid), k;
	const char *first, *last;
	struct dirent *d;
	int ret = -1;
	DIR *dp;

	dp = opendir(p->pods_dir);
	if (!dp)
		return -1;
	while (ret && (d = readdir(dp))) {
		k = strlen(d->d_name);
		if (k < ulen + 4 || strcmp(d->d_name + k - ulen, pod->uid) ||
		    d->d_name[k - ulen - 1] != '_' || k >= len)
			continue;
		/* neither a namespace nor a pod's name has a '_' */
		first = strchr(d->d_name, '_');
		last = d->d_name + k - ulen - 1;
		if (first >= last - 1 || (size_t)(first - d->d_name) >= sizeof(pod->ns) ||
		    (size_t)(last - first - 1) >= sizeof(pod->name) ||
		    !is_k8s_name(d->d_name, (size_t)(first - d->d_name)) ||
		    !is_k8s_name(first + 1, (size_t)(last - first - 1)))
			continue;
		snprintf(pod->ns, sizeof(pod->ns), "%.*s", (int)(first - d->d_name), d->d_name);
		snprintf(pod->name, sizeof(pod->name), "%.*s", (int)(last - first - 1), first + 1);
		memcpy(dir, d->d_name, k + 1);
		ret = 0;
	}
	closedir(dp);
	return ret;
}

/* The container of POD whose ID is POD->container_id: one of the pod
 * directory's container directories whose log link names that ID. */
static void find_container(const struct wb_pods *p, struct wb_pod *pod, const char *dir)
{
	char path[PATH_MAX], link[512];
	struct dirent *d;
	struct stat st;
	DIR *dp;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", p->pods_dir, dir) >= sizeof(path))
		return;
	dp = opendir(path);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (is_dot(d->d_name) || strlen(d->d_name) >= sizeof(pod->container) ||
		    !is_k8s_name(d->d_name, strlen(d->d_name)) ||
		    fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		/* the kubelet's name for it, cut as the kubelet cuts it */
		snprintf(link, sizeof(link), "%s_%s_%s-%s", pod->name, pod->ns, d->d_name,
			 pod->container_id);
		link[LINK_NAME_MAX] = '\0';
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.log", p->containers_dir, link) >=
			    sizeof(path) ||
		    lstat(path, &st))
			continue;
		memcpy(pod->container, d->d_name, strlen(d->d_name) + 1);
		break;
	}
	closedir(dp);
}

/* Fills in what the kubelet's logs say of E's pod; its state after. */
static unsigned char resolve(const struct wb_pods *p, struct pod_entry *e)
{
	struct wb_pod *pod = &e->pod;
	char dir[NAME_MAX + 1];

	pod->ns[0] = pod->name[0] = pod->container[0] = pod->label[0] = '\0';
	if (find_pod_dir(p, pod, dir, sizeof(dir)))
		return P_PART;
	find_container(p, pod, dir);
	snprintf(pod->label, sizeof(pod->label), "%s/%s%s%s", pod->ns, pod->name,
		 pod->container[0] ? "/" : "", pod->container);
	return pod->container[0] ? P_FULL : P_PART;
}

struct wb_pods *pods_new(const struct wb_pods_opts *o)
{
	struct wb_pods *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	snprintf(p->cgroup_root, sizeof(p->cgroup_root), "%s", o->cgroup_root);
	snprintf(p->pods_dir, sizeof(p->pods_dir), "%s", o->pods_dir);
	snprintf(p->containers_dir, sizeof(p->containers_dir), "%s", o->containers_dir);
	p->retry_ns = (uint64_t)o->retry_ms * 1000000ULL;
	return p;
}

void pods_free(struct wb_pods *p)
{
	free(p);
}

unsigned long pods_walks(const struct wb_pods *p)
{
	return p->walks;
}

/* E's entry for ID, or the least recently used one of its set, emptied. */
static struct pod_entry *entry_of(struct wb_pods *p, uint64_t id)
{
	struct pod_entry *set = p->set[id % POD_SETS], *lru = &set[0];

	for (int i = 0; i < POD_WAYS; i++) {
		if (set[i].state != P_EMPTY && set[i].id == id)
			return &set[i];
		if (set[i].used < lru->used)
			lru = &set[i];
	}
	memset(lru, 0, sizeof(*lru));
	lru->id = id;
	return lru;
}

const struct wb_pod *pods_lookup(struct wb_pods *p, uint64_t cgroup_id, const char *leaf)
{
	char path[PATH_MAX], id[WB_K8S_ID_LEN];
	struct pod_entry *e;
	uint64_t now;

	/* the root, and cgroups named for no container, are no pod's */
	if (!p || !leaf || !leaf_id(leaf, strlen(leaf), true, id, sizeof(id)))
		return NULL;
	e = entry_of(p, cgroup_id);
	e->used = ++p->tick;
	switch (e->state) {
	case P_NONE:
		return NULL;
	case P_FULL:
		return &e->pod;
	case P_PART:
		now = now_ns();
		if (now >= e->retry_at) {
			e->state = resolve(p, e);
			e->retry_at = now + p->retry_ns;
		}
		return &e->pod;
	}
	p->walks++;
	/* the path below the root: the root's own names do not count */
	if (pod_find_cgroup(p->cgroup_root, cgroup_id, path, sizeof(path)) ||
	    !pod_parse_cgroup(path + strlen(p->cgroup_root), e->pod.uid, sizeof(e->pod.uid),
			      e->pod.container_id, sizeof(e->pod.container_id))) {
		e->state = P_NONE;
		return NULL;
	}
	e->state = resolve(p, e);
	e->retry_at = now_ns() + p->retry_ns;
	return &e->pod;
}
