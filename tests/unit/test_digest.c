// SPDX-License-Identifier: GPL-2.0
/*
 * fs-verity digests: published vectors, vectors from `fsverity digest`,
 * and a deliberately naive whole-tree-in-memory reference implementation
 * (written from Documentation/filesystems/fsverity.rst) to cross-check the
 * streaming one at every tree-depth boundary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fsverity/digest.h"
#include "lib/util.h"
#include "test.h"

#define KiB(n) ((size_t)(n) << 10)
#define MiB(n) ((size_t)(n) << 20)
/* Large enough for a 4-level tree (1 KiB blocks, SHA-512) plus change. */
#define PATTERN_SIZE (MiB(4) + 4096)

/* The byte pattern of fsverity-utils' test_compute_digest.c. */
static const unsigned char *pattern(void)
{
	static unsigned char *buf;

	if (!buf) {
		buf = malloc(PATTERN_SIZE);
		if (!buf)
			abort();
		for (size_t i = 0; i < PATTERN_SIZE; i++)
			buf[i] = (unsigned char)((i % 11) + (i % 439) + (i % 1103));
	}
	return buf;
}

/* Digest of pattern()[0..size) as "alg:hex", or "error N". */
static const char *mem_digest_str(size_t size, unsigned int alg, unsigned int bs, const char *salt,
				  char *buf, size_t len)
{
	struct fsv_params p = {
		.hash_alg = alg,
		.block_size = bs,
		.salt = (const unsigned char *)salt,
		.salt_size = salt ? strlen(salt) : 0,
	};
	struct fsv_digest d;
	int err;

	err = fsv_digest_mem(pattern(), size, &p, &d);
	if (err)
		snprintf(buf, len, "error %d", err);
	else
		fsv_digest_format(&d, buf, len);
	return buf;
}

/*
 * fsverity-utils programs/test_compute_digest.c, test_cases[], verbatim
 * (salts there are ASCII strings used as raw bytes).
 */
static const struct vector {
	unsigned int alg;
	unsigned int block_size;
	const char *salt;
	size_t size;
	const char *digest; /* NULL: parameters we reject */
} upstream_vectors[] = {
	{ FSV_HASH_SHA256, 4096, NULL, 1000000,
	  "sha256:48df0c462329cd879661bd05b39aa81b05cc16afd27a7196a559da83531d39d9" },
	{ FSV_HASH_SHA256, 4096, NULL, 100000,
	  "sha256:f2096a36c5cdca4fa33ee8852833150bb324992e5417a9d571f1bffff73b9efc" },
	{ FSV_HASH_SHA256, 4096, NULL, 4096,
	  "sha256:6ac39979016e3ddf3d39fff6cb984f7c118acdf1852919f5c100c4b142c1818e" },
	{ FSV_HASH_SHA256, 4096, NULL, 1,
	  "sha256:b803429503d95915829b29fdbc8bbad142f3abfd11b1cadf5526582e685c0551" },
	{ FSV_HASH_SHA256, 4096, NULL, 0,
	  "sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95" },
	{ FSV_HASH_SHA256, 4096, "abcd", 1000000,
	  "sha256:917900b0d299454aa304d5debc6f39e4af7b5abe33bdbc568d5d8f1e5c4d8652" },
	{ FSV_HASH_SHA256, 4096, "0123456789:;<=>?@ABCDEFGHIJKLMNO", 1000000,
	  "sha256:bc2d70324c048c220a2cb190832140863eb268e680427939e5d467bea5ec5ad9" },
	{ FSV_HASH_SHA256, 1024, NULL, 1000000,
	  "sha256:e9df927c14fcb961d5f51c666d8ae4c14fe4ff98a374c733e898d00c9e74a8e3" },
	/* upstream: 0393ee3d...; below the kernel's 1 KiB minimum, rejected here */
	{ FSV_HASH_SHA256, 512, NULL, 1000000, NULL },
	{ FSV_HASH_SHA256, 65536, NULL, 1000000,
	  "sha256:f3b6418f26d4d0e74728193bae76f15cb4bb2ce9777448d76bd8138b69ec61c2" },
	{ FSV_HASH_SHA512, 4096, "abcd", 1000000,
	  "sha512:8425c6d0c94f84ed904c12936845fbb7af9953753789712dcc3be142db3d4b6b"
	  "47a399ad52aa609256ce29a960bf4bb0e595ec386ca58c06519d546dc5b197bb" },
};

