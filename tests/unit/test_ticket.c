#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/relate.h"
#include "yoi/ticket.h"

#include "ufix.h"

typedef ufix fixture;

static void setup_fx(fixture *fx)
{
	ufix_setup(fx, "ticket");
}

static void teardown_fx(fixture *fx)
{
	ufix_teardown(fx);
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
	cr_assert_str_eq(yoi_ticket_replay_or(t->thread, buf), buf, "no drift");
	yoi_ticket_free(t);
	return buf;
}

/* item.md's own state field, whatever the thread says. */
static const char *state_of_item(fixture *fx, const char *id)
{
	static char buf[32];
	yoi_ticket *t;
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_load(&t, fx->st, id, YOI_LOAD_ITEM, &err), 0,
		     "%s", err.msg);
	snprintf(buf, sizeof(buf), "%s", yoi_item_get(t->item, "state"));
	yoi_ticket_free(t);
	return buf;
}

/* A random source that hands out a fixed sequence of 32-bit words. */
typedef struct seq_random {
	const uint32_t *words;
	size_t n, next;
} seq_random;

static int seq_fill(void *arg, void *buf, size_t n)
{
	seq_random *r = arg;
	unsigned char *p = buf;
	while (n) {
		uint32_t w = r->words[r->next++ % r->n];
		size_t k = n < sizeof(w) ? n : sizeof(w);
		memcpy(p, &w, k);
		p += k;
		n -= k;
	}
	return 0;
}

static int no_randomness(void *arg, void *buf, size_t n)
{
	(void)arg, (void)buf, (void)n;
	errno = ENOSYS;
	return -1;
}

Test(ticket, ids_come_from_the_clock_and_never_collide)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1], c[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "A"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, a, &err), 0, "%s",
		     err.msg);
	int64_t ms;
	cr_assert_eq(yoi_id_time(a, &ms), 0);
	cr_assert_eq(ms, 1780000000123);
	cr_assert(yoi_id_random_layout(a), "%s", a);
	/* Same millisecond: a later ID of the same millisecond. */
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, b, &err), 0);
	cr_assert_eq(yoi_id_time(b, &ms), 0);
	cr_assert_eq(ms, 1780000000123);
	cr_assert_gt(strcmp(b, a), 0, "%s %s", a, b);
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, c, &err), 0);
	cr_assert_gt(strcmp(c, b), 0, "%s %s", b, c);
	cr_assert_str_eq(state_of(&fx, a), "planning");
	teardown_fx(&fx);
}

/*
 * Two stores (two clones: no shared lock) creating with the clock pinned
 * to one instant choose different IDs when their random bits differ; one
 * store's IDs still increase when its random bits go down.
 */
Test(ticket, ids_of_two_stores_at_one_instant_differ)
{
	fixture x, y;
	ufix_setup(&x, "ticket-x");
	ufix_setup(&y, "ticket-y");
	/* Each create draws 8 bytes for its create event's id, then one
	 * word for the ID: x's ID words go down after the first, y's go
	 * down at the last. */
	static const uint32_t wx[] = {1, 2, 900000, 3, 4, 5, 6, 7, 17};
	static const uint32_t wy[] = {8, 9, 3, 10, 11, 800000, 12, 13, 2};
	seq_random rx = {wx, 9, 0}, ry = {wy, 9, 0};
	x.op.random = seq_fill, x.op.random_ctx = &rx;
	y.op.random = seq_fill, y.op.random_ctx = &ry;
	char ix[3][YOI_ID_LEN + 1], iy[3][YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "Same instant"};
	yoi_error err = {0};
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(yoi_ticket_create(x.st, &x.op, &o, ix[i], &err), 0,
			     "%s", err.msg);
		cr_assert_eq(yoi_ticket_create(y.st, &y.op, &o, iy[i], &err), 0,
			     "%s", err.msg);
	}
	for (int i = 0; i < 3; i++) {
		int64_t ms;
		cr_assert_eq(yoi_id_time(ix[i], &ms), 0);
		cr_assert_eq(ms, 1780000000123);
		cr_assert_eq(yoi_id_time(iy[i], &ms), 0);
		cr_assert_eq(ms, 1780000000123);
		if (i)
			cr_assert(strcmp(ix[i], ix[i - 1]) > 0 &&
				      strcmp(iy[i], iy[i - 1]) > 0,
				  "%s %s / %s %s", ix[i - 1], ix[i], iy[i - 1],
				  iy[i]);
		for (int j = 0; j < 3; j++)
			cr_assert_str_neq(ix[i], iy[j]);
	}
	ufix_teardown(&x);
	ufix_teardown(&y);
}

