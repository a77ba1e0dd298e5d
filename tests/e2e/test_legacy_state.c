/*
 * End-to-end: inherited state in stores written by other tools (issue 13,
 * classes 1, 3 and 8). The initial state of a ticket is the `from` of its
 * first recorded transition; with none, item.md's state stands. doctor
 * warns about such gaps, never repairs backwards or out of closed, and
 * `doctor --fix` is idempotent.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ID1 "0000000000001"
#define ID2 "0000000000002"
#define T0  "2026-01-01T00:00:00Z"
#define T1  "2026-01-01T01:00:00Z"
#define T2  "2026-01-01T02:00:00Z"
#define T3  "2026-01-01T03:00:00Z"

#define EV(attrs, heading, body)                                               \
	"<!-- event: " attrs " -->\n\n## " heading "\n\n" body "\n\n---\n"
#define CREATE                                                                 \
	EV("create author: oldtool at: " T0, "Created", "Ticket created.")
#define CLOSE(at)                                                              \
	EV("close author: oldtool at: " at " status: closed", "Closed", "Done.")
#define REOPEN(at) EV("reopen author: oldtool at: " at, "Reopened", "Again.")
#define SC(at, from, to)                                                       \
	EV("state_changed author: oldtool at: " at " from: " from " to: " to   \
	   " reason: r field: state",                                          \
	   "State changed", "moved")
#define ITEM_U(state, updated)                                                 \
	"---\ntitle: 'Legacy'\nstate: '" state "'\ncreated_at: '" T0           \
	"'\nupdated_at: '" updated "'\n---\n\n## Background\n\nText.\n"
#define ITEM(state) ITEM_U(state, T0)

#define IP(id) e2e_tpath(id, "item.md")
#define TP(id) e2e_tpath(id, "thread.md")

/* A ticket directory with artifacts/, item.md and thread.md. */
static void put_resolution(const char *dir, const char *id)
{
	e2e_write(dir, e2e_tpath(id, "resolution.md"), "Done.\n");
}

typedef struct doc {
	int status;
	json_t *root;
	json_t *diags; /* borrowed from root */
	long errors, warnings;
} doc;

static doc doctor_json(const char *dir, bool fix)
{
	e2e_result r = fix ? RUN(dir, "doctor", "--fix", "--format", "json")
			   : RUN(dir, "doctor", "--format", "json");
	doc d = {r.status, NULL, NULL, 0, 0};
	json_error_t je;
	d.root = json_loads(r.out, 0, &je);
	cr_assert_not_null(d.root, "doctor json: %s\n%s\n%s", je.text, r.out,
			   r.err);
	d.diags = json_object_get(d.root, "diagnostics");
	cr_assert(json_is_array(d.diags));
	d.errors = (long)json_integer_value(json_object_get(d.root, "errors"));
	d.warnings =
	    (long)json_integer_value(json_object_get(d.root, "warnings"));
	e2e_free(&r);
	return d;
}

static void doc_free(doc *d)
{
	json_decref(d->root);
}

static const char *str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* Findings with this code (and severity, when given) about id. */
static size_t count(const doc *d, const char *sev, const char *code,
		    const char *id)
{
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(d->diags, i, e)
	{
		if (strcmp(str(e, "code"), code) == 0 &&
		    (!sev || strcmp(str(e, "severity"), sev) == 0) &&
		    (!id || strstr(str(e, "path"), id)))
			n++;
	}
	return n;
}

static char *dump(const doc *d)
{
	return json_dumps(d->diags, JSON_INDENT(1));
}

/* e2e_fix_twice, then doctor's result. */
static doc fix_twice(const char *dir)
{
	e2e_fix_twice(dir);
	return doctor_json(dir, false);
}

/* show --json: the ticket's state and replayed_state. */
static void expect_show(const char *dir, const char *id, const char *state)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_str_eq(str(j, "state"), state);
	cr_assert_str_eq(str(j, "replayed_state"), state);
	json_decref(j);
	e2e_free(&r);
}

