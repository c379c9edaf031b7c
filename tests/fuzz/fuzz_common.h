/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets of tests/fuzz/ and the seed log generator
 * share: the globals watchbpf's main.c would define, a file the code under
 * test can open by path, and the one signing key of the seed logs.
 */
#ifndef WATCHBPF_FUZZ_COMMON_H
#define WATCHBPF_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>

/* "/proc/self/fd/N" */
#define FUZZ_PATH_MAX 32

/*
 * An anonymous in-memory file (memfd) and the path that opens it anew, for
 * code that reads by path (gzopen(), open()). Exits on failure: a fuzzer
 * that cannot make one has nothing to do.
 */
int fuzz_memfd(const char *name, char path[FUZZ_PATH_MAX]);
/* Makes fd's content data[0..len) exactly. Exits on failure. */
void fuzz_memfd_set(int fd, const void *data, size_t len);

/*
 * The Ed25519 key the seed logs' checkpoints are signed with, derived
 * from a fixed seed so that the generator and fuzz_log agree on it
 * without a key file in the tree: it signs test data only and is no
 * secret. Writes the PEM private key (private) or public key to fd.
 * 0 or -1.
 */
int fuzz_write_key(int fd, bool private);

#endif
