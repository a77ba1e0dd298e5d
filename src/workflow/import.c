/*
 * import.c - the import set (import.h): building it and the checks that
 * span its tickets. The readers are import_<tool>.c; the writer is
 * import_apply.c.
 */
#include <stdlib.h>
#include <string.h>

#include "yoi/import.h"

static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = yoi_strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

yoi_import_ticket *yoi_import_add(yoi_import_set *set, const char *source_id,
				  const char *file, int line)
{
	yoi_import_ticket *t;
	int bad = 0;

	if (yoi_grow(&set->v, set->n + 1, &set->cap, sizeof(*set->v), 16))
		return NULL;
	t = &set->v[set->n];
	memset(t, 0, sizeof(*t));
	t->source_id = dup_or_null(source_id, &bad);
	t->file = dup_or_null(file, &bad);
	t->line = line;
	if (bad) {
		free(t->source_id);
		free(t->file);
		memset(t, 0, sizeof(*t));
		return NULL;
	}
	set->n++;
	return t;
}

int yoi_import_add_rel(yoi_import_ticket *t, const char *kind,
		       const char *target, const char *note)
{
	yoi_import_rel *r;
	int bad = 0;

	if (yoi_grow(&t->rels, t->nrels + 1, &t->caprels, sizeof(*t->rels), 4))
		return YOI_ENOMEM;
	r = &t->rels[t->nrels];
	r->kind = dup_or_null(kind, &bad);
	r->target = dup_or_null(target, &bad);
	r->note = dup_or_null(note, &bad);
	if (bad) {
		free(r->kind);
		free(r->target);
		free(r->note);
		return YOI_ENOMEM;
	}
	t->nrels++;
	return 0;
}

int yoi_import_add_event(yoi_import_ticket *t, const char *kind,
			 const char *author, const char *at, const char *body)
{
	yoi_import_event *e;
	int bad = 0;

	if (yoi_grow(&t->events, t->nevents + 1, &t->capevents,
		     sizeof(*t->events), 4))
		return YOI_ENOMEM;
	e = &t->events[t->nevents];
	e->kind = dup_or_null(kind, &bad);
	e->author = dup_or_null(author, &bad);
	e->at = dup_or_null(at, &bad);
	e->body = dup_or_null(body, &bad);
	if (bad) {
		free(e->kind);
		free(e->author);
		free(e->at);
		free(e->body);
		return YOI_ENOMEM;
	}
	t->nevents++;
	return 0;
}

static void ticket_free(yoi_import_ticket *t)
{
	for (size_t i = 0; i < t->nrels; i++) {
		free(t->rels[i].kind);
		free(t->rels[i].target);
		free(t->rels[i].note);
	}
	free(t->rels);
	for (size_t i = 0; i < t->nevents; i++) {
		free(t->events[i].kind);
		free(t->events[i].author);
		free(t->events[i].at);
		free(t->events[i].body);
	}
	free(t->events);
	free(t->source_id);
	free(t->file);
	free(t->title);
	free(t->body);
	free(t->state);
	free(t->priority);
	free(t->assignee);
	free(t->author);
	free(t->created_at);
	free(t->updated_at);
	free(t->closed_at);
	free(t->resolution);
	yoi_strv_free(&t->labels);
	free(t->kept);
}

void yoi_import_set_free(yoi_import_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		ticket_free(&set->v[i]);
	free(set->v);
	free(set->tool);
	yoi_diag_free(&set->problems);
	memset(set, 0, sizeof(*set));
}

static int by_source_id(const void *a, const void *b)
{
	const yoi_import_ticket *const *x = a, *const *y = b;
	int c = strcmp((*x)->source_id, (*y)->source_id);

	if (c)
		return c;
	return *x < *y ? -1 : *x > *y; /* file order among duplicates */
}

static const yoi_import_ticket *find(yoi_import_ticket **sorted, size_t n,
				     const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sorted[mid]->source_id, id);

		if (c == 0)
			return sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void yoi_import_check(yoi_import_set *set)
{
	yoi_import_ticket **sorted = NULL;
	size_t n = 0;
	yoi_diag *d = &set->problems;

	for (size_t i = 0; i < set->n; i++) {
		yoi_import_ticket *t = &set->v[i];

		if (!t->source_id || !*t->source_id)
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-no-id", t->file,
				     t->line,
				     "the issue has no id; give it one or "
				     "remove it from the source");
		if (!t->title || !*t->title)
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-no-title",
				     t->file, t->line,
				     "the issue has no title; give it one");
		if (!t->created_at || !*t->created_at)
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-no-time",
				     t->file, t->line,
				     "the issue has no creation time; give "
				     "it one (RFC 3339)");
	}
	sorted = calloc(set->n ? set->n : 1, sizeof(*sorted));
	if (!sorted) {
		d->dropped++;
		return;
	}
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].source_id && *set->v[i].source_id)
			sorted[n++] = &set->v[i];
	qsort(sorted, n, sizeof(*sorted), by_source_id);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(sorted[i]->source_id, sorted[i - 1]->source_id))
			yoi_diag_add(d, YOI_DIAG_ERROR, "import-duplicate-id",
				     sorted[i]->file, sorted[i]->line,
				     "the id '%s' is used again (first at "
				     "%s:%d); give one of them another id",
				     sorted[i]->source_id,
				     sorted[i - 1]->file ? sorted[i - 1]->file
							 : "?",
				     sorted[i - 1]->line);
	for (size_t i = 0; i < set->n; i++) {
		const yoi_import_ticket *t = &set->v[i];

		for (size_t j = 0; j < t->nrels; j++)
			if (!t->rels[j].target ||
			    !find(sorted, n, t->rels[j].target))
				yoi_diag_add(
				    d, YOI_DIAG_ERROR, "import-missing-target",
				    t->file, t->line,
				    "'%s' %s '%s', which is not in the "
				    "source; add it or remove the relation",
				    t->source_id ? t->source_id : "?",
				    t->rels[j].kind ? t->rels[j].kind : "?",
				    t->rels[j].target ? t->rels[j].target
						      : "?");
	}
	free(sorted);
}
