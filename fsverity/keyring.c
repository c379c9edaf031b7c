// SPDX-License-Identifier: GPL-2.0
/* The trust keyring for signed loaders; see keyring.h for the choices. */
#include <errno.h>
#include <fcntl.h>
#include <keyutils.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fsverity/keyring.h"

/*
 * After loading: enough to find keys (the kernel's search needs the
 * possessor's "search"), nothing to change them. The owner (root) may
 * still see that they exist, as /proc/keys shows.
 */
#define LOCKED_PERM (KEY_POS_VIEW | KEY_POS_READ | KEY_POS_SEARCH | KEY_USR_VIEW)

/* What the kernel's add_key() errors mean for a certificate. */
static const char *kernel_reason(int err)
{
	switch (err) {
	case EBADMSG:
		return "the kernel cannot parse it";
	case ENOPKG:
	case ENOENT: /* the crypto API's word for an algorithm it lacks */
		return "the kernel lacks its algorithm";
	case EKEYREJECTED:
		return "the kernel rejected it (blacklisted?)";
	case EDQUOT:
		return "key quota exceeded";
	default:
		return strerror(err);
	}
}

/* Adds every certificate of a PEM file; returns how many, or -errno. */
static int add_cert_file(key_serial_t keyring, const char *path, char *err, size_t errlen)
{
	unsigned char *der = NULL;
	key_serial_t key;
	X509 *cert = NULL;
	BIO *bio = NULL;
	struct stat st;
	int fd, len, count = 0, skipped = 0, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: unreadable: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: unreadable: not a regular file", path);
		close(fd);
		goto out;
	}
	bio = BIO_new_fd(fd, BIO_CLOSE);
	if (!bio) {
		close(fd);
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!cert) {
			/* running out of PEM blocks after one is the normal end */
			if ((count || skipped) &&
			    ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE) {
				ret = count;
				goto out;
			}
			ret = -EBADMSG;
			snprintf(err, errlen, "%s: not a PEM certificate%s", path,
				 count || skipped ? " after the first ones" : "");
			goto out;
		}
		/* The kernel ignores validity dates: an expired (or not yet
		 * valid) certificate is left out here, so what it signed is
		 * not trusted. Said on stderr, not fatal: the others count. */
		if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0 ||
		    X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
			fprintf(stderr, "watchbpf: %s: certificate %d is %s: not trusted\n", path,
				count + skipped + 1,
				X509_cmp_current_time(X509_get0_notAfter(cert)) < 0 ?
					"expired" :
					"not yet valid");
			skipped++;
			X509_free(cert);
			cert = NULL;
			continue;
		}
		/* the kernel's X.509 parser wants DER */
		len = i2d_X509(cert, &der);
		if (len <= 0) {
			ret = -ENOMEM;
			snprintf(err, errlen, "%s: cannot encode the certificate", path);
			goto out;
		}
		/* no description: the kernel makes one from the subject and key id */
		key = add_key("asymmetric", NULL, der, len, keyring);
		if (key < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: certificate %d: %s (%s)", path, count + 1,
				 kernel_reason(errno), strerrorname_np(errno));
			goto out;
		}
		if (keyctl_setperm(key, LOCKED_PERM) < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: cannot set the key's permissions: %s", path,
				 strerror(errno));
			goto out;
		}
		count++;
		OPENSSL_free(der);
		der = NULL;
		X509_free(cert);
		cert = NULL;
	}
out:
	ERR_clear_error();
	OPENSSL_free(der);
	X509_free(cert);
	BIO_free(bio);
	return ret;
}

int trust_keyring_create(const char *desc, char *const *cert_paths, size_t n, int32_t *serial_out,
			 char *err, size_t errlen)
{
	/*
	 * add_key() replaces a keyring of the same description in the
	 * destination, and the one replaced dies with its last link: a
	 * reload's new keyring would kill the one still in force. A number
	 * per keyring keeps every description new.
	 */
	static unsigned int generation;
	key_serial_t keyring = -1;
	char name[256];
	int ret;

	if (!desc || !desc[0] || !n) {
		snprintf(err, errlen, "a keyring needs a description and a certificate");
		ret = -EINVAL;
		goto out;
	}
	snprintf(name, sizeof(name), "%s:%u", desc,
		 __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED));
	keyring = add_key("keyring", name, NULL, 0, KEY_SPEC_PROCESS_KEYRING);
	if (keyring < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create keyring '%s': %s", name, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		ret = add_cert_file(keyring, cert_paths[i], err, errlen);
		if (ret < 0)
			goto out;
	}
	/* Restrict first: it needs the "setattr" the new permissions drop. */
	if (keyctl_restrict_keyring(keyring, NULL, NULL) < 0 ||
	    keyctl_setperm(keyring, LOCKED_PERM) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot lock keyring '%s': %s", name, strerror(errno));
		goto out;
	}
	*serial_out = keyring;
	keyring = -1;
	ret = 0;
out:
	if (keyring >= 0)
		keyctl_invalidate(keyring);
	return ret;
}

void trust_keyring_destroy(int32_t serial)
{
	/* Unlinking would leave it to garbage collection, and other links
	 * alive; invalidation ends every use at once. */
	if (keyctl_invalidate(serial) < 0)
		keyctl_unlink(serial, KEY_SPEC_PROCESS_KEYRING);
}
