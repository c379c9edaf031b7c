// SPDX-License-Identifier: GPL-2.0
/*
 * fs-verity signatures: byte equality with `fsverity sign`, round trips
 * with RSA and ECDSA P-256 keys, the ways a signature goes bad, the files
 * sign and verify meet (empty, one block, multi-GiB sparse, unreadable),
 * and the command's behaviour run in-process (cmd_sign/cmd_verify).
 *
 * Also the threaded digest: the parallel leaf level must give the serial
 * result for every geometry; it lives here because signing is what made
 * it necessary, and test_digest.c is not this feature's file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "fsverity/digest.h"
#include "fsverity/sigfiles.h"
#include "fsverity/sign.h"
#include "gatekeeper/commands.h"
#include "lib/util.h"
#include "test.h"

#define DAY (24L * 3600)

/* ---- fixtures ------------------------------------------------------- */

static char tmpdir[64];

/* A fresh directory per test; removed by the next call and at exit. */
static const char *fresh_dir(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "  cannot remove %s\n", tmpdir);
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wbpf-sign-test.XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	return tmpdir;
}

__attribute__((destructor)) static void remove_tmpdir(void)
{
	char cmd[128];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

static char *path_in(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *p = bufs[next++ % 8];

	snprintf(p, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return p;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		abort();
}

/* size bytes of a pattern that differs per seed */
static void write_pattern(const char *path, size_t size, unsigned int seed)
{
	unsigned char *buf = malloc(size ? size : 1);

	if (!buf)
		abort();
	for (size_t i = 0; i < size; i++)
		buf[i] = (unsigned char)(i * 31 + seed + (i >> 12));
	write_bytes(path, buf, size);
	free(buf);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	unsigned char *buf = malloc(FSV_SIG_MAX_SIZE);
	FILE *f = fopen(path, "rb");

	*len = 0;
	if (!buf || !f) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, FSV_SIG_MAX_SIZE, f);
	fclose(f);
	return buf;
}

/*
 * A key, from a small pool made once: RSA key generation would be most of
 * these tests' time. Round robin, so consecutive calls give different keys
 * (a test that wants two keys gets two).
 */
static EVP_PKEY *gen_key(bool ec)
{
	static EVP_PKEY *pool[2][3];
	static unsigned int next[2];
	EVP_PKEY **k = &pool[ec][next[ec]++ % 3];

	if (!*k)
		*k = ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
	if (!*k || !EVP_PKEY_up_ref(*k))
		abort();
	return *k;
}

/* A self-signed certificate valid from now+from to now+to seconds. */
static X509 *gen_cert(EVP_PKEY *key, const char *cn, long serial, long from, long to)
{
	X509 *x = X509_new();
	X509_NAME *name;

	if (!x)
		abort();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"Example, Inc.",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	/* EdDSA signs the message itself: no digest */
	if (!X509_sign(x, key, EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256()))
		abort();
	return x;
}

static void write_key(const char *path, EVP_PKEY *key, const char *pass)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	/* PKCS#8, encrypted if pass: what `openssl genpkey -aes256` writes */
	if (!PEM_write_PKCS8PrivateKey(f, key, pass ? EVP_aes_256_cbc() : NULL, NULL, 0, NULL,
				       (void *)pass))
		abort();
	fclose(f);
}

static void write_cert(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");

	if (!f || !PEM_write_X509(f, x))
		abort();
	fclose(f);
}

/* A key and certificate pair written as NAME.key and NAME.crt. */
struct pair {
	EVP_PKEY *key;
	X509 *cert;
	const char *key_path, *cert_path;
};

/* Files NAME.key and NAME.crt, for subject CN=cn. */
static struct pair make_pair_cn(const char *name, const char *cn, bool ec, long serial, long from,
				long to)
{
	char key_name[64], cert_name[64];
	struct pair p;

	snprintf(key_name, sizeof(key_name), "%s.key", name);
	snprintf(cert_name, sizeof(cert_name), "%s.crt", name);
	p.key = gen_key(ec);
	p.cert = gen_cert(p.key, cn, serial, from, to);
	p.key_path = strdup(path_in(key_name));
	p.cert_path = strdup(path_in(cert_name));
	write_key(p.key_path, p.key, NULL);
	write_cert(p.cert_path, p.cert);
	return p;
}

static struct pair make_pair(const char *name, bool ec, long serial, long from, long to)
{
	return make_pair_cn(name, name, ec, serial, from, to);
}

static void free_pair(struct pair *p)
{
	EVP_PKEY_free(p->key);
	X509_free(p->cert);
	free((void *)p->key_path);
	free((void *)p->cert_path);
}

static bool have_fsverity_tool(void)
{
	static int have = -1;

	if (have < 0) {
		have = !system("command -v fsverity >/dev/null 2>&1");
		if (!have)
			fprintf(stderr,
				"  SKIP parts: `fsverity` not installed (Debian package fsverity)\n");
	}
	return have;
}

static int digest_file(const char *path, struct fsv_digest *d)
{
	return fsv_digest_path(path, NULL, d);
}

