/*
 * cmd_mcp.c - `yoi-tickets mcp [--root DIR]`: the MCP server (src/mcp/)
 * on stdio. The server's tools run commands of this table through the
 * runner below: a child process (fork, no exec) runs the command's
 * function with stdout and stderr captured, exactly as the command line
 * would, so a tool and its command share shapes, rules and messages and
 * nothing a command prints can reach the protocol stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "mcp/mcp.h"

typedef struct runner {
	const yoi_ctx *ctx; /* the global options (--root, --author, --wait) */
	int keep[2];	    /* the server's protocol fds: closed in a child */
} runner;

/* The child: run argv as the command line would, then _exit. */
static void child(const runner *r, char *const *argv, int in, int out, int err)
{
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(YOI_EXIT_IO);
	close(in);
	close(out);
	close(err);
	close(r->keep[0]);
	close(r->keep[1]);
	int argc = 0;
	while (argv[argc])
		argc++;
	const yoi_command *c = yoi_commands;
	while (c->name && strcmp(c->name, argv[0]) != 0)
		c++;
	if (!c->name || !strcmp(c->name, "mcp")) {
		fprintf(stderr, "yoi-tickets mcp: no command '%s'\n", argv[0]);
		_exit(YOI_EXIT_USAGE);
	}
	yoi_ctx ctx = {0};
	ctx.cmd = c->name;
	ctx.root = r->ctx->root;
	ctx.author = r->ctx->author;
	ctx.wait_sec = r->ctx->wait_sec;
	int status = c->fn(argc, (char **)argv, &ctx);
	yoi_ctx_free(&ctx);
	if (fflush(stdout) != 0 && status == 0)
		status = YOI_EXIT_IO;
	fflush(stderr);
	_exit(status);
}

/* Append what fd has to *buf (at most YOI_MCP_OUT_MAX; the rest is
 * drained and dropped). false at EOF or error. */
static bool drain(int fd, char **buf, size_t *len, size_t *cap, bool *over)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (*len + (size_t)n > YOI_MCP_OUT_MAX) {
		*over = true;
		return true;
	}
	if (*len + (size_t)n + 1 > *cap) {
		size_t nc = (*len + (size_t)n + 1) * 2;
		char *b = realloc(*buf, nc);
		if (!b) {
			*over = true;
			return true;
		}
		*buf = b;
		*cap = nc;
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return true;
}

static int run(void *data, char *const *argv, const char *in, size_t inlen,
	       yoi_mcp_run *res)
{
	const runner *r = data;
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	memset(res, 0, sizeof(*res));
	if (pipe(pin) < 0 || pipe(pout) < 0 || pipe(perr) < 0)
		goto fail;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		child(r, argv, pin[0], pout[1], perr[1]);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	size_t off = 0, ocap = 0, ecap = 0;
	bool over = false;
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	while (pout[0] >= 0 || perr[0] >= 0 || pin[1] >= 0) {
		struct pollfd p[3] = {{pout[0], POLLIN, 0},
				      {perr[0], POLLIN, 0},
				      {pin[1], POLLOUT, 0}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents &&
		    !drain(pout[0], &res->out, &res->outlen, &ocap, &over)) {
			close(pout[0]);
			pout[0] = -1;
		}
		if (p[1].revents &&
		    !drain(perr[0], &res->err, &res->errlen, &ecap, &over)) {
			close(perr[0]);
			perr[0] = -1;
		}
		if (p[2].revents) {
			ssize_t n = (p[2].revents & POLLOUT)
					? write(pin[1], in + off, inlen - off)
					: -1;
			if (n > 0)
				off += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == inlen) {
				close(pin[1]); /* EOF, or the child is gone */
				pin[1] = -1;
			}
		}
	}
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
		if (pin[i] >= 0)
			close(pin[i]);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = 0;
			break;
		}
	res->status = WIFEXITED(st)	? WEXITSTATUS(st)
		      : WIFSIGNALED(st) ? 128 + WTERMSIG(st)
					: YOI_EXIT_IO;
	if (over) {
		yoi_mcp_run_free(res);
		res->err = yoi_sprintf("%s: output over %u bytes, or out of "
				       "memory; narrow the request",
				       argv[0], YOI_MCP_OUT_MAX);
		res->errlen = res->err ? strlen(res->err) : 0;
		res->status = YOI_EXIT_IO;
	}
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	res->err = yoi_sprintf("%s", strerror(errno));
	res->errlen = res->err ? strlen(res->err) : 0;
	return -1;
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
	runner r = {ctx, {dup(0), dup(1)}};
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
