/* cmd_start.c - queued -> inprogress on a new branch and linked worktree. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/work.h"

int yoi_cmd_start(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"base", required_argument, NULL, 'b'},
	    {"slug", required_argument, NULL, 's'},
	    {"summary", required_argument, NULL, 'S'},
	    {"reason", required_argument, NULL, 'r'},
	    {"force", no_argument, NULL, 'F'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	yoi_work_start_opts o = {0};
	bool json = false;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'b':
			o.base = optarg;
			break;
		case 's':
			o.slug = optarg;
			break;
		case 'S':
			o.summary = optarg;
			break;
		case 'r':
			o.reason = optarg;
			break;
		case 'F':
			o.force = true;
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
	yoi_work_info w;
	rc = yoi_cli_fail(
	    ctx, yoi_work_start(ctx->store, &op, id, &o, &w, &ctx->err));
	if (rc)
		return rc;
	json_t *notify =
	    yoi_cli_notify(ctx, id, YOI_NOTICE_STATE_CHANGED, "queued");
	if (json)
		rc = yoi_cli_json(
		    ctx,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O?}",
			      "id", id, "from", "queued", "to", "inprogress",
			      "branch", w.branch, "worktree", w.worktree,
			      "worktree_path", w.worktree_path, "base", w.base,
			      "plan_id", w.plan_id, "notify", notify));
	else if (!ctx->quiet)
		printf("%s queued -> inprogress%s\nbranch:   %s (from %s)\n"
		       "worktree: %s\n",
		       id, w.forced ? " (forced)" : "", w.branch, w.base,
		       w.worktree);
	json_decref(notify);
	yoi_work_info_free(&w);
	return rc;
}
