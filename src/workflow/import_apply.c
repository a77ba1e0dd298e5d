/*
 * import_apply.c - the import writer (import.h, docs/import.md): plans
 * the new IDs in creation-time order, skips what an earlier import
 * brought in (origin), writes each new ticket whole (built in a staging
 * directory beside the root, renamed into it), then completes the
 * relations of every ticket of the set. One process, under the store
 * lock, every file through the store's write discipline.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store/stage.h"
#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/import.h"
#include "yoi/item.h"
#include "yoi/relations.h"
#include "yoi/state.h"
#include "yoi/store.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"

#ifdef YOI_FAULT_INJECTION
/* Test builds: "import-kill:N" dies once N tickets are in place,
 * "import-kill-rel:N" once N tickets got their relations. */
static void fault_count(const char *name, size_t done)
{
	const char *f = getenv("YOI_FAULT");
	size_t n = strlen(name);

	if (f && !strncmp(f, name, n) && f[n] == ':' &&
	    strtoul(f + n + 1, NULL, 10) == done)
		raise(SIGKILL);
}
/* "import-write-fails:N": the N-th ticket's write fails, as on a full
 * disk (its staging directory is removed, the ones before stay). */
static bool fault_fails(const char *name, size_t n)
{
	const char *f = getenv("YOI_FAULT");
	size_t k = strlen(name);

	return f && !strncmp(f, name, k) && f[k] == ':' &&
	       strtoul(f + k + 1, NULL, 10) == n;
}
#else
#define fault_count(name, done) ((void)(done))
#define fault_fails(name, n)	((void)(n), false)
#endif

/* A ticket already in the store: its ID, origin and updated_at. */
typedef struct known {
	char id[YOI_ID_LEN + 1];
	char *origin;
	int64_t updated; /* seconds */
} known;

/* One source ticket planned: where it goes. */
typedef struct plan {
	const yoi_import_ticket *t;
	size_t index; /* in the set: file order among equal times */
	int64_t ms;   /* created_at in ms */
	char *origin;
	char id[YOI_ID_LEN + 1];
	bool skip;	 /* imported before */
	int64_t last_at; /* the time of its last event (seconds) */
} plan;

typedef struct run {
	yoi_store *st;
	const yoi_import_set *set;
	const yoi_opctx *ctx;
	yoi_import_report *rep;
	yoi_error *err;
	known *k; /* sorted by origin (those with one) */
	size_t nk, capk;
	yoi_strv ids; /* every ID in the store, sorted */
	plan *p;      /* creation-time order */
	size_t np;
	plan **by_src; /* sorted by source id */
} run;

static int oom(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

/* ---- times ---------------------------------------------------------- */

/* Milliseconds of an RFC 3339 time (the fraction's first 3 digits). */
static int time_ms(const char *s, int64_t *ms)
{
	int64_t sec;
	int frac = 0;

	if (!s || yoi_time_parse(s, &sec) < 0)
		return YOI_EUSAGE;
	if (s[19] == '.')
		for (int i = 0, on = 1; i < 3; i++) {
			on = on && s[20 + i] >= '0' && s[20 + i] <= '9';
			frac = frac * 10 + (on ? s[20 + i] - '0' : 0);
		}
	*ms = sec * 1000 + frac;
	return 0;
}

static int64_t time_sec(const char *s, int64_t dflt)
{
	int64_t sec;

	return s && yoi_time_parse(s, &sec) == 0 ? sec : dflt;
}

/* ---- the report ------------------------------------------------------ */

static int report_add(yoi_import_done **v, size_t *n, size_t *cap,
		      const plan *p)
{
	yoi_import_done *d;

	if (YOI_GROW(*v, *n, *cap, 16))
		return YOI_ENOMEM;
	d = &(*v)[*n];
	memset(d, 0, sizeof(*d));
	memcpy(d->id, p->id, sizeof(d->id));
	d->source_id = yoi_strdup(p->t->source_id);
	d->title = yoi_strdup(p->t->title ? p->t->title : "");
	if (!d->source_id || !d->title) {
		free(d->source_id);
		free(d->title);
		return YOI_ENOMEM;
	}
	(*n)++;
	return 0;
}

void yoi_import_report_free(yoi_import_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->ncreated; i++) {
		free(rep->created[i].source_id);
		free(rep->created[i].title);
	}
	for (size_t i = 0; i < rep->nskipped; i++) {
		free(rep->skipped[i].source_id);
		free(rep->skipped[i].title);
	}
	free(rep->created);
	free(rep->skipped);
	yoi_diag_free(&rep->problems);
	memset(rep, 0, sizeof(*rep));
}

/* ---- checks of the values ------------------------------------------- */

static bool one_line(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

static bool event_kind_ok(const char *k)
{
	if (!k || !*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || *k == '_'))
			return false;
	return true;
}

