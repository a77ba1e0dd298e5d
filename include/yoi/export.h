/*
 * export.h - the lossless export of a store (`export`) and its restore
 * (`import --from yoi`). docs/export.md describes the format.
 *
 * An export holds, per ticket (in ID order), the parsed views for readers
 * (fields, body, events, relations, plan records, resolution) AND the exact
 * bytes of every file of the ticket folder (`files`, with `dirs` for
 * folders, empty ones included). The restore reads only `id`, `files` and
 * `dirs`: the files are the truth, the views are derived from them.
 *
 *   jsonl: a header line {"format":"yoi-tickets-export","version":1,...},
 *          one ticket object a line, and an end line
 *          {"format":"yoi-tickets-export","end":true,"tickets":N}, so a file
 *          cut at a line break is still told from a whole one.
 *   json:  one document {"format":...,"version":1,...,"tickets":[...]}.
 *
 * A file's value in `files` is a JSON string when its bytes are UTF-8
 * without NUL, else {"encoding":"base64","data":"..."}.
 *
 * Ownership: yoi_export_result and yoi_export_restore_result own their
 * string lists (free with the matching _free, which accepts a zeroed
 * result); yoi_export_entry_free releases a parsed entry.
 */
#ifndef YOI_EXPORT_H
#define YOI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common.h"
#include "id.h"
#include "store.h"

#define YOI_EXPORT_FORMAT  "yoi-tickets-export"
#define YOI_EXPORT_VERSION 1
/* One file of a ticket folder, in either direction. */
#define YOI_EXPORT_FILE_MAX ((size_t)64 << 20)
/* Files and folders under one ticket folder, and their depth. */
#define YOI_EXPORT_ENTRIES_MAX 10000
#define YOI_EXPORT_DEPTH_MAX   16
/* A relative path inside a ticket folder. */
#define YOI_EXPORT_PATH_MAX 1024
/* One line of a jsonl export (a ticket with all its files). */
#define YOI_EXPORT_LINE_MAX ((size_t)1 << 30)

/* One file or folder of a ticket folder (path relative to it). */
typedef struct yoi_export_file {
	char *path;
	char *data; /* NULL for a folder */
	size_t len;
	bool dir;
} yoi_export_file;

/* A ticket folder as files (sorted by path, folders included). */
typedef struct yoi_export_entry {
	char id[YOI_ID_LEN + 1];
	yoi_export_file *v;
	size_t n, cap;
	int line; /* where it was read (1-based), 0 when not from a file */
} yoi_export_entry;

void yoi_export_entry_free(yoi_export_entry *e);

struct yoi_item;
/*
 * Pure: the frontmatter fields of it as a compact JSON object text (no
 * line break) appended to out, in file order: a scalar as a string, null
 * as null, a list as an array of strings, a mapping or nested list as its
 * YAML text (the whole "key: ..." lines, as the file wrote them). The one
 * fields view of `export`, `show --json` and `edit --fields --json`.
 * 0 or YOI_ENOMEM.
 */
int yoi_export_fields_json(yoi_buf *out, const struct yoi_item *it);

/*
 * Read the folder of ticket id in st into e (zeroed by the caller): every
 * regular file and folder below it, never following a symbolic link.
 * What cannot be exported losslessly (a symbolic link, a FIFO, a device)
 * is left out and named in skipped (may be NULL), one "path: why" line
 * each. YOI_ENOTFOUND, YOI_EREFUSED (the folder is a link), YOI_ECORRUPT
 * (a file over YOI_EXPORT_FILE_MAX, too many entries or too deep),
 * YOI_EIO, YOI_ENOMEM.
 */
int yoi_export_read_ticket(yoi_export_entry *e, const yoi_store *st,
			   const char *id, yoi_strv *skipped, yoi_error *err);

/*
 * Pure: the export object of one ticket folder, as compact JSON text
 * (no line break) appended to out. The views (fields, body, events,
 * relations, plan, resolution) come from the files in e; a file that
 * does not parse leaves its view null and adds a line to the object's
 * "problems". skipped (may be NULL) is written as "skipped".
 */
int yoi_export_ticket_json(yoi_buf *out, const yoi_export_entry *e,
			   const yoi_strv *skipped, yoi_error *err);

