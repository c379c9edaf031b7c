// SPDX-License-Identifier: GPL-2.0
/* What to do about what `watchbpf doctor` finds missing (doctor_fix.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/doctor_fix.h"
#include "gatekeeper/kernel.h"
#include "lib/util.h"

/* The releases watchbpf is tested on (older_than_tested()). */
#define TESTED "watchbpf is tested on Linux 6.12 and 7.x"
#define MEASURED "`watchbpf enroll --measured --output FILE EXECUTABLE...` (docs/integrity.md)"

/* A hint being written: appends that truncate, and always leave buf a string. */
struct hint {
	char *buf;
	size_t len, pos;
};

static struct hint hint_start(char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return (struct hint){ .buf = buf, .len = len };
}

static void add(struct hint *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct hint *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (h->pos + 1 >= h->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(h->buf + h->pos, h->len - h->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	h->pos += (size_t)n;
	if (h->pos >= h->len)
		h->pos = h->len - 1;
}

/* A new line of the hint (none before the first). */
static void add_line(struct hint *h)
{
	if (h->pos)
		add(h, "\n");
}

static int hint_end(const struct hint *h)
{
	return (int)h->pos;
}

/* ---- os-release ---------------------------------------------------------- */

int dfix_os_field(const char *os_release, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *val = NULL;
	int n = -1;

	if (len)
		buf[0] = '\0';
	/* the last assignment wins, as when a shell sources the file */
	for (const char *p = os_release; p && *p;) {
		const char *eol = strchr(p, '\n');
		const char *s = p;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, key, klen) && s[klen] == '=')
			val = s + klen + 1;
		p = eol ? eol + 1 : NULL;
	}
	if (!val || !len)
		return val ? 0 : -1;

	n = 0;
	if (*val == '"' || *val == '\'') {
		char q = *val++;

		for (; *val && *val != q && *val != '\n'; val++) {
			/* in double quotes a backslash escapes the next
			 * character: \" \\ \$ \` */
			if (q == '"' && *val == '\\' && val[1] && val[1] != '\n')
				val++;
			if ((size_t)n + 1 < len)
				buf[n++] = *val;
		}
	} else {
		for (; *val && *val != '\n' && *val != '#'; val++)
			if ((size_t)n + 1 < len)
				buf[n++] = *val;
		while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
			n--;
	}
	buf[n] = '\0';
	return n;
}

static const struct {
	const char *id; /* an ID, or with a trailing '*' a prefix of IDs */
	enum dfix_family family;
} os_ids[] = {
	{ "debian", DFIX_DEBIAN },  { "ubuntu", DFIX_DEBIAN },	 { "linuxmint", DFIX_DEBIAN },
	{ "pop", DFIX_DEBIAN },	    { "raspbian", DFIX_DEBIAN }, { "kali", DFIX_DEBIAN },
	{ "devuan", DFIX_DEBIAN },  { "rhel", DFIX_RHEL },	 { "fedora", DFIX_RHEL },
	{ "centos", DFIX_RHEL },    { "rocky", DFIX_RHEL },	 { "almalinux", DFIX_RHEL },
	{ "amzn", DFIX_RHEL },	    { "azurelinux", DFIX_RHEL }, { "mariner", DFIX_RHEL },
	{ "ol", DFIX_RHEL },	    { "sles", DFIX_SUSE },	 { "sled", DFIX_SUSE },
	{ "sle-micro", DFIX_SUSE }, { "suse", DFIX_SUSE },	 { "opensuse*", DFIX_SUSE },
	{ "arch", DFIX_ARCH },	    { "manjaro", DFIX_ARCH },	 { "endeavouros", DFIX_ARCH },
};

static enum dfix_family family_of_id(const char *id, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(os_ids); i++) {
		const char *k = os_ids[i].id;
		size_t klen = strlen(k);

		if (k[klen - 1] == '*' ? len >= klen - 1 && !strncmp(id, k, klen - 1) :
					 len == klen && !strncmp(id, k, len))
			return os_ids[i].family;
	}
	return DFIX_GENERIC;
}

enum dfix_family dfix_os_family(const char *os_release)
{
	char v[256];
	enum dfix_family f;

