/* Unit tests: the role capability table, fragment choice and sources. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "present/prompt_int.h"
#include "yoi/common.h"
#include "yoi/file.h"
#include "yoi/prompt.h"
#include "yoi/relate.h"
#include "yoi/ticket.h"

#include "ufix.h"

static bool gets(const char *role, const char *path)
{
	unsigned caps = yoi_prompt_caps(role);
	for (size_t i = 0; i < yoi_prompt_fragments_n; i++)
		if (strcmp(yoi_prompt_fragments[i].path, path) == 0)
			return yoi_prompt_fragment_for(&yoi_prompt_fragments[i],
						       caps);
	cr_assert_fail("no fragment %s", path);
	return false;
}

Test(prompt, the_capability_table)
{
	cr_assert_eq(yoi_prompt_roles_n, 4);
	cr_assert_eq(yoi_prompt_caps("intake"), 0);
	cr_assert_eq(yoi_prompt_caps("orchestrator"),
		     YOI_CAP_WORKTREES | YOI_CAP_QUEUE | YOI_CAP_STATE);
	cr_assert_eq(yoi_prompt_caps("coder"), YOI_CAP_STATE);
	cr_assert_eq(yoi_prompt_caps("reviewer"), YOI_CAP_REVIEW);
	cr_assert_eq(yoi_prompt_caps("janitor"), 0, "unknown: no caps");
	char buf[64];
	cr_assert_str_eq(yoi_prompt_caps_text(0, buf, sizeof(buf)), "none");
	cr_assert_str_eq(yoi_prompt_caps_text(YOI_CAP_WORKTREES |
						  YOI_CAP_QUEUE | YOI_CAP_STATE,
					      buf, sizeof(buf)),
			 "worktrees,state,queue");
	char tiny[8];
	cr_assert_str_eq(
	    yoi_prompt_caps_text(YOI_CAP_WORKTREES | YOI_CAP_REVIEW, tiny,
				 sizeof(tiny)),
	    "", "too small: no name half-written");
	cr_assert_str_eq(yoi_prompt_caps_text(YOI_CAP_REVIEW | YOI_CAP_STATE,
					      tiny, sizeof(tiny)),
			 "review", "whole names only");
}

Test(prompt, fragments_both_directions)
{
	const char *roles[] = {"intake", "orchestrator", "coder", "reviewer",
			       "janitor"};
	for (size_t r = 0; r < 5; r++) {
		cr_expect(gets(roles[r], "common/tickets.md"), "%s", roles[r]);
		cr_expect(gets(roles[r], "common/notifications.md"), "%s",
			  roles[r]);
		cr_expect_eq(gets(roles[r], "common/worktrees.md"), r == 1,
			     "%s", roles[r]);
		cr_expect_eq(gets(roles[r], "common/queueing.md"), r == 1, "%s",
			     roles[r]);
		cr_expect_eq(gets(roles[r], "common/review.md"), r == 3, "%s",
			     roles[r]);
		cr_expect_eq(gets(roles[r], "common/completion.md"),
			     r == 1 || r == 2, "%s", roles[r]);
	}
}

Test(prompt, sources_override_and_fall_back)
{
	char dir[] = "/tmp/yoi-unit-prompt.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char sub[128], file[160];
	snprintf(sub, sizeof(sub), "%s/role", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	snprintf(file, sizeof(file), "%s/coder.md", sub);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("ours {{role}}\n", f);
	fclose(f);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	bool over = false;
	cr_assert_eq(yoi_prompt_source(&b, dir, "role/coder.md", &over, &err),
		     0);
	cr_assert(over);
	cr_assert_str_eq(b.ptr, "ours {{role}}\n");
	/* Built in when the directory has no such file, or no directory. */
	cr_assert_eq(
	    yoi_prompt_source(&b, dir, "role/reviewer.md", &over, &err), 0);
	cr_assert_not(over);
	cr_assert(strstr(b.ptr, "# Role: reviewer"), "%s", b.ptr);
	cr_assert_eq(yoi_prompt_source(&b, NULL, "role/coder.md", &over, &err),
		     0);
	cr_assert_not(over);
	cr_assert_eq(yoi_prompt_source(&b, dir, "role/nobody.md", &over, &err),
		     YOI_ENOTFOUND);
	/* Rendering names the override in its errors. */
	json_t *view = json_pack("{s:s}", "role", "coder");
	yoi_buf_clear(&b);
	cr_assert_eq(yoi_prompt_render(&b, dir, "role/coder.md", view, &err),
		     0);
	cr_assert_str_eq(b.ptr, "ours coder\n");
	f = fopen(file, "w");
	fputs("line one\n{{missing}}\n", f);
	fclose(f);
	yoi_buf_clear(&b);
	cr_assert_eq(yoi_prompt_render(&b, dir, "role/coder.md", view, &err),
		     YOI_ECORRUPT);
	char et[YOI_ERRTEXT_MAX];
	cr_assert(strstr(yoi_error_text(&err, et, sizeof(et)),
			 ".yoi/prompts/role/coder.md:2"),
		  "%s", et);
	/* A directory where an override file would be is an error. */
	remove(file);
	cr_assert_eq(mkdir(file, 0755), 0);
	cr_assert_eq(yoi_prompt_source(&b, dir, "role/coder.md", &over, &err),
		     YOI_ECORRUPT);
	json_decref(view);
	yoi_buf_free(&b);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* ---- the role brief, read from a store --------------------------------- */

