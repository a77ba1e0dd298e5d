/*
 * item.h - item.md (SPEC 3): YAML frontmatter parsed with libyaml, kept
 * with its raw bytes so a rewrite changes only the lines of the fields it
 * changes; body sections found with cmark. Pure: works on buffers.
 *
 * Ownership: yoi_item owns a copy of the input and all fields;
 * yoi_item_free releases it. Pointers returned by getters point into the
 * item and live until the next set or free.
 *
 * Spans: a field's [start,end) runs from the start of its key's line to
 * just past the line break of the last line holding its value (a block
 * list or block scalar through its last non-blank content line). Comment
 * and blank lines between fields belong to no span, so they survive a
 * rewrite byte-for-byte; a trailing comment on a rewritten field's own
 * lines (`state: ready # x`) is replaced with it.
 */
#ifndef YOI_ITEM_H
#define YOI_ITEM_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"

#define YOI_ITEM_MAX_DEPTH 32 /* YAML nesting limit */

typedef enum {
	YOI_FIELD_SCALAR = 0, /* value set */
	YOI_FIELD_NULL,	      /* null, ~, or empty */
	YOI_FIELD_LIST,	      /* sequence of non-null scalars: list/nlist */
	YOI_FIELD_OTHER,      /* mapping, nested sequence, sequence holding
				 a null: raw bytes only */
} yoi_field_type;

/*
 * After yoi_item_set/set_list, type/value/list hold the pending value and
 * rewrite its line; setting the parsed value again drops the rewrite.
 */
typedef struct yoi_field {
	char *key;
	yoi_field_type type;
	char *value; /* decoded scalar (SCALAR only) */
	char **list; /* decoded items (LIST only) */
	size_t nlist;
	int line;      /* 1-based line in the file of the key (0: appended) */
	size_t start;  /* byte offset (in raw) of the field's first line */
	size_t end;    /* byte offset just past the field's last line */
	char *rewrite; /* new text for [start,end) or NULL when untouched */
} yoi_field;

typedef struct yoi_item {
	char *raw; /* the whole file as read (owned copy) */
	size_t len;
	size_t
	    fm_start; /* offset of the first frontmatter byte (after "---\n") */
	size_t fm_end; /* offset of the closing "---" line */
	size_t body;   /* offset of the first body byte (after closer line) */
	int body_line; /* 1-based line where the body starts */
	bool crlf;     /* file uses CRLF line endings */
	yoi_field *fields;
	size_t nfields;
	char **appended; /* new "key: value\n" lines, added before the closer */
	size_t nappended;
	char *new_body; /* replacement body (yoi_item_set_body) or NULL */
	size_t new_body_len;
} yoi_item;

/*
 * Parse a whole item.md, or just its frontmatter (a buffer that ends after
 * the closing --- line is fine: the body is then empty).
 *
 * Line 1 is "---" ("---\r": the file is CRLF, crlf set); the frontmatter
 * ends at the next line that is exactly "---" (or "---\r"). An empty
 * frontmatter is an empty mapping.
 *
 * Fails with YOI_ECORRUPT, err->path/err->line set and err->msg reading
 * "<path>:<line>: <what is wrong>; <what to do>" for: an empty file, no
 * opening "---" on line 1, no closing "---", NUL bytes or invalid UTF-8
 * anywhere (body included), YAML syntax errors, a frontmatter that is not
 * a block mapping (a list, a scalar, a flow mapping "{...}"), more than
 * one YAML document, a key that is not a plain scalar, YAML
 * anchors/aliases, nesting deeper than YOI_ITEM_MAX_DEPTH, duplicate
 * top-level keys, a "\0" escape in a value. path NULL reads "item.md".
 * Does NOT check required fields or values: see yoi_item_check.
 */
int yoi_item_parse(yoi_item **out, const char *buf, size_t len,
		   const char *path, yoi_error *err);
void yoi_item_free(yoi_item *it);

/* Field by key, or NULL. Appended fields are found too (line 0). */
const yoi_field *yoi_item_field(const yoi_item *it, const char *key);
/* Scalar value by key; NULL when absent, null, or not a scalar. */
const char *yoi_item_get(const yoi_item *it, const char *key);

