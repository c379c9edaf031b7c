// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf digest [--hash-alg sha256|sha512] [--block-size N] [--salt HEX] FILE...
 *
 * Prints "ALG:HEX FILE" per file, the output of `fsverity digest`, so that
 * policies can be written from either tool. Unlike fsverity-utils it goes
 * on after a file that cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsverity/digest.h"
#include "gatekeeper/commands.h"
#include "lib/util.h"

enum { OPT_HASH_ALG = 256, OPT_BLOCK_SIZE, OPT_SALT };

static const struct option digest_options[] = {
	{ "hash-alg", required_argument, NULL, OPT_HASH_ALG },
	{ "block-size", required_argument, NULL, OPT_BLOCK_SIZE },
	{ "salt", required_argument, NULL, OPT_SALT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void digest_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s digest [--hash-alg sha256|sha512] [--block-size N] [--salt HEX] FILE...\n"
		"Prints the fs-verity digest of each FILE like `fsverity digest`.\n"
		"Defaults: sha256, 4096-byte blocks, no salt.\n",
		prog_name);
}

static int parse_block_size(const char *s, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	/* strtoul() would accept leading blanks and signs */
	if (s[0] < '0' || s[0] > '9' || errno || *end || v < FSV_MIN_BLOCK_SIZE ||
	    v > FSV_MAX_BLOCK_SIZE || (v & (v - 1)))
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An empty string is no salt, as with fsverity-utils. */
static int parse_salt(const char *s, unsigned char *salt, size_t *size)
{
	size_t len = strlen(s);
	int hi, lo;

	if (len % 2 || len / 2 > FSV_MAX_SALT_SIZE)
		return -EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		hi = hex_digit(s[2 * i]);
		lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		salt[i] = (unsigned char)(hi << 4 | lo);
	}
	*size = len / 2;
	return 0;
}

int cmd_digest(int argc, char **argv)
{
	unsigned char salt[FSV_MAX_SALT_SIZE];
	char str[FSV_DIGEST_STR_SIZE];
	struct fsv_params params = { 0 };
	struct fsv_digest d;
	int opt, alg, err, ret = 0;

	/* 0, not 1: glibc then also resets its state from any earlier parse. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", digest_options, NULL)) != -1) {
		switch (opt) {
		case OPT_HASH_ALG:
			alg = fsv_hash_by_name(optarg);
			if (alg < 0) {
				p_err("unknown hash algorithm '%s' (sha256 or sha512)", optarg);
				ret = 2;
				goto out;
			}
			params.hash_alg = alg;
			break;
		case OPT_BLOCK_SIZE:
			if (parse_block_size(optarg, &params.block_size)) {
				p_err("invalid block size '%s': must be a power of 2 from %d to %d",
				      optarg, FSV_MIN_BLOCK_SIZE, FSV_MAX_BLOCK_SIZE);
				ret = 2;
				goto out;
			}
			break;
		case OPT_SALT:
			if (parse_salt(optarg, salt, &params.salt_size)) {
				p_err("invalid salt '%s': must be hex, at most %d bytes", optarg,
				      FSV_MAX_SALT_SIZE);
				ret = 2;
				goto out;
			}
			params.salt = params.salt_size ? salt : NULL;
			break;
		case 'h':
			digest_usage(stdout);
			goto out;
		default: /* ':' or '?' */
			p_getopt_err(opt, argv);
			digest_usage(stderr);
			ret = 2;
			goto out;
		}
	}
	if (optind >= argc) {
		p_err("no file given");
		digest_usage(stderr);
		ret = 2;
		goto out;
	}

	for (int i = optind; i < argc; i++) {
		err = fsv_digest_path(argv[i], &params, &d);
		if (err == -EAGAIN) {
			p_err("%s: file changed size while being read", argv[i]);
			ret = 1;
		} else if (err == -EINVAL) {
			/* the parameters were checked above: it is the file */
			p_err("%s: not a regular file", argv[i]);
			ret = 1;
		} else if (err) {
			p_err("%s: %s", argv[i], strerror(-err));
			ret = 1;
		} else {
			printf("%s %s\n", fsv_digest_format(&d, str, sizeof(str)), argv[i]);
		}
	}
	/* A digest list cut short by a full disk or closed pipe must not
	 * look complete. */
	if (fflush(stdout) || ferror(stdout)) {
		p_err("writing output: %s", strerror(errno));
		ret = 1;
	}
out:
	return ret;
}
