#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yoi/common.h"
#include "yoi/graph.h"
#include "yoi/id.h"
#include "yoi/state.h"

#define P YOI_ST_PLANNING
#define R YOI_ST_READY
#define Q YOI_ST_QUEUED
#define I YOI_ST_INPROGRESS
#define D YOI_ST_DONE
#define C YOI_ST_CLOSED

#define DEP YOI_GRAPH_DEPENDS_ON
#define BLK YOI_GRAPH_BLOCKS
#define PBY YOI_GRAPH_PLAN_BLOCKED_BY
#define PBL YOI_GRAPH_PLAN_BLOCKS
#define BEF YOI_GRAPH_PLAN_BEFORE
#define AFT YOI_GRAPH_PLAN_AFTER
#define CON YOI_GRAPH_PLAN_CONFLICTS_WITH
#define DNP YOI_GRAPH_PLAN_DO_NOT_PARALLELIZE

/* The guard must be callable through the state machine's hook type. */
static const yoi_guard_fn guard_hook = yoi_graph_guard;

/* ---- helpers ------------------------------------------------------------ */

/*
 * Small graphs: node i has ID "00001KW55B33" + the i-th base32 digit, so
 * index 11 is 00001KW55B33B and 17 is 00001KW55B33H (SPEC's examples).
 */
#define ALPHA  "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define TB_MAX 32

typedef struct tb {
	yoi_graph_node n[TB_MAX];
	size_t nn;
	yoi_graph_edge e[256];
	size_t ne;
} tb;

static const char *ID(size_t i)
{
	static char ids[TB_MAX][YOI_ID_LEN + 1];
	cr_assert_lt(i, TB_MAX);
	snprintf(ids[i], sizeof(ids[i]), "00001KW55B33%c", ALPHA[i]);
	return ids[i];
}

/* n nodes, all planning, no queued_at. */
static void tb_init(tb *b, size_t n)
{
	memset(b, 0, sizeof(*b));
	cr_assert_leq(n, TB_MAX);
	for (size_t i = 0; i < n; i++) {
		snprintf(b->n[i].id, sizeof(b->n[i].id), "%s", ID(i));
		b->n[i].state = P;
		b->n[i].queued_at = -1;
	}
	b->nn = n;
}

static void st(tb *b, size_t i, yoi_state s, int64_t q)
{
	b->n[i].state = s;
	b->n[i].queued_at = q;
}

static void ed(tb *b, size_t from, size_t to, yoi_graph_kind k)
{
	cr_assert_lt(b->ne, 256);
	b->e[b->ne].from = from;
	b->e[b->ne].to = to;
	b->e[b->ne].kind = k;
	b->ne++;
}

static yoi_graph *tb_build(const tb *b)
{
	yoi_graph *g = NULL;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_graph_build(&g, b->n, b->nn, b->e, b->ne, &err);
	cr_assert_eq(rc, 0, "build: %s", err.msg);
	cr_assert_not_null(g);
	return g;
}

static yoi_graph_route *route(const yoi_graph *g, size_t max)
{
	yoi_graph_route *r = NULL;
	cr_assert_eq(yoi_graph_route_compute(&r, g, max), 0);
	cr_assert_not_null(r);
	return r;
}

/* Route order as "index:class-letter ..." (A, D, X conflict, C capacity). */
static char *route_str(const yoi_graph_route *r)
{
	yoi_buf b = YOI_BUF_INIT;
	for (size_t i = 0; i < r->n; i++) {
		static const char cls[] = {'A', 'D', 'X', 'C'};
		cr_assert_eq(yoi_buf_printf(&b, "%s%zu:%c", i ? " " : "",
					    r->v[i].index, cls[r->v[i].cls]),
			     0);
	}
	return yoi_buf_detach(&b);
}

static char *reason(const yoi_graph *g, const yoi_graph_route *r, size_t i)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_route_reason(&b, g, r, i), 0);
	return yoi_buf_detach(&b);
}

/* The route entry of ticket t. */
static const yoi_graph_route_entry *entry(const yoi_graph_route *r, size_t t)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].index == t)
			return &r->v[i];
	cr_assert_fail("ticket %zu not routed", t);
	return NULL;
}

static size_t entry_pos(const yoi_graph_route *r, size_t t)
{
	return (size_t)(entry(r, t) - r->v);
}

/* Guard result and message. */
static int guard(const yoi_graph *g, size_t t, unsigned flags, char **why)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, ""), 0);
	int rc = guard_hook((void *)g, ID(t), R, Q, flags, &b);
	*why = yoi_buf_detach(&b);
	return rc;
}

static yoi_graph_cycles *cycles(const yoi_graph *g, size_t cap, unsigned flags)
{
	yoi_graph_cycles *c = NULL;
	cr_assert_eq(yoi_graph_cycles_find(&c, g, cap, flags), 0);
	cr_assert_not_null(c);
	return c;
}

/* All cycles as "0>1>2 3 ..." (indices in order). */
static char *cycles_str(const yoi_graph_cycles *c)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, ""), 0);
	for (size_t k = 0; k < c->n; k++)
		for (size_t i = 0; i < c->v[k].n; i++)
			cr_assert_eq(yoi_buf_printf(&b, "%s%zu",
						    i ? ">" : (k ? " " : ""),
						    c->v[k].v[i]),
				     0);
	return yoi_buf_detach(&b);
}

static char *deps(const yoi_graph *g, size_t root, bool reverse,
		  const char *const *titles)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_deps_text(&b, g, root, reverse, titles), 0);
	return yoi_buf_detach(&b);
}

