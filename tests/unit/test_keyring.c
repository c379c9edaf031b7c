// SPDX-License-Identifier: GPL-2.0
/*
 * The trust keyring, against the running kernel: certificates become
 * "asymmetric" keys, the keyring is locked once filled, errors name the
 * file and what the kernel said, failures leave nothing behind, and
 * another process can see but not search or change it.
 *
 * A kernel without keyrings or without the certificate's algorithm makes a
 * test print "SKIP <test>: <reason>" instead of pretending to pass (the
 * host's kernel has no ECDSA, for one: CONFIG_CRYPTO_ECDSA is not set).
 */
#include <errno.h>
#include <keyutils.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsverity/keyring.h"
#include "lib/util.h"
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "test.h"

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char bufs[8][128];
	static int next;
	char *p = bufs[next++ % 8];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/wbpf-keyring-test.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(p, sizeof(bufs[0]), "%s/%s", dir, name);
	return p;
}

__attribute__((destructor)) static void remove_dir(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
}

/* NAME.crt (and .key) with openssl(1); newkey is e.g. "rsa:2048". */
static const char *make_cert(const char *name, const char *newkey)
{
	char cmd[1024], crt[64], key[64];

	snprintf(crt, sizeof(crt), "%s.crt", name);
	snprintf(key, sizeof(key), "%s.key", name);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey %s -nodes -keyout '%s' -out '%s' -subj '/CN=%s' "
		 "-days 2 >/dev/null 2>&1",
		 newkey, tmp_path(key), tmp_path(crt), name);
	if (system(cmd))
		return NULL;
	return tmp_path(crt);
}

static void skip(const char *test, const char *why)
{
	/* stdout, among the ok/FAIL lines, so that nobody misses it */
	printf("SKIP %s: %s\n", test, why);
}

/*
 * Whether this kernel can hold an asymmetric key made from cert; on "no"
 * prints why the calling test skips.
 */
static bool kernel_takes(const char *test, const char *cert)
{
	char *const certs[] = { (char *)cert };
	char err[512], why[600];
	int32_t serial;
	int ret;

	ret = trust_keyring_create("watchbpf-test:probe", certs, 1, &serial, err, sizeof(err));
	if (!ret) {
		trust_keyring_destroy(serial);
		return true;
	}
	snprintf(why, sizeof(why), "this kernel cannot: %s", err);
	skip(test, why);
	return false;
}

/*
 * Whether a live keyring "desc:N" is linked into our process keyring
 * (invalidated ones may linger there until garbage collection, but can no
 * longer be described).
 */
static bool still_there(const char *desc)
{
	int32_t *keys = NULL;
	size_t len = strlen(desc);
	bool found = false;
	char *d;
	long n;

	n = keyctl_read_alloc(KEY_SPEC_PROCESS_KEYRING, (void **)&keys);
	for (long i = 0; i < n / (long)sizeof(int32_t) && !found; i++) {
		d = NULL;
		if (keyctl_describe_alloc(keys[i], &d) > 0) {
			/* type;uid;gid;perm;description */
			const char *name = strrchr(d, ';');

			found = !strncmp(d, "keyring;", 8) && name &&
				!strncmp(name + 1, desc, len) && name[1 + len] == ':';
		}
		free(d);
	}
	free(keys);
	return found;
}

static void check_locked_keyring(int32_t serial, const char *desc, int nkeys)
{
	char *d = NULL, want[128];
	int32_t *keys = NULL;
	long len;

	if (CHECK_INT(keyctl_describe_alloc(serial, &d), >, 0)) {
		/* type;uid;gid;perm;description: possessor v/r/s, owner view */
		snprintf(want, sizeof(want), "keyring;0;0;0b010000;%s:", desc);
		CHECK(!strncmp(d, want, strlen(want)), "got %s, want %sN", d, want);
	}
	free(d);
	len = keyctl_read_alloc(serial, (void **)&keys);
	if (CHECK_INT(len, ==, nkeys * (long)sizeof(int32_t))) {
		for (int i = 0; i < nkeys; i++) {
			d = NULL;
			if (CHECK_INT(keyctl_describe_alloc(keys[i], &d), >, 0))
				CHECK(!strncmp(d, "asymmetric;0;0;0b010000;", 24), "key %s", d);
			free(d);
		}
	}
	free(keys);
	/* nothing goes in, nothing comes out, permissions stay */
	CHECK_INT(add_key("user", "intruder", "x", 1, serial), <, 0);
	CHECK_INT(keyctl_clear(serial), <, 0);
	CHECK_INT(keyctl_setperm(serial, KEY_POS_ALL), <, 0);
}

