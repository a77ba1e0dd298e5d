/*
 * relations.h - artifacts/relations.json (SPEC 6): typed relations from one
 * ticket (the owner, whose artifacts/ holds the file) to others. Pure:
 * works on buffers; JSON is read and written with jansson only.
 *
 *   {
 *     "version": 1,
 *     "relations": [
 *       {
 *         "ticket_id": "00001KW55B33H",
 *         "kind": "depends_on",
 *         "target": "00001KW55B33B",
 *         "note": "needs the embedded runtime first",
 *         "author": "orchestrator",
 *         "at": "2026-06-27T19:08:16Z"
 *       }
 *     ]
 *   }
 *
 * The schema is closed at both levels. A record needs ticket_id, kind,
 * target, author and at (all strings); note is optional. ticket_id is the
 * owner; no record relates the owner to itself; a (kind, target) pair
 * appears at most once. Cycles and dangling targets need the whole store:
 * they are the graph/doctor modules' business, not this one's.
 *
 * Ownership: a yoi_relations owns its array and every string of every
 * record (each a separate malloc); yoi_relations_free releases all of it.
 * Records passed to yoi_relations_add are copied, never taken. Pointers
 * into a yoi_relations (yoi_relations_find, r->v) stay valid until the
 * next add, remove or free.
 */
#ifndef YOI_RELATIONS_H
#define YOI_RELATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"
#include "id.h"

#define YOI_REL_VERSION	    1
#define YOI_REL_FILE_MAX    (4 * 1024 * 1024) /* bytes of relations.json */
#define YOI_REL_RECORDS_MAX 4096	      /* records per file */
#define YOI_REL_NOTE_MAX    (16 * 1024)	      /* bytes of a note */
#define YOI_REL_STRING_MAX  1024	      /* bytes of every other string */

typedef enum {
	YOI_REL_DEPENDS_ON = 0,
	YOI_REL_BLOCKS,
	YOI_REL_RELATED,
	YOI_REL_SUPERSEDES,
	YOI_REL_DUPLICATE_OF,
	YOI_REL_KIND_COUNT
} yoi_rel_kind;

/* "depends_on" ...; NULL for a value outside the enum. */
const char *yoi_rel_kind_name(yoi_rel_kind kind);
/* 0 and *out set, or YOI_EUSAGE (*out untouched) for an unknown name. */
int yoi_rel_kind_parse(yoi_rel_kind *out, const char *name);
/*
 * How a relation reads from its target's side ("required by", "blocked
 * by", "related to", "superseded by", "duplicated by"); "?" for a value
 * outside the enum. Static strings.
 */
const char *yoi_rel_kind_inverse(yoi_rel_kind kind);

typedef struct yoi_relation {
	char ticket_id[YOI_ID_LEN + 1]; /* the owner */
	yoi_rel_kind kind;
	char target[YOI_ID_LEN + 1];
	char *note;   /* NULL when absent ("" is kept as "") */
	char *author; /* non-empty */
	char *at;     /* as written: anything yoi_time_parse accepts */
	int line;     /* 1-based line of the record's '{' in the file; 0 for a
			 record added in memory */
} yoi_relation;

typedef struct yoi_relations {
	char owner[YOI_ID_LEN + 1];
	yoi_relation *v; /* file order; add appends */
	size_t n;
	size_t cap;
	bool crlf; /* the file used CRLF line endings; render writes them */
	/*
	 * Error findings of the parse (also counted when d was NULL). Records
	 * and unknown top-level keys that were reported are NOT in the result,
	 * so a command that rewrites the file must refuse while nerrors > 0,
	 * or it would silently drop them.
	 */
	size_t nerrors;
} yoi_relations;

/*
 * An empty set for owner_id (what a missing relations.json means).
 * YOI_EUSAGE for an invalid owner_id, YOI_ENOMEM.
 */
int yoi_relations_new(yoi_relations **out, const char *owner_id);
void yoi_relations_free(yoi_relations *r);

