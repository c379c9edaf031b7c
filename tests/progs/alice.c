// SPDX-License-Identifier: GPL-2.0
/* Alice: the test loader (tests/progs/loader.c) as "alice". */
#define LOADER_NAME "alice"
#include "loader.c"
