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
 *
 * The leaf level is nearly all the work (with SHA-256 and 4 KiB blocks the
 * levels above hash 1/128 as much), so large files have it hashed by a pool
 * of threads, one 1 MiB chunk at a time, while the calling thread feeds the
 * chunks' hashes into the tree in file order. A ring of slots bounds how far
 * the pool may run ahead, which keeps memory bounded for any file size.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
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

/*
 * Below this a file is hashed in the calling thread: starting threads costs
 * more than it saves, and small files are what `watchbpf sign` sees by the
 * thousand, each from its own worker already.
 */
#define PAR_MIN_SIZE (4ULL * READ_CHUNK)
/* Chunks the pool may have hashed ahead of the feeder, per thread. */
#define PAR_SLOTS_PER_THREAD 2

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
	 * One allocation: a block per level below the root, the tail block,
	 * the root hash, a scratch hash and the hash of a zero block. The
	 * root is copied into desc at the end: had EVP written into this
	 * struct, clang's analyzer would forget the pointers in it and
	 * report leaks.
	 */
	unsigned char *pending;
	unsigned char *tail; /* the last data block, zero-padded */
	unsigned char *root;
	unsigned char *scratch;
	/* Holes and zero-filled regions hash alike: hashed once, on demand. */
	unsigned char *zero;
	bool zero_ready;
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

	t->pending = malloc((size_t)(t->num_levels + 1) * t->block_size +
			    3 * (size_t)FSV_MAX_DIGEST_SIZE);
	t->salted = EVP_MD_CTX_new();
	t->work = EVP_MD_CTX_new();
	if (!t->pending || !t->salted || !t->work) {
		err = -ENOMEM;
		goto out;
	}
	t->tail = level_block(t, t->num_levels);
	t->root = t->tail + t->block_size;
	t->scratch = t->root + FSV_MAX_DIGEST_SIZE;
	t->zero = t->scratch + FSV_MAX_DIGEST_SIZE;
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
	t->pending = t->tail = t->root = t->scratch = t->zero = NULL;
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
 * Whether a block is all zeroes. The first byte settles it for almost all
 * real data; for the rest, comparing the block with itself shifted by one
 * byte lets memcmp()'s vector code do the scan.
 */
static bool all_zero(const unsigned char *blk, size_t len)
{
	return !blk[0] && !memcmp(blk, blk + 1, len - 1);
}

/* Hashes @zero_blk, a block of zeroes, into t->zero unless done before. */
static int tree_zero_hash(struct tree *t, const unsigned char *zero_blk)
{
	int err;

	if (t->zero_ready)
		return 0;
	err = hash_block(t->work, t->salted, zero_blk, t->block_size, t->zero);
	if (!err)
		t->zero_ready = true;
	return err;
}

/*
 * Appends a hash at @level and carries every block this completes up the
 * tree. @hash may be t->scratch.
 */
static int tree_put(struct tree *t, int level, const unsigned char *hash)
{
	unsigned int ds = t->alg->digest_size;
	int err;

	for (;;) {
		if (level == t->num_levels) {
			/* tree_final() checks that this happens exactly once */
			t->root_count++;
			memcpy(t->root, hash, ds);
			return 0;
		}
		memcpy(level_block(t, level) + t->filled[level], hash, ds);
		t->filled[level] += ds;
		if (t->filled[level] < t->block_size)
			return 0;
		/* Full: its hash goes one level up; the buffer is free again. */
		t->filled[level] = 0;
		err = hash_block(t->work, t->salted, level_block(t, level), t->block_size,
				 t->scratch);
		if (err)
			return err;
		hash = t->scratch;
		level++;
	}
}

/* Hashes a full block whose hash belongs at @level. */
static int tree_push(struct tree *t, int level, const unsigned char *blk)
{
	int err = hash_block(t->work, t->salted, blk, t->block_size, t->scratch);

	return err ? err : tree_put(t, level, t->scratch);
}

/* Hashes a data block (level 0), reusing the zero block's hash for holes. */
static int tree_push_data(struct tree *t, const unsigned char *blk)
{
	int err;

	if (all_zero(blk, t->block_size)) {
		err = tree_zero_hash(t, blk);
		return err ? err : tree_put(t, 0, t->zero);
	}
	return tree_push(t, 0, blk);
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
		err = tree_push_data(t, data);
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
	return tree_push_data(t, t->tail);
}

