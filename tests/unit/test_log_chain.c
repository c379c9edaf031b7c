// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON log's writer and `log verify`: a log the writer made verifies;
 * each kind of tampering is caught and named at the right FILE:LINE; the
 * chain survives rotation, restarts and crashes; checkpoints can be checked
 * by a third party with nothing but the certificate.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "log/chain.h"
#include <zlib.h>
#include "log/verify.h"
#include "log/writer.h"
#include "test.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static char dir[64];
static char ec_key[128], ec_cert[128], rsa_key[128], rsa_cert[128], ed_key[128], ed_pub[128];
static char out[1 << 16]; /* the last verify's report */

/* ---- fixtures ---- */

static char *path(const char *name)
{
	static char bufs[8][192];
	static int i;
	char *p = bufs[i++ % 8];

	snprintf(p, sizeof(bufs[0]), "%s/%s", dir, name);
	return p;
}

static int write_key(const char *keyfile, const char *certfile, EVP_PKEY *pk, bool cert)
{
	X509_NAME *name;
	X509 *x = NULL;
	FILE *f;
	int ret = -1;

	f = fopen(keyfile, "w");
	if (!f || !PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL))
		goto out;
	fclose(f);
	f = fopen(certfile, "w");
	if (!f)
		goto out;
	if (!cert) {
		ret = PEM_write_PUBKEY(f, pk) ? 0 : -1;
		goto out;
	}
	x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"log", -1, -1,
				   0);
	X509_set_issuer_name(x, name);
	if (X509_sign(x, pk, EVP_sha256()) && PEM_write_X509(f, x))
		ret = 0;
out:
	if (f)
		fclose(f);
	X509_free(x);
	EVP_PKEY_free(pk);
	return ret;
}

static void setup(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "/tmp/wb-log-test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(ec_key, sizeof(ec_key), "%s/ec.key", dir);
	snprintf(ec_cert, sizeof(ec_cert), "%s/ec.crt", dir);
	snprintf(rsa_key, sizeof(rsa_key), "%s/rsa.key", dir);
	snprintf(rsa_cert, sizeof(rsa_cert), "%s/rsa.crt", dir);
	snprintf(ed_key, sizeof(ed_key), "%s/ed.key", dir);
	snprintf(ed_pub, sizeof(ed_pub), "%s/ed.pub", dir);
	if (write_key(ec_key, ec_cert, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), true) ||
	    write_key(rsa_key, rsa_cert, EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048),
		      true) ||
	    write_key(ed_key, ed_pub, EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), false)) {
		fprintf(stderr, "cannot make test keys\n");
		exit(1);
	}
}

__attribute__((destructor)) static void cleanup(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
}

static struct wb_record decision(uint64_t i)
{
	struct wb_record r = {
		.time_ns = 1795240516000000000ull + i * 1000000,
		.host = "node-1",
		.boot_id = "b",
		.policy = "demo",
		.policy_version = "0123456789ab",
		.id = i + 1,
		.op = i % 3 ? "load" : "exec",
		.action = i % 2 ? "BPFDenied" : "Approved",
		.reason = i % 2 ? "not-loader" : NULL,
		.loader = i % 2 ? NULL : "alice",
		.pid = 100 + (uint32_t)i,
		.comm = i % 2 ? "eve" : "alice",
		.pod = "p",
		.insn_cnt = -1,
		.map_id = -1,
	};
	return r;
}

static struct writer_opts wopts(const char *file, const char *key, unsigned int every)
{
	struct writer_opts o = { .path = file,
				 .sign_key = key,
				 .checkpoint_every = every,
				 .host = "node-1",
				 .boot_id = "b",
				 .policy = "demo" };
	return o;
}

