/*
 * tools.c - the MCP tools: one table row per tool, from which both its
 * inputSchema and the command line it runs are made, so that the two
 * cannot disagree. A tool runs its CLI command with --json through the
 * runner (mcp.h): structuredContent is the command's JSON (an array
 * wrapped under one key, as MCP wants an object), the text content its
 * compact form; a refusal is a result with isError and the command's
 * message.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/plan.h"
#include "yoi/relations.h"
#include "yoi/state.h"

#include "mcp/mcp_int.h"

typedef enum {
	A_POS,	    /* a positional argument, in table order */
	A_STR,	    /* --flag=VALUE */
	A_BOOL,	    /* --flag when true */
	A_UINT,	    /* --flag=N */
	A_LIST,	    /* --flag=V per element */
	A_STDIN,    /* --flag=- with the value on stdin */
	A_CMD,	    /* the command itself (an enum; default: the first) */
	A_FLAGENUM, /* --VALUE (underscores as dashes) */
} akind;

typedef struct targ {
	const char *name;
	akind kind;
	const char *flag;
	bool required;
	const char *const *enums; /* NULL-terminated */
	const char *desc;	  /* NULL: the name says it */
} targ;

#define TARGS_MAX 10

typedef struct tool {
	const char *name;
	const char *desc;
	const char *cmd[3]; /* the command (NULL-terminated) */
	const char *json;   /* "--json", "--format=json" or NULL: text */
	const char *wrap;   /* an array answer goes under this key */
	bool findings_ok;   /* exit 1 (findings) is an answer, not a refusal */
	const char *out_schema;	  /* outputSchema (JSON text) or NULL */
	targ args[TARGS_MAX + 1]; /* ends with name NULL */
} tool;

/* The names the library knows, filled from it (fill_enums) so that the
 * schemas can never drift from the engine's tables. `state` takes every
 * state but closed (closing is the close tool's, with its resolution). */
static const char *STATES[YOI_ST__COUNT + 1];
static const char *const NOTES[] = {"comment", "plan", "decision", "report",
				    NULL};
static const char *const VERDICTS[] = {"approve", "request_changes", NULL};
static const char *RELKINDS[YOI_REL_KIND_COUNT + 1];
static const char *PLANKINDS[YOI_PLAN_KIND_COUNT + 1];

static void fill_enums(void)
{
	static bool done;
	if (done)
		return;
	size_t n = 0;
	for (int s = 0; s < YOI_ST__COUNT; s++)
		if (s != YOI_ST_CLOSED)
			STATES[n++] = yoi_state_name((yoi_state)s);
	for (int k = 0; k < YOI_REL_KIND_COUNT; k++)
		RELKINDS[k] = yoi_rel_kind_name((yoi_rel_kind)k);
	for (int k = 0; k < YOI_PLAN_KIND_COUNT; k++)
		PLANKINDS[k] = yoi_plan_kind_name((yoi_plan_kind)k);
	done = true;
}
static const char *const ROLES[] = {"intake", "orchestrator", "coder",
				    "reviewer", NULL};

#define ID(req)                                                                \
	{                                                                      \
		"id", A_POS, NULL, req, NULL, "ticket ID or unique suffix"     \
	}
#define S_STR  "{\"type\":\"string\"}"
#define S_NSTR "{\"type\":[\"string\",\"null\"]}"
#define S_OBJ  "{\"type\":\"object\"}"
#define S_ARR  "{\"type\":\"array\"}"
#define REL_SCHEMA                                                             \
	"{\"type\":\"object\",\"required\":[\"id\",\"action\",\"kind\","         \
	"\"target\"],\"properties\":{\"id\":" S_STR ",\"action\":" S_STR           \
	",\"kind\":" S_STR ",\"target\":" S_STR "}}"
#define NOTIFY "\"notify\":" S_OBJ

