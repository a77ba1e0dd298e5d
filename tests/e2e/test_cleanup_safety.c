/*
 * End-to-end: records cannot steer destructive git operations. cleanup
 * removes only the worktree and branch that `start` made in this clone
 * (a local record under the git common directory says so), and start
 * makes the worktree exactly where it records it, inside the repository
 * or in a sibling folder, never elsewhere.
 *
 * Every test works in a temporary folder holding the repository as
 * "repo", so that sibling folders ("../x") are removed with it.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

typedef struct nest {
	char *outer; /* /tmp/yoi-e2e.XXXXXX, removed by nest_rm */
	char repo[512];
} nest;

/* A store with one commit in <outer>/repo. */
static nest nest_store(void)
{
	nest n;
	n.outer = strdup("/tmp/yoi-e2e.XXXXXX");
	cr_assert_not_null(n.outer);
	cr_assert_not_null(mkdtemp(n.outer));
	snprintf(n.repo, sizeof(n.repo), "%s/repo", n.outer);
	cr_assert_eq(e2e_sh(n.outer,
			    "git init -q repo && cd repo && git config "
			    "user.name 'E2E User' && git config user.email "
			    "e2e@example.invalid"),
		     0);
	e2e_result r = RUN(n.repo, "init");
	cr_assert_eq(r.status, 0, "init: %s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(n.repo, "git add -A && git commit -qm init"), 0);
	return n;
}

static void nest_rm(nest *n)
{
	e2e_rm(n->outer);
	n->outer = NULL;
}

/* A committed ticket moved to state (ready or queued). */
static char *ticket(const char *dir, const char *title, const char *state)
{
	char *id = OK_LINE(dir, "create", "--title", title);
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	if (strcmp(state, "queued") == 0) {
		r = RUN(dir, "state", id, "queued");
		cr_assert_eq(r.status, 0, "%s", r.err);
		e2e_free(&r);
	}
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm 'tickets'"), 0);
	return id;
}

static bool branch_exists(const char *dir, const char *branch)
{
	return e2e_sh(dir,
		      "git rev-parse -q --verify 'refs/heads/%s' >/dev/null",
		      branch) == 0;
}

/* Whether git lists a worktree whose path ends with suffix. */
static bool worktree_listed(const char *dir, const char *suffix)
{
	return e2e_sh(dir,
		      "git worktree list --porcelain | grep -q '^worktree "
		      ".*%s$'",
		      suffix) == 0;
}

/*
 * The forgery of the issue: an accepted_plan record naming branch and
 * worktree, plus an event naming the branch with a base, so that the
 * merge check has something to go on.
 */
static void forge(const char *dir, const char *id, const char *branch,
		  const char *worktree)
{
	e2e_result r =
	    RUN(dir, "plan", "add", id, "--kind", "accepted_plan", "--summary",
		"forged", "--branch", branch, "--worktree", worktree);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char ev[512];
	snprintf(ev, sizeof(ev),
		 "\n<!-- event: comment author: mallory at: "
		 "2030-01-01T00:00:00Z branch: %s base: master -->\n\n"
		 "## Comment\n\nforged\n\n---\n",
		 branch);
	e2e_append(dir, e2e_tpath(id, "thread.md"), ev);
}

Test(cleanup_safety, forged_record_cannot_remove_unrelated_worktree_or_branch)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Victim", "ready");
	/* An unrelated clean worktree and a release branch (merged). */
	cr_assert_eq(e2e_sh(dir, "git branch release && git worktree add -q "
				 ".worktree/unrelated -b side"),
		     0);
	forge(dir, id, "release", ".worktree/unrelated");
	e2e_result r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "release"), "%s", r.err);
	cr_assert(strstr(r.err, "git branch"), "%s", r.err);
	e2e_free(&r);
	cr_assert(branch_exists(dir, "release"));
	cr_assert(branch_exists(dir, "side"));
	cr_assert(e2e_exists(dir, ".worktree/unrelated/.yoi"));
	cr_assert(worktree_listed(dir, "/.worktree/unrelated"));
	/* The same record naming the main branch and the main worktree. */
	forge(dir, id, "master", ".");
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	e2e_free(&r);
	cr_assert(branch_exists(dir, "master"));
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_null(strstr(thread, "event: cleanup"), "%s", thread);
	free(thread);
	free(id);
	nest_rm(&n);
}