/*
 * Feeds len bytes of zeroes that the file system says are a hole, without
 * reading or hashing them: every block of a hole hashes like the zero
 * block. Same rules as tree_feed().
 */
static int tree_feed_hole(struct tree *t, uint64_t len)
{
	uint64_t blocks = len / t->block_size + !!(len % t->block_size);
	int err;

	if (len > t->data_size - t->data_done)
		return -EINVAL;
	/* the tail block is only used by tree_feed()'s last call */
	memset(t->tail, 0, t->block_size);
	err = tree_zero_hash(t, t->tail);
	for (uint64_t i = 0; i < blocks && !err; i++)
		err = tree_put(t, 0, t->zero);
	t->data_done += len;
	return err;
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

/*
 * Whether [off, off + len) is all hole, so that it need not be read: a
 * sparse multi-GiB image would otherwise have the kernel zero-fill page
 * cache for every hole. Moves the file offset (see fsv_digest_fd_threads()).
 * ENXIO also means "past the end": a file truncated meanwhile is caught by
 * the size check after the last chunk.
 */
static bool is_hole(int fd, uint64_t off, uint64_t len)
{
	off_t data = lseek(fd, (off_t)off, SEEK_DATA);

	/* EINVAL and the like: the file system cannot tell, so read */
	if (data < 0)
		return errno == ENXIO;
	return (uint64_t)data >= off + len;
}

/* Streams [0, size) of the file through the tree in the calling thread. */
static int feed_serial(struct tree *t, int fd, uint64_t size, bool sparse)
{
	unsigned char *buf = NULL;
	uint64_t off = 0;
	size_t chunk, want;
	ssize_t n;
	int err = 0;

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
	while (off < size) {
		want = size - off < chunk ? (size_t)(size - off) : chunk;
		if (sparse && is_hole(fd, off, want)) {
			err = tree_feed_hole(t, want);
			if (err)
				goto out;
			off += want;
			continue;
		}
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
		err = tree_feed(t, buf, want);
		if (err)
			goto out;
		off += want;
	}
out:
	free(buf);
	return err;
}

/*
 * The parallel leaf level. Chunk c (READ_CHUNK bytes of the file) is hashed
 * by whichever worker claims it, into slot c % nslots; the feeder takes the
 * slots in chunk order. A worker may only claim a chunk whose slot the
 * feeder has emptied, so at most nslots chunks are in flight.
 */
struct leaf_slot {
	uint64_t chunk; /* valid once done */
	bool done;
	unsigned char *hashes;
};

struct leaf_pool {
	const struct tree *t; /* read-only while workers run */
	int fd;
	bool sparse; /* worth asking the file system for holes */
	uint64_t size;
	uint64_t nchunks;
	unsigned int nslots;
	struct leaf_slot *slots;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* any slot or error change; broadcast */
	uint64_t next_claim; /* under lock */
	uint64_t next_feed; /* under lock */
	int err; /* first error, under lock; stops everyone */
};

struct leaf_worker {
	struct leaf_pool *pool;
	EVP_MD_CTX *salted; /* a private copy: EVP contexts are not shared */
	EVP_MD_CTX *work;
	unsigned char *buf;
	pthread_t tid;
	bool started;
};

static uint64_t chunk_bytes(uint64_t size, uint64_t chunk)
{
	uint64_t off = chunk * READ_CHUNK;

	return size - off < READ_CHUNK ? size - off : READ_CHUNK;
}

static int hash_chunk(struct leaf_worker *w, uint64_t chunk, unsigned char *hashes)
{
	const struct leaf_pool *pool = w->pool;
	const struct tree *t = pool->t;
	unsigned int bs = t->block_size, ds = t->alg->digest_size;
	size_t want = chunk_bytes(pool->size, chunk), rem;
	ssize_t n;
	int err;

	if (pool->sparse && is_hole(pool->fd, chunk * READ_CHUNK, want)) {
		for (size_t off = 0; off < want; off += bs, hashes += ds)
			memcpy(hashes, t->zero, ds);
		return 0;
	}
	n = pread_full(pool->fd, w->buf, want, chunk * READ_CHUNK);
	if (n < 0)
		return n;
	if ((size_t)n < want)
		return -EAGAIN;
	/* Only the file's last chunk can end in a partial block. */
	rem = want % bs;
	if (rem) {
		memset(w->buf + want, 0, bs - rem);
		want += bs - rem;
	}
	for (size_t off = 0; off < want; off += bs, hashes += ds) {
		if (all_zero(w->buf + off, bs)) {
			memcpy(hashes, t->zero, ds);
			continue;
		}
		err = hash_block(w->work, w->salted, w->buf + off, bs, hashes);
		if (err)
			return err;
	}
	return 0;
}

static void *leaf_worker_run(void *arg)
{
	struct leaf_worker *w = arg;
	struct leaf_pool *pool = w->pool;
	struct leaf_slot *slot;
	uint64_t chunk;
	int err;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->err && pool->next_claim < pool->nchunks &&
		       pool->next_claim >= pool->next_feed + pool->nslots)
			pthread_cond_wait(&pool->cond, &pool->lock);
		if (pool->err || pool->next_claim >= pool->nchunks)
			break;
		chunk = pool->next_claim++;
		slot = &pool->slots[chunk % pool->nslots];
		pthread_mutex_unlock(&pool->lock);

		err = hash_chunk(w, chunk, slot->hashes);

		pthread_mutex_lock(&pool->lock);
		if (err && !pool->err)
			pool->err = err;
		slot->chunk = chunk;
		slot->done = !err;
		pthread_cond_broadcast(&pool->cond);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* Takes the pool's chunks in order and puts their hashes into the tree. */
static int feed_pool(struct leaf_pool *pool, struct tree *t)
{
	unsigned int bs = t->block_size, ds = t->alg->digest_size;
	struct leaf_slot *slot;
	uint64_t bytes, blocks;
	int err = 0;

	pthread_mutex_lock(&pool->lock);
	while (pool->next_feed < pool->nchunks) {
		slot = &pool->slots[pool->next_feed % pool->nslots];
		while (!pool->err && !(slot->done && slot->chunk == pool->next_feed))
			pthread_cond_wait(&pool->cond, &pool->lock);
		if (pool->err)
			break;
		pthread_mutex_unlock(&pool->lock);

		bytes = chunk_bytes(pool->size, pool->next_feed);
		blocks = (bytes + bs - 1) / bs;
		for (uint64_t i = 0; i < blocks && !err; i++)
			err = tree_put(t, 0, slot->hashes + i * ds);
		t->data_done += bytes;

		pthread_mutex_lock(&pool->lock);
		if (err && !pool->err)
			pool->err = err;
		slot->done = false;
		pool->next_feed++;
		pthread_cond_broadcast(&pool->cond);
	}
	err = pool->err;
	pthread_mutex_unlock(&pool->lock);
	return err;
}

/*
 * Streams [0, size) through the tree with up to @threads hashing threads.
 * Returns 1 (and has done nothing) if no thread could be started, so that
 * the caller can fall back to feed_serial().
 */
static int feed_parallel(struct tree *t, int fd, uint64_t size, bool sparse, unsigned int threads)
{
	unsigned int ds = t->alg->digest_size, started = 0;
	size_t slot_size = (size_t)(READ_CHUNK / t->block_size) * ds;
	struct leaf_worker *workers = NULL;
	unsigned char *hashes = NULL;
	struct leaf_pool pool = {
		.t = t,
		.fd = fd,
		.sparse = sparse,
		.size = size,
		.nchunks = size / READ_CHUNK + !!(size % READ_CHUNK),
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	int err;

	if (threads > pool.nchunks)
		threads = (unsigned int)pool.nchunks;
	pool.nslots = threads * PAR_SLOTS_PER_THREAD;
	pool.slots = calloc(pool.nslots, sizeof(*pool.slots));
	hashes = malloc(pool.nslots * slot_size);
	workers = calloc(threads, sizeof(*workers));
	if (!pool.slots || !hashes || !workers) {
		err = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < pool.nslots; i++)
		pool.slots[i].hashes = hashes + i * slot_size;
	/* Workers only read t->zero: have it ready before they start. */
	memset(t->tail, 0, t->block_size);
	err = tree_zero_hash(t, t->tail);
	if (err)
		goto out;
	for (unsigned int i = 0; i < threads; i++) {
		struct leaf_worker *w = &workers[i];

		w->pool = &pool;
		w->salted = EVP_MD_CTX_new();
		w->work = EVP_MD_CTX_new();
		if (!w->salted || !w->work || !EVP_MD_CTX_copy_ex(w->salted, t->salted) ||
		    posix_memalign((void **)&w->buf, 4096, READ_CHUNK)) {
			w->buf = NULL;
			err = -ENOMEM;
			goto out;
		}
	}
	for (unsigned int i = 0; i < threads; i++) {
		/* Fewer threads than asked (a thread limit) still work. */
		if (pthread_create(&workers[i].tid, NULL, leaf_worker_run, &workers[i]))
			break;
		workers[i].started = true;
		started++;
	}
	err = started ? feed_pool(&pool, t) : 1;
out:
	if (workers) {
		/* feed_pool() has set pool.err on failure: workers stop early */
		for (unsigned int i = 0; i < threads; i++) {
			if (workers[i].started)
				pthread_join(workers[i].tid, NULL);
			EVP_MD_CTX_free(workers[i].salted);
			EVP_MD_CTX_free(workers[i].work);
			free(workers[i].buf);
		}
	}
	free(workers);
	free(hashes);
	free(pool.slots);
	pthread_cond_destroy(&pool.cond);
	pthread_mutex_destroy(&pool.lock);
	return err;
}

/* WATCHBPF_DIGEST_THREADS, else the CPUs this process may run on; capped. */
static unsigned int auto_threads(void)
{
	const char *env = getenv("WATCHBPF_DIGEST_THREADS");
	unsigned long v;
	cpu_set_t set;
	long n = 1;
	char *end;

	if (env && env[0] >= '1' && env[0] <= '9') {
		v = strtoul(env, &end, 10);
		if (!*end)
			return v > FSV_MAX_THREADS ? FSV_MAX_THREADS : (unsigned int)v;
	}
	/* Not the online count: a container or taskset may allow fewer. */
	if (!sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > FSV_MAX_THREADS ? FSV_MAX_THREADS : (unsigned int)n;
}

int fsv_digest_fd_threads(int fd, const struct fsv_params *p, unsigned int threads,
			  struct fsv_digest *out)
{
	off_t saved_off = -1;
	unsigned char probe;
	bool sparse;
	uint64_t size;
	/*
	 * On the heap: down this long a call chain clang's analyzer stops
	 * following calls, then forgets the heap pointers a stack struct
	 * holds and reports them leaked (make lint).
	 */
	struct tree *t = calloc(1, sizeof(*t));
	struct stat st;
	ssize_t n;
	int err;

	if (!t) {
		err = -ENOMEM;
		goto out;
	}
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
	err = tree_init(t, p, size);
	if (err)
		goto out;
	/* Fewer blocks than bytes: holes to skip. Else don't even ask. */
	sparse = size >= READ_CHUNK && (uint64_t)st.st_blocks * 512 < size;
	if (sparse) {
		saved_off = lseek(fd, 0, SEEK_CUR);
		sparse = saved_off >= 0;
	}
	/* A hint only: failure just means less readahead. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	if (!threads)
		threads = auto_threads();
	err = 1;
	if (threads > 1 && size >= PAR_MIN_SIZE)
		err = feed_parallel(t, fd, size, sparse, threads);
	if (err == 1)
		err = feed_serial(t, fd, size, sparse);
	if (err)
		goto out;
	/* Likewise if it grew (or is a /proc-style file with st_size 0). */
	n = pread_full(fd, &probe, 1, size);
	if (n) {
		err = n < 0 ? (int)n : -EAGAIN;
		goto out;
	}
	/* A hole lookup past a new, shorter end reads as a hole: catch that. */
	if (sparse && (fstat(fd, &st) || (uint64_t)st.st_size != size)) {
		err = -EAGAIN;
		goto out;
	}
	err = tree_final(t, out);
out:
	if (saved_off >= 0)
		lseek(fd, saved_off, SEEK_SET);
	/* tree_free() is safe on a zeroed tree */
	if (t)
		tree_free(t);
	free(t);
	return err;
}

int fsv_digest_fd(int fd, const struct fsv_params *p, struct fsv_digest *out)
{
	return fsv_digest_fd_threads(fd, p, 0, out);
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
