/*
 * change: one ticket's change between two versions, on buffers - the
 * merge-aware append-only rule, new transitions chained and legal, and
 * inherited defects reported as warnings, new ones as errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/change.h"
#include "yoi/state.h"

#define ID "00001M8Y2NFXW"
#define ITEM(state)                                                            \
	"---\ntitle: 'T'\nstate: '" state "'\n"                                \
	"created_at: '2026-01-01T00:00:00Z'\n"                                 \
	"updated_at: '2026-01-01T00:00:09Z'\n---\n\nbody\n"
#define CREATE                                                                 \
	"<!-- event: create author: t at: 2026-01-01T00:00:00Z -->\n\n"        \
	"## Created\n\nmade\n\n---\n"
#define COMMENT(sec, text)                                                     \
	"<!-- event: comment author: t at: 2026-01-01T00:00:0" sec             \
	"Z -->\n\n## Comment\n\n" text "\n\n---\n"
#define SUMMARY(sec)                                                           \
	"<!-- event: intake_summary author: t at: 2026-01-01T00:00:0" sec      \
	"Z -->\n\n## Intake summary\n\ns\n\n---\n"
#define SC(sec, from, to)                                                      \
	"<!-- event: state_changed author: t at: 2026-01-01T00:00:0" sec       \
	"Z from: " from " to: " to " reason: r field: state -->\n\n"           \
	"## State changed\n\n---\n"

static yoi_ticket_files files(const char *item, const char *thread)
{
	return (yoi_ticket_files){ID,
				  item,
				  item ? strlen(item) : 0,
				  thread,
				  thread ? strlen(thread) : 0,
				  false,
				  "t/item.md",
				  "t/thread.md"};
}

/* The change's findings; *errors gets the error count. */
static yoi_diag check(const char *oi, const char *ot, const char *ni,
		      const char *nt, size_t *errors)
{
	yoi_ticket_files a = files(oi, ot), b = files(ni, nt);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_change_check(oi || ot ? &a : NULL, &b, yoi_state_default_table(),
			 &d);
	*errors = yoi_diag_count(&d, YOI_DIAG_ERROR);
	return d;
}

static bool has(const yoi_diag *d, const char *code, yoi_severity sev)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].code, code) == 0 && d->v[i].severity == sev)
			return true;
	return false;
}

