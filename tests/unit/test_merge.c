#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../merge_tri.h"
#include "yoi/common.h"
#include "yoi/item.h"
#include "yoi/merge.h"
#include "yoi/relations.h"

/* ---- helpers ------------------------------------------------------------ */

static yoi_merge_side side(const char *s)
{
	return (yoi_merge_side){s, strlen(s)};
}

/* A merge's outcome: rc, the merged text and the reason (owned). */
typedef struct res {
	int rc;
	char *out;
	char *why;
} res;

static void res_free(res *r)
{
	free(r->out);
	free(r->why);
}

static res finish(int rc, yoi_buf *out, yoi_buf *why)
{
	res r = {rc, yoi_buf_detach(out), yoi_buf_detach(why)};
	cr_assert_not_null(r.out);
	cr_assert_not_null(r.why);
	return r;
}

static res thread3(const char *o, const char *a, const char *b)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = m_thread(&out, side(o), side(a), side(b), &why);
	return finish(rc, &out, &why);
}

static res plan3(const char *o, const char *a, const char *b)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = m_plan(&out, side(o), side(a), side(b), &why);
	return finish(rc, &out, &why);
}

static res rel3(const char *o, const char *a, const char *b, const char *owner)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = m_relations(&out, side(o), side(a), side(b), owner, &why);
	return finish(rc, &out, &why);
}

static res item3(const char *o, const char *a, const char *b, const char *state)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int rc = m_item(&out, side(o), side(a), side(b), state, &why);
	return finish(rc, &out, &why);
}

static void expect_clean(res r, const char *want)
{
	cr_assert_eq(r.rc, 0, "merge failed (%d): %s", r.rc, r.why);
	cr_assert_str_eq(r.out, want);
	cr_assert_str_eq(r.why, "");
	res_free(&r);
}

/* A conflict whose reason holds every fragment given (NULL-terminated). */
static void expect_conflict(res r, const char *frag, const char *frag2)
{
	cr_assert_eq(r.rc, MERGE_CONFLICT, "rc %d, out:\n%s", r.rc, r.out);
	cr_assert_not_null(strstr(r.why, frag), "why '%s' lacks '%s'", r.why,
			   frag);
	if (frag2)
		cr_assert_not_null(strstr(r.why, frag2), "why '%s' lacks '%s'",
				   r.why, frag2);
	cr_assert_null(strchr(r.why, '\n'), "why is not one line: %s", r.why);
	res_free(&r);
}

static char *cat(const char *x, const char *y)
{
	char *s = yoi_sprintf("%s%s", x, y);
	cr_assert_not_null(s);
	return s;
}

static char *cat3(const char *x, const char *y, const char *z)
{
	char *s = yoi_sprintf("%s%s%s", x, y, z);
	cr_assert_not_null(s);
	return s;
}

/* Every "\n" as "\r\n". */
static char *crlf(const char *s)
{
	yoi_buf b = YOI_BUF_INIT;
	for (const char *p = s; *p; p++)
		cr_assert_eq(*p == '\n' ? yoi_buf_put(&b, "\r\n", 2)
					: yoi_buf_putc(&b, *p),
			     0);
	char *r = yoi_buf_detach(&b);
	cr_assert_not_null(r);
	return r;
}

/* s with the first occurrence of from replaced by to (must occur). */
static char *repl(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	cr_assert_not_null(p, "'%s' not in:\n%s", from, s);
	char *r =
	    yoi_sprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	cr_assert_not_null(r);
	return r;
}

/* ---- yoi_merge_kind_of ------------------------------------------------ */

Test(merge, kind_of_paths)
{
	cr_assert_eq(yoi_merge_kind_of(".yoi/tickets/00001M86CH3M0/thread.md"),
		     YOI_MERGE_KIND_THREAD);
	cr_assert_eq(yoi_merge_kind_of(".yoi/tickets/00001M86CH3M0/item.md"),
		     YOI_MERGE_KIND_ITEM);
	cr_assert_eq(yoi_merge_kind_of(
			 ".yoi/tickets/00001M86CH3M0/artifacts/relations.json"),
		     YOI_MERGE_KIND_RELATIONS);
	cr_assert_eq(yoi_merge_kind_of(".yoi/tickets/00001M86CH3M0/artifacts/"
				       "orchestration-plan.jsonl"),
		     YOI_MERGE_KIND_PLAN);
	cr_assert_eq(yoi_merge_kind_of("thread.md"), YOI_MERGE_KIND_THREAD);
	cr_assert_eq(yoi_merge_kind_of("README.md"), YOI_MERGE_KIND_TEXT);
	cr_assert_eq(
	    yoi_merge_kind_of(".yoi/tickets/00001M86CH3M0/resolution.md"),
	    YOI_MERGE_KIND_TEXT);
	cr_assert_eq(yoi_merge_kind_of("docs/thread.md.orig"),
		     YOI_MERGE_KIND_TEXT);
	cr_assert_eq(yoi_merge_kind_of("mythread.md"), YOI_MERGE_KIND_TEXT);
	cr_assert_eq(yoi_merge_kind_of("thread.md/"), YOI_MERGE_KIND_TEXT);
	cr_assert_eq(yoi_merge_kind_of(""), YOI_MERGE_KIND_TEXT);
	cr_assert_eq(yoi_merge_kind_of(NULL), YOI_MERGE_KIND_TEXT);
}

/* ---- yoi_merge_text ----------------------------------------------------- */

Test(merge, text_clean)
{
	yoi_buf out = YOI_BUF_INIT;
	int rc = m_text(&out, side("a\nb\nc\nd\ne\n"), side("A\nb\nc\nd\ne\n"),
			side("a\nb\nc\nd\nE\n"), NULL);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(out.ptr, "A\nb\nc\nd\nE\n");
	yoi_buf_free(&out);
}

Test(merge, text_conflict_markers_default_labels)
{
	yoi_buf out = YOI_BUF_INIT;
	int rc = m_text(&out, side("a\nb\nc\n"), side("a\nX\nc\n"),
			side("a\nY\nc\n"), NULL);
	cr_assert_eq(rc, MERGE_CONFLICT);
	cr_assert_not_null(strstr(out.ptr, "<<<<<<< ours\nX\n=======\nY\n"
					   ">>>>>>> theirs\n"),
			   "%s", out.ptr);
	cr_assert_eq(strncmp(out.ptr, "a\n", 2), 0);
	yoi_buf_free(&out);
}

Test(merge, text_conflict_custom_labels)
{
	yoi_buf out = YOI_BUF_INIT;
	const char *const labels[3] = {NULL, "HEAD", "feature"};
	int rc = m_text(&out, side("a\n"), side("x\n"), side("y\n"), labels);
	cr_assert_eq(rc, MERGE_CONFLICT);
	cr_assert_not_null(strstr(out.ptr, "<<<<<<< HEAD\n"), "%s", out.ptr);
	cr_assert_not_null(strstr(out.ptr, ">>>>>>> feature\n"), "%s", out.ptr);
	yoi_buf_free(&out);
}

