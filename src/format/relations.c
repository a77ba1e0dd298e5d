/*
 * relations.c - artifacts/relations.json (SPEC 6).
 *
 * jansson does the reading and the writing. What it cannot do is say where
 * a value starts, and doctor wants a line for every finding, so after
 * jansson has accepted the text a structural scan (scan_lines) walks it
 * once more, skipping strings and counting brackets, to find the line of
 * each top-level key and of each element of the "relations" array. It
 * relies on jansson keeping object keys in file order (true since 2.8) and
 * on the text being valid JSON; if its counts disagree with jansson's, the
 * lines fall back to 0 rather than point at the wrong record.
 *
 * One checker (check_values) serves parse, add and render, so a file the
 * engine writes is always one it reads back without findings. It reports
 * through a sink: into the diag list when parsing (every problem), into a
 * yoi_error when adding (the first problem, with its YOI_E* code).
 */
#include "yoi/relations.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/jsontext.h"
#define DEFAULT_PATH "relations.json"
/* Bytes of a file value quoted in a message. */

static const char *const kind_names[YOI_REL_KIND_COUNT] = {
    "depends_on", "blocks", "related", "supersedes", "duplicate_of",
};

const char *yoi_rel_kind_name(yoi_rel_kind kind)
{
	if ((unsigned)kind >= YOI_REL_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

const char *yoi_rel_kind_inverse(yoi_rel_kind kind)
{
	static const char *const inv[YOI_REL_KIND_COUNT] = {
	    "required by", "blocked by", "related to", "superseded by",
	    "duplicated by"};
	return (unsigned)kind < YOI_REL_KIND_COUNT ? inv[kind] : "?";
}

int yoi_rel_kind_parse(yoi_rel_kind *out, const char *name)
{
	size_t k = yoi_str_index(kind_names, YOI_REL_KIND_COUNT, name);
	if (k < YOI_REL_KIND_COUNT)
		*out = (yoi_rel_kind)k;
	return k < YOI_REL_KIND_COUNT ? 0 : YOI_EUSAGE;
}

/* ---- reporting ------------------------------------------------------- */

/* Offset of the first NUL or invalid UTF-8 byte, or len. */
static size_t bad_text(const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len);
	size_t lim = nul ? (size_t)(nul - buf) : len;
	if (yoi_utf8_valid(buf, lim))
		return lim;
	/* Bisect by lines: cheap, and the line is all a message needs. */
	size_t start = 0;
	while (start < lim) {
		const char *nl = memchr(buf + start, '\n', lim - start);
		size_t end = nl ? (size_t)(nl - buf) + 1 : lim;
		if (!yoi_utf8_valid(buf + start, end - start))
			return start;
		start = end;
	}
	return lim;
}

/* ---- the checker ----------------------------------------------------- */

static bool str_ok(yoi_sink *s, const char *what, const char *v, size_t max)
{
	return yoi_sink_text_ok(s, "relation-limit", "relation-schema", what, v,
				max);
}

/*
 * Check one record's values (NULL = missing, already reported by the
 * caller when that matters). kind is the kind's name; *kind_out is set when
 * it is known. Returns true when the record is acceptable (duplicates are
 * the caller's business).
 */
static bool check_values(yoi_sink *s, const char *owner, const char *ticket_id,
			 const char *kind, const char *target, const char *note,
			 const char *author, const char *at,
			 yoi_rel_kind *kind_out)
{
	size_t before = s->n;
	char q[YOI_QUOTE_MAX + 8];
	bool tid_ok = false, target_ok = false;

	if (ticket_id &&
	    str_ok(s, "ticket_id", ticket_id, YOI_REL_STRING_MAX)) {
		yoi_quote(q, sizeof(q), ticket_id);
		if (!yoi_id_valid(ticket_id))
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "ticket_id \"%s\" is not a ticket ID; use the "
			    "13-character ID of the ticket that holds "
			    "this file",
			    q);
		else if (strcmp(ticket_id, owner) != 0)
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "ticket_id \"%s\" is not this file's ticket "
			    "%s; relations are stored on their source "
			    "ticket only, so move the record there",
			    q, owner);
		else
			tid_ok = true;
	}
	if (kind && str_ok(s, "kind", kind, YOI_REL_STRING_MAX)) {
		if (yoi_rel_kind_parse(kind_out, kind) < 0) {
			yoi_quote(q, sizeof(q), kind);
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "unknown kind \"%s\"; use depends_on, blocks, "
			    "related, supersedes or duplicate_of",
			    q);
		}
	}
	if (target && str_ok(s, "target", target, YOI_REL_STRING_MAX)) {
		if (!yoi_id_valid(target)) {
			yoi_quote(q, sizeof(q), target);
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "target \"%s\" is not a ticket ID; use a "
			    "13-character ID",
			    q);
		} else {
			target_ok = true;
		}
	}
	if (note)
		str_ok(s, "note", note, YOI_REL_NOTE_MAX);
	if (author && str_ok(s, "author", author, YOI_REL_STRING_MAX) &&
	    author[0] == '\0')
		yoi_sink_report(s, "relation-schema", YOI_EUSAGE,
				"author is empty; name who made the relation");
	if (at && str_ok(s, "at", at, YOI_REL_STRING_MAX)) {
		int64_t t;
		if (yoi_time_parse(at, &t) < 0) {
			yoi_quote(q, sizeof(q), at);
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "at \"%s\" is not an RFC 3339 time; write it "
			    "as 2026-06-27T19:08:16Z",
			    q);
		}
	}
	if (tid_ok && target_ok && strcmp(ticket_id, target) == 0)
		yoi_sink_report(s, "relation-self", YOI_EREFUSED,
				"ticket %s relates to itself; a relation needs "
				"another ticket as its target",
				target);
	return s->n == before;
}