Test(ticket, create_without_randomness_fails_cleanly)
{
	fixture fx;
	setup_fx(&fx);
	fx.op.random = no_randomness;
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "A"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), YOI_EIO);
	cr_assert(strstr(err.msg, "randomness"), "%s", err.msg);
	yoi_strv ids = {0};
	cr_assert_eq(yoi_store_ids(fx.st, &ids, &err), 0);
	cr_assert_eq(ids.n, 0);
	yoi_strv_free(&ids);
	teardown_fx(&fx);
}

Test(ticket, create_refuses_a_clock_ids_cannot_hold)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "A"};
	yoi_error err = {0};
	fx.op.now_ms = YOI_ID_TIME_MAX + 1;
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err),
		     YOI_EREFUSED);
	cr_assert(strstr(err.msg, "2109"), "%s", err.msg);
	fx.op.now_ms = YOI_ID_TIME_MAX;
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0, "%s",
		     err.msg);
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

/* ---- faults (issue 11) -------------------------------------------------- */

typedef struct reports {
	char code[64];
	char msg[1024];
	int n;
} reports;

static void capture(void *ctx, const char *code, const char *path,
		    const char *msg)
{
	reports *r = ctx;
	(void)path;
	snprintf(r->code, sizeof(r->code), "%s", code);
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
	r->n++;
}

static char *read_all(const char *path)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_file_read(path, YOI_FILE_MAX, &b, &err), 0, "%s",
		     err.msg);
	return yoi_buf_detach(&b);
}

Test(ticket, torn_tail_is_moved_aside_by_the_next_append)
{
	fixture fx;
	setup_fx(&fx);
	reports rep = {0};
	fx.op.report = capture;
	fx.op.report_ctx = &rep;
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "Torn"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0);
	char *thread = yoi_store_path(fx.st, id, "thread.md");
	char *before = read_all(thread);
	const char *torn = "<!-- event: comment author: unit at: "
			   "2026-01-01T00:00:00Z -->\n\n## Comment\n\nhalf";
	cr_assert_eq(yoi_file_append(thread, torn, strlen(torn), false, &err),
		     0);
	/* Loaders read the complete part: the torn block is no event. */
	yoi_ticket *t;
	cr_assert_eq(yoi_ticket_load(&t, fx.st, id, YOI_LOAD_THREAD, &err), 0);
	cr_assert_eq(t->thread->n, 1);
	cr_assert(t->thread_torn);
	cr_assert_eq(t->thread_keep, strlen(before));
	yoi_ticket_free(t);
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "whole", &err),
		     0, "%s", err.msg);
	cr_assert_eq(rep.n, 1);
	cr_assert_str_eq(rep.code, "thread-torn-tail");
	char *p = strstr(rep.msg, "moved to ");
	cr_assert_not_null(p, "%s", rep.msg);
	p += strlen("moved to ");
	char path[512];
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(p, ","), p);
	cr_assert(strstr(path, "/artifacts/recovered-thread-"), "%s", path);
	char *saved = read_all(path);
	cr_assert_str_eq(saved, torn);
	char *after = read_all(thread);
	cr_assert(strncmp(after, before, strlen(before)) == 0);
	cr_assert(strncmp(after + strlen(before), "<!-- event: comment ", 20) ==
		  0);
	cr_assert(!yoi_thread_torn_tail(after, strlen(after), NULL));
	free(saved);
	free(after);
	free(before);
	free(thread);
	teardown_fx(&fx);
}

