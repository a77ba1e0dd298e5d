/*
 * End-to-end: wake dependents (issue 16). When a ticket reaches done or
 * closed, every ticket that this makes actionable (it waited on that
 * ticket and on nothing else unfinished) gets its own notice through the
 * ticket-event hook, event `unblocked`, once.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define HOOK ".yoi/hooks/ticket-event"

static void hook(const char *dir)
{
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/hooks"), 0);
	e2e_write(dir, HOOK,
		  "#!/bin/sh\n"
		  "echo \"$YOI_TICKET_ID $YOI_TICKET_EVENT "
		  "${YOI_TICKET_CAUSE:-none}\" >> events.log\n"
		  "if [ \"$YOI_TICKET_EVENT\" = unblocked ]; then "
		  "cat > \"notice-$YOI_TICKET_ID.txt\"; fi\n");
	cr_assert_eq(e2e_sh(dir, "chmod +x " HOOK), 0);
	free(OK_LINE(dir, "hooks", "trust"));
}

static char *ticket(const char *dir, const char *title)
{
	return OK_LINE(dir, "create", "--title", title);
}

static void to_inprogress(const char *dir, const char *id)
{
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	OK(dir, "state", id, "inprogress");
}

/* Lines of events.log with this ID and event. */
static size_t logged(const char *dir, const char *id, const char *ev)
{
	char *log = e2e_exists(dir, "events.log") ? e2e_read(dir, "events.log")
						  : strdup("");
	char needle[64];
	snprintf(needle, sizeof(needle), "%s %s ", id, ev);
	size_t n = e2e_count(log, needle);
	free(log);
	return n;
}

Test(unblock, each_newly_actionable_ticket_hears_once)
{
	char *dir = e2e_store();
	char *a = ticket(dir, "A");
	char *b = ticket(dir, "B");
	char *w1 = ticket(dir, "waits on A");
	char *w2 = ticket(dir, "waits on A and B");
	char *w3 = ticket(dir, "blocked by A");
	char *w4 = ticket(dir, "already done");
	OK(dir, "relation", "add", w1, "--kind", "depends_on", "--target", a);
	OK(dir, "relation", "add", w2, "--kind", "depends_on", "--target", a);
	OK(dir, "relation", "add", w2, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", a, "--kind", "blocks", "--target", w3);
	OK(dir, "state", w1, "ready", "--summary", "s");
	OK(dir, "state", w4, "ready", "--summary", "s");
	OK(dir, "state", w4, "queued", "--force", "--reason", "test");
	OK(dir, "state", w4, "inprogress", "--force", "--reason", "test");
	OK(dir, "state", w4, "done");
	OK(dir, "relation", "add", w4, "--kind", "depends_on", "--target", a);
	to_inprogress(dir, a);
	to_inprogress(dir, b);
	hook(dir);

	e2e_result r = RUN(dir, "state", a, "done", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_t *u = json_object_get(json_object_get(j, "notify"), "unblocked");
	cr_assert(json_is_array(u), "%s", r.out);
	cr_assert_eq(json_array_size(u), 2, "%s", r.out);
	const char *first =
	    json_string_value(json_object_get(json_array_get(u, 0), "id"));
	const char *second =
	    json_string_value(json_object_get(json_array_get(u, 1), "id"));
	cr_assert(first && second, "%s", r.out);
	cr_assert_str_eq(first, strcmp(w1, w3) < 0 ? w1 : w3);
	cr_assert_str_eq(second, strcmp(w1, w3) < 0 ? w3 : w1);
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(u, 0), "reason")),
			 "delivered");
	json_decref(j);
	e2e_free(&r);
	cr_assert_eq(logged(dir, a, "state_changed"), 1);
	cr_assert_eq(logged(dir, w1, "unblocked"), 1);
	cr_assert_eq(logged(dir, w3, "unblocked"), 1);
	cr_assert_eq(logged(dir, w2, "unblocked"), 0, "B still blocks it");
	cr_assert_eq(logged(dir, w4, "unblocked"), 0, "done already");
	/* The notice names the event, the ticket and its cause. */
	char rel[64];
	snprintf(rel, sizeof(rel), "notice-%s.txt", w1);
	char *notice = e2e_read(dir, rel);
	cr_assert(strstr(notice, "unblocked"), "%s", notice);
	cr_assert(strstr(notice, w1) && strstr(notice, a), "%s", notice);
	free(notice);
	char *log = e2e_read(dir, "events.log");
	char want[64];
	snprintf(want, sizeof(want), "%s unblocked %s", w1, a);
	cr_assert(strstr(log, want), "the cause is in the environment: %s",
		  log);
	free(log);

	/* B done: now w2 is actionable. */
	OK(dir, "state", b, "done");
	cr_assert_eq(logged(dir, w2, "unblocked"), 1);
	/* A closed after done: nothing newly actionable, no second notice. */
	OK(dir, "close", a, "--resolution", "shipped");
	cr_assert_eq(logged(dir, w1, "unblocked"), 1);
	cr_assert_eq(logged(dir, w3, "unblocked"), 1);
	cr_assert_eq(logged(dir, w2, "unblocked"), 1);
	free(a), free(b), free(w1), free(w2), free(w3), free(w4);
	e2e_rm(dir);
}

/* A close (from inprogress) wakes too; --verbose says so on stderr. */
Test(unblock, close_wakes_and_verbose_reports)
{
	char *dir = e2e_store();
	char *a = ticket(dir, "A");
	char *w = ticket(dir, "W");
	OK(dir, "relation", "add", w, "--kind", "depends_on", "--target", a);
	to_inprogress(dir, a);
	hook(dir);
	e2e_result r = RUN(dir, "close", a, "--resolution", "no", "--verbose");
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[64];
	snprintf(want, sizeof(want), "notify %s (unblocked): delivered", w);
	cr_assert(strstr(r.err, want), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(logged(dir, w, "unblocked"), 1);
	free(a), free(w);
	e2e_rm(dir);
}
