// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "log/chain.h"

int hasher_init(struct wb_hasher *h)
{
	/* fetched once: an implicit fetch per EVP_DigestInit_ex2() is a
	 * measurable share of a short line's cost */
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx) {
		hasher_free(h);
		return -1;
	}
	return 0;
}

void hasher_free(struct wb_hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	h->ctx = NULL;
	h->md = NULL;
}

int hasher_begin(struct wb_hasher *h)
{
	return EVP_DigestInit_ex2(h->ctx, h->md, NULL) ? 0 : -1;
}

int hasher_update(struct wb_hasher *h, const void *p, size_t n)
{
	return EVP_DigestUpdate(h->ctx, p, n) ? 0 : -1;
}

int hasher_end(struct wb_hasher *h, unsigned char out[WB_HASH_LEN])
{
	return EVP_DigestFinal_ex(h->ctx, out, NULL) ? 0 : -1;
}

int hasher_line(struct wb_hasher *h, const void *p, size_t n, unsigned char out[WB_HASH_LEN])
{
	if (hasher_begin(h) || hasher_update(h, p, n))
		return -1;
	return hasher_end(h, out);
}

/* The first queued OpenSSL error, or what was being done. */
static void ssl_err(char *err, size_t errlen, const char *path, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s%s%s", path, what, e ? ": " : "", e ? buf : "");
	ERR_clear_error();
}

static int key_finish(struct wb_key *k, const char *path, char *err, size_t errlen)
{
	unsigned char *der = NULL, md[WB_HASH_LEN];
	int type = EVP_PKEY_get_base_id(k->pkey), n;

	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC && type != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "%s: not an RSA, EC or Ed25519 key", path);
		return -1;
	}
	if (EVP_PKEY_get_size(k->pkey) > WB_SIG_MAX) {
		snprintf(err, errlen, "%s: key too large (signatures over %d bytes)", path,
			 WB_SIG_MAX);
		return -1;
	}
	n = i2d_PUBKEY(k->pkey, &der);
	k->ctx = EVP_MD_CTX_new();
	if (n <= 0 || !k->ctx || !EVP_Digest(der, n, md, NULL, EVP_sha256(), NULL)) {
		OPENSSL_free(der);
		ssl_err(err, errlen, path, "cannot use the key");
		return -1;
	}
	OPENSSL_free(der);
	wb_hex(md, sizeof(md), k->id);
	return 0;
}

int key_load_private(struct wb_key *k, const char *path, char *err, size_t errlen)
{
	BIO *bio;

	memset(k, 0, sizeof(*k));
	bio = BIO_new_file(path, "r");
	if (!bio) {
		ssl_err(err, errlen, path, "cannot open");
		return -1;
	}
	k->pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!k->pkey) {
		ssl_err(err, errlen, path, "not a PEM private key");
		return -1;
	}
	if (key_finish(k, path, err, errlen)) {
		key_free(k);
		return -1;
	}
	return 0;
}

int key_load_public(struct wb_key *k, const char *path, char *err, size_t errlen)
{
	X509 *cert = NULL;
	BIO *bio;

	memset(k, 0, sizeof(*k));
	bio = BIO_new_file(path, "r");
	if (!bio) {
		ssl_err(err, errlen, path, "cannot open");
		return -1;
	}
	/* only the key counts: a log is checked long after a certificate
	 * may have expired, and the operator names the one they trust */
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (cert) {
		k->pkey = X509_get_pubkey(cert);
		X509_free(cert);
	} else if (BIO_reset(bio) == 0) {
		ERR_clear_error();
		k->pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	if (!k->pkey) {
		ssl_err(err, errlen, path, "not a PEM certificate or public key");
		return -1;
	}
	if (key_finish(k, path, err, errlen)) {
		key_free(k);
		return -1;
	}
	return 0;
}

void key_free(struct wb_key *k)
{
	EVP_MD_CTX_free(k->ctx);
	EVP_PKEY_free(k->pkey);
	k->ctx = NULL;
	k->pkey = NULL;
}

/* Ed25519 signs the message itself; the others a SHA-256 of it. */
static const EVP_MD *key_md(const struct wb_key *k)
{
	return EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
}

int key_sign(struct wb_key *k, const void *msg, size_t n, char *b64)
{
	unsigned char sig[WB_SIG_MAX];
	size_t siglen = sizeof(sig);
	int ret = -1;

	if (EVP_DigestSignInit(k->ctx, NULL, key_md(k), NULL, k->pkey) == 1 &&
	    EVP_DigestSign(k->ctx, sig, &siglen, msg, n) == 1) {
		EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
		ret = 0;
	}
	EVP_MD_CTX_reset(k->ctx);
	ERR_clear_error();
	return ret;
}

int key_verify(struct wb_key *k, const void *msg, size_t n, const char *b64, size_t b64len)
{
	unsigned char sig[WB_SIG_MAX + 3];
	int siglen, ret = -1;

	if (!b64len || b64len % 4 || b64len > WB_SIG_B64_MAX - 1)
		return 0;
	siglen = EVP_DecodeBlock(sig, (const unsigned char *)b64, (int)b64len);
	if (siglen < 0)
		return 0;
	/* EVP_DecodeBlock() counts the padding as zero bytes */
	siglen -= (b64[b64len - 1] == '=') + (b64[b64len - 2] == '=');
	if (EVP_DigestVerifyInit(k->ctx, NULL, key_md(k), NULL, k->pkey) == 1)
		ret = EVP_DigestVerify(k->ctx, sig, siglen, msg, n) == 1;
	EVP_MD_CTX_reset(k->ctx);
	ERR_clear_error();
	return ret;
}
