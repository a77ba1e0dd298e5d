/* cmd_reopen.c - closed -> planning with a reason. */
#include <stdio.h>

#include "cli.h"

int yoi_cmd_reopen(int argc, char **argv, yoi_ctx *ctx)
{
	const char *reason = NULL;
	char id[YOI_ID_LEN + 1];
	yoi_opctx op;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("reason", 0, &reason, "why"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	rc = yoi_cli_parse_n(ctx, argc, argv, opts, 1, YOI_CLI_ONE_ID);
	if (rc != YOI_CLI_GO)
		return rc;
	if (!reason)
		return yoi_cli_usage(ctx, "--reason is required");
	if ((rc = yoi_cli_resolve_op(ctx, argv[optind], id, &op)))
		return rc;
	rc = yoi_cli_fail(
	    ctx, yoi_ticket_reopen(ctx->store, &op, id, reason, &ctx->err));
	if (rc)
		return rc;
	json_t *notify = yoi_cli_notify(ctx, id, YOI_NOTICE_REOPEN, "closed");
	if (ctx->json)
		rc = yoi_cli_json(ctx, json_pack("{s:s, s:s, s:s, s:O?}", "id",
						 id, "from", "closed", "to",
						 "planning", "notify", notify));
	else if (!ctx->quiet)
		printf("%s closed -> planning\n", id);
	json_decref(notify);
	return rc;
}