/* Large graphs: IDs from consecutive milliseconds (sorted). */
static yoi_graph_node *big_nodes(size_t n, yoi_state s)
{
	yoi_graph_node *v = calloc(n, sizeof(*v));
	cr_assert_not_null(v);
	for (size_t i = 0; i < n; i++) {
		yoi_id_encode((int64_t)(1780000000000 + i), v[i].id);
		v[i].state = s;
		v[i].queued_at = -1;
	}
	return v;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- build, names, lookup -------------------------------------------------
 */

Test(graph, kind_names)
{
	cr_assert_str_eq(yoi_graph_kind_label(DEP), "depends_on");
	cr_assert_str_eq(yoi_graph_kind_label(BLK), "blocks");
	cr_assert_str_eq(yoi_graph_kind_label(PBY), "blocked_by");
	cr_assert_str_eq(yoi_graph_kind_label(PBL), "blocks");
	cr_assert_str_eq(yoi_graph_kind_label(DNP), "do_not_parallelize");
	cr_assert_str_eq(yoi_graph_kind_label(YOI_GRAPH_KIND_INVALID), "?");
	cr_assert(!yoi_graph_kind_is_plan(BLK));
	cr_assert(yoi_graph_kind_is_plan(PBL));
	cr_assert_eq(yoi_graph_kind_from_relation("blocks"), BLK);
	cr_assert_eq(yoi_graph_kind_from_relation("duplicate_of"),
		     YOI_GRAPH_DUPLICATE_OF);
	cr_assert_eq(yoi_graph_kind_from_relation("blocked_by"),
		     YOI_GRAPH_KIND_INVALID);
	cr_assert_eq(yoi_graph_kind_from_plan("blocks"), PBL);
	cr_assert_eq(yoi_graph_kind_from_plan("after"), AFT);
	cr_assert_eq(yoi_graph_kind_from_plan("accepted_plan"),
		     YOI_GRAPH_KIND_INVALID);
	cr_assert_eq(yoi_graph_kind_from_plan("waiting_capacity_note"),
		     YOI_GRAPH_KIND_INVALID);
	cr_assert_eq(yoi_graph_kind_from_plan(NULL), YOI_GRAPH_KIND_INVALID);
	cr_assert_str_eq(yoi_graph_class_name(YOI_GRAPH_WAITING_CAPACITY),
			 "waiting_capacity");
	cr_assert_str_eq(yoi_graph_class_name(YOI_GRAPH_ACTIONABLE),
			 "actionable");
}

Test(graph, build_rejects_bad_input)
{
	tb b;
	yoi_graph *g = (yoi_graph *)1;
	yoi_error err;
	tb_init(&b, 3);
	/* unsorted */
	memcpy(b.n[0].id, ID(2), YOI_ID_LEN + 1);
	cr_assert_eq(yoi_graph_build(&g, b.n, b.nn, b.e, 0, &err), YOI_EUSAGE);
	cr_assert_null(g);
	cr_assert(strstr(err.msg, "sorted"));
	/* duplicate */
	tb_init(&b, 3);
	memcpy(b.n[2].id, ID(1), YOI_ID_LEN + 1);
	cr_assert_eq(yoi_graph_build(&g, b.n, b.nn, b.e, 0, NULL), YOI_EUSAGE);
	/* invalid ID */
	tb_init(&b, 3);
	memcpy(b.n[1].id, "../../etc/pas", YOI_ID_LEN + 1);
	cr_assert_eq(yoi_graph_build(&g, b.n, b.nn, b.e, 0, NULL), YOI_EUSAGE);
	/* index out of range, bad kind */
	tb_init(&b, 3);
	ed(&b, 0, 3, DEP);
	cr_assert_eq(yoi_graph_build(&g, b.n, b.nn, b.e, b.ne, NULL),
		     YOI_EUSAGE);
	tb_init(&b, 3);
	ed(&b, 0, 1, YOI_GRAPH__KIND_COUNT);
	cr_assert_eq(yoi_graph_build(&g, b.n, b.nn, b.e, b.ne, NULL),
		     YOI_EUSAGE);
	tb_init(&b, 3);
	ed(&b, 0, 1, YOI_GRAPH_KIND_INVALID);
	cr_assert_eq(yoi_graph_build(&g, b.n, b.nn, b.e, b.ne, NULL),
		     YOI_EUSAGE);
	cr_assert_null(g);
}

Test(graph, empty_graph)
{
	yoi_graph *g = NULL;
	cr_assert_eq(yoi_graph_build(&g, NULL, 0, NULL, 0, NULL), 0);
	cr_assert_eq(yoi_graph_size(g), 0);
	cr_assert_eq(yoi_graph_find(g, "00001KW55B33B"), YOI_GRAPH_NONE);
	yoi_graph_route *r = route(g, 0);
	cr_assert_eq(r->n, 0);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	cr_assert_eq(c->n, 0);
	cr_assert(!c->capped);
	yoi_buf why = YOI_BUF_INIT;
	cr_assert_eq(
	    yoi_graph_guard(g, "00001KW55B33B", Q, I, YOI_TR_START_GUARD, &why),
	    0);
	yoi_buf_free(&why);
	yoi_graph_cycles_free(c);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
	yoi_graph_free(NULL);
	yoi_graph_route_free(NULL);
	yoi_graph_cycles_free(NULL);
	yoi_graph_blockers_free(NULL);
	yoi_graph_path_free(NULL);
}

Test(graph, find_and_copy)
{
	tb b;
	tb_init(&b, 20);
	st(&b, 7, Q, 42);
	yoi_graph *g = tb_build(&b);
	memset(&b, 0, sizeof(b)); /* the graph holds its own copy */
	cr_assert_eq(yoi_graph_size(g), 20);
	for (size_t i = 0; i < 20; i++)
		cr_assert_eq(yoi_graph_find(g, ID(i)), i);
	cr_assert_eq(yoi_graph_find(g, "00001KW55B33Z"), YOI_GRAPH_NONE);
	cr_assert_eq(yoi_graph_find(g, "00001KW55B32Z"), YOI_GRAPH_NONE);
	cr_assert_eq(yoi_graph_find(g, "33B"), YOI_GRAPH_NONE);
	cr_assert_eq(yoi_graph_find(g, NULL), YOI_GRAPH_NONE);
	cr_assert_str_eq(yoi_graph_node_at(g, 7)->id, ID(7));
	cr_assert_eq(yoi_graph_node_at(g, 7)->state, Q);
	cr_assert_eq(yoi_graph_node_at(g, 7)->queued_at, 42);
	cr_assert_null(yoi_graph_node_at(g, 20));
	yoi_graph_free(g);
}

/* ---- blockers
 * ------------------------------------------------------------------ */

Test(graph, blockers_in_every_state)
{
	tb b;
	tb_init(&b, 7);
	yoi_state s[] = {P, R, Q, I, D, C};
	for (size_t i = 0; i < 6; i++) {
		st(&b, i + 1, s[i], -1);
		ed(&b, 0, i + 1, DEP);
	}
	st(&b, 0, Q, 1);
	yoi_graph *g = tb_build(&b);
	yoi_graph_blocker *bl = NULL;
	size_t n = 0;
	cr_assert_eq(yoi_graph_blockers(&bl, &n, g, 0), 0);
	cr_assert_eq(n, 4, "done and closed are not blockers");
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(bl[i].index, i + 1);
		cr_assert_eq(bl[i].via, DEP);
		cr_assert_eq(bl[i].state, s[i]);
	}
	yoi_buf t = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_blocker_text(&t, g, &bl[2]), 0);
	cr_assert_str_eq(t.ptr, "00001KW55B333 via depends_on (state: queued)");
	yoi_buf_free(&t);
	yoi_graph_blockers_free(bl);
	/* nothing blocks the blockers; out of range is empty */
	cr_assert_eq(yoi_graph_blockers(&bl, &n, g, 1), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(bl);
	cr_assert_eq(yoi_graph_blockers(&bl, &n, g, 99), 0);
	cr_assert_eq(n, 0);
	yoi_graph_free(g);
}

