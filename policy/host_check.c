// SPDX-License-Identifier: GPL-2.0
/*
 * Whether the policy leaves the host's service manager out (`watchbpf
 * check`). systemd's PID 1 loads BPF programs for unit settings
 * (DevicePolicy=, IPAddressDeny=, ...: docs/systemd.md), and when bpf() is
 * refused it starts the units without them, saying so at debug level at
 * most. So an enforcing policy whose default refuses PID 1 needs a loader
 * that matches PID 1's executable, judged here as the exec hook would: its
 * exec.path against the target of /proc/1/exe, its exec.digest against the
 * fs-verity digest of that file (the kernel's, or computed as the daemon
 * measures a file without fs-verity). A signature cannot be checked here:
 * a loader that needs one (and no digest) may match when the file has
 * fs-verity, without which it carries none.
 *
 * Only what is certain gives a warning: without systemd, without a
 * readable /proc/1/exe (not root), or when a digest cannot be computed,
 * nothing is said.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsverity/digest.h"
#include "fsverity/verity.h"
#include "policy/policy.h"

/* readlink() of a deleted executable ends so */
#define DELETED_SUFFIX " (deleted)"

/* The commands PID 1 uses for its unit settings (docs/systemd.md), as a
 * policy may spell them in default.block. */
static const char *const systemd_cmds[] = {
	"prog_load",	   "load",   "prog_attach",	"prog_detach", "map_create",
	"map_update_elem", "update", "map_lookup_elem", "obj_get",     "obj_get_info_by_fd",
};

/* PID 1 is no loader: does default refuse it what systemd needs? */
static bool default_refuses_pid1(const struct wb_policy *pol)
{
	if (pol->default_bpf == WB_BPF_DENY)
		return true;
	/* allow, and restrict (PID 1 is in the initial mount namespace):
	 * everything but the blocked commands */
	for (size_t i = 0; i < pol->nr_block; i++)
		for (size_t j = 0; j < sizeof(systemd_cmds) / sizeof(systemd_cmds[0]); j++)
			if (!strcmp(pol->block[i].name, systemd_cmds[j]))
				return true;
	return false;
}

/* PID 1's executable, read once: its path and, when asked, its digests. */
struct pid1_exe {
	char link[PATH_MAX]; /* ROOT/proc/1/exe, to open */
	char path[PATH_MAX]; /* its target, as the kernel names it */
	bool measured; /* tried fs-verity */
	bool has_verity;
	struct fsv_digest verity;
	int computed[FSV_HASH_SHA512 + 1]; /* 0 not yet, 1 done, -1 failed */
	struct fsv_digest digest[FSV_HASH_SHA512 + 1];
};

static void measure_verity(struct pid1_exe *x)
{
	int fd;

	if (x->measured)
		return;
	x->measured = true;
	fd = open(x->link, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	x->has_verity = !fsv_measure_fd(fd, &x->verity);
	close(fd);
}

/* The digest of PID 1's executable with ALG: the kernel's when the file has
 * fs-verity with it, else computed. NULL if it cannot be had. */
static const struct fsv_digest *exe_digest(struct pid1_exe *x, unsigned int alg)
{
	struct fsv_params p = { .hash_alg = alg };

	if (alg != FSV_HASH_SHA256 && alg != FSV_HASH_SHA512)
		return NULL;
	measure_verity(x);
	if (x->has_verity && x->verity.hash_alg == alg)
		return &x->verity;
	if (!x->computed[alg])
		x->computed[alg] = fsv_digest_path(x->link, &p, &x->digest[alg]) ? -1 : 1;
	return x->computed[alg] > 0 ? &x->digest[alg] : NULL;
}

/* 1: L matches PID 1's executable, 0: it does not, -1: cannot tell. */
static int loader_matches(const struct wb_loader *l, struct pid1_exe *x)
{
	if (l->exec_path && strcmp(l->exec_path, x->path))
		return 0;
	if (l->has_digest) {
		const struct fsv_digest *d = exe_digest(x, l->digest.hash_alg);

		if (!d)
			return -1;
		if (!fsv_digest_equal(d, &l->digest))
			return 0;
	}
	if (l->exec_signed && !l->has_digest) {
		/* a signature is on an fs-verity digest: none without it */
		measure_verity(x);
		if (!x->has_verity)
			return 0;
	}
	return 1;
}

static int join(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s", a, b);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int policy_host_warning(const struct wb_policy *pol, const char *root, char *buf, size_t len)
{
	static struct pid1_exe x; /* PATH_MAX twice: not on the stack */
	char run[PATH_MAX];
	struct stat st;
	ssize_t n;
	size_t sl = strlen(DELETED_SUFFIX);

	if (buf && len)
		buf[0] = '\0';
	if (!root || !strcmp(root, "/"))
		root = "";
	if (pol->mode != WB_MODE_ENFORCE || !default_refuses_pid1(pol))
		return 0;
	/* sd_booted(): systemd made this directory early at boot */
	if (join(run, sizeof(run), root, "/run/systemd/system") || lstat(run, &st) ||
	    !S_ISDIR(st.st_mode))
		return 0;
	memset(&x, 0, sizeof(x));
	if (join(x.link, sizeof(x.link), root, "/proc/1/exe"))
		return 0;
	n = readlink(x.link, x.path, sizeof(x.path) - 1);
	if (n <= 0)
		return 0; /* not root: PID 1's executable is not ours to read */
	x.path[n] = '\0';
	if ((size_t)n > sl && !strcmp(x.path + n - sl, DELETED_SUFFIX))
		x.path[n - sl] = '\0'; /* replaced by an upgrade, not yet re-executed */
	for (size_t i = 0; i < pol->nr_loaders; i++)
		if (loader_matches(&pol->loaders[i], &x))
			return 0; /* it does, or it may */
	if (buf && len)
		snprintf(buf, len,
			 "no loader matches PID 1 (%s): systemd's BPF unit settings "
			 "(DevicePolicy=, DeviceAllow=, IPAddressDeny=, IPAddressAllow=, "
			 "IPAccounting=, ...) would be denied and its units started without "
			 "them; see examples/host.yaml",
			 x.path);
	return 1;
}
