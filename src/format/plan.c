/*
 * plan.c - artifacts/orchestration-plan.jsonl (SPEC 7).
 *
 * Each line is handed to jansson on its own (JSON_REJECT_DUPLICATES), so a
 * bad line costs only itself and its line number is exact. Values are then
 * gathered into a `view` of borrowed strings, and one checker (check_view)
 * judges views made from a file line and views made from a caller's record
 * alike: whatever render_record writes, parse reads back without findings.
 * The checker reports through a sink: into the diag list when parsing
 * (every problem), into a yoi_error otherwise (the first, with its code).
 *
 * Duplicate ids are found with a small open-addressing hash of the kept
 * records' ids, so a file at the record limit stays linear.
 */
#include "yoi/plan.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/jsontext.h"
#define DEFAULT_PATH  "orchestration-plan.jsonl"
#define ID_PREFIX     "orch-plan-"
#define ID_PREFIX_LEN (sizeof(ID_PREFIX) - 1)
/* "orch-plan-YYYYMMDD-HHMMSS-": everything before N. */
#define ID_STEM_LEN (ID_PREFIX_LEN + 8 + 1 + 6 + 1)

static const char *const kind_names[YOI_PLAN_KIND_COUNT] = {
    "before",
    "after",
    "blocked_by",
    "blocks",
    "conflicts_with",
    "do_not_parallelize",
    "waiting_capacity_note",
    "accepted_plan",
};

const char *yoi_plan_kind_name(yoi_plan_kind kind)
{
	if ((unsigned)kind >= YOI_PLAN_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

int yoi_plan_kind_parse(yoi_plan_kind *out, const char *name)
{
	size_t k = yoi_str_index(kind_names, YOI_PLAN_KIND_COUNT, name);
	if (k < YOI_PLAN_KIND_COUNT)
		*out = (yoi_plan_kind)k;
	return k < YOI_PLAN_KIND_COUNT ? 0 : YOI_EUSAGE;
}

bool yoi_plan_kind_needs_related(yoi_plan_kind kind)
{
	return kind <= YOI_PLAN_DO_NOT_PARALLELIZE;
}

/* ---- ids ------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int yoi_plan_id_parse(int64_t *unix_sec, long *seq, const char *id)
{
	if (!id)
		return YOI_EUSAGE;
	size_t len = strnlen(id, YOI_PLAN_ID_MAX + 1);
	if (len <= ID_STEM_LEN || len > YOI_PLAN_ID_MAX ||
	    memcmp(id, ID_PREFIX, ID_PREFIX_LEN) != 0)
		return YOI_EUSAGE;
	const char *d = id + ID_PREFIX_LEN, *n = id + ID_STEM_LEN;
	if (!all_digits(d, 8) || d[8] != '-' || !all_digits(d + 9, 6) ||
	    d[15] != '-' || n[0] == '0' || !all_digits(n, len - ID_STEM_LEN))
		return YOI_EUSAGE;
	/* The calendar check is yoi_time_parse's. */
	char rfc[YOI_TIME_LEN + 1];
	snprintf(rfc, sizeof(rfc), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4,
		 d + 6, d + 9, d + 11, d + 13);
	int64_t t;
	if (yoi_time_parse(rfc, &t) < 0)
		return YOI_EUSAGE;
	if (unix_sec)
		*unix_sec = t;
	if (seq)
		*seq = strtol(n, NULL, 10);
	return 0;
}

/* ---- reporting ------------------------------------------------------- */

/* ---- the checker ----------------------------------------------------- */

/* A record as borrowed strings; NULL = absent. */
typedef struct view {
	const char *id, *ticket_id, *kind, *related, *note, *author, *at;
	bool has_accepted;
	const char *summary, *branch, *worktree, *role_plan;
	unsigned wrong_type; /* bit k: record_keys[k] present, wrong type */
} view;

/* Bits of view.wrong_type, in the order of record_keys. */
enum {
	K_ID,
	K_TICKET_ID,
	K_KIND,
	K_RELATED,
	K_ACCEPTED,
	K_NOTE,
	K_AUTHOR,
	K_AT
};

static bool str_ok(yoi_sink *s, const char *what, const char *v, size_t max)
{
	return yoi_sink_text_ok(s, "plan-limit", "plan-schema", what, v, max);
}

static void need(yoi_sink *s, const view *v, int bit, const char *what,
		 const char *value)
{
	/* A field of the wrong type was reported already: not missing too. */
	if (!value && !(v->wrong_type & (1u << bit)))
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "no \"%s\"; every plan record needs id, ticket_id, "
		    "kind, author and at",
		    what);
}

