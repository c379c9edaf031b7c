// SPDX-License-Identifier: GPL-2.0
/*
 * The meaning of `programs.signed: required` on the running kernel.
 *
 * Told from the kernel's BTF rather than by a probe program that would
 * copy bpf_core_field_exists() into a global of the skeleton: libbpf
 * resolves that relocation against this very BTF (/sys/kernel/btf/vmlinux)
 * by the same rule, a member found by name with anonymous structs and
 * unions looked through, so both give the same answer; and this one needs
 * no BPF load, so doctor says it where loading is impossible (not root, no
 * BPF LSM) and the emulated 7.2 verifier has one program less to check.
 */
#include <string.h>

#include <bpf/btf.h>

#include "gatekeeper/prog_sig.h"

/* The id of the member called NAME (LEN bytes) of composite type ID, or 0;
 * an anonymous composite member is searched as if its members were ID's. */
static __u32 member_type(const struct btf *btf, __u32 id, const char *name, size_t len, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)) || depth > 8)
		return 0;
	m = btf_members(t);
	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		int sub = btf__resolve_type(btf, m->type);
		__u32 found;

		if (sub < 0)
			continue;
		if (mname && mname[0]) {
			if (strlen(mname) == len && !strncmp(mname, name, len))
				return sub;
			continue;
		}
		found = member_type(btf, sub, name, len, depth + 1);
		if (found)
			return found;
	}
	return 0;
}

bool btf_has_member_path(const struct btf *btf, const char *name, const char *path)
{
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	if (id <= 0)
		return false;
	while (*path) {
		size_t len = strcspn(path, ".");

		/* a member's id, never 0 (void is no composite member) */
		id = len ? member_type(btf, id, path, len, 0) : 0;
		if (!id)
			return false;
		path += len;
		if (*path == '.')
			path++;
	}
	return true;
}

enum prog_sig_meaning prog_sig_meaning(const struct btf *btf)
{
	if (btf_has_member_path(btf, "bpf_prog_aux", PROG_SIG_VERDICT_FIELD))
		return PROG_SIG_VERIFIED;
	if (btf_has_member_path(btf, "bpf_attr", "signature"))
		return PROG_SIG_ATTACHED;
	return PROG_SIG_NONE;
}

const char *prog_sig_meaning_text(enum prog_sig_meaning m)
{
	switch (m) {
	case PROG_SIG_VERIFIED:
		return "verified by the kernel (bpf_prog_aux." PROG_SIG_VERDICT_FIELD
		       ") against trust.certs";
	case PROG_SIG_ATTACHED:
		return "a signature attached (this kernel records no verdict: "
		       "it checks a signature against the loader's keyring, not trust.certs)";
	case PROG_SIG_NONE:
		break;
	}
	return "a signature attached (this kernel does not verify program signatures: "
	       "every load is denied)";
}
