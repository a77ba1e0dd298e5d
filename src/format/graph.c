/*
 * graph.c - the dependency graph that routes work (SPEC 6, 7, 8, 13).
 *
 * Representation: node indices are uint32_t internally (the public API
 * speaks size_t). Edges are normalised at build time into four CSR
 * adjacencies, each built by three stable counting sorts (kind, target,
 * source), so every row is sorted by target ID and, within a target, by
 * kind: O(V+E), no comparison sort.
 *   wout   waiter -> blocker, one entry per pair, kind = primary relation
 *   win    blocker -> waiter, the same pairs reversed
 *   order  x -> y where x goes before y (plan before/after; no self edges)
 *   conf   both directions of conflicts_with/do_not_parallelize
 * Because the primary kind is the smallest, a pair has a relation edge
 * (depends_on/blocks) iff its primary kind is one: the relation-only view
 * used for cycles is wout filtered by kind <= YOI_GRAPH_BLOCKS.
 *
 * Nothing recurses: Tarjan, Johnson, the chain walk and the deps tree all
 * use explicit stacks sized by the node count.
 */
#include "yoi/graph.h"

#include <stdlib.h>
#include <string.h>

typedef uint32_t u32;
#define NIL	 UINT32_MAX
#define KIND_ALL 0xff

typedef struct csr {
	u32 *off; /* n + 1 */
	u32 *tgt;
	uint8_t *kind;
	size_t m;
} csr;

struct yoi_graph {
	u32 n;
	yoi_graph_node *nodes;
	csr wout, win, order, conf;
};

/* ---- names ----------------------------------------------------------------
 */

static const char *const kind_labels[YOI_GRAPH__KIND_COUNT] = {
    "depends_on", "blocks",	"blocked_by",	  "blocks",
    "before",	  "after",	"conflicts_with", "do_not_parallelize",
    "related",	  "supersedes", "duplicate_of",
};

const char *yoi_graph_kind_label(yoi_graph_kind k)
{
	return k >= 0 && k < YOI_GRAPH__KIND_COUNT ? kind_labels[k] : "?";
}

bool yoi_graph_kind_is_plan(yoi_graph_kind k)
{
	return k >= YOI_GRAPH_PLAN_BLOCKED_BY &&
	       k <= YOI_GRAPH_PLAN_DO_NOT_PARALLELIZE;
}

typedef struct kind_name {
	const char *name; /* NULL ends a table */
	yoi_graph_kind k;
} kind_name;

static const kind_name relation_kinds[] = {
    {"depends_on", YOI_GRAPH_DEPENDS_ON},
    {"blocks", YOI_GRAPH_BLOCKS},
    {"related", YOI_GRAPH_RELATED},
    {"supersedes", YOI_GRAPH_SUPERSEDES},
    {"duplicate_of", YOI_GRAPH_DUPLICATE_OF},
    {NULL, YOI_GRAPH_KIND_INVALID},
};

static const kind_name plan_kinds[] = {
    {"before", YOI_GRAPH_PLAN_BEFORE},
    {"after", YOI_GRAPH_PLAN_AFTER},
    {"blocked_by", YOI_GRAPH_PLAN_BLOCKED_BY},
    {"blocks", YOI_GRAPH_PLAN_BLOCKS},
    {"conflicts_with", YOI_GRAPH_PLAN_CONFLICTS_WITH},
    {"do_not_parallelize", YOI_GRAPH_PLAN_DO_NOT_PARALLELIZE},
    {NULL, YOI_GRAPH_KIND_INVALID},
};

static yoi_graph_kind kind_lookup(const kind_name *t, const char *kind)
{
	for (; kind && t->name; t++)
		if (strcmp(t->name, kind) == 0)
			return t->k;
	return YOI_GRAPH_KIND_INVALID;
}

yoi_graph_kind yoi_graph_kind_from_relation(const char *kind)
{
	return kind_lookup(relation_kinds, kind);
}

yoi_graph_kind yoi_graph_kind_from_plan(const char *kind)
{
	return kind_lookup(plan_kinds, kind);
}

const char *yoi_graph_class_name(yoi_graph_class c)
{
	switch (c) {
	case YOI_GRAPH_ACTIONABLE:
		return "actionable";
	case YOI_GRAPH_WAITING_DEPENDENCY:
		return "waiting_dependency";
	case YOI_GRAPH_WAITING_CONFLICT:
		return "waiting_conflict";
	case YOI_GRAPH_WAITING_CAPACITY:
		return "waiting_capacity";
	}
	return "?";
}

/* ---- small helpers ----------------------------------------------------------
 */

/* malloc that never asks for 0 bytes (so NULL always means out of memory). */
static void *xmalloc(size_t count, size_t size)
{
	if (count == 0)
		count = 1;
	if (count > SIZE_MAX / size)
		return NULL;
	return malloc(count * size);
}

static void *xcalloc(size_t count, size_t size)
{
	return calloc(count ? count : 1, size);
}

/* Minimal binary min-heap of u32 (ranks or node indices). */
typedef struct heap {
	u32 *v;
	size_t n;
} heap;

static void heap_push(heap *h, u32 x)
{
	size_t i = h->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (h->v[p] <= x)
			break;
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = x;
}

static u32 heap_pop(heap *h)
{
	u32 top = h->v[0];
	u32 x = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (x <= h->v[c])
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = x;
	return top;
}

/* ---- CSR construction ---------------------------------------------------- */

static void csr_free(csr *c)
{
	free(c->off);
	free(c->tgt);
	free(c->kind);
	memset(c, 0, sizeof(*c));
}

/*
 * One stable counting-sort pass: out = in ordered by key (key32 or key8,
 * whichever is non-NULL), keys in [0, nkeys). cnt has nkeys + 1 slots.
 */
static void count_pass(u32 *out, const u32 *in, size_t m, const u32 *key32,
		       const uint8_t *key8, size_t nkeys, u32 *cnt)
{
	memset(cnt, 0, (nkeys + 1) * sizeof(*cnt));
	for (size_t i = 0; i < m; i++)
		cnt[(key32 ? key32[in[i]] : key8[in[i]]) + 1]++;
	for (size_t k = 0; k < nkeys; k++)
		cnt[k + 1] += cnt[k];
	for (size_t i = 0; i < m; i++)
		out[cnt[key32 ? key32[in[i]] : key8[in[i]]]++] = in[i];
}

/*
 * Rows by src, each sorted by (dst, kind). With dedup, one entry per
 * (src, dst) pair: the smallest kind.
 */
static int csr_build(csr *c, u32 n, size_t m, const u32 *src, const u32 *dst,
		     const uint8_t *kind, bool dedup)
{
	memset(c, 0, sizeof(*c));
	size_t nk = n > YOI_GRAPH__KIND_COUNT ? n : YOI_GRAPH__KIND_COUNT;
	u32 *a = xmalloc(m, sizeof(*a));
	u32 *b = xmalloc(m, sizeof(*b));
	u32 *cnt = xmalloc(nk + 1, sizeof(*cnt));
	c->off = xcalloc((size_t)n + 1, sizeof(*c->off));
	c->tgt = xmalloc(m, sizeof(*c->tgt));
	c->kind = xmalloc(m, sizeof(*c->kind));
	if (!a || !b || !cnt || !c->off || !c->tgt || !c->kind) {
		free(a);
		free(b);
		free(cnt);
		csr_free(c);
		return YOI_ENOMEM;
	}
	for (size_t i = 0; i < m; i++)
		a[i] = (u32)i;
	if (m > 0) {
		count_pass(b, a, m, NULL, kind, YOI_GRAPH__KIND_COUNT, cnt);
		count_pass(a, b, m, dst, NULL, n, cnt);
		count_pass(b, a, m, src, NULL, n, cnt);
	}
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		u32 e = b[i];
		if (dedup && i > 0 && src[b[i - 1]] == src[e] &&
		    dst[b[i - 1]] == dst[e])
			continue;
		c->tgt[k] = dst[e];
		c->kind[k] = kind[e];
		c->off[src[e] + 1]++;
		k++;
	}
	for (u32 v = 0; v < n; v++)
		c->off[v + 1] += c->off[v];
	c->m = k;
	free(a);
	free(b);
	free(cnt);
	return 0;
}

