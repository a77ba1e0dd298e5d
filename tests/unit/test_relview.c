/* Unit tests: one ticket's relations both ways (relview.h), on a store. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "yoi/relate.h"
#include "yoi/relview.h"
#include "yoi/ticket.h"

#include "ufix.h"

typedef struct fixture {
	ufix u; /* the store, texts and operation context */
	char id[3][YOI_ID_LEN + 1];
	yoi_routing *r;
} fixture;

static void relate(fixture *fx, int from, yoi_rel_kind k, int to,
		   const char *note)
{
	yoi_error err = {0};
	cr_assert_eq(yoi_relate(fx->u.st, &fx->u.op, fx->id[from], true, k,
				fx->id[to], note, &err),
		     0, "%s", err.msg);
}

/* Tickets 0, 1, 2 (IDs in that order): 1 depends_on 0, 2 blocks 1, 1
 * related 2 with a note. */
static void setup_fx(fixture *fx)
{
	ufix_setup(&fx->u, "relview");
	yoi_error err = {0};
	for (int i = 0; i < 3; i++) {
		char title[16];
		snprintf(title, sizeof(title), "T%d", i);
		yoi_create_opts o = {.title = title};
		cr_assert_eq(
		    yoi_ticket_create(fx->u.st, &fx->u.op, &o, fx->id[i], &err),
		    0, "%s", err.msg);
		fx->u.op.now_ms += 1000;
	}
	cr_assert_lt(strcmp(fx->id[0], fx->id[1]), 0);
	cr_assert_lt(strcmp(fx->id[1], fx->id[2]), 0);
	relate(fx, 1, YOI_REL_DEPENDS_ON, 0, NULL);
	relate(fx, 2, YOI_REL_BLOCKS, 1, NULL);
	relate(fx, 1, YOI_REL_RELATED, 2, "see also");
	cr_assert_eq(yoi_routing_load(&fx->r, fx->u.st, &err), 0, "%s",
		     err.msg);
}

static void teardown_fx(fixture *fx)
{
	yoi_routing_free(fx->r);
	ufix_teardown(&fx->u);
}

Test(relview, both_directions_in_store_order_with_states)
{
	fixture fx;
	setup_fx(&fx);
	yoi_relview v;
	cr_assert_eq(yoi_relview_get(&v, fx.r, fx.id[1], -1), 0);
	cr_assert_eq(v.n, 3);
	/* Ticket 1's own records, then ticket 2's record naming it. */
	cr_assert_not(v.edges[0].incoming);
	cr_assert_eq(v.edges[0].rel->kind, YOI_REL_DEPENDS_ON);
	cr_assert_str_eq(v.edges[0].owner, fx.id[1]);
	cr_assert_str_eq(v.edges[0].rel->target, fx.id[0]);
	cr_assert_str_eq(v.edges[0].other_state, "planning");
	cr_assert_not(v.edges[1].incoming);
	cr_assert_eq(v.edges[1].rel->kind, YOI_REL_RELATED);
	cr_assert_str_eq(v.edges[1].rel->note, "see also");
	cr_assert(v.edges[2].incoming);
	cr_assert_eq(v.edges[2].rel->kind, YOI_REL_BLOCKS);
	cr_assert_str_eq(v.edges[2].owner, fx.id[2]);
	cr_assert_str_eq(v.edges[2].other_state, "planning");
	/* Waits for 0 (depends_on) and 2 (blocks), in some order. */
	cr_assert_eq(v.nblockers, 2);
	for (size_t k = 0; k < 2; k++) {
		const yoi_relview_blocker *b = &v.blockers[k];
		bool zero = strcmp(b->id, fx.id[0]) == 0;
		cr_assert(zero || strcmp(b->id, fx.id[2]) == 0, "%s", b->id);
		cr_assert_eq(b->state, YOI_ST_PLANNING);
		char want[128];
		snprintf(want, sizeof(want), "%s via %s (state: planning)",
			 b->id, b->via);
		cr_assert_str_eq(b->text, want);
	}
	yoi_relview_free(&v);

	/* Ticket 0 is only named; it waits for nothing. */
	cr_assert_eq(yoi_relview_get(&v, fx.r, fx.id[0], -1), 0);
	cr_assert_eq(v.n, 1);
	cr_assert(v.edges[0].incoming);
	cr_assert_str_eq(v.edges[0].owner, fx.id[1]);
	cr_assert_eq(v.nblockers, 0);
	yoi_relview_free(&v);
	yoi_relview_free(&v); /* twice: safe */
	teardown_fx(&fx);
}

Test(relview, a_kind_filters_edges_not_blockers)
{
	fixture fx;
	setup_fx(&fx);
	yoi_relview v;
	cr_assert_eq(yoi_relview_get(&v, fx.r, fx.id[1], YOI_REL_BLOCKS), 0);
	cr_assert_eq(v.n, 1);
	cr_assert(v.edges[0].incoming);
	cr_assert_eq(v.nblockers, 2);
	yoi_relview_free(&v);
	teardown_fx(&fx);
}

Test(relview, the_whole_store_is_every_record_outgoing)
{
	fixture fx;
	setup_fx(&fx);
	yoi_relview v;
	cr_assert_eq(yoi_relview_get(&v, fx.r, "", -1), 0);
	cr_assert_eq(v.n, 3);
	for (size_t i = 0; i < v.n; i++)
		cr_assert_not(v.edges[i].incoming);
	cr_assert_str_eq(v.edges[0].owner, fx.id[1]);
	cr_assert_str_eq(v.edges[1].owner, fx.id[1]);
	cr_assert_str_eq(v.edges[2].owner, fx.id[2]);
	cr_assert_eq(v.nblockers, 0);
	yoi_relview_free(&v);
	/* A ticket that is not in the store: no edges, no blockers. */
	cr_assert_eq(yoi_relview_get(&v, fx.r, "00000000000ZZ", -1), 0);
	cr_assert_eq(v.n, 0);
	cr_assert_eq(v.nblockers, 0);
	yoi_relview_free(&v);
	teardown_fx(&fx);
}
