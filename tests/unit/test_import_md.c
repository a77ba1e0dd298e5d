/*
 * test_import_md.c - what the Markdown readers share (import_md.c): the
 * relation fields, the "not mapped, kept" warning, the creation time and
 * the fields left to keep, on items parsed from buffers.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "workflow/import_md.h"
#include "yoi/import.h"

#include "import_fix.h"

static yoi_item *item(const char *fm)
{
	yoi_item *it = NULL;
	yoi_error err = {0};
	char *s = imp_md(fm, "");

	cr_assert_eq(yoi_item_parse(&it, s, strlen(s), "t.md", &err), 0);
	free(s);
	return it;
}

static char *shout(const char *s)
{
	char *u = strdup(s);

	for (char *p = u; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

Test(import_md, rels_map_ids_and_pass_over_empty_ones)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = yoi_import_add(&set, "a-1", "t.md", 1);
	yoi_item *it = item("deps: [a-2, '', a-3]\none: b-1\n");
	bool keep = false;

	cr_assert_not_null(t);
	cr_assert_eq(yoi_impmd_rels(&set, t, "t.md", yoi_item_field(it, "deps"),
				    "depends_on", NULL, "an id", shout, &keep),
		     0);
	cr_assert_eq(yoi_impmd_rels(&set, t, "t.md", yoi_item_field(it, "one"),
				    "related", "n", "an id", NULL, &keep),
		     0);
	cr_assert_eq(yoi_impmd_rels(&set, t, "t.md", NULL, "related", NULL,
				    "an id", NULL, &keep),
		     0);
	cr_assert_not(keep);
	cr_assert_eq(t->nrels, 3);
	imp_assert_rel(t, 0, "depends_on", "A-2", NULL);
	imp_assert_rel(t, 1, "depends_on", "A-3", NULL);
	imp_assert_rel(t, 2, "related", "b-1", "n");
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	yoi_item_free(it);
	yoi_import_set_free(&set);
}

Test(import_md, rels_of_a_mapping_are_kept_with_a_warning)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = yoi_import_add(&set, "a-1", "t.md", 1);
	yoi_item *it = item("title: T\ndeps: {a: b}\n");
	bool keep = false;

	cr_assert_eq(yoi_impmd_rels(&set, t, "t.md", yoi_item_field(it, "deps"),
				    "depends_on", NULL,
				    "an id nor a list of ids", NULL, &keep),
		     0);
	cr_assert(keep);
	cr_assert_eq(t->nrels, 0);
	imp_assert_problem(&set, YOI_IMP_UNMAPPED, "t.md", 3);
	cr_assert_not_null(strstr(imp_problems(&set),
				  "'deps' is neither an id nor a list of ids; "
				  "it is kept in the ticket"),
			   "%s", imp_problems(&set));
	yoi_item_free(it);
	yoi_import_set_free(&set);
}

Test(import_md, created_time_bad_time_and_none)
{
	yoi_import_set set = {0};
	/* Pointers taken after the last add: the set's array may move. */
	cr_assert_not_null(yoi_import_add(&set, "a", "a.md", 1));
	cr_assert_not_null(yoi_import_add(&set, "b", "b.md", 1));
	cr_assert_not_null(yoi_import_add(&set, "c", "c.md", 1));
	yoi_import_ticket *a = &set.v[0], *b = &set.v[1], *c = &set.v[2];
	yoi_item *good = item("created: '2026-12-03 19:46'\n");
	yoi_item *bad = item("x: 1\ncreated: yesterday\n");
	char tm[YOI_TIME_LEN + 1] = "";

	cr_assert_eq(yoi_impmd_created(&set, a, good,
				       yoi_item_field(good, "created"), "a.md",
				       "bad a", tm),
		     0);
	cr_assert_str_eq(a->created_at, "2026-12-03T19:46:00Z");
	cr_assert_str_eq(tm, "2026-12-03T19:46:00Z");
	cr_assert_eq(yoi_impmd_created(&set, b, bad,
				       yoi_item_field(bad, "created"), "b.md",
				       "'created' is bad; correct it", tm),
		     0);
	cr_assert_str_eq(b->created_at, "yesterday");
	imp_assert_problem(&set, YOI_IMP_BAD_TIME, "b.md", 3);
	cr_assert_eq(yoi_impmd_created(&set, c, bad, NULL, "c.md", "none", tm),
		     0);
	cr_assert_null(c->created_at);
	cr_assert_eq(set.problems.n, 1, "%s", imp_problems(&set));
	yoi_item_free(good);
	yoi_item_free(bad);
	yoi_import_set_free(&set);
}

Test(import_md, unmapped_warns_unless_absent_or_null)
{
	yoi_import_set set = {0};
	yoi_item *it = item("p: huge\nq: null\n");
	bool keep = false;

	yoi_impmd_unmapped(&set, "t.md", yoi_item_field(it, "q"), "'%s' odd",
			   NULL, &keep);
	yoi_impmd_unmapped(&set, "t.md", NULL, "'%s' odd", NULL, &keep);
	cr_assert_not(keep);
	cr_assert_eq(set.problems.n, 0);
	yoi_impmd_unmapped(&set, "t.md", yoi_item_field(it, "p"), "'%s' odd",
			   "huge", &keep);
	cr_assert(keep);
	imp_assert_problem(&set, YOI_IMP_UNMAPPED, "t.md", 2);
	yoi_item_free(it);
	yoi_import_set_free(&set);
}

Test(import_md, keep_unmapped_keeps_the_rest_in_file_order)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = yoi_import_add(&set, "a", "t.md", 1);
	static const char *const mapped[] = {"id", "status", "prio"};
	const bool keep[] = {false, false, true};
	yoi_item *it = item("id: a\nzz: 1\nstatus: open\nprio: 9\nlist: [x]\n");

	cr_assert_eq(yoi_impmd_keep_unmapped(t, it, mapped, 3, keep), 0);
	cr_assert_str_eq(t->kept,
			 "{\"zz\":\"1\",\"prio\":\"9\",\"list\":[\"x\"]}");
	yoi_item_free(it);
	yoi_import_set_free(&set);
}

Test(import_md, cut_eol_and_set_body)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = yoi_import_add(&set, "a", "t.md", 1);
	yoi_buf b = YOI_BUF_INIT;

	cr_assert_eq(yoi_impmd_cut_eol("ab \t\r", 5), 2);
	cr_assert_eq(yoi_impmd_cut_eol(" \r", 2), 0);
	cr_assert_eq(yoi_buf_puts(&b, "\n\nText.\n\n\n"), 0);
	cr_assert_eq(yoi_impmd_set_body(t, &b), 0);
	cr_assert_str_eq(t->body, "Text.\n");
	yoi_buf_free(&b);
	yoi_import_set_free(&set);
}