TEST(keyring_rsa_locked_and_destroyed)
{
	const char *cert = make_cert("rsa", "rsa:2048");
	char *const certs[] = { (char *)cert };
	char err[512], *d = NULL;
	int32_t serial = 0;

	if (!CHECK(cert != NULL, "openssl req failed"))
		return;
	if (!kernel_takes("keyring_rsa_locked_and_destroyed", cert))
		return;
	if (!CHECK_INT(
		    trust_keyring_create("watchbpf-test:rsa", certs, 1, &serial, err, sizeof(err)),
		    ==, 0)) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_INT(serial, >, 0);
	check_locked_keyring(serial, "watchbpf-test:rsa", 1);
	/* the kernel named the key after the certificate */
	{
		int32_t *keys = NULL;

		if (keyctl_read_alloc(serial, (void **)&keys) > 0 &&
		    keyctl_describe_alloc(keys[0], &d) > 0)
			CHECK(strstr(d, "rsa") != NULL, "%s", d);
		free(keys);
		free(d);
	}
	trust_keyring_destroy(serial);
	d = NULL;
	CHECK_INT(keyctl_describe_alloc(serial, &d), <, 0);
	free(d);
	CHECK(!still_there("watchbpf-test:rsa"), "destroyed keyring still linked");
}

TEST(keyring_several_files_and_bundles)
{
	const char *a = make_cert("a", "rsa:2048"), *b = make_cert("b", "rsa:2048");
	char bundle[256], cmd[700], err[512];
	int32_t serial;

	if (!CHECK(a && b, "openssl req failed") || !kernel_takes("keyring_several", a))
		return;
	snprintf(bundle, sizeof(bundle), "%s", tmp_path("bundle.crt"));
	snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", a, b, bundle);
	if (!CHECK_INT(system(cmd), ==, 0))
		return;
	{
		/* a, then a bundle of a and b: the same certificate twice is one key */
		char *const certs[] = { (char *)a, bundle };

		if (!CHECK_INT(trust_keyring_create("watchbpf-test:bundle", certs, 2, &serial, err,
						    sizeof(err)),
			       ==, 0)) {
			fprintf(stderr, "  %s\n", err);
			return;
		}
	}
	check_locked_keyring(serial, "watchbpf-test:bundle", 2);
	trust_keyring_destroy(serial);
}

TEST(keyring_ecdsa_p256)
{
	const char *cert = make_cert("ec", "ec -pkeyopt ec_paramgen_curve:P-256");
	char *const certs[] = { (char *)cert };
	char err[512];
	int32_t serial;

	if (!CHECK(cert != NULL, "openssl req failed") || !kernel_takes("keyring_ecdsa_p256", cert))
		return;
	if (CHECK_INT(trust_keyring_create("watchbpf-test:ec", certs, 1, &serial, err, sizeof(err)),
		      ==, 0)) {
		check_locked_keyring(serial, "watchbpf-test:ec", 1);
		trust_keyring_destroy(serial);
	}
}

TEST(keyring_errors_name_the_file_and_leave_nothing)
{
	const char *good = make_cert("good", "rsa:2048");
	const char *ed = make_cert("ed", "ed25519");
	char junk[128], err[512];
	int32_t serial = 0;
	FILE *f;

	if (!CHECK(good && ed, "openssl req failed") || !kernel_takes("keyring_errors", good))
		return;
	snprintf(junk, sizeof(junk), "%s", tmp_path("junk.pem"));
	f = fopen(junk, "w");
	if (!f)
		return;
	fputs("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", f);
	fclose(f);
	{
		char *const c[] = { (char *)good, (char *)tmp_path("missing.crt") };

		CHECK_INT(
			trust_keyring_create("watchbpf-test:err", c, 2, &serial, err, sizeof(err)),
			==, -ENOENT);
		CHECK(strstr(err, "missing.crt: unreadable: No such file"), "%s", err);
		CHECK(!still_there("watchbpf-test:err"), "left behind");
	}
	{
		char *const c[] = { junk };

		CHECK_INT(
			trust_keyring_create("watchbpf-test:err", c, 1, &serial, err, sizeof(err)),
			==, -EBADMSG);
		CHECK(strstr(err, "junk.pem: not a PEM certificate"), "%s", err);
		CHECK(!still_there("watchbpf-test:err"), "left behind");
	}
	{
		char *const c[] = { dir };

		CHECK_INT(
			trust_keyring_create("watchbpf-test:err", c, 1, &serial, err, sizeof(err)),
			==, -EINVAL);
		CHECK(strstr(err, "not a regular file"), "%s", err);
	}
	{
		/* OpenSSL reads it; the kernel's X.509 parser has no Ed25519 */
		char *const c[] = { (char *)good, (char *)ed };
		int ret =
			trust_keyring_create("watchbpf-test:err", c, 2, &serial, err, sizeof(err));

		CHECK_INT(ret, <, 0);
		CHECK(strstr(err, "ed.crt: certificate 1: ") && strstr(err, "kernel"), "%s", err);
		CHECK(!still_there("watchbpf-test:err"), "left behind");
	}
	CHECK_INT(trust_keyring_create("watchbpf-test:err", NULL, 0, &serial, err, sizeof(err)), ==,
		  -EINVAL);
	CHECK_INT(serial, ==, 0);
}

