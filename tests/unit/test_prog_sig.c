// SPDX-License-Identifier: GPL-2.0
/* What programs.signed: required means on a kernel, told from its BTF
 * (gatekeeper/prog_sig.c), and how the log names a signature of another
 * keyring. */
#include <bpf/btf.h>
#include <string.h>

#include "gatekeeper/event_fmt.h"
#include "gatekeeper/prog_sig.h"
#include "test.h"

/* struct bpf_prog_aux as 6.12 has it (no verdict), or as 7.2 has it:
 * the verdict in an anonymous struct type, member "sig". With ATTR, union
 * bpf_attr has the signature of 6.18+, in an anonymous struct as there. */
static struct btf *fake_kernel(bool verdict, bool attr)
{
	struct btf *btf = btf__new_empty();
	int u8, u32, s32, u64, sig = 0, anon;

	u32 = btf__add_int(btf, "u32", 4, 0);
	s32 = btf__add_int(btf, "s32", 4, BTF_INT_SIGNED);
	u8 = btf__add_int(btf, "u8", 1, 0);
	u64 = btf__add_int(btf, "u64", 8, 0);
	if (verdict) {
		sig = btf__add_struct(btf, NULL, 8);
		btf__add_field(btf, "keyring_serial", s32, 0, 0);
		btf__add_field(btf, "keyring_type", u8, 32, 0);
		btf__add_field(btf, "verdict", u8, 40, 0);
	}
	btf__add_struct(btf, "bpf_prog_aux", verdict ? 16 : 8);
	btf__add_field(btf, "id", u32, 0, 0);
	btf__add_field(btf, "stack_depth", u32, 32, 0);
	if (verdict)
		btf__add_field(btf, "sig", sig, 64, 0);

	/* fields go to the type added last */
	anon = btf__add_struct(btf, NULL, attr ? 16 : 8);
	btf__add_field(btf, "prog_type", u32, 0, 0);
	btf__add_field(btf, "insn_cnt", u32, 32, 0);
	if (attr)
		btf__add_field(btf, "signature", u64, 64, 0);
	btf__add_union(btf, "bpf_attr", attr ? 16 : 8);
	btf__add_field(btf, NULL, anon, 0, 0);
	return btf;
}

TEST(prog_sig_verdict_field)
{
	struct btf *k612 = fake_kernel(false, false);
	struct btf *k618 = fake_kernel(false, true);
	struct btf *k72 = fake_kernel(true, true);

	CHECK(!btf_has_member_path(k612, "bpf_prog_aux", "sig.verdict"), "6.12 has no verdict");
	CHECK(btf_has_member_path(k72, "bpf_prog_aux", "sig.verdict"), "7.2 has the verdict");
	CHECK(btf_has_member_path(k72, "bpf_prog_aux", "sig.keyring_serial"), "and the serial");
	CHECK(btf_has_member_path(k72, "bpf_prog_aux", "sig"), "a path of one member");
	CHECK(!btf_has_member_path(k72, "bpf_prog_aux", "sig.verdic"), "names match whole");
	CHECK(!btf_has_member_path(k72, "bpf_prog_aux", "sig.verdict.x"), "an int has no members");
	CHECK(!btf_has_member_path(k72, "bpf_prog_aux", "verdict"), "not found one level up");
	CHECK(!btf_has_member_path(k72, "bpf_prog_aux", "sig..verdict"), "no empty member name");
	CHECK(!btf_has_member_path(k72, "bpf_prog", "sig.verdict"), "another struct");
	CHECK(!btf_has_member_path(NULL, "bpf_prog_aux", "sig.verdict"), "no BTF");
	/* members of anonymous structs are found through them, as CO-RE does */
	CHECK(btf_has_member_path(k612, "bpf_attr", "insn_cnt"), "through an anonymous struct");
	CHECK(!btf_has_member_path(k612, "bpf_attr", "signature"), "6.12: no attr->signature");
	CHECK(btf_has_member_path(k618, "bpf_attr", "signature"), "6.18: attr->signature");

	CHECK_INT(prog_sig_meaning(k612), ==, PROG_SIG_NONE);
	CHECK_INT(prog_sig_meaning(k618), ==, PROG_SIG_ATTACHED);
	CHECK_INT(prog_sig_meaning(k72), ==, PROG_SIG_VERIFIED);
	CHECK_INT(prog_sig_meaning(NULL), ==, PROG_SIG_NONE);
	CHECK_STR(prog_sig_meaning_text(PROG_SIG_VERIFIED),
		  "verified by the kernel (bpf_prog_aux.sig.verdict) against trust.certs");
	CHECK(!strncmp(prog_sig_meaning_text(PROG_SIG_NONE),
		       "a signature attached (this kernel does not verify program signatures",
		       68),
	      "%s", prog_sig_meaning_text(PROG_SIG_NONE));
	CHECK(!strncmp(prog_sig_meaning_text(PROG_SIG_ATTACHED), "a signature attached (", 22),
	      "%s", prog_sig_meaning_text(PROG_SIG_ATTACHED));
	btf__free(k612);
	btf__free(k618);
	btf__free(k72);
}

TEST(prog_sig_reason_detail)
{
	struct wbpf_event e;
	struct wb_fmt_ctx fc = { 0 };
	char buf[128];

	memset(&e, 0, sizeof(e));
	e.reason = WB_R_UNSIGNED_PROG;
	e.detail = WB_SIG_NONE;
	CHECK_STR(event_reason(&e, &fc, buf, sizeof(buf)), "unsigned-program");
	e.detail = WB_SIG_OTHER_KEYRING;
	CHECK_STR(event_reason(&e, &fc, buf, sizeof(buf)), "unsigned-program:untrusted_keyring");
}
