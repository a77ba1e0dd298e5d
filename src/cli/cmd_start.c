/* cmd_start.c - queued -> inprogress on a new branch and linked worktree. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_start(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_work_start_opts o = {0};
	char id[YOI_ID_LEN + 1];
	yoi_opctx op;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("base", 0, &o.base, "the branch to start from"),
	    YOI_OPT_STRING("slug", 0, &o.slug, "the branch name's slug"),
	    YOI_OPT_STRING("summary", 0, &o.summary, "the start summary"),
	    YOI_OPT_STRING("reason", 0, &o.reason, "why (with --force)"),
	    YOI_OPT_FLAG("force", 0, &o.force, "past the guards"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_op(ctx, argc, argv, opts, id, &op)) !=
	    YOI_CLI_GO)
		return rc;
	yoi_work_info w;
	rc = yoi_cli_fail(
	    ctx, yoi_work_start(ctx->store, &op, id, &o, &w, &ctx->err));
	if (rc)
		return rc;
	json_t *notify =
	    yoi_cli_notify(ctx, id, YOI_NOTICE_STATE_CHANGED, "queued");
	char *store = yoi_work_store_for(ctx->store, w.worktree_path);
	if (ctx->json)
		rc = yoi_cli_json(
		    ctx,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			      "s:O?}",
			      "id", id, "from", "queued", "to", "inprogress",
			      "branch", w.branch, "worktree", w.worktree,
			      "worktree_path", w.worktree_path, "base", w.base,
			      "plan_id", w.plan_id, "store", store ? store : "",
			      "notify", notify));
	else if (!ctx->quiet)
		printf("%s queued -> inprogress%s\nbranch:   %s (from %s)\n"
		       "worktree: %s\nstore:    %s (commands in the worktree "
		       "use it)\n",
		       id, w.forced ? " (forced)" : "", w.branch, w.base,
		       w.worktree, store ? store : "?");
	free(store);
	json_decref(notify);
	yoi_work_info_free(&w);
	return rc;
}
