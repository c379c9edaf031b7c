// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/util.h"
#include "tests/fuzz/fuzz_common.h"

int fuzz_memfd(const char *name, char path[FUZZ_PATH_MAX])
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path, FUZZ_PATH_MAX, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_memfd_set(int fd, const void *data, size_t len)
{
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) || write_all(fd, data, len)) {
		perror("memfd");
		exit(1);
	}
}

int fuzz_write_key(int fd, bool private)
{
	static const unsigned char seed[32] = "watchbpf fuzzing key, not secret";
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof(seed));
	BIO *b = BIO_new_fd(fd, BIO_NOCLOSE);
	int ok;

	ok = k && b &&
	     (private ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) :
			PEM_write_bio_PUBKEY(b, k)) &&
	     BIO_flush(b) == 1;
	BIO_free(b);
	EVP_PKEY_free(k);
	return ok ? 0 : -1;
}
