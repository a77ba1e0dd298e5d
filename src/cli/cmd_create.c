/* cmd_create.c - create a ticket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int yoi_cmd_create(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"title", required_argument, NULL, 't'},
	    {"body-file", required_argument, NULL, 'b'},
	    {"assignee", required_argument, NULL, 'a'},
	    {"readiness", required_argument, NULL, 'r'},
	    {"risk-flag", required_argument, NULL, 'x'},
	    {"slug", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	yoi_create_opts o = {0};
	const char *body_file = NULL;
	const char *flags[64];
	bool json = false;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "t:", opts)) != -1) {
		switch (c) {
		case 't':
			o.title = optarg;
			break;
		case 'b':
			body_file = optarg;
			break;
		case 'a':
			o.assignee = optarg;
			break;
		case 'r':
			o.readiness = optarg;
			break;
		case 'x':
			if (o.nrisk == sizeof(flags) / sizeof(*flags))
				return yoi_cli_usage(ctx,
						     "at most 64 --risk-flag");
			flags[o.nrisk++] = optarg;
			break;
		case 's':
			o.slug = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	if (!o.title)
		return yoi_cli_usage(ctx, "--title is required");
	o.risk_flags = flags;
	char *body = NULL;
	int rc = 0;
	if (body_file) {
		rc = yoi_cli_text(ctx, NULL, body_file, "--body-file", &body);
		if (rc)
			return rc;
		o.body = body;
	}
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	char id[YOI_ID_LEN + 1];
	if (rc == 0) {
		int e = yoi_ticket_create(ctx->store, &op, &o, id, &ctx->err);
		rc = yoi_cli_fail(ctx, e);
	}
	if (rc == 0 && json)
		rc = yoi_cli_json(ctx, json_pack("{s:s, s:s, s:s}", "id", id,
						 "state", "planning", "title",
						 o.title));
	else if (rc == 0)
		printf("%s\n", id);
	free(body);
	return rc;
}