/* n decisions into file through the writer, signed with key every records */
static int gen(const char *file, const char *key, unsigned int every, int n)
{
	struct writer_opts o = wopts(file, key, every);
	struct wb_record r;
	struct wb_writer *w;
	char err[256];
	int ret = 0;

	if (writer_open(&w, &o, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return -1;
	}
	for (int i = 0; i < n && !ret; i++) {
		r = decision(i);
		ret = writer_append(w, &r);
	}
	return writer_close(w) || ret ? -1 : 0;
}

/* the same into a new file */
static int gen_new(const char *file, const char *key, unsigned int every, int n)
{
	unlink(file);
	return gen(file, key, every, n);
}

static char *slurp(const char *file, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(file, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	if (buf) {
		buf[st.st_size] = '\0';
		*len = st.st_size;
	}
	return buf;
}

static int spew(const char *file, const char *buf, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* Line n (1-based) of buf: its start and length (without the newline). */
static const char *line_of(const char *buf, int n, size_t *len)
{
	const char *p = buf, *nl;

	for (int i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p || !*p)
		return NULL;
	nl = strchr(p, '\n');
	*len = nl ? (size_t)(nl - p) : strlen(p);
	return p;
}

/*
 * Rewrites file from src with an edit: "d N" deletes line N, "i N TEXT"
 * inserts TEXT before line N, "s N M" swaps lines N and M, "r N A B"
 * replaces the first A in line N by B, "t N" keeps the first N bytes.
 */
static int edit(const char *src, const char *dst, const char *op, int n, int m, const char *a,
		const char *b)
{
	size_t len = 0, l1, pos = 0, k;
	char *in = slurp(src, &len), *o = malloc(len * 2 + 70000), *hit;
	const char *p1;
	int ret = -1, line = 1;

	if (!in || !o)
		goto out;
	if (!strcmp(op, "t")) {
		ret = spew(dst, in, (size_t)n < len ? (size_t)n : len);
		goto out;
	}
	for (const char *p = in; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (!strcmp(op, "i") && line == n) {
			memcpy(o + pos, a, strlen(a));
			pos += strlen(a);
			o[pos++] = '\n';
		}
		if (!strcmp(op, "s") && (line == n || line == m)) {
			p1 = line_of(in, line == n ? m : n, &l1);
			memcpy(o + pos, p1, l1);
			pos += l1;
			o[pos++] = '\n';
		} else if (!strcmp(op, "r") && line == n && (hit = memmem(p, ll, a, strlen(a)))) {
			k = hit - p;
			memcpy(o + pos, p, k);
			memcpy(o + pos + k, b, strlen(b));
			memcpy(o + pos + k + strlen(b), hit + strlen(a), ll - k - strlen(a));
			pos += ll - strlen(a) + strlen(b);
		} else if (!(!strcmp(op, "d") && line == n)) {
			memcpy(o + pos, p, ll);
			pos += ll;
		}
		p += ll;
	}
	ret = spew(dst, o, pos);
out:
	free(in);
	free(o);
	return ret;
}

/* Runs log verify over files with certs; its report lands in out. */
static int verify(const char *certs, bool strict, struct verify_result *res, int nfiles, ...)
{
	struct wb_key keys[4];
	struct verify_opts o = { .keys = keys, .strict = strict };
	char *files[8], err[256], cbuf[512], *save = NULL, *c;
	struct verify_result r;
	va_list ap;
	FILE *f;
	int ret;

	snprintf(cbuf, sizeof(cbuf), "%s", certs);
	for (c = strtok_r(cbuf, ",", &save); c && o.nr_keys < 4; c = strtok_r(NULL, ",", &save)) {
		if (key_load_public(&keys[o.nr_keys], c, err, sizeof(err))) {
			fprintf(stderr, "  %s\n", err);
			return -1;
		}
		o.nr_keys++;
	}
	va_start(ap, nfiles);
	for (int i = 0; i < nfiles; i++)
		files[i] = va_arg(ap, char *);
	va_end(ap);
	f = fmemopen(out, sizeof(out), "w");
	if (!f)
		return -1;
	ret = log_verify(files, nfiles, &o, f, res ? res : &r);
	fclose(f);
	for (int i = 0; i < o.nr_keys; i++)
		key_free(&keys[i]);
	return ret;
}

/* the report's first line that is an error */
static const char *first_error(void)
{
	static char line[1024];
	const char *p = strstr(out, "error: ");
	const char *start = p, *nl;

	if (!p)
		return "";
	while (start > out && start[-1] != '\n')
		start--;
	nl = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(nl ? nl - start : (long)strlen(start)), start);
	return line;
}

#define CHECK_HAS(s, sub) CHECK(strstr((s), (sub)) != NULL, "no \"%s\" in:\n%s", sub, s)

/* ---- the writer ---- */

TEST(log_chain_clean_log_verifies)
{
	struct verify_result res;
	size_t len = 0, l = 0;
	char *buf;
	const char *ln;

	setup();
	CHECK_INT(gen_new(path("a.log"), ec_key, 10, 25), ==, 0);
	CHECK_INT(verify(ec_cert, true, &res, 1, path("a.log")), ==, 0);
	/* 25 records, checkpoints after 10 and 20 and at close */
	CHECK_INT(res.lines, ==, 28);
	CHECK_INT(res.checkpoints, ==, 3);
	CHECK_INT(res.errors + res.warnings, ==, 0);
	CHECK_HAS(out, "log verify: 28 lines in 1 file, 3 checkpoints verified: OK\n");
	buf = slurp(path("a.log"), &len);
	ln = buf ? line_of(buf, 1, &l) : NULL;
	CHECK(ln && !strncmp(ln, "{\"v\":1,\"seq\":1,\"prev\":\"" ZEROS "\",",
			     strlen("{\"v\":1,\"seq\":1,\"prev\":\"" ZEROS "\",")),
	      "first line");
	ln = buf ? line_of(buf, 11, &l) : NULL;
	CHECK(ln && strstr(ln, "\"seq\":11,") && strstr(ln, "\"action\":\"Checkpoint\"") &&
		      strstr(ln, "\"count\":10,\"key\":\""),
	      "line 11: %.*s", ln ? (int)l : 0, ln ? ln : "");
	free(buf);
	/* the file is private */
	struct stat st;

	CHECK(!stat(path("a.log"), &st) && (st.st_mode & 0777) == 0600, "mode %o",
	      st.st_mode & 0777);
}

TEST(log_chain_checkpoint_is_third_party_verifiable)
{
	unsigned char sig[1024], md[32], *der = NULL;
	char keyid[65], *buf, *msg;
	const char *ln, *k, *s;
	size_t len, l, siglen;
	EVP_MD_CTX *ctx;
	EVP_PKEY *pub;
	X509 *x;
	FILE *f;
	int derlen;

	setup();
	CHECK_INT(gen_new(path("tp.log"), rsa_key, 5, 5), ==, 0);
	buf = slurp(path("tp.log"), &len);
	ln = buf ? line_of(buf, 6, &l) : NULL;
	if (!CHECK(ln && strstr(ln, "Checkpoint"), "no checkpoint"))
		goto out;
	/* the key id: SHA-256 of the certificate's DER SubjectPublicKeyInfo */
	f = fopen(rsa_cert, "r");
	x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	pub = x ? X509_get_pubkey(x) : NULL;
	derlen = pub ? i2d_PUBKEY(pub, &der) : -1;
	EVP_Digest(der, derlen, md, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(keyid + 2 * i, 3, "%02x", md[i]);
	k = strstr(ln, ",\"key\":\"");
	CHECK(k && !strncmp(k + 8, keyid, 64), "key id");
	/* the signature: over "watchbpf-checkpoint-v1\n" and the line up to ,"sig": */
	s = strstr(ln, ",\"sig\":\"");
	msg = malloc(l + 32);
	snprintf(msg, l + 32, "watchbpf-checkpoint-v1\n%.*s", (int)(s - ln), ln);
	siglen = EVP_DecodeBlock(sig, (const unsigned char *)s + 8, (int)(ln + l - 2 - (s + 8)));
	siglen -= (ln[l - 3] == '=') + (ln[l - 4] == '=');
	ctx = EVP_MD_CTX_new();
	CHECK(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1 &&
		      EVP_DigestVerify(ctx, sig, siglen, (unsigned char *)msg, strlen(msg)) == 1,
	      "RSA PKCS#1 v1.5 SHA-256 signature over the documented bytes");
	EVP_MD_CTX_free(ctx);
	free(msg);
	OPENSSL_free(der);
	EVP_PKEY_free(pub);
	X509_free(x);
out:
	free(buf);
}

TEST(log_chain_key_types)
{
	char both[300];

	setup();
	CHECK_INT(gen_new(path("rsa.log"), rsa_key, 4, 9), ==, 0);
	CHECK_INT(verify(rsa_cert, true, NULL, 1, path("rsa.log")), ==, 0);
	CHECK_INT(gen_new(path("ed.log"), ed_key, 4, 9), ==, 0);
	/* a bare public key does as well as a certificate */
	CHECK_INT(verify(ed_pub, true, NULL, 1, path("ed.log")), ==, 0);
	/* several --cert: each checkpoint finds its own */
	snprintf(both, sizeof(both), "%s,%s", ec_cert, ed_pub);
	CHECK_INT(verify(both, true, NULL, 1, path("ed.log")), ==, 0);
}

TEST(log_chain_unsigned_log_fails)
{
	struct verify_result res;

	setup();
	CHECK_INT(gen_new(path("nokey.log"), NULL, 0, 5), ==, 0);
	CHECK_INT(verify(ec_cert, false, &res, 1, path("nokey.log")), ==, 1);
	CHECK_INT(res.checkpoints, ==, 0);
	CHECK_HAS(out, "error: no checkpoint verifies: nothing in this file is signed");
}

/* ---- tampering ---- */

TEST(log_chain_altered_record)
{
	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	/* eve's denial at line 6 turned into an approval */
	edit(path("t.log"), path("alt.log"), "r", 6, 0, "\"BPFDenied\"", "\"Approved\"");
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("alt.log")), ==, 1);
	CHECK_HAS(out, "/alt.log:6: error: altered: the line's hash is not the prev of the next "
		       "line (");
	CHECK_HAS(out, "alt.log:7, seq 7)\n");
	/* the last line's alteration has no next line, but breaks its signature */
	edit(path("t.log"), path("alt2.log"), "r", 28, 0, "\"count\":27", "\"count\":26");
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("alt2.log")), ==, 1);
	CHECK_HAS(out, "alt2.log:28: error: checkpoint signature does not verify");
}

