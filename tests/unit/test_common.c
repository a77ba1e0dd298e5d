#include <criterion/criterion.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/diag.h"
#include "yoi/resource.h"

Test(common, buf_grows_and_formats)
{
	yoi_buf b = YOI_BUF_INIT;
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(yoi_buf_printf(&b, "%d,", i), 0);
	cr_assert(strncmp(b.ptr, "0,1,2,", 6) == 0);
	cr_assert_eq(b.len, strlen(b.ptr));
	char *p = yoi_buf_detach(&b);
	cr_assert_null(b.ptr);
	free(p);
}

Test(common, exit_status_table)
{
	cr_assert_eq(yoi_exit_status(YOI_OK), 0);
	cr_assert_eq(yoi_exit_status(YOI_EFOUND_ERRORS), 1);
	cr_assert_eq(yoi_exit_status(YOI_EUSAGE), 2);
	cr_assert_eq(yoi_exit_status(YOI_ENOTFOUND), 3);
	cr_assert_eq(yoi_exit_status(YOI_EREFUSED), 4);
	cr_assert_eq(yoi_exit_status(YOI_EBUSY), 5);
	cr_assert_eq(yoi_exit_status(YOI_EIO), 6);
	cr_assert_eq(yoi_exit_status(YOI_ECORRUPT), 7);
	cr_assert_eq(yoi_exit_status(YOI_ENOMEM), 6);
}

Test(common, time_round_trip)
{
	char out[YOI_TIME_LEN + 1];
	yoi_time_format(1780000000, out);
	int64_t t;
	cr_assert_eq(yoi_time_parse(out, &t), 0);
	cr_assert_eq(t, 1780000000);
	cr_assert_eq(yoi_time_parse("2026-06-18T14:33:09Z", &t), 0);
	yoi_time_format(t, out);
	cr_assert_str_eq(out, "2026-06-18T14:33:09Z");
	cr_assert_eq(yoi_time_parse("2026-06-18T16:33:09+02:00", &t), 0);
	yoi_time_format(t, out);
	cr_assert_str_eq(out, "2026-06-18T14:33:09Z");
}

Test(common, time_rejects_malformed)
{
	int64_t t;
	const char *bad[] = {"",
			     "2026-06-18",
			     "2026-13-01T00:00:00Z",
			     "2026-02-30T00:00:00Z",
			     "2025-02-29T00:00:00Z",
			     "2026-06-18 14:33:09Z",
			     "2026-06-18T14:33:09",
			     "2026-06-18T24:00:00Z",
			     "2026-06-18T14:33:09Zx"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_neq(yoi_time_parse(bad[i], &t), 0, "%s", bad[i]);
}

Test(common, utf8_validation)
{
	cr_assert(yoi_utf8_valid("plain", 5));
	cr_assert(yoi_utf8_valid("\xe8\x83\x8c\xe6\x99\xaf", 6));
	cr_assert_not(yoi_utf8_valid("\xff", 1));
	cr_assert_not(yoi_utf8_valid("\xc0\xaf", 2));	  /* overlong */
	cr_assert_not(yoi_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	cr_assert_not(yoi_utf8_valid("\xe8\x83", 2));	  /* truncated */
}

Test(diag, add_count_sort)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_diag_add(&d, YOI_DIAG_WARNING, "b", "z/item.md", 3, "w %d", 1);
	yoi_diag_add(&d, YOI_DIAG_ERROR, "a", "a/item.md", 9, "e");
	cr_assert_eq(yoi_diag_count(&d, YOI_DIAG_ERROR), 1);
	cr_assert_eq(yoi_diag_count(&d, YOI_DIAG_WARNING), 1);
	yoi_diag_sort(&d);
	cr_assert_str_eq(d.v[0].path, "a/item.md");
	cr_assert_eq(yoi_diag_find(&d, "b"), 1);
	cr_assert_eq(yoi_diag_find(&d, "nope"), -1);
	yoi_diag_free(&d);
}

Test(resource, embedded_texts_by_language)
{
	cr_assert_not_null(yoi_resource_get("ticket/body-en.md"));
	yoi_texts en, ja;
	cr_assert_eq(yoi_texts_load(&en, YOI_LANG_EN), 0);
	cr_assert_eq(yoi_texts_load(&ja, YOI_LANG_JA), 0);
	cr_assert_str_eq(yoi_texts_get(&en, "created"), "Ticket created.");
	cr_assert_str_neq(yoi_texts_get(&ja, "created"), "Ticket created.");
	cr_assert_str_eq(yoi_texts_get(&en, "no-such-key"), "no-such-key");
	yoi_texts_free(&en);
	yoi_texts_free(&ja);
}

Test(common, utf8_fast_path_finds_a_bad_byte_at_any_offset)
{
	char buf[40];
	for (size_t at = 0; at < sizeof(buf); at++) {
		memset(buf, 'a', sizeof(buf));
		cr_assert(yoi_utf8_valid(buf, sizeof(buf)));
		buf[at] = (char)0xff;
		cr_assert_not(yoi_utf8_valid(buf, sizeof(buf)), "at %zu", at);
		/* a valid 2-byte sequence there is fine */
		if (at + 1 < sizeof(buf)) {
			buf[at] = (char)0xc3;
			buf[at + 1] = (char)0xa9;
			cr_assert(yoi_utf8_valid(buf, sizeof(buf)), "at %zu",
				  at);
			/* ...unless cut off by the length */
			cr_assert_not(yoi_utf8_valid(buf, at + 1), "at %zu",
				      at);
		}
	}
}

Test(common, a_grown_but_empty_buffer_is_an_empty_string)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_grow(&b, 100), 0);
	cr_assert_str_eq(b.ptr, "");
	char *s = yoi_buf_detach(&b);
	cr_assert_str_eq(s, "");
	free(s);
}

