/*
 * template.c - the Mustache subset (SPEC 11).
 *
 * Two passes. parse() turns the template into a flat array of nodes (text
 * slices of the template, variables, sections) and checks the structure:
 * tag syntax, names, open/close pairing, nesting depth. A section node
 * records the index just past its last child, so the tree is the array
 * itself and rendering is a recursion bounded by the nesting depth the
 * parser allowed. Comments and closing tags leave no node.
 *
 * Standalone lines are settled in the parser, which is where the raw text
 * around a tag is still at hand: it tracks whether the current line holds
 * only blanks so far (`blank`), and when a section, inverted, closing or
 * comment tag is followed by blanks and a line end (or the end of the
 * template), the blanks before it are cut from the preceding text node and
 * the blanks and line end after it are skipped. Both stay within one text
 * segment: a line that is blank up to a tag cannot hold another tag.
 *
 * render() writes into a scratch buffer that is appended to the caller's
 * only on success, so an error leaves the caller's buffer as it was.
 */
#include "base/template.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NAME "template"
/* Bytes of a name quoted in a message. */
#define QUOTE_MAX 64

typedef enum {
	N_TEXT,
	N_VAR,
	N_SECTION,
	N_INVERTED,
} node_kind;

typedef struct node {
	node_kind kind;
	int line;      /* of the tag's "{{"; of the text's first byte */
	const char *s; /* text, or the tag's name; points into the template */
	size_t len;
	size_t end; /* sections: index just past the last child */
} node;

typedef struct tmpl {
	const char *name;
	yoi_error *err;
	node *v;
	size_t n;
	size_t cap;
} tmpl;

/* ---- errors ---------------------------------------------------------- */

static int fail(const char *name, yoi_error *err, int line, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int fail(const char *name, yoi_error *err, int line, const char *fmt,
		...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vat(err, YOI_ECORRUPT, name, line, fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(const char *name, yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, name, 0, "%s: out of memory",
			     name);
}

/*
 * A name as a message may quote it: at most QUOTE_MAX bytes, control
 * bytes shown as '?', "..." when cut.
 */
typedef struct quoted {
	char s[QUOTE_MAX + 4];
} quoted;

static quoted quote(const char *s, size_t len)
{
	quoted q;
	size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		q.s[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(q.s + n, "...", 3);
		n += 3;
	}
	q.s[n] = '\0';
	return q;
}

/* ---- parsing --------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_blank(s[i]))
			return false;
	return true;
}

static int push(tmpl *t, node_kind kind, int line, const char *s, size_t len)
{
	if (YOI_GROW(t->v, t->n, t->cap, 32) < 0)
		return nomem(t->name, t->err);
	t->v[t->n++] = (node){kind, line, s, len, 0};
	return 0;
}

static int push_text(tmpl *t, int line, const char *s, size_t len)
{
	return len ? push(t, N_TEXT, line, s, len) : 0;
}

/*
 * A name is "." (the implicit iterator) or parts joined by single dots,
 * each part a run of bytes other than blanks, control bytes and braces.
 */
static bool valid_name(const char *s, size_t len)
{
	if (len == 1 && s[0] == '.')
		return true;
	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f || c == '{' || c == '}')
			return false;
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return false;
	}
	return true;
}

typedef enum { T_VAR, T_SECTION, T_INVERTED, T_CLOSE, T_COMMENT } tag_kind;

