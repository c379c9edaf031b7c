/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zlib's gz* file API (gzread() reads gzip and plain files alike).
 *
 * Resolved at run time from libz.so.1: the build links libbpf through
 * `pkg-config --libs libbpf`, which names no -lz, so a direct call to
 * gzopen() fails to link (the linker does not take symbols from a library
 * that is only libbpf's dependency). libz.so.1 is loaded anyway, as libbpf
 * needs it. Once LDLIBS has -lz, these wrappers can become the plain calls.
 */
#ifndef WATCHBPF_LOG_GZ_H
#define WATCHBPF_LOG_GZ_H

#include <zlib.h>

/* NULL with errno set (ELIBACC: no usable libz.so.1) */
gzFile wbgz_open(const char *path, const char *mode);
int wbgz_read(gzFile f, void *buf, unsigned int len);
int wbgz_write(gzFile f, const void *buf, unsigned int len);
int wbgz_buffer(gzFile f, unsigned int size);
/* zlib's message for the last error on f */
const char *wbgz_error(gzFile f, int *errnum);
int wbgz_close(gzFile f);

#endif