/*
 * Judge v (missing keys included). *kind_out is set when the kind is
 * known. Returns true when acceptable (unique ids are the caller's).
 */
static bool check_view(yoi_sink *s, const char *owner, const view *v,
		       yoi_plan_kind *kind_out)
{
	size_t before = s->n;
	char q[YOI_QUOTE_MAX + 8];
	bool tid_ok = false, rel_ok = false, kind_ok = false;

	need(s, v, K_ID, "id", v->id);
	need(s, v, K_TICKET_ID, "ticket_id", v->ticket_id);
	need(s, v, K_KIND, "kind", v->kind);
	need(s, v, K_AUTHOR, "author", v->author);
	need(s, v, K_AT, "at", v->at);

	if (v->id && str_ok(s, "id", v->id, YOI_PLAN_STRING_MAX) &&
	    yoi_plan_id_parse(NULL, NULL, v->id) < 0) {
		yoi_quote(q, sizeof(q), v->id);
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "id \"%s\" is not orch-plan-YYYYMMDD-HHMMSS-N (UTC, N "
		    "from 1); write a new id",
		    q);
	}
	if (v->ticket_id &&
	    str_ok(s, "ticket_id", v->ticket_id, YOI_PLAN_STRING_MAX)) {
		yoi_quote(q, sizeof(q), v->ticket_id);
		if (!yoi_id_valid(v->ticket_id))
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "ticket_id \"%s\" is not a ticket ID; use the "
			    "13-character ID of the ticket that holds "
			    "this file",
			    q);
		else if (strcmp(v->ticket_id, owner) != 0)
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "ticket_id \"%s\" is not this file's ticket "
			    "%s; move the record to that ticket's plan",
			    q, owner);
		else
			tid_ok = true;
	}
	if (v->kind && str_ok(s, "kind", v->kind, YOI_PLAN_STRING_MAX)) {
		if (yoi_plan_kind_parse(kind_out, v->kind) < 0) {
			yoi_quote(q, sizeof(q), v->kind);
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "unknown kind \"%s\"; use before, after, "
			    "blocked_by, blocks, conflicts_with, "
			    "do_not_parallelize, waiting_capacity_note or "
			    "accepted_plan",
			    q);
		} else {
			kind_ok = true;
		}
	}
	if (v->related &&
	    str_ok(s, "related_ticket", v->related, YOI_PLAN_STRING_MAX)) {
		if (!yoi_id_valid(v->related)) {
			yoi_quote(q, sizeof(q), v->related);
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "related_ticket \"%s\" is not a ticket ID; use "
			    "a 13-character ID",
			    q);
		} else {
			rel_ok = true;
		}
	}
	if (kind_ok && !v->related && !(v->wrong_type & (1u << K_RELATED)) &&
	    yoi_plan_kind_needs_related(*kind_out))
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "kind %s needs a related_ticket; name the other ticket",
		    v->kind);
	if (kind_ok && *kind_out == YOI_PLAN_ACCEPTED_PLAN &&
	    !v->has_accepted && !(v->wrong_type & (1u << K_ACCEPTED)))
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "kind accepted_plan needs an accepted_plan object with "
		    "at least a summary");
	if (kind_ok && *kind_out != YOI_PLAN_ACCEPTED_PLAN && v->has_accepted)
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "accepted_plan belongs to kind accepted_plan only, not "
		    "%s; remove it or change the kind",
		    v->kind);
	if (v->has_accepted) {
		if (!v->summary)
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "accepted_plan has no \"summary\"; summarise "
			    "the accepted plan");
		else if (str_ok(s, "accepted_plan.summary", v->summary,
				YOI_PLAN_TEXT_MAX) &&
			 v->summary[0] == '\0')
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "accepted_plan.summary is empty; summarise the "
			    "accepted plan");
		if (v->branch)
			str_ok(s, "accepted_plan.branch", v->branch,
			       YOI_PLAN_STRING_MAX);
		if (v->worktree)
			str_ok(s, "accepted_plan.worktree", v->worktree,
			       YOI_PLAN_STRING_MAX);
		if (v->role_plan)
			str_ok(s, "accepted_plan.role_plan", v->role_plan,
			       YOI_PLAN_TEXT_MAX);
	}
	if (v->note)
		str_ok(s, "note", v->note, YOI_PLAN_TEXT_MAX);
	if (v->author && str_ok(s, "author", v->author, YOI_PLAN_STRING_MAX) &&
	    v->author[0] == '\0')
		yoi_sink_report(s, "plan-schema", YOI_EUSAGE,
				"author is empty; name who made the record");
	if (v->at && str_ok(s, "at", v->at, YOI_PLAN_STRING_MAX)) {
		int64_t t;
		if (yoi_time_parse(v->at, &t) < 0) {
			yoi_quote(q, sizeof(q), v->at);
			yoi_sink_report(
			    s, "plan-schema", YOI_EUSAGE,
			    "at \"%s\" is not an RFC 3339 time; write it "
			    "as 2026-06-27T19:08:16Z",
			    q);
		}
	}
	if (tid_ok && rel_ok && strcmp(v->ticket_id, v->related) == 0)
		yoi_sink_report(
		    s, "plan-self", YOI_EREFUSED,
		    "related_ticket is the ticket itself (%s); name another "
		    "ticket",
		    v->related);
	return s->n == before;
}

