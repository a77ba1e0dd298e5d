/* query.c - list's filter and text search over the store's rows. */
#include "yoi/query.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/item.h"
#include "yoi/par.h"
#include "yoi/ticket.h"

void yoi_query_init(yoi_query *q)
{
	memset(q, 0, sizeof(*q));
	q->limit = -1;
	for (int i = 0; i < YOI_ST__COUNT; i++)
		q->states[i] = i != YOI_ST_CLOSED;
}

int yoi_query_states(yoi_query *q, const char *spec, yoi_error *err)
{
	memset(q->states, 0, sizeof(q->states));
	if (strcmp(spec, "all") == 0 || strcmp(spec, "active") == 0) {
		for (int i = 0; i < YOI_ST__COUNT; i++)
			q->states[i] =
			    strcmp(spec, "all") == 0 || i != YOI_ST_CLOSED;
		return 0;
	}
	char *copy = yoi_strdup(spec), *save = NULL;
	if (!copy)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	int rc = 0;
	for (char *s = strtok_r(copy, ",", &save); s && !rc;
	     s = strtok_r(NULL, ",", &save)) {
		yoi_state st = yoi_state_parse(s);
		if (st == YOI_ST_INVALID)
			rc =
			    yoi_error_set(err, YOI_EUSAGE, NULL, 0,
					  "unknown state '%s' in --state; use "
					  "active, all, or a list of planning, "
					  "ready, queued, inprogress, done, "
					  "closed",
					  s);
		else
			q->states[st] = true;
	}
	free(copy);
	return rc;
}

bool yoi_query_row_matches(const yoi_query *q, const yoi_row *r)
{
	yoi_state st = yoi_state_parse(r->col[YOI_ROW_STATE]);
	if (st == YOI_ST_INVALID || !q->states[st])
		return false;
	if (q->assignee && (!r->col[YOI_ROW_ASSIGNEE] ||
			    strcmp(r->col[YOI_ROW_ASSIGNEE], q->assignee) != 0))
		return false;
	if (q->priority && (!r->col[YOI_ROW_PRIORITY] ||
			    strcmp(r->col[YOI_ROW_PRIORITY], q->priority) != 0))
		return false;
	for (size_t i = 0; i < q->nlabels; i++)
		if (!yoi_strv_contains(&r->tags, q->labels[i]))
			return false;
	return !q->risk || yoi_strv_contains(&r->risk, q->risk);
}

typedef struct prio_key {
	const char *p; /* NULL: none (last) */
	size_t i;      /* the ID order */
} prio_key;

