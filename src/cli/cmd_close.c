/* cmd_close.c - close with a resolution (resolution.md + events). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/claimflow.h"

int yoi_cmd_close(int argc, char **argv, yoi_ctx *ctx)
{
	const char *res = NULL, *file = NULL;
	char id[YOI_ID_LEN + 1], *text;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("resolution", 0, &res, "the resolution text"),
	    YOI_OPT_STRING("file", 'f', &file, "the resolution from a file"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_id(ctx, argc, argv, opts, id)) != YOI_CLI_GO)
		return rc;
	if ((rc =
		 yoi_cli_text(ctx, res, file, "--resolution or --file", &text)))
		return rc;
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	if (rc == 0)
		rc = yoi_cli_fail(ctx, yoi_claimflow_close(ctx->store, &op, id,
							   text, &ctx->err));
	json_t *notify =
	    rc == 0 ? yoi_cli_notify(ctx, id, YOI_NOTICE_CLOSE, NULL) : NULL;
	if (rc == 0 && ctx->json)
		rc = yoi_cli_json(ctx, json_pack("{s:s, s:s, s:O?}", "id", id,
						 "state", "closed", "notify",
						 notify));
	else if (rc == 0 && !ctx->quiet)
		printf("%s closed\n", id);
	json_decref(notify);
	free(text);
	return rc;
}
