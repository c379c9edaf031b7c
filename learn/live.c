// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's --learn FILE: the records it makes feed the model as they
 * are made, and FILE gets the daemon's policy merged with what they show
 * when it stops and after each reload. Exec'd files that are no loader
 * are measured (FS_IOC_MEASURE_VERITY) as their exec is seen, so the
 * bpf() calls of processes no policy names yet are learned too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "learn/learn.h"
#include "learn/live.h"
#include "lib/util.h"

struct learn_live {
	struct learn l;
	char *path;
	bool told_oom;
};

int learn_live_new(struct learn_live **out, const char *path)
{
	struct learn_live *lv = calloc(1, sizeof(*lv));

	*out = NULL;
	if (!lv)
		return -ENOMEM;
	learn_init(&lv->l);
	lv->l.measure_exec = true;
	lv->path = strdup(path);
	if (!lv->path) {
		free(lv);
		return -ENOMEM;
	}
	*out = lv;
	return 0;
}

void learn_live_add(struct learn_live *lv, const struct wb_policy *pol, const struct wb_record *r)
{
	lv->l.base = pol;
	if (learn_add(&lv->l, r) && !lv->told_oom) {
		lv->told_oom = true;
		p_err("--learn: out of memory: %s will miss records", lv->path);
	}
	lv->l.base = NULL;
}

/* The policy file's bytes, which the merge keeps as they are. */
static char *read_text(const char *path, size_t *len)
{
	struct stat st;
	char *text = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size >= 0 && (size_t)st.st_size <= WB_POLICY_MAX_SIZE)
		text = malloc(st.st_size + 1);
	*len = 0;
	while (text && (n = read(fd, text + *len, st.st_size - *len)) > 0)
		*len += n;
	close(fd);
	return text;
}

int learn_live_write(struct learn_live *lv, const char *policy_path, char *err, size_t errlen)
{
	struct learn_emit_opts o = { .warn = stderr };
	struct wb_policy base = { 0 };
	size_t len = 0;
	char *text;
	int ret = -1;

	if (policy_load_file(policy_path, &base, err, errlen))
		return -1;
	text = read_text(policy_path, &len);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read: %s", policy_path, strerror(errno));
		goto out;
	}
	o.base = &base;
	o.base_text = text;
	o.base_len = len;
	ret = learn_write(&lv->l, &o, lv->path, err, errlen);
out:
	free(text);
	policy_free(&base);
	return ret;
}

const char *learn_live_path(const struct learn_live *lv)
{
	return lv->path;
}

uint64_t learn_live_used(const struct learn_live *lv)
{
	return lv->l.st.used;
}

void learn_live_free(struct learn_live *lv)
{
	if (!lv)
		return;
	learn_free(&lv->l);
	free(lv->path);
	free(lv);
}
