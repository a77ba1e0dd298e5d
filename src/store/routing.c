/* routing.c - the store's routing view and the guard over it. */
#include "yoi/routing.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/listcache.h"
#include "yoi/par.h"
#include "yoi/revcache.h"

typedef struct load_job {
	const yoi_store *st;
	int root_fd; /* paths relative to the root: short walks */
	yoi_routing *r;
	const uint32_t *art; /* YOI_ROW_ART_* of each ticket */
} load_job;

static void note_err(yoi_routing_ticket *t, const char *msg)
{
	if (!t->err)
		t->err = yoi_strdup(msg);
}

/* A relations or plan file that could not be fully read: why says so. */
static void note_links(yoi_routing_ticket *t, const char *why)
{
	note_err(t, why);
	if (!t->links_err)
		t->links_err = yoi_strdup(why);
}

/* A file that parsed but whose bad records were left out. */
static void note_bad_records(yoi_routing_ticket *t, const char *rel)
{
	char why[256];
	snprintf(why, sizeof(why), "%s has bad records", rel);
	note_links(t, why);
}

/* One artifacts file of the ticket, relative to the root. */
static int read_rel(const load_job *j, const char *id, const char *name,
		    size_t limit, yoi_buf *b, char *rel, size_t cap,
		    yoi_error *err)
{
	snprintf(rel, cap, "%s/artifacts/%s", id, name);
	return yoi_file_read_at(j->root_fd, rel, limit, b, err);
}

static void load_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	load_job *j = ctx;
	yoi_routing_ticket *t = &j->r->t[i];
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	char et[YOI_ERRTEXT_MAX];
	char rel[128];
	int rc = YOI_ENOTFOUND;
	uint32_t art = j->art[i];
	bool unknown = art & YOI_ROW_ART_UNKNOWN;
	if (unknown || (art & YOI_ROW_ART_RELATIONS))
		rc = read_rel(j, t->id, "relations.json", YOI_REL_FILE_MAX, &b,
			      rel, sizeof(rel), &err);
	if (rc == 0)
		rc = yoi_relations_parse(&t->rel, b.ptr, b.len, t->id, rel,
					 NULL, &err);
	if (rc < 0 && rc != YOI_ENOTFOUND)
		note_links(t, yoi_error_text(&err, et, sizeof(et)));
	else if (rc == 0 && t->rel && t->rel->nerrors)
		note_bad_records(t, rel);
	rc = YOI_ENOTFOUND;
	if (unknown || (art & YOI_ROW_ART_PLAN))
		rc = read_rel(j, t->id, "orchestration-plan.jsonl",
			      YOI_PLAN_FILE_MAX, &b, rel, sizeof(rel), &err);
	if (rc == 0)
		rc = yoi_plan_parse(&t->plan, b.ptr, b.len, t->id, rel, NULL,
				    &err);
	if (rc < 0 && rc != YOI_ENOTFOUND)
		note_links(t, yoi_error_text(&err, et, sizeof(et)));
	else if (rc == 0 && t->plan && t->plan->nerrors)
		note_bad_records(t, rel);
	yoi_buf_free(&b);
}

/* State, queued_at and title: from the list cache where it is fresh. */
static int rows_fill(yoi_routing *r, const yoi_store *st, const yoi_strv *ids,
		     uint32_t *art, yoi_error *err)
{
	yoi_rows rows;
	int rc = yoi_rows_load(&rows, st, ids, YOI_ROWS_ARTIFACTS, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		yoi_routing_ticket *t = &r->t[i];
		const yoi_row *row = rows.row[i];
		art[i] = row ? row->artifacts : YOI_ROW_ART_UNKNOWN;
		if (!row) {
			note_err(t, rows.err[i] ? rows.err[i] : "unreadable");
			continue;
		}
		t->state = yoi_state_parse(row->col[YOI_ROW_STATE]);
		int64_t q;
		const char *qa = row->col[YOI_ROW_QUEUED];
		if (qa && yoi_time_parse(qa, &q) == 0)
			t->queued_at = q;
		const char *title = row->col[YOI_ROW_TITLE];
		if (title && !(t->title = yoi_strdup(title)))
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	}
	yoi_rows_free(&rows);
	return rc;
}

size_t yoi_routing_find(const yoi_routing *r, const char *id)
{
	return yoi_bsearch_str(r->t, r->n, sizeof(*r->t),
			       offsetof(yoi_routing_ticket, id), id);
}

typedef struct edges {
	yoi_graph_edge *v;
	size_t n, cap;
} edges;

static int edge_add(edges *e, size_t from, const char *to_id,
		    yoi_graph_kind kind, const yoi_routing *r)
{
	size_t to = yoi_routing_find(r, to_id);
	if (to == YOI_GRAPH_NONE || kind == YOI_GRAPH_KIND_INVALID)
		return 0; /* dangling or not a routing kind */
	if (YOI_GROW(e->v, e->n, e->cap, 64) < 0)
		return YOI_ENOMEM;
	e->v[e->n++] = (yoi_graph_edge){from, to, kind};
	return 0;
}

