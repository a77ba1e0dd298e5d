/* cmd_check.c - the CI check over the tickets changed between commits. */
#include "cli.h"

int yoi_cmd_check(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_gitcheck_range r = {NULL, "HEAD", NULL, true};
	const char *format = "text";
	yoi_store *st;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("base", 0, &r.base, "the older commit"),
	    YOI_OPT_STRING("head", 0, &r.head, "the newer commit (HEAD)"),
	    YOI_OPT_FORMAT(&format),
	    YOI_OPT_FORMAT_JSON(&format),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_none(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	if (!r.base)
		return yoi_cli_usage(ctx, "--base REV is required");
	ctx->store_here = true; /* the commits of this worktree */
	if ((rc = yoi_cli_format_check(ctx, format)) ||
	    (rc = yoi_cli_store(ctx, false, &st)))
		return rc;
	return yoi_cli_gitcheck(ctx, st, &r, format, true);
}
