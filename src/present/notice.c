/* notice.c - the notification policy: when, what, and through which hook. */
#include "yoi/notice.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "present/prompt_int.h"
#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/hooktrust.h"
#include "yoi/prompt.h"
#include "yoi/routing.h"
#include "yoi/ticket.h"

static const char *const event_names[YOI_NOTICE_EVENT_COUNT] = {
    "create", "state_changed", "review", "close", "reopen", "unblocked"};

const char *yoi_notice_event_name(yoi_notice_event ev)
{
	return (unsigned)ev < YOI_NOTICE_EVENT_COUNT ? event_names[ev] : "?";
}

bool yoi_notice_frees_capacity(yoi_notice_event ev, const char *state)
{
	return ev == YOI_NOTICE_CLOSE ||
	       (ev == YOI_NOTICE_STATE_CHANGED && state &&
		yoi_state_finished(yoi_state_parse(state)));
}

/* The queue summary of an idle notice, rendered. */
static int queue_text(json_t *view, const yoi_store *st, const char *dir,
		      yoi_error *err)
{
	yoi_routing *r = NULL;
	json_t *qv = NULL;
	yoi_buf q = YOI_BUF_INIT;
	int e = yoi_routing_load(&r, st, err);
	if (e == 0)
		e = yoi_prompt_queue_view(&qv, r, st->cfg.max_inprogress,
					  YOI_PROMPT_QUEUE_LIMIT, err);
	if (e == 0)
		e = yoi_prompt_render(&q, dir, "notice/idle-queue.md", qv, err);
	if (e == 0 && json_object_set_new(view, "queue",
					  json_string(q.ptr ? q.ptr : "")) < 0)
		e = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	json_decref(qv);
	yoi_buf_free(&q);
	yoi_routing_free(r);
	return e;
}

static int notice_view(json_t **out, char **state_out, const yoi_store *st,
		       const char *id, yoi_notice_event ev,
		       const char *previous, const char *cause, const char *dir,
		       yoi_error *err)
{
	*out = NULL;
	*state_out = NULL;
	yoi_ticket *t;
	int e = yoi_ticket_load(&t, st, id,
				YOI_LOAD_FRONTMATTER | YOI_LOAD_THREAD, err);
	if (e < 0)
		return e;
	const char *title = yoi_item_get(t->item, "title");
	const char *state = yoi_item_get(t->item, "state");
	const yoi_event *last =
	    t->thread->n ? &t->thread->ev[t->thread->n - 1] : NULL;
	bool idle = yoi_notice_frees_capacity(ev, state);
	json_t *v = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:b, s:s}", "id", id,
	    "title", title ? title : "", "event", yoi_notice_event_name(ev),
	    "state", state ? state : "", "previous", previous, "cause", cause,
	    "author", last && last->author ? last->author : "", "at",
	    last && last->at ? last->at : "", "idle", idle, "queue", "");
	*state_out = yoi_strdup(state ? state : "");
	yoi_ticket_free(t);
	if (!v || !*state_out) {
		json_decref(v);
		free(*state_out);
		*state_out = NULL;
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	e = idle ? queue_text(v, st, dir, err) : 0;
	if (e < 0) {
		json_decref(v);
		free(*state_out);
		*state_out = NULL;
	} else {
		*out = v;
	}
	return e;
}

static int render(yoi_buf *out, char **state, const yoi_store *st,
		  const char *id, yoi_notice_event ev, const char *previous,
		  const char *cause, yoi_error *err)
{
	if (state)
		*state = NULL;
	char *dir = yoi_prompt_dir(st);
	if (!dir)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	json_t *view = NULL;
	char *s = NULL;
	int e = notice_view(&view, &s, st, id, ev, previous, cause, dir, err);
	if (e == 0)
		e = yoi_prompt_render(out, dir, "notice/ticket-event.md", view,
				      err);
	if (e == 0 && state)
		*state = s, s = NULL;
	free(s);
	json_decref(view);
	free(dir);
	return e;
}

int yoi_notice_render(yoi_buf *out, char **state, const yoi_store *st,
		      const char *id, yoi_notice_event ev, const char *previous,
		      yoi_error *err)
{
	return render(out, state, st, id, ev, previous, NULL, err);
}

