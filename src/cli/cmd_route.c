/* cmd_route.c - route (SPEC 8): every ready and queued ticket classified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
	json_t *j = json_pack(
	    "{s:s, s:s?, s:s, s:s, s:s, s:o, s:s?}", "id", t->id, "title",
	    t->title, "state", yoi_state_name(t->state), "class",
	    yoi_graph_class_name(e->cls), "reason", why.ptr ? why.ptr : "",
	    "chain", chain, "partner",
	    e->partner == YOI_GRAPH_NONE ? NULL : r->t[e->partner].id);
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
	yoi_store *st;
	yoi_routing *r;
	char rec_id[YOI_ID_LEN + 1];
	int rc, e;
	const yoi_option opts[] = {
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_CALLBACK("record", &rec, record_cb,
			     "append the decision to that thread"),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_none(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	if ((rc = yoi_cli_store_id(ctx, rec.id, &st, rec_id)) ||
	    (rc = yoi_cli_routing(ctx, st, true, &r)))
		return rc;
	yoi_graph_route *rt;
	if ((e = yoi_routing_route(&rt, r, st, &ctx->err)) < 0) {
		yoi_routing_free(r);
		return yoi_cli_fail(ctx, e);
	}
	json_t *arr = ctx->json ? json_array() : NULL;
	for (size_t i = 0; i < rt->n; i++) {
		const yoi_graph_route_entry *en = &rt->v[i];
		bool actionable = en->cls == YOI_GRAPH_ACTIONABLE;
		if ((mode == 1 && !actionable) || (mode == 2 && actionable))
			continue;
		if (arr) {
			json_array_append_new(arr, entry_json(r, rt, i));
			continue;
		}
		const yoi_routing_ticket *t = &r->t[en->index];
		yoi_buf why = YOI_BUF_INIT;
		yoi_graph_route_reason(&why, r->g, rt, i);
		yoi_cli_println(
		    "%s  %-10s  %-18s  %s%s%s", t->id, yoi_state_name(t->state),
		    yoi_graph_class_name(en->cls), t->title ? t->title : "-",
		    why.len ? "  <- " : "", why.len ? why.ptr : "");
		yoi_buf_free(&why);
	}
	if (rec.id) {
		yoi_opctx op;
		rc = yoi_cli_opctx(ctx, &op);
		if (rc == 0)
			rc = yoi_cli_fail(ctx, yoi_routing_record(st, &op, r,
								  rt, rec_id,
								  &ctx->err));
	}
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