Test(graph, blockers_every_kind_and_dedup)
{
	tb b;
	tb_init(&b, 8);
	for (size_t i = 1; i < 8; i++)
		st(&b, i, R, -1);
	ed(&b, 0, 1, DEP); /* 0 depends_on 1 */
	ed(&b, 2, 0, BLK); /* 2 blocks 0 */
	ed(&b, 0, 3, PBY); /* plan: 0 blocked_by 3 */
	ed(&b, 4, 0, PBL); /* plan: 4 blocks 0 */
	/* 5: every way at once -> one entry, primary depends_on */
	ed(&b, 5, 0, PBL);
	ed(&b, 0, 5, PBY);
	ed(&b, 5, 0, BLK);
	ed(&b, 0, 5, DEP);
	ed(&b, 0, 5, DEP);
	/* 6: blocks + plan blocked_by -> blocks */
	ed(&b, 0, 6, PBY);
	ed(&b, 6, 0, BLK);
	/* 7: nothing that waits */
	ed(&b, 0, 7, YOI_GRAPH_RELATED);
	ed(&b, 0, 7, YOI_GRAPH_SUPERSEDES);
	ed(&b, 0, 7, YOI_GRAPH_DUPLICATE_OF);
	ed(&b, 0, 7, BEF);
	ed(&b, 0, 7, AFT);
	ed(&b, 0, 7, CON);
	ed(&b, 7, 0, DNP);
	/* the wrong direction is no blocker of 0 */
	ed(&b, 7, 0, DEP);
	ed(&b, 0, 7, BLK);
	yoi_graph *g = tb_build(&b);
	yoi_graph_blocker *bl = NULL;
	size_t n = 0;
	cr_assert_eq(yoi_graph_blockers(&bl, &n, g, 0), 0);
	cr_assert_eq(n, 6);
	yoi_graph_kind want[] = {DEP, BLK, PBY, PBL, DEP, BLK};
	for (size_t i = 0; i < 6; i++) {
		cr_assert_eq(bl[i].index, i + 1);
		cr_assert_eq(bl[i].via, want[i], "blocker %zu", i + 1);
	}
	yoi_graph_blockers_free(bl);
	/* and 7 waits for 0 (twice over, once listed) */
	cr_assert_eq(yoi_graph_blockers(&bl, &n, g, 7), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(bl[0].index, 0);
	cr_assert_eq(bl[0].via, DEP);
	yoi_graph_blockers_free(bl);
	yoi_graph_free(g);
}

Test(graph, blockers_are_direct_only)
{
	tb b;
	tb_init(&b, 3);
	st(&b, 0, Q, 1);
	st(&b, 1, Q, 2);
	st(&b, 2, P, -1);
	ed(&b, 0, 1, DEP);
	ed(&b, 1, 2, DEP);
	yoi_graph *g = tb_build(&b);
	yoi_graph_blocker *bl = NULL;
	size_t n = 0;
	cr_assert_eq(yoi_graph_blockers(&bl, &n, g, 0), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(bl[0].index, 1);
	yoi_graph_blockers_free(bl);
	yoi_graph_free(g);
}

/* ---- guard
 * ---------------------------------------------------------------------- */

Test(graph, guard_spec_message)
{
	tb b;
	tb_init(&b, 18);
	st(&b, 11, Q, 100); /* 00001KW55B33B */
	st(&b, 17, Q, 200); /* 00001KW55B33H */
	ed(&b, 17, 11, DEP);
	yoi_graph *g = tb_build(&b);
	char *why = NULL;
	cr_assert_eq(guard(g, 17, YOI_TR_START_GUARD, &why), YOI_EREFUSED);
	cr_assert_str_eq(
	    why, "waiting for 00001KW55B33B via depends_on (state: queued)");
	free(why);
	/* queueing behind a queued blocker is fine: the queue keeps order */
	cr_assert_eq(guard(g, 17, YOI_TR_QUEUE_GUARD, &why), 0);
	cr_assert_str_eq(why, "");
	free(why);
	/* B itself waits for nothing */
	cr_assert_eq(guard(g, 11, YOI_TR_START_GUARD, &why), 0);
	free(why);
	yoi_graph_free(g);
}

Test(graph, guard_queue_vs_start)
{
	tb b;
	tb_init(&b, 8);
	st(&b, 0, R, -1);
	yoi_state s[] = {P, R, Q, I, D, C};
	for (size_t i = 0; i < 6; i++)
		st(&b, i + 1, s[i], -1);
	ed(&b, 0, 1, DEP); /* planning */
	ed(&b, 2, 0, BLK); /* ready, via blocks */
	ed(&b, 0, 3, PBY); /* queued, via plan blocked_by */
	ed(&b, 4, 0, PBL); /* inprogress, via plan blocks */
	ed(&b, 0, 5, DEP); /* done */
	ed(&b, 0, 6, DEP); /* closed */
	st(&b, 7, YOI_ST_INVALID, -1);
	yoi_graph *g = tb_build(&b);
	char *why = NULL;
	cr_assert_eq(guard(g, 0, YOI_TR_QUEUE_GUARD, &why), YOI_EREFUSED);
	cr_assert_str_eq(why,
			 "waiting for 00001KW55B331 via depends_on (state: "
			 "planning); waiting for 00001KW55B332 via blocks "
			 "(state: ready)");
	free(why);
	cr_assert_eq(guard(g, 0, YOI_TR_START_GUARD, &why), YOI_EREFUSED);
	cr_assert_str_eq(why,
			 "waiting for 00001KW55B331 via depends_on (state: "
			 "planning); waiting for 00001KW55B332 via blocks "
			 "(state: ready); waiting for 00001KW55B333 via "
			 "blocked_by (state: queued); waiting for "
			 "00001KW55B334 via blocks (state: inprogress)");
	free(why);
	/* both flags: the stricter start guard */
	cr_assert_eq(guard(g, 0, YOI_TR_START_GUARD | YOI_TR_QUEUE_GUARD, &why),
		     YOI_EREFUSED);
	cr_assert(strstr(why, "inprogress"));
	free(why);
	/* no guard flag: nothing to check */
	cr_assert_eq(guard(g, 0, YOI_TR_SETS_QUEUED, &why), 0);
	free(why);
	yoi_graph_free(g);

	/* an invalid-state blocker holds the queue too */
	tb_init(&b, 2);
	st(&b, 0, R, -1);
	st(&b, 1, YOI_ST_INVALID, -1);
	ed(&b, 0, 1, DEP);
	g = tb_build(&b);
	cr_assert_eq(guard(g, 0, YOI_TR_QUEUE_GUARD, &why), YOI_EREFUSED);
	cr_assert_str_eq(why,
			 "waiting for 00001KW55B331 via depends_on (state: ?)");
	free(why);
	yoi_graph_free(g);
}

Test(graph, guard_allows_and_appends)
{
	tb b;
	tb_init(&b, 3);
	st(&b, 0, Q, 1);
	st(&b, 1, D, -1);
	st(&b, 2, P, -1);
	ed(&b, 0, 1, DEP);
	ed(&b, 2, 0, DEP); /* 2 waits for 0: no blocker of 0 */
	yoi_graph *g = tb_build(&b);
	char *why = NULL;
	cr_assert_eq(guard(g, 0, YOI_TR_START_GUARD, &why), 0);
	free(why);
	/* unknown ticket: no known blockers */
	yoi_buf w = YOI_BUF_INIT;
	cr_assert_eq(
	    guard_hook(g, "00001KW55B33Z", Q, I, YOI_TR_START_GUARD, &w), 0);
	cr_assert_eq(guard_hook(g, NULL, Q, I, YOI_TR_START_GUARD, &w), 0);
	cr_assert_eq(guard_hook(NULL, ID(0), Q, I, YOI_TR_START_GUARD, &w), 0);
	cr_assert_eq(w.len, 0);
	/* refusal appends; why may be NULL */
	cr_assert_eq(yoi_buf_puts(&w, "x: "), 0);
	cr_assert_eq(guard_hook(g, ID(2), Q, I, YOI_TR_START_GUARD, &w),
		     YOI_EREFUSED);
	cr_assert_str_eq(w.ptr,
			 "x: waiting for 00001KW55B330 via depends_on (state: "
			 "queued)");
	cr_assert_eq(guard_hook(g, ID(2), Q, I, YOI_TR_START_GUARD, NULL),
		     YOI_EREFUSED);
	yoi_buf_free(&w);
	yoi_graph_free(g);
}

/* ---- route: classes
 * ------------------------------------------------------------- */

Test(graph, route_classes)
{
	tb b;
	tb_init(&b, 10);
	st(&b, 0, R, -1); /* actionable */
	st(&b, 1, Q, 10); /* waits for 2 */
	st(&b, 2, Q, 20); /* actionable */
	st(&b, 3, Q, 30); /* conflict with 4 (inprogress) */
	st(&b, 4, I, 5);  /* not routed */
	st(&b, 5, P, -1); /* not routed */
	st(&b, 6, D, -1); /* not routed */
	st(&b, 7, C, -1); /* not routed */
	st(&b, 8, R, -1); /* waits for 5 (planning) and conflicts with 4 */
	st(&b, 9, Q, 40); /* depends on done 6: actionable */
	ed(&b, 1, 2, DEP);
	ed(&b, 3, 4, CON);
	ed(&b, 8, 5, DEP);
	ed(&b, 4, 8, DNP);
	ed(&b, 9, 6, DEP);
	ed(&b, 7, 9, BLK); /* closed blocker: none */
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	cr_assert_str_eq(s, "1:D 2:A 3:X 9:A 0:A 8:D");
	free(s);
	cr_assert_eq(r->inprogress, 1);
	cr_assert_eq(r->nactionable, 3);
	const yoi_graph_route_entry *e = entry(r, 3);
	cr_assert_eq(e->partner, 4);
	cr_assert_eq(e->partner_via, CON);
	char *t = reason(g, r, entry_pos(r, 3));
	cr_assert_str_eq(t, "00001KW55B334 via conflicts_with (state: "
			    "inprogress)");
	free(t);
	t = reason(g, r, entry_pos(r, 2));
	cr_assert_str_eq(t, "");
	free(t);
	/* a dependency outranks a conflict */
	e = entry(r, 8);
	cr_assert_eq(e->cls, YOI_GRAPH_WAITING_DEPENDENCY);
	cr_assert_eq(e->partner, YOI_GRAPH_NONE);
	t = reason(g, r, entry_pos(r, 8));
	cr_assert_str_eq(t, "00001KW55B335 via depends_on (state: planning)");
	free(t);
	yoi_buf x = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_route_reason(&x, g, r, r->n), YOI_EUSAGE);
	yoi_buf_free(&x);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

Test(graph, route_conflict_partners)
{
	tb b;
	tb_init(&b, 8);
	st(&b, 0, Q, 1);
	st(&b, 1, Q, 2); /* queued partner: does not hold 0 */
	st(&b, 2, D, -1);
	st(&b, 3, I, -1);
	st(&b, 4, I, -1);
	st(&b, 5, R, -1);
	st(&b, 6, R, -1);
	ed(&b, 0, 1, CON);
	ed(&b, 0, 2, CON); /* done partner: no */
	ed(&b, 4, 5, DNP); /* the other direction counts */
	ed(&b, 5, 3, CON); /* two inprogress partners: smallest ID */
	ed(&b, 5, 3, DNP);
	ed(&b, 6, 6, CON); /* self: ignored */
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	cr_assert_str_eq(s, "0:A 1:A 5:X 6:A");
	free(s);
	cr_assert_eq(entry(r, 5)->partner, 3);
	cr_assert_eq(entry(r, 5)->partner_via, CON);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

Test(graph, route_capacity)
{
	tb b;
	tb_init(&b, 7);
	st(&b, 0, I, 1);
	st(&b, 1, Q, 10); /* blocked: takes no slot */
	st(&b, 2, Q, 20);
	st(&b, 3, R, -1);
	st(&b, 4, Q, 30);
	st(&b, 5, Q, 40);
	st(&b, 6, P, -1);
	ed(&b, 1, 6, DEP);
	yoi_graph *g = tb_build(&b);
	/* limit 3 with 1 in progress: the first 2 free tickets in order */
	yoi_graph_route *r = route(g, 3);
	char *s = route_str(r);
	cr_assert_str_eq(s, "1:D 2:A 4:A 5:C 3:C");
	free(s);
	cr_assert_eq(r->max_inprogress, 3);
	cr_assert_eq(r->nactionable, 2);
	char *t = reason(g, r, entry_pos(r, 5));
	cr_assert_str_eq(t, "routing.max_inprogress is 3: 1 in progress, 2 "
			    "actionable ahead");
	free(t);
	yoi_graph_route_free(r);
	/* limit reached: nothing actionable */
	r = route(g, 1);
	s = route_str(r);
	cr_assert_str_eq(s, "1:D 2:C 4:C 5:C 3:C");
	free(s);
	t = reason(g, r, 1);
	cr_assert_str_eq(t, "routing.max_inprogress is 1: 1 in progress, 0 "
			    "actionable ahead");
	free(t);
	yoi_graph_route_free(r);
	/* over the limit (lowered after the fact) */
	st(&b, 6, I, -1);
	yoi_graph_free(g);
	g = tb_build(&b);
	r = route(g, 1);
	cr_assert_eq(r->inprogress, 2);
	cr_assert_eq(r->nactionable, 0);
	cr_assert_eq(entry(r, 1)->cls, YOI_GRAPH_WAITING_DEPENDENCY,
		     "an inprogress blocker still holds 1");
	cr_assert_eq(entry(r, 2)->cls, YOI_GRAPH_WAITING_CAPACITY);
	yoi_graph_route_free(r);
	/* 0 = unlimited */
	r = route(g, 0);
	s = route_str(r);
	cr_assert_str_eq(s, "1:D 2:A 4:A 5:A 3:A");
	free(s);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

/* ---- route: chains
 * --------------------------------------------------------------- */

Test(graph, route_chain_text)
{
	tb b;
	tb_init(&b, 18);
	st(&b, 17, R, -1); /* H waits for B */
	st(&b, 11, Q, 5);  /* B waits for C (C blocks B) */
	st(&b, 12, R, -1); /* C waits for D (plan blocked_by) */
	st(&b, 13, I, -1); /* D: no blockers: the chain ends here */
	st(&b, 14, P, -1); /* E: a second blocker of H, later in ID order */
	ed(&b, 17, 11, DEP);
	ed(&b, 17, 14, DEP);
	ed(&b, 12, 11, BLK);
	ed(&b, 12, 13, PBY);
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	const yoi_graph_route_entry *e = entry(r, 17);
	cr_assert_eq(e->cls, YOI_GRAPH_WAITING_DEPENDENCY);
	cr_assert_eq(e->nchain, 3);
	cr_assert_eq(e->elided, 0);
	cr_assert(!e->cycle);
	cr_assert_eq(e->chain[0].index, 11);
	cr_assert_eq(e->chain[1].index, 12);
	cr_assert_eq(e->chain[1].via, BLK);
	cr_assert_eq(e->chain[2].index, 13);
	cr_assert_eq(e->chain[2].state, I);
	char *t = reason(g, r, entry_pos(r, 17));
	cr_assert_str_eq(t, "00001KW55B33B via depends_on (state: queued) <- "
			    "00001KW55B33C via blocks (state: ready) <- "
			    "00001KW55B33D via blocked_by (state: inprogress)");
	free(t);
	t = reason(g, r, entry_pos(r, 12));
	cr_assert_str_eq(t, "00001KW55B33D via blocked_by (state: inprogress)");
	free(t);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

Test(graph, route_chain_skips_done_blockers)
{
	tb b;
	tb_init(&b, 4);
	st(&b, 0, Q, 1);
	st(&b, 1, D, -1); /* first in ID order, but done */
	st(&b, 2, Q, 2);
	st(&b, 3, C, -1);
	ed(&b, 0, 1, DEP);
	ed(&b, 0, 2, DEP);
	ed(&b, 2, 3, DEP);
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	cr_assert_str_eq(s, "0:D 2:A");
	free(s);
	char *t = reason(g, r, 0);
	cr_assert_str_eq(t, "00001KW55B332 via depends_on (state: queued)");
	free(t);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

Test(graph, route_chain_cycles)
{
	tb b;
	tb_init(&b, 6);
	st(&b, 0, R, -1); /* 0 -> 1 -> 2 -> 1 */
	st(&b, 1, Q, 1);
	st(&b, 2, Q, 2);
	st(&b, 3, R, -1); /* 3 -> 3 */
	st(&b, 4, Q, 3);  /* 4 -> 5 -> 4 */
	st(&b, 5, R, -1);
	ed(&b, 0, 1, DEP);
	ed(&b, 1, 2, DEP);
	ed(&b, 2, 1, DEP);
	ed(&b, 3, 3, DEP);
	ed(&b, 4, 5, DEP);
	ed(&b, 4, 5, BLK); /* 4 blocks 5 */
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	cr_assert_str_eq(s, "1:D 2:D 4:D 0:D 3:D 5:D");
	free(s);
	const char *want[6] = {
	    "00001KW55B331 via depends_on (state: queued) <- 00001KW55B332 "
	    "via depends_on (state: queued) <- 00001KW55B331 (cycle)",
	    "00001KW55B332 via depends_on (state: queued) <- 00001KW55B331 "
	    "via depends_on (state: queued) <- 00001KW55B332 (cycle)",
	    "00001KW55B331 via depends_on (state: queued) <- 00001KW55B332 "
	    "via depends_on (state: queued) <- 00001KW55B331 (cycle)",
	    "00001KW55B333 via depends_on (state: ready) <- 00001KW55B333 "
	    "(cycle)",
	    "00001KW55B335 via depends_on (state: ready) <- 00001KW55B334 "
	    "via blocks (state: queued) <- 00001KW55B335 (cycle)",
	    "00001KW55B334 via blocks (state: queued) <- 00001KW55B335 via "
	    "depends_on (state: ready) <- 00001KW55B334 (cycle)",
	};
	for (size_t t = 0; t < 6; t++) {
		size_t i = entry_pos(r, t);
		char *txt = reason(g, r, i);
		cr_assert_str_eq(txt, want[t], "ticket %zu: %s", t, txt);
		cr_assert(r->v[i].cycle);
		free(txt);
	}
	cr_assert_eq(entry(r, 0)->cycle_to, 1);
	cr_assert_eq(entry(r, 0)->nchain, 2);
	cr_assert_eq(entry(r, 3)->nchain, 1);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

/* A long chain keeps its first links and its end. */
Test(graph, route_chain_truncated)
{
	const size_t n = 40;
	yoi_graph_node *v = big_nodes(n, YOI_ST_QUEUED);
	yoi_graph_edge *e = calloc(n, sizeof(*e));
	for (size_t i = 0; i + 1 < n; i++) {
		v[i].queued_at = (int64_t)i;
		e[i] = (yoi_graph_edge){i, i + 1, i % 2 ? DEP : PBY};
	}
	v[n - 1].state = P;
	yoi_graph *g = NULL;
	cr_assert_eq(yoi_graph_build(&g, v, n, e, n - 1, NULL), 0);
	yoi_graph_route *r = route(g, 0);
	cr_assert_eq(r->n, n - 1);
	const yoi_graph_route_entry *x = &r->v[0];
	cr_assert_eq(x->index, 0);
	cr_assert_eq(x->nchain, YOI_GRAPH_CHAIN_MAX);
	cr_assert_eq(x->elided, (n - 1) - YOI_GRAPH_CHAIN_MAX);
	for (size_t j = 0; j + 1 < YOI_GRAPH_CHAIN_MAX; j++) {
		cr_assert_eq(x->chain[j].index, j + 1);
		cr_assert_eq(x->chain[j].via, j % 2 ? DEP : PBY);
		cr_assert_eq(x->chain[j].state, Q);
	}
	cr_assert_eq(x->chain[YOI_GRAPH_CHAIN_MAX - 1].index, n - 1);
	cr_assert_eq(x->chain[YOI_GRAPH_CHAIN_MAX - 1].via, PBY, "38 -> 39");

	cr_assert_eq(x->chain[YOI_GRAPH_CHAIN_MAX - 1].state, P);
	char *t = reason(g, r, 0);
	cr_assert(strstr(t, " <- ... 23 more ... <- "), "%s", t);
	cr_assert(strstr(t, "via blocked_by (state: planning)"), "%s", t);
	free(t);
	/* exactly CHAIN_MAX links: nothing elided */
	x = &r->v[n - 1 - YOI_GRAPH_CHAIN_MAX];
	cr_assert_eq(x->nchain, YOI_GRAPH_CHAIN_MAX);
	cr_assert_eq(x->elided, 0);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
	free(v);
	free(e);
}

/* ---- route: order
 * ---------------------------------------------------------------- */

Test(graph, route_order_queued_at_then_id)
{
	tb b;
	tb_init(&b, 7);
	st(&b, 0, R, -1);
	st(&b, 1, Q, 300);
	st(&b, 2, Q, 100);
	st(&b, 3, R, 100); /* a ready ticket may keep an old queued_at */
	st(&b, 4, Q, 0);
	st(&b, 5, R, -1);
	st(&b, 6, Q, 300);
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	cr_assert_str_eq(s, "4:A 2:A 3:A 1:A 6:A 0:A 5:A");
	free(s);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

Test(graph, route_order_before_after)
{
	tb b;
	tb_init(&b, 8);
	for (size_t i = 0; i < 6; i++)
		st(&b, i, Q, (int64_t)(10 * i));
	st(&b, 6, I, -1);
	st(&b, 7, D, -1);
	ed(&b, 5, 0, BEF); /* 5 before 0 */
	ed(&b, 1, 4, AFT); /* 1 after 4 */
	ed(&b, 3, 6, AFT); /* with a ticket not routed: orders nothing */
	ed(&b, 7, 2, BEF);
	ed(&b, 2, 2, BEF); /* self: ignored */
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	/* keys: 0..5; constraints 5<0, 4<1; ties resolved by key */
	cr_assert_str_eq(s, "2:A 3:A 4:A 1:A 5:A 0:A");
	free(s);
	yoi_graph_route_free(r);
	yoi_graph_free(g);

	/* ties among tickets free to go: queued_at, then ID */
	tb_init(&b, 6);
	st(&b, 0, Q, 50);
	st(&b, 1, R, -1);
	st(&b, 2, Q, 50);
	st(&b, 3, Q, 40);
	st(&b, 4, R, -1);
	st(&b, 5, Q, 90);
	ed(&b, 5, 3, BEF);
	ed(&b, 5, 2, BEF);
	ed(&b, 4, 0, BEF);
	g = tb_build(&b);
	r = route(g, 0);
	s = route_str(r);
	cr_assert_str_eq(s, "5:A 3:A 2:A 1:A 4:A 0:A");
	free(s);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

Test(graph, route_order_before_cycle_does_not_hang)
{
	tb b;
	tb_init(&b, 6);
	st(&b, 0, Q, 50);
	st(&b, 1, Q, 10);
	st(&b, 2, Q, 30);
	st(&b, 3, Q, 20);
	st(&b, 4, Q, 40);
	st(&b, 5, R, -1);
	/* 2 -> 4 -> 0 -> 2: a group keyed by its earliest, 2 (30) */
	ed(&b, 2, 4, BEF);
	ed(&b, 4, 0, BEF);
	ed(&b, 2, 0, AFT);
	/* 5 must follow 4 (in the group) and 3 must follow 0 */
	ed(&b, 4, 5, BEF);
	ed(&b, 0, 3, BEF);
	/* 1 and 3 both ways round: their own group keyed by 1 */
	ed(&b, 1, 3, BEF);
	ed(&b, 3, 1, BEF);
	yoi_graph *g = tb_build(&b);
	yoi_graph_route *r = route(g, 0);
	char *s = route_str(r);
	/* group {2,4,0} first (nothing before it), members by key; then
	 * {1,3} (was held by 0 -> 3), then 5 */
	cr_assert_str_eq(s, "2:A 4:A 0:A 1:A 3:A 5:A");
	free(s);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
}

/* ---- cycles
 * ------------------------------------------------------------------- */

Test(graph, cycles_length_1_to_5)
{
	tb b;
	tb_init(&b, 16);
	/* length 1: 9 depends_on itself */
	ed(&b, 9, 9, DEP);
	/* length 2: 3 <-> 1 */
	ed(&b, 3, 1, DEP);
	ed(&b, 1, 3, DEP);
	/* length 3: 8 -> 5 -> 13 -> 8, partly as blocks */
	ed(&b, 8, 5, DEP);
	ed(&b, 13, 5, BLK); /* 5 waits for 13 */
	ed(&b, 13, 8, DEP);
	/* length 4: 15 -> 10 -> 12 -> 4 -> 15 */
	ed(&b, 15, 10, DEP);
	ed(&b, 10, 12, DEP);
	ed(&b, 4, 12, BLK); /* 12 waits for 4 */
	ed(&b, 4, 15, DEP);
	/* length 5: 14 -> 11 -> 7 -> 6 -> 2 -> 14 */
	ed(&b, 14, 11, DEP);
	ed(&b, 11, 7, DEP);
	ed(&b, 6, 7, BLK);
	ed(&b, 6, 2, DEP);
	ed(&b, 2, 14, DEP);
	/* noise that closes nothing */
	ed(&b, 0, 1, DEP);
	ed(&b, 0, 5, BEF);
	ed(&b, 5, 0, BEF);
	ed(&b, 0, 5, CON);
	ed(&b, 0, 3, YOI_GRAPH_RELATED);
	ed(&b, 3, 0, YOI_GRAPH_DUPLICATE_OF);
	yoi_graph *g = tb_build(&b);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	char *s = cycles_str(c);
	cr_assert_str_eq(s, "1>3 2>14>11>7>6 4>15>10>12 5>13>8 9");
	free(s);
	cr_assert(!c->capped);
	/* vias of the 4-cycle 4 -> 15 -> 10 -> 12 -> 4 */
	const yoi_graph_cycle *k = &c->v[2];
	cr_assert_eq(k->n, 4);
	cr_assert_eq(k->via[0], DEP); /* 4 depends_on 15 */
	cr_assert_eq(k->via[2], DEP); /* 10 depends_on 12 */
	cr_assert_eq(k->via[3], BLK); /* 4 blocks 12 */
	yoi_buf t = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_cycle_text(&t, g, &c->v[3]), 0);
	cr_assert_str_eq(t.ptr,
			 "00001KW55B335 -> 00001KW55B33D -> 00001KW55B338 -> "
			 "00001KW55B335 (00001KW55B33D blocks 00001KW55B335; "
			 "00001KW55B33D depends_on 00001KW55B338; "
			 "00001KW55B338 depends_on 00001KW55B335)");
	yoi_buf_clear(&t);
	cr_assert_eq(yoi_graph_cycle_text(&t, g, &c->v[4]), 0);
	cr_assert_str_eq(t.ptr, "00001KW55B339 -> 00001KW55B339 "
				"(00001KW55B339 depends_on 00001KW55B339)");
	yoi_buf_free(&t);
	yoi_graph_cycles_free(c);
	yoi_graph_free(g);
}

Test(graph, cycles_opposite_pair_is_one_edge)
{
	tb b;
	tb_init(&b, 6);
	ed(&b, 0, 1, BLK); /* 1 waits for 0 */
	ed(&b, 1, 0, DEP); /* 1 waits for 0: the same logical edge */
	ed(&b, 2, 3, DEP);
	ed(&b, 2, 3, DEP); /* parallel duplicates */
	ed(&b, 3, 2, BLK); /* = 2 depends_on 3 again */
	ed(&b, 4, 5, DEP);
	yoi_graph *g = tb_build(&b);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	cr_assert_eq(c->n, 0);
	yoi_graph_cycles_free(c);
	/* and relation add of either form again closes nothing */
	size_t *p = NULL, n = 9;
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 1, 0, 0), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(p);
	/* but the real reverse edge does */
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 0, 1, 0), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(p[0], 0);
	cr_assert_eq(p[1], 1);
	cr_assert_eq(p[2], 0);
	yoi_graph_path_free(p);
	yoi_graph_free(g);

	/* a true 2-cycle built from blocks on both sides */
	tb_init(&b, 2);
	ed(&b, 0, 1, BLK);
	ed(&b, 1, 0, BLK);
	g = tb_build(&b);
	c = cycles(g, 0, 0);
	cr_assert_eq(c->n, 1);
	cr_assert_eq(c->v[0].n, 2);
	cr_assert_eq(c->v[0].v[0], 0);
	cr_assert_eq(c->v[0].via[0], BLK);
	yoi_graph_cycles_free(c);
	yoi_graph_free(g);
}

Test(graph, cycles_complete_graph_and_cap)
{
	/* complete digraph on 4: 6 + 8 + 6 = 20 elementary cycles */
	tb b;
	tb_init(&b, 4);
	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < 4; j++)
			if (i != j)
				ed(&b, i, j, (i + j) % 2 ? DEP : BLK);
	yoi_graph *g = tb_build(&b);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	cr_assert_eq(c->n, 20);
	cr_assert(!c->capped);
	for (size_t k = 0; k < c->n; k++) {
		/* rotated, elementary, unique */
		for (size_t i = 1; i < c->v[k].n; i++)
			cr_assert_gt(c->v[k].v[i], c->v[k].v[0]);
		for (size_t i = 0; i < c->v[k].n; i++)
			for (size_t j = i + 1; j < c->v[k].n; j++)
				cr_assert_neq(c->v[k].v[i], c->v[k].v[j]);
		if (k) {
			const yoi_graph_cycle *a = &c->v[k - 1], *z = &c->v[k];
			bool same =
			    a->n == z->n &&
			    memcmp(a->v, z->v, a->n * sizeof(size_t)) == 0;
			cr_assert(!same);
		}
	}
	char *s = cycles_str(c);
	cr_assert(!strncmp(s, "0>1 0>1>2 0>1>2>3 0>1>3 0>1>3>2 0>2", 35), "%s",
		  s);
	free(s);
	yoi_graph_cycles_free(c);
	c = cycles(g, 20, 0);
	cr_assert_eq(c->n, 20);
	cr_assert(!c->capped);
	yoi_graph_cycles_free(c);
	c = cycles(g, 19, 0);
	cr_assert_eq(c->n, 19);
	cr_assert(c->capped);
	yoi_graph_cycles_free(c);
	c = cycles(g, 5, 0);
	cr_assert_eq(c->n, 5);
	cr_assert(c->capped);
	for (size_t k = 0; k < 5; k++)
		cr_assert_eq(c->v[k].v[0], 0, "smallest tickets first");
	yoi_graph_cycles_free(c);
	yoi_graph_free(g);
}

Test(graph, cycles_plan_records_only_on_request)
{
	tb b;
	tb_init(&b, 4);
	ed(&b, 0, 1, PBY); /* 0 waits for 1 */
	ed(&b, 0, 1, PBL); /* 1 waits for 0 */
	ed(&b, 2, 3, DEP); /* 2 waits for 3 */
	ed(&b, 2, 3, PBL); /* 3 waits for 2: mixed */
	yoi_graph *g = tb_build(&b);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	cr_assert_eq(c->n, 0);
	yoi_graph_cycles_free(c);
	c = cycles(g, 0, YOI_GRAPH_CYCLES_PLAN);
	char *s = cycles_str(c);
	cr_assert_str_eq(s, "0>1 2>3");
	free(s);
	yoi_buf t = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_cycle_text(&t, g, &c->v[1]), 0);
	cr_assert_str_eq(t.ptr, "00001KW55B332 -> 00001KW55B333 -> "
				"00001KW55B332 (00001KW55B332 depends_on "
				"00001KW55B333; 00001KW55B332 plan blocks "
				"00001KW55B333)");
	yoi_buf_free(&t);
	yoi_graph_cycles_free(c);
	size_t *p = NULL, n = 0;
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 3, 2, 0), 0);
	cr_assert_eq(n, 3);
	yoi_graph_path_free(p);
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 1, 0, 0), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(
	    yoi_graph_would_cycle(&p, &n, g, 1, 0, YOI_GRAPH_CYCLES_PLAN), 0);
	cr_assert_eq(n, 3);
	yoi_graph_path_free(p);
	yoi_graph_free(g);
}

Test(graph, cycles_sharing_tickets)
{
	/* two triangles through 0 and a figure eight */
	tb b;
	tb_init(&b, 5);
	ed(&b, 0, 1, DEP);
	ed(&b, 1, 2, DEP);
	ed(&b, 2, 0, DEP);
	ed(&b, 0, 3, DEP);
	ed(&b, 3, 4, DEP);
	ed(&b, 4, 0, DEP);
	ed(&b, 2, 1, DEP);
	yoi_graph *g = tb_build(&b);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	char *s = cycles_str(c);
	cr_assert_str_eq(s, "0>1>2 0>3>4 1>2");
	free(s);
	yoi_graph_cycles_free(c);
	yoi_graph_free(g);
}

Test(graph, cycles_ring_of_10000)
{
	const size_t n = 10000;
	yoi_graph_node *v = big_nodes(n, YOI_ST_QUEUED);
	yoi_graph_edge *e = calloc(n, sizeof(*e));
	for (size_t i = 0; i < n; i++)
		e[i] = (yoi_graph_edge){(i + 1) % n, i, DEP};
	yoi_graph *g = NULL;
	cr_assert_eq(yoi_graph_build(&g, v, n, e, n, NULL), 0);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	cr_assert_eq(c->n, 1);
	cr_assert_eq(c->v[0].n, n);
	cr_assert_eq(c->v[0].v[0], 0);
	cr_assert_eq(c->v[0].v[1], n - 1, "0 waits for n-1");
	yoi_graph_cycles_free(c);
	yoi_graph_route *r = route(g, 0);
	cr_assert_eq(r->n, n);
	cr_assert(r->v[0].cycle);
	cr_assert_eq(r->v[0].nchain, YOI_GRAPH_CHAIN_MAX);
	cr_assert_eq(r->v[0].elided, n - YOI_GRAPH_CHAIN_MAX);
	cr_assert_eq(r->v[0].chain[YOI_GRAPH_CHAIN_MAX - 1].index, 0);
	cr_assert_eq(r->v[0].cycle_to, n - 1);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
	free(v);
	free(e);
}

/* ---- would_cycle
 * ------------------------------------------------------------------ */

Test(graph, would_cycle_path)
{
	tb b;
	tb_init(&b, 6);
	ed(&b, 0, 1, DEP); /* 0 -> 1 -> 2, and 0 -> 3 -> 4 -> 2 */
	ed(&b, 2, 1, BLK);
	ed(&b, 0, 3, DEP);
	ed(&b, 3, 4, DEP);
	ed(&b, 4, 2, DEP);
	ed(&b, 5, 0, BEF); /* ordering and conflicts are no path */
	ed(&b, 2, 5, CON);
	yoi_graph *g = tb_build(&b);
	size_t *p = NULL, n = 0;
	/* 2 depends_on 0: the shortest way back, 2 -> 0 -> 1 -> 2 */
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 2, 0, 0), 0);
	cr_assert_eq(n, 4);
	size_t want[] = {2, 0, 1, 2};
	cr_assert_arr_eq(p, want, sizeof(want));
	yoi_graph_path_free(p);
	/* 4 blocks 0 means 0 waits for 4: already so, no cycle */
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 0, 4, 0), 0);
	cr_assert_eq(n, 0);
	/* 0 blocks 4 = 4 waits for 0 -> 4 -> 0 -> 3 -> 4 */
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 4, 0, 0), 0);
	size_t want2[] = {4, 0, 3, 4};
	cr_assert_eq(n, 4);
	cr_assert_arr_eq(p, want2, sizeof(want2));
	yoi_graph_path_free(p);
	/* self */
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 5, 5, 0), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(p[0], 5);
	cr_assert_eq(p[1], 5);
	yoi_graph_path_free(p);
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 5, 0, 0), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(yoi_graph_would_cycle(&p, &n, g, 6, 0, 0), YOI_EUSAGE);
	yoi_graph_free(g);
}

