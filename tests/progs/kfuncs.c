// SPDX-License-Identifier: GPL-2.0
/*
 * A loader's module kfunc call with the module BTF's fd in fd_array, two
 * ways (96-kfuncs.sh). Included by loader.c.
 *
 *   ctload BTF_ID LOOKUP RELEASE direct|unmapped
 *     an XDP program "ct_prog" calling nf_conntrack's bpf_xdp_ct_lookup and
 *     bpf_ct_release (their BTF type ids LOOKUP and RELEASE in module BTF
 *     object BTF_ID); fd_array[1] holds that BTF's fd. direct: fd_array in
 *     memory the program hook can read; unmapped: on a page of a file
 *     mapping no one has touched, which the hook (page faults off) cannot
 *     read and the verifier (faults on) can: what a thread swapping the fd
 *     after the hook read it amounts to, deterministically. watchbpf must
 *     judge the BTF the verifier used, not the one it read.
 */
#include <sys/mman.h>

static int ct_load(unsigned int btf_id, int lookup, int release, bool unmapped)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),
		/* the tuple (12 bytes at fp-16) and the options (12 at fp-32) */
		INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -16, 0),
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -8, 0),
		INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -32, 0),
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -24, 6),
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -32, -1),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		ADD_IMM(BPF_REG_2, -16),
		MOV_IMM(BPF_REG_3, 12),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0),
		ADD_IMM(BPF_REG_4, -32),
		MOV_IMM(BPF_REG_5, 12),
		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 1, lookup),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 1, release),
		MOV_IMM(BPF_REG_0, 2), /* XDP_PASS */
		EXIT(),
	};
	char path[] = "/tmp/ct-fd-array.XXXXXX";
	int fds[2] = { -1, -1 }, *fd_array = fds, file = -1, ret;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf_id = btf_id;
	fds[1] = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr);
	if (report("btf_get_fd_by_id", fds[1]) < 0)
		return -1;
	if (unmapped) {
		file = mkstemp(path);
		if (file < 0 || write(file, fds, sizeof(fds)) != sizeof(fds))
			return report("fd_array file", -1);
		unlink(path);
		/* let go of the page cache's copy in our page tables: none yet */
		fd_array = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, file, 0);
		if (fd_array == MAP_FAILED)
			return report("fd_array mmap", -1);
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.expected_attach_type = BPF_XDP;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	attr.fd_array = (unsigned long)fd_array;
	strncpy(attr.prog_name, "ct_prog", sizeof(attr.prog_name) - 1);
	ret = sys_bpf(BPF_PROG_LOAD, &attr);
	if (unmapped) {
		munmap(fd_array, 4096);
		close(file);
	}
	close(fds[1]);
	return ret;
}

static int kfunc_action(const char *how, int argc, char **argv)
{
	if (!strcmp(how, "ctload") && argc > 5) {
		close_ok(report("prog_load", ct_load(strtoul(argv[2], NULL, 0), atoi(argv[3]),
						     atoi(argv[4]), !strcmp(argv[5], "unmapped"))));
		return failed + 2;
	}
	return 0;
}