Test(merge, text_appends_to_out_and_handles_empty_sides)
{
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&out, "keep:"), 0);
	int rc = m_text(&out, side(""), side("new\n"), side(""), NULL);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(out.ptr, "keep:new\n");
	yoi_buf_free(&out);
	yoi_merge_side none = {NULL, 0};
	rc = m_text(&out, none, none, none, NULL);
	cr_assert_eq(rc, 0);
	cr_assert_eq(out.len, 0);
	yoi_buf_free(&out);
}

/* ---- thread.md ---------------------------------------------------------- */

#define EV(at, body)                                                           \
	"<!-- event: comment author: alice at: " at                            \
	" -->\n\n## Comment\n\n" body "\n\n---\n"

/* 7 lines: appended events start on line 8. */
#define T0 EV("2026-06-01T10:00:00Z", "created")
#define A1 EV("2026-06-01T10:01:00Z", "ours one")
#define A3 EV("2026-06-01T10:03:00Z", "ours three")
#define B2 EV("2026-06-01T10:02:00Z", "theirs two")
#define B4 EV("2026-06-01T10:04:00Z", "theirs four")

Test(merge, thread_trivial_cases)
{
	char *x = cat(T0, A1);
	expect_clean(thread3(T0, T0, x), x);
	expect_clean(thread3(T0, x, T0), x);
	expect_clean(thread3(T0, x, x), x);
	/* A side that is not even an extension still merges trivially. */
	expect_clean(thread3(T0, T0, "garbage"), "garbage");
	free(x);
}

Test(merge, thread_both_append_interleaved_by_at)
{
	char *a = cat3(T0, A1, A3);
	char *b = cat3(T0, B2, B4);
	char *want = yoi_sprintf("%s%s%s%s%s", T0, A1, B2, A3, B4);
	expect_clean(thread3(T0, a, b), want);
	/* Swapped sides: the same order, `at` decides. */
	expect_clean(thread3(T0, b, a), want);
	free(a);
	free(b);
	free(want);
}

Test(merge, thread_equal_at_ours_first)
{
	const char *x = EV("2026-06-01T10:05:00Z", "from ours");
	const char *y = EV("2026-06-01T10:05:00Z", "from theirs");
	char *a = cat(T0, x), *b = cat(T0, y);
	char *want = cat3(T0, x, y);
	expect_clean(thread3(T0, a, b), want);
	free(want);
	want = cat3(T0, y, x);
	expect_clean(thread3(T0, b, a), want);
	free(a);
	free(b);
	free(want);
}

Test(merge, thread_stable_merge_keeps_each_sides_order)
{
	/* Ours appended out of `at` order: its own order stays. */
	char *a = cat3(T0, A3, A1);
	char *b = cat(T0, B2);
	char *want = yoi_sprintf("%s%s%s%s", T0, B2, A3, A1);
	expect_clean(thread3(T0, a, b), want);
	free(a);
	free(b);
	free(want);
}

Test(merge, thread_identical_blocks_kept_once)
{
	char *a = yoi_sprintf("%s%s%s", T0, A1, A3);
	char *b = yoi_sprintf("%s%s%s", T0, A1, B2);
	char *want = yoi_sprintf("%s%s%s%s", T0, A1, B2, A3);
	expect_clean(thread3(T0, a, b), want);
	free(a);
	free(b);
	free(want);
	/* Both appended the same two blocks plus one of their own. */
	a = yoi_sprintf("%s%s%s%s", T0, A1, B2, A3);
	b = yoi_sprintf("%s%s%s%s", T0, A1, B2, B4);
	want = yoi_sprintf("%s%s%s%s%s", T0, A1, B2, A3, B4);
	expect_clean(thread3(T0, a, b), want);
	free(a);
	free(b);
	free(want);
}

Test(merge, thread_identical_block_after_different_blank_lines)
{
	/* Identity is the block itself, not the blank lines before it. */
	char *a = cat3(T0, "\n", A1);
	char *b = cat3(T0, A1, B2);
	char *want = yoi_sprintf("%s\n%s%s", T0, A1, B2);
	expect_clean(thread3(T0, a, b), want);
	free(a);
	free(b);
	free(want);
}

Test(merge, thread_side_rewrote_base_conflicts)
{
	char *edited = repl(T0, "created", "CREATED");
	char *a = cat(edited, A1);
	char *b = cat(T0, B2);
	expect_conflict(thread3(T0, a, b), "ours changes the base at line 5",
			"append-only");
	expect_conflict(thread3(T0, b, a), "theirs changes the base at line 5",
			NULL);
	free(edited);
	free(a);
	free(b);
}

Test(merge, thread_side_truncated_base_conflicts)
{
	char *o = cat(T0, A1);
	char *b = cat3(T0, A1, B2);
	expect_conflict(thread3(o, T0, b), "ours truncates the base at line 8",
			NULL);
	/* Truncated to nothing. */
	expect_conflict(thread3(o, b, ""),
			"theirs truncates the base at line 1", NULL);
	free(o);
	free(b);
}

Test(merge, thread_side_edited_middle_event_conflicts)
{
	char *o = cat3(T0, A1, A3);
	char *a = yoi_sprintf("%s%s%s%s", T0, A1, A3, B2);
	char *edited = repl(o, "ours three", "ours 3");
	char *b = cat(edited, B4);
	expect_conflict(thread3(o, a, b), "theirs changes the base at line 19",
			NULL);
	free(o);
	free(a);
	free(edited);
	free(b);
}

Test(merge, thread_malformed_appended_event_conflicts)
{
	char *a = cat(T0, A1);
	/* No author. */
	char *b = cat(T0, "<!-- event: comment at: 2026-06-01T10:02:00Z -->\n"
			  "\n## Comment\n\nx\n\n---\n");
	expect_conflict(thread3(T0, a, b), "theirs: line 8", "author");
	free(b);
	/* No closing "-->". */
	b = cat(T0, "<!-- event: comment author: bob at: "
		    "2026-06-01T10:02:00Z\n\n## Comment\n\nx\n\n---\n");
	expect_conflict(thread3(T0, a, b), "theirs: line 8", "malformed");
	free(b);
	/* Second appended event broken: its own line is named. */
	b = yoi_sprintf("%s%s%s", T0, B2,
			"<!-- event: comment author: \"bob at: x -->\n\nx\n\n"
			"---\n");
	expect_conflict(thread3(T0, a, b), "theirs: line 15", "malformed");
	free(b);
	/* An `at` that is not a time. */
	b = cat(T0, EV("yesterday", "x"));
	expect_conflict(thread3(T0, a, b), "theirs: line 8", "RFC 3339");
	free(b);
	free(a);
}

