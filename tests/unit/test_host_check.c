// SPDX-License-Identifier: GPL-2.0
/*
 * `watchbpf check` on a systemd host (policy/host_check.c): a warning when
 * an enforcing policy names no loader for PID 1. Each test builds a root of
 * its own under the run's tmpdir: ROOT/run/systemd/system, and
 * ROOT/proc/1/exe as a symlink, as the kernel's magic link reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "fsverity/digest.h"
#include "policy/policy.h"

#define SYSTEMD "/usr/lib/systemd/systemd"
#define BPFTOOL_D256 "sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964"
#define OTHER_D256 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define WARNING(exe)                                                                          \
	"no loader matches PID 1 (" exe "): systemd's BPF unit settings (DevicePolicy=, "     \
	"DeviceAllow=, IPAddressDeny=, IPAddressAllow=, IPAccounting=, ...) would be denied " \
	"and its units started without them; see examples/host.yaml"

/* "mkdir -p" of ROOT/SUB */
static int mkdirs(const char *root, const char *sub)
{
	char p[PATH_MAX];

	if (mkdir(root, 0755) && errno != EEXIST)
		return -1;
	snprintf(p, sizeof(p), "%s/%s", root, sub);
	for (char *s = p + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

/* A root of its own: NAME under the tmpdir, with systemd's directory in
 * /run when SYSTEMD_RUN, and proc/1/exe pointing to EXE (none if NULL). */
static const char *fake_root(const char *name, bool systemd_run, const char *exe)
{
	static char root[PATH_MAX];
	char link[PATH_MAX];

	snprintf(root, sizeof(root), "%s/%s", test_tmpdir(), name);
	if (!CHECK(!mkdirs(root, "proc/1"), "%s: %s", root, strerror(errno)))
		return root;
	if (systemd_run)
		CHECK(!mkdirs(root, "run/systemd/system"), "%s", strerror(errno));
	if (!CHECK(snprintf(link, sizeof(link), "%s/proc/1/exe", root) < (int)sizeof(link), "%s",
		   root))
		return root;
	if (exe)
		CHECK(!symlink(exe, link), "%s: %s", link, strerror(errno));
	return root;
}

/* ROOT/usr/lib/systemd/systemd, a file of its own: its path into PATH and
 * its fs-verity digest into DIGEST ("sha256:..."). */
static void fake_systemd(const char *root, char *path, size_t len, char *digest)
{
	static const char text[] = "\177ELF: not really systemd";
	struct fsv_digest d;
	int fd;

	CHECK(!mkdirs(root, "usr/lib/systemd"), "%s", strerror(errno));
	if (!CHECK(snprintf(path, len, "%s" SYSTEMD, root) < (int)len, "%s", root))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (!CHECK(fd >= 0, "%s: %s", path, strerror(errno)))
		return;
	CHECK_INT(write(fd, text, sizeof(text) - 1), ==, sizeof(text) - 1);
	close(fd);
	CHECK_INT(fsv_digest_mem(text, sizeof(text) - 1, NULL, &d), ==, 0);
	fsv_digest_format(&d, digest, FSV_DIGEST_STR_SIZE);
}

/* The warning policy_host_warning() gives for the policy TEXT under ROOT:
 * "" for none; "(error)" when TEXT is no policy. */
static const char *host_warning(const char *text, const char *root)
{
	static char buf[PATH_MAX + 512];
	char err[1024];
	struct wb_policy pol = { 0 };
	int ret;

	if (!CHECK(!policy_load_string("host.yaml", text, strlen(text), &pol, err, sizeof(err)),
		   "%s", err))
		return "(error)";
	memset(buf, 'x', sizeof(buf));
	ret = policy_host_warning(&pol, root, buf, sizeof(buf));
	CHECK_INT(ret, ==, buf[0] != '\0');
	policy_free(&pol);
	return buf;
}

#define BPFTOOL_ONLY                      \
	"name: h\n"                       \
	"loaders:\n"                      \
	"  - name: bpftool\n"             \
	"    exec:\n"                     \
	"      path: /usr/sbin/bpftool\n" \
	"      digest: " BPFTOOL_D256 "\n"

TEST(host_check_warns_without_loader)
{
	const char *root = fake_root("warns", true, SYSTEMD);

	CHECK_STR(host_warning(BPFTOOL_ONLY, root), WARNING(SYSTEMD));
	CHECK_STR(host_warning("name: h\nloaders: []\n", root), WARNING(SYSTEMD));
}

TEST(host_check_path_and_digest)
{
	char root[PATH_MAX], exe[PATH_MAX], digest[FSV_DIGEST_STR_SIZE], text[2 * PATH_MAX],
		want[2 * PATH_MAX];

	snprintf(root, sizeof(root), "%s", fake_root("real", true, NULL));
	fake_systemd(root, exe, sizeof(exe), digest);
	snprintf(text, sizeof(text), "%s/proc/1/exe", root);
	CHECK(!symlink(exe, text), "%s", strerror(errno));

	/* path and digest match: no warning */
	snprintf(text, sizeof(text),
		 BPFTOOL_ONLY "  - name: systemd\n    exec:\n      path: %s\n      digest: %s\n",
		 exe, digest);
	CHECK_STR(host_warning(text, root), "");
	/* the digest alone identifies it, wherever it is */
	snprintf(text, sizeof(text), "name: h\nloaders:\n  - name: sd\n    exec: {digest: %s}\n",
		 digest);
	CHECK_STR(host_warning(text, root), "");
	/* the same path, another build */
	snprintf(text, sizeof(text),
		 "name: h\nloaders:\n  - name: sd\n    exec: {path: %s, digest: " OTHER_D256 "}\n",
		 exe);
	snprintf(want, sizeof(want), WARNING("%s"), exe);
	CHECK_STR(host_warning(text, root), want);
	/* the right digest, run from elsewhere */
	snprintf(text, sizeof(text),
		 "name: h\nloaders:\n  - name: sd\n    exec: {path: " SYSTEMD ", digest: %s}\n",
		 digest);
	CHECK_STR(host_warning(text, root), want);
	/* a signature needs fs-verity, which a file of the tmpdir lacks
	 * (or, where it has it, may carry one: no warning either way is
	 * wrong, so only the path is tested) */
	snprintf(text, sizeof(text),
		 "name: h\ntrust: {certs: [examples/ci.pem]}\n"
		 "loaders:\n  - name: sd\n    exec: {signed: true, path: /usr/sbin/other}\n");
	CHECK_STR(host_warning(text, root), want);
}

TEST(host_check_quiet_cases)
{
	const char *root = fake_root("quiet", true, SYSTEMD);

	/* audit mode: nothing is refused */
	CHECK_STR(host_warning("name: h\nmode: audit\nloaders: []\n", root), "");
	/* default lets PID 1 through: allow, restrict (PID 1 is in the initial
	 * mount namespace), with nothing systemd needs blocked */
	CHECK_STR(host_warning("name: h\ndefault: {bpf: allow}\nloaders: []\n", root), "");
	CHECK_STR(host_warning("name: h\ndefault: {bpf: restrict, block: [btf_load]}\n"
			       "loaders: []\n",
			       root),
		  "");
	CHECK_STR(host_warning("name: h\ndefault: {bpf: restrict, block: [load]}\n"
			       "loaders: []\n",
			       root),
		  WARNING(SYSTEMD));
	/* not a systemd host: no /run/systemd/system */
	CHECK_STR(host_warning(BPFTOOL_ONLY, fake_root("no-systemd", false, SYSTEMD)), "");
	/* PID 1's executable unreadable (not root): nothing can be said */
	CHECK_STR(host_warning(BPFTOOL_ONLY, fake_root("no-exe", true, NULL)), "");
	/* an upgrade replaced it: the kernel's " (deleted)" is not the path */
	CHECK_STR(host_warning(BPFTOOL_ONLY, fake_root("deleted", true, SYSTEMD " (deleted)")),
		  WARNING(SYSTEMD));
	/* no buffer: only the answer */
	{
		struct wb_policy pol = { 0 };
		char err[256];

		if (CHECK(!policy_load_string("h.yaml", BPFTOOL_ONLY, strlen(BPFTOOL_ONLY), &pol,
					      err, sizeof(err)),
			  "%s", err)) {
			CHECK_INT(policy_host_warning(&pol, root, NULL, 0), ==, 1);
			policy_free(&pol);
		}
	}
}
