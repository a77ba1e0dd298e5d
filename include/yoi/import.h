/*
 * import.h - bringing tickets in from other trackers (`import --from
 * beads|backlog|tk|github PATH`).
 *
 * Two halves meet at a yoi_import_set:
 * - a reader per source tool (yoi_import_read_<tool>) turns the tool's
 *   files into a set of source tickets, already mapped to this engine's
 *   vocabulary (states, relation kinds, priorities); it never touches the
 *   store. Every problem it finds (a truncated JSONL line, broken YAML, a
 *   duplicate or missing ID, a file over the size limit) goes into
 *   set->problems with the file and line, and reading goes on, so one run
 *   reports them all.
 * - the writer (yoi_import_apply) creates the tickets in one process,
 *   under the store lock, in creation-time order, skipping the source
 *   tickets an earlier import brought in already (`origin`).
 *
 * The policy for bad input is all or nothing: a set with any error in
 * problems is refused whole (YOI_ECORRUPT) and nothing is written;
 * warnings (a field that could not be mapped and was kept) do not stop it.
 *
 * Ownership: the set owns every string and array in it;
 * yoi_import_set_free releases them all (a zeroed set is empty and may be
 * freed). Readers append to a caller-initialised set.
 */
#ifndef YOI_IMPORT_H
#define YOI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "diag.h"
#include "ticket.h"

/* A source file larger than this is a problem of its own (not read). */
#define YOI_IMPORT_MAX_FILE ((size_t)64 << 20)

/* One event of a ticket's history, in the order the source gives. */
typedef struct yoi_import_event {
	char *kind;   /* a thread event kind: comment, decision, ... */
	char *author; /* NULL: the ticket's author */
	char *at;     /* RFC 3339 UTC; NULL: the ticket's created_at */
	char *body;   /* Markdown, may be empty */
} yoi_import_event;

/* A relation from this ticket to another ticket of the same source. */
typedef struct yoi_import_rel {
	char *kind; /* depends_on, blocks, related, supersedes, duplicate_of */
	char *target; /* the target's source id */
	char *note;   /* NULL or a note (e.g. "parent-child in beads") */
} yoi_import_rel;

typedef struct yoi_import_ticket {
	char *source_id; /* the tool's own id: "bd-a1b2", "task-7", "42" */
	char *file;	 /* where it was read (for messages) */
	int line;	 /* 1-based line in file, 0 when the whole file */

	char *title;	  /* required, one line */
	char *body;	  /* Markdown body, may be empty */
	char *state;	  /* one of the engine's states */
	char *priority;	  /* "P0".."P4" or NULL */
	char *assignee;	  /* or NULL */
	char *author;	  /* who created it, or NULL (the importer) */
	char *created_at; /* RFC 3339 UTC, required */
	char *updated_at; /* or NULL (created_at) */
	char *closed_at;  /* when state is closed; NULL: updated_at */
	char *resolution; /* the close reason when closed, or NULL */
	yoi_strv labels;  /* stored as the ticket's tags */

	yoi_import_rel *rels;
	size_t nrels, caprels;
	yoi_import_event *events;
	size_t nevents, capevents;

	/* The source's fields this mapping has no place for, as the text of
	 * one JSON object (compact, keys in source order), or NULL. The
	 * writer keeps it in the ticket (an `import` event), never drops it. */
	char *kept;
} yoi_import_ticket;

typedef struct yoi_import_set {
	char *tool; /* "beads", "backlog", "tk", "github" */
	yoi_import_ticket *v;
	size_t n, cap;
	yoi_diag problems; /* errors refuse the set; warnings are reported */
} yoi_import_set;

/*
 * A new ticket at the end of set (zeroed but for source_id, file and
 * line, copied), or NULL when out of memory.
 */
yoi_import_ticket *yoi_import_add(yoi_import_set *set, const char *source_id,
				  const char *file, int line);
/* Append a relation or an event (strings copied; NULL stays NULL). */
int yoi_import_add_rel(yoi_import_ticket *t, const char *kind,
		       const char *target, const char *note);
int yoi_import_add_event(yoi_import_ticket *t, const char *kind,
			 const char *author, const char *at, const char *body);