	if (!os_release)
		return DFIX_GENERIC;
	if (dfix_os_field(os_release, "ID", v, sizeof(v)) > 0) {
		f = family_of_id(v, strlen(v));
		if (f != DFIX_GENERIC)
			return f;
	}
	if (dfix_os_field(os_release, "ID_LIKE", v, sizeof(v)) <= 0)
		return DFIX_GENERIC;
	/* space-separated, closest relative first */
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, " \t");

		if (n) {
			f = family_of_id(p, n);
			if (f != DFIX_GENERIC)
				return f;
		}
		p += n;
		p += strspn(p, " \t");
	}
	return DFIX_GENERIC;
}

const char *dfix_family_name(enum dfix_family family)
{
	switch (family) {
	case DFIX_DEBIAN:
		return "debian";
	case DFIX_RHEL:
		return "rhel";
	case DFIX_SUSE:
		return "suse";
	case DFIX_ARCH:
		return "arch";
	default:
		return "generic";
	}
}

/* ---- kernel command line ------------------------------------------------- */

int dfix_lsm_arg(const char *lsm_list, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	if (!lsm_list) {
		add(&h, "lsm=LIST,bpf (LIST: what /sys/kernel/security/lsm shows, "
			"else CONFIG_LSM in /boot/config-$(uname -r))");
		return hint_end(&h);
	}
	add(&h, "lsm=");
	for (const char *p = lsm_list; *p;) {
		size_t n = strcspn(p, ",");
		const char *s = p, *e = p + n;

		while (s < e && (*s == ' ' || *s == '\t' || *s == '\n'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
			e--;
		if (e > s && !((size_t)(e - s) == 3 && !strncmp(s, "bpf", 3)))
			add(&h, "%.*s,", (int)(e - s), s);
		p += n;
		if (*p)
			p++;
	}
	add(&h, "bpf");
	return hint_end(&h);
}

int dfix_cmdline_fix(enum dfix_family family, const char *arg, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);
	int klen = (int)strcspn(arg, "=");

	switch (family) {
	case DFIX_DEBIAN:
		add(&h,
		    "debian: add %s to GRUB_CMDLINE_LINUX in /etc/default/grub (in place of "
		    "any %.*s= there; a file in /etc/default/grub.d/ may set it too), run "
		    "`update-grub`, reboot",
		    arg, klen, arg);
		break;
	case DFIX_RHEL:
		add(&h,
		    "rhel: `grubby --update-kernel=ALL --args=\"%s\"` (it replaces any %.*s= "
		    "there), reboot",
		    arg, klen, arg);
		break;
	case DFIX_SUSE:
		add(&h,
		    "suse: add %s to GRUB_CMDLINE_LINUX in /etc/default/grub (in place of any "
		    "%.*s= there), run `grub2-mkconfig -o /boot/grub2/grub.cfg`, reboot",
		    arg, klen, arg);
		break;
	case DFIX_ARCH:
		add(&h,
		    "arch: add %s to GRUB_CMDLINE_LINUX in /etc/default/grub (in place of any "
		    "%.*s= there), run `grub-mkconfig -o /boot/grub/grub.cfg`, reboot "
		    "(systemd-boot: the options line of /boot/loader/entries/*.conf)",
		    arg, klen, arg);
		break;
	default:
		add(&h,
		    "add %s to the kernel command line in the boot loader's configuration (in "
		    "place of any %.*s= there; GRUB: GRUB_CMDLINE_LINUX in /etc/default/grub, "
		    "then regenerate grub.cfg; systemd-boot: the options line of "
		    "/boot/loader/entries/*.conf), reboot",
		    arg, klen, arg);
	}
	return hint_end(&h);
}

int dfix_lsm_fix(enum dfix_family family, const char *lsm_list, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);
	char arg[600], how[1024];

	if (lsm_list && lsm_list_has_bpf(lsm_list))
		return 0;
	dfix_lsm_arg(lsm_list, arg, sizeof(arg));
	dfix_cmdline_fix(family, lsm_list ? arg : "lsm=LIST,bpf", how, sizeof(how));
	add(&h, "%sboot with %s", lsm_list ? "" : "if bpf is not among the active LSMs: ", arg);
	add_line(&h);
	add(&h, "%s; then `cat /sys/kernel/security/lsm` lists bpf", how);
	return hint_end(&h);
}

int dfix_securityfs_fix(char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	add(&h, "mount securityfs: `mount -t securityfs securityfs /sys/kernel/security` "
		"(systemd mounts it at boot)");
	return hint_end(&h);
}

