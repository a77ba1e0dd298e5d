#include <criterion/criterion.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/state.h"

#define P YOI_ST_PLANNING
#define R YOI_ST_READY
#define Q YOI_ST_QUEUED
#define I YOI_ST_INPROGRESS
#define D YOI_ST_DONE
#define C YOI_ST_CLOSED

Test(state, names_round_trip)
{
	const char *want[] = {"planning",   "ready", "queued",
			      "inprogress", "done",  "closed"};
	cr_assert_eq(sizeof(want) / sizeof(*want), YOI_ST__COUNT);
	for (int s = 0; s < YOI_ST__COUNT; s++) {
		cr_assert_str_eq(yoi_state_name((yoi_state)s), want[s]);
		cr_assert_eq(yoi_state_parse(want[s]), (yoi_state)s);
		cr_assert_eq(yoi_state_parse(yoi_state_name((yoi_state)s)),
			     (yoi_state)s);
	}
}

Test(state, invalid_names)
{
	cr_assert_str_eq(yoi_state_name(YOI_ST_INVALID), "?");
	cr_assert_str_eq(yoi_state_name(YOI_ST__COUNT), "?");
	cr_assert_str_eq(yoi_state_name((yoi_state)100), "?");
	const char *bad[] = {"",	  "Planning", "PLANNING",    "plan",
			     "planning ", " ready",   "in_progress", "active",
			     "?",	  "closed\n", "inprogres"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_eq(yoi_state_parse(bad[i]), YOI_ST_INVALID, "'%s'",
			     bad[i]);
	cr_assert_eq(yoi_state_parse(NULL), YOI_ST_INVALID);
}

/* SPEC 5, row by row. */
static const yoi_transition spec_rows[] = {
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
#define NSPEC (sizeof(spec_rows) / sizeof(*spec_rows))

Test(state, default_table_matches_spec)
{
	const yoi_state_table *t = yoi_state_default_table();
	cr_assert_not_null(t);
	cr_assert_eq(t, yoi_state_default_table());
	cr_assert_not(t->owned);
	cr_assert_eq(t->n, NSPEC);
	for (size_t i = 0; i < NSPEC; i++) {
		const yoi_transition *tr =
		    yoi_state_find(t, spec_rows[i].from, spec_rows[i].to);
		cr_assert_not_null(tr, "%s -> %s",
				   yoi_state_name(spec_rows[i].from),
				   yoi_state_name(spec_rows[i].to));
		cr_assert_eq(tr->from, spec_rows[i].from);
		cr_assert_eq(tr->to, spec_rows[i].to);
		cr_assert_eq(tr->flags, spec_rows[i].flags, "%s -> %s: %#x",
			     yoi_state_name(tr->from), yoi_state_name(tr->to),
			     tr->flags);
	}
}

static bool in_spec(yoi_state from, yoi_state to)
{
	for (size_t i = 0; i < NSPEC; i++)
		if (spec_rows[i].from == from && spec_rows[i].to == to)
			return true;
	return false;
}

Test(state, everything_else_is_refused)
{
	const yoi_state_table *t = yoi_state_default_table();
	size_t allowed = 0;
	for (int f = 0; f < YOI_ST__COUNT; f++)
		for (int to = 0; to < YOI_ST__COUNT; to++) {
			const yoi_transition *tr =
			    yoi_state_find(t, (yoi_state)f, (yoi_state)to);
			cr_assert_eq(tr != NULL,
				     in_spec((yoi_state)f, (yoi_state)to),
				     "%s -> %s", yoi_state_name((yoi_state)f),
				     yoi_state_name((yoi_state)to));
			allowed += tr != NULL;
		}
	cr_assert_eq(allowed, NSPEC);
	/* A few that matter, spelled out. */
	cr_assert_null(yoi_state_find(t, P, D));
	cr_assert_null(yoi_state_find(t, P, Q));
	cr_assert_null(yoi_state_find(t, P, I));
	cr_assert_null(yoi_state_find(t, R, I));
	cr_assert_null(yoi_state_find(t, I, P));
	cr_assert_null(yoi_state_find(t, C, R));
	cr_assert_null(yoi_state_find(t, C, C));
	cr_assert_null(yoi_state_find(t, D, D));
	cr_assert_null(yoi_state_find(t, YOI_ST_INVALID, P));
	cr_assert_null(yoi_state_find(t, P, YOI_ST_INVALID));
}

Test(state, closed_is_reached_only_via_close)
{
	const yoi_state_table *t = yoi_state_default_table();
	for (size_t i = 0; i < t->n; i++) {
		bool to_closed = t->v[i].to == C;
		cr_assert_eq((t->v[i].flags & YOI_TR_VIA_CLOSE) != 0,
			     to_closed);
		cr_assert_eq((t->v[i].flags & YOI_TR_VIA_REOPEN) != 0,
			     t->v[i].from == C);
	}
	/* Every active state can be closed. */
	for (int s = 0; s < YOI_ST__COUNT; s++)
		if (s != C)
			cr_assert_not_null(yoi_state_find(t, (yoi_state)s, C));
}

static void targets_are(const yoi_state_table *t, yoi_state from,
			const char *want)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_state_targets(t, from, &b), 0);
	cr_assert_str_eq(b.ptr, want, "from %s", yoi_state_name(from));
	yoi_buf_free(&b);
}