TEST(log_chain_deleted_records)
{
	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	edit(path("t.log"), path("del.log"), "d", 5, 0, NULL, NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("del.log")), ==, 1);
	CHECK_HAS(out,
		  "del.log:5: error: deleted: the record of seq 5 is missing before this line");
	/* a signed checkpoint deleted is a record deleted */
	edit(path("t.log"), path("del2.log"), "d", 11, 0, NULL, NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("del2.log")), ==, 1);
	CHECK_HAS(out, "del2.log:11: error: deleted: the record of seq 11 is missing");
	edit(path("del.log"), path("del3.log"), "d", 5, 0, NULL, NULL);
	edit(path("del3.log"), path("del4.log"), "d", 5, 0, NULL, NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("del4.log")), ==, 1);
	CHECK_HAS(out, "del4.log:5: error: deleted: 3 records (seq 5..7) missing before this line");
}

TEST(log_chain_inserted_record)
{
	char fake[1024];
	size_t len = 0, l = 0;
	char *buf;
	const char *ln;

	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	/* a copy of a real line */
	buf = slurp(path("t.log"), &len);
	ln = buf ? line_of(buf, 3, &l) : NULL;
	snprintf(fake, sizeof(fake), "%.*s", ln ? (int)l : 0, ln ? ln : "");
	edit(path("t.log"), path("ins.log"), "i", 8, 0, fake, NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("ins.log")), ==, 1);
	CHECK_HAS(out, "ins.log:8: error: inserted: not part of the chain (");
	/* a forged line whose prev and seq are right: the next line skips it */
	ln = buf ? line_of(buf, 8, &l) : NULL;
	if (ln) {
		struct wb_hasher h;
		unsigned char md[32];
		char hex[65], *seq;

		hasher_init(&h);
		hasher_line(&h, ln, l, md);
		hasher_free(&h);
		wb_hex(md, 32, hex);
		seq = memmem(ln, l, "\",\"time\"", 8);
		snprintf(fake, sizeof(fake), "{\"v\":1,\"seq\":9,\"prev\":\"%s%.*s", hex,
			 seq ? (int)(ln + l - seq) : 0, seq ? seq : "");
		seq = strstr(fake, "\"pid\":107");
		if (seq)
			memcpy(seq, "\"pid\":666", 9);
	}
	edit(path("t.log"), path("ins2.log"), "i", 9, 0, fake, NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("ins2.log")), ==, 1);
	CHECK_HAS(out, "ins2.log:9: error: inserted: not part of the chain (");
	CHECK_HAS(out, "ins2.log:10 goes on from ");
	CHECK_HAS(out, "FAILED (1 error, 0 warnings)");
	free(buf);
}

