/* work.c - start, finish, cleanup and the ticket worktrees. */
#include "yoi/work.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/file.h"
#include "yoi/plan.h"
#include "yoi/relate.h"
#include "yoi/thread.h"

#ifdef YOI_FAULT_INJECTION
/* Test builds only: fail softly at a named point. */
static bool fault_fail(const char *name)
{
	const char *f = getenv("YOI_FAULT");
	return f && strcmp(f, name) == 0;
}
#else
#define fault_fail(name) false
#endif

static const char *txt(const yoi_opctx *ctx, const char *key)
{
	return ctx->texts ? yoi_texts_get(ctx->texts, key) : key;
}

void yoi_work_slug(const char *title, char out[YOI_SLUG_MAX + 1])
{
	size_t n = 0;
	out[0] = '\0';
	for (const unsigned char *p = (const unsigned char *)title; p && *p;
	     p++)
		if (*p >= 0x80)
			return;
	char buf[4 * YOI_SLUG_MAX];
	for (const unsigned char *p = (const unsigned char *)title;
	     p && *p && n < sizeof(buf) - 1; p++) {
		if (isalnum(*p))
			buf[n++] = (char)tolower(*p);
		else if (n && buf[n - 1] != '-')
			buf[n++] = '-';
	}
	while (n && buf[n - 1] == '-')
		n--;
	if (n > YOI_SLUG_MAX) {
		size_t cut = YOI_SLUG_MAX;
		/* A cut inside a word: back up to the last '-' if near. */
		if (buf[cut] != '-')
			for (size_t k = cut; k > YOI_SLUG_MAX - 16; k--)
				if (buf[k - 1] == '-') {
					cut = k - 1;
					break;
				}
		n = cut;
		while (n && buf[n - 1] == '-')
			n--;
	}
	memcpy(out, buf, n);
	out[n] = '\0';
}

bool yoi_work_slug_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > YOI_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		bool ok = (s[i] >= 'a' && s[i] <= 'z') ||
			  (s[i] >= '0' && s[i] <= '9') ||
			  (s[i] == '-' && s[i + 1] != '-');
		if (!ok)
			return false;
	}
	return true;
}

void yoi_work_info_free(yoi_work_info *w)
{
	if (!w)
		return;
	free(w->branch);
	free(w->worktree);
	free(w->worktree_path);
	free(w->base);
	memset(w, 0, sizeof(*w));
}

static int oom(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

static int need_repo(const yoi_store *st, yoi_error *err)
{
	return st->repo ? 0
			: yoi_error_set(err, YOI_EIO, NULL, 0,
					"the tickets root is not in a git "
					"repository; run this inside one");
}

/* The slug the ticket's create event recorded, or NULL. */
static const char *create_slug(const yoi_thread *th)
{
	for (size_t i = 0; th && i < th->n; i++)
		if (th->ev[i].kind && strcmp(th->ev[i].kind, "create") == 0)
			return yoi_event_attr(&th->ev[i], "slug");
	return NULL;
}

/* Whether text holds line (without its newline) as a whole line. */
static bool has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);
	for (size_t i = 0; i + n <= len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end - i == n && memcmp(text + i, line, n) == 0)
			return true;
		i = end + 1;
	}
	return false;
}

/*
 * Keep the worktrees directory out of the main worktree's status: a
 * "/<dir>/" line in the common git dir's info/exclude (once). Best
 * effort: failing to write it only leaves the directory untracked.
 */
