/* cmd_cleanup.c - remove a ticket's worktree and delete its branch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_cleanup(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'F'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	bool force = false, json = false;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'F':
			force = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_one_id(ctx, argc, argv, id);
	if (rc)
		return rc;
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
