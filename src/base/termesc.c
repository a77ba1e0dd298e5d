/* termesc.c - control characters and invalid UTF-8 made visible. */
#include "yoi/termesc.h"

#include <stdlib.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence at p (n bytes left) that starts
 * with a byte >= 0x80, or 0 when it is not one (RFC 3629, Table 3-7 of
 * the Unicode standard: no overlongs, no surrogates, nothing above
 * U+10FFFF).
 */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

/*
 * One step over s[i..len): how many bytes to consume (*step) and whether
 * they are copied (returns true) or escaped.
 */
static bool keep(const unsigned char *s, size_t i, size_t len, unsigned flags,
		 size_t *step)
{
	unsigned char c = s[i];
	*step = 1;
	if (c >= 0x20 && c < 0x7F)
		return true;
	if (c < 0x80) {
		if (flags & YOI_TERMESC_LINE)
			return false;
		return c == '\n' || c == '\t' ||
		       (c == '\r' && i + 1 < len && s[i + 1] == '\n');
	}
	size_t n = utf8_seq(s + i, len - i);
	if (n == 0)
		return false;
	*step = n;
	/* C1 controls: U+0080..U+009F are C2 80..C2 9F. */
	return !(c == 0xC2 && s[i + 1] <= 0x9F);
}

bool yoi_termesc_needed(const char *s, size_t len, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t step;
	for (size_t i = 0; i < len; i += step)
		if (!keep(u, i, len, flags, &step))
			return true;
	return false;
}

int yoi_termesc(yoi_buf *out, const char *s, size_t len, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0, step; /* s[run..i) is copied in one go */
	for (size_t i = 0; i < len; i += step) {
		if (keep(u, i, len, flags, &step))
			continue;
		if (i > run && yoi_buf_put(out, s + run, i - run) < 0)
			return YOI_ENOMEM;
		run = i + step;
		unsigned char c = u[i];
		char e[8];
		size_t n = 4;
		e[0] = '\\';
		if (c == '\n' || c == '\t' || c == '\r') {
			e[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			n = 2;
		} else if (step == 2) { /* a C1 control, U+0080..U+009F */
			memcpy(e, "\\u00", 4);
			e[4] = hex[u[i + 1] >> 4];
			e[5] = hex[u[i + 1] & 0xF];
			n = 6;
		} else {
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 0xF];
		}
		if (yoi_buf_put(out, e, n) < 0)
			return YOI_ENOMEM;
	}
	if (len > run && yoi_buf_put(out, s + run, len - run) < 0)
		return YOI_ENOMEM;
	/* An empty result still leaves a NUL-terminated buffer. */
	return out->ptr || yoi_buf_put(out, "", 0) == 0 ? 0 : YOI_ENOMEM;
}

char *yoi_termesc_dup(const char *s, unsigned flags)
{
	if (!s)
		return NULL;
	yoi_buf b = YOI_BUF_INIT;
	if (yoi_termesc(&b, s, strlen(s), flags) < 0) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}