static void exclude_dir(const yoi_store *st, const char *dir)
{
	if (strstr(dir, "..") || dir[0] == '/')
		return; /* outside the top: nothing to hide */
	char *info = yoi_path_join(git_repository_commondir(st->repo), "info");
	char *path = info ? yoi_path_join(info, "exclude") : NULL;
	char *line = yoi_sprintf("/%s/", dir);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	int rc = path && line ? yoi_file_read(path, YOI_FILE_MAX, &b, &err)
			      : YOI_ENOMEM;
	if ((rc == 0 && !has_line(b.ptr, b.len, line)) || rc == YOI_ENOTFOUND) {
		mkdir(info, 0777);
		char *add = yoi_sprintf(
		    "%s%s\n", b.len && b.ptr[b.len - 1] != '\n' ? "\n" : "",
		    line);
		if (add)
			yoi_file_append(path, add, strlen(add),
					rc == YOI_ENOTFOUND, &err);
		free(add);
	}
	yoi_buf_free(&b);
	free(line);
	free(path);
	free(info);
}

/* What start's prepare and undo work on. */
typedef struct start_hook {
	yoi_store *st;
	const yoi_opctx *ctx;
	const char *id;
	const char *name, *path, *branch, *oid, *worktree_rel, *summary;
	char *plan_path;
	off_t plan_size; /* -1: there was no plan file */
	bool made;
	char *plan_id;
} start_hook;

static void plan_undo(start_hook *h)
{
	if (h->plan_size < 0) {
		unlink(h->plan_path);
	} else {
		/* Our own record, appended under the lock we still hold. */
		if (truncate(h->plan_path, h->plan_size) < 0)
			(void)0; /* best effort: doctor shows what stayed */
	}
}

static void start_undo(void *p)
{
	start_hook *h = p;
	if (h->plan_id[0])
		plan_undo(h);
	if (h->made)
		yoi_git_worktree_undo(h->st->repo, h->name, h->branch);
}

static int start_prepare(void *p, yoi_error *err)
{
	start_hook *h = p;
	struct stat sb;
	h->plan_size = stat(h->plan_path, &sb) == 0 ? sb.st_size : -1;
	int rc = yoi_git_worktree_create(h->st->repo, h->name, h->path,
					 h->branch, h->oid, err);
	if (rc < 0)
		return rc;
	h->made = true;
	if (fault_fail("start-after-worktree")) {
		rc = yoi_error_set(err, YOI_EIO, NULL, 0, "fault injected");
		goto undo;
	}
	yoi_plan_accepted acc = {(char *)h->summary, (char *)h->branch,
				 (char *)h->worktree_rel, NULL};
	yoi_plan_record rec = {.kind = YOI_PLAN_ACCEPTED_PLAN,
			       .accepted = &acc};
	rc = yoi_plan_record_add(h->st, h->ctx, h->id, &rec, h->plan_id, err);
	if (rc < 0)
		goto undo;
	if (fault_fail("start-after-plan")) {
		rc = yoi_error_set(err, YOI_EIO, NULL, 0, "fault injected");
		goto undo;
	}
	return 0;
undo:
	start_undo(h);
	h->made = false;
	h->plan_id[0] = '\0';
	return rc;
}

