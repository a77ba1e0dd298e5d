/*
 * item.c - item.md (SPEC 3): the frontmatter read with libyaml's event API
 * and kept as raw bytes plus per-field line spans, so a rewrite replaces
 * only the lines of the fields it changes; body sections found with cmark;
 * the item.md checks of doctor (SPEC 13).
 */
#include "yoi/item.h"

#include <cmark.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yoi/state.h"

/* A field's value detached from its field (see item_impl.orig). */
typedef struct fval {
	bool saved;
	yoi_field_type type;
	char *value;
	char **list;
	size_t nlist;
} fval;

/* The lines of a field yoi_item_unset removed. */
typedef struct item_cut {
	size_t start, end;
} item_cut;

/*
 * The public item plus private bookkeeping. pub comes first, so the
 * yoi_item * handed out is also an item_impl *.
 */
typedef struct item_impl {
	yoi_item pub;
	size_t fields_cap;
	/*
	 * Per field, allocated on the first change: the value as parsed, so
	 * setting a field back to it drops the rewrite and keeps the bytes.
	 */
	fval *orig;
	/* Per appended line: the field it adds (line 0, empty span). */
	yoi_field *added;
	size_t appended_cap;
	/* Where appended lines go: fm_end, or before an explicit "...". */
	size_t append_at;
	/*
	 * Spans of parsed fields removed by yoi_item_unset (their fields are
	 * gone from pub.fields), in file order; render drops their bytes.
	 */
	item_cut *cuts;
	size_t ncuts, cuts_cap;
} item_impl;

/* A value to write: what set, set_list and compose share. */
typedef struct nval {
	yoi_field_type type; /* SCALAR, NULL or LIST */
	const char *value;
	const char *const *list;
	size_t nlist;
} nval;

#define NO_LINE SIZE_MAX

/* ---- small helpers ---------------------------------------------------- */