/*
 * Parse a relations.json of ticket owner_id. path names the file in
 * messages (NULL reads "relations.json"); d (may be NULL) receives every
 * finding, all errors, each with the 1-based line where known:
 *
 *   relation-encoding  invalid UTF-8 or a NUL byte (line of the bad byte)
 *   relation-syntax    not JSON, as jansson reports it, with its line;
 *                      includes a duplicate key in any object and a
 *                      "\u0000" escape; an empty file
 *   relation-limit     file over YOI_REL_FILE_MAX, more than
 *                      YOI_REL_RECORDS_MAX records, a string over its limit
 *   relation-schema    top level not an object, "version" missing or not
 *                      the integer 1, "relations" missing or not an array,
 *                      an unknown key (top level or record), a record that
 *                      is not an object, a missing or non-string field, an
 *                      unknown kind, an invalid ID, ticket_id not the owner,
 *                      an empty author, an `at` that is not RFC 3339
 *   relation-self      target == ticket_id
 *   relation-duplicate a (kind, target) pair already seen (the later record
 *                      is the one reported and dropped)
 *
 * A bad record is reported (all its problems, at its line) and skipped;
 * parsing goes on. An unknown top-level key is reported and ignored.
 *
 * Returns 0 with *out set (possibly with nerrors > 0), or, with *out NULL,
 * the same finding in d and in err (may be NULL; message
 * "<path>:<line>: <what>; <what to do>"):
 *   YOI_ECORRUPT  encoding, syntax, size/count limit, top level not an
 *                 object, bad or missing version, missing or non-array
 *                 "relations" (the file cannot be read, or rewritten,
 *                 without losing what it says)
 *   YOI_EUSAGE    owner_id is not a valid ID (nothing reported to d)
 *   YOI_ENOMEM
 * A UTF-8 byte order mark at offset 0 is skipped (render does not write
 * it). CRLF is read and remembered in ->crlf.
 *
 * Record lines: jansson does not expose where a value starts, so the line
 * of each element of the "relations" array is found by a structural scan
 * of the text jansson has already accepted (strings and escapes skipped,
 * brackets counted); it locates, it never reads a value. When the scan
 * cannot tell (the "relations" key spelled with escapes), lines are 0.
 */
int yoi_relations_parse(yoi_relations **out, const char *buf, size_t len,
			const char *owner_id, const char *path, yoi_diag *d,
			yoi_error *err);

/*
 * Append the file text to out: jansson's JSON_INDENT(2) layout, keys in the
 * order version, relations; ticket_id, kind, target, note (omitted when
 * NULL), author, at; a final newline; CRLF line endings when r->crlf.
 * An empty set renders as
 *   {\n  "version": 1,\n  "relations": []\n}\n
 * Rendering what yoi_relations_parse returned and parsing it back gives
 * the same records; rendering that again gives the same bytes.
 * Every record is checked as yoi_relations_add checks it (YOI_EUSAGE /
 * YOI_EREFUSED, message in err); YOI_EREFUSED too when the text would
 * exceed YOI_REL_FILE_MAX. On failure out is left as it was.
 */
int yoi_relations_render(yoi_buf *out, const yoi_relations *r, yoi_error *err);

/*
 * Append a copy of rel (its line is ignored; the copy gets line 0).
 *   YOI_EUSAGE    ticket_id not the owner, an invalid target ID, a kind
 *                 outside the enum, an empty or over-long author, an `at`
 *                 yoi_time_parse rejects, a note over YOI_REL_NOTE_MAX,
 *                 a string that is not UTF-8
 *   YOI_EREFUSED  target == ticket_id (self relation); the (kind, target)
 *                 pair already present; the set already holds
 *                 YOI_REL_RECORDS_MAX records
 *   YOI_ENOMEM
 * err (may be NULL) names what is wrong; r is unchanged on failure.
 */
int yoi_relations_add(yoi_relations *r, const yoi_relation *rel,
		      yoi_error *err);

/*
 * Remove the record (kind, target), keeping the others' order.
 * YOI_ENOTFOUND (message in err) when there is none.
 */
int yoi_relations_remove(yoi_relations *r, yoi_rel_kind kind,
			 const char *target, yoi_error *err);

/* The record (kind, target), or NULL. */
const yoi_relation *yoi_relations_find(const yoi_relations *r,
				       yoi_rel_kind kind, const char *target);

#endif
