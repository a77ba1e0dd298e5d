/*
 * gitcheck_int.h - the gate's parts over git views, for the library
 * (gitcheck.c); front ends call yoi_gitcheck_store (yoi/gitcheck.h).
 */
#ifndef YOI_GITCHECK_INT_H
#define YOI_GITCHECK_INT_H

#include "git/gitops.h"
#include "yoi/gitcheck.h"

typedef struct yoi_gitcheck_opts {
	const char *top;    /* for diagnostic paths */
	const char *prefix; /* tickets root relative to top */
	const yoi_state_table *tab;
	/* Relation and plan targets must be tickets of this view (the new
	 * version); NULL: not checked. */
	const yoi_git_view *known;
} yoi_gitcheck_opts;

int yoi_gitcheck_ticket(const yoi_git_view *old, const yoi_git_view *nw,
			const char *id, const yoi_gitcheck_opts *o, yoi_diag *d,
			yoi_error *err);

/*
 * The one check of a change from old to nw, behind pre-commit,
 * pre-merge-commit and `check`: the tickets it touches (their IDs into
 * *ids, sorted), symlinks and submodules under the root, renames, each
 * touched ticket (yoi_gitcheck_ticket), and the store-wide invariants
 * (yoi_gitcheck_graph). When o->known is NULL and dangling is true, every
 * touched ticket's relation and plan targets must be tickets of nw (each
 * looked up by path, never the whole ticket list).
 *   change-ticket-renamed (warning)  a ticket directory whose files moved
 *                          unchanged to another ID (an ID migration), not
 *                          reported as a removed history
 */
int yoi_gitcheck_change(const yoi_git_view *old, const yoi_git_view *nw,
			const yoi_gitcheck_opts *o, bool dangling,
			yoi_strv *ids, yoi_diag *d, yoi_error *err);

/*
 * What the change adds or alters at or under the tickets root that is not
 * a regular file or directory, each an error at "<top>/<path>" (no line):
 *   change-symlink    a symbolic link (mode 120000): a ticket file,
 *                     artifacts/ or anything else under the root
 *   change-submodule  a gitlink (mode 160000)
 * An entry old holds identically is inherited history and not reported.
 */
int yoi_gitcheck_specials(const yoi_git_view *old, const yoi_git_view *nw,
			  const yoi_gitcheck_opts *o, yoi_diag *d,
			  yoi_error *err);

/*
 * The store-wide invariants a change can break (SPEC 10), on the new
 * version, for what the change can affect. For each changed ticket, the
 * depends_on/blocks relations it gains:
 *   relation-dangling  the target is not a ticket of the new version
 *   relation-cycle     the new version has a depends_on/blocks cycle
 *                      through a changed ticket (each cycle once, rotated
 *                      to its smallest ID; the path is the changed
 *                      ticket's relations.json)
 * Only when some changed ticket gains a waiting relation is the whole
 * relation graph of the new version read; otherwise nothing is.
 */
int yoi_gitcheck_graph(const yoi_git_view *old, const yoi_git_view *nw,
		       const yoi_strv *changed, const yoi_gitcheck_opts *o,
		       yoi_diag *d, yoi_error *err);

#endif
