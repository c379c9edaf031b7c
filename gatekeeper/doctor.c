// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf doctor: one line per thing the gatekeeper depends on, and under
 * each problem "fix:" lines for this distribution family (doctor_fix.h).
 * docs/doctor.md explains every line: tests/unit/doctor_docs.sh checks it
 * names each.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "fsverity/verity.h"
#include "gatekeeper/commands.h"
#include "gatekeeper/doctor_fix.h"
#include "gatekeeper/kernel.h"
#include "gatekeeper/prog_sig.h"
#include "lib/util.h"

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static void line(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%-34s ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A hint under the line above: "  fix: ...", its further lines aligned. */
static void hint(const char *kind, const char *text)
{
	size_t indent = strlen(kind) + 2;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		if (p == text)
			printf("  %s: %.*s\n", kind, n, p);
		else
			printf("  %*s %.*s\n", (int)indent - 1, "", n, p);
		p = nl ? nl + 1 : NULL;
	}
}

static void fix(const char *text)
{
	hint("fix", text);
}

static void sysctl_line(const char *name, char *val, size_t len)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	err = read_text_file(path, val, len);
	snprintf(path, sizeof(path), "%s:", name);
	line(path, "%s", err < 0 ? strerror(-err) : val);
	if (err < 0)
		val[0] = '\0';
}

/* The device a mount is of, for a command to run on: mountinfo's source
 * when it names one, else the block device of its major:minor ("/dev/root"
 * is no file). */
static void mount_device(const struct dfix_mount *m, char *buf, size_t len)
{
	char path[64], uevent[512], *name;

	snprintf(buf, len, "%s", m->source);
	if (!strncmp(m->source, "/dev/", 5) && strcmp(m->source, "/dev/root") &&
	    access(m->source, F_OK) == 0)
		return;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", m->major, m->minor);
	if (read_text_file(path, uevent, sizeof(uevent)) < 0)
		return;
	name = strstr(uevent, "DEVNAME=");
	if (name && (name == uevent || name[-1] == '\n')) {
		name += strlen("DEVNAME=");
		name[strcspn(name, "\n")] = '\0';
		snprintf(buf, len, "/dev/%s", name);
	}
}

#define VERITY_UNKNOWN_FIX                                                          \
	"doctor could not tell: run it as root, or try `fsverity enable` on a new " \
	"file there (fsverity-utils)"

/*
 * Whether fs-verity works on the file system that holds path (NULL: this
 * program's own file): the measure ioctl on it answers ENODATA where the
 * file system has fs-verity and the file has none, EOPNOTSUPP or ENOTTY
 * where the file system has none. One line, and a fix for a "no".
 */
static void verity_line(const char *label, const char *path, const char *mountinfo,
			char (*seen)[256], size_t nseen)
{
	char real[PATH_MAX], dev[256], why[256], fixbuf[1024];
	const char *open_path = path ? path : "/proc/self/exe";
	struct dfix_mount m = { 0 };
	struct fsv_digest d;
	bool known;
	int fd, err, ok, n;

	if (!realpath(open_path, real)) {
		line(label, "unknown (%s: %s)", open_path, strerror(errno));
		fix(VERITY_UNKNOWN_FIX);
		return;
	}
	fd = open(open_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		line(label, "unknown (%s: %s)", real, strerror(errno));
		fix(VERITY_UNKNOWN_FIX);
		return;
	}
	err = fsv_measure_fd(fd, &d);
	ok = dfix_verity_supported(err);
	known = mountinfo && !dfix_mount_of(mountinfo, real, &m);
	if (known)
		mount_device(&m, dev, sizeof(dev));
	/* "tmpfs", "overlay": no device to name */
	if (known && dev[0] != '/')
		dev[0] = '\0';
	if (ok < 0) {
		line(label, "unknown (%s: %s)", real,
		     fsv_verity_strerror(fd, err, why, sizeof(why)));
	} else if (!known) {
		line(label, "%s (%s%s%s)", ok ? "yes" : "no", real, ok ? "" : ": ",
		     ok ? "" : fsv_no_verity_reason(fd, why, sizeof(why)));
	} else {
		line(label, "%s (%s%s%s%s, mounted on %s%s%s)", ok ? "yes" : "no",
		     ok || fsv_kernel_has_verity() ? "" : "the kernel has none; ", m.fstype,
		     dev[0] ? " on " : "", dev, m.mnt, path ? "" : ", holds ", path ? "" : real);
	}
	close(fd);
	if (ok < 0)
		fix(VERITY_UNKNOWN_FIX);
	if (ok)
		return;
	/* one fix per file system */
	for (size_t i = 0; known && i < nseen; i++) {
		if (seen[i][0] && !strcmp(seen[i], m.mnt)) {
			snprintf(fixbuf, sizeof(fixbuf), "as for %s", m.mnt);
			fix(fixbuf);
			return;
		}
	}
	for (size_t i = 0; known && i < nseen; i++) {
		if (!seen[i][0]) {
			snprintf(seen[i], sizeof(seen[i]), "%s", m.mnt);
			break;
		}
	}
	n = 0;
	if (!fsv_kernel_has_verity() && (!known || dfix_fs_can_verity(m.fstype)))
		n = snprintf(fixbuf, sizeof(fixbuf), "%s\n",
			     "once the kernel has fs-verity (the fix under \"fs-verity:\"):");
	dfix_verity_fix(known ? m.fstype : NULL, known && dev[0] ? dev : NULL, fixbuf + n,
			sizeof(fixbuf) - n);
	fix(fixbuf);
}

