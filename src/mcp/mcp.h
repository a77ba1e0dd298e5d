/*
 * mcp.h - the Model Context Protocol server (`yoi-tickets mcp`), a front
 * end beside the CLI: newline-delimited JSON-RPC 2.0 over stdio
 * (docs/mcp.md). It includes only include/yoi/ and its own headers.
 *
 * A tool call runs one CLI command on the library with --json, through
 * the runner the CLI hands in (cmd_mcp.c), so that a tool's shapes,
 * rules and messages are the command's by construction; the server holds
 * no lock and no ticket between requests.
 */
#ifndef YOI_MCP_H
#define YOI_MCP_H

#include <stddef.h>
#include <stdio.h>

#define YOI_MCP_PROTOCOL     "2025-06-18"
#define YOI_MCP_PROTOCOL_OLD "2025-03-26"
#define YOI_MCP_LINE_MAX     (4u * 1024 * 1024)	 /* bytes per request line */
#define YOI_MCP_DEPTH_MAX    64			 /* JSON nesting per request */
#define YOI_MCP_OUT_MAX	     (16u * 1024 * 1024) /* a command's output */

/* What one command run gave: exit status, stdout, stderr (owned). */
typedef struct yoi_mcp_run {
	int status; /* exit status (SPEC 12); 128+signal when killed */
	char *out;
	size_t outlen;
	char *err;
	size_t errlen;
} yoi_mcp_run;

/*
 * Run the CLI command argv[0] with arguments argv[1..] (NULL-terminated)
 * and stdin in[0..inlen) (in may be NULL: empty stdin); fill *res (the
 * caller frees with yoi_mcp_run_free). Returns 0, or -1 when the command
 * could not be run at all (res->err then says why).
 */
typedef int (*yoi_mcp_runner)(void *data, char *const *argv, const char *in,
			      size_t inlen, yoi_mcp_run *res);

void yoi_mcp_run_free(yoi_mcp_run *res);

typedef struct yoi_mcp_opts {
	const char *root;    /* --root DIR, or NULL */
	const char *version; /* serverInfo.version */
	yoi_mcp_runner run;
	void *run_data;
	int in_fd;	 /* requests (read raw: see server.c) */
	FILE *out;	 /* responses; nothing else is written there */
	FILE *diag;	 /* diagnostics (stderr) */
	size_t line_max; /* 0: YOI_MCP_LINE_MAX */
	int depth_max;	 /* 0: YOI_MCP_DEPTH_MAX */
} yoi_mcp_opts;

/*
 * Serve requests from o->in_fd until EOF. Returns 0 at EOF, or an exit
 * status (YOI_EXIT_IO) when o->out cannot be written.
 */
int yoi_mcp_serve(const yoi_mcp_opts *o);

#endif
