/* change.c - one ticket's change between two versions, over buffers. */
#include "yoi/change.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "yoi/doctor.h"
#include "yoi/history.h"
#include "yoi/item.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"

#define ERR YOI_DIAG_ERROR

static bool is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/*
 * The state after event e, from s: a create says nothing (older tools
 * created tickets in later states: the initial state is the `from` of the
 * first transition, or the older item.md's state). A transition moves to
 * its `to`.
 * An older close or reopen (a tool that logged no transition with it)
 * closes or returns to planning; a new one is always followed by its own
 * state_changed, which is what the chain is checked against.
 */
static yoi_state step(yoi_state s, const yoi_event *e, bool added)
{
	if (is(e->kind, "state_changed") ||
	    (!added && is(e->kind, "migration"))) {
		const char *to = yoi_event_attr(e, "to");
		if (!to && is(e->kind, "migration"))
			to = yoi_event_attr(e, "state");
		yoi_state t = yoi_state_parse(to);
		return t == YOI_ST_INVALID ? s : t;
	}
	if (!added && (is(e->kind, "close") || is(e->kind, "closed")))
		return YOI_ST_CLOSED;
	if (!added && is(e->kind, "reopen"))
		return YOI_ST_PLANNING;
	return s;
}

/* The state the older item.md names (invalid when unknown). */
static yoi_state old_item_state(const yoi_ticket_files *old)
{
	yoi_item *it = NULL;
	yoi_error e = {0};
	if (!old || !old->item ||
	    yoi_item_parse(&it, old->item, old->item_len, old->item_path, &e) <
		0)
		return YOI_ST_INVALID;
	yoi_state s = yoi_state_parse(yoi_item_get(it, "state"));
	yoi_item_free(it);
	return s;
}

/*
 * Every state_changed the change adds: legal, and chained from the state
 * the thread (in file order, the older events included) had reached.
 * Before any state the older thread records, that is the older item.md's
 * state, and for a ticket the change adds, the first transition's `from`
 * (inherited: SPEC 5).
 */
static void check_new_transitions(const yoi_ticket_files *old,
				  const yoi_ticket_files *nw,
				  const yoi_thread *th, const bool *added,
				  const yoi_state_table *tab, yoi_diag *d)
{
	yoi_state state = YOI_ST_INVALID;
	bool inherited = false; /* state set from the older item.md */
	for (size_t i = 0; i < th->n; i++) {
		const yoi_event *e = &th->ev[i];
		if (!e->kind)
			continue;
		if (!added[i] || !is(e->kind, "state_changed")) {
			state = step(state, e, added[i]);
			continue;
		}
		if (state == YOI_ST_INVALID && !inherited) {
			inherited = true;
			state = old_item_state(old);
		}
		yoi_state f = yoi_state_parse(yoi_event_attr(e, "from"));
		yoi_state t = yoi_state_parse(yoi_event_attr(e, "to"));
		if (f == YOI_ST_INVALID || t == YOI_ST_INVALID)
			continue; /* doctor: thread-incomplete-transition */
		bool forced = is(yoi_event_attr(e, "forced"), "true");
		char why[256] = "";
		if (state != YOI_ST_INVALID && f != state)
			snprintf(why, sizeof(why),
				 "this transition starts from %s, but the "
				 "thread was in %s; record transitions with "
				 "'yoi-tickets state'",
				 yoi_state_name(f), yoi_state_name(state));
		else if (!forced && !yoi_state_find(tab, f, t))
			snprintf(why, sizeof(why),
				 "%s -> %s is not in the transition table; "
				 "use 'yoi-tickets state' (or --force "
				 "--reason, recorded)",
				 yoi_state_name(f), yoi_state_name(t));
		if (why[0])
			yoi_diag_add(d, ERR, "change-illegal-transition",
				     nw->thread_path, e->line, "%s", why);
		state = t;
	}
}

/* The 1-based line (of the old version) where the two first differ. */
static int first_difference(const yoi_ticket_files *old,
			    const yoi_ticket_files *nw)
{
	size_t n =
	    nw->thread_len < old->thread_len ? nw->thread_len : old->thread_len;
	size_t k = 0;
	while (k < n && nw->thread[k] == old->thread[k])
		k++;
	while (k > 0 && old->thread[k - 1] != '\n')
		k--;
	int line = 1;
	for (size_t i = 0; i < k; i++)
		line += old->thread[i] == '\n';
	return line;
}

