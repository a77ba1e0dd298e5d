/*
 * thread.c - the thread.md event grammar (SPEC 4): parse, render, escape,
 * replay.
 *
 * Parsing is one pass over the buffer with memchr, line by line; a second
 * pass touches only body lines when they are copied out. Every string of a
 * parsed thread lives in a chunked arena owned by the thread, so a thread of
 * N events costs a handful of mallocs, not one per string. That is why a
 * yoi_thread is always created by yoi_thread_parse: the public struct is the
 * first member of a private one that also holds the arena.
 *
 * Reading decisions, in the order a reader meets them:
 *  - Lines split on '\n'; one trailing '\r' per line is ignored. A UTF-8
 *    byte order mark at offset 0 is skipped.
 *  - A line that begins (column 0) with "<!-- event:" is an event boundary,
 *    well formed or not. When it does not end with " -->" or its attributes
 *    do not parse ("thread-malformed-event", error), the event is kept with
 *    kind/author/at NULL and no attributes, so its text is not glued onto the
 *    previous event and replay ignores it.
 *  - Attributes: key [a-z0-9_]+, ':', one or more spaces, then a "quoted"
 *    string with \" and \\ escapes, or an unquoted value. Pairs are
 *    separated by spaces. An unquoted value (older tools wrote them with
 *    spaces: `author: yoi ticket`) runs up to the first place where one or
 *    more spaces, a key, ':' and a space (or the end of the line) follow,
 *    or to " -->"; its trailing spaces are dropped. So `reason: yoi note:
 *    x` is always reason "yoi" and note "x", and `see http://x at 10:00`
 *    stays one value (no space after those colons). Still malformed: an
 *    unterminated quote, text glued to a closing quote, a tab (or other
 *    white space but ' ') in an unquoted value, a key with no value
 *    before the next key or "-->" (`author: at: T`, `event: author: a`;
 *    but `k: x: y: z` is k "x:" and y "z", as it always was). A line every
 * earlier version accepted reads exactly as before (its tokens never hold a
 * space, and each is followed by " key: " or the end).
 *  - The first key is "event"; an empty kind is malformed. Missing or empty
 *    author/at: "thread-missing-author" / "thread-missing-at" (error), field
 *    NULL. A repeated key keeps its first value and is dropped from attrs
 *    ("thread-duplicate-attr", warning).
 *  - After the marker: blank lines, an optional "## " heading, blank lines,
 *    then the body up to the LAST line that is exactly "---" before the next
 *    boundary. Without one, the body runs to the boundary and
 *    "thread-missing-separator" (warning) is reported at the marker's line.
 *    Non-blank text between that "---" and the next boundary is not part of
 *    any event: "thread-stray-text" (warning, once per event).
 *  - Fenced code in a body (CommonMark: up to 3 spaces, a run of 3+ '`' or
 *    '~', a backtick fence's info string without '`'; closed by a run of
 *    the same character at least as long, then only spaces/tabs): marker
 *    lines and "---" lines inside are body text. Exception: a marker line
 *    whose previous non-blank line is "---" always starts an event, fence
 *    or not, since every block a writer appends begins so; an unclosed
 *    fence thus ends with its event (CommonMark: at the end of its
 *    container) and never swallows later events. The event's separator is
 *    then its last "---", inside the fence or not. An unclosed fence that
 *    held marker lines it made code: "thread-unclosed-fence" (warning, at
 *    the fence's line). A whole thread pasted into a fence splits at its
 *    second event (the exception above).
 *  - Body lines matching ^\\+[ \t]*<!-- event: lose one backslash. Leading
 *    and trailing blank lines are trimmed, '\r' line ends dropped; the body
 *    has no trailing newline and is never NULL.
 *  - Non-blank text before the first event: "thread-stray-text" (warning,
 *    once, at its first line).
 */
#include "yoi/thread.h"

#include <limits.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MARK_PREFIX	"<!-- event:"
#define MARK_PREFIX_LEN (sizeof(MARK_PREFIX) - 1)
#define MARK_SUFFIX	" -->"
#define MARK_SUFFIX_LEN (sizeof(MARK_SUFFIX) - 1)
/* "<!-- " precedes the first key, so attribute parsing starts at "event:". */
#define MARK_OPEN_LEN 5
/* Attribute count up to which duplicate keys are found pairwise. */
#define DUP_PAIRWISE_MAX 16

/* ---- arena ------------------------------------------------------------ */

typedef struct chunk {
	struct chunk *next;
	size_t used;
	size_t cap;
	max_align_t data[];
} chunk;

typedef struct thread_impl {
	yoi_thread pub; /* first: a yoi_thread * is a thread_impl * */
	chunk *chunks;	/* newest first */
} thread_impl;

