/*
 * routing.h - the store's routing view: every ticket's state, queued_at
 * and title with its relations and plan records, read once (in parallel)
 * and turned into a yoi_graph. Edges naming tickets that do not exist are
 * left out here; doctor reports them.
 *
 * Ownership: yoi_routing_load allocates; yoi_routing_free releases it all.
 * yoi_routing_route allocates a route; yoi_graph_route_free.
 */
#ifndef YOI_ROUTING_H
#define YOI_ROUTING_H

#include <stdint.h>

#include "common.h"
#include "graph.h"
#include "plan.h"
#include "relations.h"
#include "state.h"
#include "store.h"
#include "ticket.h"

typedef struct yoi_routing_ticket {
	char id[YOI_ID_LEN + 1];
	yoi_state state;    /* YOI_ST_INVALID when item.md is unreadable */
	int64_t queued_at;  /* Unix seconds, -1 when none */
	char *title;	    /* NULL when none */
	yoi_relations *rel; /* NULL when there is no relations.json */
	yoi_plan *plan;	    /* NULL when there is no plan file */
	char *err;	    /* what could not be read, or NULL */
	char *links_err;    /* relations.json or the plan is unreadable or
			       has bad records (edges may be missing) */
} yoi_routing_ticket;

typedef struct yoi_routing {
	yoi_routing_ticket *t; /* sorted by id; t[i] is graph node i */
	size_t n;
	yoi_graph *g;
} yoi_routing;

int yoi_routing_load(yoi_routing **out, const yoi_store *st, yoi_error *err);
void yoi_routing_free(yoi_routing *r);
/*
 * The routing view of only the tickets linked to the seeds (revcache.h,
 * yoi_revcache_near: the seeds, every ticket they name or that names
 * them, and every ticket whose links files are unreadable; with
 * YOI_ROUTING_CLOSURE, everything connected to them), found through the
 * links cache without reading the other tickets. Each ticket in the view
 * is read from its own files, as yoi_routing_load reads it; edges to
 * tickets outside the view are left out. Enough for a ticket's relations,
 * blockers and guard (one step), and for a cycle check (WAITS from the
 * blocker, with the waiter as a seed too). Errors
 * as yoi_routing_load.
 */
#define YOI_ROUTING_WAITS 1u

int yoi_routing_load_near(yoi_routing **out, const yoi_store *st,
			  const char *const *seeds, size_t nseeds,
			  unsigned flags, yoi_error *err);

/* Index of id, or YOI_GRAPH_NONE. */
size_t yoi_routing_find(const yoi_routing *r, const char *id);

/* The first ticket whose links_err is set, or NULL. */
const yoi_routing_ticket *yoi_routing_bad_links(const yoi_routing *r);

/*
 * The route (SPEC 8) of the view, with the store's max_inprogress.
 * YOI_ENOMEM. Free with yoi_graph_route_free.
 */
int yoi_routing_route(yoi_graph_route **out, const yoi_routing *r,
		      const yoi_store *st, yoi_error *err);

/*
 * route --record: append to ticket id a decision event saying its route
 * class and reason in rt (route_class=<class>, body "route: <class>" and
 * ": <reason>" when there is one). YOI_EREFUSED when id is not in the
 * route (not ready or queued); else what yoi_ticket_append returns.
 */
int yoi_routing_record(yoi_store *st, const yoi_opctx *op, const yoi_routing *r,
		       const yoi_graph_route *rt, const char *id,
		       yoi_error *err);

/*
 * The state machine's guard over a store (a yoi_guard_fn): loads the
 * routing view near the ticket (yoi_routing_load_near) on its first call
 * (under the caller's lock; again when asked about another ticket) and
 * asks the graph. YOI_ECORRUPT (why names the file) while the ticket's own
 * relations.json or plan file cannot be fully read: a depends_on or
 * blocked_by could be missing, so the guard may not pass on it. (Another
 * ticket's unreadable file could hide a `blocks`; doctor and route
 * report those.) ctx is a yoi_routing_guard; free with
 * yoi_routing_guard_free.
 */
typedef struct yoi_routing_guard {
	const yoi_store *st;
	yoi_routing *r;
	char near[YOI_ID_LEN + 1]; /* the ticket r was loaded around */
} yoi_routing_guard;

int yoi_routing_guard_fn(void *ctx, const char *id, yoi_state from,
			 yoi_state to, unsigned flags, yoi_buf *why);
void yoi_routing_guard_free(yoi_routing_guard *g);

#endif