/* ---- class 1: closed by an older tool --------------------------------- */

/* item.md closed, thread only create + close: closed stands, warned. */
Test(legacy_state, class1_closed_without_transition_stays_closed)
{
	char *dir = e2e_store();
	e2e_put_ticket(dir, ID1, ITEM_U("closed", T1), CREATE CLOSE(T1));
	put_resolution(dir, ID1);
	/* A tool that logged only the create (the close line unreadable or
	 * missing): item.md's closed stands too. */
	e2e_put_ticket(dir, ID2, ITEM("closed"), CREATE);
	put_resolution(dir, ID2);
	doc d = doctor_json(dir, false);
	char *s = dump(&d);
	cr_assert_eq(d.status, 0, "%s", s);
	cr_assert_eq(d.errors, 0, "%s", s);
	/* The close event explains closed: nothing inherited. */
	cr_assert_eq(count(&d, NULL, "state-inherited", ID1), 0, "%s", s);
	cr_assert_eq(count(&d, "warning", "state-inherited", ID2), 1, "%s", s);
	free(s);
	doc_free(&d);
	d = fix_twice(dir);
	doc_free(&d);
	for (size_t i = 0; i < 2; i++) {
		char *item = e2e_read(dir, IP(i ? ID2 : ID1));
		cr_assert(strstr(item, "state: 'closed'"), "%s", item);
		free(item);
	}
	expect_show(dir, ID1, "closed");
	expect_show(dir, ID2, "closed");
	e2e_comment_commits(dir, ID1);
	/* reopen works from the inherited closed. */
	e2e_result r = RUN(dir, "reopen", ID2, "--reason", "not done");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	expect_show(dir, ID2, "planning");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm reopen "
				 ">.git/commit.out 2>&1"),
		     0, "the hooks refused the reopen");
	e2e_rm(dir);
}

/* The store of the issue: the close line's author unquoted with a space
 * (read as malformed, or read leniently by a newer lexer): either way no
 * drift, --fix keeps closed, reopen works. */
Test(legacy_state, class1_close_line_with_an_unquoted_author)
{
	char *dir = e2e_store();
	e2e_put_ticket(dir, ID1, ITEM_U("closed", T1),
		       EV("create author: \"yoi ticket\" at: " T0, "Created",
			  "Ticket created.")
			   EV("close author: yoi ticket at: " T1
			      " status: closed",
			      "Closed", "Done."));
	put_resolution(dir, ID1);
	doc d = doctor_json(dir, false);
	char *s = dump(&d);
	cr_assert_eq(count(&d, NULL, "state-drift", NULL), 0, "%s", s);
	free(s);
	doc_free(&d);
	d = fix_twice(dir);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item, "state: 'closed'"), "%s", item);
	free(item);
	expect_show(dir, ID1, "closed");
	e2e_comment_commits(dir, ID1);
	e2e_result r = RUN(dir, "reopen", ID1, "--reason", "not done");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	expect_show(dir, ID1, "planning");
	e2e_rm(dir);
}

/* doctor --fix never moves a ticket out of closed the thread disagrees
 * with: it reports it (not fixable) and leaves it. */
Test(legacy_state, fix_never_moves_out_of_closed)
{
	char *dir = e2e_store();
	e2e_put_ticket(dir, ID1, ITEM_U("closed", T1),
		       CREATE SC(T1, "planning", "ready"));
	put_resolution(dir, ID1);
	char *before = e2e_read(dir, IP(ID1));
	doc d = doctor_json(dir, false);
	char *s = dump(&d);
	cr_assert_eq(count(&d, "error", "state-drift-unrecorded", ID1), 1, "%s",
		     s);
	cr_assert_eq(count(&d, NULL, "state-drift", ID1), 0, "%s", s);
	free(s);
	doc_free(&d);
	d = fix_twice(dir);
	doc_free(&d);
	char *after = e2e_read(dir, IP(ID1));
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
	e2e_rm(dir);
}

