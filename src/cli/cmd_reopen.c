/* cmd_reopen.c - closed -> planning with a reason. */
#include <stdio.h>

#include "cli.h"

int yoi_cmd_reopen(int argc, char **argv, yoi_ctx *ctx)
{
	const char *reason = NULL;
	bool json = false;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("reason", 0, &reason, "why"),
	    YOI_OPT_FLAG("json", 0, &json, "JSON output"),
	    YOI_OPT_END(),
	};
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	if (optind + 1 != argc)
		return yoi_cli_usage(ctx, "expected one ticket ID");
	if (!reason)
		return yoi_cli_usage(ctx, "--reason is required");
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_resolve(ctx, argv[optind], id);
	if (rc)
		return rc;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	rc = yoi_cli_fail(
	    ctx, yoi_ticket_reopen(ctx->store, &op, id, reason, &ctx->err));
	if (rc)
		return rc;
	json_t *notify = yoi_cli_notify(ctx, id, YOI_NOTICE_REOPEN, "closed");
	if (json)
		rc = yoi_cli_json(ctx, json_pack("{s:s, s:s, s:s, s:O?}", "id",
						 id, "from", "closed", "to",
						 "planning", "notify", notify));
	else if (!ctx->quiet)
		printf("%s closed -> planning\n", id);
	json_decref(notify);
	return rc;
}
