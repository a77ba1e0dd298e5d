/*
 * End-to-end: `yoi-tickets mcp`, the MCP server on stdio (docs/mcp.md).
 * The server reads a whole session from stdin and ends at EOF; every
 * line on stdout must be one JSON-RPC message. Bad input (malformed
 * JSON, unknown methods, wrong parameter types, an oversized line, deep
 * nesting, a flood, EOF mid-message) gets an error answer and the
 * server stays up; tools answer with the CLI's --json shapes and a
 * refusal is a result with isError, never a protocol error.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "harness.h"

#define INIT                                                                   \
	"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{" \
	"\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"              \
	"\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"                \
	"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"

/* A session: the answers, one JSON value per stdout line (asserted). */
typedef struct session {
	e2e_result r;
	json_t *msgs; /* array */
} session;

static session run_session(const char *dir, const char *input)
{
	session s;
	s.r = RUN_IN(dir, input, "mcp");
	cr_assert_eq(s.r.status, 0, "mcp exit %d, stderr: %s", s.r.status,
		     s.r.err);
	s.msgs = json_array();
	for (char *p = s.r.out; *p;) {
		char *nl = strchr(p, '\n');
		cr_assert_not_null(nl, "stdout ends without a newline: %s", p);
		json_error_t je;
		json_t *m = json_loadb(p, (size_t)(nl - p), 0, &je);
		cr_assert_not_null(m, "stdout line is not JSON (%s): %.*s",
				   je.text, (int)(nl - p), p);
		cr_assert_str_eq(
		    json_string_value(json_object_get(m, "jsonrpc")), "2.0");
		json_array_append_new(s.msgs, m);
		p = nl + 1;
	}
	return s;
}

static void session_free(session *s)
{
	json_decref(s->msgs);
	e2e_free(&s->r);
}

/* The answer with this integer id (asserted present). */
static json_t *answer(const session *s, int id)
{
	size_t i;
	json_t *m;
	json_array_foreach(s->msgs, i, m)
	{
		json_t *mid = json_object_get(m, "id");
		if (json_is_integer(mid) && json_integer_value(mid) == id)
			return m;
	}
	cr_assert_fail("no answer with id %d in: %s", id, s->r.out);
	return NULL;
}

static int err_code(json_t *m)
{
	json_t *e = json_object_get(m, "error");
	cr_assert_not_null(e, "expected an error, got %s",
			   json_dumps(m, JSON_COMPACT));
	return (int)json_integer_value(json_object_get(e, "code"));
}

static const char *err_message(json_t *m)
{
	return json_string_value(
	    json_object_get(json_object_get(m, "error"), "message"));
}

static json_t *result_of(json_t *m)
{
	json_t *r = json_object_get(m, "result");
	cr_assert_not_null(r, "expected a result, got %s",
			   json_dumps(m, JSON_COMPACT));
	return r;
}

/* tools/call's text content (the first block). */
static const char *tool_text(json_t *m)
{
	json_t *c = json_array_get(json_object_get(result_of(m), "content"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(c, "type")), "text");
	return json_string_value(json_object_get(c, "text"));
}

static bool tool_error(json_t *m)
{
	return json_is_true(json_object_get(result_of(m), "isError"));
}

/* A growing session text. */
static char *cat(char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *add = NULL;
	cr_assert(vasprintf(&add, fmt, ap) >= 0);
	va_end(ap);
	size_t n = s ? strlen(s) : 0;
	char *r = realloc(s, n + strlen(add) + 1);
	cr_assert_not_null(r);
	strcpy(r + n, add);
	free(add);
	return r;
}

