/* End-to-end: the pre-commit checks and `check --base` over git objects. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void commit_all(const char *dir, const char *msg)
{
	cr_assert_eq(e2e_sh(dir,
			    "git add -A && git commit -qm '%s' "
			    "--no-verify",
			    msg),
		     0);
}

/* A committed store with one ready ticket; returns its ID. */
static char *committed(const char *dir)
{
	char *id = OK_LINE(dir, "create", "--title", "Checked");
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	commit_all(dir, "base");
	return id;
}

static e2e_result precommit(const char *dir)
{
	return RUN(dir, "hook", "pre-commit");
}

Test(gitcheck, precommit_accepts_engine_changes)
{
	char *dir = e2e_store();
	/* No commit yet: every ticket is new. */
	char *id = OK_LINE(dir, "create", "--title", "First");
	cr_assert_eq(e2e_sh(dir, "git add -A"), 0);
	e2e_result r = precommit(dir);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	commit_all(dir, "one");
	r = RUN(dir, "state", id, "ready", "--summary", "s");
	e2e_free(&r);
	r = RUN(dir, "comment", id, "--message", "more");
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A"), 0);
	r = precommit(dir);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* Stage a hand edit of id's file and expect pre-commit to fail with code. */
static void expect_refused(const char *dir, const char *code, int line)
{
	cr_assert_eq(e2e_sh(dir, "git add -A"), 0);
	e2e_result r = precommit(dir);
	cr_assert_eq(r.status, 1, "%s: %s%s", code, r.out, r.err);
	cr_assert(strstr(r.out, code), "%s: %s", code, r.out);
	if (line > 0) {
		char want[32];
		snprintf(want, sizeof(want), ":%d: [%s]", line, code);
		cr_assert(strstr(r.out, want), "%s: %s", want, r.out);
	}
	cr_assert(strstr(r.err, "commit is stopped"), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git reset -q --hard"), 0);
}

Test(gitcheck, precommit_refuses_bad_thread_changes)
{
	char *dir = e2e_store();
	char *id = committed(dir);
	const char *tp = e2e_tpath(id, "thread.md");
	char path[256];
	snprintf(path, sizeof(path), "%s", tp);
	/* An edited line (not an append): line 3 is the first heading. */
	cr_assert_eq(e2e_sh(dir, "sed -i '3s/.*/## Forged/' %s", path), 0);
	expect_refused(dir, "change-thread-rewritten", 3);
	/* A truncation. */
	cr_assert_eq(e2e_sh(dir, "head -c 40 %s > t && mv t %s", path, path),
		     0);
	expect_refused(dir, "change-thread-rewritten", 0);
	/* A malformed appended event. */
	e2e_append(dir, path,
		   "<!-- event: comment at: nope\n\n## C\n\nx\n\n---\n");
	expect_refused(dir, "thread-", 0);
	/* An illegal transition appended by hand (ready -> done). */
	e2e_append(dir, path,
		   "<!-- event: state_changed author: x at: "
		   "2030-01-01T00:00:00Z from: ready to: done reason: r "
		   "field: state -->\n\n## State changed\n\n---\n");
	cr_assert_eq(e2e_sh(dir, "sed -i \"s/^state: .*/state: 'done'/\" %s",
			    e2e_tpath(id, "item.md")),
		     0);
	expect_refused(dir, "change-illegal-transition", 0);
	/* A transition that does not start where the thread was. */
	e2e_append(dir, path,
		   "<!-- event: state_changed author: x at: "
		   "2030-01-01T00:00:00Z from: queued to: inprogress reason: "
		   "r field: state -->\n\n## State changed\n\n---\n");
	expect_refused(dir, "change-illegal-transition", 0);
	/* item.md's state changed without an event. */
	cr_assert_eq(e2e_sh(dir, "sed -i \"s/^state: .*/state: 'queued'/\" %s",
			    e2e_tpath(id, "item.md")),
		     0);
	expect_refused(dir, "state-drift", 0);
	/* A deleted ticket. */
	cr_assert_eq(e2e_sh(dir, "rm -r .yoi/tickets/%s", id), 0);
	expect_refused(dir, "change-thread-removed", 0);
	free(id);
	e2e_rm(dir);
}

Test(gitcheck, precommit_checks_only_touched_tickets)
{
	char *dir = e2e_store();
	char *id = committed(dir);
	char *other = OK_LINE(dir, "create", "--title", "Other");
	commit_all(dir, "other");
	/* other is broken in the working tree but not staged. */
	cr_assert_eq(e2e_sh(dir, "sed -i '3s/.*/## Forged/' %s",
			    e2e_tpath(other, "thread.md")),
		     0);
	e2e_result r = RUN(dir, "comment", id, "--message", "fine");
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add .yoi/tickets/%s", id), 0);
	r = precommit(dir);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(id);
	free(other);
	e2e_rm(dir);
}

/* Two commits on top of base: a good one, then a bad one. */
static void good_then_bad(const char *dir, const char *id, char *good,
			  char *bad)
{
	e2e_result r = RUN(dir, "comment", id, "--message", "good");
	e2e_free(&r);
	commit_all(dir, "good");
	cr_assert_eq(e2e_sh(dir, "git rev-parse HEAD > .git/good"), 0);
	cr_assert_eq(e2e_sh(dir, "sed -i '3s/.*/## Forged/' %s",
			    e2e_tpath(id, "thread.md")),
		     0);
	commit_all(dir, "bad");
	char *g = e2e_read(dir, ".git/good");
	g[strcspn(g, "\n")] = '\0';
	snprintf(good, 41, "%s", g);
	free(g);
	snprintf(bad, 8, "HEAD");
}

Test(gitcheck, check_range_in_every_format)
{
	char *dir = e2e_store();
	char *id = committed(dir);
	cr_assert_eq(e2e_sh(dir, "git tag base"), 0);
	char good[41], bad[8];
	good_then_bad(dir, id, good, bad);
	/* base..good: clean. */
	e2e_result r = RUN(dir, "check", "--base", "base", "--head", good);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "1 ticket(s) changed"), "%s", r.err);
	cr_assert(strstr(r.err, "0 error(s)"), "%s", r.err);
	e2e_free(&r);
	/* base..HEAD: the rewrite is found, without a checkout. */
	cr_assert_eq(e2e_sh(dir, "git checkout -q base 2>/dev/null"), 0);
	r = RUN(dir, "check", "--base", "base", "--head", "master");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	char want[128];
	snprintf(
	    want, sizeof(want),
	    "error: .yoi/tickets/%s/thread.md:3: [change-thread-rewritten]",
	    id);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "base", "--head", "master", "--format",
		"json");
	cr_assert_eq(r.status, 1);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_integer_value(json_object_get(j, "errors")), 1);
	cr_assert_str_eq(
	    json_string_value(json_array_get(json_object_get(j, "tickets"), 0)),
	    id);
	json_t *d0 = json_array_get(json_object_get(j, "diagnostics"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(d0, "code")),
			 "change-thread-rewritten");
	cr_assert_str_eq(json_string_value(json_object_get(d0, "severity")),
			 "error");
	cr_assert_eq(json_integer_value(json_object_get(d0, "line")), 3);
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "base", "--head", "master", "--format",
		"github");
	cr_assert_eq(r.status, 1);
	snprintf(want, sizeof(want),
		 "::error file=.yoi/tickets/%s/thread.md,line=3,title=change-"
		 "thread-rewritten::",
		 id);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "base", "--head", "master", "--format",
		"junit");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out, "<?xml"), "%s", r.out);
	snprintf(want, sizeof(want),
		 "<testcase classname=\"check\" name=\"%s\">", id);
	cr_assert(strstr(r.out, want), "%s", r.out);
	cr_assert(strstr(r.out, "<failure type=\"change-thread-rewritten\""),
		  "%s", r.out);
	cr_assert(strstr(r.out, "failures=\"1\""), "%s", r.out);
	e2e_free(&r);
	/* The good commit alone in junit: a passing case. */
	r = RUN(dir, "check", "--base", "base", "--head", good, "--format",
		"junit");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "failures=\"0\""), "%s", r.out);
	cr_assert_null(strstr(r.out, "<failure"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(gitcheck, check_usage_and_bad_revisions)
{
	char *dir = e2e_store();
	free(committed(dir));
	e2e_result r = RUN(dir, "check");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(strstr(r.err, "--base"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "nope");
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert(strstr(r.err, "nope"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "HEAD", "--format", "xml");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	/* Nothing changed: exit 0. */
	r = RUN(dir, "check", "--base", "HEAD");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "0 ticket(s) changed"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(gitcheck, check_finds_dangling_relations_in_head)
{
	char *dir = e2e_store();
	char *a = committed(dir);
	char *b = OK_LINE(dir, "create", "--title", "B");
	e2e_result r = RUN(dir, "relation", "add", a, "--kind", "depends_on",
			   "--target", b);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	/* Commit a's relation without b: the target does not exist there. */
	cr_assert_eq(e2e_sh(dir,
			    "git add .yoi/tickets/%s && git commit -qm "
			    "rel --no-verify",
			    a),
		     0);
	r = RUN(dir, "check", "--base", "HEAD~1");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "relation-dangling"), "%s", r.out);
	e2e_free(&r);
	commit_all(dir, "b");
	r = RUN(dir, "check", "--base", "HEAD~2");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(gitcheck, doctor_junit_format)
{
	char *dir = e2e_store();
	char *id = committed(dir);
	e2e_result r = RUN(dir, "doctor", "--format", "junit");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "<testsuite name=\"yoi-tickets doctor\""), "%s",
		  r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "sed -i \"s/^state: .*/state: 'done'/\" %s",
			    e2e_tpath(id, "item.md")),
		     0);
	r = RUN(dir, "doctor", "--format", "junit");
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(strstr(r.out, "<failure type=\"state-drift"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* The merge driver never loses data: what it cannot merge is a conflict. */
Test(gitcheck, merge_driver_leaves_unsafe_merges_as_conflicts)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *id = committed(dir);
	cr_assert_eq(e2e_sh(dir, "git checkout -q -b other"), 0);
	r = RUN(dir, "edit", id, "--title", "Theirs");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	/* And history rewritten on this side. */
	cr_assert_eq(e2e_sh(dir, "sed -i '3s/.*/## Forged/' %s",
			    e2e_tpath(id, "thread.md")),
		     0);
	commit_all(dir, "theirs");
	cr_assert_eq(e2e_sh(dir, "git checkout -q master"), 0);
	r = RUN(dir, "edit", id, "--title", "Ours");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	commit_all(dir, "ours");
	cr_assert_neq(e2e_sh(dir, "git merge -q --no-edit other >.git/m.log "
				  "2>&1"),
		      0);
	char *log = e2e_read(dir, ".git/m.log");
	cr_assert(strstr(log, "field 'title'"), "%s", log);
	cr_assert(strstr(log, "append-only"), "%s", log);
	free(log);
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "<<<<<<<") && strstr(item, "Ours") &&
		      strstr(item, "Theirs"),
		  "%s", item);
	free(item);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "<<<<<<<") || strstr(thread, "## Forged"),
		  "%s", thread);
	free(thread);
	free(id);
	e2e_rm(dir);
}