static long find_index(const yoi_relations *r, yoi_rel_kind kind,
		       const char *target)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].kind == kind && strcmp(r->v[i].target, target) == 0)
			return (long)i;
	return -1;
}

const yoi_relation *yoi_relations_find(const yoi_relations *r,
				       yoi_rel_kind kind, const char *target)
{
	if (!r || !target)
		return NULL;
	long i = find_index(r, kind, target);
	return i < 0 ? NULL : &r->v[i];
}

/* ---- the set --------------------------------------------------------- */

static void relation_clear(yoi_relation *rel)
{
	free(rel->note);
	free(rel->author);
	free(rel->at);
}

void yoi_relations_free(yoi_relations *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		relation_clear(&r->v[i]);
	free(r->v);
	free(r);
}

int yoi_relations_new(yoi_relations **out, const char *owner_id)
{
	*out = NULL;
	if (!owner_id || !yoi_id_valid(owner_id))
		return YOI_EUSAGE;
	yoi_relations *r = calloc(1, sizeof(*r));
	if (!r)
		return YOI_ENOMEM;
	memcpy(r->owner, owner_id, YOI_ID_LEN + 1);
	*out = r;
	return 0;
}

/* Append a record whose values are checked; copies the strings. */
static int push(yoi_relations *r, const char *ticket_id, yoi_rel_kind kind,
		const char *target, const char *note, const char *author,
		const char *at, int line)
{
	if (YOI_GROW(r->v, r->n, r->cap, 8) < 0)
		return YOI_ENOMEM;
	yoi_relation rel = {.kind = kind, .line = line};
	memcpy(rel.ticket_id, ticket_id, YOI_ID_LEN + 1);
	memcpy(rel.target, target, YOI_ID_LEN + 1);
	rel.note = note ? yoi_strdup(note) : NULL;
	rel.author = yoi_strdup(author);
	rel.at = yoi_strdup(at);
	if ((note && !rel.note) || !rel.author || !rel.at) {
		relation_clear(&rel);
		return YOI_ENOMEM;
	}
	r->v[r->n++] = rel;
	return 0;
}

