// SPDX-License-Identifier: GPL-2.0
/*
 * fs-verity file digests (Documentation/filesystems/fsverity.rst):
 *
 *   root   = Merkle tree root over the file in block_size blocks, each
 *            block hashed as H(padded salt || block), level by level
 *   digest = H(struct fsverity_descriptor), unsalted
 *
 * The file is streamed once; the tree is never held in memory, only the
 * block being filled at each level, so memory use is O(levels * block_size)
 * whatever the file size.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fsverity/digest.h"
#include "lib/util.h"

/*
 * 64 levels cover any 64-bit size with any supported geometry (the worst,
 * 1 KiB blocks of 16 SHA-512 hashes, needs 14).
 */
#define FSV_MAX_LEVELS 64
/* Large reads amortise syscalls; a multiple of every block size, so that
 * only the file's last chunk can end in a partial block. */
#define READ_CHUNK (1U << 20)

_Static_assert(sizeof(off_t) == 8, "file offsets must be 64-bit");
_Static_assert(READ_CHUNK % FSV_MAX_BLOCK_SIZE == 0, "chunk must hold whole blocks");

/* The kernel's struct fsverity_descriptor; the file digest is its hash. */
struct fsv_descriptor {
	uint8_t version; /* 1 */
	uint8_t hash_algorithm; /* FSV_HASH_* */
	uint8_t log_blocksize;
	uint8_t salt_size;
	uint32_t reserved_0x04;
	uint64_t data_size; /* little endian */
	uint8_t root_hash[64];
	uint8_t salt[FSV_MAX_SALT_SIZE];
	uint8_t reserved[144];
};

_Static_assert(sizeof(struct fsv_descriptor) == 256, "fsverity_descriptor is 256 bytes");

struct hash_alg {
	const char *name;
	unsigned int digest_size;
	/* input size of the compression function: the salt is padded to it
	 * so that the salted state can be computed once and reused */
	unsigned int block_size;
	const EVP_MD *(*md)(void);
};

static const struct hash_alg hash_algs[] = {
	[FSV_HASH_SHA256] = { "sha256", 32, 64, EVP_sha256 },
	[FSV_HASH_SHA512] = { "sha512", 64, 128, EVP_sha512 },
};

static const struct hash_alg *find_alg(unsigned int alg)
{
	if (alg >= ARRAY_SIZE(hash_algs) || !hash_algs[alg].name)
		return NULL;
	return &hash_algs[alg];
}

/* A Merkle tree under construction. Level num_levels is the root. */
struct tree {
	const struct hash_alg *alg;
	struct fsv_descriptor desc;
	unsigned int block_size;
	int num_levels;
	uint64_t data_size; /* what the caller said it will feed */
	uint64_t data_done;
	EVP_MD_CTX *salted; /* state after absorbing the padded salt */
	EVP_MD_CTX *work;
	/*
	 * One allocation: a block per level below the root, the tail block
	 * and the root hash. The root is copied into desc at the end: had
	 * EVP written into this struct, clang's analyzer would forget the
	 * pointers in it and report leaks.
	 */
	unsigned char *pending;
	unsigned char *tail; /* the last data block, zero-padded */
	unsigned char *root;
	unsigned int filled[FSV_MAX_LEVELS];
	unsigned int root_count;
};

static unsigned char *level_block(struct tree *t, int level)
{
	return t->pending + (size_t)level * t->block_size;
}

