/* state.c - states and the transition table (SPEC 5). */
#include "yoi/state.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[YOI_ST__COUNT] = {
    "planning", "ready", "queued", "inprogress", "done", "closed",
};

bool yoi_state_finished(yoi_state s)
{
	return s == YOI_ST_DONE || s == YOI_ST_CLOSED;
}

const char *yoi_state_name(yoi_state s)
{
	return s >= 0 && s < YOI_ST__COUNT ? names[s] : "?";
}

yoi_state yoi_state_parse(const char *name)
{
	if (name)
		for (int i = 0; i < YOI_ST__COUNT; i++)
			if (strcmp(names[i], name) == 0)
				return (yoi_state)i;
	return YOI_ST_INVALID;
}

#define P YOI_ST_PLANNING
#define R YOI_ST_READY
#define Q YOI_ST_QUEUED
#define I YOI_ST_INPROGRESS
#define D YOI_ST_DONE
#define C YOI_ST_CLOSED

static yoi_transition default_rows[] = {
    {P, R, YOI_TR_NEEDS_SUMMARY},
    {R, Q, YOI_TR_QUEUE_GUARD | YOI_TR_SETS_QUEUED},
    {Q, I, YOI_TR_START_GUARD},
    {I, D, 0},
    {D, I, YOI_TR_NEEDS_REASON},
    {R, P, YOI_TR_NEEDS_REASON},
    {Q, P, YOI_TR_NEEDS_REASON},
    {P, C, YOI_TR_VIA_CLOSE},
    {R, C, YOI_TR_VIA_CLOSE},
    {Q, C, YOI_TR_VIA_CLOSE},
    {I, C, YOI_TR_VIA_CLOSE},
    {D, C, YOI_TR_VIA_CLOSE},
    {C, P, YOI_TR_VIA_REOPEN | YOI_TR_NEEDS_REASON},
};

static const yoi_state_table default_table = {
    default_rows, sizeof(default_rows) / sizeof(*default_rows), false};

const yoi_state_table *yoi_state_default_table(void)
{
	return &default_table;
}

const yoi_transition *yoi_state_find(const yoi_state_table *t, yoi_state from,
				     yoi_state to)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].from == from && t->v[i].to == to)
			return &t->v[i];
	return NULL;
}

/* Flags for a configured pair with no default row: by convention. */
static unsigned conventional_flags(yoi_state from, yoi_state to)
{
	unsigned f = 0;
	if (to == C)
		f |= YOI_TR_VIA_CLOSE;
	if (from == C)
		f |= YOI_TR_VIA_REOPEN | YOI_TR_NEEDS_REASON;
	if (from == P && to == R)
		f |= YOI_TR_NEEDS_SUMMARY;
	if (to == Q)
		f |= YOI_TR_QUEUE_GUARD | YOI_TR_SETS_QUEUED;
	if (from == Q && to == I)
		f |= YOI_TR_START_GUARD;
	return f;
}

int yoi_state_table_from_pairs(yoi_state_table *out, const yoi_state *from,
			       const yoi_state *to, size_t n)
{
	memset(out, 0, sizeof(*out));
	yoi_transition *v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return YOI_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const yoi_transition *d =
		    yoi_state_find(&default_table, from[i], to[i]);
		v[i].from = from[i];
		v[i].to = to[i];
		v[i].flags = d ? d->flags : conventional_flags(from[i], to[i]);
	}
	out->v = v;
	out->n = n;
	out->owned = true;
	return 0;
}

void yoi_state_table_free(yoi_state_table *t)
{
	if (!t)
		return;
	if (t->owned)
		free(t->v);
	memset(t, 0, sizeof(*t));
}

int yoi_state_targets(const yoi_state_table *t, yoi_state from, yoi_buf *out)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].from != from)
			continue;
		unsigned f = t->v[i].flags;
		const char *via = f & YOI_TR_VIA_CLOSE	  ? " (via close)"
				  : f & YOI_TR_VIA_REOPEN ? " (via reopen)"
							  : "";
		if (yoi_buf_printf(out, "%s%s%s", k++ ? ", " : "",
				   yoi_state_name(t->v[i].to), via) < 0)
			return YOI_ENOMEM;
	}
	if (k == 0 && yoi_buf_puts(out, "(none)") < 0)
		return YOI_ENOMEM;
	return 0;
}
