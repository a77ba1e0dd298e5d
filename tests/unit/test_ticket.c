#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/ticket.h"

typedef struct fixture {
	char *dir;
	yoi_store *st;
	yoi_texts texts;
	yoi_opctx op;
} fixture;

static void setup_fx(fixture *fx)
{
	fx->dir = strdup("/tmp/yoi-unit-ticket.XXXXXX");
	cr_assert_not_null(mkdtemp(fx->dir));
	char *root = yoi_path_join(fx->dir, ".yoi/tickets");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(root, &err), 0);
	cr_assert_eq(yoi_store_open(&fx->st, fx->dir, root, &err), 0);
	free(root);
	cr_assert_eq(yoi_texts_load(&fx->texts, YOI_LANG_EN), 0);
	fx->op = (yoi_opctx){.author = "unit",
			     .now_ms = 1780000000123,
			     .wait_sec = 1,
			     .texts = &fx->texts};
}

static void teardown_fx(fixture *fx)
{
	yoi_texts_free(&fx->texts);
	yoi_store_free(fx->st);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	cr_assert_eq(system(cmd), 0);
	free(fx->dir);
}

static const char *state_of(fixture *fx, const char *id)
{
	static char buf[32];
	yoi_ticket *t;
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_load(&t, fx->st, id,
				     YOI_LOAD_ITEM | YOI_LOAD_THREAD, &err),
		     0, "%s", err.msg);
	snprintf(buf, sizeof(buf), "%s", yoi_item_get(t->item, "state"));
	cr_assert_str_eq(yoi_ticket_replay(t->thread), buf, "no drift");
	yoi_ticket_free(t);
	return buf;
}

Test(ticket, ids_come_from_the_clock_and_never_collide)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "A"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, a, &err), 0, "%s",
		     err.msg);
	int64_t ms;
	cr_assert_eq(yoi_id_decode(a, &ms), 0);
	cr_assert_eq(ms, 1780000000123);
	/* Same millisecond: the next free one. */
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, b, &err), 0);
	cr_assert_eq(yoi_id_decode(b, &ms), 0);
	cr_assert_eq(ms, 1780000000124);
	cr_assert_str_eq(state_of(&fx, a), "planning");
	teardown_fx(&fx);
}

Test(ticket, create_refuses_bad_titles_and_leaves_nothing)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	yoi_error err = {0};
	const char *bad[] = {"", "two\nlines", "\xff\xfe"};
	for (size_t i = 0; i < 3; i++) {
		yoi_create_opts o = {.title = bad[i]};
		cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err),
			     YOI_EUSAGE);
	}
	yoi_strv ids = {0};
	cr_assert_eq(yoi_store_ids(fx.st, &ids, &err), 0);
	cr_assert_eq(ids.n, 0);
	yoi_strv_free(&ids);
	teardown_fx(&fx);
}

static int refuse_all(void *ctx, const char *id, yoi_state from, yoi_state to,
		      unsigned flags, yoi_buf *why)
{
	(void)id;
	(void)from;
	(void)to;
	int *calls = ctx;
	++*calls;
	yoi_buf_printf(why,
		       "waiting for 00001KW55B33B via depends_on (state: "
		       "%s)",
		       flags & YOI_TR_START_GUARD ? "queued" : "ready");
	return YOI_EREFUSED;
}

Test(ticket, guard_hook_refuses_and_force_overrides)
{
	fixture fx;
	setup_fx(&fx);
	int calls = 0;
	fx.op.guard = refuse_all;
	fx.op.guard_ctx = &calls;
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "Guarded"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0);
	yoi_transition_req r = {.target = "ready", .summary = "s"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, id, &r, NULL, &err),
		     0);
	cr_assert_eq(calls, 0, "planning -> ready has no guard");
	r = (yoi_transition_req){.target = "queued"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, id, &r, NULL, &err),
		     YOI_EREFUSED);
	cr_assert_eq(calls, 1);
	cr_assert(strstr(err.msg, "waiting for 00001KW55B33B via depends_on "
				  "(state: ready)"),
		  "%s", err.msg);
	cr_assert_str_eq(state_of(&fx, id), "ready", "nothing changed");
	r = (yoi_transition_req){
	    .target = "queued", .force = true, .reason = "human override"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, id, &r, NULL, &err),
		     0, "%s", err.msg);
	cr_assert_str_eq(state_of(&fx, id), "queued");
	yoi_ticket *t;
	cr_assert_eq(yoi_ticket_load(&t, fx.st, id,
				     YOI_LOAD_THREAD | YOI_LOAD_ITEM, &err),
		     0);
	const yoi_event *last = &t->thread->ev[t->thread->n - 1];
	cr_assert_str_eq(last->kind, "state_changed");
	cr_assert_str_eq(yoi_event_attr(last, "forced"), "true");
	cr_assert_str_eq(yoi_event_attr(last, "reason"), "human override");
	cr_assert_str_eq(yoi_item_get(t->item, "queued_by"), "unit");
	yoi_ticket_free(t);
	r = (yoi_transition_req){.target = "inprogress"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, id, &r, NULL, &err),
		     YOI_EREFUSED, "the start guard runs too");
	cr_assert_eq(calls, 3);
	teardown_fx(&fx);
}

Test(ticket, times_and_authors_are_parameters)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "Timed"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0);
	fx.op.now_ms += 90 * 1000;
	fx.op.author = "yoi ticket";
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "hello", &err),
		     0);
	yoi_ticket *t;
	cr_assert_eq(yoi_ticket_load(&t, fx.st, id,
				     YOI_LOAD_ITEM | YOI_LOAD_THREAD, &err),
		     0);
	cr_assert_eq(t->thread->n, 2);
	cr_assert_str_eq(t->thread->ev[1].author, "yoi ticket");
	cr_assert_str_eq(t->thread->ev[1].at, "2026-05-28T20:28:10Z");
	cr_assert_str_eq(yoi_item_get(t->item, "created_at"),
			 "2026-05-28T20:26:40Z");
	cr_assert_str_eq(yoi_item_get(t->item, "updated_at"),
			 "2026-05-28T20:28:10Z");
	yoi_ticket_free(t);
	char *thread = yoi_store_path(fx.st, id, "thread.md");
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(thread, 1 << 20, &b, &err), 0);
	cr_assert(strstr(b.ptr, "author: \"yoi ticket\""), "%s", b.ptr);
	yoi_buf_free(&b);
	free(thread);
	teardown_fx(&fx);
}

Test(ticket, thread_without_final_newline_gets_one)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "NL"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0);
	char *thread = yoi_store_path(fx.st, id, "thread.md");
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(thread, 1 << 20, &b, &err), 0);
	b.ptr[--b.len] = '\0'; /* drop the final newline */
	cr_assert_eq(yoi_file_write_atomic(thread, b.ptr, b.len, &err), 0);
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "after", &err),
		     0);
	yoi_ticket *t;
	cr_assert_eq(yoi_ticket_load(&t, fx.st, id, YOI_LOAD_THREAD, &err), 0);
	cr_assert_eq(t->thread->n, 2);
	cr_assert_str_eq(t->thread->ev[1].body, "after");
	yoi_ticket_free(t);
	yoi_buf_free(&b);
	free(thread);
	teardown_fx(&fx);
}
