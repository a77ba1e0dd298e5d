/*
 * server.c - the protocol loop: one JSON-RPC 2.0 message per line on
 * stdin, one answer per request line on stdout (docs/mcp.md). Bounded:
 * a line over line_max bytes or nested deeper than depth_max is answered
 * with an error and skipped; the server reads one line at a time, so a
 * flood of requests is answered in order in constant memory.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"

#include "mcp/mcp_int.h"

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
			   int depth_max)
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
 * Read one line (without its newline) into *buf, at most max bytes.
 * 1: a line; 0: EOF before any byte; 2: the line was longer than max and
 * has been skipped through its newline.
 */
static int read_line(FILE *in, char **buf, size_t *cap, size_t *len, size_t max)
{
	size_t n = 0;
	bool over = false, any = false;
	int c;
	while ((c = getc(in)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (over)
			continue;
		if (n >= max) {
			over = true;
			continue;
		}
		if (n + 1 >= *cap) {
			size_t nc = *cap ? *cap * 2 : 4096;
			if (nc > max + 1)
				nc = max + 1;
			char *b = realloc(*buf, nc);
			if (!b) {
				over = true; /* answered as too long */
				continue;
			}
			*buf = b;
			*cap = nc;
		}
		(*buf)[n++] = (char)c;
	}
	*len = n;
	if (!any)
		return 0;
	return over ? 2 : 1;
}

int yoi_mcp_serve(const yoi_mcp_opts *o)
{
	size_t max = o->line_max ? o->line_max : YOI_MCP_LINE_MAX;
	int depth = o->depth_max ? o->depth_max : YOI_MCP_DEPTH_MAX;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int rc = 0, r;
	while ((r = read_line(o->in, &buf, &cap, &len, max)) != 0) {
		json_t *answer = NULL;
		if (r == 2) {
			char m[128];
			snprintf(m, sizeof(m),
				 "request line over %zu bytes; skipped", max);
			answer = error_msg(NULL, YOI_RPC_INVALID, m);
			if (!send(o, answer)) {
				rc = YOI_EXIT_IO;
				break;
			}
			continue;
		}
		/* A blank line (or a lone CR) is no message. */
		while (len && (buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
			       buf[len - 1] == '\t'))
			len--;
		if (len == 0)
			continue;
		answer = handle_line(o, buf, len, depth);
		if (answer && !send(o, answer)) {
			rc = YOI_EXIT_IO;
			break;
		}
	}
	free(buf);
	if (rc)
		fprintf(o->diag, "yoi-tickets mcp: writing to stdout failed\n");
	return rc;
}
