#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "format/jsontext.h"
#include "yoi/common.h"

static json_t *sample(void)
{
	json_t *o = json_object();
	json_object_set_new(o, "a", json_string("x\ny"));
	json_object_set_new(o, "b", json_integer(1));
	return o;
}

Test(jsontext, compact_line_with_its_break)
{
	json_t *o = sample();
	yoi_buf b = YOI_BUF_INIT;
	size_t size = 0;
	cr_assert_eq(yoi_json_append(&b, o, JSON_COMPACT | JSON_PRESERVE_ORDER,
				     false, 100, &size),
		     0);
	cr_assert_str_eq(b.ptr, "{\"a\":\"x\\ny\",\"b\":1}\n");
	cr_assert_eq(size, b.len);
	yoi_buf_clear(&b);
	cr_assert_eq(yoi_json_append(&b, o, JSON_COMPACT | JSON_PRESERVE_ORDER,
				     true, 100, &size),
		     0);
	cr_assert_str_eq(b.ptr, "{\"a\":\"x\\ny\",\"b\":1}\r\n");
	cr_assert_eq(size, b.len);
	yoi_buf_free(&b);
	json_decref(o);
}

Test(jsontext, indented_lines_each_end_in_crlf)
{
	json_t *o = sample();
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "keep");
	size_t size = 0;
	cr_assert_eq(yoi_json_append(&b, o,
				     JSON_INDENT(2) | JSON_PRESERVE_ORDER, true,
				     100, &size),
		     0);
	cr_assert_str_eq(b.ptr,
			 "keep{\r\n  \"a\": \"x\\ny\",\r\n  \"b\": 1\r\n}\r\n");
	cr_assert_eq(size, b.len - 4);
	yoi_buf_free(&b);
	json_decref(o);
}

Test(jsontext, over_the_limit_appends_nothing)
{
	json_t *o = sample();
	yoi_buf b = YOI_BUF_INIT;
	size_t size = 0;
	/* 18 bytes and a line break: a limit of 19 fits, 18 does not. */
	cr_assert_eq(yoi_json_append(&b, o, JSON_COMPACT | JSON_PRESERVE_ORDER,
				     false, 18, &size),
		     1);
	cr_assert_eq(size, 19);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(yoi_json_append(&b, o, JSON_COMPACT | JSON_PRESERVE_ORDER,
				     false, 19, &size),
		     0);
	cr_assert_eq(b.len, 19);
	yoi_buf_free(&b);
	json_decref(o);
}
