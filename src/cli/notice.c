/*
 * notice.c - after a lifecycle event (create, state_changed, review,
 * close, reopen), run the ticket-event hook (SPEC 11) and report how the
 * notice was delivered. Nothing here changes the ticket or fails the
 * command: every problem becomes a delivery reason.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/hooktrust.h"
#include "yoi/notify.h"
#include "yoi/prompt.h"

/* The idle notice's queue: after a ticket leaves the work in progress. */
static bool frees_capacity(const char *event, const char *state)
{
	return strcmp(event, "close") == 0 ||
	       (strcmp(event, "state_changed") == 0 && state &&
		(strcmp(state, "done") == 0 || strcmp(state, "closed") == 0));
}

static int notice_view(yoi_ctx *ctx, const char *id, const char *event,
		       const char *previous, const char *dir, json_t **out,
		       char **state_out)
{
	*out = NULL;
	*state_out = NULL;
	yoi_ticket *t;
	int e =
	    yoi_ticket_load(&t, ctx->store, id,
			    YOI_LOAD_FRONTMATTER | YOI_LOAD_THREAD, &ctx->err);
	if (e < 0)
		return e;
	const char *title = yoi_item_get(t->item, "title");
	const char *state = yoi_item_get(t->item, "state");
	const yoi_event *last =
	    t->thread->n ? &t->thread->ev[t->thread->n - 1] : NULL;
	json_t *v =
	    json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:b, s:s}", "id",
		      id, "title", title ? title : "", "event", event, "state",
		      state ? state : "", "previous", previous, "author",
		      last && last->author ? last->author : "", "at",
		      last && last->at ? last->at : "", "idle",
		      frees_capacity(event, state), "queue", "");
	*state_out = yoi_strdup(state ? state : "");
	yoi_ticket_free(t);
	if (!v || !*state_out) {
		json_decref(v);
		return yoi_error_set(&ctx->err, YOI_ENOMEM, NULL, 0,
				     "out of memory");
	}
	if (json_is_true(json_object_get(v, "idle"))) {
		yoi_routing *r = NULL;
		json_t *qv = NULL;
		yoi_buf q = YOI_BUF_INIT;
		e = yoi_routing_load(&r, ctx->store, &ctx->err);
		if (e == 0)
			e = yoi_prompt_queue_view(
			    &qv, r, ctx->store->cfg.max_inprogress,
			    YOI_PROMPT_QUEUE_LIMIT, &ctx->err);
		if (e == 0)
			e = yoi_prompt_render(&q, dir, "notice/idle-queue.md",
					      qv, &ctx->err);
		if (e == 0)
			json_object_set_new(v, "queue",
					    json_string(q.ptr ? q.ptr : ""));
		json_decref(qv);
		yoi_buf_free(&q);
		yoi_routing_free(r);
	}
	if (e < 0)
		json_decref(v);
	else
		*out = v;
	return e;
}

