/*
 * fuzz_board.c - yoi_html_markdown_links, the Markdown step of the live
 * board's ticket pages (links kept clickable when their scheme is safe),
 * on arbitrary text.
 *
 * Property (abort on violation): as fuzz_html (every '<' starts one of the
 * renderer's own tags, text holds no raw '>' or '"', every '&' starts an
 * entity, the output is NUL-free UTF-8), plus the one tag the board adds:
 *   <a href="URL" rel="noopener noreferrer"> ... </a>
 * where URL is escaped text whose unescaped value holds no space or
 * control byte and is http:, https:, mailto: (any case) or has no scheme
 * at all; so no javascript:, data:, vbscript: or file: link ever.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <strings.h>

#include "fuzz.h"
#include "yoi/common.h"
#include "yoi/html.h"

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

#define A_OPEN "<a href=\""
#define A_REL  "\" rel=\"noopener noreferrer\">"

/* The unescaped URL of a kept link is safe (see above). */
static bool url_ok(const char *u, size_t n)
{
	char buf[4096];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < sizeof(buf);) {
		static const char *const ent[] = {"&amp;", "&lt;", "&gt;",
						  "&quot;", "&#39;"};
		static const char rep[] = "&<>\"'";
		size_t e = 0;
		for (size_t j = 0; j < 5 && !e; j++)
			if (n - i >= strlen(ent[j]) &&
			    !memcmp(u + i, ent[j], strlen(ent[j]))) {
				buf[k++] = rep[j];
				e = strlen(ent[j]);
			}
		if (!e) {
			if (u[i] == '&' || u[i] == '<' || u[i] == '>' ||
			    u[i] == '"' || u[i] == '\'')
				return false; /* not escaped */
			buf[k++] = u[i];
			e = 1;
		}
		i += e;
	}
	buf[k] = '\0';
	if (!k)
		return false;
	for (size_t i = 0; i < k; i++)
		if ((unsigned char)buf[i] <= 0x20 || buf[i] == 0x7f)
			return false;
	size_t s = strcspn(buf, ":/?#");
	if (buf[s] != ':')
		return true;
	return (s == 4 && !strncasecmp(buf, "http", 4)) ||
	       (s == 5 && !strncasecmp(buf, "https", 5)) ||
	       (s == 6 && !strncasecmp(buf, "mailto", 6));
}

/* Length of a kept link's opening tag at s, or 0 (bad or unsafe). */
static size_t link_len(const char *s, const char *end)
{
	if (!starts(s, end, A_OPEN))
		return 0;
	const char *u = s + strlen(A_OPEN), *q = u;
	while (q < end && *q != '"')
		q++;
	if (!starts(q, end, A_REL) || !url_ok(u, (size_t)(q - u)))
		return 0;
	return (size_t)(q + strlen(A_REL) - s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yoi_buf out = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_html_markdown_links(&out, (const char *)data, size) == 0,
		   "render failed");
	const char *s = out.ptr ? out.ptr : "", *end = s + out.len;
	FUZZ_CHECK(!memchr(s, '\0', out.len) && yoi_utf8_valid(s, out.len),
		   "output is not NUL-free UTF-8");
	size_t open = 0;
	for (const char *p = s; p < end;) {
		size_t n = 1;
		switch (*p) {
		case '<':
			if (starts(p, end, "</a>")) {
				FUZZ_CHECK(open, "</a> without <a>: %s", s);
				open--;
				n = 4;
				break;
			}
			if (starts(p, end, "<a ")) {
				n = link_len(p, end);
				FUZZ_CHECK(n, "unsafe link at byte %zu: %.80s",
					   (size_t)(p - s), p);
				open++;
				break;
			}
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
	FUZZ_CHECK(!open, "unclosed <a>: %s", s);
	yoi_buf_free(&out);
	return 0;
}