static int parse(tmpl *t, const char *src, size_t len)
{
	size_t open[YOI_TEMPLATE_DEPTH_MAX]; /* node index of open sections */
	size_t depth = 0;
	size_t pos = 0;
	int line = 1;	   /* line at pos */
	bool blank = true; /* the line up to pos holds only blanks */
	int rc;

	while (pos < len) {
		const char *o = memmem(src + pos, len - pos, "{{", 2);
		size_t text_end = o ? (size_t)(o - src) : len;
		int text_line = line;

		/* The text before the tag, and where its last line starts. */
		const char *seg = src + pos;
		size_t seg_len = text_end - pos;
		const char *nl = memrchr(seg, '\n', seg_len);
		size_t line_start = pos;
		if (nl) {
			line_start = (size_t)(nl - src) + 1;
			blank =
			    all_blank(src + line_start, text_end - line_start);
		} else {
			blank = blank && all_blank(seg, seg_len);
		}
		line += yoi_line_at(seg, seg_len) - 1;
		if (!o) {
			if ((rc = push_text(t, text_line, seg, seg_len)) < 0)
				return rc;
			break;
		}

		/* The tag: [o, te), its content [cs, ce). */
		size_t p = text_end + 2;
		bool triple = p < len && src[p] == '{';
		const char *closer = triple ? "}}}" : "}}";
		size_t clen = triple ? 3 : 2;
		if (triple)
			p++;
		const char *c = memmem(src + p, len - p, closer, clen);
		if (!c)
			return fail(t->name, t->err, line,
				    "tag '%s' is never closed; add '%s' or "
				    "remove the '%s'",
				    triple ? "{{{" : "{{", closer,
				    triple ? "{{{" : "{{");
		size_t cs = p, ce = (size_t)(c - src), te = ce + clen;
		int tag_line = line;
		while (cs < ce && is_space(src[cs]))
			cs++;
		tag_kind kind = T_VAR;
		if (!triple && cs < ce) {
			switch (src[cs]) {
			case '!':
				kind = T_COMMENT;
				break;
			case '#':
				kind = T_SECTION;
				cs++;
				break;
			case '^':
				kind = T_INVERTED;
				cs++;
				break;
			case '/':
				kind = T_CLOSE;
				cs++;
				break;
			case '&':
				cs++;
				break;
			case '>':
				return fail(t->name, t->err, tag_line,
					    "partials ({{>name}}) are not "
					    "supported; put the text in the "
					    "template itself");
			case '=':
				return fail(t->name, t->err, tag_line,
					    "delimiter changes ({{=<%% %%>=}}) "
					    "are not supported; keep {{ }} as "
					    "delimiters");
			default:
				break;
			}
		}
		line += yoi_line_at(src + text_end, te - text_end) - 1;

		const char *nm = src + cs;
		size_t nlen = 0;
		if (kind != T_COMMENT) {
			while (cs < ce && is_space(src[cs]))
				cs++;
			while (ce > cs && is_space(src[ce - 1]))
				ce--;
			nm = src + cs;
			nlen = ce - cs;
			if (nlen == 0)
				return fail(
				    t->name, t->err, tag_line,
				    "empty tag '%s'; put a name "
				    "between the braces",
				    quote(src + text_end, te - text_end).s);
			if (!valid_name(nm, nlen))
				return fail(t->name, t->err, tag_line,
					    "invalid name '%s'; a name is '.' "
					    "or parts joined by single dots, "
					    "without blanks or braces",
					    quote(nm, nlen).s);
		}

		/* Standalone: blanks, the tag, blanks, a line end or EOF. */
		bool standalone = false;
		size_t next = te;
		if (kind != T_VAR && blank) {
			size_t q = te;
			while (q < len && is_blank(src[q]))
				q++;
			if (q == len) {
				standalone = true;
				next = len;
			} else if (src[q] == '\n') {
				standalone = true;
				next = q + 1;
			} else if (src[q] == '\r' && q + 1 < len &&
				   src[q + 1] == '\n') {
				standalone = true;
				next = q + 2;
			}
		}
		if (standalone) {
			rc = push_text(t, text_line, seg, line_start - pos);
			if (next > te && src[next - 1] == '\n')
				line++;
			/* blank stays true: next is a line start (or EOF) */
		} else {
			rc = push_text(t, text_line, seg, seg_len);
			blank = false;
		}
		if (rc < 0)
			return rc;
		pos = next;

		switch (kind) {
		case T_COMMENT:
			break;
		case T_VAR:
			rc = push(t, N_VAR, tag_line, nm, nlen);
			break;
		case T_SECTION:
		case T_INVERTED:
			if (depth == YOI_TEMPLATE_DEPTH_MAX)
				return fail(t->name, t->err, tag_line,
					    "sections nested more than %d "
					    "deep; flatten the template",
					    YOI_TEMPLATE_DEPTH_MAX);
			open[depth++] = t->n;
			rc = push(t, kind == T_SECTION ? N_SECTION : N_INVERTED,
				  tag_line, nm, nlen);
			break;
		case T_CLOSE: {
			if (depth == 0)
				return fail(t->name, t->err, tag_line,
					    "closing tag '{{/%s}}' closes no "
					    "section; remove it or open the "
					    "section with {{#%s}}",
					    quote(nm, nlen).s,
					    quote(nm, nlen).s);
			node *sec = &t->v[open[depth - 1]];
			if (sec->len != nlen || memcmp(sec->s, nm, nlen) != 0)
				return fail(t->name, t->err, tag_line,
					    "closing tag '{{/%s}}' does not "
					    "match section '%s' opened on line "
					    "%d; close that one first with "
					    "{{/%s}}",
					    quote(nm, nlen).s,
					    quote(sec->s, sec->len).s,
					    sec->line,
					    quote(sec->s, sec->len).s);
			sec->end = t->n;
			depth--;
			break;
		}
		}
		if (rc < 0)
			return rc;
	}
	if (depth > 0) {
		const node *sec = &t->v[open[depth - 1]];
		return fail(t->name, t->err, sec->line,
			    "section '%s' opened here is never closed; add "
			    "{{/%s}}",
			    quote(sec->s, sec->len).s,
			    quote(sec->s, sec->len).s);
	}
	return 0;
}

