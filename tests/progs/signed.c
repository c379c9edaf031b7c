// SPDX-License-Identifier: GPL-2.0
/*
 * Signed-program actions of the test loader (included by loader.c), for
 * kernels with BPF program signing (6.18+):
 *
 *   sigload INSNS SIG KEYRING [CERT]
 *       load the XDP program "signed" whose instructions are the bytes of
 *       file INSNS, with the PKCS#7 signature of file SIG (DER, detached,
 *       over those bytes) and keyring_id KEYRING (a serial; "own": a
 *       keyring of this process holding the X.509 certificate CERT, DER)
 *
 * The build host's <linux/bpf.h> may predate the signature fields, so they
 * are written where 6.18 put them: after prog_token_fd, fd_array_cnt, then
 * the 8-aligned signature, signature_size and keyring_id.
 */
#include <linux/keyctl.h>
#include <stddef.h>

static ssize_t read_all(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* A keyring of this process holding CERT: its serial, or -1. */
static long own_keyring(const char *cert)
{
	static unsigned char der[8192];
	ssize_t n = read_all(cert, der, sizeof(der));
	long kr;

	if (report("read_cert", n > 0 ? 0 : -1) < 0)
		return -1;
	kr = syscall(SYS_add_key, "keyring", "alice-own", NULL, 0, KEY_SPEC_PROCESS_KEYRING);
	if (report("add_keyring", kr) < 0)
		return -1;
	if (report("add_cert", syscall(SYS_add_key, "asymmetric", NULL, der, n, kr)) < 0)
		return -1;
	return kr;
}

static int load_signed(const char *insns_path, const char *sig_path, const char *keyring,
		       const char *cert)
{
	static struct bpf_insn insns[512];
	static unsigned char sig[8192];
	union {
		union bpf_attr attr;
		unsigned char raw[sizeof(union bpf_attr) + 64];
	} u;
	size_t cnt = offsetof(union bpf_attr, prog_token_fd) + 4;
	size_t off_sig = (cnt + 4 + 7) & ~(size_t)7;
	__u64 sig_ptr = (unsigned long)sig;
	ssize_t n = read_all(insns_path, insns, sizeof(insns));
	ssize_t sn = read_all(sig_path, sig, sizeof(sig));
	__u32 sig_size = sn;
	__s32 kr;

	if (report("read_insns", n > 0 && n % sizeof(insns[0]) == 0 ? 0 : -1) < 0 ||
	    report("read_sig", sn > 0 ? 0 : -1) < 0)
		return -1;
	kr = strcmp(keyring, "own") ? (__s32)strtol(keyring, NULL, 0) : own_keyring(cert);
	if (kr == -1)
		return -1;
	memset(&u, 0, sizeof(u));
	u.attr.prog_type = BPF_PROG_TYPE_XDP;
	u.attr.insns = (unsigned long)insns;
	u.attr.insn_cnt = n / sizeof(insns[0]);
	u.attr.license = (unsigned long)"GPL";
	strcpy(u.attr.prog_name, "signed");
	memcpy(u.raw + off_sig, &sig_ptr, sizeof(sig_ptr));
	memcpy(u.raw + off_sig + 8, &sig_size, sizeof(sig_size));
	memcpy(u.raw + off_sig + 12, &kr, sizeof(kr));
	return syscall(SYS_bpf, BPF_PROG_LOAD, &u, off_sig + 16);
}

/* 0: not a signed-program action; else the exit status + 2. */
static int signed_action(const char *how, int argc, char **argv)
{
	if (!strcmp(how, "sigload") && argc > 4) {
		close_ok(report("prog_load",
				load_signed(argv[2], argv[3], argv[4], argc > 5 ? argv[5] : "")));
		return failed + 2;
	}
	return 0;
}
