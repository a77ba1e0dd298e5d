/* Unit tests: the role capability table, fragment choice and sources. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/common.h"
#include "yoi/prompt.h"

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
	cr_assert(strstr(err.msg, ".yoi/prompts/role/coder.md:2"), "%s",
		  err.msg);
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