/* One attribute as lexed from a marker line, before it is copied out. */
typedef struct attr_range {
	const char *k;
	size_t klen;
	const char *v;
	size_t vlen;
	bool quoted;
	bool dup;
} attr_range;

typedef struct parser {
	thread_impl *t;
	size_t next_cap; /* size of the next arena chunk */
	char *last;	 /* last arena allocation, so it can be shrunk */
	size_t last_len;
	attr_range *rg; /* scratch, reused for every marker line */
	size_t nrg;
	size_t caprg;
	attr_range **order; /* scratch for duplicate detection */
	size_t caporder;
	const char *path;
	yoi_diag *d;
} parser;

static void *arena_alloc(parser *p, size_t n, size_t align)
{
	chunk *c = p->t->chunks;
	if (c) {
		size_t off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->cap && n <= c->cap - off) {
			c->used = off + n;
			p->last = (char *)c->data + off;
			p->last_len = n;
			return p->last;
		}
	}
	size_t cap = p->next_cap;
	if (cap < n)
		cap = n;
	if (cap > SIZE_MAX - sizeof(chunk))
		return NULL;
	c = malloc(sizeof(chunk) + cap);
	if (!c)
		return NULL;
	c->next = p->t->chunks;
	c->used = n;
	c->cap = cap;
	p->t->chunks = c;
	if (p->next_cap < SIZE_MAX / 4)
		p->next_cap *= 2;
	p->last = (char *)c->data;
	p->last_len = n;
	return p->last;
}

/* Give back the unused tail of the last allocation (bodies are sized for
 * the worst case and usually shrink only by their trimmed lines). */
static void arena_shrink_last(parser *p, char *ptr, size_t n)
{
	chunk *c = p->t->chunks;
	if (!c || ptr != p->last || n > p->last_len)
		return;
	if ((char *)c->data + c->used == ptr + p->last_len)
		c->used -= p->last_len - n;
	p->last_len = n;
}

/* ---- small predicates --------------------------------------------------- */

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static bool is_boundary(const char *s, size_t n)
{
	return n >= MARK_PREFIX_LEN && s[0] == '<' &&
	       memcmp(s, MARK_PREFIX, MARK_PREFIX_LEN) == 0;
}

static bool is_sep(const char *s, size_t n)
{
	return n == 3 && s[0] == '-' && s[1] == '-' && s[2] == '-';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/*
 * Length of the run of leading backslashes when s[0..n) is
 * \\*[ \t]*<!-- event: ..., else -1. Zero backslashes is a match too.
 */
static long forged_marker(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == '\\')
		i++;
	size_t k = i;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	if (n - k < MARK_PREFIX_LEN ||
	    memcmp(s + k, MARK_PREFIX, MARK_PREFIX_LEN) != 0)
		return -1;
	return (long)i;
}

/* ---- parse: marker line ------------------------------------------------- */

static int cmp_range(const void *pa, const void *pb)
{
	const attr_range *a = *(attr_range *const *)pa;
	const attr_range *b = *(attr_range *const *)pb;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(a->k, b->k, n);
	if (c)
		return c;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	/* Same key: file order, so the first one is kept. */
	return a < b ? -1 : a > b;
}

static bool same_key(const attr_range *a, const attr_range *b)
{
	return a->klen == b->klen && memcmp(a->k, b->k, a->klen) == 0;
}

/* Mark every repeated key but its first occurrence. Returns unique count. */
static int mark_dups(parser *p, size_t *unique)
{
	size_t n = p->nrg, u = n;
	if (n <= DUP_PAIRWISE_MAX) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (same_key(&p->rg[i], &p->rg[j])) {
					p->rg[i].dup = true;
					u--;
					break;
				}
		*unique = u;
		return 0;
	}
	if (n > p->caporder) {
		attr_range **o = realloc(p->order, n * sizeof(*o));
		if (!o)
			return YOI_ENOMEM;
		p->order = o;
		p->caporder = n;
	}
	for (size_t i = 0; i < n; i++)
		p->order[i] = &p->rg[i];
	qsort(p->order, n, sizeof(*p->order), cmp_range);
	for (size_t i = 1; i < n; i++)
		if (same_key(p->order[i], p->order[i - 1])) {
			p->order[i]->dup = true;
			u--;
		}
	*unique = u;
	return 0;
}

/*
 * True when s[i..n) begins with a key, ':' and then a space or the end:
 * where the next attribute starts. An unquoted value (which older tools
 * wrote with spaces in it) runs up to the space before such a place.
 */
