// SPDX-License-Identifier: GPL-2.0
/*
 * What a valid policy leaves open, said where an operator looks: by
 * `watchbpf check` and when the daemon starts. Each is a way for root to
 * end enforcement or to go around it that the policy could close, or that
 * this version cannot close yet.
 */
#include <stdio.h>

#include "policy/policy.h"

size_t policy_warnings(const struct wb_policy *pol, const char **out, size_t n)
{
	static const char *const stop =
		"root can end enforcement: `watchbpf stop --end-enforcement`, or any stop of a "
		"daemon run without --persist (name admin.certs to require a signed request)";
	static const char *const modules =
		"kernel.modules is allow: a root process can load a kernel module, and a module "
		"can switch any LSM off (restrict or deny closes it)";
	static const char *const kexec =
		"kernel.kexec is allow: a root process can boot another kernel without watchbpf";
	static const char *const memory =
		"kernel.memory is allow: a root process can write kernel memory (/dev/mem, "
		"ioperm, MSRs...)";
	size_t i = 0;

	if (!pol->nr_admin_certs && i < n)
		out[i++] = stop;
	if (pol->kernel_modules == WB_KERNEL_ALLOW && i < n)
		out[i++] = modules;
	if (pol->kernel_kexec == WB_KERNEL_ALLOW && i < n)
		out[i++] = kexec;
	if (pol->kernel_memory == WB_KERNEL_ALLOW && i < n)
		out[i++] = memory;
	return i;
}
