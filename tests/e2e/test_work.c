/* End-to-end: start, finish, cleanup and worktrees in real repositories. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A store with one committed queued ticket titled title; returns its ID. */
static char *queued(const char *dir, const char *title)
{
	char *id = OK_LINE(dir, "create", "--title", title);
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "queued");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm 'tickets'"), 0);
	return id;
}

static char *state_of(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	char *s = strdup(json_string_value(
	    json_object_get(json_object_get(j, "fields"), "state")));
	json_decref(j);
	e2e_free(&r);
	return s;
}

/* Nothing of a start is left: no branch, worktree, record; still queued. */
static void nothing_left(const char *dir, const char *id, const char *name)
{
	cr_assert_neq(e2e_sh(dir,
			     "git rev-parse -q --verify "
			     "refs/heads/work/%s >/dev/null",
			     name),
		      0, "branch work/%s was left behind", name);
	char rel[256];
	snprintf(rel, sizeof(rel), ".worktree/%s", name);
	cr_assert_not(e2e_exists(dir, rel), "%s was left behind", rel);
	snprintf(rel, sizeof(rel), ".git/worktrees/%s", name);
	cr_assert_not(e2e_exists(dir, rel), "%s was left behind", rel);
	snprintf(rel, sizeof(rel), ".git/yoi/started/%s", id);
	cr_assert_not(e2e_exists(dir, rel), "%s was left behind", rel);
	cr_assert_not(
	    e2e_exists(dir,
		       e2e_tpath(id, "artifacts/orchestration-plan.jsonl")),
	    "a plan record was left behind");
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "to: inprogress"), 0);
	free(thread);
	char *st = state_of(dir, id);
	cr_assert_str_eq(st, "queued");
	free(st);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git worktree list --porcelain | "
				 "grep '^worktree' | sed 1d)\""),
		     0, "git still lists a linked worktree");
}

Test(work, start_makes_branch_worktree_record_and_event)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Fix the login page!");
	e2e_result r = RUN(dir, "start", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	char name[64];
	snprintf(name, sizeof(name), "%s-fix-the-login-page", id);
	char want[128];
	snprintf(want, sizeof(want), "work/%s", name);
	cr_assert_str_eq(json_string_value(json_object_get(j, "id")), id);
	cr_assert_str_eq(json_string_value(json_object_get(j, "from")),
			 "queued");
	cr_assert_str_eq(json_string_value(json_object_get(j, "to")),
			 "inprogress");
	cr_assert_str_eq(json_string_value(json_object_get(j, "branch")), want);
	snprintf(want, sizeof(want), ".worktree/%s", name);
	cr_assert_str_eq(json_string_value(json_object_get(j, "worktree")),
			 want);
	cr_assert_str_eq(json_string_value(json_object_get(j, "base")),
			 "master");
	cr_assert(strncmp(json_string_value(json_object_get(j, "plan_id")),
			  "orch-plan-", 10) == 0);
	const char *wpath =
	    json_string_value(json_object_get(j, "worktree_path"));
	cr_assert(wpath && wpath[0] == '/' && strstr(wpath, want), "%s", wpath);
	json_decref(j);
	e2e_free(&r);
	/* git sees the branch and the worktree checked out on it. */
	cr_assert_eq(e2e_sh(dir,
			    "git rev-parse -q --verify refs/heads/work/%s "
			    ">/dev/null",
			    name),
		     0);
	cr_assert_eq(e2e_sh(dir,
			    "test \"$(git -C .worktree/%s symbolic-ref HEAD)\" "
			    "= refs/heads/work/%s",
			    name, name),
		     0);
	cr_assert_eq(e2e_sh(dir, "git worktree list | grep -q '%s'", name), 0);
	/* The record, the event, the state, the exclude line. */
	char *plan =
	    e2e_read(dir, e2e_tpath(id, "artifacts/orchestration-plan.jsonl"));
	cr_assert(strstr(plan, "\"kind\":\"accepted_plan\""), "%s", plan);
	snprintf(want, sizeof(want), "\"branch\":\"work/%s\"", name);
	cr_assert(strstr(plan, want), "%s", plan);
	free(plan);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	snprintf(want, sizeof(want), "branch: work/%s", name);
	cr_assert(strstr(thread, "from: queued to: inprogress"), "%s", thread);
	cr_assert(strstr(thread, want), "%s", thread);
	cr_assert(strstr(thread, "base: master"), "%s", thread);
	free(thread);
	char *st = state_of(dir, id);
	cr_assert_str_eq(st, "inprogress");
	free(st);
	char *ex = e2e_read(dir, ".git/info/exclude");
	cr_assert(strstr(ex, "\n/.worktree/\n"), "%s", ex);
	free(ex);
	/* The main worktree's status does not show the worktree. */
	cr_assert_eq(e2e_sh(dir, "! git status --porcelain | grep -q "
				 "worktree"),
		     0);
	free(id);
	e2e_rm(dir);
}

