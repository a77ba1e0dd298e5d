/* cmd_list.c - list: the query (query.h) of the flags, printed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/query.h"

static json_t *strv_json(const yoi_strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

static json_t *row_json(const yoi_row *r)
{
	return json_pack(
	    "{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?, s:s?, s:s?}", "id",
	    r->id, "title", r->col[YOI_ROW_TITLE], "state",
	    r->col[YOI_ROW_STATE], "assignee", r->col[YOI_ROW_ASSIGNEE],
	    "readiness", r->col[YOI_ROW_READINESS], "risk_flags",
	    strv_json(&r->risk), "labels", strv_json(&r->tags), "priority",
	    r->col[YOI_ROW_PRIORITY], "created_at", r->col[YOI_ROW_CREATED],
	    "updated_at", r->col[YOI_ROW_UPDATED]);
}

/* --state a,b: checked as it comes, as the other flags. */
static int state_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	int e = yoi_query_states(opt->value, arg, &ctx->err);
	if (e == YOI_EUSAGE)
		return yoi_cli_usage(ctx, "%s", ctx->err.msg);
	return e < 0 ? yoi_cli_fail(ctx, e) : 0;
}

/* One text row; the ID and the state coloured on a terminal (both are
 * validated names, so the colour codes wrap text that needs no escaping). */
static void list_row(yoi_ctx *ctx, const yoi_cli_abbrev *ab, const yoi_row *r,
		     const char *a)
{
	const char *st = r->col[YOI_ROW_STATE] ? r->col[YOI_ROW_STATE] : "";
	bool known = yoi_state_parse(st) != YOI_ST_INVALID;
	printf("%s%-*s%s  ", yoi_cli_sgr(ctx, 1, "id"),
	       ab->min ? (int)ab->width : YOI_ID_LEN,
	       yoi_cli_abbrev_of(ab, r->id), yoi_cli_sgr_off(ctx, 1));
	const char *as = a && *a ? a : "-";
	const char *title = r->col[YOI_ROW_TITLE] ? r->col[YOI_ROW_TITLE] : "-";
	if (known) {
		printf("%s%-10s%s", yoi_cli_sgr(ctx, 1, st), st,
		       yoi_cli_sgr_off(ctx, 1));
		yoi_cli_println("  %-12s  %s", as, title);
	} else {
		yoi_cli_println("%-10s  %-12s  %s", st, as, title);
	}
}

static int sort_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	yoi_query *q = opt->value;
	if (strcmp(arg, "id") != 0 && strcmp(arg, "priority") != 0)
		return yoi_cli_usage(
		    ctx, "--sort takes id or priority, got '%s'", arg);
	q->by_priority = strcmp(arg, "priority") == 0;
	return 0;
}

int yoi_cmd_list(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_query q;
	yoi_query_init(&q);
	yoi_cli_abbrev ab = {0};
	const char *labels[64];
	yoi_optlist label_l = {labels, 0};
	yoi_store *st;
	int rc, e;
	const yoi_option opts[] = {
	    YOI_OPT_CALLBACK("state", &q, state_cb, "states, comma-separated"),
	    YOI_OPT_STRING("assignee", 0, &q.assignee, "whose"),
	    YOI_OPT_STRING("risk-flag", 0, &q.risk, "with this risk flag"),
	    YOI_OPT_LIST("label", &label_l, 64,
			 "with this label (repeatable: all of them)"),
	    YOI_OPT_STRING("search", 0, &q.search, "text to find"),
	    YOI_OPT_STRING("priority", 0, &q.priority, "with this priority"),
	    YOI_OPT_CALLBACK("sort", &q, sort_cb, "id or priority"),
	    YOI_OPT_UINT("limit", &q.limit, 0, "at most N tickets"),
	    YOI_OPT_ABBREV(&ab),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	rc = yoi_cli_open(ctx, argc, argv, opts, true, &st);
	if (rc != YOI_CLI_GO)
		return rc;
	q.labels = labels;
	q.nlabels = label_l.n;
	if (!ctx->json && (rc = yoi_cli_abbrev_load(ctx, st, &ab)))
		return rc;
	yoi_query_result res;
	if ((e = yoi_query_list(&res, st, &q, &ctx->err)) < 0)
		return yoi_cli_fail(ctx, e);
	if (res.cache_err && ctx->verbose)
		yoi_cli_eprintf("yoi-tickets list: cache not saved: %s\n",
				res.cache_err);
	json_t *arr = ctx->json ? json_array() : NULL;
	for (size_t i = 0; i < res.n; i++) {
		const yoi_row *r = res.v[i].row;
		if (!r) {
			yoi_cli_eprintf("yoi-tickets list: skipping %s: %s\n",
					res.v[i].id, res.v[i].skip);
			continue;
		}
		const char *a = r->col[YOI_ROW_ASSIGNEE];
		if (arr)
			json_array_append_new(arr, row_json(r));
		else
			list_row(ctx, &ab, r, a);
	}
	yoi_query_result_free(&res);
	yoi_cli_abbrev_free(&ab);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}
