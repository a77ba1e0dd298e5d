/*
 * thread.h - the thread.md event grammar (SPEC 4): parse, render, escape,
 * replay. Pure: works on buffers.
 *
 * An event line:  <!-- event: KIND author: A at: T key: value ... -->
 * Values are tokens without whitespace or double-quoted strings with \" and
 * \\ escapes; readers also take an unquoted value with spaces (older
 * tools), which runs to the next " key: " or " -->" (rules in thread.c).
 * Then a blank line, "## Heading", blank line, body, blank line, "---".
 * Bodies may contain "---" lines; the body ends at the last "---" line
 * before the next event line (or EOF). Readers tolerate leading
 * blank lines and missing blank lines. A body line whose first non-space
 * characters are "<!-- event:" is written escaped with a leading backslash
 * and is never an event line when read. A marker line inside a fenced code
 * block of a body (``` or ~~~) is body text too, unless the line before it
 * (blank lines aside) is "---": an unclosed fence ends with its event.
 * Writers still escape every marker-like body line, fenced or not: every
 * reader, old or new, reads the escaped line back the same.
 *
 * Ownership: yoi_thread owns every event and string; yoi_thread_free.
 * A yoi_thread comes only from yoi_thread_parse: its strings live in an
 * arena the thread owns, so never build one by hand, free or replace its
 * members, or realloc ev.
 */
#ifndef YOI_THREAD_H
#define YOI_THREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"

#define YOI_THREAD_VALUE_MAX 1024	 /* attribute value, reason */
#define YOI_THREAD_BODY_MAX  (64 * 1024) /* event body unless --allow-large */

typedef struct yoi_attr {
	char *key;
	char *value; /* unescaped */
} yoi_attr;

typedef struct yoi_event {
	const char *kind;   /* = value of attr "event"; NULL if missing */
	const char *author; /* = value of attr "author"; NULL if missing */
	const char *at;	    /* = value of attr "at"; NULL if missing */
	yoi_attr *attrs;    /* all attributes in file order, incl. the above */
	size_t nattrs;
	char *heading; /* text after "## ", NULL if none */
	char *
	    body; /* unescaped body, trailing blank lines trimmed; never NULL */
	int line; /* 1-based line of the event marker */
	size_t start; /* byte offset of the marker line */
	size_t end;   /* byte offset just past this event's block */
} yoi_event;

typedef struct yoi_thread {
	yoi_event *ev;
	size_t n;
	size_t cap;
} yoi_thread;

/*
 * Parse buf. Malformed event lines (bad quoting, missing "-->", missing
 * event/author/at) are reported into d (code "thread-malformed-event",
 * "thread-missing-author", "thread-missing-at", with path and line) and
 * skipped or kept with NULL fields as documented in the .c file; parsing
 * itself fails only on allocation failure (YOI_ENOMEM). CRLF is accepted.
 * d may be NULL. Content before the first event (other than blank lines)
 * is reported as "thread-stray-text" (warning); binary data or invalid
 * UTF-8 as "thread-encoding" (error); an unclosed code fence that made
 * marker lines body text as "thread-unclosed-fence" (warning).
 */
int yoi_thread_parse(yoi_thread **out, const char *buf, size_t len,
		     const char *path, yoi_diag *d);
void yoi_thread_free(yoi_thread *t);

/* Value of attribute key in e, or NULL. */
const char *yoi_event_attr(const yoi_event *e, const char *key);

/* Default heading for a kind ("comment" -> "Comment"); NULL if unknown. */
const char *yoi_thread_heading(const char *kind, const char *status);

/*
 * Something to append. attrs are the attributes after event/author/at,
 * in order. heading NULL -> yoi_thread_heading(kind, status attr).
 */
typedef struct yoi_event_spec {
	const char *kind;
	const char *author;
	const char *at; /* RFC 3339 */
	const yoi_attr *attrs;
	size_t nattrs;
	const char *heading;
	const char *body; /* may be NULL or empty */
	bool allow_large; /* lift the 64 KiB body limit */
} yoi_event_spec;

/*
 * Append the rendered block for spec to out:
 *   "<!-- event: ... -->\n\n## Heading\n\n<body>\n\n---\n"
 * Values that are empty or contain whitespace, '"' or '\\' are quoted.
 * Refuses (YOI_EUSAGE, message in err naming the attribute) a value with a
 * newline or "-->", a value or reason longer than 1 KiB, a key that is not
 * [a-z0-9_]+, a body over 64 KiB without allow_large, or a body that is
 * not valid UTF-8. Escapes body lines that would forge an event.
 * When crlf is true, lines end in "\r\n".
 */
int yoi_event_render(yoi_buf *out, const yoi_event_spec *spec, bool crlf,
		     yoi_error *err);

/*
 * Replay: the state after the events, in file order: the `to` of the last
 * state_changed, or "closed" after a close event (whichever is later).
 * Returns NULL when no event sets a state. Points into t (or is the
 * static string "closed"); valid until yoi_thread_free.
 */
const char *yoi_thread_replay_state(const yoi_thread *t);

/* True when buf (a thread.md) uses CRLF line endings. */
bool yoi_thread_is_crlf(const char *buf, size_t len);

/*
 * 0 when buf is text a thread can hold (UTF-8 without NUL bytes); else the
 * 1-based line of the first bad byte, with *what (may be NULL) set to "a
 * NUL byte" or "invalid UTF-8". yoi_thread_parse reports the same finding
 * into d as "thread-encoding" (error).
 */
int yoi_thread_bad_text(const char *buf, size_t len, const char **what);

/*
 * Torn tails (a writer killed part-way through an append). A complete
 * event block ends with its "---" line (optionally "---\r") and the
 * newline after it, or "---" at the very end of the file. The complete
 * part of buf is everything up to the end of its last "---" line;
 * yoi_thread_complete_len returns that length (0 when buf has no "---"
 * line). The torn tail is what follows it when that holds anything but
 * spaces, tabs and line breaks: the start of a block whose "---" was
 * never written. yoi_thread_torn_tail says whether buf has one and sets
 * *keep (may be NULL) to the complete length. A block cut right after a
 * "---" line inside its own body cannot be told from a complete one: it
 * reads as a complete block with a shorter body.
 */
size_t yoi_thread_complete_len(const char *buf, size_t len);
bool yoi_thread_torn_tail(const char *buf, size_t len, size_t *keep);

#endif
