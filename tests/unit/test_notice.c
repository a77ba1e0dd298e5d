/* Unit tests: the notification policy (notice.h) on a store in a tmpdir. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/file.h"
#include "yoi/notice.h"
#include "yoi/relate.h"
#include "yoi/ticket.h"

#include "ufix.h"

typedef ufix fixture;

static void setup_fx(fixture *fx)
{
	ufix_setup(fx, "notice");
}

static void teardown_fx(fixture *fx)
{
	ufix_teardown(fx);
}

static void create(fixture *fx, const char *title, char id[YOI_ID_LEN + 1])
{
	yoi_create_opts o = {.title = title};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx->st, &fx->op, &o, id, &err), 0, "%s",
		     err.msg);
	fx->op.now_ms += 1000;
}

Test(notice, event_names)
{
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_CREATE), "create");
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_STATE_CHANGED),
			 "state_changed");
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_REVIEW), "review");
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_CLOSE), "close");
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_REOPEN), "reopen");
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_UNBLOCKED),
			 "unblocked");
	cr_assert_str_eq(yoi_notice_event_name(YOI_NOTICE_EVENT_COUNT), "?");
	cr_assert_str_eq(yoi_notice_event_name((yoi_notice_event)-1), "?");
}

Test(notice, only_leaving_the_work_in_progress_frees_capacity)
{
	cr_assert(yoi_notice_frees_capacity(YOI_NOTICE_CLOSE, "closed"));
	cr_assert(yoi_notice_frees_capacity(YOI_NOTICE_CLOSE, NULL),
		  "a close, whatever item.md says");
	cr_assert(yoi_notice_frees_capacity(YOI_NOTICE_STATE_CHANGED, "done"));
	cr_assert(
	    yoi_notice_frees_capacity(YOI_NOTICE_STATE_CHANGED, "closed"));
	static const char *const busy[] = {"planning", "ready", "queued",
					   "inprogress", ""};
	for (size_t i = 0; i < 5; i++)
		cr_assert_not(yoi_notice_frees_capacity(
				  YOI_NOTICE_STATE_CHANGED, busy[i]),
			      "%s", busy[i]);
	cr_assert_not(
	    yoi_notice_frees_capacity(YOI_NOTICE_STATE_CHANGED, NULL));
	cr_assert_not(yoi_notice_frees_capacity(YOI_NOTICE_CREATE, "done"));
	cr_assert_not(yoi_notice_frees_capacity(YOI_NOTICE_REVIEW, "done"));
	cr_assert_not(yoi_notice_frees_capacity(YOI_NOTICE_REOPEN, "closed"));
}

Test(notice, the_notice_names_the_event_and_carries_no_queue_when_busy)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	create(&fx, "Write the parser", id);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	char *state = NULL;
	cr_assert_eq(yoi_notice_render(&b, &state, fx.st, id,
				       YOI_NOTICE_STATE_CHANGED, "ready", &err),
		     0, "%s", err.msg);
	cr_assert_str_eq(state, "planning");
	char want[256];
	snprintf(want, sizeof(want),
		 "# Ticket event: state_changed on %s\n\n%s \"Write the "
		 "parser\" is now planning (was ready).\nBy unit at ",
		 id, id);
	cr_assert(strncmp(b.ptr, want, strlen(want)) == 0, "%s", b.ptr);
	cr_assert_null(strstr(b.ptr, "## Queue"), "%s", b.ptr);
	free(state);
	yoi_buf_free(&b);
	teardown_fx(&fx);
}

Test(notice, a_close_carries_the_queue_summary)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1];
	create(&fx, "Done soon", a);
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_close(fx.st, &fx.op, a, "done", &err), 0, "%s",
		     err.msg);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(
	    yoi_notice_render(&b, NULL, fx.st, a, YOI_NOTICE_CLOSE, NULL, &err),
	    0, "%s", err.msg);
	cr_assert_not_null(strstr(b.ptr, "is now closed.\n"), "%s", b.ptr);
	cr_assert_not_null(strstr(b.ptr, "\n## Queue\n\nActionable now (in "
					 "route order):\n- none\n\nWaiting:\n"
					 "- none\n"),
			   "%s", b.ptr);
	yoi_buf_free(&b);
	teardown_fx(&fx);
}

Test(notice, a_missing_ticket_is_an_error_not_a_notice)
{
	fixture fx;
	setup_fx(&fx);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	char *state = (char *)"untouched";
	cr_assert_lt(yoi_notice_render(&b, &state, fx.st, "00001KW55B33B",
				       YOI_NOTICE_CREATE, NULL, &err),
		     0);
	cr_assert_null(state);
	cr_assert_neq(err.msg[0], '\0');
	yoi_buf_free(&b);
	teardown_fx(&fx);
}

Test(notice, without_a_store_or_a_hook_nothing_is_configured)
{
	yoi_notice n;
	yoi_notice_send(&n, NULL, "00001KW55B33B", YOI_NOTICE_CREATE, NULL);
	cr_assert_eq(n.run.reason, YOI_NOTIFY_NOT_CONFIGURED);
	cr_assert_null(n.hook);
	yoi_notice_free(&n);

	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	create(&fx, "No hook here", id);
	yoi_notice_send(&n, fx.st, id, YOI_NOTICE_CREATE, NULL);
	cr_assert_eq(n.run.reason, YOI_NOTIFY_NOT_CONFIGURED, "%s",
		     n.run.detail);
	cr_assert_null(n.hook);
	cr_assert_null(n.run.output);
	yoi_notice_free(&n);
	yoi_notice_free(&n); /* twice: safe */
	teardown_fx(&fx);
}