/* add's and render's check of a whole record. */
static int check_record(const yoi_relations *r, const yoi_relation *rel,
			yoi_error *err)
{
	yoi_sink s = {.err = err, .path = DEFAULT_PATH};
	const char *kind = yoi_rel_kind_name(rel->kind);
	if (!kind)
		yoi_sink_report(
		    &s, "relation-schema", YOI_EUSAGE,
		    "relation kind %d is not one of depends_on, blocks, "
		    "related, supersedes, duplicate_of",
		    (int)rel->kind);
	/* ticket_id and target are arrays: bound the read. */
	char tid[YOI_ID_LEN + 2], target[YOI_ID_LEN + 2];
	snprintf(tid, sizeof(tid), "%.*s", YOI_ID_LEN + 1, rel->ticket_id);
	snprintf(target, sizeof(target), "%.*s", YOI_ID_LEN + 1, rel->target);
	yoi_rel_kind k;
	if (!rel->author)
		yoi_sink_report(
		    &s, "relation-schema", YOI_EUSAGE,
		    "author is missing; name who made the relation");
	if (!rel->at)
		yoi_sink_report(
		    &s, "relation-schema", YOI_EUSAGE,
		    "at is missing; give the time as 2026-06-27T19:08:16Z");
	check_values(&s, r->owner, tid, kind, target, rel->note, rel->author,
		     rel->at, &k);
	return s.n ? s.ecode : 0;
}

int yoi_relations_add(yoi_relations *r, const yoi_relation *rel, yoi_error *err)
{
	int rc = check_record(r, rel, err);
	if (rc < 0)
		return rc;
	if (find_index(r, rel->kind, rel->target) >= 0)
		return yoi_error_set(err, YOI_EREFUSED, DEFAULT_PATH, 0,
				     "%s already has a %s relation to %s; "
				     "remove it first to change its note",
				     r->owner, yoi_rel_kind_name(rel->kind),
				     rel->target);
	if (r->n >= YOI_REL_RECORDS_MAX)
		return yoi_error_set(err, YOI_EREFUSED, DEFAULT_PATH, 0,
				     "%s already has %d relations, the most "
				     "one ticket may hold; remove some first",
				     r->owner, YOI_REL_RECORDS_MAX);
	rc = push(r, rel->ticket_id, rel->kind, rel->target, rel->note,
		  rel->author, rel->at, 0);
	if (rc < 0)
		return yoi_error_set(err, rc, DEFAULT_PATH, 0, "out of memory");
	return 0;
}

int yoi_relations_remove(yoi_relations *r, yoi_rel_kind kind,
			 const char *target, yoi_error *err)
{
	long i = target ? find_index(r, kind, target) : -1;
	if (i < 0) {
		const char *name = yoi_rel_kind_name(kind);
		return yoi_error_set(err, YOI_ENOTFOUND, DEFAULT_PATH, 0,
				     "%s has no %s relation to %.*s; see "
				     "`relation list %s`",
				     r->owner, name ? name : "(unknown kind)",
				     YOI_ERRPATH_MAX / 2, target ? target : "",
				     r->owner);
	}
	relation_clear(&r->v[i]);
	memmove(&r->v[i], &r->v[i + 1], (r->n - (size_t)i - 1) * sizeof(*r->v));
	r->n--;
	return 0;
}

/* ---- parse ----------------------------------------------------------- */

typedef struct parse_ctx {
	const char *path;
	yoi_diag *d;
	yoi_error *err;
} parse_ctx;

/* The file as a whole is unreadable: report to d and err alike. */
static int corrupt(const parse_ctx *c, const char *dcode, int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int corrupt(const parse_ctx *c, const char *dcode, int line,
		   const char *fmt, ...)
{
	char msg[YOI_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yoi_diag_add(c->d, YOI_DIAG_ERROR, dcode, c->path, line, "%s", msg);
	return yoi_error_at(c->err, YOI_ECORRUPT, c->path, line, "%s", msg);
}

typedef struct line_map {
	int top;   /* line of the top-level '{' */
	int *keys; /* line of each top-level key, in file order */
	size_t nkeys;
	int *elems; /* line of each element of the target array */
	size_t nelems;
} line_map;

/*
 * Locate lines in text jansson accepted. rel_index is the position of the
 * "relations" key among the top-level keys (SIZE_MAX: none). keys and elems
 * have room for kcap and ecap entries; a count that would exceed its room
 * means the scan and jansson disagree, and the caller drops the map.
 */
static void scan_lines(line_map *m, const char *s, size_t len, size_t rel_index,
		       size_t kcap, size_t ecap)
{
	int line = 1;
	size_t depth = 0;
	bool in_str = false, esc = false, key_pos = false;
	bool in_target = false, need_elem = false;
	m->top = 0;
	m->nkeys = m->nelems = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '\n')
			line++;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (in_target && depth == 2 && need_elem && c != ']') {
			if (m->nelems < ecap)
				m->elems[m->nelems] = line;
			m->nelems++;
			need_elem = false;
		}
		switch (c) {
		case '"':
			if (depth == 1 && key_pos) {
				if (m->nkeys < kcap)
					m->keys[m->nkeys] = line;
				m->nkeys++;
				key_pos = false;
			}
			in_str = true;
			break;
		case '{':
		case '[':
			depth++;
			if (depth == 1) {
				m->top = line;
				key_pos = c == '{';
			} else if (depth == 2 && c == '[' &&
				   rel_index != SIZE_MAX &&
				   m->nkeys == rel_index + 1) {
				in_target = true;
				need_elem = true;
			}
			break;
		case '}':
		case ']':
			if (depth == 2)
				in_target = false;
			if (depth > 0)
				depth--;
			break;
		case ',':
			if (depth == 1)
				key_pos = true;
			else if (depth == 2 && in_target)
				need_elem = true;
			break;
		default:
			break;
		}
	}
}