/* A line for the kfuncs, one for the LSM hooks, of dfix's table that this
 * kernel's BTF lacks (but skip, which has a line of its own), with the
 * upgrade that brings the newest of them. */
static void kernel_features_line(const struct btf *btf, bool kfuncs, const char *skip,
				 enum dfix_family family, const char *release)
{
	char missing[1024] = "", fixbuf[1024];
	const char *newest = NULL;
	int nmajor = 0, nminor = 0, count = 0;
	size_t pos = 0;
	const char *name;

	for (size_t i = 0; (name = dfix_kernel_name(i)); i++) {
		const char *since = dfix_kernel_since(name);
		int major, minor;

		if (dfix_kernel_is_kfunc(i) != kfuncs || (skip && !strcmp(name, skip)))
			continue;
		count++;
		if (btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0)
			continue;
		if (pos < sizeof(missing))
			pos += snprintf(missing + pos, sizeof(missing) - pos, "%s%s (%s+, %s)",
					pos ? ", " : "", kfuncs ? name : name + strlen("bpf_lsm_"),
					since, dfix_kernel_what(name));
		if (!dfix_release_version(since, &major, &minor) &&
		    (!newest || major > nmajor || (major == nmajor && minor > nminor))) {
			newest = name;
			nmajor = major;
			nminor = minor;
		}
	}
	if (!missing[0]) {
		line(kfuncs ? "kfuncs:" : "LSM hooks:", "yes (the %d%s watchbpf %s)", count,
		     skip ? " more" : "", kfuncs ? "calls" : "attaches to");
		return;
	}
	line(kfuncs ? "kfuncs:" : "LSM hooks:", "no (missing %s)", missing);
	dfix_missing_fix(family, newest, release, fixbuf, sizeof(fixbuf));
	fix(fixbuf);
}