/* A tools/call line; the arguments printf-style. */
static char *call(char *s, int id, const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *call(char *s, int id, const char *tool, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = NULL;
	cr_assert(vasprintf(&args, fmt, ap) >= 0);
	va_end(ap);
	s = cat(s,
		"{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
		"\"params\":{\"name\":\"%s\",\"arguments\":%s}}\n",
		id, tool, args);
	free(args);
	return s;
}

/* ---- the protocol ------------------------------------------------------- */

Test(mcp, initialize_ping_and_notifications)
{
	char *dir = e2e_store();
	session s = run_session(
	    dir,
	    INIT "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
		 "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		 "\"params\":{\"requestId\":7}}\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"initialize\","
		 "\"params\":{\"protocolVersion\":\"2025-03-26\"}}\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\","
		 "\"params\":{\"protocolVersion\":\"1999-01-01\"}}\n"
		 "\n\r\n");
	/* Notifications get no answer: 4 requests, 4 answers. */
	cr_assert_eq(json_array_size(s.msgs), 4, "%s", s.r.out);
	json_t *r = result_of(answer(&s, 0));
	cr_assert_str_eq(
	    json_string_value(json_object_get(r, "protocolVersion")),
	    "2025-06-18");
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(r, "serverInfo"), "name")),
			 "yoi-tickets");
	json_t *caps = json_object_get(r, "capabilities");
	cr_assert(json_object_get(caps, "tools") &&
		  json_object_get(caps, "resources") &&
		  json_object_get(caps, "prompts"));
	cr_assert_eq(json_object_size(result_of(answer(&s, 1))), 0);
	json_t *old = json_array_get(s.msgs, 2);
	cr_assert_str_eq(json_string_value(json_object_get(old, "id")), "s");
	cr_assert_str_eq(json_string_value(json_object_get(result_of(old),
							   "protocolVersion")),
			 "2025-03-26");
	/* A version we do not speak: we answer with ours. */
	cr_assert_str_eq(json_string_value(json_object_get(
			     result_of(answer(&s, 2)), "protocolVersion")),
			 "2025-06-18");
	session_free(&s);
	e2e_rm(dir);
}

Test(mcp, malformed_json_is_a_parse_error_and_the_server_stays_up)
{
	char *dir = e2e_store();
	session s = run_session(
	    dir, INIT "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"\n"
		      "not json at all\n"
		      "\xff\xfe{}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":"
		      "\"ping\"}\n"
		      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n");
	cr_assert_eq(json_array_size(s.msgs), 6, "%s", s.r.out);
	for (size_t i = 1; i <= 4; i++) {
		json_t *m = json_array_get(s.msgs, i);
		cr_assert_eq(err_code(m), -32700, "line %zu", i);
		cr_assert(json_is_null(json_object_get(m, "id")));
		cr_assert_not_null(strstr(err_message(m), "parse error"));
	}
	result_of(answer(&s, 3));
	session_free(&s);
	e2e_rm(dir);
}

Test(mcp, unknown_method_and_invalid_requests)
{
	char *dir = e2e_store();
	session s = run_session(
	    dir,
	    INIT "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tickets/burn\"}\n"
		 "{\"jsonrpc\":\"2.0\",\"method\":\"tickets/burn\"}\n"
		 "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7}\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}\n"
		 "[{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}]\n"
		 "42\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}\n"
		 "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}\n");
	/* The unknown notification and the client's response: no answer. */
	cr_assert_eq(json_array_size(s.msgs), 8, "%s", s.r.out);
	json_t *m = answer(&s, 1);
	cr_assert_eq(err_code(m), -32601);
	cr_assert_not_null(strstr(err_message(m), "tickets/burn"));
	cr_assert_eq(err_code(answer(&s, 2)), -32600);
	cr_assert_eq(err_code(answer(&s, 3)), -32600);
	for (size_t i = 4; i <= 6; i++)
		cr_assert_eq(err_code(json_array_get(s.msgs, i)), -32600);
	cr_assert_not_null(
	    strstr(err_message(json_array_get(s.msgs, 5)), "batches"));
	result_of(answer(&s, 6));
	session_free(&s);
	e2e_rm(dir);
}

Test(mcp, wrong_param_types_are_invalid_params)
{
	char *dir = e2e_store();
	char *in = cat(NULL, "%s", INIT);
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
		     "\"params\":[1,2]}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
		     "\"params\":{\"name\":5}}\n");
	in = call(in, 3, "state", "{\"id\":\"X\",\"target\":5}");
	in = call(in, 4, "state", "{\"id\":\"X\",\"target\":\"bogus\"}");
	in = call(in, 5, "state", "{\"target\":\"ready\"}");
	in = call(in, 6, "show", "{\"id\":\"X\",\"colour\":\"red\"}");
	in = call(in, 7, "burn", "{}");
	in = call(in, 8, "show", "[]");
	in = call(in, 9, "list", "{\"limit\":-1}");
	in = call(in, 10, "create", "{\"title\":\"t\",\"depends_on\":\"X\"}");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"initialize\","
		     "\"params\":{}}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":"
		     "\"resources/read\",\"params\":{\"uri\":3}}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":"
		     "\"prompts/get\",\"params\":{\"name\":\"coder\","
		     "\"arguments\":{\"ticket\":[]}}}\n");
	session s = run_session(dir, in);
	for (int id = 1; id <= 13; id++)
		cr_assert_eq(err_code(answer(&s, id)), -32602, "id %d", id);
	cr_assert_not_null(strstr(err_message(answer(&s, 4)), "'target'"));
	cr_assert_not_null(strstr(err_message(answer(&s, 5)), "'id'"));
	cr_assert_not_null(strstr(err_message(answer(&s, 6)), "'colour'"));
	cr_assert_not_null(strstr(err_message(answer(&s, 7)), "burn"));
	/* Nothing was created by the refused calls. */
	e2e_result l = RUN(dir, "list", "--state", "all");
	cr_assert_str_eq(l.out, "");
	e2e_free(&l);
	session_free(&s);
	free(in);
	e2e_rm(dir);
}