/*
 * A caller's record as a view. The fixed arrays are copied into bufs with
 * a bounded read, one byte longer than they may be, so a missing NUL makes
 * an invalid value rather than an overread.
 */
typedef struct view_bufs {
	char id[YOI_PLAN_ID_MAX + 2];
	char tid[YOI_ID_LEN + 2];
	char rel[YOI_ID_LEN + 2];
} view_bufs;

static void view_of(view *v, view_bufs *b, const yoi_plan_record *rec)
{
	memset(v, 0, sizeof(*v));
	snprintf(b->id, sizeof(b->id), "%.*s", YOI_PLAN_ID_MAX + 1, rec->id);
	snprintf(b->tid, sizeof(b->tid), "%.*s", YOI_ID_LEN + 1,
		 rec->ticket_id);
	snprintf(b->rel, sizeof(b->rel), "%.*s", YOI_ID_LEN + 1,
		 rec->related_ticket);
	v->id = b->id;
	v->ticket_id = b->tid;
	v->kind = yoi_plan_kind_name(rec->kind);
	v->related = b->rel[0] ? b->rel : NULL;
	v->note = rec->note;
	v->author = rec->author;
	v->at = rec->at;
	if (rec->accepted) {
		v->has_accepted = true;
		v->summary = rec->accepted->summary;
		v->branch = rec->accepted->branch;
		v->worktree = rec->accepted->worktree;
		v->role_plan = rec->accepted->role_plan;
	}
}

static int check_record(const yoi_plan_record *rec, const char *owner,
			yoi_error *err)
{
	yoi_sink s = {.err = err, .path = DEFAULT_PATH};
	view v;
	view_bufs b;
	view_of(&v, &b, rec);
	if (!v.kind)
		yoi_sink_report(&s, "plan-schema", YOI_EUSAGE,
				"plan kind %d is outside the known kinds",
				(int)rec->kind);
	yoi_plan_kind k;
	check_view(&s, owner, &v, &k);
	return s.n ? s.ecode : 0;
}

int yoi_plan_record_check(const yoi_plan_record *rec, const char *owner_id,
			  yoi_error *err)
{
	if (!owner_id || !yoi_id_valid(owner_id))
		return yoi_error_set(err, YOI_EUSAGE, DEFAULT_PATH, 0,
				     "owner \"%.64s\" is not a ticket ID",
				     owner_id ? owner_id : "");
	return check_record(rec, owner_id, err);
}

/* ---- the plan -------------------------------------------------------- */

static void accepted_free(yoi_plan_accepted *a)
{
	if (!a)
		return;
	free(a->summary);
	free(a->branch);
	free(a->worktree);
	free(a->role_plan);
	free(a);
}

static void record_clear(yoi_plan_record *r)
{
	accepted_free(r->accepted);
	free(r->note);
	free(r->author);
	free(r->at);
}

