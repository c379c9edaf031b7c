// SPDX-License-Identifier: GPL-2.0
/* Admin-signed requests: the text, and its signature checked against the
 * policy's admin.certs as `watchbpf sign` makes it. */
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "test.h"
#include "fsverity/digest.h"
#include "fsverity/sign.h"
#include "gatekeeper/admin.h"
#include "policy/policy.h"

/* An EC key and a self-signed certificate for it, as PEM files in DIR. */
static bool make_pair(const char *dir, const char *name, char *key, char *cert, size_t len)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	bool ok = false;
	FILE *f;

	snprintf(key, len, "%s/%s.key", dir, name);
	snprintf(cert, len, "%s/%s.pem", dir, name);
	if (!k || !x)
		goto out;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)name, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	if (!X509_sign(x, k, EVP_sha256()))
		goto out;
	f = fopen(key, "w");
	ok = f && PEM_write_PKCS8PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	if (f)
		fclose(f);
	f = fopen(cert, "w");
	ok = ok && f && PEM_write_X509(f, x);
	if (f)
		fclose(f);
out:
	X509_free(x);
	EVP_PKEY_free(k);
	return ok;
}

/* The signature `watchbpf sign` would make of a file holding TEXT. */
static int sign_text(const char *key, const char *cert, const char *text, unsigned char **sig,
		     size_t *len)
{
	struct fsv_params p = { 0 };
	struct fsv_signer *s;
	struct fsv_digest d;
	char err[256];
	int ret;

	if (fsv_signer_load(key, cert, NULL, &s, err, sizeof(err)))
		return -1;
	ret = fsv_digest_mem(text, strlen(text), &p, &d) ?: fsv_sign_digest(s, &d, sig, len);
	fsv_signer_free(s);
	return ret;
}

TEST(admin_request_text_names_boot_nonce_op_object)
{
	char t[512];

	CHECK_INT(admin_request_text(t, sizeof(t), "b00t", "n0nce", "reload", "sha256:ab"), ==, 0);
	CHECK_STR(t, "watchbpf request 1\nboot: b00t\nnonce: n0nce\nop: reload\nobject: sha256:ab\n");
	CHECK_INT(admin_request_text(t, 20, "b00t", "n0nce", "reload", "-"), ==, -1);
}

TEST(admin_signature_verifies_only_for_its_text_and_key)
{
	char dir[] = "/tmp/watchbpf-admin-XXXXXX", key[128], cert[128], okey[128], ocert[128];
	char text[512], other[512], err[512];
	struct wb_policy pol = {};
	unsigned char *sig = NULL;
	char *certs[1];
	size_t len = 0;

	if (!CHECK(mkdtemp(dir) && make_pair(dir, "admin", key, cert, sizeof(key)) &&
			   make_pair(dir, "eve", okey, ocert, sizeof(okey)),
		   "fixtures"))
		return;
	certs[0] = cert;
	pol.admin_certs = certs;
	pol.nr_admin_certs = 1;
	admin_request_text(text, sizeof(text), "b", "n1", "end-enforcement", "-");
	admin_request_text(other, sizeof(other), "b", "n2", "end-enforcement", "-");
	if (CHECK_INT(sign_text(key, cert, text, &sig, &len), ==, 0)) {
		CHECK_INT(admin_verify(&pol, text, sig, len, err, sizeof(err)), ==, 0);
		/* another nonce (a replay), another op: refused */
		CHECK_INT(admin_verify(&pol, other, sig, len, err, sizeof(err)), ==, -1);
		CHECK(strstr(err, "does not verify with admin.certs") != NULL, "%s", err);
		free(sig);
	}
	/* signed by a key the policy does not name */
	if (CHECK_INT(sign_text(okey, ocert, text, &sig, &len), ==, 0)) {
		CHECK_INT(admin_verify(&pol, text, sig, len, err, sizeof(err)), ==, -1);
		CHECK(strstr(err, "wrong-key") != NULL, "%s", err);
		free(sig);
	}
	unlink(key);
	unlink(cert);
	unlink(okey);
	unlink(ocert);
	rmdir(dir);
}

TEST(admin_base64_round_trip)
{
	const unsigned char in[] = { 0xff, 0x00, 0x10, 0x7f, 0x80 };
	unsigned char out[16];
	char b64[16];

	for (size_t n = 1; n <= sizeof(in); n++) {
		CHECK_INT(admin_b64_encode(in, n, b64, sizeof(b64)), ==, 0);
		CHECK_INT(admin_b64_decode(b64, out, sizeof(out)), ==, (long long)n);
		CHECK(!memcmp(in, out, n), "round trip of %zu bytes", n);
	}
	CHECK_INT(admin_b64_encode(in, 5, b64, 8), ==, -1);
	CHECK_INT(admin_b64_decode("abc", out, sizeof(out)), ==, -1);
}

TEST(admin_nonces_are_fresh)
{
	char a[WB_NONCE_HEX], b[WB_NONCE_HEX];

	CHECK_INT(admin_nonce(a), ==, 0);
	CHECK_INT(admin_nonce(b), ==, 0);
	CHECK_INT(strlen(a), ==, 32);
	CHECK(strspn(a, "0123456789abcdef") == 32, "%s", a);
	CHECK(strcmp(a, b), "two nonces alike: %s", a);
}
