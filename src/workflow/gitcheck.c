/* gitcheck.c - a ticket's change, read from git objects, checked. */
#include "yoi/gitcheck.h"
#include "workflow/gitcheck_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/doctor.h"
#include "yoi/file.h"
#include "yoi/graph.h"
#include "yoi/id.h"
#include "yoi/plan.h"
#include "yoi/relations.h"
#include "store/store_int.h"

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

/* Whether the view has any file of ticket id. */
static bool has_ticket(const yoi_git_view *v, const char *id,
		       const yoi_gitcheck_opts *o)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s/thread.md", o->prefix, id);
	if (yoi_git_view_has(v, p))
		return true;
	snprintf(p, sizeof(p), "%s/%s/item.md", o->prefix, id);
	return yoi_git_view_has(v, p);
}

/* Whether target id exists in the view o->known (always, without one). */
static bool known(const yoi_gitcheck_opts *o, const char *id)
{
	return !o->known || (yoi_id_valid(id) && has_ticket(o->known, id, o));
}

/*
 * The relations of id in view v (NULL when it has none, or they do not
 * parse); their schema findings go to d when it is not NULL. The one
 * reader of relations.json for the git checks.
 */
static int rels_of(const yoi_git_view *v, const char *id,
		   const yoi_gitcheck_opts *o, yoi_diag *d, yoi_relations **out,
		   yoi_error *err)
{
	char rel[512];
	yoi_buf b = YOI_BUF_INIT;
	bool have = false;
	*out = NULL;
	snprintf(rel, sizeof(rel), "%s/%s/artifacts/relations.json", o->prefix,
		 id);
	char *path = yoi_sprintf("%s/%s", o->top, rel);
	int rc = path
		     ? read_opt(v, rel, YOI_REL_FILE_MAX, &b, &have, err)
		     : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	yoi_error e2 = {0};
	if (rc == 0 && have &&
	    yoi_relations_parse(out, b.ptr ? b.ptr : "", b.len, id, path, d,
				&e2) < 0)
		*out = NULL; /* reported in d, or out of memory */
	free(path);
	yoi_buf_free(&b);
	return rc;
}

/* relations.json and the plan of the new version, with their targets. */
static int check_links(const yoi_git_view *v, const char *id,
		       const yoi_gitcheck_opts *o, yoi_diag *d, yoi_error *err)
{
	char rel[512];
	yoi_buf b = YOI_BUF_INIT;
	bool have = false;
	yoi_relations *r = NULL;
	int rc = rels_of(v, id, o, d, &r, err);
	char *path = NULL;
	for (size_t i = 0; rc == 0 && r && i < r->n; i++) {
		if (known(o, r->v[i].target))
			continue;
		if (!path &&
		    !(path = yoi_sprintf("%s/%s/%s/artifacts/relations.json",
					 o->top, o->prefix, id))) {
			rc = YOI_ENOMEM;
			break;
		}
		yoi_doctor_dangling(d, path, r->v[i].line, false,
				    yoi_rel_kind_name(r->v[i].kind),
				    r->v[i].target);
	}
	yoi_relations_free(r);
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
					yoi_doctor_dangling(
					    d, path, p->v[i].line, true,
					    yoi_plan_kind_name(p->v[i].kind),
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
	yoi_strv found[2] = {{0}, {0}}; /* links, gitlinks */
	static const struct {
		const char *code, *msg;
	} kinds[2] = {
	    {"change-symlink",
	     "a symbolic link under the tickets root; ticket files and "
	     "artifacts/ must be regular files and directories: store the "
	     "content itself (git rm --cached the link, add the real file)"},
	    {"change-submodule",
	     "a submodule (gitlink) under the tickets root; the store holds "
	     "only ticket files: remove it with 'git rm --cached' and keep "
	     "submodules elsewhere"},
	};
	int rc = yoi_git_view_specials(old, nw, o->prefix, &found[0], &found[1],
				       err);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; rc == 0 && i < found[k].n; i++) {
			char *path =
			    yoi_sprintf("%s/%s", o->top, found[k].v[i]);
			if (!path) {
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
				break;
			}
			yoi_diag_add(d, ERR, kinds[k].code, path, 0, "%s",
				     kinds[k].msg);
			free(path);
		}
	yoi_strv_free(&found[0]);
	yoi_strv_free(&found[1]);
	return rc;
}