/* Run the trusted hook at path with the notice on its stdin. */
static void run_trusted(yoi_notify_result *res, const yoi_store *st,
			const char *path, const char *id, yoi_notice_event ev,
			const char *previous, const char *cause)
{
	yoi_buf notice = YOI_BUF_INIT;
	yoi_error err = {0};
	char et[YOI_ERRTEXT_MAX];
	char *state = NULL;
	if (render(&notice, &state, st, id, ev, previous, cause, &err) < 0) {
		/* No notice, no run: say why. */
		res->reason = YOI_NOTIFY_FAILED;
		snprintf(res->detail, sizeof(res->detail),
			 "the notice could not be made: %.200s",
			 yoi_error_text(&err, et, sizeof(et)));
		yoi_buf_free(&notice);
		return;
	}
	char *env[7] = {0};
	env[0] = yoi_sprintf("YOI_TICKET_ID=%s", id);
	env[1] = yoi_sprintf("YOI_TICKET_EVENT=%s", yoi_notice_event_name(ev));
	env[2] = yoi_sprintf("YOI_TICKET_STATE=%s", state);
	env[3] = yoi_sprintf("YOI_TICKETS_ROOT=%s", st->root);
	size_t k = 4;
	if (previous)
		env[k++] =
		    yoi_sprintf("YOI_TICKET_PREVIOUS_STATE=%s", previous);
	if (cause)
		env[k++] = yoi_sprintf("YOI_TICKET_CAUSE=%s", cause);
	yoi_notify_req req = {
	    .path = path,
	    .cwd = st->top,
	    .env = (const char *const *)env,
	    .input = notice.ptr ? notice.ptr : "",
	    .input_len = notice.len,
	    .timeout_ms = st->cfg.hook_timeout_ms,
	};
	bool made = true;
	for (size_t i = 0; i < k; i++)
		made = made && env[i];
	if (made) {
		yoi_notify_run(&req, res);
	} else {
		res->reason = YOI_NOTIFY_FAILED;
		snprintf(res->detail, sizeof(res->detail), "out of memory");
	}
	for (size_t i = 0; i < k; i++)
		free(env[i]);
	free(state);
	yoi_buf_free(&notice);
}

static void send_one(yoi_notice *out, const yoi_store *st, const char *id,
		     yoi_notice_event ev, const char *previous,
		     const char *cause)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	yoi_notify_result *res = &out->run;
	yoi_hooktrust ht = {0};
	yoi_error terr = {0};
	int te = st ? yoi_hooktrust_get(&ht, st, &terr) : 0;
	const char *path = ht.real ? ht.real : ht.path;
	if (te < 0) {
		res->reason = YOI_NOTIFY_FAILED;
		char et[YOI_ERRTEXT_MAX];
		snprintf(res->detail, sizeof(res->detail), "%.250s",
			 yoi_error_text(&terr, et, sizeof(et)));
	} else if (ht.status == YOI_HOOKTRUST_UNTRUSTED ||
		   ht.status == YOI_HOOKTRUST_CHANGED) {
		/* A clone is data: a hook runs only with its owner's consent.
		 */
		res->reason = YOI_NOTIFY_UNTRUSTED;
		snprintf(res->detail, sizeof(res->detail),
			 "%s; run 'yoi-tickets hooks trust' to let it run",
			 ht.status == YOI_HOOKTRUST_CHANGED
			     ? "changed since it was trusted"
			     : "not trusted in this clone");
	} else if (ht.status != YOI_HOOKTRUST_TRUSTED) {
		/* Nothing will read a notice: let notify say why (not
		 * configured, missing, not executable) without making one. */
		yoi_notify_req req = {.path = ht.path, .timeout_ms = 1};
		yoi_notify_run(&req, res);
	} else {
		run_trusted(res, st, path, id, ev, previous, cause);
	}
	out->hook =
	    path ? yoi_strdup(path) : NULL; /* NULL too without memory */
	yoi_hooktrust_free(&ht);
}

/* The `unblocked` notices after id's state change or close. */
static void wake(yoi_notice *out, const yoi_store *st, const char *id)
{
	yoi_strv ids = {0};
	yoi_error err = {0};
	int rc = yoi_notice_unblocked(&ids, st, id, &err);
	size_t n = rc < 0 ? 1 : ids.n;
	out->woken = n ? calloc(n, sizeof(*out->woken)) : NULL;
	if (out->woken && rc < 0) {
		char et[YOI_ERRTEXT_MAX];
		out->woken[0].run.reason = YOI_NOTIFY_FAILED;
		snprintf(out->woken[0].run.detail,
			 sizeof(out->woken[0].run.detail),
			 "the unblocked tickets could not be found: %.200s",
			 yoi_error_text(&err, et, sizeof(et)));
	}
	for (size_t i = 0; out->woken && rc == 0 && i < n; i++)
		send_one(&out->woken[i], st, ids.v[i], YOI_NOTICE_UNBLOCKED,
			 NULL, id);
	out->nwoken = out->woken ? n : 0;
	yoi_strv_free(&ids);
}

void yoi_notice_send(yoi_notice *out, const yoi_store *st, const char *id,
		     yoi_notice_event ev, const char *previous)
{
	send_one(out, st, id, ev, previous, NULL);
	if (st && (ev == YOI_NOTICE_STATE_CHANGED || ev == YOI_NOTICE_CLOSE))
		wake(out, st, id);
}

void yoi_notice_free(yoi_notice *n)
{
	if (!n)
		return;
	yoi_notify_result_free(&n->run);
	free(n->hook);
	n->hook = NULL;
	for (size_t i = 0; i < n->nwoken; i++)
		yoi_notice_free(&n->woken[i]);
	free(n->woken);
	n->woken = NULL;
	n->nwoken = 0;
}