/*
 * The history rule (history.h): the new thread keeps every older block in
 * order. Fills added (per new event) when it does; reports otherwise.
 */
static bool check_history(const yoi_ticket_files *old,
			  const yoi_ticket_files *nw, const yoi_thread *th,
			  bool **added, yoi_diag *d)
{
	*added = NULL;
	yoi_thread *oth = NULL;
	yoi_diag scratch = YOI_DIAG_INIT; /* the old version's own findings
					     are not this change's */
	bool prefix = nw->thread_len >= old->thread_len &&
		      memcmp(nw->thread, old->thread, old->thread_len) == 0;
	if (!prefix && yoi_thread_parse(&oth, old->thread, old->thread_len,
					old->thread_path, &scratch) < 0)
		oth = NULL;
	yoi_history h;
	bool ok = false;
	if ((prefix || oth) &&
	    yoi_history_check(&h, old->thread, old->thread_len, oth, nw->thread,
			      nw->thread_len, th) == 0) {
		ok = h.ok;
		if (!ok)
			yoi_diag_add(d, ERR, "change-thread-rewritten",
				     nw->thread_path, first_difference(old, nw),
				     "thread.md is append-only, but this "
				     "change edits, reorders or removes the "
				     "event that starts at line %d of the "
				     "older version; restore it and append "
				     "new events instead",
				     h.missing_line);
		*added = h.added; /* handed over */
		h.added = NULL;
		yoi_history_free(&h);
	} else {
		yoi_diag_add(d, ERR, "change-thread-rewritten", nw->thread_path,
			     0,
			     "out of memory while comparing thread.md with "
			     "its older version");
	}
	yoi_thread_free(oth);
	yoi_diag_free(&scratch);
	return ok;
}

/*
 * The checks judge what a change adds: an error the older version already
 * had (same code, file and message) is inherited history, reported as a
 * warning, so no ticket is frozen by a defect committed before.
 */
static void downgrade_inherited(const yoi_ticket_files *old,
				const yoi_state_table *tab, yoi_diag *d,
				size_t first)
{
	yoi_diag od = YOI_DIAG_INIT;
	yoi_doctor_check_ticket(old, tab, &od);
	for (size_t i = first; i < d->n; i++) {
		yoi_diag_entry *e = &d->v[i];
		if (e->severity != YOI_DIAG_ERROR ||
		    strncmp(e->code, "change-", 7) == 0)
			continue;
		for (size_t k = 0; k < od.n; k++)
			if (od.v[k].severity == YOI_DIAG_ERROR &&
			    is(od.v[k].code, e->code) &&
			    is(od.v[k].path, e->path) &&
			    is(od.v[k].message, e->message)) {
				e->severity = YOI_DIAG_WARNING;
				break;
			}
	}
	yoi_diag_free(&od);
}

void yoi_change_check(const yoi_ticket_files *old, const yoi_ticket_files *nw,
		      const yoi_state_table *tab, yoi_diag *d)
{
	bool had = old && old->thread;
	if (!nw->thread && !nw->item) {
		if (had)
			yoi_diag_add(d, ERR, "change-thread-removed",
				     old->thread_path, 0,
				     "ticket %s was deleted; tickets are "
				     "closed, not deleted (restore it and "
				     "use 'yoi-tickets close')",
				     nw->id);
		return;
	}
	if (had && !nw->thread)
		yoi_diag_add(d, ERR, "change-thread-removed", nw->thread_path,
			     0,
			     "thread.md was removed; it is the ticket's "
			     "history: restore it from git");
	/* One parse of the new thread serves every check. */
	size_t first = d->n;
	yoi_thread *th = NULL;
	if (nw->thread && yoi_thread_parse(&th, nw->thread, nw->thread_len,
					   nw->thread_path, d) < 0)
		th = NULL; /* reported by the doctor checks */
	if (th) {
		bool *added = NULL;
		bool ok = true;
		if (had)
			ok = check_history(old, nw, th, &added, d);
		else if (th->n && (added = calloc(th->n, sizeof(*added))))
			for (size_t i = 0; i < th->n; i++)
				added[i] = true;
		if (ok && (added || !th->n))
			check_new_transitions(old, nw, th, added, tab, d);
		free(added);
	}
	yoi_doctor_check_parsed(nw, th, tab, d);
	yoi_thread_free(th);
	if (old && (old->item || old->thread))
		downgrade_inherited(old, tab, d, first);
}