/* ---- deps tree
 * ------------------------------------------------------------------- */

Test(graph, deps_diamond)
{
	tb b;
	tb_init(&b, 18);
	/* H waits for B and C; both wait for A; A waits for 0 (done) */
	st(&b, 17, R, -1);
	st(&b, 11, Q, 1);
	st(&b, 12, R, -1);
	st(&b, 10, I, -1);
	st(&b, 0, D, -1);
	ed(&b, 17, 12, PBY);
	ed(&b, 17, 11, DEP);
	ed(&b, 10, 11, BLK);
	ed(&b, 12, 10, DEP);
	ed(&b, 10, 0, DEP);
	ed(&b, 17, 1, YOI_GRAPH_RELATED);
	const char *titles[18] = {0};
	titles[17] = "Companion LLM";
	titles[11] = "Embedded\truntime\n";
	titles[10] = "";
	yoi_graph *g = tb_build(&b);
	char *s = deps(g, 17, false, titles);
	cr_assert_str_eq(s,
			 "00001KW55B33H (state: ready) Companion LLM\n"
			 "  00001KW55B33B via depends_on (state: queued) "
			 "Embedded runtime \n"
			 "    00001KW55B33A via blocks (state: inprogress)\n"
			 "      00001KW55B330 via depends_on (state: done)\n"
			 "  00001KW55B33C via blocked_by (state: ready)\n"
			 "    00001KW55B33A via depends_on (state: inprogress) "
			 "[see above]\n");
	free(s);
	s = deps(g, 0, true, NULL);
	cr_assert_str_eq(s,
			 "00001KW55B330 (state: done)\n"
			 "  00001KW55B33A via depends_on (state: inprogress)\n"
			 "    00001KW55B33B via blocks (state: queued)\n"
			 "      00001KW55B33H via depends_on (state: ready)\n"
			 "    00001KW55B33C via depends_on (state: ready)\n"
			 "      00001KW55B33H via blocked_by (state: ready) "
			 "[see above]\n");
	free(s);
	/* a leaf */
	s = deps(g, 1, false, titles);
	cr_assert_str_eq(s, "00001KW55B331 (state: planning)\n");
	free(s);
	yoi_buf x = YOI_BUF_INIT;
	cr_assert_eq(yoi_graph_deps_text(&x, g, 18, false, NULL), YOI_EUSAGE);
	yoi_buf_free(&x);
	yoi_graph_free(g);
}

