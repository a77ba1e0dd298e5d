/*
 * End-to-end: stores written by other tools (issue 13), classes 7 and 9:
 * worktree paths recorded on another machine or in another clone, and
 * the files the engine keeps out of the work tree (the store lock).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "harness.h"

/* Where the lock of the default store (.yoi/tickets) lives. */
#define MAIN_LOCK ".git/yoi/locks/.yoi%2Ftickets.lock"

/* A ticket taken to inprogress by the engine's own transitions. */
static char *inprogress(const char *dir, const char *title)
{
	char *id = OK_LINE(dir, "create", "--title", title);
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	OK(dir, "state", id, "inprogress");
	return id;
}

/* An accepted_plan record as another tool (or machine) wrote it. */
static void foreign_plan(const char *dir, const char *id, const char *wt)
{
	char line[1024];
	snprintf(line, sizeof(line),
		 "{\"id\":\"orch-plan-20260101-120000-1\",\"ticket_id\":\"%s\","
		 "\"kind\":\"accepted_plan\",\"accepted_plan\":{\"summary\":"
		 "\"on alice's machine\",\"branch\":\"work/%s-x\","
		 "\"worktree\":\"%s\"},\"author\":\"alice\","
		 "\"at\":\"2026-01-01T12:00:00Z\"}\n",
		 id, id, wt);
	e2e_append(dir, e2e_tpath(id, "artifacts/orchestration-plan.jsonl"),
		   line);
}

/*
 * What every fixture must show once its store is committed: doctor's
 * result (exit status, codes present and absent), `doctor --fix` twice
 * (the second changes nothing), then, with the hooks installed, a commit
 * of a new comment that succeeds.
 */
static void fixture_checks(const char *dir, const char *id, int doctor_status,
			   const char *want, const char *unwanted)
{
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm fixture "
				 "--no-verify"),
		     0);
	e2e_result r = RUN(dir, "doctor", "--format", "json");
	cr_assert_eq(r.status, doctor_status, "%s%s", r.out, r.err);
	if (want)
		cr_assert(strstr(r.out, want), "no %s in %s", want, r.out);
	if (unwanted)
		cr_assert_null(strstr(r.out, unwanted), "%s in %s", unwanted,
			       r.out);
	e2e_free(&r);
	e2e_fix_twice(dir);
	e2e_comment_commits(dir, id);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain "
				 "--untracked-files=all --ignored)\""),
		     0, "the work tree is not clean after the commit");
}

/* Class 7: an absolute path from another machine is not "missing". */
Test(legacy_paths, worktree_path_from_another_machine_not_warned)
{
	char *dir = e2e_store();
	char *id = inprogress(dir, "Remote work");
	char wt[256];
	snprintf(wt, sizeof(wt), "/home/alice/src/proj-wt/%s-x", id);
	foreign_plan(dir, id, wt);
	fixture_checks(dir, id, 0, NULL, "worktree-missing");
	/* The worktrees listing does not claim it either. */
	e2e_result r = RUN(dir, "worktrees");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.out, "alice"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* ... nor a relative one another clone recorded (its .worktree/, not
 * ours): this clone never made it. */
Test(legacy_paths, worktree_path_from_another_clone_not_warned)
{
	char *dir = e2e_store();
	char *id = inprogress(dir, "Teammate work");
	char wt[256];
	snprintf(wt, sizeof(wt), ".worktree/%s-x", id);
	foreign_plan(dir, id, wt);
	fixture_checks(dir, id, 0, NULL, "worktree-missing");
	free(id);
	e2e_rm(dir);
}

/* A worktree this clone made with start and that is gone still warns,
 * found by the local record of started work... */
Test(legacy_paths, owned_worktree_gone_is_warned)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Mine");
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	OK(dir, "start", id);
	cr_assert_eq(e2e_sh(dir, "rm -rf .worktree/%s-mine", id), 0);
	fixture_checks(dir, id, 0, "\"worktree-missing\"", NULL);
	/* ... and by git's own list when the local record is gone. */
	cr_assert_eq(e2e_sh(dir, "rm -f .git/yoi/started/%s", id), 0);
	e2e_result r = RUN(dir, "doctor", "--format", "json");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "\"worktree-missing\""), "%s", r.out);
	e2e_free(&r);
	/* Pruned from git too: nothing says this clone made it. */
	cr_assert_eq(e2e_sh(dir, "git worktree prune"), 0);
	r = RUN(dir, "doctor", "--format", "json");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.out, "worktree-missing"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* Only ticket files in `git status`: the lines of porcelain output
 * outside .yoi/tickets/<ID>/ are printed, and must be none. */
static void only_ticket_files(const char *dir, const char *flags)
{
	cr_assert_eq(e2e_sh(dir,
			    "git status --porcelain --untracked-files=all %s "
			    "| grep -v -E '^(\\?\\?| M|A |M ) "
			    "\\.yoi/tickets/[0-9A-Z]{13}/(item\\.md|thread\\."
			    "md|resolution\\.md|artifacts/[a-z.-]+)$' >&2; "
			    "test $? = 1",
			    flags),
		     0, "git status shows files that are not ticket files");
}

/*
 * Class 9: a store another tool made (no .yoi/.gitignore, no init): a
 * whole lifecycle leaves nothing in the work tree but ticket files.
 */
