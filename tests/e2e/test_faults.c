/*
 * End-to-end: every mutation survives faults (issue 11). A write that
 * cannot complete is refused before the append or is safe to retry; a
 * torn append is moved aside by the next writer or `doctor --fix`; no
 * append makes a file the reader refuses; an interrupted create leaves
 * nothing `doctor --fix` cannot clean; and a seeded loop of kills at
 * deterministic points leaves a clean store. The fault build
 * (YOI_FAULT_BIN) dies or fails at named points (src/store/ticket.c).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* The fault build with YOI_FAULT=fault; the env is restored after. */
static e2e_result run_fault(const char *dir, const char *fault,
			    const char *const *argv)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	setenv("YOI_FAULT", fault, 1);
	e2e_result r = e2e_run_bin(bin, dir, NULL, argv);
	unsetenv("YOI_FAULT");
	return r;
}
#define FAULT(dir, fault, ...)                                                 \
	run_fault((dir), (fault), (const char *const[]){__VA_ARGS__, NULL})

static char *thread_of(const char *dir, const char *id)
{
	return e2e_read(dir, e2e_tpath(id, "thread.md"));
}

static size_t events(const char *dir, const char *id, const char *kind)
{
	char *t = thread_of(dir, id);
	char needle[64];
	snprintf(needle, sizeof(needle), "<!-- event: %s%s", kind ? kind : "",
		 kind ? " " : "");
	size_t n = e2e_count(t, needle);
	free(t);
	return n;
}

/* doctor --format json: exit status and the diagnostics' codes. */
static int doctor(const char *dir, bool fix, char **codes, char **err)
{
	e2e_result r = fix ? RUN(dir, "doctor", "--fix", "--format", "json")
			   : RUN(dir, "doctor", "--format", "json");
	json_t *root = json_loads(r.out, 0, NULL);
	cr_assert_not_null(root, "doctor: %s %s", r.out, r.err);
	json_t *d = json_object_get(root, "diagnostics"), *e;
	size_t i;
	char buf[4096] = "";
	size_t n = 0;
	json_array_foreach(d, i, e)
	{
		n += (size_t)snprintf(
		    buf + n, sizeof(buf) - n, "%s:%s:%s ",
		    json_string_value(json_object_get(e, "severity")),
		    json_string_value(json_object_get(e, "code")),
		    json_string_value(json_object_get(e, "path")));
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
	}
	json_decref(root);
	*codes = strdup(buf);
	int st = r.status;
	if (err)
		*err = r.err, r.err = NULL;
	e2e_free(&r);
	return st;
}

/* doctor reports no error (warnings allowed when warn_ok). */
static void doctor_clean(const char *dir, bool warn_ok)
{
	char *codes;
	int st = doctor(dir, false, &codes, NULL);
	cr_assert_eq(st, 0, "doctor: %s", codes);
	if (!warn_ok)
		cr_assert_str_eq(codes, "", "doctor: %s", codes);
	free(codes);
}

/* A file of n bytes of text lines (so a body, not one huge line). */
static void big_file(const char *dir, const char *name, size_t n, char fill)
{
	char *b = malloc(n + 1);
	cr_assert_not_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = i % 64 == 63 ? '\n' : fill;
	b[n - 1] = '\n';
	b[n] = '\0';
	e2e_write(dir, name, b);
	free(b);
}

static bool setpriv_ok(const char *dir)
{
	return e2e_sh(dir, "command -v setpriv >/dev/null") == 0;
}

/* Run the normal build as nobody (root ignores permission bits). */
static int as_nobody(const char *dir, const char *args, char **err)
{
	char errpath[] = "/tmp/yoi-e2e-err.XXXXXX";
	int fd = mkstemp(errpath);
	cr_assert(fd >= 0);
	close(fd);
	const char *as = geteuid() == 0
			     ? "setpriv --reuid=65534 --regid=65534 "
			       "--clear-groups env HOME=/nonexistent "
			       "XDG_CONFIG_HOME=/nonexistent "
			       "YOI_TICKETS_AUTHOR=tester"
			     : "env YOI_TICKETS_AUTHOR=tester";
	int st = e2e_sh(dir, "%s '%s' %s >/dev/null 2>'%s'", as,
			getenv("YOI_BIN"), args, errpath);
	*err = e2e_read("/", errpath + 1);
	unlink(errpath);
	return st;
}