Test(cleanup_safety, force_never_discards_files_of_a_worktree_it_did_not_make)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Victim", "ready");
	char name[64], branch[96], wt[128];
	/* Names that look like start's: prefix, ID, worktrees dir. */
	snprintf(name, sizeof(name), "%s-mine", id);
	snprintf(branch, sizeof(branch), "work/%s", name);
	snprintf(wt, sizeof(wt), ".worktree/%s", name);
	cr_assert_eq(e2e_sh(dir,
			    "git worktree add -q %s -b %s && echo wip > "
			    "%s/uncommitted.txt",
			    wt, branch, wt),
		     0);
	/* And one outside, beside the repository, on release. */
	cr_assert_eq(e2e_sh(dir, "git branch release && git worktree add -q "
				 "../outside release && echo wip > "
				 "../outside/uncommitted.txt"),
		     0);
	struct {
		const char *branch, *worktree, *file, *msg;
	} cases[] = {
	    {branch, wt, NULL, "this clone"},
	    {"release", "../outside", "../outside/uncommitted.txt", "release"},
	    {branch, "../outside", "../outside/uncommitted.txt",
	     "git worktree remove ../outside"},
	};
	char file[160];
	snprintf(file, sizeof(file), "%s/uncommitted.txt", wt);
	cases[0].file = file;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		forge(dir, id, cases[i].branch, cases[i].worktree);
		e2e_result r = RUN(dir, "cleanup", id, "--force");
		cr_assert_eq(r.status, 4, "case %zu: %d %s", i, r.status,
			     r.err);
		cr_assert(strstr(r.err, cases[i].msg), "case %zu: %s", i,
			  r.err);
		e2e_free(&r);
		cr_assert(e2e_exists(dir, cases[i].file), "case %zu", i);
		cr_assert(branch_exists(dir, cases[i].branch), "case %zu", i);
	}
	cr_assert(worktree_listed(dir, wt));
	cr_assert(worktree_listed(dir, "/outside"));
	free(id);
	nest_rm(&n);
}

Test(cleanup_safety, start_finish_merge_cleanup_still_works)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Feature", "queued");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char name[64], rel[128];
	snprintf(name, sizeof(name), "%s-feature", id);
	/* start recorded what it made, locally: never committed. */
	snprintf(rel, sizeof(rel), ".git/yoi/started/%s", id);
	char *rec = e2e_read(dir, rel);
	cr_assert(strstr(rec, name), "%s", rec);
	free(rec);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain)\" || "
				 "! git status --porcelain | grep -q started"),
		     0);
	cr_assert_eq(e2e_sh(dir,
			    "cd .worktree/%s && echo x > f.txt && git add "
			    "f.txt && git commit -qm f",
			    name),
		     0);
	/* inprogress: the work is not finished, cleanup refuses. */
	r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "inprogress"), "%s", r.err);
	e2e_free(&r);
	snprintf(rel, sizeof(rel), ".worktree/%s/f.txt", name);
	cr_assert(e2e_exists(dir, rel));
	r = RUN(dir, "finish", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir,
			    "git add -A .yoi && git commit -qm t && git merge "
			    "-q --no-edit work/%s",
			    name),
		     0);
	r = RUN(dir, "cleanup", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "worktree removed, branch deleted"), "%s",
		  r.out);
	e2e_free(&r);
	snprintf(rel, sizeof(rel), ".worktree/%s", name);
	cr_assert_not(e2e_exists(dir, rel));
	snprintf(rel, sizeof(rel), "work/%s", name);
	cr_assert_not(branch_exists(dir, rel));
	snprintf(rel, sizeof(rel), ".git/yoi/started/%s", id);
	cr_assert_not(e2e_exists(dir, rel), "the local record stayed");
	free(id);
	nest_rm(&n);
}

