/* gitops.c - branches, linked worktrees, status and reachability (libgit2). */
#include "git/gitops.h"

#include "gitint.h"

#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/file.h"
#include "yoi/id.h"

/* libgit2's last message, or a fallback. */
const char *yoi_git_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown git error";
}

int yoi_git_fail(yoi_error *err, int grc, const char *what)
{
	int code = YOI_EIO;
	if (grc == GIT_ENOTFOUND)
		code = YOI_ENOTFOUND;
	else if (grc == GIT_EEXISTS)
		code = YOI_EREFUSED;
	else if (grc == GIT_ELOCKED)
		code = YOI_EBUSY;
	return yoi_error_set(
	    err, code, NULL, 0, "%s: %s%s", what, yoi_git_msg(),
	    grc == GIT_ELOCKED ? "; another git process holds the lock: "
				 "wait, or remove a stale lock file"
			       : "");
}

int yoi_git_resolve(git_repository *repo, const char *rev,
		    char out[YOI_GIT_OID_HEX + 1], yoi_error *err)
{
	git_object *obj = NULL, *commit = NULL;
	int grc = git_revparse_single(&obj, repo, rev);
	if (grc == 0)
		grc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
	int rc = 0;
	if (grc == GIT_ENOTFOUND || grc == GIT_EINVALIDSPEC ||
	    grc == GIT_EAMBIGUOUS || grc == GIT_EPEEL)
		rc = yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				   "no commit '%s' in this repository: %s; "
				   "give a branch, tag or commit id",
				   rev, yoi_git_msg());
	else if (grc < 0)
		rc = yoi_git_fail(err, grc, rev);
	else
		git_oid_tostr(out, YOI_GIT_OID_HEX + 1, git_object_id(commit));
	git_object_free(commit);
	git_object_free(obj);
	return rc;
}

int yoi_git_head_name(git_repository *repo, char **out, yoi_error *err)
{
	*out = NULL;
	git_reference *head = NULL;
	int grc = git_repository_head(&head, repo);
	if (grc == GIT_EUNBORNBRANCH || grc == GIT_ENOTFOUND)
		return yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				     "HEAD has no commit yet; commit first "
				     "(or give --base REV)");
	if (grc < 0)
		return yoi_git_fail(err, grc, "HEAD");
	if (git_reference_is_branch(head)) {
		*out = yoi_strdup(git_reference_shorthand(head));
	} else {
		char hex[YOI_GIT_OID_HEX + 1];
		git_oid_tostr(hex, sizeof(hex), git_reference_target(head));
		*out = yoi_strdup(hex);
	}
	git_reference_free(head);
	return *out ? 0
		    : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