/* ---- 6: failed but recorded ------------------------------------------- */

Test(faults, read_only_ticket_dir_is_refused_before_the_append)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Frozen dir");
	if (geteuid() == 0 && !setpriv_ok(dir))
		cr_skip_test("running as root without setpriv");
	if (geteuid() == 0)
		cr_assert_eq(e2e_sh(dir,
				    "chmod 755 . && chown -R 65534:65534 "
				    ". && chmod 0555 .yoi/tickets/%s",
				    id),
			     0);
	else
		cr_assert_eq(e2e_sh(dir, "chmod 0555 .yoi/tickets/%s", id), 0);
	char *thread0 = thread_of(dir, id);
	char *item0 = e2e_read(dir, e2e_tpath(id, "item.md"));
	const char *cmds[] = {"comment %s --message hello",
			      "state %s ready --summary scoped",
			      "edit %s --title renamed"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		char args[128], *err;
		snprintf(args, sizeof(args), cmds[i], id);
		int st = as_nobody(dir, args, &err);
		cr_assert_eq(st, 6, "%s: exit %d: %s", args, st, err);
		cr_assert(strstr(err, "not writable"), "%s", err);
		cr_assert(strstr(err, "nothing was written"), "%s", err);
		free(err);
		/* Nothing recorded: the thread and item.md as they were. */
		char *thread = thread_of(dir, id);
		cr_assert_str_eq(thread, thread0, "%s appended", args);
		free(thread);
		char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
		cr_assert_str_eq(item, item0);
		free(item);
	}
	/* Writable again: the retry records exactly one comment. */
	cr_assert_eq(e2e_sh(dir, "chmod 0755 .yoi/tickets/%s", id), 0);
	if (geteuid() == 0) /* git refuses a repository owned by another */
		cr_assert_eq(e2e_sh(dir, "chown -R 0:0 ."), 0);
	OK(dir, "comment", id, "--message", "hello");
	cr_assert_eq(events(dir, id, "comment"), 1);
	doctor_clean(dir, false);
	free(thread0);
	free(item0);
	free(id);
	e2e_rm(dir);
}

Test(faults, full_disk_is_refused_before_the_append)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Full disk");
	char *thread0 = thread_of(dir, id);
	e2e_result r = FAULT(dir, "no-space", "comment", id, "--message", "x");
	cr_assert_eq(r.status, 6, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "no room"), "%s", r.err);
	cr_assert(strstr(r.err, "nothing was written"), "%s", r.err);
	e2e_free(&r);
	r = FAULT(dir, "no-space", "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 6, "exit %d: %s", r.status, r.err);
	e2e_free(&r);
	char *thread = thread_of(dir, id);
	cr_assert_str_eq(thread, thread0);
	free(thread);
	doctor_clean(dir, false);
	free(thread0);
	free(id);
	e2e_rm(dir);
}

/* The append made, item.md not written (full disk after the append). */
Test(faults, transition_retry_after_a_failed_item_write_completes_it)
{
	setenv("YOI_TICKETS_NOW", "2026-01-01T00:00:00Z", 1);
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Retry me");
	setenv("YOI_TICKETS_NOW", "2026-01-01T01:00:00Z", 1);
	e2e_result r = FAULT(dir, "item-write-fails", "state", id, "ready",
			     "--summary", "scoped");
	cr_assert_eq(r.status, 6, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "item.md"), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(events(dir, id, "state_changed"), 1);
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "state: 'planning'"), "%s", item);
	free(item);

	/* The same command again: no second event, item.md completed. */
	setenv("YOI_TICKETS_NOW", "2026-01-01T02:00:00Z", 1);
	r = RUN(dir, "state", id, "ready", "--summary", "scoped");
	cr_assert_eq(r.status, 0, "retry: exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "retry-completed"), "%s", r.err);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_NOW");
	cr_assert_eq(events(dir, id, "state_changed"), 1);
	cr_assert_eq(events(dir, id, "intake_summary"), 1);
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "state: 'ready'"), "%s", item);
	cr_assert(strstr(item, "updated_at: '2026-01-01T02:00:00Z'"), "%s",
		  item);
	free(item);
	doctor_clean(dir, false);
	/* Now it is done: the same command is refused as before. */
	r = RUN(dir, "state", id, "ready", "--summary", "scoped");
	cr_assert_eq(r.status, 4, "%s", r.err);
	e2e_free(&r);

	/* close, the same way: one close, one state_changed to closed. */
	r = FAULT(dir, "item-write-fails", "close", id, "--resolution", "done");
	cr_assert_eq(r.status, 6, "exit %d: %s", r.status, r.err);
	e2e_free(&r);
	OK(dir, "close", id, "--resolution", "done");
	cr_assert_eq(events(dir, id, "close"), 1);
	cr_assert_eq(events(dir, id, "state_changed"), 2);
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "state: 'closed'"), "%s", item);
	free(item);
	doctor_clean(dir, false);
	free(id);
	e2e_rm(dir);
}

