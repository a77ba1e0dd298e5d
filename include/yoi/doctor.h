/*
 * doctor.h - store-wide checks (SPEC 13). The per-ticket check is a pure
 * function over buffers so that doctor (working tree), pre-commit (index)
 * and check (commits) run the same code.
 */
#ifndef YOI_DOCTOR_H
#define YOI_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"
#include "state.h"
#include "store.h"
#include "ticket.h"

/* One ticket's files, however they were read. NULL = file absent. */
typedef struct yoi_ticket_files {
	const char *id;
	const char *item;
	size_t item_len;
	const char *thread;
	size_t thread_len;
	bool has_resolution;
	const char *item_path;	 /* for diagnostics */
	const char *thread_path; /* for diagnostics */
} yoi_ticket_files;

/*
 * item.md and thread.md checks, history, drift, resolution. Codes:
 * item-parse, item-* (yoi_item_check), thread-* (parser), layout-missing-
 * item, layout-missing-thread, thread-incomplete-transition,
 * thread-bad-review-status (w), thread-empty-summary, thread-bad-timestamp,
 * state-drift, thread-illegal-transition (w), thread-time-backwards (w),
 * thread-first-event (w), closed-without-resolution (w),
 * item-stale-updated-at (w), thread-torn-tail (bytes after the last
 * complete event block that are no complete block: an interrupted
 * append, see yoi_thread_torn_tail; line: where they start),
 * thread-no-complete-event (thread.md has no complete block at all),
 * state-inherited (w: the thread records no transition and item.md's
 * state is not planning: created or closed by an earlier tool),
 * state-initial-inherited (w: the first transition does not start
 * where the create left the ticket), state-drift-unrecorded (item.md's
 * state differs from the replay and the thread records no move from
 * it: --fix would move the ticket backwards or out of closed, so it
 * does not), id-collision (a second create event in one thread: two
 * tickets merged under one ID; line: that event).
 */
/*
 * An entry of the tickets root that is not a ticket directory, reported
 * as doctor and the git checks both report it: layout-legacy-bucket
 * (open/, pending/, closed/), layout-stray-file (w: a file),
 * layout-duplicate-id (a directory whose name normalises to the ID
 * duplicate_of, another ticket's), layout-bad-dir-name (any other
 * directory). Dot files and valid IDs say nothing.
 */
void yoi_doctor_root_entry(yoi_diag *d, const char *path, const char *name,
			   bool is_dir, const char *duplicate_of);

/*
 * A relation (relation-dangling) or plan record (plan-dangling, with its
 * kind) naming a ticket the store (or the checked version) does not
 * have: one wording for doctor and the git checks.
 */
void yoi_doctor_dangling(yoi_diag *d, const char *path, int line, bool plan,
			 const char *kind, const char *target);

void yoi_doctor_check_ticket(const yoi_ticket_files *f,
			     const yoi_state_table *tab, yoi_diag *d);
/*
 * The same for a caller that has parsed f->thread already (with d, so the
 * parser's findings are in): th is that thread, or NULL when the parse
 * ran out of memory (reported as thread-parse) or f->thread is NULL.
 */
void yoi_doctor_check_parsed(const yoi_ticket_files *f,
			     const struct yoi_thread *th,
			     const yoi_state_table *tab, yoi_diag *d);

/*
 * Walk the whole store: layout (dir names, legacy buckets, duplicates,
 * symlinks, missing files and artifacts/), then each ticket, then what
 * needs every ticket at once. Returns 0 (findings are in d) or an error
 * when the store cannot be read.
 *
 * Relations and plan (SPEC 6, 7, 13), all errors unless marked:
 *   relation-*, plan-*   schema, self and duplicate findings of
 *                        yoi_relations_parse / yoi_plan_parse (see
 *                        relations.h, plan.h); relation-limit and
 *                        plan-limit also for a file over its size limit
 *   file-not-regular     either file is not a regular file (never opened)
 *   relation-dangling    a relation's target is not a ticket of the store
 *   plan-dangling        a plan record's related_ticket is not a ticket
 *   relation-cycle       a cycle of depends_on/blocks relations, each once,
 *                        rotated to its smallest ID; the path is that
 *                        ticket's relations.json, the line its own record
 *                        in the cycle (0 when it holds none); the message
 *                        is yoi_graph_cycle_text's. A depends_on and the
 *                        opposite blocks are one edge; plan records are
 *                        not followed; a ticket relating to itself is
 *                        relation-self, never a cycle.
 *   relation-cycles-capped (w)  more than YOI_GRAPH_CYCLE_CAP_DEFAULT
 *                        cycles: the first ones (by smallest ID) are
 *                        reported; path: the tickets root
 * Git (SPEC 10), warnings, when the store is in a repository:
 *   worktree-missing     an inprogress ticket's recorded worktree (its
 *                        latest accepted_plan) is gone; path: its plan
 *   worktree-cleanup-pending  a ticket worktree whose ticket is closed;
 *                        path: the worktree
 * A symlinked file is only the artifact-symlink finding. The per-ticket
 * work runs in parallel; the store-wide pass is linear in tickets + edges
 * (plus the cycle search, linear per reported cycle).
 */
int yoi_doctor_run(const yoi_store *st, yoi_diag *d, yoi_error *err);

/*
 * Also from yoi_doctor_run, per ticket directory:
 *   layout-orphan        a directory an interrupted create left with
 *                        nothing of value: no item.md, no thread.md, at
 *                        most artifacts/.gitkeep and engine temp files;
 *                        path: the directory
 */

/*
 * Whether making item.md's state follow the replay is a repair: the
 * replay is a valid state, and item.md's state is invalid, or one the
 * thread records the ticket leaving, or behind the replay in the order
 * planning .. done, closed (never out of closed, never backwards).
 */
bool yoi_doctor_drift_follows(const yoi_thread *th, const char *item_state,
			      const char *replay);

/* Codes that --fix can repair. */
bool yoi_doctor_fixable(const char *code);

/*
 * Repair one ticket (under the lock): item.md state follows the replayed
 * thread, a missing artifacts/ is made, a stale updated_at is moved up, a
 * torn thread tail is moved to artifacts/recovered-thread-*.md
 * (yoi_ticket_recover_tail); appends one edit event. Before that, an
 * orphan of an interrupted create (layout-orphan, or layout-missing-item
 * when thread.md holds nothing but the create event, whole or torn) is
 * removed, and an item.md without thread.md gets a new thread.md that
 * starts with a migration event to item.md's state. `what` receives what
 * was done, e.g. "thread tail moved to artifacts/recovered-thread-
 * 20260101T000000Z.md; thread_tail,updated_at" (empty when nothing
 * needed repair). A ticket it cannot load (its own findings say why) is
 * left as it is: 0.
 */
int yoi_doctor_repair(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      yoi_buf *what, yoi_error *err);

#endif
