/*
 * mcp_int.h - the server's parts: tools (tools.c), prompts and resources
 * (content.c). The protocol loop is server.c.
 */
#ifndef YOI_MCP_INT_H
#define YOI_MCP_INT_H

#include <jansson.h>

#include "mcp/mcp.h"

/* JSON-RPC error codes. */
enum {
	YOI_RPC_PARSE = -32700,
	YOI_RPC_INVALID = -32600,
	YOI_RPC_METHOD = -32601,
	YOI_RPC_PARAMS = -32602,
	YOI_RPC_INTERNAL = -32603,
	YOI_RPC_BUSY = -32000,	    /* too many requests waiting */
	YOI_RPC_NOT_FOUND = -32002, /* resources/read: no such resource */
};

/* A protocol error: code and message (msg owned by the caller's array). */
typedef struct yoi_rpc_err {
	int code;
	char msg[512];
} yoi_rpc_err;

/* tools/list's result (new reference; NULL when out of memory). */
json_t *yoi_mcp_tools_list(void);
/*
 * tools/call: run tool name with arguments args (an object or NULL).
 * 0 and *result (a CallToolResult, new reference; a refusal is a result
 * with isError true), or -1 and *err (unknown tool, arguments against the
 * schema, out of memory).
 */
int yoi_mcp_tool_call(const yoi_mcp_opts *o, const char *name, json_t *args,
		      json_t **result, yoi_rpc_err *err);

/* prompts/list, prompts/get; as yoi_mcp_tool_call. */
int yoi_mcp_prompts_list(const yoi_mcp_opts *o, json_t **result,
			 yoi_rpc_err *err);
int yoi_mcp_prompt_get(const yoi_mcp_opts *o, json_t *params, json_t **result,
		       yoi_rpc_err *err);
/* resources/list, resources/templates/list, resources/read. */
int yoi_mcp_resources_list(const yoi_mcp_opts *o, json_t **result,
			   yoi_rpc_err *err);
json_t *yoi_mcp_resource_templates(void);
int yoi_mcp_resource_read(const yoi_mcp_opts *o, json_t *params,
			  json_t **result, yoi_rpc_err *err);

/* Run argv through o->run; -1 and *err when it could not run. */
int yoi_mcp_exec(const yoi_mcp_opts *o, char *const *argv, const char *in,
		 size_t inlen, yoi_mcp_run *res, yoi_rpc_err *err);
/* The command's message for a failed run: stderr, else stdout, trimmed. */
char *yoi_mcp_run_message(const yoi_mcp_run *res);

#endif