/* ---- build -----------------------------------------------------------------
 */

void yoi_graph_free(yoi_graph *g)
{
	if (!g)
		return;
	csr_free(&g->wout);
	csr_free(&g->win);
	csr_free(&g->order);
	csr_free(&g->conf);
	free(g->nodes);
	free(g);
}

static int check_input(const yoi_graph_node *nodes, size_t n,
		       const yoi_graph_edge *edges, size_t m, yoi_error *err)
{
	if (n >= NIL || m >= NIL / 2)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "graph too large: %zu tickets, %zu edges",
				     n, m);
	for (size_t i = 0; i < n; i++) {
		if (!memchr(nodes[i].id, '\0', sizeof(nodes[i].id)) ||
		    !yoi_id_valid(nodes[i].id))
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "graph node %zu: invalid ID", i);
		if (i > 0 && strcmp(nodes[i - 1].id, nodes[i].id) >= 0)
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "graph nodes not sorted by ID at "
					     "%s",
					     nodes[i].id);
	}
	for (size_t i = 0; i < m; i++) {
		if (edges[i].from >= n || edges[i].to >= n)
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "graph edge %zu: index out of "
					     "range",
					     i);
		if (edges[i].kind < 0 || edges[i].kind >= YOI_GRAPH__KIND_COUNT)
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "graph edge %zu: bad kind %d", i,
					     (int)edges[i].kind);
	}
	return 0;
}

/* Waiting edges as (waiter, blocker), deduplicated into wout; win reversed. */
static int build_wait(yoi_graph *g, const yoi_graph_edge *edges, size_t m,
		      u32 *src, u32 *dst, uint8_t *kind)
{
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		u32 f = (u32)edges[i].from, t = (u32)edges[i].to;
		switch (edges[i].kind) {
		case YOI_GRAPH_DEPENDS_ON:
		case YOI_GRAPH_PLAN_BLOCKED_BY:
			src[k] = f, dst[k] = t;
			break;
		case YOI_GRAPH_BLOCKS:
		case YOI_GRAPH_PLAN_BLOCKS:
			src[k] = t, dst[k] = f;
			break;
		default:
			continue;
		}
		kind[k++] = (uint8_t)edges[i].kind;
	}
	int rc = csr_build(&g->wout, g->n, k, src, dst, kind, true);
	if (rc < 0)
		return rc;
	k = 0;
	for (u32 w = 0; w < g->n; w++)
		for (u32 e = g->wout.off[w]; e < g->wout.off[w + 1]; e++) {
			src[k] = g->wout.tgt[e];
			dst[k] = w;
			kind[k++] = g->wout.kind[e];
		}
	return csr_build(&g->win, g->n, k, src, dst, kind, false);
}

static int build_order_conf(yoi_graph *g, const yoi_graph_edge *edges, size_t m,
			    u32 *src, u32 *dst, uint8_t *kind)
{
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		u32 f = (u32)edges[i].from, t = (u32)edges[i].to;
		if (f == t)
			continue;
		if (edges[i].kind == YOI_GRAPH_PLAN_BEFORE)
			src[k] = f, dst[k] = t;
		else if (edges[i].kind == YOI_GRAPH_PLAN_AFTER)
			src[k] = t, dst[k] = f;
		else
			continue;
		kind[k++] = (uint8_t)edges[i].kind;
	}
	int rc = csr_build(&g->order, g->n, k, src, dst, kind, false);
	if (rc < 0)
		return rc;
	k = 0;
	for (size_t i = 0; i < m; i++) {
		u32 f = (u32)edges[i].from, t = (u32)edges[i].to;
		if (f == t ||
		    (edges[i].kind != YOI_GRAPH_PLAN_CONFLICTS_WITH &&
		     edges[i].kind != YOI_GRAPH_PLAN_DO_NOT_PARALLELIZE))
			continue;
		src[k] = f, dst[k] = t, kind[k++] = (uint8_t)edges[i].kind;
		src[k] = t, dst[k] = f, kind[k++] = (uint8_t)edges[i].kind;
	}
	return csr_build(&g->conf, g->n, k, src, dst, kind, true);
}