/* An older tool's reopen without its transition returns to planning. */
Test(legacy_state, reopen_event_alone_returns_to_planning)
{
	char *dir = e2e_store();
	e2e_put_ticket(dir, ID1, ITEM_U("planning", T2),
		       CREATE CLOSE(T1) REOPEN(T2));
	doc d = doctor_json(dir, false);
	char *s = dump(&d);
	cr_assert_eq(d.errors, 0, "%s", s);
	free(s);
	doc_free(&d);
	expect_show(dir, ID1, "planning");
	e2e_rm(dir);
}

/* ---- class 3: created directly in a later state ---------------------- */

Test(legacy_state, class3_created_in_later_states)
{
	char *dir = e2e_store();
	static const char *const ids[] = {"0000000000011", "0000000000012",
					  "0000000000013"};
	static const char *const states[] = {"ready", "inprogress", "done"};
	for (size_t i = 0; i < 3; i++) {
		char item[512];
		snprintf(item, sizeof(item), ITEM("%s"), states[i]);
		e2e_put_ticket(dir, ids[i], item, CREATE);
	}
	/* First transition from a later state: the replay starts there. */
	e2e_put_ticket(dir, ID1, ITEM_U("done", T1),
		       CREATE SC(T1, "inprogress", "done"));
	doc d = doctor_json(dir, false);
	char *s = dump(&d);
	cr_assert_eq(d.status, 0, "%s", s);
	cr_assert_eq(d.errors, 0, "%s", s);
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(count(&d, "warning", "state-inherited", ids[i]), 1,
			     "%s", s);
	cr_assert_eq(count(&d, "warning", "state-initial-inherited", ID1), 1,
		     "%s", s);
	cr_assert_eq(count(&d, NULL, "thread-transition-chain", NULL), 0, "%s",
		     s);
	free(s);
	doc_free(&d);
	d = fix_twice(dir);
	doc_free(&d);
	for (size_t i = 0; i < 3; i++)
		expect_show(dir, ids[i], states[i]);
	expect_show(dir, ID1, "done");
	/* The next transition is judged from the inherited state. */
	e2e_result r =
	    RUN(dir, "state", ids[2], "inprogress", "--reason", "rework");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "finish", ids[1]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	e2e_comment_commits(dir, ids[0]);
	d = doctor_json(dir, false);
	cr_assert_eq(d.errors, 0);
	doc_free(&d);
	e2e_rm(dir);
}

/* check over a history: created in ready by hand, then ready -> queued. */
Test(legacy_state, class3_check_history)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm c0 --no-verify "
				 "--allow-empty && git tag c0"),
		     0);
	/* Commit 1: an older tool creates the ticket in ready. */
	e2e_put_ticket(dir, ID1, ITEM("ready"), CREATE);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm c1 --no-verify "
				 "&& git tag c1"),
		     0);
	/* Commit 2: a legal ready -> queued appended by hand. */
	e2e_write(dir, IP(ID1), ITEM_U("queued", T1));
	e2e_append(dir, TP(ID1), SC(T1, "ready", "queued"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm c2 --no-verify "
				 "&& git tag c2"),
		     0);
	e2e_result r = RUN(dir, "check", "--base", "c1", "--head", "c2");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	/* The creating commit too: a warning, not a rejection. */
	r = RUN(dir, "check", "--base", "c0", "--head", "c2");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "c0", "--head", "c1");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "state-inherited"), "%s%s", r.out, r.err);
	e2e_free(&r);
	/* Commit 3: queued -> done is not in the table. */
	e2e_write(dir, IP(ID1), ITEM_U("done", T2));
	e2e_append(dir, TP(ID1), SC(T2, "queued", "done"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm c3 --no-verify "
				 "&& git tag c3"),
		     0);
	r = RUN(dir, "check", "--base", "c2", "--head", "c3");
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "change-illegal-transition"), "%s%s", r.out,
		  r.err);
	e2e_free(&r);
	/* From c1 instead: a transition that does not start from the
	 * inherited ready is refused. */
	cr_assert_eq(e2e_sh(dir, "git checkout -q c1 && git checkout -qb alt"),
		     0);
	e2e_write(dir, IP(ID1), ITEM_U("ready", T1));
	e2e_append(dir, TP(ID1), SC(T1, "planning", "ready"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm c4 --no-verify "
				 "&& git tag c4"),
		     0);
	r = RUN(dir, "check", "--base", "c1", "--head", "c4");
	cr_assert_neq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "change-illegal-transition"), "%s%s", r.out,
		  r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