Test(legacy_paths, store_without_gitignore_shows_only_ticket_files)
{
	char *dir = e2e_repo();
	cr_assert_eq(e2e_sh(dir, "echo x > README && mkdir -p .yoi/tickets && "
				 "git add README && git commit -qm init"),
		     0);
	OK(dir, "hooks", "install");
	char *id = OK_LINE(dir, "create", "--title", "Lifecycle");
	char *other = OK_LINE(dir, "create", "--title", "Other");
	OK(dir, "comment", id, "--message", "hello");
	OK(dir, "relation", "add", id, "--kind", "related", "--target", other);
	OK(dir, "plan", "add", id, "--kind", "waiting_capacity_note", "--note",
	   "n");
	OK(dir, "review", other, "--approve", "--message", "fine");
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	OK(dir, "route", "--record", id);
	OK(dir, "prompt", "coder", id);
	only_ticket_files(dir, "--ignored");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	OK(dir, "start", id);
	OK(dir, "list");
	OK(dir, "doctor");
	OK(dir, "finish", id);
	/* The worktree is git's (excluded in .git/info/exclude). */
	only_ticket_files(dir, "");
	OK(dir, "cleanup", id);
	OK(dir, "close", id, "--resolution", "done");
	OK(dir, "reopen", id, "--reason", "again");
	OK(dir, "doctor", "--fix");
	only_ticket_files(dir, "--ignored");
	cr_assert_not(e2e_exists(dir, ".yoi/tickets/.lock"));
	cr_assert_not(e2e_exists(dir, ".yoi/.gitignore"));
	cr_assert(e2e_exists(dir, MAIN_LOCK));
	fixture_checks(dir, id, 0, NULL, NULL);
	cr_assert_eq(e2e_sh(dir, "git ls-files | grep -q lock"), 1,
		     "a lock file was committed");
	free(other);
	free(id);
	e2e_rm(dir);
}

/* init makes the root and, for older versions' lock file, .yoi/.gitignore;
 * no lock in the store. */
Test(legacy_paths, init_keeps_no_lock_in_the_work_tree)
{
	char *dir = e2e_store();
	char *ign = e2e_read(dir, ".yoi/.gitignore");
	cr_assert_str_eq(ign, "tickets/.lock\n");
	free(ign);
	cr_assert_eq(e2e_sh(dir, "git add .yoi/.gitignore && git commit -qm "
				 "init"),
		     0);
	char *id = OK_LINE(dir, "create", "--title", "T");
	only_ticket_files(dir, "--ignored");
	cr_assert_not(e2e_exists(dir, ".yoi/tickets/.lock"));
	free(id);
	e2e_rm(dir);
}

static int hold(const char *dir, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	return fd;
}

/* The lock in the git directory excludes writers, also one that reaches
 * the store from a linked worktree with --root. */
Test(legacy_paths, lock_in_the_git_directory_excludes_writers)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Busy");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t && "
				 "git worktree add -q wt 2>/dev/null"),
		     0);
	int fd = hold(dir, MAIN_LOCK);
	e2e_result r = RUN(dir, "comment", id, "--message", "x", "--wait", "0");
	cr_assert_eq(r.status, 5, "%s", r.err);
	cr_assert(strstr(r.err, "locks/.yoi%2Ftickets.lock"), "%s", r.err);
	e2e_free(&r);
	char wt[1024], root[1024];
	snprintf(wt, sizeof(wt), "%s/wt", dir);
	snprintf(root, sizeof(root), "%s/.yoi/tickets", dir);
	r = RUN(wt, "--root", root, "comment", id, "--message", "x", "--wait",
		"0");
	cr_assert_eq(r.status, 5, "%s", r.err);
	e2e_free(&r);
	/* One store per clone: the linked worktree uses the main store and
	 * its lock. */
	r = RUN(wt, "comment", id, "--message", "x", "--wait", "0");
	cr_assert_eq(r.status, 5, "%s", r.err);
	e2e_free(&r);
	/* With worktrees.store: branch, the linked worktree's own store has
	 * its own lock. */
	e2e_append(dir, ".yoi/config.yaml", "worktrees:\n  store: branch\n");
	r = RUN(wt, "comment", id, "--message", "x", "--wait", "0");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	close(fd);
	r = RUN(dir, "comment", id, "--message", "x", "--wait", "0");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* A store in no git repository keeps its lock in the store, as before:
 * there is no git status to keep clean. */
Test(legacy_paths, store_outside_git_keeps_the_lock_in_the_store)
{
	char *dir = strdup("/tmp/yoi-e2e.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	OK(dir, "--root", "tix", "init");
	char *id = OK_LINE(dir, "--root", "tix", "create", "--title", "T");
	cr_assert(e2e_exists(dir, "tix/.lock"));
	int fd = hold(dir, "tix/.lock");
	e2e_result r = RUN(dir, "--root", "tix", "comment", id, "--message",
			   "x", "--wait", "0");
	cr_assert_eq(r.status, 5, "%s", r.err);
	e2e_free(&r);
	close(fd);
	free(id);
	e2e_rm(dir);
}

/* A corrupt local record of started work is reported, not taken as
 * "owned" nor as a reason to fail doctor. */
Test(legacy_paths, corrupt_started_record_is_a_warning)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Mine");
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	OK(dir, "start", id);
	cr_assert_eq(e2e_sh(dir,
			    "rm -rf .worktree/%s-mine && git worktree prune && "
			    "echo 'not json' > .git/yoi/started/%s",
			    id, id),
		     0);
	e2e_result r = RUN(dir, "doctor", "--format", "json");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "\"worktree-record\""), "%s", r.out);
	cr_assert_null(strstr(r.out, "worktree-missing"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}
