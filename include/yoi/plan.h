/*
 * plan.h - artifacts/orchestration-plan.jsonl (SPEC 7): routing and plan
 * records of one ticket (the owner, whose artifacts/ holds the file), one
 * compact JSON object per line, append-only. Pure: works on buffers; every
 * line is read and written with jansson.
 *
 *   {"id":"orch-plan-20260627-190816-1","ticket_id":"00001KW55B33H",
 *    "kind":"blocked_by","related_ticket":"00001KW55B33B","note":"...",
 *    "author":"orchestrator","at":"2026-06-27T19:08:16Z"}      (one line)
 *
 * Keys, all strings except accepted_plan (an object of strings):
 *   id              required, orch-plan-YYYYMMDD-HHMMSS-N (UTC; N >= 1,
 *                   no leading zero, at most 9 digits), unique in the file
 *   ticket_id       required, the owner
 *   kind            required, see yoi_plan_kind
 *   related_ticket  required for before, after, blocked_by, blocks,
 *                   conflicts_with, do_not_parallelize; optional for the
 *                   others; a valid ID other than ticket_id
 *   accepted_plan   required for kind accepted_plan and refused on any
 *                   other kind: {summary (required, non-empty), branch,
 *                   worktree, role_plan}
 *   note            optional
 *   author          required, non-empty
 *   at              required, RFC 3339 (anything yoi_time_parse accepts,
 *                   kept as written)
 * The schema is closed: any other key, at either level, is an error.
 * note, summary and role_plan hold at most YOI_PLAN_TEXT_MAX bytes, every
 * other string YOI_PLAN_STRING_MAX.
 *
 * Ownership: a yoi_plan owns its array and every record's strings and
 * accepted_plan (each a separate malloc); yoi_plan_free releases all of it.
 * Records passed to yoi_plan_add are copied, never taken; records passed
 * to yoi_plan_render_record and yoi_plan_record_check are only read.
 * Pointers into a yoi_plan stay valid until the next add or free.
 */
#ifndef YOI_PLAN_H
#define YOI_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "diag.h"
#include "id.h"

#define YOI_PLAN_FILE_MAX    (8 * 1024 * 1024) /* bytes of the file */
#define YOI_PLAN_RECORDS_MAX 65536	       /* non-blank lines */
/* Bytes of one line: room for every string at its limit written as \uXXXX. */
#define YOI_PLAN_LINE_MAX   (512 * 1024)
#define YOI_PLAN_TEXT_MAX   (16 * 1024) /* note, summary, role_plan */
#define YOI_PLAN_STRING_MAX 1024	/* every other string */
#define YOI_PLAN_SEQ_MAX    999999999L	/* N of an id */
/* "orch-plan-" 8 "-" 6 "-" and up to 9 digits. */
#define YOI_PLAN_ID_MAX 35

typedef enum {
	YOI_PLAN_BEFORE = 0,
	YOI_PLAN_AFTER,
	YOI_PLAN_BLOCKED_BY,
	YOI_PLAN_BLOCKS,
	YOI_PLAN_CONFLICTS_WITH,
	YOI_PLAN_DO_NOT_PARALLELIZE,
	YOI_PLAN_WAITING_CAPACITY_NOTE,
	YOI_PLAN_ACCEPTED_PLAN,
	YOI_PLAN_KIND_COUNT
} yoi_plan_kind;

/* "before" ...; NULL for a value outside the enum. */
const char *yoi_plan_kind_name(yoi_plan_kind kind);
/* 0 and *out set, or YOI_EUSAGE (*out untouched) for an unknown name. */
int yoi_plan_kind_parse(yoi_plan_kind *out, const char *name);
/* True for the six kinds that name a related_ticket. */
bool yoi_plan_kind_needs_related(yoi_plan_kind kind);

typedef struct yoi_plan_accepted {
	char *summary;	 /* non-empty */
	char *branch;	 /* NULL when absent */
	char *worktree;	 /* NULL when absent */
	char *role_plan; /* NULL when absent */
} yoi_plan_accepted;

typedef struct yoi_plan_record {
	char id[YOI_PLAN_ID_MAX + 1];
	char ticket_id[YOI_ID_LEN + 1];
	yoi_plan_kind kind;
	char related_ticket[YOI_ID_LEN + 1]; /* "" when none */
	yoi_plan_accepted *accepted;	     /* NULL when absent */
	char *note;			     /* NULL when absent */
	char *author;
	char *at;
	int line; /* 1-based line in the file; 0 for a record added in memory */
} yoi_plan_record;

typedef struct yoi_plan {
	char owner[YOI_ID_LEN + 1];
	yoi_plan_record *v; /* file order; add appends */
	size_t n;
	size_t cap;
	bool crlf;	   /* the first line ends in CRLF: append with CRLF */
	bool unterminated; /* the file does not end in a line break: an
			      appender must write one before its record */
	size_t nerrors;	   /* error findings of the parse (also counted
			      when d was NULL); bad lines are not in v */
} yoi_plan;

