/*
 * End-to-end: a mutation killed between the thread append and the item.md
 * rewrite (the fault build, YOI_FAULT=after-thread-append). The thread is
 * the source of truth: doctor must see the drift, --fix must repair it
 * from the thread, and the ticket must go on as if nothing happened.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define T0 "2026-01-01T00:00:00Z"
#define T1 "2026-01-01T01:00:00Z"

/* Run the fault build with the fault armed; the env is restored after. */
static e2e_result run_killed(const char *dir, const char *const *argv)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	setenv("YOI_FAULT", "after-thread-append", 1);
	e2e_result r = e2e_run_bin(bin, dir, NULL, argv);
	unsetenv("YOI_FAULT");
	return r;
}
#define KILLED(dir, ...)                                                       \
	run_killed((dir), (const char *const[]){__VA_ARGS__, NULL})

/* A ticket created at T0 (the clock pinned), then the clock at `at`. */
static char *ticket_at_t0(const char *dir, const char *then)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *id = OK_LINE(dir, "create", "--title", "Crashy");
	setenv("YOI_TICKETS_NOW", then, 1);
	return id;
}

static void no_temp_files(const char *dir, const char *id)
{
	cr_assert_eq(e2e_sh(dir,
			    "test -z \"$(ls -A .yoi/tickets/%s | "
			    "grep '\\.tmp\\.')\"",
			    id),
		     0, "a temporary file was left in the ticket directory");
	cr_assert_eq(e2e_sh(dir, "test -z \"$(find .yoi -name '.*.tmp.*')\""),
		     0);
}

typedef struct doc {
	int status;
	json_t *root;
	json_t *diags;
} doc;

static doc doctor(const char *dir, bool fix, char **err)
{
	e2e_result r = fix ? RUN(dir, "doctor", "--fix", "--format", "json")
			   : RUN(dir, "doctor", "--format", "json");
	doc d = {r.status, json_loads(r.out, 0, NULL), NULL};
	cr_assert_not_null(d.root, "%s", r.out);
	d.diags = json_object_get(d.root, "diagnostics");
	cr_assert(json_is_array(d.diags));
	if (err)
		*err = r.err;
	else
		free(r.err);
	free(r.out);
	return d;
}

