/*
 * fuzz_template.c - the Mustache subset (yoi_template_render). The input
 * is a template, the separator line "--8<--", and a JSON view (when that
 * part is not JSON, a fixed view is used).
 *
 * Properties (abort on violation): on error out is left exactly as it was
 * and err names the template; on success the rendering is appended after
 * what out held, and rendering again gives the same bytes.
 */
#include <stdint.h>

#include "base/template.h"
#include "fuzz.h"

static const char fallback[] =
    "{\"name\":\"x\",\"list\":[1,\"two\",{\"name\":\"in\"},[]],"
    "\"obj\":{\"a\":{\"b\":true},\"n\":null,\"r\":1.5e-7},"
    "\"empty\":[],\"f\":false,\"s\":\"\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_part p[2];
	fuzz_split(data, size, p, 2);
	json_error_t jerr;
	json_t *view = json_loadb(p[1].ptr, p[1].len, 0, &jerr);
	if (!view)
		view = json_loads(fallback, 0, &jerr);
	FUZZ_CHECK(view, "no view");

	static const char pre[] = "kept\n";
	yoi_buf out = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_buf_puts(&out, pre) == 0, "no memory");
	yoi_error err;
	memset(&err, 0, sizeof(err));
	int rc = yoi_template_render("fuzz.md", p[0].len ? p[0].ptr : NULL,
				     p[0].len, view, &out, &err);
	FUZZ_CHECK(rc == 0 || rc == YOI_ECORRUPT, "render returned %d", rc);
	FUZZ_CHECK(out.len >= sizeof(pre) - 1 &&
		       memcmp(out.ptr, pre, sizeof(pre) - 1) == 0,
		   "what out held was changed");
	if (rc != 0) {
		FUZZ_CHECK(out.len == sizeof(pre) - 1,
			   "a failed render wrote %zu bytes",
			   out.len - (sizeof(pre) - 1));
		char et[YOI_ERRTEXT_MAX];
		FUZZ_CHECK(strncmp(yoi_error_text(&err, et, sizeof(et)),
				   "fuzz.md:", 8) == 0,
			   "error does not name the template: %s", et);
	} else {
		yoi_buf again = YOI_BUF_INIT;
		FUZZ_CHECK(
		    yoi_template_render("fuzz.md", p[0].len ? p[0].ptr : NULL,
					p[0].len, view, &again, &err) == 0,
		    "a second render failed: %s", err.msg);
		FUZZ_CHECK(again.len == out.len - (sizeof(pre) - 1) &&
			       memcmp(again.ptr ? again.ptr : "",
				      out.ptr + sizeof(pre) - 1,
				      again.len) == 0,
			   "two renderings differ");
		yoi_buf_free(&again);
	}
	yoi_buf_free(&out);
	json_decref(view);
	return 0;
}
