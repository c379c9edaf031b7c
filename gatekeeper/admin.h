/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Admin-signed requests (the policy's admin.certs): with admin certificates
 * in the policy in force, only a request signed by one of them ends
 * enforcement, puts a new policy in force or upgrades the daemon. The
 * daemon hands out a challenge (this boot's id and a nonce of its own,
 * new after every signed request), `watchbpf request` turns it into the
 * request text, the admin signs that text's fs-verity digest where the key
 * lives (`watchbpf sign --suffix .sig request.txt`, the same signatures as
 * for loaders), and the signature goes back with the request. A signature
 * holds for one request, on this boot, to this daemon: it cannot be
 * replayed.
 */
#ifndef WATCHBPF_ADMIN_H
#define WATCHBPF_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#define WB_NONCE_HEX 33 /* 16 random bytes in hex, and a NUL */
#define WB_OBJECT_MAX 160 /* "sha256:" and 64 hex, or a longer digest */

struct wb_policy;

/* The text an admin signs, one line per field (docs/security.md). */
int admin_request_text(char *buf, size_t len, const char *boot_id, const char *nonce,
		       const char *op, const char *object);

/* 0 when SIG (a DER PKCS#7 signature of TEXT's fs-verity digest) is by one
 * of POL's admin certificates; -1 with why in err. */
int admin_verify(const struct wb_policy *pol, const char *text, const unsigned char *sig,
		 size_t sig_len, char *err, size_t len);

/* A new nonce (getrandom). 0, or -1. */
int admin_nonce(char out[WB_NONCE_HEX]);

/* "sha256:HEX" of FILE's bytes (a policy a reload puts in force). 0, or -1
 * with err. */
int admin_file_sha256(const char *file, char *out, size_t outlen, char *err, size_t len);

/* FILE's fs-verity digest as "sha256:HEX" (an upgrade's new build). */
int admin_file_verity(const char *file, char *out, size_t outlen, char *err, size_t len);

/* Base64 both ways (signatures in a request line). Encode: 0, or -1 when
 * OUT is too small. Decode: the length, or -1. */
int admin_b64_encode(const unsigned char *in, size_t n, char *out, size_t outlen);
int admin_b64_decode(const char *in, unsigned char *out, size_t outlen);

#endif
