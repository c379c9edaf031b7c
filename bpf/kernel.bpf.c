// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel under watchbpf (the policy's 'kernel'): a root that loads a
 * module, boots another kernel with kexec or writes kernel memory can switch
 * off any LSM, this one too. Each of modules, kexec and memory is allow (the
 * default), restrict (loaders, PID 1, kernel threads and the helpers the
 * kernel starts itself, such as the modprobe of a module request judged
 * here) or deny (nobody). Policy decisions: audit mode logs them only.
 * None of these hooks is on a hot path.
 */
#include "bpf/self.bpf.h"

/* detail of WB_OP_MODULE and WB_OP_KEXEC: how it came */
#define WB_K_REQUEST 1 /* request_module(): autoload, path is the name */
#define WB_K_MEMORY 2 /* init_module, kexec_load: from user memory */
#define WB_K_FILE 3 /* finit_module, kexec_file_load: path is the file */

#define LOCKDOWN_IS(what, name)                                      \
	(bpf_core_enum_value_exists(enum lockdown_reason, name) && \
	 (what) == bpf_core_enum_value(enum lockdown_reason, name))

static __always_inline bool kernel_trusted(void)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct wbpf_task *t;

	if ((cur->flags & WB_PF_KTHREAD) || (bpf_get_current_pid_tgid() >> 32) == 1)
		return true;
	/* a user-mode helper (modprobe for request_module): a kernel thread
	 * is its parent, which no process of user space can arrange */
	if (BPF_CORE_READ(cur, real_parent, flags) & WB_PF_KTHREAD)
		return true;
	t = task_mark(cur);
	return t && cfg_of(t, current_gen()) && !tainted(t);
}

static __always_inline int kernel_judge(__u16 op, __u8 reason, __u32 detail, const char *name)
{
	struct wbpf_defaults *d = defaults_of(current_gen());
	struct wbpf_task *t;
	struct wbpf_event *e;
	__u8 setting, flags;
	int ret;

	if (!d)
		return 0;
	if (reason == WB_R_MODULES)
		setting = d->modules;
	else if (reason == WB_R_KEXEC)
		setting = d->kexec;
	else
		setting = d->kernel_mem;
	if (setting == WBPF_K_ALLOW || (setting == WBPF_K_RESTRICT && kernel_trusted()))
		return 0;
	flags = enforce(d->audit, false, &ret);
	t = current_mark();
	e = event_start(op, WB_ACT_DENIED, reason, t ? t->loader_id : 0, flags);
	if (e) {
		e->detail = detail;
		if (name && bpf_probe_read_kernel_str(e->path, sizeof(e->path), name) > 0)
			e->flags |= WB_EV_PATH;
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}

/* Module autoload: socket families, file systems, crypto, devices... */
SEC("lsm/kernel_module_request")
int BPF_PROG(wb_module_request, char *kmod_name)
{
	return kernel_judge(WB_OP_MODULE, WB_R_MODULES, WB_K_REQUEST, kmod_name);
}

/* init_module (the image in user memory) and kexec_load */
SEC("lsm/kernel_load_data")
int BPF_PROG(wb_load_data, enum kernel_load_data_id id, bool contents)
{
	if (id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_MODULE))
		return kernel_judge(WB_OP_MODULE, WB_R_MODULES, WB_K_MEMORY, NULL);
	if (id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_KEXEC_IMAGE))
		return kernel_judge(WB_OP_KEXEC, WB_R_KEXEC, WB_K_MEMORY, NULL);
	return 0;
}

/* finit_module and kexec_file_load: a file the kernel reads */
SEC("lsm/kernel_read_file")
int BPF_PROG(wb_read_file, struct file *file, enum kernel_read_file_id id, bool contents)
{
	const char *name = (const char *)BPF_CORE_READ(file, f_path.dentry, d_name.name);

	if (id == bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE))
		return kernel_judge(WB_OP_MODULE, WB_R_MODULES, WB_K_FILE, name);
	if (id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_IMAGE) ||
	    id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_INITRAMFS))
		return kernel_judge(WB_OP_KEXEC, WB_R_KEXEC, WB_K_FILE, name);
	return 0;
}

/*
 * Kernel memory: the kernel asks lockdown before each of these, whether or
 * not lockdown is on, so one hook sees them all: /dev/mem and /dev/port,
 * /proc/kcore, ioperm/iopl, MSR writes, ACPI table and custom method
 * loading, PCI resource writes, and the others that let root write what
 * the kernel runs on.
 */
SEC("lsm/locked_down")
int BPF_PROG(wb_kernel_mem, enum lockdown_reason what)
{
	if (LOCKDOWN_IS(what, LOCKDOWN_DEV_MEM) || LOCKDOWN_IS(what, LOCKDOWN_KCORE) ||
	    LOCKDOWN_IS(what, LOCKDOWN_IOPORT) || LOCKDOWN_IS(what, LOCKDOWN_MSR) ||
	    LOCKDOWN_IS(what, LOCKDOWN_ACPI_TABLES) || LOCKDOWN_IS(what, LOCKDOWN_PCI_ACCESS) ||
	    LOCKDOWN_IS(what, LOCKDOWN_PCMCIA_CIS) || LOCKDOWN_IS(what, LOCKDOWN_TIOCSSERIAL) ||
	    LOCKDOWN_IS(what, LOCKDOWN_MODULE_PARAMETERS) || LOCKDOWN_IS(what, LOCKDOWN_MMIOTRACE) ||
	    LOCKDOWN_IS(what, LOCKDOWN_EFI_TEST) || LOCKDOWN_IS(what, LOCKDOWN_DEVICE_TREE) ||
	    LOCKDOWN_IS(what, LOCKDOWN_DBG_WRITE_KERNEL))
		return kernel_judge(WB_OP_KERNEL_MEM, WB_R_KERNEL_MEM, what, NULL);
	return 0;
}
