/* cmd_state.c - move a ticket along the transition table. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int yoi_cmd_state(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_transition_req req = {0};
	char id[YOI_ID_LEN + 1];
	yoi_opctx op;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("reason", 0, &req.reason, "why"),
	    YOI_OPT_STRING("summary", 0, &req.summary, "a summary"),
	    YOI_OPT_FLAG("force", 0, &req.force, "past the guards"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	rc = yoi_cli_parse_n(ctx, argc, argv, opts, 2,
			     "expected a ticket ID and a target state");
	if (rc != YOI_CLI_GO)
		return rc;
	req.target = argv[optind + 1];
	if (yoi_state_parse(req.target) == YOI_ST_INVALID)
		return yoi_cli_usage(ctx,
				     "unknown state '%s'; states: planning, "
				     "ready, queued, inprogress, done, closed",
				     req.target);
	if ((rc = yoi_cli_resolve_op(ctx, argv[optind], id, &op)))
		return rc;
	yoi_state from;
	bool forced = false;
	req.forced_out = &forced;
	rc = yoi_cli_fail(ctx, yoi_ticket_transition(ctx->store, &op, id, &req,
						     &from, &ctx->err));
	if (rc)
		return rc;
	json_t *notify = yoi_cli_notify(ctx, id, YOI_NOTICE_STATE_CHANGED,
					yoi_state_name(from));
	if (ctx->json)
		rc = yoi_cli_json(ctx,
				  json_pack("{s:s, s:s, s:s, s:b, s:O?}", "id",
					    id, "from", yoi_state_name(from),
					    "to", req.target, "forced", forced,
					    "notify", notify));
	else if (!ctx->quiet)
		printf("%s %s -> %s%s\n", id, yoi_state_name(from), req.target,
		       forced ? " (forced)" : "");
	json_decref(notify);
	return rc;
}
