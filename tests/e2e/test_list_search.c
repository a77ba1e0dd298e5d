/* End-to-end: list --search reads only the body and the row's title, yet
 * answers and fails as the full parse of item.md did (issue 15). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *make(const char *dir, const char *title, const char *body)
{
	char *id = OK_LINE(dir, "create", "--title", "placeholder");
	char text[512];
	snprintf(text, sizeof(text),
		 "---\ntitle: %s\nstate: planning\n"
		 "created_at: '2026-01-01T00:00:00Z'\n"
		 "updated_at: '2026-01-01T00:00:00Z'\n---\n%s",
		 title, body);
	e2e_write(dir, e2e_tpath(id, "item.md"), text);
	return id;
}

Test(list_search, title_decoded_body_raw_and_case)
{
	char *dir = e2e_store();
	/* The title is searched as YAML decodes it, not as it is written. */
	char *a = make(dir, "\"Zeta \\x41lpha\"", "nothing here\n");
	char *b = make(dir, "Plain", "The Needle is in the body\n");
	char *c = make(dir, "Other", "title: fake zeta alpha in the body\n");
	e2e_result r = RUN(dir, "list", "--search", "zeta alpha");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, a) && strstr(r.out, c) && !strstr(r.out, b),
		  "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--search", "NEEDLE");
	cr_assert(strstr(r.out, b) && !strstr(r.out, a), "%s", r.out);
	e2e_free(&r);
	/* Frontmatter text that is not the title is not searched. */
	r = RUN(dir, "list", "--search", "planning");
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	r = RUN(dir, "list", "--search", "");
	cr_assert_eq(e2e_count(r.out, "\n"), 3);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(list_search, a_bad_body_is_skipped_with_its_file_and_line)
{
	char *dir = e2e_store();
	char *a = make(dir, "Good", "has the word\n");
	char *b = make(dir, "Bad", "has the word\nthen \xff\n");
	e2e_result r = RUN(dir, "list", "--search", "nowhere");
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "");
	cr_assert(strstr(r.err, "skipping ") && strstr(r.err, b), "%s", r.err);
	cr_assert(strstr(r.err, "item.md:8: invalid UTF-8"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "list", "--search", "WORD");
	cr_assert(strstr(r.out, a) && !strstr(r.out, b), "%s", r.out);
	cr_assert(strstr(r.err, b));
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}
