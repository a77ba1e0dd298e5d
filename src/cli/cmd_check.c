/* cmd_check.c - the CI check over the tickets changed between commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/gitcheck.h"

int yoi_cmd_check(int argc, char **argv, yoi_ctx *ctx)
{
	const char *base = NULL, *head = "HEAD", *format = "text";
	const yoi_option opts[] = {
	    YOI_OPT_STRING("base", 0, &base, "the older commit"),
	    YOI_OPT_STRING("head", 0, &head, "the newer commit (HEAD)"),
	    YOI_OPT_STRING("format", 0, &format, "text, json, github or junit"),
	    YOI_OPT_SETSTR("json", &format, "json", "--format json"),
	    YOI_OPT_END(),
	};
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	if (!base)
		return yoi_cli_usage(ctx, "--base REV is required");
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
	yoi_gitcheck_range r = {base, head, NULL, true};
	int e = yoi_gitcheck_store(st, &r, &ids, &d, &ctx->err);
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	if (rc == 0) {
		if (!ctx->quiet && strcmp(format, "text") == 0)
			fprintf(stderr,
				"check: %zu ticket(s) changed between "
				"%s and %s\n",
				ids.n, base, head);
		rc = yoi_cli_diags(ctx, yoi_store_top(st), &d, format, "check",
				   &ids);
		if (rc == 0 && yoi_diag_count(&d, YOI_DIAG_ERROR))
			rc = YOI_EXIT_FINDINGS;
	}
	yoi_strv_free(&ids);
	yoi_diag_free(&d);
	return rc;
}
