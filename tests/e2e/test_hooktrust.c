/*
 * End-to-end: a clone is data, never code (issue 11, finding 1). A
 * ticket-event hook that arrives with the repository - a committed
 * .yoi/hooks/ticket-event, or a committed hooks.ticket_event such as
 * /bin/sh - never runs until this clone's owner trusts it with `hooks
 * trust`; a changed hook is untrusted again; doctor says so.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define HOOK ".yoi/hooks/ticket-event"

static void hook(const char *dir, const char *script)
{
	char text[1024];
	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", script);
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/hooks"), 0);
	e2e_write(dir, HOOK, text);
	cr_assert_eq(e2e_sh(dir, "chmod +x " HOOK), 0);
}

/* The notify reason of a --json lifecycle run that must succeed. */
static char *reason_of(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%d %s", r.status, r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	const char *s = json_string_value(
	    json_object_get(json_object_get(j, "notify"), "reason"));
	cr_assert_not_null(s, "%s", r.out);
	char *out = strdup(s);
	json_decref(j);
	e2e_free(&r);
	return out;
}
#define REASON(dir, ...)                                                       \
	reason_of((dir), (const char *const[]){__VA_ARGS__, NULL})

static void assert_reason(char *got, const char *want)
{
	cr_assert_str_eq(got, want);
	free(got);
}

/* A repository whose committed store carries a hook, cloned. */
static char *clone_of(const char *src)
{
	char *dst = strdup("/tmp/yoi-e2e.XXXXXX");
	cr_assert_not_null(mkdtemp(dst));
	cr_assert_eq(e2e_sh(dst,
			    "git clone -q '%s' . && git config user.name E2E "
			    "&& git config user.email e2e@example.invalid",
			    src),
		     0);
	return dst;
}

Test(hooktrust, committed_hook_in_a_clone_never_runs_until_trusted)
{
	char *up = e2e_store();
	hook(up, "touch \"$YOI_TICKETS_ROOT/../../pwned\"");
	free(OK_LINE(up, "create", "--title", "Upstream"));
	cr_assert_eq(e2e_sh(up, "git add -A && git commit -qm store"), 0);
	char *dir = clone_of(up);
	char *id = OK_LINE(dir, "create", "--title", "A");
	assert_reason(
	    REASON(dir, "state", id, "ready", "--summary", "s", "--json"),
	    "untrusted");
	cr_assert_not(e2e_exists(dir, "pwned"), "the clone's hook ran");
	/* doctor says why nothing runs. */
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "hook-untrusted") ||
		      strstr(r.err, "hook-untrusted"),
		  "%s%s", r.out, r.err);
	e2e_free(&r);
	/* --verbose says how to enable it. */
	r = RUN(dir, "state", id, "queued", "--verbose");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "untrusted") && strstr(r.err, "hooks trust"),
		  "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, "pwned"));
	/* The owner consents: now it runs. */
	r = RUN(dir, "hooks", "trust");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "trusted"), "%s", r.out);
	e2e_free(&r);
	assert_reason(REASON(dir, "state", id, "ready", "--reason", "back",
			     "--force", "--json"),
		      "delivered");
	cr_assert(e2e_exists(dir, "pwned"));
	r = RUN(dir, "doctor");
	cr_assert_null(strstr(r.out, "hook-untrusted"), "%s", r.out);
	cr_assert_null(strstr(r.err, "hook-untrusted"), "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
	e2e_rm(up);
}

Test(hooktrust, a_changed_hook_is_untrusted_again)
{
	char *dir = e2e_store();
	hook(dir, "echo one >> ran.log");
	free(OK_LINE(dir, "hooks", "trust"));
	assert_reason(REASON(dir, "create", "--title", "A", "--json"),
		      "delivered");
	/* A pull changes the hook: consent does not carry over. */
	hook(dir, "echo two >> ran.log");
	assert_reason(REASON(dir, "create", "--title", "B", "--json"),
		      "untrusted");
	char *log = e2e_read(dir, "ran.log");
	cr_assert_str_eq(log, "one\n");
	free(log);
	e2e_result r = RUN(dir, "doctor");
	cr_assert(strstr(r.out, "changed since it was trusted") ||
		      strstr(r.err, "changed since it was trusted"),
		  "%s%s", r.out, r.err);
	e2e_free(&r);
	free(OK_LINE(dir, "hooks", "trust"));
	assert_reason(REASON(dir, "create", "--title", "C", "--json"),
		      "delivered");
	/* untrust takes consent back. */
	free(OK_LINE(dir, "hooks", "untrust"));
	assert_reason(REASON(dir, "create", "--title", "D", "--json"),
		      "untrusted");
	log = e2e_read(dir, "ran.log");
	cr_assert_str_eq(log, "one\ntwo\n");
	free(log);
	e2e_rm(dir);
}

Test(hooktrust, configured_shell_never_runs_ticket_text)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml", "hooks:\n  ticket_event: /bin/sh\n");
	char *got =
	    REASON(dir, "create", "--title", "x$(touch injected)", "--json");
	cr_assert_str_eq(got, "untrusted");
	free(got);
	cr_assert_not(e2e_exists(dir, "injected"), "ticket text ran as shell");
	e2e_rm(dir);
}

Test(hooktrust, trust_needs_a_hook)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "hooks", "trust");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "no ticket-event hook is configured"), "%s",
		  r.err);
	e2e_free(&r);
	e2e_write(dir, ".yoi/config.yaml",
		  "hooks:\n  ticket_event: .yoi/hooks/nope\n");
	r = RUN(dir, "hooks", "trust");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "does not exist"), "%s", r.err);
	e2e_free(&r);
	hook(dir, "true");
	cr_assert_eq(e2e_sh(dir, "chmod -x " HOOK), 0);
	e2e_write(dir, ".yoi/config.yaml", "");
	r = RUN(dir, "hooks", "trust");
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "chmod +x"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(hooktrust, the_record_lives_in_the_git_directory)
{
	char *dir = e2e_store();
	hook(dir, "true");
	free(OK_LINE(dir, "hooks", "trust"));
	cr_assert(e2e_exists(dir, ".git/yoi/trusted-hooks"));
	/* Nothing the clone could commit carries consent. */
	e2e_result r = RUN(dir, "hooks", "trust", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(j, "status")),
			 "trusted");
	cr_assert_eq(strlen(json_string_value(json_object_get(j, "blob"))), 40);
	json_decref(j);
	e2e_free(&r);
	cr_assert_eq(
	    e2e_sh(dir, "git status --porcelain | grep -q yoi/trusted"), 1);
	/* A broken record is a clear error, not a silent trust. */
	e2e_write(dir, ".git/yoi/trusted-hooks", "garbage\n");
	r = RUN(dir, "create", "--title", "A", "--json", "--verbose");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"failed\""), "%s", r.out);
	cr_assert(strstr(r.out, "trusted-hooks:1"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert(strstr(r.out, "hook-trust-record") ||
		      strstr(r.err, "hook-trust-record"),
		  "%s%s", r.out, r.err);
	e2e_free(&r);
	e2e_rm(dir);
}
