/*
 * End-to-end: the option tables of the commands (src/cli/options.h) on
 * the built binary: both spellings, short letters, globals before and
 * after the command, and the refusals with their messages and status 2.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *run_ok(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s: exit %d: %s", argv[0], r.status, r.err);
	char *out = strdup(r.out);
	e2e_free(&r);
	return out;
}
#define RUN_OK(dir, ...) run_ok((dir), (const char *const[]){__VA_ARGS__, NULL})

/* Status 2, nothing on stdout, needle on stderr with the help hint. */
static void usage(const char *dir, const char *needle, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 2, "%s: exit %d, want 2: %s", argv[0], r.status,
		     r.err);
	cr_assert_str_empty(r.out, "%s: stdout on a refusal", argv[0]);
	cr_assert(strstr(r.err, needle), "want '%s' in: %s", needle, r.err);
	cr_assert(strstr(r.err, "(see 'yoi-tickets help"), "%s", r.err);
	e2e_free(&r);
}
#define USAGE(dir, needle, ...)                                                \
	usage((dir), (needle), (const char *const[]){__VA_ARGS__, NULL})

Test(options, spellings_and_short_letters)
{
	char *dir = e2e_store();
	char *a = RUN_OK(dir, "create", "--title=one", "--assignee", "ann",
			 "--risk-flag=r1", "--risk-flag", "r2", "--json");
	cr_assert(strstr(a, "\"title\": \"one\""), "%s", a);
	char *b = RUN_OK(dir, "create", "-t", "two", "--readiness=high");
	b[strcspn(b, "\n")] = '\0';
	char *show = RUN_OK(dir, "show", b, "--json");
	cr_assert(strstr(show, "\"title\": \"two\""), "%s", show);
	cr_assert(strstr(show, "\"readiness\": \"high\""), "%s", show);
	/* Options and positionals mixed; -m VALUE, --message=VALUE. */
	free(RUN_OK(dir, "comment", "-m", "hello", b));
	free(RUN_OK(dir, "comment", b, "--message=again"));
	char *list = RUN_OK(dir, "list", "--assignee=ann", "--limit", "5");
	cr_assert(strstr(list, "one") && !strstr(list, "two"), "%s", list);
	free(list);
	list = RUN_OK(dir, "list", "--state", "planning", "--lim=1");
	cr_assert_eq(strchr(list, '\n') - list + 1, (long)strlen(list),
		     "one row: %s", list);
	free(list);
	free(a);
	free(b);
	free(show);
	e2e_rm(dir);
}

Test(options, globals_before_and_after_the_command)
{
	char *dir = e2e_store();
	char *id = RUN_OK(dir, "--author=Before", "--wait", "3", "create",
			  "--title", "t");
	id[strcspn(id, "\n")] = '\0';
	free(RUN_OK(dir, "comment", id, "-m", "x", "--author", "After",
		    "--wait=2"));
	char *show = RUN_OK(dir, "show", id, "--json");
	cr_assert(strstr(show, "\"author\": \"Before\""), "%s", show);
	cr_assert(strstr(show, "\"author\": \"After\""), "%s", show);
	/* --quiet before and after: the confirmation line goes away. */
	char *q = RUN_OK(dir, "--quiet", "comment", id, "-m", "y");
	cr_assert_str_empty(q);
	free(q);
	q = RUN_OK(dir, "comment", id, "-m", "z", "--quiet");
	cr_assert_str_empty(q);
	free(q);
	/* --root before and after the command, both spellings. */
	char *l1 = RUN_OK(dir, "--root", ".yoi/tickets", "list");
	char *l2 = RUN_OK(dir, "list", "--root=.yoi/tickets");
	cr_assert_str_eq(l1, l2);
	cr_assert(strstr(l1, id), "%s", l1);
	/* Before the command: exact names only; after: prefixes too. */
	USAGE(dir, "yoi-tickets: unknown or incomplete option '--verb'",
	      "--verb", "list");
	USAGE(dir, "yoi-tickets: unknown or incomplete option '--root'",
	      "--root");
	USAGE(dir,
	      "yoi-tickets: --wait needs a non-negative integer, got "
	      "'x'",
	      "--wait=x", "list");
	free(RUN_OK(dir, "list", "--verb", "--wai", "1"));
	USAGE(dir,
	      "yoi-tickets list: --wait needs a non-negative integer, got "
	      "'-1'",
	      "list", "--wait", "-1");
	free(l1);
	free(l2);
	free(show);
	free(id);
	e2e_rm(dir);
}

Test(options, refusals)
{
	char *dir = e2e_store();
	char *id = RUN_OK(dir, "create", "--title", "t");
	id[strcspn(id, "\n")] = '\0';
	USAGE(dir, "yoi-tickets list: unknown option '--bogus'", "list",
	      "--bogus");
	USAGE(dir, "unknown option '--json=1'", "show", id, "--json=1");
	USAGE(dir, "unknown option '-j'", "create", "-t", "x", "-j");
	USAGE(dir, "option '--title' needs a value", "create", "--title");
	USAGE(dir, "option '-m' needs a value", "comment", id, "-m");
	USAGE(dir, "--events needs a non-negative integer, got 'x'", "show", id,
	      "--events", "x");
	USAGE(dir, "--limit needs a non-negative integer, got '-1'", "list",
	      "--limit=-1");
	USAGE(dir, "--record goes with route", "ready", "--record", id);
	/* A repeatable option over its maximum: 65 --risk-flag. */
	const char *argv[4 + 2 * 65 + 1] = {"create", "--title", "many"};
	size_t n = 3;
	for (int i = 0; i < 65; i++) {
		argv[n++] = "--risk-flag";
		argv[n++] = "r";
	}
	argv[n] = NULL;
	usage(dir, "at most 64 --risk-flag", argv);
	/* 64 are fine. */
	argv[n - 2] = NULL;
	free(run_ok(dir, argv));
	/* Nothing else was created by the refusals. */
	char *list = RUN_OK(dir, "list");
	cr_assert_eq(e2e_count(list, "\n"), 2, "%s", list);
	free(list);
	free(id);
	e2e_rm(dir);
}

Test(options, help_from_the_table)
{
	char *dir = e2e_store();
	char *h = RUN_OK(dir, "list", "-h");
	cr_assert(strncmp(h, "usage: yoi-tickets list", 23) == 0, "%s", h);
	char *h2 = RUN_OK(dir, "list", "--state", "ready", "--help");
	cr_assert_str_eq(h, h2);
	free(h);
	free(h2);
	e2e_rm(dir);
}
