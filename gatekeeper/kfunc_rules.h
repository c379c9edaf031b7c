/* SPDX-License-Identifier: GPL-2.0 */
/* The kfunc rules of a generation, by kfunc name (bpf/kfunc.bpf.h). */
#ifndef WATCHBPF_KFUNC_RULES_H
#define WATCHBPF_KFUNC_RULES_H

#include <stddef.h>

#include "gatekeeper/config.h"

/* Writes generation GEN's entries of kfunc_rules (map FD) from POL's
 * deny_kfuncs, allow_kfuncs and kernel_reads: false, replacing what that
 * generation held. 0 or -errno, with err saying why. */
int apply_kfuncs(int fd, const struct wb_policy *pol, const struct wb_config *cfg,
		 unsigned int gen, char *err, size_t errlen);

#endif
