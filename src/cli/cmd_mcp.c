/*
 * cmd_mcp.c - `yoi-tickets mcp [--root DIR]`: the MCP server (src/mcp/)
 * on stdio. The server's tools run commands of this table through the
 * CLI's runner (runner.h): a child process (this binary, executed afresh)
 * runs the command with stdout and stderr captured, exactly as the
 * command line would, so a tool and its command share shapes, rules and
 * messages and nothing a command prints can reach the protocol stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mcp/mcp.h"
#include "runner.h"

/* The server's runner (mcp.h) on the CLI's (runner.h). */
static int run(void *data, char *const *argv, const char *in, size_t inlen,
	       yoi_mcp_run *res)
{
	yoi_cli_result r;
	int rc = yoi_cli_run(data, argv, in, inlen, &r);
	res->status = r.status;
	res->out = r.out;
	res->outlen = r.outlen;
	res->err = r.err;
	res->errlen = r.errlen;
	return rc;
}

int yoi_cmd_mcp(int argc, char **argv, yoi_ctx *ctx)
{
	int rc = yoi_cli_parse_n(ctx, argc, argv, NULL, 0,
				 "mcp takes no arguments (the protocol comes "
				 "on stdin)");
	if (rc != YOI_CLI_GO)
		return rc;
	/*
	 * The protocol gets its own descriptors; fd 1 then goes to stderr,
	 * so that nothing printed by accident can reach the client.
	 */
	fflush(stdout);
	yoi_cli_runner r = {ctx, {dup(0), dup(1)}, YOI_MCP_OUT_MAX};
	FILE *out = r.keep[1] >= 0 ? fdopen(r.keep[1], "w") : NULL;
	int devnull = open("/dev/null", O_RDONLY);
	if (r.keep[0] < 0 || !out || dup2(2, 1) < 0 || devnull < 0 ||
	    dup2(devnull, 0) < 0) {
		perror("yoi-tickets mcp: setting up stdio");
		if (r.keep[0] >= 0)
			close(r.keep[0]);
		if (out)
			fclose(out);
		if (devnull >= 0)
			close(devnull);
		return YOI_EXIT_IO;
	}
	close(devnull);
	signal(SIGPIPE, SIG_IGN); /* a gone client is EPIPE, not death */
	yoi_mcp_opts o = {
	    .root = ctx->root,
	    .version = YOI_VERSION,
	    .run = run,
	    .run_data = &r,
	    .in_fd = r.keep[0],
	    .out = out,
	    .diag = stderr,
	};
	rc = yoi_mcp_serve(&o);
	close(r.keep[0]);
	if (fclose(out) != 0 && rc == 0)
		rc = YOI_EXIT_IO;
	return rc;
}
