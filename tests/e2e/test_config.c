/* End-to-end: .yoi/config.yaml changes what the engine writes and allows. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(config, japanese_switches_template_and_texts)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml", "tickets:\n  language: Japanese\n");
	char *id = OK_LINE(dir, "create", "--title", "日本語のチケット");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "## 背景"), "%s", item);
	cr_assert(strstr(item, "## 要件"));
	cr_assert(strstr(item, "## 受け入れ条件"));
	cr_assert_null(strstr(item, "## Background"));
	cr_assert(strstr(item, "title: '日本語のチケット'"));
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "チケットを作成しました。"), "%s", thread);
	/* Event headings stay the format's own (readers key on them). */
	cr_assert(strstr(thread, "## Created"));
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert(strstr(r.out, "\"heading\": \"背景\""), "%s", r.out);
	e2e_free(&r);
	free(item);
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(config, english_is_the_default)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Plain");
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "Ticket created."));
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(config, transitions_replace_the_table)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml",
		  "transitions:\n"
		  "  - {from: planning, to: done}\n"
		  "  - {from: done, to: closed}\n");
	char *id = OK_LINE(dir, "create", "--title", "Short path");
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 4, "ready is not in the configured table");
	cr_assert(strstr(r.err, "done"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "done");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "close", id, "--resolution", "ok");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(config, tickets_root_is_configurable)
{
	char *dir = e2e_repo();
	e2e_sh(dir, "mkdir -p .yoi && printf 'tickets:\\n  root: work/tix\\n' "
		    "> .yoi/config.yaml");
	e2e_result r = RUN(dir, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *id = OK_LINE(dir, "create", "--title", "Elsewhere");
	char rel[128];
	snprintf(rel, sizeof(rel), "work/tix/%s/item.md", id);
	cr_assert(e2e_exists(dir, rel));
	/* From a subdirectory, the repository top is found. */
	e2e_sh(dir, "mkdir -p deep/er");
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/deep/er", dir);
	r = RUN(sub, "show", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	/* --root names a store directly. */
	r = RUN("/tmp", "--root", "/nonexistent/tix", "list");
	cr_assert_eq(r.status, 3);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}
