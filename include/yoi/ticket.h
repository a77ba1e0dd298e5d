/*
 * ticket.h - operations on one ticket: load, create, append events,
 * transitions, close/reopen, edit. Each mutation takes the store lock,
 * moves a torn thread tail aside (yoi_ticket_recover_tail), checks that
 * the change can be written (limits, a writable directory, room on the
 * file system), appends to thread.md FIRST (one write), then rewrites
 * item.md atomically (thread.md is the source of truth). A mutation that
 * stopped between the two is completed, not repeated, by its retry (see
 * yoi_ticket_commit; for transitions: the thread ends with the very
 * transition asked for and item.md still shows its from-state).
 *
 * Ownership: yoi_ticket_load allocates a yoi_ticket; yoi_ticket_free.
 */
#ifndef YOI_TICKET_H
#define YOI_TICKET_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "item.h"
#include "resource.h"
#include "state.h"
#include "store.h"
#include "thread.h"

/* Who acts, when, and how: explicit parameters, never globals. */
typedef struct yoi_opctx {
	const char *author;
	int64_t now_ms; /* Unix milliseconds: IDs and timestamps */
	/*
	 * Optional clock (Unix ms). When set, event times and updated_at are
	 * read from it as they are written, under the store lock, so that a
	 * writer that waited for the lock never stamps a time earlier than
	 * the events appended while it waited. NULL: now_ms.
	 */
	int64_t (*clock_ms)(void);
	int wait_sec;
	bool allow_large;
	/*
	 * The dependency guards (SPEC 8) of a guarded transition (queue,
	 * start): NULL runs the store's own (yoi_routing_guard_fn, reading
	 * the relation graph under the transition's lock). A caller may give
	 * another guard; skipping them takes an explicit unguarded (then the
	 * table, reasons and summaries still apply; --force is the user's
	 * override and is recorded).
	 */
	yoi_guard_fn guard;
	void *guard_ctx;
	bool unguarded;
	const yoi_texts *texts;
	/*
	 * Optional: told of a repair a writer made on its own before its
	 * change (a torn thread tail moved to a recovery file): a stable
	 * code, the file, and a message for the user. NULL: not told.
	 */
	void (*report)(void *report_ctx, const char *code, const char *path,
		       const char *msg);
	void *report_ctx;
	/*
	 * Optional source of randomness (fill buf with n random bytes; < 0
	 * with errno on failure). When set, every new event carries an `id`
	 * attribute of YOI_EVENT_ID_HEX hex digits, so that two distinct
	 * events with identical bytes otherwise stay two, and a new ticket's
	 * ID gets its random bits (id.h) from it. NULL: no event id, and
	 * ticket IDs without randomness (unique on this store only).
	 */
	int (*random)(void *random_ctx, void *buf, size_t n);
	void *random_ctx;
} yoi_opctx;

#define YOI_EVENT_ID_HEX 16

enum {
	YOI_LOAD_FRONTMATTER = 1u << 0, /* item.md up to the closer only */
	YOI_LOAD_ITEM = 1u << 1,	/* the whole item.md */
	YOI_LOAD_THREAD = 1u << 2,	/* parse thread.md */
	/* The caller has seen the ticket dir as a real directory (it came
	 * from yoi_store_ids): skip the lstat. */
	YOI_LOAD_DIR_CHECKED = 1u << 3,
};

typedef struct yoi_ticket {
	char id[YOI_ID_LEN + 1];
	const yoi_store *st; /* borrowed: writes go through its scope */
	char *dir;
	char *item_path;
	char *thread_path;
	yoi_item *item;	    /* NULL unless loaded */
	yoi_thread *thread; /* NULL unless loaded */
	bool thread_crlf;
	bool thread_needs_nl; /* thread.md lacks a final newline */
	/*
	 * thread.md as read: its size, and whether it ends in a torn tail
	 * (yoi_thread_torn_tail) of the bytes past thread_keep. Loaders
	 * parse only the complete part: a torn block is no event.
	 */
	size_t thread_size;
	size_t thread_keep;
	bool thread_torn;
	/*
	 * item.md lags the thread (its state is not the replayed one, or
	 * its updated_at is older than the last event): the last mutation
	 * stopped between its append and its item.md rewrite. Set by
	 * yoi_ticket_begin.
	 */
	bool item_lags;
	/* The recovery file yoi_ticket_begin moved a torn tail to, or NULL. */
	char *recovered;
} yoi_ticket;

/* Load a ticket by full ID. YOI_ENOTFOUND / YOI_ECORRUPT / YOI_EIO. */
int yoi_ticket_load(yoi_ticket **out, const yoi_store *st, const char *id,
		    unsigned what, yoi_error *err);
void yoi_ticket_free(yoi_ticket *t);

/*
 * The state replayed from the thread (SPEC 5), in file order: the `to`
 * of the last state_changed, "closed" after a close, "planning" after a
 * reopen (an older tool's, logged without its transition: the engine's
 * own are followed by one), a migration's `to:`/`state:`. NULL when the
 * thread records no state at all (a create alone does not: older tools
 * created tickets directly in later states): item.md's state stands,
 * inherited. Borrowed from t.
 */
const char *yoi_ticket_replay(const yoi_thread *t);

/* yoi_ticket_replay, else item_state (the inherited state). */
const char *yoi_ticket_replay_or(const yoi_thread *t, const char *item_state);