json_t *yoi_cli_notify(yoi_ctx *ctx, const char *id, const char *event,
		       const char *previous)
{
	yoi_store *st = ctx->store;
	yoi_notify_result res = {0};
	yoi_hooktrust ht = {0};
	yoi_error terr = {0};
	int te = st ? yoi_hooktrust_get(&ht, st, &terr) : 0;
	const char *path = ht.real ? ht.real : ht.path;
	if (te < 0) {
		res.reason = YOI_NOTIFY_FAILED;
		snprintf(res.detail, sizeof(res.detail), "%.250s", terr.msg);
	} else if (ht.status == YOI_HOOKTRUST_UNTRUSTED ||
		   ht.status == YOI_HOOKTRUST_CHANGED) {
		/* A clone is data: a hook runs only with its owner's consent.
		 */
		res.reason = YOI_NOTIFY_UNTRUSTED;
		snprintf(res.detail, sizeof(res.detail),
			 "%s; run 'yoi-tickets hooks trust' to let it run",
			 ht.status == YOI_HOOKTRUST_CHANGED
			     ? "changed since it was trusted"
			     : "not trusted in this clone");
	} else if (ht.status != YOI_HOOKTRUST_TRUSTED) {
		/* Nothing will read a notice: let notify say why (not
		 * configured, missing, not executable) without making one. */
		yoi_notify_req req = {.path = ht.path, .timeout_ms = 1};
		yoi_notify_run(&req, &res);
	} else {
		char *dir = yoi_path_join(st->yoi_dir, "prompts");
		json_t *view = NULL;
		char *state = NULL;
		yoi_buf notice = YOI_BUF_INIT;
		yoi_error saved = ctx->err;
		int e = dir ? notice_view(ctx, id, event, previous, dir, &view,
					  &state)
			    : YOI_ENOMEM;
		if (e == 0)
			e = yoi_prompt_render(&notice, dir,
					      "notice/ticket-event.md", view,
					      &ctx->err);
		if (e < 0) {
			/* No notice, no run: say why, keep the command's err.
			 */
			res.reason = YOI_NOTIFY_FAILED;
			snprintf(res.detail, sizeof(res.detail),
				 "the notice could not be made: %.200s",
				 ctx->err.msg);
			ctx->err = saved;
		} else {
			char *env[6] = {0};
			env[0] = yoi_sprintf("YOI_TICKET_ID=%s", id);
			env[1] = yoi_sprintf("YOI_TICKET_EVENT=%s", event);
			env[2] = yoi_sprintf("YOI_TICKET_STATE=%s", state);
			env[3] = yoi_sprintf("YOI_TICKETS_ROOT=%s", st->root);
			env[4] =
			    previous
				? yoi_sprintf("YOI_TICKET_PREVIOUS_STATE=%s",
					      previous)
				: NULL;
			yoi_notify_req req = {
			    .path = path,
			    .cwd = st->top,
			    .env = (const char *const *)env,
			    .input = notice.ptr ? notice.ptr : "",
			    .input_len = notice.len,
			    .timeout_ms = st->cfg.hook_timeout_ms,
			};
			bool ok = env[0] && env[1] && env[2] && env[3] &&
				  (!previous || env[4]);
			if (ok) {
				yoi_notify_run(&req, &res);
			} else {
				res.reason = YOI_NOTIFY_FAILED;
				snprintf(res.detail, sizeof(res.detail),
					 "out of memory");
			}
			for (size_t i = 0; i < 5; i++)
				free(env[i]);
		}
		json_decref(view);
		free(state);
		free(dir);
		yoi_buf_free(&notice);
	}
	const char *reason = yoi_notify_reason_name(res.reason);
	if (ctx->verbose) {
		if (res.detail[0])
			fprintf(stderr, "yoi-tickets %s: notify %s: %s (%s)\n",
				ctx->cmd, id, reason, res.detail);
		else
			fprintf(stderr, "yoi-tickets %s: notify %s: %s\n",
				ctx->cmd, id, reason);
		if (res.output_len && res.reason != YOI_NOTIFY_DELIVERED)
			fprintf(
			    stderr, "%.*s%s", (int)res.output_len, res.output,
			    res.output[res.output_len - 1] == '\n' ? "" : "\n");
	}
	json_t *j = json_pack(
	    "{s:s, s:s?, s:s, s:o, s:I, s:s%, s:I}", "reason", reason, "hook",
	    path, "detail", res.detail, "status",
	    res.reason == YOI_NOTIFY_FAILED && res.status
		? json_integer(res.status)
		: json_null(),
	    "elapsed_ms", (json_int_t)res.elapsed_ms, "output",
	    res.output ? res.output : "", res.output ? res.output_len : 0,
	    "output_lost", (json_int_t)res.output_lost);
	yoi_hooktrust_free(&ht);
	yoi_notify_result_free(&res);
	return j;
}