static int cmp_prio(const void *a, const void *b)
{
	const prio_key *x = a, *y = b;
	if (!x->p != !y->p)
		return x->p ? -1 : 1;
	int c = x->p ? strcmp(x->p, y->p) : 0;
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* ---- the needle -------------------------------------------------------- */

/* ASCII only, as strncasecmp in the C locale: UTF-8 bytes stay as they are. */
static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int yoi_query_needle_init(yoi_query_needle *n, const char *needle)
{
	n->len = strlen(needle);
	n->fold = malloc(n->len + 1);
	if (!n->fold)
		return YOI_ENOMEM;
	for (size_t i = 0; i <= n->len; i++)
		n->fold[i] = fold((unsigned char)needle[i]);
	/* Horspool: how far the window may move when its last byte is b. */
	size_t by_fold[256];
	for (size_t b = 0; b < 256; b++)
		by_fold[b] = n->len;
	for (size_t i = 0; i + 1 < n->len; i++)
		by_fold[n->fold[i]] = n->len - 1 - i;
	for (size_t b = 0; b < 256; b++)
		n->skip[b] = by_fold[fold((unsigned char)b)];
	return 0;
}

void yoi_query_needle_free(yoi_query_needle *n)
{
	if (n) {
		free(n->fold);
		n->fold = NULL;
	}
}

static bool eq_fold(const unsigned char *h, const unsigned char *folded,
		    size_t m)
{
	for (size_t i = 0; i < m; i++)
		if (fold(h[i]) != folded[i])
			return false;
	return true;
}

bool yoi_query_needle_in(const yoi_query_needle *n, const char *hay, size_t len)
{
	size_t m = n->len;
	if (m == 0)
		return true;
	if (len < m)
		return false;
	const unsigned char *h = (const unsigned char *)hay;
	unsigned char last = n->fold[m - 1];
	if (m == 1) {
		unsigned char up = last >= 'a' && last <= 'z'
				       ? (unsigned char)(last - 'a' + 'A')
				       : last;
		return memchr(h, last, len) ||
		       (up != last && memchr(h, up, len));
	}
	for (size_t i = 0; i <= len - m; i += n->skip[h[i + m - 1]])
		if (fold(h[i + m - 1]) == last &&
		    eq_fold(h + i, n->fold, m - 1))
			return true;
	return false;
}

/* ---- the search -------------------------------------------------------- */

typedef struct search_job {
	const yoi_store *st;
	int root_fd;
	const yoi_strv *ids;
	const yoi_rows *rows;
	const yoi_query_needle *needle;
	bool *match;
	char **why;
	yoi_buf *bufs; /* one per worker */
} search_job;

/* The whole item parsed, as a ticket is loaded: the errors it gives. */
static void search_parsed(search_job *j, size_t i)
{
	yoi_ticket *t;
	yoi_error err;
	if (yoi_ticket_load(&t, j->st, j->ids->v[i],
			    YOI_LOAD_ITEM | YOI_LOAD_DIR_CHECKED, &err) < 0) {
		j->match[i] = false;
		char et[YOI_ERRTEXT_MAX];
		j->why[i] = yoi_strdup(yoi_error_text(&err, et, sizeof(et)));
		return;
	}
	const char *title = yoi_item_get(t->item, "title");
	size_t blen;
	const char *body = yoi_item_body(t->item, &blen);
	j->match[i] =
	    (title && yoi_query_needle_in(j->needle, title, strlen(title))) ||
	    yoi_query_needle_in(j->needle, body, blen);
	yoi_ticket_free(t);
}

/*
 * The row already holds the title of this very item.md (its stat key
 * matched, or it was parsed from it), so the frontmatter needs no YAML
 * parse: only the checks of the whole file that the row's frontmatter-only
 * read could not make (yoi_item_split), then the body. Anything wrong:
 * the full load, for its exact error.
 */
static void search_nth(void *ctx, size_t i, unsigned worker)
{
	search_job *j = ctx;
	if (!j->match[i])
		return;
	const char *id = j->ids->v[i];
	char rel[YOI_ID_LEN + sizeof("/item.md")];
	snprintf(rel, sizeof(rel), "%s/item.md", id);
	yoi_buf *b = &j->bufs[worker];
	yoi_error err;
	size_t body;
	if (j->root_fd < 0 ||
	    yoi_file_read_at(j->root_fd, rel, YOI_FILE_MAX, b, &err) < 0 ||
	    yoi_item_split(b->ptr, b->len, NULL, &body, &err) < 0) {
		search_parsed(j, i);
		return;
	}
	const char *title = j->rows->row[i]->col[YOI_ROW_TITLE];
	j->match[i] =
	    (title && yoi_query_needle_in(j->needle, title, strlen(title))) ||
	    yoi_query_needle_in(j->needle, b->ptr + body, b->len - body);
}

static int search(yoi_query_result *res, const yoi_store *st, const char *text,
		  bool *match, yoi_error *err)
{
	yoi_query_needle needle;
	if (yoi_query_needle_init(&needle, text) < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	unsigned threads = yoi_par_threads(res->ids.n);
	yoi_buf *bufs = calloc(threads ? threads : 1, sizeof(*bufs));
	if (!bufs) {
		yoi_query_needle_free(&needle);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	search_job j = {
	    st,	       open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
	    &res->ids, &res->rows,
	    &needle,   match,
	    res->why,  bufs};
	yoi_par_for(res->ids.n, threads, search_nth, &j);
	if (j.root_fd >= 0)
		close(j.root_fd);
	for (unsigned w = 0; w < threads; w++)
		yoi_buf_free(&bufs[w]);
	free(bufs);
	yoi_query_needle_free(&needle);
	return 0;
}

int yoi_query_list(yoi_query_result *res, const yoi_store *st,
		   const yoi_query *q, yoi_error *err)
{
	memset(res, 0, sizeof(*res));
	int rc = yoi_store_ids(st, &res->ids, err);
	if (rc < 0)
		return rc;
	if ((rc = yoi_rows_load(&res->rows, st, &res->ids, 0, err)) < 0) {
		yoi_strv_free(&res->ids);
		return rc;
	}
	res->cache_err = res->rows.save_err;
	size_t n = res->ids.n;
	bool *match = calloc(n ? n : 1, sizeof(*match));
	res->why = calloc(n ? n : 1, sizeof(*res->why));
	res->v = calloc(n ? n : 1, sizeof(*res->v));
	if (!match || !res->why || !res->v) {
		free(match);
		yoi_query_result_free(res);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		match[i] = res->rows.row[i] &&
			   yoi_query_row_matches(q, res->rows.row[i]);
	if (q->search && (rc = search(res, st, q->search, match, err)) < 0) {
		free(match);
		yoi_query_result_free(res);
		return rc;
	}
	/* The order to take the tickets in: by ID, or by priority. */
	prio_key *ord = calloc(n ? n : 1, sizeof(*ord));
	if (!ord) {
		free(match);
		yoi_query_result_free(res);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const yoi_row *r = res->rows.row[i];
		ord[i].i = i;
		ord[i].p =
		    r && r->col[YOI_ROW_PRIORITY] && *r->col[YOI_ROW_PRIORITY]
			? r->col[YOI_ROW_PRIORITY]
			: NULL;
	}
	if (q->by_priority)
		qsort(ord, n, sizeof(*ord), cmp_prio);
	long shown = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = ord[k].i;
		const yoi_row *r = res->rows.row[i];
		const char *why = r ? res->why[i] : res->rows.err[i];
		yoi_query_hit *h = &res->v[res->n];
		h->id = res->ids.v[i];
		if (why || !r) {
			h->skip = why ? why : "unreadable";
			res->n++;
			continue;
		}
		if (!match[i] || (q->limit >= 0 && shown >= q->limit))
			continue;
		shown++;
		h->row = r;
		res->n++;
	}
	free(ord);
	free(match);
	return 0;
}

void yoi_query_result_free(yoi_query_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; res->why && i < res->ids.n; i++)
		free(res->why[i]);
	free(res->why);
	free(res->v);
	yoi_rows_free(&res->rows);
	yoi_strv_free(&res->ids);
	memset(res, 0, sizeof(*res));
}