typedef struct yoi_create_opts {
	const char *title;
	const char *body; /* NULL: the language's template body */
	const char *assignee;
	const char *readiness;
	const char *priority; /* NULL: none; one word such as P1 */
	const char *const *risk_flags;
	size_t nrisk;
	/* Labels, kept in the frontmatter list `tags` (written only when
	 * given: `labels` is an obsolete field of the format). */
	const char *const *labels;
	size_t nlabels;
	const char *slug; /* recorded on the create event */
	/* Full IDs the new ticket depends on (no repeats): the edges and
	 * their relation events are written with the ticket, all or
	 * nothing; a target that is not a ticket is YOI_ENOTFOUND and
	 * nothing is created. */
	const char *const *depends_on;
	size_t ndeps;
} yoi_create_opts;

int yoi_ticket_create(yoi_store *st, const yoi_opctx *ctx,
		      const yoi_create_opts *o, char id[YOI_ID_LEN + 1],
		      yoi_error *err);

/* Append one event (comment, plan, decision, review, ...). */
int yoi_ticket_append(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      const char *kind, const yoi_attr *attrs, size_t nattrs,
		      const char *body, yoi_error *err);

typedef struct yoi_transition_req {
	const char *target;
	const char *reason;
	const char *summary;
	bool force;
	/* Extra attributes of the state_changed event (after field). */
	const yoi_attr *attrs;
	size_t nattrs;
	/*
	 * Side effects that go with the transition, all or nothing (start's
	 * branch and worktree): prepare runs under the lock once every check
	 * passed and before anything is written (failing aborts, nothing
	 * written); undo runs when the transition then fails to be written.
	 */
	int (*prepare)(void *hook, yoi_error *err);
	void (*undo)(void *hook);
	void *hook;
	bool *forced_out; /* may be NULL: set when --force overrode something */
} yoi_transition_req;

/* `state ID TARGET`. *from_out (may be NULL) receives the old state. */
int yoi_ticket_transition(yoi_store *st, const yoi_opctx *ctx, const char *id,
			  const yoi_transition_req *req, yoi_state *from_out,
			  yoi_error *err);
int yoi_ticket_close(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     const char *resolution, yoi_error *err);
int yoi_ticket_reopen(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      const char *reason, yoi_error *err);

typedef struct yoi_edit_opts {
	const char *title;     /* NULL: unchanged */
	const char *assignee;  /* NULL: unchanged */
	bool clear_assignee;   /* set assignee: null */
	const char *readiness; /* NULL: unchanged */
	const char *priority;  /* NULL: unchanged; "": remove it (null) */
	const char *const *risk_flags;
	size_t nrisk;
	bool set_risk; /* replace risk_flags with the list above */
	/* Or change the list one flag at a time: each add appended when
	 * absent, each remove dropped when present (not with set_risk). */
	const char *const *add_risk;
	size_t nadd_risk;
	const char *const *remove_risk;
	size_t nremove_risk;
	/* Labels (the list `tags`), one at a time as the risk flags. */
	const char *const *add_label;
	size_t nadd_label;
	const char *const *remove_label;
	size_t nremove_label;
	const char *body;
	size_t body_len;
	bool set_body;
} yoi_edit_opts;

/* YOI_EUSAGE when nothing would change. */
int yoi_ticket_edit(yoi_store *st, const yoi_opctx *ctx, const char *id,
		    const yoi_edit_opts *o, yoi_error *err);

/* Render item and replace item.md atomically. */
int yoi_ticket_write_item(const yoi_ticket *t, const yoi_item *it,
			  yoi_error *err);

/*
 * Building blocks of a mutation, for modules that add their own (doctor
 * --fix, relations): begin = lock + load item and thread, and first move
 * a torn thread tail aside (yoi_ticket_recover_tail); event = render
 * one event by ctx's author at ctx's time; lead_newline = the newline a
 * thread without a final one needs first; commit = append events in one
 * write, stamp updated_at, rewrite item.md; end = free + unlock.
 *
 * commit is safe against the faults of SPEC 14: before appending it
 * refuses (nothing written) a change that would take thread.md or item.md
 * over YOI_FILE_MAX (YOI_EREFUSED), a ticket directory it cannot write or
 * a file system without room for the append plus the new item.md
 * (YOI_EIO). And it is safe to retry: when item.md lags the thread and
 * the thread already ends with exactly these events (the same kinds,
 * authors, attributes and bodies; only the times may differ), the earlier
 * run appended them and stopped before item.md: commit appends nothing
 * and completes item.md. An empty events buffer appends nothing either.
 */
int yoi_ticket_begin(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     yoi_ticket **t, yoi_error *err);
int yoi_ticket_event(yoi_buf *events, const yoi_opctx *ctx, bool crlf,
		     const char *kind, const yoi_attr *attrs, size_t nattrs,
		     const char *body, yoi_error *err);
int yoi_ticket_lead_newline(const yoi_ticket *t, yoi_buf *events);
int yoi_ticket_commit(const yoi_ticket *t, const yoi_opctx *ctx,
		      const yoi_buf *events, yoi_error *err);
void yoi_ticket_end(yoi_store *st, yoi_ticket *t);

/*
 * Under the store lock: when t's thread.md ends in a torn tail (see
 * yoi_thread_torn_tail) after at least one complete block, copy the torn
 * bytes to a new file <ticket>/artifacts/recovered-thread-<time>[-N].md
 * (written and fsynced first), then truncate thread.md back to the end of
 * its last complete block: the one truncation of thread.md the engine
 * makes, and it removes only bytes that are not a complete block. Sets
 * t->recovered (owned by t) and tells ctx->report ("thread-torn-tail").
 * Nothing to do: 0. A torn thread with no complete block: YOI_ECORRUPT.
 */
int yoi_ticket_recover_tail(yoi_ticket *t, const yoi_opctx *ctx,
			    yoi_error *err);

#endif