/*
 * What the writer cannot write, as errors in rep->problems: a title that
 * is not one line, a state or priority this engine does not know, a time
 * outside what an ID holds, an event kind that is not a word.
 */
static void check_values(run *r)
{
	yoi_diag *d = &r->rep->problems;

	for (size_t i = 0; i < r->set->n; i++) {
		const yoi_import_ticket *t = &r->set->v[i];
		int64_t ms;

		if (t->title && (!one_line(t->title) ||
				 strlen(t->title) > YOI_THREAD_VALUE_MAX))
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-bad-title",
				     t->file, t->line,
				     "the title must be one line of at most "
				     "1024 bytes; shorten it");
		if (t->state && yoi_state_parse(t->state) == YOI_ST_INVALID)
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-bad-state",
				     t->file, t->line,
				     "the state '%s' is not one of this "
				     "engine's",
				     t->state);
		if (t->priority &&
		    (!one_line(t->priority) || strchr(t->priority, ' ') ||
		     !*t->priority || strlen(t->priority) > 64))
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-bad-priority",
				     t->file, t->line,
				     "the priority must be one word (P0-P4)");
		if (t->created_at && (time_ms(t->created_at, &ms) < 0 ||
				      ms < 0 || ms > YOI_ID_TIME_MAX - 1000))
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-bad-time",
				     t->file, t->line,
				     "created_at '%s' is not an RFC 3339 time "
				     "between 1970 and 2109",
				     t->created_at);
		const char *ts[] = {t->updated_at, t->closed_at};
		for (size_t j = 0; j < 2; j++)
			if (ts[j] && time_sec(ts[j], -1) < 0)
				yoi_diag_add(
				    d, YOI_DIAG_ERROR, "import-bad-time",
				    t->file, t->line,
				    "'%s' is not an RFC 3339 time", ts[j]);
		for (size_t j = 0; j < t->nevents; j++) {
			const yoi_import_event *e = &t->events[j];
			if (!event_kind_ok(e->kind))
				yoi_diag_add(d, YOI_DIAG_ERROR,
					     "import-bad-event", t->file,
					     t->line,
					     "an event kind must be a word of "
					     "a-z and _");
			if (e->at && time_sec(e->at, -1) < 0)
				yoi_diag_add(d, YOI_DIAG_ERROR,
					     "import-bad-time", t->file,
					     t->line,
					     "the event time '%s' is not an "
					     "RFC 3339 time",
					     e->at);
		}
		const char *names[] = {t->author, t->assignee};
		for (size_t j = 0; j < 2; j++)
			if (names[j] &&
			    (!one_line(names[j]) ||
			     strlen(names[j]) > YOI_THREAD_VALUE_MAX))
				yoi_diag_add(d, YOI_DIAG_ERROR,
					     "import-bad-name", t->file,
					     t->line,
					     "a person's name must be one line "
					     "of at most 1024 bytes");
	}
}

/* A cycle among depends_on / blocks edges would be a doctor error. */
static const plan *by_source(const run *r, const char *id);

static void check_cycles(run *r)
{
	size_t n = r->np;
	unsigned char *color = calloc(n ? n : 1, 1);
	size_t *stack = calloc(n ? n : 1, sizeof(*stack));
	size_t *edge = calloc(n ? n : 1, sizeof(*edge));

	if (!color || !stack || !edge) {
		r->rep->problems.dropped++;
		goto out;
	}
	/* blocks edges point the other way: X blocks Y = Y depends on X;
	 * following "X -> what X waits for" covers both. */
	for (size_t s = 0; s < n; s++) {
		size_t top = 0;

		if (color[s])
			continue;
		stack[top++] = s;
		color[s] = 1;
		edge[s] = 0;
		while (top) {
			size_t v = stack[top - 1];
			const yoi_import_ticket *t = r->p[v].t;
			bool pushed = false;

			while (edge[v] < t->nrels && !pushed) {
				const yoi_import_rel *rel = &t->rels[edge[v]++];
				const plan *w;

				if (strcmp(rel->kind, "depends_on"))
					continue;
				w = by_source(r, rel->target);
				if (!w)
					continue;
				size_t wi = (size_t)(w - r->p);
				if (color[wi] == 1) {
					yoi_diag_add(
					    &r->rep->problems, YOI_DIAG_ERROR,
					    "import-cycle", t->file, t->line,
					    "'%s' depends on '%s', which "
					    "already waits for '%s': a cycle; "
					    "remove one of its dependencies",
					    t->source_id, rel->target,
					    t->source_id);
				} else if (!color[wi]) {
					color[wi] = 1;
					edge[wi] = 0;
					stack[top++] = wi;
					pushed = true;
				}
			}
			if (!pushed) {
				color[v] = 2;
				top--;
			}
		}
	}
out:
	free(color);
	free(stack);
	free(edge);
}

