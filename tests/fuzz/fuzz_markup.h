/*
 * fuzz_markup.h - the property the Markdown targets share (fuzz_html.c,
 * fuzz_board.c): the renderer's output holds no live markup from the input.
 *
 * Scanning the output left to right (abort on violation):
 *  - every '<' starts one of the renderer's own tags, and nothing else:
 *      <T> and </T> for T in p blockquote ul ol li pre code em strong
 *      h1..h6;  <ol start="DIGITS">;  <code class="language-X"> with X
 *      free of '"', '<', '>' and made of escaped text;  <hr /> and <br />;
 *    or one a target accepts on top (its extra hook);
 *  - outside tags there is no '>' or '"', and every '&' starts an entity
 *    (&amp; &lt; &gt; &quot; or a numeric one);
 *  - the output is valid UTF-8 without NUL bytes.
 */
#ifndef YOI_FUZZ_MARKUP_H
#define YOI_FUZZ_MARKUP_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"
#include "yoi/common.h"

static const char *const plain_tags[] = {
    "p",      "blockquote", "ul", "ol", "li", "pre", "code", "em",
    "strong", "h1",	    "h2", "h3", "h4", "h5",  "h6"};

static bool starts(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - s) >= n && memcmp(s, lit, n) == 0;
}

/* Length of an entity at s ('&'), or 0 when it is not one. */
static size_t entity_len(const char *s, const char *end)
{
	static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
	for (size_t i = 0; i < 4; i++)
		if (starts(s, end, named[i]))
			return strlen(named[i]);
	const char *p = s + 1;
	if (p < end && *p == '#') {
		p++;
		bool hex = p < end && (*p == 'x' || *p == 'X');
		if (hex)
			p++;
		const char *d = p;
		while (p < end && (hex ? isxdigit((unsigned char)*p)
				       : isdigit((unsigned char)*p)))
			p++;
		if (p > d && p < end && *p == ';')
			return (size_t)(p + 1 - s);
	}
	return 0;
}

/* Length of the renderer's tag at s ('<'), or 0 when it is not one. */
static size_t tag_len(const char *s, const char *end)
{
	if (starts(s, end, "<hr />"))
		return 6;
	if (starts(s, end, "<br />"))
		return 6;
	const char *p = s + 1;
	bool closing = p < end && *p == '/';
	if (closing)
		p++;
	for (size_t i = 0; i < sizeof(plain_tags) / sizeof(*plain_tags); i++) {
		size_t n = strlen(plain_tags[i]);
		if ((size_t)(end - p) > n && memcmp(p, plain_tags[i], n) == 0 &&
		    p[n] == '>')
			return (size_t)(p + n + 1 - s);
	}
	if (closing)
		return 0;
	if (starts(s, end, "<ol start=\"")) {
		p = s + 11;
		const char *d = p;
		while (p < end && isdigit((unsigned char)*p))
			p++;
		if (p > d && starts(p, end, "\">"))
			return (size_t)(p + 2 - s);
		return 0;
	}
	if (starts(s, end, "<code class=\"language-")) {
		p = s + 22;
		while (p < end && *p != '"' && *p != '<' && *p != '>') {
			if (*p == '&') {
				size_t e = entity_len(p, end);
				if (!e)
					return 0;
				p += e;
			} else {
				p++;
			}
		}
		if (starts(p, end, "\">"))
			return (size_t)(p + 2 - s);
	}
	return 0;
}

/*
 * Check out against the property above. At each '<', extra (NULL: none)
 * is asked first with ctx: it returns the length of a tag it accepts,
 * aborts on one it refuses, or returns 0 for one that is not its own.
 */
static void fuzz_markup_check(const yoi_buf *out,
			      size_t (*extra)(const char *p, const char *end,
					      const char *all, void *ctx),
			      void *ctx)
{
	const char *s = out->ptr ? out->ptr : "", *end = s + out->len;
	FUZZ_CHECK(!memchr(s, '\0', out->len) && yoi_utf8_valid(s, out->len),
		   "output is not NUL-free UTF-8");
	for (const char *p = s; p < end;) {
		size_t n = 1;
		switch (*p) {
		case '<':
			n = extra ? extra(p, end, s, ctx) : 0;
			if (n)
				break;
			n = tag_len(p, end);
			FUZZ_CHECK(n,
				   "live markup in the output at byte %zu: "
				   "%.60s\n--- whole output\n%s",
				   (size_t)(p - s), p, s);
			break;
		case '>':
		case '"':
			FUZZ_CHECK(false, "raw '%c' in text at byte %zu: %.60s",
				   *p, (size_t)(p - s), p);
			break;
		case '&':
			n = entity_len(p, end);
			FUZZ_CHECK(n, "bare '&' in text at byte %zu: %.60s",
				   (size_t)(p - s), p);
			break;
		default:
			break;
		}
		p += n;
	}
}

#endif
