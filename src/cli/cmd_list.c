/* cmd_list.c - tickets filtered by state, assignee, risk flag, text. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

/*
 * What a listed ticket shows, copied out of its item so the item can be
 * freed at once: holding 10,000 parsed items would only grow the heap.
 */
enum { COL_TITLE, COL_STATE, COL_ASSIGNEE, COL_READINESS, COL_PRIORITY,
       COL_CREATED, COL_UPDATED, NCOL };
static const char *const col_key[NCOL] = {"title",    "state",     "assignee",
					  "readiness", "priority", "created_at",
					  "updated_at"};

typedef struct row {
	bool loaded;
	bool match;
	char *col[NCOL]; /* NULL when absent or null */
	yoi_strv risk;
	char *err; /* why it was not loaded */
} row;

typedef struct load_job {
	const yoi_store *st;
	const yoi_strv *ids;
	const filter *f;
	unsigned what;
	row *rows;
} load_job;

static void load_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	load_job *j = ctx;
	row *r = &j->rows[i];
	yoi_ticket *t;
	yoi_error err;
	if (yoi_ticket_load(&t, j->st, j->ids->v[i], j->what, &err) < 0) {
		r->err = yoi_strdup(err.msg);
		return;
	}
	r->loaded = true;
	r->match = matches(t->item, j->f);
	if (r->match) {
		for (int c = 0; c < NCOL; c++)
			r->col[c] = yoi_strdup(yoi_item_get(t->item, col_key[c]));
		const yoi_field *rf = yoi_item_field(t->item, "risk_flags");
		for (size_t k = 0; rf && rf->type == YOI_FIELD_LIST && k < rf->nlist;
		     k++)
			yoi_strv_push(&r->risk, rf->list[k]);
	}
	yoi_ticket_free(t);
}

static void row_free(row *r)
{
	for (int c = 0; c < NCOL; c++)
		free(r->col[c]);
	yoi_strv_free(&r->risk);
	free(r->err);
}

static json_t *row_json(const char *id, const row *r)
{
	json_t *risk = json_array();
	for (size_t i = 0; i < r->risk.n; i++)
		json_array_append_new(risk, json_string(r->risk.v[i]));
	return json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?}",
			 "id", id, "title", r->col[COL_TITLE], "state",
			 r->col[COL_STATE], "assignee", r->col[COL_ASSIGNEE],
			 "readiness", r->col[COL_READINESS], "risk_flags", risk,
			 "priority", r->col[COL_PRIORITY], "created_at",
			 r->col[COL_CREATED], "updated_at", r->col[COL_UPDATED]);
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
	load_job j = {st, &ids, &f,
		      (f.search ? YOI_LOAD_ITEM : YOI_LOAD_FRONTMATTER) |
			      YOI_LOAD_DIR_CHECKED,
		      calloc(ids.n ? ids.n : 1, sizeof(row))};
	if (!j.rows) {
		yoi_strv_free(&ids);
		return yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOMEM,
						       NULL, 0,
						       "out of memory"));
	}
	yoi_par_for(ids.n, yoi_par_threads(ids.n), load_nth, &j);
	json_t *arr = json ? json_array() : NULL;
	long shown = 0;
	for (size_t i = 0; i < ids.n; i++) {
		row *r = &j.rows[i];
		if (!r->loaded)
			fprintf(stderr, "yoi-tickets list: skipping %s: %s\n",
				ids.v[i], r->err ? r->err : "out of memory");
		else if (r->match && (f.limit < 0 || shown < f.limit)) {
			shown++;
			if (arr)
				json_array_append_new(arr, row_json(ids.v[i], r));
			else
				printf("%s  %-10s  %-12s  %s\n", ids.v[i],
				       r->col[COL_STATE],
				       r->col[COL_ASSIGNEE] && *r->col[COL_ASSIGNEE]
					       ? r->col[COL_ASSIGNEE]
					       : "-",
				       r->col[COL_TITLE] ? r->col[COL_TITLE] : "-");
		}
		row_free(r);
	}
	free(j.rows);
	yoi_strv_free(&ids);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}