Test(work, start_slug_and_base_options)
{
	char *dir = e2e_store();
	char *id = queued(dir, "ログイン画面");
	cr_assert_eq(e2e_sh(dir, "git branch release"), 0);
	e2e_result r = RUN(dir, "start", id, "--base", "release");
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[128];
	snprintf(want, sizeof(want), "branch:   work/%s (from release)", id);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	char *id2 = queued(dir, "Second");
	r = RUN(dir, "start", id2, "--slug", "my-topic");
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "worktree: .worktree/%s-my-topic", id2);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	free(id);
	free(id2);
	e2e_rm(dir);
}

Test(work, start_refusals_leave_nothing_behind)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Topic");
	char name[64];
	snprintf(name, sizeof(name), "%s-topic", id);
	struct {
		const char *setup, *undo;
		const char *const argv[6];
		int status;
		const char *msg;
	} cases[] = {
	    {"git branch work/%s",
	     "git branch -D work/%s",
	     {"start", id, NULL},
	     4,
	     "already exists"},
	    {"mkdir -p .worktree/%s",
	     "rmdir .worktree/%s",
	     {"start", id, NULL},
	     4,
	     "already exists"},
	    {NULL,
	     NULL,
	     {"start", id, "--base", "no-such-rev", NULL},
	     3,
	     "no-such-rev"},
	    {NULL,
	     NULL,
	     {"start", id, "--slug", "Bad Slug", NULL},
	     2,
	     "--slug"},
	    {"mkdir -p .git/refs/heads/work && touch "
	     ".git/refs/heads/work/%s.lock",
	     "rm .git/refs/heads/work/%s.lock",
	     {"start", id, NULL},
	     5,
	     "lock"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (cases[i].setup)
			cr_assert_eq(e2e_sh(dir, cases[i].setup, name), 0);
		e2e_result r = e2e_run(dir, NULL, cases[i].argv);
		cr_assert_eq(r.status, cases[i].status, "case %zu: %d %s", i,
			     r.status, r.err);
		cr_assert(strstr(r.err, cases[i].msg), "case %zu: %s", i,
			  r.err);
		e2e_free(&r);
		if (cases[i].undo)
			cr_assert_eq(e2e_sh(dir, cases[i].undo, name), 0);
		nothing_left(dir, id, name);
	}
	/* Not queued: the state machine refuses. */
	char *other = OK_LINE(dir, "create", "--title", "Planning one");
	e2e_result r = RUN(dir, "start", other);
	cr_assert_eq(r.status, 4, "%s", r.err);
	e2e_free(&r);
	/* A blocker: the start guard refuses and names it. */
	r = RUN(dir, "relation", "add", id, "--kind", "depends_on", "--target",
		other);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	char want[128];
	snprintf(want, sizeof(want), "waiting for %s via depends_on", other);
	cr_assert(strstr(r.err, want), "%s", r.err);
	e2e_free(&r);
	nothing_left(dir, id, name);
	/* ...unless forced with a reason. */
	r = RUN(dir, "start", id, "--force", "--reason", "hotfix");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "forced: true"), "%s", thread);
	free(thread);
	free(id);
	free(other);
	e2e_rm(dir);
}

