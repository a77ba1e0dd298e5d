/*
 * End-to-end: merged means merged (issue 16). A branch counts as merged
 * when merging it into its base would change nothing: merge commits,
 * squash merges and rebase merges alike. cleanup refuses an inprogress
 * ticket; finish.require_merged makes finish wait for the merge.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A started ticket whose branch has two commits; returns the ID and the
 * worktree name. The store is committed on master before the start. */
static char *started(const char *dir, char name[64])
{
	char *id = OK_LINE(dir, "create", "--title", "Feature");
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm tickets"), 0);
	OK(dir, "start", id);
	snprintf(name, 64, "%s-feature", id);
	cr_assert_eq(e2e_sh(dir,
			    "cd .worktree/%s && echo one > a.txt && git add "
			    "a.txt && git commit -qm one && echo two > b.txt "
			    "&& git add b.txt && git commit -qm two",
			    name),
		     0);
	/* master moves on independently (the store's start events). */
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm started"), 0);
	return id;
}

static bool finish_merged(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "finish", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	bool m = json_is_true(json_object_get(j, "merged"));
	json_decref(j);
	e2e_free(&r);
	return m;
}

static void cleanup_without_force(const char *dir, const char *id,
				  const char *name)
{
	e2e_result r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_neq(e2e_sh(dir,
			     "git rev-parse -q --verify refs/heads/work/%s "
			     ">/dev/null",
			     name),
		      0, "the branch is still there");
}

Test(merged, squash_merge_counts_as_merged)
{
	char *dir = e2e_store();
	char name[64];
	char *id = started(dir, name);
	cr_assert_not(finish_merged(dir, id), "not merged yet");
	OK(dir, "state", id, "inprogress", "--reason", "again");
	cr_assert_eq(e2e_sh(dir,
			    "git merge -q --squash work/%s >/dev/null 2>&1 && "
			    "git commit -qm squashed",
			    name),
		     0);
	cr_assert(finish_merged(dir, id), "a squash merge is a merge");
	cleanup_without_force(dir, id, name);
	free(id);
	e2e_rm(dir);
}

Test(merged, rebase_merge_counts_as_merged)
{
	char *dir = e2e_store();
	char name[64];
	char *id = started(dir, name);
	/* Rebase merge: the branch's commits replayed on master. */
	cr_assert_eq(e2e_sh(dir,
			    "git cherry-pick work/%s~1 work/%s >/dev/null",
			    name, name),
		     0);
	/* And master moves on after it. */
	cr_assert_eq(e2e_sh(dir, "echo later > c.txt && git add c.txt && "
				 "git commit -qm later"),
		     0);
	cr_assert(finish_merged(dir, id), "a rebase merge is a merge");
	cleanup_without_force(dir, id, name);
	free(id);
	e2e_rm(dir);
}

Test(merged, half_applied_branch_is_not_merged)
{
	char *dir = e2e_store();
	char name[64];
	char *id = started(dir, name);
	/* Only the first of two commits reached master. */
	cr_assert_eq(e2e_sh(dir, "git cherry-pick work/%s~1 >/dev/null", name),
		     0);
	cr_assert_not(finish_merged(dir, id));
	e2e_result r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "not merged"), "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(merged, cleanup_refuses_an_inprogress_ticket)
{
	char *dir = e2e_store();
	char name[64];
	char *id = started(dir, name);
	cr_assert_eq(e2e_sh(dir, "git merge -q --no-edit work/%s", name), 0);
	e2e_result r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "inprogress"), "%s", r.err);
	e2e_free(&r);
	char rel[128];
	snprintf(rel, sizeof(rel), ".worktree/%s/a.txt", name);
	cr_assert(e2e_exists(dir, rel), "the worktree was removed");
	/* --force is the explicit override. */
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, rel));
	free(id);
	e2e_rm(dir);
}

Test(merged, require_merged_makes_finish_wait)
{
	char *dir = e2e_store();
	e2e_append(dir, ".yoi/config.yaml", "finish:\n  require_merged: true\n");
	char name[64];
	char *id = started(dir, name);
	e2e_result r = RUN(dir, "finish", id);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "not merged") && strstr(r.err, name), "%s",
		  r.err);
	e2e_free(&r);
	char *t = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(t, "to: done"), 0, "finish wrote an event");
	free(t);
	cr_assert_eq(e2e_sh(dir,
			    "git merge -q --squash work/%s >/dev/null 2>&1 && "
			    "git commit -qm squashed",
			    name),
		     0);
	cr_assert(finish_merged(dir, id));
	free(id);
	e2e_rm(dir);
}
