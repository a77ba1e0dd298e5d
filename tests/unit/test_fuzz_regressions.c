/*
 * test_fuzz_regressions.c - minimal reproducers of what `make fuzz` found,
 * one test per finding, named after the target that found it. Each fails
 * (under `make asan` where the defect is undefined behaviour) until the
 * defect is fixed.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/merge.h"

static yoi_merge_side side(const char *s)
{
	return (yoi_merge_side){s, strlen(s)};
}

/*
 * fuzz_merge_plan: plan lines without an "id" left renumber_ids' sorted
 * array NULL, and qsort(NULL, 0, ...) is undefined behaviour (UBSan:
 * "null pointer passed as argument 1" at src/merge.c, renumber_ids). The
 * merge driver aborted under the sanitizers on such a file.
 */
Test(fuzz_regressions, merge_plan_lines_without_id)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = yoi_merge_plan(
	    &out, side(""), side("{\"at\":\"2025-03-03T11:30:00Z\"}\n"),
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
 * merge driver's one-line stderr message with it. Found in src/merge.c
 * both_changed -> describe -> yoi_quote (src/diag.c).
 */
Test(fuzz_regressions, merge_item_conflict_reason_one_line)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = yoi_merge_item(
	    &out, side("---\ntitle: a\n---\n"), side("---\ntitle: b\n---\n"),
	    side("---\ntitle: 'x\n\n  y'\n---\n"), NULL, &why);
	cr_assert_eq(rc, YOI_MERGE_CONFLICT);
	cr_assert_not_null(why.ptr);
	cr_assert_null(strchr(why.ptr, '\n'), "the reason is not one line: %s",
		       why.ptr);
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}
