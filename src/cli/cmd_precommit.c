/* cmd_precommit.c - `hook pre-commit`: the tickets the index touches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/gitcheck.h"

int yoi_hook_pre_commit(int argc, char **argv, yoi_ctx *ctx)
{
	const char *format = "text";
	const yoi_option opts[] = {
	    YOI_OPT_STRING("format", 0, &format, "text, json, github or junit"),
	    YOI_OPT_END(),
	};
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	if (!yoi_cli_format_valid(format))
		return yoi_cli_usage(ctx, "--format must be text, json, github "
					  "or junit");
	yoi_store *st;
	ctx->store_here = true; /* the commits of this worktree */
	int rc = yoi_cli_store(ctx, false, &st);
	if (rc)
		return rc;
	yoi_diag d = YOI_DIAG_INIT;
	yoi_strv ids = {0};
	yoi_gitcheck_range r = {NULL, NULL, getenv("GIT_INDEX_FILE"), false};
	int e = yoi_gitcheck_store(st, &r, &ids, &d, &ctx->err);
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	if (rc == 0 && d.n)
		rc = yoi_cli_diags(ctx, yoi_store_top(st), &d, format,
				   "pre-commit", &ids);
	if (rc == 0 && yoi_diag_count(&d, YOI_DIAG_ERROR)) {
		fprintf(stderr, "pre-commit: the commit is stopped; fix the "
				"tickets above (or commit with --no-verify)\n");
		rc = YOI_EXIT_FINDINGS;
	}
	yoi_strv_free(&ids);
	yoi_diag_free(&d);
	return rc;
}