static bool key_at(const char *s, size_t i, size_t n)
{
	size_t k = i;
	while (k < n && is_key_char(s[k]))
		k++;
	return k > i && k < n && s[k] == ':' && (k + 1 == n || s[k + 1] == ' ');
}

/*
 * Lex "event: KIND key: value ..." into p->rg. Returns 0 and sets *why to a
 * reason when malformed, YOI_ENOMEM on allocation failure.
 */
static int lex_attrs(parser *p, const char *s, size_t n, const char **why)
{
	size_t i = 0;
	p->nrg = 0;
	*why = NULL;
	while (i < n) {
		if (p->nrg) {
			if (s[i] != ' ') {
				*why = "attributes must be separated by "
				       "spaces";
				return 0;
			}
			while (i < n && s[i] == ' ')
				i++;
			if (i == n)
				break;
		}
		size_t k = i;
		while (k < n && is_key_char(s[k]))
			k++;
		if (k == i || k == n || s[k] != ':') {
			*why = "an attribute key must match [a-z0-9_]+ and "
			       "be followed by ':'";
			return 0;
		}
		if (k + 1 == n || s[k + 1] != ' ') {
			*why = "an attribute key must be followed by ': ' and "
			       "a value";
			return 0;
		}
		size_t v = k + 2;
		while (v < n && s[v] == ' ')
			v++;
		if (v == n) {
			*why = "an attribute has no value";
			return 0;
		}
		attr_range r = {s + i, k - i, NULL, 0, false, false};
		if (s[v] == '"') {
			size_t e = v + 1;
			while (e < n && s[e] != '"') {
				if (s[e] == '\\') {
					if (e + 1 == n || (s[e + 1] != '"' &&
							   s[e + 1] != '\\')) {
						*why =
						    "a quoted value may only "
						    "escape \\\" and \\\\";
						return 0;
					}
					e++;
				}
				e++;
			}
			if (e >= n) {
				*why = "a quoted value is not terminated";
				return 0;
			}
			r.v = s + v + 1;
			r.vlen = e - v - 1;
			r.quoted = true;
			i = e + 1;
		} else {
			size_t e = v, end = v;
			while (e < n && !(s[e] == ' ' && key_at(s, e + 1, n))) {
				if (is_ws(s[e]) && s[e] != ' ') {
					*why = "an unquoted value may hold "
					       "spaces but no tabs or other "
					       "white space";
					return 0;
				}
				e++;
				if (s[e - 1] != ' ')
					end = e;
			}
			/* "k: word: more": k has no value (a first word
			 * "word:" right before the next key is a value, as
			 * it always was). */
			if (key_at(s, v, n) && memchr(s + v, ' ', end - v)) {
				*why = "an attribute has no value before the "
				       "next key";
				return 0;
			}
			r.v = s + v;
			r.vlen = end - v;
			i = end;
		}
		if (p->nrg == 0 &&
		    (r.klen != 5 || memcmp(r.k, "event", 5) != 0)) {
			*why = "the first attribute must be 'event'";
			return 0;
		}
		if (p->nrg == 0 && r.vlen == 0) {
			*why = "the event kind is empty";
			return 0;
		}
		if (YOI_GROW(p->rg, p->nrg, p->caprg, 16) < 0)
			return YOI_ENOMEM;
		p->rg[p->nrg++] = r;
	}
	if (!p->nrg)
		*why = "the event line has no attributes";
	return 0;
}

static size_t unquote(char *dst, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		dst[o++] = s[i];
	}
	dst[o] = '\0';
	return o;
}