Test(merge, thread_text_outside_blocks_conflicts)
{
	char *b = cat(T0, B2);
	char *a = cat3(T0, "a stray line\n", A1);
	expect_conflict(thread3(T0, a, b), "ours: line 8",
			"outside an event block");
	free(a);
	/* Text after an appended block's closing '---'. */
	a = cat3(T0, A1, "trailing words\n");
	expect_conflict(thread3(T0, a, b), "ours: line 15",
			"outside an event block");
	free(a);
	/* An appended block without its closing '---' is not whole. */
	a = cat(T0, "<!-- event: comment author: alice at: "
		    "2026-06-01T10:01:00Z -->\n\n## Comment\n\nunfinished\n");
	expect_conflict(thread3(T0, a, b), "ours: line 8", "'---'");
	free(a);
	/* Only blank lines appended: fine. */
	a = cat(T0, "\n\n");
	char *want = cat3(T0, "\n\n", B2);
	expect_clean(thread3(T0, a, b), want);
	free(want);
	free(a);
	free(b);
}

Test(merge, thread_binary_appended_conflicts)
{
	char *a = cat(T0, A1);
	char *b = cat(T0, EV("2026-06-01T10:02:00Z", "bad \xff byte"));
	expect_conflict(thread3(T0, a, b), "theirs: line", "UTF-8");
	free(a);
	free(b);
}

Test(merge, thread_crlf)
{
	char *o = crlf(T0);
	char *a = crlf(A1 A3);
	char *b = crlf(B2);
	char *sa = cat(o, a), *sb = cat(o, b);
	char *want = crlf(T0 A1 B2 A3);
	expect_clean(thread3(o, sa, sb), want);
	free(o);
	free(a);
	free(b);
	free(sa);
	free(sb);
	free(want);
}

Test(merge, thread_appended_block_without_final_newline)
{
	char *a1 = yoi_sprintf("%.*s", (int)strlen(A1) - 1, A1);
	char *a = cat(T0, a1);
	char *b = cat(T0, B2);
	/* The ours block comes first and gets a line break before theirs. */
	char *want = yoi_sprintf("%s%s\n%s", T0, a1, B2);
	expect_clean(thread3(T0, a, b), want);
	free(want);
	/* Last in the merge: its bytes stay as they are. */
	char *b0 = cat(T0, EV("2026-06-01T09:00:00Z", "early"));
	want =
	    yoi_sprintf("%s%s%s", T0, EV("2026-06-01T09:00:00Z", "early"), a1);
	expect_clean(thread3(T0, a, b0), want);
	free(want);
	free(b0);
	free(a1);
	free(a);
	free(b);
}

Test(merge, thread_crlf_line_break_inserted_as_crlf)
{
	char *o = crlf(T0);
	char *a1 = crlf(A1);
	a1[strlen(a1) - 2] = '\0'; /* drop the final "\r\n" */
	char *b2 = crlf(B2);
	char *a = cat(o, a1), *b = cat(o, b2);
	char *want = yoi_sprintf("%s%s\r\n%s", o, a1, b2);
	expect_clean(thread3(o, a, b), want);
	free(o);
	free(a1);
	free(b2);
	free(a);
	free(b);
	free(want);
}

Test(merge, thread_base_without_trailing_newline)
{
	char *o = yoi_sprintf("%.*s", (int)strlen(T0) - 1, T0);
	char *a = cat3(o, "\n", A1);
	char *b = cat3(o, "\n", B2);
	char *want = yoi_sprintf("%s\n%s%s", o, A1, B2);
	expect_clean(thread3(o, a, b), want);
	free(want);
	free(b);
	/* A side that glues its event onto the base's last line. */
	b = cat(o, B2);
	expect_conflict(thread3(o, a, b),
			"theirs continues the base's last "
			"line 7",
			NULL);
	free(b);
	/* Sides that end the base's line differently. */
	b = cat3(o, "\r\n", B2);
	expect_conflict(thread3(o, a, b), "differently", NULL);
	free(b);
	free(a);
	free(o);
}

Test(merge, thread_empty_base_new_on_both_sides)
{
	char *a = cat(T0, A1);
	char *b = cat(T0, B2);
	char *want = cat3(T0, A1, B2);
	expect_clean(thread3("", a, b), want);
	free(want);
	free(a);
	free(b);
	/* Different first events: both kept, in `at` order. */
	a = cat(A3, A1);
	want = cat3(B2, A3, A1);
	expect_clean(thread3("", a, B2), want);
	free(want);
	free(a);
	/* A BOM on a new file stays in front. */
	a = cat("\xEF\xBB\xBF", A3);
	want = cat3("\xEF\xBB\xBF", B2, A3);
	expect_clean(thread3("", a, B2), want);
	free(want);
	free(a);
	/* A base that is only a BOM: appends start right after it. */
	a = cat("\xEF\xBB\xBF", A3);
	b = cat("\xEF\xBB\xBF", B2);
	want = cat3("\xEF\xBB\xBF", B2, A3);
	expect_clean(thread3("\xEF\xBB\xBF", a, b), want);
	free(want);
	free(a);
	free(b);
	/* NULL base pointer. */
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	yoi_merge_side none = {NULL, 0};
	cr_assert_eq(m_thread(&out, none, side(A1), side(B2), &why), 0);
	want = cat(A1, B2);
	cr_assert_str_eq(out.ptr, want);
	free(want);
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}

Test(merge, thread_out_is_appended_and_why_may_be_null)
{
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&out, ">"), 0);
	char *a = cat(T0, A1), *b = cat(T0, B2);
	cr_assert_eq(m_thread(&out, side(T0), side(a), side(b), NULL), 0);
	char *want = yoi_sprintf(">%s%s%s", T0, A1, B2);
	cr_assert_str_eq(out.ptr, want);
	free(want);
	yoi_buf_free(&out);
	cr_assert_eq(m_thread(&out, side(T0), side("x"), side(b), NULL),
		     MERGE_CONFLICT);
	yoi_buf_free(&out);
	free(a);
	free(b);
}

/* ---- orchestration-plan.jsonl ------------------------------------------ */

#define PL(n, at) "{\"id\":\"orch-plan-" n "\",\"at\":\"" at "\"}\n"
#define P0	  PL("0", "2026-06-01T10:00:00Z")
#define PA1	  PL("a1", "2026-06-01T10:01:00Z")
#define PA3	  PL("a3", "2026-06-01T10:03:00Z")
#define PB2	  PL("b2", "2026-06-01T10:02:00Z")
#define PB4	  PL("b4", "2026-06-01T10:04:00Z")

Test(merge, plan_trivial_cases)
{
	char *x = cat(P0, PA1);
	expect_clean(plan3(P0, P0, x), x);
	expect_clean(plan3(P0, x, P0), x);
	expect_clean(plan3(P0, x, x), x);
	free(x);
}

Test(merge, plan_both_append_interleaved_ties_ours_first)
{
	expect_clean(plan3(P0, P0 PA1 PA3, P0 PB2 PB4), P0 PA1 PB2 PA3 PB4);
	expect_clean(plan3(P0, P0 PB2 PB4, P0 PA1 PA3), P0 PA1 PB2 PA3 PB4);
	const char *x = PL("x", "2026-06-01T10:05:00Z");
	const char *y = PL("y", "2026-06-01T10:05:00Z");
	char *a = cat(P0, x), *b = cat(P0, y);
	char *want = cat3(P0, x, y);
	expect_clean(plan3(P0, a, b), want);
	free(want);
	want = cat3(P0, y, x);
	expect_clean(plan3(P0, b, a), want);
	free(want);
	free(a);
	free(b);
}

