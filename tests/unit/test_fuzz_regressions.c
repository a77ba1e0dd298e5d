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
