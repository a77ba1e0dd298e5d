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

/* mode: 0 route, 1 ready (actionable only), 2 blocked (waiting only). */
int yoi_cli_route(int argc, char **argv, yoi_ctx *ctx, int mode)
{
	bool json = false;
	struct record rec = {mode, NULL};
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("json", 0, &json, "JSON output"),
	    YOI_OPT_CALLBACK("record", &rec, record_cb,
			     "append the decision to that thread"),
	    YOI_OPT_END(),
	};
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	const char *record = rec.id;
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	char rec_id[YOI_ID_LEN + 1];
	if (rc == 0 && record)
		rc = yoi_cli_resolve(ctx, record, rec_id);
	if (rc)
		return rc;
	yoi_routing *r;
	int e = yoi_routing_load(&r, st, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	for (size_t i = 0; i < r->n; i++)
		if (r->t[i].err)
			yoi_cli_eprintf("yoi-tickets %s: %s: %s\n", ctx->cmd,
					r->t[i].id, r->t[i].err);
	yoi_graph_route *rt;
	if ((e = yoi_routing_route(&rt, r, st, &ctx->err)) < 0) {
		yoi_routing_free(r);
		return yoi_cli_fail(ctx, e);
	}
	json_t *arr = json ? json_array() : NULL;
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
	if (record) {
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