Test(mcp, oversized_line_is_refused_and_skipped)
{
	char *dir = e2e_store();
	size_t big = 5u * 1024 * 1024;
	char *in = malloc(big + 4096);
	cr_assert_not_null(in);
	strcpy(in, INIT);
	size_t n = strlen(in);
	n += (size_t)sprintf(in + n, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
				     "\"ping\",\"params\":{\"pad\":\"");
	memset(in + n, 'x', big);
	n += big;
	strcpy(in + n, "\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
		       "\"ping\"}\n");
	session s = run_session(dir, in);
	/* The refusal comes as soon as the line is read: id null. */
	cr_assert_eq(json_array_size(s.msgs), 3, "%s", s.r.out);
	json_t *m = json_array_get(s.msgs, 0);
	cr_assert(json_is_null(json_object_get(m, "id")));
	cr_assert_eq(err_code(m), -32600);
	cr_assert_not_null(strstr(err_message(m), "over 4194304 bytes"));
	result_of(answer(&s, 0));
	result_of(answer(&s, 2));
	session_free(&s);
	free(in);
	e2e_rm(dir);
}

Test(mcp, deep_json_is_refused_without_parsing)
{
	char *dir = e2e_store();
	char *in = cat(NULL, "%s", INIT);
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\","
		     "\"params\":{\"a\":");
	char *deep = malloc(100002);
	cr_assert_not_null(deep);
	memset(deep, '[', 100000);
	strcpy(deep + 100000, "\n");
	in = cat(in, "%s", deep);
	free(deep);
	/* Brackets inside strings do not count. */
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\","
		     "\"params\":{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		     "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}}\n");
	session s = run_session(dir, in);
	cr_assert_eq(json_array_size(s.msgs), 3, "%s", s.r.out);
	json_t *m = json_array_get(s.msgs, 1);
	cr_assert_eq(err_code(m), -32600);
	cr_assert_not_null(strstr(err_message(m), "deeper than 64"));
	result_of(answer(&s, 2));
	session_free(&s);
	free(in);
	e2e_rm(dir);
}

/*
 * A flood: every request is answered exactly once and the server stays
 * up. From a file all 5,000 lines are waiting at once: the first 256
 * messages (the two of INIT and pings 1..254) are queued and answered in
 * order, every later request at once with "busy" (-32000).
 */
