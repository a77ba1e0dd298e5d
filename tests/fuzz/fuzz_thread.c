/*
 * fuzz_thread.c - thread.md: yoi_thread_parse on arbitrary bytes.
 *
 * Properties (abort on violation):
 *  - events are in file order, each [start, end) inside the buffer and
 *    starting with the "<!-- event:" marker, blocks not overlapping,
 *    lines increasing; kind set on every event the parser kept with
 *    attributes, body never NULL;
 *  - yoi_thread_bad_text and the parser's "thread-encoding" finding agree;
 *  - replaying the state gives NULL, "closed", or a `to` of the thread;
 *  - a marker line whose previous non-blank line is "---" starts an event,
 *    fenced code or not (every appended block begins so: no fence, closed
 *    or not, hides an event written after it).
 */
#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"
#include "yoi/diag.h"
#include "yoi/thread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	yoi_thread *t = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	FUZZ_CHECK(yoi_thread_parse(&t, buf, size, "thread.md", &d) == 0,
		   "parse failed");
	/* A NUL byte cuts a value short (and is an encoding error): the
	 * non-empty checks hold for text only. */
	const char *what = NULL;
	int bad = yoi_thread_bad_text(buf, size, &what);
	bool text = memchr(buf, '\0', size) == NULL;
	size_t prev_end = 0;
	int prev_line = 0;
	for (size_t i = 0; i < t->n; i++) {
		const yoi_event *e = &t->ev[i];
		FUZZ_CHECK(e->start >= prev_end && e->start < e->end &&
			       e->end <= size,
			   "event %zu spans [%zu,%zu) after %zu in %zu bytes",
			   i, e->start, e->end, prev_end, size);
		FUZZ_CHECK(memcmp(buf + e->start, "<!-- event:", 11) == 0,
			   "event %zu does not start at its marker", i);
		FUZZ_CHECK(e->line > prev_line, "event %zu line %d after %d", i,
			   e->line, prev_line);
		FUZZ_CHECK(e->body, "event %zu has a NULL body", i);
		FUZZ_CHECK(!e->nattrs || (e->kind && (*e->kind || !text) &&
					  e->kind == e->attrs[0].value),
			   "event %zu: kind is not its first attribute", i);
		if (e->author && text)
			FUZZ_CHECK(*e->author, "event %zu: empty author", i);
		if (e->at && text)
			FUZZ_CHECK(*e->at, "event %zu: empty at", i);
		prev_end = e->end;
		prev_line = e->line;
	}
	long enc = yoi_diag_find(&d, "thread-encoding");
	FUZZ_CHECK((bad != 0) == (enc >= 0),
		   "bad_text says line %d, the parser %s", bad,
		   enc >= 0 ? "reports an encoding error" : "does not");
	if (bad)
		FUZZ_CHECK(d.v[enc].line == bad && what,
			   "encoding finding at line %d, bad_text %d",
			   d.v[enc].line, bad);

	size_t pos = size >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t next_ev = 0;
	bool after_sep = false;
	while (pos < size) {
		const char *nl = memchr(buf + pos, '\n', size - pos);
		size_t n = (nl ? (size_t)(nl - buf) : size) - pos;
		const char *s = buf + pos;
		if (n && s[n - 1] == '\r')
			n--;
		while (next_ev < t->n && t->ev[next_ev].start < pos)
			next_ev++;
		if (after_sep && n >= 11 && memcmp(s, "<!-- event:", 11) == 0)
			FUZZ_CHECK(next_ev < t->n &&
				       t->ev[next_ev].start == pos,
				   "the marker at byte %zu after a '---' line "
				   "starts no event",
				   pos);
		bool blank = true;
		for (size_t k = 0; k < n && blank; k++)
			blank = s[k] == ' ' || s[k] == '\t' || s[k] == '\r';
		if (!blank)
			after_sep = n == 3 && memcmp(s, "---", 3) == 0;
		pos = nl ? (size_t)(nl - buf) + 1 : size;
	}

	const char *st = yoi_thread_replay_state(t);
	if (st && strcmp(st, "closed") != 0) {
		bool found = false;
		for (size_t i = 0; i < t->n && !found; i++) {
			const char *to = yoi_event_attr(&t->ev[i], "to");
			found = to == st;
		}
		FUZZ_CHECK(found, "replayed state '%s' is no event's to", st);
	}
	(void)yoi_thread_is_crlf(buf, size);
	yoi_thread_free(t);
	yoi_diag_free(&d);
	return 0;
}