/* An empty plan for owner_id. YOI_EUSAGE for an invalid ID, YOI_ENOMEM. */
int yoi_plan_new(yoi_plan **out, const char *owner_id);
void yoi_plan_free(yoi_plan *p);

/*
 * Parse an orchestration-plan.jsonl of ticket owner_id. Lines split on
 * '\n'; one '\r' before it is dropped (CRLF is read); lines of only
 * spaces, tabs and '\r' are skipped; a UTF-8 byte order mark at offset 0 is
 * skipped. path names the file in messages (NULL reads
 * "orchestration-plan.jsonl"). Each bad line is reported into d (may be
 * NULL; all errors, at the line) and skipped; the others are kept:
 *
 *   plan-encoding      the line holds invalid UTF-8 or a NUL byte
 *   plan-syntax        the line is not one JSON value (jansson's message
 *                      and column); includes duplicate keys (parsed with
 *                      JSON_REJECT_DUPLICATES) and "\u0000" escapes
 *   plan-limit         a line over YOI_PLAN_LINE_MAX, a string over its
 *                      limit
 *   plan-schema        not an object, unknown key, missing or non-string
 *                      field, unknown kind, bad id, invalid ID, ticket_id
 *                      not the owner, missing related_ticket, missing or
 *                      misplaced accepted_plan, empty summary or author,
 *                      `at` not RFC 3339
 *   plan-self          related_ticket == ticket_id
 *   plan-duplicate-id  an id already used by an earlier kept record
 *
 * Returns 0 with *out set, or with *out NULL: YOI_ECORRUPT (reported to d
 * and err, "<path>: ...") for a file over YOI_PLAN_FILE_MAX or with more
 * than YOI_PLAN_RECORDS_MAX non-blank lines; YOI_EUSAGE for an invalid
 * owner_id; YOI_ENOMEM. An empty file is an empty plan.
 */
int yoi_plan_parse(yoi_plan **out, const char *buf, size_t len,
		   const char *owner_id, const char *path, yoi_diag *d,
		   yoi_error *err);

/*
 * Check a record as parse checks a line (owner_id: the ticket whose file
 * it goes to). 0, or YOI_EUSAGE for a schema or limit problem, YOI_EREFUSED
 * for related_ticket == ticket_id; err (may be NULL) names the first one.
 */
int yoi_plan_record_check(const yoi_plan_record *rec, const char *owner_id,
			  yoi_error *err);

/*
 * Append rec as one line to out: compact JSON (jansson, JSON_COMPACT),
 * keys in the order id, ticket_id, kind, related_ticket, accepted_plan
 * {summary, branch, worktree, role_plan}, note, author, at, absent ones
 * omitted, then "\n" ("\r\n" when crlf). The record is checked first
 * (yoi_plan_record_check against rec->ticket_id; YOI_EUSAGE also when the
 * line would exceed YOI_PLAN_LINE_MAX). On failure out is left as it was.
 */
int yoi_plan_render_record(yoi_buf *out, const yoi_plan_record *rec, bool crlf,
			   yoi_error *err);

/*
 * Append a copy of rec (line set to 0) after checking it against p->owner.
 * YOI_EUSAGE / YOI_EREFUSED as yoi_plan_record_check; YOI_EREFUSED too for
 * an id already in p or a plan already holding YOI_PLAN_RECORDS_MAX
 * records. p is unchanged on failure.
 */
int yoi_plan_add(yoi_plan *p, const yoi_plan_record *rec, yoi_error *err);

/*
 * The id for a new record of ticket_id at now (Unix seconds):
 * "orch-plan-<UTC yyyymmdd-hhmmss>-<n>", n = 1 + the largest n among p's
 * records of ticket_id with the same second (so ids stay unique after a
 * record was deleted by hand; p may be NULL). Writes out (cap bytes incl.
 * NUL; YOI_PLAN_ID_MAX + 1 always suffices). YOI_EUSAGE for an invalid
 * ticket_id, a year outside 0..9999, or a cap too small (out set to ""
 * when cap > 0); YOI_EREFUSED when n would pass YOI_PLAN_SEQ_MAX.
 */
int yoi_plan_next_id(char *out, size_t cap, const yoi_plan *p,
		     const char *ticket_id, int64_t now);

/*
 * Split a well-formed id: 0 with *unix_sec (the UTC second it names) and
 * *seq (N) set, or YOI_EUSAGE (outputs untouched). Either may be NULL.
 */
int yoi_plan_id_parse(int64_t *unix_sec, long *seq, const char *id);

/* The last record of kind in file order (e.g. the current accepted plan),
 * or NULL. */
const yoi_plan_record *yoi_plan_latest(const yoi_plan *p, yoi_plan_kind kind);

#endif
