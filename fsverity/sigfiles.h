/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `watchbpf sign` and `watchbpf verify` share: the list of files to
 * work on (with -r, directories walked) and where each file's signature
 * lives, so that verify finds exactly what sign wrote.
 */
#ifndef WATCHBPF_FSVERITY_SIGFILES_H
#define WATCHBPF_FSVERITY_SIGFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sig_where {
	SIG_XATTR, /* the file's FSV_SIG_XATTR extended attribute */
	SIG_SUFFIX, /* FILE + suffix, beside the file */
	SIG_OUTDIR, /* out_dir/NAME + suffix; NAME is the path below the -r root */
};

struct sig_loc {
	enum sig_where where;
	const char *suffix; /* ".sig" unless --suffix */
	const char *out_dir;
};

/* Checks the --suffix and --out given (a p_err() line each) and settles
 * where signatures are: --out wins, then a --suffix given, else the xattr.
 * 0, or -1 for a usage error. */
int sig_loc_settle(struct sig_loc *loc, bool suffix_set);

struct file_entry {
	char *path; /* as given, or as found by the walk */
	char *sig_path; /* NULL for SIG_XATTR */
	/* Known before the file is touched: a walk error, or a directory
	 * given without -r (-EISDIR), or a signature path another file of
	 * the list also maps to (-EEXIST, dup_of names it). */
	int err;
	const char *dup_of;
};

struct file_list {
	struct file_entry *v;
	size_t n, cap;
};

/*
 * Adds the files named by args: with recursive, directories are walked
 * without following symbolic links and only regular files are taken (the
 * rest is skipped, with a note on stderr if verbose); a walk that would
 * find a signature sign wrote beside its file (SIG_SUFFIX) skips it.
 * Returns 0 or -ENOMEM: per-file trouble lands in the entries.
 */
int file_list_build(struct file_list *fl, char *const *args, int nargs, bool recursive,
		    const struct sig_loc *loc, bool verbose);
void file_list_free(struct file_list *fl);

/*
 * Reads the signature of e (its file open as fd) into *sig (malloc()ed).
 * Returns 0, -ENODATA when there is none, or -errno.
 */
int sig_read(int fd, const struct file_entry *e, unsigned char **sig, size_t *len);
/*
 * Stores it, never partially: the xattr is set in one call, a file is
 * written beside its final name and renamed over it. Files get mode
 * 0666 & ~mask; parent directories under out_dir are created.
 */
int sig_write(int fd, const struct file_entry *e, const unsigned char *sig, size_t len,
	      mode_t mask);

/* The CPUs this process may run on (at least 1). */
unsigned int usable_cpus(void);

/*
 * Reads --pass SPEC: "env:VAR" or "file:PATH" (its first line). Returns 0
 * with *pass malloc()ed, or -EINVAL with a message in err ("pass:..." and
 * other forms are refused, and an unset variable).
 */
int read_pass_spec(const char *spec, char **pass, char *err, size_t errlen);

#endif
