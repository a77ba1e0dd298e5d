/*
 * End-to-end: paths from the committed config and from --root stay inside
 * the repository's work tree (issue 11, finding 2), and the hooks and
 * `check` refuse symbolic links and submodules under the tickets root
 * (finding 3, git side).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/*
 * A temporary directory (not a repository) holding one at <dir>/a/repo, so
 * paths that escape it land inside the temporary directory and are seen (and
 * removed). Returns dir; *repo gets the repository path (caller frees).
 */
static char *nested_repo(char **repo)
{
	char *dir = e2e_repo();
	cr_assert_eq(e2e_sh(dir, "rm -rf .git && mkdir -p a/repo && cd a/repo "
				 "&& git init -q "
				 ". && git config user.name 'E2E User' && git "
				 "config user.email e2e@example.invalid"),
		     0);
	size_t n = strlen(dir) + 16;
	*repo = malloc(n);
	cr_assert_not_null(*repo);
	snprintf(*repo, n, "%s/a/repo", dir);
	return dir;
}

static void config(const char *repo, const char *text)
{
	e2e_sh(repo, "mkdir -p .yoi");
	e2e_write(repo, ".yoi/config.yaml", text);
}

/* `init` refused with status, and each needle in stderr. */
static void init_refused(const char *repo, int status, const char *n1,
			 const char *n2)
{
	e2e_result r = RUN(repo, "init");
	cr_assert_eq(r.status, status, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, n1), "want '%s' in: %s", n1, r.err);
	if (n2)
		cr_assert(strstr(r.err, n2), "want '%s' in: %s", n2, r.err);
	e2e_free(&r);
	r = RUN(repo, "list");
	cr_assert_eq(r.status, status, "list: status %d: %s", r.status, r.err);
	e2e_free(&r);
}

/* No file or directory under path, counted by find (0 = none). */
static void empty_dir(const char *dir, const char *rel)
{
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A '%s')\"", rel), 0,
		     "%s/%s is not empty", dir, rel);
}

Test(paths, tickets_root_escaping_the_repository_refused)
{
	char *repo, *dir = nested_repo(&repo);
	config(repo, "tickets:\n  root: ../../x\n");
	init_refused(repo, 7, ".yoi/config.yaml:2", "'tickets.root'");
	cr_assert_not(e2e_exists(dir, "x"), "../../x was created");
	config(repo, "tickets:\n  root: /\n");
	init_refused(repo, 7, ".yoi/config.yaml:2", "must be relative");
	free(repo);
	e2e_rm(dir);
}

Test(paths, tickets_root_in_the_git_directory_refused)
{
	char *repo, *dir = nested_repo(&repo);
	config(repo, "tickets:\n  root: .git/hooks\n");
	init_refused(repo, 7, "'tickets.root'", "'.git'");
	cr_assert_not(e2e_exists(repo, ".git/hooks/.lock"));
	config(repo, "tickets:\n  root: .git\n");
	init_refused(repo, 7, "'tickets.root'", "'.git'");
	cr_assert_not(e2e_exists(repo, ".git/.lock"));
	free(repo);
	e2e_rm(dir);
}

Test(paths, tickets_root_through_a_symlink_out_of_the_repository_refused)
{
	char *repo, *dir = nested_repo(&repo);
	cr_assert_eq(e2e_sh(dir, "mkdir elsewhere && ln -s ../../elsewhere "
				 "a/repo/link"),
		     0);
	config(repo, "tickets:\n  root: link/tix\n");
	init_refused(repo, 4, ".yoi/config.yaml:2", "outside the repository");
	empty_dir(dir, "elsewhere");
	/* Into the git directory through a link. */
	e2e_sh(repo, "ln -s .git gitlink");
	config(repo, "tickets:\n  root: gitlink/tix\n");
	init_refused(repo, 4, "'tickets.root'", "git");
	cr_assert_not(e2e_exists(repo, ".git/tix"));
	/* To the top itself. */
	e2e_sh(repo, "ln -s . here");
	config(repo, "tickets:\n  root: here\n");
	init_refused(repo, 4, "'tickets.root'", "top");
	cr_assert_not(e2e_exists(repo, ".lock"));
	/* A dangling link is refused, not followed by the mkdir. */
	e2e_sh(repo, "ln -s ../../nowhere dangling");
	config(repo, "tickets:\n  root: dangling/tix\n");
	init_refused(repo, 4, "'tickets.root'", "symbolic link");
	cr_assert_not(e2e_exists(dir, "nowhere"));
	free(repo);
	e2e_rm(dir);
}

