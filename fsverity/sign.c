// SPDX-License-Identifier: GPL-2.0
/*
 * fs-verity signatures with OpenSSL's PKCS#7 API. The flags are those of
 * fsverity-utils (lib/sign_digest.c), which is what makes the DER identical
 * to `fsverity sign`: PKCS7_PARTIAL so that the digest algorithm can be
 * chosen (PKCS7_sign() alone would pick its default), PKCS7_NOCERTS and
 * PKCS7_NOATTR so that the message is only the signature (the kernel finds
 * the certificate in its keyring by issuer and serial number), and
 * PKCS7_BINARY | PKCS7_DETACHED because the content is binary and travels
 * separately (it is recomputed from the file).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "fsverity/sign.h"

#define SIGN_FLAGS (PKCS7_BINARY | PKCS7_DETACHED | PKCS7_NOATTR | PKCS7_NOCERTS | PKCS7_PARTIAL)
/*
 * As the kernel checks: the signer is the given certificate, not one from
 * the message (NOINTERN), and no chain is built (NOVERIFY, NOCHAIN).
 */
#define VERIFY_FLAGS (PKCS7_BINARY | PKCS7_NOINTERN | PKCS7_NOVERIFY | PKCS7_NOCHAIN)

struct fsv_signer {
	EVP_PKEY *pkey;
	X509 *cert;
	char *subject;
	char fingerprint[2 * 32 + 1];
};

struct fsv_verifier {
	X509 *cert;
	STACK_OF(X509) * certs; /* just cert, as PKCS7_verify() wants it */
};

/* The digest's hash, or NULL if alg and size do not agree. */
static const EVP_MD *digest_md(const struct fsv_digest *d)
{
	if (d->hash_alg == FSV_HASH_SHA256 && d->size == 32)
		return EVP_sha256();
	if (d->hash_alg == FSV_HASH_SHA512 && d->size == 64)
		return EVP_sha512();
	return NULL;
}

size_t fsv_format_digest(const struct fsv_digest *d, unsigned char *buf)
{
	uint16_t alg, size;

	if (!digest_md(d))
		return 0;
	alg = htole16((uint16_t)d->hash_alg);
	size = htole16((uint16_t)d->size);
	/* the magic is 8 bytes, no NUL */
	memcpy(buf, "FSVerity", sizeof("FSVerity") - 1);
	memcpy(buf + 8, &alg, 2);
	memcpy(buf + 10, &size, 2);
	memcpy(buf + 12, d->bytes, d->size);
	return 12 + (size_t)d->size;
}

/* OpenSSL's last error reason, for messages; clears the queue. */
static const char *ossl_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return r ? r : "unknown OpenSSL error";
}

/*
 * Opens a PEM file for OpenSSL, with errno-accurate messages: OpenSSL's
 * own file BIO does not say why an open failed.
 */
static BIO *open_pem(const char *path, char *err, size_t errlen)
{
	struct stat st;
	BIO *bio;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	bio = BIO_new_fd(fd, BIO_CLOSE);
	if (!bio) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
	}
	return bio;
}

static X509 *read_cert(const char *path, char *err, size_t errlen)
{
	BIO *bio = open_pem(path, err, errlen);
	X509 *cert;

	if (!bio)
		return NULL;
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!cert)
		snprintf(err, errlen, "%s: not a PEM X.509 certificate (%s)", path, ossl_reason());
	BIO_free(bio);
	return cert;
}

struct pass_ctx {
	const char *pass;
	bool asked;
};

/* Never prompts: without a passphrase an encrypted key just fails. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *pc = u;
	size_t len;

	(void)rwflag;
	pc->asked = true;
	if (!pc->pass)
		return -1;
	len = strlen(pc->pass);
	if (len > (size_t)size)
		return -1;
	memcpy(buf, pc->pass, len);
	return (int)len;
}

static EVP_PKEY *read_key(const char *path, const char *pass, char *err, size_t errlen)
{
	struct pass_ctx pc = { .pass = pass };
	BIO *bio = open_pem(path, err, errlen);
	EVP_PKEY *pkey;

	if (!bio)
		return NULL;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pc);
	if (!pkey) {
		if (pc.asked && !pass)
			snprintf(err, errlen,
				 "%s: the key is encrypted: give its passphrase with --pass", path);
		else if (pc.asked)
			snprintf(err, errlen, "%s: cannot decrypt the key: wrong passphrase? (%s)",
				 path, ossl_reason());
		else
			snprintf(err, errlen, "%s: not a PEM private key (%s)", path,
				 ossl_reason());
	}
	BIO_free(bio);
	return pkey;
}

static char *rfc2253_subject(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *s = NULL;
	long len;

	if (!bio)
		return NULL;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		s = strndup(data, len);
	}
	BIO_free(bio);
	return s;
}

static enum fsv_cert_time cert_time(X509 *cert)
{
	/* X509_cmp_current_time(): -1 before now, 1 after, 0 unparsable */
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0)
		return FSV_CERT_NOT_YET_VALID;
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0)
		return FSV_CERT_EXPIRED;
	return FSV_CERT_VALID;
}