static void free_list(char **list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void field_clear_value(yoi_field *f)
{
	free(f->value);
	free_list(f->list, f->nlist);
	f->value = NULL;
	f->list = NULL;
	f->nlist = 0;
}

static void field_free(yoi_field *f)
{
	field_clear_value(f);
	free(f->key);
	free(f->rewrite);
	f->key = NULL;
	f->rewrite = NULL;
}

static const char *path_or_default(const char *path)
{
	return path && *path ? path : "item.md";
}

/* Fail with "path:line: message" in err, as every item.md error reads. */
static int fail(yoi_error *err, int code, const char *path, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(yoi_error *err, int code, const char *path, int line,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vat(err, code, path_or_default(path), line, fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(yoi_error *err, const char *path)
{
	return yoi_error_set(err, YOI_ENOMEM, path_or_default(path), 0,
			     "out of memory");
}

static bool is_null_word(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '~') ||
	       (n == 4 &&
		(memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
		 memcmp(s, "NULL", 4) == 0));
}

static bool valid_key(const char *key)
{
	if (!key || !*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/*
 * A value the engine can write single-quoted on one line and read back
 * unchanged: valid UTF-8, no line breaks (libyaml also breaks lines at
 * U+0085, U+2028, U+2029) and no character libyaml refuses as a control
 * character (C0 except tab, DEL, C1, U+FFFE, U+FFFF).
 */
static bool valid_value(const char *s)
{
	size_t n = strlen(s);
	if (!yoi_utf8_valid(s, n))
		return false;
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return false;
		if (c == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			return false;
		if (c == 0xE2 && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
			return false;
		if (c == 0xEF && u[i + 1] == 0xBF &&
		    (u[i + 2] == 0xBE || u[i + 2] == 0xBF))
			return false;
	}
	return true;
}

static bool valid_nval(const nval *nv)
{
	if (nv->type == YOI_FIELD_SCALAR)
		return nv->value && valid_value(nv->value);
	if (nv->type == YOI_FIELD_LIST) {
		if (nv->nlist && !nv->list)
			return false;
		for (size_t i = 0; i < nv->nlist; i++)
			if (!nv->list[i] || !valid_value(nv->list[i]))
				return false;
	}
	return true;
}

/* ---- the engine's line format ----------------------------------------- */

static int put_quoted(yoi_buf *b, const char *s)
{
	if (yoi_buf_putc(b, '\'') < 0)
		return YOI_ENOMEM;
	for (const char *p = s; *p; p++) {
		const char *q = strchr(p, '\'');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (yoi_buf_put(b, p, n) < 0)
			return YOI_ENOMEM;
		if (!q)
			break;
		if (yoi_buf_put(b, "''", 2) < 0)
			return YOI_ENOMEM;
		p = q;
	}
	return yoi_buf_putc(b, '\'');
}

/* `key: 'value'`, `key: null` or `key: ['a', 'b']`, then eol. */
static int format_line(yoi_buf *b, const char *key, const nval *nv,
		       const char *eol)
{
	if (yoi_buf_puts(b, key) < 0 || yoi_buf_put(b, ": ", 2) < 0)
		return YOI_ENOMEM;
	int rc = 0;
	if (nv->type == YOI_FIELD_LIST) {
		rc = yoi_buf_putc(b, '[');
		for (size_t i = 0; rc == 0 && i < nv->nlist; i++) {
			if (i)
				rc = yoi_buf_put(b, ", ", 2);
			if (rc == 0)
				rc = put_quoted(b, nv->list[i]);
		}
		if (rc == 0)
			rc = yoi_buf_putc(b, ']');
	} else if (nv->type == YOI_FIELD_SCALAR) {
		rc = put_quoted(b, nv->value);
	} else {
		rc = yoi_buf_puts(b, "null");
	}
	if (rc == 0)
		rc = yoi_buf_puts(b, eol);
	return rc < 0 ? YOI_ENOMEM : 0;
}

static bool value_eq(yoi_field_type type, const char *value, char *const *list,
		     size_t nlist, const nval *nv)
{
	if (type != nv->type)
		return false;
	if (type == YOI_FIELD_SCALAR)
		return strcmp(value, nv->value) == 0;
	if (type == YOI_FIELD_LIST) {
		if (nlist != nv->nlist)
			return false;
		for (size_t i = 0; i < nlist; i++)
			if (strcmp(list[i], nv->list[i]) != 0)
				return false;
	}
	return true;
}

/* Owned copies of nv's value/list; 0 or YOI_ENOMEM. */
static int nval_copy(const nval *nv, char **value, char ***list, size_t *nlist)
{
	*value = NULL;
	*list = NULL;
	*nlist = 0;
	if (nv->type == YOI_FIELD_SCALAR) {
		*value = yoi_strdup(nv->value);
		return *value ? 0 : YOI_ENOMEM;
	}
	if (nv->type != YOI_FIELD_LIST)
		return 0;
	char **l = calloc(nv->nlist ? nv->nlist : 1, sizeof(*l));
	if (!l)
		return YOI_ENOMEM;
	for (size_t i = 0; i < nv->nlist; i++) {
		l[i] = yoi_strdup(nv->list[i]);
		if (!l[i]) {
			free_list(l, i);
			return YOI_ENOMEM;
		}
	}
	*list = l;
	*nlist = nv->nlist;
	return 0;
}

/* ---- frontmatter parsing ---------------------------------------------- */

/*
 * libyaml counts lines at \n, \r\n, lone \r, U+0085, U+2028 and U+2029;
 * its marks are (line, column in characters). The table maps its line
 * numbers to file offsets and to file line numbers (counted at \n), so
 * spans and messages stay right whatever breaks the file uses.
 */
typedef struct fm_ctx {
	item_impl *im;
	const char *path;
	yoi_error *err;
	size_t *ystart; /* file offset where libyaml line k starts */
	int *yfline;	/* file line number of libyaml line k */
	size_t ny, ycap;
	size_t ystart_small[64];
	int yfline_small[64];
} fm_ctx;

static size_t yaml_break_len(const char *s, size_t i, size_t end)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[i];
	if (c == '\n')
		return 1;
	if (c == '\r')
		return i + 1 < end && u[i + 1] == '\n' ? 2 : 1;
	if (c == 0xC2 && i + 1 < end && u[i + 1] == 0x85)
		return 2;
	if (c == 0xE2 && i + 2 < end && u[i + 1] == 0x80 &&
	    (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
		return 3;
	return 0;
}

/*
 * Room for cap elements of size bytes in the array *vp (a T **), which
 * starts as the inline array small (small_size bytes) and moves to the
 * heap when it first grows.
 */
static int grow_inline(void *vp, const void *small, size_t small_size,
		       size_t cap, size_t size)
{
	void *old;
	memcpy(&old, vp, sizeof(old)); /* vp is some T **: copied, not cast */
	bool is_small = old == small;
	void *v = is_small ? malloc(cap * size) : realloc(old, cap * size);
	if (!v)
		return YOI_ENOMEM;
	if (is_small)
		memcpy(v, small, small_size);
	memcpy(vp, &v, sizeof(v));
	return 0;
}

static int push_line(fm_ctx *c, size_t start, int fline)
{
	if (c->ny == c->ycap) {
		size_t cap = c->ycap * 2;
		if (grow_inline(&c->ystart, c->ystart_small,
				sizeof(c->ystart_small), cap,
				sizeof(*c->ystart)) < 0 ||
		    grow_inline(&c->yfline, c->yfline_small,
				sizeof(c->yfline_small), cap,
				sizeof(*c->yfline)) < 0)
			return YOI_ENOMEM;
		c->ycap = cap;
	}
	c->ystart[c->ny] = start;
	c->yfline[c->ny++] = fline;
	return 0;
}

/* One pass; the usual small frontmatter needs no allocation. */
static int build_lines(fm_ctx *c)
{
	const char *raw = c->im->pub.raw;
	size_t a = c->im->pub.fm_start, b = c->im->pub.fm_end;
	c->ystart = c->ystart_small;
	c->yfline = c->yfline_small;
	c->ycap = sizeof(c->ystart_small) / sizeof(*c->ystart_small);
	c->ny = 0;
	int fline = 2; /* the frontmatter starts after the opener */
	if (push_line(c, a, fline) < 0)
		return YOI_ENOMEM;
	for (size_t i = a; i < b; i++) {
		unsigned char ch = (unsigned char)raw[i];
		if (ch != '\n' && ch != '\r' && ch != 0xC2 && ch != 0xE2)
			continue;
		size_t bl = yaml_break_len(raw, i, b);
		if (!bl)
			continue;
		if (raw[i + bl - 1] == '\n' && fline < INT32_MAX)
			fline++;
		i += bl - 1;
		if (push_line(c, i + 1, fline) < 0)
			return YOI_ENOMEM;
	}
	return 0;
}

static void free_lines(fm_ctx *c)
{
	if (c->ystart != c->ystart_small)
		free(c->ystart);
	if (c->yfline != c->yfline_small)
		free(c->yfline);
}

static size_t yclamp(const fm_ctx *c, size_t yl)
{
	return yl < c->ny ? yl : c->ny - 1;
}

static int yfile_line(const fm_ctx *c, size_t yl)
{
	return c->yfline[yclamp(c, yl)];
}

/* Offset just past the line break of libyaml line yl. */
static size_t yline_end(const fm_ctx *c, size_t yl)
{
	yl = yclamp(c, yl);
	return yl + 1 < c->ny ? c->ystart[yl + 1] : c->im->pub.fm_end;
}

/* True when the first `column` characters of line yl are blanks. */
static bool prefix_blank(const fm_ctx *c, size_t yl, size_t column)
{
	if (yl >= c->ny)
		return true;
	const char *raw = c->im->pub.raw;
	size_t s = c->ystart[yl], e = yline_end(c, yl);
	for (size_t i = 0; i < column && s + i < e; i++)
		if (raw[s + i] != ' ' && raw[s + i] != '\t')
			return false;
	return true;
}

static bool line_blank(const fm_ctx *c, size_t yl)
{
	const char *raw = c->im->pub.raw;
	for (size_t i = c->ystart[yclamp(c, yl)], e = yline_end(c, yl); i < e;
	     i++)
		if (raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\r' &&
		    raw[i] != '\n')
			return false;
	return true;
}

/* Leading blanks of line yl; returns the offset of the first other byte. */
static size_t skip_lead(const fm_ctx *c, size_t yl, bool *tab)
{
	const char *raw = c->im->pub.raw;
	size_t i = c->ystart[yclamp(c, yl)], e = yline_end(c, yl);
	*tab = false;
	for (; i < e && (raw[i] == ' ' || raw[i] == '\t'); i++)
		if (raw[i] == '\t')
			*tab = true;
	return i;
}

/* Blank or comment-only. */
static bool filler_line(const fm_ctx *c, size_t yl)
{
	bool tab;
	size_t i = skip_lead(c, yl, &tab);
	char ch = i < yline_end(c, yl) ? c->im->pub.raw[i] : '\n';
	return ch == '#' || ch == '\r' || ch == '\n';
}

static bool tab_lead_line(const fm_ctx *c, size_t yl)
{
	bool tab;
	skip_lead(c, yl, &tab);
	return tab;
}

static int fm_fail(const fm_ctx *c, size_t yl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fm_fail(const fm_ctx *c, size_t yl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vat(c->err, YOI_ECORRUPT, path_or_default(c->path),
			       yfile_line(c, yl), fmt, ap);
	va_end(ap);
	return rc;
}

static int yaml_fail(const fm_ctx *c, const yaml_parser_t *ps)
{
	if (ps->error == YAML_MEMORY_ERROR)
		return nomem(c->err, c->path);
	size_t yl = ps->problem_mark.line;
	if (ps->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset instead of a mark. */
		size_t off = c->im->pub.fm_start + ps->problem_offset;
		for (yl = 0; yl + 1 < c->ny && c->ystart[yl + 1] <= off; yl++)
			;
	}
	const char *problem = ps->problem ? ps->problem : "unknown error";
	if (ps->context && ps->error != YAML_READER_ERROR &&
	    ps->context_mark.line < yl)
		return fm_fail(c, yl,
			       "YAML syntax error %s (started on line %d): %s; "
			       "fix the frontmatter (quote values that "
			       "contain ': ' or ' #')",
			       ps->context,
			       yfile_line(c, ps->context_mark.line), problem);
	if (ps->context)
		return fm_fail(c, yl,
			       "YAML syntax error %s: %s; fix the frontmatter "
			       "(quote values that contain ': ' or ' #')",
			       ps->context, problem);
	return fm_fail(c, yl,
		       "YAML syntax error: %s; fix the frontmatter (quote "
		       "values that contain ': ' or ' #')",
		       problem);
}

enum { V_SCALAR, V_SEQ, V_MAP };

typedef struct fm_state {
	int depth; /* open collections; the root mapping is 1 */
	int docs;
	bool want_value; /* at depth 1: a key was read, its value is next */
	bool flow[YOI_ITEM_MAX_DEPTH + 2];
	yoi_field cur; /* the field being read */
	size_t key_yline;
	size_t span_yline; /* first line of the field: key, or its '?' */
	size_t next_yline; /* first line after the previous field */
	size_t last;	   /* last libyaml line holding the value's content */
	int vkind;	   /* V_* of the value */
	bool is_list;	   /* a sequence of non-null scalars so far */
	yoi_strv items;
} fm_state;

static void bump(fm_state *s, size_t yl)
{
	if (yl != NO_LINE && yl > s->last)
		s->last = yl;
}

/*
 * Last line holding a scalar's content. libyaml's end mark is right after
 * the content for plain and quoted scalars, but after the trailing breaks
 * and indentation for block scalars (| and >), often on a later line (the
 * next key's or a comment's): walk back to the last non-blank line. An
 * empty plain scalar is placed after its ':' or '-' (content there), at
 * its tag (content too), or, for a key without ':', at the next token:
 * then it says nothing.
 */
static size_t scalar_last(const fm_ctx *c, const yaml_event_t *ev)
{
	const yaml_mark_t *sm = &ev->start_mark, *em = &ev->end_mark;
	yaml_scalar_style_t st = ev->data.scalar.style;
	if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
		size_t l = em->line;
		if (l > sm->line && prefix_blank(c, l, em->column))
			l--;
		while (l > sm->line && line_blank(c, l))
			l--;
		return l;
	}
	if (st == YAML_PLAIN_SCALAR_STYLE && ev->data.scalar.length == 0 &&
	    !ev->data.scalar.tag)
		return prefix_blank(c, sm->line, sm->column) ? NO_LINE
							     : sm->line;
	return em->line;
}

/*
 * An explicit key ("? key", or "?" with the key on a later line) starts
 * its field at the '?' line; libyaml's events do not say where that is,
 * but only comments, blank lines and that '?' can sit between the
 * previous field and the key.
 */
static size_t key_span_line(const fm_ctx *c, size_t from, size_t key)
{
	const char *raw = c->im->pub.raw;
	for (size_t l = from; l < key && l < c->ny; l++) {
		size_t i = c->ystart[l], e = yline_end(c, l);
		while (i < e && (raw[i] == ' ' || raw[i] == '\t'))
			i++;
		if (i < e && raw[i] == '?')
			return l;
	}
	return key;
}

static int push_field(fm_ctx *c, yoi_field *f)
{
	item_impl *im = c->im;
	if (YOI_GROW(im->pub.fields, im->pub.nfields, im->fields_cap, 16) < 0)
		return YOI_ENOMEM;
	im->pub.fields[im->pub.nfields++] = *f;
	memset(f, 0, sizeof(*f));
	return 0;
}

static int finish_field(fm_ctx *c, fm_state *s)
{
	yoi_field *f = &s->cur;
	if (s->vkind == V_SEQ && s->is_list) {
		f->type = YOI_FIELD_LIST;
		f->list = s->items.v;
		f->nlist = s->items.n;
		if (!f->list) {
			f->list = calloc(1, sizeof(*f->list));
			if (!f->list)
				return nomem(c->err, c->path);
		}
		memset(&s->items, 0, sizeof(s->items));
	} else if (s->vkind != V_SCALAR) {
		f->type = YOI_FIELD_OTHER;
		yoi_strv_free(&s->items);
	}
	/*
	 * A blank or comment line indented with a tab is fine after a plain
	 * or block scalar (it absorbs the tab) but an error for libyaml after
	 * a rewritten 'value': keep the blank and comment lines up to the
	 * last such line with the field they trail.
	 */
	for (size_t l = s->last + 1; l < c->ny && filler_line(c, l); l++)
		if (tab_lead_line(c, l))
			s->last = l;
	f->line = yfile_line(c, s->key_yline);
	f->start = c->ystart[yclamp(c, s->span_yline)];
	f->end = yline_end(c, s->last);
	const yoi_item *it = &c->im->pub;
	if (it->nfields && f->start < it->fields[it->nfields - 1].end)
		return fm_fail(c, s->key_yline,
			       "field '%s' starts on the line where the "
			       "previous field ends; put each field on its "
			       "own line",
			       f->key);
	s->want_value = false;
	s->next_yline = s->last + 1;
	if (push_field(c, f) < 0)
		return nomem(c->err, c->path);
	return 0;
}

static int on_open(fm_ctx *c, fm_state *s, const yaml_event_t *ev, bool is_map,
		   bool flow)
{
	size_t yl = ev->start_mark.line;
	if (s->depth >= YOI_ITEM_MAX_DEPTH)
		return fm_fail(c, yl,
			       "YAML nested deeper than %d levels; flatten "
			       "the value",
			       YOI_ITEM_MAX_DEPTH);
	s->depth++;
	s->flow[s->depth] = flow;
	if (s->depth == 1) {
		if (!is_map)
			return fm_fail(c, yl,
				       "the frontmatter is a list, not a "
				       "mapping; write one 'key: value' "
				       "line per field");
		if (flow)
			return fm_fail(c, yl,
				       "the frontmatter is a flow mapping "
				       "'{...}'; write one 'key: value' line "
				       "per field instead");
		return 0;
	}
	if (s->depth == 2 && !s->want_value)
		return fm_fail(c, yl,
			       "a key is a list or mapping; keys must be "
			       "plain words like 'title'");
	if (s->depth == 2) {
		s->vkind = is_map ? V_MAP : V_SEQ;
		s->is_list = !is_map;
	} else {
		s->is_list = false;
	}
	if (flow)
		bump(s, yl);
	return 0;
}

static int on_close(fm_ctx *c, fm_state *s, const yaml_event_t *ev)
{
	if (s->depth <= 0)
		return 0;
	/* Block collections end at the next token: only flow ends count. */
	if (s->flow[s->depth])
		bump(s, ev->end_mark.line);
	s->depth--;
	return s->depth == 1 ? finish_field(c, s) : 0;
}

static int on_scalar(fm_ctx *c, fm_state *s, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	size_t yl = ev->start_mark.line;
	if (memchr(v, '\0', len))
		return fm_fail(c, yl,
			       "a value contains a NUL character (a \\0 "
			       "escape); remove it");
	if (s->depth == 0) {
		if (plain && len == 0)
			return 0; /* empty document: an empty mapping */
		return fm_fail(c, yl,
			       "the frontmatter is a single value, not a "
			       "mapping; write one 'key: value' line per "
			       "field");
	}
	if (s->depth == 1 && !s->want_value) {
		if (!plain || len == 0)
			return fm_fail(c, yl,
				       "a key is quoted, empty or not a plain "
				       "scalar; write keys as plain words "
				       "like 'title: ...'");
		s->cur.key = yoi_strndup(v, len);
		if (!s->cur.key)
			return nomem(c->err, c->path);
		s->key_yline = yl;
		s->span_yline = key_span_line(c, s->next_yline, yl);
		s->last = ev->end_mark.line;
		s->want_value = true;
		s->vkind = V_SCALAR;
		s->is_list = false;
		return 0;
	}
	bump(s, scalar_last(c, ev));
	if (s->depth == 1) {
		if (plain && is_null_word(v, len)) {
			s->cur.type = YOI_FIELD_NULL;
		} else {
			s->cur.type = YOI_FIELD_SCALAR;
			s->cur.value = yoi_strndup(v, len);
			if (!s->cur.value)
				return nomem(c->err, c->path);
		}
		return finish_field(c, s);
	}
	if (s->depth == 2 && s->is_list) {
		if (plain && is_null_word(v, len)) {
			s->is_list = false;
		} else {
			char *item = yoi_strndup(v, len);
			if (!item || yoi_strv_push_owned(&s->items, item) < 0)
				return nomem(c->err, c->path);
		}
	}
	return 0;
}

static bool has_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor != NULL;
	default:
		return false;
	}
}

static int on_event(fm_ctx *c, fm_state *s, const yaml_event_t *ev)
{
	size_t yl = ev->start_mark.line;
	if (ev->type == YAML_ALIAS_EVENT || has_anchor(ev))
		return fm_fail(c, yl,
			       "anchors and aliases are not allowed; write "
			       "each value out in full");
	switch (ev->type) {
	case YAML_DOCUMENT_END_EVENT:
		/* New fields must stay inside the document. */
		if (!ev->data.document_end.implicit)
			c->im->append_at = c->ystart[yclamp(c, yl)];
		return 0;
	case YAML_DOCUMENT_START_EVENT:
		if (++s->docs > 1)
			return fm_fail(c, yl,
				       "more than one YAML document in the "
				       "frontmatter; keep a single mapping "
				       "between the '---' lines");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(c, s, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(c, s, ev, false,
			       ev->data.sequence_start.style ==
				   YAML_FLOW_SEQUENCE_STYLE);
	case YAML_MAPPING_START_EVENT:
		return on_open(c, s, ev, true,
			       ev->data.mapping_start.style ==
				   YAML_FLOW_MAPPING_STYLE);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_close(c, s, ev);
	default:
		return 0;
	}
}

typedef struct keyref {
	const char *key;
	size_t idx;
} keyref;

static int cmp_keyref(const void *a, const void *b)
{
	const keyref *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Duplicate keys; a huge frontmatter is sorted so it stays n log n. */
static int check_duplicates(fm_ctx *c)
{
	const yoi_item *it = &c->im->pub;
	if (it->nfields < 2)
		return 0;
	if (it->nfields <= 16) { /* the usual case: no allocation, no sort */
		for (size_t i = 1; i < it->nfields; i++)
			for (size_t j = 0; j < i; j++)
				if (strcmp(it->fields[i].key,
					   it->fields[j].key) == 0)
					return fail(
					    c->err, YOI_ECORRUPT, c->path,
					    it->fields[i].line,
					    "duplicate key '%s' (first "
					    "on line %d); keep only one",
					    it->fields[i].key,
					    it->fields[j].line);
		return 0;
	}
	keyref *v = malloc(it->nfields * sizeof(*v));
	if (!v)
		return nomem(c->err, c->path);
	for (size_t i = 0; i < it->nfields; i++)
		v[i] = (keyref){it->fields[i].key, i};
	qsort(v, it->nfields, sizeof(*v), cmp_keyref);
	size_t dup = SIZE_MAX, first = 0;
	for (size_t i = 1; i < it->nfields; i++)
		if (strcmp(v[i].key, v[i - 1].key) == 0 && v[i].idx < dup) {
			dup = v[i].idx;
			first = v[i - 1].idx;
		}
	free(v);
	if (dup == SIZE_MAX)
		return 0;
	const yoi_field *d = &it->fields[dup];
	return fail(c->err, YOI_ECORRUPT, c->path, d->line,
		    "duplicate key '%s' (first on line %d); keep only one",
		    d->key, it->fields[first].line);
}

/*
 * A frontmatter holding only "..." document end markers and empty lines
 * has no fields; libyaml refuses a lone "..." (a rewrite that removed the
 * one field before such a marker leaves exactly that).
 */
static bool only_markers(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && p[e] != '\n' && p[e] != '\r')
			e++;
		/* Empty lines and "..." markers at the line's start only:
		 * anything else (comments, spaces, tabs) is libyaml's to
		 * judge, as before. */
		if (e != i && !(e - i == 3 && memcmp(p + i, "...", 3) == 0))
			return false;
		i = e + 1;
	}
	return true;
}

static int parse_frontmatter(fm_ctx *c)
{
	if (build_lines(c) < 0)
		return nomem(c->err, c->path);
	const yoi_item *fm = &c->im->pub;
	if (only_markers(fm->raw + fm->fm_start, fm->fm_end - fm->fm_start)) {
		/* New fields go before the markers, inside the document. */
		c->im->append_at = fm->fm_start;
		return 0;
	}
	yaml_parser_t ps;
	if (!yaml_parser_initialize(&ps))
		return nomem(c->err, c->path);
	const yoi_item *it = &c->im->pub;
	yaml_parser_set_input_string(
	    &ps, (const unsigned char *)it->raw + it->fm_start,
	    it->fm_end - it->fm_start);
	yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
	fm_state s;
	memset(&s, 0, sizeof(s));
	int rc = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&ps, &ev)) {
			rc = yaml_fail(c, &ps);
			break;
		}
		rc = on_event(c, &s, &ev);
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (rc || end)
			break;
	}
	yaml_parser_delete(&ps);
	field_free(&s.cur);
	yoi_strv_free(&s.items);
	return rc ? rc : check_duplicates(c);
}

/* ---- yoi_item_parse ---------------------------------------------------- */

static bool is_fence(const char *p, size_t n)
{
	return (n == 3 && memcmp(p, "---", 3) == 0) ||
	       (n == 4 && memcmp(p, "---\r", 4) == 0);
}

/* NUL bytes, invalid UTF-8, opener and closer; fills the offsets. */
static int split_file(yoi_item *it, const char *path, yoi_error *err)
{
	const char *buf = it->raw;
	size_t len = it->len;
	if (len == 0)
		return fail(err, YOI_ECORRUPT, path, 1,
			    "empty file; an item.md starts with a line '---', "
			    "then 'key: value' lines, then a line '---'");
	const char *nul = memchr(buf, '\0', len);
	if (nul)
		return fail(err, YOI_ECORRUPT, path,
			    yoi_line_at(buf, (size_t)(nul - buf)),
			    "NUL byte: item.md must be UTF-8 text; remove the "
			    "binary data");
	if (!yoi_utf8_valid(buf, len)) {
		/* No UTF-8 sequence spans a '\n': check line by line. */
		int line = 1;
		for (size_t pos = 0; pos < len; line++) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			size_t e = nl ? (size_t)(nl - buf) : len;
			if (!yoi_utf8_valid(buf + pos, e - pos))
				break;
			pos = e + 1;
		}
		return fail(err, YOI_ECORRUPT, path, line,
			    "invalid UTF-8; save the file as UTF-8");
	}
	const char *nl = memchr(buf, '\n', len);
	size_t l1 = nl ? (size_t)(nl - buf) : len;
	if (!is_fence(buf, l1))
		return fail(err, YOI_ECORRUPT, path, 1,
			    "missing frontmatter opener '---'; the file must "
			    "start with a line '---'");
	it->crlf = l1 == 4;
	if (!nl)
		return fail(err, YOI_ECORRUPT, path, 1,
			    "the frontmatter opened on line 1 is never "
			    "closed; add a line '---' after the last field");
	it->fm_start = l1 + 1;
	int line = 2;
	for (size_t pos = it->fm_start; pos < len; line++) {
		nl = memchr(buf + pos, '\n', len - pos);
		size_t e = nl ? (size_t)(nl - buf) : len;
		if (is_fence(buf + pos, e - pos)) {
			it->fm_end = pos;
			it->body = nl ? e + 1 : len;
			it->body_line = line + 1;
			return 0;
		}
		pos = e + 1;
	}
	return fail(err, YOI_ECORRUPT, path, 1,
		    "the frontmatter opened on line 1 is never closed; add a "
		    "line '---' after the last field");
}

int yoi_item_split(const char *buf, size_t len, const char *path, size_t *body,
		   yoi_error *err)
{
	yoi_item it = {.raw = (char *)buf, .len = len};
	int rc = split_file(&it, path, err);
	*body = rc ? 0 : it.body;
	return rc;
}

int yoi_item_parse(yoi_item **out, const char *buf, size_t len,
		   const char *path, yoi_error *err)
{
	*out = NULL;
	if (!buf && len)
		return fail(err, YOI_EUSAGE, path, 0, "no buffer");
	item_impl *im = calloc(1, sizeof(*im));
	if (!im)
		return nomem(err, path);
	yoi_item *it = &im->pub;
	it->raw = malloc(len + 1);
	if (!it->raw) {
		free(im);
		return nomem(err, path);
	}
	if (len)
		memcpy(it->raw, buf, len);
	it->raw[len] = '\0';
	it->len = len;
	int rc = split_file(it, path, err);
	im->append_at = it->fm_end;
	if (rc == 0) {
		fm_ctx c;
		c.im = im;
		c.path = path;
		c.err = err;
		rc = parse_frontmatter(&c);
		free_lines(&c);
	}
	if (rc) {
		yoi_item_free(it);
		return rc;
	}
	*out = it;
	return 0;
}

void yoi_item_free(yoi_item *it)
{
	if (!it)
		return;
	item_impl *im = (item_impl *)it;
	for (size_t i = 0; i < it->nfields; i++) {
		field_free(&it->fields[i]);
		if (im->orig) {
			free(im->orig[i].value);
			free_list(im->orig[i].list, im->orig[i].nlist);
		}
	}
	free(im->orig);
	free(it->fields);
	for (size_t i = 0; i < it->nappended; i++) {
		free(it->appended[i]);
		field_free(&im->added[i]);
	}
	free(it->appended);
	free(im->added);
	free(im->cuts);
	free(it->new_body);
	free(it->raw);
	free(im);
}

/* ---- getters and setters ----------------------------------------------- */

static yoi_field *find_field(const yoi_item *it, const char *key, bool *added,
			     size_t *idx)
{
	const item_impl *im = (const item_impl *)it;
	for (size_t i = 0; i < it->nfields; i++)
		if (strcmp(it->fields[i].key, key) == 0) {
			*added = false;
			*idx = i;
			return &it->fields[i];
		}
	for (size_t i = 0; i < it->nappended; i++)
		if (strcmp(im->added[i].key, key) == 0) {
			*added = true;
			*idx = i;
			return &im->added[i];
		}
	return NULL;
}

const yoi_field *yoi_item_field(const yoi_item *it, const char *key)
{
	bool added;
	size_t idx;
	return it && key ? find_field(it, key, &added, &idx) : NULL;
}

const char *yoi_item_get(const yoi_item *it, const char *key)
{
	const yoi_field *f = yoi_item_field(it, key);
	return f && f->type == YOI_FIELD_SCALAR ? f->value : NULL;
}

static void field_take(yoi_field *f, yoi_field_type type, char *value,
		       char **list, size_t nlist)
{
	f->type = type;
	f->value = value;
	f->list = list;
	f->nlist = nlist;
}

static int append_field(item_impl *im, const char *key, const nval *nv,
			char *line)
{
	yoi_item *it = &im->pub;
	if (it->nappended == im->appended_cap) {
		size_t cap = im->appended_cap ? im->appended_cap * 2 : 4;
		char **a = realloc(it->appended, cap * sizeof(*a));
		if (!a)
			return YOI_ENOMEM;
		it->appended = a;
		yoi_field *f = realloc(im->added, cap * sizeof(*f));
		if (!f)
			return YOI_ENOMEM;
		im->added = f;
		im->appended_cap = cap;
	}
	yoi_field f;
	memset(&f, 0, sizeof(f));
	f.key = yoi_strdup(key);
	if (!f.key || nval_copy(nv, &f.value, &f.list, &f.nlist) < 0) {
		field_free(&f);
		return YOI_ENOMEM;
	}
	f.type = nv->type;
	f.start = f.end = im->append_at;
	it->appended[it->nappended] = line;
	im->added[it->nappended++] = f;
	return 0;
}

static int set_value(yoi_item *it, const char *key, const nval *nv)
{
	if (!it || !valid_key(key) || !valid_nval(nv))
		return YOI_EUSAGE;
	item_impl *im = (item_impl *)it;
	bool added;
	size_t idx;
	yoi_field *f = find_field(it, key, &added, &idx);
	if (f && value_eq(f->type, f->value, f->list, f->nlist, nv))
		return 0;
	if (f && !added && im->orig && im->orig[idx].saved) {
		fval *o = &im->orig[idx];
		if (value_eq(o->type, o->value, o->list, o->nlist, nv)) {
			/* Back to the parsed value: keep the original bytes. */
			field_clear_value(f);
			field_take(f, o->type, o->value, o->list, o->nlist);
			memset(o, 0, sizeof(*o));
			free(f->rewrite);
			f->rewrite = NULL;
			return 0;
		}
	}
	/*
	 * Top-level keys share one indentation (usually none): new lines
	 * take it from the first field, or an indented mapping would break.
	 */
	size_t indent = 0;
	if (it->nfields)
		while (it->fields[0].start + indent < it->fm_end &&
		       it->raw[it->fields[0].start + indent] == ' ')
			indent++;
	yoi_buf line = YOI_BUF_INIT;
	if (yoi_buf_put(&line,
			it->raw + (it->nfields ? it->fields[0].start : 0),
			indent) < 0 ||
	    format_line(&line, key, nv, it->crlf ? "\r\n" : "\n") < 0) {
		yoi_buf_free(&line);
		return YOI_ENOMEM;
	}
	char *text = yoi_buf_detach(&line);
	if (!text)
		return YOI_ENOMEM;
	if (!f) {
		int rc = append_field(im, key, nv, text);
		if (rc < 0)
			free(text);
		return rc;
	}
	char *value, **list;
	size_t nlist;
	if (nval_copy(nv, &value, &list, &nlist) < 0) {
		free(text);
		return YOI_ENOMEM;
	}
	if (added) {
		free(it->appended[idx]);
		it->appended[idx] = text;
		field_clear_value(f);
		field_take(f, nv->type, value, list, nlist);
		return 0;
	}
	if (!im->orig) {
		im->orig = calloc(it->nfields, sizeof(*im->orig));
		if (!im->orig) {
			free(text);
			free(value);
			free_list(list, nlist);
			return YOI_ENOMEM;
		}
	}
	fval *o = &im->orig[idx];
	if (!o->saved) {
		*o = (fval){true, f->type, f->value, f->list, f->nlist};
		f->value = NULL;
		f->list = NULL;
		f->nlist = 0;
	} else {
		field_clear_value(f);
	}
	field_take(f, nv->type, value, list, nlist);
	free(f->rewrite);
	f->rewrite = text;
	return 0;
}

int yoi_item_set(yoi_item *it, const char *key, const char *value)
{
	nval nv = {value ? YOI_FIELD_SCALAR : YOI_FIELD_NULL, value, NULL, 0};
	return set_value(it, key, &nv);
}

int yoi_item_set_list(yoi_item *it, const char *key, const char *const *items,
		      size_t n)
{
	nval nv = {YOI_FIELD_LIST, NULL, items, n};
	return set_value(it, key, &nv);
}

int yoi_item_unset(yoi_item *it, const char *key)
{
	if (!it || !key)
		return YOI_EUSAGE;
	item_impl *im = (item_impl *)it;
	bool added;
	size_t idx;
	yoi_field *f = find_field(it, key, &added, &idx);
	if (!f)
		return 0;
	if (added) {
		size_t tail = it->nappended - idx - 1;
		free(it->appended[idx]);
		field_free(f);
		memmove(&it->appended[idx], &it->appended[idx + 1],
			tail * sizeof(*it->appended));
		memmove(&im->added[idx], &im->added[idx + 1],
			tail * sizeof(*im->added));
		it->nappended--;
		return 0;
	}
	if (YOI_GROW(im->cuts, im->ncuts, im->cuts_cap, 4) < 0)
		return YOI_ENOMEM;
	/* Keep the cuts in file order: render walks them with the fields. */
	size_t k = im->ncuts;
	while (k > 0 && im->cuts[k - 1].start > f->start)
		k--;
	memmove(&im->cuts[k + 1], &im->cuts[k],
		(im->ncuts - k) * sizeof(*im->cuts));
	/*
	 * A field libyaml starts after a lone CR (or U+0085/U+2028/U+2029)
	 * begins mid file line: keep that line's final '\n', or what precedes
	 * the field on it would be glued to the next line (the closer). When
	 * that is a "---\r" document start, which would then read as the
	 * closer, it goes with the field (the document stays implicit).
	 */
	size_t cut_start = f->start, cut_end = f->end;
	size_t ls = f->start;
	while (ls > it->fm_start && it->raw[ls - 1] != '\n')
		ls--;
	if (ls < f->start && cut_end > f->start &&
	    it->raw[cut_end - 1] == '\n') {
		if (f->start - ls == 4 && memcmp(it->raw + ls, "---\r", 4) == 0)
			cut_start = ls;
		else
			cut_end--;
	}
	im->cuts[k] = (item_cut){cut_start, cut_end};
	im->ncuts++;
	size_t tail = it->nfields - idx - 1;
	field_free(f);
	memmove(&it->fields[idx], &it->fields[idx + 1],
		tail * sizeof(*it->fields));
	if (im->orig) {
		free(im->orig[idx].value);
		free_list(im->orig[idx].list, im->orig[idx].nlist);
		memmove(&im->orig[idx], &im->orig[idx + 1],
			tail * sizeof(*im->orig));
		memset(&im->orig[it->nfields - 1], 0, sizeof(*im->orig));
	}
	it->nfields--;
	return 0;
}

int yoi_item_set_body(yoi_item *it, const char *body, size_t len)
{
	if (!it || (!body && len))
		return YOI_EUSAGE;
	if (len && (memchr(body, '\0', len) || !yoi_utf8_valid(body, len)))
		return YOI_EUSAGE;
	char *copy = malloc(len + 1);
	if (!copy)
		return YOI_ENOMEM;
	if (len)
		memcpy(copy, body, len);
	copy[len] = '\0';
	free(it->new_body);
	it->new_body = copy;
	it->new_body_len = len;
	return 0;
}

const char *yoi_item_body(const yoi_item *it, size_t *len)
{
	if (it->new_body) {
		*len = it->new_body_len;
		return it->new_body;
	}
	*len = it->len - it->body;
	return it->raw + it->body;
}

int yoi_item_render(const yoi_item *it, yoi_buf *out)
{
	const item_impl *im = (const item_impl *)it;
	const char *raw = it->raw;
	size_t at = im->append_at;
	size_t pos = 0;
	int rc = 0;
	/* Rewritten fields and removed spans, both in file order. */
	size_t i = 0, k = 0;
	while (rc == 0 && (i < it->nfields || k < im->ncuts)) {
		size_t start, end;
		const char *text = "";
		if (k < im->ncuts &&
		    (i == it->nfields ||
		     im->cuts[k].start < it->fields[i].start)) {
			start = im->cuts[k].start;
			end = im->cuts[k++].end;
		} else {
			const yoi_field *f = &it->fields[i++];
			if (!f->rewrite)
				continue;
			start = f->start;
			end = f->end;
			text = f->rewrite;
		}
		rc = yoi_buf_put(out, raw + pos, start - pos);
		if (rc == 0)
			rc = yoi_buf_puts(out, text);
		pos = end;
	}
	if (rc == 0)
		rc = yoi_buf_put(out, raw + pos, at - pos);
	for (size_t i = 0; rc == 0 && i < it->nappended; i++)
		rc = yoi_buf_puts(out, it->appended[i]);
	/* libyaml refuses an explicit "..." with no node before it: when the
	 * last field is removed, the document end goes too (a frontmatter
	 * that had no field to remove stays as it was). */
	size_t tail = at;
	if (it->nfields == 0 && it->nappended == 0 && im->ncuts > 0 &&
	    at < it->fm_end) {
		const char *nl = memchr(raw + at, '\n', it->fm_end - at);
		if (nl)
			tail = (size_t)(nl - raw) + 1;
	}
	if (rc == 0)
		rc = yoi_buf_put(out, raw + tail, it->body - tail);
	if (rc == 0 && it->new_body) {
		/* A frontmatter-only buffer may end right after "---". */
		if (it->new_body_len && raw[it->body - 1] != '\n')
			rc = yoi_buf_puts(out, it->crlf ? "\r\n" : "\n");
		if (rc == 0)
			rc = yoi_buf_put(out, it->new_body, it->new_body_len);
	} else if (rc == 0) {
		rc = yoi_buf_put(out, raw + it->body, it->len - it->body);
	}
	return rc < 0 ? YOI_ENOMEM : 0;
}

/* A compose entry as a value: a list, a scalar, or null (no value). */
static nval nval_of(const yoi_item_kv *kv)
{
	yoi_field_type t = kv->list    ? YOI_FIELD_LIST
			   : kv->value ? YOI_FIELD_SCALAR
				       : YOI_FIELD_NULL;
	return (nval){t, kv->value, kv->list, kv->nlist};
}

int yoi_item_compose(yoi_buf *out, const yoi_item_kv *kv, size_t n,
		     const char *body)
{
	if (n && !kv)
		return YOI_EUSAGE;
	for (size_t i = 0; i < n; i++) {
		nval nv = nval_of(&kv[i]);
		if (!valid_key(kv[i].key) || !valid_nval(&nv))
			return YOI_EUSAGE;
		/* compose is for a handful of fields: quadratic is fine. */
		for (size_t j = 0; j < i; j++)
			if (strcmp(kv[i].key, kv[j].key) == 0)
				return YOI_EUSAGE;
	}
	size_t blen = body ? strlen(body) : 0;
	if (blen && !yoi_utf8_valid(body, blen))
		return YOI_EUSAGE;
	if (yoi_buf_puts(out, "---\n") < 0)
		return YOI_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		nval nv = nval_of(&kv[i]);
		if (format_line(out, kv[i].key, &nv, "\n") < 0)
			return YOI_ENOMEM;
	}
	if (yoi_buf_puts(out, "---\n") < 0 || yoi_buf_put(out, body, blen) < 0)
		return YOI_ENOMEM;
	if (blen && body[blen - 1] != '\n' && yoi_buf_putc(out, '\n') < 0)
		return YOI_ENOMEM;
	return 0;
}

