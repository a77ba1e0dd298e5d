/*
 * graph.h - the dependency graph that routes work (SPEC 6, 7, 8, 13):
 * relations and plan records -> blockers, the state machine's guard, route
 * classes and order, cycles, the `deps` tree. Pure: no I/O. The caller
 * gathers tickets, relations and plan records from the store and hands
 * them over as indices; everything here is linear in tickets + edges
 * (cycle enumeration: linear per reported cycle, see yoi_graph_cycles_find).
 *
 * Direction. Every edge kind is read as "X waits for Y" where it makes a
 * ticket wait:
 *   relation  F depends_on T   F waits for T
 *   relation  F blocks T       T waits for F   (SPEC 6: same as T depends_on F)
 *   plan      F blocked_by T   F waits for T
 *   plan      F blocks T       T waits for F
 * A `blocks` and a `depends_on` in opposite stored directions between the
 * same two tickets therefore say one thing and are one logical edge, as are
 * parallel duplicates. When several records make X wait for Y, the one
 * named in messages (the "primary" relation) is the first in enum order
 * below: depends_on, then blocks, then plan blocked_by, then plan blocks.
 * `before`/`after` only order the route; `conflicts_with` and
 * `do_not_parallelize` are symmetric; related/supersedes/duplicate_of are
 * accepted and ignored.
 *
 * Ownership: yoi_graph_build copies the nodes and edges it is given (the
 * caller's arrays may go right after). Every result (yoi_graph_blocker
 * arrays, yoi_graph_route, yoi_graph_cycles, would_cycle paths) is owned
 * by the caller and released with its _free function, which accepts NULL.
 * Results refer to tickets by node index; they stay meaningful only
 * alongside the graph they came from. Nothing here recurses on user data:
 * a chain of 100,000 tickets is walked with explicit stacks.
 */
#ifndef YOI_GRAPH_H
#define YOI_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "id.h"
#include "state.h"

/* "No such node" in index fields and from yoi_graph_find. */
#define YOI_GRAPH_NONE ((size_t)-1)

typedef enum {
	/* Waiting edges, in primary-relation order (see above). */
	YOI_GRAPH_DEPENDS_ON = 0,  /* relation: from waits for to */
	YOI_GRAPH_BLOCKS,	   /* relation: to waits for from */
	YOI_GRAPH_PLAN_BLOCKED_BY, /* plan: from waits for to */
	YOI_GRAPH_PLAN_BLOCKS,	   /* plan: to waits for from */
	/* Ordering (route order only; never a blocker). */
	YOI_GRAPH_PLAN_BEFORE, /* plan: from goes before to */
	YOI_GRAPH_PLAN_AFTER,  /* plan: from goes after to */
	/* Not at the same time (symmetric). */
	YOI_GRAPH_PLAN_CONFLICTS_WITH,
	YOI_GRAPH_PLAN_DO_NOT_PARALLELIZE,
	/* Accepted and ignored for routing. */
	YOI_GRAPH_RELATED,
	YOI_GRAPH_SUPERSEDES,
	YOI_GRAPH_DUPLICATE_OF,
	YOI_GRAPH__KIND_COUNT,
	YOI_GRAPH_KIND_INVALID = -1,
} yoi_graph_kind;

/*
 * The label used in messages: the record's own kind name ("depends_on",
 * "blocks", "blocked_by", "before", "conflicts_with", ...). Relation blocks
 * and plan blocks both read "blocks"; yoi_graph_kind_is_plan tells them
 * apart (for JSON). "?" when k is out of range.
 */
const char *yoi_graph_kind_label(yoi_graph_kind k);
bool yoi_graph_kind_is_plan(yoi_graph_kind k);

/*
 * Map a relations.json kind (SPEC 6) or an orchestration-plan kind (SPEC 7)
 * to an edge kind. YOI_GRAPH_KIND_INVALID for unknown names and for plan
 * kinds that are not edges (waiting_capacity_note, accepted_plan).
 */
yoi_graph_kind yoi_graph_kind_from_relation(const char *kind);
yoi_graph_kind yoi_graph_kind_from_plan(const char *kind);

typedef struct yoi_graph_node {
	char id[YOI_ID_LEN + 1];
	yoi_state state; /* YOI_ST_INVALID is kept: never done, so a blocker */
	int64_t queued_at; /* Unix seconds; -1 when the ticket has none */
} yoi_graph_node;

typedef struct yoi_graph_edge {
	size_t from; /* index of the ticket that holds the record */
	size_t to;   /* index of the ticket it names */
	yoi_graph_kind kind;
} yoi_graph_edge;

typedef struct yoi_graph yoi_graph;