/* Out of memory is sticky: later appends fail and change nothing, and the
 * buffer is checked once. */
Test(common, buf_out_of_memory_is_sticky)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "abc"), 0);
	cr_assert_not(yoi_buf_oom(&b));
	cr_assert_eq(yoi_buf_grow(&b, SIZE_MAX - 2), YOI_ENOMEM);
	cr_assert(yoi_buf_oom(&b));
	cr_assert_eq(yoi_buf_puts(&b, "def"), YOI_ENOMEM);
	cr_assert_eq(yoi_buf_printf(&b, "%d", 42), YOI_ENOMEM);
	cr_assert_eq(yoi_buf_putc(&b, 'x'), YOI_ENOMEM);
	cr_assert_eq(b.len, 3);
	cr_assert_str_eq(b.ptr, "abc");
	cr_assert_null(yoi_buf_detach(&b), "a failed buffer is not handed out");
	cr_assert_null(b.ptr);
	/* Cleared (or freed), it starts afresh. */
	cr_assert_eq(yoi_buf_grow(&b, SIZE_MAX), YOI_ENOMEM);
	yoi_buf_clear(&b);
	cr_assert_not(yoi_buf_oom(&b));
	cr_assert_eq(yoi_buf_puts(&b, "ok"), 0);
	char *s = yoi_buf_detach(&b);
	cr_assert_str_eq(s, "ok");
	free(s);
}

Test(common, grow_doubles_from_min_and_keeps_elements)
{
	int *v = NULL;
	size_t n = 0, cap = 0;
	for (int i = 0; i < 1000; i++) {
		cr_assert_eq(YOI_GROW(v, n, cap, 4), 0);
		cr_assert_gt(cap, n);
		v[n++] = i;
	}
	cr_assert_eq(cap, 1024, "4 doubled to 1024, got %zu", cap);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(v[i], i);
	/* A size that would overflow is refused, the array untouched. */
	size_t big = SIZE_MAX / 2 + 1, bn = big;
	int *keep = v;
	cr_assert_eq(yoi_grow(&v, bn, &big, sizeof(int), 4), YOI_ENOMEM);
	cr_assert_eq(v, keep);
	free(v);
}

Test(common, strv_find_sorted)
{
	yoi_strv sv = {0};
	cr_assert_eq(yoi_strv_find_sorted(&sv, "a"), -1);
	const char *words[] = {"pear", "apple", "fig", "kiwi", "banana"};
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(yoi_strv_push(&sv, words[i]), 0);
	yoi_strv_sort(&sv);
	for (size_t i = 0; i < 5; i++) {
		long k = yoi_strv_find_sorted(&sv, words[i]);
		cr_assert_geq(k, 0);
		cr_assert_str_eq(sv.v[k], words[i]);
	}
	cr_assert_eq(yoi_strv_find_sorted(&sv, "grape"), -1);
	cr_assert_eq(yoi_strv_find_sorted(&sv, "zzz"), -1);
	yoi_strv_free(&sv);
}

