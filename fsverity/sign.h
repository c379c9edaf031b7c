/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs-verity file signatures: PKCS#7 detached signatures over the
 * fs-verity formatted digest, byte for byte what `fsverity sign` writes
 * (and what the kernel's built-in signature check and
 * bpf_verify_pkcs7_signature() accept): SHA-256 for SHA-256 digests, no
 * certificates embedded, no signed attributes.
 */
#ifndef WATCHBPF_FSVERITY_SIGN_H
#define WATCHBPF_FSVERITY_SIGN_H

#include <stddef.h>

#include "fsverity/digest.h"

/* The extended attribute `watchbpf sign` stores signatures in by default. */
#define FSV_SIG_XATTR "user.watchbpf.sig"
/* The largest signature read back; real ones are well under 2 KiB. */
#define FSV_SIG_MAX_SIZE 65536

/* struct fsverity_formatted_digest: "FSVerity", le16 alg, le16 size, digest. */
#define FSV_FORMATTED_DIGEST_MAX (12 + FSV_MAX_DIGEST_SIZE)
/* Writes it into buf (FSV_FORMATTED_DIGEST_MAX bytes); returns its length. */
size_t fsv_format_digest(const struct fsv_digest *d, unsigned char *buf);

/* Certificate times, as sign and verify judge them. */
enum fsv_cert_time { FSV_CERT_VALID, FSV_CERT_EXPIRED, FSV_CERT_NOT_YET_VALID };

/*
 * A private key and its certificate, loaded once. Not safe for concurrent
 * use: give each thread its own with fsv_signer_dup().
 */
struct fsv_signer;

/*
 * Loads a PEM private key (RSA or EC, PKCS#8 or traditional) and a PEM
 * X.509 certificate for it. @pass is the key's passphrase, or NULL: an
 * encrypted key is then an error, never a terminal prompt. On failure
 * returns -errno with a message naming the file in err.
 */
int fsv_signer_load(const char *key_path, const char *cert_path, const char *pass,
		    struct fsv_signer **out, char *err, size_t errlen);
/* Another handle on the same key and certificate, for another thread. */
struct fsv_signer *fsv_signer_dup(const struct fsv_signer *s);
void fsv_signer_free(struct fsv_signer *s);

/* The certificate's subject as an RFC 2253 string. */
const char *fsv_signer_subject(const struct fsv_signer *s);
/* SHA-256 of the certificate's DER, 64 lowercase hex digits. */
const char *fsv_signer_fingerprint(const struct fsv_signer *s);
enum fsv_cert_time fsv_signer_cert_time(const struct fsv_signer *s);

/*
 * Signs the digest: a DER PKCS#7 SignedData in *sig (malloc()ed, the
 * caller frees it). Returns 0, -EINVAL for a malformed digest, or -ENOMEM
 * or -EIO when OpenSSL fails.
 */
int fsv_sign_digest(struct fsv_signer *s, const struct fsv_digest *d, unsigned char **sig,
		    size_t *sig_len);

/* A certificate to check signatures against, loaded once. */
struct fsv_verifier;

int fsv_verifier_load(const char *cert_path, struct fsv_verifier **out, char *err, size_t errlen);
void fsv_verifier_free(struct fsv_verifier *v);

enum fsv_verdict {
	FSV_SIG_OK,
	/* not a PKCS#7 signature we make, or one that does not verify */
	FSV_SIG_BAD,
	/* made with another certificate's key (issuer and serial differ) */
	FSV_SIG_WRONG_KEY,
	/*
	 * Made with this key, over another digest: the file changed since it
	 * was signed. Only RSA signatures tell; with ECDSA this is FSV_SIG_BAD.
	 */
	FSV_SIG_DIGEST_MISMATCH,
	FSV_SIG_CERT_EXPIRED,
	FSV_SIG_CERT_NOT_YET_VALID,
};

/*
 * Checks sig as the kernel does: the signer must be the verifier's
 * certificate (by issuer and serial number), its key must have signed the
 * formatted digest of d; no chain is built. Also checks the certificate's
 * validity period, which the kernel does not. Returns an fsv_verdict, or
 * -ENOMEM.
 */
int fsv_verify_digest(const struct fsv_verifier *v, const struct fsv_digest *d,
		      const unsigned char *sig, size_t sig_len);
/* "bad-signature", "wrong-key", ... for an fsv_verdict. */
const char *fsv_verdict_str(int verdict);

#endif