Test(merge, plan_at_in_other_forms_orders_by_time)
{
	/* 11:00+02:00 is 09:00Z: before 10:02Z. */
	const char *x = PL("x", "2026-06-01T11:00:00+02:00");
	char *a = cat(P0, x);
	char *want = yoi_sprintf("%s%s%s", P0, x, PB2);
	expect_clean(plan3(P0, a, P0 PB2), want);
	free(want);
	free(a);
}

Test(merge, plan_identical_lines_once)
{
	expect_clean(plan3(P0, P0 PA1 PA3, P0 PA1 PB2), P0 PA1 PB2 PA3);
}

Test(merge, plan_same_id_on_both_sides_is_renumbered)
{
	/* Each side made record -1 of the same ticket in the same second. */
	const char *x = "{\"id\":\"orch-plan-20260601-100500-1\",\"note\":"
			"\"ours\",\"at\":\"2026-06-01T10:05:00Z\"}\n";
	const char *y = "{\"id\":\"orch-plan-20260601-100500-1\",\"note\":"
			"\"theirs\",\"at\":\"2026-06-01T10:05:00Z\"}\n";
	const char *y2 = "{\"id\":\"orch-plan-20260601-100500-2\",\"note\":"
			 "\"theirs\",\"at\":\"2026-06-01T10:05:00Z\"}\n";
	char *a = cat(P0, x), *b = cat(P0, y);
	char *want = cat3(P0, x, y2);
	expect_clean(plan3(P0, a, b), want);
	free(want);
	free(a);
	free(b);
	/* -2 is taken on theirs already: the duplicate gets -3. */
	const char *z2 = "{\"id\":\"orch-plan-20260601-100500-2\",\"at\":"
			 "\"2026-06-01T10:05:00Z\"}\n";
	const char *y3 = "{\"id\":\"orch-plan-20260601-100500-3\",\"note\":"
			 "\"theirs\",\"at\":\"2026-06-01T10:05:00Z\"}\n";
	a = cat(P0, x);
	b = cat3(P0, y, z2);
	want = yoi_sprintf("%s%s%s%s", P0, x, y3, z2);
	expect_clean(plan3(P0, a, b), want);
	free(want);
	free(a);
	free(b);
}

Test(merge, plan_side_rewrote_or_truncated_base_conflicts)
{
	expect_conflict(
	    plan3(P0 PA1, P0 PL("a1", "2026-06-01T10:09:00Z"), P0 PA1 PB2),
	    "ours changes the base at line 2", "orchestration-plan.jsonl");
	expect_conflict(plan3(P0 PA1, P0 PA1 PB2, P0),
			"theirs truncates the base at line 2", NULL);
}

Test(merge, plan_bad_appended_lines_conflict)
{
	expect_conflict(plan3(P0, P0 PA1, P0 "not json\n"), "theirs: line 2",
			"not JSON");
	expect_conflict(plan3(P0, P0 PA1, P0 PB2 "[1, 2]\n"), "theirs: line 3",
			"not a JSON object");
	expect_conflict(plan3(P0, P0 "{\"id\":\"x\"}\n", P0 PB2),
			"ours: line 2", "no string \"at\"");
	expect_conflict(plan3(P0, P0 "{\"at\":12}\n", P0 PB2), "ours: line 2",
			"no string \"at\"");
	expect_conflict(plan3(P0, P0 PL("x", "soon"), P0 PB2), "ours: line 2",
			"RFC 3339");
	expect_conflict(plan3(P0,
			      P0 "{\"at\":\"2026-06-01T10:00:00Z\","
				 "\"at\":\"2026-06-01T10:00:00Z\"}\n",
			      P0 PB2),
			"ours: line 2", "duplicate");
}

Test(merge, plan_blank_lines_and_crlf)
{
	/* Blank lines travel with the record after them. */
	expect_clean(plan3(P0, P0 "\n" PA3, P0 PB2), P0 PB2 "\n" PA3);
	/* Trailing blank lines stay with the last record. */
	expect_clean(plan3(P0, P0 PA3 "\n", P0 PB2), P0 PB2 PA3 "\n");
	char *o = crlf(P0), *a = crlf(P0 PA1 PA3), *b = crlf(P0 PB2);
	char *want = crlf(P0 PA1 PB2 PA3);
	expect_clean(plan3(o, a, b), want);
	free(o);
	free(a);
	free(b);
	free(want);
}

Test(merge, plan_base_without_trailing_newline_and_empty_base)
{
	const char *o = "{\"id\":\"0\",\"at\":\"2026-06-01T10:00:00Z\"}";
	char *a = cat3(o, "\n", PA1), *b = cat3(o, "\n", PB2);
	char *want = yoi_sprintf("%s\n%s%s", o, PA1, PB2);
	expect_clean(plan3(o, a, b), want);
	free(want);
	free(b);
	b = cat(o, PB2);
	expect_conflict(plan3(o, a, b),
			"theirs continues the base's last line 1", NULL);
	free(a);
	free(b);
	expect_clean(plan3("", PA3, PB2 PB4), PB2 PA3 PB4);
	expect_clean(plan3("", PA3, PA3 PB4), PA3 PB4);
}

Test(merge, plan_unterminated_last_line)
{
	const char *a1 = "{\"id\":\"a1\",\"at\":\"2026-06-01T10:01:00Z\"}";
	char *a = cat(P0, a1);
	char *want = yoi_sprintf("%s%s\n%s", P0, a1, PB2);
	expect_clean(plan3(P0, a, P0 PB2), want);
	free(want);
	free(a);
}

Test(merge, plan_lines_without_id)
{
	/* No record has an "id": nothing to renumber (and no qsort of NULL). */
	const char *o = "{\"at\":\"2026-06-01T10:00:00Z\"}\n";
	const char *x = "{\"at\":\"2026-06-01T10:01:00Z\"}\n";
	const char *y = "{\"at\":\"2026-06-01T10:02:00Z\"}\n";
	char *a = cat(o, x), *b = cat(o, y);
	char *want = cat3(o, x, y);
	expect_clean(plan3(o, a, b), want);
	free(want);
	free(a);
	free(b);
}

/* ---- relations.json --------------------------------------------------------
 */

#define OWNER "00001M86CH3M0"
#define T1    "00001M86CH3M1"
#define T2    "00001M86CH3M2"
#define T3    "00001M86CH3M3"

typedef struct rspec {
	yoi_rel_kind kind;
	const char *target;
	const char *note;
	const char *at;
} rspec;

/* The file yoi_relations_render writes for these records. */
static char *rels_n(const rspec *v, size_t n, bool use_crlf)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	r->crlf = use_crlf;
	for (size_t i = 0; i < n; i++) {
		yoi_relation x;
		memset(&x, 0, sizeof(x));
		strcpy(x.ticket_id, OWNER);
		x.kind = v[i].kind;
		strcpy(x.target, v[i].target);
		x.note = (char *)v[i].note;
		x.author = "orchestrator";
		x.at = (char *)(v[i].at ? v[i].at : "2026-06-01T10:00:00Z");
		cr_assert_eq(yoi_relations_add(r, &x, NULL), 0);
	}
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_relations_render(&b, r, NULL), 0);
	yoi_relations_free(r);
	return yoi_buf_detach(&b);
}

