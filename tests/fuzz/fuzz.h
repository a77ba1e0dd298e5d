/*
 * fuzz.h - helpers shared by the libFuzzer targets of `make fuzz`.
 *
 * A property violation is reported with FUZZ_CHECK: a message on stderr,
 * then abort(), which libFuzzer records as a crash with its reproducer.
 *
 * Inputs of several parts (the base, ours and theirs of a merge) are split
 * on the separator line "--8<--\n": a line holding exactly that (at the
 * start of the input or after a '\n') ends one part and starts the next;
 * each part keeps its own final line break. Missing parts are empty.
 */
#ifndef YOI_FUZZ_H
#define YOI_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_SEP     "--8<--\n"
#define FUZZ_SEP_LEN 7

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
				"fuzz property violated: %s:%d: ", __FILE__,   \
				__LINE__);                                     \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

typedef struct fuzz_part {
	const char *ptr;
	size_t len;
} fuzz_part;

/* Split data into n parts (see above); the last part takes the rest. */
static inline void fuzz_split(const uint8_t *data, size_t size, fuzz_part *p,
			      size_t n)
{
	const char *s = (const char *)data;
	size_t pos = 0;
	for (size_t k = 0; k < n; k++) {
		p[k].ptr = s + pos;
		p[k].len = size - pos;
		if (k + 1 == n)
			break;
		for (size_t i = pos; i + FUZZ_SEP_LEN <= size; i++) {
			if ((i == pos || s[i - 1] == '\n') &&
			    memcmp(s + i, FUZZ_SEP, FUZZ_SEP_LEN) == 0) {
				p[k].len = i - pos;
				pos = i + FUZZ_SEP_LEN;
				goto next;
			}
		}
		pos = size;
	next:;
	}
}

/* A NUL-terminated copy of s[0..n) (the caller frees it), or abort. */
static inline char *fuzz_strndup(const char *s, size_t n)
{
	char *c = malloc(n + 1);
	if (!c)
		abort();
	if (n)
		memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* True when needle[0..n) occurs in hay[0..hn). An empty needle does. */
static inline int fuzz_contains(const char *hay, size_t hn, const char *needle,
				size_t n)
{
	return n == 0 || (hay && memmem(hay, hn, needle, n) != NULL);
}

/* ---- merges ---- */

static inline int fuzz_part_eq(fuzz_part x, fuzz_part y)
{
	return x.len == y.len &&
	       (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

/*
 * The trivial three-way cases every merge documents (a side equal to the
 * base, or both sides equal): the result is ours', or theirs' bytes when
 * ours equals the base. NULL when the merge has real work to do.
 */
static inline const fuzz_part *fuzz_trivial(const fuzz_part p[3])
{
	if (fuzz_part_eq(p[1], p[2]) || fuzz_part_eq(p[2], p[0]))
		return &p[1];
	if (fuzz_part_eq(p[1], p[0]))
		return &p[2];
	return NULL;
}

/* A conflict's reason: one non-empty line. */
#define FUZZ_CHECK_WHY(why)                                                    \
	FUZZ_CHECK((why)->len > 0 && !memchr((why)->ptr, '\n', (why)->len),    \
		   "a conflict without a one-line reason: '%s'",               \
		   (why)->ptr ? (why)->ptr : "")

#endif
