// SPDX-License-Identifier: GPL-2.0
/* Bob: the test loader (tests/progs/loader.c) as "bob": another digest. */
#define LOADER_NAME "bob"
#include "loader.c"
