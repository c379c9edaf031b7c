// SPDX-License-Identifier: GPL-2.0
/* adopt/procfs.c: what /proc says about a running process, read from a
 * fake /proc tree, and /proc/PID/maps lines as the kernel writes them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adopt/procfs.h"
#include "tests/unit/test.h"

TEST(procfs_map_lines)
{
	struct proc_map m;

	CHECK_INT(procfs_parse_map("7f3a1c000000-7f3a1c028000 r-xp 00002000 fe:01 1835 "
				   "/usr/lib/x86_64-linux-gnu/libc.so.6\n",
				   &m),
		  ==, 0);
	CHECK(m.exec && !m.deleted, "libc: executable, not deleted");
	CHECK_INT(m.start, ==, 0x7f3a1c000000UL);
	CHECK_INT(m.end, ==, 0x7f3a1c028000UL);
	CHECK_STR(m.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");

	/* a file renamed over since (dpkg), or unlinked: the suffix goes */
	CHECK_INT(procfs_parse_map("5600-5700 r-xp 00000000 00:1f 12 /tmp/evil.so (deleted)", &m), ==,
		  0);
	CHECK(m.deleted, "deleted");
	CHECK_STR(m.path, "/tmp/evil.so");

	/* a path with spaces is kept whole */
	CHECK_INT(procfs_parse_map("1000-2000 r-xp 00000000 08:01 7 /opt/my tool/lib x.so", &m), ==,
		  0);
	CHECK_STR(m.path, "/opt/my tool/lib x.so");

	/* anonymous and the kernel's own */
	CHECK_INT(procfs_parse_map("7ffd1000-7ffd3000 r-xp 00000000 00:00 0 [vdso]", &m), ==, 0);
	CHECK(m.exec && procfs_map_is_kernels(&m), "[vdso] is the kernel's");
	CHECK_INT(procfs_parse_map("7f00-8000 rwxp 00000000 00:00 0 ", &m), ==, 0);
	CHECK(m.exec && !m.path[0] && !procfs_map_is_kernels(&m), "anonymous rwx is nobody's");
	CHECK_INT(procfs_parse_map("7f00-8000 r-xs 00000000 00:01 9 /memfd:jit (deleted)", &m), ==,
		  0);
	CHECK_STR(m.path, "/memfd:jit");
	CHECK(!procfs_map_is_kernels(&m), "a memfd is no kernel mapping");

	CHECK_INT(procfs_parse_map("55d0-55e0 rw-p 00000000 fe:01 77 /usr/bin/x", &m), ==, 0);
	CHECK(!m.exec, "rw-p is not executable");

	CHECK_INT(procfs_parse_map("garbage", &m), ==, -EINVAL);
	CHECK_INT(procfs_parse_map("1000-2000 r-x 0 0:0 0", &m), ==, -EINVAL);
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!CHECK(f != NULL, "%s", path))
		return;
	fputs(text, f);
	fclose(f);
}

static void dir(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(!mkdir(path, 0755) || errno == EEXIST, "mkdir %s", path);
}

static void link_(const char *root, const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	CHECK(!symlink(target, path), "symlink %s", path);
}

TEST(procfs_fake_tree)
{
	char root[256], buf[256];
	pid_t *v;
	bool deleted;
	size_t n;

	snprintf(root, sizeof(root), "%s/proc", test_tmpdir());
	dir(root, "");
	dir(root, "12");
	dir(root, "3");
	dir(root, "self");
	dir(root, "12/task");
	dir(root, "12/task/12");
	dir(root, "12/task/14");
	dir(root, "12/fd");
	put(root, "12/task/12/status", "Name:\talice\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n");
	put(root, "12/task/14/status", "Name:\talice\nTracerPid:\t99\n");
	put(root, "12/status", "Name:\talice\nUid:\t1000\t1000\t1000\t1000\n");
	put(root, "12/cgroup", "0::/system.slice/alice.service\n");
	link_(root, "12/exe", "/usr/bin/alice (deleted)");
	link_(root, "12/fd/0", "/dev/null");
	link_(root, "12/fd/3", "anon_inode:bpf-map");
	link_(root, "12/fd/4", "anon_inode:bpf-prog");
	link_(root, "12/fd/5", "anon_inode:bpf_link");
	link_(root, "12/fd/6", "anon_inode:[eventfd]");

	CHECK_INT(procfs_pids(root, &v, &n), ==, 0);
	CHECK_INT(n, ==, 2); /* "self" is no pid */
	if (n == 2)
		CHECK(v[0] == 3 && v[1] == 12, "ascending: %d %d", v[0], v[1]);
	free(v);
	CHECK_INT(procfs_tids(root, 12, &v, &n), ==, 0);
	CHECK_INT(n, ==, 2);
	free(v);
	CHECK_INT(procfs_tracer(root, 12, 12), ==, 0);
	CHECK_INT(procfs_tracer(root, 12, 14), ==, 99);
	CHECK_INT(procfs_tracer(root, 12, 15), ==, -ENOENT);
	CHECK_INT(procfs_uid(root, 12), ==, 1000);
	CHECK_INT(procfs_bpf_fds(root, 12), ==, 3);
	CHECK_INT(procfs_bpf_fds(root, 3), ==, -ENOENT);
	CHECK_INT(procfs_exe_path(root, 12, buf, sizeof(buf), &deleted), ==, 0);
	CHECK_STR(buf, "/usr/bin/alice");
	CHECK(deleted, "the kernel's \" (deleted)\" says the file has no name left");
	CHECK_INT(procfs_exe_path(root, 3, buf, sizeof(buf), &deleted), ==, -ENOENT);
	CHECK_INT(procfs_cgroup(root, 12, buf, sizeof(buf)), ==, 0);
	CHECK_STR(buf, "/system.slice/alice.service");
	CHECK_INT(procfs_cgroup(root, 12, buf, 8), ==, -ENAMETOOLONG);
}

/* The real /proc: this process, its thread, no tracer, no BPF objects. */
TEST(procfs_self)
{
	char buf[4096];
	bool deleted;
	pid_t *v;
	size_t n;

	CHECK_INT(procfs_tids("/proc", getpid(), &v, &n), ==, 0);
	CHECK(n >= 1, "at least one thread");
	free(v);
	CHECK_INT(procfs_tracer("/proc", getpid(), getpid()) >= 0, ==, 1);
	CHECK_INT(procfs_bpf_fds("/proc", getpid()), ==, 0);
	CHECK_INT(procfs_exe_path("/proc", getpid(), buf, sizeof(buf), &deleted), ==, 0);
	CHECK(buf[0] == '/' && !deleted, "exe: %s", buf);
}
