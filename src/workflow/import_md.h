/*
 * import_md.h - what the import readers share (import_backlog.c,
 * import_tk.c, import_github.c): reading a source file under the import
 * size limit, listing a folder's Markdown files, the YAML frontmatter
 * through the item parser, source times, the kept fields as JSON, and
 * trimming Markdown text.
 *
 * Every problem with the data goes into set->problems (file and line);
 * the functions return YOI_ENOMEM only when memory runs out.
 */
#ifndef YOI_WORKFLOW_IMPORT_MD_H
#define YOI_WORKFLOW_IMPORT_MD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "yoi/common.h"
#include "yoi/import.h"
#include "yoi/item.h"

/*
 * Read the file at path (at most YOI_IMPORT_MAX_FILE bytes, no symlink)
 * into out. 0: read; 1: not read, the reason is a problem in set (over
 * the limit, a symlink, unreadable); YOI_ENOMEM.
 */
int yoi_impmd_read(yoi_import_set *set, const char *path, yoi_buf *out);

/*
 * The regular files and symlinks named *.md directly in dir, as paths
 * "dir/name", sorted by name, appended to out. A missing dir adds
 * nothing. 0, YOI_ENOMEM, or YOI_EIO (err set) when dir cannot be read.
 */
int yoi_impmd_list(const char *dir, yoi_strv *out, yoi_error *err);

/*
 * Parse a YAML-frontmatter Markdown file. 0 with *out set; 1 when the
 * file is not one (the item parser's error is a problem in set, at its
 * line); YOI_ENOMEM.
 */
int yoi_impmd_parse(yoi_import_set *set, const char *buf, size_t len,
		    const char *path, yoi_item **out);

/*
 * A source time as RFC 3339 UTC: RFC 3339 (any offset, fractions
 * dropped), "YYYY-MM-DD HH:MM[:SS]" and "YYYY-MM-DD" (read as UTC),
 * from 1970 to 9999. 0, or -1 when s is none of these.
 */
int yoi_impmd_time(const char *s, char out[YOI_TIME_LEN + 1]);

/* A frontmatter field's value as JSON: a string, a list of strings, null,
 * or (a mapping, a nested list) its YAML text as a string. A new
 * reference, NULL when out of memory. */
json_t *yoi_impmd_field_json(const yoi_item *it, const yoi_field *f);

/*
 * Set t->kept to the compact text of obj when it has keys (none: NULL).
 * Takes obj's reference (NULL is fine). 0 or YOI_ENOMEM.
 */
int yoi_impmd_keep(yoi_import_ticket *t, json_t *obj);

/* obj[key] = v, taking v's reference; false when out of memory. */
bool yoi_impmd_set(json_t *obj, const char *key, json_t *v);

/*
 * [s, s+len) without its leading and trailing blank lines, ending in one
 * '\n' ("" when nothing is left); line breaks as \n (CRLF read). NULL when
 * out of memory.
 */
char *yoi_impmd_trim(const char *s, size_t len);

/* Does the line [s, s+len) (no line break) hold only spaces and tabs? */
bool yoi_impmd_blank(const char *s, size_t len);

/*
 * A scalar, list or null field as strings appended to out (a scalar: one,
 * null: none). *ok false for a mapping or nested list (nothing added).
 * 0 or YOI_ENOMEM.
 */
int yoi_impmd_strings(const yoi_field *f, yoi_strv *out, bool *ok);

/*
 * A task type (f: "type: bug") as one more label, "type:bug", as the
 * beads reader does with issue_type; labels stay unique. A type that is
 * not one word (a list, a mapping): *keep. 0 or YOI_ENOMEM.
 */
int yoi_impmd_type_label(yoi_import_ticket *t, const yoi_item *it,
			 const yoi_field *f, bool *keep);

/*
 * A warning YOI_IMP_UNMAPPED at f's line (line 1 without f): fmt holds one
 * "%s", which gets value quoted ("" for NULL).
 */
void yoi_impmd_warn(yoi_import_set *set, const char *path, const yoi_field *f,
		    const char *fmt, const char *value);

/* len without the trailing '\r', spaces and tabs of the line [s, s+len). */
size_t yoi_impmd_cut_eol(const char *s, size_t len);

/*
 * The strings of f (a list, or one scalar; f NULL: none) as relations of
 * kind from t (note may be NULL); empty strings are passed over. id_of,
 * when not NULL, turns a string into the target id (a new string, NULL
 * when out of memory). A mapping or nested list is a warning "'<key>' is
 * neither <what>; it is kept ..." and sets *keep. 0 or YOI_ENOMEM.
 */
int yoi_impmd_rels(yoi_import_set *set, yoi_import_ticket *t, const char *path,
		   const yoi_field *f, const char *kind, const char *note,
		   const char *what, char *(*id_of)(const char *), bool *keep);

/*
 * A field the mapping could not take (f NULL or null: nothing to say):
 * yoi_impmd_warn(set, path, f, fmt, value) and *keep, so it stays in the
 * ticket.
 */
void yoi_impmd_unmapped(yoi_import_set *set, const char *path,
			const yoi_field *f, const char *fmt, const char *value,
			bool *keep);

/*
 * The creation time field f of it (NULL: none) as t->created_at, in RFC
 * 3339 UTC (yoi_impmd_time into stamp). A value that is not a time is the
 * error YOI_IMP_BAD_TIME at f's line saying msg, and created_at gets the
 * value as written ("?" when not a scalar): the set is refused anyway.
 * 0 or YOI_ENOMEM.
 */
int yoi_impmd_created(yoi_import_set *set, yoi_import_ticket *t,
		      const yoi_item *it, const yoi_field *f, const char *path,
		      const char *msg, char stamp[YOI_TIME_LEN + 1]);

/*
 * Set t->body to the text gathered in b, trimmed (yoi_impmd_trim). b stays
 * the caller's. YOI_ENOMEM when b ran out of memory or the copy fails
 * (t->body untouched), else 0.
 */
int yoi_impmd_set_body(yoi_import_ticket *t, const yoi_buf *b);

/*
 * Set t->kept (yoi_impmd_keep) to the fields of it the mapping did not
 * take: every field whose key is not in mapped[0..n), and mapped[k] when
 * keep[k]; in file order, values as yoi_impmd_field_json. 0 or YOI_ENOMEM.
 */
int yoi_impmd_keep_unmapped(yoi_import_ticket *t, const yoi_item *it,
			    const char *const *mapped, size_t n,
			    const bool *keep);

/* The problem codes of the readers. */
#define YOI_IMP_TOO_LARGE  "import-too-large"
#define YOI_IMP_UNREADABLE "import-unreadable"
#define YOI_IMP_BAD_YAML   "import-bad-yaml"
#define YOI_IMP_BAD_JSON   "import-bad-json"
#define YOI_IMP_BAD_FIELD  "import-bad-field"
#define YOI_IMP_BAD_TIME   "import-bad-time"
#define YOI_IMP_UNMAPPED   "import-unmapped"
#define YOI_IMP_NOT_TASK   "import-not-a-task"

#endif