Test(mcp, a_flood_gets_busy_errors_and_every_request_an_answer)
{
	char *dir = e2e_store();
	enum { N = 5000, K = 254 };
	char *in = cat(NULL, "%s", INIT);
	size_t cap = strlen(in) + (size_t)N * 64;
	in = realloc(in, cap);
	cr_assert_not_null(in);
	size_t n = strlen(in);
	for (int i = 1; i <= N; i++)
		n += (size_t)snprintf(in + n, cap - n,
				      "{\"jsonrpc\":\"2.0\",\"id\":%d,"
				      "\"method\":\"%s\"}\n",
				      i, i % 2 ? "ping" : "nope");
	session s = run_session(dir, in);
	cr_assert_eq(json_array_size(s.msgs), N + 1);
	static int seen[N + 1];
	memset(seen, 0, sizeof(seen));
	int last = 0;
	size_t i;
	json_t *m;
	json_array_foreach(s.msgs, i, m)
	{
		json_t *mid = json_object_get(m, "id");
		if (!json_is_integer(mid) || json_integer_value(mid) == 0)
			continue;
		int id = (int)json_integer_value(mid);
		cr_assert(id >= 1 && id <= N);
		seen[id]++;
		json_t *e = json_object_get(m, "error");
		int code = e ? err_code(m) : 0;
		if (id > K) {
			cr_assert_eq(code, -32000, "id %d", id);
			cr_assert_not_null(strstr(err_message(m), "busy"));
			continue;
		}
		/* The queued ones: in order, each as it asked. */
		cr_assert_gt(id, last);
		last = id;
		cr_assert_eq(code, id % 2 ? 0 : -32601, "id %d", id);
	}
	for (int id = 1; id <= N; id++)
		cr_assert_eq(seen[id], 1, "id %d answered %d times", id,
			     seen[id]);
	result_of(answer(&s, 0));
	session_free(&s);
	free(in);
	e2e_rm(dir);
}

Test(mcp, eof_ends_the_server_cleanly)
{
	char *dir = e2e_store();
	session s = run_session(dir, "");
	cr_assert_eq(json_array_size(s.msgs), 0);
	session_free(&s);
	/* EOF in the middle of a message: that line is answered, exit 0. */
	s = run_session(dir, INIT "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth");
	cr_assert_eq(json_array_size(s.msgs), 2, "%s", s.r.out);
	cr_assert_eq(err_code(json_array_get(s.msgs, 1)), -32700);
	session_free(&s);
	/* A complete request without its newline is still answered. */
	s = run_session(dir, INIT "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
				  "\"ping\"}");
	result_of(answer(&s, 1));
	session_free(&s);
	e2e_rm(dir);
}

Test(mcp, usage_errors_of_the_command)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "mcp", "extra");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	e2e_rm(dir);
}

/* ---- tools -------------------------------------------------------------- */

static char *created_id(json_t *m)
{
	cr_assert(!tool_error(m), "create failed: %s", tool_text(m));
	json_t *sc = json_object_get(result_of(m), "structuredContent");
	return strdup(json_string_value(json_object_get(sc, "id")));
}

Test(mcp, tools_list_has_exact_schemas)
{
	char *dir = e2e_store();
	session s = run_session(
	    dir,
	    INIT "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");
	json_t *tools = json_object_get(result_of(answer(&s, 1)), "tools");
	const char *want[] = {
	    "list",    "show",	       "create",	  "edit",
	    "comment", "state",	       "review",	  "close",
	    "reopen",  "relation_add", "relation_remove", "plan_add",
	    "route",   "deps",	       "doctor",	  "check",
	    "prompt",  "start",	       "finish",	  "cleanup"};
	cr_assert_eq(json_array_size(tools), sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		json_t *t = json_array_get(tools, i);
		cr_assert_str_eq(json_string_value(json_object_get(t, "name")),
				 want[i]);
		json_t *in = json_object_get(t, "inputSchema");
		cr_assert_str_eq(json_string_value(json_object_get(in, "type")),
				 "object");
		cr_assert(
		    json_is_false(json_object_get(in, "additionalProperties")));
		json_t *out = json_object_get(t, "outputSchema");
		if (out)
			cr_assert_str_eq(
			    json_string_value(json_object_get(out, "type")),
			    "object");
	}
	/* state: the targets are an enum, id and target required. */
	json_t *st = json_array_get(tools, 5);
	json_t *target = json_object_get(
	    json_object_get(json_object_get(st, "inputSchema"), "properties"),
	    "target");
	cr_assert_eq(json_array_size(json_object_get(target, "enum")), 5);
	json_t *req =
	    json_object_get(json_object_get(st, "inputSchema"), "required");
	cr_assert_eq(json_array_size(req), 2);
	session_free(&s);
	e2e_rm(dir);
}