/*
 * Build the graph (CSR adjacency both ways, O(V+E)). nodes must be sorted
 * by ID, strictly (no duplicates); edges name nodes by index (dangling
 * targets are the caller's to report and leave out). Self edges are kept
 * for waiting kinds (a ticket that depends on itself waits forever and is
 * a cycle of length 1) and dropped for ordering and conflict kinds.
 * Errors: YOI_EUSAGE (unsorted or invalid IDs, index out of range, bad
 * kind, more than UINT32_MAX-1 nodes or edges), YOI_ENOMEM; err may be NULL.
 */
int yoi_graph_build(yoi_graph **out, const yoi_graph_node *nodes, size_t n,
		    const yoi_graph_edge *edges, size_t m, yoi_error *err);
void yoi_graph_free(yoi_graph *g);

size_t yoi_graph_size(const yoi_graph *g);
const yoi_graph_node *yoi_graph_node_at(const yoi_graph *g, size_t i);
/* Index of the ticket with this exact ID (binary search), or YOI_GRAPH_NONE. */
size_t yoi_graph_find(const yoi_graph *g, const char *id);

/* ---- blockers and the guard (SPEC 8) ------------------------------------ */

typedef struct yoi_graph_blocker {
	size_t index;	    /* the blocker B */
	yoi_graph_kind via; /* the primary relation that makes t wait for B */
	yoi_state state;    /* B's state */
} yoi_graph_blocker;

/*
 * Every blocker of ticket t: each B not done/closed that t waits for, once
 * per B (with its primary relation), in ID order. *out is NULL when
 * *n == 0. Free with yoi_graph_blockers_free.
 */
int yoi_graph_blockers(yoi_graph_blocker **out, size_t *n, const yoi_graph *g,
		       size_t t);
void yoi_graph_blockers_free(yoi_graph_blocker *b);

/*
 * Every ticket that waits for t (any state, t's state not consulted),
 * once each, as indices in ID order. *out is NULL when *n == 0; free(3)
 * it. YOI_ENOMEM.
 */
int yoi_graph_waiters(size_t **out, size_t *n, const yoi_graph *g, size_t t);

/* Append "<ID> via <label> (state: <state>)". */
int yoi_graph_blocker_text(yoi_buf *out, const yoi_graph *g,
			   const yoi_graph_blocker *b);

/*
 * The state machine's guard (a yoi_guard_fn): ctx is the const yoi_graph *.
 * With YOI_TR_START_GUARD in flags it refuses while any blocker exists;
 * with YOI_TR_QUEUE_GUARD (and not START) while any blocker is in a state
 * other than queued/inprogress (planning, ready, or an invalid state).
 * Refusal: YOI_EREFUSED, and why gets (appended) one
 * "waiting for <ID> via <label> (state: <state>)" per offending blocker,
 * in ID order, joined with "; ". An id the graph does not know has no
 * known blockers: allowed. from/to are not consulted (the flags are).
 */
int yoi_graph_guard(void *ctx, const char *id, yoi_state from, yoi_state to,
		    unsigned flags, yoi_buf *why);

/* ---- route (SPEC 8) ------------------------------------------------------ */

typedef enum {
	YOI_GRAPH_ACTIONABLE = 0,
	YOI_GRAPH_WAITING_DEPENDENCY,
	YOI_GRAPH_WAITING_CONFLICT,
	YOI_GRAPH_WAITING_CAPACITY,
} yoi_graph_class;

/* "actionable", "waiting_dependency", "waiting_conflict", "waiting_capacity" */
const char *yoi_graph_class_name(yoi_graph_class c);

/* One step of a blocker chain: the previous ticket waits for index via. */
typedef struct yoi_graph_link {
	size_t index;
	yoi_graph_kind via;
	yoi_state state;
} yoi_graph_link;

/* Links kept per chain; longer chains keep the first MAX-1 and the last. */
#define YOI_GRAPH_CHAIN_MAX 16

typedef struct yoi_graph_route_entry {
	size_t index;
	yoi_graph_class cls;
	/*
	 * waiting_dependency: the blocker chain. chain[0] is the ticket's
	 * first blocker (in ID order); each next link is the first blocker
	 * of the one before; it ends at a blocker with no blockers of its own
	 * (cycle false), or where the next step would revisit a ticket of the
	 * chain (cycle true, cycle_to = that ticket). When the chain has more
	 * than YOI_GRAPH_CHAIN_MAX links, `elided` links between
	 * chain[nchain-2] and chain[nchain-1] are left out.
	 */
	const yoi_graph_link *chain;
	size_t nchain;
	size_t elided;
	bool cycle;
	size_t cycle_to;
	/* waiting_conflict: the inprogress partner with the smallest ID. */
	size_t partner;
	yoi_graph_kind partner_via;
} yoi_graph_route_entry;