static const char *field(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* The finding with this code, checked against path and line. */
static void expect(const doc *d, const char *sev, const char *code,
		   const char *path, int line)
{
	size_t i;
	json_t *e;
	json_array_foreach(d->diags, i, e)
	{
		if (strcmp(field(e, "code"), code) != 0)
			continue;
		cr_assert_str_eq(field(e, "severity"), sev);
		cr_assert_str_eq(field(e, "path"), path);
		cr_assert_eq(json_integer_value(json_object_get(e, "line")),
			     line);
		return;
	}
	char *s = json_dumps(d->diags, JSON_INDENT(1));
	cr_assert_fail("no %s in %s", code, s);
}

static const char *last_event(const char *thread)
{
	const char *p = thread, *q;
	while ((q = strstr(p + 1, "<!-- event: ")))
		p = q;
	return p;
}

Test(crash, state_change_killed_after_thread_append)
{
	char *dir = e2e_store();
	char *id = ticket_at_t0(dir, T1);
	char *item0 = e2e_read(dir, e2e_tpath(id, "item.md"));
	char *thread0 = e2e_read(dir, e2e_tpath(id, "thread.md"));

	e2e_result r = KILLED(dir, "state", id, "ready", "--summary", "scoped");
	cr_assert_eq(r.status, 128 + SIGKILL, "status %d: %s", r.status, r.err);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_NOW");

	/* The thread has the whole transition; item.md is untouched. */
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strncmp(thread, thread0, strlen(thread0)) == 0);
	const char *tail = thread + strlen(thread0);
	cr_assert_eq(e2e_count(tail, "<!-- event: "), 2, "%s", tail);
	cr_assert(strstr(tail, "<!-- event: intake_summary "));
	cr_assert(strstr(tail, "<!-- event: state_changed "));
	cr_assert(strstr(tail, "from: planning to: ready"), "%s", tail);
	cr_assert(strstr(tail, "\nscoped\n"));
	cr_assert(strcmp(thread + strlen(thread) - 5, "\n---\n") == 0);
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert_str_eq(item, item0);
	cr_assert(strstr(item, "state: 'planning'"));
	free(item);
	no_temp_files(dir, id);

	/* The thread is the truth: the CLI sees ready, and says so. */
	r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_str_eq(field(j, "replayed_state"), "ready");
	json_decref(j);
	e2e_free(&r);

	/* doctor: drift on item.md's state line (and the stale stamp). */
	doc d = doctor(dir, false, NULL);
	cr_assert_eq(d.status, 1);
	expect(&d, "error", "state-drift", e2e_tpath(id, "item.md"), 3);
	expect(&d, "warning", "item-stale-updated-at", e2e_tpath(id, "item.md"),
	       5);
	cr_assert_eq(json_array_size(d.diags), 2);
	json_decref(d.root);

	/* --fix: item.md follows the thread, an edit event says so. */
	char *err;
	d = doctor(dir, true, &err);
	cr_assert_eq(d.status, 0, "%s", err);
	cr_assert_eq(json_array_size(d.diags), 0);
	char want[64];
	snprintf(want, sizeof(want), "fixed %s: state", id);
	cr_assert(strstr(err, want), "%s", err);
	free(err);
	json_decref(d.root);
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "\nstate: 'ready'\n"), "%s", item);
	cr_assert_null(strstr(item, "updated_at: '" T0 "'"));
	free(item);
	char *fixed = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strncmp(fixed, thread, strlen(thread)) == 0);
	const char *ev = last_event(fixed);
	cr_assert(strncmp(ev, "<!-- event: edit ", 17) == 0, "%s", ev);
	cr_assert(strstr(ev, "fields: state,updated_at"), "%s", ev);
	free(fixed);
	no_temp_files(dir, id);
	e2e_doctor_clean(dir);
	/* Once item.md follows, the same command is a no-op refusal. */
	r = RUN(dir, "state", id, "ready", "--summary", "again");
	cr_assert_eq(r.status, 4, "re-running the killed command: %s", r.err);
	e2e_free(&r);

	/* The lifecycle goes on. */
	OK(dir, "state", id, "queued");
	OK(dir, "state", id, "inprogress");
	OK(dir, "state", id, "done");
	OK(dir, "close", id, "--resolution", "shipped");
	r = RUN(dir, "show", id, "--json");
	j = json_loads(r.out, 0, NULL);
	cr_assert_str_eq(field(j, "state"), "closed");
	json_decref(j);
	e2e_free(&r);
	e2e_doctor_clean(dir);

	free(item0);
	free(thread0);
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(crash, comment_killed_after_thread_append)
{
	char *dir = e2e_store();
	char *id = ticket_at_t0(dir, T1);
	char *item0 = e2e_read(dir, e2e_tpath(id, "item.md"));

	e2e_result r = KILLED(dir, "comment", id, "--message", "half done");
	cr_assert_eq(r.status, 128 + SIGKILL, "status %d: %s", r.status, r.err);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_NOW");

	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "<!-- event: "), 2);
	const char *ev = last_event(thread);
	cr_assert(strncmp(ev, "<!-- event: comment ", 20) == 0, "%s", ev);
	cr_assert(strstr(ev, "at: " T1), "%s", ev);
	cr_assert(strstr(ev, "\nhalf done\n"));
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert_str_eq(item, item0);
	free(item);
	no_temp_files(dir, id);

	/* Only updated_at lags: a warning, so doctor still passes. */
	doc d = doctor(dir, false, NULL);
	cr_assert_eq(d.status, 0);
	cr_assert_eq(json_array_size(d.diags), 1);
	expect(&d, "warning", "item-stale-updated-at", e2e_tpath(id, "item.md"),
	       5);
	json_decref(d.root);

	char *err;
	d = doctor(dir, true, &err);
	cr_assert_eq(d.status, 0, "%s", err);
	cr_assert_eq(json_array_size(d.diags), 0);
	char want[64];
	snprintf(want, sizeof(want), "fixed %s: updated_at", id);
	cr_assert(strstr(err, want), "%s", err);
	free(err);
	json_decref(d.root);
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert_null(strstr(item, "updated_at: '" T0 "'"), "%s", item);
	cr_assert(strstr(item, "state: 'planning'"));
	/* Only the updated_at line changed. */
	cr_assert_str_eq(strstr(item, "\n---\n"), strstr(item0, "\n---\n"));
	free(item);
	char *fixed = e2e_read(dir, e2e_tpath(id, "thread.md"));
	ev = last_event(fixed);
	cr_assert(strncmp(ev, "<!-- event: edit ", 17) == 0, "%s", ev);
	cr_assert(strstr(ev, "fields: updated_at"), "%s", ev);
	free(fixed);
	no_temp_files(dir, id);
	e2e_doctor_clean(dir);

	OK(dir, "comment", id, "--message", "second try");
	OK(dir, "state", id, "ready", "--summary", "scoped");
	e2e_doctor_clean(dir);
	free(item0);
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(crash, close_killed_after_thread_append)
{
	char *dir = e2e_store();
	char *id = ticket_at_t0(dir, T1);
	e2e_result r = KILLED(dir, "close", id, "--resolution", "duplicate");
	cr_assert_eq(r.status, 128 + SIGKILL, "status %d: %s", r.status, r.err);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_NOW");

	/* resolution.md is written before the thread: it is there. */
	char *res = e2e_read(dir, e2e_tpath(id, "resolution.md"));
	cr_assert(strstr(res, "duplicate"));
	free(res);
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "state: 'planning'"));
	free(item);
	no_temp_files(dir, id);

	doc d = doctor(dir, false, NULL);
	cr_assert_eq(d.status, 1);
	expect(&d, "error", "state-drift", e2e_tpath(id, "item.md"), 3);
	json_decref(d.root);
	d = doctor(dir, true, NULL);
	cr_assert_eq(d.status, 0);
	cr_assert_eq(json_array_size(d.diags), 0);
	json_decref(d.root);
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "state: 'closed'"), "%s", item);
	free(item);
	e2e_doctor_clean(dir);

	OK(dir, "reopen", id, "--reason", "not a duplicate after all");
	e2e_doctor_clean(dir);
	free(id);
	e2e_rm(dir);
}

