/*
 * test_thread_tail.c - yoi_thread_complete_len reads a thread from its
 * end (issue 15: doctor and every thread load call it); it must give
 * exactly what the line-by-line definition in thread.h gives.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/thread.h"

/* thread.h's definition, line by line from the start. */
static size_t reference(const char *buf, size_t len)
{
	size_t keep = 0, pos = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - pos;
		if (n && buf[end - 1] == '\r')
			n--;
		if (n == 3 && memcmp(buf + pos, "---", 3) == 0)
			keep = nl ? end + 1 : len;
		pos = nl ? end + 1 : len;
	}
	return keep;
}

Test(thread_tail, the_last_separator_line_from_the_end)
{
	static const char *const cases[] = {
	    "",
	    "---",
	    "---\n",
	    "---\r\n",
	    "---\r",
	    "a\n---\nb",
	    "a\n---\n\n",
	    "\n---\n--- \n",
	    "----\n",
	    "x---\n",
	    "---\n---",
	    "\n",
	    "\r\n---",
	    "<!-- event: comment -->\n\n## C\n\nbody\n---\n<!-- event: c"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i]);
		cr_assert_eq(yoi_thread_complete_len(cases[i], len),
			     reference(cases[i], len), "case %zu: '%s'", i,
			     cases[i]);
	}
}

/* Random texts over the characters that matter, every length to 40. */
Test(thread_tail, agrees_with_the_definition_on_random_texts)
{
	static const char alphabet[] = "-\n\r a\0";
	unsigned seed = 20261203;
	char buf[41];
	for (int round = 0; round < 200000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 41);
		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[rand_r(&seed) % 6];
		/* Bias towards separators: a "---" line now and then. */
		if (len >= 4 && rand_r(&seed) % 2) {
			size_t at = (size_t)(rand_r(&seed) % (len - 3));
			memcpy(buf + at, "---\n", 4);
		}
		size_t want = reference(buf, len);
		cr_assert_eq(yoi_thread_complete_len(buf, len), want,
			     "round %d, length %zu", round, len);
		size_t keep = 99;
		bool torn = yoi_thread_torn_tail(buf, len, &keep);
		cr_assert_eq(keep, want);
		bool blank = true;
		for (size_t i = want; i < len; i++)
			blank &= buf[i] == ' ' || buf[i] == '\t' ||
				 buf[i] == '\r' || buf[i] == '\n';
		cr_assert_eq(torn, !blank);
	}
}