/* ---- rendering ------------------------------------------------------- */

typedef struct render_state {
	const char *name;
	yoi_error *err;
	const node *v;
	const json_t *ctx[YOI_TEMPLATE_DEPTH_MAX + 1]; /* [0] is the view */
	size_t depth;
	size_t steps;
	yoi_buf out;
} render_state;

static int put(render_state *r, const node *nd, const char *s, size_t len)
{
	if (len > YOI_TEMPLATE_OUT_MAX - r->out.len)
		return fail(r->name, r->err, nd->line,
			    "the rendering grows past %u bytes here; "
			    "render fewer or smaller values",
			    YOI_TEMPLATE_OUT_MAX);
	if (yoi_buf_put(&r->out, s, len) < 0)
		return nomem(r->name, r->err);
	return 0;
}

static int miss(render_state *r, const node *nd, const char *detail)
{
	const char *where = nd->kind == N_SECTION    ? " in {{#"
			    : nd->kind == N_INVERTED ? " in {{^"
						     : "";
	quoted q = quote(nd->s, nd->len);
	return fail(r->name, r->err, nd->line,
		    "unknown variable '%s'%s%s%s%s; use one of the view's "
		    "names or fix the template",
		    q.s, where, *where ? q.s : "", *where ? "}}" : "", detail);
}

/* The value nd's name stands for, or an error when no context has it. */
static int lookup(render_state *r, const node *nd, const json_t **out)
{
	const char *s = nd->s;
	size_t len = nd->len;
	if (len == 1 && s[0] == '.') {
		if (r->depth == 0)
			return miss(r, nd, " (the view is empty)");
		*out = r->ctx[r->depth - 1];
		return 0;
	}
	const char *dot = memchr(s, '.', len);
	size_t plen = dot ? (size_t)(dot - s) : len;
	const json_t *v = NULL;
	for (size_t k = r->depth; k-- > 0 && !v;)
		if (json_is_object(r->ctx[k]))
			v = json_object_getn(r->ctx[k], s, plen);
	if (!v)
		return miss(r, nd, "");
	while (dot) {
		const char *part = dot + 1;
		size_t done = (size_t)(dot - s);
		dot = memchr(part, '.', len - (size_t)(part - s));
		plen = dot ? (size_t)(dot - part) : len - (size_t)(part - s);
		const json_t *next =
		    json_is_object(v) ? json_object_getn(v, part, plen) : NULL;
		if (!next) {
			char detail[2 * QUOTE_MAX + 32];
			snprintf(detail, sizeof(detail), " (no '%s' in '%s')",
				 quote(part, plen).s, quote(s, done).s);
			return miss(r, nd, detail);
		}
		v = next;
	}
	*out = v;
	return 0;
}

