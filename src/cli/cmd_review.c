/* cmd_review.c - record a review event: approve or request changes. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int yoi_cmd_review(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"approve", no_argument, NULL, 'A'},
	    {"request-changes", no_argument, NULL, 'R'},
	    {"message", required_argument, NULL, 'm'},
	    {"file", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	const char *status = NULL, *message = NULL, *file = NULL;
	int c, verdicts = 0;
	bool json = false;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "m:f:", opts)) != -1) {
		switch (c) {
		case 'A':
			status = "approve";
			verdicts++;
			break;
		case 'R':
			status = "request_changes";
			verdicts++;
			break;
		case 'm':
			message = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind + 1 != argc)
		return yoi_cli_usage(ctx, "expected one ticket ID");
	if (verdicts != 1)
		return yoi_cli_usage(ctx, "give exactly one of --approve or "
					  "--request-changes");
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_resolve(ctx, argv[optind], id);
	if (rc)
		return rc;
	char *text;
	if ((rc = yoi_cli_text(ctx, message, file, "--message or --file",
			       &text)))
		return rc;
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	if (rc == 0) {
		yoi_attr a = {"status", (char *)status};
		rc = yoi_cli_fail(ctx, yoi_ticket_append(ctx->store, &op, id,
							 "review", &a, 1, text,
							 &ctx->err));
		json_t *notify =
		    rc == 0 ? yoi_cli_notify(ctx, id, YOI_NOTICE_REVIEW, NULL)
			    : NULL;
		if (rc == 0 && json)
			rc = yoi_cli_json(
			    ctx, json_pack("{s:s, s:s, s:O?}", "id", id,
					   "status", status, "notify", notify));
		else if (rc == 0 && !ctx->quiet)
			printf("%s\n", id);
		json_decref(notify);
	}
	free(text);
	return rc;
}
