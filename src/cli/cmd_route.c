/* cmd_route.c - route (SPEC 8): every ready and queued ticket classified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

/* Chains listed per waiting ticket (text and JSON); past it, truncated. */
#define CHAINS_MAX 1000

/* The width to wrap at: COLUMNS, else the terminal's; 0: do not wrap. */
static size_t wrap_width(void)
{
	const char *c = getenv("COLUMNS");
	char *end;
	long v = c && *c ? strtol(c, &end, 10) : 0;
	if (c && *c && *end == '\0' && v >= 20 && v <= 10000)
		return (size_t)v;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 0;
}

/*
 * A further chain under its ticket's line: "    <- " and the chain, broken
 * before a " <- " where the line would pass width (continuation lines
 * indented under the first link).
 */
static void print_chain(const char *text, size_t width)
{
	static const char first[] = "    <- ", cont[] = "       <- ";
	yoi_buf line = YOI_BUF_INIT;
	yoi_buf_puts(&line, first);
	const char *p = text;
	bool fresh = true; /* nothing on this line after its prefix */
	while (*p) {
		const char *sep = strstr(p, " <- ");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		if (width && !fresh && line.len + 4 + n > width) {
			yoi_cli_println("%s", line.ptr);
			line.len = 0;
			yoi_buf_puts(&line, cont);
		} else if (!fresh) {
			yoi_buf_puts(&line, " <- ");
		}
		yoi_buf_put(&line, p, n);
		fresh = false;
		p = sep ? sep + 4 : p + n;
	}
	yoi_cli_println("%s", line.ptr ? line.ptr : "");
	yoi_buf_free(&line);
}

static json_t *chains_json(const yoi_routing *r, const yoi_graph_chains *c)
{
	json_t *arr = json_array();
	for (size_t k = 0; arr && k < c->n; k++) {
		json_t *links = json_array();
		for (size_t j = c->start[k]; links && j < c->start[k + 1]; j++)
			json_array_append_new(
			    links,
			    json_pack("{s:s, s:s, s:s}", "id",
				      r->t[c->links[j].index].id, "via",
				      yoi_graph_kind_label(c->links[j].via),
				      "state",
				      yoi_state_name(c->links[j].state)));
		json_array_append_new(
		    arr, json_pack("{s:o, s:s?}", "links", links, "cycle_to",
				   c->cycle_to[k] == YOI_GRAPH_NONE
				       ? NULL
				       : r->t[c->cycle_to[k]].id));
	}
	return arr;
}

static json_t *entry_json(const yoi_routing *r, const yoi_graph_route *rt,
			  size_t i)
{
	const yoi_graph_route_entry *e = &rt->v[i];
	const yoi_routing_ticket *t = &r->t[e->index];
	yoi_buf why = YOI_BUF_INIT;
	yoi_graph_route_reason(&why, r->g, rt, i);
	json_t *chain = json_array();
	for (size_t k = 0; k < e->nchain; k++)
		json_array_append_new(
		    chain,
		    json_pack("{s:s, s:s, s:s}", "id",
			      r->t[e->chain[k].index].id, "via",
			      yoi_graph_kind_label(e->chain[k].via), "state",
			      yoi_state_name(e->chain[k].state)));
	yoi_graph_chains c = {0};
	if (e->cls == YOI_GRAPH_WAITING_DEPENDENCY)
		yoi_graph_chains_of(&c, r->g, e->index, CHAINS_MAX);
	json_t *j = json_pack(
	    "{s:s, s:s?, s:s, s:s, s:s, s:o, s:o, s:b, s:s?}", "id", t->id,
	    "title", t->title, "state", yoi_state_name(t->state), "class",
	    yoi_graph_class_name(e->cls), "reason", why.ptr ? why.ptr : "",
	    "chain", chain, "chains", chains_json(r, &c), "chains_truncated",
	    c.truncated, "partner",
	    e->partner == YOI_GRAPH_NONE ? NULL : r->t[e->partner].id);
	yoi_graph_chains_free(&c);
	yoi_buf_free(&why);
	return j;
}

/* --record ID: route only; ready and blocked refuse it. */
struct record {
	int mode;
	const char *id;
};

static int record_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	struct record *r = opt->value;
	if (r->mode != 0)
		return yoi_cli_usage(ctx, "--record goes with route");
	r->id = arg;
	return 0;
}