#define RELS(...)                                                              \
	rels_n((const rspec[]){__VA_ARGS__},                                   \
	       sizeof((const rspec[]){__VA_ARGS__}) / sizeof(rspec), false)
#define RELS0 rels_n(NULL, 0, false)

#define DEP(t)                                                                 \
	{                                                                      \
		YOI_REL_DEPENDS_ON, t, NULL, NULL                              \
	}
#define REL(t)                                                                 \
	{                                                                      \
		YOI_REL_RELATED, t, NULL, NULL                                 \
	}
#define BLK(t)                                                                 \
	{                                                                      \
		YOI_REL_BLOCKS, t, NULL, NULL                                  \
	}
#define DEPN(t, n)                                                             \
	{                                                                      \
		YOI_REL_DEPENDS_ON, t, n, NULL                                 \
	}
#define DEPA(t, n, at)                                                         \
	{                                                                      \
		YOI_REL_DEPENDS_ON, t, n, at                                   \
	}

static void rel_clean(char *o, char *a, char *b, const char *owner, char *want)
{
	expect_clean(rel3(o, a, b, owner), want);
	free(o);
	free(a);
	free(b);
	free(want);
}

Test(merge, relations_trivial_cases)
{
	char *o = RELS(DEP(T1)), *x = RELS(DEP(T1), REL(T2));
	expect_clean(rel3(o, o, x, OWNER), x);
	expect_clean(rel3(o, x, o, OWNER), x);
	expect_clean(rel3(o, x, x, OWNER), x);
	free(o);
	free(x);
}

Test(merge, relations_both_sides_add)
{
	rel_clean(RELS(DEP(T1)), RELS(DEP(T1), REL(T2)), RELS(DEP(T1), BLK(T3)),
		  OWNER, RELS(DEP(T1), REL(T2), BLK(T3)));
	/* Same kind, different targets; theirs' additions after ours'. */
	rel_clean(RELS(REL(T1)), RELS(REL(T1), DEP(T3)), RELS(DEP(T2), REL(T1)),
		  OWNER, RELS(REL(T1), DEP(T3), DEP(T2)));
}

Test(merge, relations_both_sides_remove)
{
	rel_clean(RELS(DEP(T1), DEP(T2), DEP(T3)), RELS(DEP(T2), DEP(T3)),
		  RELS(DEP(T1), DEP(T2)), OWNER, RELS(DEP(T2)));
	/* Both removed the same one, one also added. */
	rel_clean(RELS(DEP(T1), DEP(T2)), RELS(DEP(T2)), RELS(DEP(T2), REL(T3)),
		  OWNER, RELS(DEP(T2), REL(T3)));
	/* Everything removed on one side, one added on the other. */
	rel_clean(RELS(DEP(T1)), RELS0, RELS(DEP(T1), DEP(T2)), OWNER,
		  RELS(DEP(T2)));
}

Test(merge, relations_same_key_added_same_note_earlier_at_kept)
{
	rel_clean(RELS(DEP(T1)),
		  RELS(DEP(T1), DEPA(T2, "n", "2026-06-02T10:05:00Z")),
		  RELS(DEP(T1), DEPA(T2, "n", "2026-06-02T10:01:00Z")), OWNER,
		  RELS(DEP(T1), DEPA(T2, "n", "2026-06-02T10:01:00Z")));
	/* Identical on both sides: once. */
	rel_clean(RELS(DEP(T1)), RELS(DEP(T1), DEPN(T2, "n"), REL(T3)),
		  RELS(DEP(T1), DEPN(T2, "n")), OWNER,
		  RELS(DEP(T1), DEPN(T2, "n"), REL(T3)));
	/* One without a note: the earlier record, the note not lost. */
	rel_clean(RELS0, RELS(DEPA(T2, NULL, "2026-06-02T10:01:00Z")),
		  RELS(DEPA(T2, "why", "2026-06-02T10:05:00Z")), OWNER,
		  RELS(DEPA(T2, "why", "2026-06-02T10:01:00Z")));
}

Test(merge, relations_same_key_different_notes_conflict)
{
	char *o = RELS(DEP(T1));
	char *a = RELS(DEP(T1), DEPN(T2, "ours says"));
	char *b = RELS(DEP(T1), DEPN(T2, "theirs says"));
	expect_conflict(rel3(o, a, b, OWNER), "depends_on " T2,
			"different notes");
	free(o);
	free(a);
	free(b);
}

Test(merge, relations_changed_on_one_side)
{
	/* Ours changed T1's note, theirs added: the change and the add. */
	rel_clean(RELS(DEPN(T1, "old")), RELS(DEPN(T1, "new")),
		  RELS(DEPN(T1, "old"), REL(T2)), OWNER,
		  RELS(DEPN(T1, "new"), REL(T2)));
	/* Both changed it with the same note: the earlier `at`. */
	rel_clean(RELS(DEPA(T1, "n", "2026-06-01T00:00:00Z")),
		  RELS(DEPA(T1, "n", "2026-06-03T00:00:00Z")),
		  RELS(DEPA(T1, "n", "2026-06-02T00:00:00Z")), OWNER,
		  RELS(DEPA(T1, "n", "2026-06-02T00:00:00Z")));
}

Test(merge, relations_removed_on_one_side_changed_on_other_conflicts)
{
	char *o = RELS(DEPN(T1, "old"), REL(T2));
	char *a = RELS(REL(T2));
	char *b = RELS(DEPN(T1, "new"), REL(T2));
	expect_conflict(rel3(o, a, b, OWNER), "depends_on " T1,
			"ours removed it, theirs changed it");
	expect_conflict(rel3(o, b, a, OWNER), "theirs removed it, ours changed",
			NULL);
	free(o);
	free(a);
	free(b);
}

Test(merge, relations_that_do_not_parse_conflict)
{
	char *o = RELS(DEP(T1));
	char *a = RELS(DEP(T1), REL(T2));
	expect_conflict(rel3(o, a, "{ not json", OWNER),
			"theirs:", "relations.json:1");
	expect_conflict(rel3(o, "", a, OWNER), "ours:", NULL);
	char *extra = repl(a, "\"at\"", "\"color\": \"red\",\n      \"at\"");
	expect_conflict(rel3(o, extra, a, OWNER),
			"ours: relations.json:", "color");
	free(extra);
	/* The base does not parse either. */
	char *b = RELS(DEP(T1), BLK(T3));
	expect_conflict(rel3("[]", a, b, OWNER), "base:", NULL);
	/* Records of another ticket. */
	expect_conflict(rel3(o, a, b, T3), "base:", "ticket_id");
	expect_conflict(rel3(o, a, b, "bad/../id"), "not a ticket ID", NULL);
	free(o);
	free(a);
	free(b);
}

