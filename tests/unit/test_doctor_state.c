/*
 * The replay rule on buffers (SPEC 5, issue 13): the initial state is the
 * `from` of the first recorded transition; with none, item.md's state
 * stands. doctor's inherited-state warnings and the drift it may repair.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "yoi/doctor.h"
#include "yoi/state.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"

#define EV(attrs, heading)                                                     \
	"<!-- event: " attrs " -->\n\n## " heading "\n\nx\n\n---\n"
#define CREATE EV("create author: t at: 2026-01-01T00:00:00Z", "Created")
#define CLOSE                                                                  \
	EV("close author: t at: 2026-01-01T00:00:01Z status: closed", "Close"  \
								      "d")
#define REOPEN	EV("reopen author: t at: 2026-01-01T00:00:02Z", "Reopened")
#define COMMENT EV("comment author: t at: 2026-01-01T00:00:01Z", "Comment")
#define MIGRATION                                                              \
	EV("migration author: t at: 2026-01-01T00:00:00Z to: done", "Migrate"  \
								    "d")
#define SC(from, to)                                                           \
	EV("state_changed author: t at: 2026-01-01T00:00:03Z from: " from      \
	   " to: " to " reason: r field: state",                               \
	   "State changed")
#define ITEM(state)                                                            \
	"---\ntitle: 'T'\nstate: '" state "'\n"                                \
	"created_at: '2026-01-01T00:00:00Z'\n"                                 \
	"updated_at: '2026-01-01T00:00:09Z'\n---\n\nbody\n"

static yoi_thread *parse(const char *text)
{
	yoi_thread *t = NULL;
	cr_assert_eq(yoi_thread_parse(&t, text, strlen(text), "t", NULL), 0);
	return t;
}

static const char *replay(const char *text, const char *item_state)
{
	static char buf[32];
	yoi_thread *t = parse(text);
	const char *s = yoi_ticket_replay_or(t, item_state);
	snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	yoi_thread_free(t);
	return buf;
}

Test(replay, a_thread_without_transition_keeps_the_item_state)
{
	yoi_thread *t = parse(CREATE COMMENT);
	cr_assert_null(yoi_ticket_replay(t));
	yoi_thread_free(t);
	cr_assert_str_eq(replay(CREATE, "ready"), "ready");
	cr_assert_str_eq(replay(CREATE COMMENT, "inprogress"), "inprogress");
	cr_assert_str_eq(replay(CREATE, "closed"), "closed");
	cr_assert_str_eq(replay(CREATE, "planning"), "planning");
}

Test(replay, recorded_state_events_decide)
{
	cr_assert_str_eq(replay(CREATE CLOSE, "planning"), "closed");
	cr_assert_str_eq(replay(CREATE CLOSE REOPEN, "closed"), "planning");
	cr_assert_str_eq(replay(CREATE SC("ready", "queued"), "ready"),
			 "queued");
	cr_assert_str_eq(replay(CREATE CLOSE SC("ready", "closed")
				    REOPEN SC("closed", "planning"),
				"closed"),
			 "planning");
	cr_assert_str_eq(replay(MIGRATION, "planning"), "done");
}

/* doctor's findings for one ticket. */
static yoi_diag check(const char *item, const char *thread)
{
	yoi_ticket_files f = {"0000000000001", item,	       strlen(item),
			      thread,	       strlen(thread), true,
			      "t/item.md",     "t/thread.md"};
	yoi_diag d = YOI_DIAG_INIT;
	yoi_doctor_check_ticket(&f, yoi_state_default_table(), &d);
	return d;
}

static size_t n_of(const yoi_diag *d, const char *code, yoi_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += strcmp(d->v[i].code, code) == 0 && d->v[i].severity == sev;
	return n;
}

Test(doctor_state, created_in_a_later_state_is_a_warning)
{
	static const char *const states[] = {"ready", "inprogress", "done",
					     "closed"};
	for (size_t i = 0; i < 4; i++) {
		char item[256];
		snprintf(item, sizeof(item), ITEM("%s"), states[i]);
		yoi_diag d = check(item, CREATE COMMENT);
		cr_assert_eq(yoi_diag_count(&d, YOI_DIAG_ERROR), 0, "%s: %s",
			     states[i], d.n ? d.v[0].message : "");
		cr_assert_eq(n_of(&d, "state-inherited", YOI_DIAG_WARNING), 1,
			     "%s", states[i]);
		yoi_diag_free(&d);
	}
	/* planning: what create means anyway, nothing to say. */
	yoi_diag d = check(ITEM("planning"), CREATE);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
	/* A close event explains closed: nothing inherited. */
	d = check(ITEM("closed"), CREATE CLOSE);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(doctor_state, first_transition_from_a_later_state_is_a_warning)
{
	yoi_diag d = check(ITEM("done"), CREATE SC("inprogress", "done"));
	cr_assert_eq(yoi_diag_count(&d, YOI_DIAG_ERROR), 0, "%s",
		     d.n ? d.v[0].message : "");
	cr_assert_eq(n_of(&d, "state-initial-inherited", YOI_DIAG_WARNING), 1);
	cr_assert_eq(d.v[0].line, 8);
	yoi_diag_free(&d);
	/* From planning: a normal history. */
	d = check(ITEM("done"),
		  CREATE SC("planning", "ready") SC("ready", "queued")
		      SC("queued", "inprogress") SC("inprogress", "done"));
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(doctor_state, drift_is_fixable_only_forward)
{
	/* item.md lags its thread: the repair moves it forward. */
	yoi_diag d = check(ITEM("ready"), CREATE SC("planning", "ready")
					      SC("ready", "queued"));
	cr_assert_eq(n_of(&d, "state-drift", YOI_DIAG_ERROR), 1);
	yoi_diag_free(&d);
	/* item.md ahead of its thread, or closed: never moved back. */
	d = check(ITEM("done"), CREATE SC("planning", "ready"));
	cr_assert_eq(n_of(&d, "state-drift-unrecorded", YOI_DIAG_ERROR), 1);
	cr_assert_eq(n_of(&d, "state-drift", YOI_DIAG_ERROR), 0);
	yoi_diag_free(&d);
	d = check(ITEM("closed"), CREATE SC("planning", "ready"));
	cr_assert_eq(n_of(&d, "state-drift-unrecorded", YOI_DIAG_ERROR), 1);
	yoi_diag_free(&d);
	cr_assert(yoi_doctor_fixable("state-drift"));
	cr_assert_not(yoi_doctor_fixable("state-drift-unrecorded"));
	cr_assert_not(yoi_doctor_fixable("state-inherited"));
	cr_assert_not(yoi_doctor_fixable("state-initial-inherited"));
	/* The thread records leaving closed (a reopen): follow it. */
	yoi_thread *t = parse(CREATE CLOSE SC("ready", "closed")
				  REOPEN SC("closed", "planning"));
	cr_assert(yoi_doctor_drift_follows(t, "closed", "planning"));
	cr_assert_not(yoi_doctor_drift_follows(t, "done", "planning"));
	cr_assert(yoi_doctor_drift_follows(t, "wontfix", "planning"));
	yoi_thread_free(t);
}