void yoi_plan_free(yoi_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		record_clear(&p->v[i]);
	free(p->v);
	free(p);
}

int yoi_plan_new(yoi_plan **out, const char *owner_id)
{
	*out = NULL;
	if (!owner_id || !yoi_id_valid(owner_id))
		return YOI_EUSAGE;
	yoi_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return YOI_ENOMEM;
	memcpy(p->owner, owner_id, YOI_ID_LEN + 1);
	*out = p;
	return 0;
}

/* strdup that keeps NULL as NULL; *fail set on allocation failure. */
static char *dup_opt(const char *s, bool *fail)
{
	if (!s)
		return NULL;
	char *d = yoi_strdup(s);
	if (!d)
		*fail = true;
	return d;
}

/* Append a checked view as a record (kind already resolved). */
static int push(yoi_plan *p, const view *v, yoi_plan_kind kind, int line)
{
	if (YOI_GROW(p->v, p->n, p->cap, 8) < 0)
		return YOI_ENOMEM;
	yoi_plan_record r = {.kind = kind, .line = line};
	snprintf(r.id, sizeof(r.id), "%s", v->id);
	memcpy(r.ticket_id, v->ticket_id, YOI_ID_LEN + 1);
	if (v->related)
		memcpy(r.related_ticket, v->related, YOI_ID_LEN + 1);
	bool fail = false;
	r.note = dup_opt(v->note, &fail);
	r.author = dup_opt(v->author, &fail);
	r.at = dup_opt(v->at, &fail);
	if (v->has_accepted) {
		r.accepted = calloc(1, sizeof(*r.accepted));
		if (!r.accepted) {
			fail = true;
		} else {
			r.accepted->summary = dup_opt(v->summary, &fail);
			r.accepted->branch = dup_opt(v->branch, &fail);
			r.accepted->worktree = dup_opt(v->worktree, &fail);
			r.accepted->role_plan = dup_opt(v->role_plan, &fail);
		}
	}
	if (fail) {
		record_clear(&r);
		return YOI_ENOMEM;
	}
	p->v[p->n++] = r;
	return 0;
}

int yoi_plan_add(yoi_plan *p, const yoi_plan_record *rec, yoi_error *err)
{
	int rc = check_record(rec, p->owner, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, rec->id) == 0)
			return yoi_error_set(err, YOI_EREFUSED, DEFAULT_PATH, 0,
					     "id %s is already used (line %d); "
					     "take a new one with next_id",
					     rec->id, p->v[i].line);
	if (p->n >= YOI_PLAN_RECORDS_MAX)
		return yoi_error_set(err, YOI_EREFUSED, DEFAULT_PATH, 0,
				     "%s already has %d plan records, the "
				     "most one file may hold",
				     p->owner, YOI_PLAN_RECORDS_MAX);
	view v;
	view_bufs b;
	view_of(&v, &b, rec);
	rc = push(p, &v, rec->kind, 0);
	if (rc < 0)
		return yoi_error_set(err, rc, DEFAULT_PATH, 0, "out of memory");
	return 0;
}

const yoi_plan_record *yoi_plan_latest(const yoi_plan *p, yoi_plan_kind kind)
{
	if (!p)
		return NULL;
	for (size_t i = p->n; i > 0; i--)
		if (p->v[i - 1].kind == kind)
			return &p->v[i - 1];
	return NULL;
}