/* ---- sections ---------------------------------------------------------- */

/* Line starts as cmark counts lines (\n, \r\n, lone \r); 1-based lines. */
typedef struct mdlines {
	const char *s;
	size_t len;
	size_t *start; /* start[k - 1]: offset of line k */
	size_t n;
} mdlines;

static int md_lines(mdlines *l, const char *s, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' ||
		    (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
			n++;
	l->s = s;
	l->len = len;
	l->start = malloc(n * sizeof(*l->start));
	if (!l->start)
		return YOI_ENOMEM;
	size_t k = 0;
	l->start[k++] = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' ||
		    (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
			l->start[k++] = i + 1;
	l->n = k;
	return 0;
}

/* Offset of the end of line k's content (before its break). */
static size_t md_content_end(const mdlines *l, size_t k)
{
	size_t e = k < l->n ? l->start[k] : l->len;
	size_t s = l->start[k - 1];
	if (e > s && l->s[e - 1] == '\n')
		e--;
	if (e > s && l->s[e - 1] == '\r')
		e--;
	return e;
}

static bool md_blank(const mdlines *l, size_t k)
{
	for (size_t i = l->start[k - 1], e = md_content_end(l, k); i < e; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

/* A setext level-2 underline: up to 3 spaces, dashes, trailing blanks. */
static bool md_dash_underline(const mdlines *l, size_t k)
{
	size_t i = l->start[k - 1], e = md_content_end(l, k), sp = 0;
	while (i < e && l->s[i] == ' ' && sp < 4) {
		i++;
		sp++;
	}
	if (sp > 3 || i >= e || l->s[i] != '-')
		return false;
	while (i < e && l->s[i] == '-')
		i++;
	while (i < e && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i == e;
}

static bool md_atx(const mdlines *l, size_t k)
{
	size_t i = l->start[k - 1], e = md_content_end(l, k), sp = 0;
	while (i < e && l->s[i] == ' ' && sp < 4) {
		i++;
		sp++;
	}
	size_t h = 0;
	while (i < e && l->s[i] == '#' && h < 7) {
		i++;
		h++;
	}
	return sp <= 3 && h >= 1 && h <= 6 &&
	       (i == e || l->s[i] == ' ' || l->s[i] == '\t');
}

/*
 * Last source line of a heading. An ATX heading is one line. cmark's
 * end line for a setext heading can point one line too far (the line
 * after the underline), so find the underline itself.
 */
static size_t heading_last_line(const mdlines *l, cmark_node *h)
{
	size_t first = (size_t)cmark_node_get_start_line(h);
	size_t end = (size_t)cmark_node_get_end_line(h);
	if (first < 1 || first > l->n)
		return first < 1 ? 1 : l->n;
	if (end > l->n)
		end = l->n;
	if (md_atx(l, first))
		return first;
	for (size_t k = first + 1; k <= end; k++)
		if (md_dash_underline(l, k))
			return k;
	return end < first ? first : end;
}

static char *heading_text(cmark_node *h)
{
	yoi_buf b = YOI_BUF_INIT;
	cmark_iter *iter = cmark_iter_new(h);
	if (!iter)
		return NULL;
	int rc = 0;
	cmark_event_type ev;
	while (rc == 0 && (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *n = cmark_iter_get_node(iter);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
			const char *lit = cmark_node_get_literal(n);
			rc = yoi_buf_puts(&b, lit ? lit : "");
		} else if (t == CMARK_NODE_SOFTBREAK ||
			   t == CMARK_NODE_LINEBREAK) {
			rc = yoi_buf_putc(&b, ' ');
		}
	}
	cmark_iter_free(iter);
	if (rc < 0) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

/* Lines first..last (1-based, inclusive), blank lines trimmed. */
static char *md_text(const mdlines *l, size_t first, size_t last)
{
	if (last > l->n)
		last = l->n;
	while (first <= last && md_blank(l, first))
		first++;
	while (last >= first && last >= 1 && md_blank(l, last))
		last--;
	if (first > last)
		return yoi_strdup("");
	size_t s = l->start[first - 1];
	return yoi_strndup(l->s + s, md_content_end(l, last) - s);
}

void yoi_sections_free(yoi_section *s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++) {
		free(s[i].heading);
		free(s[i].text);
	}
	free(s);
}

int yoi_item_sections(const char *body, size_t len, yoi_section **out,
		      size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!body || len == 0)
		return 0;
	mdlines l;
	if (md_lines(&l, body, len) < 0)
		return YOI_ENOMEM;
	cmark_node *doc = cmark_parse_document(body, len, CMARK_OPT_DEFAULT);
	if (!doc) {
		free(l.start);
		return YOI_ENOMEM;
	}
	/* Sections are top-level headings: not ones in quotes or lists. */
	size_t nh = 0;
	for (cmark_node *c = cmark_node_first_child(doc); c;
	     c = cmark_node_next(c))
		if (cmark_node_get_type(c) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(c) == 2)
			nh++;
	int rc = 0;
	yoi_section *v = nh ? calloc(nh, sizeof(*v)) : NULL;
	if (nh && !v)
		rc = YOI_ENOMEM;
	size_t k = 0;
	cmark_node *c = cmark_node_first_child(doc);
	while (rc == 0 && k < nh && c) {
		if (cmark_node_get_type(c) != CMARK_NODE_HEADING ||
		    cmark_node_get_heading_level(c) != 2) {
			c = cmark_node_next(c);
			continue;
		}
		cmark_node *next = cmark_node_next(c);
		while (next &&
		       (cmark_node_get_type(next) != CMARK_NODE_HEADING ||
			cmark_node_get_heading_level(next) != 2))
			next = cmark_node_next(next);
		size_t last =
		    next ? (size_t)cmark_node_get_start_line(next) - 1 : l.n;
		v[k].line = cmark_node_get_start_line(c);
		v[k].heading = heading_text(c);
		v[k].text = md_text(&l, heading_last_line(&l, c) + 1, last);
		if (!v[k].heading || !v[k].text)
			rc = YOI_ENOMEM;
		k++;
		c = next;
	}
	cmark_node_free(doc);
	free(l.start);
	if (rc) {
		yoi_sections_free(v, nh);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

/* ---- checks ------------------------------------------------------------ */

static bool blank_str(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

static int field_line(const yoi_field *f)
{
	return f && f->line > 0 ? f->line : 1;
}

/* A field (if present) that is a list or mapping: item-bad-type, saying why. */
static void not_scalar(yoi_diag *d, const char *path, const yoi_field *f,
		       const char *why)
{
	if (f && (f->type == YOI_FIELD_LIST || f->type == YOI_FIELD_OTHER))
		yoi_diag_add(d, YOI_DIAG_ERROR, "item-bad-type", path,
			     field_line(f), "%s", why);
}

/* Parsed time of a timestamp field, or false (with a diagnostic). */
static bool check_time(const yoi_item *it, const char *key, const char *path,
		       yoi_diag *d, int64_t *t)
{
	const yoi_field *f = yoi_item_field(it, key);
	if (!f || f->type == YOI_FIELD_NULL)
		return false;
	if (f->type == YOI_FIELD_SCALAR && blank_str(f->value))
		return false; /* reported as missing when required */
	if (f->type == YOI_FIELD_SCALAR && yoi_time_parse(f->value, t) == 0)
		return true;
	yoi_diag_add(
	    d, YOI_DIAG_ERROR, "item-bad-timestamp", path, field_line(f),
	    "%s '%s' is not an RFC 3339 UTC timestamp; write it like "
	    "'2026-06-18T14:33:09Z'",
	    key, f->type == YOI_FIELD_SCALAR ? f->value : "(not text)");
	return false;
}

void yoi_item_check(const yoi_item *it, const char *path, yoi_diag *d)
{
	if (!it)
		return;
	const char *p = path ? path : "";
	static const char *const required[] = {"title", "state", "created_at",
					       "updated_at"};
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++) {
		const yoi_field *f = yoi_item_field(it, required[i]);
		if (!f)
			yoi_diag_add(d, YOI_DIAG_ERROR, "item-missing-field", p,
				     1,
				     "required field '%s' is missing; add a "
				     "line \"%s: '...'\" to the frontmatter",
				     required[i], required[i]);
		else if (f->type == YOI_FIELD_NULL ||
			 (f->type == YOI_FIELD_SCALAR && blank_str(f->value)))
			yoi_diag_add(d, YOI_DIAG_ERROR, "item-missing-field", p,
				     f->line,
				     "required field '%s' is empty; give it a "
				     "value",
				     required[i]);
	}
	not_scalar(d, p, yoi_item_field(it, "title"),
		   "title must be a single line of text, not a list or "
		   "mapping; write \"title: '...'\"");
	const yoi_field *state = yoi_item_field(it, "state");
	not_scalar(d, p, state,
		   "state must be a single word, not a list or mapping; write "
		   "\"state: 'planning'\"");
	if (state && state->type == YOI_FIELD_SCALAR &&
	    !blank_str(state->value) &&
	    yoi_state_parse(state->value) == YOI_ST_INVALID)
		yoi_diag_add(d, YOI_DIAG_ERROR, "item-invalid-state", p,
			     field_line(state),
			     "state '%s' is not a known state; use one of "
			     "planning, ready, queued, inprogress, done, "
			     "closed",
			     state->value);

	static const char *const obsolete[] = {
	    "id",   "slug",   "status",		 "workflow_state",
	    "kind", "labels", "action_required", "attention_required"};
	for (size_t i = 0; i < sizeof(obsolete) / sizeof(*obsolete); i++) {
		const yoi_field *f = yoi_item_field(it, obsolete[i]);
		if (!f)
			continue;
		const char *hint =
		    i < 2   ? " (the ticket ID is its directory name)"
		    : i < 4 ? " (the state lives in 'state')"
			    : "";
		yoi_diag_add(d, YOI_DIAG_ERROR, "item-obsolete-field", p,
			     field_line(f),
			     "field '%s' is obsolete%s; remove it from the "
			     "frontmatter",
			     obsolete[i], hint);
	}

	int64_t created = 0, updated = 0, queued = 0;
	bool have_c = check_time(it, "created_at", p, d, &created);
	bool have_u = check_time(it, "updated_at", p, d, &updated);
	check_time(it, "queued_at", p, d, &queued);
	if (have_c && have_u && updated < created) {
		const yoi_field *f = yoi_item_field(it, "updated_at");
		yoi_diag_add(d, YOI_DIAG_ERROR, "item-updated-before-created",
			     p, field_line(f),
			     "updated_at (%s) is before created_at (%s); set "
			     "updated_at to the time of the last change",
			     f->value, yoi_item_get(it, "created_at"));
	}

	const yoi_field *assignee = yoi_item_field(it, "assignee");
	if (assignee && assignee->type != YOI_FIELD_SCALAR &&
	    assignee->type != YOI_FIELD_NULL)
		yoi_diag_add(d, YOI_DIAG_ERROR, "item-bad-type", p,
			     field_line(assignee),
			     "assignee must be a name or null; write "
			     "\"assignee: 'name'\" or \"assignee: null\"");
	const yoi_field *risk = yoi_item_field(it, "risk_flags");
	if (risk && risk->type != YOI_FIELD_LIST)
		yoi_diag_add(d, YOI_DIAG_ERROR, "item-bad-type", p,
			     field_line(risk),
			     "risk_flags must be a list of strings; write "
			     "\"risk_flags: ['a', 'b']\" (or [] for none)");
}