static int vset_twice(yoi_error *err, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vset(err, YOI_ECORRUPT, "a/item.md", line, fmt, ap);
	va_end(ap);
	return rc;
}

Test(common, error_vset_fills_like_error_set)
{
	yoi_error e = {0}, want = {0};
	cr_assert_eq(vset_twice(&e, 3, "bad %s at %d", "key", 7), YOI_ECORRUPT);
	yoi_error_set(&want, YOI_ECORRUPT, "a/item.md", 3, "bad %s at %d",
		      "key", 7);
	cr_assert_eq(memcmp(&e, &want, sizeof(e)), 0);
	cr_assert_str_eq(e.msg, "bad key at 7");
	cr_assert_eq(vset_twice(NULL, 1, "x"), YOI_ECORRUPT);
}

Test(common, error_at_names_the_file_when_there_is_no_line)
{
	yoi_error e = {0};
	char t[YOI_ERRTEXT_MAX];
	cr_assert_eq(yoi_error_at(&e, YOI_EREFUSED, "t/thread.md", 0,
				  "too big (%d bytes)", 9),
		     YOI_EREFUSED);
	cr_assert_eq(e.line, 0);
	cr_assert_str_eq(e.path, "t/thread.md");
	cr_assert_str_eq(e.msg, "t/thread.md: too big (9 bytes)");
	cr_assert_str_eq(yoi_error_text(&e, t, sizeof(t)),
			 "t/thread.md: too big (9 bytes)");
	cr_assert_eq(yoi_error_at(&e, YOI_ECORRUPT, "t/thread.md", 4, "bad"),
		     YOI_ECORRUPT);
	cr_assert_eq(e.line, 4);
	cr_assert_str_eq(e.msg, "bad");
	cr_assert_str_eq(yoi_error_text(&e, t, sizeof(t)),
			 "t/thread.md:4: bad");
	cr_assert_eq(yoi_error_at(NULL, YOI_EIO, "p", 0, "x"), YOI_EIO);
}

struct keyed {
	int n;
	char id[8];
};

Test(common, bsearch_str_finds_by_member)
{
	struct keyed v[] = {{1, "AA"}, {2, "BB"}, {3, "CC"}, {4, "DD"}};
	size_t off = offsetof(struct keyed, id);
	cr_assert_eq(yoi_bsearch_str(v, 4, sizeof(*v), off, "AA"), 0);
	cr_assert_eq(yoi_bsearch_str(v, 4, sizeof(*v), off, "CC"), 2);
	cr_assert_eq(yoi_bsearch_str(v, 4, sizeof(*v), off, "DD"), 3);
	cr_assert_eq(yoi_bsearch_str(v, 4, sizeof(*v), off, "BC"), (size_t)-1);
	cr_assert_eq(yoi_bsearch_str(v, 4, sizeof(*v), off, "ZZ"), (size_t)-1);
	cr_assert_eq(yoi_bsearch_str(v, 0, sizeof(*v), off, "AA"), (size_t)-1);
	cr_assert_eq(yoi_bsearch_str(NULL, 0, sizeof(*v), off, "AA"),
		     (size_t)-1);
}

Test(common, str_index_finds_the_position_or_n)
{
	static const char *const names[] = {"before", "after", "blocks"};
	cr_assert_eq(yoi_str_index(names, 3, "before"), 0);
	cr_assert_eq(yoi_str_index(names, 3, "blocks"), 2);
	cr_assert_eq(yoi_str_index(names, 3, "block"), 3);
	cr_assert_eq(yoi_str_index(names, 3, NULL), 3);
	cr_assert_eq(yoi_str_index(names, 0, "before"), 0);
}

Test(common, line_at_counts_the_breaks_before_an_offset)
{
	const char *s = "a\nbb\n\nc";
	cr_assert_eq(yoi_line_at(s, 0), 1);
	cr_assert_eq(yoi_line_at(s, 1), 1);
	cr_assert_eq(yoi_line_at(s, 2), 2);
	cr_assert_eq(yoi_line_at(s, 5), 3);
	cr_assert_eq(yoi_line_at(s, 6), 4);
	cr_assert_eq(yoi_line_at(s, strlen(s)), 4);
	cr_assert_eq(yoi_line_at(NULL, 0), 1);
}