int yoi_graph_build(yoi_graph **out, const yoi_graph_node *nodes, size_t n,
		    const yoi_graph_edge *edges, size_t m, yoi_error *err)
{
	*out = NULL;
	int rc = check_input(nodes, n, edges, m, err);
	if (rc < 0)
		return rc;
	yoi_graph *g = calloc(1, sizeof(*g));
	u32 *src = xmalloc(2 * m, sizeof(*src));
	u32 *dst = xmalloc(2 * m, sizeof(*dst));
	uint8_t *kind = xmalloc(2 * m, sizeof(*kind));
	if (!g || !src || !dst || !kind)
		goto nomem;
	g->n = (u32)n;
	g->nodes = xmalloc(n, sizeof(*g->nodes));
	if (!g->nodes)
		goto nomem;
	if (n)
		memcpy(g->nodes, nodes, n * sizeof(*nodes));
	if (build_wait(g, edges, m, src, dst, kind) < 0 ||
	    build_order_conf(g, edges, m, src, dst, kind) < 0)
		goto nomem;
	free(src);
	free(dst);
	free(kind);
	*out = g;
	return 0;
nomem:
	free(src);
	free(dst);
	free(kind);
	yoi_graph_free(g);
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

size_t yoi_graph_size(const yoi_graph *g)
{
	return g ? g->n : 0;
}

const yoi_graph_node *yoi_graph_node_at(const yoi_graph *g, size_t i)
{
	return g && i < g->n ? &g->nodes[i] : NULL;
}

size_t yoi_graph_find(const yoi_graph *g, const char *id)
{
	if (!g || !id)
		return YOI_GRAPH_NONE;
	return yoi_bsearch_str(g->nodes, g->n, sizeof(*g->nodes),
			       offsetof(yoi_graph_node, id), id);
}

/* ---- blockers and the guard ------------------------------------------------
 */

int yoi_graph_blockers(yoi_graph_blocker **out, size_t *n, const yoi_graph *g,
		       size_t t)
{
	*out = NULL;
	*n = 0;
	if (!g || t >= g->n)
		return 0;
	const csr *c = &g->wout;
	size_t k = 0;
	for (u32 e = c->off[t]; e < c->off[t + 1]; e++)
		k += !yoi_state_finished(g->nodes[c->tgt[e]].state);
	if (!k)
		return 0;
	yoi_graph_blocker *b = xmalloc(k, sizeof(*b));
	if (!b)
		return YOI_ENOMEM;
	k = 0;
	for (u32 e = c->off[t]; e < c->off[t + 1]; e++) {
		yoi_state s = g->nodes[c->tgt[e]].state;
		if (yoi_state_finished(s))
			continue;
		b[k].index = c->tgt[e];
		b[k].via = (yoi_graph_kind)c->kind[e];
		b[k].state = s;
		k++;
	}
	*out = b;
	*n = k;
	return 0;
}

void yoi_graph_blockers_free(yoi_graph_blocker *b)
{
	free(b);
}

static int cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

int yoi_graph_waiters(size_t **out, size_t *n, const yoi_graph *g, size_t t)
{
	*out = NULL;
	*n = 0;
	if (!g || t >= g->n)
		return 0;
	const csr *c = &g->win;
	u32 k = c->off[t + 1] - c->off[t];
	if (!k)
		return 0;
	size_t *w = xmalloc(k, sizeof(*w));
	if (!w)
		return YOI_ENOMEM;
	size_t m = 0;
	for (u32 e = c->off[t]; e < c->off[t + 1]; e++)
		w[m++] = c->tgt[e];
	/* Node indices follow ID order; one waiter may have several edges. */
	qsort(w, m, sizeof(*w), cmp_index);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (u == 0 || w[u - 1] != w[i])
			w[u++] = w[i];
	*out = w;
	*n = u;
	return 0;
}

static int link_text(yoi_buf *out, const yoi_graph *g, size_t index,
		     yoi_graph_kind via, yoi_state state)
{
	return yoi_buf_printf(out, "%s via %s (state: %s)", g->nodes[index].id,
			      yoi_graph_kind_label(via), yoi_state_name(state));
}

int yoi_graph_blocker_text(yoi_buf *out, const yoi_graph *g,
			   const yoi_graph_blocker *b)
{
	return link_text(out, g, b->index, b->via, b->state);
}

int yoi_graph_guard(void *ctx, const char *id, yoi_state from, yoi_state to,
		    unsigned flags, yoi_buf *why)
{
	(void)from;
	(void)to;
	const yoi_graph *g = ctx;
	bool start = flags & YOI_TR_START_GUARD;
	if (!g || !(flags & (YOI_TR_QUEUE_GUARD | YOI_TR_START_GUARD)))
		return 0;
	size_t t = yoi_graph_find(g, id);
	if (t == YOI_GRAPH_NONE)
		return 0;
	const csr *c = &g->wout;
	bool refused = false;
	for (u32 e = c->off[t]; e < c->off[t + 1]; e++) {
		yoi_state s = g->nodes[c->tgt[e]].state;
		if (yoi_state_finished(s))
			continue;
		if (!start && (s == YOI_ST_QUEUED || s == YOI_ST_INPROGRESS))
			continue;
		if (why && ((refused && yoi_buf_puts(why, "; ") < 0) ||
			    yoi_buf_puts(why, "waiting for ") < 0 ||
			    link_text(why, g, c->tgt[e],
				      (yoi_graph_kind)c->kind[e], s) < 0))
			return YOI_ENOMEM;
		refused = true;
	}
	return refused ? YOI_EREFUSED : 0;
}

/* ---- strongly connected components (Tarjan, iterative) ------------------- */

typedef struct scc_ws {
	u32 *idx, *low; /* idx 0 = unvisited */
	uint8_t *on;	/* on the Tarjan stack */
	u32 *stk;	/* the Tarjan stack */
	u32 *fv, *fpos; /* call frames: vertex, next edge */
} scc_ws;

static void scc_ws_free(scc_ws *w)
{
	free(w->idx);
	free(w->low);
	free(w->on);
	free(w->stk);
	free(w->fv);
	free(w->fpos);
}

static int scc_ws_init(scc_ws *w, u32 n)
{
	w->idx = xmalloc(n, sizeof(u32));
	w->low = xmalloc(n, sizeof(u32));
	w->on = xcalloc(n, 1);
	w->stk = xmalloc(n, sizeof(u32));
	w->fv = xmalloc(n, sizeof(u32));
	w->fpos = xmalloc(n, sizeof(u32));
	if (!w->idx || !w->low || !w->on || !w->stk || !w->fv || !w->fpos) {
		scc_ws_free(w);
		return YOI_ENOMEM;
	}
	return 0;
}

/*
 * SCCs of the subgraph of c induced by {v : mark[v] == stamp}, using only
 * edges of kind <= maxkind, rooted in the order of verts[0..nv) (which
 * must list exactly that set). memb receives the vertices grouped by
 * component, cstart[k] the start of component k (cstart[ncomp] = nv);
 * comp (may be NULL) the component of each vertex. Returns ncomp.
 */
static u32 scc_run(const csr *c, uint8_t maxkind, const u32 *verts, u32 nv,
		   const u32 *mark, u32 stamp, scc_ws *w, u32 *memb,
		   u32 *cstart, u32 *comp)
{
	for (u32 i = 0; i < nv; i++)
		w->idx[verts[i]] = 0;
	u32 counter = 1, sp = 0, fp = 0, nm = 0, nc = 0;
	for (u32 i = 0; i < nv; i++) {
		u32 r = verts[i];
		if (w->idx[r])
			continue;
		w->idx[r] = w->low[r] = counter++;
		w->stk[sp++] = r;
		w->on[r] = 1;
		w->fv[fp] = r;
		w->fpos[fp++] = c->off[r];
		while (fp) {
			u32 v = w->fv[fp - 1];
			if (w->fpos[fp - 1] < c->off[v + 1]) {
				u32 e = w->fpos[fp - 1]++;
				u32 x = c->tgt[e];
				if (mark[x] != stamp || c->kind[e] > maxkind)
					continue;
				if (!w->idx[x]) {
					w->idx[x] = w->low[x] = counter++;
					w->stk[sp++] = x;
					w->on[x] = 1;
					w->fv[fp] = x;
					w->fpos[fp++] = c->off[x];
				} else if (w->on[x] && w->idx[x] < w->low[v]) {
					w->low[v] = w->idx[x];
				}
				continue;
			}
			fp--;
			if (w->low[v] == w->idx[v]) {
				cstart[nc] = nm;
				u32 x;
				do {
					x = w->stk[--sp];
					w->on[x] = 0;
					memb[nm++] = x;
					if (comp)
						comp[x] = nc;
				} while (x != v);
				nc++;
			}
			if (fp) {
				u32 u = w->fv[fp - 1];
				if (w->low[v] < w->low[u])
					w->low[u] = w->low[v];
			}
		}
	}
	cstart[nc] = nm;
	return nc;
}

/* ---- route ------------------------------------------------------------------
 */

typedef struct qkey {
	int64_t q; /* queued_at; ignored when !has */
	u32 has;
	u32 idx;
} qkey;

static int cmp_qkey(const void *pa, const void *pb)
{
	const qkey *a = pa, *b = pb;
	if (a->has != b->has)
		return a->has ? -1 : 1;
	if (a->has && a->q != b->q)
		return a->q < b->q ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Per-ticket facts the chains need: the first blocker and the walk's end. */
typedef struct chains {
	u32 *next;     /* first blocker (ID order), NIL if none */
	uint8_t *nvia; /* its primary relation */
	u32 *len;      /* number of links of the chain starting at next */
	u32 *last;     /* the chain's last link */
	uint8_t *lvia; /* and its relation */
	u32 *cto;      /* the ticket a cycle returns to, NIL if none */
} chains;

static void chains_free(chains *ch)
{
	free(ch->next);
	free(ch->nvia);
	free(ch->len);
	free(ch->last);
	free(ch->lvia);
	free(ch->cto);
}

/*
 * next[] is a functional graph; the chain of x is next(x), next(next(x)),
 * ... up to a ticket without blockers, or up to the link whose next is
 * already in the chain. Computed for every ticket in O(V): walk unvisited
 * tickets with an explicit stack; a cycle of next[] found on the stack
 * gives its members len = cycle length, last = themselves; tail tickets
 * take their successor's values plus one link, or, when the successor y
 * is on a cycle, len = cycle length and last = pred(y) on the cycle.
 */
static int chains_compute(chains *ch, const yoi_graph *g)
{
	u32 n = g->n;
	memset(ch, 0, sizeof(*ch));
	ch->next = xmalloc(n, sizeof(u32));
	ch->nvia = xmalloc(n, 1);
	ch->len = xmalloc(n, sizeof(u32));
	ch->last = xmalloc(n, sizeof(u32));
	ch->lvia = xmalloc(n, 1);
	ch->cto = xmalloc(n, sizeof(u32));
	uint8_t *st = xcalloc(n, 1); /* 0 new, 1 on the walk, 2 done */
	u32 *pos = xmalloc(n, sizeof(u32));
	u32 *stk = xmalloc(n, sizeof(u32));
	u32 *pred = xmalloc(n, sizeof(u32)); /* NIL unless on a cycle */
	if (!ch->next || !ch->nvia || !ch->len || !ch->last || !ch->lvia ||
	    !ch->cto || !st || !pos || !stk || !pred) {
		chains_free(ch);
		free(st);
		free(pos);
		free(stk);
		free(pred);
		return YOI_ENOMEM;
	}
	const csr *c = &g->wout;
	for (u32 x = 0; x < n; x++) {
		ch->next[x] = NIL;
		ch->nvia[x] = 0;
		pred[x] = NIL;
		for (u32 e = c->off[x]; e < c->off[x + 1]; e++)
			if (!yoi_state_finished(g->nodes[c->tgt[e]].state)) {
				ch->next[x] = c->tgt[e];
				ch->nvia[x] = c->kind[e];
				break;
			}
	}
	for (u32 x0 = 0; x0 < n; x0++) {
		if (st[x0])
			continue;
		u32 sp = 0, v = x0;
		while (v != NIL && st[v] == 0) {
			st[v] = 1;
			pos[v] = sp;
			stk[sp++] = v;
			v = ch->next[v];
		}
		u32 tail = sp;
		if (v != NIL && st[v] == 1) {
			/* stk[pos[v]..sp) is a cycle of next[]. */
			u32 p = pos[v], clen = sp - p;
			for (u32 j = p; j < sp; j++) {
				u32 y = stk[j];
				pred[y] = stk[j > p ? j - 1 : sp - 1];
			}
			for (u32 j = p; j < sp; j++) {
				u32 y = stk[j];
				ch->len[y] = clen;
				ch->last[y] = y;
				ch->lvia[y] = ch->nvia[pred[y]];
				ch->cto[y] = ch->next[y];
				st[y] = 2;
			}
			tail = p;
		}
		while (tail > 0) {
			u32 u = stk[--tail], y = ch->next[u];
			if (y == NIL) {
				ch->len[u] = 0;
				ch->last[u] = NIL;
				ch->lvia[u] = 0;
				ch->cto[u] = NIL;
			} else if (pred[y] != NIL) {
				u32 py = pred[y];
				ch->len[u] = ch->len[y];
				ch->last[u] = py;
				ch->lvia[u] =
				    py == y ? ch->nvia[u] : ch->nvia[pred[py]];
				ch->cto[u] = y;
			} else if (ch->len[y] == 0) {
				ch->len[u] = 1;
				ch->last[u] = y;
				ch->lvia[u] = ch->nvia[u];
				ch->cto[u] = NIL;
			} else {
				ch->len[u] = ch->len[y] + 1;
				ch->last[u] = ch->last[y];
				ch->lvia[u] = ch->lvia[y];
				ch->cto[u] = ch->cto[y];
			}
			st[u] = 2;
		}
	}
	free(st);
	free(pos);
	free(stk);
	free(pred);
	return 0;
}

/*
 * Route order of the ready/queued tickets cand[0..nc) into ord[0..nc).
 * Rank = position in key order; SCCs of the before/after subgraph among
 * the candidates are grouped, and Kahn's algorithm runs over the groups
 * with a heap of the groups' smallest ranks.
 */
static int route_order(const yoi_graph *g, const u32 *cand, u32 nc, u32 *ord)
{
	u32 n = g->n;
	int rc = YOI_ENOMEM;
	qkey *keys = xmalloc(nc, sizeof(*keys));
	u32 *mark = xcalloc(n, sizeof(u32));
	u32 *comp = xmalloc(n, sizeof(u32));
	u32 *memb = xmalloc(nc, sizeof(u32));
	u32 *cstart = xmalloc((size_t)nc + 1, sizeof(u32));
	u32 *byrank = xmalloc(nc, sizeof(u32));
	u32 *rank = xmalloc(n, sizeof(u32));
	u32 *gstart = xcalloc((size_t)nc + 2, sizeof(u32)); /* members/comp */
	u32 *gmemb = xmalloc(nc, sizeof(u32));
	u32 *indeg = NULL;
	heap h = {xmalloc(nc, sizeof(u32)), 0};
	scc_ws w = {0};
	if (!keys || !mark || !comp || !memb || !cstart || !byrank || !rank ||
	    !gstart || !gmemb || !h.v || scc_ws_init(&w, n) < 0)
		goto out;
	for (u32 i = 0; i < nc; i++) {
		u32 x = cand[i];
		mark[x] = 1;
		keys[i].has = g->nodes[x].queued_at >= 0;
		keys[i].q = g->nodes[x].queued_at;
		keys[i].idx = x;
	}
	if (nc > 1)
		qsort(keys, nc, sizeof(*keys), cmp_qkey);
	for (u32 i = 0; i < nc; i++) {
		byrank[i] = keys[i].idx;
		rank[keys[i].idx] = i;
	}
	u32 ncomp = scc_run(&g->order, KIND_ALL, cand, nc, mark, 1, &w, memb,
			    cstart, comp);
	indeg = xcalloc(ncomp, sizeof(u32));
	if (!indeg)
		goto out;
	/* Members of each group in rank order: a counting pass over ranks. */
	for (u32 r = 0; r < nc; r++)
		gstart[comp[byrank[r]] + 2]++;
	for (u32 k = 0; k < ncomp; k++)
		gstart[k + 2] += gstart[k + 1];
	for (u32 r = 0; r < nc; r++)
		gmemb[gstart[comp[byrank[r]] + 1]++] = byrank[r];
	/* now gstart[k] .. gstart[k+1] is group k */
	const csr *o = &g->order;
	for (u32 i = 0; i < nc; i++) {
		u32 x = cand[i];
		for (u32 e = o->off[x]; e < o->off[x + 1]; e++) {
			u32 y = o->tgt[e];
			if (mark[y] == 1 && comp[y] != comp[x])
				indeg[comp[y]]++;
		}
	}
	for (u32 k = 0; k < ncomp; k++)
		if (!indeg[k])
			heap_push(&h, rank[gmemb[gstart[k]]]);
	u32 no = 0;
	while (h.n) {
		u32 k = comp[byrank[heap_pop(&h)]];
		for (u32 j = gstart[k]; j < gstart[k + 1]; j++)
			ord[no++] = gmemb[j];
		for (u32 j = gstart[k]; j < gstart[k + 1]; j++) {
			u32 x = gmemb[j];
			for (u32 e = o->off[x]; e < o->off[x + 1]; e++) {
				u32 y = o->tgt[e];
				if (mark[y] == 1 && comp[y] != k &&
				    --indeg[comp[y]] == 0)
					heap_push(&h,
						  rank[gmemb[gstart[comp[y]]]]);
			}
		}
	}
	rc = no == nc ? 0 : YOI_ECORRUPT; /* the condensation is a DAG */
out:
	free(keys);
	free(mark);
	free(comp);
	free(memb);
	free(cstart);
	free(byrank);
	free(rank);
	free(gstart);
	free(gmemb);
	free(indeg);
	free(h.v);
	scc_ws_free(&w);
	return rc;
}

void yoi_graph_route_free(yoi_graph_route *r)
{
	if (!r)
		return;
	free(r->v);
	free(r->links_);
	free(r);
}

static size_t kept_links(u32 len)
{
	return len > YOI_GRAPH_CHAIN_MAX ? YOI_GRAPH_CHAIN_MAX : len;
}

int yoi_graph_route_compute(yoi_graph_route **out, const yoi_graph *g,
			    size_t max_inprogress)
{
	*out = NULL;
	u32 n = g->n;
	yoi_graph_route *r = calloc(1, sizeof(*r));
	u32 *cand = xmalloc(n, sizeof(u32));
	u32 *ord = xmalloc(n, sizeof(u32));
	chains ch = {0};
	int rc = YOI_ENOMEM;
	if (!r || !cand || !ord || chains_compute(&ch, g) < 0)
		goto fail;
	r->max_inprogress = max_inprogress;
	u32 nc = 0;
	for (u32 x = 0; x < n; x++) {
		yoi_state s = g->nodes[x].state;
		if (s == YOI_ST_READY || s == YOI_ST_QUEUED)
			cand[nc++] = x;
		else if (s == YOI_ST_INPROGRESS)
			r->inprogress++;
	}
	rc = route_order(g, cand, nc, ord);
	if (rc < 0)
		goto fail;
	rc = YOI_ENOMEM;
	r->v = xcalloc(nc, sizeof(*r->v));
	if (!r->v)
		goto fail;
	r->n = nc;
	size_t free_slots = SIZE_MAX;
	if (max_inprogress)
		free_slots = max_inprogress > r->inprogress
				 ? max_inprogress - r->inprogress
				 : 0;
	size_t nlinks = 0;
	const csr *cf = &g->conf;
	for (u32 i = 0; i < nc; i++) {
		u32 x = ord[i];
		yoi_graph_route_entry *e = &r->v[i];
		e->index = x;
		e->partner = YOI_GRAPH_NONE;
		e->partner_via = YOI_GRAPH_KIND_INVALID;
		e->cycle_to = YOI_GRAPH_NONE;
		if (ch.next[x] != NIL) {
			e->cls = YOI_GRAPH_WAITING_DEPENDENCY;
			nlinks += kept_links(ch.len[x]);
			continue;
		}
		for (u32 k = cf->off[x]; k < cf->off[x + 1]; k++)
			if (g->nodes[cf->tgt[k]].state == YOI_ST_INPROGRESS) {
				e->partner = cf->tgt[k];
				e->partner_via = (yoi_graph_kind)cf->kind[k];
				break;
			}
		if (e->partner != YOI_GRAPH_NONE) {
			e->cls = YOI_GRAPH_WAITING_CONFLICT;
		} else if (free_slots > 0) {
			e->cls = YOI_GRAPH_ACTIONABLE;
			r->nactionable++;
			if (free_slots != SIZE_MAX)
				free_slots--;
		} else {
			e->cls = YOI_GRAPH_WAITING_CAPACITY;
		}
	}
	r->links_ = xmalloc(nlinks, sizeof(*r->links_));
	if (!r->links_)
		goto fail;
	yoi_graph_link *l = r->links_;
	for (u32 i = 0; i < nc; i++) {
		yoi_graph_route_entry *e = &r->v[i];
		u32 x = (u32)e->index;
		if (e->cls != YOI_GRAPH_WAITING_DEPENDENCY)
			continue;
		u32 len = ch.len[x];
		size_t keep = kept_links(len);
		size_t walk = len > keep ? keep - 1 : keep;
		e->chain = l;
		e->nchain = keep;
		e->elided = len - keep;
		u32 v = ch.next[x];
		uint8_t via = ch.nvia[x];
		for (size_t j = 0; j < walk; j++) {
			l->index = v;
			l->via = (yoi_graph_kind)via;
			l->state = g->nodes[v].state;
			l++;
			via = ch.nvia[v];
			v = ch.next[v];
		}
		if (walk < keep) {
			l->index = ch.last[x];
			l->via = (yoi_graph_kind)ch.lvia[x];
			l->state = g->nodes[ch.last[x]].state;
			l++;
		}
		if (ch.cto[x] != NIL) {
			e->cycle = true;
			e->cycle_to = ch.cto[x];
		}
	}
	free(cand);
	free(ord);
	chains_free(&ch);
	*out = r;
	return 0;
fail:
	free(cand);
	free(ord);
	chains_free(&ch);
	yoi_graph_route_free(r);
	return rc;
}

int yoi_graph_route_reason(yoi_buf *out, const yoi_graph *g,
			   const yoi_graph_route *r, size_t i)
{
	if (i >= r->n)
		return YOI_EUSAGE;
	const yoi_graph_route_entry *e = &r->v[i];
	/* Even an empty reason leaves out NUL-terminated. */
	int rc = yoi_buf_put(out, "", 0);
	switch (e->cls) {
	case YOI_GRAPH_ACTIONABLE:
		break;
	case YOI_GRAPH_WAITING_DEPENDENCY:
		for (size_t j = 0; j < e->nchain && rc == 0; j++) {
			if (j > 0)
				rc = yoi_buf_puts(out, " <- ");
			if (rc == 0 && e->elided && j == e->nchain - 1)
				rc = yoi_buf_printf(out, "... %zu more ... <- ",
						    e->elided);
			if (rc == 0)
				rc = link_text(out, g, e->chain[j].index,
					       e->chain[j].via,
					       e->chain[j].state);
		}
		if (rc == 0 && e->cycle)
			rc = yoi_buf_printf(out, " <- %s (cycle)",
					    g->nodes[e->cycle_to].id);
		break;
	case YOI_GRAPH_WAITING_CONFLICT:
		rc = link_text(out, g, e->partner, e->partner_via,
			       g->nodes[e->partner].state);
		break;
	case YOI_GRAPH_WAITING_CAPACITY:
		rc = yoi_buf_printf(out,
				    "routing.max_inprogress is %zu: %zu in "
				    "progress, %zu actionable ahead",
				    r->max_inprogress, r->inprogress,
				    r->nactionable);
		break;
	}
	return rc;
}

/* ---- every blocker chain ------------------------------------------------- */

typedef struct chain_walk {
	yoi_graph_chains *c;
	size_t nlinks, caplinks, capchains;
} chain_walk;

/* Record the path (stk[1..sp), with the relation each step used) as a
 * chain; false when a limit is reached. */
static bool chain_emit(chain_walk *w, const yoi_graph *g, const u32 *stk,
		       const uint8_t *via, u32 sp, size_t cycle_to,
		       size_t max_chains)
{
	yoi_graph_chains *c = w->c;
	size_t len = sp - 1;
	if (c->n >= max_chains || w->nlinks + len > YOI_GRAPH_CHAINS_LINKS) {
		c->truncated = true;
		return false;
	}
	if (c->n + 2 > w->capchains) {
		size_t nc = w->capchains ? w->capchains * 2 : 8;
		size_t *s = realloc(c->start, nc * sizeof(*s));
		if (s)
			c->start = s;
		size_t *t = s ? realloc(c->cycle_to, nc * sizeof(*t)) : NULL;
		if (!s || !t)
			return false;
		c->cycle_to = t;
		w->capchains = nc;
	}
	if (w->nlinks + len > w->caplinks) {
		size_t nl = w->caplinks ? w->caplinks : 16;
		while (nl < w->nlinks + len)
			nl *= 2;
		yoi_graph_link *l = realloc(c->links, nl * sizeof(*l));
		if (!l)
			return false;
		c->links = l;
		w->caplinks = nl;
	}
	c->start[c->n] = w->nlinks;
	c->cycle_to[c->n] = cycle_to;
	for (u32 j = 1; j < sp; j++) {
		yoi_graph_link *l = &c->links[w->nlinks++];
		l->index = stk[j];
		l->via = (yoi_graph_kind)via[j];
		l->state = g->nodes[stk[j]].state;
	}
	c->n++;
	c->start[c->n] = w->nlinks;
	return true;
}

int yoi_graph_chains_of(yoi_graph_chains *out, const yoi_graph *g, size_t t,
			size_t max_chains)
{
	memset(out, 0, sizeof(*out));
	if (!g || t >= g->n)
		return 0;
	u32 n = g->n;
	const csr *c = &g->wout;
	/* The path holds t, then each ticket at most once (t too: it is not
	 * marked on the path at the start), and a cycle step writes one
	 * relation past its end: n + 2 slots. */
	u32 *stk = xmalloc(n + 2, sizeof(u32));
	u32 *cur = xmalloc(n + 2, sizeof(u32)); /* next edge to try */
	uint8_t *via = xmalloc(n + 2, 1);
	uint8_t *on = xcalloc(n, 1); /* on the current path */
	chain_walk w = {out, 0, 0, 0};
	bool ok = stk && cur && via && on;
	u32 sp = 0;
	/* t is the path's start, not one of its links: a chain that comes
	 * back to t lists t once, then ends (as the route entry's chain). */
	if (ok) {
		stk[sp] = (u32)t;
		cur[sp] = c->off[t];
		via[sp++] = 0;
	}
	bool more = ok;
	while (more && sp > 0) {
		u32 v = stk[sp - 1];
		bool pushed = false;
		if (sp > 1 && cur[sp - 1] == c->off[v]) {
			bool leaf = true;
			for (u32 e = c->off[v]; leaf && e < c->off[v + 1]; e++)
				leaf = yoi_state_finished(
				    g->nodes[c->tgt[e]].state);
			if (leaf)
				more = chain_emit(&w, g, stk, via, sp,
						  YOI_GRAPH_NONE, max_chains);
		}
		while (more && cur[sp - 1] < c->off[v + 1]) {
			u32 e = cur[sp - 1]++;
			u32 b = c->tgt[e];
			if (yoi_state_finished(g->nodes[b].state))
				continue;
			if (on[b]) {
				/* The path itself, then the step back. */
				via[sp] = c->kind[e];
				more = chain_emit(&w, g, stk, via, sp, b,
						  max_chains);
				continue;
			}
			stk[sp] = b;
			cur[sp] = c->off[b];
			via[sp] = c->kind[e];
			on[b] = 1;
			sp++;
			pushed = true;
			break;
		}
		if (!pushed && more) {
			on[v] = 0;
			sp--;
		}
	}
	/* A limit stops the walk with more to list; only memory fails it. */
	bool nomem = !ok || (!more && !out->truncated);
	free(stk);
	free(cur);
	free(via);
	free(on);
	if (nomem) {
		yoi_graph_chains_free(out);
		return YOI_ENOMEM;
	}
	return 0;
}

void yoi_graph_chains_free(yoi_graph_chains *c)
{
	if (!c)
		return;
	free(c->links);
	free(c->start);
	free(c->cycle_to);
	memset(c, 0, sizeof(*c));
}

int yoi_graph_chain_text(yoi_buf *out, const yoi_graph *g,
			 const yoi_graph_chains *c, size_t k)
{
	if (k >= c->n)
		return YOI_EUSAGE;
	int rc = yoi_buf_put(out, "", 0);
	for (size_t j = c->start[k]; j < c->start[k + 1] && rc == 0; j++) {
		if (j > c->start[k])
			rc = yoi_buf_puts(out, " <- ");
		if (rc == 0)
			rc = link_text(out, g, c->links[j].index,
				       c->links[j].via, c->links[j].state);
	}
	if (rc == 0 && c->cycle_to[k] != YOI_GRAPH_NONE)
		rc = yoi_buf_printf(out, " <- %s (cycle)",
				    g->nodes[c->cycle_to[k]].id);
	return rc;
}

/* ---- cycles (Johnson) -------------------------------------------------------
 */

typedef struct johnson {
	const csr *c;
	uint8_t maxkind;
	const u32 *mark;
	u32 stamp;
	uint8_t *blocked;
	/* B(v) lists: entries val/nxt from a pool with a free list. */
	u32 *bhead;
	u32 *bval, *bnxt;
	size_t blen, bcap;
	u32 bfree;
	/* circuit frames */
	u32 *fv, *fpos;
	uint8_t *ffound;
	/* unblock work stack */
	u32 *ustk;
	size_t ucap;
} johnson;

typedef struct cyc_acc {
	size_t *idx;
	yoi_graph_kind *via;
	size_t nidx, capidx;
	size_t *coff, *clen;
	size_t nc, capc;
	size_t cap;
	bool capped;
} cyc_acc;

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *q = xmalloc(c, size);
	if (!q)
		return YOI_ENOMEM;
	if (*p && *cap)
		memcpy(q, *p, *cap * size);
	free(*p);
	*p = q;
	*cap = c;
	return 0;
}

/* Grow two parallel arrays of the same capacity. */
static int grow2(void **a, size_t sa, void **b, size_t sb, size_t *cap,
		 size_t need)
{
	size_t ca = *cap, cb = *cap;
	if (grow(a, &ca, need, sa) < 0 || grow(b, &cb, need, sb) < 0)
		return YOI_ENOMEM;
	*cap = ca < cb ? ca : cb;
	return 0;
}

static int badd(johnson *j, u32 w, u32 v)
{
	if (j->bhead[w] != NIL && j->bval[j->bhead[w]] == v)
		return 0;
	u32 b = j->bfree;
	if (b != NIL) {
		j->bfree = j->bnxt[b];
	} else {
		if (j->blen >= NIL - 1 ||
		    grow2((void **)&j->bval, sizeof(u32), (void **)&j->bnxt,
			  sizeof(u32), &j->bcap, j->blen + 1) < 0)
			return YOI_ENOMEM;
		b = (u32)j->blen++;
	}
	j->bval[b] = v;
	j->bnxt[b] = j->bhead[w];
	j->bhead[w] = b;
	return 0;
}

static int unblock(johnson *j, u32 u)
{
	size_t sp = 0;
	j->ustk[sp++] = u;
	while (sp) {
		u32 x = j->ustk[--sp];
		if (!j->blocked[x])
			continue;
		j->blocked[x] = 0;
		for (u32 b = j->bhead[x]; b != NIL;) {
			u32 nx = j->bnxt[b];
			if (grow((void **)&j->ustk, &j->ucap, sp + 1,
				 sizeof(u32)) < 0)
				return YOI_ENOMEM;
			j->ustk[sp++] = j->bval[b];
			j->bnxt[b] = j->bfree;
			j->bfree = b;
			b = nx;
		}
		j->bhead[x] = NIL;
	}
	return 0;
}

/* Record the cycle on frames[0..fp) closed by edge e; 1 when over the cap. */
static int emit_cycle(cyc_acc *a, const johnson *j, u32 fp, u32 e)
{
	if (a->nc == a->cap) {
		a->capped = true;
		return 1;
	}
	if (grow2((void **)&a->idx, sizeof(size_t), (void **)&a->via,
		  sizeof(yoi_graph_kind), &a->capidx, a->nidx + fp) < 0 ||
	    grow2((void **)&a->coff, sizeof(size_t), (void **)&a->clen,
		  sizeof(size_t), &a->capc, a->nc + 1) < 0)
		return YOI_ENOMEM;
	a->coff[a->nc] = a->nidx;
	a->clen[a->nc] = fp;
	a->nc++;
	for (u32 k = 0; k < fp; k++) {
		a->idx[a->nidx] = j->fv[k];
		u32 used = k + 1 < fp ? j->fpos[k] - 1 : e;
		a->via[a->nidx] = (yoi_graph_kind)j->c->kind[used];
		a->nidx++;
	}
	return 0;
}

/*
 * Johnson's CIRCUIT(s) over the vertices marked with j->stamp, as a loop:
 * each frame is a vertex on the path, its next edge, and whether a cycle
 * was found below it. 0 done, 1 cap reached, < 0 error.
 */
static int circuit(johnson *j, cyc_acc *a, u32 s)
{
	const csr *c = j->c;
	u32 fp = 0;
	j->fv[fp] = s;
	j->fpos[fp] = c->off[s];
	j->ffound[fp++] = 0;
	j->blocked[s] = 1;
	while (fp) {
		u32 v = j->fv[fp - 1];
		if (j->fpos[fp - 1] < c->off[v + 1]) {
			u32 e = j->fpos[fp - 1]++;
			u32 w = c->tgt[e];
			if (j->mark[w] != j->stamp || c->kind[e] > j->maxkind)
				continue;
			if (w == s) {
				int rc = emit_cycle(a, j, fp, e);
				if (rc)
					return rc;
				j->ffound[fp - 1] = 1;
			} else if (!j->blocked[w]) {
				j->fv[fp] = w;
				j->fpos[fp] = c->off[w];
				j->ffound[fp++] = 0;
				j->blocked[w] = 1;
			}
			continue;
		}
		uint8_t found = j->ffound[fp - 1];
		if (found) {
			if (unblock(j, v) < 0)
				return YOI_ENOMEM;
		} else {
			for (u32 e = c->off[v]; e < c->off[v + 1]; e++)
				if (j->mark[c->tgt[e]] == j->stamp &&
				    c->kind[e] <= j->maxkind &&
				    badd(j, c->tgt[e], v) < 0)
					return YOI_ENOMEM;
		}
		fp--;
		if (fp && found)
			j->ffound[fp - 1] = 1;
	}
	return 0;
}

/* A component with a cycle: more than one member, or a self edge. */
static bool nontrivial(const csr *c, uint8_t maxkind, const u32 *memb, u32 len)
{
	if (len > 1)
		return true;
	u32 v = memb[0];
	for (u32 e = c->off[v]; e < c->off[v + 1]; e++)
		if (c->tgt[e] == v && c->kind[e] <= maxkind)
			return true;
	return false;
}

static int cmp_cycle(const void *pa, const void *pb)
{
	const yoi_graph_cycle *a = pa, *b = pb;
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

void yoi_graph_cycles_free(yoi_graph_cycles *c)
{
	if (!c)
		return;
	free(c->v);
	free(c->idx_);
	free(c->via_);
	free(c);
}

/*
 * Worklist of strongly connected components, keyed by their smallest
 * vertex (a min-heap of it: pending components are disjoint, so it names
 * one). Popping S with minimum s: CIRCUIT(s) within S finds every cycle
 * through s (at least one, as S has a cycle through s); then s is removed
 * and the SCCs of S - {s} replace S, written over S's own slice of pool.
 */
int yoi_graph_cycles_find(yoi_graph_cycles **out, const yoi_graph *g,
			  size_t cap, unsigned flags)
{
	*out = NULL;
	u32 n = g->n;
	const csr *c = &g->wout;
	uint8_t maxkind = (flags & YOI_GRAPH_CYCLES_PLAN)
			      ? YOI_GRAPH_PLAN_BLOCKS
			      : YOI_GRAPH_BLOCKS;
	int rc = YOI_ENOMEM;
	yoi_graph_cycles *res = calloc(1, sizeof(*res));
	cyc_acc a = {0};
	a.cap = cap ? cap : YOI_GRAPH_CYCLE_CAP_DEFAULT;
	johnson j = {0};
	scc_ws w = {0};
	u32 *mark = xcalloc(n, sizeof(u32));
	u32 *pool = xmalloc(n, sizeof(u32));
	u32 *sub = xmalloc(n, sizeof(u32));
	u32 *memb = xmalloc(n, sizeof(u32));
	u32 *cstart = xmalloc((size_t)n + 1, sizeof(u32));
	u32 *roff = xmalloc(n, sizeof(u32));
	u32 *rlen = xmalloc(n, sizeof(u32));
	heap h = {xmalloc(n, sizeof(u32)), 0};
	j.c = c;
	j.maxkind = maxkind;
	j.mark = mark;
	j.blocked = xcalloc(n, 1);
	j.bhead = xmalloc(n, sizeof(u32));
	j.fv = xmalloc(n, sizeof(u32));
	j.fpos = xmalloc(n, sizeof(u32));
	j.ffound = xmalloc(n, 1);
	j.ucap = (size_t)n + 1;
	j.ustk = xmalloc(j.ucap, sizeof(u32));
	if (!res || !mark || !pool || !sub || !memb || !cstart || !roff ||
	    !rlen || !h.v || !j.blocked || !j.bhead || !j.fv || !j.fpos ||
	    !j.ffound || !j.ustk || scc_ws_init(&w, n) < 0)
		goto out;
	u32 stamp = 1;
	for (u32 v = 0; v < n; v++) {
		sub[v] = v;
		mark[v] = stamp;
	}
	u32 ncomp =
	    scc_run(c, maxkind, sub, n, mark, stamp, &w, pool, cstart, NULL);
	for (u32 k = 0; k < ncomp; k++) {
		u32 *m = pool + cstart[k], len = cstart[k + 1] - cstart[k];
		if (!nontrivial(c, maxkind, m, len))
			continue;
		u32 minv = m[0];
		for (u32 i = 1; i < len; i++)
			if (m[i] < minv)
				minv = m[i];
		roff[minv] = cstart[k];
		rlen[minv] = len;
		heap_push(&h, minv);
	}
	while (h.n) {
		u32 s = heap_pop(&h), off = roff[s], len = rlen[s];
		stamp++;
		for (u32 i = 0; i < len; i++) {
			u32 v = pool[off + i];
			mark[v] = stamp;
			j.blocked[v] = 0;
			j.bhead[v] = NIL;
		}
		j.blen = 0;
		j.bfree = NIL;
		j.stamp = stamp;
		rc = circuit(&j, &a, s);
		if (rc < 0)
			goto out;
		if (rc == 1)
			break;
		rc = YOI_ENOMEM;
		stamp++;
		u32 ns = 0;
		for (u32 i = 0; i < len; i++)
			if (pool[off + i] != s) {
				sub[ns++] = pool[off + i];
				mark[pool[off + i]] = stamp;
			}
		ncomp = scc_run(c, maxkind, sub, ns, mark, stamp, &w, memb,
				cstart, NULL);
		u32 at = off;
		for (u32 k = 0; k < ncomp; k++) {
			u32 *m = memb + cstart[k],
			    cl = cstart[k + 1] - cstart[k];
			if (!nontrivial(c, maxkind, m, cl))
				continue;
			u32 minv = m[0];
			for (u32 i = 0; i < cl; i++) {
				pool[at + i] = m[i];
				if (m[i] < minv)
					minv = m[i];
			}
			roff[minv] = at;
			rlen[minv] = cl;
			at += cl;
			heap_push(&h, minv);
		}
	}
	rc = YOI_ENOMEM;
	res->v = xcalloc(a.nc, sizeof(*res->v));
	if (!res->v)
		goto out;
	res->n = a.nc;
	res->capped = a.capped;
	res->idx_ = a.idx;
	res->via_ = a.via;
	a.idx = NULL;
	a.via = NULL;
	for (size_t k = 0; k < a.nc; k++) {
		res->v[k].v = res->idx_ + a.coff[k];
		res->v[k].via = res->via_ + a.coff[k];
		res->v[k].n = a.clen[k];
	}
	if (res->n > 1)
		qsort(res->v, res->n, sizeof(*res->v), cmp_cycle);
	*out = res;
	res = NULL;
	rc = 0;
out:
	yoi_graph_cycles_free(res);
	free(a.idx);
	free(a.via);
	free(a.coff);
	free(a.clen);
	free(mark);
	free(pool);
	free(sub);
	free(memb);
	free(cstart);
	free(roff);
	free(rlen);
	free(h.v);
	free(j.blocked);
	free(j.bhead);
	free(j.bval);
	free(j.bnxt);
	free(j.fv);
	free(j.fpos);
	free(j.ffound);
	free(j.ustk);
	scc_ws_free(&w);
	return rc;
}

/* "W depends_on B" or "B blocks W" (and plan forms) for "W waits for B". */
static int record_text(yoi_buf *out, const yoi_graph *g, size_t waiter,
		       size_t blocker, yoi_graph_kind via)
{
	bool holder_is_waiter =
	    via == YOI_GRAPH_DEPENDS_ON || via == YOI_GRAPH_PLAN_BLOCKED_BY;
	return yoi_buf_printf(out, "%s %s%s %s",
			      g->nodes[holder_is_waiter ? waiter : blocker].id,
			      yoi_graph_kind_is_plan(via) ? "plan " : "",
			      yoi_graph_kind_label(via),
			      g->nodes[holder_is_waiter ? blocker : waiter].id);
}

int yoi_graph_cycle_text(yoi_buf *out, const yoi_graph *g,
			 const yoi_graph_cycle *c)
{
	int rc = 0;
	for (size_t k = 0; k < c->n && rc == 0; k++)
		rc = yoi_buf_printf(out, "%s -> ", g->nodes[c->v[k]].id);
	if (rc == 0 && c->n)
		rc = yoi_buf_printf(out, "%s (", g->nodes[c->v[0]].id);
	for (size_t k = 0; k < c->n && rc == 0; k++) {
		if (k)
			rc = yoi_buf_puts(out, "; ");
		if (rc == 0)
			rc = record_text(out, g, c->v[k], c->v[(k + 1) % c->n],
					 c->via[k]);
	}
	if (rc == 0 && c->n)
		rc = yoi_buf_putc(out, ')');
	return rc;
}

/* ---- would_cycle
 * -------------------------------------------------------------- */

void yoi_graph_path_free(size_t *path)
{
	free(path);
}

int yoi_graph_would_cycle(size_t **path, size_t *n, const yoi_graph *g,
			  size_t waiter, size_t blocker, unsigned flags)
{
	*path = NULL;
	*n = 0;
	if (waiter >= g->n || blocker >= g->n)
		return YOI_EUSAGE;
	if (waiter == blocker) {
		size_t *p = xmalloc(2, sizeof(*p));
		if (!p)
			return YOI_ENOMEM;
		p[0] = p[1] = waiter;
		*path = p;
		*n = 2;
		return 0;
	}
	uint8_t maxkind = (flags & YOI_GRAPH_CYCLES_PLAN)
			      ? YOI_GRAPH_PLAN_BLOCKS
			      : YOI_GRAPH_BLOCKS;
	const csr *c = &g->wout;
	u32 *parent = xmalloc(g->n, sizeof(u32));
	u32 *q = xmalloc(g->n, sizeof(u32));
	if (!parent || !q) {
		free(parent);
		free(q);
		return YOI_ENOMEM;
	}
	for (u32 v = 0; v < g->n; v++)
		parent[v] = NIL;
	size_t qh = 0, qt = 0;
	parent[blocker] = (u32)blocker;
	q[qt++] = (u32)blocker;
	bool found = false;
	while (qh < qt && !found) {
		u32 v = q[qh++];
		for (u32 e = c->off[v]; e < c->off[v + 1]; e++) {
			u32 x = c->tgt[e];
			if (c->kind[e] > maxkind || parent[x] != NIL)
				continue;
			parent[x] = v;
			if (x == waiter) {
				found = true;
				break;
			}
			q[qt++] = x;
		}
	}
	int rc = 0;
	if (found) {
		size_t len = 1; /* blocker .. waiter */
		for (u32 v = (u32)waiter; v != blocker; v = parent[v])
			len++;
		size_t *p = xmalloc(len + 1, sizeof(*p));
		if (!p) {
			rc = YOI_ENOMEM;
		} else {
			p[0] = waiter;
			size_t k = len;
			for (u32 v = (u32)waiter;; v = parent[v]) {
				p[k--] = v;
				if (v == blocker)
					break;
			}
			*path = p;
			*n = len + 1;
		}
	}
	free(parent);
	free(q);
	return rc;
}

/* ---- deps tree
 * ------------------------------------------------------------------ */

static int put_title(yoi_buf *out, const char *t)
{
	if (!t || !*t)
		return 0;
	int rc = yoi_buf_putc(out, ' ');
	for (const char *p = t; *p && rc == 0; p++) {
		unsigned char ch = (unsigned char)*p;
		rc = yoi_buf_putc(out, ch < 0x20 || ch == 0x7f ? ' ' : *p);
	}
	return rc;
}

int yoi_graph_deps_walk(const yoi_graph *g, size_t root, bool reverse,
			yoi_graph_deps_fn fn, void *ctx)
{
	if (root >= g->n)
		return YOI_EUSAGE;
	const csr *c = reverse ? &g->win : &g->wout;
	uint8_t *seen = xcalloc(g->n, 1); /* 1 expanded, 2 also on the path */
	u32 *fv = xmalloc(YOI_GRAPH_TREE_DEPTH_MAX + 1, sizeof(u32));
	u32 *fpos = xmalloc(YOI_GRAPH_TREE_DEPTH_MAX + 1, sizeof(u32));
	int rc = YOI_ENOMEM;
	if (!seen || !fv || !fpos)
		goto out;
	yoi_graph_deps_line l = {root, 0, YOI_GRAPH_KIND_INVALID,
				 YOI_GRAPH_DEPS_EXPANDED};
	rc = fn(ctx, &l);
	u32 fp = 0;
	seen[root] = 2;
	fv[fp] = (u32)root;
	fpos[fp++] = c->off[root];
	while (fp && rc == 0) {
		u32 v = fv[fp - 1];
		if (fpos[fp - 1] >= c->off[v + 1]) {
			seen[v] = 1;
			fp--;
			continue;
		}
		u32 e = fpos[fp - 1]++, x = c->tgt[e];
		l = (yoi_graph_deps_line){x, fp, (yoi_graph_kind)c->kind[e],
					  YOI_GRAPH_DEPS_EXPANDED};
		if (seen[x] == 2) {
			l.mark = YOI_GRAPH_DEPS_CYCLE;
		} else if (seen[x] == 1) {
			l.mark = YOI_GRAPH_DEPS_SEEN;
		} else if (fp >= YOI_GRAPH_TREE_DEPTH_MAX) {
			if (c->off[x + 1] > c->off[x])
				l.mark = YOI_GRAPH_DEPS_CUT;
		} else {
			seen[x] = 2;
			fv[fp] = x;
			fpos[fp++] = c->off[x];
		}
		rc = fn(ctx, &l);
	}
out:
	free(seen);
	free(fv);
	free(fpos);
	return rc;
}

typedef struct deps_text_ctx {
	yoi_buf *out;
	const yoi_graph *g;
	const char *const *titles;
} deps_text_ctx;

static int deps_text_line(void *arg, const yoi_graph_deps_line *l)
{
	deps_text_ctx *t = arg;
	yoi_buf *out = t->out;
	const yoi_graph *g = t->g;
	int rc = 0;
	if (l->depth == 0) {
		rc =
		    yoi_buf_printf(out, "%s (state: %s)", g->nodes[l->index].id,
				   yoi_state_name(g->nodes[l->index].state));
	} else {
		if (yoi_buf_grow(out, 2 * l->depth) < 0)
			return YOI_ENOMEM;
		memset(out->ptr + out->len, ' ', 2 * l->depth);
		out->len += 2 * l->depth;
		out->ptr[out->len] = '\0';
		rc = link_text(out, g, l->index, l->via,
			       g->nodes[l->index].state);
	}
	if (rc == 0 && l->mark == YOI_GRAPH_DEPS_CYCLE)
		rc = yoi_buf_puts(out, " [cycle]");
	else if (rc == 0 && l->mark == YOI_GRAPH_DEPS_SEEN)
		rc = yoi_buf_puts(out, " [see above]");
	else if (rc == 0) {
		rc = put_title(out, t->titles ? t->titles[l->index] : NULL);
		if (rc == 0 && l->mark == YOI_GRAPH_DEPS_CUT)
			rc = yoi_buf_puts(out, " [...]");
	}
	return rc ? rc : yoi_buf_putc(out, '\n');
}

int yoi_graph_deps_text(yoi_buf *out, const yoi_graph *g, size_t root,
			bool reverse, const char *const *titles)
{
	deps_text_ctx t = {out, g, titles};
	return yoi_graph_deps_walk(g, root, reverse, deps_text_line, &t);
}