Test(paths, worktrees_dir_escaping_the_repository_refused)
{
	char *repo, *dir = nested_repo(&repo);
	config(repo, "worktrees:\n  dir: ../..\n");
	init_refused(repo, 7, ".yoi/config.yaml:2", "'worktrees.dir'");
	char abs[PATH_MAX];
	snprintf(abs, sizeof(abs), "worktrees:\n  dir: %s/wt\n", dir);
	config(repo, abs);
	init_refused(repo, 7, "'worktrees.dir'", "must be relative");
	config(repo, "worktrees:\n  dir: .git/wt\n");
	init_refused(repo, 7, "'worktrees.dir'", "'.git'");
	config(repo, "worktrees:\n  dir: .yoi/tickets/wt\n");
	init_refused(repo, 7, "'worktrees.dir'", "tickets root");
	/* Through a symbolic link in the work tree. */
	e2e_sh(dir, "mkdir elsewhere && ln -s ../../elsewhere a/repo/wt");
	config(repo, "worktrees:\n  dir: wt/x\n");
	init_refused(repo, 4, "'worktrees.dir'", "outside the repository");
	empty_dir(dir, "elsewhere");
	free(repo);
	e2e_rm(dir);
}

/* A committed queued ticket in repo; its ID. */
static char *queued(const char *repo)
{
	char *id = OK_LINE(repo, "create", "--title", "Side");
	e2e_result r = RUN(repo, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(repo, "state", id, "queued");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(repo, "git add -A && git commit -qm tickets"), 0);
	return id;
}

Test(paths, worktrees_dir_beside_the_repository_works)
{
	char *repo, *dir = nested_repo(&repo);
	config(repo, "worktrees:\n  dir: ../wt\n");
	e2e_result r = RUN(repo, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *id = queued(repo);
	r = RUN(repo, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char rel[128];
	snprintf(rel, sizeof(rel), "a/wt/%s-side", id);
	cr_assert(e2e_exists(dir, rel), "%s missing", rel);
	free(id);
	free(repo);
	e2e_rm(dir);
}

Test(paths, root_option_outside_the_work_tree_refused)
{
	char *repo, *dir = nested_repo(&repo);
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s/outside", dir);
	e2e_result r = RUN(repo, "--root", root, "init");
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "not inside the work tree"), "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, "outside"));
	r = RUN(repo, "--root", "../../outside", "init");
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, "outside"));
	/* Into the git directory. */
	r = RUN(repo, "--root", ".git/tix", "init");
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "git"), "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(repo, ".git/tix"));
	/* Through a symlink out of the work tree. */
	e2e_sh(repo, "ln -s ../../ up");
	r = RUN(repo, "--root", "up/outside", "init");
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, "outside"));
	free(repo);
	e2e_rm(dir);
}

Test(paths, root_option_inside_the_repository_or_without_one_works)
{
	char *repo, *dir = nested_repo(&repo);
	e2e_result r = RUN(repo, "--root", "store/tix", "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *id =
	    OK_LINE(repo, "--root", "store/tix", "create", "--title", "In");
	char rel[128];
	snprintf(rel, sizeof(rel), "store/tix/%s/item.md", id);
	cr_assert(e2e_exists(repo, rel));
	free(id);
	/* Outside any repository, --root names a plain directory. */
	e2e_sh(dir, "mkdir -p plain");
	char plain[PATH_MAX];
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	r = RUN(plain, "--root", "tix", "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	id = OK_LINE(plain, "--root", "tix", "create", "--title", "Plain");
	snprintf(rel, sizeof(rel), "tix/%s/item.md", id);
	cr_assert(e2e_exists(plain, rel));
	free(id);
	/* ... but never inside a .git directory. */
	r = RUN(plain, "--root", "../a/repo/.git/tix", "init");
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(repo, ".git/tix"));
	free(repo);
	e2e_rm(dir);
}

/* ---- symbolic links and submodules under the tickets root (finding 3) */

/* A committed store with hooks installed and one ticket; its ID. */
static char *hooked(const char *dir)
{
	char *id = OK_LINE(dir, "create", "--title", "Linked");
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm base "
				 ">/dev/null 2>&1 && git tag base"),
		     0, "the base commit failed");
	return id;
}

