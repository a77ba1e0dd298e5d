/* change.c - one ticket's change between two versions, over buffers. */
#include "yoi/change.h"

#include <string.h>

#include "yoi/doctor.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"

#define ERR YOI_DIAG_ERROR

static bool is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* 1-based line of byte offset off in buf. */
static int line_of(const char *buf, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

/*
 * The state the events before byte `from` left the ticket in. The new
 * thread extends the old one, so its first events are the old events (a
 * state comes from event attributes, which appending leaves alone).
 */
static yoi_state replay_before(const yoi_thread *th, size_t from)
{
	yoi_thread old = *th;
	old.n = 0;
	while (old.n < th->n && th->ev[old.n].start < from)
		old.n++;
	return yoi_state_parse(yoi_ticket_replay(&old));
}

/* Every state_changed appended after byte `from`: legal, and chained. */
static void check_new_transitions(const yoi_ticket_files *nw,
				  const yoi_thread *th, size_t from,
				  yoi_state state, const yoi_state_table *tab,
				  yoi_diag *d)
{
	for (size_t i = 0; i < th->n; i++) {
		const yoi_event *e = &th->ev[i];
		if (e->start < from || !e->kind)
			continue;
		if (is(e->kind, "create")) {
			state = YOI_ST_PLANNING;
			continue;
		}
		if (!is(e->kind, "state_changed"))
			continue;
		yoi_state f = yoi_state_parse(yoi_event_attr(e, "from"));
		yoi_state t = yoi_state_parse(yoi_event_attr(e, "to"));
		if (f == YOI_ST_INVALID || t == YOI_ST_INVALID)
			continue; /* doctor: thread-incomplete-transition */
		bool forced = is(yoi_event_attr(e, "forced"), "true");
		if (state != YOI_ST_INVALID && f != state)
			yoi_diag_add(d, ERR, "change-illegal-transition",
				     nw->thread_path, e->line,
				     "this transition starts from %s, but "
				     "the thread was in %s; record "
				     "transitions with 'yoi-tickets state'",
				     yoi_state_name(f), yoi_state_name(state));
		else if (!forced && !yoi_state_find(tab, f, t))
			yoi_diag_add(d, ERR, "change-illegal-transition",
				     nw->thread_path, e->line,
				     "%s -> %s is not in the transition "
				     "table; use 'yoi-tickets state' (or "
				     "--force --reason, recorded)",
				     yoi_state_name(f), yoi_state_name(t));
		state = t;
	}
}

void yoi_change_check(const yoi_ticket_files *old, const yoi_ticket_files *nw,
		      const yoi_state_table *tab, yoi_diag *d)
{
	bool had = old && old->thread, append_only = false;
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
	if (had && !nw->thread) {
		yoi_diag_add(d, ERR, "change-thread-removed", nw->thread_path,
			     0,
			     "thread.md was removed; it is the ticket's "
			     "history: restore it from git");
	} else if (had &&
		   (nw->thread_len < old->thread_len ||
		    memcmp(nw->thread, old->thread, old->thread_len) != 0)) {
		size_t k = 0;
		size_t n = nw->thread_len < old->thread_len ? nw->thread_len
							    : old->thread_len;
		while (k < n && nw->thread[k] == old->thread[k])
			k++;
		/* Report the start of the line where they differ. */
		while (k > 0 && old->thread[k - 1] != '\n')
			k--;
		yoi_diag_add(d, ERR, "change-thread-rewritten", nw->thread_path,
			     line_of(old->thread, k),
			     "thread.md is append-only, but this change edits "
			     "or removes existing lines; restore them and "
			     "append new events instead");
	} else if (nw->thread) {
		append_only = true;
	}
	/* One parse of the new thread serves both checks. */
	yoi_thread *th = NULL;
	if (nw->thread && yoi_thread_parse(&th, nw->thread, nw->thread_len,
					   nw->thread_path, d) < 0)
		th = NULL; /* reported by the doctor checks */
	if (th && append_only) {
		size_t from = had ? old->thread_len : 0;
		check_new_transitions(
		    nw, th, from,
		    had ? replay_before(th, from) : YOI_ST_INVALID, tab, d);
	}
	yoi_doctor_check_parsed(nw, th, tab, d);
	yoi_thread_free(th);
}