int yoi_work_start(yoi_store *st, const yoi_opctx *ctx, const char *id,
		   const yoi_work_start_opts *o, yoi_work_info *out,
		   yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = need_repo(st, err);
	if (rc < 0)
		return rc;
	if (o->slug && !yoi_work_slug_valid(o->slug))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "--slug '%s': use lowercase letters, "
				     "digits and single '-' (at most %d)",
				     o->slug, YOI_SLUG_MAX);
	if ((rc = yoi_store_lock(st, ctx->wait_sec, err)) < 0)
		return rc;
	yoi_ticket *t = NULL;
	char *top = NULL, *name = NULL, *dir = NULL;
	char oid[YOI_GIT_OID_HEX + 1];
	start_hook h = {0};
	rc = yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER | YOI_LOAD_THREAD,
			     err);
	if (rc < 0)
		goto out;
	char slug[YOI_SLUG_MAX + 1];
	const char *s = o->slug ? o->slug : create_slug(t->thread);
	if (s && yoi_work_slug_valid(s))
		snprintf(slug, sizeof(slug), "%s", s);
	else
		yoi_work_slug(yoi_item_get(t->item, "title"), slug);
	name = slug[0] ? yoi_sprintf("%s-%s", id, slug) : yoi_strdup(id);
	if (!name) {
		rc = oom(err);
		goto out;
	}
	out->branch = yoi_sprintf("%s%s", st->cfg.branch_prefix, name);
	out->worktree = yoi_sprintf("%s/%s", st->cfg.worktrees_dir, name);
	if (!out->branch || !out->worktree) {
		rc = oom(err);
		goto out;
	}
	if ((rc = yoi_git_main_top(st->repo, &top, err)) < 0)
		goto out;
	out->worktree_path = yoi_path_join(top, out->worktree);
	if (o->base)
		out->base = yoi_strdup(o->base);
	else if ((rc = yoi_git_head_name(st->repo, &out->base, err)) < 0)
		goto out;
	if (!out->worktree_path || !out->base) {
		rc = oom(err);
		goto out;
	}
	if ((rc = yoi_git_resolve(st->repo, out->base, oid, err)) < 0)
		goto out;
	/* The parent of the worktree: made now, kept (harmless if empty). */
	dir = yoi_path_join(top, st->cfg.worktrees_dir);
	if (!dir || yoi_mkdir_p(dir, err) < 0) {
		rc = dir ? err->code : oom(err);
		goto out;
	}
	exclude_dir(st, st->cfg.worktrees_dir);
	h = (start_hook){
	    st,
	    ctx,
	    id,
	    name,
	    out->worktree_path,
	    out->branch,
	    oid,
	    out->worktree,
	    o->summary ? o->summary : txt(ctx, "start_summary"),
	    yoi_store_path(st, id, "artifacts/orchestration-plan.jsonl"),
	    -1,
	    false,
	    out->plan_id};
	if (!h.plan_path) {
		rc = oom(err);
		goto out;
	}
	yoi_attr attrs[] = {{"branch", out->branch},
			    {"worktree", out->worktree},
			    {"base", out->base}};
	yoi_transition_req req = {
	    .target = "inprogress",
	    .reason = o->reason ? o->reason : txt(ctx, "reason_start"),
	    .force = o->force,
	    .attrs = attrs,
	    .nattrs = 3,
	    .prepare = start_prepare,
	    .undo = start_undo,
	    .hook = &h,
	    .forced_out = &out->forced,
	};
	rc = yoi_ticket_transition(st, ctx, id, &req, NULL, err);
out:
	free(h.plan_path);
	free(dir);
	free(name);
	free(top);
	yoi_ticket_free(t);
	yoi_store_unlock(st);
	if (rc < 0)
		yoi_work_info_free(out);
	return rc;
}

int yoi_work_recorded(const yoi_store *st, const char *id, yoi_work_info *out,
		      yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	char *path =
	    yoi_store_path(st, id, "artifacts/orchestration-plan.jsonl");
	yoi_buf b = YOI_BUF_INIT;
	yoi_plan *plan = NULL;
	yoi_ticket *t = NULL;
	if (!path)
		return oom(err);
	int rc = yoi_file_read(path, YOI_PLAN_FILE_MAX, &b, err);
	if (rc == 0)
		rc = yoi_plan_parse(&plan, b.ptr, b.len, id, path, NULL, err);
	const yoi_plan_record *acc =
	    rc == 0 ? yoi_plan_latest(plan, YOI_PLAN_ACCEPTED_PLAN) : NULL;
	if (rc == YOI_ENOTFOUND ||
	    (rc == 0 && (!acc || !acc->accepted || !acc->accepted->branch))) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, path, 0,
				   "ticket %s has no recorded branch (no "
				   "accepted_plan with a branch); was it "
				   "started with 'yoi-tickets start'?",
				   id);
		goto out;
	}
	if (rc < 0)
		goto out;
	out->branch = yoi_strdup(acc->accepted->branch);
	if (acc->accepted->worktree) {
		char *top = NULL;
		out->worktree = yoi_strdup(acc->accepted->worktree);
		if (st->repo && yoi_git_main_top(st->repo, &top, err) == 0)
			out->worktree_path =
			    acc->accepted->worktree[0] == '/'
				? yoi_strdup(acc->accepted->worktree)
				: yoi_path_join(top, acc->accepted->worktree);
		free(top);
	}
	snprintf(out->plan_id, sizeof(out->plan_id), "%s", acc->id);
	/* The base: the latest state_changed that named this branch. */
	if (yoi_ticket_load(&t, st, id, YOI_LOAD_THREAD | YOI_LOAD_DIR_CHECKED,
			    err) == 0)
		for (size_t i = t->thread->n; i-- > 0;) {
			const yoi_event *e = &t->thread->ev[i];
			const char *br = yoi_event_attr(e, "branch");
			const char *base = yoi_event_attr(e, "base");
			if (br && base && strcmp(br, out->branch) == 0) {
				out->base = yoi_strdup(base);
				break;
			}
		}
	rc = out->branch ? 0 : oom(err);
