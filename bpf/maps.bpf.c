// SPDX-License-Identifier: GPL-2.0
/* The one definition of the maps and configuration every program shares. */
#define WB_DEFINE_MAPS
#include "bpf/common.bpf.h"

const volatile bool audit_mode = false;

char LICENSE[] SEC("license") = "GPL";