void fsv_signer_free(struct fsv_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->pkey);
	X509_free(s->cert);
	free(s->subject);
	free(s);
}

int fsv_signer_load(const char *key_path, const char *cert_path, const char *pass,
		    struct fsv_signer **out, char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	struct fsv_signer *s;
	unsigned int md_len;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	s->cert = read_cert(cert_path, err, errlen);
	if (!s->cert) {
		ret = -EINVAL;
		goto out;
	}
	s->pkey = read_key(key_path, pass, err, errlen);
	if (!s->pkey) {
		ret = -EINVAL;
		goto out;
	}
	/* What the kernel's PKCS#7 code verifies; Ed25519 and the like it can't. */
	if (!EVP_PKEY_is_a(s->pkey, "RSA") && !EVP_PKEY_is_a(s->pkey, "EC")) {
		snprintf(err, errlen, "%s: unsupported key type %s (RSA or EC keys only)", key_path,
			 EVP_PKEY_get0_type_name(s->pkey));
		ret = -EINVAL;
		goto out;
	}
	if (X509_check_private_key(s->cert, s->pkey) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "%s: not the key of certificate %s", key_path, cert_path);
		ret = -EINVAL;
		goto out;
	}
	s->subject = rfc2253_subject(s->cert);
	if (!s->subject || !X509_digest(s->cert, EVP_sha256(), md, &md_len)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < md_len && i < 32; i++)
		snprintf(s->fingerprint + 2 * i, 3, "%02x", md[i]);
	*out = s;
	s = NULL;
	ret = 0;
out:
	fsv_signer_free(s);
	return ret;
}

struct fsv_signer *fsv_signer_dup(const struct fsv_signer *s)
{
	struct fsv_signer *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->pkey = EVP_PKEY_dup(s->pkey);
	d->cert = X509_dup(s->cert);
	d->subject = strdup(s->subject);
	memcpy(d->fingerprint, s->fingerprint, sizeof(d->fingerprint));
	if (!d->pkey || !d->cert || !d->subject) {
		fsv_signer_free(d);
		return NULL;
	}
	return d;
}

const char *fsv_signer_subject(const struct fsv_signer *s)
{
	return s->subject;
}

const char *fsv_signer_fingerprint(const struct fsv_signer *s)
{
	return s->fingerprint;
}

enum fsv_cert_time fsv_signer_cert_time(const struct fsv_signer *s)
{
	return cert_time(s->cert);
}

int fsv_sign_digest(struct fsv_signer *s, const struct fsv_digest *d, unsigned char **sig,
		    size_t *sig_len)
{
	unsigned char fmt[FSV_FORMATTED_DIGEST_MAX], *p;
	const EVP_MD *md = digest_md(d);
	unsigned char *der = NULL;
	PKCS7 *p7 = NULL;
	BIO *bio = NULL;
	size_t fmt_len;
	int len, ret;

	*sig = NULL;
	fmt_len = fsv_format_digest(d, fmt);
	if (!md || !fmt_len) {
		ret = -EINVAL;
		goto out;
	}
	bio = BIO_new_mem_buf(fmt, (int)fmt_len);
	if (!bio) {
		ret = -ENOMEM;
		goto out;
	}
	p7 = PKCS7_sign(NULL, NULL, NULL, bio, SIGN_FLAGS);
	if (!p7 || !PKCS7_sign_add_signer(p7, s->cert, s->pkey, md, SIGN_FLAGS) ||
	    PKCS7_final(p7, bio, SIGN_FLAGS) != 1) {
		ret = -EIO;
		goto out;
	}
	len = i2d_PKCS7(p7, NULL);
	if (len <= 0) {
		ret = -EIO;
		goto out;
	}
	der = malloc(len);
	if (!der) {
		ret = -ENOMEM;
		goto out;
	}
	p = der;
	if (i2d_PKCS7(p7, &p) != len) {
		ret = -EIO;
		goto out;
	}
	*sig = der;
	*sig_len = len;
	der = NULL;
	ret = 0;
out:
	ERR_clear_error();
	free(der);
	PKCS7_free(p7);
	BIO_free(bio);
	return ret;
}

void fsv_verifier_free(struct fsv_verifier *v)
{
	if (!v)
		return;
	sk_X509_free(v->certs);
	X509_free(v->cert);
	free(v);
}