static const char *const record_keys[] = {"ticket_id", "kind",	 "target",
					  "note",      "author", "at"};
#define NRECORD_KEYS (sizeof(record_keys) / sizeof(record_keys[0]))

/* Read one element of "relations" into r (or report it and skip it). */
static int parse_record(yoi_relations *r, const json_t *rec, size_t index,
			yoi_sink *s)
{
	if (!json_is_object(rec)) {
		yoi_sink_report(
		    s, "relation-schema", YOI_EUSAGE,
		    "relation %zu is not an object; each relation is "
		    "{\"ticket_id\", \"kind\", \"target\", \"author\", "
		    "\"at\"[, \"note\"]}",
		    index + 1);
		return 0;
	}
	const char *v[NRECORD_KEYS] = {NULL};
	const char *key;
	json_t *val;
	char q[YOI_QUOTE_MAX + 8];
	json_object_foreach((json_t *)rec, key, val)
	{
		size_t k = 0;
		while (k < NRECORD_KEYS && strcmp(key, record_keys[k]) != 0)
			k++;
		if (k == NRECORD_KEYS) {
			yoi_quote(q, sizeof(q), key);
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "relation %zu has unknown key \"%s\"; the "
			    "schema is closed: remove it",
			    index + 1, q);
		} else if (!json_is_string(val)) {
			yoi_sink_report(
			    s, "relation-schema", YOI_EUSAGE,
			    "relation %zu: \"%s\" is not a string; write "
			    "it as a JSON string",
			    index + 1, key);
		} else {
			v[k] = json_string_value(val);
		}
	}
	for (size_t k = 0; k < NRECORD_KEYS; k++) {
		if (k == 3 || v[k] || json_object_get(rec, record_keys[k]))
			continue; /* note is optional; wrong types reported */
		yoi_sink_report(
		    s, "relation-schema", YOI_EUSAGE,
		    "relation %zu has no \"%s\"; every relation needs "
		    "ticket_id, kind, target, author and at",
		    index + 1, record_keys[k]);
	}
	yoi_rel_kind kind = YOI_REL_KIND_COUNT;
	check_values(s, r->owner, v[0], v[1], v[2], v[3], v[4], v[5], &kind);
	if (s->n != 0)
		return 0; /* any finding, unknown keys included, drops it */
	long dup = find_index(r, kind, v[2]);
	if (dup >= 0) {
		const yoi_relation *first = &r->v[dup];
		char where[32] = "";
		if (first->line > 0)
			snprintf(where, sizeof(where), " (line %d)",
				 first->line);
		yoi_sink_report(
		    s, "relation-duplicate", YOI_EREFUSED,
		    "relation %zu repeats %s %s%s; keep one of them", index + 1,
		    v[1], v[2], where);
		return 0;
	}
	return push(r, v[0], kind, v[2], v[3], v[4], v[5], s->line);
}

