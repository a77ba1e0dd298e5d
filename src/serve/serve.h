/*
 * serve.h - the live board's HTTP server (`yoi-tickets serve`), a front
 * end beside the CLI and the MCP server (docs/serve.md). It includes
 * only include/yoi/ and its own headers.
 *
 * Pages come from the library (yoi/board.h); actions (POSTs) run CLI
 * commands through the runner the CLI hands in (cmd_serve.c), so that
 * they take the same guards and give the same messages. The server keeps
 * no state the files do not have: no lock and no ticket between requests.
 */
#ifndef YOI_SERVE_H
#define YOI_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define YOI_SERVE_BODY_MAX  (64u * 1024)   /* a POST body */
#define YOI_SERVE_URL_MAX   4096	   /* a request's URL */
#define YOI_SERVE_CONN_MAX  128		   /* connections at once */
#define YOI_SERVE_SSE_MAX   64		   /* /events clients at once */
#define YOI_SERVE_TIMEOUT   30		   /* seconds a connection may idle */
#define YOI_SERVE_OUT_MAX   (1024u * 1024) /* a command's output */
#define YOI_SERVE_PING_SEC  15		   /* SSE keep-alive comment */
#define YOI_SERVE_TOKEN_HEX 32		   /* 128 random bits, in hex */

/* What one command run gave: exit status, stdout, stderr (owned). */
typedef struct yoi_serve_result {
	int status; /* exit status (SPEC 12); 128+signal when killed */
	char *out;
	char *err;
} yoi_serve_result;

/*
 * Run the CLI command argv[0] with arguments argv[1..] (NULL-terminated)
 * and empty stdin; fill *res (the caller frees out and err). Returns 0,
 * or -1 when it could not be run at all (res->err says why).
 */
typedef int (*yoi_serve_runner)(void *data, char *const *argv,
				yoi_serve_result *res);

typedef struct yoi_serve_opts {
	const char *root;   /* --root DIR, or NULL */
	const char *bind;   /* address to listen on (NULL: 127.0.0.1) */
	int port;	    /* 0: any free port */
	bool open;	    /* run xdg-open on the URL */
	const char *author; /* the configured user (shown; actions use it) */
	yoi_serve_runner run;
	void *run_data;
	FILE *out;  /* the URL line */
	FILE *diag; /* diagnostics (stderr) */
} yoi_serve_opts;

/*
 * Serve until SIGINT or SIGTERM. Returns 0 then, or an exit status
 * (YOI_EXIT_IO: libmicrohttpd missing, the address taken; 2: a bad
 * --bind) after printing why on o->diag.
 */
int yoi_serve(const yoi_serve_opts *o);

#endif