static int parse_marker(parser *p, yoi_event *e, const char *s, size_t n)
{
	const char *why = NULL;
	if (n < MARK_PREFIX_LEN + MARK_SUFFIX_LEN ||
	    memcmp(s + n - MARK_SUFFIX_LEN, MARK_SUFFIX, MARK_SUFFIX_LEN) != 0)
		why = "the event line does not end with ' -->'";
	else if (n < MARK_PREFIX_LEN + 1 || s[MARK_PREFIX_LEN] != ' ')
		why = "the event line must begin with '<!-- event: '";
	else if (lex_attrs(p, s + MARK_OPEN_LEN,
			   n - MARK_OPEN_LEN - MARK_SUFFIX_LEN, &why) < 0)
		return YOI_ENOMEM;
	if (why) {
		yoi_diag_add(p->d, YOI_DIAG_ERROR, "thread-malformed-event",
			     p->path, e->line,
			     "malformed event line (%s); the event is ignored "
			     "until the line is repaired (write key: value "
			     "pairs; a value holding tabs, quotes or a "
			     "'word:' goes in double quotes)",
			     why);
		return 0;
	}

	size_t unique;
	if (mark_dups(p, &unique) < 0)
		return YOI_ENOMEM;
	size_t need = unique * sizeof(yoi_attr);
	for (size_t i = 0; i < p->nrg; i++)
		if (!p->rg[i].dup)
			need += p->rg[i].klen + p->rg[i].vlen + 2;
	yoi_attr *a = arena_alloc(p, need, alignof(yoi_attr));
	if (!a)
		return YOI_ENOMEM;
	char *str = (char *)(a + unique);
	size_t j = 0;
	for (size_t i = 0; i < p->nrg; i++) {
		const attr_range *r = &p->rg[i];
		if (r->dup) {
			yoi_diag_add(p->d, YOI_DIAG_WARNING,
				     "thread-duplicate-attr", p->path, e->line,
				     "attribute '%.*s' is repeated; the first "
				     "value is used",
				     (int)r->klen, r->k);
			continue;
		}
		a[j].key = str;
		memcpy(str, r->k, r->klen);
		str[r->klen] = '\0';
		str += r->klen + 1;
		a[j].value = str;
		if (r->quoted) {
			str += unquote(str, r->v, r->vlen) + 1;
		} else {
			memcpy(str, r->v, r->vlen);
			str[r->vlen] = '\0';
			str += r->vlen + 1;
		}
		j++;
	}
	e->attrs = a;
	e->nattrs = unique;
	e->kind = a[0].value;
	e->author = yoi_event_attr(e, "author");
	e->at = yoi_event_attr(e, "at");
	if (e->author && !*e->author)
		e->author = NULL;
	if (e->at && !*e->at)
		e->at = NULL;
	if (!e->author)
		yoi_diag_add(p->d, YOI_DIAG_ERROR, "thread-missing-author",
			     p->path, e->line,
			     "%s event has no author attribute", e->kind);
	if (!e->at)
		yoi_diag_add(p->d, YOI_DIAG_ERROR, "thread-missing-at", p->path,
			     e->line, "%s event has no at timestamp", e->kind);
	return 0;
}

/* ---- parse: block ------------------------------------------------------- */

enum phase { PH_BEFORE_HEADING, PH_AFTER_HEADING, PH_BODY };

typedef struct block {
	size_t idx; /* index in t->pub.ev */
	enum phase phase;
	size_t body_start;
	bool have_sep;
	size_t sep_start;
	size_t sep_end;
	int sep_line;
	bool prev_sep;	  /* the last non-blank line was "---" */
	bool in_fence;	  /* inside a fenced code block of the body */
	char fence_ch;	  /* its '`' or '~' */
	size_t fence_len; /* length of its opening run */
	int fence_line;
	bool fence_marker; /* a marker line was kept as code in it */
	bool have_fsep;	   /* last "---" inside the open fence */
	size_t fsep_start;
	size_t fsep_end;
	int fsep_line;
} block;

/*
 * CommonMark fences: up to 3 spaces, then a run of 3 or more '`' or '~'.
 * Returns the run's length (0 when s is no fence line) and its character
 * in *ch; *rest is the offset just past the run.
 */
static size_t fence_run(const char *s, size_t n, char *ch, size_t *rest)
{
	size_t i = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i == n || (s[i] != '`' && s[i] != '~'))
		return 0;
	size_t k = i;
	while (k < n && s[k] == s[i])
		k++;
	if (k - i < 3)
		return 0;
	*ch = s[i];
	*rest = k;
	return k - i;
}

/* An opening fence: a backtick fence's info string holds no backtick. */
static bool fence_open(block *b, const char *s, size_t n, int line)
{
	char ch;
	size_t rest;
	size_t len = fence_run(s, n, &ch, &rest);
	if (!len || (ch == '`' && memchr(s + rest, '`', n - rest)))
		return false;
	b->in_fence = true;
	b->fence_ch = ch;
	b->fence_len = len;
	b->fence_line = line;
	b->fence_marker = false;
	b->have_fsep = false;
	return true;
}

/* The closing fence of b's open fence: same character, at least as long,
 * nothing but spaces and tabs after it. */