/*
 * Pure: one ticket object of an export (a jsonl line or an element of
 * "tickets"), checked: a valid `id`; `files` an object whose keys are
 * safe relative paths (no '/' at either end, no empty, "." or ".."
 * component, no control character, at most YOI_EXPORT_PATH_MAX bytes and
 * YOI_EXPORT_DEPTH_MAX levels) and whose values are strings or base64
 * objects; `dirs` (optional) an array of such paths; no path both a file
 * and a folder. path and line name the place in messages.
 * YOI_ECORRUPT (err names path:line and what), YOI_ENOMEM.
 */
int yoi_export_entry_parse(yoi_export_entry *e, const char *text, size_t len,
			   const char *path, int line, yoi_error *err);

typedef enum { YOI_EXPORT_JSONL = 0, YOI_EXPORT_JSON } yoi_export_format;

typedef struct yoi_export_opts {
	yoi_export_format format;
	const char *const *states; /* only tickets in these states; n 0: all */
	size_t nstates;
	const char *exported_at; /* RFC 3339, written in the header; or NULL */
	const char *generator;	 /* "yoi-tickets 0.1.0", or NULL */
	int wait_sec;		 /* for the shared store lock */
} yoi_export_opts;

/* Where the export goes: 0, or a negative YOI_E* with err filled. */
typedef int (*yoi_export_sink)(void *ctx, const char *data, size_t len,
			       yoi_error *err);

typedef struct yoi_export_result {
	size_t tickets;
	yoi_strv warnings; /* what was left out, "ID: path: why" */
} yoi_export_result;

void yoi_export_result_free(yoi_export_result *r);

/*
 * Export st (its tickets in ID order, filtered by state) to sink. Holds
 * the store lock shared, so each ticket is read as one writer left it
 * (unlocked when the lock cannot be made, as doctor). jsonl goes out a
 * ticket at a time (memory bounded by the largest ticket); json builds
 * the document first. A ticket whose item.md cannot be read has no state:
 * it is exported unless states are given. Errors: those of
 * yoi_export_read_ticket, YOI_EBUSY, and the sink's.
 */
int yoi_export_write(yoi_export_result *res, yoi_store *st,
		     const yoi_export_opts *o, yoi_export_sink sink,
		     void *sink_ctx, yoi_error *err);

/*
 * yoi_export_write into the file at path, atomically: a temporary file
 * beside it, fsync, rename. On failure path is as it was.
 */
int yoi_export_write_file(yoi_export_result *res, yoi_store *st,
			  const yoi_export_opts *o, const char *path,
			  yoi_error *err);

typedef struct yoi_export_restore_opts {
	bool dry_run;
	int wait_sec;
} yoi_export_restore_opts;

typedef struct yoi_export_restore_result {
	size_t tickets;	  /* in the export */
	yoi_strv created; /* IDs written (or, dry run, to be written) */
	yoi_strv skipped; /* IDs already in the store, byte for byte */
} yoi_export_restore_result;

void yoi_export_restore_result_free(yoi_export_restore_result *r);

/*
 * Restore an export (either format, told by its first line) into st:
 * every ticket not yet in the store is recreated byte for byte from its
 * files; one already there with the same files and folders is skipped.
 * in: the export read from this stream (path only names it; may not be
 * seekable), or NULL to open path.
 *
 * All or nothing, under the store lock: the export is read once, each
 * ticket checked, compared with the store and (unless dry_run) written
 * into a hidden staging folder of the root (".yoi-import-<ID>.<hex>",
 * which no reader lists). Bad input (not JSON, not this format, another
 * version, a cut-off file, a duplicate ID, an unsafe path) is
 * YOI_ECORRUPT naming the line; a ticket ID the store holds with other
 * content is YOI_EREFUSED naming the first differing file; a write that
 * fails is YOI_EIO. Each removes every staging folder: nothing is
 * imported. Only when the whole export was good is the file system
 * synced and every folder renamed into place (never over an existing
 * one); a failure there leaves the tickets moved so far (created lists
 * them). Staging folders a killed import left are removed by the next.
 * YOI_ENOTFOUND (no such file), YOI_EBUSY, YOI_EIO, YOI_ENOMEM.
 */
int yoi_export_restore(yoi_export_restore_result *res, yoi_store *st,
		       const char *path, FILE *in,
		       const yoi_export_restore_opts *o, yoi_error *err);

#endif