Test(ticket, a_retry_completes_item_md_instead_of_appending_again)
{
	fixture fx;
	setup_fx(&fx);
	reports rep = {0};
	fx.op.report = capture;
	fx.op.report_ctx = &rep;
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "Retry"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0);
	char *item = yoi_store_path(fx.st, id, "item.md");
	char *thread = yoi_store_path(fx.st, id, "thread.md");
	char *item0 = read_all(item);

	/* The first run appended and stopped: put item.md back. */
	fx.op.now_ms += 60000;
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "once", &err),
		     0);
	cr_assert_eq(yoi_file_write_atomic(item, item0, strlen(item0), &err),
		     0);
	char *thread1 = read_all(thread);
	fx.op.now_ms += 60000;
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "once", &err),
		     0);
	char *thread2 = read_all(thread);
	cr_assert_str_eq(thread2, thread1, "appended again");
	cr_assert_str_eq(rep.code, "retry-completed");
	char *item2 = read_all(item);
	cr_assert_str_neq(item2, item0, "item.md not completed");
	/* Another text is another comment. */
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "twice", &err),
		     0);
	free(thread2);
	thread2 = read_all(thread);
	cr_assert_gt(strlen(thread2), strlen(thread1));

	/* A transition the same way: one state_changed, item.md ready. */
	char *item3 = read_all(item);
	yoi_transition_req req = {.target = "ready", .summary = "scoped"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, id, &req, NULL, &err),
		     0);
	cr_assert_eq(yoi_file_write_atomic(item, item3, strlen(item3), &err),
		     0);
	cr_assert_str_eq(state_of_item(&fx, id), "planning");
	free(thread1);
	thread1 = read_all(thread);
	rep.n = 0;
	yoi_state from = YOI_ST_INVALID;
	cr_assert_eq(
	    yoi_ticket_transition(fx.st, &fx.op, id, &req, &from, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(from, YOI_ST_PLANNING);
	cr_assert_eq(rep.n, 1);
	free(thread2);
	thread2 = read_all(thread);
	cr_assert_str_eq(thread2, thread1);
	cr_assert_str_eq(state_of(&fx, id), "ready");
	free(item0);
	free(item2);
	free(item3);
	free(thread1);
	free(thread2);
	free(item);
	free(thread);
	teardown_fx(&fx);
}

Test(ticket, no_append_passes_the_read_limit)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	yoi_create_opts o = {.title = "Limit"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &o, id, &err), 0);
	char *thread = yoi_store_path(fx.st, id, "thread.md");
	/* Pad thread.md with one complete block to just under the limit. */
	char *cur = read_all(thread);
	size_t pad = YOI_FILE_MAX - strlen(cur) - 400;
	char *blk = malloc(pad + 1);
	cr_assert_not_null(blk);
	size_t n = (size_t)sprintf(blk, "<!-- event: comment author: unit at: "
					"2026-01-01T00:00:00Z -->\n\n## Comment"
					"\n\n");
	for (size_t i = n; i < pad - 6; i++)
		blk[i] = i % 70 == 69 ? '\n' : 'x';
	memcpy(blk + pad - 6, "\n---\n", 6);
	cr_assert_eq(yoi_file_append(thread, blk, pad - 1, false, &err), 0);
	free(blk);
	char *before = read_all(thread);
	char body[600];
	memset(body, 'y', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	int rc = yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0, body,
				   &err);
	cr_assert_eq(rc, YOI_EREFUSED, "%d %s", rc, err.msg);
	cr_assert(strstr(err.msg, "16 MiB"), "%s", err.msg);
	cr_assert(strstr(err.msg, "artifacts/"), "%s", err.msg);
	char *after = read_all(thread);
	cr_assert(strcmp(before, after) == 0, "thread.md changed");
	/* A short one still fits, and the ticket stays readable. */
	cr_assert_eq(yoi_ticket_append(fx.st, &fx.op, id, "comment", NULL, 0,
				       "ok", &err),
		     0, "%s", err.msg);
	cr_assert_str_eq(state_of(&fx, id), "planning");
	free(after);
	free(before);
	free(cur);
	free(thread);
	teardown_fx(&fx);
}

/*
 * The dependency guards are not opt-in: a caller of the library that
 * sets no guard still gets the store's own (SPEC 8), and only an explicit
 * unguarded skips them.
 */
