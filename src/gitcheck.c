/* gitcheck.c - a ticket's change, read from git objects, checked. */
#include "yoi/gitcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "yoi/plan.h"
#include "yoi/relations.h"

#define ERR YOI_DIAG_ERROR

/* A ticket's files in one view; absent ones stay NULL. */
typedef struct files {
	yoi_buf item, thread;
	yoi_ticket_files f;
	char *item_path, *thread_path; /* for diagnostics */
} files;

static int read_opt(const yoi_git_view *v, const char *path, size_t limit,
		    yoi_buf *b, bool *have, yoi_error *err)
{
	int rc = yoi_git_view_read(v, path, limit, b, err);
	*have = rc == 0;
	return rc == YOI_ENOTFOUND ? 0 : rc;
}

static int load(files *x, const yoi_git_view *v, const char *id,
		const yoi_gitcheck_opts *o, yoi_error *err)
{
	char rel[512];
	bool hi = false, ht = false, hr = false;
	yoi_buf res = YOI_BUF_INIT;
	x->item_path = yoi_sprintf("%s/%s/%s/item.md", o->top, o->prefix, id);
	x->thread_path =
	    yoi_sprintf("%s/%s/%s/thread.md", o->top, o->prefix, id);
	if (!x->item_path || !x->thread_path)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	snprintf(rel, sizeof(rel), "%s/%s/item.md", o->prefix, id);
	int rc = read_opt(v, rel, YOI_FILE_MAX, &x->item, &hi, err);
	snprintf(rel, sizeof(rel), "%s/%s/thread.md", o->prefix, id);
	if (rc == 0)
		rc = read_opt(v, rel, YOI_FILE_MAX, &x->thread, &ht, err);
	snprintf(rel, sizeof(rel), "%s/%s/resolution.md", o->prefix, id);
	if (rc == 0)
		rc = read_opt(v, rel, YOI_FILE_MAX, &res, &hr, err);
	yoi_buf_free(&res);
	if (rc < 0)
		return rc;
	x->f = (yoi_ticket_files){
	    .id = id,
	    .item = hi ? (x->item.ptr ? x->item.ptr : "") : NULL,
	    .item_len = x->item.len,
	    .thread = ht ? (x->thread.ptr ? x->thread.ptr : "") : NULL,
	    .thread_len = x->thread.len,
	    .has_resolution = hr,
	    .item_path = x->item_path,
	    .thread_path = x->thread_path,
	};
	return 0;
}

static void files_free(files *x)
{
	yoi_buf_free(&x->item);
	yoi_buf_free(&x->thread);
	free(x->item_path);
	free(x->thread_path);
}

static bool known(const yoi_gitcheck_opts *o, const char *id)
{
	return !o->known || yoi_strv_contains(o->known, id);
}

/* relations.json and the plan of the new version, with their targets. */
static int check_links(const yoi_git_view *v, const char *id,
		       const yoi_gitcheck_opts *o, yoi_diag *d, yoi_error *err)
{
	char rel[512];
	yoi_buf b = YOI_BUF_INIT;
	bool have;
	snprintf(rel, sizeof(rel), "%s/%s/artifacts/relations.json", o->prefix,
		 id);
	char *path = yoi_sprintf("%s/%s", o->top, rel);
	int rc = path ? read_opt(v, rel, YOI_REL_FILE_MAX, &b, &have, err)
		      : YOI_ENOMEM;
	if (rc == 0 && have) {
		yoi_relations *r = NULL;
		yoi_error e2;
		if (yoi_relations_parse(&r, b.ptr ? b.ptr : "", b.len, id, path,
					d, &e2) == 0 &&
		    r)
			for (size_t i = 0; i < r->n; i++)
				if (!known(o, r->v[i].target))
					yoi_diag_add(
					    d, ERR, "relation-dangling", path,
					    r->v[i].line,
					    "%s %s: no such ticket in this "
					    "version; add it or remove the "
					    "relation",
					    yoi_rel_kind_name(r->v[i].kind),
					    r->v[i].target);
		yoi_relations_free(r);
	}
	free(path);
	snprintf(rel, sizeof(rel), "%s/%s/artifacts/orchestration-plan.jsonl",
		 o->prefix, id);
	path = yoi_sprintf("%s/%s", o->top, rel);
	if (rc == 0)
		rc = path ? read_opt(v, rel, YOI_PLAN_FILE_MAX, &b, &have, err)
			  : YOI_ENOMEM;
	if (rc == 0 && have) {
		yoi_plan *p = NULL;
		yoi_error e2;
		if (yoi_plan_parse(&p, b.ptr ? b.ptr : "", b.len, id, path, d,
				   &e2) == 0 &&
		    p)
			for (size_t i = 0; i < p->n; i++)
				if (p->v[i].related_ticket[0] &&
				    !known(o, p->v[i].related_ticket))
					yoi_diag_add(
					    d, ERR, "plan-dangling", path,
					    p->v[i].line,
					    "related_ticket %s: no such ticket "
					    "in this version",
					    p->v[i].related_ticket);
		yoi_plan_free(p);
	}
	free(path);
	yoi_buf_free(&b);
	if (rc == YOI_ENOMEM)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return rc;
}

int yoi_gitcheck_ticket(const yoi_git_view *old, const yoi_git_view *nw,
			const char *id, const yoi_gitcheck_opts *o, yoi_diag *d,
			yoi_error *err)
{
	files a = {0}, b = {0};
	int rc = load(&a, old, id, o, err);
	if (rc == 0)
		rc = load(&b, nw, id, o, err);
	if (rc == 0) {
		yoi_change_check(&a.f, &b.f, o->tab, d);
		if (b.f.item || b.f.thread)
			rc = check_links(nw, id, o, d, err);
	}
	files_free(&a);
	files_free(&b);
	return rc;
}

int yoi_gitcheck_specials(const yoi_git_view *old, const yoi_git_view *nw,
			  const yoi_gitcheck_opts *o, yoi_diag *d,
			  yoi_error *err)
{
	yoi_strv links = {0}, gitlinks = {0};
	int rc =
	    yoi_git_view_specials(old, nw, o->prefix, &links, &gitlinks, err);
	for (size_t i = 0; rc == 0 && i < links.n; i++) {
		char *path = yoi_sprintf("%s/%s", o->top, links.v[i]);
		if (!path) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
			break;
		}
		yoi_diag_add(d, ERR, "change-symlink", path, 0,
			     "a symbolic link under the tickets root; ticket "
			     "files and artifacts/ must be regular files and "
			     "directories: store the content itself (git rm "
			     "--cached the link, add the real file)");
		free(path);
	}
	for (size_t i = 0; rc == 0 && i < gitlinks.n; i++) {
		char *path = yoi_sprintf("%s/%s", o->top, gitlinks.v[i]);
		if (!path) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
			break;
		}
		yoi_diag_add(d, ERR, "change-submodule", path, 0,
			     "a submodule (gitlink) under the tickets root; "
			     "the store holds only ticket files: remove it "
			     "with 'git rm --cached' and keep submodules "
			     "elsewhere");
		free(path);
	}
	yoi_strv_free(&links);
	yoi_strv_free(&gitlinks);
	return rc;
}