void yoi_import_set_free(yoi_import_set *set);

/*
 * The readers. path: what the user named (a file or a folder, as the tool
 * lays it out); each reads what it needs and appends to set (set->tool
 * set by the reader). They return YOI_ENOMEM, or YOI_ENOTFOUND when path
 * does not exist / holds nothing of the tool's (err names it); anything
 * wrong with the data itself goes into set->problems and they return 0.
 *   beads:   .beads/issues.jsonl, or a folder holding .beads/ or it
 *   backlog: a backlog/ folder (tasks, completed, archive, drafts), or
 *            the folder holding it
 *   tk:      a .tickets/ folder, or the folder holding it
 *   github:  the JSON array `gh issue list --json ...` writes
 * The _parse_ variants work on one buffer (unit tests, fuzzing); path
 * there only names the buffer in messages.
 */
int yoi_import_read_beads(yoi_import_set *set, const char *path,
			  yoi_error *err);
int yoi_import_read_backlog(yoi_import_set *set, const char *path,
			    yoi_error *err);
int yoi_import_read_tk(yoi_import_set *set, const char *path, yoi_error *err);
int yoi_import_read_github(yoi_import_set *set, const char *path,
			   yoi_error *err);

int yoi_import_parse_beads(yoi_import_set *set, const char *buf, size_t len,
			   const char *path, yoi_error *err);
/* One task file of Backlog.md or one ticket file of tk. */
int yoi_import_parse_backlog(yoi_import_set *set, const char *buf, size_t len,
			     const char *path, yoi_error *err);
int yoi_import_parse_tk(yoi_import_set *set, const char *buf, size_t len,
			const char *path, yoi_error *err);
int yoi_import_parse_github(yoi_import_set *set, const char *buf, size_t len,
			    const char *path, yoi_error *err);

/*
 * After a reader: the checks that span tickets, added to set->problems:
 * duplicate source ids (error, both places named), a relation to a
 * source id that is not in the set (error), a missing title or
 * created_at (error).
 */
void yoi_import_check(yoi_import_set *set);

/* ---- the writer (import_apply.c) ---- */

typedef struct yoi_import_opts {
	bool dry_run; /* plan and report, write nothing, take no lock */
	/* The importer: author of what the source does not attribute (the
	 * state history, the import event), the lock wait, the random source
	 * of IDs and event ids. Borrowed. */
	const yoi_opctx *ctx;
} yoi_import_opts;

/* One source ticket and its ticket here (new, or found by origin). */
typedef struct yoi_import_done {
	char *source_id;
	char id[YOI_ID_LEN + 1];
	char *title;
} yoi_import_done;

/*
 * What an import did (or, dry run, would do). Owned by the caller, filled
 * by yoi_import_apply, released with yoi_import_report_free (a zeroed
 * report is empty).
 */
typedef struct yoi_import_report {
	yoi_import_done *created; /* in creation-time order */
	size_t ncreated, capcreated;
	yoi_import_done *skipped; /* imported before: its origin was found */
	size_t nskipped, capskipped;
	size_t relations; /* relations written (or to write) */
	/* The writer's own findings (the set's are in set->problems):
	 * values it cannot write (errors) and what it adjusted (warnings). */
	yoi_diag problems;
} yoi_import_report;

/*
 * Create the set's tickets in st (docs/import.md): all or nothing. Any
 * error in set->problems, or one the writer finds in a value, and nothing
 * is written: YOI_ECORRUPT, err naming the first (the report still lists
 * what would be created). Tickets whose `origin: '<tool>:<source id>'`
 * is in the store already are skipped (reported). New IDs follow the
 * source's created_at (ID order = creation order). Each ticket appears
 * whole (built beside the root and renamed into it); relations are
 * written last, for every ticket of the set that lacks one, so that a
 * rerun after a crash completes an interrupted import. Under the store
 * lock throughout (YOI_EBUSY), except a dry run.
 */
int yoi_import_apply(yoi_store *st, const yoi_import_set *set,
		     const yoi_import_opts *o, yoi_import_report *rep,
		     yoi_error *err);
void yoi_import_report_free(yoi_import_report *rep);

#endif
