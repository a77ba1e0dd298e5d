/*
 * cmd_serve.c - `yoi-tickets serve [--port N] [--bind ADDR] [--open]`:
 * the live board's HTTP server (src/serve/, docs/serve.md). Its actions
 * run commands of this table through the CLI's runner (runner.h), as the
 * MCP server's tools do, so that they take the same guards and give the
 * same messages; the author is the one the CLI would use here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "runner.h"
#include "serve/serve.h"

static int run(void *data, char *const *argv, yoi_serve_result *res)
{
	yoi_cli_result r;
	int rc = yoi_cli_run(data, argv, NULL, 0, &r);
	res->status = r.status;
	res->out = r.out;
	res->err = r.err;
	return rc;
}

int yoi_cmd_serve(int argc, char **argv, yoi_ctx *ctx)
{
	long port = 0;
	const char *bind = NULL;
	bool open = false;
	const yoi_option opts[] = {
	    YOI_OPT_UINT("port", &port, 65535, "the port (0: any free one)"),
	    YOI_OPT_STRING("bind", 0, &bind,
			   "the address to listen on (127.0.0.1)"),
	    YOI_OPT_FLAG("open", 0, &open, "open the board in a browser"),
	    YOI_OPT_END(),
	};
	int rc = yoi_cli_parse_none(ctx, argc, argv, opts);
	if (rc != YOI_CLI_GO)
		return rc;
	/* The author the CLI would take here (--author, YOI_TICKETS_AUTHOR,
	 * git's user.name, the login): shown, and given to every action. */
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	ctx->author = op.author;
	yoi_cli_runner r = {ctx, {-1, -1}, YOI_SERVE_OUT_MAX};
	yoi_serve_opts o = {
	    .root = ctx->root,
	    .bind = bind,
	    .port = (int)port,
	    .open = open,
	    .author = ctx->author,
	    .run = run,
	    .run_data = &r,
	    .out = stdout,
	    .diag = stderr,
	};
	return yoi_serve(&o);
}
