/* cmd_worktrees.c - the ticket worktrees with their tickets' states. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "yoi/work.h"

static const char *state_or(yoi_state s)
{
	return s == YOI_ST_INVALID ? "unknown" : yoi_state_name(s);
}

int yoi_cmd_worktrees(int argc, char **argv, yoi_ctx *ctx)
{
	const yoi_option opts[] = {
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	yoi_store *st;
	int rc = yoi_cli_open(ctx, argc, argv, opts, true, &st);
	if (rc != YOI_CLI_GO)
		return rc;
	yoi_work_trees w;
	if ((rc = yoi_cli_fail(ctx, yoi_work_trees_list(st, &w, &ctx->err))))
		return rc;
	json_t *arr = ctx->json ? json_array() : NULL;
	for (size_t i = 0; i < w.n; i++) {
		const yoi_work_tree *t = &w.v[i];
		if (arr)
			json_array_append_new(
			    arr,
			    json_pack("{s:s, s:s, s:s, s:s?, s:s, s:b}", "id",
				      t->id, "name", t->wt.name, "path",
				      t->wt.path, "branch", t->wt.branch,
				      "state", state_or(t->state), "exists",
				      t->wt.exists));
		else
			yoi_cli_println(
			    "%s  %-10s  %s  %s%s", t->id, state_or(t->state),
			    t->wt.branch ? t->wt.branch : "(detached)",
			    t->wt.path, t->wt.exists ? "" : "  (missing)");
	}
	yoi_work_trees_free(&w);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}
