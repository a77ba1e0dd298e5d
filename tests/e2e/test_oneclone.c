/*
 * End-to-end: one store per clone (issue 16). Inside a linked worktree that
 * `start` made, commands act on the main worktree's store, whether `.yoi/`
 * was never committed (the branch has no store) or committed earlier (the
 * branch holds a stale copy), unless --root says otherwise.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A queued ticket; with commit, the store is committed first. */
static char *queued(const char *dir, const char *title, bool commit)
{
	char *id = OK_LINE(dir, "create", "--title", title);
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	if (commit)
		cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	else
		cr_assert_eq(e2e_sh(dir, "git commit -q --allow-empty -m base"),
			     0);
	return id;
}

static char *field(const char *dir, const char *id, const char *name)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "show in %s: %s", dir, r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	char *s = strdup(json_string_value(
	    json_object_get(json_object_get(j, "fields"), name)));
	json_decref(j);
	e2e_free(&r);
	return s;
}

/* Start id and return the absolute path of its worktree; main: the store
 * start names is the main worktree's (else the worktree's own). */
static char *start_in(const char *dir, const char *id, bool main)
{
	e2e_result r = RUN(dir, "start", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	char *wt = strdup(
	    json_string_value(json_object_get(j, "worktree_path")));
	const char *store = json_string_value(json_object_get(j, "store"));
	cr_assert(store && strstr(store, dir), "%s", r.out);
	cr_assert(main == !strstr(store, ".worktree"),
		  "start names the store the worktree uses: %s", r.out);
	json_decref(j);
	e2e_free(&r);
	return wt;
}

static char *start(const char *dir, const char *id)
{
	return start_in(dir, id, true);
}

static void loop_from_the_worktree(bool committed)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Fix the login page", committed);
	char *wt = start(dir, id);
	/* The worktree sees the ticket as the main worktree does. */
	char *s = field(wt, id, "state");
	cr_assert_str_eq(s, "inprogress");
	free(s);
	OK(wt, "comment", id, "-m", "from the coder's worktree");
	OK(wt, "report", id, "-m", "tests pass");
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "from the coder's worktree"), "%s", thread);
	cr_assert(strstr(thread, "tests pass"), "%s", thread);
	free(thread);
	OK(wt, "finish", id);
	s = field(dir, id, "state");
	cr_assert_str_eq(s, "done");
	free(s);
	s = field(wt, id, "state");
	cr_assert_str_eq(s, "done");
	free(s);
	/* No second store was made in the worktree, nothing written there. */
	cr_assert_eq(e2e_sh(wt, "test -z \"$(git status --porcelain)\""), 0,
		     "the worktree was written to");
	if (!committed)
		cr_assert_not(e2e_exists(wt, ".yoi"));
	e2e_doctor_clean(dir);
	OK(dir, "cleanup", id);
	free(wt);
	free(id);
	e2e_rm(dir);
}

Test(oneclone, loop_from_the_worktree_when_the_store_was_never_committed)
{
	loop_from_the_worktree(false);
}

Test(oneclone, loop_from_the_worktree_when_the_branch_has_a_stale_copy)
{
	loop_from_the_worktree(true);
}

/* init inside the worktree does not make a second store. */
Test(oneclone, init_in_a_worktree_names_the_main_store)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Fix", false);
	char *wt = start(dir, id);
	e2e_result r = RUN(wt, "init");
	cr_assert_not(e2e_exists(wt, ".yoi"), "init made a second store");
	e2e_free(&r);
	free(wt);
	free(id);
	e2e_rm(dir);
}

/* --root still names the store explicitly, even inside a worktree. */
Test(oneclone, root_option_wins_inside_a_worktree)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Fix", true);
	char *wt = start(dir, id);
	/* The branch's stale copy, asked for by --root: still queued. */
	e2e_result r = RUN(wt, "--root", ".yoi/tickets", "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"queued\""), "%s", r.out);
	e2e_free(&r);
	free(wt);
	free(id);
	e2e_rm(dir);
}

/* worktrees.store: branch keeps each worktree's own copy of the store. */
Test(oneclone, branch_config_keeps_the_worktree_store)
{
	char *dir = e2e_store();
	e2e_append(dir, ".yoi/config.yaml", "worktrees:\n  store: branch\n");
	char *id = queued(dir, "Fix", true);
	char *wt = start_in(dir, id, false);
	char *s = field(wt, id, "state");
	cr_assert_str_eq(s, "queued", "the branch's copy");
	free(s);
	free(wt);
	free(id);
	e2e_rm(dir);
}

/* The gate judges the worktree's own commits, not the main store. */
Test(oneclone, pre_commit_in_a_worktree_checks_its_own_index)
{
	char *dir = e2e_store();
	OK(dir, "hooks", "install");
	char *id = queued(dir, "Fix", true);
	char *wt = start(dir, id);
	/* A hand edit of the branch's stale copy that breaks the thread's
	 * append-only rule: refused by the hook there. */
	char rel[128];
	snprintf(rel, sizeof(rel), "%s", e2e_tpath(id, "thread.md"));
	e2e_write(wt, rel, "garbage\n");
	cr_assert_neq(e2e_sh(wt, "git add -A && git commit -qm bad >/dev/null 2>&1"),
		      0, "the pre-commit hook let a rewritten thread through");
	/* The main worktree commits the store (its HEAD moves past the
	 * branch's); an ordinary code commit in the worktree still passes:
	 * the hook compares the worktree's index with its own HEAD. */
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm store"), 0);
	cr_assert_eq(e2e_sh(wt, "git reset -q --hard && echo x > code.c && "
				"git add code.c && git commit -qm code"),
		     0);
	free(wt);
	free(id);
	e2e_rm(dir);
}

/* The whole loop after start from inside the worktree, cleanup included
 * (after the orchestrator merged): the main store records every step. */
Test(oneclone, whole_loop_from_inside_the_worktree)
{
	char *dir = e2e_store();
	char *id = queued(dir, "Loop", true);
	char *wt = start(dir, id);
	cr_assert_eq(e2e_sh(wt, "echo x > x.c && git add x.c && "
				"git commit -qm x"),
		     0);
	OK(wt, "comment", id, "-m", "working");
	OK(wt, "finish", id);
	cr_assert_eq(e2e_sh(dir, "git merge -q --no-edit "
				 "\"$(git -C '%s' symbolic-ref --short HEAD)\"",
			    wt),
		     0);
	OK(wt, "cleanup", id);
	cr_assert_not(e2e_exists(wt, "x.c"), "the worktree is gone");
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "working"), "%s", thread);
	cr_assert(strstr(thread, "to: done"), "%s", thread);
	cr_assert(strstr(thread, "<!-- event: cleanup "), "%s", thread);
	free(thread);
	e2e_doctor_clean(dir);
	free(wt);
	free(id);
	e2e_rm(dir);
}