TEST(log_chain_reordered_records)
{
	char want[512];

	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	edit(path("t.log"), path("swap.log"), "s", 5, 6, NULL, NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("swap.log")), ==, 1);
	snprintf(want, sizeof(want), "%s:5: error: reordered: seq 6 comes before seq 5 at %s:6",
		 path("swap.log"), path("swap.log"));
	CHECK_STR(first_error(), want);
	/* one report for one swap */
	CHECK_HAS(out, "FAILED (1 error, 0 warnings)");
}

TEST(log_chain_truncated_tail)
{
	struct verify_result res;
	size_t len = 0;
	char *buf;

	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	/* whole records cut from the end: undetectable but for the unsigned tail */
	edit(path("t.log"), path("tail.log"), "d", 28, 0, NULL, NULL);
	CHECK_INT(verify(ec_cert, false, &res, 1, path("tail.log")), ==, 0);
	CHECK_INT(res.unsigned_tail, ==, 5);
	CHECK_HAS(out, "warning: 5 records after the last checkpoint (");
	CHECK_HAS(out, "tail.log:22, seq 22, 2026-");
	CHECK_INT(verify(ec_cert, true, NULL, 1, path("tail.log")), ==, 1);
	/* cut in the middle of the last line */
	buf = slurp(path("t.log"), &len);
	edit(path("t.log"), path("cut.log"), "t", (int)len - 40, 0, NULL, NULL);
	CHECK_INT(verify(ec_cert, false, &res, 1, path("cut.log")), ==, 0);
	CHECK_HAS(out, "cut.log:28: warning: truncated last line (being written, or the writer "
		       "stopped mid-line)");
	free(buf);
}