static bool fence_close(const block *b, const char *s, size_t n)
{
	char ch;
	size_t rest;
	size_t len = fence_run(s, n, &ch, &rest);
	if (!len || ch != b->fence_ch || len < b->fence_len)
		return false;
	for (size_t i = rest; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Copy body lines [from, to) of buf into the arena, unescaped and trimmed. */
static int build_body(parser *p, yoi_event *e, const char *buf, size_t from,
		      size_t to)
{
	char *out = arena_alloc(p, to - from + 1, 1);
	if (!out)
		return YOI_ENOMEM;
	size_t o = 0, keep = 0; /* keep: length up to the last non-blank */
	bool started = false;
	size_t pos = from;
	while (pos < to) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', to - pos);
		size_t n = nl ? (size_t)(nl - s) : to - pos;
		pos = nl ? pos + n + 1 : to;
		if (n && s[n - 1] == '\r')
			n--;
		bool blank = is_blank(s, n);
		if (!started && blank)
			continue;
		started = true;
		if (n && s[0] == '\\' && forged_marker(s, n) > 0) {
			s++;
			n--;
		}
		if (o)
			out[o++] = '\n';
		memcpy(out + o, s, n);
		o += n;
		if (!blank)
			keep = o;
	}
	out[keep] = '\0';
	arena_shrink_last(p, out, keep + 1);
	e->body = out;
	return 0;
}

static int finish_block(parser *p, const block *blk, const char *buf,
			size_t block_end)
{
	block fb = *blk, *b = &fb;
	yoi_event *e = &p->t->pub.ev[b->idx];
	if (b->in_fence) {
		/* An unclosed fence ends with its event: the event's last
		 * "---" may be inside it. */
		if (b->have_fsep) {
			b->have_sep = true;
			b->sep_start = b->fsep_start;
			b->sep_end = b->fsep_end;
			b->sep_line = b->fsep_line;
		}
		if (b->fence_marker)
			yoi_diag_add(p->d, YOI_DIAG_WARNING,
				     "thread-unclosed-fence", p->path,
				     b->fence_line,
				     "code fence opened here is not closed "
				     "before its event ends; the event lines "
				     "inside it are read as code: close the "
				     "fence with %c%c%c if so, or ask the "
				     "author",
				     b->fence_ch, b->fence_ch, b->fence_ch);
	}
	size_t body_end = b->have_sep ? b->sep_start : block_end;
	size_t body_start = b->phase == PH_BODY ? b->body_start : body_end;
	if (build_body(p, e, buf, body_start, body_end) < 0)
		return YOI_ENOMEM;
	if (!b->have_sep) {
		e->end = block_end;
		yoi_diag_add(p->d, YOI_DIAG_WARNING, "thread-missing-separator",
			     p->path, e->line,
			     "event has no closing '---' line before the next "
			     "event or the end of the file");
		return 0;
	}
	e->end = b->sep_end;
	/* Usually only blank lines follow the separator; anything else is
	 * outside every event and would be silently lost. */
	int line = b->sep_line;
	size_t pos = b->sep_end;
	while (pos < block_end) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', block_end - pos);
		size_t n = nl ? (size_t)(nl - s) : block_end - pos;
		pos = nl ? pos + n + 1 : block_end;
		line++;
		if (!is_blank(s, n)) {
			yoi_diag_add(p->d, YOI_DIAG_WARNING,
				     "thread-stray-text", p->path, line,
				     "text after the event's closing '---' "
				     "belongs to no event");
			break;
		}
	}
	return 0;
}