/* Signs path's digest with the library; returns the DER (malloc()ed). */
static unsigned char *sign_path(struct fsv_signer *s, const char *path, size_t *len)
{
	struct fsv_digest d;
	unsigned char *sig = NULL;

	if (!CHECK_INT(digest_file(path, &d), ==, 0))
		return NULL;
	if (!CHECK_INT(fsv_sign_digest(s, &d, &sig, len), ==, 0))
		return NULL;
	return sig;
}

/*
 * Runs a command function in-process with stdout and stderr captured into
 * files (returned in out/err, malloc()ed, NUL-terminated); returns its
 * status.
 */
static int run_captured(int (*fn)(int, char **), char **argv, char **out, char **err)
{
	char out_path[256], err_path[256];
	int argc = 0, rc, saved_out, saved_err, fd_out, fd_err;
	size_t len;

	while (argv[argc])
		argc++;
	snprintf(out_path, sizeof(out_path), "%s/.stdout", tmpdir);
	snprintf(err_path, sizeof(err_path), "%s/.stderr", tmpdir);
	fflush(stdout);
	fflush(stderr);
	fd_out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fd_err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	if (fd_out < 0 || fd_err < 0 || saved_out < 0 || saved_err < 0)
		abort();
	dup2(fd_out, STDOUT_FILENO);
	dup2(fd_err, STDERR_FILENO);
	rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	close(fd_out);
	close(fd_err);
	*out = (char *)read_all(out_path, &len);
	(*out)[len < FSV_SIG_MAX_SIZE ? len : len - 1] = '\0';
	*err = (char *)read_all(err_path, &len);
	(*err)[len < FSV_SIG_MAX_SIZE ? len : len - 1] = '\0';
	unlink(out_path);
	unlink(err_path);
	return rc;
}

static size_t count_lines(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- the signature format ------------------------------------------ */

TEST(sign_formatted_digest_layout)
{
	struct fsv_digest d = { .hash_alg = FSV_HASH_SHA256, .size = 32 };
	unsigned char buf[FSV_FORMATTED_DIGEST_MAX];
	static const unsigned char head[12] = {
		'F', 'S', 'V', 'e', 'r', 'i', 't', 'y', 1, 0, 32, 0
	};

	for (int i = 0; i < 32; i++)
		d.bytes[i] = (unsigned char)i;
	CHECK_INT(fsv_format_digest(&d, buf), ==, 44);
	CHECK(!memcmp(buf, head, sizeof(head)), "magic, le16 alg, le16 size");
	CHECK(!memcmp(buf + 12, d.bytes, 32), "digest follows");
	d.hash_alg = FSV_HASH_SHA512;
	d.size = 64;
	CHECK_INT(fsv_format_digest(&d, buf), ==, 76);
	CHECK_INT(buf[8], ==, 2);
	CHECK_INT(buf[10], ==, 64);
	/* alg and size that disagree, or an unknown alg, are refused */
	d.size = 32;
	CHECK_INT(fsv_format_digest(&d, buf), ==, 0);
	d.hash_alg = 7;
	CHECK_INT(fsv_format_digest(&d, buf), ==, 0);
}

TEST(sign_rsa_der_equals_fsverity_tool)
{
	static const size_t sizes[] = { 0, 1, 4096, 4097, 1 << 20 };
	struct fsv_signer *s;
	struct pair p;
	char err[512], cmd[1024], name[32];
	unsigned char *ours, *theirs;
	size_t ours_len, theirs_len;

	fresh_dir();
	if (!have_fsverity_tool())
		return;
	p = make_pair("rsa", false, 1, -DAY, 30 * DAY);
	if (!CHECK_INT(fsv_signer_load(p.key_path, p.cert_path, NULL, &s, err, sizeof(err)), ==, 0))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", sizes[i]);
		write_pattern(path_in(name), sizes[i], (unsigned int)i);
		snprintf(cmd, sizeof(cmd),
			 "fsverity sign '%s' '%s.tool' --key '%s' --cert '%s' >/dev/null",
			 path_in(name), path_in(name), p.key_path, p.cert_path);
		if (!CHECK_INT(system(cmd), ==, 0))
			continue;
		ours = sign_path(s, path_in(name), &ours_len);
		snprintf(cmd, sizeof(cmd), "%s.tool", path_in(name));
		theirs = read_all(cmd, &theirs_len);
		CHECK(ours && theirs && ours_len == theirs_len && !memcmp(ours, theirs, ours_len),
		      "size %zu: DER differs from fsverity sign (%zu vs %zu bytes)", sizes[i],
		      ours_len, theirs_len);
		free(ours);
		free(theirs);
	}
	fsv_signer_free(s);
out:
	free_pair(&p);
}

/*
 * The parts of the message the kernel relies on, and an independent
 * verification through OpenSSL's CMS code (not the PKCS7_verify() that
 * fsv_verify_digest() uses).
 */
