/* cmd_cleanup.c - remove a ticket's worktree and delete its branch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_cleanup(int argc, char **argv, yoi_ctx *ctx)
{
	bool force = false, json = false;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("force", 0, &force, "even with unmerged work"),
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
	yoi_buf removed = YOI_BUF_INIT;
	rc = yoi_cli_fail(ctx, yoi_work_cleanup(ctx->store, &op, id, force,
						&removed, &ctx->err));
	if (rc == 0) {
		bool wt = removed.ptr && strstr(removed.ptr, "worktree");
		bool br = removed.ptr && strstr(removed.ptr, "branch");
		if (json)
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
