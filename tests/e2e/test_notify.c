/*
 * End-to-end: the ticket-event hook after lifecycle commands (SPEC 11):
 * every delivery reason, in --json and on stderr with --verbose, a hook
 * that hangs or floods, and commands that must never run it.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define HOOK ".yoi/hooks/ticket-event"

/* Install an executable hook script at HOOK, trusted in this clone. */
static void hook(const char *dir, const char *script)
{
	char text[2048];
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", script);
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/hooks"), 0);
	e2e_write(dir, HOOK, text);
	cr_assert_eq(e2e_sh(dir, "chmod +x " HOOK), 0);
	free(OK_LINE(dir, "hooks", "trust"));
}

/* The "notify" object of a --json run that must succeed. */
static json_t *notify_of(e2e_result *r)
{
	cr_assert_eq(r->status, 0, "%d %s", r->status, r->err);
	json_t *j = json_loads(r->out, 0, NULL);
	cr_assert_not_null(j, "stdout is only our JSON: %s", r->out);
	json_t *n = json_incref(json_object_get(j, "notify"));
	cr_assert_not_null(n, "%s", r->out);
	json_decref(j);
	return n;
}

static const char *reason(const json_t *n)
{
	return json_string_value(json_object_get(n, "reason"));
}

Test(notify, not_configured_by_default)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "create", "--title", "A", "--json");
	json_t *n = notify_of(&r);
	cr_assert_str_eq(reason(n), "not_configured");
	cr_assert(json_is_null(json_object_get(n, "hook")));
	json_decref(n);
	e2e_free(&r);
	r = RUN(dir, "create", "--title", "B", "--verbose");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.err, ": not_configured"), "%s", r.err);
	e2e_free(&r);
	/* Without --verbose, nothing is said. */
	r = RUN(dir, "create", "--title", "C");
	cr_assert_str_eq(r.err, "");
	e2e_free(&r);
	e2e_rm(dir);
}

Test(notify, delivered_with_the_notice_and_the_environment)
{
	char *dir = e2e_store();
	hook(dir, "cat > notice.txt\n"
		  "echo \"$YOI_TICKET_ID $YOI_TICKET_EVENT $YOI_TICKET_STATE "
		  "${YOI_TICKET_PREVIOUS_STATE:-none}\" >> events.log\n"
		  "pwd > cwd.txt");
	e2e_result r = RUN(dir, "create", "--title", "Hooked", "--json");
	json_t *n = notify_of(&r);
	cr_assert_str_eq(reason(n), "delivered");
	cr_assert(strstr(json_string_value(json_object_get(n, "hook")), HOOK));
	json_t *j = json_loads(r.out, 0, NULL);
	char id[32];
	snprintf(id, sizeof(id), "%s",
		 json_string_value(json_object_get(j, "id")));
	json_decref(j);
	json_decref(n);
	e2e_free(&r);
	char *notice = e2e_read(dir, "notice.txt");
	char want[128];
	snprintf(want, sizeof(want), "# Ticket event: create on %s\n", id);
	cr_assert(strstr(notice, want), "%s", notice);
	cr_assert(strstr(notice, "\"Hooked\" is now planning."), "%s", notice);
	cr_assert(strstr(notice, "By tester at "), "%s", notice);
	cr_assert_null(strstr(notice, "{{"), "%s", notice);
	free(notice);
	char *cwd = e2e_read(dir, "cwd.txt");
	cr_assert_eq(strncmp(cwd, dir, strlen(dir)), 0, "ran in %s", cwd);
	free(cwd);
	/* Every lifecycle command runs it, once, in order. */
	free(OK_LINE(dir, "state", id, "ready", "--summary", "s"));
	free(OK_LINE(dir, "review", id, "--approve", "--message", "ok"));
	free(OK_LINE(dir, "close", id, "--resolution", "done"));
	free(OK_LINE(dir, "reopen", id, "--reason", "again"));
	char *log = e2e_read(dir, "events.log");
	char expect[512];
	snprintf(expect, sizeof(expect),
		 "%s create planning none\n"
		 "%s state_changed ready planning\n"
		 "%s review ready none\n"
		 "%s close closed none\n"
		 "%s reopen planning closed\n",
		 id, id, id, id, id);
	cr_assert_str_eq(log, expect);
	free(log);
	e2e_rm(dir);
}

Test(notify, read_only_commands_never_run_it)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Quiet");
	hook(dir, "echo ran >> ran.log");
	const char *const cmds[][4] = {
	    {"show", id, NULL},
	    {"list", NULL},
	    {"route", NULL},
	    {"ready", NULL},
	    {"blocked", NULL},
	    {"deps", id, NULL},
	    {"doctor", NULL},
	    {"prompt", "coder", id, NULL},
	    {"relation", "list", NULL},
	    {"worktrees", NULL},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		e2e_result r = e2e_run(dir, NULL, cmds[i]);
		cr_assert_eq(r.status, 0, "%s: %s", cmds[i][0], r.err);
		e2e_free(&r);
		cr_assert_not(e2e_exists(dir, "ran.log"), "%s ran the hook",
			      cmds[i][0]);
	}
	/* A comment is not a lifecycle event either. */
	free(OK_LINE(dir, "comment", id, "--message", "hi"));
	cr_assert_not(e2e_exists(dir, "ran.log"));
	free(OK_LINE(dir, "state", id, "ready", "--summary", "s"));
	cr_assert(e2e_exists(dir, "ran.log"));
	free(id);
	e2e_rm(dir);
}