Test(faults, comment_retry_after_a_failed_item_write_is_not_duplicated)
{
	setenv("YOI_TICKETS_NOW", "2026-01-01T00:00:00Z", 1);
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Retry comment");
	setenv("YOI_TICKETS_NOW", "2026-01-01T01:00:00Z", 1);
	e2e_result r = FAULT(dir, "item-write-fails", "comment", id,
			     "--message", "only once");
	cr_assert_eq(r.status, 6, "exit %d: %s", r.status, r.err);
	e2e_free(&r);
	cr_assert_eq(events(dir, id, "comment"), 1);
	r = RUN(dir, "comment", id, "--message", "only once");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "retry-completed"), "%s", r.err);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_NOW");
	cr_assert_eq(events(dir, id, "comment"), 1);
	doctor_clean(dir, false);
	/* Once item.md is current, the same text is a new comment. */
	OK(dir, "comment", id, "--message", "only once");
	cr_assert_eq(events(dir, id, "comment"), 2);
	free(id);
	e2e_rm(dir);
}

/* A real size limit (RLIMIT_FSIZE) stops the item.md rewrite. */
Test(faults, comment_retry_after_a_real_write_limit_is_not_duplicated)
{
	setenv("YOI_TICKETS_NOW", "2026-01-01T00:00:00Z", 1);
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Limit");
	big_file(dir, "body.md", 3000, 'z');
	OK(dir, "edit", id, "--body-file", "body.md");
	setenv("YOI_TICKETS_NOW", "2026-01-02T00:00:00Z", 1);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "ulimit -f 2; YOI_TICKETS_AUTHOR=tester exec '%s' comment "
		 "%s --message small "
		 ">/dev/null 2>&1",
		 getenv("YOI_BIN"), id);
	cr_assert_eq(e2e_sh(dir, "%s", cmd), 6);
	cr_assert_eq(events(dir, id, "comment"), 1);
	OK(dir, "comment", id, "--message", "small");
	unsetenv("YOI_TICKETS_NOW");
	cr_assert_eq(events(dir, id, "comment"), 1);
	doctor_clean(dir, false);
	free(id);
	e2e_rm(dir);
}

/* ---- 7: torn appends ---------------------------------------------------- */

/* The one file artifacts/recovered-thread-*.md of ticket id, or NULL. */
static char *recovery_file(const char *dir, const char *id)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/.yoi/tickets/%s/artifacts' && ls recovered-thread-* "
		 "2>/dev/null",
		 dir, id);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	char line[256];
	char *name = NULL;
	int n = 0;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		free(name);
		name = strdup(line);
		n++;
	}
	pclose(p);
	cr_assert_leq(n, 1, "%d recovery files", n);
	return name;
}

/* A 2 MiB comment killed part-way: returns the thread before it. */
static char *torn_big_comment(const char *dir, const char *id, long at,
			      char **torn)
{
	char *thread0 = thread_of(dir, id);
	big_file(dir, "big.md", 2 * 1024 * 1024, 'q');
	char fault[64];
	snprintf(fault, sizeof(fault), "torn-append:%ld", at);
	e2e_result r = FAULT(dir, fault, "comment", id, "--allow-large",
			     "--file", "big.md");
	cr_assert_eq(r.status, 128 + SIGKILL, "exit %d: %s", r.status, r.err);
	e2e_free(&r);
	char *thread = thread_of(dir, id);
	size_t n0 = strlen(thread0);
	cr_assert_eq(strlen(thread), n0 + (size_t)at);
	cr_assert(strncmp(thread, thread0, n0) == 0);
	*torn = strdup(thread + n0);
	free(thread);
	return thread0;
}