/* `git commit` (hooks run) must fail naming code and rel. */
static void commit_refused(const char *dir, const char *code, const char *rel)
{
	cr_assert_neq(e2e_sh(dir, "git commit -qm change > .git/out 2>&1"), 0,
		      "%s: the commit went through", code);
	char *out = e2e_read(dir, ".git/out");
	cr_assert(strstr(out, code), "want %s in: %s", code, out);
	cr_assert(strstr(out, rel), "want %s in: %s", rel, out);
	free(out);
	cr_assert_eq(e2e_sh(dir, "test \"$(git rev-list --count HEAD)\" = 1"),
		     0);
	cr_assert_eq(e2e_sh(dir, "git reset -q --hard && git clean -qfd"), 0);
}

Test(paths, precommit_refuses_a_symlinked_artifacts_dir)
{
	char *dir = e2e_store();
	char *id = hooked(dir);
	char rel[128];
	snprintf(rel, sizeof(rel), ".yoi/tickets/%s/artifacts", id);
	cr_assert_eq(
	    e2e_sh(dir, "rm -rf %s && ln -s /etc %s && git add -A", rel, rel),
	    0);
	commit_refused(dir, "[change-symlink]", rel);
	free(id);
	e2e_rm(dir);
}

Test(paths, precommit_refuses_thread_md_stored_as_a_symlink)
{
	char *dir = e2e_store();
	char *id = hooked(dir);
	char rel[128];
	snprintf(rel, sizeof(rel), ".yoi/tickets/%s/thread.md", id);
	/* The same bytes, mode 120000: only the mode is wrong. */
	cr_assert_eq(e2e_sh(dir,
			    "git update-index --cacheinfo 120000,$(git "
			    "hash-object -w %s),%s",
			    rel, rel),
		     0);
	commit_refused(dir, "[change-symlink]", rel);
	free(id);
	e2e_rm(dir);
}

Test(paths, precommit_refuses_a_gitlink_under_the_root)
{
	char *dir = e2e_store();
	char *id = hooked(dir);
	char rel[128];
	snprintf(rel, sizeof(rel), ".yoi/tickets/%s/artifacts/sub", id);
	cr_assert_eq(e2e_sh(dir,
			    "git update-index --add --cacheinfo "
			    "160000,$(git rev-parse HEAD),%s",
			    rel),
		     0);
	commit_refused(dir, "[change-submodule]", rel);
	/* Beside the tickets too, not only inside one. */
	cr_assert_eq(e2e_sh(dir, "git update-index --add --cacheinfo "
				 "160000,$(git rev-parse HEAD),"
				 ".yoi/tickets/vendor"),
		     0);
	commit_refused(dir, "[change-submodule]", ".yoi/tickets/vendor");
	free(id);
	e2e_rm(dir);
}

Test(paths, check_reports_links_and_submodules_committed_without_hooks)
{
	char *dir = e2e_store();
	char *id = hooked(dir);
	char art[128], th[128], sub[128];
	snprintf(art, sizeof(art), ".yoi/tickets/%s/artifacts", id);
	snprintf(th, sizeof(th), ".yoi/tickets/%s/thread.md", id);
	snprintf(sub, sizeof(sub), ".yoi/tickets/%s/sub", id);
	cr_assert_eq(e2e_sh(dir,
			    "git update-index --cacheinfo 120000,$(git "
			    "hash-object -w %s),%s && git update-index --add "
			    "--cacheinfo 160000,$(git rev-parse HEAD),%s && "
			    "rm -rf %s && ln -s /etc %s && git add %s && git "
			    "commit -qm bad --no-verify",
			    th, th, sub, art, art, art),
		     0);
	e2e_result r = RUN(dir, "check", "--base", "base", "--head", "HEAD");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	char want[256];
	snprintf(want, sizeof(want), "%s: [change-symlink]", art);
	cr_assert(strstr(r.out, want), "want %s in: %s", want, r.out);
	snprintf(want, sizeof(want), "%s: [change-symlink]", th);
	cr_assert(strstr(r.out, want), "want %s in: %s", want, r.out);
	snprintf(want, sizeof(want), "%s: [change-submodule]", sub);
	cr_assert(strstr(r.out, want), "want %s in: %s", want, r.out);
	e2e_free(&r);
	/* An unchanged link in history is not this change's to answer for. */
	cr_assert_eq(e2e_sh(dir, "git tag bad && echo x > README && git add "
				 "README && git commit -qm more --no-verify"),
		     0);
	r = RUN(dir, "check", "--base", "bad", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}
