// SPDX-License-Identifier: GPL-2.0
/*
 * `watchbpf check --explain`: a valid policy said back in words, loader by
 * loader (who it is, what it may load, call and touch, what it may not),
 * with what every other process and root may do, and warnings about the
 * combinations of keys that leave more open than a reader may think:
 * tracing programs that read kernel memory or write user memory, a
 * catch-all "*": rw beside another loader's maps, default.bpf: allow, and
 * the others docs/security.md names. A warning points at the key at fault
 * (file:line), found again in the file's YAML tree, since the policy keeps
 * the positions of list entries only.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fsverity/digest.h"
#include "lib/util.h"
#include "policy/explain.h"
#include "policy/ytree.h"

/* Program types that run in whatever task hits their probe and get the
 * tracing helpers: probe_read*, probe_write_user, send_signal. */
static const char *const tracing_types[] = {
	"kprobe",     "tracepoint", "raw_tracepoint", "raw_tracepoint_writable", "tracing",
	"perf_event", "lsm",
};
/* Program types that read kernel memory through typed (BTF) pointers, with
 * no helper that kernel_reads: false could deny (docs/policy.md). */
static const char *const typed_read_types[] = { "tracing", "lsm", "struct_ops" };
/* Where Debian's PID 1 is executed from (merged /usr and not). */
static const char *const pid1_paths[] = {
	"/usr/lib/systemd/systemd",
	"/lib/systemd/systemd",
	"/sbin/init",
	"/usr/sbin/init",
};

/* ---- the file's bytes and its tree, for positions ---------------------- */