int yoi_relations_parse(yoi_relations **out, const char *buf, size_t len,
			const char *owner_id, const char *path, yoi_diag *d,
			yoi_error *err)
{
	*out = NULL;
	parse_ctx c = {path ? path : DEFAULT_PATH, d, err};
	if (!owner_id || !yoi_id_valid(owner_id))
		return yoi_error_set(err, YOI_EUSAGE, c.path, 0,
				     "%s: owner \"%.64s\" is not a ticket ID",
				     c.path, owner_id ? owner_id : "");
	if (len > YOI_REL_FILE_MAX)
		return corrupt(&c, "relation-limit", 0,
			       "the file is %zu bytes, over the limit of %d; "
			       "restore it from git or split the relations",
			       len, YOI_REL_FILE_MAX);
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	size_t bad = bad_text(buf, len);
	if (bad < len)
		return corrupt(&c, "relation-encoding", yoi_line_at(buf, bad),
			       "%s; relations.json must be UTF-8 text, "
			       "restore it from git",
			       buf[bad] ? "invalid UTF-8" : "a NUL byte");
	size_t ws = 0;
	while (ws < len && (buf[ws] == ' ' || buf[ws] == '\t' ||
			    buf[ws] == '\r' || buf[ws] == '\n'))
		ws++;
	if (ws == len)
		return corrupt(&c, "relation-syntax", yoi_line_at(buf, len),
			       "the file is empty; delete it (no relations) "
			       "or restore it from git");

	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		/* jansson quotes the input: keep the message one line. */
		char q[YOI_QUOTE_MAX + 4];
		yoi_quote(q, sizeof(q), je.text);
		return corrupt(&c, "relation-syntax", je.line > 0 ? je.line : 0,
			       "not valid JSON: %s (column %d); fix the JSON "
			       "or restore the file from git",
			       q, je.column);
	}

	int rc = 0;
	yoi_relations *r = NULL;
	line_map m = {0};
	yoi_sink s = {.d = d, .path = c.path};
	int top_line = yoi_line_at(buf, ws);
	if (!json_is_object(root)) {
		rc = corrupt(&c, "relation-schema", top_line,
			     "the top level is not an object; write "
			     "{\"version\": 1, \"relations\": [...]}");
		goto done;
	}

	/* Lines of the top-level keys and of the records. */
	size_t nkeys = json_object_size(root), rel_index = SIZE_MAX, i = 0;
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val)
	{
		if (strcmp(key, "relations") == 0)
			rel_index = i;
		i++;
	}
	json_t *arr = json_object_get(root, "relations");
	size_t nrec = json_is_array(arr) ? json_array_size(arr) : 0;
	if (nrec > YOI_REL_RECORDS_MAX) {
		rc = corrupt(&c, "relation-limit", top_line,
			     "%zu relations, over the limit of %d; restore "
			     "the file from git",
			     nrec, YOI_REL_RECORDS_MAX);
		goto done;
	}
	m.keys = calloc(nkeys + 1, sizeof(int));
	m.elems = calloc(nrec + 1, sizeof(int));
	if (!m.keys || !m.elems) {
		rc = yoi_error_set(err, YOI_ENOMEM, c.path, 0, "out of memory");
		goto done;
	}
	scan_lines(&m, buf, len, json_is_array(arr) ? rel_index : SIZE_MAX,
		   nkeys, nrec);
	if (m.nkeys != nkeys)
		memset(m.keys, 0, (nkeys + 1) * sizeof(int));
	if (m.nelems != nrec)
		memset(m.elems, 0, (nrec + 1) * sizeof(int));

	json_t *version = json_object_get(root, "version");
	int vline = top_line;
	i = 0;
	json_object_foreach(root, key, val)
	{
		s.line = m.keys[i] ? m.keys[i] : top_line;
		if (strcmp(key, "version") == 0) {
			vline = s.line;
		} else if (strcmp(key, "relations") != 0) {
			char q[YOI_QUOTE_MAX + 8];
			yoi_quote(q, sizeof(q), key);
			yoi_sink_report(
			    &s, "relation-schema", YOI_EUSAGE,
			    "unknown top-level key \"%s\"; the schema is "
			    "closed: remove it",
			    q);
		}
		i++;
	}
	if (!version) {
		rc = corrupt(&c, "relation-schema", top_line,
			     "no \"version\"; add \"version\": 1");
		goto done;
	}
	if (!json_is_integer(version) ||
	    json_integer_value(version) != YOI_REL_VERSION) {
		rc = corrupt(&c, "relation-schema", vline,
			     "\"version\" is not 1; this engine reads version "
			     "1 only, upgrade yoi-tickets or restore the file");
		goto done;
	}
	if (!arr) {
		rc = corrupt(&c, "relation-schema", top_line,
			     "no \"relations\"; add \"relations\": []");
		goto done;
	}
	if (!json_is_array(arr)) {
		rc = corrupt(&c, "relation-schema",
			     m.keys[rel_index] ? m.keys[rel_index] : top_line,
			     "\"relations\" is not an array; write it as "
			     "[{...}, ...]");
		goto done;
	}

	rc = yoi_relations_new(&r, owner_id);
	if (rc < 0)
		goto done;
	r->nerrors = s.n;
	const char *nl = memchr(buf, '\n', len);
	r->crlf = nl && nl > buf && nl[-1] == '\r';
	for (i = 0; i < nrec; i++) {
		yoi_sink rs = {.d = d, .path = c.path, .line = m.elems[i]};
		rc = parse_record(r, json_array_get(arr, i), i, &rs);
		r->nerrors += rs.n;
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yoi_error_set(err, rc, c.path, 0, "out of memory");
		yoi_relations_free(r);
		r = NULL;
	}