static int new_event(parser *p, size_t start, int line)
{
	yoi_thread *t = &p->t->pub;
	if (YOI_GROW(t->ev, t->n, t->cap, 16) < 0)
		return YOI_ENOMEM;
	yoi_event *e = &t->ev[t->n++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->start = start;
	e->end = start;
	return 0;
}

static int parse_all(parser *p, const char *buf, size_t len)
{
	size_t pos = 0;
	int lineno = 0;
	bool stray_reported = false, open = false;
	block b = {0};

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t raw = nl ? (size_t)(nl - s) : len - pos;
		size_t next = nl ? pos + raw + 1 : len;
		size_t n = raw;
		if (n && s[n - 1] == '\r')
			n--;
		if (lineno < INT_MAX)
			lineno++;

		/* A marker line in a fenced code block is code, unless a
		 * "---" line precedes it: that is how every block begins,
		 * so an unclosed fence never hides the events after it. */
		bool fenced = open && b.in_fence && !b.prev_sep;
		if (is_boundary(s, n) && fenced) {
			b.fence_marker = true;
			b.prev_sep = false;
			pos = next;
			continue;
		}
		if (is_boundary(s, n)) {
			if (open && finish_block(p, &b, buf, pos) < 0)
				return YOI_ENOMEM;
			if (new_event(p, pos, lineno) < 0)
				return YOI_ENOMEM;
			memset(&b, 0, sizeof(b));
			b.idx = p->t->pub.n - 1;
			b.phase = PH_BEFORE_HEADING;
			open = true;
			if (parse_marker(p, &p->t->pub.ev[b.idx], s, n) < 0)
				return YOI_ENOMEM;
			pos = next;
			continue;
		}
		if (!open) {
			if (!stray_reported && !is_blank(s, n)) {
				yoi_diag_add(p->d, YOI_DIAG_WARNING,
					     "thread-stray-text", p->path,
					     lineno,
					     "text before the first event "
					     "belongs to no event");
				stray_reported = true;
			}
			pos = next;
			continue;
		}
		switch (b.phase) {
		case PH_BEFORE_HEADING:
			if (is_blank(s, n))
				break;
			if (n >= 3 && s[0] == '#' && s[1] == '#' &&
			    s[2] == ' ') {
				size_t h = n;
				while (h > 3 &&
				       (s[h - 1] == ' ' || s[h - 1] == '\t' ||
					s[h - 1] == '\r'))
					h--;
				yoi_event *e = &p->t->pub.ev[b.idx];
				e->heading = arena_alloc(p, h - 3 + 1, 1);
				if (!e->heading)
					return YOI_ENOMEM;
				memcpy(e->heading, s + 3, h - 3);
				e->heading[h - 3] = '\0';
				b.phase = PH_AFTER_HEADING;
				break;
			}
			/* No heading: this line starts the body. */
			/* fallthrough */
		case PH_AFTER_HEADING:
			if (b.phase == PH_AFTER_HEADING && is_blank(s, n))
				break;
			b.phase = PH_BODY;
			b.body_start = pos;
			/* fallthrough */
		case PH_BODY:
			if (b.in_fence) {
				if (fence_close(&b, s, n)) {
					b.in_fence = false;
				} else if (is_sep(s, n)) {
					b.have_fsep = true;
					b.fsep_start = pos;
					b.fsep_end = next;
					b.fsep_line = lineno;
				}
			} else if (fence_open(&b, s, n, lineno)) {
				break;
			} else if (is_sep(s, n)) {
				b.have_sep = true;
				b.sep_start = pos;
				b.sep_end = next;
				b.sep_line = lineno;
			}
			break;
		}
		if (!is_blank(s, n))
			b.prev_sep = is_sep(s, n);
		pos = next;
	}
	if (open && finish_block(p, &b, buf, len) < 0)
		return YOI_ENOMEM;
	return 0;
}

int yoi_thread_parse(yoi_thread **out, const char *buf, size_t len,
		     const char *path, yoi_diag *d)
{
	*out = NULL;
	thread_impl *t = calloc(1, sizeof(*t));
	if (!t)
		return YOI_ENOMEM;
	if (!buf)
		len = 0;
	parser p = {0};
	p.t = t;
	p.path = path;
	p.d = d;
	/* Strings and attribute arrays take about as much room as the text
	 * they come from; one chunk usually holds a whole thread. */
	p.next_cap = len < SIZE_MAX / 4 ? len + len / 2 + 1024 : len;
	int rc = parse_all(&p, buf, len);
	free(p.rg);
	free(p.order);
	if (rc < 0) {
		yoi_thread_free(&t->pub);
		return rc;
	}
	const char *what;
	int bad = d ? yoi_thread_bad_text(buf, len, &what) : 0;
	if (bad)
		yoi_diag_add(d, YOI_DIAG_ERROR, "thread-encoding", path, bad,
			     "%s: thread.md must be UTF-8 text; remove the "
			     "binary data or save the file as UTF-8",
			     what);
	*out = &t->pub;
	return 0;
}

void yoi_thread_free(yoi_thread *t)
{
	if (!t)
		return;
	thread_impl *impl = (thread_impl *)t;
	chunk *c = impl->chunks;
	while (c) {
		chunk *next = c->next;
		free(c);
		c = next;
	}
	free(t->ev);
	free(impl);
}

const char *yoi_event_attr(const yoi_event *e, const char *key)
{
	if (!e || !key)
		return NULL;
	for (size_t i = 0; i < e->nattrs; i++)
		if (strcmp(e->attrs[i].key, key) == 0)
			return e->attrs[i].value;
	return NULL;
}

/* ---- headings, replay --------------------------------------------------- */

const char *yoi_thread_heading(const char *kind, const char *status)
{
	static const struct {
		const char *kind, *heading;
	} tab[] = {
	    {"create", "Created"},
	    {"comment", "Comment"},
	    {"plan", "Plan"},
	    {"decision", "Decision"},
	    {"implementation_report", "Implementation report"},
	    {"state_changed", "State changed"},
	    {"intake_summary", "Intake summary"},
	    {"close", "Closed"},
	    {"closed", "Closed"},
	    {"reopen", "Reopened"},
	    {"relation", "Relation"},
	    {"edit", "Edited"},
	    {"migration", "Migrated"},
	    {"cleanup", "Cleaned up"},
	};
	if (!kind)
		return NULL;
	if (strcmp(kind, "review") == 0) {
		if (status && strcmp(status, "approve") == 0)
			return "Review: approve";
		if (status && strcmp(status, "request_changes") == 0)
			return "Review: request changes";
		return "Review";
	}
	for (size_t i = 0; i < sizeof(tab) / sizeof(*tab); i++)
		if (strcmp(kind, tab[i].kind) == 0)
			return tab[i].heading;
	return NULL;
}