/* ---- the store as it is --------------------------------------------- */

static int cmp_known(const void *a, const void *b)
{
	return strcmp(((const known *)a)->origin, ((const known *)b)->origin);
}

static const known *find_known(const run *r, const char *origin)
{
	size_t lo = 0, hi = r->nk;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->k[mid].origin, origin);

		if (!c)
			return &r->k[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Every ticket's origin (frontmatter only). An unreadable ticket is no
 * earlier import of ours: it is skipped here, doctor names it. */
static int load_known(run *r)
{
	int rc = yoi_store_ids(r->st, &r->ids, r->err);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < r->ids.n; i++) {
		yoi_ticket *t = NULL;
		yoi_error e;
		const char *o;

		yoi_error_clear(&e);
		if (yoi_ticket_load(&t, r->st, r->ids.v[i],
				    YOI_LOAD_FRONTMATTER | YOI_LOAD_DIR_CHECKED,
				    &e) < 0)
			continue;
		o = yoi_item_get(t->item, "origin");
		if (o && *o) {
			if (YOI_GROW(r->k, r->nk, r->capk, 64)) {
				yoi_ticket_free(t);
				return oom(r->err);
			}
			known *k = &r->k[r->nk];
			memcpy(k->id, r->ids.v[i], YOI_ID_LEN + 1);
			k->updated =
			    time_sec(yoi_item_get(t->item, "updated_at"), 0);
			k->origin = yoi_strdup(o);
			if (!k->origin) {
				yoi_ticket_free(t);
				return oom(r->err);
			}
			r->nk++;
		}
		yoi_ticket_free(t);
	}
	if (r->nk) /* qsort(NULL, 0) is undefined */
		qsort(r->k, r->nk, sizeof(*r->k), cmp_known);
	return 0;
}

/* ---- planning ---------------------------------------------------------- */

