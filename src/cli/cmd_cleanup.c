/* cmd_cleanup.c - remove a ticket's worktree and delete its branch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_cleanup(int argc, char **argv, yoi_ctx *ctx)
{
	bool force = false;
	char id[YOI_ID_LEN + 1];
	yoi_opctx op;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("force", 0, &force, "even with unmerged work"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_op(ctx, argc, argv, opts, id, &op)) !=
	    YOI_CLI_GO)
		return rc;
	yoi_buf removed = YOI_BUF_INIT;
	rc = yoi_cli_fail(ctx, yoi_work_cleanup(ctx->store, &op, id, force,
						&removed, &ctx->err));
	if (rc == 0) {
		bool wt = removed.ptr && strstr(removed.ptr, "worktree");
		bool br = removed.ptr && strstr(removed.ptr, "branch");
		if (ctx->json)
			rc = yoi_cli_json(ctx, json_pack("{s:s, s:b, s:b, s:b}",
							 "id", id,
							 "worktree_removed", wt,
							 "branch_deleted", br,
							 "forced", force));
		else if (!ctx->quiet)
			printf("%s: %s%s%s\n", id, wt ? "worktree removed" : "",
			       wt && br ? ", " : "",
			       br ? "branch deleted" : "");
	}
	yoi_buf_free(&removed);
	return rc;
}