static char *strip_slash(char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

int yoi_git_main_top(git_repository *repo, char **out, yoi_error *err)
{
	*out = NULL;
	if (!git_repository_is_worktree(repo)) {
		const char *wd = git_repository_workdir(repo);
		if (!wd)
			return yoi_error_set(err, YOI_EIO, NULL, 0,
					     "a bare repository has no "
					     "worktrees; run this in a "
					     "checkout");
		*out = strip_slash(yoi_strdup(wd));
	} else {
		git_repository *main = NULL;
		int grc =
		    git_repository_open(&main, git_repository_commondir(repo));
		if (grc < 0)
			return yoi_git_fail(err, grc, "the main worktree");
		const char *wd = git_repository_workdir(main);
		*out = wd ? strip_slash(yoi_strdup(wd)) : NULL;
		git_repository_free(main);
		if (!wd)
			return yoi_error_set(err, YOI_EIO, NULL, 0,
					     "the main repository is bare");
	}
	return *out ? 0
		    : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

int yoi_git_common_dir(git_repository *repo, char **out, yoi_error *err)
{
	*out = strip_slash(yoi_strdup(git_repository_commondir(repo)));
	return *out ? 0
		    : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

int yoi_git_branch_exists(git_repository *repo, const char *branch)
{
	git_reference *ref = NULL;
	int grc = git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL);
	git_reference_free(ref);
	if (grc == 0)
		return 1;
	return grc == GIT_ENOTFOUND || grc == GIT_EINVALIDSPEC ? 0 : YOI_EIO;
}

bool yoi_git_branch_name_valid(const char *branch)
{
	int valid = 0;
	return git_branch_name_is_valid(&valid, branch) == 0 && valid;
}

int yoi_git_worktree_create(git_repository *repo, const char *name,
			    const char *path, const char *branch,
			    const char *oid_hex, yoi_error *err)
{
	if (!yoi_git_branch_name_valid(branch))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "'%s' is not a valid branch name; choose "
				     "another --slug",
				     branch);
	struct stat sb;
	if (lstat(path, &sb) == 0)
		return yoi_error_set(err, YOI_EREFUSED, path, 0,
				     "%s already exists; remove it or choose "
				     "another --slug",
				     path);
	git_worktree *old = NULL;
	if (git_worktree_lookup(&old, repo, name) == 0) {
		git_worktree_free(old);
		return yoi_error_set(err, YOI_EREFUSED, NULL, 0,
				     "a worktree named '%s' already exists; "
				     "run 'git worktree prune' or choose "
				     "another --slug",
				     name);
	}
	int e = yoi_git_branch_exists(repo, branch);
	if (e != 0)
		return e < 0 ? yoi_git_fail(err, e, branch)
			     : yoi_error_set(err, YOI_EREFUSED, NULL, 0,
					     "branch %s already exists; delete "
					     "it or choose another --slug",
					     branch);
	git_oid oid;
	git_commit *commit = NULL;
	git_reference *ref = NULL;
	git_worktree *wt = NULL;
	int grc = git_oid_fromstr(&oid, oid_hex);
	if (grc == 0)
		grc = git_commit_lookup(&commit, repo, &oid);
	if (grc < 0) {
		int rc = yoi_git_fail(err, grc, oid_hex);
		git_commit_free(commit);
		return rc;
	}
	int rc = 0;
	grc = git_branch_create(&ref, repo, branch, commit, 0);
	if (grc < 0) {
		rc = yoi_git_fail(err, grc, branch);
		goto out;
	}
	git_worktree_add_options opts;
	git_worktree_add_options_init(&opts, GIT_WORKTREE_ADD_OPTIONS_VERSION);
	opts.ref = ref;
	grc = git_worktree_add(&wt, repo, name, path, &opts);
	if (grc < 0) {
		rc = yoi_git_fail(err, grc, path);
		/* Nothing may stay behind: the branch, a half-made tree. */
		yoi_git_worktree_undo(repo, name, branch);
	}
out:
	git_worktree_free(wt);
	git_reference_free(ref);
	git_commit_free(commit);
	return rc;
}

/* Prune a worktree with its working directory, whatever its state. */
static int prune(git_worktree *wt, bool locked_too)
{
	git_worktree_prune_options o;
	git_worktree_prune_options_init(&o, GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
	o.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_WORKING_TREE;
	if (locked_too)
		o.flags |= GIT_WORKTREE_PRUNE_LOCKED;
	return git_worktree_prune(wt, &o);
}

void yoi_git_worktree_undo(git_repository *repo, const char *name,
			   const char *branch)
{
	git_worktree *wt = NULL;
	if (git_worktree_lookup(&wt, repo, name) == 0)
		prune(wt, true);
	git_worktree_free(wt);
	git_reference *ref = NULL;
	if (git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL) == 0)
		git_branch_delete(ref);
	git_reference_free(ref);
}

static int cmp_wt(const void *a, const void *b)
{
	return strcmp(((const yoi_worktree *)a)->name,
		      ((const yoi_worktree *)b)->name);
}

/* The short name of the branch checked out in worktree wt, or NULL. */
static char *wt_branch(git_worktree *wt)
{
	git_repository *wrepo = NULL;
	git_reference *head = NULL;
	char *b = NULL;
	if (git_repository_open_from_worktree(&wrepo, wt) == 0 &&
	    git_repository_head(&head, wrepo) == 0 &&
	    git_reference_is_branch(head))
		b = yoi_strdup(git_reference_shorthand(head));
	else if (wrepo && !head) {
		/* Unborn or unreadable HEAD: read the symbolic target. */
		git_reference *sym = NULL;
		if (git_reference_lookup(&sym, wrepo, "HEAD") == 0 &&
		    git_reference_type(sym) == GIT_REFERENCE_SYMBOLIC) {
			const char *t = git_reference_symbolic_target(sym);
			if (strncmp(t, "refs/heads/", 11) == 0)
				b = yoi_strdup(t + 11);
		}
		git_reference_free(sym);
	}
	git_reference_free(head);
	git_repository_free(wrepo);
	return b;
}

int yoi_git_worktrees_list(git_repository *repo, yoi_git_worktrees *out,
			   yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	git_strarray names = {0};
	int grc = git_worktree_list(&names, repo);
	if (grc < 0)
		return yoi_git_fail(err, grc, "listing worktrees");
	int rc = 0;
	out->v = calloc(names.count ? names.count : 1, sizeof(*out->v));
	if (!out->v)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; rc == 0 && i < names.count; i++) {
		git_worktree *wt = NULL;
		if (git_worktree_lookup(&wt, repo, names.strings[i]) < 0)
			continue; /* vanished meanwhile */
		yoi_worktree *w = &out->v[out->n++];
		w->name = yoi_strdup(names.strings[i]);
		w->path = strip_slash(yoi_strdup(git_worktree_path(wt)));
		w->exists = git_worktree_validate(wt) == 0;
		w->locked = git_worktree_is_locked(NULL, wt) > 0;
		w->branch = w->exists ? wt_branch(wt) : NULL;
		if (!w->name || !w->path)
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		git_worktree_free(wt);
	}
	git_strarray_dispose(&names);
	if (rc < 0) {
		yoi_git_worktrees_free(out);
		return rc;
	}
	if (out->n > 1) /* out->v is NULL when there are none */
		qsort(out->v, out->n, sizeof(*out->v), cmp_wt);
	return 0;
}

