/*
 * gitops.h - the git operations of the product, every one through libgit2:
 * revisions, branches, linked worktrees, status, reachability. The CLI and
 * the lifecycle module (work.h) never call libgit2 themselves.
 *
 * Errors: a revision or branch that does not exist is YOI_ENOTFOUND, a
 * name or path that is taken YOI_EREFUSED, a git lock held by someone
 * else YOI_EBUSY, anything else YOI_EIO with libgit2's message. Messages
 * name the thing and what to do.
 *
 * Ownership: strings returned are the caller's (free); repositories passed
 * in are borrowed.
 */
#ifndef YOI_GITOPS_H
#define YOI_GITOPS_H

#include <stdbool.h>

#include "yoi/common.h"
#include "yoi/gitinit.h"

struct git_repository;
struct git_oid;

/*
 * A config value of the repository (*out: the caller's, NULL when unset):
 * local reads only .git/config (what install writes), otherwise every
 * level as git sees it; path expands '~' as git does for path values.
 */
int yoi_git_config_get(struct git_repository *repo, const char *key, bool local,
		       bool path, char **out, yoi_error *err);

/* Set or delete a value in the repository's own .git/config. */
int yoi_git_config_set(struct git_repository *repo, const char *key,
		       const char *value, yoi_error *err);
int yoi_git_config_delete(struct git_repository *repo, const char *key,
			  bool *removed, yoi_error *err);

/* The repository's (or linked worktree's) git directory, the common git
 * directory, and the work tree (NULL when bare): each ending in '/',
 * borrowed from repo. */
const char *yoi_git_dir(struct git_repository *repo);
const char *yoi_git_commondir(struct git_repository *repo);
const char *yoi_git_workdir(struct git_repository *repo);

/* The repository that holds cwd (searching upwards, as git does), or
 * NULL when there is none; close with yoi_git_close. */
struct git_repository *yoi_git_discover(const char *cwd);
void yoi_git_close(struct git_repository *repo);

/* "libgit2 MAJOR.MINOR.REV" of the library linked in (no set-up needed). */
void yoi_git_version_text(char *buf, size_t n);

/* When repo is a linked worktree of a repository with a main work tree:
 * that main worktree's repository (close with yoi_git_close); else NULL. */
struct git_repository *yoi_git_main_worktree(struct git_repository *repo);

/* The blob id git gives the file's content (40 hex digits), or YOI_EIO
 * when it cannot be read. */
int yoi_git_hash_file(const char *path, char hex[41]);

/* git's user.name (the repository's config, or the user's when repo is
 * NULL); NULL when unset. The caller frees. */
char *yoi_git_user_name(struct git_repository *repo);

/*
 * git's three-way merge of text (base, ours, theirs) into out, with
 * conflict markers labelled labels[0..2]: 0 with *clean set, YOI_ENOMEM,
 * or YOI_EIO when libgit2 could not merge at all (out untouched).
 */
int yoi_git_merge_file(yoi_buf *out, bool *clean, const char *const text[3],
		       const size_t len[3], const char *const labels[3]);

/* Resolve rev (anything git_revparse_single takes) to a commit. */
int yoi_git_resolve(struct git_repository *repo, const char *rev,
		    char out[YOI_GIT_OID_HEX + 1], yoi_error *err);

/*
 * What HEAD names: the branch's short name ("main"), or the commit id
 * when detached. YOI_ENOTFOUND on an unborn branch (no commit yet).
 */
int yoi_git_head_name(struct git_repository *repo, char **out, yoi_error *err);

/*
 * The main worktree's top directory (no trailing '/'), also when repo is
 * a linked worktree. YOI_EIO for a bare repository.
 */
int yoi_git_main_top(struct git_repository *repo, char **out, yoi_error *err);

/*
 * The git common directory (the main repository's .git, also from a
 * linked worktree), without a trailing '/'.
 */
int yoi_git_common_dir(struct git_repository *repo, char **out, yoi_error *err);

/* Whether the local branch exists (0/1), or a negative error. */
int yoi_git_branch_exists(struct git_repository *repo, const char *branch);

/* Whether name is a valid local branch name (git's refname rules). */
bool yoi_git_branch_name_valid(const char *branch);

/*
 * Create local branch `branch` at commit `oid_hex` and a linked worktree
 * named `name` (its admin directory under .git/worktrees/) at `path`,
 * checked out on the branch. Refuses when the branch, the worktree name
 * or the path exists. All or nothing: when the worktree cannot be made,
 * the branch is deleted again.
 */
int yoi_git_worktree_create(struct git_repository *repo, const char *name,
			    const char *path, const char *branch,
			    const char *oid_hex, yoi_error *err);

/*
 * Undo yoi_git_worktree_create (best effort, for rollback): prune the
 * worktree with its directory, delete the branch.
 */
void yoi_git_worktree_undo(struct git_repository *repo, const char *name,
			   const char *branch);