static int build_graph(yoi_routing *r, yoi_error *err)
{
	yoi_graph_node *nodes = calloc(r->n ? r->n : 1, sizeof(*nodes));
	edges e = {0};
	int rc = nodes ? 0 : YOI_ENOMEM;
	for (size_t i = 0; rc == 0 && i < r->n; i++) {
		const yoi_routing_ticket *t = &r->t[i];
		memcpy(nodes[i].id, t->id, sizeof(nodes[i].id));
		nodes[i].state = t->state;
		nodes[i].queued_at = t->queued_at;
		for (size_t k = 0; rc == 0 && t->rel && k < t->rel->n; k++) {
			const yoi_relation *rel = &t->rel->v[k];
			rc = edge_add(&e, i, rel->target,
				      yoi_graph_kind_from_relation(
					  yoi_rel_kind_name(rel->kind)),
				      r);
		}
		for (size_t k = 0; rc == 0 && t->plan && k < t->plan->n; k++) {
			const yoi_plan_record *p = &t->plan->v[k];
			if (p->related_ticket[0])
				rc = edge_add(&e, i, p->related_ticket,
					      yoi_graph_kind_from_plan(
						  yoi_plan_kind_name(p->kind)),
					      r);
		}
	}
	if (rc < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	else
		rc = yoi_graph_build(&r->g, nodes, r->n, e.v, e.n, err);
	free(nodes);
	free(e.v);
	return rc;
}

/* r with n tickets named by ids (sorted), states unknown. */
static yoi_routing *routing_new(const yoi_strv *ids)
{
	yoi_routing *r = calloc(1, sizeof(*r));
	if (r)
		r->t = calloc(ids->n ? ids->n : 1, sizeof(*r->t));
	if (!r || !r->t) {
		free(r);
		return NULL;
	}
	r->n = ids->n;
	for (size_t i = 0; i < ids->n; i++) {
		memcpy(r->t[i].id, ids->v[i], YOI_ID_LEN + 1);
		r->t[i].state = YOI_ST_INVALID;
		r->t[i].queued_at = -1;
	}
	return r;
}

/* The links files of every ticket of r, then the graph; frees r on error. */
static int links_and_graph(yoi_routing **out, yoi_routing *r,
			   const yoi_store *st, uint32_t *art, yoi_error *err)
{
	load_job j = {st, open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r,
		      art};
	if (j.root_fd < 0) {
		free(art);
		yoi_routing_free(r);
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "%s: cannot open the tickets root",
				     st->root);
	}
	yoi_par_for(r->n, yoi_par_threads(r->n), load_nth, &j);
	close(j.root_fd);
	free(art);
	int rc = build_graph(r, err);
	if (rc < 0) {
		yoi_routing_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int yoi_routing_load(yoi_routing **out, const yoi_store *st, yoi_error *err)
{
	*out = NULL;
	yoi_strv ids = {0};
	int rc = yoi_store_ids(st, &ids, err);
	if (rc < 0)
		return rc;
	yoi_routing *r = routing_new(&ids);
	uint32_t *art = calloc(ids.n ? ids.n : 1, sizeof(*art));
	if (!r || !art) {
		free(art);
		yoi_routing_free(r);
		yoi_strv_free(&ids);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	rc = rows_fill(r, st, &ids, art, err);
	yoi_strv_free(&ids);
	if (rc < 0) {
		free(art);
		yoi_routing_free(r);
		return rc;
	}
	return links_and_graph(out, r, st, art, err);
}

typedef struct near_job {
	const yoi_store *st;
	yoi_routing *r;
	bool nomem;
} near_job;

/* State, queued_at and title of one ticket, from its frontmatter. */
static void front_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	near_job *j = ctx;
	yoi_routing_ticket *t = &j->r->t[i];
	yoi_ticket *tk;
	yoi_error err;
	char et[YOI_ERRTEXT_MAX];
	if (yoi_ticket_load(&tk, j->st, t->id, YOI_LOAD_FRONTMATTER, &err) <
	    0) {
		note_err(t, yoi_error_text(&err, et, sizeof(et)));
		return;
	}
	const char *state = yoi_item_get(tk->item, "state");
	t->state = state ? yoi_state_parse(state) : YOI_ST_INVALID;
	int64_t q;
	const char *qa = yoi_item_get(tk->item, "queued_at");
	if (qa && yoi_time_parse(qa, &q) == 0)
		t->queued_at = q;
	const char *title = yoi_item_get(tk->item, "title");
	if (title && !(t->title = yoi_strdup(title)))
		j->nomem = true;
	yoi_ticket_free(tk);
}

int yoi_routing_load_near(yoi_routing **out, const yoi_store *st,
			  const char *const *seeds, size_t nseeds,
			  unsigned flags, yoi_error *err)
{
	*out = NULL;
	yoi_revcache c;
	int rc = yoi_revcache_load(&c, st, err);
	if (rc < 0)
		return rc;
	yoi_strv ids = {0};
	yoi_routing *r = NULL;
	uint32_t *art = NULL;
	if (yoi_revcache_near(&c, seeds, nseeds, flags & YOI_ROUTING_WAITS,
			      &ids) == 0 &&
	    (r = routing_new(&ids)) &&
	    (art = calloc(ids.n ? ids.n : 1, sizeof(*art)))) {
		for (size_t i = 0; i < ids.n; i++) {
			const yoi_revcache_entry *e =
			    yoi_revcache_find(&c, ids.v[i]);
			art[i] =
			    !e || (e->flags & YOI_REVCACHE_BAD)
				? YOI_ROW_ART_UNKNOWN
				: (e->rkey.ino ? YOI_ROW_ART_RELATIONS : 0) |
				      (e->pkey.ino ? YOI_ROW_ART_PLAN : 0);
		}
	} else {
		rc = YOI_ENOMEM;
	}
	yoi_strv_free(&ids);
	yoi_revcache_free(&c);
	near_job j = {st, r, false};
	if (rc == 0) {
		yoi_par_for(r->n, yoi_par_threads(r->n), front_nth, &j);
		if (j.nomem)
			rc = YOI_ENOMEM;
	}
	if (rc < 0) {
		free(art);
		yoi_routing_free(r);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	return links_and_graph(out, r, st, art, err);
}

void yoi_routing_free(yoi_routing *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->t[i].title);
		free(r->t[i].err);
		free(r->t[i].links_err);
		yoi_relations_free(r->t[i].rel);
		yoi_plan_free(r->t[i].plan);
	}
	free(r->t);
	yoi_graph_free(r->g);
	free(r);
}

const yoi_routing_ticket *yoi_routing_bad_links(const yoi_routing *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->t[i].links_err)
			return &r->t[i];
	return NULL;
}