static int cmp_plan(const void *a, const void *b)
{
	const plan *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_src(const void *a, const void *b)
{
	const plan *const *x = a, *const *y = b;

	return strcmp((*x)->t->source_id, (*y)->t->source_id);
}

static const plan *by_source(const run *r, const char *id)
{
	size_t lo = 0, hi = r->np;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->by_src[mid]->t->source_id, id);

		if (!c)
			return r->by_src[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The largest ID in the store of the millisecond whose first digits are
 * prefix, or NULL. */
static const char *store_last_of(const run *r, const char *prefix)
{
	size_t lo = 0, hi = r->ids.n;

	/* the first ID whose leading digits sort after prefix */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(r->ids.v[mid], prefix, YOI_ID_TIME_DIGITS) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && !strncmp(r->ids.v[lo - 1], prefix, YOI_ID_TIME_DIGITS))
		return r->ids.v[lo - 1];
	return NULL;
}

static bool id_taken(const run *r, const char *id)
{
	if (yoi_strv_find_sorted(&r->ids, id) >= 0)
		return true;
	char *dir = yoi_store_path(r->st, id, NULL);
	bool taken = !dir || yoi_exists(dir);
	free(dir);
	return taken;
}

/*
 * An ID for p at its creation millisecond: above every ID of that
 * millisecond in the store and above the one planned before it (prev),
 * so IDs sort in creation order; the next millisecond when one is full.
 */
static int alloc_id(run *r, plan *p, const char *prev)
{
	int64_t ms = p->ms;

	for (int tries = 0; tries < 64; tries++) {
		char prefix[YOI_ID_LEN + 1];
		uint32_t rnd = 0;
		const char *last;

		if (r->ctx && r->ctx->random &&
		    r->ctx->random(r->ctx->random_ctx, &rnd, sizeof(rnd)) < 0)
			return yoi_error_set(r->err, YOI_EIO, NULL, 0,
					     "no randomness for a ticket ID: "
					     "%s",
					     strerror(errno));
		if (yoi_id_make(prefix, ms, 0) < 0)
			break;
		last = store_last_of(r, prefix);
		if (prev && !strncmp(prev, prefix, YOI_ID_TIME_DIGITS) &&
		    (!last || strcmp(prev, last) > 0))
			last = prev;
		int rc = yoi_id_pick(p->id, ms, rnd, last);
		if (rc == YOI_EREFUSED) {
			ms++;
			continue;
		}
		if (rc < 0)
			break;
		if (!id_taken(r, p->id))
			return 0;
		prev = NULL; /* taken by something else: draw again */
	}
	return yoi_error_at(r->err, YOI_EIO, p->t->file, p->t->line,
			    "cannot allocate a ticket ID for '%s'",
			    p->t->source_id);
}

static int make_plan(run *r)
{
	const char *tool = r->set->tool ? r->set->tool : "import";

	r->p = calloc(r->set->n ? r->set->n : 1, sizeof(*r->p));
	r->by_src = calloc(r->set->n ? r->set->n : 1, sizeof(*r->by_src));
	if (!r->p || !r->by_src)
		return oom(r->err);
	for (size_t i = 0; i < r->set->n; i++) {
		plan *p = &r->p[r->np];

		p->t = &r->set->v[i];
		p->index = i;
		if (!p->t->source_id || time_ms(p->t->created_at, &p->ms) < 0)
			continue; /* reported: the set is refused */
		p->origin = yoi_sprintf("%s:%s", tool, p->t->source_id);
		if (!p->origin)
			return oom(r->err);
		r->np++;
	}
	qsort(r->p, r->np, sizeof(*r->p), cmp_plan);
	for (size_t i = 0; i < r->np; i++)
		r->by_src[i] = &r->p[i];
	qsort(r->by_src, r->np, sizeof(*r->by_src), cmp_src);
	const char *prev = NULL;
	for (size_t i = 0; i < r->np; i++) {
		plan *p = &r->p[i];
		const known *k = find_known(r, p->origin);
		int rc;

		if (k) {
			p->skip = true;
			memcpy(p->id, k->id, sizeof(p->id));
			p->last_at = k->updated;
			rc = report_add(&r->rep->skipped, &r->rep->nskipped,
					&r->rep->capskipped, p);
		} else {
			rc = alloc_id(r, p, prev);
			if (rc < 0)
				return rc;
			prev = p->id;
			rc = report_add(&r->rep->created, &r->rep->ncreated,
					&r->rep->capcreated, p);
		}
		if (rc < 0)
			return oom(r->err);
	}
	return 0;
}

/* ---- one ticket's files ---------------------------------------------- */

static int event(run *r, yoi_buf *out, const char *kind, const char *author,
		 int64_t at, const yoi_attr *attrs, size_t nattrs,
		 const char *body)
{
	yoi_attr all[8];
	char hex[YOI_EVENT_ID_HEX + 1], when[YOI_TIME_LEN + 1];
	size_t n = 0;

	for (size_t i = 0; i < nattrs && n < 7; i++)
		all[n++] = attrs[i];
	if (r->ctx && r->ctx->random) {
		unsigned char raw[YOI_EVENT_ID_HEX / 2];

		if (r->ctx->random(r->ctx->random_ctx, raw, sizeof(raw)) < 0)
			return yoi_error_set(r->err, YOI_EIO, NULL, 0,
					     "no randomness for an event id: "
					     "%s",
					     strerror(errno));
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(hex + 2 * i, 3, "%02x", raw[i]);
		all[n++] = (yoi_attr){"id", hex};
	}
	yoi_time_format(at, when);
	yoi_event_spec spec = {kind, author, when, all, n, NULL, body, true};
	return yoi_event_render(out, &spec, false, r->err);
}

/*
 * The transitions from planning to `to` in the store's table (the
 * shortest path), into path (at most YOI_ST__COUNT steps); 0 steps for
 * planning, -1 when the table has no path.
 */
static int state_path(const yoi_state_table *tab, yoi_state to,
		      const yoi_transition **path)
{
	int prev[YOI_ST__COUNT];
	const yoi_transition *via[YOI_ST__COUNT] = {0};
	yoi_state queue[YOI_ST__COUNT];
	size_t qh = 0, qt = 0;
	int n = 0;

	for (int i = 0; i < YOI_ST__COUNT; i++)
		prev[i] = -2;
	prev[YOI_ST_PLANNING] = -1;
	queue[qt++] = YOI_ST_PLANNING;
	while (qh < qt) {
		yoi_state s = queue[qh++];

		for (size_t i = 0; i < tab->n; i++) {
			const yoi_transition *tr = &tab->v[i];

			if (tr->from != s || tr->to < 0 ||
			    tr->to >= YOI_ST__COUNT || prev[tr->to] != -2)
				continue;
			prev[tr->to] = s;
			via[tr->to] = tr;
			queue[qt++] = tr->to;
		}
	}
	if (prev[to] == -2)
		return -1;
	for (yoi_state s = to; s != YOI_ST_PLANNING; s = prev[s])
		n++;
	int i = n;
	for (yoi_state s = to; s != YOI_ST_PLANNING; s = prev[s])
		path[--i] = via[s];
	return n;
}

typedef struct files {
	yoi_buf item, thread, resolution;
	char *queued_at;
} files;

static void files_free(files *f)
{
	yoi_buf_free(&f->item);
	yoi_buf_free(&f->thread);
	yoi_buf_free(&f->resolution);
	free(f->queued_at);
	f->queued_at = NULL;
}

/* Render p's item.md, thread.md and resolution.md. */
static int compose(run *r, plan *p, files *f)
{
	const yoi_import_ticket *t = p->t;
	const char *tool = r->set->tool ? r->set->tool : "import";
	const char *me = r->ctx && r->ctx->author ? r->ctx->author : "import";
	const char *author = t->author && *t->author ? t->author : me;
	int64_t created = p->ms / 1000;
	int64_t at = created;
	yoi_state to = yoi_state_parse(t->state ? t->state : "planning");
	char *note = NULL;
	int rc;

	note = yoi_sprintf("Imported from %s (%s).", tool, t->source_id);
	if (!note)
		return oom(r->err);
	yoi_attr origin = {"origin", p->origin};
	rc = event(r, &f->thread, "create", author, created, &origin, 1, note);
	for (size_t i = 0; rc == 0 && i < t->nevents; i++) {
		const yoi_import_event *e = &t->events[i];
		int64_t when = time_sec(e->at, created);

		if (when < at) /* never backwards: the thread is in order */
			when = at;
		at = when;
		rc = event(r, &f->thread, e->kind,
			   e->author && *e->author ? e->author : author, when,
			   NULL, 0, e->body ? e->body : "");
	}
	/* The state history: the table's path from planning. */
	int64_t sat = time_sec(
	    to == YOI_ST_CLOSED && t->closed_at ? t->closed_at : t->updated_at,
	    at);
	if (sat < at)
		sat = at;
	const yoi_transition *path[YOI_ST__COUNT];
	int n =
	    to == YOI_ST_INVALID
		? -1
		: state_path(&yoi_store_config(r->st)->transitions, to, path);
	char *reason = yoi_sprintf("imported from %s", tool);
	if (!reason)
		rc = oom(r->err);
	if (rc == 0 && n < 0) { /* no path in this table: recorded forced */
		yoi_attr a[] = {{"from", "planning"},
				{"to", (char *)yoi_state_name(to)},
				{"reason", reason},
				{"field", "state"},
				{"forced", "true"}};
		if (to == YOI_ST_CLOSED) {
			yoi_attr s = {"status", "closed"};
			rc = event(r, &f->thread, "close", me, sat, &s, 1,
				   t->resolution);
		}
		if (rc == 0)
			rc = event(r, &f->thread, "state_changed", me, sat, a,
				   5, NULL);
	}
	for (int i = 0; rc == 0 && i < n; i++) {
		const yoi_transition *tr = path[i];
		yoi_attr a[] = {{"from", (char *)yoi_state_name(tr->from)},
				{"to", (char *)yoi_state_name(tr->to)},
				{"reason", reason},
				{"field", "state"}};

		if (tr->flags & YOI_TR_NEEDS_SUMMARY)
			rc = event(r, &f->thread, "intake_summary", me, sat,
				   NULL, 0, note);
		if (rc == 0 && (tr->flags & YOI_TR_VIA_CLOSE)) {
			yoi_attr s = {"status", "closed"};
			rc = event(r, &f->thread, "close", me, sat, &s, 1,
				   t->resolution ? t->resolution : note);
		}
		if (rc == 0 && (tr->flags & YOI_TR_SETS_QUEUED) &&
		    !f->queued_at) {
			f->queued_at = malloc(YOI_TIME_LEN + 1);
			if (!f->queued_at)
				rc = oom(r->err);
			else
				yoi_time_format(sat, f->queued_at);
		}
		if (rc == 0)
			rc = event(r, &f->thread, "state_changed", me, sat, a,
				   4, NULL);
	}
	if (to != YOI_ST_PLANNING)
		at = sat;
	if (rc == 0 && t->kept) {
		/* the fields the mapping has no place for, as JSON */
		yoi_buf body = YOI_BUF_INIT;

		char fence[16] = "```";
		size_t run = 0, most = 0;

		for (const char *c = t->kept; *c; c++) {
			run = *c == '`' ? run + 1 : 0;
			most = run > most ? run : most;
		}
		for (size_t i = 3; i <= most && i < sizeof(fence) - 1; i++)
			fence[i] = '`', fence[i + 1] = '\0';
		if (yoi_buf_printf(&body,
				   "Fields of the %s issue with no place "
				   "here, kept as they were:\n\n%sjson\n%s\n%s",
				   tool, fence, t->kept, fence) < 0)
			rc = oom(r->err);
		else
			rc = event(r, &f->thread, "import", me, at, &origin, 1,
				   body.ptr);
		yoi_buf_free(&body);
	}
	free(reason);
	if (rc < 0)
		goto out;

	/* item.md */
	int64_t upd = time_sec(t->updated_at, created);
	if (upd < at)
		upd = at;
	p->last_at = upd;
	char c_at[YOI_TIME_LEN + 1], u_at[YOI_TIME_LEN + 1];
	yoi_time_format(created, c_at);
	yoi_time_format(upd, u_at);
	const char *none = NULL;
	yoi_item_kv kv[12] = {
	    {"title", t->title, NULL, 0},
	    {"state", yoi_state_name(to), NULL, 0},
	    {"created_at", c_at, NULL, 0},
	    {"updated_at", u_at, NULL, 0},
	    {"assignee", t->assignee, NULL, 0},
	};
	size_t nkv = 5;
	if (t->priority)
		kv[nkv++] = (yoi_item_kv){"priority", t->priority, NULL, 0};
	kv[nkv++] = (yoi_item_kv){"risk_flags", NULL, &none, 0};
	if (t->labels.n)
		kv[nkv++] = (yoi_item_kv){"tags", NULL,
					  (const char *const *)t->labels.v,
					  t->labels.n};
	kv[nkv++] = (yoi_item_kv){"origin", p->origin, NULL, 0};
	if (f->queued_at) {
		kv[nkv++] = (yoi_item_kv){"queued_by", me, NULL, 0};
		kv[nkv++] = (yoi_item_kv){"queued_at", f->queued_at, NULL, 0};
	}
	rc = yoi_item_compose(&f->item, kv, nkv, t->body ? t->body : "");
	if (rc < 0) {
		rc = yoi_error_at(r->err, YOI_ECORRUPT, t->file, t->line,
				  "cannot write '%s' as item.md: a field "
				  "value is not valid",
				  t->source_id);
		goto out;
	}
	if (to == YOI_ST_CLOSED &&
	    yoi_buf_printf(&f->resolution, "%s\n",
			   t->resolution ? t->resolution : note) < 0)
		rc = oom(r->err);
out:
	free(note);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

static char *stage_path(const run *r, const char *id)
{
	return yoi_sprintf("%s/" YOI_STAGE_PREFIX "%s", yoi_store_root(r->st),
			   id);
}

/* What an import killed half-way left (stage.h). Under the lock. */
static void sweep_stages(const run *r)
{
	int fd = open(yoi_store_root(r->st),
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		yoi_stage_sweep(fd);
		close(fd);
	}
}

/* The files of one ticket, built in its staging directory, then renamed
 * into the root whole. */
static int write_ticket(run *r, const plan *p, const files *f, size_t nth)
{
	char *stage = stage_path(r, p->id);
	char *dir = yoi_store_path(r->st, p->id, NULL);
	char *arts = stage ? yoi_path_join(stage, "artifacts") : NULL;
	char *thread = stage ? yoi_path_join(stage, "thread.md") : NULL;
	char *item = stage ? yoi_path_join(stage, "item.md") : NULL;
	char *res = stage ? yoi_path_join(stage, "resolution.md") : NULL;
	int rc = 0;

	if (!stage || !dir || !arts || !thread || !item || !res) {
		rc = oom(r->err);
		goto out;
	}
	if (yoi_exists(dir)) {
		rc = yoi_error_at(r->err, YOI_EREFUSED, dir, 0,
				  "the ID planned for '%s' was taken while "
				  "importing; run the import again",
				  p->t->source_id);
		goto out;
	}
	rc = yoi_store_mkdir(r->st, stage, false, r->err);
	if (rc == 0)
		rc = yoi_store_mkdir(r->st, arts, true, r->err);
	if (rc == 0)
		rc = yoi_store_append(r->st, thread, f->thread.ptr,
				      f->thread.len, true, r->err);
	if (rc == 0 && f->resolution.len)
		rc = yoi_store_write(r->st, res, f->resolution.ptr,
				     f->resolution.len, r->err);
	if (rc == 0)
		rc = yoi_store_write(r->st, item, f->item.ptr, f->item.len,
				     r->err);
	if (rc == 0 && fault_fails("import-write-fails", nth))
		rc = yoi_error_at(r->err, YOI_EIO, item, 0,
				  "write failed: No space left on device "
				  "(fault injected)");
	if (rc == 0 && yoi_stage_into_place(AT_FDCWD, stage, dir) < 0)
		rc = yoi_error_at(r->err, YOI_EIO, dir, 0,
				  "cannot move the new ticket into place: "
				  "%s",
				  strerror(errno));
	if (rc < 0)
		yoi_stage_rm(AT_FDCWD, stage);
out:
	free(stage);
	free(dir);
	free(arts);
	free(thread);
	free(item);
	free(res);
	return rc;
}

/* Room on the file system for everything, before the first write. */
static int check_room(const run *r, size_t bytes, size_t nfiles)
{
	struct statvfs vfs;

	if (statvfs(yoi_store_root(r->st), &vfs) < 0)
		return 0; /* cannot tell: the writes will say */
	unsigned long long bs = vfs.f_frsize ? vfs.f_frsize : 4096;
	unsigned long long room =
	    (unsigned long long)vfs.f_bavail * (unsigned long long)bs;
	unsigned long long want = bytes + (nfiles + 1) * bs;
	if (room < want)
		return yoi_error_at(
		    r->err, YOI_EIO, yoi_store_root(r->st), 0,
		    "no room on the file system (%llu bytes free, the "
		    "import needs about %llu); nothing was written: free some "
		    "space and import again",
		    room, want);
	return 0;
}

/* ---- relations ---------------------------------------------------------- */

/*
 * The relations of p that its relations.json lacks: added to the file,
 * each with its `relation` event. For a ticket imported before (a rerun
 * after a crash), the same: what is there already is left alone. dry:
 * count only.
 */
static int complete_relations(run *r, const plan *p, bool dry)
{
	const yoi_import_ticket *t = p->t;
	const char *me = r->ctx && r->ctx->author ? r->ctx->author : "import";
	const char *author = t->author && *t->author ? t->author : me;
	char *path = yoi_store_path(r->st, p->id, "artifacts/relations.json");
	yoi_relations *rels = NULL;
	yoi_buf text = YOI_BUF_INIT, events = YOI_BUF_INIT;
	yoi_ticket *tk = NULL;
	size_t added = 0;
	char at[YOI_TIME_LEN + 1];
	int rc;

	if (!path)
		return oom(r->err);
	yoi_time_format(p->last_at, at);
	rc = yoi_file_read(path, YOI_REL_FILE_MAX, &text, r->err);
	if (rc == YOI_ENOTFOUND) {
		rc = yoi_relations_new(&rels, p->id);
		if (rc < 0)
			rc = oom(r->err);
	} else if (rc == 0) {
		rc = yoi_relations_parse(&rels, text.ptr ? text.ptr : "",
					 text.len, p->id, path, NULL, r->err);
		if (rc == 0 && rels->nerrors)
			rc = yoi_error_at(r->err, YOI_ECORRUPT, path, 0,
					  "has errors; the import's relations "
					  "were not added: fix it (see "
					  "doctor) and import again");
	}
	if (rc < 0)
		goto out;
	bool crlf = false;
	if (p->skip && !dry) {
		rc =
		    yoi_ticket_load(&tk, r->st, p->id, YOI_LOAD_THREAD, r->err);
		if (rc < 0)
			goto out;
		crlf = tk->thread_crlf;
		if (tk->thread_needs_nl &&
		    yoi_buf_puts(&events, crlf ? "\r\n" : "\n") < 0) {
			rc = oom(r->err);
			goto out;
		}
	}
	for (size_t i = 0; rc == 0 && i < t->nrels; i++) {
		const yoi_import_rel *ir = &t->rels[i];
		const plan *tp = by_source(r, ir->target);
		yoi_rel_kind kind;

		if (!tp || yoi_rel_kind_parse(&kind, ir->kind) < 0 ||
		    !strcmp(tp->id, p->id))
			continue; /* reported by the checks */
		if (yoi_relations_find(rels, kind, tp->id))
			continue;
		yoi_relation rel = {.kind = kind,
				    .note = ir->note,
				    .author = (char *)author,
				    .at = at};
		memcpy(rel.ticket_id, p->id, YOI_ID_LEN + 1);
		memcpy(rel.target, tp->id, YOI_ID_LEN + 1);
		rc = yoi_relations_add(rels, &rel, r->err);
		if (rc < 0)
			break;
		added++;
		if (dry)
			continue;
		yoi_attr a[] = {{"action", "add"},
				{"kind", (char *)ir->kind},
				{"target", (char *)tp->id}};
		yoi_event_spec spec = {"relation", author, at,	     a,
				       3,	   NULL,   ir->note, true};
		rc = yoi_event_render(&events, &spec, crlf, r->err);
	}
	if (rc < 0 || !added || dry)
		goto out;
	yoi_buf_clear(&text);
	char *arts = yoi_store_path(r->st, p->id, "artifacts");
	char *thread = yoi_store_path(r->st, p->id, "thread.md");
	if (!arts || !thread)
		rc = oom(r->err);
	if (rc == 0 && !yoi_is_dir(arts))
		rc = yoi_store_mkdir(r->st, arts, true, r->err);
	if (rc == 0)
		rc = yoi_relations_render(&text, rels, r->err);
	if (rc == 0)
		rc = yoi_store_write(r->st, path, text.ptr, text.len, r->err);
	if (rc == 0)
		rc = yoi_store_append(r->st, thread, events.ptr, events.len,
				      false, r->err);
	free(arts);
	free(thread);
out:
	if (rc == 0)
		r->rep->relations += added;
	yoi_ticket_free(tk);
	yoi_relations_free(rels);
	yoi_buf_free(&text);
	yoi_buf_free(&events);
	free(path);
	return rc;
}

/* ---- the import ------------------------------------------------------- */

static size_t nerrors(const yoi_diag *d)
{
	return yoi_diag_count(d, YOI_DIAG_ERROR);
}

static const yoi_diag_entry *first_error(const yoi_diag *a, const yoi_diag *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].severity == YOI_DIAG_ERROR)
			return &a->v[i];
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].severity == YOI_DIAG_ERROR)
			return &b->v[i];
	return NULL;
}