/*
 * The same pattern through `fsverity digest` (fsverity-utils 1.5), with the
 * salt given as --salt=HEX; chosen for block boundaries and tree depths.
 */
static const struct tool_vector {
	const char *what;
	unsigned int alg;
	unsigned int block_size;
	const char *salt_hex;
	size_t size;
	const char *digest;
} tool_vectors[] = {
	{ "block-1", FSV_HASH_SHA256, 4096, NULL, 4095,
	  "sha256:5ac62f0661e41999ed94d214930c49093bb0d969ac9c000dbfa4738fa283c439" },
	{ "block+1", FSV_HASH_SHA256, 4096, NULL, 4097,
	  "sha256:e730e89ad732bee23a7a2398c83b3e1d5f403b09b7b7bd9ec4e46af8101652f3" },
	{ "1 level, full", FSV_HASH_SHA256, 1024, NULL, KiB(32),
	  "sha256:ab8092e16d168f9e1ac58c3b3584064cf04576c4863865671a72af5555d6ca28" },
	{ "2 levels", FSV_HASH_SHA256, 1024, NULL, KiB(32) + 1,
	  "sha256:853cba98352f4aeddd0b454128bcd50b34435800a52e0b0b1d8fc58f00c6b097" },
	{ "2 levels, full", FSV_HASH_SHA256, 1024, NULL, MiB(1),
	  "sha256:ecaadb9ddb22427dcf3f6ef140989226adf343ca6ec053956c5c6b633dff3671" },
	{ "3 levels", FSV_HASH_SHA256, 1024, NULL, MiB(1) + 1,
	  "sha256:db17a12606994d1f1cc3014e8ab3219f7e1892bc8b0fca5fb40ad0fa0c56ac2b" },
	{ "sha512 1 byte", FSV_HASH_SHA512, 4096, NULL, 1,
	  "sha512:9fcf5172b085b1c8f9365eecb37a1869e193a4705654a5829f11939cd01d5c0f"
	  "d97276be8cd9d49f76cfc8dcfeb80f8128e3548a1de50b56912b9e3fc7bde27b" },
	{ "sha512 2 levels", FSV_HASH_SHA512, 1024, NULL, KiB(16) + 1,
	  "sha512:839d40a9c34e4ee5bf1c11d19365fcb7e4999b69252bca6d6218390d1c4f3e17"
	  "ee56a09d16210cb820ee5821ef91b50d8d4bffe666077f8e9c7eeac45ef28160" },
	{ "sha512 3 levels salted", FSV_HASH_SHA512, 1024, "00ff", KiB(256) + 1,
	  "sha512:2e83f7c0b81b4a026e0f6317b69b4020e105fad9d9090478abdcb6b90e290c9c"
	  "87f6ef37c3a534ec670b5916c2097f1b32e99522c94b4289b93e2b80db52d114" },
	{ "sha512 4 levels", FSV_HASH_SHA512, 1024, NULL, MiB(4) + 1,
	  "sha512:16eb44341fefd5104609f3f56fe02a481fee2dddc75266b9f0dbf7c2c4176efa"
	  "5048cc8f40748bef6189f53e8329d64ad1cf662ac2276f5fae158612d7a9c6d5" },
	{ "32-byte salt", FSV_HASH_SHA256, 4096,
	  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 8191,
	  "sha256:0759c8c3a3b0ab2c5c73d95e236c18d27b0fb323e986d32ee7333961cc99ee72" },
	{ "empty salted sha512", FSV_HASH_SHA512, 1024, "abcd", 0,
	  "sha512:9cd2822c23fd120cd43fb9709a066517de3706c12320978896a727099daf1f78"
	  "0334e164e49ba67639182d23a77621408e3750208bb51a1600c9f57cd2323f75" },
	{ "64K blocks sha512", FSV_HASH_SHA512, 65536, NULL, 65537,
	  "sha512:413cfed905e044ef016ac232ece359b17af776c98ec0e2833c5d7fd9a9ed6d82"
	  "25bd1513741462002e9059dd90418f1cfbf49f10b11c2b151a1cc5c68e4d0a15" },
};

