/* cmd_deps.c - the dependency tree of one ticket (SPEC 8). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/termesc.h"

static const char *const marks[] = {"expanded", "seen", "cycle", "cut"};

typedef struct tree_ctx {
	const yoi_routing *r;
	json_t *lines;
} tree_ctx;

static int tree_line(void *arg, const yoi_graph_deps_line *l)
{
	tree_ctx *t = arg;
	const yoi_routing_ticket *k = &t->r->t[l->index];
	json_t *o = json_pack(
	    "{s:s, s:I, s:s?, s:s, s:s?, s:s}", "id", k->id, "depth",
	    (json_int_t)l->depth, "via",
	    l->via == YOI_GRAPH_KIND_INVALID ? NULL
					     : yoi_graph_kind_label(l->via),
	    "state", yoi_state_name(k->state), "title", k->title, "mark",
	    marks[l->mark]);
	return json_array_append_new(t->lines, o) < 0 ? YOI_ENOMEM : 0;
}

/* --json: the tree as lines in order, each with its depth (the text's
 * indent), the relation to its parent and its mark. */
static int tree_json(yoi_ctx *ctx, const yoi_routing *r, const char *id,
		     bool reverse)
{
	tree_ctx t = {r, json_array()};
	size_t root = yoi_routing_find(r, id);
	if (!t.lines ||
	    yoi_graph_deps_walk(r->g, root, reverse, tree_line, &t) < 0) {
		json_decref(t.lines);
		return yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOMEM,
						       NULL, 0,
						       "out of memory"));
	}
	return yoi_cli_json(ctx, json_pack("{s:s, s:b, s:o}", "id", id,
					   "reverse", reverse, "tree",
					   t.lines));
}

int yoi_cmd_deps(int argc, char **argv, yoi_ctx *ctx)
{
	bool reverse = false;
	char id[YOI_ID_LEN + 1];
	yoi_routing *r;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("reverse", 0, &reverse, "what depends on the ticket"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_id(ctx, argc, argv, opts, id)) != YOI_CLI_GO)
		return rc;
	if ((rc = yoi_cli_routing(ctx, ctx->store, false, &r)))
		return rc;
	const yoi_routing_ticket *bad = yoi_routing_bad_links(r);
	if (bad) {
		int e =
		    yoi_error_set(&ctx->err, YOI_ECORRUPT, NULL, 0,
				  "%s; the tree would be incomplete: fix it "
				  "(see 'yoi-tickets doctor')",
				  bad->links_err);
		yoi_routing_free(r);
		return yoi_cli_fail(ctx, e);
	}
	if (ctx->json) {
		rc = tree_json(ctx, r, id, reverse);
		yoi_routing_free(r);
		return rc;
	}
	/* Titles are single-line fields: escaped before the tree is drawn,
	 * so none can add a line or drive the terminal (cli.h). */
	char **titles = calloc(r->n ? r->n : 1, sizeof(*titles));
	bool oom = !titles;
	for (size_t i = 0; titles && i < r->n; i++)
		if (r->t[i].title && !(titles[i] = yoi_termesc_dup(
					   r->t[i].title, YOI_TERMESC_LINE)))
			oom = true;
	yoi_buf out = YOI_BUF_INIT;
	size_t root = yoi_routing_find(r, id);
	if (oom || yoi_graph_deps_text(&out, r->g, root, reverse,
				       (const char **)titles) < 0)
		rc = yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOMEM,
						     NULL, 0, "out of memory"));
	else {
		yoi_cli_pager_start(ctx);
		fputs(out.ptr ? out.ptr : "", stdout);
	}
	yoi_buf_free(&out);
	for (size_t i = 0; titles && i < r->n; i++)
		free(titles[i]);
	free(titles);
	yoi_routing_free(r);
	return rc;
}
