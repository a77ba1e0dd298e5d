/* cmd_deps.c - the dependency tree of one ticket (SPEC 8). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/termesc.h"

int yoi_cmd_deps(int argc, char **argv, yoi_ctx *ctx)
{
	bool reverse = false;
	char id[YOI_ID_LEN + 1];
	yoi_routing *r;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("reverse", 0, &reverse, "what depends on the ticket"),
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
	else
		fputs(out.ptr ? out.ptr : "", stdout);
	yoi_buf_free(&out);
	for (size_t i = 0; titles && i < r->n; i++)
		free(titles[i]);
	free(titles);
	yoi_routing_free(r);
	return rc;
}