Test(ticket, transitions_are_guarded_unless_told_otherwise)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1];
	yoi_error err = {0};
	yoi_create_opts oa = {.title = "Dependency"}, ob = {.title = "Waits"};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &oa, a, &err), 0);
	fx.op.now_ms += 5;
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &ob, b, &err), 0);
	cr_assert_eq(yoi_relate(fx.st, &fx.op, b, true, YOI_REL_DEPENDS_ON, a,
				NULL, &err),
		     0, "%s", err.msg);
	yoi_transition_req r = {.target = "ready", .summary = "s"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, b, &r, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_null(fx.op.guard, "no guard set by the caller");
	r = (yoi_transition_req){.target = "queued"};
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, b, &r, NULL, &err),
		     YOI_EREFUSED, "queued while %s is in planning", a);
	cr_assert(strstr(err.msg, a), "%s", err.msg);
	cr_assert_str_eq(state_of(&fx, b), "ready");
	fx.op.unguarded = true;
	cr_assert_eq(yoi_ticket_transition(fx.st, &fx.op, b, &r, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_str_eq(state_of(&fx, b), "queued");
	teardown_fx(&fx);
}

/* create with depends_on: the ticket and its edges, all or nothing. */
Test(ticket, create_with_dependencies_is_all_or_nothing)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1];
	yoi_error err = {0};
	yoi_create_opts oa = {.title = "Dependency"};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &oa, a, &err), 0);
	/* A target that is not a ticket: nothing is created. */
	fx.op.now_ms += 5;
	const char *bad[] = {a, "00001M8Y1KTH0"};
	yoi_create_opts ob = {.title = "Waits", .depends_on = bad, .ndeps = 2};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &ob, b, &err),
		     YOI_ENOTFOUND);
	cr_assert(strstr(err.msg, "00001M8Y1KTH0"), "%s", err.msg);
	yoi_strv ids = {0};
	cr_assert_eq(yoi_store_ids(fx.st, &ids, &err), 0);
	cr_assert_eq(ids.n, 1, "only the dependency exists");
	yoi_strv_free(&ids);
	/* Targets that exist: the edges and their events come with it. */
	const char *good[] = {a};
	ob.depends_on = good;
	ob.ndeps = 1;
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &ob, b, &err), 0, "%s",
		     err.msg);
	char *rel = yoi_store_path(fx.st, b, "artifacts/relations.json");
	yoi_buf buf = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(rel, 1 << 20, &buf, &err), 0);
	cr_assert(strstr(buf.ptr, "\"depends_on\"") && strstr(buf.ptr, a), "%s",
		  buf.ptr);
	yoi_buf_free(&buf);
	free(rel);
	yoi_ticket *t;
	cr_assert_eq(yoi_ticket_load(&t, fx.st, b, YOI_LOAD_THREAD, &err), 0);
	cr_assert_eq(t->thread->n, 2);
	cr_assert_str_eq(t->thread->ev[1].kind, "relation");
	cr_assert_str_eq(yoi_event_attr(&t->thread->ev[1], "target"), a);
	yoi_ticket_free(t);
	teardown_fx(&fx);
}

/* relation targets: resolved as show resolves them; a removal also takes
 * the full ID of a ticket that is gone (a dangling relation). */
Test(ticket, relation_targets_resolve_and_removals_take_gone_ids)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1], got[YOI_ID_LEN + 1];
	yoi_error err = {0};
	yoi_create_opts oa = {.title = "A"};
	cr_assert_eq(yoi_ticket_create(fx.st, &fx.op, &oa, a, &err), 0);
	cr_assert_eq(yoi_relate_target(fx.st, a + 8, false, got, &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(got, a);
	const char *gone = "00001M8Y1KTH0";
	cr_assert_eq(yoi_relate_target(fx.st, gone, false, got, &err),
		     YOI_ENOTFOUND);
	cr_assert_eq(yoi_relate_target(fx.st, "00001m8y1kth0", true, got, &err),
		     0, "%s", err.msg);
	cr_assert_str_eq(got, gone);
	teardown_fx(&fx);
}