typedef struct yoi_graph_route {
	yoi_graph_route_entry *v; /* in route order */
	size_t n;
	size_t inprogress;	/* tickets in inprogress (all of them) */
	size_t max_inprogress;	/* as given; 0 = unlimited */
	size_t nactionable;	/* entries classed actionable */
	yoi_graph_link *links_; /* private: storage of every chain */
} yoi_graph_route;

/*
 * Classify every ready and queued ticket, in route order.
 *
 * Class, first match wins: waiting_dependency (any blocker),
 * waiting_conflict (a conflicts_with/do_not_parallelize partner, either
 * direction, in inprogress), waiting_capacity, actionable. Capacity: with
 * max_inprogress > 0, the free slots are max_inprogress minus the tickets in
 * inprogress (none if negative); the first that many tickets in route order
 * that pass the dependency and conflict tests are actionable, the others
 * waiting_capacity (so `ready` shows exactly what can be taken up now, in
 * the order to take it). Ready and queued tickets take slots alike.
 *
 * Order: before/after records between two routed (ready/queued) tickets
 * are hard constraints (Kahn's algorithm); everything else, including the
 * choice among tickets free to go next, follows the key (tickets with a
 * queued_at first, earlier first; then ID). A record naming a ticket in
 * any other state orders nothing. Tickets on a before/after cycle form one
 * group (a strongly connected component): the group goes where its
 * smallest key would, its members consecutively in key order.
 */
int yoi_graph_route_compute(yoi_graph_route **out, const yoi_graph *g,
			    size_t max_inprogress);
void yoi_graph_route_free(yoi_graph_route *r);

/*
 * Append the reason of entry r->v[i]:
 *   actionable          ""
 *   waiting_dependency  the chain, links "<ID> via <label> (state: <s>)"
 *                       joined by " <- " (read "waits for"), with
 *                       "... N more ..." where links were elided and
 *                       " <- <ID> (cycle)" when it closes a cycle:
 *      00001KW55B33B via depends_on (state: queued) <- 00001KW55B33C via
 *      blocks (state: ready)
 *   waiting_conflict    "<ID> via conflicts_with (state: inprogress)"
 *   waiting_capacity    "routing.max_inprogress is 2: 1 in progress, 1
 *                       actionable ahead"
 */
int yoi_graph_route_reason(yoi_buf *out, const yoi_graph *g,
			   const yoi_graph_route *r, size_t i);

/*
 * Every blocker chain of ticket t: each path t waits for B1, B1 waits for
 * B2, ... through blockers not done/closed, ending at a blocker with no
 * blockers of its own, or where the next step would revisit a ticket of
 * the path (cycle_to: that ticket). Depth first, blockers in ID order, so
 * chain 0 is the route entry's chain. At most max_chains chains and
 * YOI_GRAPH_CHAINS_LINKS links in all are listed (a lattice of
 * dependencies has exponentially many paths); past that, truncated.
 * Nothing recurses. YOI_ENOMEM. Free with yoi_graph_chains_free.
 */
#define YOI_GRAPH_CHAINS_LINKS 100000
typedef struct yoi_graph_chains {
	yoi_graph_link *links; /* every chain's links, back to back */
	size_t *start;	       /* chain k: links[start[k] .. start[k + 1]) */
	size_t *cycle_to;      /* per chain: YOI_GRAPH_NONE, or the ticket the
				  next step would revisit */
	size_t n;	       /* chains listed */
	bool truncated;	       /* more chains exist than are listed */
} yoi_graph_chains;
int yoi_graph_chains_of(yoi_graph_chains *out, const yoi_graph *g, size_t t,
			size_t max_chains);
void yoi_graph_chains_free(yoi_graph_chains *c);

/* Append chain k: links "<ID> via <label> (state: <s>)" joined by " <- ",
 * and " <- <ID> (cycle)" when it closes a cycle. */
int yoi_graph_chain_text(yoi_buf *out, const yoi_graph *g,
			 const yoi_graph_chains *c, size_t k);

/* ---- cycles (SPEC 13) and relation add ----------------------------------- */

/* Flags of yoi_graph_cycles_find and yoi_graph_would_cycle. */
enum {
	/*
	 * Also follow plan blocked_by/blocks records. Off by default: SPEC
	 * names cycles among depends_on/blocks, and plan records are
	 * append-only, so an error on one could never be fixed.
	 */
	YOI_GRAPH_CYCLES_PLAN = 1u << 0,
};

#define YOI_GRAPH_CYCLE_CAP_DEFAULT 100

