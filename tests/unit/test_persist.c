// SPDX-License-Identifier: GPL-2.0
/* Who may adopt a pinned state (persist_may_adopt): with admin.certs in the
 * policy in force, only a daemon with that very policy. */
#include <linux/types.h>

#include "test.h"
#include "gatekeeper/persist.h"

#define POL_A "sha256:" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define POL_B "sha256:" \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static struct persist pinned(bool adopted, bool locked, const char *sha)
{
	struct persist p = { .dir = WB_PIN_DIR, .adopted = adopted };

	p.before.admin_locked = locked;
	snprintf(p.before.policy_sha256, sizeof(p.before.policy_sha256), "%s", sha);
	return p;
}

TEST(persist_admin_policy_adopted_only_by_itself)
{
	struct persist p = pinned(true, true, POL_A);
	char err[512] = "";

	CHECK_INT(persist_may_adopt(&p, POL_A, err, sizeof(err)), ==, 0);
	CHECK_INT(persist_may_adopt(&p, POL_B, err, sizeof(err)), ==, -1);
	CHECK(strstr(err, "names admin.certs") != NULL, "%s", err);
	CHECK(strstr(err, POL_A) != NULL && strstr(err, POL_B) != NULL, "%s", err);
	CHECK(strstr(err, "watchbpf reload --signature") != NULL, "%s", err);
}

TEST(persist_unlocked_or_new_state_takes_any_policy)
{
	struct persist open_state = pinned(true, false, POL_A);
	struct persist fresh = pinned(false, true, POL_A);
	char err[512];

	CHECK_INT(persist_may_adopt(&open_state, POL_B, err, sizeof(err)), ==, 0);
	/* nothing pinned was found: the policy is this daemon's to choose */
	CHECK_INT(persist_may_adopt(&fresh, POL_B, err, sizeof(err)), ==, 0);
}

/* a state whose note was never written (all zeros) is not locked */
TEST(persist_zero_note_is_not_locked)
{
	struct persist p = { .dir = WB_PIN_DIR, .adopted = true };
	char err[512];

	CHECK_INT(persist_may_adopt(&p, POL_B, err, sizeof(err)), ==, 0);
}