/* Where FAMILY gets a kernel package: the rest of a sentence. */
static const char *kernel_package(enum dfix_family family)
{
	switch (family) {
	case DFIX_DEBIAN:
		return "debian: a linux-image-* package (Debian: backports or the next "
		       "release; Ubuntu: an HWE kernel, linux-generic-hwe-*)";
	case DFIX_RHEL:
		return "rhel: the kernel package (`dnf upgrade kernel`; Fedora's follows "
		       "upstream, RHEL-like ones backport BPF features under an older version "
		       "number)";
	case DFIX_SUSE:
		return "suse: the kernel-default package (openSUSE Tumbleweed follows upstream)";
	case DFIX_ARCH:
		return "arch: the linux package (`pacman -Syu linux`)";
	default:
		return "the distribution's kernel package, or a kernel from kernel.org";
	}
}

/* A kernel built with another configuration: WHAT, then where to get one. */
static int kernel_config_fix(enum dfix_family family, const char *what, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	add(&h, "%s", what);
	add_line(&h);
	add(&h, "%s", kernel_package(family));
	return hint_end(&h);
}

int dfix_bpf_lsm_config_fix(enum dfix_family family, char *buf, size_t len)
{
	return kernel_config_fix(family,
				 "this kernel has no BPF LSM: boot a kernel built with "
				 "CONFIG_BPF_LSM=y (`grep BPF_LSM /boot/config-$(uname -r)` "
				 "tells), then add bpf to lsm=",
				 buf, len);
}

int dfix_btf_fix(enum dfix_family family, char *buf, size_t len)
{
	return kernel_config_fix(family,
				 "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y (`grep "
				 "DEBUG_INFO_BTF /boot/config-$(uname -r)` tells)",
				 buf, len);
}

int dfix_keyrings_fix(enum dfix_family family, char *buf, size_t len)
{
	return kernel_config_fix(family,
				 "boot a kernel built with CONFIG_KEYS=y: signed loaders are "
				 "checked against a keyring (docs/signing.md)",
				 buf, len);
}

int dfix_lsm_load_fix(enum dfix_family family, int err, bool root, bool lsm_active,
		      bool has_bpf_lsm, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	if (!err)
		return 0;
	if (!has_bpf_lsm || err == -ENOENT)
		return dfix_bpf_lsm_config_fix(family, buf, len);
	if (!root && (err == -EPERM || err == -EACCES))
		add(&h, "run `watchbpf doctor` as root: loading BPF LSM programs needs it");
	else if (!lsm_active)
		add(&h, "add bpf to the active LSMs (the fix under \"BPF LSM active:\")");
	else
		add(&h, "the kernel refuses BPF LSM programs to root with bpf active: a "
			"container's seccomp filter or capability bounds, another LSM (SELinux, "
			"AppArmor) or a kernel patch may deny bpf(); see `dmesg` and the audit "
			"log");
	return hint_end(&h);
}

/* ---- fs-verity ----------------------------------------------------------- */

int dfix_verity_supported(int measure_err)
{
	switch (-measure_err) {
	case 0:
	case ENODATA: /* the file system has it; this file does not */
	case EPROTO: /* measured, with an algorithm fsv_measure_fd() does not know */
		return 1;
	case EOPNOTSUPP:
	case ENOTTY:
		return 0;
	default:
		return -1;
	}
}

bool dfix_fs_can_verity(const char *fstype)
{
	return fstype &&
	       (!strcmp(fstype, "ext4") || !strcmp(fstype, "f2fs") || !strcmp(fstype, "btrfs"));
}

int dfix_verity_kernel_fix(char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	add(&h,
	    "boot a kernel built with CONFIG_FS_VERITY=y (`grep FS_VERITY "
	    "/boot/config-$(uname -r)` tells), or use measured identity: %s",
	    MEASURED);
	return hint_end(&h);
}