const char *yoi_thread_replay_state(const yoi_thread *t)
{
	const char *state = NULL;
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		const yoi_event *e = &t->ev[i];
		if (!e->kind)
			continue;
		if (strcmp(e->kind, "state_changed") == 0) {
			const char *to = yoi_event_attr(e, "to");
			if (to && *to)
				state = to;
		} else if (strcmp(e->kind, "close") == 0 ||
			   strcmp(e->kind, "closed") == 0) {
			state = "closed";
		}
	}
	return state;
}

bool yoi_thread_is_crlf(const char *buf, size_t len)
{
	if (!buf)
		return false;
	const char *nl = memchr(buf, '\n', len);
	return nl && nl > buf && nl[-1] == '\r';
}

int yoi_thread_bad_text(const char *buf, size_t len, const char **what)
{
	if (!buf || (!memchr(buf, '\0', len) && yoi_utf8_valid(buf, len)))
		return 0;
	/* No UTF-8 sequence spans a '\n': find the line. */
	int line = 1;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - buf) : len) - pos;
		bool nul = memchr(buf + pos, '\0', n) != NULL;
		if (nul || !yoi_utf8_valid(buf + pos, n)) {
			if (what)
				*what = nul ? "a NUL byte" : "invalid UTF-8";
			return line;
		}
		pos += n + 1;
		if (line < INT_MAX)
			line++;
	}
	if (what)
		*what = "invalid UTF-8";
	return line;
}

/* ---- render ------------------------------------------------------------- */

static bool valid_key(const char *k)
{
	if (!k || !*k)
		return false;
	for (; *k; k++)
		if (!is_key_char(*k))
			return false;
	return true;
}

static int check_value(const char *key, const char *v, yoi_error *err)
{
	if (!v)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attribute '%s' has no value", key);
	size_t n = strlen(v);
	if (n > YOI_THREAD_VALUE_MAX)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attribute '%s' is longer than %d bytes",
				     key, YOI_THREAD_VALUE_MAX);
	if (strpbrk(v, "\r\n"))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attribute '%s' contains a line break",
				     key);
	if (strstr(v, "-->"))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attribute '%s' contains '-->'", key);
	if (!yoi_utf8_valid(v, n))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attribute '%s' is not valid UTF-8", key);
	return 0;
}

static int check_required(const char *key, const char *v, yoi_error *err)
{
	if (!v || !*v)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attribute '%s' is required", key);
	return check_value(key, v, err);
}

static int put_value(yoi_buf *b, const char *v)
{
	bool quote = !*v;
	for (const char *c = v; *c && !quote; c++)
		quote = is_ws(*c) || *c == '"' || *c == '\\';
	if (!quote)
		return yoi_buf_puts(b, v);
	if (yoi_buf_putc(b, '"') < 0)
		return YOI_ENOMEM;
	for (const char *c = v; *c; c++) {
		if ((*c == '"' || *c == '\\') && yoi_buf_putc(b, '\\') < 0)
			return YOI_ENOMEM;
		if (yoi_buf_putc(b, *c) < 0)
			return YOI_ENOMEM;
	}
	return yoi_buf_putc(b, '"');
}

static int put_attr(yoi_buf *b, const char *key, const char *v)
{
	if (yoi_buf_putc(b, ' ') < 0 || yoi_buf_puts(b, key) < 0 ||
	    yoi_buf_put(b, ": ", 2) < 0)
		return YOI_ENOMEM;
	return put_value(b, v);
}

static int put_body(yoi_buf *b, const char *body, size_t n, const char *eol)
{
	size_t pos = 0;
	while (pos < n) {
		const char *s = body + pos;
		const char *nl = memchr(s, '\n', n - pos);
		size_t l = nl ? (size_t)(nl - s) : n - pos;
		pos = nl ? pos + l + 1 : n;
		if (nl && l && s[l - 1] == '\r')
			l--;
		if (forged_marker(s, l) >= 0 && yoi_buf_putc(b, '\\') < 0)
			return YOI_ENOMEM;
		if (yoi_buf_put(b, s, l) < 0 || yoi_buf_puts(b, eol) < 0)
			return YOI_ENOMEM;
	}
	return 0;
}