/* The merge driver: a thread that records no state leaves the state
 * item.md's sides agree on (it used to force planning). */
Test(legacy_state, class3_merge_keeps_the_inherited_state)
{
	char *dir = e2e_store();
	e2e_put_ticket(dir, ID1, ITEM("ready"), CREATE);
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm base "
				 "&& git checkout -qb side"),
		     0);
	r = RUN(dir, "comment", ID1, "--message", "from the side");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm side "
				 "&& git checkout -q -"),
		     0);
	r = RUN(dir, "comment", ID1, "--message", "from main");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm main && "
				 "git merge -q --no-edit side "
				 ">.git/merge.out 2>&1"),
		     0, "the merge failed");
	char *item = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item, "state: 'ready'"), "%s", item);
	free(item);
	char *thread = e2e_read(dir, TP(ID1));
	cr_assert_eq(e2e_count(thread, "## Comment"), 2, "%s", thread);
	free(thread);
	expect_show(dir, ID1, "ready");
	doc d = doctor_json(dir, false);
	cr_assert_eq(d.errors, 0);
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- class 8: doctor --fix is idempotent ------------------------------ */

/* A clock behind the thread's times: --fix once, then nothing to do. */
Test(legacy_state, fix_is_idempotent_with_a_clock_behind_the_thread)
{
	char *dir = e2e_store();
	setenv("YOI_TICKETS_NOW", T0, 1);
	e2e_put_ticket(dir, ID1, ITEM_U("ready", T0),
		       CREATE SC(T2, "planning", "ready"));
	e2e_put_ticket(dir, ID2, ITEM_U("planning", T0),
		       CREATE SC(T3, "planning", "ready"));
	doc d = doctor_json(dir, false);
	char *s = dump(&d);
	cr_assert_eq(count(&d, "warning", "item-stale-updated-at", ID1), 1,
		     "%s", s);
	cr_assert_eq(count(&d, "error", "state-drift", ID2), 1, "%s", s);
	free(s);
	doc_free(&d);
	d = fix_twice(dir);
	s = dump(&d);
	cr_assert_eq(d.errors, 0, "%s", s);
	cr_assert_eq(count(&d, NULL, "item-updated-before-created", NULL), 0,
		     "%s", s);
	free(s);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID2));
	cr_assert(strstr(item, "state: 'ready'"), "%s", item);
	cr_assert(strstr(item, "updated_at: '" T3 "'"), "%s", item);
	free(item);
	unsetenv("YOI_TICKETS_NOW");
	e2e_rm(dir);
}

/* The same with the clock pinned exactly at the last event. */
Test(legacy_state, fix_is_idempotent_with_a_pinned_clock)
{
	char *dir = e2e_store();
	setenv("YOI_TICKETS_NOW", T1, 1);
	e2e_put_ticket(dir, ID1, ITEM_U("planning", T0),
		       CREATE SC(T1, "planning", "ready"));
	doc d = fix_twice(dir);
	cr_assert_eq(d.errors, 0);
	doc_free(&d);
	unsetenv("YOI_TICKETS_NOW");
	e2e_rm(dir);
}

/* item.md's times later than the clock: the repair never stamps
 * updated_at before created_at or back in time. */