TEST(log_chain_forged_checkpoint)
{
	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	/* records rewritten and the chain recomputed would need a new
	 * checkpoint signature: a checkpoint by another key is refused */
	gen_new(path("other.log"), rsa_key, 10, 25);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("other.log")), ==, 1);
	CHECK_HAS(out, "other.log:11: error: checkpoint signed by key ");
	CHECK_HAS(out, "not by the --cert key ");
	/* a checkpoint's own content changed */
	edit(path("t.log"), path("forge.log"), "r", 11, 0, "\"node-1\"", "\"node-2\"");
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("forge.log")), ==, 1);
	CHECK_HAS(out, "forge.log:11: error: checkpoint signature does not verify (forged, or "
		       "altered)");
	/* a signature from another checkpoint */
	edit(path("t.log"), path("forge2.log"), "r", 11, 0, "\"seq\":11", "\"seq\":12");
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("forge2.log")), ==, 1);
	CHECK_HAS(out, "forge2.log:11: error: checkpoint signature does not verify");
}

TEST(log_chain_wrong_cert)
{
	struct verify_result res;

	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	CHECK_INT(verify(rsa_cert, false, &res, 1, path("t.log")), ==, 1);
	CHECK_INT(res.checkpoints, ==, 0);
	CHECK_HAS(out, "t.log:11: error: checkpoint signed by key ");
	CHECK_HAS(out, "error: no checkpoint verifies");
}

