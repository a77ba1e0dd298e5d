/*
 * content.c - MCP prompts (the role briefs of `prompt ROLE [ID]`) and
 * resources: yoi://tickets/{id} (item.md and thread.md, Markdown),
 * yoi://tickets/{id}/thread and yoi://route (route --json). Every read
 * opens the store afresh: the answer is the files as they are now.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/file.h"
#include "yoi/store.h"

#include "mcp/mcp_int.h"

#define RES_FILE_MAX (16u * 1024 * 1024)
#define LIST_MAX     1000 /* tickets named by resources/list */

static int oom(yoi_rpc_err *err)
{
	err->code = YOI_RPC_INTERNAL;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -1;
}

/* Run argv; a failed command is error code with its message. */
static int run_ok(const yoi_mcp_opts *o, char *const *argv, int code,
		  yoi_mcp_run *run, yoi_rpc_err *err)
{
	if (yoi_mcp_exec(o, argv, NULL, 0, run, err) < 0)
		return -1;
	if (run->status == 0)
		return 0;
	char *msg = yoi_mcp_run_message(run);
	err->code = code;
	snprintf(err->msg, sizeof(err->msg), "%s", msg ? msg : "failed");
	free(msg);
	yoi_mcp_run_free(run);
	return -1;
}

int yoi_mcp_prompts_list(const yoi_mcp_opts *o, json_t **result,
			 yoi_rpc_err *err)
{
	*result = NULL;
	yoi_mcp_run run;
	char *argv[] = {"prompt", "--list", "--json", NULL};
	if (run_ok(o, argv, YOI_RPC_INTERNAL, &run, err) < 0)
		return -1;
	json_t *j = json_loadb(run.out, run.outlen, 0, NULL);
	yoi_mcp_run_free(&run);
	json_t *roles = json_object_get(j, "roles");
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < json_array_size(roles); i++) {
		json_t *r = json_array_get(roles, i);
		const char *name =
		    json_string_value(json_object_get(r, "name"));
		const char *caps =
		    json_string_value(json_object_get(r, "capabilities"));
		if (!name)
			continue;
		char desc[256];
		snprintf(desc, sizeof(desc), "The %s brief (capabilities: %s).",
			 name, caps ? caps : "none");
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:[{s:s, s:s, s:b}]}", "name",
				   name, "description", desc, "arguments",
				   "name", "ticket", "description",
				   "ticket ID: the brief for this ticket",
				   "required", 0));
	}
	json_decref(j);
	if (!arr)
		return oom(err);
	*result = json_pack("{s:o}", "prompts", arr);
	return *result ? 0 : oom(err);
}

int yoi_mcp_prompt_get(const yoi_mcp_opts *o, json_t *params, json_t **result,
		       yoi_rpc_err *err)
{
	*result = NULL;
	json_t *name = json_object_get(params, "name");
	json_t *args = json_object_get(params, "arguments");
	json_t *ticket = json_object_get(args, "ticket");
	if (!json_is_string(name) || (args && !json_is_object(args)) ||
	    (ticket && !json_is_string(ticket))) {
		err->code = YOI_RPC_PARAMS;
		snprintf(err->msg, sizeof(err->msg),
			 "prompts/get: params.name must be a string and "
			 "arguments.ticket a string");
		return -1;
	}
	char *argv[] = {"prompt", "--", (char *)json_string_value(name),
			ticket ? (char *)json_string_value(ticket) : NULL,
			NULL};
	yoi_mcp_run run;
	if (run_ok(o, argv, YOI_RPC_PARAMS, &run, err) < 0)
		return -1;
	char desc[256];
	snprintf(desc, sizeof(desc), "The %.60s brief%s%.40s",
		 json_string_value(name), ticket ? " for " : "",
		 ticket ? json_string_value(ticket) : "");
	*result = json_pack("{s:s, s:[{s:s, s:{s:s, s:s%}}]}", "description",
			    desc, "messages", "role", "user", "content", "type",
			    "text", "text", run.out ? run.out : "", run.outlen);
	yoi_mcp_run_free(&run);
	return *result ? 0 : oom(err);
}

int yoi_mcp_resources_list(const yoi_mcp_opts *o, json_t **result,
			   yoi_rpc_err *err)
{
	*result = NULL;
	json_t *arr = json_pack("[{s:s, s:s, s:s, s:s}]", "uri", "yoi://route",
				"name", "route", "description",
				"every ready and queued ticket, classified",
				"mimeType", "application/json");
	if (!arr)
		return oom(err);
	/* The active tickets (as `list`), each with its Markdown. */
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", LIST_MAX);
	char *argv[] = {"list", "--json", "--limit", limit, NULL};
	yoi_mcp_run run;
	if (run_ok(o, argv, YOI_RPC_INTERNAL, &run, err) < 0) {
		json_decref(arr);
		return -1;
	}
	json_t *j = json_loadb(run.out, run.outlen, 0, NULL);
	yoi_mcp_run_free(&run);
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *t = json_array_get(j, i);
		const char *id = json_string_value(json_object_get(t, "id"));
		const char *title =
		    json_string_value(json_object_get(t, "title"));
		if (!id)
			continue;
		char uri[96];
		snprintf(uri, sizeof(uri), "yoi://tickets/%s", id);
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:s, s:s}", "uri", uri, "name",
				   id, "title", title ? title : id, "mimeType",
				   "text/markdown"));
	}
	json_decref(j);
	*result = json_pack("{s:o}", "resources", arr);
	return *result ? 0 : oom(err);
}

