// SPDX-License-Identifier: GPL-2.0
#include "gatekeeper/kernel.h"
#include "test.h"

TEST(lsm_list_parsing)
{
	CHECK(lsm_list_has_bpf("lockdown,capability,landlock,yama,apparmor,tomoyo,bpf,ipe,ima,evm"),
	      "middle");
	CHECK(lsm_list_has_bpf("bpf"), "alone");
	CHECK(lsm_list_has_bpf("capability,bpf"), "last");
	CHECK(!lsm_list_has_bpf("capability,bpfx,xbpf"), "no substring matches");
	CHECK(!lsm_list_has_bpf(""), "empty");
	CHECK(!lsm_list_has_bpf("lockdown,capability,landlock,yama,apparmor"), "absent");
}