TEST(log_chain_malformed_lines)
{
	struct verify_result res;
	char *big = malloc(70001);

	setup();
	gen_new(path("t.log"), ec_key, 10, 25);
	edit(path("t.log"), path("mal.log"), "r", 3, 0, "{", "[");
	CHECK_INT(verify(ec_cert, false, &res, 1, path("mal.log")), ==, 1);
	CHECK_HAS(out, "mal.log:3: error: malformed: not a JSON object\n");
	/* an extra garbage line: malformed, and not part of the chain */
	edit(path("t.log"), path("mal2.log"), "i", 4, 0, "hello", NULL);
	CHECK_INT(verify(ec_cert, false, NULL, 1, path("mal2.log")), ==, 1);
	CHECK_HAS(out, "mal2.log:4: error: malformed: not a JSON object\n");
	CHECK_HAS(out, "mal2.log:4: error: inserted");
	/* a line too long to be ours: reported, and the scan goes on */
	if (big) {
		memset(big, 'x', 70000);
		big[70000] = '\0';
		edit(path("t.log"), path("long.log"), "i", 20, 0, big, NULL);
		CHECK_INT(verify(ec_cert, false, &res, 1, path("long.log")), ==, 1);
		CHECK_HAS(out, "long.log:20: error: malformed: line longer than 65536 bytes\n");
		CHECK_INT(res.lines, ==, 29);
		free(big);
	}
}

/* ---- the writer's life ---- */

TEST(log_writer_tick_syncs_and_checkpoints)
{
	struct writer_opts o = wopts(path("tick.log"), ec_key, 1000);
	struct wb_record r = decision(1);
	struct wb_writer *w;
	char err[256], *buf;
	size_t len = 0;
	uint64_t now;

	setup();
	unlink(o.path);
	o.checkpoint_secs = 10;
	if (!CHECK_INT(writer_open(&w, &o, err, sizeof(err)), ==, 0))
		return;
	now = wb_monotonic_ns();
	writer_append(w, &r);
	writer_append(w, &r);
	CHECK_INT(writer_tick(w, now + 500000000ull), ==, 0);
	CHECK_INT(writer_stats(w)->syncs, ==, 0);
	CHECK_INT(writer_tick(w, now + 1500000000ull), ==, 0);
	CHECK_INT(writer_stats(w)->syncs, ==, 1);
	/* nothing new: no sync */
	CHECK_INT(writer_tick(w, now + 3000000000ull), ==, 0);
	CHECK_INT(writer_stats(w)->syncs, ==, 1);
	CHECK_INT(writer_stats(w)->checkpoints, ==, 0);
	CHECK_INT(writer_tick(w, now + 11000000000ull), ==, 0);
	CHECK_INT(writer_stats(w)->checkpoints, ==, 1);
	/* nothing unsigned: no new checkpoint */
	CHECK_INT(writer_tick(w, now + 30000000000ull), ==, 0);
	CHECK_INT(writer_stats(w)->checkpoints, ==, 1);
	CHECK_INT(writer_close(w), ==, 0);
	buf = slurp(path("tick.log"), &len);
	CHECK(buf && strstr(buf, "\"seq\":3,") && strstr(strstr(buf, "\"seq\":3,"), "Checkpoint"),
	      "checkpoint after 2 records");
	free(buf);
	/* close after the last checkpoint adds none */
	CHECK_INT(verify(ec_cert, true, NULL, 1, path("tick.log")), ==, 0);
	CHECK_HAS(out, "log verify: 3 lines in 1 file, 1 checkpoint verified: OK");
}

TEST(log_writer_appends_across_restarts)
{
	struct verify_result res;
	size_t len = 0, l = 0;
	char *buf;
	const char *ln;

	setup();
	unlink(path("re.log"));
	gen(path("re.log"), ec_key, 10, 5);
	gen(path("re.log"), ec_key, 10, 5);
	gen(path("re.log"), NULL, 0, 2); /* a run without the key */
	gen(path("re.log"), ec_key, 10, 1);
	CHECK_INT(verify(ec_cert, true, &res, 1, path("re.log")), ==, 0);
	CHECK_INT(res.lines, ==, 5 + 1 + 5 + 1 + 2 + 1 + 1);
	buf = slurp(path("re.log"), &len);
	ln = buf ? line_of(buf, 16, &l) : NULL;
	CHECK(ln && strstr(ln, "\"seq\":16,"), "seq goes on: %.*s", ln ? 60 : 0, ln ? ln : "");
	free(buf);
}

