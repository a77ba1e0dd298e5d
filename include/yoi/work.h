/*
 * work.h - a ticket's working life in git (SPEC 10): start (branch and
 * linked worktree, accepted_plan record, queued -> inprogress), finish
 * (inprogress -> done, merged or not), cleanup (worktree and branch
 * removed, event recorded) and the list of ticket worktrees. Every git
 * operation goes through gitops.h.
 *
 * Names: the slug is --slug, else the create event's slug, else
 * yoi_work_slug(title); the name is "<ID>-<slug>" (just the ID for an
 * empty slug); the branch "<worktrees.branch_prefix><name>"; the worktree
 * "<worktrees.dir>/<name>" under the main worktree's top. The base is
 * --base, else what HEAD names (its branch, or the commit when detached).
 * start records branch, worktree and base as attributes of its
 * state_changed event and branch and worktree in the accepted_plan record;
 * finish and cleanup read them back from there. The worktree is recorded
 * relative to the top exactly as it is made (worktrees.dir normalised;
 * an absolute value inside the top or beside it is made relative), and
 * only inside the top (not in the git directory) or in a folder beside
 * it ("../<name>"), checked after resolving the symlinks of the
 * components that exist.
 *
 * Records are committed data anyone can write, so they never decide
 * alone what cleanup deletes: start also writes a local record, never
 * committed, at <git common dir>/yoi/started/<ID> (JSON: branch,
 * worktree, git worktree name, path, time of each start), and cleanup
 * acts only on what that record lists for the ticket.
 *
 * Ownership: results hold owned strings; free with the matching _free.
 */
#ifndef YOI_WORK_H
#define YOI_WORK_H

#include <stdbool.h>

#include "gitinit.h"
#include "plan.h"
#include "store.h"
#include "ticket.h"

#define YOI_SLUG_MAX 48

/*
 * The ASCII slug of a title: lowercase letters and digits, every other
 * run of ASCII characters one '-', no leading or trailing '-', at most
 * YOI_SLUG_MAX characters (cut at a '-' when one is near the end); empty
 * when the title holds any non-ASCII character. out has YOI_SLUG_MAX + 1
 * bytes.
 */
void yoi_work_slug(const char *title, char out[YOI_SLUG_MAX + 1]);

/* Whether s is a slug --slug may give: [a-z0-9] runs joined by '-'. */
bool yoi_work_slug_valid(const char *s);

typedef struct yoi_work_start_opts {
	const char *base;    /* NULL: HEAD */
	const char *slug;    /* NULL: derived */
	const char *summary; /* accepted_plan summary; NULL: a default */
	const char *reason;  /* state_changed reason; NULL: a default */
	bool force;	     /* override the start guard (needs reason) */
} yoi_work_start_opts;

/* What start made. */
typedef struct yoi_work_info {
	char *branch;	     /* e.g. "work/00001M86CH3M0-fix-login" */
	char *worktree;	     /* relative to the main top, as recorded */
	char *worktree_path; /* absolute */
	char *base;	     /* as recorded: a branch name or a commit id */
	char plan_id[YOI_PLAN_ID_MAX + 1];
	bool forced; /* start: --force overrode the guard */
} yoi_work_info;

/*
 * The tickets root that commands run inside the linked worktree at
 * worktree_path use: the main store's (one store per clone), or with
 * worktrees.store: branch that worktree's own copy of it. Caller frees;
 * NULL on ENOMEM.
 */
char *yoi_work_store_for(const yoi_store *st, const char *worktree_path);

void yoi_work_info_free(yoi_work_info *w);

/*
 * start: all or nothing. Refusals (nothing made, nothing written): the
 * transition or the start guard (YOI_EREFUSED), a branch, worktree name or
 * path that exists (YOI_EREFUSED), a worktree path outside the allowed
 * places (YOI_EREFUSED), a bad --base (YOI_ENOTFOUND), an
 * invalid --slug (YOI_EUSAGE), a git lock held (YOI_EBUSY). A failure
 * after the branch was made removes the branch, the worktree and the plan
 * record and the local record's entry again.
 */
int yoi_work_start(yoi_store *st, const yoi_opctx *ctx, const char *id,
		   const yoi_work_start_opts *o, yoi_work_info *out,
		   yoi_error *err);

/*
 * The ticket's recorded work: branch and worktree from its latest
 * accepted_plan record, base from the state_changed event that started it
 * (NULL when unknown). YOI_ENOTFOUND when the ticket never started.
 */
int yoi_work_recorded(const yoi_store *st, const char *id, yoi_work_info *out,
		      yoi_error *err);

/*
 * Whether this clone made the worktree that w (from yoi_work_recorded)
 * records for ticket id: the local record of started work lists w's
 * branch and worktree, or git has a linked worktree registered at w's
 * path (its directory there or not). A path recorded on another machine
 * or in another clone is neither, and so not this clone's to miss.
 * 1 owned, 0 not; YOI_ECORRUPT for a corrupt local record (the answer
 * then rests on git's list alone: *owned is still set), YOI_ENOMEM,
 * YOI_EIO.
 */
int yoi_work_owned(const yoi_store *st, const char *id, const yoi_work_info *w,
		   bool *owned, yoi_error *err);

/*
 * finish: inprogress -> done (the state machine's rules and --reason).
 * *merged: 1 merged into the base, 0 not merged, -1 unknown (no recorded
 * branch or base, or it is gone). info (may be NULL) receives what was
 * recorded.
 */
int yoi_work_finish(yoi_store *st, const yoi_opctx *ctx, const char *id,
		    const char *reason, int *merged, yoi_work_info *info,
		    yoi_error *err);

/*
 * cleanup: remove the recorded worktree (refused, YOI_EREFUSED, when it
 * has uncommitted or untracked changes, unless force) and delete the
 * branch (refused when not merged into the base, unless force), then
 * append a `cleanup` event naming what was removed and drop the local
 * record's entry. YOI_ENOTFOUND when the ticket has no recorded work or
 * neither the worktree nor the branch exists any more.
 *
 * Refused (YOI_EREFUSED) whatever force says, nothing deleted, unless
 * the branch is "<branch_prefix><ID>[-...]", the worktree
 * "<worktrees.dir>/<ID>[-...]" in an allowed place, and the local record
 * of this clone lists both (the git worktree found there carrying the
 * name start gave it): a ticket started in another clone is cleaned up
 * there, or by hand. Refused without force while the ticket is
 * inprogress. A corrupt local record is YOI_ECORRUPT.
 * `removed` receives "worktree", "branch" or both.
 */
int yoi_work_cleanup(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     bool force, yoi_buf *removed, yoi_error *err);

/* One worktree of a ticket, for `worktrees` and doctor. */
typedef struct yoi_work_tree {
	yoi_worktree wt; /* git's record: name, path, branch, exists */
	char id[YOI_ID_LEN + 1];
	yoi_state state; /* YOI_ST_INVALID: no such ticket */
} yoi_work_tree;

typedef struct yoi_work_trees {
	yoi_work_tree *v;
	size_t n;
} yoi_work_trees;

/*
 * Every linked worktree whose name starts with a ticket ID ("<ID>" or
 * "<ID>-..."), sorted by name, with that ticket's state in this store.
 */
int yoi_work_trees_list(const yoi_store *st, yoi_work_trees *out,
			yoi_error *err);
void yoi_work_trees_free(yoi_work_trees *w);

#endif