Test(notify, missing_and_not_executable)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "T");
	e2e_write(dir, ".yoi/config.yaml",
		  "hooks:\n  ticket_event: .yoi/hooks/nowhere\n");
	e2e_result r =
	    RUN(dir, "state", id, "ready", "--summary", "s", "--json");
	json_t *n = notify_of(&r);
	cr_assert_str_eq(reason(n), "missing");
	json_decref(n);
	e2e_free(&r);
	e2e_write(dir, ".yoi/config.yaml",
		  "hooks:\n  ticket_event: " HOOK "\n");
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/hooks"), 0);
	e2e_write(dir, HOOK, "#!/bin/sh\nexit 0\n"); /* no x bit */
	r = RUN(dir, "state", id, "queued", "--json", "--verbose");
	n = notify_of(&r);
	cr_assert_str_eq(reason(n), "not_executable");
	cr_assert(strstr(r.err, "not_executable"), "%s", r.err);
	json_decref(n);
	e2e_free(&r);
	/* The state changed all the same. */
	r = RUN(dir, "show", id, "--json");
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(j, "state")),
			 "queued");
	json_decref(j);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(notify, a_failing_hook_never_fails_the_command)
{
	char *dir = e2e_store();
	hook(dir, "echo 'hook says no' >&2\nexit 3");
	e2e_result r =
	    RUN(dir, "create", "--title", "T", "--json", "--verbose");
	json_t *n = notify_of(&r);
	cr_assert_str_eq(reason(n), "failed");
	cr_assert_eq(json_integer_value(json_object_get(n, "status")), 3);
	cr_assert(strstr(json_string_value(json_object_get(n, "output")),
			 "hook says no"));
	cr_assert(strstr(r.err, "failed"), "%s", r.err);
	cr_assert(strstr(r.err, "hook says no"), "%s", r.err);
	json_decref(n);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s", r.out);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(notify, a_hanging_hook_is_killed_at_the_timeout)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml", "hooks:\n  timeout_ms: 300\n");
	hook(dir, "sleep 30 & echo $! > sleeper.pid\nsleep 30");
	e2e_result r = RUN(dir, "create", "--title", "T", "--json");
	json_t *n = notify_of(&r);
	cr_assert_str_eq(reason(n), "timed_out");
	cr_assert_geq(json_integer_value(json_object_get(n, "elapsed_ms")),
		      300);
	json_decref(n);
	e2e_free(&r);
	/* The hook's own children went with it: gone, or a zombie waiting
	 * for init (the kill is sent; dying takes a moment under load). */
	cr_assert_eq(e2e_sh(dir, "p=$(cat sleeper.pid); for i in $(seq 100); "
				 "do kill -0 $p 2>/dev/null || exit 0; "
				 "grep -q ') Z' /proc/$p/stat && exit 0; "
				 "sleep 0.1; done; exit 1"),
		     0);
	e2e_rm(dir);
}

Test(notify, a_flood_on_stdout_stays_out_of_ours)
{
	char *dir = e2e_store();
	hook(dir, "head -c 5000000 /dev/zero | tr '\\0' x");
	e2e_result r = RUN(dir, "create", "--title", "T", "--json");
	json_t *n = notify_of(&r); /* stdout parsed as our JSON alone */
	cr_assert_str_eq(reason(n), "delivered");
	cr_assert_gt(json_integer_value(json_object_get(n, "output_lost")), 0);
	cr_assert_lt(strlen(r.out), 64 * 1024);
	json_decref(n);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(notify, an_idle_notice_lists_the_queue)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Finishing");
	char *b = OK_LINE(dir, "create", "--title", "Next up");
	free(OK_LINE(dir, "state", b, "ready", "--summary", "s"));
	free(OK_LINE(dir, "state", b, "queued"));
	free(OK_LINE(dir, "state", a, "ready", "--summary", "s"));
	free(OK_LINE(dir, "state", a, "queued"));
	free(OK_LINE(dir, "state", a, "inprogress"));
	hook(dir, "cat > notice.txt");
	free(OK_LINE(dir, "state", a, "done"));
	char *notice = e2e_read(dir, "notice.txt");
	cr_assert(strstr(notice, "## Queue"), "%s", notice);
	char want[128];
	snprintf(want, sizeof(want), "- %s Next up (queued)", b);
	cr_assert(strstr(notice, want), "%s", notice);
	free(notice);
	/* Not for an event that leaves the work as it was. */
	free(OK_LINE(dir, "comment", a, "--message", "x"));
	free(OK_LINE(dir, "review", a, "--approve", "--message", "ok"));
	notice = e2e_read(dir, "notice.txt");
	cr_assert_null(strstr(notice, "## Queue"), "%s", notice);
	free(notice);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* The store lock is released before the hook runs: a hook may write to
 * the store itself (a comment is no lifecycle event: no recursion). */
Test(notify, a_hook_may_call_back_into_the_store)
{
	char *dir = e2e_store();
	char script[1024];
	snprintf(script, sizeof(script),
		 "'%s' comment \"$YOI_TICKET_ID\" --message \"seen "
		 "$YOI_TICKET_EVENT\" --wait 2 >hook.out 2>&1\n"
		 "echo \"rc=$?\" >>hook.out",
		 getenv("YOI_BIN"));
	hook(dir, script);
	char *id = OK_LINE(dir, "create", "--title", "Callback");
	char *out = e2e_read(dir, "hook.out");
	cr_assert(strstr(out, "rc=0"), "%s", out);
	free(out);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "seen create"), "%s", thread);
	free(thread);
	free(id);
	e2e_rm(dir);
}