/* structuredContent is the CLI's --json, by construction. */
Test(mcp, tools_answer_with_the_cli_json_shapes)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	e2e_result cli = RUN(dir, "show", a, "--json");
	cr_assert_eq(cli.status, 0);
	json_t *want = json_loads(cli.out, 0, NULL);
	e2e_result cl = RUN(dir, "list", "--json");
	json_t *want_list = json_loads(cl.out, 0, NULL);
	char *in = cat(NULL, "%s", INIT);
	in = cat(
	    in,
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"show\",\"arguments\":{\"id\":\"%s\"}}}\n",
	    a);
	in = call(in, 2, "list", "{}");
	session s = run_session(dir, in);
	json_t *r = result_of(answer(&s, 1));
	cr_assert(!tool_error(answer(&s, 1)));
	json_t *sc = json_object_get(r, "structuredContent");
	cr_assert(json_equal(sc, want), "show: %s", tool_text(answer(&s, 1)));
	/* The text form is the same JSON, compact. */
	json_t *txt = json_loads(tool_text(answer(&s, 1)), 0, NULL);
	cr_assert(json_equal(txt, want));
	json_t *l =
	    json_object_get(result_of(answer(&s, 2)), "structuredContent");
	cr_assert(json_equal(json_object_get(l, "tickets"), want_list));
	json_decref(txt);
	json_decref(want);
	json_decref(want_list);
	e2e_free(&cli);
	e2e_free(&cl);
	session_free(&s);
	free(in);
	free(a);
	e2e_rm(dir);
}

Test(mcp, create_to_close_and_a_refusal_names_the_blocker)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Blocker");
	char *in = cat(NULL, "%s", INIT);
	in = call(in, 1, "create",
		  "{\"title\":\"-dash title\",\"body\":"
		  "\"## Background\\n\\nbody text\\n\",\"depends_on\":"
		  "[\"%s\"]}",
		  a);
	session s = run_session(dir, in);
	char *b = created_id(answer(&s, 1));
	session_free(&s);
	free(in);
	e2e_result sh = RUN(dir, "show", b);
	cr_assert_not_null(strstr(sh.out, "-dash title"));
	cr_assert_not_null(strstr(sh.out, "body text"));
	e2e_free(&sh);

	in = cat(NULL, "%s", INIT);
	in = call(in, 1, "state",
		  "{\"id\":\"%s\",\"target\":\"ready\",\"summary\":\"s\"}", b);
	in = call(in, 2, "state", "{\"id\":\"%s\",\"target\":\"queued\"}", b);
	in = call(in, 3, "comment",
		  "{\"id\":\"%s\",\"kind\":\"decision\",\"text\":"
		  "\"--force\"}",
		  b);
	in = call(in, 4, "route", "{}");
	in = call(in, 5, "close", "{\"id\":\"%s\",\"resolution\":\"done\"}", b);
	in = call(in, 6, "show", "{\"id\":\"NOPE1\"}");
	session s2 = run_session(dir, in);
	cr_assert(!tool_error(answer(&s2, 1)), "%s", tool_text(answer(&s2, 1)));
	/* Refused: a tool result with isError, naming the blocker. */
	json_t *m = answer(&s2, 2);
	cr_assert(tool_error(m));
	cr_assert_not_null(strstr(tool_text(m), a), "%s", tool_text(m));
	cr_assert_not_null(strstr(tool_text(m), "cannot go to queued"));
	cr_assert(!tool_error(answer(&s2, 3)));
	json_t *route = json_object_get(
	    json_object_get(result_of(answer(&s2, 4)), "structuredContent"),
	    "route");
	json_t *row = json_array_get(route, 0);
	cr_assert_str_eq(json_string_value(json_object_get(row, "class")),
			 "waiting_dependency");
	cr_assert_eq(json_array_size(json_object_get(row, "chains")), 1);
	json_t *closed =
	    json_object_get(result_of(answer(&s2, 5)), "structuredContent");
	cr_assert_str_eq(json_string_value(json_object_get(closed, "state")),
			 "closed");
	m = answer(&s2, 6);
	cr_assert(tool_error(m));
	cr_assert_not_null(strstr(tool_text(m), "NOPE1"));
	session_free(&s2);
	free(in);
	/* The decision's text went in as text, not as a flag. */
	char *thread = e2e_read(dir, e2e_tpath(b, "thread.md"));
	cr_assert_not_null(strstr(thread, "event: decision"));
	cr_assert_not_null(strstr(thread, "\n--force\n"));
	free(thread);
	e2e_doctor_clean(dir);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(mcp, without_a_store_a_tool_says_what_to_do)
{
	char *dir = e2e_repo();
	char *in = call(cat(NULL, "%s", INIT), 1, "list", "{}");
	session s = run_session(dir, in);
	json_t *m = answer(&s, 1);
	cr_assert(tool_error(m));
	cr_assert_not_null(strstr(tool_text(m), "init"), "%s", tool_text(m));
	session_free(&s);
	free(in);
	e2e_rm(dir);
}