char *policy_explain_text(const struct wb_policy *pol, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	char got[WB_POLICY_SHA256_SIZE] = "sha256:";
	unsigned int mdlen = 0;
	char *buf;
	size_t n = 0;
	int fd;

	*len = 0;
	if (!pol->path)
		return NULL;
	fd = open(pol->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	buf = malloc(WB_POLICY_MAX_SIZE + 1);
	while (buf && n <= WB_POLICY_MAX_SIZE) {
		ssize_t r = read(fd, buf + n, WB_POLICY_MAX_SIZE + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	if (!buf || n > WB_POLICY_MAX_SIZE || !EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		goto changed;
	for (unsigned int i = 0; i < mdlen; i++) {
		got[7 + 2 * i] = hex[md[i] >> 4];
		got[8 + 2 * i] = hex[md[i] & 0xf];
	}
	got[7 + 2 * mdlen] = '\0';
	/* a file changed since it was parsed: its lines mean nothing here */
	if (strcmp(got, pol->sha256))
		goto changed;
	*len = n;
	return buf;
changed:
	free(buf);
	return NULL;
}

/* The key node of key in mapping map, or NULL. */
static const struct ynode *key_node(const struct ynode *map, const char *key)
{
	size_t klen = strlen(key);

	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->nr; i += 2) {
		const struct ynode *k = map->items[i];

		if (k->kind == YNODE_SCALAR && k->len == klen && !memcmp(k->str, key, klen))
			return k;
	}
	return NULL;
}

static const struct ynode *value_of(const struct ynode *map, const char *key)
{
	return map && map->kind == YNODE_MAP ? ynode_map_get(map, key) : NULL;
}

/* The line of key (k2 under k1 when k2 is given) in map; 0 if absent. */
static unsigned int key_line(const struct ynode *map, const char *k1, const char *k2)
{
	const struct ynode *k = k2 ? key_node(value_of(map, k1), k2) : key_node(map, k1);

	return k ? k->line : 0;
}

/* Loader i's mapping in the tree, or NULL. */
static const struct ynode *loader_node(const struct ynode *root, size_t i)
{
	const struct ynode *seq = value_of(root, "loaders");

	return seq && seq->kind == YNODE_SEQ && i < seq->nr ? seq->items[i] : NULL;
}

/* ---- words -------------------------------------------------------------- */

static bool has_name(const struct wb_name_ref *r, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return true;
	return false;
}

static bool allows_type(const struct wb_loader *l, const char *type)
{
	return !l->programs.nr_types || has_name(l->programs.types, l->programs.nr_types, type);
}

static bool denies_helper(const struct wb_loader *l, const char *helper)
{
	return explain_denies_helper(&l->programs, helper);
}

static void appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends to the string in buf, cut at its size. */
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

/* Appends "a, b or c" style words to buf: item i of n, joined by conj. */
static void join(char *buf, size_t size, size_t i, size_t n, const char *conj, const char *word)
{
	appendf(buf, size, "%s%s", !i ? "" : i + 1 == n ? conj : ", ", word);
}

/* The types of list (n) that l may load, joined with " and "; 0 if none.
 * *any: l may load every type (it names none). */
static size_t allowed_types(const struct wb_loader *l, const char *const *list, size_t n, char *buf,
			    size_t size, bool *any)
{
	size_t nr = 0, k = 0;

	buf[0] = '\0';
	*any = !l->programs.nr_types;
	for (size_t i = 0; i < n; i++)
		nr += allows_type(l, list[i]);
	for (size_t i = 0; i < n; i++)
		if (allows_type(l, list[i]))
			join(buf, size, k++, nr, " and ", list[i]);
	return nr;
}

/* "kprobe and tracepoint programs", or "programs of any type (SOME among
 * them)" */
static void types_phrase(bool any, const char *types, const char *some, char *buf, size_t size)
{
	if (any)
		snprintf(buf, size, "programs of any type (%s among them)", some);
	else
		snprintf(buf, size, "%s programs", types);
}

static const char *mode_words(enum wb_mode m)
{
	return m == WB_MODE_AUDIT ? "audit: its calls are decided and logged, nothing is denied" :
				    "enforce: what the policy denies it is refused";
}

static const char *deny_words(enum wb_on_deny d)
{
	return d == WB_ON_DENY_KILL ? "a denied call fails with EPERM and the caller is killed" :
				      "a denied call fails with EPERM";
}

/* ---- the risks ---------------------------------------------------------- */

struct risks {
	const struct wb_policy *pol;
	const struct ynode *root;
	struct wb_risk *out;
	size_t n, nr;
};

static void risk(struct risks *rs, const char *id, const struct wb_loader *l, unsigned int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void risk(struct risks *rs, const char *id, const struct wb_loader *l, unsigned int line,
		 const char *fmt, ...)
{
	struct wb_risk *r;
	va_list ap;

	if (rs->nr++ >= rs->n)
		return;
	r = &rs->out[rs->nr - 1];
	r->id = id;
	r->loader = l ? l->name : NULL;
	r->line = line ? line : l ? l->line : 0;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

/* The line of programs.KEY (of 'programs' with KEY NULL) of a loader's
 * mapping; 0 if absent. */
static unsigned int programs_line(const struct ynode *ln, const char *key)
{
	return key_line(ln, "programs", key);
}

/* The line of the first entry of types that is in list, else of
 * 'programs' (else 0: the loader's). */
static unsigned int type_line(const struct wb_loader *l, const struct ynode *ln,
			      const char *const *list, size_t n)
{
	const struct wb_programs *p = &l->programs;

	for (size_t i = 0; i < p->nr_types; i++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(p->types[i].name, list[j]))
				return p->types[i].pos.line;
	return programs_line(ln, NULL);
}

static void tracing_risks(struct risks *rs, const struct wb_loader *l, const struct ynode *ln)
{
	char types[256], what[320];
	unsigned int at;
	bool any;

	if (!allowed_types(l, tracing_types, ARRAY_SIZE(tracing_types), types, sizeof(types), &any))
		return;
	types_phrase(any, types, "tracing ones", what, sizeof(what));
	at = type_line(l, ln, tracing_types, ARRAY_SIZE(tracing_types));
	if (l->programs.kernel_reads)
		risk(rs, "tracing-kernel-reads", l, programs_line(ln, "kernel_reads") ?: at,
		     "may load %s that read kernel memory (probe_read_kernel...): write "
		     "'kernel_reads: false' under its programs unless it needs to",
		     what);
	if (!denies_helper(l, "probe_write_user"))
		risk(rs, "tracing-write-user", l, programs_line(ln, "deny_helpers") ?: at,
		     "may load %s that write the memory of any process they run in "
		     "(bpf_probe_write_user): add probe_write_user to its deny_helpers",
		     what);
	if (!denies_helper(l, "send_signal") || !denies_helper(l, "send_signal_thread"))
		risk(rs, "tracing-send-signal", l, programs_line(ln, "deny_helpers") ?: at,
		     "may load %s that signal any process they run in, the daemon included "
		     "(bpf_send_signal): add send_signal and send_signal_thread to its deny_helpers",
		     what);
	if (allows_type(l, "kprobe") && !denies_helper(l, "override_return"))
		risk(rs, "kprobe-override-return", l, programs_line(ln, "deny_helpers") ?: at,
		     "may load kprobe programs that make kernel functions fail "
		     "(bpf_override_return): add override_return to its deny_helpers");
}

/* kernel_reads: false read as "reads no kernel memory" where it cannot be. */
static void typed_read_risk(struct risks *rs, const struct wb_loader *l, const struct ynode *ln)
{
	char types[128], what[192];
	bool any;

	if (l->programs.kernel_reads ||
	    !allowed_types(l, typed_read_types, ARRAY_SIZE(typed_read_types), types, sizeof(types),
			   &any))
		return;
	types_phrase(any, types, types, what, sizeof(what));
	risk(rs, "typed-kernel-reads", l, programs_line(ln, "kernel_reads"),
	     "has 'kernel_reads: false' but may load %s, which read kernel memory through typed "
	     "pointers without any helper: list only the 'types' it needs",
	     what);
}

static bool is_star(const char *glob)
{
	return glob[0] && strspn(glob, "*") == strlen(glob);
}

/* The rule of l that decides about map (a name or a glob taken as one),
 * or NULL if none does (access none). */
static const struct wb_map_rule *deciding_rule(const struct wb_loader *l, const char *map)
{
	for (size_t i = 0; i < l->nr_maps; i++)
		if (!fnmatch(l->maps[i].glob, map, 0))
			return &l->maps[i];
	return NULL;
}

/* A loader that may write every map nobody gave it, beside loaders that
 * name their own maps: the catch-all reaches them. */
static void maps_risk(struct risks *rs, size_t idx)
{
	const struct wb_loader *a = &rs->pol->loaders[idx];
	const struct wb_map_rule *star = NULL;
	char theirs[384] = "", how[64];
	size_t k = 0, more = 0;

	if (a->has_maps) {
		for (size_t i = 0; i < a->nr_maps && !star; i++)
			if (is_star(a->maps[i].glob))
				star = &a->maps[i];
		if (!star || star->access != WB_ACCESS_RW)
			return;
	}
	for (size_t j = 0; j < rs->pol->nr_loaders; j++) {
		const struct wb_loader *b = &rs->pol->loaders[j];

		for (size_t i = 0; j != idx && i < b->nr_maps; i++) {
			const struct wb_map_rule *r = &b->maps[i];

			if (is_star(r->glob) || r->access == WB_ACCESS_NONE ||
			    (a->has_maps && deciding_rule(a, r->glob) != star))
				continue;
			if (k == 4) {
				more++;
				continue;
			}
			appendf(theirs, sizeof(theirs), "%s'%s' of '%s' (line %u)", k++ ? ", " : "",
				r->glob, b->name, r->pos.line);
		}
	}
	if (!k)
		return;
	if (star)
		snprintf(how, sizeof(how), "'\"%s\": rw'", star->glob);
	else
		snprintf(how, sizeof(how), "no 'maps'");
	if (more)
		appendf(theirs, sizeof(theirs), " and %zu more", more);
	risk(rs, "maps-catch-all-rw", a, star ? star->pos.line : 0,
	     "may create, read and update every map (%s), other loaders' too: %s; name its own "
	     "maps and end with '\"*\": ro' or '\"*\": none'",
	     how, theirs);
}

static bool is_pid1_path(const char *path)
{
	for (size_t i = 0; path && i < ARRAY_SIZE(pid1_paths); i++)
		if (!strcmp(path, pid1_paths[i]))
			return true;
	return false;
}

static void loader_risks(struct risks *rs, size_t idx)
{
	const struct wb_policy *pol = rs->pol;
	const struct wb_loader *l = &pol->loaders[idx];
	const struct ynode *ln = loader_node(rs->root, idx);

	if (wb_loader_mode(pol, l) == WB_MODE_AUDIT && pol->mode != WB_MODE_AUDIT)
		risk(rs, "loader-audit", l, key_line(ln, "mode", NULL),
		     "is in audit mode: what the policy denies it is logged, not refused");
	if (l->exec_signed && !l->has_digest && !l->exec_path)
		risk(rs, "signed-anywhere", l, key_line(ln, "exec", "signed"),
		     "is any executable signed by a certificate of trust.certs, wherever it is: "
		     "add exec.path (or exec.digest) to say which one");
	tracing_risks(rs, l, ln);
	typed_read_risk(rs, l, ln);
	maps_risk(rs, idx);
	if (l->jit)
		risk(rs, "code-jit", l, key_line(ln, "code", "jit"),
		     "has 'code.jit: true': anonymous and memfd executable memory runs with its "
		     "authority unchecked, code an exploit writes there too");
	if (wb_loader_on_deny(pol, l) == WB_ON_DENY_KILL && is_pid1_path(l->exec_path))
		risk(rs, "kill-pid1", l,
		     key_line(ln, "on_deny", NULL) ?: key_line(ln, "exec", "path"),
		     "is PID 1 (%s) with on_deny kill: a SIGKILL to PID 1 panics the kernel; write "
		     "'on_deny: deny' for it",
		     l->exec_path);
}

/* The key policy_warnings()'s sentence is about, for its line. */
static unsigned int warning_line(const struct ynode *root, const char *w)
{
	static const char *const keys[] = { "modules", "kexec", "memory" };
	char prefix[32];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(prefix, sizeof(prefix), "kernel.%s ", keys[i]);
		if (!strncmp(w, prefix, strlen(prefix)))
			return key_line(root, "kernel", keys[i]);
	}
	return 0;
}

size_t policy_risks(const struct wb_policy *pol, const char *text, size_t len, const char *host,
		    struct wb_risk *out, size_t n)
{
	struct risks rs = { .pol = pol, .out = out, .n = n };
	struct yerr e = { .fname = pol->path };
	const char *warn[WB_MAX_WARNINGS];
	struct ynode *root = NULL;
	size_t nw;

	/* the policy parsed from these bytes: only an allocation can fail */
	if (text && ytree_parse(&e, text, len, &root))
		root = NULL;
	rs.root = root;
	if (pol->mode == WB_MODE_AUDIT)
		risk(&rs, "policy-audit", NULL, key_line(root, "mode", NULL),
		     "mode is audit: nothing is refused, what the policy denies is only logged");
	if (pol->default_bpf == WB_BPF_ALLOW)
		risk(&rs, "default-allow", NULL, key_line(root, "default", "bpf"),
		     "default.bpf is allow: every process that is no loader may use bpf()%s, "
		     "load programs and write maps included unless 'block' names them",
		     pol->nr_block ? " but the commands of 'block'" : "");
	else if (pol->default_bpf == WB_BPF_RESTRICT)
		risk(&rs, "default-restrict", NULL, key_line(root, "default", "bpf"),
		     "default.bpf is restrict: every process of the host's mount namespace that "
		     "is no loader (a root shell too) may use bpf()%s",
		     pol->nr_block ? " but the commands of 'block'" : "");
	for (size_t i = 0; i < pol->nr_loaders; i++)
		loader_risks(&rs, i);
	nw = policy_warnings(pol, warn, ARRAY_SIZE(warn));
	for (size_t i = 0; i < nw; i++)
		risk(&rs, strncmp(warn[i], "kernel.", 7) ? "no-admin" : "kernel-allow", NULL,
		     warning_line(root, warn[i]), "%s", warn[i]);
	if (host && host[0])
		risk(&rs, "host-pid1", NULL, 0, "%s", host);
	ytree_free(root);
	return rs.nr;
}

void policy_risk_print(FILE *f, const struct wb_policy *pol, const struct wb_risk *r)
{
	fprintf(f, "%s", pol->path);
	if (r->line)
		fprintf(f, ":%u", r->line);
	fprintf(f, ": warning: ");
	if (r->loader)
		fprintf(f, "loader '%s' ", r->loader);
	fprintf(f, "%s [%s]\n", r->msg, r->id);
}

/* ---- the explanation ---------------------------------------------------- */

static void label(FILE *f, const char *what)
{
	fprintf(f, "  %-9s ", what);
}

static void refs(FILE *f, const struct wb_name_ref *r, size_t n, const char *conj)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", !i ? "" : i + 1 == n ? conj : ", ", r[i].name);
}

static void strs(FILE *f, char *const *s, size_t n, const char *conj)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", !i ? "" : i + 1 == n ? conj : ", ", s[i]);
}

static const char *plural(size_t n)
{
	return n == 1 ? "y" : "ies";
}

static void explain_default(FILE *f, const struct wb_policy *pol)
{
	label(f, "others:");
	fprintf(f, "processes that are no loader ");
	if (pol->default_bpf == WB_BPF_DENY) {
		fprintf(f, "may not use bpf() at all");
	} else {
		fprintf(f, "may use every bpf() command");
		if (pol->nr_block) {
			fprintf(f, " but ");
			refs(f, pol->block, pol->nr_block, " and ");
		}
		if (pol->default_bpf == WB_BPF_RESTRICT)
			fprintf(f,
				", from the host's mount namespace only, none from a container's");
	}
	fprintf(f, " (default.bpf: %s); %s (default.on_deny: %s)\n",
		wb_bpf_default_name(pol->default_bpf), deny_words(pol->default_on_deny),
		wb_on_deny_name(pol->default_on_deny));
}

static void explain_kernel(FILE *f, const char *key, enum wb_kernel_setting k, const char *what)
{
	static const char *const who[] = {
		[WB_KERNEL_ALLOW] = "any root process",
		[WB_KERNEL_RESTRICT] = ("only loaders that are not tainted, PID 1, kernel "
					"threads and the kernel's own helpers"),
		[WB_KERNEL_DENY] = "nobody",
	};

	label(f, "kernel:");
	fprintf(f, "%s may %s (kernel.%s: %s)\n", k <= WB_KERNEL_DENY ? who[k] : "?", what, key,
		wb_kernel_setting_name(k));
}

static void explain_policy(FILE *f, const struct wb_policy *pol)
{
	size_t over = 0;

	fprintf(f, "policy '%s' (%s, version %s): %zu loader%s\n", pol->name, pol->path,
		pol->version, pol->nr_loaders, pol->nr_loaders == 1 ? "" : "s");
	label(f, "mode:");
	fprintf(f, "%s",
		pol->mode == WB_MODE_AUDIT ? "audit: every decision is logged, nothing is refused" :
					     "enforce: what the policy denies is refused");
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		const struct wb_loader *l = &pol->loaders[i];

		if (!l->has_mode || l->mode == pol->mode)
			continue;
		fprintf(f, "%s'%s'",
			over++ ? ", " : " (loaders with a mode of their own: ", l->name);
	}
	fprintf(f, "%s\n", over ? ")" : "");
	explain_default(f, pol);
	explain_kernel(f, "modules", pol->kernel_modules, "load kernel modules");
	explain_kernel(f, "kexec", pol->kernel_kexec, "boot another kernel with kexec");
	explain_kernel(f, "memory", pol->kernel_memory,
		       "write kernel memory through /dev/mem, /proc/kcore, ioperm, MSRs...");
	label(f, "admin:");
	if (pol->nr_admin_certs) {
		fprintf(f, "only a request signed by the key of ");
		strs(f, pol->admin_certs, pol->nr_admin_certs, " or ");
		fprintf(f,
			" ends enforcement, puts another policy in force or upgrades the daemon\n");
	} else {
		fprintf(f, "none: root ends enforcement and puts another policy in force, no "
			   "signature asked\n");
	}
	label(f, "trust:");
	if (pol->nr_trust_certs) {
		fprintf(f, "signatures are checked against ");
		strs(f, pol->trust_certs, pol->nr_trust_certs, " and ");
	} else {
		fprintf(f, "no certificate: nothing signed is trusted");
	}
	fprintf(f, "; code every loader may map: ");
	if (pol->trust_code.nr)
		strs(f, pol->trust_code.entries, pol->trust_code.nr, " and ");
	else
		fprintf(f, "none named");
	fprintf(f, " (trust.digests)\n");
	label(f, "probes:");
	fprintf(f, "the feature probes real loaders make before they load come through every "
		   "loader's rules, counted, and can never be attached\n");
}

static void explain_identity(FILE *f, const struct wb_loader *l)
{
	char d[FSV_DIGEST_STR_SIZE];

	label(f, "is:");
	if (l->has_digest)
		fprintf(f, "the executable whose fs-verity digest is %s%s",
			fsv_digest_format(&l->digest, d, sizeof(d)),
			l->exec_signed ? " and is signed by a certificate of trust.certs" : "");
	else
		fprintf(f, "any executable whose fs-verity digest is signed by a certificate of "
			   "trust.certs");
	if (l->exec_path)
		fprintf(f, ", run from %s\n", l->exec_path);
	else if (l->has_digest)
		fprintf(f, ", run from any path (a copy of it anywhere is this loader)\n");
	else
		fprintf(f, ", wherever it is\n");
}

static void explain_programs(FILE *f, const struct wb_loader *l)
{
	const struct wb_programs *p = &l->programs;

	label(f, "may:");
	if (!p->present) {
		fprintf(f, "load any program: every type, attach type, name and size, calling any "
			   "helper (no 'programs')\n");
		return;
	}
	fprintf(f, "load programs ");
	if (p->nr_types) {
		fprintf(f, "of type ");
		refs(f, p->types, p->nr_types, " or ");
	} else {
		fprintf(f, "of any type");
	}
	if (p->nr_attach) {
		fprintf(f, ", for attach type ");
		refs(f, p->attach, p->nr_attach, " or ");
	} else {
		fprintf(f, ", for any attach type");
	}
	if (p->nr_names) {
		fprintf(f, ", named ");
		strs(f, p->names, p->nr_names, " or ");
	} else {
		fprintf(f, ", with any name");
	}
	if (p->max_insns)
		fprintf(f, ", of at most %u instructions", p->max_insns);
	else
		fprintf(f, ", of any size");
	fprintf(f, ", %s\n",
		p->signed_mode == WB_PROG_SIGNED_REQUIRED ?
			"signed by a certificate of trust.certs" :
			"signed or not");
	if (p->nr_deny_helpers) {
		label(f, "may not:");
		fprintf(f, "call ");
		refs(f, p->deny_helpers, p->nr_deny_helpers, " or ");
		fprintf(f, " (deny_helpers: a program that calls one is denied)\n");
	}
	label(f, p->kernel_reads ? "may:" : "may not:");
	fprintf(f, "call the helpers that read kernel memory (kernel_reads: %s: ",
		p->kernel_reads ? "true" : "false");
	for (size_t i = 0; i < wb_nr_kernel_read_helpers; i++)
		fprintf(f, "%s%s", i ? ", " : "", wb_kernel_read_helpers[i]);
	fprintf(f, ")\n");
	explain_calls(f, p);
}

/* Rules i.. of l that say the same access of named maps, as "a, b or c"
 * into which; returns how many. */
static size_t same_rules(const struct wb_loader *l, size_t i, char *which, size_t size)
{
	size_t n = 1;

	while (i + n < l->nr_maps && l->maps[i + n].access == l->maps[i].access &&
	       !is_star(l->maps[i + n].glob))
		n++;
	snprintf(which, size, "the maps named ");
	for (size_t k = 0; k < n; k++)
		join(which, size, k, n, " or ", l->maps[i + k].glob);
	return n;
}

static void explain_maps(FILE *f, const struct wb_loader *l)
{
	bool star = false;

	if (!l->has_maps) {
		label(f, "may:");
		fprintf(f, "create, read and update every map (no 'maps')\n");
		return;
	}
	for (size_t i = 0, n; i < l->nr_maps && !star; i += n) {
		const struct wb_map_rule *r = &l->maps[i];
		const char *then = i ? "otherwise " : "";
		char which[512];

		star = is_star(r->glob);
		n = 1;
		if (star)
			snprintf(which, sizeof(which), "%s map", i ? "any other" : "every");
		else
			n = same_rules(l, i, which, sizeof(which));
		switch (r->access) {
		case WB_ACCESS_RW:
			label(f, "may:");
			fprintf(f, "%screate, read and update %s\n", then, which);
			break;
		case WB_ACCESS_RO:
			label(f, "may:");
			fprintf(f, "%sread %s, not update or delete from %s\n", then, which,
				star || n > 1 ? "them" : "it");
			break;
		default:
			label(f, "may not:");
			fprintf(f, "%suse %s\n", then, which);
			break;
		}
	}
	if (!star) {
		label(f, "may not:");
		fprintf(f, "use any other map\n");
	}
}

static void explain_code(FILE *f, const struct wb_policy *pol, const struct wb_loader *l)
{
	static const char *const untrusted[] = {
		[WB_ON_UNTRUSTED_TAINT] = "the mapping goes on and the loader loses its authority",
		[WB_ON_UNTRUSTED_KILL] = "the loader loses its authority and is killed",
		[WB_ON_UNTRUSTED_DENY] = "the mapping fails and the loader keeps its authority",
	};

	for (size_t i = 0; i < l->nr_collateral; i++) {
		const struct wb_collateral *c = &l->collateral[i];
		size_t n = strlen(c->path);

		label(f, "needs:");
		fprintf(f, "fs-verity%s on the files it opens %s %s, else it loses its authority\n",
			c->signed_required ? " and a signature by a certificate of trust.certs" :
					     "",
			n && c->path[n - 1] == '/' ? "under" : "named", c->path);
	}
	label(f, "code:");
	fprintf(f, "may map its executable");
	if (pol->trust_code.nr)
		fprintf(f, " and what trust.digests (%zu entr%s)%s", pol->trust_code.nr,
			plural(pol->trust_code.nr), l->code.nr ? "" : " names");
	if (l->code.nr)
		fprintf(f, " %s its code.digests (%zu entr%s) name%s",
			pol->trust_code.nr ? "and" : "and what", l->code.nr, plural(l->code.nr),
			pol->trust_code.nr ? "" : "s");
	if (!pol->trust_code.nr && !l->code.nr)
		fprintf(f, " only (no trust.digests, no code.digests)");
	fprintf(f, "; other code: %s (code.on_untrusted: %s)\n",
		l->on_untrusted <= WB_ON_UNTRUSTED_DENY ? untrusted[l->on_untrusted] : "?",
		wb_on_untrusted_name(l->on_untrusted));
	label(f, l->jit ? "may:" : "may not:");
	fprintf(f, "run anonymous or memfd executable memory (code.jit: %s)\n",
		l->jit ? "true" : "false");
	label(f, "takeover:");
	fprintf(f, "%s (code.on_takeover: %s)\n",
		l->on_takeover == WB_ON_TAKEOVER_TAINT ?
			"another task may ptrace it or write its memory, which takes its authority" :
			"no other task may ptrace it, write its memory or take its fds",
		wb_on_takeover_name(l->on_takeover));
}

static void explain_loader(FILE *f, const struct wb_policy *pol, const struct wb_loader *l)
{
	fprintf(f, "\nloader '%s' (%s:%u)\n", l->name, pol->path, l->line);
	label(f, "mode:");
	fprintf(f, "%s%s\n", mode_words(wb_loader_mode(pol, l)), l->has_mode ? " (its own)" : "");
	label(f, "on deny:");
	fprintf(f, "%s (%son_deny: %s)\n", deny_words(wb_loader_on_deny(pol, l)),
		l->has_on_deny ? "" : "default.", wb_on_deny_name(wb_loader_on_deny(pol, l)));
	explain_identity(f, l);
	explain_programs(f, l);
	explain_maps(f, l);
	explain_code(f, pol, l);
}

void policy_explain(FILE *f, const struct wb_policy *pol, const struct wb_risk *risks, size_t nr)
{
	explain_policy(f, pol);
	for (size_t i = 0; i < pol->nr_loaders; i++)
		explain_loader(f, pol, &pol->loaders[i]);
	if (!nr) {
		fprintf(f, "\nno warnings\n");
		return;
	}
	fprintf(f, "\n%zu warning%s:\n", nr, nr == 1 ? "" : "s");
	for (size_t i = 0; i < nr; i++)
		policy_risk_print(f, pol, &risks[i]);
}
