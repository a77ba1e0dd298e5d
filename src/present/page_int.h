/*
 * page_int.h - the sections of a ticket's page, written once for both
 * front ends that show one: the static site of `render --html` (html.c)
 * and the live board (board.c). What differs between them (how a ticket
 * is linked, which Markdown renderer, a few attributes) is a
 * yoi_page_style. Private to the present layer.
 */
#ifndef YOI_PAGE_INT_H
#define YOI_PAGE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "yoi/common.h"
#include "yoi/graph.h"
#include "yoi/item.h"
#include "yoi/plan.h"
#include "yoi/relations.h"
#include "yoi/routing.h"
#include "yoi/state.h"
#include "yoi/thread.h"

/*
 * Output with a sticky error: every writer below does nothing once err
 * is set (YOI_ENOMEM on a failed append); check err once, at the end.
 * b is borrowed.
 */
typedef struct yoi_page_out {
	yoi_buf *b;
	int err;
} yoi_page_out;

void yoi_page_putn(yoi_page_out *o, const char *s, size_t n);
void yoi_page_put(yoi_page_out *o, const char *s);
void yoi_page_putf(yoi_page_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s (n bytes) HTML-escaped; NULL prints nothing. */
void yoi_page_escn(yoi_page_out *o, const char *s, size_t n);
/* s HTML-escaped; NULL prints nothing. */
void yoi_page_esc(yoi_page_out *o, const char *s);

typedef struct yoi_page_style yoi_page_style;

/* What differs between the two front ends' pages. */
struct yoi_page_style {
	/* Writes a reference to ticket id of r (with its state badge when
	 * with_state); s is the style itself, for ctx. */
	void (*ticket)(yoi_page_out *o, const yoi_page_style *s,
		       const yoi_routing *r, const char *id, bool with_state);
	/* yoi_html_markdown or yoi_html_markdown_links. */
	int (*markdown)(yoi_buf *out, const char *md, size_t len);
	const char *ctx;  /* for ticket: html.c's link prefix */
	bool time_attr;	  /* events' <time> carry datetime="..." */
	bool plan_anchor; /* plan records carry id="<record id>" */
};

/* A state as a badge; its lane's name is the class. */
void yoi_page_state_badge(yoi_page_out *o, yoi_state s);

/* A list of escaped strings v[n]: ul (the opening tag), li (each item's),
 * then </ul>. */
void yoi_page_items(yoi_page_out *o, const char *ul, const char *li,
		    const char *const *v, size_t n);

/* What could not be read (the ticket needs repair); nothing if w is empty. */
void yoi_page_problems(yoi_page_out *o, const yoi_strv *w);

/* A <ul class="blockers"> of the first max of b[nb], then "N more" linking
 * to more_href when nb > max. */
void yoi_page_blockers(yoi_page_out *o, const yoi_page_style *s,
		       const yoi_routing *r, const yoi_graph_blocker *b,
		       size_t nb, size_t max, const char *more_href);

/* A labelled free-text note of a record; nothing when text is NULL. */
void yoi_page_note(yoi_page_out *o, const char *label, const char *text);

/* The page's header up to its <h1>title</h1>: the caller closes it. */
void yoi_page_ticket_header(yoi_page_out *o, const char *id, yoi_state st,
			    const char *title);

/* The Fields and Description sections of an item. */
void yoi_page_item(yoi_page_out *o, const yoi_page_style *s,
		   const yoi_item *it);

/*
 * An open <li> of relation x: kind as seen from this page, the other
 * ticket, the kind as recorded (for an incoming one; NULL to leave it
 * out), who made it, when, its note. The caller adds to it and closes it.
 */
void yoi_page_relation(yoi_page_out *o, const yoi_page_style *s,
		       const yoi_routing *r, const char *kind,
		       const char *other, const char *recorded,
		       const yoi_relation *x);

/* The Plan records section (p may be NULL: none). */
void yoi_page_plan(yoi_page_out *o, const yoi_page_style *s,
		   const yoi_routing *r, const yoi_plan *p);

/* The Thread section (th NULL: it could not be read). */
void yoi_page_thread(yoi_page_out *o, const yoi_page_style *s,
		     const yoi_thread *th);

#endif