/* ---- prompts and resources ---------------------------------------------- */

Test(mcp, prompts_and_resources)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Resource me");
	OK(dir, "comment", a, "-m", "a thread line");
	char *in = cat(NULL, "%s", INIT);
	in = cat(
	    in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/list\"}\n");
	in = cat(in,
		 "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/get\","
		 "\"params\":{\"name\":\"coder\",\"arguments\":{\"ticket\":"
		 "\"%s\"}}}\n",
		 a);
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"prompts/get\","
		     "\"params\":{\"name\":\"nobody\"}}\n");
	in = cat(in,
		 "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\","
		 "\"params\":{\"uri\":\"yoi://tickets/%s\"}}\n",
		 a);
	in = cat(in,
		 "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/read\","
		 "\"params\":{\"uri\":\"yoi://tickets/%s/thread\"}}\n",
		 a);
	in = cat(in,
		 "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":"
		 "\"resources/read\",\"params\":{\"uri\":\"yoi://route\"}}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
		     "\"resources/read\",\"params\":{\"uri\":"
		     "\"yoi://tickets/ZZZZZZ\"}}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
		     "\"resources/read\",\"params\":{\"uri\":\"file:///etc/"
		     "passwd\"}}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":"
		     "\"resources/list\"}\n");
	in = cat(in, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":"
		     "\"resources/templates/list\"}\n");
	session s = run_session(dir, in);
	json_t *prompts = json_object_get(result_of(answer(&s, 1)), "prompts");
	cr_assert_eq(json_array_size(prompts), 4);
	json_t *msg = json_array_get(
	    json_object_get(result_of(answer(&s, 2)), "messages"), 0);
	const char *brief = json_string_value(
	    json_object_get(json_object_get(msg, "content"), "text"));
	cr_assert_not_null(strstr(brief, "Resource me"));
	cr_assert_not_null(strstr(brief, "Role: coder"));
	cr_assert_eq(err_code(answer(&s, 3)), -32602);
	cr_assert_not_null(strstr(err_message(answer(&s, 3)), "nobody"));
	json_t *c = json_array_get(
	    json_object_get(result_of(answer(&s, 4)), "contents"), 0);
	const char *md = json_string_value(json_object_get(c, "text"));
	cr_assert_not_null(strstr(md, "Resource me"), "%s", md);
	cr_assert_not_null(strstr(md, "a thread line"));
	c = json_array_get(
	    json_object_get(result_of(answer(&s, 5)), "contents"), 0);
	md = json_string_value(json_object_get(c, "text"));
	cr_assert_null(strstr(md, "Resource me"));
	cr_assert_not_null(strstr(md, "a thread line"));
	c = json_array_get(
	    json_object_get(result_of(answer(&s, 6)), "contents"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(c, "mimeType")),
			 "application/json");
	cr_assert_eq(err_code(answer(&s, 7)), -32002);
	cr_assert_eq(err_code(answer(&s, 8)), -32002);
	json_t *res = json_object_get(result_of(answer(&s, 9)), "resources");
	cr_assert_eq(json_array_size(res), 2);
	json_t *tpl =
	    json_object_get(result_of(answer(&s, 10)), "resourceTemplates");
	cr_assert_eq(json_array_size(tpl), 2);
	session_free(&s);
	free(in);
	free(a);
	e2e_rm(dir);
}

/* ---- the worktree loop and --root --------------------------------------- */

