#include <criterion/criterion.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/diag.h"

Test(diag, sink_text_ok_reports_length_then_encoding)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err = {0};
	yoi_sink s = {.d = &d, .err = &err, .path = "p.jsonl", .line = 3};
	cr_assert(
	    yoi_sink_text_ok(&s, "x-limit", "x-schema", "note", "fine", 4));
	cr_assert_eq(s.n, 0);
	cr_assert_not(
	    yoi_sink_text_ok(&s, "x-limit", "x-schema", "note", "too long", 4));
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ecode, YOI_EUSAGE);
	cr_assert_str_eq(d.v[0].code, "x-limit");
	cr_assert_str_eq(d.v[0].message,
			 "note is 8 bytes, over the limit of 4; shorten it");
	cr_assert_eq(d.v[0].line, 3);
	cr_assert_not(yoi_sink_text_ok(&s, "x-limit", "x-schema", "author",
				       "\xC3\x28", 8));
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(d.v[1].code, "x-schema");
	cr_assert_str_eq(d.v[1].message,
			 "author is not valid UTF-8; write it as UTF-8");
	cr_assert_str_eq(err.msg,
			 "note is 8 bytes, over the limit of 4; shorten it");
	yoi_diag_free(&d);
}
