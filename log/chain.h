/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cryptography of the decision log: the SHA-256 hash chain and the
 * signed checkpoints (docs/log-format.md, "Chain" and "Checkpoints").
 */
#ifndef WATCHBPF_LOG_CHAIN_H
#define WATCHBPF_LOG_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "log/record.h"

struct evp_md_ctx_st;
struct evp_md_st;
struct evp_pkey_st;

/*
 * Prepended to a checkpoint line's signed bytes, so that a signature made
 * for the log can never pass for one over anything else the key signs.
 */
#define WB_CHECKPOINT_DOMAIN "watchbpf-checkpoint-v1\n"
#define WB_CHECKPOINT_DOMAIN_LEN (sizeof(WB_CHECKPOINT_DOMAIN) - 1)
/* The largest signature accepted (an 8192-bit RSA key's), raw and base64 */
#define WB_SIG_MAX 1024
#define WB_SIG_B64_MAX (4 * ((WB_SIG_MAX + 2) / 3) + 1)

/* One SHA-256 context, reused for every line: no allocation per line. */
struct wb_hasher {
	struct evp_md_ctx_st *ctx;
	struct evp_md_st *md;
};

int hasher_init(struct wb_hasher *h);
void hasher_free(struct wb_hasher *h);
/* out = SHA-256(p[0..n)); 0 or -1 */
int hasher_line(struct wb_hasher *h, const void *p, size_t n, unsigned char out[WB_HASH_LEN]);
/* The same in pieces, for lines read in parts. */
int hasher_begin(struct wb_hasher *h);
int hasher_update(struct wb_hasher *h, const void *p, size_t n);
int hasher_end(struct wb_hasher *h, unsigned char out[WB_HASH_LEN]);

/*
 * A signing or verifying key: RSA (PKCS#1 v1.5 with SHA-256), EC (ECDSA
 * with SHA-256, DER signature) or Ed25519 (pure). id is the hex SHA-256 of
 * its public key's DER SubjectPublicKeyInfo, as in a checkpoint's "key".
 */
struct wb_key {
	struct evp_pkey_st *pkey;
	struct evp_md_ctx_st *ctx;
	char id[WB_HASH_HEX + 1];
};

/* A PEM private key. 0, or -1 with err. */
int key_load_private(struct wb_key *k, const char *path, char *err, size_t errlen);
/* A PEM certificate, or a PEM public key. 0, or -1 with err. */
int key_load_public(struct wb_key *k, const char *path, char *err, size_t errlen);
void key_free(struct wb_key *k);

/* Signs msg[0..n) into b64 (WB_SIG_B64_MAX bytes, NUL-terminated). 0 or -1. */
int key_sign(struct wb_key *k, const void *msg, size_t n, char *b64);
/* 1: b64[0..b64len) is k's signature of msg; 0: it is not; -1: error */
int key_verify(struct wb_key *k, const void *msg, size_t n, const char *b64, size_t b64len);

#endif
