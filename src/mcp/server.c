/*
 * server.c - the protocol loop: one JSON-RPC 2.0 message per line on
 * stdin, one answer per request on stdout (docs/mcp.md). Bounded: a line
 * over line_max bytes or nested deeper than depth_max is answered with an
 * error and skipped; requests are answered one at a time, in the order
 * they came, and a flood beyond QUEUE_MAX waiting requests is answered
 * "busy" (-32000) at once, so memory stays bounded.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yoi/common.h"

#include "mcp/mcp_int.h"

/*
 * The requests read but not yet answered: at most QUEUE_MAX of them and
 * QUEUE_BYTES in all; a request beyond is answered "busy" at once.
 */
#define QUEUE_MAX   256
#define QUEUE_BYTES (16u * 1024 * 1024)

void yoi_mcp_run_free(yoi_mcp_run *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->outlen = res->errlen = 0;
}

/* s[0..n) with every byte of invalid UTF-8 as U+FFFD. Caller frees. */
static char *utf8_fix(const char *s, size_t n)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_grow(&b, n + 1);
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80		? 1
			     : (c >> 5) == 0x6	? 2
			     : (c >> 4) == 0xe	? 3
			     : (c >> 3) == 0x1e ? 4
						: 0;
		if (len && i + len <= n && yoi_utf8_valid(s + i, len)) {
			yoi_buf_put(&b, s + i, len);
			i += len;
		} else {
			yoi_buf_puts(&b, "\xef\xbf\xbd");
			i++;
		}
	}
	yoi_buf_putc(&b, '\0');
	if (yoi_buf_oom(&b)) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

int yoi_mcp_exec(const yoi_mcp_opts *o, char *const *argv, const char *in,
		 size_t inlen, yoi_mcp_run *res, yoi_rpc_err *err)
{
	memset(res, 0, sizeof(*res));
	int rc = o->run(o->run_data, argv, in, inlen, res);
	if (rc == 0) {
		/* JSON strings are UTF-8: repair what a command printed. */
		char *out = res->out ? utf8_fix(res->out, res->outlen) : NULL;
		char *er = res->err ? utf8_fix(res->err, res->errlen) : NULL;
		if ((res->out && !out) || (res->err && !er)) {
			free(out);
			free(er);
			yoi_mcp_run_free(res);
			rc = -1;
		} else {
			yoi_mcp_run_free(res);
			res->out = out;
			res->outlen = out ? strlen(out) : 0;
			res->err = er;
			res->errlen = er ? strlen(er) : 0;
			return 0;
		}
	}
	err->code = YOI_RPC_INTERNAL;
	snprintf(err->msg, sizeof(err->msg),
		 "%s: could not run the command%s%s", argv[0],
		 res->err ? ": " : "", res->err ? res->err : "");
	yoi_mcp_run_free(res);
	return -1;
}

char *yoi_mcp_run_message(const yoi_mcp_run *res)
{
	const char *s = res->errlen ? res->err : res->out;
	size_t n = res->errlen ? res->errlen : res->outlen;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (!n)
		return yoi_sprintf("the command failed (exit status %d)",
				   res->status);
	return yoi_strndup(s, n);
}

/* Write one message as one line; false when out cannot be written. */
static bool send(const yoi_mcp_opts *o, json_t *msg)
{
	if (!msg) {
		/* Out of memory building the answer: a fixed one. */
		fputs("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
		      "-32603,\"message\":\"out of memory\"}}\n",
		      o->out);
	} else {
		json_dumpf(msg, o->out, JSON_COMPACT);
		fputc('\n', o->out);
		json_decref(msg);
	}
	return fflush(o->out) == 0 && !ferror(o->out);
}

static json_t *error_msg(json_t *id, int code, const char *message)
{
	return json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
			 id ? id : json_null(), "error", "code", code,
			 "message", message);
}

static json_t *result_msg(json_t *id, json_t *result)
{
	return result ? json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id,
				  "result", result)
		      : NULL;
}

