/* diag.c - diagnostic lists. */
#include "yoi/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"

/*
 * Messages quote text from the files (a bad timestamp, a kind); a byte that
 * is not UTF-8 becomes '?' so that every output format (JSON needs UTF-8)
 * can carry every diagnostic.
 */
static void scrub_utf8(char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t k = 1;
		while (k <= 4 && i + k <= len && !yoi_utf8_valid(s + i, k))
			k++;
		if (k > 4 || i + k > len)
			s[i++] = '?';
		else
			i += k;
	}
}

void yoi_diag_add(yoi_diag *d, yoi_severity sev, const char *code,
		  const char *path, int line, const char *fmt, ...)
{
	if (!d)
		return;
	if (YOI_GROW(d->v, d->n, d->cap, 16) < 0) {
		d->dropped++;
		return;
	}
	yoi_buf msg = YOI_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc == 0 && msg.ptr && !yoi_utf8_valid(msg.ptr, msg.len))
		scrub_utf8(msg.ptr, msg.len);
	yoi_diag_entry e = {sev, yoi_strdup(code), yoi_strdup(path ? path : ""),
			    line, rc < 0 ? NULL : yoi_buf_detach(&msg)};
	if (!e.code || !e.path || !e.message) {
		free(e.code);
		free(e.path);
		free(e.message);
		yoi_buf_free(&msg);
		d->dropped++;
		return;
	}
	d->v[d->n++] = e;
}

size_t yoi_diag_count(const yoi_diag *d, yoi_severity sev)
{
	size_t c = 0;
	for (size_t i = 0; i < d->n; i++)
		c += d->v[i].severity == sev;
	return c;
}

long yoi_diag_find(const yoi_diag *d, const char *code)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].code, code) == 0)
			return (long)i;
	return -1;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const yoi_diag_entry *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	c = strcmp(a->code, b->code);
	if (c)
		return c;
	return strcmp(a->message, b->message);
}

void yoi_diag_sort(yoi_diag *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cmp_entry);
}

void yoi_diag_free(yoi_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].code);
		free(d->v[i].path);
		free(d->v[i].message);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->dropped = 0;
}

void yoi_sink_report(yoi_sink *s, const char *dcode, int ecode, const char *fmt,
		     ...)
{
	char msg[YOI_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->d)
		yoi_diag_add(s->d, YOI_DIAG_ERROR, dcode, s->path, s->line,
			     "%s", msg);
	if (s->n == 0) {
		s->ecode = ecode;
		yoi_error_set(s->err, ecode, s->path, s->line, "%s", msg);
	}
	s->n++;
}

bool yoi_sink_text_ok(yoi_sink *s, const char *limit_code,
		      const char *schema_code, const char *what, const char *v,
		      size_t max)
{
	size_t len = strlen(v);
	if (len > max) {
		yoi_sink_report(
		    s, limit_code, YOI_EUSAGE,
		    "%s is %zu bytes, over the limit of %zu; shorten it", what,
		    len, max);
		return false;
	}
	if (!yoi_utf8_valid(v, len)) {
		yoi_sink_report(s, schema_code, YOI_EUSAGE,
				"%s is not valid UTF-8; write it as UTF-8",
				what);
		return false;
	}
	return true;
}

void yoi_quote(char *out, size_t cap, const char *s)
{
	if (!cap)
		return;
	size_t len = strlen(s);
	size_t k = len;
	if (k > YOI_QUOTE_MAX) {
		k = YOI_QUOTE_MAX;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
	}
	snprintf(out, cap, "%.*s%s", (int)k, s, k < len ? "..." : "");
	/* A message is one line: no line break or other control character
	 * of the value reaches it. */
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}