/* ---- store-wide: dangling targets and cycles (issue 12) ---- */

static bool waiting(yoi_rel_kind k)
{
	return k == YOI_REL_DEPENDS_ON || k == YOI_REL_BLOCKS;
}

static bool has_rel(const yoi_relations *r, const yoi_relation *x)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i].kind == x->kind &&
		    strcmp(r->v[i].target, x->target) == 0)
			return true;
	return false;
}

/* Every ticket's waiting relations of view v, as a graph. */
static int build_graph(const yoi_git_view *v, const yoi_gitcheck_opts *o,
		       yoi_strv *ids, yoi_graph **g, yoi_error *err)
{
	int rc = yoi_git_view_ticket_ids(v, o->prefix, ids, err);
	yoi_graph_node *nodes =
	    rc == 0 ? calloc(ids->n + 1, sizeof(*nodes)) : NULL;
	yoi_graph_edge *edges = NULL;
	size_t m = 0, cap = 0;
	if (rc == 0 && !nodes)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; rc == 0 && i < ids->n; i++) {
		snprintf(nodes[i].id, sizeof(nodes[i].id), "%s", ids->v[i]);
		nodes[i].state = YOI_ST_INVALID;
		nodes[i].queued_at = -1;
		yoi_relations *r = NULL;
		rc = rels_of(v, ids->v[i], o, NULL, &r, err);
		for (size_t k = 0; rc == 0 && r && k < r->n; k++) {
			if (!waiting(r->v[k].kind))
				continue;
			long to = yoi_strv_find_sorted(ids, r->v[k].target);
			if (to < 0)
				continue; /* dangling: reported on its own */
			if (YOI_GROW(edges, m, cap, 64) < 0) {
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
				break;
			}
			edges[m++] =
			    (yoi_graph_edge){i, (size_t)to,
					     r->v[k].kind == YOI_REL_DEPENDS_ON
						 ? YOI_GRAPH_DEPENDS_ON
						 : YOI_GRAPH_BLOCKS};
		}
		yoi_relations_free(r);
	}
	if (rc == 0)
		rc = yoi_graph_build(g, nodes, ids->n, edges, m, err);
	free(nodes);
	free(edges);
	return rc;
}

