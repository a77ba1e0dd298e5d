/*
 * test_fuzz_regressions.c - minimal reproducers of what `make fuzz` found,
 * one test per finding, named after the target that found it. Each fails
 * (under `make asan` where the defect is undefined behaviour) until the
 * defect is fixed.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../merge_tri.h"
#include "yoi/common.h"
#include "yoi/item.h"
#include "yoi/merge.h"
#include "yoi/plan.h"
#include "yoi/relations.h"

static yoi_merge_side side(const char *s)
{
	return (yoi_merge_side){s, strlen(s)};
}

/*
 * fuzz_merge_plan: plan lines without an "id" left renumber_ids' sorted
 * array NULL, and qsort(NULL, 0, ...) is undefined behaviour (UBSan:
 * "null pointer passed as argument 1" at src/workflow/merge.c, renumber_ids). The
 * merge driver aborted under the sanitizers on such a file.
 */
Test(fuzz_regressions, merge_plan_lines_without_id)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc =
	    m_plan(&out, side(""), side("{\"at\":\"2025-03-03T11:30:00Z\"}\n"),
		   side("{\"at\":\"2025-03-03T11:30:01Z\"}\n"), &why);
	cr_assert_eq(rc, 0, "why: %s", why.ptr ? why.ptr : "");
	cr_assert_str_eq(out.ptr, "{\"at\":\"2025-03-03T11:30:00Z\"}\n"
				  "{\"at\":\"2025-03-03T11:30:01Z\"}\n");
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}

/*
 * fuzz_merge_item: merge.h promises a conflict reason of one line, but
 * the item merge quotes both values verbatim (yoi_quote cuts them to 64
 * bytes and keeps line breaks and control characters): a value holding a
 * line break (a multi-line quoted YAML scalar) splits the reason, and the
 * merge driver's one-line stderr message with it. Found in src/workflow/merge.c
 * both_changed -> describe -> yoi_quote (src/base/diag.c).
 */
Test(fuzz_regressions, merge_item_conflict_reason_one_line)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = m_item(&out, side("---\ntitle: a\n---\n"),
			side("---\ntitle: b\n---\n"),
			side("---\ntitle: 'x\n\n  y'\n---\n"), NULL, &why);
	cr_assert_eq(rc, MERGE_CONFLICT);
	cr_assert_not_null(why.ptr);
	cr_assert_null(strchr(why.ptr, '\n'), "the reason is not one line: %s",
		       why.ptr);
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}

/*
 * fuzz_item: libyaml breaks lines at a lone CR (and U+0085, U+2028,
 * U+2029) too, so a field can start in the middle of a file line. Removing
 * such a field cut its final '\n' as well, gluing what came before it on
 * that line to the next line: here the closing "---", so the rewritten
 * item.md no longer parsed (its frontmatter "never closed"). Found in
 * src/format/item.c yoi_item_unset/yoi_item_render.
 */
