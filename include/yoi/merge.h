/*
 * merge.h - three-way merges of ticket files on buffers (SPEC 10), for the
 * git merge driver (`yoi-tickets merge-driver %O %A %B %P`). Pure: no file
 * or repository I/O; the item.md body and the fallback text merge use
 * libgit2's git_merge_file, which needs no repository.
 *
 * Every merge takes the base (o), ours (a) and theirs (b) contents of one
 * file and appends the merged file to out. It returns 0 or YOI_ENOMEM, and
 * sets *conflict:
 *   false  clean: out holds the merged file;
 *   true   it cannot merge safely: why says what (one line, naming the
 *          field, line or record); out's contents are unspecified (the
 *          driver then writes yoi_merge_text's result with conflict
 *          markers; mergedriver.h).
 * Never silent loss: a side that is not an append-only extension of the
 * base, or a value both sides changed differently, is a conflict.
 *
 * The trivial cases need no parsing: a side equal to the base, or both
 * sides equal, gives the other side's (ours') bytes (item.md with a
 * state: those bytes with that state). Results and reasons are appended
 * to out and why; why may be NULL.
 *
 * Ownership: the caller owns out and why (yoi_buf); inputs are borrowed
 * (a NULL ptr with len 0 is an empty file).
 */
#ifndef YOI_MERGE_H
#define YOI_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* One side's bytes. */
typedef struct yoi_merge_side {
	const char *ptr;
	size_t len;
} yoi_merge_side;

typedef enum {
	YOI_MERGE_KIND_TEXT = 0,  /* anything else: plain three-way text */
	YOI_MERGE_KIND_THREAD,	  /* thread.md */
	YOI_MERGE_KIND_PLAN,	  /* orchestration-plan.jsonl */
	YOI_MERGE_KIND_RELATIONS, /* relations.json */
	YOI_MERGE_KIND_ITEM,	  /* item.md */
} yoi_merge_kind;

/* The kind of a repository path, by its last component. */
yoi_merge_kind yoi_merge_kind_of(const char *path);

/*
 * thread.md: base plus the union of both sides' appended event blocks, in
 * `at` order (a stable merge of the two sides' appended sequences; equal
 * `at`: ours first); a block byte-identical on both sides once. Conflict
 * when a side does not start with the base's bytes, or its appended part
 * is not whole well-formed event blocks (malformed event line, missing
 * author or at, an `at` yoi_time_parse rejects, a block without its
 * closing "---", text outside a block, bad encoding). Line endings: the
 * appended blocks keep their bytes, blank lines before a block travel
 * with it; a block without a final line break gets one (the file's) when
 * another follows it. A base whose last line has no break: each side
 * must begin its append with that break (the same one on both sides).
 * An empty base is a file new on both sides (a UTF-8 BOM stays first).
 */
int yoi_merge_thread(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		     yoi_merge_side b, bool *conflict, yoi_buf *why);

/*
 * orchestration-plan.jsonl: the same over lines: base plus the union of
 * both sides' appended lines (each a JSON object) in the order of their
 * "at" times (stable; ours first on ties), identical lines once (compared
 * without their line break). Conflict when a side is not base + whole
 * lines, or an appended line is not a JSON object (duplicate keys
 * refused) with a string "at" that yoi_time_parse accepts. Blank lines
 * travel with the line after them; a last line without a break is
 * accepted and gets one when another line follows it.
 */
int yoi_merge_plan(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		   yoi_merge_side b, bool *conflict, yoi_buf *why);

/*
 * relations.json: a three-way set merge keyed by (kind, target): the
 * base's records, minus those either side removed, plus those either
 * side added (base order, then ours' additions, then theirs'). A key
 * present on both sides with different records: the one equal to the
 * base's loses; both new or both changed with the same note (or one
 * without a note): the earlier `at` is kept (equal: ours), with the note
 * of the other when it has none; different notes: conflict. A record one
 * side removed and the other changed: conflict. Written as
 * yoi_relations_render writes it (CRLF when ours is). owner_id is the
 * ticket (from the path), or NULL to take it from the records (the first
 * valid ticket_id of ours, theirs, base). Conflict when a side does not
 * parse (yoi_relations_parse's schema, any finding; an empty base is an
 * empty set), or owner_id is not a valid ID.
 */
int yoi_merge_relations(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			yoi_merge_side b, const char *owner_id, bool *conflict,
			yoi_buf *why);

/*
 * item.md: field-wise three-way merge of the frontmatter, written into
 * ours (so ours' formatting, order and comments stay; yoi_item_set for
 * changed values, fields theirs added are appended, fields theirs removed
 * are removed), body via git_merge_file. For each key: unchanged on a side
 * takes the other side's value (added, changed or removed); both changed
 * to the same value is that value; `updated_at` and `queued_at` take
 * the later time, `queued_by` goes with the later `queued_at` (the last
 * queue event of the merged thread); `state` is `state` when it is not NULL
 * (the merged thread's replay), else a side that changed it, else (both changed
 * differently) the side with the later `updated_at` (equal or unreadable:
 * conflict). Any other key both sides changed differently (removed on one side
 * and changed on the other counts), an `updated_at` both changed that is not a
 * time, a nested value (mapping, nested list) theirs changed, a body the text
 * merge cannot merge, or a side that does not parse: conflict. An empty
 * base is a file new on both sides: every key and the body are "added".
 */
int yoi_merge_item(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		   yoi_merge_side b, const char *state, bool *conflict,
		   yoi_buf *why);

/*
 * Plain three-way text merge (git_merge_file): 0 (or YOI_ENOMEM), with
 * *conflict set when out holds the result with conflict markers
 * labelled with the labels (labels or an entry NULL: "base", "ours",
 * "theirs"). When libgit2 cannot merge at all (xdiff's size limit), out
 * gets the whole of ours and theirs between markers: still a conflict.
 */
int yoi_merge_text(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		   yoi_merge_side b, const char *const labels[3],
		   bool *conflict);

#endif