typedef ufix store_fx;

static void store_setup(store_fx *fx)
{
	ufix_setup(fx, "brief");
}

static void store_teardown(store_fx *fx)
{
	ufix_teardown(fx);
}

static void make_ticket(store_fx *fx, const char *title, const char *assignee,
			char id[YOI_ID_LEN + 1])
{
	yoi_create_opts o = {.title = title, .assignee = assignee};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(fx->st, &fx->op, &o, id, &err), 0, "%s",
		     err.msg);
	fx->op.now_ms += 1000;
}

static void has(const char *text, const char *fmt, const char *a)
{
	char want[256];
	snprintf(want, sizeof(want), fmt, a);
	cr_assert_not_null(strstr(text, want), "no \"%s\" in:\n%s", want, text);
}

Test(prompt, roles_known_are_the_stores_and_their_templates)
{
	store_fx fx;
	store_setup(&fx);
	cr_assert(yoi_prompt_role_known(fx.st, "coder"));
	cr_assert(yoi_prompt_role_known(fx.st, "orchestrator"));
	cr_assert_not(yoi_prompt_role_known(fx.st, "janitor"));
	cr_assert_not(yoi_prompt_role_known(fx.st, ""));
	char *dir = yoi_prompt_dir(fx.st), *want = NULL;
	cr_assert_gt(asprintf(&want, "%s/.yoi/prompts", fx.dir), 0);
	cr_assert_str_eq(dir, want);
	free(dir);
	free(want);
	char *path = yoi_prompt_role_path("coder");
	cr_assert_str_eq(path, "role/coder.md");
	free(path);
	store_teardown(&fx);
}

Test(prompt, a_brief_reads_the_ticket_its_relations_and_blockers)
{
	store_fx fx;
	store_setup(&fx);
	char dep[YOI_ID_LEN + 1], t[YOI_ID_LEN + 1];
	make_ticket(&fx, "Schema first", NULL, dep);
	make_ticket(&fx, "Login form", "ana", t);
	yoi_error err = {0};
	cr_assert_eq(yoi_relate(fx.st, &fx.op, t, true, YOI_REL_DEPENDS_ON, dep,
				"needs the schema", &err),
		     0, "%s", err.msg);

	yoi_prompt_brief b;
	cr_assert_eq(yoi_prompt_brief_make(&b, fx.st, "coder", t, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(b.left_out.code, 0, "%s", b.left_out.msg);
	cr_assert_eq(b.caps, YOI_CAP_STATE);
	const char *txt = b.text.ptr;
	has(txt, "## Ticket %s: Login form\n", t);
	has(txt, "%s", "- State: planning\n- Assignee: ana\n");
	has(txt, "%s", "- Risk flags: none\n");
	has(txt, "### Blockers\n- %s via depends_on (state: planning)\n", dep);
	has(txt,
	    "### Relations\n- depends_on %s (state: planning): needs the "
	    "schema\n",
	    dep);
	/* The coder's fragments, in table order, and nothing else. */
	cr_assert_eq(b.fragments.n, 3);
	cr_assert_str_eq(b.fragments.v[0], "common/tickets.md");
	cr_assert_str_eq(b.fragments.v[1], "common/completion.md");
	cr_assert_str_eq(b.fragments.v[2], "common/notifications.md");
	yoi_prompt_brief_free(&b);

	/* From the other side: the inverse name, no note, no blockers. */
	cr_assert_eq(yoi_prompt_brief_make(&b, fx.st, "reviewer", dep, &err), 0,
		     "%s", err.msg);
	has(b.text.ptr, "### Relations\n- required by %s (state: planning)\n",
	    t);
	has(b.text.ptr, "%s",
	    "### Blockers\nNone: nothing this ticket depends on is "
	    "unfinished.\n");
	has(b.text.ptr, "%s", "- Assignee: -\n");
	yoi_prompt_brief_free(&b);

	/* Without a ticket: no ticket part; the queue is there. */
	cr_assert_eq(
	    yoi_prompt_brief_make(&b, fx.st, "orchestrator", NULL, &err), 0,
	    "%s", err.msg);
	cr_assert_null(strstr(b.text.ptr, "## Ticket "), "%s", b.text.ptr);
	has(b.text.ptr, "%s", "Actionable now (in route order):\n");
	yoi_prompt_brief_free(&b);
	store_teardown(&fx);
}

Test(prompt, a_brief_about_a_missing_ticket_fails_and_frees)
{
	store_fx fx;
	store_setup(&fx);
	yoi_prompt_brief b;
	yoi_error err = {0};
	cr_assert_eq(
	    yoi_prompt_brief_make(&b, fx.st, "coder", "00001KW55B33B", &err),
	    YOI_ENOTFOUND, "%s", err.msg);
	cr_assert_neq(err.msg[0], '\0');
	yoi_prompt_brief_free(&b);
	yoi_prompt_brief_free(&b); /* twice: safe */
	store_teardown(&fx);
}