Test(state, targets_text)
{
	const yoi_state_table *t = yoi_state_default_table();
	targets_are(t, P, "ready, closed (via close)");
	targets_are(t, R, "queued, planning, closed (via close)");
	targets_are(t, Q, "inprogress, planning, closed (via close)");
	targets_are(t, I, "done, closed (via close)");
	targets_are(t, D, "inprogress, closed (via close)");
	targets_are(t, C, "planning (via reopen)");
	targets_are(t, YOI_ST_INVALID, "(none)");
}

Test(state, targets_appends_to_the_buffer)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "allowed: "), 0);
	cr_assert_eq(yoi_state_targets(yoi_state_default_table(), I, &b), 0);
	cr_assert_str_eq(b.ptr, "allowed: done, closed (via close)");
	yoi_buf_free(&b);
}

Test(state, targets_of_an_empty_table)
{
	yoi_state_table t;
	cr_assert_eq(yoi_state_table_from_pairs(&t, NULL, NULL, 0), 0);
	cr_assert_eq(t.n, 0);
	cr_assert(t.owned);
	cr_assert_null(yoi_state_find(&t, P, R));
	targets_are(&t, P, "(none)");
	yoi_state_table_free(&t);
	cr_assert_null(t.v);
	cr_assert_eq(t.n, 0);
}

Test(state, from_pairs_copies_default_flags)
{
	/* The whole default table, given as pairs, comes back identical. */
	yoi_state from[NSPEC], to[NSPEC];
	for (size_t i = 0; i < NSPEC; i++) {
		from[i] = spec_rows[i].from;
		to[i] = spec_rows[i].to;
	}
	yoi_state_table t;
	cr_assert_eq(yoi_state_table_from_pairs(&t, from, to, NSPEC), 0);
	cr_assert(t.owned);
	cr_assert_eq(t.n, NSPEC);
	for (size_t i = 0; i < NSPEC; i++) {
		cr_assert_eq(t.v[i].from, spec_rows[i].from);
		cr_assert_eq(t.v[i].to, spec_rows[i].to);
		cr_assert_eq(t.v[i].flags, spec_rows[i].flags);
	}
	yoi_state_table_free(&t);
}

static unsigned pair_flags(yoi_state from, yoi_state to)
{
	yoi_state_table t;
	cr_assert_eq(yoi_state_table_from_pairs(&t, &from, &to, 1), 0);
	cr_assert_eq(t.n, 1);
	const yoi_transition *tr = yoi_state_find(&t, from, to);
	cr_assert_not_null(tr);
	unsigned f = tr->flags;
	yoi_state_table_free(&t);
	return f;
}