Test(graph, deps_cycles_do_not_loop)
{
	tb b;
	tb_init(&b, 4);
	ed(&b, 0, 1, DEP);
	ed(&b, 1, 2, DEP);
	ed(&b, 2, 0, DEP);
	ed(&b, 2, 2, DEP);
	ed(&b, 2, 3, DEP);
	yoi_graph *g = tb_build(&b);
	char *s = deps(g, 0, false, NULL);
	cr_assert_str_eq(
	    s, "00001KW55B330 (state: planning)\n"
	       "  00001KW55B331 via depends_on (state: planning)\n"
	       "    00001KW55B332 via depends_on (state: planning)\n"
	       "      00001KW55B330 via depends_on (state: planning) "
	       "[cycle]\n"
	       "      00001KW55B332 via depends_on (state: planning) "
	       "[cycle]\n"
	       "      00001KW55B333 via depends_on (state: planning)\n");
	free(s);
	s = deps(g, 3, true, NULL);
	cr_assert_str_eq(
	    s, "00001KW55B333 (state: planning)\n"
	       "  00001KW55B332 via depends_on (state: planning)\n"
	       "    00001KW55B331 via depends_on (state: planning)\n"
	       "      00001KW55B330 via depends_on (state: planning)\n"
	       "        00001KW55B332 via depends_on (state: planning) "
	       "[cycle]\n"
	       "    00001KW55B332 via depends_on (state: planning) "
	       "[cycle]\n");
	free(s);
	yoi_graph_free(g);
}