/* Deeper than max in brackets (outside strings)? */
static bool too_deep(const char *s, size_t n, int max)
{
	int depth = 0;
	bool str = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = false;
		} else if (c == '"') {
			str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return true;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return false;
}

static json_t *initialize(const yoi_mcp_opts *o, json_t *params,
			  yoi_rpc_err *err)
{
	json_t *pv = json_object_get(params, "protocolVersion");
	if (!json_is_string(pv)) {
		err->code = YOI_RPC_PARAMS;
		snprintf(err->msg, sizeof(err->msg),
			 "initialize: params.protocolVersion (a string) is "
			 "required");
		return NULL;
	}
	/* The client's version when we speak it, else ours. */
	const char *v = json_string_value(pv);
	if (strcmp(v, YOI_MCP_PROTOCOL_OLD) != 0)
		v = YOI_MCP_PROTOCOL;
	return json_pack(
	    "{s:s, s:{s:{s:b}, s:{s:b, s:b}, s:{s:b}}, "
	    "s:{s:s, s:s}, s:s}",
	    "protocolVersion", v, "capabilities", "tools", "listChanged", 0,
	    "resources", "subscribe", 0, "listChanged", 0, "prompts",
	    "listChanged", 0, "serverInfo", "name", "yoi-tickets", "version",
	    o->version ? o->version : "0", "instructions",
	    "Tickets in plain files, driven by git. Tools run the "
	    "yoi-tickets commands; 'prompt' gives a role's brief.");
}

/* One request (method, params) to its result, or NULL and *err. */
static json_t *dispatch(const yoi_mcp_opts *o, const char *method,
			json_t *params, yoi_rpc_err *err)
{
	json_t *r = NULL;
	err->code = 0;
	if (!strcmp(method, "initialize"))
		return initialize(o, params, err);
	if (!strcmp(method, "ping"))
		return json_object();
	if (!strcmp(method, "tools/list"))
		return yoi_mcp_tools_list();
	if (!strcmp(method, "tools/call")) {
		json_t *name = json_object_get(params, "name");
		json_t *args = json_object_get(params, "arguments");
		if (!json_is_string(name) ||
		    (args && !json_is_object(args) && !json_is_null(args))) {
			err->code = YOI_RPC_PARAMS;
			snprintf(err->msg, sizeof(err->msg),
				 "tools/call: params.name must be a string "
				 "and params.arguments an object");
			return NULL;
		}
		yoi_mcp_tool_call(o, json_string_value(name),
				  json_is_object(args) ? args : NULL, &r, err);
		return r;
	}
	if (!strcmp(method, "prompts/list")) {
		yoi_mcp_prompts_list(o, &r, err);
		return r;
	}
	if (!strcmp(method, "prompts/get")) {
		yoi_mcp_prompt_get(o, params, &r, err);
		return r;
	}
	if (!strcmp(method, "resources/list")) {
		yoi_mcp_resources_list(o, &r, err);
		return r;
	}
	if (!strcmp(method, "resources/templates/list"))
		return yoi_mcp_resource_templates();
	if (!strcmp(method, "resources/read")) {
		yoi_mcp_resource_read(o, params, &r, err);
		return r;
	}
	err->code = YOI_RPC_METHOD;
	snprintf(err->msg, sizeof(err->msg), "method not found: %.200s",
		 method);
	return NULL;
}