/*
 * Change a field (or add it before the closer when absent). The new line is
 * written in the engine's style: `key: 'value'` ('' escapes a quote), null
 * as `key: null`, lists as `key: ['a', 'b']`. Setting a field to the value
 * it already has (same type and decoded value) changes nothing.
 * value NULL -> null. Returns 0 or YOI_ENOMEM / YOI_EUSAGE (key not
 * [A-Za-z0-9_]+, value with a line break (also U+0085/U+2028/U+2029),
 * a control character other than tab, or invalid UTF-8).
 */
int yoi_item_set(yoi_item *it, const char *key, const char *value);
int yoi_item_set_list(yoi_item *it, const char *key, const char *const *items,
		      size_t n);

/*
 * Remove a field: render drops its lines [start,end) (a field added by
 * yoi_item_set just disappears). Getters no longer find it; setting it
 * again adds it before the closer. An absent key is a no-op. Returns 0,
 * YOI_EUSAGE (it or key NULL) or YOI_ENOMEM.
 */
int yoi_item_unset(yoi_item *it, const char *key);

/*
 * Render the file (appended to out): the original bytes with the changed
 * fields' lines replaced (removed fields' lines dropped), appended fields
 * before the closer (before an explicit "..." document end, if any), body
 * byte-for-byte. Line endings and indentation of new lines follow the
 * file (crlf, the first field's indent). An unchanged item renders
 * byte-identical to its input.
 */
int yoi_item_render(const yoi_item *it, yoi_buf *out);

/*
 * Replace the body (bytes after the closer line). The frontmatter keeps
 * its bytes and pending field changes. Returns 0, YOI_ENOMEM, or
 * YOI_EUSAGE for invalid UTF-8 or NUL bytes.
 */
int yoi_item_set_body(yoi_item *it, const char *body, size_t len);

/* Body bytes (points into raw, or into the replacement body). */
const char *yoi_item_body(const yoi_item *it, size_t *len);

/*
 * The first checks of yoi_item_parse without the YAML: NUL bytes, UTF-8,
 * opener and closer, with the same errors. *body: the offset of the body
 * in buf. For readers that need the body of a file whose frontmatter
 * they already know (list --search).
 */
int yoi_item_split(const char *buf, size_t len, const char *path, size_t *body,
		   yoi_error *err);

/*
 * Build a new item.md text (appended to out): "---\n", frontmatter lines
 * in the order given (all written in engine style via the same formatter
 * as yoi_item_set), then "---\n", then body (ensuring a trailing newline;
 * an empty or NULL body adds nothing). Each entry: key, and either value
 * (scalar, NULL for null) or list. YOI_EUSAGE (nothing written) for the
 * key/value errors of yoi_item_set, a repeated key, or a body that is not
 * UTF-8.
 */
typedef struct yoi_item_kv {
	const char *key;
	const char *value;
	const char *const *list; /* when non-NULL, written as a flow list */
	size_t nlist;
} yoi_item_kv;
int yoi_item_compose(yoi_buf *out, const yoi_item_kv *kv, size_t n,
		     const char *body);

/*
 * A level-2 section of the body, found with cmark: each top-level level-2
 * heading (ATX or setext; not inside code, block quotes or lists) starts
 * one; text before the first is not a section.
 */
typedef struct yoi_section {
	char *heading; /* heading text, e.g. "Background" */
	char *text;    /* source text of the section (after the heading's last
			  line, up to the next level-2 heading), leading and
			  trailing blank lines and the final line break
			  removed; "" when empty */
	int line;      /* 1-based line of the heading within the body (file
			  line: body_line + line - 1) */
} yoi_section;

/* *out is NULL when n is 0; free with yoi_sections_free. */
int yoi_item_sections(const char *body, size_t len, yoi_section **out,
		      size_t *n);
void yoi_sections_free(yoi_section *s, size_t n);

/*
 * Semantic checks of a parsed item (doctor): required fields, state in the
 * known set, obsolete fields, timestamp format, updated_at >= created_at,
 * types of known fields (assignee string/null, risk_flags list of strings:
 * null is reported too; title/state single values). Sees pending sets.
 * All errors; each at the field's line (a missing field: line 1).
 * Adds diagnostics with codes:
 *   item-missing-field, item-invalid-state, item-obsolete-field,
 *   item-bad-timestamp, item-updated-before-created, item-bad-type
 */
void yoi_item_check(const yoi_item *it, const char *path, yoi_diag *d);

#endif