Test(crash, repeated_kills_then_one_fix)
{
	/* Several killed writers in a row: the thread keeps every event. */
	char *dir = e2e_store();
	char *id = ticket_at_t0(dir, T1);
	for (int i = 0; i < 3; i++) {
		/* Different texts: the same one again is a retry. */
		const char *msg[] = {"again 1", "again 2", "again 3"};
		e2e_result r = KILLED(dir, "comment", id, "--message", msg[i]);
		cr_assert_eq(r.status, 128 + SIGKILL);
		e2e_free(&r);
	}
	e2e_result r = KILLED(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 128 + SIGKILL);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_NOW");
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "<!-- event: "), 6);
	cr_assert_eq(e2e_count(thread, "\n---\n"), 6);
	free(thread);
	no_temp_files(dir, id);
	doc d = doctor(dir, true, NULL);
	cr_assert_eq(d.status, 0);
	cr_assert_eq(json_array_size(d.diags), 0);
	json_decref(d.root);
	e2e_doctor_clean(dir);
	/* The normal build ignores the fault variable entirely. */
	setenv("YOI_FAULT", "after-thread-append", 1);
	OK(dir, "state", id, "queued");
	unsetenv("YOI_FAULT");
	e2e_doctor_clean(dir);
	free(id);
	e2e_rm(dir);
}
