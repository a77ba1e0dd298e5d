/* Unit tests: html's escaping and its Markdown (hostile text stays text). */
#include <criterion/criterion.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/html.h"

static char *esc(const char *s)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_html_escape(&b, s, strlen(s)), 0);
	return b.ptr ? yoi_buf_detach(&b) : strdup("");
}

static char *md(const char *s)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_html_markdown(&b, s, strlen(s)), 0);
	return b.ptr ? yoi_buf_detach(&b) : strdup("");
}

Test(html, escape_every_special_character)
{
	char *s = esc("a<b>&\"c'd");
	cr_assert_str_eq(s, "a&lt;b&gt;&amp;&quot;c&#39;d");
	free(s);
	s = esc("");
	cr_assert_str_eq(s, "");
	free(s);
	s = esc("plain text, 日本語");
	cr_assert_str_eq(s, "plain text, 日本語");
	free(s);
}

Test(html, markdown_renders_structure)
{
	char *s =
	    md("# Title\n\nSome *emphasis* and `code`.\n\n- one\n- two\n");
	cr_assert(strstr(s, "<h1>Title</h1>"), "%s", s);
	cr_assert(strstr(s, "<em>emphasis</em>"), "%s", s);
	cr_assert(strstr(s, "<code>code</code>"), "%s", s);
	cr_assert(strstr(s, "<li>one</li>"), "%s", s);
	free(s);
}

Test(html, raw_html_blocks_and_inlines_become_text)
{
	char *s =
	    md("<script>alert(1)</script>\n\nok <img src=x onerror=alert(2)> "
	       "<b>bold</b>\n");
	cr_assert_null(strstr(s, "<script"), "%s", s);
	cr_assert_null(strstr(s, "<img"), "%s", s);
	cr_assert_null(strstr(s, "<b>"), "%s", s);
	cr_assert(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", s);
	cr_assert(strstr(s, "&lt;img src=x onerror=alert(2)&gt;"), "%s", s);
	cr_assert(strstr(s, "&lt;b&gt;bold&lt;/b&gt;"), "%s", s);
	free(s);
}

Test(html, links_and_images_never_leave_the_site)
{
	char *s =
	    md("[click](javascript:alert(1)) and [site](https://example.org) "
	       "and ![alt text](http://x/y.png) and <https://auto.link>\n");
	cr_assert_null(strstr(s, "<a "), "%s", s);
	cr_assert_null(strstr(s, "<img"), "%s", s);
	cr_assert(strstr(s, "click"), "%s", s);
	cr_assert(strstr(s, "https://example.org"), "%s", s);
	cr_assert(strstr(s, "alt text"), "%s", s);
	cr_assert(strstr(s, "http://x/y.png"), "%s", s);
	cr_assert(strstr(s, "https://auto.link"), "%s", s);
	free(s);
}

Test(html, nested_links_images_and_html_inside_links)
{
	char *s = md("[![inner](http://i/img.png) <i>x</i>](http://outer)\n");
	cr_assert_null(strstr(s, "<a "), "%s", s);
	cr_assert_null(strstr(s, "<img"), "%s", s);
	cr_assert_null(strstr(s, "<i>"), "%s", s);
	cr_assert(strstr(s, "inner"), "%s", s);
	cr_assert(strstr(s, "http://outer"), "%s", s);
	free(s);
}

Test(html, invalid_utf8_and_empty_input)
{
	const char bad[] = "ok \xff\xfe end\n";
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_html_markdown(&b, bad, sizeof(bad) - 1), 0);
	cr_assert(yoi_utf8_valid(b.ptr, b.len), "output is UTF-8: %s", b.ptr);
	cr_assert(strstr(b.ptr, "ok "), "%s", b.ptr);
	yoi_buf_free(&b);
	cr_assert_eq(yoi_html_markdown(&b, NULL, 0), 0);
	cr_assert_eq(b.len, 0);
	yoi_buf_free(&b);
}