/* One linked worktree. */
typedef struct yoi_git_worktrees {
	yoi_worktree *v;
	size_t n;
} yoi_git_worktrees;

/* Every linked worktree of the repository, sorted by name. */
int yoi_git_worktrees_list(struct git_repository *repo, yoi_git_worktrees *out,
			   yoi_error *err);
void yoi_git_worktrees_free(yoi_git_worktrees *w);
/* The worktree with working directory path (realpath-compared), or NULL. */
const yoi_worktree *yoi_git_worktrees_find_path(const yoi_git_worktrees *w,
						const char *path);

/*
 * Whether the working directory at path has changes: staged, unstaged or
 * untracked (ignored files do not count). *first receives the first
 * changed path (caller frees; may be NULL when clean).
 */
int yoi_git_dirty(const char *path, bool *dirty, char **first, yoi_error *err);

/*
 * Whether branch's tip is merged into base (a revision): equal to it, an
 * ancestor of it, or with every change already in it (merging it would
 * change nothing: squash and rebase merges).
 */
int yoi_git_merged(struct git_repository *repo, const char *branch,
		   const char *base, bool *merged, yoi_error *err);

/*
 * Remove the linked worktree `name`: its directory, its admin directory
 * (git worktree remove + prune). Locked worktrees are refused.
 */
int yoi_git_worktree_remove(struct git_repository *repo, const char *name,
			    yoi_error *err);

/* Delete a local branch (refused while a worktree has it checked out). */
int yoi_git_branch_delete(struct git_repository *repo, const char *branch,
			  yoi_error *err);

/* The best common ancestor of two revisions. YOI_ENOTFOUND when none. */
int yoi_git_merge_base(struct git_repository *repo, const char *a,
		       const char *b, char out[YOI_GIT_OID_HEX + 1],
		       yoi_error *err);

/*
 * A view of the files of one version, read from git objects without a
 * checkout: a commit's tree, the index, or nothing (an unborn HEAD).
 * Paths are relative to the worktree top, '/'-separated.
 */
typedef struct yoi_git_view yoi_git_view;

/* rev: a revision; NULL: the index. */
int yoi_git_view_open(yoi_git_view **out, struct git_repository *repo,
		      const char *rev, yoi_error *err);
/*
 * The index in the file index_path (git's GIT_INDEX_FILE: `commit -a`,
 * `commit -- PATH` and `--amend` hand hooks a temporary index), relative
 * to the current directory as git's hooks see it; NULL or "": the
 * repository's own index.
 */
int yoi_git_view_index(yoi_git_view **out, struct git_repository *repo,
		       const char *index_path, yoi_error *err);
/* HEAD's tree, or the empty view when HEAD has no commit yet. */
int yoi_git_view_head(yoi_git_view **out, struct git_repository *repo,
		      yoi_error *err);
void yoi_git_view_free(yoi_git_view *v);

/*
 * Tell the view where the tickets root is (relative to the top), so that
 * reads under it look its subtree up once. NULL forgets it.
 */
int yoi_git_view_set_root(yoi_git_view *v, const char *prefix);

/*
 * Entries directly under prefix that are not ticket directories and that
 * b adds or changes against a (a commit view; b a commit or the index):
 * their names, directories into dirs and files into files (sorted as
 * the view lists them). Symlinks and gitlinks come out as files here;
 * yoi_git_view_specials reports them.
 */
int yoi_git_view_root_strays(const yoi_git_view *a, const yoi_git_view *b,
			     const char *prefix, yoi_strv *dirs,
			     yoi_strv *files, yoi_error *err);

/* Whether the view has a file (a blob) at path. */
bool yoi_git_view_has(const yoi_git_view *v, const char *path);

/*
 * The blob at path, up to limit bytes (YOI_ECORRUPT above). YOI_ENOTFOUND
 * when the view has no such file.
 */
int yoi_git_view_read(const yoi_git_view *v, const char *path, size_t limit,
		      yoi_buf *out, yoi_error *err);

/*
 * The ticket IDs (valid ID directory names right under prefix) with any
 * file that differs between views a and b, sorted and unique.
 */
int yoi_git_view_changed(const yoi_git_view *a, const yoi_git_view *b,
			 const char *prefix, yoi_strv *ids, yoi_error *err);

/*
 * The entries at or under prefix in view b that are symbolic links (mode
 * 120000, into links) or gitlinks (submodules, mode 160000, into
 * gitlinks), leaving out those view a holds identically (same path, mode
 * and id): what the change from a to b adds or alters. a is a commit or
 * the empty view, b any view. Sorted.
 */
int yoi_git_view_specials(const yoi_git_view *a, const yoi_git_view *b,
			  const char *prefix, yoi_strv *links,
			  yoi_strv *gitlinks, yoi_error *err);

/* The ticket IDs under prefix in a commit view (the index: every entry). */
int yoi_git_view_ticket_ids(const yoi_git_view *v, const char *prefix,
			    yoi_strv *ids, yoi_error *err);

#endif