static size_t unhex(const char *s, unsigned char *out)
{
	size_t n = strlen(s) / 2;

	for (size_t i = 0; i < n; i++)
		sscanf(s + 2 * i, "%2hhx", &out[i]);
	return n;
}

TEST(digest_upstream_vectors)
{
	char buf[FSV_DIGEST_STR_SIZE + 16];

	for (size_t i = 0; i < ARRAY_SIZE(upstream_vectors); i++) {
		const struct vector *v = &upstream_vectors[i];
		const char *got =
			mem_digest_str(v->size, v->alg, v->block_size, v->salt, buf, sizeof(buf));

		if (!CHECK_STR(got, v->digest ? v->digest : "error -22"))
			fprintf(stderr, "  vector %zu: size %zu block %u\n", i, v->size,
				v->block_size);
	}
}

TEST(digest_tool_vectors)
{
	char buf[FSV_DIGEST_STR_SIZE + 16];
	unsigned char salt[FSV_MAX_SALT_SIZE];
	struct fsv_params p;
	struct fsv_digest d;

	for (size_t i = 0; i < ARRAY_SIZE(tool_vectors); i++) {
		const struct tool_vector *v = &tool_vectors[i];
		int err;

		p = (struct fsv_params){ .hash_alg = v->alg, .block_size = v->block_size };
		if (v->salt_hex) {
			p.salt_size = unhex(v->salt_hex, salt);
			p.salt = salt;
		}
		err = fsv_digest_mem(pattern(), v->size, &p, &d);
		if (!CHECK_INT(err, ==, 0))
			continue;
		if (!CHECK_STR(fsv_digest_format(&d, buf, sizeof(buf)), v->digest))
			fprintf(stderr, "  case: %s\n", v->what);
	}
}

/* ---- naive reference: every level in memory, salt re-hashed per block ---- */

static void ref_hash(const EVP_MD *md, const unsigned char *salt, size_t salt_pad,
		     const unsigned char *blk, size_t bs, unsigned char *out)
{
	unsigned char *tmp = calloc(1, salt_pad + bs);

	if (!tmp)
		abort();
	memcpy(tmp + salt_pad, blk, bs);
	if (salt_pad)
		memcpy(tmp, salt, salt_pad);
	EVP_Digest(tmp, salt_pad + bs, out, NULL, md, NULL);
	free(tmp);
}

static void ref_digest(const unsigned char *data, size_t size, unsigned int alg, unsigned int bs,
		       const unsigned char *salt, size_t salt_size, unsigned char *out)
{
	const EVP_MD *md = alg == FSV_HASH_SHA512 ? EVP_sha512() : EVP_sha256();
	size_t ds = EVP_MD_get_size(md), salt_pad = salt_size ? EVP_MD_get_block_size(md) : 0;
	unsigned char padded_salt[128] = { 0 }, desc[256] = { 0 };
	unsigned char *level = NULL, *next;
	size_t level_size = size, nblocks;

	if (salt_size)
		memcpy(padded_salt, salt, salt_size);
	if (size) {
		/* Copy so that every level, the data included, is padded alike. */
		nblocks = (level_size + bs - 1) / bs;
		level = calloc(nblocks, bs);
		if (!level)
			abort();
		memcpy(level, data, size);
		for (;;) {
			nblocks = (level_size + bs - 1) / bs;
			next = calloc(nblocks * ds / bs + 1, bs);
			if (!next)
				abort();
			for (size_t b = 0; b < nblocks; b++)
				ref_hash(md, padded_salt, salt_pad, level + b * bs, bs,
					 next + b * ds);
			free(level);
			level = next;
			level_size = nblocks * ds;
			if (nblocks == 1)
				break;
		}
		memcpy(desc + 16, level, ds);
		free(level);
	}
	desc[0] = 1;
	desc[1] = alg;
	desc[2] = __builtin_ctz(bs);
	desc[3] = salt_size;
	for (int i = 0; i < 8; i++)
		desc[8 + i] = (uint64_t)size >> (8 * i);
	if (salt_size)
		memcpy(desc + 80, salt, salt_size);
	EVP_Digest(desc, sizeof(desc), out, NULL, md, NULL);
}

