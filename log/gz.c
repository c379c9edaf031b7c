// SPDX-License-Identifier: GPL-2.0
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "log/gz.h"

static struct {
	gzFile (*open)(const char *, const char *);
	int (*read)(gzFile, voidp, unsigned int);
	int (*write)(gzFile, voidpc, unsigned int);
	int (*buffer)(gzFile, unsigned int);
	const char *(*error)(gzFile, int *);
	int (*close)(gzFile);
	int ok;
} z;

static pthread_once_t z_once = PTHREAD_ONCE_INIT;

static void z_load(void)
{
	void *h = dlopen("libz.so.1", RTLD_NOW | RTLD_NOLOAD);

	if (!h)
		h = dlopen("libz.so.1", RTLD_NOW);
	if (!h)
		return;
	/* the handle stays open: the functions are used until exit */
	*(void **)&z.open = dlsym(h, "gzopen");
	*(void **)&z.read = dlsym(h, "gzread");
	*(void **)&z.write = dlsym(h, "gzwrite");
	*(void **)&z.buffer = dlsym(h, "gzbuffer");
	*(void **)&z.error = dlsym(h, "gzerror");
	*(void **)&z.close = dlsym(h, "gzclose");
	z.ok = z.open && z.read && z.write && z.buffer && z.error && z.close;
}

gzFile wbgz_open(const char *path, const char *mode)
{
	pthread_once(&z_once, z_load);
	if (!z.ok) {
		errno = ELIBACC;
		return NULL;
	}
	return z.open(path, mode);
}

/* The others take a gzFile, which only wbgz_open() hands out: zlib is
 * loaded by then. */
int wbgz_read(gzFile f, void *buf, unsigned int len)
{
	return z.read(f, buf, len);
}

int wbgz_write(gzFile f, const void *buf, unsigned int len)
{
	return z.write(f, buf, len);
}

int wbgz_buffer(gzFile f, unsigned int size)
{
	return z.buffer(f, size);
}

const char *wbgz_error(gzFile f, int *errnum)
{
	return z.error(f, errnum);
}

int wbgz_close(gzFile f)
{
	return z.close(f);
}