static void check_der_shape(const unsigned char *sig, size_t len, X509 *cert,
			    const struct fsv_digest *d)
{
	unsigned char fmt[FSV_FORMATTED_DIGEST_MAX];
	const unsigned char *p = sig;
	PKCS7_SIGNER_INFO *si;
	STACK_OF(X509) * certs;
	X509_ALGOR *dig;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	BIO *der, *content;
	CMS_ContentInfo *cms;

	if (!CHECK(p7 != NULL, "not DER PKCS#7"))
		return;
	CHECK(PKCS7_type_is_signed(p7), "not SignedData");
	CHECK(PKCS7_get_detached(p7), "content embedded");
	CHECK(p7->d.sign->cert == NULL, "certificates embedded");
	CHECK_INT(sk_PKCS7_SIGNER_INFO_num(PKCS7_get_signer_info(p7)), ==, 1);
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	CHECK(si->auth_attr == NULL, "signed attributes present");
	PKCS7_SIGNER_INFO_get0_algs(si, NULL, &dig, NULL);
	CHECK_INT(OBJ_obj2nid(dig->algorithm), ==, NID_sha256);
	PKCS7_free(p7);

	der = BIO_new_mem_buf(sig, (int)len);
	content = BIO_new_mem_buf(fmt, (int)fsv_format_digest(d, fmt));
	certs = sk_X509_new_null();
	sk_X509_push(certs, cert);
	cms = d2i_CMS_bio(der, NULL);
	CHECK(cms && CMS_verify(cms, certs, NULL, content, NULL,
				CMS_BINARY | CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY) == 1,
	      "CMS_verify() rejects it");
	CMS_ContentInfo_free(cms);
	sk_X509_free(certs);
	BIO_free(der);
	BIO_free(content);
}