static int refuse(run *r)
{
	size_t n = nerrors(&r->set->problems) + nerrors(&r->rep->problems);
	const yoi_diag_entry *e =
	    first_error(&r->set->problems, &r->rep->problems);

	if (!e)
		return yoi_error_set(r->err, YOI_ECORRUPT, NULL, 0,
				     "the source has problems; nothing was "
				     "written");
	return yoi_error_at(r->err, YOI_ECORRUPT, e->path, e->line,
			    "%s (%zu problem%s in all); nothing was written: "
			    "fix the source and import again",
			    e->message, n, n == 1 ? "" : "s");
}

static int write_all(run *r)
{
	files *f = calloc(r->np ? r->np : 1, sizeof(*f));
	size_t bytes = 0, nfiles = 0, done = 0;
	int rc = 0;

	if (!f)
		return oom(r->err);
	/* Every ticket composed (and refused) before the first write. */
	for (size_t i = 0; rc == 0 && i < r->np; i++) {
		if (r->p[i].skip)
			continue;
		rc = compose(r, &r->p[i], &f[i]);
		if (rc == YOI_EUSAGE) { /* a value the thread cannot hold */
			char why[sizeof(r->err->msg)];

			snprintf(why, sizeof(why), "%s", r->err->msg);
			rc = yoi_error_at(r->err, YOI_ECORRUPT, r->p[i].t->file,
					  r->p[i].t->line,
					  "'%s' cannot be written: %s; nothing "
					  "was written: fix it in the source",
					  r->p[i].t->source_id, why);
		}
		if (rc == 0 && (f[i].thread.len > YOI_FILE_MAX ||
				f[i].item.len > YOI_FILE_MAX))
			rc = yoi_error_at(
			    r->err, YOI_EREFUSED, r->p[i].t->file,
			    r->p[i].t->line,
			    "'%s' would make a ticket file over the 16 MiB "
			    "limit; nothing was written: shorten it in the "
			    "source",
			    r->p[i].t->source_id);
		bytes += f[i].thread.len + f[i].item.len + f[i].resolution.len;
		nfiles += 5;
	}
	if (rc == 0)
		rc = check_room(r, bytes, nfiles);
	if (rc == 0)
		sweep_stages(r);
	for (size_t i = 0; rc == 0 && i < r->np; i++) {
		if (r->p[i].skip)
			continue;
		rc = write_ticket(r, &r->p[i], &f[i], done + 1);
		files_free(&f[i]);
		fault_count("import-kill", ++done);
	}
	for (size_t i = 0; i < r->np; i++)
		files_free(&f[i]);
	free(f);
	bool started = done > 0 || rc == 0;
	done = 0;
	for (size_t i = 0; rc == 0 && i < r->np; i++)
		if (r->p[i].t->nrels) {
			rc = complete_relations(r, &r->p[i], false);
			fault_count("import-kill-rel", ++done);
		}
	if (rc < 0 && started && r->err) {
		/* Whole tickets are in place: a rerun completes the rest. */
		size_t n = strlen(r->err->msg);
		snprintf(r->err->msg + n, sizeof(r->err->msg) - n, "%s",
			 "; the tickets written so far are whole: run the "
			 "import again to complete it");
	}
	return rc;
}

