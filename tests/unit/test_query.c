#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "yoi/item.h"
#include "yoi/query.h"

/* The matcher list --search had: strncasecmp at every offset. */
static bool naive(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return true;
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static bool in(const char *needle, const char *hay)
{
	yoi_query_needle n;
	cr_assert_eq(yoi_query_needle_init(&n, needle), 0);
	bool r = yoi_query_needle_in(&n, hay, strlen(hay));
	yoi_query_needle_free(&n);
	return r;
}

Test(query, needle_examples)
{
	cr_assert(in("", ""));
	cr_assert(in("", "abc"));
	cr_assert(in("timeout", "a TimeOut here"));
	cr_assert(in("TIMEOUT", "timeout"));
	cr_assert(in("t", "xxT"));
	cr_assert(in("T", "xxt"));
	cr_assert(in("é", "café"));
	cr_assert_not(in("É", "café")); /* ASCII folding only, as before */
	cr_assert_not(in("abc", "ab"));
	cr_assert_not(in("abd", "abcabcab"));
	cr_assert(in("abcab", "xabcabcab"));
	cr_assert_not(in("[", "{")); /* '[' and '{' differ by 0x20: no fold */
	cr_assert_not(in("@", "`"));
}

/* Random haystacks and needles over a small alphabet with both cases,
 * UTF-8 bytes and near-letters: the same answer as the naive matcher. */
Test(query, needle_agrees_with_naive_matcher)
{
	static const char alpha[] = "aAbBzZ@[`{\n\xc3\xa9\x89 -";
	unsigned seed = 20261203;
	for (int round = 0; round < 20000; round++) {
		char hay[80], needle[8];
		size_t hl = (size_t)(rand_r(&seed) % sizeof(hay));
		size_t nl = (size_t)(rand_r(&seed) % sizeof(needle));
		for (size_t i = 0; i < hl; i++)
			hay[i] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		for (size_t i = 0; i < nl; i++)
			needle[i] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		needle[nl] = '\0';
		/* Half the time, plant the needle (case-flipped) in hay. */
		if (nl && nl <= hl && rand_r(&seed) % 2) {
			size_t at = (size_t)(rand_r(&seed) % (hl - nl + 1));
			for (size_t i = 0; i < nl; i++) {
				char c = needle[i];
				hay[at + i] = c >= 'a' && c <= 'z'   ? c - 32
					      : c >= 'A' && c <= 'Z' ? c + 32
								     : c;
			}
		}
		/* Unterminated: the matcher must respect len. */
		char *h = malloc(hl ? hl : 1);
		cr_assert_not_null(h);
		memcpy(h, hay, hl);
		yoi_query_needle n;
		cr_assert_eq(yoi_query_needle_init(&n, needle), 0);
		bool got = yoi_query_needle_in(&n, h, hl);
		hay[hl] = '\0';
		cr_assert_eq(got, naive(hay, hl, needle),
			     "round %d: '%s' in '%s'", round, needle, hay);
		yoi_query_needle_free(&n);
		free(h);
	}
}

Test(query, states_spec)
{
	yoi_query q;
	yoi_query_init(&q);
	cr_assert(q.states[YOI_ST_READY]);
	cr_assert_not(q.states[YOI_ST_CLOSED]);
	cr_assert_eq(q.limit, -1);
	yoi_error err;
	cr_assert_eq(yoi_query_states(&q, "all", &err), 0);
	cr_assert(q.states[YOI_ST_CLOSED]);
	cr_assert_eq(yoi_query_states(&q, "done,closed", &err), 0);
	cr_assert(q.states[YOI_ST_DONE] && q.states[YOI_ST_CLOSED]);
	cr_assert_not(q.states[YOI_ST_READY]);
	cr_assert_eq(yoi_query_states(&q, "ready,nope", &err), YOI_EUSAGE);
	cr_assert(strstr(err.msg, "unknown state 'nope' in --state"));
}

Test(query, row_filters)
{
	yoi_row r = {0};
	r.col[YOI_ROW_STATE] = "ready";
	r.col[YOI_ROW_ASSIGNEE] = "ann";
	char *flags[] = {"db"};
	r.risk = (yoi_strv){flags, 1, 1};
	yoi_query q;
	yoi_query_init(&q);
	cr_assert(yoi_query_row_matches(&q, &r));
	q.assignee = "bob";
	cr_assert_not(yoi_query_row_matches(&q, &r));
	q.assignee = "ann";
	q.risk = "ui";
	cr_assert_not(yoi_query_row_matches(&q, &r));
	q.risk = "db";
	cr_assert(yoi_query_row_matches(&q, &r));
	r.col[YOI_ROW_STATE] = "closed";
	cr_assert_not(yoi_query_row_matches(&q, &r));
	r.col[YOI_ROW_STATE] = "bogus";
	q.states[YOI_ST_CLOSED] = true;
	cr_assert_not(yoi_query_row_matches(&q, &r));
}

/* The search's split finds the body yoi_item_parse finds, and fails where
 * it fails (the search then loads the item for the exact message). */
Test(query, item_split_agrees_with_parse)
{
#define F(x)                                                                   \
	{                                                                      \
		x, sizeof(x) - 1                                               \
	}
	static const struct {
		const char *s;
		size_t n;
	} files[] = {
	    F("---\ntitle: a\n---\nbody\n"),
	    F("---\r\ntitle: a\r\n---\r\nbody ---\r\n"),
	    F("---\ntitle: a\n---"),
	    F("---\n---\n"),
	    F("---\ntitle: a\n"),
	    F("title: a\n---\n"),
	    F(""),
	    F("---\ntitle: a\n---\nbad \xc3\n"),
	    F("---\ntitle: a\n---\nx\n---\nbody\n"),
	    F("---\ntitle: a\n---\r\nbody\0x\n"),
	};
#undef F
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		size_t len = files[k].n, body = 7;
		yoi_error e1, e2;
		int rc = yoi_item_split(files[k].s, len, "p", &body, &e1);
		yoi_item *it;
		int pc = yoi_item_parse(&it, files[k].s, len, "p", &e2);
		cr_assert_eq(rc == 0, pc == 0, "file %zu", k);
		if (pc == 0) {
			size_t blen;
			const char *b = yoi_item_body(it, &blen);
			cr_assert_eq(b - it->raw, (ptrdiff_t)body, "file %zu",
				     k);
			yoi_item_free(it);
		} else {
			cr_assert_str_eq(e1.msg, e2.msg);
		}
	}
}