Test(merge, relations_owner_from_records)
{
	rel_clean(RELS(DEP(T1)), RELS(DEP(T1), REL(T2)), RELS(DEP(T1), BLK(T3)),
		  NULL, RELS(DEP(T1), REL(T2), BLK(T3)));
	rel_clean(RELS(DEP(T1)), RELS0, RELS(DEP(T1), REL(T2)), NULL,
		  RELS(REL(T2)));
	rel_clean(RELS(DEP(T1), REL(T2)), RELS(REL(T2)), RELS(DEP(T1)), NULL,
		  RELS0);
}

Test(merge, relations_empty_base_and_crlf)
{
	rel_clean(calloc(1, 1), RELS(DEP(T1)), RELS(REL(T2)), OWNER,
		  RELS(DEP(T1), REL(T2)));
	const rspec x[] = {DEP(T1)}, y[] = {DEP(T1), REL(T2)},
		    z[] = {DEP(T1), BLK(T3)}, w[] = {DEP(T1), REL(T2), BLK(T3)};
	rel_clean(rels_n(x, 1, true), rels_n(y, 2, true), rels_n(z, 2, false),
		  OWNER, rels_n(w, 3, true));
}

/* ---- item.md
 * ----------------------------------------------------------------- */

#define ITEM                                                                   \
	"---\n"                                                                \
	"title: 'Fix the widget'\n"                                            \
	"state: 'ready'\n"                                                     \
	"created_at: '2026-06-01T00:00:00Z'\n"                                 \
	"updated_at: '2026-06-01T00:00:00Z'\n"                                 \
	"# who works on it\n"                                                  \
	"assignee: null\n"                                                     \
	"risk_flags: ['a']\n"                                                  \
	"---\n"                                                                \
	"\n"                                                                   \
	"## Background\n"                                                      \
	"line one\n"                                                           \
	"line two\n"                                                           \
	"line three\n"                                                         \
	"\n"                                                                   \
	"## Requirements\n"                                                    \
	"req one\n"                                                            \
	"req two\n"                                                            \
	"req three\n"

/* Apply edits (pairs from, to; NULL-terminated) to s. */
static char *edit(const char *s, ...)
{
	char *cur = yoi_strdup(s);
	va_list ap;
	va_start(ap, s);
	for (;;) {
		const char *from = va_arg(ap, const char *);
		if (!from)
			break;
		const char *to = va_arg(ap, const char *);
		char *next = repl(cur, from, to);
		free(cur);
		cur = next;
	}
	va_end(ap);
	return cur;
}

static void item_clean(char *a, char *b, const char *state, char *want)
{
	expect_clean(item3(ITEM, a, b, state), want);
	free(a);
	free(b);
	free(want);
}

Test(merge, item_trivial_cases)
{
	char *x = edit(ITEM, "title: 'Fix the widget'", "title: 'X'", NULL);
	expect_clean(item3(ITEM, ITEM, x, NULL), x);
	expect_clean(item3(ITEM, x, ITEM, NULL), x);
	expect_clean(item3(ITEM, x, x, NULL), x);
	/* With the thread's state: the side's bytes but that state. */
	char *want = edit(x, "state: 'ready'", "state: 'queued'", NULL);
	expect_clean(item3(ITEM, ITEM, x, "queued"), want);
	expect_clean(item3(ITEM, x, x, "queued"), want);
	free(want);
	free(x);
}

Test(merge, item_field_changed_on_one_side)
{
	item_clean(
	    edit(ITEM, "assignee: null", "assignee: 'bob'", NULL),
	    edit(ITEM, "title: 'Fix the widget'", "title: 'Fix it'", NULL),
	    NULL,
	    edit(ITEM, "assignee: null", "assignee: 'bob'",
		 "title: 'Fix the widget'", "title: 'Fix it'", NULL));
	/* A list theirs changed is written in the engine's flow style. */
	item_clean(
	    edit(ITEM, "assignee: null", "assignee: 'bob'", NULL),
	    edit(ITEM, "risk_flags: ['a']", "risk_flags:\n  - a\n  - b", NULL),
	    NULL,
	    edit(ITEM, "assignee: null", "assignee: 'bob'", "risk_flags: ['a']",
		 "risk_flags: ['a', 'b']", NULL));
}

Test(merge, item_both_sides_same_change)
{
	item_clean(edit(ITEM, "title: 'Fix the widget'", "title: 'Same'",
			"assignee: null", "assignee: 'bob'", NULL),
		   edit(ITEM, "title: 'Fix the widget'", "title: Same",
			"req two", "req 2", NULL),
		   NULL,
		   edit(ITEM, "title: 'Fix the widget'", "title: 'Same'",
			"assignee: null", "assignee: 'bob'", "req two", "req 2",
			NULL));
}

Test(merge, item_both_changed_differently_conflicts)
{
	char *a = edit(ITEM, "title: 'Fix the widget'", "title: 'Ours'", NULL);
	char *b =
	    edit(ITEM, "title: 'Fix the widget'", "title: 'Theirs'", NULL);
	expect_conflict(item3(ITEM, a, b, NULL), "field 'title'", "'Theirs'");
	free(a);
	free(b);
	/* Removed on one side, changed on the other. */
	a = edit(ITEM, "assignee: null\n", "", "title: 'Fix the widget'",
		 "title: 'T2'", NULL);
	b = edit(ITEM, "assignee: null", "assignee: 'carol'", NULL);
	expect_conflict(item3(ITEM, a, b, NULL), "field 'assignee'", "removed");
	free(a);
	free(b);
}

Test(merge, item_updated_at_later_wins)
{
	const char *u = "updated_at: '2026-06-01T00:00:00Z'";
	/* Theirs later: theirs' value. */
	item_clean(edit(ITEM, u, "updated_at: '2026-06-02T00:00:00Z'",
			"assignee: null", "assignee: 'bob'", NULL),
		   edit(ITEM, u, "updated_at: '2026-06-03T00:00:00Z'",
			"title: 'Fix the widget'", "title: 'T'", NULL),
		   NULL,
		   edit(ITEM, u, "updated_at: '2026-06-03T00:00:00Z'",
			"assignee: null", "assignee: 'bob'",
			"title: 'Fix the widget'", "title: 'T'", NULL));
	/* Ours later: ours' bytes stay (even an unusual spelling). */
	item_clean(edit(ITEM, u, "updated_at: \"2026-06-04T00:00:00Z\"",
			"assignee: null", "assignee: 'bob'", NULL),
		   edit(ITEM, u, "updated_at: '2026-06-03T00:00:00Z'",
			"title: 'Fix the widget'", "title: 'T'", NULL),
		   NULL,
		   edit(ITEM, u, "updated_at: \"2026-06-04T00:00:00Z\"",
			"assignee: null", "assignee: 'bob'",
			"title: 'Fix the widget'", "title: 'T'", NULL));
	/* Not a time on one side: conflict. */
	char *a = edit(ITEM, u, "updated_at: 'tomorrow'", NULL);
	char *b = edit(ITEM, u, "updated_at: '2026-06-03T00:00:00Z'", NULL);
	expect_conflict(item3(ITEM, a, b, NULL), "field 'updated_at'", NULL);
	free(a);
	free(b);
}