/* ---- scale
 * ----------------------------------------------------------------------- */

/* 10,000 tickets, each waiting for the next: no recursion anywhere. */
Test(graph, chain_of_10000)
{
	const size_t n = 10000;
	yoi_graph_node *v = big_nodes(n, YOI_ST_QUEUED);
	yoi_graph_edge *e = calloc(2 * n, sizeof(*e));
	size_t m = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		v[i].queued_at = (int64_t)(n - i);
		e[m++] = (yoi_graph_edge){i, i + 1, i % 3 ? DEP : PBY};
		e[m++] = (yoi_graph_edge){i + 1, i, AFT}; /* i+1 after i */
	}
	v[n - 1].state = YOI_ST_INPROGRESS;
	yoi_graph *g = NULL;
	cr_assert_eq(yoi_graph_build(&g, v, n, e, m, NULL), 0);
	yoi_graph_route *r = route(g, 0);
	cr_assert_eq(r->n, n - 1);
	for (size_t i = 0; i < r->n; i++) {
		cr_assert_eq(r->v[i].index, i, "after records beat queued_at");
		cr_assert_eq(r->v[i].cls, YOI_GRAPH_WAITING_DEPENDENCY);
		cr_assert_leq(r->v[i].nchain, YOI_GRAPH_CHAIN_MAX);
		cr_assert_eq(r->v[i].chain[r->v[i].nchain - 1].index, n - 1);
	}
	cr_assert_eq(r->v[0].elided, n - 1 - YOI_GRAPH_CHAIN_MAX);
	yoi_graph_route_free(r);
	yoi_graph_cycles *c = cycles(g, 0, YOI_GRAPH_CYCLES_PLAN);
	cr_assert_eq(c->n, 0);
	yoi_graph_cycles_free(c);
	size_t *p = NULL, np = 0;
	cr_assert_eq(yoi_graph_would_cycle(&p, &np, g, n - 1, 0, 0), 0);
	cr_assert_eq(np, 0, "every third link is a plan record");
	cr_assert_eq(
	    yoi_graph_would_cycle(&p, &np, g, n - 1, 0, YOI_GRAPH_CYCLES_PLAN),
	    0);
	cr_assert_eq(np, n + 1);
	cr_assert_eq(p[0], n - 1);
	cr_assert_eq(p[1], 0);
	cr_assert_eq(p[n], n - 1);
	yoi_graph_path_free(p);
	/* the tree stops at its depth limit */
	char *s = deps(g, 0, false, NULL);
	size_t lines = 0;
	for (const char *q = s; *q; q++)
		lines += *q == '\n';
	cr_assert_eq(lines, YOI_GRAPH_TREE_DEPTH_MAX + 1);
	cr_assert(strstr(s, " [...]\n"));
	free(s);
	s = deps(g, n - 1, true, NULL);
	cr_assert(strstr(s, " [...]\n"));
	free(s);
	yoi_graph_free(g);
	free(v);
	free(e);
}