static void unset_reparses(const char *text, const char *key)
{
	yoi_item *it = NULL;
	yoi_error err;
	cr_assert_eq(yoi_item_parse(&it, text, strlen(text), NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(yoi_item_unset(it, key), 0);
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_render(it, &out), 0);
	yoi_item *re = NULL;
	cr_assert_eq(yoi_item_parse(&re, out.ptr, out.len, NULL, &err), 0,
		     "rewritten item does not parse: %s", err.msg);
	cr_assert_null(yoi_item_field(re, key));
	cr_assert_eq(re->nfields, it->nfields);
	size_t blen;
	const char *body = yoi_item_body(re, &blen);
	cr_assert_eq(blen, 6);
	cr_assert_eq(memcmp(body, "body\r\n", 6), 0);
	yoi_item_free(re);
	yoi_buf_free(&out);
	yoi_item_free(it);
}

Test(fuzz_regressions, item_unset_field_after_lone_cr)
{
	unset_reparses("---\n\rflags: [x]\r\n---\r\nbody\r\n", "flags");
	unset_reparses("---\ntitle: t\rflags: [x]\n---\r\nbody\r\n", "flags");
	/* "---\r" is a document start to libyaml, a closer to the file. */
	unset_reparses("---\n---\rflags: [x]\r\n---\r\nbody\r\n", "flags");
	unset_reparses("---\n\xe2\x80\xa8"
		       "flags: x\n---\r\nbody\r\n",
		       "flags");
}

/*
 * fuzz_item: removing the last field of a frontmatter that ends in an
 * explicit "..." left "---\n...\n---\n", which libyaml refuses ("did not
 * find expected node content"): the rewritten item.md did not parse.
 * Found in src/format/item.c yoi_item_render.
 */
Test(fuzz_regressions, item_unset_last_field_before_document_end)
{
	static const char text[] = "---\n  title: t\n...\n---\nbody\n";
	yoi_item *it = NULL;
	yoi_error err;
	cr_assert_eq(yoi_item_parse(&it, text, strlen(text), NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(yoi_item_unset(it, "title"), 0);
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_render(it, &out), 0);
	yoi_item *re = NULL;
	cr_assert_eq(yoi_item_parse(&re, out.ptr, out.len, NULL, &err), 0,
		     "rewritten item does not parse: %s\n%s", err.msg, out.ptr);
	cr_assert_eq(re->nfields, 0);
	/* A field set afterwards goes in and parses too. */
	cr_assert_eq(yoi_item_set(it, "title", "u"), 0);
	yoi_buf again = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_render(it, &again), 0);
	yoi_item *re2 = NULL;
	cr_assert_eq(yoi_item_parse(&re2, again.ptr, again.len, NULL, &err), 0,
		     "%s\n%s", err.msg, again.ptr);
	cr_assert_str_eq(yoi_item_get(re2, "title"), "u");
	yoi_item_free(re2);
	yoi_buf_free(&again);
	yoi_item_free(re);
	yoi_buf_free(&out);
	yoi_item_free(it);
}

/*
 * fuzz_merge_relations: jansson's error text quotes the input near the
 * error, line breaks included, and relations.json / plan syntax messages
 * (and so merge conflict reasons) printed it as is: not one line. Found
 * in src/format/relations.c and src/format/plan.c, the "not valid JSON" messages.
 */
Test(fuzz_regressions, json_syntax_message_one_line)
{
	static const char rel[] = "{\"version\": 1, \"relations\": [\"a\\\n"
				  "b\"]}\n";
	yoi_relations *r = NULL;
	yoi_error err;
	cr_assert_eq(yoi_relations_parse(&r, rel, strlen(rel), "00001JNB6FN20",
					 NULL, NULL, &err),
		     YOI_ECORRUPT);
	cr_assert_null(strchr(err.msg, '\n'), "not one line: %s", err.msg);

	static const char plan[] = "{\"id\": \"a\\\rb\"}\n";
	yoi_plan *p = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	cr_assert_eq(yoi_plan_parse(&p, plan, strlen(plan), "00001JNB6FN20",
				    NULL, &d, &err),
		     0);
	cr_assert_eq(d.n, 1);
	cr_assert_null(strpbrk(d.v[0].message, "\r\n"), "not one line: %s",
		       d.v[0].message);
	yoi_diag_free(&d);
	yoi_plan_free(p);

	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	cr_assert_eq(m_relations(&out, side(rel), side(""),
				 side("{\"version\": 1}"), "00001JNB6FN20",
				 &why),
		     MERGE_CONFLICT);
	cr_assert_null(strchr(why.ptr, '\n'), "not one line: %s", why.ptr);
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}

/*
 * fuzz_merge_plan: a plan record id that both sides used is renumbered
 * from its numeric suffix plus one; a suffix of LONG_MAX overflowed
 * (UBSan: signed integer overflow at src/workflow/merge.c, renumber_ids). Now a
 * suffix with no room above it counts from 1.
 */
Test(fuzz_regressions, merge_plan_renumbers_a_huge_id_suffix)
{
	const char *a = "{\"id\":\"orch-plan-x-9223372036854775807\","
			"\"note\":\"ours\",\"at\":\"2025-03-03T11:30:00Z\"}\n";
	const char *b =
	    "{\"id\":\"orch-plan-x-9223372036854775807\","
	    "\"note\":\"theirs\",\"at\":\"2025-03-03T11:30:01Z\"}\n";
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = m_plan(&out, side(""), side(a), side(b), &why);
	cr_assert_eq(rc, 0, "why: %s", why.ptr ? why.ptr : "");
	cr_assert(strstr(out.ptr, "\"ours\"") && strstr(out.ptr, "\"theirs\""),
		  "%s", out.ptr);
	cr_assert(strstr(out.ptr, "orch-plan-x-1\""), "%s", out.ptr);
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}

/*
 * fuzz_item: a frontmatter whose document holds no field (a tagged empty
 * scalar) and ends with an explicit '...' lost the '...' when rendered
 * unchanged: the rule that drops the document end when the last field
 * is removed fired with nothing removed.
 */
Test(fuzz_regressions, item_unchanged_without_fields_keeps_document_end)
{
	const char *text = "---\n!1t$lte:\n...\n---\n] end\n";
	yoi_item *it = NULL;
	yoi_error err;
	cr_assert_eq(yoi_item_parse(&it, text, strlen(text), "item.md", &err),
		     0, "%s", err.msg);
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_render(it, &out), 0);
	cr_assert_str_eq(out.ptr, text);
	yoi_buf_free(&out);
	yoi_item_free(it);
}