Test(merge, item_state_override_from_thread)
{
	/* Both changed state differently: the thread's replay decides. */
	item_clean(edit(ITEM, "state: 'ready'", "state: 'queued'", NULL),
		   edit(ITEM, "state: 'ready'", "state: 'planning'",
			"assignee: null", "assignee: 'x'", NULL),
		   "inprogress",
		   edit(ITEM, "state: 'ready'", "state: 'inprogress'",
			"assignee: null", "assignee: 'x'", NULL));
	/* Nobody changed it, the thread says otherwise: the thread. */
	item_clean(edit(ITEM, "assignee: null", "assignee: 'x'", NULL),
		   edit(ITEM, "title: 'Fix the widget'", "title: 'T'", NULL),
		   "done",
		   edit(ITEM, "state: 'ready'", "state: 'done'",
			"assignee: null", "assignee: 'x'",
			"title: 'Fix the widget'", "title: 'T'", NULL));
	/* Equal to ours: ours' bytes. */
	item_clean(edit(ITEM, "state: 'ready'", "state: queued", NULL),
		   edit(ITEM, "title: 'Fix the widget'", "title: 'T'", NULL),
		   "queued",
		   edit(ITEM, "state: 'ready'", "state: queued",
			"title: 'Fix the widget'", "title: 'T'", NULL));
}

Test(merge, item_state_fallback_rule)
{
	const char *u = "updated_at: '2026-06-01T00:00:00Z'";
	/* Changed on one side only: that side's. */
	item_clean(edit(ITEM, "assignee: null", "assignee: 'x'", NULL),
		   edit(ITEM, "state: 'ready'", "state: 'queued'", NULL), NULL,
		   edit(ITEM, "state: 'ready'", "state: 'queued'",
			"assignee: null", "assignee: 'x'", NULL));
	/* Both changed: the side with the later updated_at. */
	item_clean(edit(ITEM, "state: 'ready'", "state: 'queued'", u,
			"updated_at: '2026-06-02T00:00:00Z'", NULL),
		   edit(ITEM, "state: 'ready'", "state: 'planning'", u,
			"updated_at: '2026-06-03T00:00:00Z'", NULL),
		   NULL,
		   edit(ITEM, "state: 'ready'", "state: 'planning'", u,
			"updated_at: '2026-06-03T00:00:00Z'", NULL));
	item_clean(edit(ITEM, "state: 'ready'", "state: 'queued'", u,
			"updated_at: '2026-06-04T00:00:00Z'", NULL),
		   edit(ITEM, "state: 'ready'", "state: 'planning'", u,
			"updated_at: '2026-06-03T00:00:00Z'", NULL),
		   NULL,
		   edit(ITEM, "state: 'ready'", "state: 'queued'", u,
			"updated_at: '2026-06-04T00:00:00Z'", NULL));
	/* Same updated_at: nothing decides. */
	char *a = edit(ITEM, "state: 'ready'", "state: 'queued'", NULL);
	char *b = edit(ITEM, "state: 'ready'", "state: 'planning'", NULL);
	expect_conflict(item3(ITEM, a, b, NULL), "field 'state'", "updated_at");
	free(a);
	free(b);
}

Test(merge, item_field_added_on_theirs)
{
	item_clean(
	    edit(ITEM, "assignee: null", "assignee: 'x'", NULL),
	    edit(ITEM, "risk_flags: ['a']\n",
		 "risk_flags: ['a']\npriority: P1\nqueued_by: \"q\"\n", NULL),
	    NULL,
	    edit(ITEM, "assignee: null", "assignee: 'x'", "risk_flags: ['a']\n",
		 "risk_flags: ['a']\npriority: 'P1'\nqueued_by: 'q'\n", NULL));
	/* Both added the same key with the same value: once. */
	item_clean(edit(ITEM, "assignee: null\n", "assignee: null\nprio: P1\n",
			"title: 'Fix the widget'", "title: 'T'", NULL),
		   edit(ITEM, "risk_flags: ['a']\n",
			"risk_flags: ['a']\nprio: 'P1'\n", NULL),
		   NULL,
		   edit(ITEM, "assignee: null\n", "assignee: null\nprio: P1\n",
			"title: 'Fix the widget'", "title: 'T'", NULL));
	/* Both added it with different values. */
	char *a = edit(ITEM, "risk_flags: ['a']\n",
		       "risk_flags: ['a']\nprio: P1\n", NULL);
	char *b = edit(ITEM, "risk_flags: ['a']\n",
		       "risk_flags: ['a']\nprio: P2\n", NULL);
	expect_conflict(item3(ITEM, a, b, NULL), "field 'prio'", NULL);
	free(a);
	free(b);
}

Test(merge, item_field_removed_on_theirs)
{
	/* The comment above the removed field stays (it is ours'). */
	item_clean(edit(ITEM, "title: 'Fix the widget'", "title: 'T'", NULL),
		   edit(ITEM, "assignee: null\n", "", NULL), NULL,
		   edit(ITEM, "title: 'Fix the widget'", "title: 'T'",
			"assignee: null\n", "", NULL));
	/* Removed on ours, unchanged on theirs: stays removed. */
	item_clean(edit(ITEM, "risk_flags: ['a']\n", "", NULL),
		   edit(ITEM, "title: 'Fix the widget'", "title: 'T'", NULL),
		   NULL,
		   edit(ITEM, "risk_flags: ['a']\n", "",
			"title: 'Fix the widget'", "title: 'T'", NULL));
}

Test(merge, item_body_merged_in_different_places)
{
	item_clean(
	    edit(ITEM, "line one", "line ONE", NULL),
	    edit(ITEM, "req three", "req THREE", NULL), NULL,
	    edit(ITEM, "line one", "line ONE", "req three", "req THREE", NULL));
	/* Body changed on one side, a field on the other. */
	item_clean(
	    edit(ITEM, "assignee: null", "assignee: 'x'", NULL),
	    edit(ITEM, "req two\n", "req two\nreq two and a half\n", NULL),
	    NULL,
	    edit(ITEM, "assignee: null", "assignee: 'x'", "req two\n",
		 "req two\nreq two and a half\n", NULL));
}

Test(merge, item_body_conflict)
{
	char *a = edit(ITEM, "line two", "line 2 (ours)", NULL);
	char *b = edit(ITEM, "line two", "line 2 (theirs)", NULL);
	expect_conflict(item3(ITEM, a, b, NULL), "body", NULL);
	free(a);
	free(b);
}

Test(merge, item_ours_formatting_preserved_byte_for_byte)
{
	const char *a = "---\n"
			"# ticket header comment\n"
			"title:   Fix the widget   # inline note\n"
			"state: ready\n"
			"created_at: \"2026-06-01T00:00:00Z\"\n"
			"updated_at: '2026-06-01T00:00:00Z'\n"
			"\n"
			"# who works on it\n"
			"assignee: ~\n"
			"risk_flags:\n"
			"  - a\n"
			"custom: {x: 1}\n"
			"---\n"
			"\n"
			"## Background\n"
			"line one\n"
			"line two\n"
			"line three\n"
			"\n"
			"## Requirements\n"
			"req one\n"
			"req two\n"
			"req three\n";
	char *b = edit(ITEM, "assignee: null", "assignee: 'dana'", "req one",
		       "req ONE", NULL);
	char *want = edit(a, "assignee: ~", "assignee: 'dana'", "req one",
			  "req ONE", NULL);
	/* ours added `custom` and reformatted; theirs changed assignee. */
	expect_clean(item3(ITEM, a, b, NULL), want);
	free(b);
	free(want);
}

