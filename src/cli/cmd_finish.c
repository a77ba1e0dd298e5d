/* cmd_finish.c - inprogress -> done, and whether the branch is merged. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_finish(int argc, char **argv, yoi_ctx *ctx)
{
	const char *reason = NULL;
	bool json = false;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("reason", 0, &reason, "why"),
	    YOI_OPT_FLAG("json", 0, &json, "JSON output"),
	    YOI_OPT_END(),
	};
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_parse_id(ctx, argc, argv, opts, id);
	if (rc != YOI_CLI_GO)
		return rc;
	rc = 0;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	int merged;
	yoi_work_info w;
	rc = yoi_cli_fail(ctx, yoi_work_finish(ctx->store, &op, id, reason,
					       &merged, &w, &ctx->err));
	if (rc)
		return rc;
	json_t *notify =
	    yoi_cli_notify(ctx, id, YOI_NOTICE_STATE_CHANGED, "inprogress");
	if (json) {
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
