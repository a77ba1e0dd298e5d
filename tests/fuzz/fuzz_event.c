/*
 * fuzz_event.c - event marker lines and blocks: parse (yoi_thread_parse),
 * then render each well-formed event again (yoi_event_render) and parse
 * that.
 *
 * Property (abort on violation): an event without NUL bytes that parsed
 * with its kind,
 * author and at, and that yoi_event_render accepts, comes back from its
 * rendering as exactly one event, without findings, with the same
 * attributes in the same order (same keys, same unescaped values), the
 * same heading (when it had a non-empty one) and the same body.
 */
#include <stdint.h>

#include "fuzz.h"
#include "yoi/diag.h"
#include "yoi/thread.h"

/*
 * s without the carriage returns that end its lines: the reader drops one
 * before each line break and the writer ends lines its own way, so CRs at
 * a line's end are line-ending noise, not content that round-trips.
 */
static char *no_cr_eol(const char *s)
{
	char *c = fuzz_strndup(s, strlen(s)), *o = c;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			size_t k = strspn(p, "\r");
			if (p[k] == '\n' || p[k] == '\0') {
				p += k - 1;
				continue;
			}
		}
		*o++ = *p;
	}
	*o = '\0';
	return c;
}

static void round_trip(const yoi_event *e, bool crlf)
{
	if (!e->kind || !e->author || !e->at)
		return;
	/* The attributes after event/author/at, in file order. */
	yoi_attr *rest = calloc(e->nattrs ? e->nattrs : 1, sizeof(*rest));
	if (!rest)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < e->nattrs; i++) {
		const char *k = e->attrs[i].key;
		if (strcmp(k, "event") && strcmp(k, "author") &&
		    strcmp(k, "at"))
			rest[n++] = e->attrs[i];
	}
	yoi_event_spec spec = {e->kind, e->author,  e->at,   rest,
			       n,	e->heading, e->body, true};
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	int rc = yoi_event_render(&out, &spec, crlf, &err);
	if (rc == YOI_EUSAGE) { /* a value the writer refuses to write */
		free(rest);
		yoi_buf_free(&out);
		return;
	}
	FUZZ_CHECK(rc == 0, "render failed: %d", rc);

	yoi_thread *t = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	FUZZ_CHECK(yoi_thread_parse(&t, out.ptr, out.len, "thread.md", &d) == 0,
		   "parse failed");
	FUZZ_CHECK(t->n == 1 && d.n == 0,
		   "a rendered event parses as %zu events, %zu findings "
		   "(first: %s)\n---\n%s",
		   t->n, d.n, d.n ? d.v[0].message : "-", out.ptr);
	const yoi_event *r = &t->ev[0];
	/* Order: event, author, at, then the others: compare by key. */
	FUZZ_CHECK(r->nattrs == e->nattrs, "%zu attributes came back as %zu",
		   e->nattrs, r->nattrs);
	for (size_t i = 0; i < e->nattrs; i++) {
		const char *v = yoi_event_attr(r, e->attrs[i].key);
		FUZZ_CHECK(v && strcmp(v, e->attrs[i].value) == 0,
			   "attribute '%s' = '%s' came back as '%s'\n---\n%s",
			   e->attrs[i].key, e->attrs[i].value, v ? v : "(none)",
			   out.ptr);
	}
	for (size_t i = 3, j = 0; i < r->nattrs; i++, j++)
		FUZZ_CHECK(strcmp(r->attrs[i].key, rest[j].key) == 0,
			   "attribute order changed at '%s'", rest[j].key);
	if (e->heading && *e->heading)
		FUZZ_CHECK(r->heading && strcmp(r->heading, e->heading) == 0,
			   "heading '%s' came back as '%s'", e->heading,
			   r->heading ? r->heading : "(none)");
	char *want = no_cr_eol(e->body), *got = no_cr_eol(r->body);
	FUZZ_CHECK(strcmp(got, want) == 0,
		   "body changed by a round trip\n--- was\n%s\n--- is\n%s",
		   want, got);
	free(want);
	free(got);
	yoi_thread_free(t);
	yoi_diag_free(&d);
	yoi_buf_free(&out);
	free(rest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	yoi_thread *t = NULL;
	FUZZ_CHECK(yoi_thread_parse(&t, buf, size, NULL, NULL) == 0,
		   "parse failed");
	bool crlf = yoi_thread_is_crlf(buf, size);
	/* Strings stop at a NUL byte (an encoding error of the file): only
	 * events without one can come back whole. */
	for (size_t i = 0; i < t->n && i < 64; i++)
		if (!memchr(buf + t->ev[i].start, '\0',
			    t->ev[i].end - t->ev[i].start))
			round_trip(&t->ev[i], crlf);
	for (size_t i = 0; i < t->n; i++)
		(void)yoi_thread_heading(t->ev[i].kind,
					 yoi_event_attr(&t->ev[i], "status"));
	yoi_thread_free(t);
	return 0;
}