int yoi_event_render(yoi_buf *out, const yoi_event_spec *spec, bool crlf,
		     yoi_error *err)
{
	int rc;
	if (!out || !spec)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "nothing to render");
	if ((rc = check_required("event", spec->kind, err)) < 0 ||
	    (rc = check_required("author", spec->author, err)) < 0 ||
	    (rc = check_required("at", spec->at, err)) < 0)
		return rc;
	if (spec->nattrs && !spec->attrs)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "attributes are missing");
	const char *status = NULL;
	for (size_t i = 0; i < spec->nattrs; i++) {
		const yoi_attr *a = &spec->attrs[i];
		if (!valid_key(a->key))
			return yoi_error_set(
			    err, YOI_EUSAGE, NULL, 0,
			    "attribute key '%s' must match [a-z0-9_]+",
			    a->key ? a->key : "");
		if (strcmp(a->key, "event") == 0 ||
		    strcmp(a->key, "author") == 0 || strcmp(a->key, "at") == 0)
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "attribute '%s' is given twice",
					     a->key);
		for (size_t j = 0; j < i; j++)
			if (strcmp(spec->attrs[j].key, a->key) == 0)
				return yoi_error_set(
				    err, YOI_EUSAGE, NULL, 0,
				    "attribute '%s' is given twice", a->key);
		if ((rc = check_value(a->key, a->value, err)) < 0)
			return rc;
		if (strcmp(a->key, "status") == 0)
			status = a->value;
	}

	const char *heading = spec->heading;
	if (!heading || !*heading) {
		heading = yoi_thread_heading(spec->kind, status);
		if (!heading)
			heading = spec->kind;
	} else {
		size_t hn = strlen(heading);
		if (hn > YOI_THREAD_VALUE_MAX || strpbrk(heading, "\r\n") ||
		    !yoi_utf8_valid(heading, hn))
			return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					     "the heading must be one line of "
					     "valid UTF-8 up to %d bytes",
					     YOI_THREAD_VALUE_MAX);
	}

	const char *body = spec->body ? spec->body : "";
	size_t bn = strlen(body);
	if (bn > YOI_THREAD_BODY_MAX && !spec->allow_large)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "the body is %zu bytes, over the %d byte "
				     "limit (use --allow-large)",
				     bn, YOI_THREAD_BODY_MAX);
	if (!yoi_utf8_valid(body, bn))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "the body is not valid UTF-8");
	/* A trailing newline is the writer's, not content: never doubled. */
	while (bn && body[bn - 1] == '\n') {
		bn--;
		if (bn && body[bn - 1] == '\r')
			bn--;
	}

	const char *eol = crlf ? "\r\n" : "\n";
	size_t orig = out->len;
	rc = yoi_buf_puts(out, "<!-- event: ");
	if (!rc)
		rc = put_value(out, spec->kind);
	if (!rc)
		rc = put_attr(out, "author", spec->author);
	if (!rc)
		rc = put_attr(out, "at", spec->at);
	for (size_t i = 0; !rc && i < spec->nattrs; i++)
		rc = put_attr(out, spec->attrs[i].key, spec->attrs[i].value);
	if (!rc)
		rc = yoi_buf_printf(out, " -->%s%s## %s%s%s", eol, eol, heading,
				    eol, eol);
	if (!rc && bn) {
		rc = put_body(out, body, bn, eol);
		if (!rc)
			rc = yoi_buf_puts(out, eol);
	}
	if (!rc)
		rc = yoi_buf_printf(out, "---%s", eol);
	if (rc < 0) {
		out->len = orig;
		if (out->ptr)
			out->ptr[orig] = '\0';
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
				     "out of memory rendering an event");
	}
	return 0;
}

size_t yoi_thread_complete_len(const char *buf, size_t len)
{
	/*
	 * The last "---" line, found from the end: a whole thread ends in
	 * one, so this reads its last line, not every line (doctor and
	 * every thread load call it).
	 */
	size_t e = len; /* lines at or after e are examined */
	while (e > 0) {
		bool nl = buf[e - 1] == '\n';
		size_t end = nl ? e - 1 : e; /* the line is [start, end) */
		const char *prev = memrchr(buf, '\n', end);
		size_t start = prev ? (size_t)(prev - buf) + 1 : 0;
		size_t n = end - start;
		if (n && buf[end - 1] == '\r')
			n--;
		if (n == 3 && memcmp(buf + start, "---", 3) == 0)
			return nl ? end + 1 : len;
		e = start;
	}
	return 0;
}

bool yoi_thread_torn_tail(const char *buf, size_t len, size_t *keep)
{
	size_t k = yoi_thread_complete_len(buf, len);
	if (keep)
		*keep = k;
	for (size_t i = k; i < len; i++)
		if (!strchr(" \t\r\n", buf[i]) || buf[i] == '\0')
			return true;
	return false;
}