int yoi_plan_next_id(char *out, size_t cap, const yoi_plan *p,
		     const char *ticket_id, int64_t now)
{
	if (cap > 0)
		out[0] = '\0';
	if (!ticket_id || !yoi_id_valid(ticket_id))
		return YOI_EUSAGE;
	time_t t = (time_t)now;
	struct tm tm;
	if ((int64_t)t != now || !gmtime_r(&t, &tm) || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return YOI_EUSAGE;
	char stem[80]; /* ID_STEM_LEN + 1 for the years allowed above */
	snprintf(stem, sizeof(stem), ID_PREFIX "%04d%02d%02d-%02d%02d%02d-",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	long max = 0;
	for (size_t i = 0; p && i < p->n; i++) {
		const yoi_plan_record *r = &p->v[i];
		long seq;
		if (strcmp(r->ticket_id, ticket_id) == 0 &&
		    strncmp(r->id, stem, ID_STEM_LEN) == 0 &&
		    yoi_plan_id_parse(NULL, &seq, r->id) == 0 && seq > max)
			max = seq;
	}
	if (max >= YOI_PLAN_SEQ_MAX)
		return YOI_EREFUSED;
	int n = snprintf(out, cap, "%s%ld", stem, max + 1);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return YOI_EUSAGE;
	}
	return 0;
}

/* ---- parse ----------------------------------------------------------- */

/* Set of kept ids: open addressing over indices into p->v. */
typedef struct id_set {
	size_t *slot; /* index + 1; 0 = empty */
	size_t cap;   /* power of two */
	size_t n;
} id_set;

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Index of the record holding id, or -1. */
static long id_set_find(const id_set *set, const yoi_plan *p, const char *id)
{
	if (!set->cap)
		return -1;
	for (size_t i = hash_id(id) & (set->cap - 1);;
	     i = (i + 1) & (set->cap - 1)) {
		if (!set->slot[i])
			return -1;
		if (strcmp(p->v[set->slot[i] - 1].id, id) == 0)
			return (long)(set->slot[i] - 1);
	}
}

static int id_set_put(id_set *set, const yoi_plan *p, size_t index)
{
	if ((set->n + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		size_t *slot = calloc(cap, sizeof(*slot));
		if (!slot)
			return YOI_ENOMEM;
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->slot[i])
				continue;
			size_t j =
			    hash_id(p->v[set->slot[i] - 1].id) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = set->slot[i];
		}
		free(set->slot);
		set->slot = slot;
		set->cap = cap;
	}
	size_t j = hash_id(p->v[index].id) & (set->cap - 1);
	while (set->slot[j])
		j = (j + 1) & (set->cap - 1);
	set->slot[j] = index + 1;
	set->n++;
	return 0;
}

static const char *const record_keys[] = {
    "id",   "ticket_id", "kind", "related_ticket", "accepted_plan",
    "note", "author",	 "at",
};
#define NRECORD_KEYS (sizeof(record_keys) / sizeof(record_keys[0]))
static const char *const accepted_keys[] = {"summary", "branch", "worktree",
					    "role_plan"};
#define NACCEPTED_KEYS (sizeof(accepted_keys) / sizeof(accepted_keys[0]))

static void unknown_key(yoi_sink *s, const char *where, const char *key)
{
	char q[YOI_QUOTE_MAX + 8];
	yoi_quote(q, sizeof(q), key);
	yoi_sink_report(s, "plan-schema", YOI_EUSAGE,
			"unknown key \"%s\"%s; the schema is closed: remove it",
			q, where);
}

static void not_string(yoi_sink *s, const char *key)
{
	yoi_sink_report(s, "plan-schema", YOI_EUSAGE,
			"\"%s\" is not a string; write it as a JSON string",
			key);
}

static void read_accepted(yoi_sink *s, view *v, json_t *obj);

/*
 * The members of obj (a record, or the object named in) into dst, in the
 * order of keys (n of them): an unknown key, or a value that is not a
 * string, is reported and skipped; a record's non-string key k sets bit k
 * of v->wrong_type. A key whose dst is NULL (accepted_plan) is an object,
 * read by read_accepted.
 */
static void read_members(yoi_sink *s, view *v, json_t *obj,
			 const char *const *keys, size_t n, const char **dst[],
			 const char *in)
{
	char where[40] = "";
	if (in)
		snprintf(where, sizeof(where), " in %s", in);
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		size_t k = yoi_str_index(keys, n, key);
		if (k == n) {
			unknown_key(s, where, key);
		} else if (!dst[k]) {
			read_accepted(s, v, val);
		} else if (!json_is_string(val) && in) {
			char what[40];
			snprintf(what, sizeof(what), "%s.%s", in, key);
			not_string(s, what);
		} else if (!json_is_string(val)) {
			not_string(s, key);
			v->wrong_type |= 1u << k;
		} else {
			*dst[k] = json_string_value(val);
		}
	}
}

/* Gather the accepted_plan object into v. */
static void read_accepted(yoi_sink *s, view *v, json_t *obj)
{
	if (!json_is_object(obj)) {
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "\"accepted_plan\" is not an object; write it as "
		    "{\"summary\": ...}");
		v->wrong_type |= 1u << K_ACCEPTED;
		return;
	}
	v->has_accepted = true;
	const char **dst[NACCEPTED_KEYS] = {&v->summary, &v->branch,
					    &v->worktree, &v->role_plan};
	read_members(s, v, obj, accepted_keys, NACCEPTED_KEYS, dst,
		     "accepted_plan");
}