/* The answer to one line (NULL: none, a notification or a response). */
static json_t *handle_line(const yoi_mcp_opts *o, const char *line, size_t n,
			   int depth_max, bool busy)
{
	if (too_deep(line, n, depth_max)) {
		char m[128];
		snprintf(m, sizeof(m),
			 "request nested deeper than %d levels; not read",
			 depth_max);
		return error_msg(NULL, YOI_RPC_INVALID, m);
	}
	json_error_t je;
	json_t *req =
	    json_loadb(line, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!req) {
		char m[300];
		snprintf(m, sizeof(m), "parse error: %s (column %d)", je.text,
			 je.column);
		return error_msg(NULL, YOI_RPC_PARSE, m);
	}
	json_t *answer = NULL;
	if (json_is_array(req)) {
		answer = error_msg(NULL, YOI_RPC_INVALID,
				   "batches are not supported (MCP "
				   "2025-06-18): send one request per line");
		goto out;
	}
	if (!json_is_object(req)) {
		answer = error_msg(NULL, YOI_RPC_INVALID,
				   "a request must be a JSON object");
		goto out;
	}
	json_t *id = json_object_get(req, "id");
	json_t *method = json_object_get(req, "method");
	json_t *params = json_object_get(req, "params");
	bool id_ok = id && (json_is_string(id) || json_is_integer(id));
	if (!method && id &&
	    (json_object_get(req, "result") || json_object_get(req, "error")))
		goto out; /* a response to us: we send no requests */
	if (!json_is_string(method) ||
	    !json_is_string(json_object_get(req, "jsonrpc")) ||
	    strcmp(json_string_value(json_object_get(req, "jsonrpc")), "2.0") ||
	    (id && !id_ok)) {
		answer = error_msg(id_ok ? id : NULL, YOI_RPC_INVALID,
				   "invalid request: needs jsonrpc \"2.0\", a "
				   "string method and a string or integer id");
		goto out;
	}
	if (!id)
		goto out; /* a notification: none needs an answer from us */
	if (params && !json_is_object(params)) {
		answer =
		    error_msg(id, YOI_RPC_PARAMS, "params must be an object");
		goto out;
	}
	if (busy) {
		char m[160];
		snprintf(m, sizeof(m),
			 "server busy: %d requests are waiting for their "
			 "answers; send this one again later",
			 QUEUE_MAX);
		answer = error_msg(id, YOI_RPC_BUSY, m);
		goto out;
	}
	yoi_rpc_err err = {0};
	json_t *result = dispatch(o, json_string_value(method), params, &err);
	if (result)
		answer = result_msg(id, result);
	else if (err.code)
		answer = error_msg(id, err.code, err.msg);
	else
		answer = error_msg(id, YOI_RPC_INTERNAL, "out of memory");
out:
	json_decref(req);
	return answer;
}

/*
 * The request reader: the raw descriptor, read in chunks, so that what is
 * waiting can be taken without blocking (poll). A line is assembled in
 * acc up to max bytes; the rest of a longer line is skipped.
 */
typedef struct reader {
	int fd;
	size_t max;
	char chunk[65536];
	size_t pos, len;
	bool eof;
	char *acc;
	size_t n, cap;
	bool over, any, done;
} reader;

enum { R_EOF, R_NONE, R_LINE, R_LONG };

