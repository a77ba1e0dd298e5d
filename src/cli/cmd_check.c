/* cmd_check.c - the CI check over the tickets changed between commits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/gitcheck.h"

int yoi_cmd_check(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"base", required_argument, NULL, 'b'},
	    {"head", required_argument, NULL, 'H'},
	    {"format", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	const char *base = NULL, *head = "HEAD", *format = "text";
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'b':
			base = optarg;
			break;
		case 'H':
			head = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'j':
			format = "json";
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	if (!base)
		return yoi_cli_usage(ctx, "--base REV is required");
	if (!yoi_cli_format_valid(format))
		return yoi_cli_usage(ctx, "--format must be text, json, github "
					  "or junit");
	yoi_store *st;
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
		rc = yoi_cli_diags(ctx, st->top, &d, format, "check", &ids);
		if (rc == 0 && yoi_diag_count(&d, YOI_DIAG_ERROR))
			rc = YOI_EXIT_FINDINGS;
	}
	yoi_strv_free(&ids);
	yoi_diag_free(&d);
	return rc;
}
