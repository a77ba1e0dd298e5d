/* cmd_finish.c - inprogress -> done, and whether the branch is merged. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_finish(int argc, char **argv, yoi_ctx *ctx)
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
	if ((rc = yoi_cli_parse_op(ctx, argc, argv, opts, id, &op)) !=
	    YOI_CLI_GO)
		return rc;
	int merged;
	yoi_work_info w;
	rc = yoi_cli_fail(ctx, yoi_work_finish(ctx->store, &op, id, reason,
					       &merged, &w, &ctx->err));
	if (rc)
		return rc;
	json_t *notify =
	    yoi_cli_notify(ctx, id, YOI_NOTICE_STATE_CHANGED, "inprogress");
	if (ctx->json) {
		json_t *m = merged < 0 ? json_null() : json_boolean(merged);
		rc = yoi_cli_json(
		    ctx, json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:o, s:O?}",
				   "id", id, "from", "inprogress", "to", "done",
				   "branch", w.branch, "base", w.base, "merged",
				   m, "notify", notify));
	} else if (!ctx->quiet) {
		printf("%s inprogress -> done\n", id);
		if (merged < 0)
			printf("branch: %s (merge into %s unknown)\n",
			       w.branch ? w.branch : "none recorded",
			       w.base ? w.base : "its base");
		else
			printf("branch: %s is %smerged into %s\n", w.branch,
			       merged ? "" : "not ", w.base);
	}
	json_decref(notify);
	yoi_work_info_free(&w);
	return rc;
}