static bool matches_reference(unsigned int alg, unsigned int bs, size_t size, bool salted)
{
	static const unsigned char salt[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
	struct fsv_params p = {
		.hash_alg = alg,
		.block_size = bs,
		.salt = salted ? salt : NULL,
		.salt_size = salted ? sizeof(salt) : 0,
	};
	unsigned char want[FSV_MAX_DIGEST_SIZE];
	unsigned int want_size = alg == FSV_HASH_SHA512 ? 64 : 32;
	struct fsv_digest d;

	ref_digest(pattern(), size, alg, bs, p.salt, p.salt_size, want);
	if (!CHECK_INT(fsv_digest_mem(pattern(), size, &p, &d), ==, 0))
		return false;
	return CHECK(d.size == want_size && !memcmp(d.bytes, want, want_size),
		     "alg %u block %u size %zu salted %d", alg, bs, size, salted);
}

TEST(digest_matches_reference_at_boundaries)
{
	static const unsigned int algs[] = { FSV_HASH_SHA256, FSV_HASH_SHA512 };
	static const unsigned int block_sizes[] = { 1024, 4096 };

	for (size_t a = 0; a < ARRAY_SIZE(algs); a++) {
		for (size_t b = 0; b < ARRAY_SIZE(block_sizes); b++) {
			unsigned int bs = block_sizes[b];
			size_t hpb = bs / (algs[a] == FSV_HASH_SHA512 ? 64 : 32);
			/* 1 block, then where a 2nd and 3rd level appear */
			size_t edges[] = { bs, hpb * bs, hpb * hpb * bs };
			size_t sizes[3 * ARRAY_SIZE(edges) + 2] = { 0, 1 };
			size_t n = 2;

			for (size_t e = 0; e < ARRAY_SIZE(edges); e++) {
				sizes[n++] = edges[e] - 1;
				sizes[n++] = edges[e];
				sizes[n++] = edges[e] + 1;
			}
			for (size_t i = 0; i < n; i++) {
				if (sizes[i] > PATTERN_SIZE)
					continue;
				matches_reference(algs[a], bs, sizes[i], false);
				matches_reference(algs[a], bs, sizes[i], true);
			}
		}
	}
}

TEST(digest_defaults_and_param_checks)
{
	static const unsigned int bad_bs[] = { 1, 512, 1000, 3072, 131072, 1u << 31 };
	static const unsigned char salt[33];
	struct fsv_params p = { 0 };
	struct fsv_digest a, b;

	/* NULL params, zeroed params and explicit defaults all agree */
	CHECK_INT(fsv_digest_mem("x", 1, NULL, &a), ==, 0);
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, 0);
	CHECK(!memcmp(&a, &b, sizeof(a)), "NULL params differ from zeroed params");
	p = (struct fsv_params){ .hash_alg = FSV_HASH_SHA256, .block_size = 4096 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, 0);
	CHECK(!memcmp(&a, &b, sizeof(a)), "defaults are not sha256/4096");
	CHECK_INT(a.hash_alg, ==, FSV_HASH_SHA256);
	CHECK_INT(a.size, ==, 32);

	/* a zero-length salt is no salt */
	p = (struct fsv_params){ .salt = salt, .salt_size = 0 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, 0);
	CHECK(!memcmp(&a, &b, sizeof(a)), "empty salt changed the digest");
	/* ...but one zero byte is a salt */
	p.salt_size = 1;
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, 0);
	CHECK(memcmp(a.bytes, b.bytes, 32), "1-byte salt had no effect");

	for (size_t i = 0; i < ARRAY_SIZE(bad_bs); i++) {
		p = (struct fsv_params){ .block_size = bad_bs[i] };
		CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, -EINVAL);
	}
	p = (struct fsv_params){ .hash_alg = 3 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, -EINVAL);
	p = (struct fsv_params){ .hash_alg = 1000 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, -EINVAL);
	p = (struct fsv_params){ .salt = salt, .salt_size = 33 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, -EINVAL);
	p = (struct fsv_params){ .salt = salt, .salt_size = 32 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, 0);
	p = (struct fsv_params){ .salt = NULL, .salt_size = 4 };
	CHECK_INT(fsv_digest_mem("x", 1, &p, &b), ==, -EINVAL);
	CHECK_INT(fsv_digest_mem(NULL, 1, NULL, &b), ==, -EINVAL);
	CHECK_INT(fsv_digest_mem(NULL, 0, NULL, &b), ==, 0);
	CHECK_INT(fsv_digest_mem("x", 1, NULL, NULL), ==, -EINVAL);
}