int dfix_verity_fix(const char *fstype, const char *device, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);
	const char *dev = device && *device ? device : "DEVICE";

	if (!fstype || !*fstype) {
		add(&h,
		    "keep the files on an ext4, f2fs or btrfs file system with fs-verity, "
		    "or use measured identity: %s",
		    MEASURED);
	} else if (!strcmp(fstype, "ext4")) {
		add(&h,
		    "`tune2fs -O verity %s` (e2fsprogs 1.45.2+; best unmounted, else "
		    "reboot after it)",
		    dev);
		add_line(&h);
		add(&h,
		    "the kernel needs CONFIG_FS_VERITY; before Linux 6.3 the block size of "
		    "the file system must equal the page size (`tune2fs -l %s`, `getconf "
		    "PAGESIZE`); kernels before 5.4 can then mount it only read-only",
		    dev);
	} else if (!strcmp(fstype, "f2fs")) {
		add(&h,
		    "`fsck.f2fs -O verity %s` on the unmounted file system (for /: from a "
		    "rescue system), or make it anew with `mkfs.f2fs -O verity`; the "
		    "kernel needs CONFIG_FS_VERITY",
		    dev);
	} else if (!strcmp(fstype, "btrfs")) {
		add(&h, "btrfs has fs-verity since Linux 5.15, with no option to turn on: the "
			"kernel needs CONFIG_FS_VERITY (and 5.15 or later)");
	} else {
		add(&h,
		    "%s has no fs-verity: use measured identity for the files there: %s, "
		    "or keep them on ext4, f2fs or btrfs",
		    strcmp(fstype, "overlay") ? fstype : "overlayfs", MEASURED);
	}
	return hint_end(&h);
}

/* ---- lockdown ------------------------------------------------------------ */

const char *dfix_lockdown_level(const char *lockdown, char *buf, size_t len)
{
	const char *s = lockdown ? strchr(lockdown, '[') : NULL;
	const char *e = s ? strchr(s, ']') : NULL;

	if (!e || (size_t)(e - s) > len)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(e - s - 1), s + 1);
	return buf;
}

/* Whether the kernel command line has WORD as a whole argument. */
static bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = cmdline; p && (p = strstr(p, word)); p += n) {
		if ((p == cmdline || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	}
	return false;
}

#define SECURE_BOOT_NOTE                                                                      \
	"under UEFI Secure Boot the Debian, Ubuntu, Fedora, RHEL and SUSE kernels lock down " \
	"to integrity by themselves"

int dfix_lockdown_fix(enum dfix_family family, const char *lockdown, const char *cmdline, char *buf,
		      size_t len)
{
	struct hint h = hint_start(buf, len);
	char level[32], how[1024];

	if (!dfix_lockdown_level(lockdown, level, sizeof(level)))
		return 0;
	if (!strcmp(level, "integrity")) {
		add(&h, "integrity does not stop watchbpf (%s)", SECURE_BOOT_NOTE);
		return hint_end(&h);
	}
	if (strcmp(level, "confidentiality"))
		return 0;
	add(&h, "confidentiality takes from BPF programs the kernel-memory reads "
		"(bpf_probe_read_kernel) watchbpf's programs make: they do not load");
	if (!cmdline || cmdline_has(cmdline, "lockdown=confidentiality")) {
		dfix_cmdline_fix(family, "lockdown=integrity", how, sizeof(how));
		add_line(&h);
		add(&h,
		    "boot without lockdown=confidentiality, or with lockdown=integrity "
		    "(%s, which watchbpf works with)",
		    SECURE_BOOT_NOTE);
		add_line(&h);
		add(&h, "%s", how);
	}
	if (!cmdline || !cmdline_has(cmdline, "lockdown=confidentiality")) {
		add_line(&h);
		add(&h,
		    "%s: a kernel built with CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY "
		    "needs replacing, and a level raised since boot (echo confidentiality > "
		    "/sys/kernel/security/lockdown) lasts until a reboot",
		    cmdline ? "not from the kernel command line" : "if not from the command line");
	}
	return hint_end(&h);
}

/* ---- kernel versions ----------------------------------------------------- */

static const struct {
	const char *name;
	const char *since; /* the release whose merge window took it */
	const char *config; /* what else it needs built in, or NULL */
	const char *what; /* what watchbpf uses it for */
	bool kfunc;
} kernel_features[] = {
	{ "bpf_get_fsverity_digest", "6.8", "CONFIG_FS_VERITY", "fs-verity digests", true },
	{ "bpf_get_file_xattr", "6.8", "CONFIG_BPF_LSM", "signatures (user.watchbpf.sig)", true },
	{ "bpf_preempt_disable", "6.10", NULL, "reading fs-verity digests", true },
	{ "bpf_path_d_path", "6.12", "CONFIG_BPF_LSM", "file paths in events", true },
	{ "bpf_verify_pkcs7_signature", "6.1", "CONFIG_SYSTEM_DATA_VERIFICATION", "signatures",
	  true },
	{ "bpf_lookup_user_key", "6.1", "CONFIG_KEYS", "signatures (the keyring)", true },
	{ "bpf_dynptr_adjust", "6.5", NULL, "signatures", true },
	{ "bpf_rcu_read_lock", "6.2", NULL, "reading tasks in sleepable hooks", true },
	{ "bpf_task_from_pid", "6.2", NULL, "guarding the daemon", true },
	/* LSM hooks, as BTF names them: the BPF LSM came with 5.7 */
	{ "bpf_lsm_file_open", "5.7", "CONFIG_BPF_LSM", "the BPF LSM", false },
	{ "bpf_lsm_bpf", "5.7", "CONFIG_BPF_LSM", "judging bpf()", false },
	{ "bpf_lsm_bprm_check_security", "5.7", "CONFIG_BPF_LSM", "judging exec", false },
	{ "bpf_lsm_bprm_committed_creds", "5.7", "CONFIG_BPF_LSM", "following exec", false },
	{ "bpf_lsm_task_alloc", "5.7", "CONFIG_BPF_LSM", "following fork", false },
	{ "bpf_lsm_perf_event_write", "5.7", "CONFIG_BPF_LSM", "feature probes", false },
	{ "bpf_lsm_file_receive", "5.7", "CONFIG_BPF_LSM", "feature probes", false },
	/* bpf_map_free_security until the BPF token renamed it */
	{ "bpf_lsm_bpf_map_free", "6.9", "CONFIG_BPF_LSM", "feature probes", false },
};

static int feature_index(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(kernel_features); i++) {
		const char *k = kernel_features[i].name;

		/* a hook also by its bare name, as kernel_preflight() says it */
		if (!strcmp(k, name) || (!kernel_features[i].kfunc && !strcmp(k + 8, name)))
			return (int)i;
	}
	return -1;
}

