// SPDX-License-Identifier: GPL-2.0
/* The hints of `watchbpf doctor` (gatekeeper/doctor_fix.c), per family. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/doctor_fix.h"
#include "lib/util.h"
#include "test.h"

#define CHECK_HAS(s, sub) CHECK(strstr((s), (sub)), "\"%s\" lacks \"%s\"", (s), (sub))
#define CHECK_LACKS(s, sub) CHECK(!strstr((s), (sub)), "\"%s\" has \"%s\"", (s), (sub))

static const char ubuntu[] = "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\n"
			     "NAME=\"Ubuntu\"\n"
			     "VERSION_ID=\"24.04\"\n"
			     "ID=ubuntu\n"
			     "ID_LIKE=debian\n"
			     "UBUNTU_CODENAME=noble\n";

TEST(doctor_os_field)
{
	char v[64];

	CHECK_INT(dfix_os_field(ubuntu, "PRETTY_NAME", v, sizeof(v)), ==, 18);
	CHECK_STR(v, "Ubuntu 24.04.1 LTS");
	CHECK_INT(dfix_os_field(ubuntu, "ID", v, sizeof(v)), ==, 6);
	CHECK_STR(v, "ubuntu");
	/* ID is no prefix of ID_LIKE, nor VERSION_ID of ID */
	CHECK_INT(dfix_os_field("ID_LIKE=debian\n", "ID", v, sizeof(v)), ==, -1);
	CHECK_STR(v, "");
	CHECK_INT(dfix_os_field("VERSION_ID=1\nID=x\n", "ID", v, sizeof(v)), ==, 1);
	CHECK_STR(v, "x");
	CHECK_INT(dfix_os_field("ID='sles'\n", "ID", v, sizeof(v)), ==, 4);
	CHECK_STR(v, "sles");
	/* escapes in double quotes, none in single */
	dfix_os_field("NAME=\"a \\\"b\\\" \\\\ \\$c\"\n", "NAME", v, sizeof(v));
	CHECK_STR(v, "a \"b\" \\ $c");
	dfix_os_field("NAME='a\\b'\n", "NAME", v, sizeof(v));
	CHECK_STR(v, "a\\b");
	/* comments, blank lines, indentation, CRLF, no final newline */
	dfix_os_field("# ID=no\n\n  ID=yes  \r\nX=1", "ID", v, sizeof(v));
	CHECK_STR(v, "yes");
	dfix_os_field("ID=fedora", "ID", v, sizeof(v));
	CHECK_STR(v, "fedora");
	/* the last one wins, as in a shell */
	dfix_os_field("ID=a\nID=b\n", "ID", v, sizeof(v));
	CHECK_STR(v, "b");
	CHECK_INT(dfix_os_field("ID=\n", "ID", v, sizeof(v)), ==, 0);
	CHECK_INT(dfix_os_field("", "ID", v, sizeof(v)), ==, -1);
	/* truncated, still a string */
	CHECK_INT(dfix_os_field("ID=abcdefgh\n", "ID", v, 4), ==, 3);
	CHECK_STR(v, "abc");
	/* an unterminated quote ends at the line's end */
	dfix_os_field("ID=\"open\nX=1\n", "ID", v, sizeof(v));
	CHECK_STR(v, "open");
}