void yoi_git_worktrees_free(yoi_git_worktrees *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		yoi_worktree_clear(&w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

void yoi_worktree_clear(yoi_worktree *w)
{
	free(w->name);
	free(w->path);
	free(w->branch);
	memset(w, 0, sizeof(*w));
}

const yoi_worktree *yoi_git_worktrees_find_path(const yoi_git_worktrees *w,
						const char *path)
{
	char want[PATH_MAX], have[PATH_MAX];
	const char *p = realpath(path, want) ? want : path;
	for (size_t i = 0; i < w->n; i++) {
		const char *q =
		    realpath(w->v[i].path, have) ? have : w->v[i].path;
		if (strcmp(p, q) == 0)
			return &w->v[i];
	}
	return NULL;
}

int yoi_git_dirty(const char *path, bool *dirty, char **first, yoi_error *err)
{
	*dirty = false;
	if (first)
		*first = NULL;
	git_repository *r = NULL;
	int grc = git_repository_open(&r, path);
	if (grc < 0)
		return yoi_git_fail(err, grc, path);
	git_status_options o;
	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	o.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		  GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		  GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	git_status_list *sl = NULL;
	grc = git_status_list_new(&sl, r, &o);
	int rc = 0;
	if (grc < 0) {
		rc = yoi_git_fail(err, grc, path);
	} else if (git_status_list_entrycount(sl) > 0) {
		*dirty = true;
		const git_status_entry *e = git_status_byindex(sl, 0);
		const git_diff_delta *d = e->index_to_workdir
					      ? e->index_to_workdir
					      : e->head_to_index;
		if (first && d)
			*first =
			    yoi_strdup(d->new_file.path ? d->new_file.path
							: d->old_file.path);
	}
	git_status_list_free(sl);
	git_repository_free(r);
	return rc;
}

/*
 * Whether merging tip into base would change nothing (its changes are in
 * base already: a squash or rebase merge): the three-way merge of the two
 * commits has no conflict and its index equals base's tree. Nothing is
 * written to the repository.
 */
static int changes_nothing(git_repository *repo, const git_oid *base,
			   const git_oid *tip, bool *merged, yoi_error *err)
{
	git_commit *ours = NULL, *theirs = NULL;
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_oid mb;
	int grc = git_merge_base(&mb, repo, base, tip);
	if (grc == GIT_ENOTFOUND)
		return 0; /* unrelated histories: not merged */
	if (grc == 0)
		grc = git_commit_lookup(&ours, repo, base);
	if (grc == 0)
		grc = git_commit_lookup(&theirs, repo, tip);
	if (grc == 0)
		grc = git_merge_commits(&idx, repo, ours, theirs, NULL);
	if (grc == 0 && !git_index_has_conflicts(idx)) {
		grc = git_commit_tree(&tree, ours);
		if (grc == 0)
			grc = git_diff_tree_to_index(&diff, repo, tree, idx,
						     NULL);
		if (grc == 0)
			*merged = git_diff_num_deltas(diff) == 0;
	}
	git_diff_free(diff);
	git_tree_free(tree);
	git_index_free(idx);
	git_commit_free(theirs);
	git_commit_free(ours);
	return grc < 0 ? yoi_git_fail(err, grc, "merge check") : 0;
}

int yoi_git_merged(git_repository *repo, const char *branch, const char *base,
		   bool *merged, yoi_error *err)
{
	*merged = false;
	git_reference *ref = NULL;
	int grc = git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL);
	if (grc < 0)
		return grc == GIT_ENOTFOUND
			   ? yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
					   "no branch %s", branch)
			   : yoi_git_fail(err, grc, branch);
	git_oid tip;
	git_object *peeled = NULL;
	grc = git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT);
	git_reference_free(ref);
	if (grc < 0)
		return yoi_git_fail(err, grc, branch);
	git_oid_cpy(&tip, git_object_id(peeled));
	git_object_free(peeled);
	char hex[YOI_GIT_OID_HEX + 1];
	int rc = yoi_git_resolve(repo, base, hex, err);
	if (rc < 0)
		return rc;
	git_oid b;
	git_oid_fromstr(&b, hex);
	if (git_oid_equal(&tip, &b)) {
		*merged = true;
		return 0;
	}
	grc = git_graph_descendant_of(repo, &b, &tip);
	if (grc < 0)
		return yoi_git_fail(err, grc, base);
	*merged = grc == 1;
	if (!*merged)
		return changes_nothing(repo, &b, &tip, merged, err);
	return 0;
}