int yoi_gitcheck_graph(const yoi_git_view *old, const yoi_git_view *nw,
		       const yoi_strv *changed, const yoi_gitcheck_opts *o,
		       yoi_diag *d, yoi_error *err)
{
	int rc = 0;
	bool gained = false;
	for (size_t i = 0; rc == 0 && i < changed->n; i++) {
		const char *id = changed->v[i];
		yoi_relations *a = NULL, *b = NULL;
		rc = rels_of(old, id, o, NULL, &a, err);
		if (rc == 0)
			rc = rels_of(nw, id, o, NULL, &b, err);
		for (size_t k = 0; rc == 0 && b && k < b->n; k++) {
			const yoi_relation *x = &b->v[k];
			if (!waiting(x->kind) || has_rel(a, x))
				continue;
			gained = true;
			char path[512];
			snprintf(path, sizeof(path), "%s/%s/item.md", o->prefix,
				 x->target);
			char tpath[512];
			snprintf(tpath, sizeof(tpath), "%s/%s/thread.md",
				 o->prefix, x->target);
			if (!o->known && yoi_id_valid(x->target) &&
			    !yoi_git_view_has(nw, path) &&
			    !yoi_git_view_has(nw, tpath)) {
				char *p = yoi_sprintf(
				    "%s/%s/%s/artifacts/relations.json", o->top,
				    o->prefix, id);
				if (!p) {
					rc =
					    yoi_error_set(err, YOI_ENOMEM, NULL,
							  0, "out of memory");
					break;
				}
				yoi_doctor_dangling(d, p, x->line, false,
						    yoi_rel_kind_name(x->kind),
						    x->target);
				free(p);
			}
		}
		yoi_relations_free(a);
		yoi_relations_free(b);
	}
	if (rc < 0 || !gained)
		return rc;
	yoi_strv ids = {0};
	yoi_graph *g = NULL;
	yoi_graph_cycles *cy = NULL;
	yoi_buf text = YOI_BUF_INIT;
	rc = build_graph(nw, o, &ids, &g, err);
	if (rc == 0 && yoi_graph_cycles_find(&cy, g, 0, 0) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	for (size_t c = 0; rc == 0 && cy && c < cy->n; c++) {
		const yoi_graph_cycle *cyc = &cy->v[c];
		const char *through = NULL;
		for (size_t k = 0; k < cyc->n && !through; k++)
			if (yoi_strv_contains(changed, ids.v[cyc->v[k]]))
				through = ids.v[cyc->v[k]];
		if (!through)
			continue; /* older than this change: doctor's */
		yoi_buf_clear(&text);
		char *p = yoi_sprintf("%s/%s/%s/artifacts/relations.json",
				      o->top, o->prefix, through);
		if (!p || yoi_graph_cycle_text(&text, g, cyc) < 0) {
			free(p);
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
			break;
		}
		yoi_diag_add(d, ERR, "relation-cycle", p, 0,
			     "this change closes the depends_on/blocks cycle "
			     "%s: these tickets would wait for each other "
			     "forever; remove or reverse one of the relations",
			     text.ptr);
		free(p);
	}
	yoi_buf_free(&text);
	yoi_graph_cycles_free(cy);
	yoi_graph_free(g);
	yoi_strv_free(&ids);
	return rc;
}

/* ---- the whole change ---- */

/* What the change puts in the tickets root that is not a ticket: reported
 * as doctor reports it (yoi_doctor_root_entry). */
static int check_strays(const yoi_git_view *old, const yoi_git_view *nw,
			const yoi_gitcheck_opts *o, yoi_diag *d, yoi_error *err)
{
	yoi_strv dirs = {0}, files = {0};
	int rc =
	    yoi_git_view_root_strays(old, nw, o->prefix, &dirs, &files, err);
	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		const yoi_strv *v = pass ? &files : &dirs;
		for (size_t i = 0; rc == 0 && i < v->n; i++) {
			char *p =
			    yoi_sprintf("%s/%s/%s", o->top, o->prefix, v->v[i]);
			char norm[YOI_ID_LEN + 1];
			char tp[512];
			bool dup = false;
			if (!pass &&
			    yoi_id_normalize(v->v[i], norm, sizeof(norm)) ==
				0 &&
			    yoi_id_valid(norm)) {
				snprintf(tp, sizeof(tp), "%s/%s/thread.md",
					 o->prefix, norm);
				dup = yoi_git_view_has(nw, tp);
			}
			if (!p) {
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
				break;
			}
			yoi_doctor_root_entry(d, p, v->v[i], !pass,
					      dup ? norm : NULL);
			free(p);
		}
	}
	yoi_strv_free(&dirs);
	yoi_strv_free(&files);
	return rc;
}

/* Whether ticket id's thread.md and item.md read the same in a and b. */
static int same_files(const yoi_git_view *a, const char *ida,
		      const yoi_git_view *b, const char *idb,
		      const yoi_gitcheck_opts *o, bool *same, yoi_error *err)
{
	static const char *const names[] = {"thread.md", "item.md"};
	*same = true;
	int rc = 0;
	for (size_t i = 0; rc == 0 && *same && i < 2; i++) {
		char pa[512], pb[512];
		snprintf(pa, sizeof(pa), "%s/%s/%s", o->prefix, ida, names[i]);
		snprintf(pb, sizeof(pb), "%s/%s/%s", o->prefix, idb, names[i]);
		yoi_buf x = YOI_BUF_INIT, y = YOI_BUF_INIT;
		bool hx = false, hy = false;
		rc = read_opt(a, pa, YOI_FILE_MAX, &x, &hx, err);
		if (rc == 0)
			rc = read_opt(b, pb, YOI_FILE_MAX, &y, &hy, err);
		*same = rc == 0 && hx && hy && x.len == y.len &&
			(!x.len || memcmp(x.ptr, y.ptr, x.len) == 0);
		yoi_buf_free(&x);
		yoi_buf_free(&y);
	}
	return rc;
}