Test(faults, torn_large_append_is_moved_aside_by_the_next_writer)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Torn");
	OK(dir, "comment", id, "--message", "before");
	char *torn;
	char *thread0 = torn_big_comment(dir, id, 1000001, &torn);

	/* Readers see the complete events only; doctor names the tail. */
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.out, "qqqq"));
	e2e_free(&r);
	char *codes;
	cr_assert_eq(doctor(dir, false, &codes, NULL), 1);
	cr_assert(strstr(codes, "error:thread-torn-tail:"), "%s", codes);
	free(codes);

	/* The next writer moves the tail aside, says so, and appends. */
	r = RUN(dir, "comment", id, "--message", "after");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "thread-torn-tail"), "%s", r.err);
	cr_assert(strstr(r.err, "recovered-thread-"), "%s", r.err);
	e2e_free(&r);
	char *name = recovery_file(dir, id);
	cr_assert_not_null(name, "no recovery file");
	char rel[256];
	snprintf(rel, sizeof(rel), ".yoi/tickets/%s/artifacts/%s", id, name);
	char *saved = e2e_read(dir, rel);
	cr_assert_str_eq(saved, torn, "the recovery file holds the torn bytes");
	char *thread = thread_of(dir, id);
	size_t n0 = strlen(thread0);
	cr_assert(strncmp(thread, thread0, n0) == 0);
	cr_assert(strncmp(thread + n0, "<!-- event: comment ", 20) == 0, "%s",
		  thread + n0);
	cr_assert(strstr(thread + n0, "\nafter\n"));
	cr_assert_eq(e2e_count(thread, "<!-- event: "), 3);
	doctor_clean(dir, false);
	free(thread);
	free(saved);
	free(name);
	free(torn);
	free(thread0);
	free(id);
	e2e_rm(dir);
}

Test(faults, torn_append_is_repaired_by_doctor_fix)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Torn");
	OK(dir, "state", id, "ready", "--summary", "scoped");
	char *torn;
	char *thread0 = torn_big_comment(dir, id, 77, &torn);
	char *codes, *err;
	cr_assert_eq(doctor(dir, true, &codes, &err), 0, "%s %s", codes, err);
	cr_assert_str_eq(codes, "", "%s", codes);
	char want[128];
	snprintf(want, sizeof(want),
		 "fixed %s: thread tail moved to "
		 "artifacts/recovered-thread-",
		 id);
	cr_assert(strstr(err, want), "%s", err);
	free(err);
	free(codes);
	char *name = recovery_file(dir, id);
	cr_assert_not_null(name);
	char rel[256];
	snprintf(rel, sizeof(rel), ".yoi/tickets/%s/artifacts/%s", id, name);
	char *saved = e2e_read(dir, rel);
	cr_assert_str_eq(saved, torn);
	/* The thread: what it was, then doctor's edit event. */
	char *thread = thread_of(dir, id);
	size_t n0 = strlen(thread0);
	cr_assert(strncmp(thread, thread0, n0) == 0);
	cr_assert(strncmp(thread + n0, "<!-- event: edit ", 17) == 0, "%s",
		  thread + n0);
	cr_assert(strstr(thread + n0, "thread_tail"), "%s", thread + n0);
	doctor_clean(dir, false);
	/* The ticket goes on; the state is the one before the kill. */
	OK(dir, "state", id, "queued");
	doctor_clean(dir, false);
	free(thread);
	free(saved);
	free(name);
	free(torn);
	free(thread0);
	free(id);
	e2e_rm(dir);
}