const char *dfix_kernel_since(const char *name)
{
	int i = feature_index(name);

	return i < 0 ? NULL : kernel_features[i].since;
}

const char *dfix_kernel_what(const char *name)
{
	int i = feature_index(name);

	return i < 0 ? NULL : kernel_features[i].what;
}

const char *dfix_kernel_name(size_t i)
{
	return i < ARRAY_SIZE(kernel_features) ? kernel_features[i].name : NULL;
}

bool dfix_kernel_is_kfunc(size_t i)
{
	return i < ARRAY_SIZE(kernel_features) && kernel_features[i].kfunc;
}

int dfix_release_version(const char *release, int *major, int *minor)
{
	char *end;
	long a, b;

	if (!release || *release < '0' || *release > '9')
		return -1;
	a = strtol(release, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtol(end + 1, &end, 10);
	if (a > 1000 || b > 1000)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

/* Whether RELEASE is MAJOR.MINOR (a "6.12") or later; false when either
 * does not parse. */
static bool at_least(const char *release, const char *version)
{
	int rmaj, rmin, vmaj, vmin;

	return !dfix_release_version(release, &rmaj, &rmin) &&
	       !dfix_release_version(version, &vmaj, &vmin) &&
	       (rmaj > vmaj || (rmaj == vmaj && rmin >= vmin));
}

static bool older_than_tested(const char *release)
{
	int major, minor;

	return !dfix_release_version(release, &major, &minor) && !at_least(release, "6.12");
}

int dfix_missing_fix(enum dfix_family family, const char *name, const char *release, char *buf,
		     size_t len)
{
	struct hint h = hint_start(buf, len);
	int i = feature_index(name);
	const char *since = i < 0 ? NULL : kernel_features[i].since;
	const char *config = i < 0 ? NULL : kernel_features[i].config;

	if (since && at_least(release, since)) {
		/* new enough: built without it */
		add(&h, "this kernel is %s or later, yet lacks %s: boot one built with %s=y", since,
		    name, config ? config : "what it needs");
		if (config)
			add(&h, " (`grep %s= /boot/config-$(uname -r)` tells)", config);
	} else if (since) {
		add(&h, "upgrade the kernel to %s or later (it added %s)", since, name);
		if (config)
			add(&h, ", built with %s=y", config);
	} else {
		add(&h, "upgrade to a kernel that has %s (in /sys/kernel/btf/vmlinux)", name);
	}
	if (older_than_tested(release))
		add(&h, "; %s, this is %s", TESTED, release);
	add_line(&h);
	add(&h, "%s", kernel_package(family));
	return hint_end(&h);
}

int dfix_preflight_missing(const char *why, char *buf, size_t len)
{
	static const char *const prefixes[] = { "kernel lacks the kfunc ",
						"kernel lacks the LSM hook " };

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; why && i < ARRAY_SIZE(prefixes); i++) {
		size_t plen = strlen(prefixes[i]), n;

		if (strncmp(why, prefixes[i], plen))
			continue;
		n = strcspn(why + plen, ": ");
		if (!n || n >= len)
			return -1;
		snprintf(buf, len, "%.*s", (int)n, why + plen);
		return (int)n;
	}
	return -1;
}

int dfix_old_kernel_fix(enum dfix_family family, const char *release, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	if (!older_than_tested(release))
		return 0;
	add(&h, "%s; this is %s: upgrade the kernel", TESTED, release);
	add_line(&h);
	add(&h, "%s", kernel_package(family));
	return hint_end(&h);
}

int dfix_unpriv_bpf_hint(const char *value, char *buf, size_t len)
{
	struct hint h = hint_start(buf, len);

	if (!value || !*value || !strcmp(value, "1") || !strcmp(value, "2"))
		return 0;
	add(&h, "unprivileged users may load BPF programs: `sysctl "
		"kernel.unprivileged_bpf_disabled=2`, and the same line in "
		"/etc/sysctl.d/ to keep it (1 cannot be undone until a reboot)");
	return hint_end(&h);
}

/* ---- mountinfo ----------------------------------------------------------- */

/* The next space-separated field of a mountinfo line, \ooo escapes undone,
 * into buf: the rest of the line after it, or NULL at its end. */
static const char *mi_field(const char *p, const char *eol, char *buf, size_t len)
{
	size_t n = 0;

	while (p < eol && *p == ' ')
		p++;
	if (p >= eol)
		return NULL;
	for (; p < eol && *p != ' '; p++) {
		char c = *p;

		if (c == '\\' && eol - p >= 4 && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			c = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		}
		if (n + 1 < len)
			buf[n++] = c;
	}
	if (len)
		buf[n] = '\0';
	return p;
}

/* Whether mount point MNT holds PATH: equal, or a directory above it. */
static bool mount_holds(const char *mnt, const char *path)
{
	size_t n = strlen(mnt);

	if (!strcmp(mnt, "/"))
		return path[0] == '/';
	return !strncmp(mnt, path, n) && (path[n] == '\0' || path[n] == '/');
}

int dfix_mount_of(const char *mountinfo, const char *path, struct dfix_mount *m)
{
	size_t best = 0;
	int found = -1;

	for (const char *p = mountinfo; p && *p;) {
		const char *eol = strchr(p, '\n'), *q = p;
		struct dfix_mount cur = { 0 };
		char f[256];
		unsigned int major, minor;
		bool ok = true;

		if (!eol)
			eol = p + strlen(p);
		/* id parent major:minor root mount-point options [optional...] - type source */
		for (int i = 0; i < 5 && ok; i++) {
			q = mi_field(q, eol, i == 4 ? cur.mnt : f,
				     i == 4 ? sizeof(cur.mnt) : sizeof(f));
			ok = q != NULL;
			if (ok && i == 2) {
				ok = sscanf(f, "%u:%u", &major, &minor) == 2;
				cur.major = major;
				cur.minor = minor;
			}
		}
		while (ok && (q = mi_field(q, eol, f, sizeof(f))) && strcmp(f, "-"))
			;
		ok = ok && q && (q = mi_field(q, eol, cur.fstype, sizeof(cur.fstype))) &&
		     mi_field(q, eol, cur.source, sizeof(cur.source));
		if (ok && mount_holds(cur.mnt, path) && strlen(cur.mnt) >= best) {
			best = strlen(cur.mnt);
			*m = cur;
			found = 0;
		}
		p = *eol ? eol + 1 : NULL;
	}
	return found;
}
