/*
 * query.h - which tickets `list` shows: the filter (states, assignee, risk
 * flag, text, limit), matched on the list cache's rows, and the text
 * search over the title and the body of item.md.
 *
 * The search is ASCII case-insensitive on bytes (as strncasecmp in the C
 * locale): A-Z match a-z, every other byte (UTF-8 included) only itself.
 * An empty needle matches every ticket.
 *
 * Ownership: yoi_query_needle_init allocates inside the needle;
 * yoi_query_needle_free. yoi_query_list fills a yoi_query_result that owns
 * its rows and messages; yoi_query_result_free. The strings of a
 * yoi_query (assignee, risk, search) are borrowed for the call.
 */
#ifndef YOI_QUERY_H
#define YOI_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "listcache.h"
#include "state.h"
#include "store.h"

typedef struct yoi_query {
	bool states[YOI_ST__COUNT];
	const char *assignee; /* NULL: any */
	const char *risk;     /* a risk flag the ticket must have, or NULL */
	const char *const *labels; /* labels (tags) it must all have */
	size_t nlabels;
	const char *search;   /* text in the title or the body, or NULL */
	const char *priority; /* exactly this priority, or NULL */
	bool by_priority;     /* order by priority (as strings, so P0 before
				 P1; tickets without one last), then ID;
				 else by ID (creation order) */
	long limit;	      /* at most this many rows; -1: no limit */
} yoi_query;

/* The default query: every state but closed, no other filter, no limit. */
void yoi_query_init(yoi_query *q);

/*
 * Set the states from a --state spec: "active" (all but closed), "all",
 * or a comma-separated list of state names. YOI_EUSAGE (the message names
 * the bad word and the choices) or YOI_ENOMEM.
 */
int yoi_query_states(yoi_query *q, const char *spec, yoi_error *err);

/* The filters that need only the row: state, assignee, priority, risk
 * flag, labels. */
bool yoi_query_row_matches(const yoi_query *q, const yoi_row *r);

/* A needle prepared for repeated case-insensitive searches. */
typedef struct yoi_query_needle {
	unsigned char *fold; /* the needle, ASCII lower-cased */
	size_t len;
	size_t skip[256]; /* Horspool shifts, indexed by haystack byte */
} yoi_query_needle;

int yoi_query_needle_init(yoi_query_needle *n, const char *needle);
void yoi_query_needle_free(yoi_query_needle *n);
/* True when hay[0, len) holds the needle (ASCII case-insensitively). */
bool yoi_query_needle_in(const yoi_query_needle *n, const char *hay,
			 size_t len);

/*
 * One ticket of the answer, in ID order: a row to show, or a ticket that
 * could not be read (row NULL, skip says why). Skipped tickets are listed
 * whatever the filter and the limit.
 */
typedef struct yoi_query_hit {
	const char *id;
	const yoi_row *row;
	const char *skip;
} yoi_query_hit;

typedef struct yoi_query_result {
	yoi_query_hit *v;
	size_t n;
	const char *cache_err; /* the list cache could not be saved, or NULL */
	/* private */
	yoi_strv ids;
	yoi_rows rows;
	char **why;
} yoi_query_result;

/*
 * The tickets of the store that match q, on all cores: rows from the list
 * cache (yoi_rows_load), the row filters, then the search, which reads
 * item.md whole only for the tickets whose row matched. Fails only when
 * the store cannot be listed or on YOI_ENOMEM; a ticket that cannot be
 * read is a hit with skip set.
 */
int yoi_query_list(yoi_query_result *out, const yoi_store *st,
		   const yoi_query *q, yoi_error *err);
void yoi_query_result_free(yoi_query_result *res);

#endif