/* One non-blank line; bad ones are reported and skipped. */
static int parse_line(yoi_plan *p, id_set *ids, const char *line, size_t len,
		      yoi_sink *s)
{
	if (len > YOI_PLAN_LINE_MAX) {
		yoi_sink_report(
		    s, "plan-limit", YOI_EUSAGE,
		    "the line is %zu bytes, over the limit of %d; remove "
		    "or shorten the record",
		    len, YOI_PLAN_LINE_MAX);
		return 0;
	}
	if (memchr(line, '\0', len) || !yoi_utf8_valid(line, len)) {
		yoi_sink_report(
		    s, "plan-encoding", YOI_EUSAGE,
		    "the line holds %s; the plan must be UTF-8 text, "
		    "restore it from git",
		    memchr(line, '\0', len) ? "a NUL byte" : "invalid UTF-8");
		return 0;
	}
	json_error_t je;
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		/* jansson quotes the input: keep the message one line. */
		char q[YOI_QUOTE_MAX + 4];
		yoi_quote(q, sizeof(q), je.text);
		yoi_sink_report(
		    s, "plan-syntax", YOI_EUSAGE,
		    "not valid JSON: %s (column %d); fix the line or "
		    "restore the file from git",
		    q, je.column);
		return 0;
	}
	int rc = 0;
	if (!json_is_object(root)) {
		yoi_sink_report(
		    s, "plan-schema", YOI_EUSAGE,
		    "the line is not a JSON object; each line is one "
		    "{\"id\": ..., \"kind\": ...} record");
		goto done;
	}
	view v = {0};
	const char **dst[NRECORD_KEYS] = {&v.id,      &v.ticket_id, &v.kind,
					  &v.related, NULL,	    &v.note,
					  &v.author,  &v.at};
	read_members(s, &v, root, record_keys, NRECORD_KEYS, dst, NULL);
	yoi_plan_kind kind = YOI_PLAN_KIND_COUNT;
	check_view(s, p->owner, &v, &kind);
	if (s->n != 0)
		goto done; /* any finding, unknown keys included, drops it */
	long dup = id_set_find(ids, p, v.id);
	if (dup >= 0) {
		yoi_sink_report(
		    s, "plan-duplicate-id", YOI_EUSAGE,
		    "id %s is already used on line %d; give this record a "
		    "new id",
		    v.id, p->v[dup].line);
		goto done;
	}
	rc = push(p, &v, kind, s->line);
	if (rc == 0)
		rc = id_set_put(ids, p, p->n - 1);
done:
	json_decref(root);
	return rc;
}

/* A line of only these is blank (CR: tolerate stray CRs, not just CRLF). */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * The file is over a limit and refused whole: a plan-limit finding
 * ("<what>; <restore> or archive old records") and the error.
 */