json_t *yoi_mcp_resource_templates(void)
{
	return json_pack(
	    "{s:[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]}",
	    "resourceTemplates", "uriTemplate", "yoi://tickets/{id}", "name",
	    "ticket", "description", "a ticket's item.md and thread.md",
	    "mimeType", "text/markdown", "uriTemplate",
	    "yoi://tickets/{id}/thread", "name", "thread", "description",
	    "a ticket's thread.md", "mimeType", "text/markdown");
}

/* item.md (unless thread_only) and thread.md of ticket q, into out. */
static int ticket_markdown(const yoi_mcp_opts *o, const char *q,
			   bool thread_only, yoi_buf *out, yoi_rpc_err *err)
{
	yoi_error e = {0};
	yoi_store *st = NULL;
	char id[YOI_ID_LEN + 1];
	char *item = NULL, *thread = NULL;
	yoi_buf a = YOI_BUF_INIT;
	int rc = yoi_store_open(&st, ".", o->root, &e);
	if (rc == 0)
		rc = yoi_store_require(st, &e);
	if (rc == 0)
		rc = yoi_store_resolve(st, q, id, &e);
	if (rc == 0) {
		item = yoi_store_path(st, id, "item.md");
		thread = yoi_store_path(st, id, "thread.md");
		if (!item || !thread)
			rc = yoi_error_set(&e, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	}
	if (rc == 0 && !thread_only) {
		rc = yoi_file_read(item, RES_FILE_MAX, &a, &e);
		if (rc == 0) {
			yoi_buf_put(out, a.ptr ? a.ptr : "", a.len);
			if (a.len && a.ptr[a.len - 1] != '\n')
				yoi_buf_putc(out, '\n');
			yoi_buf_putc(out, '\n');
		}
		yoi_buf_clear(&a);
	}
	if (rc == 0) {
		rc = yoi_file_read(thread, RES_FILE_MAX, &a, &e);
		if (rc == 0)
			yoi_buf_put(out, a.ptr ? a.ptr : "", a.len);
	}
	if (rc == 0 && yoi_buf_oom(out))
		rc = yoi_error_set(&e, YOI_ENOMEM, NULL, 0, "out of memory");
	if (rc < 0) {
		char t[YOI_ERRTEXT_MAX];
		err->code = rc == YOI_ENOTFOUND || rc == YOI_EUSAGE
				? YOI_RPC_NOT_FOUND
				: YOI_RPC_INTERNAL;
		snprintf(err->msg, sizeof(err->msg), "%s",
			 yoi_error_text(&e, t, sizeof(t)));
	}
	yoi_buf_free(&a);
	free(item);
	free(thread);
	yoi_store_free(st);
	return rc < 0 ? -1 : 0;
}

int yoi_mcp_resource_read(const yoi_mcp_opts *o, json_t *params,
			  json_t **result, yoi_rpc_err *err)
{
	*result = NULL;
	const char *uri = json_string_value(json_object_get(params, "uri"));
	if (!uri) {
		err->code = YOI_RPC_PARAMS;
		snprintf(err->msg, sizeof(err->msg),
			 "resources/read: params.uri (a string) is required");
		return -1;
	}
	const char *mime = "text/markdown";
	yoi_buf text = YOI_BUF_INIT;
	const char *pre = "yoi://tickets/";
	if (strcmp(uri, "yoi://route") == 0) {
		char *argv[] = {"route", "--json", NULL};
		yoi_mcp_run run;
		if (run_ok(o, argv, YOI_RPC_INTERNAL, &run, err) < 0)
			return -1;
		yoi_buf_put(&text, run.out ? run.out : "", run.outlen);
		yoi_mcp_run_free(&run);
		mime = "application/json";
	} else if (strncmp(uri, pre, strlen(pre)) == 0) {
		const char *id = uri + strlen(pre);
		const char *slash = strchr(id, '/');
		bool thread = slash && strcmp(slash, "/thread") == 0;
		char q[64];
		size_t n = slash ? (size_t)(slash - id) : strlen(id);
		if ((slash && !thread) || n == 0 || n >= sizeof(q))
			goto unknown;
		memcpy(q, id, n);
		q[n] = '\0';
		if (ticket_markdown(o, q, thread, &text, err) < 0) {
			yoi_buf_free(&text);
			return -1;
		}
	} else {
		goto unknown;
	}
	if (yoi_buf_oom(&text)) {
		yoi_buf_free(&text);
		return oom(err);
	}
	*result = json_pack("{s:[{s:s, s:s, s:s%}]}", "contents", "uri", uri,
			    "mimeType", mime, "text", text.ptr ? text.ptr : "",
			    text.len);
	yoi_buf_free(&text);
	return *result ? 0 : oom(err);
unknown:
	err->code = YOI_RPC_NOT_FOUND;
	snprintf(err->msg, sizeof(err->msg),
		 "no resource %.200s; resources/templates/list names them",
		 uri);
	return -1;
}