Test(notice, a_hook_nobody_trusted_does_not_run)
{
	fixture fx;
	setup_fx(&fx);
	char id[YOI_ID_LEN + 1];
	create(&fx, "Untrusted", id);
	char hooks[512], hook[600], flag[600];
	snprintf(hooks, sizeof(hooks), "%s/.yoi/hooks", fx.dir);
	snprintf(hook, sizeof(hook), "%s/ticket-event", hooks);
	snprintf(flag, sizeof(flag), "%s/ran", fx.dir);
	cr_assert_eq(mkdir(hooks, 0755), 0);
	FILE *f = fopen(hook, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\ntouch '%s'\n", flag);
	fclose(f);
	cr_assert_eq(chmod(hook, 0755), 0);
	yoi_notice n;
	yoi_notice_send(&n, fx.st, id, YOI_NOTICE_CREATE, NULL);
	cr_assert_eq(n.run.reason, YOI_NOTIFY_UNTRUSTED);
	cr_assert_str_eq(n.run.detail,
			 "not trusted in this clone; run 'yoi-tickets hooks "
			 "trust' to let it run");
	cr_assert_not_null(n.hook);
	cr_assert_not_null(strstr(n.hook, "/.yoi/hooks/ticket-event"), "%s",
			   n.hook);
	struct stat sb;
	cr_assert_neq(stat(flag, &sb), 0, "the hook did not run");
	yoi_notice_free(&n);
	teardown_fx(&fx);
}

static void move(fixture *fx, const char *id, const char *to, bool force)
{
	yoi_transition_req req = {.target = to,
				  .summary = "s",
				  .reason = force ? "test" : NULL,
				  .force = force};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_transition(fx->st, &fx->op, id, &req, NULL,
					   &err),
		     0, "%s -> %s: %s", id, to, err.msg);
	fx->op.now_ms += 1000;
}

static void dep(fixture *fx, const char *from, yoi_rel_kind k, const char *to)
{
	yoi_error err = {0};
	cr_assert_eq(yoi_relate(fx->st, &fx->op, from, true, k, to, NULL, &err),
		     0, "%s", err.msg);
}

Test(notice, unblocked_are_the_waiters_with_nothing_else_left)
{
	fixture fx;
	setup_fx(&fx);
	char a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1], w1[YOI_ID_LEN + 1],
	    w2[YOI_ID_LEN + 1], w3[YOI_ID_LEN + 1];
	create(&fx, "A", a);
	create(&fx, "B", b);
	create(&fx, "W1", w1);
	create(&fx, "W2", w2);
	create(&fx, "W3", w3);
	dep(&fx, w1, YOI_REL_DEPENDS_ON, a);
	dep(&fx, w2, YOI_REL_DEPENDS_ON, a);
	dep(&fx, w2, YOI_REL_DEPENDS_ON, b);
	dep(&fx, a, YOI_REL_BLOCKS, w3);
	yoi_strv u = {0};
	yoi_error err = {0};
	/* A has not finished: nobody is unblocked. */
	cr_assert_eq(yoi_notice_unblocked(&u, fx.st, a, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(u.n, 0);
	move(&fx, a, "ready", false);
	move(&fx, a, "queued", false);
	move(&fx, a, "inprogress", true);
	move(&fx, a, "done", false);
	cr_assert_eq(yoi_notice_unblocked(&u, fx.st, a, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(u.n, 2);
	cr_assert_str_eq(u.v[0], w1);
	cr_assert_str_eq(u.v[1], w3);
	yoi_strv_free(&u);
	/* done -> closed: not newly finished, nobody again. */
	yoi_error e2 = {0};
	cr_assert_eq(yoi_ticket_close(fx.st, &fx.op, a, "r", &e2), 0, "%s",
		     e2.msg);
	cr_assert_eq(yoi_notice_unblocked(&u, fx.st, a, &err), 0);
	cr_assert_eq(u.n, 0);
	/* B closed from planning: W2 is free now. */
	cr_assert_eq(yoi_ticket_close(fx.st, &fx.op, b, "r", &e2), 0, "%s",
		     e2.msg);
	cr_assert_eq(yoi_notice_unblocked(&u, fx.st, b, &err), 0);
	cr_assert_eq(u.n, 1);
	cr_assert_str_eq(u.v[0], w2);
	yoi_strv_free(&u);
	teardown_fx(&fx);
}