static bool truthy(const json_t *v)
{
	if (json_is_false(v) || json_is_null(v))
		return false;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return true;
}

/*
 * The shortest decimal that reads back as d, in JavaScript's notation:
 * plain digits for 1e-7 <= |d| < 1e21, else d[.ddd]e(+|-)x.
 */
static void format_real(char *buf, size_t size, double d)
{
	if (d == 0) {
		snprintf(buf, size, "0");
		return;
	}
	char e[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, d);
		if (strtod(e, NULL) == d)
			break;
	}
	/* Digits and exponent of e; the sign and decimal point are skipped
	 * by looking at digits only, whatever the locale writes. */
	char dig[24];
	size_t nd = 0;
	const char *p = e;
	for (; *p && *p != 'e' && *p != 'E'; p++)
		if (*p >= '0' && *p <= '9' && nd < sizeof(dig) - 1)
			dig[nd++] = *p;
	int exp10 = *p ? atoi(p + 1) : 0;
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	dig[nd] = '\0';

	/* d = 0.dig * 10^point */
	int point = exp10 + 1;
	int n = (int)nd;
	char o[64];
	size_t k = 0;
	if (d < 0)
		o[k++] = '-';
	if (n <= point && point <= 21) {
		memcpy(o + k, dig, (size_t)n);
		k += (size_t)n;
		for (int z = n; z < point; z++)
			o[k++] = '0';
	} else if (0 < point && point <= 21) {
		memcpy(o + k, dig, (size_t)point);
		k += (size_t)point;
		o[k++] = '.';
		memcpy(o + k, dig + point, (size_t)(n - point));
		k += (size_t)(n - point);
	} else if (-6 < point && point <= 0) {
		o[k++] = '0';
		o[k++] = '.';
		for (int z = 0; z < -point; z++)
			o[k++] = '0';
		memcpy(o + k, dig, (size_t)n);
		k += (size_t)n;
	} else {
		o[k++] = dig[0];
		if (n > 1) {
			o[k++] = '.';
			memcpy(o + k, dig + 1, (size_t)(n - 1));
			k += (size_t)(n - 1);
		}
		snprintf(o + k, sizeof(o) - k, "e%c%d",
			 point - 1 < 0 ? '-' : '+', abs(point - 1));
		k += strlen(o + k);
	}
	o[k] = '\0';
	snprintf(buf, size, "%s", o);
}