Test(legacy_state, fix_is_idempotent_with_item_times_after_the_clock)
{
	char *dir = e2e_store();
	setenv("YOI_TICKETS_NOW", T0, 1);
	e2e_put_ticket(
	    dir, ID1,
	    "---\ntitle: 'Legacy'\nstate: 'planning'\ncreated_at: '" T1
	    "'\nupdated_at: '" T3 "'\n---\n\nText.\n",
	    CREATE SC(T2, "planning", "ready"));
	doc d = fix_twice(dir);
	char *s = dump(&d);
	cr_assert_eq(count(&d, NULL, "item-updated-before-created", NULL), 0,
		     "%s", s);
	free(s);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item, "state: 'ready'"), "%s", item);
	cr_assert(strstr(item, "updated_at: '" T3 "'"), "%s", item);
	free(item);
	unsetenv("YOI_TICKETS_NOW");
	e2e_rm(dir);
}

/* ---- a larger legacy store ------------------------------------------- */

/*
 * 40 tickets mixing the classes: created in later states without a
 * transition, closed by a close event alone, a first transition from a
 * later state, a real drift (item.md lags its thread: fixable), and an
 * item.md ahead of its thread (not fixable: never backwards).
 */
Test(legacy_state, larger_legacy_store)
{
	char *dir = e2e_store();
	setenv("YOI_TICKETS_NOW", "2026-02-01T00:00:00Z", 1);
	size_t inherited = 0, initial = 0, drift = 0, ahead = 0;
	for (int i = 1; i <= 40; i++) {
		char id[14];
		snprintf(id, sizeof(id), "%013d", 100 + i);
		switch (i % 5) {
		case 0: /* created in a later state */
			e2e_put_ticket(
			    dir, id, i % 2 ? ITEM("inprogress") : ITEM("done"),
			    CREATE);
			inherited++;
			break;
		case 1: /* closed with a close event only */
			e2e_put_ticket(dir, id, ITEM_U("closed", T1),
				       CREATE CLOSE(T1));
			put_resolution(dir, id);
			break;
		case 2: /* first transition from a later state */
			e2e_put_ticket(dir, id, ITEM_U("queued", T1),
				       CREATE SC(T1, "ready", "queued"));
			initial++;
			break;
		case 3: /* item.md lags the thread */
			e2e_put_ticket(dir, id, ITEM_U("ready", T2),
				       CREATE SC(T1, "planning", "ready")
					   SC(T2, "ready", "queued"));
			drift++;
			break;
		default: /* item.md ahead of the thread */
			e2e_put_ticket(dir, id, ITEM_U("done", T1),
				       CREATE SC(T1, "planning", "ready"));
			ahead++;
			break;
		}
	}
	doc before = doctor_json(dir, false);
	char *s = dump(&before);
	cr_assert_eq(count(&before, "warning", "state-inherited", NULL),
		     inherited, "%s", s);
	cr_assert_eq(count(&before, "warning", "state-initial-inherited", NULL),
		     initial, "%s", s);
	cr_assert_eq(count(&before, "error", "state-drift", NULL), drift, "%s",
		     s);
	cr_assert_eq(count(&before, "error", "state-drift-unrecorded", NULL),
		     ahead, "%s", s);
	cr_assert_eq((size_t)before.errors, drift + ahead, "%s", s);
	free(s);
	doc after = fix_twice(dir);
	s = dump(&after);
	cr_assert_eq(count(&after, NULL, "state-drift", NULL), 0, "%s", s);
	cr_assert_eq(count(&after, "error", "state-drift-unrecorded", NULL),
		     ahead, "%s", s);
	cr_assert_eq((size_t)after.errors, ahead, "%s", s);
	free(s);
	fprintf(stderr,
		"legacy store of 40 tickets: before --fix %ld error(s), %ld "
		"warning(s); after %ld error(s), %ld warning(s)\n",
		before.errors, before.warnings, after.errors, after.warnings);
	doc_free(&before);
	doc_free(&after);
	unsetenv("YOI_TICKETS_NOW");
	e2e_rm(dir);
}
