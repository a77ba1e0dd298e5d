/*
 * runner.c - one CLI command in a child process, output captured
 * (runner.h). Shared by the front ends beside the CLI: `mcp` (cmd_mcp.c)
 * and `serve` (cmd_serve.c).
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The front ends: never run inside a child of one. */
static const char *const front_ends[] = {"mcp", "serve"};

/* Is argv[0] a command of the table that may run in a child? */
static bool runnable(const char *name)
{
	const yoi_command *c = yoi_commands;
	while (c->name && strcmp(c->name, name) != 0)
		c++;
	for (size_t i = 0;
	     c->name && i < sizeof(front_ends) / sizeof(*front_ends); i++)
		if (strcmp(c->name, front_ends[i]) == 0)
			return false;
	return c->name != NULL;
}

/* The child's whole command line, built before the fork: this binary,
 * the global options of r, then argv (owned: free the array and wait). */
static char **command_line(const yoi_cli_runner *r, char *const *argv,
			   char *wait)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **v = calloc(n + 8, sizeof(*v));
	if (!v)
		return NULL;
	size_t k = 0;
	v[k++] = "yoi-tickets";
	if (r->ctx->root) {
		v[k++] = "--root";
		v[k++] = (char *)r->ctx->root;
	}
	if (r->ctx->author) {
		v[k++] = "--author";
		v[k++] = (char *)r->ctx->author;
	}
	v[k++] = wait;
	for (size_t i = 0; i < n; i++)
		v[k++] = argv[i];
	v[k] = NULL;
	return v;
}

/* The child: a fresh process of this binary running the command line.
 * It execs at once: a fork of a threaded server (serve) holds copies of
 * locks other threads held (the allocator's among them), so nothing but
 * async-signal-safe calls may run between fork and exec. */
static void child(const yoi_cli_runner *r, char *const *cmdline, int in,
		  int out, int err)
{
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(YOI_EXIT_IO);
	for (int i = 0; i < 2; i++)
		if (r->keep[i] > 2)
			close(r->keep[i]);
	execv("/proc/self/exe", cmdline);
	_exit(127);
}

/* Append what fd has to *buf (at most max; the rest is drained and
 * dropped). false at EOF or error. */
static bool drain(int fd, size_t max, char **buf, size_t *len, size_t *cap,
		  bool *over)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	if (*len + (size_t)n > max) {
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

void yoi_cli_run_free(yoi_cli_result *res)
{
	if (!res)
		return;
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->outlen = res->errlen = 0;
}

int yoi_cli_run(const yoi_cli_runner *r, char *const *argv, const char *in,
		size_t inlen, yoi_cli_result *res)
{
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	memset(res, 0, sizeof(*res));
	if (!runnable(argv[0])) {
		res->err =
		    yoi_sprintf("yoi-tickets: no command '%s' here\n", argv[0]);
		res->errlen = res->err ? strlen(res->err) : 0;
		res->status = YOI_EXIT_USAGE;
		return 0;
	}
	char wait[32];
	snprintf(wait, sizeof(wait), "--wait=%d", r->ctx->wait_sec);
	char **cmdline = command_line(r, argv, wait);
	if (!cmdline) {
		errno = ENOMEM;
		goto fail;
	}
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 ||
	    pipe2(perr, O_CLOEXEC) < 0)
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
		child(r, cmdline, pin[0], pout[1], perr[1]);
	}
	free(cmdline);
	cmdline = NULL;
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
		if (p[0].revents && !drain(pout[0], r->out_max, &res->out,
					   &res->outlen, &ocap, &over)) {
			close(pout[0]);
			pout[0] = -1;
		}
		if (p[1].revents && !drain(perr[0], r->out_max, &res->err,
					   &res->errlen, &ecap, &over)) {
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
		yoi_cli_run_free(res);
		res->err = yoi_sprintf("%s: output over %zu bytes, or out of "
				       "memory; narrow the request",
				       argv[0], r->out_max);
		res->errlen = res->err ? strlen(res->err) : 0;
		res->status = YOI_EXIT_IO;
	}
	return 0;
fail:
	free(cmdline);
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
