/*
 * mergedriver.h - the git merge driver as one library call: which ticket
 * file a path is, the merge for its kind (merge.h), and for item.md the
 * state of the merged thread, read from the repository (the thread.md of
 * HEAD, of the commit being merged in and of their merge base, merged as
 * the thread driver merges them, then replayed).
 *
 * The library reads no environment: the caller passes the commits git
 * names in GITHEAD_<oid> variables (git merge sets one for the commit
 * being merged in); HEAD among them is skipped.
 */
#ifndef YOI_MERGEDRIVER_H
#define YOI_MERGEDRIVER_H

#include <stdbool.h>

#include "common.h"
#include "merge.h"
#include "store.h"

typedef struct yoi_merge_driver_in {
	const char *path;	/* the file's path in the repository (%P) */
	yoi_merge_side o, a, b; /* base, ours, theirs */
	/* The store of the repository, or NULL (no git: item.md's state
	 * then follows merge.h's rules without the merged thread). */
	const yoi_store *st;
	/* 40-hex commit ids from GITHEAD_* variables, NULL-terminated, or
	 * NULL. */
	const char *const *githeads;
} yoi_merge_driver_in;

/*
 * Merge one ticket file into out. 0 with *clean: out holds the merged
 * file; 0 with !*clean: it cannot merge safely, why says what, and out
 * holds git's text merge with conflict markers (base, ours, theirs) for
 * the user to resolve. YOI_ENOMEM otherwise. A path that is not a ticket
 * file is a conflict ("not a ticket file").
 */
int yoi_merge_driver(const yoi_merge_driver_in *in, yoi_buf *out, bool *clean,
		     yoi_buf *why);

#endif