int cmd_doctor(int argc, char **argv)
{
	static const char *const sysctls[] = {
		"kernel.unprivileged_bpf_disabled", "net.core.bpf_jit_enable",
		"net.core.bpf_jit_harden",	    "net.core.bpf_jit_kallsyms",
		"net.core.bpf_jit_limit",
	};
	static const struct {
		const char *label, *path; /* NULL: watchbpf's own file */
	} verity_paths[] = {
		{ "fs-verity on /:", "/" },
		{ "fs-verity on /usr:", "/usr" },
		{ "fs-verity on watchbpf:", NULL },
	};
	char buf[512], why[512] = "", os[4096] = "", name[128], fixbuf[2048], val[64];
	char cmdline[4096], seen[3][256] = { "" };
	static char mountinfo[1 << 16];
	struct btf *btf, *checked = NULL;
	enum dfix_family family;
	bool lsm_active = false, has_bpf_lsm;
	struct utsname uts;
	int err, loadable;

	(void)argv;
	if (argc > 1) {
		p_err("doctor takes no arguments");
		return 2;
	}
	libbpf_set_print(quiet_print);

	if (read_text_file("/etc/os-release", os, sizeof(os)) < 0 &&
	    read_text_file("/usr/lib/os-release", os, sizeof(os)) < 0)
		os[0] = '\0';
	family = dfix_os_family(os);
	if (dfix_os_field(os, "PRETTY_NAME", name, sizeof(name)) <= 0)
		snprintf(name, sizeof(name), "%s", os[0] ? "no PRETTY_NAME" : "no os-release");
	line("distribution:", "%s (%s)", dfix_family_name(family), name);
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "unknown");
	line("kernel release:", "%s", uts.release);
	if (dfix_old_kernel_fix(family, uts.release, fixbuf, sizeof(fixbuf)))
		hint("note", fixbuf);

	btf = btf__load_vmlinux_btf();
	has_bpf_lsm = !btf || btf__find_by_name_kind(btf, "bpf_lsm_file_open", BTF_KIND_FUNC) > 0;

	err = kernel_lsm_list(buf, sizeof(buf));
	if (err < 0) {
		line("BPF LSM active:", "unknown (%s: %s)", "/sys/kernel/security/lsm",
		     strerror(-err));
		dfix_securityfs_fix(fixbuf, sizeof(fixbuf));
		fix(fixbuf);
		if (dfix_lsm_fix(family, NULL, fixbuf, sizeof(fixbuf)))
			fix(fixbuf);
	} else {
		lsm_active = lsm_list_has_bpf(buf);
		line("BPF LSM active:", "%s (%s)", lsm_active ? "yes" : "no", buf);
		if (!lsm_active && !has_bpf_lsm) {
			dfix_bpf_lsm_config_fix(family, fixbuf, sizeof(fixbuf));
			fix(fixbuf);
		}
		if (dfix_lsm_fix(family, buf, fixbuf, sizeof(fixbuf)))
			fix(fixbuf);
	}

	line("BTF:", "%s", btf ? "yes (/sys/kernel/btf/vmlinux)" : "no");
	if (!btf) {
		dfix_btf_fix(family, fixbuf, sizeof(fixbuf));
		fix(fixbuf);
	}
	if (btf) {
		loadable = kernel_probe_lsm_load(btf);
		line("BPF LSM programs loadable:", "%s%s%s", loadable ? "no (" : "yes",
		     loadable ? strerror(-loadable) : "", loadable ? ")" : "");
		if (dfix_lsm_load_fix(family, loadable, geteuid() == 0, lsm_active, has_bpf_lsm,
				      fixbuf, sizeof(fixbuf)))
			fix(fixbuf);
		if (btf__find_by_name_kind(btf, "bpf_get_fsverity_digest", BTF_KIND_FUNC) > 0) {
			line("fs-verity digest kfunc:", "%s", "yes (bpf_get_fsverity_digest)");
		} else {
			line("fs-verity digest kfunc:", "%s", "no");
			dfix_missing_fix(family, "bpf_get_fsverity_digest", uts.release, fixbuf,
					 sizeof(fixbuf));
			fix(fixbuf);
		}
		kernel_features_line(btf, true, "bpf_get_fsverity_digest", family, uts.release);
		kernel_features_line(btf, false, NULL, family, uts.release);
		/* what programs.signed: required asks on this kernel */
		line("signed programs:", "%s", prog_sig_meaning_text(prog_sig_meaning(btf)));
	}
	line("fs-verity:", "%s", fsv_kernel_has_verity() ? "yes" : "no");
	if (!fsv_kernel_has_verity()) {
		dfix_verity_kernel_fix(fixbuf, sizeof(fixbuf));
		fix(fixbuf);
	}
	if (read_text_file("/proc/self/mountinfo", mountinfo, sizeof(mountinfo)) < 0)
		mountinfo[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(verity_paths); i++)
		verity_line(verity_paths[i].label, verity_paths[i].path,
			    mountinfo[0] ? mountinfo : NULL, seen, ARRAY_SIZE(seen));
	line("keyrings:", "%s", access("/proc/keys", F_OK) == 0 ? "yes" : "no");
	if (access("/proc/keys", F_OK)) {
		dfix_keyrings_fix(family, fixbuf, sizeof(fixbuf));
		fix(fixbuf);
	}
	err = read_text_file("/sys/kernel/security/lockdown", buf, sizeof(buf));
	line("lockdown:", "%s", err < 0 ? "unknown" : buf);
	if (err >= 0) {
		bool have_cmdline = read_text_file("/proc/cmdline", cmdline, sizeof(cmdline)) >= 0;
		const char *level = dfix_lockdown_level(buf, val, sizeof(val));

		/* integrity is no problem: a note of what it is */
		if (dfix_lockdown_fix(family, buf, have_cmdline ? cmdline : NULL, fixbuf,
				      sizeof(fixbuf)))
			hint(level && !strcmp(level, "integrity") ? "note" : "fix", fixbuf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++) {
		sysctl_line(sysctls[i], val, sizeof(val));
		if (i == 0 && dfix_unpriv_bpf_hint(val, fixbuf, sizeof(fixbuf)))
			hint("hint", fixbuf);
	}

	btf__free(btf);

	kernel_preflight(&checked, why, sizeof(why));
	btf__free(checked);
	printf("\n%s\n", why[0] ? why : "watchbpf can run on this kernel.");
	if (dfix_preflight_missing(why, name, sizeof(name)) > 0) {
		dfix_missing_fix(family, name, uts.release, fixbuf, sizeof(fixbuf));
		fix(fixbuf);
	}
	return why[0] ? 1 : 0;
}