static const tool TOOLS[] = {
    {"list",
     "List tickets (ID order), filtered as `list`.",
     {"list"},
     "--json",
     "tickets",
     false,
     "{\"type\":\"object\",\"required\":[\"tickets\"],\"properties\":{"
     "\"tickets\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
     "\"required\":[\"id\"],\"properties\":{\"id\":" S_STR ",\"title\":" S_NSTR
     ",\"state\":" S_NSTR ",\"assignee\":" S_NSTR "}}}}}",
     {{"state", A_STR, "--state", false, NULL,
       "active (default), all, or states comma-separated"},
      {"assignee", A_STR, "--assignee", false, NULL, NULL},
      {"risk_flag", A_STR, "--risk-flag", false, NULL, NULL},
      {"labels", A_LIST, "--label", false, NULL, "all of these labels"},
      {"search", A_STR, "--search", false, NULL, "text in title or body"},
      {"limit", A_UINT, "--limit", false, NULL, NULL},
      {0}}},
    {"show",
     "A ticket: fields, body, relations, blockers and thread.",
     {"show"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"events\"],\"properties\":{"
     "\"id\":" S_STR ",\"title\":" S_NSTR ",\"state\":" S_NSTR
     ",\"fields\":" S_OBJ ",\"body\":" S_STR ",\"events\":" S_ARR "}}",
     {ID(true),
      {"events", A_UINT, "--events", false, NULL, "only the last N events"},
      {0}}},
    {"create",
     "Create a ticket (state planning); depends_on targets must exist.",
     {"create"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"state\"],\"properties\":{"
     "\"id\":" S_STR ",\"state\":" S_STR ",\"title\":" S_STR "," NOTIFY "}}",
     {{"title", A_STR, "--title", true, NULL, NULL},
      {"body", A_STDIN, "--body-file", false, NULL,
       "Markdown body (default: the template)"},
      {"assignee", A_STR, "--assignee", false, NULL, NULL},
      {"readiness", A_STR, "--readiness", false, NULL, NULL},
      {"risk_flags", A_LIST, "--risk-flag", false, NULL, NULL},
      {"labels", A_LIST, "--label", false, NULL, NULL},
      {"priority", A_STR, "--priority", false, NULL, "such as P1"},
      {"depends_on", A_LIST, "--depends-on", false, NULL, "ticket IDs"},
      {"slug", A_STR, "--slug", false, NULL, "for branch names"},
      {0}}},
    {"edit",
     "Change a ticket's title, fields or body (an edit event).",
     {"edit"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"fields\"],"
     "\"properties\":{\"id\":" S_STR ",\"fields\":" S_OBJ "}}",
     {ID(true),
      {"title", A_STR, "--title", false, NULL, NULL},
      {"assignee", A_STR, "--assignee", false, NULL, "\"\" unassigns"},
      {"readiness", A_STR, "--readiness", false, NULL, NULL},
      {"risk_flags", A_LIST, "--risk-flag", false, NULL, "replaces the list"},
      {"no_risk_flags", A_BOOL, "--no-risk-flags", false, NULL, NULL},
      {"add_labels", A_LIST, "--add-label", false, NULL, NULL},
      {"remove_labels", A_LIST, "--remove-label", false, NULL, NULL},
      {"priority", A_STR, "--priority", false, NULL, "\"\" removes it"},
      {"body", A_STDIN, "--body-file", false, NULL, NULL},
      {0}}},
    {"comment",
     "Append an event to the thread: a comment, plan, decision or report.",
     {NULL},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"event\"],"
     "\"properties\":{\"id\":" S_STR ",\"event\":" S_STR "}}",
     {ID(true),
      {"kind", A_CMD, NULL, false, NOTES, "default comment"},
      {"text", A_STR, "--message", true, NULL, "Markdown"},
      {"allow_large", A_BOOL, "--allow-large", false, NULL, "past 64 KiB"},
      {0}}},
    {"state",
     "Move a ticket along the transition table (SPEC 5).",
     {"state"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"from\",\"to\"],"
     "\"properties\":{\"id\":" S_STR ",\"from\":" S_STR ",\"to\":" S_STR
     ",\"forced\":{\"type\":\"boolean\"}," NOTIFY "}}",
     {ID(true),
      {"target", A_POS, NULL, true, STATES, NULL},
      {"reason", A_STR, "--reason", false, NULL,
       "needed backwards and with force"},
      {"summary", A_STR, "--summary", false, NULL,
       "the intake summary (planning -> ready)"},
      {"force", A_BOOL, "--force", false, NULL, "past the guards"},
      {0}}},
    {"review",
     "Record a review: approve or request changes.",
     {"review"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"status\"],\"properties\":{"
     "\"id\":" S_STR ",\"status\":" S_STR "," NOTIFY "}}",
     {ID(true),
      {"verdict", A_FLAGENUM, NULL, true, VERDICTS, NULL},
      {"text", A_STR, "--message", true, NULL, NULL},
      {0}}},
    {"close",
     "Close a ticket from any state with a resolution.",
     {"close"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"state\"],\"properties\":{"
     "\"id\":" S_STR ",\"state\":" S_STR "," NOTIFY "}}",
     {ID(true), {"resolution", A_STR, "--resolution", true, NULL, NULL}, {0}}},
    {"reopen",
     "Reopen a closed ticket (closed -> planning).",
     {"reopen"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"from\",\"to\"],"
     "\"properties\":{\"id\":" S_STR ",\"from\":" S_STR ",\"to\":" S_STR
     "," NOTIFY "}}",
     {ID(true), {"reason", A_STR, "--reason", true, NULL, NULL}, {0}}},
    {"relation_add",
     "Add a typed relation; refuses a cycle of depends_on/blocks.",
     {"relation", "add"},
     "--json",
     NULL,
     false,
     REL_SCHEMA,
     {ID(true),
      {"kind", A_STR, "--kind", true, RELKINDS, NULL},
      {"target", A_STR, "--target", true, NULL, "ticket ID"},
      {"note", A_STR, "--note", false, NULL, NULL},
      {0}}},
    {"relation_remove",
     "Remove a typed relation.",
     {"relation", "remove"},
     "--json",
     NULL,
     false,
     REL_SCHEMA,
     {ID(true),
      {"kind", A_STR, "--kind", true, RELKINDS, NULL},
      {"target", A_STR, "--target", true, NULL, "ticket ID"},
      {0}}},
    {"plan_add",
     "Append an orchestration-plan record (order, blocker, conflict, "
     "accepted plan).",
     {"plan", "add"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"ticket_id\",\"kind\"],"
     "\"properties\":{\"id\":" S_STR ",\"ticket_id\":" S_STR
     ",\"kind\":" S_STR "}}",
     {ID(true),
      {"kind", A_STR, "--kind", true, PLANKINDS, NULL},
      {"related", A_STR, "--related", false, NULL,
       "ticket ID (ordering, blocker and conflict kinds)"},
      {"note", A_STR, "--note", false, NULL, NULL},
      {"summary", A_STR, "--summary", false, NULL, "accepted_plan"},
      {"branch", A_STR, "--branch", false, NULL, NULL},
      {"worktree", A_STR, "--worktree", false, NULL, NULL},
      {"role_plan", A_STR, "--role-plan", false, NULL, NULL},
      {0}}},
    {"route",
     "Classify every ready and queued ticket, with every blocker chain.",
     {"route"},
     "--json",
     "route",
     false,
     "{\"type\":\"object\",\"required\":[\"route\"],\"properties\":{"
     "\"route\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
     "\"required\":[\"id\",\"class\"],\"properties\":{\"id\":" S_STR
     ",\"class\":{\"enum\":[\"actionable\",\"waiting_dependency\","
     "\"waiting_conflict\",\"waiting_capacity\"]},\"chains\":" S_ARR "}}}}}",
     {{"record", A_STR, "--record", false, NULL,
       "append the decision to this ticket's thread"},
      {0}}},
    {"deps",
     "A ticket's dependency tree (reverse: what waits for it).",
     {"deps"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"id\",\"reverse\",\"tree\"],"
     "\"properties\":{\"id\":" S_STR ",\"reverse\":{\"type\":\"boolean\"},"
     "\"tree\":{\"type\":\"array\"}}}",
     {ID(true), {"reverse", A_BOOL, "--reverse", false, NULL, NULL}, {0}}},
    {"doctor",
     "Check the whole store; fix repairs what is safe.",
     {"doctor"},
     "--format=json",
     NULL,
     true,
     "{\"type\":\"object\",\"required\":[\"errors\",\"diagnostics\"],"
     "\"properties\":{\"errors\":{\"type\":\"integer\"},\"warnings\":{"
     "\"type\":\"integer\"},\"diagnostics\":" S_ARR "}}",
     {{"fix", A_BOOL, "--fix", false, NULL, NULL}, {0}}},
    {"check",
     "CI check of every ticket changed between two commits.",
     {"check"},
     "--format=json",
     NULL,
     true,
     S_OBJ,
     {{"base", A_STR, "--base", true, NULL, "the older commit"},
      {"head", A_STR, "--head", false, NULL, "default HEAD"},
      {0}}},
    {"prompt",
     "The brief for a role, for a ticket when given.",
     {"prompt"},
     "--json",
     NULL,
     false,
     "{\"type\":\"object\",\"required\":[\"role\",\"text\"],"
     "\"properties\":{\"role\":" S_STR ",\"text\":" S_STR "}}",
     {{"role", A_POS, NULL, true, ROLES, NULL}, ID(false), {0}}},
    {"start",
     "Start work: branch, worktree, state inprogress.",
     {"start"},
     "--json",
     NULL,
     false,
     S_OBJ,
     {ID(true),
      {"base", A_STR, "--base", false, NULL, "the branch to start from"},
      {"slug", A_STR, "--slug", false, NULL, NULL},
      {"summary", A_STR, "--summary", false, NULL, NULL},
      {"reason", A_STR, "--reason", false, NULL, "with force"},
      {"force", A_BOOL, "--force", false, NULL, NULL},
      {0}}},
    {"finish",
     "inprogress -> done; says whether the branch is merged.",
     {"finish"},
     "--json",
     NULL,
     false,
     S_OBJ,
     {ID(true), {"reason", A_STR, "--reason", false, NULL, NULL}, {0}}},
    {"cleanup",
     "Remove a ticket's worktree and branch.",
     {"cleanup"},
     "--json",
     NULL,
     false,
     S_OBJ,
     {ID(true),
      {"force", A_BOOL, "--force", false, NULL, "even with unmerged work"},
      {0}}},
};

#define NTOOLS (sizeof(TOOLS) / sizeof(TOOLS[0]))

static json_t *arg_schema(const targ *a)
{
	json_t *s = json_object();
	if (!s)
		return NULL;
	const char *type = "string";
	if (a->kind == A_BOOL)
		type = "boolean";
	else if (a->kind == A_UINT)
		type = "integer";
	int e = 0;
	if (a->kind == A_LIST) {
		e |= json_object_set_new(s, "type", json_string("array"));
		e |= json_object_set_new(s, "items",
					 json_pack("{s:s}", "type", "string"));
	} else {
		e |= json_object_set_new(s, "type", json_string(type));
	}
	if (a->kind == A_UINT)
		e |= json_object_set_new(s, "minimum", json_integer(0));
	if (a->enums) {
		json_t *en = json_array();
		for (const char *const *v = a->enums; en && *v; v++)
			e |= json_array_append_new(en, json_string(*v));
		e |= json_object_set_new(s, "enum", en);
	}
	if (a->desc)
		e |=
		    json_object_set_new(s, "description", json_string(a->desc));
	if (e) {
		json_decref(s);
		return NULL;
	}
	return s;
}

static json_t *tool_json(const tool *t)
{
	json_t *props = json_object(), *req = json_array();
	int e = !props || !req;
	for (const targ *a = t->args; !e && a->name; a++) {
		e |= json_object_set_new(props, a->name, arg_schema(a));
		if (a->required)
			e |= json_array_append_new(req, json_string(a->name));
	}
	json_t *in = json_pack("{s:s, s:o, s:b}", "type", "object",
			       "properties", props, "additionalProperties", 0);
	props = NULL;
	if (in && json_array_size(req))
		e |= json_object_set(in, "required", req);
	json_decref(req);
	json_t *o = in ? json_pack("{s:s, s:s, s:o}", "name", t->name,
				   "description", t->desc, "inputSchema", in)
		       : NULL;
	if (o && t->out_schema) {
		json_t *os = json_loads(t->out_schema, 0, NULL);
		e |= !os || json_object_set_new(o, "outputSchema", os);
	}
	if (e || !o) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *yoi_mcp_tools_list(void)
{
	fill_enums();
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < NTOOLS; i++) {
		json_t *t = tool_json(&TOOLS[i]);
		if (!t || json_array_append_new(arr, t)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr ? json_pack("{s:o}", "tools", arr) : NULL;
}

static const tool *find_tool(const char *name)
{
	for (size_t i = 0; i < NTOOLS; i++)
		if (strcmp(TOOLS[i].name, name) == 0)
			return &TOOLS[i];
	return NULL;
}

static const targ *find_arg(const tool *t, const char *name)
{
	for (const targ *a = t->args; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static bool in_enum(const char *const *en, const char *v)
{
	for (; *en; en++)
		if (strcmp(*en, v) == 0)
			return true;
	return false;
}

/* The argument against its schema: NULL when it fits, else why not. */
static const char *arg_misfit(const targ *a, json_t *v)
{
	switch (a->kind) {
	case A_BOOL:
		return json_is_boolean(v) ? NULL : "a boolean";
	case A_UINT:
		return json_is_integer(v) && json_integer_value(v) >= 0
			   ? NULL
			   : "a non-negative integer";
	case A_LIST: {
		if (!json_is_array(v) || json_array_size(v) > 64)
			return "an array of at most 64 strings";
		for (size_t i = 0; i < json_array_size(v); i++)
			if (!json_is_string(json_array_get(v, i)))
				return "an array of strings";
		return NULL;
	}
	default:
		if (!json_is_string(v))
			return "a string";
		if (a->enums && !in_enum(a->enums, json_string_value(v)))
			return "one of the enum's values";
		return NULL;
	}
}

/* argv under construction: strings owned (freed by argv_free). */
typedef struct argvb {
	char **v;
	size_t n, cap;
	bool oom;
} argvb;

static void argv_add(argvb *b, const char *fmt, const char *s)
{
	if (b->oom)
		return;
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		char **v = realloc(b->v, cap * sizeof(*v));
		if (!v) {
			b->oom = true;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	char *x = NULL;
	if (asprintf(&x, fmt, s) < 0) {
		b->oom = true;
		return;
	}
	b->v[b->n++] = x;
	b->v[b->n] = NULL;
}

static void argv_free(argvb *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i]);
	free(b->v);
}

static int misfit(yoi_rpc_err *err, const char *fmt, const char *a,
		  const char *b, const char *tool)
{
	err->code = YOI_RPC_PARAMS;
	char what[256];
	snprintf(what, sizeof(what), fmt, a, b);
	snprintf(err->msg, sizeof(err->msg), "tool %s: %s", tool, what);
	return -1;
}

/*
 * The command line of tool t for args (checked against the schema
 * first), and the stdin text (borrowed from args). 0 or -1 and *err.
 */
static int build_argv(const tool *t, json_t *args, argvb *b, const char **in,
		      yoi_rpc_err *err)
{
	const char *key;
	json_t *v;
	json_object_foreach(args, key, v)
	{
		const targ *a = find_arg(t, key);
		if (!a)
			return misfit(err, "unknown argument '%s'%s", key, "",
				      t->name);
		const char *why = arg_misfit(a, v);
		if (why)
			return misfit(err, "argument '%s' must be %s", key, why,
				      t->name);
	}
	for (const targ *a = t->args; a->name; a++)
		if (a->required && !json_object_get(args, a->name))
			return misfit(err, "argument '%s' is required%s",
				      a->name, "", t->name);
	/* The command: fixed, or chosen by an A_CMD argument. */
	for (size_t i = 0; t->cmd[i]; i++)
		argv_add(b, "%s", t->cmd[i]);
	for (const targ *a = t->args; a->name; a++) {
		if (a->kind != A_CMD)
			continue;
		json_t *c = json_object_get(args, a->name);
		argv_add(b, "%s", c ? json_string_value(c) : a->enums[0]);
	}
	if (t->json)
		argv_add(b, "%s", t->json);
	for (const targ *a = t->args; a->name; a++) {
		json_t *x = json_object_get(args, a->name);
		if (!x)
			continue;
		switch (a->kind) {
		case A_STR:
			argv_add(b, "%s", a->flag);
			argv_add(b, "%s", json_string_value(x));
			break;
		case A_BOOL:
			if (json_is_true(x))
				argv_add(b, "%s", a->flag);
			break;
		case A_UINT: {
			char num[32];
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(x));
			argv_add(b, "%s", a->flag);
			argv_add(b, "%s", num);
			break;
		}
		case A_LIST: {
			size_t i;
			json_t *s;
			json_array_foreach(x, i, s)
			{
				argv_add(b, "%s", a->flag);
				argv_add(b, "%s", json_string_value(s));
			}
			break;
		}
		case A_STDIN:
			argv_add(b, "%s=-", a->flag);
			*in = json_string_value(x);
			break;
		case A_FLAGENUM: {
			char flag[64];
			snprintf(flag, sizeof(flag), "--%s",
				 json_string_value(x));
			for (char *p = flag; *p; p++)
				if (*p == '_')
					*p = '-';
			argv_add(b, "%s", flag);
			break;
		}
		default:
			break;
		}
	}
	/* Positionals after "--": a value may begin with a dash. */
	argv_add(b, "%s", "--");
	for (const targ *a = t->args; a->name; a++) {
		json_t *x = json_object_get(args, a->name);
		if (a->kind == A_POS && x)
			argv_add(b, "%s", json_string_value(x));
	}
	if (b->oom) {
		err->code = YOI_RPC_INTERNAL;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	return 0;
}

/* {content: [{type: text, text}], isError} plus structuredContent. */
static json_t *result(const char *text, size_t len, json_t *structured,
		      bool is_error)
{
	json_t *r = json_pack("{s:[{s:s, s:s%}], s:b}", "content", "type",
			      "text", "text", text, len, "isError", is_error);
	if (r && structured &&
	    json_object_set_new(r, "structuredContent", structured)) {
		json_decref(r);
		return NULL;
	}
	if (!r)
		json_decref(structured);
	return r;
}

/* A successful run's answer: the command's JSON (or text) as a result. */
static json_t *answer(const tool *t, const yoi_mcp_run *run)
{
	if (!t->json)
		return result(run->out, run->outlen, NULL, false);
	json_error_t je;
	json_t *j = json_loadb(run->out, run->outlen, 0, &je);
	if (!j) {
		/* Not JSON after all: hand over the text as it is. */
		return result(run->out, run->outlen, NULL, false);
	}
	if (!json_is_object(j)) {
		json_t *w = json_object();
		if (!w ||
		    json_object_set_new(w, t->wrap ? t->wrap : "result", j)) {
			json_decref(w);
			return NULL;
		}
		j = w;
	}
	char *compact = json_dumps(j, JSON_COMPACT);
	if (!compact) {
		json_decref(j);
		return NULL;
	}
	json_t *r = result(compact, strlen(compact), j, false);
	free(compact);
	return r;
}

int yoi_mcp_tool_call(const yoi_mcp_opts *o, const char *name, json_t *args,
		      json_t **out, yoi_rpc_err *err)
{
	fill_enums();
	*out = NULL;
	const tool *t = find_tool(name);
	if (!t) {
		err->code = YOI_RPC_PARAMS;
		snprintf(err->msg, sizeof(err->msg),
			 "unknown tool '%.200s'; tools/list names them", name);
		return -1;
	}
	json_t *empty = NULL;
	if (!args)
		args = empty = json_object();
	argvb b = {0};
	const char *in = NULL;
	int rc = args ? build_argv(t, args, &b, &in, err) : -1;
	if (!args) {
		err->code = YOI_RPC_INTERNAL;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	yoi_mcp_run run = {0};
	if (rc == 0)
		rc = yoi_mcp_exec(o, b.v, in, in ? strlen(in) : 0, &run, err);
	if (rc == 0) {
		bool ok = run.status == 0 ||
			  (t->findings_ok && run.status == YOI_EXIT_FINDINGS);
		if (ok) {
			*out = answer(t, &run);
		} else {
			char *msg = yoi_mcp_run_message(&run);
			if (msg)
				*out = result(msg, strlen(msg), NULL, true);
			free(msg);
		}
		if (!*out) {
			err->code = YOI_RPC_INTERNAL;
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			rc = -1;
		}
	}
	yoi_mcp_run_free(&run);
	argv_free(&b);
	json_decref(empty);
	return rc;
}