/* Deterministic pseudo-random numbers for the load test. */
static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return *x >> 33;
}

/* 100,000 tickets, 200,000 edges of every kind: well under a second at -O2. */
Test(graph, performance_sanity, .timeout = 60)
{
	const size_t n = 100000, m = 200000;
	yoi_graph_node *v = big_nodes(n, YOI_ST_PLANNING);
	yoi_graph_edge *e = calloc(m, sizeof(*e));
	uint64_t x = 42;
	static const yoi_state states[] = {P, R, Q, Q, I, D, C, R};
	for (size_t i = 0; i < n; i++) {
		v[i].state = states[lcg(&x) % 8];
		v[i].queued_at =
		    v[i].state == Q ? (int64_t)(lcg(&x) % 1000) : -1;
	}
	for (size_t i = 0; i < m; i++) {
		if (i < 1000) { /* plant 200 cycles of length 5 */
			e[i].from = (i / 5) * 5 + i % 5;
			e[i].to = (i / 5) * 5 + (i + 1) % 5;
			e[i].kind = DEP;
			continue;
		}
		e[i].from = lcg(&x) % n;
		e[i].to = lcg(&x) % n;
		e[i].kind = (yoi_graph_kind)(lcg(&x) % YOI_GRAPH__KIND_COUNT);
	}
	double t0 = now_s();
	yoi_graph *g = NULL;
	cr_assert_eq(yoi_graph_build(&g, v, n, e, m, NULL), 0);
	yoi_graph_route *r = route(g, 8);
	yoi_graph_cycles *c = cycles(g, 0, 0);
	size_t nb = 0;
	for (size_t i = 0; i < n; i += 7) {
		yoi_graph_blocker *bl = NULL;
		size_t k = 0;
		cr_assert_eq(yoi_graph_blockers(&bl, &k, g, i), 0);
		nb += k;
		yoi_graph_blockers_free(bl);
	}
	double t1 = now_s();
	cr_assert_gt(r->n, n / 4);
	cr_assert_gt(c->n, 0);
	cr_assert_gt(nb, 0);
	cr_assert_lt(t1 - t0, 5.0, "took %.3f s", t1 - t0);
	cr_log_info("100k/200k build+route+cycles: %.3f s (%zu cycles%s)",
		    t1 - t0, c->n, c->capped ? ", capped" : "");
	yoi_graph_cycles_free(c);
	yoi_graph_route_free(r);
	yoi_graph_free(g);
	free(v);
	free(e);
}

/* ---- randomized, against brute force
 * ----------------------------------------------- */

/* Elementary cycles whose smallest vertex is s, by plain DFS (depth <= 7). */
static size_t brute_cycles(bool adj[8][8], size_t n, size_t s, size_t v,
			   bool *on)
{
	size_t k = 0;
	for (size_t w = s; w < n; w++) {
		if (!adj[v][w])
			continue;
		if (w == s)
			k++;
		else if (!on[w]) {
			on[w] = true;
			k += brute_cycles(adj, n, s, w, on);
			on[w] = false;
		}
	}
	return k;
}

Test(graph, random_graphs_against_brute_force)
{
	uint64_t x = 7;
	for (int round = 0; round < 300; round++) {
		tb b;
		size_t n = 2 + lcg(&x) % 7;
		tb_init(&b, n);
		bool adj[8][8] = {{0}};
		for (size_t i = 0; i < n; i++)
			st(&b, i, (yoi_state)(lcg(&x) % 6), -1);
		size_t m = lcg(&x) % (3 * n);
		for (size_t i = 0; i < m; i++) {
			size_t f = lcg(&x) % n, t = lcg(&x) % n;
			yoi_graph_kind k = (yoi_graph_kind)(lcg(&x) % 4);
			ed(&b, f, t, k);
			if (k == DEP)
				adj[f][t] = true;
			else if (k == BLK)
				adj[t][f] = true;
		}
		yoi_graph *g = tb_build(&b);
		size_t want = 0;
		for (size_t s = 0; s < n; s++) {
			bool on[8] = {0};
			want += brute_cycles(adj, n, s, s, on);
		}
		yoi_graph_cycles *c = cycles(g, 100000, 0);
		cr_assert_eq(c->n, want, "round %d", round);
		for (size_t k = 0; k < c->n; k++)
			for (size_t i = 0; i < c->v[k].n; i++)
				cr_assert(adj[c->v[k].v[i]]
					     [c->v[k].v[(i + 1) % c->v[k].n]]);
		yoi_graph_cycles_free(c);
		/* chains: the naive walk agrees */
		yoi_graph_route *r = route(g, 0);
		for (size_t i = 0; i < r->n; i++) {
			const yoi_graph_route_entry *e = &r->v[i];
			yoi_graph_blocker *bl = NULL;
			size_t nb = 0, v = e->index, len = 0;
			bool seen[8] = {0};
			for (;;) {
				cr_assert_eq(yoi_graph_blockers(&bl, &nb, g, v),
					     0);
				if (!nb)
					break;
				size_t nx = bl[0].index;
				yoi_graph_kind via = bl[0].via;
				yoi_graph_blockers_free(bl);
				if (seen[nx]) {
					cr_assert(e->cycle);
					cr_assert_eq(e->cycle_to, nx);
					break;
				}
				cr_assert_lt(len, e->nchain);
				cr_assert_eq(e->chain[len].index, nx);
				cr_assert_eq(e->chain[len].via, via);
				seen[nx] = true;
				len++;
				v = nx;
			}
			cr_assert_eq(len, e->nchain, "round %d", round);
			cr_assert_eq(e->cls == YOI_GRAPH_WAITING_DEPENDENCY,
				     len > 0);
			if (!e->cycle)
				cr_assert_eq(e->cycle_to, YOI_GRAPH_NONE);
		}
		yoi_graph_route_free(r);
		yoi_graph_free(g);
	}
}