int yoi_import_apply(yoi_store *st, const yoi_import_set *set,
		     const yoi_import_opts *o, yoi_import_report *rep,
		     yoi_error *err)
{
	run r = {.st = st, .set = set, .ctx = o->ctx, .rep = rep, .err = err};
	bool locked = false;
	int rc;

	check_values(&r);
	if (!o->dry_run) {
		rc = yoi_store_lock(st, o->ctx ? o->ctx->wait_sec : 0, err);
		if (rc < 0)
			goto out;
		locked = true;
	}
	rc = load_known(&r);
	if (rc == 0)
		rc = make_plan(&r);
	if (rc < 0)
		goto out;
	check_cycles(&r);
	bool bad = nerrors(&set->problems) || nerrors(&rep->problems);
	if (o->dry_run) {
		for (size_t i = 0; !bad && rc == 0 && i < r.np; i++)
			if (r.p[i].t->nrels)
				rc = complete_relations(&r, &r.p[i], true);
	}
	if (rc == 0 && bad)
		rc = refuse(&r);
	if (rc == 0 && !o->dry_run)
		rc = write_all(&r);
out:
	if (locked)
		yoi_store_unlock(st);
	for (size_t i = 0; i < r.nk; i++)
		free(r.k[i].origin);
	free(r.k);
	for (size_t i = 0; i < r.np; i++)
		free(r.p[i].origin);
	free(r.p);
	free(r.by_src);
	yoi_strv_free(&r.ids);
	return rc;
}
