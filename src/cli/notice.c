/*
 * notice.c - after a lifecycle event, the library notifies (yoi/notice.h);
 * this shows how: the delivery reason on stderr with --verbose, and the
 * "notify" object of the --json output.
 */
#include <stdio.h>

#include "cli.h"

json_t *yoi_cli_notify(yoi_ctx *ctx, const char *id, yoi_notice_event ev,
		       const char *previous)
{
	yoi_notice n;
	yoi_notice_send(&n, ctx->store, id, ev, previous);
	const yoi_notify_result *res = &n.run;
	const char *reason = yoi_notify_reason_name(res->reason);
	if (ctx->verbose) {
		if (res->detail[0])
			fprintf(stderr, "yoi-tickets %s: notify %s: %s (%s)\n",
				ctx->cmd, id, reason, res->detail);
		else
			fprintf(stderr, "yoi-tickets %s: notify %s: %s\n",
				ctx->cmd, id, reason);
		if (res->output_len && res->reason != YOI_NOTIFY_DELIVERED)
			fprintf(
			    stderr, "%.*s%s", (int)res->output_len, res->output,
			    res->output[res->output_len - 1] == '\n' ? ""
								     : "\n");
	}
	json_t *j = json_pack(
	    "{s:s, s:s?, s:s, s:o, s:I, s:s%, s:I}", "reason", reason, "hook",
	    n.hook, "detail", res->detail, "status",
	    res->reason == YOI_NOTIFY_FAILED && res->status
		? json_integer(res->status)
		: json_null(),
	    "elapsed_ms", (json_int_t)res->elapsed_ms, "output",
	    res->output ? res->output : "", res->output ? res->output_len : 0,
	    "output_lost", (json_int_t)res->output_lost);
	yoi_notice_free(&n);
	return j;
}