/* More bytes into chunk: 1, or 0 at EOF or (!block) when none wait. */
static int fill(reader *r, bool block)
{
	if (!block) {
		struct pollfd p = {r->fd, POLLIN, 0};
		if (poll(&p, 1, 0) <= 0)
			return 0;
	}
	for (;;) {
		ssize_t k = read(r->fd, r->chunk, sizeof(r->chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r->eof = true; /* EOF, or a read error: the end */
			return 0;
		}
		r->pos = 0;
		r->len = (size_t)k;
		return 1;
	}
}

static void append(reader *r, const char *s, size_t k)
{
	if (r->over)
		return;
	if (r->n + k > r->max) {
		r->over = true;
		return;
	}
	if (r->n + k + 1 > r->cap) {
		size_t nc = r->cap ? r->cap : 4096;
		while (nc < r->n + k + 1)
			nc *= 2;
		char *b = realloc(r->acc, nc);
		if (!b) {
			r->over = true; /* answered as too long */
			return;
		}
		r->acc = b;
		r->cap = nc;
	}
	memcpy(r->acc + r->n, s, k);
	r->n += k;
}

/*
 * The next line in r->acc[0..r->n) (valid until the next call): R_LINE,
 * R_LONG (over max; skipped through its newline), R_EOF, or R_NONE when
 * !block and no whole line is waiting. A last line without its newline
 * is a line.
 */
static int next_line(reader *r, bool block)
{
	if (r->done) {
		r->n = 0;
		r->over = r->any = r->done = false;
	}
	for (;;) {
		if (r->pos == r->len && (r->eof || !fill(r, block))) {
			if (!r->eof)
				return R_NONE;
			if (!r->any)
				return R_EOF;
			r->done = true;
			return r->over ? R_LONG : R_LINE;
		}
		const char *p = r->chunk + r->pos;
		const char *nl = memchr(p, '\n', r->len - r->pos);
		size_t k = nl ? (size_t)(nl - p) : r->len - r->pos;
		append(r, p, k);
		r->any = true;
		r->pos += k + (nl ? 1 : 0);
		if (nl) {
			r->done = true;
			return r->over ? R_LONG : R_LINE;
		}
	}
}

/*
 * The requests read but not yet answered: at most QUEUE_MAX of them and
 * QUEUE_BYTES in all; a request beyond is answered "busy" at once.
 */

typedef struct queue {
	char *line[QUEUE_MAX];
	size_t len[QUEUE_MAX];
	size_t head, count, bytes;
} queue;

/* One line read: answered at once (too long, busy) or queued. */
static bool take(const yoi_mcp_opts *o, reader *r, int kind, queue *q,
		 int depth)
{
	json_t *answer = NULL;
	if (kind == R_LONG) {
		char m[128];
		snprintf(m, sizeof(m), "request line over %zu bytes; skipped",
			 r->max);
		return send(o, error_msg(NULL, YOI_RPC_INVALID, m));
	}
	size_t len = r->n;
	/* A blank line (or a lone CR) is no message. */
	while (len && (r->acc[len - 1] == '\r' || r->acc[len - 1] == ' ' ||
		       r->acc[len - 1] == '\t'))
		len--;
	if (len == 0)
		return true;
	if (q->count == QUEUE_MAX || q->bytes + len > QUEUE_BYTES) {
		answer = handle_line(o, r->acc, len, depth, true);
		return answer ? send(o, answer) : true;
	}
	char *copy = malloc(len);
	if (!copy)
		return send(o, NULL);
	memcpy(copy, r->acc, len);
	size_t at = (q->head + q->count) % QUEUE_MAX;
	q->line[at] = copy;
	q->len[at] = len;
	q->count++;
	q->bytes += len;
	return true;
}

int yoi_mcp_serve(const yoi_mcp_opts *o)
{
	int depth = o->depth_max ? o->depth_max : YOI_MCP_DEPTH_MAX;
	reader *r = calloc(1, sizeof(*r));
	queue *q = calloc(1, sizeof(*q));
	if (!r || !q) {
		free(r);
		free(q);
		fprintf(o->diag, "yoi-tickets mcp: out of memory\n");
		return YOI_EXIT_IO;
	}
	r->fd = o->in_fd;
	r->max = o->line_max ? o->line_max : YOI_MCP_LINE_MAX;
	bool ok = true;
	while (ok) {
		int k;
		if (q->count == 0) {
			if ((k = next_line(r, true)) == R_EOF)
				break;
			ok = take(o, r, k, q, depth);
		}
		/* What else waits now joins the queue (or is told "busy"). */
		while (ok &&
		       ((k = next_line(r, false)) == R_LINE || k == R_LONG))
			ok = take(o, r, k, q, depth);
		if (ok && q->count) {
			char *line = q->line[q->head];
			size_t len = q->len[q->head];
			q->head = (q->head + 1) % QUEUE_MAX;
			q->count--;
			q->bytes -= len;
			json_t *answer =
			    handle_line(o, line, len, depth, false);
			free(line);
			if (answer)
				ok = send(o, answer);
		}
	}
	for (; q->count; q->count--, q->head = (q->head + 1) % QUEUE_MAX)
		free(q->line[q->head]);
	free(r->acc);
	free(r);
	free(q);
	if (!ok) {
		fprintf(o->diag, "yoi-tickets mcp: writing to stdout failed\n");
		return YOI_EXIT_IO;
	}
	return 0;
}