out:
	yoi_ticket_free(t);
	yoi_plan_free(plan);
	yoi_buf_free(&b);
	free(path);
	if (rc < 0)
		yoi_work_info_free(out);
	return rc;
}

int yoi_work_finish(yoi_store *st, const yoi_opctx *ctx, const char *id,
		    const char *reason, int *merged, yoi_work_info *info,
		    yoi_error *err)
{
	*merged = -1;
	yoi_transition_req req = {
	    .target = "done",
	    .reason = reason ? reason : txt(ctx, "reason_finish"),
	};
	int rc = yoi_ticket_transition(st, ctx, id, &req, NULL, err);
	if (rc < 0)
		return rc;
	yoi_work_info w;
	yoi_error e2;
	if (st->repo && yoi_work_recorded(st, id, &w, &e2) == 0) {
		bool m;
		if (w.base &&
		    yoi_git_merged(st->repo, w.branch, w.base, &m, &e2) == 0)
			*merged = m;
		if (info)
			*info = w;
		else
			yoi_work_info_free(&w);
	} else if (info) {
		memset(info, 0, sizeof(*info));
	}
	return 0;
}

int yoi_work_cleanup(yoi_store *st, const yoi_opctx *ctx, const char *id,
		     bool force, yoi_buf *removed, yoi_error *err)
{
	yoi_buf_clear(removed);
	int rc = need_repo(st, err);
	if (rc < 0)
		return rc;
	if ((rc = yoi_store_lock(st, ctx->wait_sec, err)) < 0)
		return rc;
	yoi_work_info w = {0};
	yoi_git_worktrees wts = {0};
	char *first = NULL;
	if ((rc = yoi_work_recorded(st, id, &w, err)) < 0 ||
	    (rc = yoi_git_worktrees_list(st->repo, &wts, err)) < 0)
		goto out;
	const yoi_git_worktree *wt =
	    w.worktree_path ? yoi_git_worktrees_find_path(&wts, w.worktree_path)
			    : NULL;
	int has_branch = yoi_git_branch_exists(st->repo, w.branch);
	if (has_branch < 0) {
		rc = yoi_error_set(err, YOI_EIO, NULL, 0,
				   "cannot read branch %s", w.branch);
		goto out;
	}
	if (!wt && !has_branch) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				   "nothing to clean up for %s: neither the "
				   "worktree %s nor the branch %s exists",
				   id, w.worktree ? w.worktree : "(none)",
				   w.branch);
		goto out;
	}
	if (wt && wt->exists && !force) {
		bool dirty;
		if ((rc = yoi_git_dirty(wt->path, &dirty, &first, err)) < 0)
			goto out;
		if (dirty) {
			rc = yoi_error_set(
			    err, YOI_EREFUSED, wt->path, 0,
			    "worktree %s has uncommitted or untracked changes "
			    "(%s); commit or remove them, or pass --force to "
			    "discard them",
			    w.worktree, first ? first : "?");
			goto out;
		}
	}
	if (has_branch && !force) {
		bool merged = false;
		if (!w.base) {
			rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
					   "no base recorded for branch %s, so "
					   "its merge cannot be checked; pass "
					   "--force to delete it anyway",
					   w.branch);
			goto out;
		}
		if ((rc = yoi_git_merged(st->repo, w.branch, w.base, &merged,
					 err)) < 0)
			goto out;
		if (!merged) {
			rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
					   "branch %s is not merged into %s; "
					   "merge it first, or pass --force to "
					   "delete it unmerged",
					   w.branch, w.base);
			goto out;
		}
	}
	if (wt) {
		if ((rc = yoi_git_worktree_remove(st->repo, wt->name, err)) < 0)
			goto out;
		yoi_buf_puts(removed, "worktree");
	}
	if (has_branch) {
		if ((rc = yoi_git_branch_delete(st->repo, w.branch, err)) < 0)
			goto out;
		yoi_buf_printf(removed, "%sbranch", removed->len ? "," : "");
	}
	yoi_attr attrs[] = {{"branch", w.branch},
			    {"worktree", w.worktree ? w.worktree : ""},
			    {"removed", removed->ptr},
			    {"forced", "true"}};
	rc = yoi_ticket_append(st, ctx, id, "cleanup", attrs, force ? 4 : 3,
			       txt(ctx, "cleanup_body"), err);
