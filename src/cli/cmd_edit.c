/* cmd_edit.c - change title, assignee, readiness, risk flags, body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int yoi_cmd_edit(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"title", required_argument, NULL, 't'},
	    {"assignee", required_argument, NULL, 'a'},
	    {"readiness", required_argument, NULL, 'r'},
	    {"risk-flag", required_argument, NULL, 'x'},
	    {"no-risk-flags", no_argument, NULL, 'X'},
	    {"body-file", required_argument, NULL, 'b'},
	    {NULL, 0, NULL, 0},
	};
	yoi_edit_opts o = {0};
	const char *flags[64];
	const char *body_file = NULL;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "t:", opts)) != -1) {
		switch (c) {
		case 't':
			o.title = optarg;
			break;
		case 'a':
			/* An empty assignee (or "null") unassigns. */
			if (!*optarg || strcmp(optarg, "null") == 0)
				o.clear_assignee = true;
			else
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
			o.set_risk = true;
			break;
		case 'X':
			o.set_risk = true;
			break;
		case 'b':
			body_file = optarg;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	o.risk_flags = flags;
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_one_id(ctx, argc, argv, id);
	if (rc)
		return rc;
	char *body = NULL;
	if (body_file) {
		if ((rc = yoi_cli_text(ctx, NULL, body_file, "--body-file",
				       &body)))
			return rc;
		o.body = body;
		o.body_len = strlen(body);
		o.set_body = true;
	}
	if (!o.title && !o.assignee && !o.clear_assignee && !o.readiness &&
	    !o.set_risk && !o.set_body) {
		free(body);
		return yoi_cli_usage(ctx,
				     "nothing to change: give --title, "
				     "--assignee, --readiness, --risk-flag "
				     "or --body-file");
	}
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	if (rc == 0)
		rc = yoi_cli_fail(
		    ctx, yoi_ticket_edit(ctx->store, &op, id, &o, &ctx->err));
	if (rc == 0 && !ctx->quiet)
		printf("%s\n", id);
	free(body);
	return rc;
}
