/* history.c - the merge-aware append-only rule over parsed threads. */
#include "yoi/history.h"

#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/thread.h"

/* Length of s[0..n) without trailing line breaks and blanks. */
static size_t trimmed(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t'))
		n--;
	return n;
}

static bool block_eq(const char *a, const yoi_event *ea, const char *b,
		     const yoi_event *eb)
{
	size_t la = trimmed(a + ea->start, ea->end - ea->start);
	size_t lb = trimmed(b + eb->start, eb->end - eb->start);
	return la == lb && memcmp(a + ea->start, b + eb->start, la) == 0;
}

int yoi_history_check(yoi_history *out, const char *old, size_t old_len,
		      const yoi_thread *old_th, const char *nw, size_t nw_len,
		      const yoi_thread *nw_th)
{
	memset(out, 0, sizeof(*out));
	out->n = nw_th ? nw_th->n : 0;
	if (out->n && !(out->added = calloc(out->n, sizeof(*out->added))))
		return YOI_ENOMEM;
	/* The common case: the old bytes, then appended ones. */
	if (nw_len >= old_len && memcmp(nw, old, old_len) == 0) {
		out->ok = out->appended = true;
		for (size_t i = 0; i < out->n; i++)
			out->added[i] = nw_th->ev[i].start >= old_len;
		return 0;
	}
	size_t on = old_th ? old_th->n : 0;
	/* The preamble (bytes before the first event) stays as it was. */
	size_t op = on ? old_th->ev[0].start : old_len;
	size_t np = out->n ? nw_th->ev[0].start : nw_len;
	if (trimmed(old, op) != trimmed(nw, np) ||
	    memcmp(old, nw, trimmed(old, op)) != 0) {
		size_t k = 0, m = trimmed(old, op) < trimmed(nw, np)
				      ? trimmed(old, op)
				      : trimmed(nw, np);
		while (k < m && old[k] == nw[k])
			k++;
		while (k > 0 && old[k - 1] != '\n')
			k--;
		out->missing_line = yoi_line_at(old, k);
		for (size_t i = 0; i < out->n; i++)
			out->added[i] = true;
		return 0;
	}
	/*
	 * Every old block, in order, as a subsequence of the new blocks.
	 * Greedy is exact for subsequence matching: taking the earliest
	 * equal block never rules out a later match.
	 */
	for (size_t i = 0; i < out->n; i++)
		out->added[i] = true;
	size_t j = 0;
	for (size_t i = 0; i < on; i++) {
		while (j < out->n &&
		       !block_eq(old, &old_th->ev[i], nw, &nw_th->ev[j]))
			j++;
		if (j == out->n) {
			out->missing_line = old_th->ev[i].line;
			return 0;
		}
		out->added[j++] = false;
	}
	out->ok = true;
	return 0;
}

void yoi_history_free(yoi_history *h)
{
	if (!h)
		return;
	free(h->added);
	h->added = NULL;
	h->n = 0;
}

static bool kind_is(const yoi_event *e, const char *k)
{
	return e->kind && strcmp(e->kind, k) == 0;
}

/* Whether the close (reopen) at i is followed by its own state_changed to
 * `to` (closed, planning) before any other close, reopen or transition. */
static bool paired(const yoi_thread *th, size_t i, const char *want)
{
	for (size_t k = i + 1; k < th->n; k++) {
		const yoi_event *e = &th->ev[k];
		if (kind_is(e, "state_changed")) {
			const char *to = yoi_event_attr(e, "to");
			return to && strcmp(to, want) == 0;
		}
		if (kind_is(e, "close") || kind_is(e, "closed") ||
		    kind_is(e, "reopen"))
			return false;
	}
	return false;
}

size_t yoi_history_chain(const yoi_thread *th, yoi_chain_break *out, size_t max,
			 bool *inherited_gap)
{
	const char *state = NULL;
	size_t setter = 0, n = 0, first_unsettled = 0;
	bool seen_transition = false;
	if (inherited_gap)
		*inherited_gap = false;
	for (size_t i = 0; th && i < th->n; i++) {
		const yoi_event *e = &th->ev[i];
		if (kind_is(e, "create")) {
			state = "planning";
			setter = i;
		} else if (kind_is(e, "migration")) {
			const char *to = yoi_event_attr(e, "to");
			if (!to)
				to = yoi_event_attr(e, "state");
			if (to && *to) {
				state = to;
				setter = i;
			}
		} else if (kind_is(e, "close") || kind_is(e, "closed")) {
			if (!paired(th, i, "closed")) {
				state = "closed";
				setter = i;
			}
		} else if (kind_is(e, "reopen")) {
			/* An older tool's reopen, logged alone. */
			if (!paired(th, i, "planning")) {
				state = "planning";
				setter = i;
			}
		} else if (kind_is(e, "state_changed")) {
			const char *from = yoi_event_attr(e, "from");
			const char *to = yoi_event_attr(e, "to");
			const char *forced = yoi_event_attr(e, "forced");
			if (forced && strcmp(forced, "true") == 0)
				for (size_t k = first_unsettled;
				     k < n && k < max; k++)
					out[k].settled = true;
			if (forced && strcmp(forced, "true") == 0)
				first_unsettled = n;
			bool whole = from && *from && to && *to;
			if (whole && state && strcmp(from, state) != 0) {
				if (!seen_transition) {
					if (inherited_gap)
						*inherited_gap = true;
				} else {
					if (n < max)
						out[n] = (yoi_chain_break){
						    i, setter, from, state,
						    false};
					n++;
				}
			}
			seen_transition = true;
			/* An incomplete transition (doctor reports it)
			 * leaves the chain unknown until the next one. */
			state = whole ? to : (to && *to ? to : NULL);
			setter = i;
		}
	}
	return n;
}