TEST(digest_hash_names)
{
	CHECK_STR(fsv_hash_name(FSV_HASH_SHA256), "sha256");
	CHECK_STR(fsv_hash_name(FSV_HASH_SHA512), "sha512");
	CHECK(fsv_hash_name(0) == NULL, "alg 0 has a name");
	CHECK(fsv_hash_name(3) == NULL, "alg 3 has a name");
	CHECK_INT(fsv_hash_by_name("sha256"), ==, FSV_HASH_SHA256);
	CHECK_INT(fsv_hash_by_name("sha512"), ==, FSV_HASH_SHA512);
	CHECK_INT(fsv_hash_by_name("SHA256"), ==, -1);
	CHECK_INT(fsv_hash_by_name("sha"), ==, -1);
	CHECK_INT(fsv_hash_by_name(""), ==, -1);
	CHECK_INT(fsv_hash_by_name(NULL), ==, -1);
}

TEST(digest_parse_format_roundtrip)
{
	static const char *const good[] = {
		"sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		("sha512:8425c6d0c94f84ed904c12936845fbb7af9953753789712dcc3be142db3d4b6b"
		 "47a399ad52aa609256ce29a960bf4bb0e595ec386ca58c06519d546dc5b197bb"),
		"sha256:0000000000000000000000000000000000000000000000000000000000000000",
	};
	static const char upper[] =
		"sha256:3D248CA542A24FC62D1C43B916EAE5016878E2533C88238480B26128A1F1AF95";
	char buf[FSV_DIGEST_STR_SIZE];
	struct fsv_digest d, e;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		CHECK_INT(fsv_digest_parse(good[i], &d), ==, 0);
		CHECK_STR(fsv_digest_format(&d, buf, sizeof(buf)), good[i]);
	}
	CHECK_INT(strlen(good[1]) + 1, ==, FSV_DIGEST_STR_SIZE);

	/* computed -> formatted -> parsed is the identity */
	CHECK_INT(fsv_digest_mem(pattern(), 5000, NULL, &d), ==, 0);
	CHECK_INT(fsv_digest_parse(fsv_digest_format(&d, buf, sizeof(buf)), &e), ==, 0);
	CHECK(d.hash_alg == e.hash_alg && d.size == e.size && !memcmp(d.bytes, e.bytes, d.size),
	      "round trip changed the digest");

	/* upper case hex is accepted and printed back in lower case */
	CHECK_INT(fsv_digest_parse(upper, &d), ==, 0);
	CHECK_STR(fsv_digest_format(&d, buf, sizeof(buf)), good[0]);

	/* a buffer one byte short gives "", never a truncated digest */
	CHECK_STR(fsv_digest_format(&d, buf, strlen(good[0])), "");
	d.size = 31;
	CHECK_STR(fsv_digest_format(&d, buf, sizeof(buf)), "");
	d.size = 32;
	d.hash_alg = 7;
	CHECK_STR(fsv_digest_format(&d, buf, sizeof(buf)), "");
}