typedef struct yoi_graph_cycle {
	/*
	 * v[0] is the smallest ID of the cycle; v[k] waits for v[k+1] and
	 * v[n-1] waits for v[0]; via[k] is the primary relation of the step
	 * from v[k]. n == 1 is a ticket that waits for itself.
	 */
	const size_t *v;
	const yoi_graph_kind *via;
	size_t n;
} yoi_graph_cycle;

typedef struct yoi_graph_cycles {
	yoi_graph_cycle *v; /* sorted by their index sequences */
	size_t n;
	bool capped;  /* more cycles exist than were returned */
	size_t *idx_; /* private storage */
	yoi_graph_kind *via_;
} yoi_graph_cycles;

/*
 * Every elementary cycle of the waiting relations (Johnson's algorithm,
 * per strongly connected component), each once, rotated to its smallest
 * ID; at most cap of them (0 = YOI_GRAPH_CYCLE_CAP_DEFAULT), found in
 * order of their smallest ticket. Time O((V+E)(c+1)) for c cycles
 * returned.
 */
int yoi_graph_cycles_find(yoi_graph_cycles **out, const yoi_graph *g,
			  size_t cap, unsigned flags);
void yoi_graph_cycles_free(yoi_graph_cycles *c);

/*
 * Append "A -> B -> C -> A (A depends_on B; C blocks B; C depends_on A)":
 * the path in waiting order, then the records as they are stored.
 */
int yoi_graph_cycle_text(yoi_buf *out, const yoi_graph *g,
			 const yoi_graph_cycle *c);

/*
 * Would a new "waiter waits for blocker" edge close a cycle? (For relation
 * add: `W depends_on B` is (W, B); `W blocks B` is (B, W).) When it would,
 * *path gets waiter, blocker, ..., waiter (each waits for the next; the
 * shortest such path, ties by ID) and *n its length (>= 2; a self edge
 * gives waiter, waiter); else *path = NULL, *n = 0. O(V+E).
 */
int yoi_graph_would_cycle(size_t **path, size_t *n, const yoi_graph *g,
			  size_t waiter, size_t blocker, unsigned flags);
void yoi_graph_path_free(size_t *path);

/* ---- deps tree ----------------------------------------------------------- */

/* Deeper levels of `deps` are cut with " [...]". */
#define YOI_GRAPH_TREE_DEPTH_MAX 100

/*
 * Append the tree of what root waits for (reverse: what waits for root),
 * over every waiting edge, whatever the state (done and closed included).
 * One line per node, two spaces of indent per level:
 *
 *   00001KW55B33H (state: ready) Title
 *     00001KW55B33B via depends_on (state: queued) Title
 *       00001KW55B33A via blocks (state: done) Title
 *     00001KW55B33C via blocked_by (state: ready) Title
 *       00001KW55B33A via blocks (state: done) [see above]
 *
 * "via" names the primary relation between the line and its parent
 * (reverse: the relation that makes the line's ticket wait for its parent).
 * Children in ID order. A ticket is expanded once, where it first appears;
 * later appearances end in " [see above]", and one that is an ancestor of
 * itself in " [cycle]". At YOI_GRAPH_TREE_DEPTH_MAX levels a node with
 * children ends in " [...]". titles (may be NULL, as may any titles[i]) is
 * indexed like the nodes; a title is printed after a space, control
 * characters as spaces, and only on expanded lines.
 */
/* The same tree as lines, in order, for other renderings (JSON). */
typedef enum {
	YOI_GRAPH_DEPS_EXPANDED, /* its children follow (or it has none) */
	YOI_GRAPH_DEPS_SEEN,	 /* expanded above: "[see above]" */
	YOI_GRAPH_DEPS_CYCLE,	 /* an ancestor of itself: "[cycle]" */
	YOI_GRAPH_DEPS_CUT,	 /* at the depth limit with children: "[...]" */
} yoi_graph_deps_mark;

typedef struct yoi_graph_deps_line {
	size_t index;	     /* the node */
	size_t depth;	     /* 0: the root */
	yoi_graph_kind via;  /* to its parent; YOI_GRAPH_KIND_INVALID: root */
	yoi_graph_deps_mark mark;
} yoi_graph_deps_line;

/* fn's non-zero result stops the walk and is returned. */
typedef int (*yoi_graph_deps_fn)(void *ctx, const yoi_graph_deps_line *l);
int yoi_graph_deps_walk(const yoi_graph *g, size_t root, bool reverse,
			yoi_graph_deps_fn fn, void *ctx);

int yoi_graph_deps_text(yoi_buf *out, const yoi_graph *g, size_t root,
			bool reverse, const char *const *titles);

#endif