int yoi_gitcheck_change(const yoi_git_view *old, const yoi_git_view *nw,
			const yoi_gitcheck_opts *o_in, bool dangling,
			yoi_strv *ids, yoi_diag *d, yoi_error *err)
{
	yoi_gitcheck_opts o = *o_in;
	yoi_strv renamed = {0};
	/* The views are the caller's; the root cache is only a cache. */
	int rc = yoi_git_view_set_root((yoi_git_view *)old, o.prefix);
	if (rc == 0)
		rc = yoi_git_view_set_root((yoi_git_view *)nw, o.prefix);
	if (rc < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	rc = yoi_git_view_changed(old, nw, o.prefix, ids, err);
	if (dangling && !o.known)
		o.known = nw;
	if (rc == 0)
		rc = yoi_gitcheck_specials(old, nw, &o, d, err);
	/* Renames: a ticket gone from nw whose files reappear, unchanged,
	 * under a ticket new in nw. */
	for (size_t i = 0; rc == 0 && i < ids->n; i++) {
		const char *gone = ids->v[i];
		if (has_ticket(nw, gone, &o) || !has_ticket(old, gone, &o))
			continue;
		for (size_t k = 0; rc == 0 && k < ids->n; k++) {
			const char *to = ids->v[k];
			bool same = false;
			if (k == i || has_ticket(old, to, &o) ||
			    !has_ticket(nw, to, &o))
				continue;
			rc = same_files(old, gone, nw, to, &o, &same, err);
			if (rc < 0 || !same)
				continue;
			char *p =
			    yoi_sprintf("%s/%s/%s", o.top, o.prefix, gone);
			if (!p || yoi_strv_push(&renamed, gone) < 0) {
				free(p);
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
				break;
			}
			yoi_diag_add(d, YOI_DIAG_WARNING,
				     "change-ticket-renamed", p, 0,
				     "ticket %s moved unchanged to %s (an ID "
				     "migration); references to the old ID in "
				     "other tickets and commit messages now "
				     "dangle",
				     gone, to);
			free(p);
			break;
		}
	}
	for (size_t i = 0; rc == 0 && i < ids->n; i++)
		if (!yoi_strv_contains(&renamed, ids->v[i]))
			rc =
			    yoi_gitcheck_ticket(old, nw, ids->v[i], &o, d, err);
	if (rc == 0)
		rc = check_strays(old, nw, &o, d, err);
	if (rc == 0)
		rc = yoi_gitcheck_graph(old, nw, ids, &o, d, err);
	yoi_strv_free(&renamed);
	return rc;
}

int yoi_gitcheck_store(const yoi_store *st, const yoi_gitcheck_range *r,
		       yoi_strv *ids, yoi_diag *d, yoi_error *err)
{
	if (!st->repo)
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "not in a git repository; the git checks "
				     "read commits and the index");
	size_t n = st->top ? strlen(st->top) : 0;
	if (!st->top || strncmp(st->root, st->top, n) != 0 ||
	    st->root[n] != '/')
		return yoi_error_set(err, YOI_EUSAGE, st->root, 0,
				     "the tickets root is not inside the "
				     "repository's work tree; git checks need "
				     "it there");
	yoi_gitcheck_opts o = {st->top, st->root + n + 1, &st->cfg.transitions,
			       NULL};
	yoi_git_view *a = NULL, *b = NULL;
	int rc = r->base ? yoi_git_view_open(&a, st->repo, r->base, err)
			 : yoi_git_view_head(&a, st->repo, err);
	if (rc == 0)
		rc = r->head
			 ? yoi_git_view_open(&b, st->repo, r->head, err)
			 : yoi_git_view_index(&b, st->repo, r->index_path, err);
	if (rc == 0)
		rc = yoi_gitcheck_change(a, b, &o, r->dangling, ids, d, err);
	if (rc == 0)
		yoi_diag_sort(d);
	yoi_git_view_free(b);
	yoi_git_view_free(a);
	return rc;
}