done:
	free(m.keys);
	free(m.elems);
	json_decref(root);
	*out = r;
	return rc;
}

/* ---- render ---------------------------------------------------------- */

static int set_str(json_t *obj, const char *key, const char *value)
{
	json_t *s = json_string(value);
	if (!s || json_object_set_new(obj, key, s) < 0)
		return YOI_ENOMEM;
	return 0;
}

int yoi_relations_render(yoi_buf *out, const yoi_relations *r, yoi_error *err)
{
	for (size_t i = 0; i < r->n; i++) {
		const yoi_relation *rel = &r->v[i];
		int rc = check_record(r, rel, err);
		if (rc < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (r->v[j].kind == rel->kind &&
			    strcmp(r->v[j].target, rel->target) == 0)
				return yoi_error_set(
				    err, YOI_EREFUSED, DEFAULT_PATH, 0,
				    "the %s relation to %s appears twice",
				    yoi_rel_kind_name(rel->kind), rel->target);
	}
	if (r->n > YOI_REL_RECORDS_MAX)
		return yoi_error_set(err, YOI_EREFUSED, DEFAULT_PATH, 0,
				     "%zu relations, over the limit of %d",
				     r->n, YOI_REL_RECORDS_MAX);

	int rc = YOI_ENOMEM;
	json_t *root = json_object();
	json_t *arr = json_array();
	if (!root || !arr)
		goto done;
	json_t *version = json_integer(YOI_REL_VERSION);
	if (!version || json_object_set_new(root, "version", version) < 0 ||
	    json_object_set(root, "relations", arr) < 0)
		goto done;
	for (size_t i = 0; i < r->n; i++) {
		const yoi_relation *rel = &r->v[i];
		json_t *o = json_object();
		if (!o || json_array_append_new(arr, o) < 0)
			goto done;
		if (set_str(o, "ticket_id", rel->ticket_id) < 0 ||
		    set_str(o, "kind", yoi_rel_kind_name(rel->kind)) < 0 ||
		    set_str(o, "target", rel->target) < 0 ||
		    (rel->note && set_str(o, "note", rel->note) < 0) ||
		    set_str(o, "author", rel->author) < 0 ||
		    set_str(o, "at", rel->at) < 0)
			goto done;
	}
	size_t total;
	rc = yoi_json_append(out, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER,
			     r->crlf, YOI_REL_FILE_MAX, &total);
	if (rc > 0)
		rc = yoi_error_set(err, YOI_EREFUSED, DEFAULT_PATH, 0,
				   "the relations would take %zu bytes, over "
				   "the limit of %d; shorten the notes",
				   total, YOI_REL_FILE_MAX);
done:
	if (rc == YOI_ENOMEM)
		yoi_error_set(err, rc, DEFAULT_PATH, 0, "out of memory");
	json_decref(arr);
	json_decref(root);
	return rc;
}