int yoi_cli_routing(yoi_ctx *ctx, yoi_store *st, bool warn, yoi_routing **out)
{
	int e = yoi_routing_load(out, st, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	const yoi_routing *r = *out;
	for (size_t i = 0; warn && i < r->n; i++)
		if (r->t[i].err)
			yoi_cli_eprintf("yoi-tickets %s: %s: %s\n", ctx->cmd,
					r->t[i].id, r->t[i].err);
	return 0;
}

/* mode: 0 route, 1 ready (actionable only), 2 blocked (waiting only). */
int yoi_cli_route(int argc, char **argv, yoi_ctx *ctx, int mode)
{
	struct record rec = {mode, NULL};
	yoi_cli_abbrev ab = {0};
	yoi_store *st;
	yoi_routing *r;
	char rec_id[YOI_ID_LEN + 1];
	int rc, e;
	const yoi_option opts[] = {
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_CALLBACK("record", &rec, record_cb,
			     "append the decision to that thread"),
	    YOI_OPT_ABBREV(&ab),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_none(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	if ((rc = yoi_cli_store_id(ctx, rec.id, &st, rec_id)) ||
	    (!ctx->json && (rc = yoi_cli_abbrev_load(ctx, st, &ab))) ||
	    (rc = yoi_cli_routing(ctx, st, true, &r))) {
		yoi_cli_abbrev_free(&ab);
		return rc;
	}
	yoi_graph_route *rt;
	if ((e = yoi_routing_route(&rt, r, st, &ctx->err)) < 0) {
		yoi_routing_free(r);
		return yoi_cli_fail(ctx, e);
	}
	json_t *arr = ctx->json ? json_array() : NULL;
	size_t width = ctx->json ? 0 : wrap_width();
	size_t shown = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const yoi_graph_route_entry *en = &rt->v[i];
		bool actionable = en->cls == YOI_GRAPH_ACTIONABLE;
		if ((mode == 1 && !actionable) || (mode == 2 && actionable))
			continue;
		shown++;
		if (arr) {
			json_array_append_new(arr, entry_json(r, rt, i));
			continue;
		}
		const yoi_routing_ticket *t = &r->t[en->index];
		yoi_buf why = YOI_BUF_INIT;
		yoi_graph_route_reason(&why, r->g, rt, i);
		/* ID, state and class are validated names: coloured on a
		 * terminal without escaping; the rest goes through it. */
		const char *sn = yoi_state_name(t->state);
		printf("%s%-*s%s  %s%-10s%s  ", yoi_cli_sgr(ctx, 1, "id"),
		       ab.min ? (int)ab.width : YOI_ID_LEN,
		       yoi_cli_abbrev_of(&ab, t->id), yoi_cli_sgr_off(ctx, 1),
		       yoi_cli_sgr(ctx, 1, sn), sn, yoi_cli_sgr_off(ctx, 1));
		yoi_cli_println(
		    "%-18s  %s%s%s",
		    yoi_graph_class_name(en->cls), t->title ? t->title : "-",
		    why.len ? "  <- " : "", why.len ? why.ptr : "");
		yoi_buf_free(&why);
		/* The other chains, one per line (the first is above). */
		yoi_graph_chains c = {0};
		if (en->cls == YOI_GRAPH_WAITING_DEPENDENCY)
			yoi_graph_chains_of(&c, r->g, en->index, CHAINS_MAX);
		for (size_t k = 1; k < c.n; k++) {
			yoi_buf ct = YOI_BUF_INIT;
			if (yoi_graph_chain_text(&ct, r->g, &c, k) == 0)
				print_chain(ct.ptr, width);
			yoi_buf_free(&ct);
		}
		if (c.truncated)
			yoi_cli_println("    ... more chains than %d",
					CHAINS_MAX);
		yoi_graph_chains_free(&c);
	}
	/* An empty answer on a terminal says so (a script reads nothing). */
	if (!arr && !shown && isatty(STDOUT_FILENO))
		fprintf(stderr, "%s\n",
			mode == 1   ? "nothing is ready to take up"
			: mode == 2 ? "nothing is waiting"
				    : "no ready or queued ticket to route");
	if (rec.id) {
		yoi_opctx op;
		rc = yoi_cli_opctx(ctx, &op);
		if (rc == 0)
			rc = yoi_cli_fail(ctx, yoi_routing_record(st, &op, r,
								  rt, rec_id,
								  &ctx->err));
	}
	yoi_cli_abbrev_free(&ab);
	yoi_graph_route_free(rt);
	yoi_routing_free(r);
	if (arr) {
		int j = yoi_cli_json(ctx, arr);
		return rc ? rc : j;
	}
	return rc;
}

int yoi_cmd_route(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_route(argc, argv, ctx, 0);
}
