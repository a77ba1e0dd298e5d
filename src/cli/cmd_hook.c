/* cmd_hook.c - `hook NAME ...`: what the installed git hooks run. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int yoi_cmd_hook(int argc, char **argv, yoi_ctx *ctx)
{
	/* A merge commit is checked as any commit: the index git hands the
	 * hook holds the merge result, HEAD is the first parent. */
	if (argc >= 2 && (strcmp(argv[1], "pre-commit") == 0 ||
			  strcmp(argv[1], "pre-merge-commit") == 0))
		return yoi_hook_pre_commit(argc - 1, argv + 1, ctx);
	if (argc >= 2 && strcmp(argv[1], "commit-msg") == 0)
		return yoi_hook_commit_msg(argc - 1, argv + 1, ctx);
	if (argc >= 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return yoi_cli_help("hook", stdout) < 0 ? YOI_EXIT_IO : 0;
	return yoi_cli_usage(ctx,
			     "expected 'pre-commit', 'pre-merge-commit' or "
			     "'commit-msg FILE'");
}
