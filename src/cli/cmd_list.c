/* cmd_list.c - tickets filtered by state, assignee, risk flag, text. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/listcache.h"
#include "yoi/par.h"
#include "yoi/state.h"

typedef struct filter {
	bool states[YOI_ST__COUNT];
	const char *assignee;
	const char *risk;
	const char *search;
	long limit; /* -1: none */
} filter;

static int parse_states(yoi_ctx *ctx, const char *spec, filter *f)
{
	memset(f->states, 0, sizeof(f->states));
	if (strcmp(spec, "all") == 0 || strcmp(spec, "active") == 0) {
		for (int i = 0; i < YOI_ST__COUNT; i++)
			f->states[i] =
			    strcmp(spec, "all") == 0 || i != YOI_ST_CLOSED;
		return 0;
	}
	char *copy = yoi_strdup(spec), *save = NULL;
	if (!copy)
		return 6;
	int rc = 0;
	for (char *s = strtok_r(copy, ",", &save); s && !rc;
	     s = strtok_r(NULL, ",", &save)) {
		yoi_state st = yoi_state_parse(s);
		if (st == YOI_ST_INVALID)
			rc =
			    yoi_cli_usage(ctx,
					  "unknown state '%s' in --state; use "
					  "active, all, or a list of planning, "
					  "ready, queued, inprogress, done, "
					  "closed",
					  s);
		else
			f->states[st] = true;
	}
	free(copy);
	return rc;
}

static bool contains_ci(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return true;
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

/* The filters that need only the row (state, assignee, risk flag). */
static bool row_matches(const yoi_row *r, const filter *f)
{
	yoi_state st = yoi_state_parse(r->col[YOI_ROW_STATE]);
	if (st == YOI_ST_INVALID || !f->states[st])
		return false;
	if (f->assignee && (!r->col[YOI_ROW_ASSIGNEE] ||
			    strcmp(r->col[YOI_ROW_ASSIGNEE], f->assignee) != 0))
		return false;
	return !f->risk || yoi_strv_contains(&r->risk, f->risk);
}

/* --search: title or body, case-insensitively (needs the whole item). */
static bool search_matches(const yoi_item *it, const char *needle)
{
	const char *title = yoi_item_get(it, "title");
	size_t blen;
	const char *body = yoi_item_body(it, &blen);
	return (title && contains_ci(title, strlen(title), needle)) ||
	       contains_ci(body, blen, needle);
}

/* --search: the whole item of each ticket whose row matched, on all cores. */
typedef struct search_job {
	const yoi_store *st;
	const yoi_strv *ids;
	const char *needle;
	bool *match;
	char **err;
} search_job;

static void search_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	search_job *j = ctx;
	if (!j->match[i])
		return;
	yoi_ticket *t;
	yoi_error err;
	if (yoi_ticket_load(&t, j->st, j->ids->v[i],
			    YOI_LOAD_ITEM | YOI_LOAD_DIR_CHECKED, &err) < 0) {
		j->match[i] = false;
		j->err[i] = yoi_strdup(err.msg);
		return;
	}
	j->match[i] = search_matches(t->item, j->needle);
	yoi_ticket_free(t);
}

static json_t *row_json(const yoi_row *r)
{
	json_t *risk = json_array();
	for (size_t i = 0; i < r->risk.n; i++)
		json_array_append_new(risk, json_string(r->risk.v[i]));
	return json_pack(
	    "{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?}", "id", r->id,
	    "title", r->col[YOI_ROW_TITLE], "state", r->col[YOI_ROW_STATE],
	    "assignee", r->col[YOI_ROW_ASSIGNEE], "readiness",
	    r->col[YOI_ROW_READINESS], "risk_flags", risk, "priority",
	    r->col[YOI_ROW_PRIORITY], "created_at", r->col[YOI_ROW_CREATED],
	    "updated_at", r->col[YOI_ROW_UPDATED]);
}

int yoi_cmd_list(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"state", required_argument, NULL, 's'},
	    {"assignee", required_argument, NULL, 'a'},
	    {"risk-flag", required_argument, NULL, 'x'},
	    {"search", required_argument, NULL, 'q'},
	    {"limit", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	filter f = {.limit = -1};
	bool json = false;
	int c, rc = parse_states(ctx, "active", &f);
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 's':
			if ((rc = parse_states(ctx, optarg, &f)))
				return rc;
			break;
		case 'a':
			f.assignee = optarg;
			break;
		case 'x':
			f.risk = optarg;
			break;
		case 'q':
			f.search = optarg;
			break;
		case 'n':
			if (yoi_cli_uint(ctx, "--limit", optarg, &f.limit))
				return 2;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	yoi_store *st;
	if ((rc = yoi_cli_store(ctx, true, &st)))
		return rc;
	yoi_strv ids = {0};
	int e = yoi_store_ids(st, &ids, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	yoi_rows rows;
	if ((e = yoi_rows_load(&rows, st, &ids, 0, &ctx->err)) < 0) {
		yoi_strv_free(&ids);
		return yoi_cli_fail(ctx, e);
	}
	if (rows.save_err && ctx->verbose)
		yoi_cli_eprintf("yoi-tickets list: cache not saved: %s\n",
				rows.save_err);
	bool *match = calloc(ids.n ? ids.n : 1, sizeof(*match));
	char **serr = calloc(ids.n ? ids.n : 1, sizeof(*serr));
	if (!match || !serr) {
		free(match);
		free(serr);
		yoi_rows_free(&rows);
		yoi_strv_free(&ids);
		return yoi_cli_fail(ctx,
				    yoi_error_set(&ctx->err, YOI_ENOMEM, NULL,
						  0, "out of memory"));
	}
	for (size_t i = 0; i < ids.n; i++)
		match[i] = rows.row[i] && row_matches(rows.row[i], &f);
	if (f.search) {
		search_job sj = {st, &ids, f.search, match, serr};
		yoi_par_for(ids.n, yoi_par_threads(ids.n), search_nth, &sj);
	}
	json_t *arr = json ? json_array() : NULL;
	long shown = 0;
	for (size_t i = 0; i < ids.n; i++) {
		const yoi_row *r = rows.row[i];
		const char *why = r ? serr[i] : rows.err[i];
		if (why || !r) {
			yoi_cli_eprintf("yoi-tickets list: skipping %s: %s\n",
					ids.v[i], why ? why : "unreadable");
			continue;
		}
		if (!match[i] || (f.limit >= 0 && shown >= f.limit))
			continue;
		shown++;
		const char *a = r->col[YOI_ROW_ASSIGNEE];
		if (arr)
			json_array_append_new(arr, row_json(r));
		else
			yoi_cli_println(
			    "%s  %-10s  %-12s  %s", r->id,
			    r->col[YOI_ROW_STATE], a && *a ? a : "-",
			    r->col[YOI_ROW_TITLE] ? r->col[YOI_ROW_TITLE]
						  : "-");
	}
	for (size_t i = 0; i < ids.n; i++)
		free(serr[i]);
	free(serr);
	free(match);
	yoi_rows_free(&rows);
	yoi_strv_free(&ids);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}
