/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `watchbpf doctor` tells to do about what it finds missing, for the
 * distribution family the host is. Pure functions of what doctor gathered
 * (the text of os-release, the LSM list, the lockdown file, the kernel
 * release, a file system's type and device): each writes its hint into buf,
 * one or more lines separated by '\n' and no trailing newline, and returns
 * its length, 0 (buf "") when there is nothing to fix. Hints are truncated
 * to len. docs/doctor.md says the same per family: keep the two in sync.
 */
#ifndef WATCHBPF_DOCTOR_FIX_H
#define WATCHBPF_DOCTOR_FIX_H

#include <stdbool.h>
#include <stddef.h>

enum dfix_family {
	DFIX_GENERIC,
	DFIX_DEBIAN, /* debian, ubuntu and derivatives: update-grub */
	DFIX_RHEL, /* rhel, fedora, centos, rocky, almalinux, amzn, azurelinux: grubby */
	DFIX_SUSE, /* sles, opensuse-*: grub2-mkconfig */
	DFIX_ARCH, /* arch and derivatives: grub-mkconfig */
};

/*
 * The value of KEY in os-release text (KEY=value lines, the value bare or
 * in single or double quotes, backslash escapes in double quotes) into buf.
 * Length, or -1 when KEY is not there (buf "").
 */
int dfix_os_field(const char *os_release, const char *key, char *buf, size_t len);

/* The family of the distribution os-release describes: ID, else the first
 * word of ID_LIKE that names a family; DFIX_GENERIC for none or NULL. */
enum dfix_family dfix_os_family(const char *os_release);

/* "debian", "rhel", "suse", "arch" or "generic". */
const char *dfix_family_name(enum dfix_family family);

/*
 * The lsm= kernel argument with bpf added to the active LSM list: "lsm=" LIST
 * ",bpf" (spaces dropped, "bpf" not doubled), "lsm=bpf" for an empty list,
 * and for an unknown one (NULL) a placeholder that says what to put there.
 */
int dfix_lsm_arg(const char *lsm_list, char *buf, size_t len);

/*
 * How to boot with kernel argument ARG ("lsm=...", "lockdown=integrity")
 * on FAMILY: the file to edit and the command that makes it take effect,
 * then a reboot.
 */
int dfix_cmdline_fix(enum dfix_family family, const char *arg, char *buf, size_t len);

/* bpf not in the active LSM list (lsm_list NULL: unknown): the lsm= value
 * and how to set it. 0 when the list has bpf. */
int dfix_lsm_fix(enum dfix_family family, const char *lsm_list, char *buf, size_t len);

/* The LSM list could not be read (securityfs not mounted). */
int dfix_securityfs_fix(char *buf, size_t len);

/* The kernel has no BPF LSM at all (no bpf_lsm_file_open in its BTF):
 * a kernel built with CONFIG_BPF_LSM=y, and where FAMILY gets one. */
int dfix_bpf_lsm_config_fix(enum dfix_family family, char *buf, size_t len);

/* The kernel has no BTF (/sys/kernel/btf/vmlinux). */
int dfix_btf_fix(enum dfix_family family, char *buf, size_t len);

/* The kernel has no keyrings (/proc/keys, CONFIG_KEYS). */
int dfix_keyrings_fix(enum dfix_family family, char *buf, size_t len);

/*
 * The probe load of a BPF LSM program failed with -ERR (kernel_probe_lsm_load):
 * as root or not, with the BPF LSM active (bpf in the list) or not, and
 * whether the kernel has the BPF LSM (bpf_lsm_file_open in BTF). 0 for 0.
 */
int dfix_lsm_load_fix(enum dfix_family family, int err, bool root, bool lsm_active,
		      bool has_bpf_lsm, char *buf, size_t len);

/* How a file system of TYPE (mountinfo's name: "ext4", "xfs", "overlay")
 * on DEVICE (NULL: unknown) gets fs-verity, or what to use instead. */
int dfix_verity_fix(const char *fstype, const char *device, char *buf, size_t len);

/* Whether file systems of TYPE can have fs-verity: ext4, f2fs, btrfs. */
bool dfix_fs_can_verity(const char *fstype);

/* The kernel has no fs-verity (CONFIG_FS_VERITY). */
int dfix_verity_kernel_fix(char *buf, size_t len);

/* Whether FS_IOC_MEASURE_VERITY's result (0 or -errno, fsv_measure_fd())
 * says the file system has fs-verity: 1 yes (0, -ENODATA), 0 no
 * (-EOPNOTSUPP, -ENOTTY), -1 cannot tell. */
int dfix_verity_supported(int measure_err);

/* The active lockdown level in /sys/kernel/security/lockdown's text (the
 * word in brackets): "none", "integrity", "confidentiality", or NULL. */
const char *dfix_lockdown_level(const char *lockdown, char *buf, size_t len);

/*
 * Lockdown: for [confidentiality], which takes from BPF programs the
 * kernel-memory reads watchbpf's need, how to boot without it (CMDLINE is
 * /proc/cmdline, NULL when unknown: it tells whether the command line asked
 * for it). For [integrity], a note (not a fix): what Secure Boot turns on
 * by itself on the big distributions, and fine for watchbpf. 0 otherwise.
 */
int dfix_lockdown_fix(enum dfix_family family, const char *lockdown, const char *cmdline, char *buf,
		      size_t len);

/* "6.12.8-amd64" -> *major 6, *minor 12. 0, or -1 when it does not start
 * with MAJOR.MINOR. */
int dfix_release_version(const char *release, int *major, int *minor);

/* The kernel version ("6.8") that added kfunc or LSM hook NAME (a hook as
 * its BTF name, "bpf_lsm_bpf_map_free", or bare, "bpf_map_free"), or NULL. */
const char *dfix_kernel_since(const char *name);

/* What watchbpf uses kfunc or hook NAME for, or NULL when unknown. */
const char *dfix_kernel_what(const char *name);

/* The kfuncs and hooks dfix_kernel_since() knows, for doctor to check them
 * all: the i-th name (hooks by BTF name), NULL past the end. */
const char *dfix_kernel_name(size_t i);
/* Whether the i-th name is a kfunc (else an LSM hook). */
bool dfix_kernel_is_kfunc(size_t i);

/*
 * The kernel lacks kfunc or hook NAME: "upgrade the kernel to X or later"
 * when X is known, the package FAMILY gets it from, and for a RELEASE
 * before 6.12, that watchbpf is tested on 6.12 and 7.x.
 */
int dfix_missing_fix(enum dfix_family family, const char *name, const char *release, char *buf,
		     size_t len);

/* The kfunc or hook named by kernel_preflight()'s "kernel lacks the kfunc
 * NAME: ..." or "kernel lacks the LSM hook NAME" into buf, else -1. */
int dfix_preflight_missing(const char *why, char *buf, size_t len);

/* For a RELEASE older than 6.12: watchbpf is tested on 6.12 and 7.x, and
 * where FAMILY gets a newer kernel. 0 for 6.12 and later, or unparsable. */
int dfix_old_kernel_fix(enum dfix_family family, const char *release, char *buf, size_t len);

/* kernel.unprivileged_bpf_disabled's VALUE: a hardening hint, not a fix,
 * unless it is 1 or 2. */
int dfix_unpriv_bpf_hint(const char *value, char *buf, size_t len);

/* One entry of /proc/self/mountinfo. */
struct dfix_mount {
	char mnt[256]; /* mount point, unescaped */
	char fstype[64]; /* "ext4", "overlay", "fuse.sshfs" */
	char source[256]; /* "/dev/vda1", "/dev/root", "overlay" */
	unsigned int major, minor; /* st_dev of the mounted file system */
};

/*
 * The mount that holds PATH (absolute, no symlinks: a realpath()) in
 * mountinfo text: the one with the longest mount point that contains it,
 * the later one of equal ones (mounted over). 0, or -1 when none does.
 */
int dfix_mount_of(const char *mountinfo, const char *path, struct dfix_mount *m);

#endif