Test(cleanup_safety, cleanup_in_another_clone_refuses)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Shared", "queued");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A .yoi && git commit -qm started"),
		     0);
	char name[64], branch[96], wt[128], clone[600];
	snprintf(name, sizeof(name), "%s-shared", id);
	snprintf(branch, sizeof(branch), "work/%s", name);
	snprintf(wt, sizeof(wt), ".worktree/%s", name);
	snprintf(clone, sizeof(clone), "%s/clone", n.outer);
	/* The other clone fetches the branch and checks it out. */
	cr_assert_eq(e2e_sh(n.outer,
			    "git clone -q repo clone && cd clone && "
			    "git worktree add -q %s %s && echo wip > "
			    "%s/mine.txt",
			    wt, branch, wt),
		     0);
	cr_assert(branch_exists(clone, branch));
	for (int force = 0; force < 2; force++) {
		r = force ? RUN(clone, "cleanup", id, "--force")
			  : RUN(clone, "cleanup", id);
		cr_assert_eq(r.status, 4, "force %d: %d %s", force, r.status,
			     r.err);
		cr_assert(strstr(r.err, "this clone"), "%s", r.err);
		e2e_free(&r);
		cr_assert(branch_exists(clone, branch));
		char f[160];
		snprintf(f, sizeof(f), "%s/mine.txt", wt);
		cr_assert(e2e_exists(clone, f));
	}
	/* The clone that started it still can. */
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(branch_exists(dir, branch));
	cr_assert_not(e2e_exists(dir, wt));
	free(id);
	nest_rm(&n);
}

static void set_dir(const char *dir, const char *wdir)
{
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), "worktrees:\n  dir: '%s'\n", wdir);
	e2e_write(dir, ".yoi/config.yaml", cfg);
}

/* The worktree recorded by the latest accepted_plan of id. */
static char *recorded_worktree(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "plan", "list", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	char *w = NULL;
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *acc =
		    json_object_get(json_array_get(j, i), "accepted_plan");
		const char *s =
		    json_string_value(json_object_get(acc, "worktree"));
		if (s) {
			free(w);
			w = strdup(s);
		}
	}
	json_decref(j);
	e2e_free(&r);
	cr_assert_not_null(w);
	return w;
}

/*
 * An absolute worktrees.dir inside the repository: either the config
 * refuses it (exit 7), or start records the path relative to the top,
 * makes the worktree exactly there (not at <top>//abs/...), and cleanup
 * removes it again.
 */
Test(cleanup_safety, absolute_worktrees_dir_is_joined_consistently)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Abs", "queued");
	char abs[600];
	snprintf(abs, sizeof(abs), "%s/wt-abs", dir);
	set_dir(dir, abs);
	e2e_result r = RUN(dir, "start", id);
	char rel[700];
	snprintf(rel, sizeof(rel), "%s/wt-abs", dir + 1);
	cr_assert_not(e2e_exists(dir, rel), "made at <top>/<abs>: %s", r.err);
	if (r.status == 7) {
		cr_assert(strstr(r.err, "worktrees"), "%s", r.err);
		e2e_free(&r);
		free(id);
		nest_rm(&n);
		return;
	}
	cr_assert_eq(r.status, 0, "%d %s", r.status, r.err);
	e2e_free(&r);
	char want[128];
	snprintf(want, sizeof(want), "wt-abs/%s-abs", id);
	char *w = recorded_worktree(dir, id);
	cr_assert_str_eq(w, want);
	free(w);
	cr_assert(e2e_exists(dir, want));
	cr_assert(worktree_listed(dir, want));
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, want));
	cr_assert_not(worktree_listed(dir, want));
	free(id);
	nest_rm(&n);
}

/* A sibling folder ../<name> works end to end, recorded as such. */
Test(cleanup_safety, sibling_worktrees_dir_round_trip)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Sib", "queued");
	set_dir(dir, "../wt-sib");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%d %s", r.status, r.err);
	e2e_free(&r);
	char want[128];
	snprintf(want, sizeof(want), "../wt-sib/%s-sib", id);
	char *w = recorded_worktree(dir, id);
	cr_assert_str_eq(w, want);
	free(w);
	cr_assert(e2e_exists(dir, want));
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, want));
	free(id);
	nest_rm(&n);
}

