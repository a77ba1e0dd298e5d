/* cmd_precommit.c - `hook pre-commit`: the tickets the index touches. */
#include <stdlib.h>

#include "cli.h"

int yoi_hook_pre_commit(int argc, char **argv, yoi_ctx *ctx)
{
	const char *format = "text";
	yoi_store *st;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_FORMAT(&format),
	    YOI_OPT_END(),
	};
	/* Positional arguments are let be, as git hands the hook none. */
	if ((rc = yoi_cli_parse(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	ctx->store_here = true; /* the commits of this worktree */
	if ((rc = yoi_cli_format_check(ctx, format)) ||
	    (rc = yoi_cli_store(ctx, false, &st)))
		return rc;
	yoi_gitcheck_range r = {NULL, NULL, getenv("GIT_INDEX_FILE"), false};
	return yoi_cli_gitcheck(ctx, st, &r, format, false);
}
