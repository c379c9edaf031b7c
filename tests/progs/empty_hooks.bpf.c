// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's reference: an empty BPF LSM program on each hook watchbpf
 * attaches on the paths tests/vm/bench-guest.sh measures, each as sleepable
 * as watchbpf's own (inode_permission, attached only with --persist, is in
 * empty_inode_permission.bpf.c). What any BPF LSM program there pays: the
 * kernel's trampoline and nothing else.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("lsm/file_open")
int BPF_PROG(empty_file_open, struct file *file)
{
	return 0;
}

SEC("lsm/task_kill")
int BPF_PROG(empty_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred)
{
	return 0;
}

SEC("lsm.s/mmap_file")
int BPF_PROG(empty_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags)
{
	return 0;
}

SEC("lsm/file_mprotect")
int BPF_PROG(empty_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot)
{
	return 0;
}

SEC("lsm/task_alloc")
int BPF_PROG(empty_task_alloc, struct task_struct *task, unsigned long clone_flags)
{
	return 0;
}

SEC("lsm.s/bprm_check_security")
int BPF_PROG(empty_bprm_check, struct linux_binprm *bprm)
{
	return 0;
}

SEC("lsm/bprm_committed_creds")
int BPF_PROG(empty_bprm_committed, struct linux_binprm *bprm)
{
	return 0;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(empty_ptrace_access_check, struct task_struct *child, unsigned int mode)
{
	return 0;
}

SEC("lsm/bpf")
int BPF_PROG(empty_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	return 0;
}

SEC("lsm/bpf_prog_load")
int BPF_PROG(empty_bpf_prog_load, struct bpf_prog *prog, union bpf_attr *attr,
	     struct bpf_token *token)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
