/* cmd_check.c - the CI check over the tickets changed between commits. */
#include <string.h>

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
	if ((rc = yoi_cli_parse(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	/* git's range A..B, as one argument, instead of --base/--head. */
	char range[1024];
	if (optind < argc) {
		const char *a = argv[optind], *dots = strstr(a, "..");
		if (optind + 1 < argc || !dots || dots == a || !dots[2] ||
		    dots[2] == '.' || strlen(a) >= sizeof(range))
			return yoi_cli_usage(
			    ctx,
			    "unexpected argument '%s' (a range "
			    "is BASE..HEAD)",
			    a);
		if (r.base)
			return yoi_cli_usage(ctx, "give a range or --base, not "
						  "both");
		snprintf(range, sizeof(range), "%s", a);
		range[dots - a] = '\0';
		r.base = range;
		r.head = range + (dots - a) + 2;
	}
	if (!r.base)
		return yoi_cli_usage(ctx, "--base REV is required (or a range "
					  "BASE..HEAD)");
	ctx->store_here = true; /* the commits of this worktree */
	if ((rc = yoi_cli_format_check(ctx, format)) ||
	    (rc = yoi_cli_store(ctx, false, &st)))
		return rc;
	return yoi_cli_gitcheck(ctx, st, &r, format, true);
}