/* Killed after the copy, before the cut: the next writer copies again. */
Test(faults, killed_between_the_copy_and_the_cut_loses_nothing)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Torn twice");
	char *torn;
	char *thread0 = torn_big_comment(dir, id, 5000, &torn);
	e2e_result r = FAULT(dir, "after-recovery-copy", "comment", id,
			     "--message", "next");
	cr_assert_eq(r.status, 128 + SIGKILL, "%s", r.err);
	e2e_free(&r);
	char *thread = thread_of(dir, id);
	cr_assert_eq(strlen(thread), strlen(thread0) + strlen(torn));
	free(thread);
	OK(dir, "comment", id, "--message", "next");
	/* Two copies of the same bytes, the thread cut once. */
	cr_assert_eq(e2e_sh(dir,
			    "test $(ls .yoi/tickets/%s/artifacts | grep -c "
			    "'^recovered-thread-') = 2",
			    id),
		     0);
	cr_assert_eq(e2e_sh(dir,
			    "cd .yoi/tickets/%s/artifacts && set -- "
			    "recovered-thread-* && cmp \"$1\" \"$2\"",
			    id),
		     0);
	thread = thread_of(dir, id);
	cr_assert_eq(e2e_count(thread, "<!-- event: "), 2);
	cr_assert(strstr(thread, "\nnext\n"));
	free(thread);
	doctor_clean(dir, false);
	free(torn);
	free(thread0);
	free(id);
	e2e_rm(dir);
}

/* ---- 8: lockout by size ------------------------------------------------- */

Test(faults, an_append_past_the_read_limit_is_refused)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Huge");
	big_file(dir, "nine.md", 9 * 1024 * 1024, 'n');
	OK(dir, "comment", id, "--allow-large", "--file", "nine.md");
	char *thread0 = thread_of(dir, id);
	e2e_result r =
	    RUN(dir, "comment", id, "--allow-large", "--file", "nine.md");
	cr_assert_eq(r.status, 4, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "16 MiB"), "%s", r.err);
	cr_assert(strstr(r.err, "artifacts/"), "%s", r.err);
	cr_assert(strstr(r.err, "thread.md"), "%s", r.err);
	e2e_free(&r);
	char *thread = thread_of(dir, id);
	cr_assert(strcmp(thread, thread0) == 0, "thread.md changed");
	free(thread);
	/* Every command still reads the ticket; close included. */
	OK(dir, "show", id);
	OK(dir, "comment", id, "--message", "see artifacts/big.md");
	OK(dir, "close", id, "--resolution", "done");
	doctor_clean(dir, false);
	free(thread0);
	free(id);
	e2e_rm(dir);
}

Test(faults, an_edit_past_the_read_limit_is_refused)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Huge body");
	big_file(dir, "body.md", 16 * 1024 * 1024 - 100, 'b');
	e2e_result r = RUN(dir, "edit", id, "--body-file", "body.md");
	cr_assert_eq(r.status, 4, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "item.md"), "%s", r.err);
	cr_assert(strstr(r.err, "16 MiB"), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(events(dir, id, NULL), 1);
	OK(dir, "show", id);
	doctor_clean(dir, false);
	free(id);
	e2e_rm(dir);
}

Test(faults, a_plan_record_past_the_read_limit_is_refused)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Big plan");
	/* A valid plan just under its 8 MiB limit, written directly. */
	char note[15001];
	memset(note, 'p', 15000);
	note[15000] = '\0';
	size_t cap = 9u << 20, n = 0;
	char *plan = malloc(cap);
	cr_assert_not_null(plan);
	for (int i = 1;; i++) {
		char line[15400];
		int l = snprintf(line, sizeof(line),
				 "{\"id\":\"orch-plan-20260101-000000-%d\","
				 "\"ticket_id\":\"%s\",\"kind\":"
				 "\"waiting_capacity_note\",\"note\":\"%s\","
				 "\"author\":\"t\",\"at\":"
				 "\"2026-01-01T00:00:00Z\"}\n",
				 i, id, note);
		if (n + (size_t)l > (8u << 20) - 8000)
			break;
		memcpy(plan + n, line, (size_t)l);
		n += (size_t)l;
	}
	plan[n] = '\0';
	char rel[128];
	snprintf(rel, sizeof(rel),
		 ".yoi/tickets/%s/artifacts/"
		 "orchestration-plan.jsonl",
		 id);
	e2e_write(dir, rel, plan);
	free(plan);
	OK(dir, "plan", "list", id);
	e2e_result r = RUN(dir, "plan", "add", id, "--kind",
			   "waiting_capacity_note", "--note", note);
	cr_assert_eq(r.status, 4, "exit %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "limit"), "%s", r.err);
	e2e_free(&r);
	OK(dir, "plan", "list", id);
	OK(dir, "plan", "add", id, "--kind", "waiting_capacity_note", "--note",
	   "short");
	OK(dir, "plan", "list", id);
	free(id);
	e2e_rm(dir);
}