Test(mcp, start_finish_cleanup_through_tools)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "echo x > f && git add -A && git commit -qm "
				 "base"),
		     0);
	char *id = OK_LINE(dir, "create", "--title", "Loop");
	OK(dir, "state", id, "ready", "--summary", "s");
	OK(dir, "state", id, "queued");
	char *in = cat(NULL, "%s", INIT);
	in = call(in, 1, "start", "{\"id\":\"%s\"}", id);
	in = call(in, 2, "finish", "{\"id\":\"%s\"}", id);
	in = call(in, 3, "cleanup", "{\"id\":\"%s\"}", id);
	in = call(in, 4, "cleanup", "{\"id\":\"%s\"}", id);
	session s = run_session(dir, in);
	json_t *st =
	    json_object_get(result_of(answer(&s, 1)), "structuredContent");
	cr_assert(!tool_error(answer(&s, 1)), "%s", tool_text(answer(&s, 1)));
	cr_assert_str_eq(json_string_value(json_object_get(st, "to")),
			 "inprogress");
	cr_assert(!tool_error(answer(&s, 2)), "%s", tool_text(answer(&s, 2)));
	json_t *cl =
	    json_object_get(result_of(answer(&s, 3)), "structuredContent");
	cr_assert(json_is_true(json_object_get(cl, "worktree_removed")));
	/* Nothing left to clean: refused with the CLI's message. */
	cr_assert(tool_error(answer(&s, 4)));
	session_free(&s);
	free(in);
	free(id);
	e2e_rm(dir);
}

Test(mcp, root_option_names_the_store)
{
	char *dir = e2e_repo();
	OK(dir, "--root", "elsewhere/tickets", "init");
	char *in =
	    call(cat(NULL, "%s", INIT), 1, "create", "{\"title\":\"R\"}");
	in = call(in, 2, "list", "{}");
	e2e_result r = RUN_IN(dir, in, "mcp", "--root", "elsewhere/tickets");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "\"title\":\"R\""), "%s", r.out);
	cr_assert_eq(e2e_count(r.out, "\"isError\":false"), 2, "%s", r.out);
	e2e_free(&r);
	free(in);
	e2e_rm(dir);
}

/* Through a pipe, a request may come in pieces: each is answered whole. */
Test(mcp, requests_split_across_writes)
{
	char *dir = e2e_store();
	cr_assert_eq(
	    e2e_sh(dir, "{ printf '{\"jsonrpc\":\"2.0\",'; "
			"printf '\"id\":1,\"method\":\"pi'; "
			"printf 'ng\"}\\n{\"jsonrpc\":\"2.0\",\"id\":2,'; "
			"printf '\"method\":\"ping\"}\\n\\n'; "
			"printf '{\"jsonrpc\":\"2.0\",\"id\":3,\"method\"'; "
			"} | \"$YOI_BIN\" mcp > mcp.out 2> mcp.err"),
	    0);
	char *out = e2e_read(dir, "mcp.out");
	const char *want = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n"
			   "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n"
			   "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{"
			   "\"code\":-32700,\"message\":\"parse error: ";
	cr_assert(strncmp(out, want, strlen(want)) == 0, "%s", out);
	cr_assert_eq(e2e_count(out, "\n"), 3, "%s", out);
	free(out);
	e2e_rm(dir);
}

/* The store lock held by another writer: a refusal naming it, not a hang;
 * readers go on. --wait given before `mcp` bounds every call's wait. */
Test(mcp, a_held_lock_is_a_busy_refusal)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Busy");
	char lock[1024];
	snprintf(lock, sizeof(lock), "%s/.git/yoi/locks/.yoi%%2Ftickets.lock",
		 dir);
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	cr_assert(fd >= 0, "%s: %s", lock, strerror(errno));
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	char *in = call(cat(NULL, "%s", INIT), 1, "comment",
			"{\"id\":\"%s\",\"text\":\"x\"}", id);
	in = call(in, 2, "show", "{\"id\":\"%s\"}", id);
	e2e_result r = RUN_IN(dir, in, "--wait", "0", "mcp");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, "\"isError\":true"), 1, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "busy"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "\"event_count\":1"), "%s", r.out);
	e2e_free(&r);
	flock(fd, LOCK_UN);
	close(fd);
	free(in);
	free(id);
	e2e_rm(dir);
}
