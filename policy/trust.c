// SPDX-License-Identifier: GPL-2.0
/*
 * trust.certs: the files named must hold PEM certificates. The parser only
 * records the paths, so that a policy can be read anywhere; what reads them
 * (`watchbpf check`, the daemon) checks them here, with the position of the
 * entry, before anything relies on them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "policy/policy.h"
#include "policy/ytree.h"

/* 0, or -errno, or 1 if the file holds no PEM certificate. */
static int read_cert(const char *path)
{
	struct stat st;
	X509 *cert;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : 1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	/* what OpenSSL queued about a bad file is told here, not later */
	ERR_clear_error();
	if (!cert)
		return 1;
	X509_free(cert);
	return 0;
}

int policy_check_certs(const struct wb_policy *pol, char *err, size_t errlen)
{
	struct yerr e = { .fname = pol->path ? pol->path : "policy", .buf = err, .size = errlen };
	char buf[YSHOW_SIZE];

	if (err && errlen)
		err[0] = '\0';
	for (size_t i = 0; i < pol->nr_trust_certs + pol->nr_admin_certs; i++) {
		bool trust = i < pol->nr_trust_certs;
		size_t j = trust ? i : i - pol->nr_trust_certs;
		const char *path = trust ? pol->trust_certs[j] : pol->admin_certs[j];
		const struct wb_pos *at = trust ? &pol->trust_cert_pos[j] : &pol->admin_cert_pos[j];
		int ret = read_cert(path);

		if (ret < 0)
			return yerr_at(&e, at->line, at->col, "cannot read certificate '%s': %s",
				       yshow(path, strlen(path), buf), strerror(-ret));
		if (ret)
			return yerr_at(&e, at->line, at->col, "'%s' holds no PEM certificate",
				       yshow(path, strlen(path), buf));
	}
	return 0;
}