int fsv_verifier_load(const char *cert_path, struct fsv_verifier **out, char *err, size_t errlen)
{
	struct fsv_verifier *v;
	int ret;

	*out = NULL;
	v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	v->cert = read_cert(cert_path, err, errlen);
	if (!v->cert) {
		ret = -EINVAL;
		goto out;
	}
	v->certs = sk_X509_new_null();
	if (!v->certs || !sk_X509_push(v->certs, v->cert)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	*out = v;
	v = NULL;
	ret = 0;
out:
	fsv_verifier_free(v);
	return ret;
}

/*
 * After a failed check of an RSA signature made by our certificate's
 * issuer and serial: recovers the hash the key signed. If the signature
 * opens with the key (PKCS#1 padding intact, which a corrupted signature
 * or another key breaks) and holds another hash, the signature is genuine
 * and the file is what changed.
 */
static bool signed_other_digest(X509 *cert, PKCS7_SIGNER_INFO *si, const unsigned char *fmt,
				size_t fmt_len)
{
	unsigned char want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	EVP_PKEY_CTX *ctx = NULL;
	X509_ALGOR *dig_alg;
	unsigned int want_len;
	size_t got_len = sizeof(got);
	const EVP_MD *md;
	bool other = false;

	if (!pub || !EVP_PKEY_is_a(pub, "RSA"))
		goto out;
	PKCS7_SIGNER_INFO_get0_algs(si, NULL, &dig_alg, NULL);
	md = EVP_get_digestbyobj(dig_alg->algorithm);
	ctx = EVP_PKEY_CTX_new(pub, NULL);
	if (!md || !ctx || EVP_PKEY_verify_recover_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0 ||
	    EVP_PKEY_verify_recover(ctx, got, &got_len, ASN1_STRING_get0_data(si->enc_digest),
				    ASN1_STRING_length(si->enc_digest)) <= 0 ||
	    !EVP_Digest(fmt, fmt_len, want, &want_len, md, NULL))
		goto out;
	other = got_len != want_len || memcmp(got, want, want_len);
out:
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return other;
}

int fsv_verify_digest(const struct fsv_verifier *v, const struct fsv_digest *d,
		      const unsigned char *sig, size_t sig_len)
{
	unsigned char fmt[FSV_FORMATTED_DIGEST_MAX];
	STACK_OF(PKCS7_SIGNER_INFO) * sinfos;
	STACK_OF(X509) *signers = NULL;
	const unsigned char *p = sig;
	PKCS7 *p7 = NULL;
	BIO *bio = NULL;
	size_t fmt_len;
	int ret;

	switch (cert_time(v->cert)) {
	case FSV_CERT_EXPIRED:
		ret = FSV_SIG_CERT_EXPIRED;
		goto out;
	case FSV_CERT_NOT_YET_VALID:
		ret = FSV_SIG_CERT_NOT_YET_VALID;
		goto out;
	case FSV_CERT_VALID:
		break;
	}
	fmt_len = fsv_format_digest(d, fmt);
	if (!fmt_len || sig_len > FSV_SIG_MAX_SIZE) {
		ret = FSV_SIG_BAD;
		goto out;
	}
	p7 = d2i_PKCS7(NULL, &p, (long)sig_len);
	/* Trailing bytes would make two encodings of one signature. */
	if (!p7 || p != sig + sig_len || !PKCS7_type_is_signed(p7) || !PKCS7_get_detached(p7)) {
		ret = FSV_SIG_BAD;
		goto out;
	}
	sinfos = PKCS7_get_signer_info(p7);
	if (!sinfos || sk_PKCS7_SIGNER_INFO_num(sinfos) != 1) {
		ret = FSV_SIG_BAD;
		goto out;
	}
	signers = PKCS7_get0_signers(p7, v->certs, PKCS7_NOINTERN);
	if (!signers) {
		ret = FSV_SIG_WRONG_KEY;
		goto out;
	}
	bio = BIO_new_mem_buf(fmt, (int)fmt_len);
	if (!bio) {
		ret = -ENOMEM;
		goto out;
	}
	if (PKCS7_verify(p7, v->certs, NULL, bio, NULL, VERIFY_FLAGS) == 1)
		ret = FSV_SIG_OK;
	else if (signed_other_digest(v->cert, sk_PKCS7_SIGNER_INFO_value(sinfos, 0), fmt, fmt_len))
		ret = FSV_SIG_DIGEST_MISMATCH;
	else
		ret = FSV_SIG_BAD;
out:
	ERR_clear_error();
	sk_X509_free(signers);
	BIO_free(bio);
	PKCS7_free(p7);
	return ret;
}

const char *fsv_verdict_str(int verdict)
{
	switch (verdict) {
	case FSV_SIG_OK:
		return "ok";
	case FSV_SIG_BAD:
		return "bad-signature";
	case FSV_SIG_WRONG_KEY:
		return "wrong-key";
	case FSV_SIG_DIGEST_MISMATCH:
		return "digest-mismatch (file changed since signing)";
	case FSV_SIG_CERT_EXPIRED:
		return "certificate expired";
	case FSV_SIG_CERT_NOT_YET_VALID:
		return "certificate not yet valid";
	default:
		return "error";
	}
}