Test(graph, waiters_once_each_in_id_order)
{
	tb b;
	tb_init(&b, 6);
	for (size_t i = 0; i < 6; i++)
		st(&b, i, R, -1);
	ed(&b, 5, 0, DEP); /* 5 waits for 0 */
	ed(&b, 0, 3, BLK); /* 0 blocks 3: 3 waits for 0 */
	ed(&b, 4, 0, PBY); /* plan: 4 blocked_by 0 */
	ed(&b, 0, 2, PBL); /* plan: 0 blocks 2 */
	ed(&b, 5, 0, PBY); /* 5 again: listed once */
	ed(&b, 1, 0, YOI_GRAPH_RELATED); /* not a wait */
	ed(&b, 0, 1, DEP);		 /* 0 waits for 1: the other way */
	yoi_graph *g = tb_build(&b);
	size_t *w = NULL, n = 0;
	cr_assert_eq(yoi_graph_waiters(&w, &n, g, 0), 0);
	cr_assert_eq(n, 4);
	size_t want[] = {2, 3, 4, 5};
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(w[i], want[i], "waiter %zu", i);
	free(w);
	cr_assert_eq(yoi_graph_waiters(&w, &n, g, 1), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(w[0], 0);
	free(w);
	cr_assert_eq(yoi_graph_waiters(&w, &n, g, 5), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(w);
	cr_assert_eq(yoi_graph_waiters(&w, &n, g, 99), 0, "out of range");
	cr_assert_eq(n, 0);
	yoi_graph_free(g);
}

/* ---- every blocker chain ------------------------------------------------ */

static char *chains_str(const yoi_graph *g, size_t t, size_t max,
			bool *truncated)
{
	yoi_graph_chains c;
	cr_assert_eq(yoi_graph_chains_of(&c, g, t, max), 0);
	yoi_buf b = YOI_BUF_INIT;
	for (size_t k = 0; k < c.n; k++) {
		cr_assert_eq(yoi_graph_chain_text(&b, g, &c, k), 0);
		yoi_buf_puts(&b, "\n");
	}
	if (truncated)
		*truncated = c.truncated;
	yoi_graph_chains_free(&c);
	char *s = strdup(b.ptr ? b.ptr : "");
	yoi_buf_free(&b);
	return s;
}

#define LINK(i) "00001KW55B33" #i " via depends_on (state: planning)"

Test(graph, chains_every_branch_depth_first)
{
	tb b;
	tb_init(&b, 5);
	ed(&b, 0, 1, DEP); /* 0 waits for 1 and 2 */
	ed(&b, 0, 2, DEP);
	ed(&b, 2, 3, DEP); /* 2 waits for 3 and 4 */
	ed(&b, 2, 4, DEP);
	yoi_graph *g = tb_build(&b);
	char *s = chains_str(g, 0, 100, NULL);
	cr_assert_str_eq(s, LINK(1) "\n" LINK(2) " <- " LINK(3) "\n" LINK(
				2) " <- " LINK(4) "\n");
	free(s);
	s = chains_str(g, 1, 100, NULL);
	cr_assert_str_eq(s, "", "no blockers, no chains");
	free(s);
	yoi_graph_free(g);
}

Test(graph, chains_skip_finished_blockers_and_share_a_diamond)
{
	tb b;
	tb_init(&b, 5);
	st(&b, 4, D, -1);
	ed(&b, 0, 1, DEP);
	ed(&b, 0, 2, DEP);
	ed(&b, 1, 3, DEP);
	ed(&b, 2, 3, DEP);
	ed(&b, 0, 4, DEP); /* done: not a blocker */
	ed(&b, 3, 4, DEP);
	yoi_graph *g = tb_build(&b);
	char *s = chains_str(g, 0, 100, NULL);
	cr_assert_str_eq(s, LINK(1) " <- " LINK(3) "\n" LINK(2) " <- " LINK(
				3) "\n");
	free(s);
	yoi_graph_free(g);
}

Test(graph, chains_end_at_a_cycle_as_the_route_chain_does)
{
	tb b;
	tb_init(&b, 3);
	ed(&b, 0, 1, DEP);
	ed(&b, 1, 0, DEP); /* 0 <-> 1 */
	ed(&b, 2, 2, DEP); /* 2 waits for itself */
	yoi_graph *g = tb_build(&b);
	char *s = chains_str(g, 0, 100, NULL);
	cr_assert_str_eq(s, LINK(1) " <- " LINK(0) " <- 00001KW55B331 "
				    "(cycle)\n");
	free(s);
	s = chains_str(g, 2, 100, NULL);
	cr_assert_str_eq(s, LINK(2) " <- 00001KW55B332 (cycle)\n");
	free(s);
	yoi_graph_free(g);
}

Test(graph, chains_stop_at_the_limit)
{
	/* A lattice: 2^10 paths from 0 through ten pairs. */
	tb b;
	tb_init(&b, 21);
	for (size_t l = 0; l < 10; l++) {
		size_t from[2] = {l ? 2 * l - 1 : 0, l ? 2 * l : 0};
		for (size_t f = 0; f < (l ? 2u : 1u); f++) {
			ed(&b, from[f], 2 * l + 1, DEP);
			ed(&b, from[f], 2 * l + 2, DEP);
		}
	}
	yoi_graph *g = tb_build(&b);
	yoi_graph_chains c;
	cr_assert_eq(yoi_graph_chains_of(&c, g, 0, 5000), 0);
	cr_assert_eq(c.n, 1024);
	cr_assert_not(c.truncated);
	for (size_t k = 0; k < c.n; k++)
		cr_assert_eq(c.start[k + 1] - c.start[k], 10);
	yoi_graph_chains_free(&c);
	cr_assert_eq(yoi_graph_chains_of(&c, g, 0, 100), 0);
	cr_assert_eq(c.n, 100);
	cr_assert(c.truncated);
	yoi_graph_chains_free(&c);
	yoi_graph_free(g);
}

/* Property (fixed seed): every chain is a path of waits through unfinished
 * tickets that ends at a ticket with no blockers or at a revisit; chains
 * are distinct; chain 0 is the route entry's chain. */
Test(graph, chains_random_graphs_are_paths_and_agree_with_route)
{
	uint64_t x = 11;
	for (int round = 0; round < 300; round++) {
		tb b;
		size_t n = 2 + lcg(&x) % 8;
		tb_init(&b, n);
		for (size_t i = 0; i < n; i++)
			st(&b, i, (yoi_state)(lcg(&x) % 6), -1);
		size_t m = lcg(&x) % (3 * n);
		for (size_t i = 0; i < m; i++)
			ed(&b, lcg(&x) % n, lcg(&x) % n, DEP);
		yoi_graph *g = tb_build(&b);
		yoi_graph_route *r = route(g, 0);
		for (size_t t = 0; t < n; t++) {
			yoi_graph_chains c;
			cr_assert_eq(yoi_graph_chains_of(&c, g, t, 100000), 0);
			for (size_t k = 0; k < c.n; k++) {
				size_t prev = t;
				for (size_t j = c.start[k]; j < c.start[k + 1];
				     j++) {
					size_t v = c.links[j].index;
					cr_assert(v < n);
					cr_assert(v != YOI_GRAPH_NONE);
					cr_assert_neq(c.links[j].state, D);
					cr_assert_neq(c.links[j].state, C);
					bool edge = false;
					for (size_t e = 0; e < b.ne; e++)
						edge |= b.e[e].from == prev &&
							b.e[e].to == v;
					cr_assert(edge, "round %d", round);
					prev = v;
				}
				yoi_graph_blocker *bl = NULL;
				size_t nb = 0;
				yoi_graph_blockers(&bl, &nb, g, prev);
				yoi_graph_blockers_free(bl);
				cr_assert(c.cycle_to[k] != YOI_GRAPH_NONE ||
					      nb == 0,
					  "round %d: ends early", round);
			}
			for (size_t i = 0; i < r->n; i++) {
				const yoi_graph_route_entry *e = &r->v[i];
				if (e->index != t || e->elided ||
				    e->cls != YOI_GRAPH_WAITING_DEPENDENCY)
					continue;
				cr_assert_geq(c.n, 1);
				cr_assert_eq(c.start[1] - c.start[0], e->nchain,
					     "round %d", round);
				for (size_t j = 0; j < e->nchain; j++)
					cr_assert_eq(c.links[j].index,
						     e->chain[j].index);
				cr_assert_eq(c.cycle_to[0],
					     e->cycle ? e->cycle_to
						      : YOI_GRAPH_NONE);
			}
			yoi_graph_chains_free(&c);
		}
		yoi_graph_route_free(r);
		yoi_graph_free(g);
	}
}