Test(merge, item_nested_value_theirs_changed_conflicts)
{
	const char *o = "---\ntitle: 'T'\nmeta: {a: 1}\n---\nbody\n";
	const char *a = "---\ntitle: 'U'\nmeta: {a: 1}\n---\nbody\n";
	const char *b = "---\ntitle: 'T'\nmeta: {a: 2}\n---\nbody\n";
	expect_conflict(item3(o, a, b, NULL), "field 'meta'", "nested");
	/* Ours changed it, theirs did not: ours' bytes. */
	expect_clean(item3(o, b, a, NULL),
		     "---\ntitle: 'U'\nmeta: {a: 2}\n---\nbody\n");
}

Test(merge, item_side_that_does_not_parse_conflicts)
{
	char *a = edit(ITEM, "assignee: null", "assignee: 'x'", NULL);
	expect_conflict(item3(ITEM, a, "no frontmatter\n", NULL),
			"theirs: item.md:1", NULL);
	char *b =
	    edit(ITEM, "title: 'Fix the widget'", "title: [unclosed", NULL);
	expect_conflict(item3(ITEM, b, a, NULL), "ours: item.md:", NULL);
	expect_conflict(item3("---\n", a, b, NULL), "base:", NULL);
	free(a);
	free(b);
}

Test(merge, item_empty_base_new_on_both_sides)
{
	const char *a = "---\ntitle: 'T'\nstate: 'planning'\n"
			"updated_at: '2026-06-01T00:00:00Z'\nmine: 1\n---\n"
			"body\n";
	const char *b = "---\ntitle: 'T'\nstate: 'planning'\n"
			"updated_at: '2026-06-02T00:00:00Z'\nyours: 2\n---\n"
			"body\n";
	expect_clean(item3("", a, b, NULL),
		     "---\ntitle: 'T'\nstate: 'planning'\n"
		     "updated_at: '2026-06-02T00:00:00Z'\nmine: 1\n"
		     "yours: '2'\n---\nbody\n");
	const char *c = "---\ntitle: 'Other'\n---\nbody\n";
	expect_conflict(item3("", a, c, NULL), "field 'title'", NULL);
	const char *d = "---\ntitle: 'T'\n---\nother body\n";
	expect_conflict(item3("", a, d, NULL), "body", NULL);
}

Test(merge, item_crlf)
{
	char *o = crlf(ITEM);
	char *a = edit(o, "assignee: null", "assignee: 'x'", NULL);
	char *b = edit(o, "title: 'Fix the widget'", "title: 'T'", "req two",
		       "req 2", "risk_flags: ['a']\r\n", "", NULL);
	char *want = edit(o, "assignee: null", "assignee: 'x'",
			  "title: 'Fix the widget'", "title: 'T'", "req two",
			  "req 2", "risk_flags: ['a']\r\n", "", NULL);
	expect_clean(item3(o, a, b, NULL), want);
	free(o);
	free(a);
	free(b);
	free(want);
}

Test(merge, item_queued_at_later_wins_and_queued_by_follows)
{
	/* Both sides queued the ticket: the later queue event wins. */
	const char *s = "state: 'ready'";
	char *a = edit(ITEM, s,
		       "state: 'queued'\nqueued_by: 'ann'\nqueued_at: "
		       "'2026-06-02T10:00:00Z'",
		       NULL);
	char *b = edit(ITEM, s,
		       "state: 'queued'\nqueued_by: 'bob'\nqueued_at: "
		       "'2026-06-02T11:00:00Z'",
		       NULL);
	expect_clean(item3(ITEM, a, b, NULL), b);
	/* The other way round: ours stays. */
	expect_clean(item3(ITEM, b, a, NULL), b);
	/* Not a time: conflict. */
	char *c =
	    edit(ITEM, s, "state: 'queued'\nqueued_by: 'cy'\nqueued_at: 'soon'",
		 NULL);
	expect_conflict(item3(ITEM, a, c, NULL), "queued", NULL);
	free(a);
	free(b);
	free(c);
}

/* A transition at time at, from -> to (optionally forced). */
#define SC(at, from, to)                                                       \
	"<!-- event: state_changed author: alice at: " at " from: " from       \
	" to: " to " reason: r field: state -->\n\n## State changed\n\nr\n\n"  \
	"---\n"
#define CLOSE(at)                                                              \
	"<!-- event: close author: alice at: " at                              \
	" status: closed -->\n\n## Closed\n\ndone\n\n---\n"
#define CREATE0                                                                \
	"<!-- event: create author: alice at: 2026-06-01T10:00:00Z -->\n\n"    \
	"## Created\n\nmade\n\n---\n"

/*
 * A merge never makes an illegal history: one side closes the ticket,
 * the other later moves it on; the merged chain would leave closed
 * without a reopen. A conflict naming both events, not a clean merge.
 */
Test(merge, thread_merge_that_breaks_the_chain_is_a_conflict)
{
	const char *base =
	    CREATE0 SC("2026-06-01T10:01:00Z", "planning", "ready");
	char *a = cat3(base, CLOSE("2026-06-01T10:02:00Z"),
		       SC("2026-06-01T10:02:00Z", "ready", "closed"));
	char *b = cat(base, SC("2026-06-01T10:03:00Z", "ready", "queued"));
	expect_conflict(thread3(base, a, b), "both sides changed",
			"starts from ready");
	expect_conflict(thread3(base, b, a), "both sides changed", "closed");
	/* Two sides moving it the same way twice is a conflict too. */
	char *c = cat(base, SC("2026-06-01T10:04:00Z", "ready", "queued"));
	expect_conflict(thread3(base, b, c), "both sides changed", NULL);
	/* One side moving it while the other comments merges cleanly. */
	char *d = cat(base, EV("2026-06-01T10:02:30Z", "a comment"));
	res r = thread3(base, b, d);
	cr_assert_eq(r.rc, 0, "%s", r.why);
	res_free(&r);
	free(a);
	free(b);
	free(c);
	free(d);
}

/* The driver tolerates what doctor only warns about. */
Test(merge, thread_missing_separator_is_tolerated_as_doctor_does)
{
	const char *nosep = "<!-- event: comment author: alice at: "
			    "2026-06-01T10:01:00Z -->\n\n## Comment\n\nno "
			    "separator\n";
	char *a = cat3(T0, nosep, A3);
	char *b = cat(T0, B2);
	res r = thread3(T0, a, b);
	cr_assert_eq(r.rc, 0, "%s", r.why);
	cr_assert(strstr(r.out, "no separator") && strstr(r.out, "theirs two"),
		  "%s", r.out);
	res_free(&r);
	free(a);
	free(b);
}
