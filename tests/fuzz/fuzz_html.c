/*
 * fuzz_html.c - yoi_html_markdown, the Markdown-to-HTML step of
 * `render --html`, on arbitrary text.
 *
 * Property (abort on violation): the output holds no live markup from the
 * input, as fuzz_markup.h checks it with no extra tag: so no <script, <a,
 * <img, no attribute besides start and class (no on...=, href=, src=,
 * style=), hence no javascript: URL anywhere.
 */
#include <stdint.h>

#include "fuzz_markup.h"
#include "yoi/common.h"
#include "yoi/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yoi_buf out = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_html_markdown(&out, (const char *)data, size) == 0,
		   "render failed");
	fuzz_markup_check(&out, NULL, NULL);
	yoi_buf_free(&out);
	return 0;
}
