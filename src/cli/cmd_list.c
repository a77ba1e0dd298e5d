/* cmd_list.c - tickets filtered by state, assignee, risk flag, text. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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
			f->states[i] = strcmp(spec, "all") == 0 ||
				       i != YOI_ST_CLOSED;
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
			rc = yoi_cli_usage(ctx,
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

static bool matches(const yoi_item *it, const filter *f)
{
	yoi_state st = yoi_state_parse(yoi_item_get(it, "state"));
	if (st == YOI_ST_INVALID || !f->states[st])
		return false;
	if (f->assignee) {
		const char *a = yoi_item_get(it, "assignee");
		if (!a || strcmp(a, f->assignee) != 0)
			return false;
	}
	if (f->risk) {
		const yoi_field *r = yoi_item_field(it, "risk_flags");
		bool hit = false;
		for (size_t i = 0; r && r->type == YOI_FIELD_LIST && i < r->nlist;
		     i++)
			hit |= strcmp(r->list[i], f->risk) == 0;
		if (!hit)
			return false;
	}
	if (f->search) {
		const char *title = yoi_item_get(it, "title");
		size_t blen;
		const char *body = yoi_item_body(it, &blen);
		if (!(title && contains_ci(title, strlen(title), f->search)) &&
		    !contains_ci(body, blen, f->search))
			return false;
	}
	return true;
}

static json_t *row_json(const yoi_ticket *t)
{
	const yoi_item *it = t->item;
	const yoi_field *rf = yoi_item_field(it, "risk_flags");
	json_t *risk = json_array();
	for (size_t i = 0; rf && rf->type == YOI_FIELD_LIST && i < rf->nlist; i++)
		json_array_append_new(risk, json_string(rf->list[i]));
	return json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?}",
			 "id", t->id, "title", yoi_item_get(it, "title"),
			 "state", yoi_item_get(it, "state"), "assignee",
			 yoi_item_get(it, "assignee"), "readiness",
			 yoi_item_get(it, "readiness"), "risk_flags", risk,
			 "priority", yoi_item_get(it, "priority"),
			 "created_at", yoi_item_get(it, "created_at"),
			 "updated_at", yoi_item_get(it, "updated_at"));
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
		case 'h':
			yoi_cli_help(ctx->cmd, stdout);
			return 0;
		default:
			return 2;
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
	/* Only --search needs the body; the rest reads the frontmatter. */
	unsigned what = f.search ? YOI_LOAD_ITEM : YOI_LOAD_FRONTMATTER;
	json_t *arr = json ? json_array() : NULL;
	long shown = 0;
	for (size_t i = 0; i < ids.n && (f.limit < 0 || shown < f.limit); i++) {
		yoi_ticket *t;
		yoi_error err = {0};
		if (yoi_ticket_load(&t, st, ids.v[i], what, &err) < 0) {
			fprintf(stderr, "yoi-tickets list: skipping %s: %s\n",
				ids.v[i], err.msg);
			continue;
		}
		if (matches(t->item, &f)) {
			shown++;
			if (arr) {
				json_array_append_new(arr, row_json(t));
			} else {
				const char *a = yoi_item_get(t->item, "assignee");
				printf("%s  %-10s  %-12s  %s\n", t->id,
				       yoi_item_get(t->item, "state"),
				       a && *a ? a : "-",
				       yoi_item_get(t->item, "title")
					       ? yoi_item_get(t->item, "title")
					       : "-");
			}
		}
		yoi_ticket_free(t);
	}
	yoi_strv_free(&ids);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}