TEST(doctor_os_family)
{
	static const struct {
		const char *text;
		enum dfix_family want;
	} cases[] = {
		{ "ID=debian\n", DFIX_DEBIAN },
		{ ubuntu, DFIX_DEBIAN },
		{ "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", DFIX_DEBIAN },
		{ "ID=pop\nID_LIKE=\"ubuntu debian\"\n", DFIX_DEBIAN },
		{ "ID=\"rhel\"\nID_LIKE=\"fedora\"\n", DFIX_RHEL },
		{ "ID=fedora\n", DFIX_RHEL },
		{ "ID=\"centos\"\nID_LIKE=\"rhel fedora\"\n", DFIX_RHEL },
		{ "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", DFIX_RHEL },
		{ "ID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\n", DFIX_RHEL },
		{ "ID=\"amzn\"\nID_LIKE=\"fedora\"\n", DFIX_RHEL },
		{ "ID=azurelinux\n", DFIX_RHEL },
		{ "ID=mariner\n", DFIX_RHEL },
		{ "ID=\"ol\"\nID_LIKE=\"fedora\"\n", DFIX_RHEL },
		{ "ID=\"sles\"\nID_LIKE=\"suse\"\n", DFIX_SUSE },
		{ "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", DFIX_SUSE },
		{ "ID=\"opensuse-leap\"\n", DFIX_SUSE },
		{ "ID=arch\n", DFIX_ARCH },
		{ "ID=manjaro\nID_LIKE=arch\n", DFIX_ARCH },
		{ "ID=endeavouros\nID_LIKE=arch\n", DFIX_ARCH },
		/* an unknown ID: ID_LIKE's first word that names a family */
		{ "ID=mydistro\nID_LIKE=\"something rhel fedora\"\n", DFIX_RHEL },
		{ "ID='custom'\nID_LIKE='  arch '\n", DFIX_ARCH },
		{ "ID=nixos\n", DFIX_GENERIC },
		{ "ID=alpine\n", DFIX_GENERIC },
		/* no prefix matches but opensuse* */
		{ "ID=debianish\n", DFIX_GENERIC },
		{ "ID=archer\n", DFIX_GENERIC },
		{ "", DFIX_GENERIC },
		{ "garbage without equals\n", DFIX_GENERIC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK(dfix_os_family(cases[i].text) == cases[i].want, "case %zu: %s, want %s", i,
		      dfix_family_name(dfix_os_family(cases[i].text)),
		      dfix_family_name(cases[i].want));
	CHECK(dfix_os_family(NULL) == DFIX_GENERIC, "NULL");
	CHECK_STR(dfix_family_name(DFIX_DEBIAN), "debian");
	CHECK_STR(dfix_family_name(DFIX_RHEL), "rhel");
	CHECK_STR(dfix_family_name(DFIX_SUSE), "suse");
	CHECK_STR(dfix_family_name(DFIX_ARCH), "arch");
	CHECK_STR(dfix_family_name(DFIX_GENERIC), "generic");
}

TEST(doctor_lsm_arg)
{
	char b[256];

	CHECK_INT(dfix_lsm_arg("lockdown,capability,landlock,yama,apparmor", b, sizeof(b)), ==,
		  strlen("lsm=lockdown,capability,landlock,yama,apparmor,bpf"));
	CHECK_STR(b, "lsm=lockdown,capability,landlock,yama,apparmor,bpf");
	dfix_lsm_arg("capability,selinux", b, sizeof(b));
	CHECK_STR(b, "lsm=capability,selinux,bpf");
	dfix_lsm_arg("", b, sizeof(b));
	CHECK_STR(b, "lsm=bpf");
	/* spaces, a newline, empty elements: dropped */
	dfix_lsm_arg(" capability, yama,,landlock,\n", b, sizeof(b));
	CHECK_STR(b, "lsm=capability,yama,landlock,bpf");
	/* bpf once, last; bpfx is another LSM */
	dfix_lsm_arg("capability,bpf,landlock,bpfx", b, sizeof(b));
	CHECK_STR(b, "lsm=capability,landlock,bpfx,bpf");
	/* unknown: a placeholder saying where the list is */
	dfix_lsm_arg(NULL, b, sizeof(b));
	CHECK(!strncmp(b, "lsm=LIST,bpf", 12), "%s", b);
	CHECK_HAS(b, "/sys/kernel/security/lsm");
	/* truncated to the buffer, still a string */
	CHECK_INT(dfix_lsm_arg("lockdown,capability", b, 8), ==, 7);
	CHECK_STR(b, "lsm=loc");
}

TEST(doctor_lsm_fix_per_family)
{
	static const char list[] = "lockdown,capability,landlock,yama,apparmor";
	static const char arg[] = "lsm=lockdown,capability,landlock,yama,apparmor,bpf";
	char b[2048];

	CHECK(dfix_lsm_fix(DFIX_DEBIAN, list, b, sizeof(b)) > 0, "debian");
	CHECK_HAS(b, arg);
	CHECK_HAS(b, "GRUB_CMDLINE_LINUX in /etc/default/grub");
	CHECK_HAS(b, "`update-grub`");
	CHECK_HAS(b, "reboot");
	CHECK_LACKS(b, "grubby");

	dfix_lsm_fix(DFIX_RHEL, list, b, sizeof(b));
	CHECK_HAS(b, "`grubby --update-kernel=ALL --args=\"lsm=lockdown,capability,landlock,yama,"
		     "apparmor,bpf\"`");
	CHECK_HAS(b, "reboot");
	CHECK_LACKS(b, "update-grub");

	dfix_lsm_fix(DFIX_SUSE, list, b, sizeof(b));
	CHECK_HAS(b, arg);
	CHECK_HAS(b, "/etc/default/grub");
	CHECK_HAS(b, "`grub2-mkconfig -o /boot/grub2/grub.cfg`");

	dfix_lsm_fix(DFIX_ARCH, list, b, sizeof(b));
	CHECK_HAS(b, arg);
	CHECK_HAS(b, "/etc/default/grub");
	CHECK_HAS(b, "`grub-mkconfig -o /boot/grub/grub.cfg`");
	CHECK_LACKS(b, "grub2-mkconfig");

	dfix_lsm_fix(DFIX_GENERIC, list, b, sizeof(b));
	CHECK_HAS(b, arg);
	CHECK_HAS(b, "kernel command line");
	CHECK_HAS(b, "boot loader");
	CHECK_LACKS(b, "update-grub");
	CHECK_LACKS(b, "grubby");

	/* each family's first line is the value, the second how */
	dfix_lsm_fix(DFIX_RHEL, "capability,selinux", b, sizeof(b));
	CHECK(!strncmp(b, "boot with lsm=capability,selinux,bpf\n", 37), "%s", b);
	/* nothing to fix */
	CHECK_INT(dfix_lsm_fix(DFIX_DEBIAN, "capability,bpf", b, sizeof(b)), ==, 0);
	CHECK_STR(b, "");
	/* unknown list: a placeholder, with the family's command */
	CHECK(dfix_lsm_fix(DFIX_RHEL, NULL, b, sizeof(b)) > 0, "unknown");
	CHECK_HAS(b, "--args=\"lsm=LIST,bpf\"");
	/* an empty list */
	dfix_lsm_fix(DFIX_ARCH, "", b, sizeof(b));
	CHECK_HAS(b, "boot with lsm=bpf");
}

TEST(doctor_cmdline_fix)
{
	char b[1024];

	dfix_cmdline_fix(DFIX_DEBIAN, "lockdown=integrity", b, sizeof(b));
	CHECK_HAS(b, "add lockdown=integrity to GRUB_CMDLINE_LINUX");
	CHECK_HAS(b, "any lockdown= there");
	dfix_cmdline_fix(DFIX_RHEL, "lockdown=integrity", b, sizeof(b));
	CHECK_HAS(b, "--args=\"lockdown=integrity\"");
	CHECK_HAS(b, "any lockdown= there");
	/* truncation keeps a string */
	CHECK_INT(dfix_cmdline_fix(DFIX_GENERIC, "lsm=bpf", b, 10), ==, 9);
	CHECK_INT(strlen(b), ==, 9);
}

TEST(doctor_kernel_config_fixes)
{
	char b[1024];

	dfix_bpf_lsm_config_fix(DFIX_DEBIAN, b, sizeof(b));
	CHECK_HAS(b, "CONFIG_BPF_LSM=y");
	CHECK_HAS(b, "linux-image-");
	dfix_bpf_lsm_config_fix(DFIX_RHEL, b, sizeof(b));
	CHECK_HAS(b, "CONFIG_BPF_LSM=y");
	CHECK_HAS(b, "kernel package");
	dfix_bpf_lsm_config_fix(DFIX_SUSE, b, sizeof(b));
	CHECK_HAS(b, "kernel-default");
	dfix_bpf_lsm_config_fix(DFIX_ARCH, b, sizeof(b));
	CHECK_HAS(b, "linux package");
	dfix_btf_fix(DFIX_GENERIC, b, sizeof(b));
	CHECK_HAS(b, "CONFIG_DEBUG_INFO_BTF=y");
	dfix_keyrings_fix(DFIX_GENERIC, b, sizeof(b));
	CHECK_HAS(b, "CONFIG_KEYS=y");
	dfix_securityfs_fix(b, sizeof(b));
	CHECK_HAS(b, "mount -t securityfs securityfs /sys/kernel/security");
}

TEST(doctor_lsm_load_fix)
{
	char b[1024];

	CHECK_INT(dfix_lsm_load_fix(DFIX_DEBIAN, 0, true, true, true, b, sizeof(b)), ==, 0);
	CHECK_STR(b, "");
	/* no bpf_lsm_file_open: no BPF LSM in this kernel */
	dfix_lsm_load_fix(DFIX_DEBIAN, -ENOENT, true, false, false, b, sizeof(b));
	CHECK_HAS(b, "CONFIG_BPF_LSM=y");
	dfix_lsm_load_fix(DFIX_DEBIAN, -EPERM, false, true, true, b, sizeof(b));
	CHECK_HAS(b, "as root");
	dfix_lsm_load_fix(DFIX_DEBIAN, -EPERM, true, false, true, b, sizeof(b));
	CHECK_HAS(b, "BPF LSM active:");
	dfix_lsm_load_fix(DFIX_DEBIAN, -EPERM, true, true, true, b, sizeof(b));
	CHECK_HAS(b, "dmesg");
}

TEST(doctor_verity_fix_per_fs)
{
	char b[1024];

	CHECK(dfix_verity_fix("ext4", "/dev/vda1", b, sizeof(b)) > 0, "ext4");
	CHECK_HAS(b, "`tune2fs -O verity /dev/vda1`");
	CHECK_HAS(b, "CONFIG_FS_VERITY");
	CHECK_HAS(b, "page size");
	CHECK_LACKS(b, "enroll --measured");

	dfix_verity_fix("f2fs", "/dev/sdb2", b, sizeof(b));
	CHECK_HAS(b, "`fsck.f2fs -O verity /dev/sdb2`");
	CHECK_HAS(b, "CONFIG_FS_VERITY");

	dfix_verity_fix("btrfs", "/dev/nvme0n1p3", b, sizeof(b));
	CHECK_HAS(b, "5.15");
	CHECK_HAS(b, "no option");
	CHECK_LACKS(b, "tune2fs");

	static const char *const none[] = { "xfs",  "tmpfs",	  "overlay", "squashfs",
					    "nfs4", "fuse.sshfs", "zfs",     "vfat" };
	for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
		dfix_verity_fix(none[i], "x", b, sizeof(b));
		CHECK_HAS(b, "has no fs-verity");
		CHECK_HAS(b, "`watchbpf enroll --measured --output FILE");
		CHECK_HAS(b, "docs/integrity.md");
		CHECK_LACKS(b, "tune2fs");
	}
	dfix_verity_fix("overlay", "overlay", b, sizeof(b));
	CHECK(!strncmp(b, "overlayfs has no fs-verity", 26), "%s", b);

	/* device unknown: a placeholder, not "(null)" */
	dfix_verity_fix("ext4", NULL, b, sizeof(b));
	CHECK_HAS(b, "tune2fs -O verity DEVICE");
	dfix_verity_fix("ext4", "", b, sizeof(b));
	CHECK_HAS(b, "tune2fs -O verity DEVICE");
	/* type unknown */
	dfix_verity_fix(NULL, NULL, b, sizeof(b));
	CHECK_HAS(b, "enroll --measured");
	CHECK(dfix_fs_can_verity("ext4") && dfix_fs_can_verity("f2fs") &&
		      dfix_fs_can_verity("btrfs"),
	      "ext4, f2fs, btrfs");
	CHECK(!dfix_fs_can_verity("xfs") && !dfix_fs_can_verity("overlay") &&
		      !dfix_fs_can_verity("ext3") && !dfix_fs_can_verity(NULL),
	      "others");
	dfix_verity_kernel_fix(b, sizeof(b));
	CHECK_HAS(b, "CONFIG_FS_VERITY=y");
	CHECK_HAS(b, "enroll --measured");
}

TEST(doctor_verity_supported)
{
	CHECK_INT(dfix_verity_supported(0), ==, 1);
	CHECK_INT(dfix_verity_supported(-ENODATA), ==, 1);
	CHECK_INT(dfix_verity_supported(-EOPNOTSUPP), ==, 0);
	CHECK_INT(dfix_verity_supported(-ENOTTY), ==, 0);
	CHECK_INT(dfix_verity_supported(-EPROTO), ==, 1);
	CHECK_INT(dfix_verity_supported(-EACCES), ==, -1);
	CHECK_INT(dfix_verity_supported(-EIO), ==, -1);
}

TEST(doctor_lockdown)
{
	char b[2048], lvl[32];

	CHECK_STR(dfix_lockdown_level("[none] integrity confidentiality", lvl, sizeof(lvl)),
		  "none");
	CHECK_STR(dfix_lockdown_level("none [integrity] confidentiality", lvl, sizeof(lvl)),
		  "integrity");
	CHECK_STR(dfix_lockdown_level("none integrity [confidentiality]", lvl, sizeof(lvl)),
		  "confidentiality");
	CHECK(!dfix_lockdown_level("none integrity", lvl, sizeof(lvl)), "no brackets");
	CHECK(!dfix_lockdown_level(NULL, lvl, sizeof(lvl)), "NULL");
	CHECK(!dfix_lockdown_level("[confidentiality]", lvl, 4), "too small");

	CHECK_INT(dfix_lockdown_fix(DFIX_DEBIAN, "[none] integrity confidentiality", NULL, b,
				    sizeof(b)),
		  ==, 0);
	/* integrity: a note that it is fine, and what Secure Boot does */
	CHECK(dfix_lockdown_fix(DFIX_DEBIAN, "none [integrity] confidentiality", "ro quiet", b,
				sizeof(b)) > 0,
	      "integrity");
	CHECK_HAS(b, "does not stop watchbpf");
	CHECK_HAS(b, "Secure Boot");

	/* confidentiality from the command line: boot with integrity */
	dfix_lockdown_fix(DFIX_RHEL, "none integrity [confidentiality]",
			  "BOOT_IMAGE=/vmlinuz ro lockdown=confidentiality quiet", b, sizeof(b));
	CHECK_HAS(b, "bpf_probe_read_kernel");
	CHECK_HAS(b, "lockdown=integrity");
	CHECK_HAS(b, "--args=\"lockdown=integrity\"");
	CHECK_HAS(b, "Secure Boot");
	CHECK_LACKS(b, "FORCE_CONFIDENTIALITY");
	dfix_lockdown_fix(DFIX_DEBIAN, "none integrity [confidentiality]",
			  "ro lockdown=confidentiality", b, sizeof(b));
	CHECK_HAS(b, "`update-grub`");

	/* not from the command line: the kernel's configuration, or a write */
	dfix_lockdown_fix(DFIX_DEBIAN, "none integrity [confidentiality]",
			  "ro xlockdown=confidentiality quiet", b, sizeof(b));
	CHECK_HAS(b, "CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY");
	CHECK_LACKS(b, "update-grub");
	/* command line unknown: both */
	dfix_lockdown_fix(DFIX_SUSE, "none integrity [confidentiality]", NULL, b, sizeof(b));
	CHECK_HAS(b, "grub2-mkconfig");
	CHECK_HAS(b, "CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY");
}

TEST(doctor_release_version)
{
	int major = 0, minor = 0;

	CHECK_INT(dfix_release_version("6.12.8-amd64", &major, &minor), ==, 0);
	CHECK_INT(major, ==, 6);
	CHECK_INT(minor, ==, 12);
	CHECK_INT(dfix_release_version("5.14.0-427.el9.x86_64", &major, &minor), ==, 0);
	CHECK_INT(major, ==, 5);
	CHECK_INT(minor, ==, 14);
	CHECK_INT(dfix_release_version("7.2", &major, &minor), ==, 0);
	CHECK_INT(major, ==, 7);
	CHECK_INT(minor, ==, 2);
	CHECK_INT(dfix_release_version("6", &major, &minor), ==, -1);
	CHECK_INT(dfix_release_version("6.", &major, &minor), ==, -1);
	CHECK_INT(dfix_release_version("unknown", &major, &minor), ==, -1);
	CHECK_INT(dfix_release_version("", &major, &minor), ==, -1);
	CHECK_INT(dfix_release_version(NULL, &major, &minor), ==, -1);
}

TEST(doctor_old_kernel)
{
	char b[1024];

	CHECK(dfix_old_kernel_fix(DFIX_DEBIAN, "6.1.0-18-amd64", b, sizeof(b)) > 0, "6.1");
	CHECK_HAS(b, "tested on Linux 6.12 and 7.x");
	CHECK_HAS(b, "6.1.0-18-amd64");
	CHECK_HAS(b, "linux-image-");
	dfix_old_kernel_fix(DFIX_RHEL, "5.14.0-427.el9.x86_64", b, sizeof(b));
	CHECK_HAS(b, "tested on Linux 6.12 and 7.x");
	CHECK_HAS(b, "backport");
	dfix_old_kernel_fix(DFIX_GENERIC, "6.11.9", b, sizeof(b));
	CHECK_HAS(b, "tested on");
	CHECK_INT(dfix_old_kernel_fix(DFIX_DEBIAN, "6.12.0", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_old_kernel_fix(DFIX_DEBIAN, "6.18.44-fc", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_old_kernel_fix(DFIX_DEBIAN, "7.2.1", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_old_kernel_fix(DFIX_DEBIAN, "10.0", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_old_kernel_fix(DFIX_DEBIAN, "garbage", b, sizeof(b)), ==, 0);
}

TEST(doctor_kernel_since)
{
	CHECK_STR(dfix_kernel_since("bpf_get_fsverity_digest"), "6.8");
	CHECK_STR(dfix_kernel_since("bpf_get_file_xattr"), "6.8");
	CHECK_STR(dfix_kernel_since("bpf_path_d_path"), "6.12");
	CHECK_STR(dfix_kernel_since("bpf_preempt_disable"), "6.10");
	/* hooks by BTF name or bare, as kernel_preflight() names them */
	CHECK_STR(dfix_kernel_since("bpf_lsm_bpf_map_free"), "6.9");
	CHECK_STR(dfix_kernel_since("bpf_map_free"), "6.9");
	CHECK_STR(dfix_kernel_since("bprm_check_security"), "5.7");
	CHECK(!dfix_kernel_since("bpf_no_such_kfunc"), "unknown");
	CHECK(!dfix_kernel_since("get_fsverity_digest"), "a kfunc has no bare name");
	CHECK(dfix_kernel_what("bpf_path_d_path") != NULL, "what");
	for (size_t i = 0; dfix_kernel_name(i); i++) {
		const char *n = dfix_kernel_name(i);
		int major, minor;

		CHECK(!strncmp(n, "bpf_", 4), "%s", n);
		CHECK(dfix_kernel_is_kfunc(i) || !strncmp(n, "bpf_lsm_", 8), "hook %s", n);
		CHECK(!dfix_release_version(dfix_kernel_since(n), &major, &minor), "%s", n);
		CHECK(dfix_kernel_what(n), "%s", n);
	}
	CHECK(!dfix_kernel_is_kfunc(1000), "past the end");
}

/* Every hook and kfunc kernel_preflight() requires (gatekeeper/kernel.c's
 * needed_hooks and needed_kfuncs) has a version doctor can tell. */
TEST(doctor_knows_preflight_needs)
{
	static const char *const arrays[] = { "needed_hooks[] = {", "needed_kfuncs[] = {" };
	static char src[1 << 16];
	int found = 0;

	if (!CHECK(read_text_file("gatekeeper/kernel.c", src, sizeof(src)) > 0,
		   "gatekeeper/kernel.c (run from the top directory)"))
		return;
	for (size_t a = 0; a < ARRAY_SIZE(arrays); a++) {
		const char *p = strstr(src, arrays[a]), *end = p ? strstr(p, "};") : NULL;

		if (!CHECK(p && end, "%s in kernel.c", arrays[a]))
			continue;
		while ((p = strstr(p, "\"bpf_")) && p < end) {
			char name[128];
			size_t n = strcspn(p + 1, "\"");

			snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
			CHECK(dfix_kernel_since(name), "doctor_fix.c has no version for %s", name);
			found++;
			p += n + 2;
		}
	}
	CHECK(found >= 5, "only %d names found in kernel.c", found);
}

TEST(doctor_missing_fix)
{
	char b[1024];

	/* older than what added it: upgrade, and say what watchbpf is tested on */
	dfix_missing_fix(DFIX_DEBIAN, "bpf_path_d_path", "6.1.0-18-amd64", b, sizeof(b));
	CHECK_HAS(b, "upgrade the kernel to 6.12 or later");
	CHECK_HAS(b, "tested on Linux 6.12 and 7.x");
	CHECK_HAS(b, "linux-image-");
	dfix_missing_fix(DFIX_ARCH, "bpf_get_fsverity_digest", "6.6.30", b, sizeof(b));
	CHECK_HAS(b, "upgrade the kernel to 6.8 or later");
	CHECK_HAS(b, "CONFIG_FS_VERITY=y");
	CHECK_HAS(b, "pacman");
	/* new enough but without it: the configuration, no upgrade */
	dfix_missing_fix(DFIX_GENERIC, "bpf_get_fsverity_digest", "6.18.44", b, sizeof(b));
	CHECK_HAS(b, "CONFIG_FS_VERITY=y");
	CHECK_LACKS(b, "upgrade the kernel");
	CHECK_LACKS(b, "tested on");
	/* a hook as kernel_preflight() names it */
	dfix_missing_fix(DFIX_SUSE, "bpf_map_free", "6.8.0", b, sizeof(b));
	CHECK_HAS(b, "upgrade the kernel to 6.9 or later");
	CHECK_HAS(b, "kernel-default");
	/* unknown: no version to name */
	dfix_missing_fix(DFIX_GENERIC, "bpf_new_thing", "7.1", b, sizeof(b));
	CHECK_HAS(b, "has bpf_new_thing");
	CHECK_LACKS(b, "tested on");
}

TEST(doctor_preflight_missing)
{
	char n[64];

	CHECK_INT(dfix_preflight_missing("kernel lacks the kfunc bpf_preempt_disable: Linux 6.10+",
					 n, sizeof(n)),
		  ==, 19);
	CHECK_STR(n, "bpf_preempt_disable");
	CHECK_INT(dfix_preflight_missing("kernel lacks the LSM hook bpf_map_free", n, sizeof(n)),
		  ==, 12);
	CHECK_STR(n, "bpf_map_free");
	CHECK_STR(dfix_kernel_since(n), "6.9");
	CHECK_INT(
		dfix_preflight_missing("BPF LSM is not active: 'bpf' is not in ...", n, sizeof(n)),
		==, -1);
	CHECK_INT(dfix_preflight_missing("", n, sizeof(n)), ==, -1);
	CHECK_INT(dfix_preflight_missing(NULL, n, sizeof(n)), ==, -1);
	CHECK_INT(dfix_preflight_missing("kernel lacks the kfunc bpf_preempt_disable", n, 8), ==,
		  -1);
}

TEST(doctor_unpriv_bpf_hint)
{
	char b[512];

	CHECK(dfix_unpriv_bpf_hint("0", b, sizeof(b)) > 0, "0");
	CHECK_HAS(b, "`sysctl kernel.unprivileged_bpf_disabled=2`");
	CHECK_HAS(b, "/etc/sysctl.d/");
	CHECK_INT(dfix_unpriv_bpf_hint("1", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_unpriv_bpf_hint("2", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_unpriv_bpf_hint("", b, sizeof(b)), ==, 0);
	CHECK_INT(dfix_unpriv_bpf_hint(NULL, b, sizeof(b)), ==, 0);
}

static const char mountinfo[] =
	"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	"27 1 252:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
	"30 27 252:2 / /usr rw,relatime shared:5 master:3 - xfs /dev/vda2 rw,attr2\n"
	"31 30 0:40 / /usr/local rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b\n"
	"32 27 8:17 / /mnt/my\\040disk rw - f2fs /dev/sdb1 rw\n"
	"33 27 0:41 / /srv rw - tmpfs tmpfs rw\n"
	"34 27 0:42 /sub /srv rw - btrfs /dev/sdc rw,subvol=/sub\n"
	"35 27 0:43 / /broken rw no separator here\n";

TEST(doctor_mount_of)
{
	struct dfix_mount m;

	CHECK_INT(dfix_mount_of(mountinfo, "/", &m), ==, 0);
	CHECK_STR(m.mnt, "/");
	CHECK_STR(m.fstype, "ext4");
	CHECK_STR(m.source, "/dev/root");
	CHECK_INT(m.major, ==, 252);
	CHECK_INT(m.minor, ==, 1);
	dfix_mount_of(mountinfo, "/usr", &m);
	CHECK_STR(m.mnt, "/usr");
	CHECK_STR(m.fstype, "xfs");
	CHECK_STR(m.source, "/dev/vda2");
	dfix_mount_of(mountinfo, "/usr/lib/x86_64-linux-gnu/libc.so.6", &m);
	CHECK_STR(m.mnt, "/usr");
	dfix_mount_of(mountinfo, "/usr/local/sbin/watchbpf", &m);
	CHECK_STR(m.fstype, "overlay");
	/* /usrx is not under /usr */
	dfix_mount_of(mountinfo, "/usrx/bin", &m);
	CHECK_STR(m.mnt, "/");
	/* an escaped space */
	dfix_mount_of(mountinfo, "/mnt/my disk/bin/x", &m);
	CHECK_STR(m.mnt, "/mnt/my disk");
	CHECK_STR(m.fstype, "f2fs");
	CHECK_STR(m.source, "/dev/sdb1");
	/* mounted over: the later one */
	dfix_mount_of(mountinfo, "/srv/www", &m);
	CHECK_STR(m.fstype, "btrfs");
	/* a line without " - " is skipped */
	dfix_mount_of(mountinfo, "/broken/x", &m);
	CHECK_STR(m.mnt, "/");
	CHECK_INT(dfix_mount_of("", "/", &m), ==, -1);
	CHECK_INT(dfix_mount_of("22 27 0:21 / /proc rw - proc proc rw\n", "/usr", &m), ==, -1);
}