int yoi_routing_route(yoi_graph_route **out, const yoi_routing *r,
		      const yoi_store *st, yoi_error *err)
{
	long cap = st->cfg.max_inprogress;
	if (yoi_graph_route_compute(out, r->g, cap > 0 ? (size_t)cap : 0) < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

int yoi_routing_record(yoi_store *st, const yoi_opctx *op, const yoi_routing *r,
		       const yoi_graph_route *rt, const char *id,
		       yoi_error *err)
{
	size_t i = 0;
	while (i < rt->n && strcmp(r->t[rt->v[i].index].id, id) != 0)
		i++;
	if (i == rt->n)
		return yoi_error_set(err, YOI_EREFUSED, NULL, 0,
				     "%s is not ready or queued, so it has no "
				     "route to record",
				     id);
	const char *cls = yoi_graph_class_name(rt->v[i].cls);
	yoi_buf why = YOI_BUF_INIT, body = YOI_BUF_INIT;
	yoi_attr a = {"route_class", (char *)cls};
	int rc = yoi_graph_route_reason(&why, r->g, rt, i) < 0 ||
			 yoi_buf_printf(&body, "route: %s%s%s", cls,
					why.len ? ": " : "",
					why.len ? why.ptr : "") < 0
		     ? yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory")
		     : yoi_ticket_append(st, op, id, "decision", &a, 1,
					 body.ptr, err);
	yoi_buf_free(&why);
	yoi_buf_free(&body);
	return rc;
}

int yoi_routing_guard_fn(void *ctx, const char *id, yoi_state from,
			 yoi_state to, unsigned flags, yoi_buf *why)
{
	yoi_routing_guard *g = ctx;
	if (g->r && strcmp(g->near, id) != 0) {
		yoi_routing_free(g->r);
		g->r = NULL;
	}
	if (!g->r) {
		yoi_error err;
		if (yoi_routing_load_near(&g->r, g->st, &id, 1, 0, &err) < 0) {
			char et[YOI_ERRTEXT_MAX];
			yoi_buf_printf(why,
				       "cannot read the store's routing "
				       "view: %s",
				       yoi_error_text(&err, et, sizeof(et)));
			return YOI_EREFUSED;
		}
		snprintf(g->near, sizeof(g->near), "%s", id);
	}
	/* Its own relations or plan unreadable: its blockers are unknown. */
	size_t self = yoi_routing_find(g->r, id);
	const yoi_routing_ticket *bad =
	    self != YOI_GRAPH_NONE && g->r->t[self].links_err ? &g->r->t[self]
							      : NULL;
	if (bad) {
		yoi_buf_printf(why,
			       "%s; its dependencies cannot be known: fix it "
			       "(see 'yoi-tickets doctor') or --force --reason",
			       bad->links_err);
		return YOI_ECORRUPT;
	}
	return yoi_graph_guard(g->r->g, id, from, to, flags, why);
}

void yoi_routing_guard_free(yoi_routing_guard *g)
{
	if (g) {
		yoi_routing_free(g->r);
		g->r = NULL;
	}
}
