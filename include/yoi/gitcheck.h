/*
 * gitcheck.h - the checks of pre-commit and `check` (SPEC 10): for each
 * ticket a change touches, its files before and after, read from git
 * objects (gitops views: a commit's tree or the index), go through
 * yoi_change_check; its relations.json and orchestration-plan.jsonl are
 * parsed with their schema findings, and (when the ticket list of the new
 * version is given) their targets must exist.
 *
 * Diagnostic paths are "<top>/<prefix>/<ID>/<file>".
 */
#ifndef YOI_GITCHECK_H
#define YOI_GITCHECK_H

#include "change.h"
#include "store.h"

/*
 * The gate over a store (pre-commit, pre-merge-commit, `check`): the
 * change from base to head, checked by yoi_gitcheck_change. base is a
 * revision (NULL: HEAD, none on an unborn branch); head a revision, or
 * NULL for the index (index_path: the file GIT_INDEX_FILE names, as git
 * passes a temporary index to its hooks; NULL: the repository's own).
 * dangling: relation and plan targets must be tickets of head. IDs of the
 * changed tickets into *ids (sorted), findings into d (sorted).
 * YOI_EIO (with the store's path) outside a git repository, YOI_EUSAGE
 * when the tickets root is not inside the work tree, YOI_ENOTFOUND for a
 * revision that does not exist, else what the checks return.
 */
typedef struct yoi_gitcheck_range {
	const char *base;
	const char *head;
	const char *index_path;
	bool dangling;
} yoi_gitcheck_range;

int yoi_gitcheck_store(const yoi_store *st, const yoi_gitcheck_range *r,
		       yoi_strv *ids, yoi_diag *d, yoi_error *err);

#endif
