/* cmd_render.c - the store as a static HTML board (render --html DIR). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/html.h"

int yoi_cmd_render(int argc, char **argv, yoi_ctx *ctx)
{
	const char *dir = NULL;
	yoi_store *st;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("html", 0, &dir, "the output folder"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_none(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	if (!dir || !*dir)
		return yoi_cli_usage(ctx, "give the output directory: "
					  "--html DIR");
	if ((rc = yoi_cli_store(ctx, true, &st)))
		return rc;
	yoi_html_result res;
	int e = yoi_html_render(&res, st, dir, &ctx->err);
	/* Like list: an unreadable ticket is reported and the rest shown. */
	for (size_t i = 0; i < res.warnings.n; i++)
		yoi_cli_eprintf("yoi-tickets render: warning: %s\n",
				res.warnings.v[i]);
	if (e < 0) {
		yoi_html_result_free(&res);
		return yoi_cli_fail(ctx, e);
	}
	if (ctx->json) {
		json_t *w = json_array();
		for (size_t i = 0; w && i < res.warnings.n; i++)
			json_array_append_new(w,
					      json_string(res.warnings.v[i]));
		rc = yoi_cli_json(
		    ctx, json_pack("{s:s, s:I, s:I, s:I, s:o}", "dir", res.dir,
				   "tickets", (json_int_t)res.tickets, "pages",
				   (json_int_t)res.pages, "removed",
				   (json_int_t)res.removed, "warnings", w));
	} else if (!ctx->quiet) {
		printf("rendered %zu ticket%s (%zu pages) into %s/index.html",
		       res.tickets, res.tickets == 1 ? "" : "s", res.pages,
		       res.dir);
		if (res.removed)
			printf(", removed %zu stale page%s", res.removed,
			       res.removed == 1 ? "" : "s");
		if (res.warnings.n)
			printf(", %zu warning%s", res.warnings.n,
			       res.warnings.n == 1 ? "" : "s");
		putchar('\n');
	}
	yoi_html_result_free(&res);
	return rc;
}
