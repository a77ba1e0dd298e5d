/*
 * runner.h - run one CLI command of the table in a child process (this
 * binary, executed afresh with the front end's global options) with
 * stdout and stderr captured, exactly as the command line
 * would run it: the front ends beside the CLI (the MCP server, the live
 * board's server) run their actions through it, so that an action and
 * its command share shapes, rules and messages.
 */
#ifndef YOI_CLI_RUNNER_H
#define YOI_CLI_RUNNER_H

#include <stddef.h>

#include "cli.h"

typedef struct yoi_cli_runner {
	const yoi_ctx *ctx; /* the global options (--root, --author, --wait) */
	int keep[2];	    /* the front end's own fds (-1: none): closed in
			       the child */
	size_t out_max;	    /* bytes kept of stdout and of stderr */
} yoi_cli_runner;

/* What one run gave (owned: yoi_cli_run_free). */
typedef struct yoi_cli_result {
	int status; /* exit status (SPEC 12); 128+signal when killed */
	char *out;  /* NUL-terminated, or NULL when empty */
	size_t outlen;
	char *err;
	size_t errlen;
} yoi_cli_result;

/*
 * Run the command argv[0] with arguments argv[1..] (NULL-terminated) and
 * stdin in[0..inlen) (in may be NULL: empty stdin) in a child; fill *res.
 * The front ends themselves (mcp, serve) are refused in a child (exit
 * 2). Output over r->out_max makes the result an error (status 6,
 * saying so). Returns 0, or -1 when the command could not be run at all
 * (res->err says why). The caller frees *res with yoi_cli_run_free.
 */
int yoi_cli_run(const yoi_cli_runner *r, char *const *argv, const char *in,
		size_t inlen, yoi_cli_result *res);
void yoi_cli_run_free(yoi_cli_result *res);

#endif