TEST(digest_parse_rejects)
{
	static const char *const bad[] = {
		"",
		":",
		"sha256:",
		"sha256",
		/* missing prefix */
		"3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		/* one digit short / long */
		"sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af9",
		"sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af950",
		/* sha512 prefix with a sha256-sized digest */
		"sha512:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		/* non-hex */
		"sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af9g",
		"sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af-5",
		"sha256: d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		/* unknown / wrongly spelled algorithm */
		"md5:3d248ca542a24fc62d1c43b916eae501",
		"sha1:3d248ca542a24fc62d1c43b916eae5016878e253",
		"SHA256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		"sha2566:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		" sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
		"sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95\n",
	};
	struct fsv_digest d = { .hash_alg = 99 };
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err = fsv_digest_parse(bad[i], &d);
		CHECK(err == -EINVAL, "\"%s\" gave %d", bad[i], err);
	}
	CHECK_INT(d.hash_alg, ==, 99);
	CHECK_INT(fsv_digest_parse(NULL, &d), ==, -EINVAL);
	CHECK_INT(fsv_digest_parse("sha256:00", NULL), ==, -EINVAL);
}

static int write_temp(const unsigned char *data, size_t len, char *path)
{
	const char *dir = getenv("TMPDIR");
	size_t done = 0;
	ssize_t n;
	int fd;

	snprintf(path, 256, "%s/watchbpf-digest-XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		done += n;
	}
	return fd;
}

TEST(digest_fd_and_path_match_mem)
{
	static const size_t sizes[] = {
		0, 1, 4095, 4096, 4097, MiB(1) - 1, MiB(1), MiB(1) + 4097, PATTERN_SIZE,
	};
	struct fsv_params p512 = { .hash_alg = FSV_HASH_SHA512,
				   .block_size = 1024,
				   .salt = (const unsigned char *)"salt",
				   .salt_size = 4 };
	struct fsv_digest m, f, q;
	char path[256];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (int v = 0; v < 2; v++) {
			const struct fsv_params *p = v ? &p512 : NULL;
			int fd = write_temp(pattern(), sizes[i], path);

			if (!CHECK(fd >= 0, "temp file: %s", strerror(errno)))
				return;
			/* pread() must leave the caller's offset where it was */
			lseek(fd, 3, SEEK_SET);
			CHECK_INT(fsv_digest_mem(pattern(), sizes[i], p, &m), ==, 0);
			CHECK_INT(fsv_digest_fd(fd, p, &f), ==, 0);
			CHECK_INT(fsv_digest_path(path, p, &q), ==, 0);
			CHECK_INT(lseek(fd, 0, SEEK_CUR), ==, 3);
			CHECK(!memcmp(&m, &f, sizeof(m)) && !memcmp(&m, &q, sizeof(m)),
			      "size %zu variant %d: fd/path digest differs from mem", sizes[i], v);
			close(fd);
			unlink(path);
		}
	}
}

TEST(digest_fd_errors)
{
	struct fsv_digest d;
	int pipefd[2];

	CHECK_INT(fsv_digest_path("/nonexistent/watchbpf", NULL, &d), ==, -ENOENT);
	CHECK_INT(fsv_digest_path("/", NULL, &d), ==, -EISDIR);
	CHECK_INT(fsv_digest_path("/dev/null", NULL, &d), ==, -EINVAL);
	CHECK_INT(fsv_digest_fd(-1, NULL, &d), ==, -EBADF);
	if (CHECK(pipe(pipefd) == 0, "pipe: %s", strerror(errno))) {
		CHECK_INT(fsv_digest_fd(pipefd[0], NULL, &d), ==, -EINVAL);
		close(pipefd[0]);
		close(pipefd[1]);
	}
	CHECK_INT(fsv_digest_path(NULL, NULL, &d), ==, -EINVAL);
	CHECK_INT(fsv_digest_path("/", NULL, NULL), ==, -EINVAL);
}