/* ---- 10b: orphans of an interrupted create ------------------------------ */

/* The ticket directory a create killed at `fault` left behind. */
static char *killed_create(const char *dir, const char *fault)
{
	e2e_result r = FAULT(dir, fault, "create", "--title", "Half made");
	cr_assert_eq(r.status, 128 + SIGKILL, "%s: exit %d: %s", fault,
		     r.status, r.err);
	e2e_free(&r);
	FILE *p;
	char cmd[512], line[64] = "";
	snprintf(cmd, sizeof(cmd), "ls '%s/.yoi/tickets'", dir);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(line, sizeof(line), p), "no directory left");
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

/* doctor names code for id; --fix repairs it; then doctor is clean. */
static void orphan_fixed(const char *dir, const char *id, const char *code,
			 const char *said, bool removed)
{
	char *codes, *err;
	cr_assert_eq(doctor(dir, false, &codes, NULL), 1, "%s", codes);
	cr_assert(strstr(codes, code), "%s: %s", code, codes);
	cr_assert(strstr(codes, id), "%s", codes);
	free(codes);
	cr_assert_eq(doctor(dir, true, &codes, &err), 0, "%s %s", codes, err);
	cr_assert_str_eq(codes, "", "%s", codes);
	cr_assert(strstr(err, said), "%s", err);
	free(codes);
	free(err);
	char rel[64];
	snprintf(rel, sizeof(rel), ".yoi/tickets/%s", id);
	cr_assert_eq(e2e_exists(dir, rel), !removed, "%s", rel);
	doctor_clean(dir, false);
	OK(dir, "list");
}

Test(faults, orphan_empty_directory_is_removed)
{
	char *dir = e2e_store();
	char *id = killed_create(dir, "create-after-mkdir");
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A .yoi/tickets/%s)\"", id),
		     0);
	orphan_fixed(dir, id, "error:layout-orphan:", "removed the orphan",
		     true);
	free(id);
	e2e_rm(dir);
}

Test(faults, orphan_with_only_artifacts_is_removed)
{
	char *dir = e2e_store();
	char *id = killed_create(dir, "create-after-artifacts");
	cr_assert(e2e_exists(dir, e2e_tpath(id, "artifacts/.gitkeep")));
	orphan_fixed(dir, id, "error:layout-orphan:", "removed the orphan",
		     true);
	free(id);
	e2e_rm(dir);
}

Test(faults, orphan_with_a_torn_create_event_is_removed)
{
	char *dir = e2e_store();
	char *id = killed_create(dir, "create-torn:40");
	cr_assert(e2e_exists(dir, e2e_tpath(id, "thread.md")));
	cr_assert(!e2e_exists(dir, e2e_tpath(id, "item.md")));
	orphan_fixed(dir, id,
		     "error:layout-missing-item:", "removed the orphan", true);
	free(id);
	e2e_rm(dir);
}

Test(faults, orphan_with_the_create_event_only_is_removed)
{
	char *dir = e2e_store();
	char *id = killed_create(dir, "create-after-thread");
	char *t = thread_of(dir, id);
	cr_assert(strstr(t, "<!-- event: create "));
	free(t);
	/* An interrupted item.md rewrite may leave its temp file too. */
	e2e_write(dir, e2e_tpath(id, ".item.md.tmp.AbC123"), "---\nti");
	orphan_fixed(dir, id,
		     "error:layout-missing-item:", "removed the orphan", true);
	free(id);
	e2e_rm(dir);
}

Test(faults, item_without_thread_is_completed_with_a_migration_event)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Lost thread");
	OK(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(e2e_sh(dir, "rm .yoi/tickets/%s/thread.md", id), 0);
	orphan_fixed(dir, id, "error:layout-missing-thread:",
		     "thread.md (started with a migration event)", false);
	char *t = thread_of(dir, id);
	cr_assert(strncmp(t, "<!-- event: migration ", 22) == 0, "%s", t);
	cr_assert(strstr(t, " to: ready "), "%s", t);
	free(t);
	/* The ticket goes on from its state. */
	OK(dir, "state", id, "queued");
	doctor_clean(dir, false);
	free(id);
	e2e_rm(dir);
}