static int tree_init(struct tree *t, const struct fsv_params *p, uint64_t data_size)
{
	static const struct fsv_params defaults;
	unsigned char padded_salt[128] = { 0 };
	unsigned int hashes_per_block, hash_alg;
	uint64_t blocks;
	int err;

	memset(t, 0, sizeof(*t));
	if (!p)
		p = &defaults;
	hash_alg = p->hash_alg ? p->hash_alg : FSV_HASH_SHA256;
	t->block_size = p->block_size ? p->block_size : FSV_DEFAULT_BLOCK_SIZE;
	t->alg = find_alg(hash_alg);
	if (!t->alg || t->block_size < FSV_MIN_BLOCK_SIZE || t->block_size > FSV_MAX_BLOCK_SIZE ||
	    (t->block_size & (t->block_size - 1)) || p->salt_size > FSV_MAX_SALT_SIZE ||
	    (p->salt_size && !p->salt)) {
		err = -EINVAL;
		goto out;
	}
	_Static_assert(sizeof(padded_salt) >= FSV_MAX_SALT_SIZE, "salt fits");

	t->data_size = data_size;
	hashes_per_block = t->block_size / t->alg->digest_size;
	/* Avoid DIV_ROUND_UP's overflow for sizes near 2^64. */
	blocks = data_size / t->block_size + !!(data_size % t->block_size);
	while (blocks > 1) {
		blocks = blocks / hashes_per_block + !!(blocks % hashes_per_block);
		t->num_levels++;
	}

	t->desc.version = 1;
	t->desc.hash_algorithm = hash_alg;
	t->desc.log_blocksize = __builtin_ctz(t->block_size);
	t->desc.salt_size = p->salt_size;
	t->desc.data_size = htole64(data_size);
	if (p->salt_size)
		memcpy(t->desc.salt, p->salt, p->salt_size);

	t->pending = malloc((size_t)(t->num_levels + 1) * t->block_size + FSV_MAX_DIGEST_SIZE);
	t->salted = EVP_MD_CTX_new();
	t->work = EVP_MD_CTX_new();
	if (!t->pending || !t->salted || !t->work) {
		err = -ENOMEM;
		goto out;
	}
	t->tail = level_block(t, t->num_levels);
	t->root = t->tail + t->block_size;
	if (!EVP_DigestInit_ex(t->salted, t->alg->md(), NULL)) {
		err = -ENOPKG;
		goto out;
	}
	/* No salt means nothing is prepended, not a block of zeroes. */
	if (p->salt_size) {
		memcpy(padded_salt, p->salt, p->salt_size);
		if (!EVP_DigestUpdate(t->salted, padded_salt, t->alg->block_size)) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = 0;
out:
	return err;
}

static void tree_free(struct tree *t)
{
	EVP_MD_CTX_free(t->work);
	EVP_MD_CTX_free(t->salted);
	free(t->pending);
	t->work = t->salted = NULL;
	t->pending = t->tail = t->root = NULL;
}

/*
 * H(padded salt || blk) into out, starting from the precomputed salted
 * state. Takes the contexts rather than the tree so that threads can each
 * bring their own work context.
 */
static int hash_block(EVP_MD_CTX *work, const EVP_MD_CTX *salted, const unsigned char *blk,
		      unsigned int block_size, unsigned char *out)
{
	/* EVP only fails here on allocation failure for SHA-2. */
	if (!EVP_MD_CTX_copy_ex(work, salted) || !EVP_DigestUpdate(work, blk, block_size) ||
	    !EVP_DigestFinal_ex(work, out, NULL))
		return -ENOMEM;
	return 0;
}

/*
 * Hashes a full block whose hash belongs at @level and carries every block
 * this completes up the tree.
 */
static int tree_push(struct tree *t, int level, const unsigned char *blk)
{
	unsigned int ds = t->alg->digest_size;
	int err;

	for (;;) {
		if (level == t->num_levels) {
			/* tree_final() checks that this happens exactly once */
			t->root_count++;
			return hash_block(t->work, t->salted, blk, t->block_size, t->root);
		}
		err = hash_block(t->work, t->salted, blk, t->block_size,
				 level_block(t, level) + t->filled[level]);
		if (err)
			return err;
		t->filled[level] += ds;
		if (t->filled[level] < t->block_size)
			return 0;
		/* Full: its hash goes one level up; the buffer is free again. */
		t->filled[level] = 0;
		blk = level_block(t, level);
		level++;
	}
}

/*
 * Feeds the next len bytes of data. Every call but the last must pass whole
 * blocks; the total must not exceed the size given to tree_init().
 */
static int tree_feed(struct tree *t, const unsigned char *data, size_t len)
{
	unsigned int bs = t->block_size;
	int err;

	if (len > t->data_size - t->data_done)
		return -EINVAL;
	for (; len >= bs; data += bs, len -= bs) {
		err = tree_push(t, 0, data);
		if (err)
			return err;
		t->data_done += bs;
	}
	if (!len)
		return 0;
	if (t->data_done + len != t->data_size)
		return -EINVAL;
	memcpy(t->tail, data, len);
	memset(t->tail + len, 0, bs - len);
	t->data_done += len;
	return tree_push(t, 0, t->tail);
}

static int tree_final(struct tree *t, struct fsv_digest *out)
{
	unsigned char *blk;
	int err, level;

	if (t->data_done != t->data_size)
		return -EINVAL;
	/* An empty file's root hash is all zeroes: nothing to do. */
	if (t->data_size) {
		/* Bottom-up, so that each flush can complete the one above. */
		for (level = 0; level < t->num_levels; level++) {
			if (!t->filled[level])
				continue;
			blk = level_block(t, level);
			memset(blk + t->filled[level], 0, t->block_size - t->filled[level]);
			t->filled[level] = 0;
			err = tree_push(t, level + 1, blk);
			if (err)
				return err;
		}
		/* Anything else means a wrong level count: a bug, not bad data. */
		if (t->root_count != 1)
			return -EOVERFLOW;
		memcpy(t->desc.root_hash, t->root, t->alg->digest_size);
	}

	memset(out, 0, sizeof(*out));
	out->hash_alg = t->desc.hash_algorithm;
	out->size = t->alg->digest_size;
	if (!EVP_Digest(&t->desc, sizeof(t->desc), out->bytes, NULL, t->alg->md(), NULL))
		return -ENOMEM;
	return 0;
}

int fsv_digest_mem(const void *data, size_t len, const struct fsv_params *p, struct fsv_digest *out)
{
	struct tree t;
	int err;

	if (!out || (len && !data))
		return -EINVAL;
	err = tree_init(&t, p, len);
	if (err)
		goto out;
	err = tree_feed(&t, data, len);
	if (err)
		goto out;
	err = tree_final(&t, out);
out:
	tree_free(&t);
	return err;
}

/* pread() until len bytes or end of file; returns bytes read or -errno. */
static ssize_t pread_full(int fd, unsigned char *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

int fsv_digest_fd(int fd, const struct fsv_params *p, struct fsv_digest *out)
{
	unsigned char *buf = NULL, probe;
	uint64_t size, off = 0;
	size_t chunk, want;
	struct tree t;
	struct stat st;
	ssize_t n;
	int err;

	/* tree_free() must be safe on every path */
	memset(&t, 0, sizeof(t));
	if (!out) {
		err = -EINVAL;
		goto out;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	size = st.st_size;
	err = tree_init(&t, p, size);
	if (err)
		goto out;

	/* Small files are common: don't allocate (and fault in) a whole chunk. */
	chunk = size < READ_CHUNK ? (size_t)size : READ_CHUNK;
	/*
	 * Page-aligned: with the page cache source and this buffer mutually
	 * misaligned the kernel's copy runs at a fraction of its speed (seen
	 * as 5x the system time with malloc()'s page+16 for large buffers).
	 */
	if (chunk && posix_memalign((void **)&buf, 4096, chunk)) {
		buf = NULL;
		err = -ENOMEM;
		goto out;
	}
	/* A hint only: failure just means less readahead. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	while (off < size) {
		want = size - off < chunk ? (size_t)(size - off) : chunk;
		n = pread_full(fd, buf, want, off);
		if (n < 0) {
			err = n;
			goto out;
		}
		/* Truncated under us: the digest would match no version of it. */
		if ((size_t)n < want) {
			err = -EAGAIN;
			goto out;
		}
		err = tree_feed(&t, buf, want);
		if (err)
			goto out;
		off += want;
	}
	/* Likewise if it grew (or is a /proc-style file with st_size 0). */
	n = pread_full(fd, &probe, 1, off);
	if (n) {
		err = n < 0 ? (int)n : -EAGAIN;
		goto out;
	}
	err = tree_final(&t, out);
out:
	free(buf);
	tree_free(&t);
	return err;
}

int fsv_digest_path(const char *path, const struct fsv_params *p, struct fsv_digest *out)
{
	int fd, err, flags;

	if (!path)
		return -EINVAL;
	/* O_NONBLOCK so that a FIFO does not hang open(); fsv_digest_fd()
	 * rejects it. Cleared again so regular files read normally. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		err = -errno;
		goto out;
	}
	err = fsv_digest_fd(fd, p, out);
out:
	close(fd);
	return err;
}

const char *fsv_hash_name(unsigned int alg)
{
	const struct hash_alg *a = find_alg(alg);

	return a ? a->name : NULL;
}

int fsv_hash_by_name(const char *name)
{
	if (!name)
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(hash_algs); i++)
		if (hash_algs[i].name && !strcmp(name, hash_algs[i].name))
			return (int)i;
	return -1;
}

char *fsv_digest_format(const struct fsv_digest *d, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const struct hash_alg *a;
	size_t name_len;
	char *s;

	if (!buf || !len)
		return buf;
	buf[0] = '\0';
	a = d ? find_alg(d->hash_alg) : NULL;
	if (!a || d->size != a->digest_size)
		return buf;
	name_len = strlen(a->name);
	if (len < name_len + 1 + 2 * (size_t)a->digest_size + 1)
		return buf;
	memcpy(buf, a->name, name_len);
	s = buf + name_len;
	*s++ = ':';
	for (unsigned int i = 0; i < d->size; i++) {
		*s++ = hex[d->bytes[i] >> 4];
		*s++ = hex[d->bytes[i] & 0xf];
	}
	*s = '\0';
	return buf;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fsv_digest_parse(const char *s, struct fsv_digest *out)
{
	struct fsv_digest d = { 0 };
	const struct hash_alg *a = NULL;
	const char *colon, *hex;
	size_t name_len;
	int hi, lo;

	if (!s || !out)
		return -EINVAL;
	colon = strchr(s, ':');
	if (!colon)
		return -EINVAL;
	name_len = colon - s;
	for (unsigned int i = 0; i < ARRAY_SIZE(hash_algs); i++) {
		if (hash_algs[i].name && strlen(hash_algs[i].name) == name_len &&
		    !memcmp(s, hash_algs[i].name, name_len)) {
			a = &hash_algs[i];
			d.hash_alg = i;
		}
	}
	hex = colon + 1;
	if (!a || strlen(hex) != 2 * (size_t)a->digest_size)
		return -EINVAL;
	d.size = a->digest_size;
	for (size_t i = 0; i < d.size; i++) {
		hi = hex_val(hex[2 * i]);
		lo = hex_val(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		d.bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = d;
	return 0;
}