Test(state, from_pairs_conventions)
{
	/* Pairs with a default row keep its flags. */
	cr_assert_eq(pair_flags(P, R), YOI_TR_NEEDS_SUMMARY);
	cr_assert_eq(pair_flags(R, Q), YOI_TR_QUEUE_GUARD | YOI_TR_SETS_QUEUED);
	cr_assert_eq(pair_flags(Q, I), YOI_TR_START_GUARD);
	cr_assert_eq(pair_flags(D, I), YOI_TR_NEEDS_REASON);
	cr_assert_eq(pair_flags(I, D), 0);
	/* New pairs take the target state's conventions. */
	cr_assert_eq(pair_flags(P, Q), YOI_TR_QUEUE_GUARD | YOI_TR_SETS_QUEUED);
	cr_assert_eq(pair_flags(I, Q), YOI_TR_QUEUE_GUARD | YOI_TR_SETS_QUEUED);
	cr_assert_eq(pair_flags(C, R), YOI_TR_VIA_REOPEN | YOI_TR_NEEDS_REASON);
	cr_assert_eq(pair_flags(C, Q), YOI_TR_VIA_REOPEN | YOI_TR_NEEDS_REASON |
					   YOI_TR_QUEUE_GUARD |
					   YOI_TR_SETS_QUEUED);
	cr_assert_eq(pair_flags(C, I), YOI_TR_VIA_REOPEN | YOI_TR_NEEDS_REASON);
	/* Only queued -> inprogress runs the start guard. */
	cr_assert_eq(pair_flags(R, I), 0);
	cr_assert_eq(pair_flags(P, I), 0);
	cr_assert_eq(pair_flags(I, P), 0);
	cr_assert_eq(pair_flags(D, P), 0);
	cr_assert_eq(pair_flags(P, D), 0);
	/* Only planning -> ready needs the summary. */
	cr_assert_eq(pair_flags(D, R), 0);
}

Test(state, from_pairs_keeps_order_and_targets)
{
	yoi_state from[] = {P, R, P, R, I};
	yoi_state to[] = {R, D, C, P, D};
	yoi_state_table t;
	cr_assert_eq(yoi_state_table_from_pairs(&t, from, to, 5), 0);
	cr_assert_eq(t.n, 5);
	for (size_t i = 0; i < 5; i++) {
		cr_assert_eq(t.v[i].from, from[i]);
		cr_assert_eq(t.v[i].to, to[i]);
	}
	targets_are(&t, P, "ready, closed (via close)");
	targets_are(&t, R, "done, planning");
	targets_are(&t, Q, "(none)");
	cr_assert_not_null(yoi_state_find(&t, R, D));
	cr_assert_null(yoi_state_find(&t, R, Q));
	yoi_state_table_free(&t);
}

Test(state, free_is_safe)
{
	yoi_state_table_free(NULL);
	/* Freeing a copy of the built-in table must not free static memory. */
	yoi_state_table copy = *yoi_state_default_table();
	yoi_state_table_free(&copy);
	cr_assert_null(copy.v);
	cr_assert_eq(yoi_state_default_table()->n, NSPEC);
	yoi_state_table t;
	yoi_state s = P, d = R;
	cr_assert_eq(yoi_state_table_from_pairs(&t, &s, &d, 1), 0);
	yoi_state_table_free(&t);
	yoi_state_table_free(&t); /* reset, so twice is harmless */
}

Test(state, finished_is_done_or_closed)
{
	for (int s = 0; s < YOI_ST__COUNT; s++)
		cr_assert_eq(yoi_state_finished((yoi_state)s),
			     s == YOI_ST_DONE || s == YOI_ST_CLOSED, "%s",
			     yoi_state_name((yoi_state)s));
	cr_assert_not(yoi_state_finished(YOI_ST_INVALID));
}