TEST(log_writer_rotation_keeps_the_chain)
{
	struct writer_opts o = wopts(path("rot.log"), ec_key, 100);
	struct verify_result res;
	struct wb_record r;
	struct wb_writer *w;
	char err[256], *gz;
	size_t len = 0;
	gzFile z;

	setup();
	unlink(path("rot.log"));
	if (!CHECK_INT(writer_open(&w, &o, err, sizeof(err)), ==, 0))
		return;
	for (int i = 0; i < 30; i++) {
		if (i == 10 || i == 20) {
			/* logrotate's create: move aside, then SIGHUP */
			rename(path("rot.log.1"), path("rot.log.2"));
			rename(path("rot.log"), path("rot.log.1"));
			CHECK_INT(writer_reopen(w), ==, 0);
		}
		r = decision(i);
		CHECK_INT(writer_append(w, &r), ==, 0);
	}
	CHECK_INT(writer_close(w), ==, 0);
	/* each file ends signed; the set is one chain */
	CHECK_INT(verify(ec_cert, true, &res, 1, path("rot.log.2")), ==, 0);
	CHECK_INT(verify(ec_cert, true, &res, 3, path("rot.log.2"), path("rot.log.1"),
			 path("rot.log")),
		  ==, 0);
	CHECK_INT(res.lines, ==, 33);
	CHECK_INT(res.checkpoints, ==, 3);
	CHECK_INT(res.warnings, ==, 0);
	/* a file on its own is picked up mid-chain */
	CHECK_INT(verify(ec_cert, true, NULL, 1, path("rot.log")), ==, 0);
	CHECK_HAS(out, "rot.log:1: note: the chain is picked up at seq 23");
	/* compressed by logrotate: the same */
	gz = slurp(path("rot.log.2"), &len);
	z = gzopen(path("rot.log.2.gz"), "wb");
	CHECK(gz && z && gzwrite(z, gz, (unsigned int)len) == (int)len, "gzip");
	if (z)
		gzclose(z);
	free(gz);
	CHECK_INT(verify(ec_cert, true, &res, 3, path("rot.log.2.gz"), path("rot.log.1"),
			 path("rot.log")),
		  ==, 0);
	/* a file left out, or the order wrong */
	CHECK_INT(verify(ec_cert, false, NULL, 2, path("rot.log.2.gz"), path("rot.log")), ==, 1);
	CHECK_HAS(out,
		  "rot.log:1: error: deleted: 11 records (seq 12..22) missing before this line "
		  "(a file missing, or files out of order?)");
	CHECK_INT(verify(ec_cert, false, NULL, 3, path("rot.log.1"), path("rot.log.2.gz"),
			 path("rot.log")),
		  ==, 1);
}

TEST(log_writer_repairs_a_cut_line)
{
	struct verify_result res;
	size_t len = 0, l = 0;
	char *buf;
	const char *ln;

	setup();
	unlink(path("crash.log"));
	gen(path("crash.log"), ec_key, 10, 5);
	buf = slurp(path("crash.log"), &len);
	/* a crash in the middle of writing the last line */
	edit(path("crash.log"), path("crash.log"), "t", (int)len - 50, 0, NULL, NULL);
	free(buf);
	gen(path("crash.log"), ec_key, 10, 3);
	buf = slurp(path("crash.log"), &len);
	ln = buf ? line_of(buf, 7, &l) : NULL;
	CHECK(ln && strstr(ln, "\"seq\":7,") && strstr(ln, "\"action\":\"LogRepaired\"") &&
		      strstr(ln, "\"reason\":\"truncated-line\""),
	      "line 7: %.*s", ln ? (int)l : 0, ln ? ln : "");
	free(buf);
	CHECK_INT(verify(ec_cert, true, &res, 1, path("crash.log")), ==, 0);
	CHECK_HAS(out, "crash.log:6: warning: a cut line, ended by the writer and noted at ");
	CHECK_INT(res.warnings, ==, 1);
}