static int over_limit(yoi_diag *d, yoi_error *err, const char *path,
		      const char *restore, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int over_limit(yoi_diag *d, yoi_error *err, const char *path,
		      const char *restore, const char *fmt, ...)
{
	char what[YOI_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	yoi_diag_add(d, YOI_DIAG_ERROR, "plan-limit", path, 0,
		     "%s; %s or archive old records", what, restore);
	return yoi_error_at(err, YOI_ECORRUPT, path, 0, "%s", what);
}

int yoi_plan_parse(yoi_plan **out, const char *buf, size_t len,
		   const char *owner_id, const char *path, yoi_diag *d,
		   yoi_error *err)
{
	*out = NULL;
	path = path ? path : DEFAULT_PATH;
	if (!owner_id || !yoi_id_valid(owner_id))
		return yoi_error_set(err, YOI_EUSAGE, path, 0,
				     "%s: owner \"%.64s\" is not a ticket ID",
				     path, owner_id ? owner_id : "");
	if (len > YOI_PLAN_FILE_MAX)
		return over_limit(d, err, path, "restore it from git",
				  "the file is %zu bytes, over the limit of %d",
				  len, YOI_PLAN_FILE_MAX);
	size_t start = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		start = 3;

	/* Count first: a file over the record limit is refused whole. */
	size_t records = 0;
	for (size_t i = start; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		for (size_t k = i; k < end; k++) {
			if (!blank(buf[k])) {
				records++;
				break;
			}
		}
		i = end + 1;
	}
	if (records > YOI_PLAN_RECORDS_MAX)
		return over_limit(d, err, path, "restore the file from git",
				  "%zu records, over the limit of %d", records,
				  YOI_PLAN_RECORDS_MAX);

	yoi_plan *p = NULL;
	int rc = yoi_plan_new(&p, owner_id);
	if (rc < 0)
		return yoi_error_set(err, rc, path, 0, "out of memory");
	const char *first_nl = memchr(buf, '\n', len);
	p->crlf = first_nl && first_nl > buf && first_nl[-1] == '\r';
	p->unterminated = len > start && buf[len - 1] != '\n';

	id_set ids = {0};
	int lineno = 0;
	for (size_t i = start; i < len && rc == 0;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - i;
		lineno++;
		if (n > 0 && buf[i + n - 1] == '\r')
			n--;
		size_t k = 0;
		while (k < n && blank(buf[i + k]))
			k++;
		if (k < n) {
			yoi_sink s = {.d = d, .path = path, .line = lineno};
			rc = parse_line(p, &ids, buf + i, n, &s);
			p->nerrors += s.n;
		}
		i = end + 1;
	}
	free(ids.slot);
	if (rc < 0) {
		yoi_plan_free(p);
		return yoi_error_set(err, rc, path, 0, "out of memory");
	}
	*out = p;
	return 0;
}

/* ---- render ---------------------------------------------------------- */

static int set_str(json_t *obj, const char *key, const char *value)
{
	json_t *s = json_string(value);
	if (!s || json_object_set_new(obj, key, s) < 0)
		return YOI_ENOMEM;
	return 0;
}

static int set_opt(json_t *obj, const char *key, const char *value)
{
	return value ? set_str(obj, key, value) : 0;
}

int yoi_plan_render_record(yoi_buf *out, const yoi_plan_record *rec, bool crlf,
			   yoi_error *err)
{
	char owner[YOI_ID_LEN + 2];
	snprintf(owner, sizeof(owner), "%.*s", YOI_ID_LEN + 1, rec->ticket_id);
	int rc = yoi_plan_record_check(rec, owner, err);
	if (rc < 0)
		return rc;

	rc = YOI_ENOMEM;
	json_t *o = json_object();
	if (!o || set_str(o, "id", rec->id) < 0 ||
	    set_str(o, "ticket_id", rec->ticket_id) < 0 ||
	    set_str(o, "kind", yoi_plan_kind_name(rec->kind)) < 0 ||
	    (rec->related_ticket[0] &&
	     set_str(o, "related_ticket", rec->related_ticket) < 0))
		goto done;
	if (rec->accepted) {
		const yoi_plan_accepted *a = rec->accepted;
		json_t *ap = json_object();
		if (!ap || json_object_set_new(o, "accepted_plan", ap) < 0 ||
		    set_str(ap, "summary", a->summary) < 0 ||
		    set_opt(ap, "branch", a->branch) < 0 ||
		    set_opt(ap, "worktree", a->worktree) < 0 ||
		    set_opt(ap, "role_plan", a->role_plan) < 0)
			goto done;
	}
	if (set_opt(o, "note", rec->note) < 0 ||
	    set_str(o, "author", rec->author) < 0 ||
	    set_str(o, "at", rec->at) < 0)
		goto done;
	size_t eol = crlf ? 2 : 1, size;
	rc = yoi_json_append(out, o, JSON_COMPACT | JSON_PRESERVE_ORDER, crlf,
			     YOI_PLAN_LINE_MAX + eol, &size);
	if (rc > 0)
		rc = yoi_error_set(err, YOI_EUSAGE, DEFAULT_PATH, 0,
				   "the record would be a %zu-byte line, over "
				   "the limit of %d; shorten its texts",
				   size - eol, YOI_PLAN_LINE_MAX);
done:
	if (rc == YOI_ENOMEM)
		yoi_error_set(err, rc, DEFAULT_PATH, 0, "out of memory");
	json_decref(o);
	return rc;
}
