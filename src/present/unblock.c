/*
 * unblock.c - which tickets a ticket's finish makes actionable (the
 * `unblocked` notices of notice.h).
 */
#include <stdlib.h>
#include <string.h>

#include "yoi/graph.h"
#include "yoi/notice.h"
#include "yoi/routing.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"

/* Whether id's latest transition took it from unfinished to finished. */
static int just_finished(const yoi_store *st, const char *id, bool *yes,
			 yoi_error *err)
{
	*yes = false;
	yoi_ticket *t;
	/* Most state changes leave the ticket unfinished: item.md's state
	 * says so without parsing the thread. */
	int rc = yoi_ticket_load(&t, st, id, YOI_LOAD_FRONTMATTER, err);
	if (rc < 0)
		return rc;
	bool done =
	    yoi_state_finished(yoi_state_parse(yoi_item_get(t->item, "state")));
	yoi_ticket_free(t);
	if (!done)
		return 0;
	rc = yoi_ticket_load(&t, st, id, YOI_LOAD_THREAD, err);
	if (rc < 0)
		return rc;
	for (size_t i = t->thread->n; i-- > 0;) {
		const yoi_event *e = &t->thread->ev[i];
		if (!e->kind || strcmp(e->kind, "state_changed") != 0)
			continue;
		const char *from = yoi_event_attr(e, "from");
		const char *to = yoi_event_attr(e, "to");
		*yes = from && to && yoi_state_finished(yoi_state_parse(to)) &&
		       !yoi_state_finished(yoi_state_parse(from));
		break;
	}
	yoi_ticket_free(t);
	return 0;
}

/* The unfinished, readable tickets that wait for id. */
static int waiters_of(yoi_strv *out, const yoi_store *st, const char *id,
		      yoi_error *err)
{
	yoi_routing *r = NULL;
	const char *seed = id;
	int rc = yoi_routing_load_near(&r, st, &seed, 1, 0, err);
	size_t *w = NULL, nw = 0;
	size_t x = rc == 0 ? yoi_routing_find(r, id) : YOI_GRAPH_NONE;
	if (rc == 0 && x != YOI_GRAPH_NONE &&
	    yoi_graph_waiters(&w, &nw, r->g, x) < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; rc == 0 && i < nw; i++) {
		const yoi_routing_ticket *t = &r->t[w[i]];
		if (t->state != YOI_ST_INVALID &&
		    !yoi_state_finished(t->state) &&
		    yoi_strv_push(out, t->id) < 0)
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	}
	free(w);
	yoi_routing_free(r);
	return rc;
}

int yoi_notice_unblocked(yoi_strv *out, const yoi_store *st, const char *id,
			 yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	bool yes;
	int rc = just_finished(st, id, &yes, err);
	if (rc < 0 || !yes)
		return rc;
	yoi_strv cand = {0};
	if ((rc = waiters_of(&cand, st, id, err)) < 0 || cand.n == 0) {
		yoi_strv_free(&cand);
		return rc;
	}
	/* Each candidate with everything it waits for in view (one step
	 * from it): actionable when nothing unfinished is left. */
	yoi_routing *r = NULL;
	rc = yoi_routing_load_near(&r, st, (const char *const *)cand.v, cand.n,
				   0, err);
	for (size_t i = 0; rc == 0 && i < cand.n; i++) {
		size_t k = yoi_routing_find(r, cand.v[i]);
		if (k == YOI_GRAPH_NONE || r->t[k].links_err)
			continue; /* cannot tell: say nothing */
		yoi_graph_blocker *b = NULL;
		size_t nb = 0;
		if (yoi_graph_blockers(&b, &nb, r->g, k) < 0 ||
		    (nb == 0 && yoi_strv_push(out, cand.v[i]) < 0))
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		yoi_graph_blockers_free(b);
	}
	yoi_routing_free(r);
	yoi_strv_free(&cand);
	if (rc < 0)
		yoi_strv_free(out);
	return rc;
}