TEST(log_writer_counts_lost_records)
{
	struct writer_opts o = wopts(path("full.log"), ec_key, 100);
	struct rlimit old, lim;
	struct wb_record r = decision(3);
	struct wb_writer *w;
	struct stat st;
	char err[256], *buf;
	size_t len = 0;

	setup();
	unlink(path("full.log"));
	if (!CHECK_INT(writer_open(&w, &o, err, sizeof(err)), ==, 0))
		return;
	writer_append(w, &r);
	writer_append(w, &r);
	/* a full disk, simulated: the next write is cut, then none goes through */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	stat(path("full.log"), &st);
	lim = old;
	lim.rlim_cur = st.st_size + 100;
	setrlimit(RLIMIT_FSIZE, &lim);
	CHECK_INT(writer_append(w, &r), ==, -EFBIG);
	CHECK_INT(writer_append(w, &r), ==, -EFBIG);
	CHECK_INT(writer_append(w, &r), ==, -EFBIG);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	CHECK_INT(writer_append(w, &r), ==, 0);
	CHECK_INT(writer_close(w), ==, 0);
	buf = slurp(path("full.log"), &len);
	CHECK(buf && strstr(buf, "\"action\":\"LogRepaired\"") &&
		      strstr(buf, "\"action\":\"RecordsLost\",\"audit\":false,\"killed\":false,"
				  "\"reason\":\"write-failed\""),
	      "repair and loss noted");
	CHECK(buf && strstr(buf, "\"count\":2}"), "2 records lost");
	free(buf);
	CHECK_INT(verify(ec_cert, true, NULL, 1, path("full.log")), ==, 0);
	CHECK_HAS(out, "full.log:3: warning: a cut line");
}

TEST(log_writer_refuses)
{
	struct writer_opts o = wopts(path("lock.log"), ec_key, 10);
	struct wb_writer *w, *w2;
	char err[256];

	setup();
	if (!CHECK_INT(writer_open(&w, &o, err, sizeof(err)), ==, 0))
		return;
	/* two writers would fork the chain */
	CHECK_INT(writer_open(&w2, &o, err, sizeof(err)), ==, -EWOULDBLOCK);
	CHECK_HAS(err, "in use by another writer");
	/* SIGHUP without rotation reopens the same file */
	CHECK_INT(writer_reopen(w), ==, 0);
	writer_close(w);
	o.path = dir;
	CHECK(writer_open(&w, &o, err, sizeof(err)) < 0, "a directory");
	o.path = path("nokey.log");
	o.sign_key = ec_cert;
	CHECK(writer_open(&w, &o, err, sizeof(err)) < 0, "a certificate is no private key");
	CHECK_HAS(err, "not a PEM private key");
}

TEST(log_reader_big_gzip)
{
	struct verify_result res;
	char *buf;
	size_t len = 0;
	gzFile z;

	setup();
	/* several reader buffers' worth, lines across their ends */
	CHECK_INT(gen_new(path("big.log"), ec_key, 1000, 20000), ==, 0);
	buf = slurp(path("big.log"), &len);
	CHECK(len > (8u << 20), "%zu bytes", len);
	z = gzopen(path("big.log.gz"), "wb");
	CHECK(buf && z && gzwrite(z, buf, (unsigned int)len) == (int)len, "gzip");
	if (z)
		gzclose(z);
	free(buf);
	CHECK_INT(verify(ec_cert, true, &res, 1, path("big.log.gz")), ==, 0);
	CHECK_INT(res.lines, ==, 20020);
	CHECK_INT(res.bytes, ==, len);
	/* a gzip file cut short: an error, not a crash */
	buf = slurp(path("big.log.gz"), &len);
	spew(path("cut.gz"), buf, len / 2);
	free(buf);
	CHECK_INT(verify(ec_cert, false, &res, 1, path("cut.gz")), ==, 1);
	CHECK_HAS(out, ": error: compressed data ends early (the .gz file is cut)");
}
