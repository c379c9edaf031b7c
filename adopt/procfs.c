// SPDX-License-Identifier: GPL-2.0
/* Reading /proc for adoption (procfs.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt/procfs.h"

#define DELETED_SUFFIX " (deleted)"

int procfs_parse_map(const char *line, struct proc_map *m)
{
	char perms[5];
	int off = 0;
	size_t len;

	memset(m, 0, sizeof(*m));
	/* start-end perms offset dev inode [path] */
	if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %*u %n", &m->start, &m->end, perms, &off) < 3 ||
	    !off || strlen(perms) != 4)
		return -EINVAL;
	m->exec = perms[2] == 'x';
	line += off;
	while (*line == ' ')
		line++;
	len = strcspn(line, "\n");
	if (len >= sizeof(m->path))
		return -EINVAL;
	memcpy(m->path, line, len);
	m->path[len] = '\0';
	len = strlen(m->path);
	if (m->path[0] == '/' && len > strlen(DELETED_SUFFIX) &&
	    !strcmp(m->path + len - strlen(DELETED_SUFFIX), DELETED_SUFFIX)) {
		m->path[len - strlen(DELETED_SUFFIX)] = '\0';
		m->deleted = true;
	}
	return 0;
}

bool procfs_map_is_kernels(const struct proc_map *m)
{
	return !strcmp(m->path, "[vdso]") || !strcmp(m->path, "[vsyscall]") ||
	       !strcmp(m->path, "[uprobes]");
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The numeric entries of directory PATH. */
static int numeric_entries(const char *path, pid_t **out, size_t *n)
{
	size_t cap = 0;
	struct dirent *de;
	pid_t *v = NULL;
	DIR *d;

	*out = NULL;
	*n = 0;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long id;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		id = strtol(de->d_name, &end, 10);
		if (*end || id <= 0)
			continue;
		if (*n == cap) {
			pid_t *nv;

			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[(*n)++] = (pid_t)id;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), cmp_pid);
	*out = v;
	return 0;
}

int procfs_pids(const char *root, pid_t **pids, size_t *n)
{
	return numeric_entries(root, pids, n);
}

int procfs_tids(const char *root, pid_t pid, pid_t **tids, size_t *n)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%d/task", root, pid);
	return numeric_entries(path, tids, n);
}

/* The number after "KEY:" in a status file, or -errno. */
static long status_field(const char *path, const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long val = -ENOENT;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		val = strtol(line + klen + 1, NULL, 10);
		break;
	}
	fclose(f);
	return val;
}

int procfs_tracer(const char *root, pid_t pid, pid_t tid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%d/task/%d/status", root, pid, tid);
	return (int)status_field(path, "TracerPid");
}

long procfs_uid(const char *root, pid_t pid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%d/status", root, pid);
	return status_field(path, "Uid");
}

int procfs_bpf_fds(const char *root, pid_t pid)
{
	char path[256], link[256];
	struct dirent *de;
	int count = 0;
	ssize_t len;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%d/fd", root, pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		/* anon_inode:bpf-map, anon_inode:bpf-prog, anon_inode:bpf_link */
		if (!strncmp(link, "anon_inode:bpf-map", 18) ||
		    !strncmp(link, "anon_inode:bpf-prog", 19) ||
		    !strncmp(link, "anon_inode:bpf_link", 19))
			count++;
	}
	closedir(d);
	return count;
}

int procfs_exe_path(const char *root, pid_t pid, char *buf, size_t len, bool *deleted)
{
	char path[256];
	size_t n, sl = strlen(DELETED_SUFFIX);
	ssize_t got;

	snprintf(path, sizeof(path), "%s/%d/exe", root, pid);
	got = readlink(path, buf, len - 1);
	if (got < 0)
		return -errno;
	if ((size_t)got >= len - 1)
		return -ENAMETOOLONG;
	buf[got] = '\0';
	n = (size_t)got;
	*deleted = n > sl && !strcmp(buf + n - sl, DELETED_SUFFIX);
	if (*deleted)
		buf[n - sl] = '\0';
	return 0;
}

int procfs_cgroup(const char *root, pid_t pid, char *buf, size_t len)
{
	char path[256], line[4096];
	int ret = -ENOENT;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/cgroup", root, pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		n = strlen(line + 3);
		if (n >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		memcpy(buf, line + 3, n + 1);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}
