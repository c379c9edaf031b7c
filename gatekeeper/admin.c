// SPDX-License-Identifier: GPL-2.0
/* Admin-signed requests (admin.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "fsverity/digest.h"
#include "fsverity/sign.h"
#include "gatekeeper/admin.h"
#include "policy/policy.h"

int admin_request_text(char *buf, size_t len, const char *boot_id, const char *nonce,
		       const char *op, const char *object)
{
	int n = snprintf(buf, len,
			 "watchbpf request 1\nboot: %s\nnonce: %s\nop: %s\nobject: %s\n", boot_id,
			 nonce, op, object);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const struct fsv_params default_params = { .hash_alg = FSV_HASH_SHA256, .block_size = 4096 };

int admin_verify(const struct wb_policy *pol, const char *text, const unsigned char *sig,
		 size_t sig_len, char *err, size_t len)
{
	struct fsv_digest d;
	int verdict = FSV_SIG_BAD;

	if (fsv_digest_mem(text, strlen(text), &default_params, &d)) {
		snprintf(err, len, "cannot digest the request");
		return -1;
	}
	for (size_t i = 0; i < pol->nr_admin_certs; i++) {
		struct fsv_verifier *v;
		char why[256];

		if (fsv_verifier_load(pol->admin_certs[i], &v, why, sizeof(why))) {
			snprintf(err, len, "%s", why);
			return -1;
		}
		verdict = fsv_verify_digest(v, &d, sig, sig_len);
		fsv_verifier_free(v);
		if (verdict == FSV_SIG_OK)
			return 0;
	}
	snprintf(err, len,
		 "the request's signature does not verify with admin.certs (%s): sign the text "
		 "`watchbpf request` printed for this request, on this boot",
		 fsv_verdict_str(verdict));
	return -1;
}

int admin_nonce(char out[WB_NONCE_HEX])
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -1;
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return 0;
}

int admin_file_sha256(const char *file, char *out, size_t outlen, char *err, size_t len)
{
	unsigned char buf[65536], md[SHA256_DIGEST_LENGTH];
	EVP_MD_CTX *c;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "%s: %s", file, strerror(errno));
		return -1;
	}
	c = EVP_MD_CTX_new();
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(c);
		close(fd);
		snprintf(err, len, "out of memory");
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(c, buf, n);
	close(fd);
	if (n < 0 || !EVP_DigestFinal_ex(c, md, NULL)) {
		snprintf(err, len, "%s: %s", file, n < 0 ? strerror(errno) : "cannot digest");
		EVP_MD_CTX_free(c);
		return -1;
	}
	EVP_MD_CTX_free(c);
	if (outlen < 8 + 2 * sizeof(md))
		return -1;
	memcpy(out, "sha256:", 8);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int admin_file_verity(const char *file, char *out, size_t outlen, char *err, size_t len)
{
	struct fsv_digest d;
	int e = fsv_digest_path(file, &default_params, &d);

	if (e) {
		snprintf(err, len, "%s: %s", file, strerror(e < 0 ? -e : e));
		return -1;
	}
	fsv_digest_format(&d, out, outlen);
	return 0;
}

int admin_b64_encode(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	if (outlen < 4 * ((n + 2) / 3) + 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return 0;
}

int admin_b64_decode(const char *in, unsigned char *out, size_t outlen)
{
	size_t n = strlen(in);
	int len;

	if (!n || n % 4 || 3 * (n / 4) > outlen)
		return -1;
	len = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (len < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding's bytes too */
	if (in[n - 1] == '=')
		len--;
	if (in[n - 2] == '=')
		len--;
	return len;
}