int yoi_git_worktree_remove(git_repository *repo, const char *name,
			    yoi_error *err)
{
	git_worktree *wt = NULL;
	int grc = git_worktree_lookup(&wt, repo, name);
	if (grc < 0)
		return grc == GIT_ENOTFOUND
			   ? yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
					   "no worktree named '%s'", name)
			   : yoi_git_fail(err, grc, name);
	int rc = 0;
	if (git_worktree_is_locked(NULL, wt) > 0)
		rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
				   "worktree '%s' is locked; run 'git "
				   "worktree unlock' first",
				   name);
	else if ((grc = prune(wt, false)) < 0)
		rc = yoi_git_fail(err, grc, name);
	git_worktree_free(wt);
	return rc;
}

int yoi_git_branch_delete(git_repository *repo, const char *branch,
			  yoi_error *err)
{
	git_reference *ref = NULL;
	int grc = git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL);
	if (grc == 0)
		grc = git_branch_delete(ref);
	git_reference_free(ref);
	if (grc == GIT_ENOTFOUND)
		return yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				     "no branch %s", branch);
	return grc < 0 ? yoi_git_fail(err, grc, branch) : 0;
}

int yoi_git_merge_base(git_repository *repo, const char *a, const char *b,
		       char out[YOI_GIT_OID_HEX + 1], yoi_error *err)
{
	char ha[YOI_GIT_OID_HEX + 1], hb[YOI_GIT_OID_HEX + 1];
	int rc = yoi_git_resolve(repo, a, ha, err);
	if (rc == 0)
		rc = yoi_git_resolve(repo, b, hb, err);
	if (rc < 0)
		return rc;
	git_oid oa, ob, base;
	git_oid_fromstr(&oa, ha);
	git_oid_fromstr(&ob, hb);
	int grc = git_merge_base(&base, repo, &oa, &ob);
	if (grc == GIT_ENOTFOUND)
		return yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				     "%s and %s have no common ancestor", a, b);
	if (grc < 0)
		return yoi_git_fail(err, grc, "merge base");
	git_oid_tostr(out, YOI_GIT_OID_HEX + 1, &base);
	return 0;
}
