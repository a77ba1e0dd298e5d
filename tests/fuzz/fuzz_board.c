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
#include <stdbool.h>
#include <stdint.h>
#include <strings.h>

#include "fuzz_markup.h"
#include "yoi/common.h"
#include "yoi/html.h"

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

/* The board's own tag: a kept link, opened and closed in pairs (ctx: the
 * count of open ones). */
static size_t link_tag(const char *p, const char *end, const char *all,
		       void *ctx)
{
	size_t *open = ctx, n;
	if (starts(p, end, "</a>")) {
		FUZZ_CHECK(*open, "</a> without <a>: %s", all);
		--*open;
		return 4;
	}
	if (!starts(p, end, "<a "))
		return 0;
	n = link_len(p, end);
	FUZZ_CHECK(n, "unsafe link at byte %zu: %.80s", (size_t)(p - all), p);
	++*open;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yoi_buf out = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_html_markdown_links(&out, (const char *)data, size) == 0,
		   "render failed");
	size_t open = 0;
	fuzz_markup_check(&out, link_tag, &open);
	FUZZ_CHECK(!open, "unclosed <a>: %s", out.ptr ? out.ptr : "");
	yoi_buf_free(&out);
	return 0;
}