Test(faults, a_directory_with_more_than_a_create_is_kept)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Valuable");
	OK(dir, "comment", id, "--message", "work worth keeping");
	cr_assert_eq(e2e_sh(dir, "rm .yoi/tickets/%s/item.md", id), 0);
	char *codes, *err;
	cr_assert_eq(doctor(dir, true, &codes, &err), 1, "%s", err);
	cr_assert(strstr(codes, "error:layout-missing-item:"), "%s", codes);
	free(codes);
	free(err);
	cr_assert(e2e_exists(dir, e2e_tpath(id, "thread.md")));
	cr_assert_eq(events(dir, id, "comment"), 1);
	free(id);
	e2e_rm(dir);
}

/* ---- the fault-injection loop ------------------------------------------- */

static uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Occurrences of the body line "<marker>" in the ticket's thread. */
static size_t marker_count(const char *dir, const char *id, const char *m)
{
	char *t = thread_of(dir, id);
	char needle[900];
	snprintf(needle, sizeof(needle), "\n%.32s\n", m);
	size_t n = e2e_count(t, needle);
	free(t);
	return n;
}

/*
 * Kill writers at points chosen from a fixed seed, in small and large
 * appends and in creates; after each, the next command succeeds, `doctor
 * --fix` then `doctor` report no error, every event of a completed command
 * is there exactly once (the interrupted one at most once), and git sees
 * only ticket files, recovery files included, nothing else left behind.
 */
Test(faults, seeded_kill_loop_leaves_a_clean_store, .timeout = 120)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Under fire");
	uint32_t seed = 0xfa17u;
	enum { ITER = 40 };
	char done[2 * ITER + 2][16];	/* markers of completed commands */
	char interrupted[ITER + 1][16]; /* markers of killed commands */
	size_t ndone = 0, nint = 0, torn_kills = 0, tickets = 1;
	for (int i = 0; i < ITER; i++) {
		uint32_t op = next_rand(&seed) % 5;
		char marker[16], fault[48];
		snprintf(marker, sizeof(marker), "m%d", i);
		e2e_result r;
		if (op == 4) { /* a create, killed somewhere in it */
			static const char *const at[] = {
			    "create-after-mkdir", "create-after-artifacts",
			    "create-torn:%u", "create-after-thread"};
			uint32_t k = next_rand(&seed);
			snprintf(fault, sizeof(fault), at[k % 4],
				 1 + next_rand(&seed) % 150);
			r = FAULT(dir, fault, "create", "--title", marker);
			cr_assert_eq(r.status, 128 + SIGKILL, "%d %s: %d %s", i,
				     fault, r.status, r.err);
			e2e_free(&r);
		} else {
			bool large = op >= 2;
			uint32_t k = next_rand(&seed) % 3;
			if (k == 0)
				snprintf(fault, sizeof(fault), "torn-append:%u",
					 1 + next_rand(&seed) %
						 (large ? 300000 : 200));
			else
				snprintf(fault, sizeof(fault), "%s",
					 k == 1 ? "after-thread-append"
						: "item-write-fails");
			if (large) {
				/* The marker line, then ~300 KB of text. */
				size_t n = 300000;
				char *b = malloc(n + 32);
				cr_assert_not_null(b);
				int h = sprintf(b, "%s\n", marker);
				for (size_t j = (size_t)h; j < n; j++)
					b[j] = j % 80 == 79 ? '\n' : 'L';
				b[n] = '\n';
				b[n + 1] = '\0';
				e2e_write(dir, "large.md", b);
				free(b);
				r = FAULT(dir, fault, "comment", id,
					  "--allow-large", "--file",
					  "large.md");
			} else {
				r = FAULT(dir, fault, "comment", id,
					  "--message", marker);
			}
			cr_assert(r.status == 128 + SIGKILL || r.status == 6,
				  "%d %s: exit %d %s", i, fault, r.status,
				  r.err);
			e2e_free(&r);
			memcpy(interrupted[nint++], marker, sizeof(marker));
			torn_kills += k == 0;
		}
		/* The next command succeeds and is recorded once. */
		char next[16];
		snprintf(next, sizeof(next), "n%d", i);
		r = RUN(dir, "comment", id, "--message", next);
		cr_assert_eq(r.status, 0, "%d after %s: %s", i, fault, r.err);
		e2e_free(&r);
		memcpy(done[ndone++], next, sizeof(next));
		/* doctor --fix, then doctor: no error. */
		char *codes, *err;
		int st = doctor(dir, true, &codes, &err);
		cr_assert_eq(st, 0, "%d after %s: %s %s", i, fault, codes, err);
		free(codes);
		free(err);
		doctor_clean(dir, true);
		for (size_t j = 0; j < ndone; j++)
			cr_assert_eq(marker_count(dir, id, done[j]), 1,
				     "%d: %s", i, done[j]);
		for (size_t j = 0; j < nint; j++)
			cr_assert_leq(marker_count(dir, id, interrupted[j]), 1,
				      "%d: %s", i, interrupted[j]);
		/* Orphans are gone: the one ticket is all there is. */
		cr_assert_eq(e2e_sh(dir,
				    "test $(ls .yoi/tickets | wc -l) = %zu",
				    tickets),
			     0, "%d after %s", i, fault);
	}
	/* Git sees ticket files only: nothing temporary, no stray dirs. */
	char cmd[600];
	snprintf(cmd, sizeof(cmd),
		 "git status --porcelain --untracked-files=all | grep -v "
		 "-e '^?? .yoi/.gitignore$' -e '^?? large.md$' "
		 "-e '^?? .yoi/tickets/%s/item.md$' "
		 "-e '^?? .yoi/tickets/%s/thread.md$' "
		 "-e '^?? .yoi/tickets/%s/artifacts/.gitkeep$' "
		 "-e '^?? .yoi/tickets/%s/artifacts/"
		 "recovered-thread-[0-9TZ-]*\\.md$' >&2; test $? = 1",
		 id, id, id, id);
	cr_assert_eq(e2e_sh(dir, "%s", cmd), 0, "unexpected files");
	/* Each recovery file came from one torn kill, and was reported. */
	int nrec = e2e_sh(dir,
			  "exit $(ls .yoi/tickets/%s/artifacts | grep -c "
			  "'^recovered-thread-')",
			  id);
	cr_assert_leq((size_t)nrec, torn_kills);
	cr_assert_gt(nrec, 0, "the seed must leave torn tails to recover");
	cr_assert_gt(torn_kills, 0, "the seed must tear some appends");
	free(id);
	e2e_rm(dir);
}

