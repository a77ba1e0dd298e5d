/* relview.c - one ticket's relations, both ways, and its blockers. */
#include "yoi/relview.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *state_of(const yoi_routing *r, const char *id)
{
	size_t i = yoi_routing_find(r, id);
	return i == YOI_GRAPH_NONE ? "missing" : yoi_state_name(r->t[i].state);
}

/* The edges of the view into out, in store order; out NULL: count. */
static size_t edges(yoi_relview_edge *out, const yoi_routing *r, const char *id,
		    int kind)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++) {
		const yoi_routing_ticket *t = &r->t[i];
		for (size_t k = 0; t->rel && k < t->rel->n; k++) {
			const yoi_relation *rel = &t->rel->v[k];
			if (kind >= 0 && (int)rel->kind != kind)
				continue;
			if (!*id || strcmp(t->id, id) == 0) {
				if (out)
					out[n] = (yoi_relview_edge){
					    rel, t->id, false,
					    state_of(r, rel->target)};
				n++;
			}
			if (*id && strcmp(rel->target, id) == 0) {
				if (out)
					out[n] = (yoi_relview_edge){
					    rel, t->id, true,
					    yoi_state_name(t->state)};
				n++;
			}
		}
	}
	return n;
}

static int blockers(yoi_relview *v, const yoi_routing *r, const char *id)
{
	size_t me = *id ? yoi_routing_find(r, id) : YOI_GRAPH_NONE;
	yoi_graph_blocker *b = NULL;
	size_t nb = 0;
	if (me == YOI_GRAPH_NONE)
		return 0;
	int e = yoi_graph_blockers(&b, &nb, r->g, me) < 0 ? YOI_ENOMEM : 0;
	if (e == 0 && nb && !(v->blockers = calloc(nb, sizeof(*v->blockers))))
		e = YOI_ENOMEM;
	for (size_t k = 0; e == 0 && k < nb; k++) {
		yoi_buf txt = YOI_BUF_INIT;
		if (yoi_graph_blocker_text(&txt, r->g, &b[k]) < 0 ||
		    !(v->blockers[k].text = yoi_strdup(txt.ptr ? txt.ptr : "")))
			e = YOI_ENOMEM;
		yoi_buf_free(&txt);
		v->blockers[k].id = r->t[b[k].index].id;
		v->blockers[k].via = yoi_graph_kind_label(b[k].via);
		v->blockers[k].state = b[k].state;
		v->nblockers = k + 1;
	}
	yoi_graph_blockers_free(b);
	return e;
}

int yoi_relview_get(yoi_relview *out, const yoi_routing *r, const char *id,
		    int kind)
{
	memset(out, 0, sizeof(*out));
	size_t n = edges(NULL, r, id, kind);
	int e = 0;
	if (n && !(out->edges = calloc(n, sizeof(*out->edges))))
		e = YOI_ENOMEM;
	else
		out->n = edges(out->edges, r, id, kind);
	if (e == 0)
		e = blockers(out, r, id);
	if (e < 0)
		yoi_relview_free(out);
	return e;
}

void yoi_relview_free(yoi_relview *v)
{
	if (!v)
		return;
	for (size_t k = 0; k < v->nblockers; k++)
		free(v->blockers[k].text);
	free(v->blockers);
	free(v->edges);
	memset(v, 0, sizeof(*v));
}