/*
 * Another process (a child: fork leaves the process keyring behind) may
 * see the keyring, as root owns it, but neither search nor read nor change
 * it. The kernel's own signature check still can: it searches the keyring
 * as possessed, whoever runs (see keyring.h).
 */
TEST(keyring_other_processes_cannot_use_it)
{
	const char *cert = make_cert("child", "rsa:2048");
	char *const certs[] = { (char *)cert };
	char err[512];
	int32_t serial;
	int status = -1;
	pid_t pid;

	if (!CHECK(cert != NULL, "openssl req failed") || !kernel_takes("keyring_other", cert))
		return;
	if (!CHECK_INT(trust_keyring_create("watchbpf-test:child", certs, 1, &serial, err,
					    sizeof(err)),
		       ==, 0))
		return;
	pid = fork();
	if (pid == 0) {
		char *d = NULL, buf[64];
		int bad = 0;

		bad |= keyctl_describe_alloc(serial, &d) < 0; /* may view */
		bad |= keyctl_read(serial, buf, sizeof(buf)) >= 0;
		bad |= keyctl_search(serial, "asymmetric", "child", 0) >= 0;
		bad |= add_key("user", "x", "y", 1, serial) >= 0;
		bad |= keyctl_unlink(serial, KEY_SPEC_PROCESS_KEYRING) >= 0;
		_exit(bad);
	}
	if (CHECK(pid > 0, "fork"))
		waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child could use the keyring");
	/* and the child's attempts changed nothing */
	check_locked_keyring(serial, "watchbpf-test:child", 1);
	trust_keyring_destroy(serial);
}

/*
 * A reload makes the new keyring while the old one is still in force: one
 * description must not make the second displace (and so kill) the first.
 */
TEST(keyring_same_description_twice)
{
	const char *cert = make_cert("twice", "rsa:2048");
	char *const certs[] = { (char *)cert };
	int32_t first = 0, second = 0;
	char err[512], *d = NULL;

	if (!CHECK(cert != NULL, "openssl req failed") || !kernel_takes("keyring_twice", cert))
		return;
	CHECK_INT(trust_keyring_create("watchbpf-test:same", certs, 1, &first, err, sizeof(err)),
		  ==, 0);
	CHECK_INT(trust_keyring_create("watchbpf-test:same", certs, 1, &second, err, sizeof(err)),
		  ==, 0);
	CHECK(first != second, "one keyring");
	/* give garbage collection a moment to take a displaced keyring */
	usleep(200000);
	CHECK_INT(keyctl_describe_alloc(first, &d), >, 0);
	free(d);
	check_locked_keyring(first, "watchbpf-test:same", 1);
	check_locked_keyring(second, "watchbpf-test:same", 1);
	trust_keyring_destroy(first);
	trust_keyring_destroy(second);
}

/* NAME.crt made by make_cert() with its validity moved to the past and
 * signed again: what openssl(1) of OpenSSL 3.0 cannot make. */
static const char *make_expired(const char *name)
{
	char crt[64], key[64];
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	FILE *f = NULL;
	const char *ret = NULL;

	if (!make_cert(name, "rsa:2048"))
		return NULL;
	snprintf(crt, sizeof(crt), "%s.crt", name);
	snprintf(key, sizeof(key), "%s.key", name);
	f = fopen(tmp_path(key), "r");
	if (f)
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	if (f)
		fclose(f);
	f = fopen(tmp_path(crt), "r");
	if (f)
		x = PEM_read_X509(f, NULL, NULL, NULL);
	if (f)
		fclose(f);
	if (!pkey || !x)
		goto out;
	X509_gmtime_adj(X509_getm_notBefore(x), -2 * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), -86400);
	if (!X509_sign(x, pkey, EVP_sha256()))
		goto out;
	f = fopen(tmp_path(crt), "w");
	if (f && PEM_write_X509(f, x))
		ret = tmp_path(crt);
	if (f)
		fclose(f);
out:
	X509_free(x);
	EVP_PKEY_free(pkey);
	return ret;
}

/* The kernel ignores validity dates, so an expired certificate must never
 * reach the keyring: what it signed is not trusted. */
TEST(keyring_leaves_out_expired_certificates)
{
	const char *good = make_cert("valid", "rsa:2048");
	const char *expired = make_expired("expired");
	char err[512], *certs[2];
	int32_t serial = 0;

	if (!CHECK(good && expired, "making the certificates failed") ||
	    !kernel_takes("keyring_expired", good))
		return;
	certs[0] = (char *)expired;
	certs[1] = (char *)good;
	if (!CHECK_INT(trust_keyring_create("watchbpf-test:expired", certs, 2, &serial, err,
					    sizeof(err)),
		       ==, 0)) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	/* only the valid one is in */
	check_locked_keyring(serial, "watchbpf-test:expired", 1);
	trust_keyring_destroy(serial);
}
