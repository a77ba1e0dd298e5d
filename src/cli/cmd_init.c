/*
 * cmd_init.c - create .yoi/tickets and .yoi/.gitignore. The store lock
 * lives in the git directory now (yoi_store_lock_path); the .gitignore
 * still lists tickets/.lock, where older versions keep it, so a teammate
 * on an older version neither sees nor commits it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"

int yoi_cmd_init(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_store *st;
	const yoi_option opts[] = {
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	int rc = yoi_cli_parse_n(ctx, argc, argv, opts, 0,
				 "init takes no arguments");
	if (rc != YOI_CLI_GO || (rc = yoi_cli_store(ctx, false, &st)))
		return rc;
	bool existed = yoi_is_dir(yoi_store_root(st));
	int e = yoi_mkdir_p(yoi_store_root(st), &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	/* Older versions' lock file is never committed. */
	char *ignore = yoi_path_join(yoi_store_yoi_dir(st), ".gitignore");
	if (!ignore)
		return YOI_EXIT_IO;
	if (!yoi_exists(ignore)) {
		static const char text[] = "tickets/.lock\n";
		e = yoi_file_write_atomic(ignore, text, sizeof(text) - 1,
					  &ctx->err);
	}
	free(ignore);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	if (ctx->json)
		return yoi_cli_json(ctx, json_pack("{s:s, s:b}", "root",
						   yoi_store_root(st),
						   "created", !existed));
	if (!ctx->quiet)
		printf("%s %s\n",
		       existed ? "already initialized:" : "initialized",
		       yoi_store_root(st));
	return 0;
}
