/*
 * state.h - states and the transition table (SPEC 5). The table is data:
 * the built-in default, or one read from config (section 9). Guards are a
 * single hook point (yoi_guard_fn) that routing fills in.
 */
#ifndef YOI_STATE_H
#define YOI_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

typedef enum {
	YOI_ST_PLANNING = 0,
	YOI_ST_READY,
	YOI_ST_QUEUED,
	YOI_ST_INPROGRESS,
	YOI_ST_DONE,
	YOI_ST_CLOSED,
	YOI_ST__COUNT,
	YOI_ST_INVALID = -1,
} yoi_state;

const char *yoi_state_name(yoi_state s);     /* "planning"...; "?" if invalid */
yoi_state yoi_state_parse(const char *name); /* YOI_ST_INVALID if unknown */
/* done or closed: nothing waits on a finished ticket (SPEC 8). */
bool yoi_state_finished(yoi_state s);

/* Requirements and effects of one transition, as flags. */
enum {
	YOI_TR_NEEDS_REASON = 1u << 0,	/* --reason required */
	YOI_TR_NEEDS_SUMMARY = 1u << 1, /* --summary required: intake_summary */
	YOI_TR_VIA_CLOSE = 1u << 2,	/* only through `close` */
	YOI_TR_VIA_REOPEN = 1u << 3,	/* only through `reopen` */
	YOI_TR_QUEUE_GUARD = 1u << 4,	/* run the queue guard */
	YOI_TR_START_GUARD = 1u << 5,	/* run the start guard */
	YOI_TR_SETS_QUEUED = 1u << 6,	/* set queued_by / queued_at */
};

typedef struct yoi_transition {
	yoi_state from;
	yoi_state to;
	unsigned flags;
} yoi_transition;

typedef struct yoi_state_table {
	yoi_transition *v;
	size_t n;
	bool owned; /* v is heap-allocated (config tables) */
} yoi_state_table;

/* The built-in table of SPEC 5. Static, never freed. */
const yoi_state_table *yoi_state_default_table(void);

/*
 * Build a table from (from, to) pairs given in config: flags are taken
 * from the default entry with the same pair, or from the target state's
 * conventions (to=closed -> VIA_CLOSE, from=closed -> VIA_REOPEN,
 * to=ready from planning -> NEEDS_SUMMARY, to=queued -> QUEUE_GUARD and
 * SETS_QUEUED, to=inprogress from queued -> START_GUARD).
 */
int yoi_state_table_from_pairs(yoi_state_table *out, const yoi_state *from,
			       const yoi_state *to, size_t n);
void yoi_state_table_free(yoi_state_table *t);

/* The entry for from -> to, or NULL when not allowed. */
const yoi_transition *yoi_state_find(const yoi_state_table *t, yoi_state from,
				     yoi_state to);

/* Allowed targets from `from` as "ready, planning" (for messages). */
int yoi_state_targets(const yoi_state_table *t, yoi_state from, yoi_buf *out);

/*
 * Guard hook: called for transitions with QUEUE_GUARD or START_GUARD.
 * Returns 0 to allow, or YOI_EREFUSED with a message in why naming each
 * blocker ("waiting for <ID> via depends_on (state: queued)"). The routing
 * module provides the real guard; the core passes NULL (allow all).
 */
typedef int (*yoi_guard_fn)(void *ctx, const char *id, yoi_state from,
			    yoi_state to, unsigned flags, yoi_buf *why);

#endif