Test(work, start_without_a_commit_is_refused)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "T");
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	e2e_free(&r);
	r = RUN(dir, "state", id, "queued");
	e2e_free(&r);
	r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert(strstr(r.err, "no commit"), "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* A start that fails half-way (fault build) leaves nothing behind. */
Test(work, start_failing_half_way_is_undone)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set");
	char *dir = e2e_store();
	char *id = queued(dir, "Half");
	char name[64];
	snprintf(name, sizeof(name), "%s-half", id);
	const char *faults[] = {"start-after-worktree", "start-after-plan",
				"commit-fails"};
	for (size_t i = 0; i < sizeof(faults) / sizeof(*faults); i++) {
		setenv("YOI_FAULT", faults[i], 1);
		e2e_result r = e2e_run_bin(
		    bin, dir, NULL, (const char *const[]){"start", id, NULL});
		unsetenv("YOI_FAULT");
		cr_assert_eq(r.status, 6, "%s: %d %s", faults[i], r.status,
			     r.err);
		cr_assert(strstr(r.err, "fault injected"), "%s", r.err);
		e2e_free(&r);
		nothing_left(dir, id, name);
	}
	/* And then it works. */
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

static json_t *finish_json(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "finish", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	e2e_free(&r);
	return j;
}

Test(work, finish_reports_merge_and_cleanup_removes)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Feature");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char name[64];
	snprintf(name, sizeof(name), "%s-feature", id);
	/* Work on the branch, in the worktree. */
	cr_assert_eq(e2e_sh(dir,
			    "cd .worktree/%s && echo x > feature.txt && git "
			    "add feature.txt && git commit -qm feature",
			    name),
		     0);
	json_t *j = finish_json(dir, id);
	cr_assert_str_eq(json_string_value(json_object_get(j, "to")), "done");
	cr_assert(json_is_false(json_object_get(j, "merged")));
	cr_assert_str_eq(json_string_value(json_object_get(j, "base")),
			 "master");
	json_decref(j);
	/* Unmerged: cleanup refuses, leaves both. */
	r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "not merged"), "%s", r.err);
	e2e_free(&r);
	char rel[128];
	snprintf(rel, sizeof(rel), ".worktree/%s/feature.txt", name);
	cr_assert(e2e_exists(dir, rel));
	/* Merge it, then finish again from done? no: rework and finish. */
	cr_assert_eq(e2e_sh(dir,
			    "git add -A .yoi && git commit -qm t && git "
			    "merge -q --no-edit work/%s",
			    name),
		     0);
	r = RUN(dir, "state", id, "inprogress", "--reason", "check merge");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	j = finish_json(dir, id);
	cr_assert(json_is_true(json_object_get(j, "merged")));
	json_decref(j);
	/* A dirty worktree: refused. */
	snprintf(rel, sizeof(rel), ".worktree/%s/scratch.txt", name);
	e2e_write(dir, rel, "untracked\n");
	r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "scratch.txt"), "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, rel));
	e2e_sh(dir, "rm '%s'", rel);
	/* Clean and merged: both go, an event says so. */
	r = RUN(dir, "cleanup", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert(json_is_true(json_object_get(j, "worktree_removed")));
	cr_assert(json_is_true(json_object_get(j, "branch_deleted")));
	cr_assert(json_is_false(json_object_get(j, "forced")));
	json_decref(j);
	e2e_free(&r);
	snprintf(rel, sizeof(rel), ".worktree/%s", name);
	cr_assert_not(e2e_exists(dir, rel));
	cr_assert_neq(e2e_sh(dir,
			     "git rev-parse -q --verify "
			     "refs/heads/work/%s >/dev/null",
			     name),
		      0);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git worktree list --porcelain | "
				 "grep '^worktree' | sed 1d)\""),
		     0);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "<!-- event: cleanup "), "%s", thread);
	cr_assert(strstr(thread, "## Cleaned up"), "%s", thread);
	free(thread);
	/* Nothing left: exit 3. */
	r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 3, "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(work, cleanup_force_discards_and_deletes_unmerged)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Throwaway");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char name[64];
	snprintf(name, sizeof(name), "%s-throwaway", id);
	cr_assert_eq(e2e_sh(dir,
			    "cd .worktree/%s && echo x > a && git add a && git "
			    "commit -qm a && echo y > b",
			    name),
		     0);
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "worktree removed, branch deleted"), "%s",
		  r.out);
	e2e_free(&r);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "event: cleanup") &&
		      strstr(thread, "forced: true"),
		  "%s", thread);
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(work, finish_refused_when_not_inprogress)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Q");
	e2e_result r = RUN(dir, "finish", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert(strstr(r.err, "start"), "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(work, worktrees_lists_ticket_worktrees)
{
	char *dir = e2e_store();
	char *a = queued(dir, "Alpha");
	char *b = queued(dir, "Beta");
	e2e_result r = RUN(dir, "start", a);
	e2e_free(&r);
	r = RUN(dir, "start", b);
	e2e_free(&r);
	/* A worktree that is not a ticket's is not listed. */
	cr_assert_eq(e2e_sh(dir,
			    "git worktree add -q ../other-%s HEAD "
			    "2>/dev/null || git worktree add -q "
			    ".worktree/plain HEAD",
			    a),
		     0);
	e2e_sh(dir, "rm -rf .worktree/%s-beta", b);
	r = RUN(dir, "worktrees", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_eq(json_array_size(j), 2, "%s", r.out);
	json_t *x = json_array_get(j, 0);
	cr_assert_str_eq(json_string_value(json_object_get(x, "id")), a);
	cr_assert_str_eq(json_string_value(json_object_get(x, "state")),
			 "inprogress");
	cr_assert(json_is_true(json_object_get(x, "exists")));
	char want[64];
	snprintf(want, sizeof(want), "work/%s-alpha", a);
	cr_assert_str_eq(json_string_value(json_object_get(x, "branch")), want);
	x = json_array_get(j, 1);
	cr_assert_str_eq(json_string_value(json_object_get(x, "id")), b);
	cr_assert(json_is_false(json_object_get(x, "exists")));
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "worktrees");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "(missing)"), "%s", r.out);
	e2e_free(&r);
	e2e_sh(dir,
	       "git worktree remove --force ../other-%s 2>/dev/null; rm "
	       "-rf ../other-%s",
	       a, a);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* worktrees.store: branch (the default is one store per clone: see
 * test_oneclone.c): commands inside a worktree see the branch's copy. */
Test(work, commands_in_a_worktree_see_the_branch_view_when_configured)
{
	char *dir = e2e_store();
	e2e_append(dir, ".yoi/config.yaml", "worktrees:\n  store: branch\n");
	char *id = queued(dir, "Viewed");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/.worktree/%s-viewed/.yoi", dir, id);
	/* The branch was cut before the start was committed: queued. */
	char *st = state_of(sub, id);
	cr_assert_str_eq(st, "queued");
	free(st);
	st = state_of(dir, id);
	cr_assert_str_eq(st, "inprogress");
	free(st);
	/* A comment inside the worktree lands in the worktree's copy. */
	r = RUN(sub, "comment", id, "--message", "from the worktree");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char rel[256];
	snprintf(rel, sizeof(rel), ".worktree/%s-viewed/%s", id,
		 e2e_tpath(id, "thread.md"));
	char *t = e2e_read(dir, rel);
	cr_assert(strstr(t, "from the worktree"));
	free(t);
	t = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_null(strstr(t, "from the worktree"));
	free(t);
	free(id);
	e2e_rm(dir);
}

Test(work, doctor_warns_about_worktrees)
{
	char *dir = e2e_store();
	char *a = queued(dir, "Gone");
	char *b = queued(dir, "Closed");
	e2e_result r = RUN(dir, "start", a);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "start", b);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.out, "worktree-"), "%s", r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "rm -rf .worktree/%s-gone", a), 0);
	r = RUN(dir, "close", b, "--resolution", "dropped");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor", "--format", "json");
	cr_assert_eq(r.status, 0, "warnings only: %s%s", r.out, r.err);
	cr_assert(strstr(r.out, "\"worktree-missing\""), "%s", r.out);
	cr_assert(strstr(r.out, "\"worktree-cleanup-pending\""), "%s", r.out);
	cr_assert(strstr(r.out, a) && strstr(r.out, b), "%s", r.out);
	e2e_free(&r);
	/* cleanup of the closed one clears its warning. */
	r = RUN(dir, "cleanup", b, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_null(strstr(r.out, "worktree-cleanup-pending"), "%s", r.out);
	cr_assert(strstr(r.out, "worktree-missing"), "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}
