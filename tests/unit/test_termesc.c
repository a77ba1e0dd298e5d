/* Unit tests: termesc, ticket text made unable to drive a terminal. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/termesc.h"

static char *escn(const char *s, size_t len, unsigned flags)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_termesc(&b, s, len, flags), 0);
	char *r = b.ptr ? yoi_buf_detach(&b) : strdup("");
	cr_assert_eq(yoi_termesc_needed(s, len, flags),
		     strcmp(r, s) != 0 || strlen(s) != len,
		     "needed() agrees with the escaping of \"%s\"", r);
	return r;
}

static void body_is(const char *s, const char *want)
{
	char *r = escn(s, strlen(s), 0);
	cr_assert_str_eq(r, want);
	free(r);
}

static void line_is(const char *s, const char *want)
{
	char *r = escn(s, strlen(s), YOI_TERMESC_LINE);
	cr_assert_str_eq(r, want);
	free(r);
}

Test(termesc, plain_text_and_utf8_unchanged)
{
	const char *s = "Fix the parser: ä ö ü, 日本語, € and 🎉 (U+1F389)";
	body_is(s, s);
	line_is(s, s);
	body_is("", "");
	/* The highest code point and the last one before the C1 range. */
	body_is("\xF4\x8F\xBF\xBF \x7E \xC2\xA0",
		"\xF4\x8F\xBF\xBF ~ \xC2\xA0");
	/* Backslashes are text: not doubled. */
	body_is("C:\\path \\x1b", "C:\\path \\x1b");
}

Test(termesc, escape_sequences_made_visible)
{
	/* OSC (set the window title) and CSI (clear the screen). */
	body_is("a\x1b]0;pwned\x07z", "a\\x1b]0;pwned\\x07z");
	body_is("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred");
	line_is("\x1b[2J", "\\x1b[2J");
}

Test(termesc, every_c0_control_and_del)
{
	for (int c = 0; c < 0x20; c++) {
		char in[4] = {'a', (char)c, 'b', 0};
		size_t len = 3;
		char want[16];
		if (c == '\n' || c == '\t')
			snprintf(want, sizeof(want), "a%cb", c);
		else if (c == '\r')
			snprintf(want, sizeof(want), "a\\rb");
		else
			snprintf(want, sizeof(want), "a\\x%02xb", c);
		char *r = escn(in, len, 0);
		cr_assert_str_eq(r, want, "byte 0x%02x in a body", c);
		free(r);
		if (c == '\n')
			snprintf(want, sizeof(want), "a\\nb");
		else if (c == '\t')
			snprintf(want, sizeof(want), "a\\tb");
		r = escn(in, len, YOI_TERMESC_LINE);
		cr_assert_str_eq(r, want, "byte 0x%02x in a line", c);
		free(r);
	}
	body_is("a\x7f"
		"b",
		"a\\x7fb");
	line_is("a\x7f"
		"b",
		"a\\x7fb");
	body_is("\b\b\bok", "\\x08\\x08\\x08ok");
}

Test(termesc, crlf_line_ends_kept_in_bodies_only)
{
	body_is("one\r\ntwo\r\n", "one\r\ntwo\r\n");
	/* A CR that is not a line end moves the cursor back: visible. */
	body_is("safe\rEVIL\n", "safe\\rEVIL\n");
	body_is("end\r", "end\\r");
	line_is("one\r\ntwo", "one\\r\\ntwo");
}

Test(termesc, c1_controls)
{
	/* U+0080..U+009F encoded in UTF-8: CSI is U+009B. */
	body_is("a\xC2\x9B"
		"2Jb",
		"a\\u009b2Jb");
	body_is("\xC2\x80\xC2\x9F", "\\u0080\\u009f");
	line_is("\xC2\x85", "\\u0085");
	/* U+00A0 is the first code point after them. */
	body_is("\xC2\xA0", "\xC2\xA0");
}

Test(termesc, invalid_utf8_bytes)
{
	/* A raw C1 byte (8-bit CSI), a stray continuation byte. */
	body_is("a\x9b"
		"2J",
		"a\\x9b2J");
	body_is("\x80", "\\x80");
	/* Truncated sequences, at the end and before ASCII. */
	body_is("\xE6\x97", "\\xe6\\x97");
	body_is("\xE6\x97z", "\\xe6\\x97z");
	body_is("\xF0\x9F\x8E", "\\xf0\\x9f\\x8e");
	/* Overlong encodings (of ESC and of '/'), a surrogate, > U+10FFFF. */
	body_is("\xC0\x9B", "\\xc0\\x9b");
	body_is("\xE0\x80\xAF", "\\xe0\\x80\\xaf");
	body_is("\xED\xA0\x80", "\\xed\\xa0\\x80");
	body_is("\xF4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	body_is("\xFF\xFE", "\\xff\\xfe");
	/* A valid sequence right after an invalid byte is kept whole. */
	body_is("\xFF\xC3\xA4", "\\xff\xC3\xA4");
}

Test(termesc, nul_bytes_inside_the_buffer)
{
	char *r = escn("a\0b", 3, 0);
	cr_assert_str_eq(r, "a\\x00b");
	free(r);
}

Test(termesc, appends_to_out)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "title: "), 0);
	cr_assert_eq(yoi_termesc(&b,
				 "x\x1b"
				 "y",
				 3, YOI_TERMESC_LINE),
		     0);
	cr_assert_str_eq(b.ptr, "title: x\\x1by");
	yoi_buf_free(&b);
}

Test(termesc, dup)
{
	char *r = yoi_termesc_dup("multi\nline\x1b", YOI_TERMESC_LINE);
	cr_assert_str_eq(r, "multi\\nline\\x1b");
	free(r);
	r = yoi_termesc_dup("clean", 0);
	cr_assert_str_eq(r, "clean");
	free(r);
	r = yoi_termesc_dup(NULL, 0);
	cr_assert_null(r);
}