static void roundtrip(bool ec)
{
	struct fsv_verifier *v;
	struct fsv_signer *s, *dup;
	struct fsv_digest d;
	struct pair p;
	unsigned char *sig, *sig2;
	size_t len, len2;
	char err[512];

	fresh_dir();
	p = make_pair(ec ? "ec" : "rsa", ec, 7, -DAY, 30 * DAY);
	write_pattern(path_in("file"), 100000, 3);
	CHECK_INT(fsv_signer_load(p.key_path, p.cert_path, NULL, &s, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(p.cert_path, &v, err, sizeof(err)), ==, 0);
	CHECK_INT(digest_file(path_in("file"), &d), ==, 0);
	sig = sign_path(s, path_in("file"), &len);
	if (!sig)
		goto out;
	CHECK_INT(fsv_verify_digest(v, &d, sig, len), ==, FSV_SIG_OK);
	check_der_shape(sig, len, p.cert, &d);
	/* a dup signs alike: equal DER for RSA, a valid signature for ECDSA */
	dup = fsv_signer_dup(s);
	if (CHECK(dup != NULL, "dup failed")) {
		sig2 = sign_path(dup, path_in("file"), &len2);
		if (sig2 && !ec)
			CHECK(len == len2 && !memcmp(sig, sig2, len), "RSA is deterministic");
		if (sig2 && ec)
			CHECK_INT(fsv_verify_digest(v, &d, sig2, len2), ==, FSV_SIG_OK);
		free(sig2);
		fsv_signer_free(dup);
	}
	/* the digest of other content: RSA tells it apart, ECDSA cannot */
	d.bytes[5] ^= 0x40;
	CHECK_INT(fsv_verify_digest(v, &d, sig, len), ==,
		  ec ? FSV_SIG_BAD : FSV_SIG_DIGEST_MISMATCH);
	CHECK_STR(fsv_signer_subject(s),
		  ec ? "CN=ec,O=Example\\, Inc." : "CN=rsa,O=Example\\, Inc.");
	CHECK_INT(strlen(fsv_signer_fingerprint(s)), ==, 64);
	free(sig);
out:
	fsv_verifier_free(v);
	fsv_signer_free(s);
	free_pair(&p);
}

TEST(sign_rsa_roundtrip)
{
	roundtrip(false);
}

TEST(sign_ecdsa_p256_roundtrip)
{
	roundtrip(true);
}

TEST(sign_ecdsa_verifies_with_openssl_cli)
{
	struct fsv_signer *s;
	struct fsv_digest d;
	struct pair p;
	unsigned char fmt[FSV_FORMATTED_DIGEST_MAX], *sig;
	char err[512], cmd[1024];
	size_t len;

	fresh_dir();
	p = make_pair("ec", true, 9, -DAY, 30 * DAY);
	write_pattern(path_in("file"), 5000, 1);
	if (!CHECK_INT(fsv_signer_load(p.key_path, p.cert_path, NULL, &s, err, sizeof(err)), ==, 0))
		goto out;
	sig = sign_path(s, path_in("file"), &len);
	if (sig) {
		write_bytes(path_in("file.sig"), sig, len);
		CHECK_INT(digest_file(path_in("file"), &d), ==, 0);
		write_bytes(path_in("fmt"), fmt, fsv_format_digest(&d, fmt));
		snprintf(cmd, sizeof(cmd),
			 "openssl smime -verify -binary -inform DER -in '%s' -content '%s' "
			 "-certfile '%s' -nointern -noverify >/dev/null 2>&1",
			 path_in("file.sig"), path_in("fmt"), p.cert_path);
		CHECK_INT(system(cmd), ==, 0);
		free(sig);
	}
	fsv_signer_free(s);
out:
	free_pair(&p);
}

/* ---- what makes a signature bad ------------------------------------- */

TEST(verify_rejects_corrupted_signatures)
{
	struct fsv_verifier *v;
	struct fsv_signer *s;
	struct fsv_digest d;
	struct pair p;
	unsigned char *sig, *bad;
	char err[512];
	size_t len;

	fresh_dir();
	p = make_pair("rsa", false, 3, -DAY, 30 * DAY);
	write_pattern(path_in("file"), 9000, 2);
	CHECK_INT(fsv_signer_load(p.key_path, p.cert_path, NULL, &s, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(p.cert_path, &v, err, sizeof(err)), ==, 0);
	CHECK_INT(digest_file(path_in("file"), &d), ==, 0);
	sig = sign_path(s, path_in("file"), &len);
	bad = malloc(len + 1);
	if (!sig || !bad)
		goto out;
	/* a bit flipped in the RSA signature (the message's last bytes) */
	memcpy(bad, sig, len);
	bad[len - 10] ^= 0x01;
	CHECK_INT(fsv_verify_digest(v, &d, bad, len), ==, FSV_SIG_BAD);
	/* the DER cut short, or followed by junk, or not DER at all */
	CHECK_INT(fsv_verify_digest(v, &d, sig, len - 1), ==, FSV_SIG_BAD);
	memcpy(bad, sig, len);
	bad[len] = 0;
	CHECK_INT(fsv_verify_digest(v, &d, bad, len + 1), ==, FSV_SIG_BAD);
	CHECK_INT(fsv_verify_digest(v, &d, (const unsigned char *)"FSVerity", 8), ==, FSV_SIG_BAD);
	CHECK_INT(fsv_verify_digest(v, &d, sig, 0), ==, FSV_SIG_BAD);
	/* and the intact one still passes */
	CHECK_INT(fsv_verify_digest(v, &d, sig, len), ==, FSV_SIG_OK);
out:
	free(bad);
	free(sig);
	fsv_verifier_free(v);
	fsv_signer_free(s);
	free_pair(&p);
}

TEST(verify_wrong_key_and_wrong_cert)
{
	struct fsv_verifier *va, *vb, *vtwin;
	struct fsv_signer *sa;
	struct fsv_digest d;
	struct pair a, b, twin;
	unsigned char *sig;
	char err[512];
	size_t len;

	fresh_dir();
	a = make_pair("a", false, 1, -DAY, 30 * DAY);
	b = make_pair("b", true, 2, -DAY, 30 * DAY);
	/* same subject (issuer) and serial as a, another key */
	twin = make_pair_cn("twin", "a", false, 1, -DAY, 30 * DAY);
	write_pattern(path_in("file"), 4096, 4);
	CHECK_INT(fsv_signer_load(a.key_path, a.cert_path, NULL, &sa, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(a.cert_path, &va, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(b.cert_path, &vb, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(twin.cert_path, &vtwin, err, sizeof(err)), ==, 0);
	CHECK_INT(digest_file(path_in("file"), &d), ==, 0);
	sig = sign_path(sa, path_in("file"), &len);
	if (sig) {
		CHECK_INT(fsv_verify_digest(va, &d, sig, len), ==, FSV_SIG_OK);
		CHECK_INT(fsv_verify_digest(vb, &d, sig, len), ==, FSV_SIG_WRONG_KEY);
		/* the kernel would pick the twin by issuer+serial; its key fails */
		CHECK_INT(fsv_verify_digest(vtwin, &d, sig, len), ==, FSV_SIG_BAD);
	}
	free(sig);
	fsv_verifier_free(va);
	fsv_verifier_free(vb);
	fsv_verifier_free(vtwin);
	fsv_signer_free(sa);
	free_pair(&a);
	free_pair(&b);
	free_pair(&twin);
}

TEST(verify_checks_certificate_validity)
{
	struct fsv_verifier *v_old, *v_new;
	struct fsv_signer *s_old, *s_new;
	struct fsv_digest d;
	struct pair old, young;
	unsigned char *sig;
	char err[512];
	size_t len;

	fresh_dir();
	old = make_pair("old", false, 1, -30 * DAY, -DAY);
	young = make_pair("young", true, 2, DAY, 30 * DAY);
	write_pattern(path_in("file"), 10, 5);
	CHECK_INT(digest_file(path_in("file"), &d), ==, 0);
	/* the library signs anyway (the command refuses, see below) */
	CHECK_INT(fsv_signer_load(old.key_path, old.cert_path, NULL, &s_old, err, sizeof(err)), ==,
		  0);
	CHECK_INT(fsv_signer_load(young.key_path, young.cert_path, NULL, &s_new, err, sizeof(err)),
		  ==, 0);
	CHECK_INT(fsv_signer_cert_time(s_old), ==, FSV_CERT_EXPIRED);
	CHECK_INT(fsv_signer_cert_time(s_new), ==, FSV_CERT_NOT_YET_VALID);
	CHECK_INT(fsv_verifier_load(old.cert_path, &v_old, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(young.cert_path, &v_new, err, sizeof(err)), ==, 0);
	sig = sign_path(s_old, path_in("file"), &len);
	if (sig)
		CHECK_INT(fsv_verify_digest(v_old, &d, sig, len), ==, FSV_SIG_CERT_EXPIRED);
	free(sig);
	sig = sign_path(s_new, path_in("file"), &len);
	if (sig)
		CHECK_INT(fsv_verify_digest(v_new, &d, sig, len), ==, FSV_SIG_CERT_NOT_YET_VALID);
	free(sig);
	CHECK_STR(fsv_verdict_str(FSV_SIG_CERT_EXPIRED), "certificate expired");
	CHECK_STR(fsv_verdict_str(FSV_SIG_CERT_NOT_YET_VALID), "certificate not yet valid");
	fsv_verifier_free(v_old);
	fsv_verifier_free(v_new);
	fsv_signer_free(s_old);
	fsv_signer_free(s_new);
	free_pair(&old);
	free_pair(&young);
}

/* ---- loading keys and certificates --------------------------------- */

TEST(signer_load_errors_name_the_file)
{
	struct fsv_signer *s;
	struct pair a, b;
	EVP_PKEY *ed;
	char err[512];

	fresh_dir();
	a = make_pair("a", false, 1, -DAY, DAY);
	b = make_pair("b", true, 2, -DAY, DAY);
	write_bytes(path_in("junk.pem"), "hello\n", 6);

	CHECK_INT(fsv_signer_load(path_in("nope.key"), a.cert_path, NULL, &s, err, sizeof(err)), <,
		  0);
	CHECK(strstr(err, "nope.key") && strstr(err, "No such file"), "%s", err);
	CHECK_INT(fsv_signer_load(a.key_path, path_in("junk.pem"), NULL, &s, err, sizeof(err)), <,
		  0);
	CHECK(strstr(err, "junk.pem") && strstr(err, "not a PEM X.509"), "%s", err);
	CHECK_INT(fsv_signer_load(path_in("junk.pem"), a.cert_path, NULL, &s, err, sizeof(err)), <,
		  0);
	CHECK(strstr(err, "junk.pem") && strstr(err, "not a PEM private key"), "%s", err);
	CHECK_INT(fsv_signer_load(tmpdir, a.cert_path, NULL, &s, err, sizeof(err)), <, 0);
	CHECK(strstr(err, "not a regular file"), "%s", err);
	/* b's key with a's certificate */
	CHECK_INT(fsv_signer_load(b.key_path, a.cert_path, NULL, &s, err, sizeof(err)), <, 0);
	CHECK(strstr(err, "not the key of certificate"), "%s", err);
	CHECK(s == NULL, "out set on failure");

	/* encrypted: no passphrase is an error (never a prompt), wrong or right */
	write_key(path_in("enc.key"), a.key, "s3cret");
	CHECK_INT(fsv_signer_load(path_in("enc.key"), a.cert_path, NULL, &s, err, sizeof(err)), <,
		  0);
	CHECK(strstr(err, "encrypted") && strstr(err, "--pass"), "%s", err);
	CHECK_INT(fsv_signer_load(path_in("enc.key"), a.cert_path, "wrong", &s, err, sizeof(err)),
		  <, 0);
	CHECK(strstr(err, "wrong passphrase"), "%s", err);
	CHECK_INT(fsv_signer_load(path_in("enc.key"), a.cert_path, "s3cret", &s, err, sizeof(err)),
		  ==, 0);
	fsv_signer_free(s);

	/* keys the kernel's PKCS#7 code cannot check are refused up front */
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (CHECK(ed != NULL, "no Ed25519")) {
		X509 *x = gen_cert(ed, "ed", 5, -DAY, DAY);

		write_key(path_in("ed.key"), ed, NULL);
		write_cert(path_in("ed.crt"), x);
		CHECK_INT(fsv_signer_load(path_in("ed.key"), path_in("ed.crt"), NULL, &s, err,
					  sizeof(err)),
			  <, 0);
		CHECK(strstr(err, "unsupported key type"), "%s", err);
		X509_free(x);
		EVP_PKEY_free(ed);
	}
	free_pair(&a);
	free_pair(&b);
}

TEST(sign_pass_spec)
{
	char err[256], *pass;

	fresh_dir();
	setenv("WBPF_TEST_PASS", "from env", 1);
	CHECK_INT(read_pass_spec("env:WBPF_TEST_PASS", &pass, err, sizeof(err)), ==, 0);
	CHECK_STR(pass, "from env");
	free(pass);
	unsetenv("WBPF_TEST_PASS");
	CHECK_INT(read_pass_spec("env:WBPF_TEST_PASS", &pass, err, sizeof(err)), ==, -EINVAL);
	CHECK(strstr(err, "not set"), "%s", err);
	write_bytes(path_in("pass"), "line one\r\nline two\n", 19);
	snprintf(err, sizeof(err), "file:%s", path_in("pass"));
	CHECK_INT(read_pass_spec(err, &pass, err, sizeof(err)), ==, 0);
	CHECK_STR(pass, "line one");
	free(pass);
	CHECK_INT(read_pass_spec("file:/nonexistent/x", &pass, err, sizeof(err)), ==, -EINVAL);
	CHECK_INT(read_pass_spec("pass:hunter2", &pass, err, sizeof(err)), ==, -EINVAL);
	CHECK(strstr(err, "refused") && !strstr(err, "hunter2"), "%s", err);
	CHECK_INT(read_pass_spec("stdin", &pass, err, sizeof(err)), ==, -EINVAL);
	CHECK(pass == NULL, "pass set on failure");
}

/* ---- files ------------------------------------------------------------ */

TEST(sign_file_shapes_roundtrip)
{
	/* empty, exactly one block, one past, and a multi-GiB sparse file
	 * with data past 4 GiB (64-bit offsets all the way) */
	static const uint64_t sizes[] = { 0, 4096, 4097, (4ULL << 30) + 4097 };
	struct fsv_verifier *v;
	struct fsv_signer *s;
	struct fsv_digest d, serial;
	struct pair p;
	unsigned char *sig;
	char err[512], name[32];
	size_t len;
	int fd;

	fresh_dir();
	p = make_pair("rsa", false, 1, -DAY, DAY);
	CHECK_INT(fsv_signer_load(p.key_path, p.cert_path, NULL, &s, err, sizeof(err)), ==, 0);
	CHECK_INT(fsv_verifier_load(p.cert_path, &v, err, sizeof(err)), ==, 0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		if (sizes[i] > (1 << 20)) {
			fd = open(path_in(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
			if (!CHECK(fd >= 0 && !ftruncate(fd, (off_t)sizes[i]) &&
					   pwrite(fd, "watchbpf", 8, (off_t)(sizes[i] - 100)) == 8,
				   "sparse file"))
				continue;
			close(fd);
		} else {
			write_pattern(path_in(name), sizes[i], 9);
		}
		if (!CHECK_INT(digest_file(path_in(name), &d), ==, 0))
			continue;
		fd = open(path_in(name), O_RDONLY);
		CHECK_INT(fsv_digest_fd_threads(fd, NULL, 1, &serial), ==, 0);
		close(fd);
		CHECK(!memcmp(&d, &serial, sizeof(d)), "threaded and serial digests differ");
		sig = sign_path(s, path_in(name), &len);
		if (sig)
			CHECK_INT(fsv_verify_digest(v, &d, sig, len), ==, FSV_SIG_OK);
		free(sig);
		unlink(path_in(name));
	}
	fsv_verifier_free(v);
	fsv_signer_free(s);
	free_pair(&p);
}

TEST(sign_unreadable_and_odd_files)
{
	struct fsv_digest d;

	fresh_dir();
	CHECK_INT(digest_file(path_in("missing"), &d), ==, -ENOENT);
	/* root reads anything chmod forbids; reading address 0 of our own
	 * memory fails for real, on a file that claims to be regular */
	CHECK_INT(digest_file("/proc/self/mem", &d), ==, -EIO);
	CHECK_INT(mkfifo(path_in("fifo"), 0600), ==, 0);
	CHECK_INT(digest_file(path_in("fifo"), &d), ==, -EINVAL);
	CHECK_INT(digest_file(tmpdir, &d), ==, -EISDIR);
}

/* ---- signature locations -------------------------------------------- */

TEST(sigfiles_walk_and_locations)
{
	struct sig_loc out = { .where = SIG_OUTDIR, .suffix = ".sig", .out_dir = "OUT" };
	struct sig_loc beside = { .where = SIG_SUFFIX, .suffix = ".sig" };
	struct file_list fl = { 0 };
	char *args[3];
	char root[256];

	fresh_dir();
	snprintf(root, sizeof(root), "%s/tree", tmpdir);
	mkdir(root, 0755);
	mkdir(path_in("tree/sub"), 0755);
	mkdir(path_in("tree/sub/deeper"), 0755);
	write_pattern(path_in("tree/b"), 1, 1);
	write_pattern(path_in("tree/a"), 1, 1);
	write_pattern(path_in("tree/sub/deeper/c"), 1, 1);
	write_pattern(path_in("tree/a.sig"), 1, 1);
	CHECK_INT(symlink("a", path_in("tree/link")), ==, 0);
	CHECK_INT(mkfifo(path_in("tree/fifo"), 0600), ==, 0);

	/* -r: sorted, regular files only, relative names kept under --out */
	args[0] = root;
	CHECK_INT(file_list_build(&fl, args, 1, true, &out, false), ==, 0);
	if (CHECK_INT(fl.n, ==, 4)) {
		CHECK_STR(fl.v[0].sig_path, "OUT/a.sig");
		CHECK_STR(fl.v[1].sig_path, "OUT/a.sig.sig");
		CHECK_STR(fl.v[2].sig_path, "OUT/b.sig");
		CHECK_STR(fl.v[3].sig_path, "OUT/sub/deeper/c.sig");
		CHECK_STR(fl.v[3].path, path_in("tree/sub/deeper/c"));
	}
	file_list_free(&fl);
	/* beside the files: an old signature is not signed again */
	CHECK_INT(file_list_build(&fl, args, 1, true, &beside, false), ==, 0);
	CHECK_INT(fl.n, ==, 3);
	file_list_free(&fl);
	/* without -r a directory is an error entry; a/x and b/x collide */
	args[0] = root;
	args[1] = path_in("tree/a");
	args[2] = path_in("tree/sub/../a");
	CHECK_INT(file_list_build(&fl, args, 3, false, &out, false), ==, 0);
	if (CHECK_INT(fl.n, ==, 3)) {
		CHECK_INT(fl.v[0].err, ==, -EISDIR);
		CHECK_INT(fl.v[1].err, ==, 0);
		CHECK_INT(fl.v[2].err, ==, -EEXIST);
		CHECK_STR(fl.v[2].dup_of, path_in("tree/a"));
	}
	file_list_free(&fl);
}

TEST(sigfiles_write_is_atomic_and_readable)
{
	struct sig_loc out = { .where = SIG_OUTDIR, .suffix = ".sig", .out_dir = NULL };
	struct file_list fl = { 0 };
	unsigned char *sig;
	char *args[1], cmd[512];
	size_t len;
	int fd;

	fresh_dir();
	out.out_dir = path_in("out");
	mkdir(out.out_dir, 0755);
	write_pattern(path_in("f"), 10, 1);
	args[0] = path_in("f");
	CHECK_INT(file_list_build(&fl, args, 1, false, &out, false), ==, 0);
	fd = open(args[0], O_RDONLY);
	CHECK_INT(sig_read(fd, &fl.v[0], &sig, &len), ==, -ENODATA);
	CHECK_INT(sig_write(fd, &fl.v[0], (const unsigned char *)"abc", 3, 022), ==, 0);
	CHECK_INT(sig_read(fd, &fl.v[0], &sig, &len), ==, 0);
	CHECK(len == 3 && !memcmp(sig, "abc", 3), "read back");
	free(sig);
	/* an existing signature is replaced (by rename, not by link) */
	CHECK_INT(sig_write(fd, &fl.v[0], (const unsigned char *)"defg", 4, 022), ==, 0);
	CHECK_INT(sig_read(fd, &fl.v[0], &sig, &len), ==, 0);
	CHECK(len == 4 && !memcmp(sig, "defg", 4), "replaced");
	free(sig);
	/* nothing but the signature is left in the directory */
	snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = f.sig", out.out_dir);
	CHECK_INT(system(cmd), ==, 0);
	/* and the xattr flavour */
	free(fl.v[0].sig_path);
	fl.v[0].sig_path = NULL;
	CHECK_INT(sig_read(fd, &fl.v[0], &sig, &len), ==, -ENODATA);
	CHECK_INT(sig_write(fd, &fl.v[0], (const unsigned char *)"xyz", 3, 022), ==, 0);
	CHECK_INT(sig_read(fd, &fl.v[0], &sig, &len), ==, 0);
	CHECK(len == 3 && !memcmp(sig, "xyz", 3), "xattr read back");
	free(sig);
	close(fd);
	file_list_free(&fl);
}

/* ---- the commands, in-process --------------------------------------- */

TEST(sign_cmd_failures_leave_no_signature)
{
	char *out, *err;
	struct pair p;
	struct stat st;
	int rc;

	fresh_dir();
	p = make_pair("rsa", false, 1, -DAY, DAY);
	write_pattern(path_in("good"), 5000, 1);
	mkfifo(path_in("fifo"), 0600);
	{
		char *argv[] = { "sign",
				 "--key",
				 (char *)p.key_path,
				 "--cert",
				 (char *)p.cert_path,
				 "--suffix",
				 ".sig",
				 path_in("good"),
				 path_in("missing"),
				 "/proc/self/mem",
				 path_in("fifo"),
				 tmpdir,
				 NULL };

		rc = run_captured(cmd_sign, argv, &out, &err);
	}
	CHECK_INT(rc, ==, 1);
	/* one line per failure, each naming its file */
	CHECK_INT(count_lines(err, "watchbpf: error: "), ==, 4);
	CHECK(strstr(err, "missing: No such file"), "%s", err);
	CHECK(strstr(err, "/proc/self/mem: cannot read: Input/output error"), "%s", err);
	CHECK(strstr(err, "fifo: not a regular file"), "%s", err);
	CHECK(strstr(err, "is a directory"), "%s", err);
	CHECK_INT(stat(path_in("good.sig"), &st), ==, 0);
	CHECK(stat(path_in("missing.sig"), &st) && stat(path_in("fifo.sig"), &st),
	      "a failed file got a signature");
	free(out);
	free(err);

	/* an expired certificate is refused before anything is signed */
	free_pair(&p);
	p = make_pair("old", false, 1, -9 * DAY, -DAY);
	unlink(path_in("good.sig"));
	{
		char *argv[] = {
			"sign",	    "--key", (char *)p.key_path, "--cert", (char *)p.cert_path,
			"--suffix", ".sig",  path_in("good"),	 NULL
		};

		rc = run_captured(cmd_sign, argv, &out, &err);
	}
	CHECK_INT(rc, ==, 1);
	CHECK(strstr(err, "expired"), "%s", err);
	CHECK(stat(path_in("good.sig"), &st), "signed with an expired certificate");
	free(out);
	free(err);
	free_pair(&p);
}

TEST(sign_and_verify_cmd_xattr)
{
	char *out, *err;
	struct pair p, other;
	int rc, fd;

	fresh_dir();
	p = make_pair("ec", true, 1, -DAY, DAY);
	other = make_pair("other", false, 2, -DAY, DAY);
	write_pattern(path_in("a"), 4096, 1);
	write_pattern(path_in("b"), 0, 1);
	write_pattern(path_in("unsigned"), 10, 1);
	{
		char *argv[] = { "sign",
				 "--key",
				 (char *)p.key_path,
				 "--cert",
				 (char *)p.cert_path,
				 path_in("a"),
				 path_in("b"),
				 NULL };

		rc = run_captured(cmd_sign, argv, &out, &err);
	}
	if (rc && strstr(err, "extended attributes")) {
		fprintf(stderr, "  SKIP: %s has no user xattrs\n", tmpdir);
		goto out;
	}
	CHECK_INT(rc, ==, 0);
	free(out);
	free(err);
	fd = open(path_in("b"), O_WRONLY | O_APPEND);
	CHECK_INT(write(fd, "x", 1), ==, 1);
	close(fd);
	{
		char *argv[] = { "verify",	     "--cert",	   (char *)p.cert_path,
				 path_in("a"),	     path_in("b"), path_in("unsigned"),
				 path_in("missing"), NULL };

		rc = run_captured(cmd_verify, argv, &out, &err);
	}
	CHECK_INT(rc, ==, 1);
	CHECK(strstr(out, "OK ") && strstr(out, "/a\n"), "%s", out);
	CHECK(strstr(out, "BAD: bad-signature ") && strstr(out, "/b\n"), "%s", out);
	CHECK(strstr(out, "BAD: no-signature ") && strstr(out, "/unsigned\n"), "%s", out);
	CHECK(strstr(out, "BAD: unreadable (No such file or directory) "), "%s", out);
	free(out);
	free(err);
	{
		char *argv[] = { "verify", "--cert", (char *)other.cert_path, path_in("a"), NULL };

		rc = run_captured(cmd_verify, argv, &out, &err);
	}
	CHECK_INT(rc, ==, 1);
	CHECK(strstr(out, "BAD: wrong-key "), "%s", out);
out:
	free(out);
	free(err);
	free_pair(&p);
	free_pair(&other);
}

/* ---- the threaded digest ------------------------------------------- */

TEST(digest_threads_match_serial)
{
	static const struct {
		unsigned int alg, bs;
	} geoms[] = { { FSV_HASH_SHA256, 4096 },
		      { FSV_HASH_SHA512, 1024 },
		      { FSV_HASH_SHA256, 65536 },
		      { FSV_HASH_SHA512, 4096 } };
	/* around the threading threshold and the 1 MiB chunk edges */
	static const size_t sizes[] = { (4 << 20) - 1,	  4 << 20,	    (4 << 20) + 1,
					(9 << 20) + 4095, (9 << 20) + 4096, (13 << 20) + 1025 };
	static const unsigned int threads[] = { 2, 3, 16 };
	static const unsigned char salt[] = { 1, 2, 3 };
	struct fsv_digest serial, par;
	struct fsv_params prm;
	char name[32];
	int fd;

	fresh_dir();
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		write_pattern(path_in(name), sizes[i], (unsigned int)i);
		fd = open(path_in(name), O_RDONLY);
		if (!CHECK(fd >= 0, "open"))
			continue;
		for (size_t g = 0; g < ARRAY_SIZE(geoms); g++) {
			prm = (struct fsv_params){ .hash_alg = geoms[g].alg,
						   .block_size = geoms[g].bs,
						   .salt = g & 1 ? salt : NULL,
						   .salt_size = g & 1 ? sizeof(salt) : 0 };
			CHECK_INT(fsv_digest_fd_threads(fd, &prm, 1, &serial), ==, 0);
			for (size_t t = 0; t < ARRAY_SIZE(threads); t++) {
				CHECK_INT(fsv_digest_fd_threads(fd, &prm, threads[t], &par), ==, 0);
				CHECK(!memcmp(&serial, &par, sizeof(par)),
				      "size %zu alg %u bs %u threads %u", sizes[i], geoms[g].alg,
				      geoms[g].bs, threads[t]);
			}
		}
		close(fd);
		unlink(path_in(name));
	}
}

TEST(digest_threads_detect_truncation)
{
	struct fsv_digest d;
	pid_t pid;
	int fd, status;

	fresh_dir();
	write_pattern(path_in("f"), 64 << 20, 1);
	fd = open(path_in("f"), O_RDONLY);
	/* Cut the file while threads read it: the digest must not pretend. */
	pid = fork();
	if (pid == 0) {
		usleep(1000);
		_exit(truncate(path_in("f"), 1 << 20) ? 1 : 0);
	}
	for (int i = 0; i < 200; i++) {
		int err = fsv_digest_fd_threads(fd, NULL, 4, &d);

		if (err) {
			CHECK_INT(err, ==, -EAGAIN);
			break;
		}
		/* the truncation landed before or after a whole pass: fine, again */
		if (i > 5)
			break;
	}
	waitpid(pid, &status, 0);
	close(fd);
}