Test(change, an_append_passes)
{
	size_t e;
	yoi_diag d = check(ITEM("planning"), CREATE, ITEM("planning"),
			   CREATE COMMENT("1", "hi"), &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(change, an_edit_of_an_old_block_is_a_rewrite)
{
	size_t e;
	yoi_diag d = check(ITEM("planning"), CREATE COMMENT("1", "said"),
			   ITEM("planning"), CREATE COMMENT("1", "unsaid"), &e);
	cr_assert(has(&d, "change-thread-rewritten", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
}

Test(change, an_interleaved_merge_passes)
{
	size_t e;
	yoi_diag d = check(
	    ITEM("planning"), CREATE COMMENT("3", "ours"), ITEM("planning"),
	    CREATE COMMENT("2", "theirs") COMMENT("3", "ours"), &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(change, a_new_transition_must_be_legal_and_chained)
{
	size_t e;
	/* planning -> queued is not in the table. */
	yoi_diag d = check(ITEM("planning"), CREATE, ITEM("queued"),
			   CREATE SC("1", "planning", "queued"), &e);
	cr_assert(has(&d, "change-illegal-transition", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
	/* From a state the thread never reached. */
	d = check(ITEM("planning"), CREATE, ITEM("queued"),
		  CREATE SC("1", "ready", "queued"), &e);
	cr_assert(has(&d, "change-illegal-transition", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
	/* The real thing. */
	d = check(ITEM("planning"), CREATE, ITEM("ready"),
		  CREATE SUMMARY("1") SC("1", "planning", "ready"), &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(change, an_inherited_defect_is_a_warning_a_new_one_an_error)
{
	size_t e;
	/* item.md lags the thread (it never followed ready -> queued):
	 * drift, already in the older version. */
	yoi_diag d = check(ITEM("ready"),
			   CREATE SC("1", "planning", "ready")
			       SC("2", "ready", "queued"),
			   ITEM("ready"),
			   CREATE SC("1", "planning", "ready")
			       SC("2", "ready", "queued") COMMENT("3", "hi"),
			   &e);
	cr_assert_eq(e, 0);
	cr_assert(has(&d, "state-drift", YOI_DIAG_WARNING));
	yoi_diag_free(&d);
	/* The same drift made by this change is an error. */
	d = check(ITEM("ready"), CREATE SC("1", "planning", "ready"),
		  ITEM("planning"),
		  CREATE SC("1", "planning", "ready") COMMENT("3", "hi"), &e);
	cr_assert(has(&d, "state-drift", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
	/* A ticket added in a later state without a transition (an older
	 * tool's commit, or a store adopted in one commit): item.md's state
	 * stands, a warning, so check passes such histories. */
	d = check(NULL, NULL, ITEM("ready"), CREATE, &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert(has(&d, "state-inherited", YOI_DIAG_WARNING));
	yoi_diag_free(&d);
}

#define REOPEN(sec)                                                            \
	"<!-- event: reopen author: t at: 2026-01-01T00:00:0" sec              \
	"Z -->\n\n## Reopened\n\nagain\n\n---\n"
#define CLOSE(sec)                                                             \
	"<!-- event: close author: t at: 2026-01-01T00:00:0" sec               \
	"Z status: closed -->\n\n## Closed\n\ndone\n\n---\n"

/* Issue 13, class 3: an older tool created the ticket in ready without a
 * transition; a new transition is judged from that inherited state. */
Test(change, a_transition_from_the_inherited_state_passes)
{
	size_t e;
	yoi_diag d = check(ITEM("ready"), CREATE, ITEM("queued"),
			   CREATE SC("1", "ready", "queued"), &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
	/* Not from another state ... */
	d = check(ITEM("ready"), CREATE, ITEM("ready"),
		  CREATE SC("1", "planning", "ready"), &e);
	cr_assert(has(&d, "change-illegal-transition", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
	/* ... and not outside the table. */
	d = check(ITEM("ready"), CREATE, ITEM("done"),
		  CREATE SC("1", "ready", "done"), &e);
	cr_assert(has(&d, "change-illegal-transition", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
	/* A check range that holds the older tool's creating commit too:
	 * the first transition's from is the initial state ... */
	d = check(NULL, NULL, ITEM("queued"), CREATE SC("1", "ready", "queued"),
		  &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
	/* ... and the transitions after it still chain. */
	d = check(NULL, NULL, ITEM("queued"),
		  CREATE SC("1", "ready", "queued") SC("2", "ready", "queued"),
		  &e);
	cr_assert(has(&d, "change-illegal-transition", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
}

/* Issue 13, class 1: closed with a close event alone (or no event at
 * all); the reopen the engine writes passes. */
Test(change, a_reopen_of_a_ticket_closed_by_an_older_tool_passes)
{
	size_t e;
	yoi_diag d =
	    check(ITEM("closed"), CREATE, ITEM("planning"),
		  CREATE REOPEN("1") SC("1", "closed", "planning"), &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
	d = check(ITEM("closed"), CREATE CLOSE("1"), ITEM("planning"),
		  CREATE CLOSE("1") REOPEN("2") SC("2", "closed", "planning"),
		  &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
	/* An older tool's reopen alone returned it to planning. */
	d = check(ITEM("planning"), CREATE CLOSE("1") REOPEN("2"),
		  ITEM("ready"),
		  CREATE CLOSE("1") REOPEN("2") SUMMARY("3")
		      SC("3", "planning", "ready"),
		  &e);
	cr_assert_eq(e, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(change, removing_the_thread_is_an_error)
{
	size_t e;
	yoi_diag d =
	    check(ITEM("planning"), CREATE, ITEM("planning"), NULL, &e);
	cr_assert(has(&d, "change-thread-removed", YOI_DIAG_ERROR));
	yoi_diag_free(&d);
}