/* ---- issue 15: the links cache ------------------------------------------ */

/*
 * Killed while writing the links cache (the file left half written, as a
 * crash before the data reached the disk could leave it): the next
 * command ignores the torn file, answers from the tickets' files and
 * rewrites the cache.
 */
Test(faults, a_torn_links_cache_is_ignored_and_rebuilt)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	OK(dir, "relation", "add", a, "--kind", "blocks", "--target", b);
	e2e_sh(dir, "rm -f .git/yoi-links-cache");
	e2e_result r = FAULT(dir, "links-cache-torn", "show", b);
	cr_assert_eq(r.status, 128 + SIGKILL, "exit %d: %s", r.status, r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, ".git/yoi-links-cache"));
	char want[64];
	snprintf(want, sizeof(want), "%s blocked by %s", b, a);
	r = FAULT(dir, "links-cache-no-racy", "show", b);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	/* The guard, too, from the rebuilt cache. */
	OK(dir, "state", b, "ready", "--summary", "s");
	r = FAULT(dir, "links-cache-no-racy", "state", b, "queued");
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, a), "%s", r.err);
	e2e_free(&r);
	/* Killed mid-write on a mutation: the mutation's files are whole. */
	r = FAULT(dir, "links-cache-torn", "relation", "add", b, "--kind",
		  "related", "--target", a);
	cr_assert_eq(r.status, 0, "%s", r.err); /* no cycle check: no load */
	e2e_free(&r);
	r = FAULT(dir, "links-cache-torn", "relation", "add", a, "--kind",
		  "depends_on", "--target", b);
	cr_assert_eq(r.status, 128 + SIGKILL, "exit %d: %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(dir, "relation", "add", a, "--kind", "depends_on", "--target",
		b);
	cr_assert_eq(r.status, 4, "a cycle: %s", r.err);
	e2e_free(&r);
	doctor_clean(dir, false);
	free(a);
	free(b);
	e2e_rm(dir);
}