out:
	free(first);
	yoi_git_worktrees_free(&wts);
	yoi_work_info_free(&w);
	yoi_store_unlock(st);
	return rc;
}

static int cmp_tree(const void *a, const void *b)
{
	return strcmp(((const yoi_work_tree *)a)->name,
		      ((const yoi_work_tree *)b)->name);
}

int yoi_work_trees_list(const yoi_store *st, yoi_work_trees *out,
			yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = need_repo(st, err);
	if (rc < 0)
		return rc;
	yoi_git_worktrees wts;
	if ((rc = yoi_git_worktrees_list(st->repo, &wts, err)) < 0)
		return rc;
	out->v = calloc(wts.n ? wts.n : 1, sizeof(*out->v));
	if (!out->v)
		rc = oom(err);
	for (size_t i = 0; rc == 0 && i < wts.n; i++) {
		const yoi_git_worktree *g = &wts.v[i];
		char id[YOI_ID_LEN + 1];
		if (strlen(g->name) < YOI_ID_LEN ||
		    (g->name[YOI_ID_LEN] && g->name[YOI_ID_LEN] != '-'))
			continue;
		memcpy(id, g->name, YOI_ID_LEN);
		id[YOI_ID_LEN] = '\0';
		if (!yoi_id_valid(id))
			continue;
		yoi_work_tree *w = &out->v[out->n++];
		memcpy(w->id, id, sizeof(id));
		w->name = yoi_strdup(g->name);
		w->path = yoi_strdup(g->path);
		w->branch = g->branch ? yoi_strdup(g->branch) : NULL;
		w->exists = g->exists;
		w->state = YOI_ST_INVALID;
		yoi_ticket *t;
		yoi_error e2;
		if (yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER, &e2) ==
		    0) {
			w->state =
			    yoi_state_parse(yoi_item_get(t->item, "state"));
			yoi_ticket_free(t);
		}
		if (!w->name || !w->path)
			rc = oom(err);
	}
	yoi_git_worktrees_free(&wts);
	if (rc < 0) {
		yoi_work_trees_free(out);
		return rc;
	}
	if (out->n > 1) /* out->v is NULL when there are none */
		qsort(out->v, out->n, sizeof(*out->v), cmp_tree);
	return 0;
}

void yoi_work_trees_free(yoi_work_trees *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].name);
		free(w->v[i].path);
		free(w->v[i].branch);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}