static int interpolate(render_state *r, const node *nd, const json_t *v)
{
	char num[64];
	switch (json_typeof(v)) {
	case JSON_STRING:
		return put(r, nd, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return put(r, nd, num, strlen(num));
	case JSON_REAL:
		format_real(num, sizeof(num), json_real_value(v));
		return put(r, nd, num, strlen(num));
	case JSON_TRUE:
		return put(r, nd, "true", 4);
	case JSON_FALSE:
		return put(r, nd, "false", 5);
	case JSON_NULL:
		return 0;
	case JSON_OBJECT: {
		quoted q = quote(nd->s, nd->len);
		return fail(r->name, r->err, nd->line,
			    "variable '%s' is an object; interpolate one of "
			    "its fields ({{%s.field}}) or open it as a "
			    "section",
			    q.s, nd->len == 1 && nd->s[0] == '.' ? "" : q.s);
	}
	case JSON_ARRAY: {
		quoted q = quote(nd->s, nd->len);
		return fail(r->name, r->err, nd->line,
			    "variable '%s' is a list; iterate it with "
			    "{{#%s}}...{{/%s}}",
			    q.s, q.s, q.s);
	}
	}
	return 0;
}

static int step(render_state *r, const node *nd)
{
	if (++r->steps > YOI_TEMPLATE_STEPS_MAX)
		return fail(r->name, r->err, nd->line,
			    "rendering takes more than %u steps (sections "
			    "over long lists nested deep?); simplify the "
			    "template or shorten the lists",
			    YOI_TEMPLATE_STEPS_MAX);
	return 0;
}

static int render(render_state *r, size_t i, size_t end);

/* Render the children of section nd (at index i) with v on top. */
static int render_with(render_state *r, size_t i, const json_t *v)
{
	const node *nd = &r->v[i];
	/* The parser bounded nesting, so the stack cannot overflow. */
	if (r->depth >= sizeof(r->ctx) / sizeof(r->ctx[0]))
		return fail(r->name, r->err, nd->line,
			    "sections nested too deep; flatten the template");
	r->ctx[r->depth++] = v;
	int rc = render(r, i + 1, nd->end);
	r->depth--;
	return rc;
}

static int render(render_state *r, size_t i, size_t end)
{
	int rc;
	while (i < end) {
		const node *nd = &r->v[i];
		const json_t *v = NULL;
		if ((rc = step(r, nd)) < 0)
			return rc;
		switch (nd->kind) {
		case N_TEXT:
			rc = put(r, nd, nd->s, nd->len);
			break;
		case N_VAR:
			rc = lookup(r, nd, &v);
			if (rc == 0)
				rc = interpolate(r, nd, v);
			break;
		case N_INVERTED:
			rc = lookup(r, nd, &v);
			if (rc == 0 && !truthy(v))
				rc = render(r, i + 1, nd->end);
			break;
		case N_SECTION:
			rc = lookup(r, nd, &v);
			if (rc < 0 || !truthy(v))
				break;
			if (!json_is_array(v)) {
				rc = render_with(r, i, v);
				break;
			}
			for (size_t k = 0; k < json_array_size(v); k++) {
				if ((rc = step(r, nd)) < 0 ||
				    (rc = render_with(
					 r, i, json_array_get(v, k))) < 0)
					break;
			}
			break;
		}
		if (rc < 0)
			return rc;
		i = nd->kind == N_SECTION || nd->kind == N_INVERTED ? nd->end
								    : i + 1;
	}
	return 0;
}

/* ---- entry point ----------------------------------------------------- */

int yoi_template_render(const char *name, const char *src, size_t len,
			const json_t *view, yoi_buf *out, yoi_error *err)
{
	if (!name)
		name = DEFAULT_NAME;
	if (!out || (!src && len))
		return yoi_error_set(err, YOI_EUSAGE, name, 0,
				     "%s: no template or no output buffer",
				     name);
	if (len > YOI_TEMPLATE_MAX)
		return fail(name, err, 0,
			    "template of %zu bytes is larger than the %u "
			    "allowed; split it",
			    len, YOI_TEMPLATE_MAX);

	tmpl t = {name, err, NULL, 0, 0};
	int rc = len ? parse(&t, src, len) : 0;
	if (rc == 0) {
		render_state *r = calloc(1, sizeof(*r));
		if (!r) {
			rc = nomem(name, err);
		} else {
			r->name = name;
			r->err = err;
			r->v = t.v;
			if (view)
				r->ctx[r->depth++] = view;
			rc = render(r, 0, t.n);
			if (rc == 0 &&
			    yoi_buf_put(out, r->out.ptr, r->out.len) < 0)
				rc = nomem(name, err);
			yoi_buf_free(&r->out);
			free(r);
		}
	}
	free(t.v);
	return rc;
}
