/*
 * relview.h - one ticket's relations as the store reads them (SPEC 6),
 * from the routing view: its own records, the records of other tickets
 * that name it (read from its side: yoi_rel_kind_inverse), each with the
 * other ticket's state, and the tickets it waits for. What `relation
 * list`, `show` and the prompt brief present.
 *
 * Ownership: yoi_relview_get allocates the arrays and the blocker texts;
 * yoi_relview_free releases them (NULL-safe, and safe on a zeroed value).
 * Every other pointer points into the routing view, which must outlive
 * the yoi_relview.
 */
#ifndef YOI_RELVIEW_H
#define YOI_RELVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "routing.h"

typedef struct yoi_relview_edge {
	const yoi_relation *rel; /* the record */
	const char *owner;	 /* the ID of the ticket that holds it */
	bool incoming;		 /* rel->target is the ticket asked about */
	const char *other_state; /* outgoing: the target's state, "missing"
				    when it is not in the store; incoming:
				    the owner's state */
} yoi_relview_edge;

typedef struct yoi_relview_blocker {
	const char *id;	 /* the ticket waited for */
	const char *via; /* the relation that makes it wait (graph.h label) */
	yoi_state state; /* the blocker's state */
	char *text;	 /* "<ID> via <label> (state: <state>)" */
} yoi_relview_blocker;

typedef struct yoi_relview {
	yoi_relview_edge *edges; /* by owner ID, then in file order */
	size_t n;
	yoi_relview_blocker *blockers;
	size_t nblockers;
} yoi_relview;

/*
 * The relations of ticket id (kind < 0: every kind, else only that
 * yoi_rel_kind): outgoing and incoming edges in one list, and its
 * blockers (of every kind). id "": every relation in the store, as
 * outgoing edges, and no blockers. 0 or YOI_ENOMEM (*out then empty).
 */
int yoi_relview_get(yoi_relview *out, const yoi_routing *r, const char *id,
		    int kind);
void yoi_relview_free(yoi_relview *v);

#endif
