/*
 * notice.c - after a lifecycle event, the library notifies (yoi/notice.h);
 * this shows how: the delivery reason on stderr with --verbose, and the
 * "notify" object of the --json output.
 */
#include <stdio.h>

#include "cli.h"

/* One notice: --verbose to stderr, and its JSON object. */
static json_t *notice_json(yoi_ctx *ctx, const yoi_notice *n, const char *label)
{
	const yoi_notify_result *res = &n->run;
	const char *reason = yoi_notify_reason_name(res->reason);
	if (ctx->verbose) {
		if (res->detail[0])
			fprintf(stderr,
				"yoi-tickets %s: notify %s%s: %s (%s)\n",
				ctx->cmd, n->id, label, reason, res->detail);
		else
			fprintf(stderr, "yoi-tickets %s: notify %s%s: %s\n",
				ctx->cmd, n->id, label, reason);
		if (res->output_len && res->reason != YOI_NOTIFY_DELIVERED)
			fprintf(
			    stderr, "%.*s%s", (int)res->output_len, res->output,
			    res->output[res->output_len - 1] == '\n' ? ""
								     : "\n");
	}
	return json_pack(
	    "{s:s, s:s?, s:s, s:o, s:I, s:s%, s:I}", "reason", reason, "hook",
	    n->hook, "detail", res->detail, "status",
	    res->reason == YOI_NOTIFY_FAILED && res->status
		? json_integer(res->status)
		: json_null(),
	    "elapsed_ms", (json_int_t)res->elapsed_ms, "output",
	    res->output ? res->output : "", res->output ? res->output_len : 0,
	    "output_lost", (json_int_t)res->output_lost);
}

json_t *yoi_cli_notify(yoi_ctx *ctx, const char *id, yoi_notice_event ev,
		       const char *previous)
{
	yoi_notice n;
	yoi_notice_send(&n, ctx->store, id, ev, previous);
	json_t *j = notice_json(ctx, &n, "");
	json_t *woken = json_array();
	for (size_t i = 0; j && woken && i < n.nwoken; i++) {
		json_t *w = notice_json(ctx, &n.woken[i], " (unblocked)");
		if (!w ||
		    json_object_set_new(w, "id", json_string(n.woken[i].id)) <
			0 ||
		    json_array_append_new(woken, w) < 0) {
			json_decref(w);
			json_decref(j);
			j = NULL;
		}
	}
	if (j && json_object_set_new(j, "unblocked", woken) < 0) {
		json_decref(j);
		j = NULL;
	} else if (!j) {
		json_decref(woken);
	}
	yoi_notice_free(&n);
	return j;
}