/*
 * Places start refuses (exit 4, or 7 when the config already refuses
 * the value): a worktrees.dir two levels up, and one that leaves the
 * allowed places through a symlinked component. Nothing is made there
 * and the ticket stays queued.
 */
Test(cleanup_safety, start_refuses_worktrees_outside_allowed_places)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Out", "queued");
	char name[64];
	snprintf(name, sizeof(name), "%s-out", id);
	/* <outer>/deep/er: neither inside the top nor a sibling folder. */
	cr_assert_eq(e2e_sh(n.outer,
			    "mkdir -p deep/er && ln -s %s/deep/er "
			    "repo/wt-link",
			    n.outer),
		     0);
	struct {
		const char *wdir, *where; /* where: checked relative to outer */
	} cases[] = {
	    {"wt-link", "deep/er"},
	    {"wt-link/sub", "deep/er/sub"},
	    {"../..", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		set_dir(dir, cases[i].wdir);
		e2e_result r = RUN(dir, "start", id);
		cr_assert(r.status == 4 || r.status == 7, "case %zu: %d %s", i,
			  r.status, r.err);
		cr_assert(strstr(r.err, "worktrees"), "case %zu: %s", i, r.err);
		e2e_free(&r);
		char where[256];
		if (cases[i].where) {
			snprintf(where, sizeof(where), "%s/%s", cases[i].where,
				 name);
			cr_assert_not(e2e_exists(n.outer, where), "case %zu",
				      i);
		} else {
			/* ../.. of <outer>/repo is /tmp. */
			snprintf(where, sizeof(where), "/tmp/%s", name);
			bool made = access(where, F_OK) == 0;
			if (made)
				e2e_sh("/tmp",
				       "git -C '%s' worktree remove "
				       "--force '%s'; rm -rf '%s'",
				       dir, where, where);
			cr_assert_not(made, "case %zu: made %s", i, where);
		}
		cr_assert_eq(e2e_sh(dir, "test -z \"$(git worktree list "
					 "--porcelain | grep '^worktree' | sed "
					 "1d)\""),
			     0, "case %zu", i);
		snprintf(where, sizeof(where), "work/%s", name);
		cr_assert_not(branch_exists(dir, where), "case %zu", i);
	}
	e2e_sh(dir, "rm .yoi/config.yaml");
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert(strstr(r.out, "\"queued\""), "%s", r.out);
	e2e_free(&r);
	free(id);
	nest_rm(&n);
}

/*
 * A started ticket: a record naming its real worktree with another
 * branch of the ticket's is refused, and so is any cleanup while the
 * local record is unreadable (exit 7, naming it).
 */
Test(cleanup_safety, local_record_must_match_and_be_readable)
{
	nest n = nest_store();
	const char *dir = n.repo;
	char *id = ticket(dir, "Mine", "queued");
	e2e_result r = RUN(dir, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char wt[128], other[96], rec[128];
	snprintf(wt, sizeof(wt), ".worktree/%s-mine", id);
	snprintf(other, sizeof(other), "work/%s-other", id);
	snprintf(rec, sizeof(rec), ".git/yoi/started/%s", id);
	cr_assert_eq(e2e_sh(dir, "git branch %s", other), 0);
	forge(dir, id, other, wt);
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "this clone"), "%s", r.err);
	e2e_free(&r);
	cr_assert(branch_exists(dir, other));
	cr_assert(e2e_exists(dir, wt));
	/* Back to the real record, with the local one damaged. */
	snprintf(other, sizeof(other), "work/%s-mine", id);
	forge(dir, id, other, wt);
	e2e_write(dir, rec, "{not json\n");
	r = RUN(dir, "cleanup", id, "--force");
	cr_assert_eq(r.status, 7, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, rec), "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, wt));
	cr_assert(branch_exists(dir, other));
	free(id);
	nest_rm(&n);
}
