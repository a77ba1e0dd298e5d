/*
 * board.c - the pages of the live board (board.h): the board of lanes and
 * one page per ticket with its forms. What they show and why:
 * docs/board.md.
 */
#include "yoi/board.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "present/page_int.h"
#include "yoi/config.h"
#include "yoi/graph.h"
#include "yoi/html.h"
#include "yoi/id.h"
#include "yoi/item.h"
#include "yoi/listcache.h"
#include "yoi/par.h"
#include "yoi/plan.h"
#include "yoi/query.h"
#include "yoi/relations.h"
#include "yoi/relview.h"
#include "yoi/routing.h"
#include "yoi/state.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"

/* Blockers named on a card; the ticket page lists them all. */
#define CARD_BLOCKERS 3
/* The lane of tickets whose item.md cannot be read or has no known state. */
#define LANE_UNREADABLE YOI_ST__COUNT
#define NLANES		(YOI_ST__COUNT + 1)

static const char *const lane_names[NLANES] = {"planning",   "ready", "queued",
					       "inprogress", "done",  "closed",
					       "unreadable"};

/* Route classes in the order a lane shows them, with their headings. */
static const char *const class_heading[] = {
    "Actionable", "Waiting on a dependency", "Waiting on a conflict",
    "Waiting on capacity"};
static const char *const class_badge[] = {"actionable", "waiting: dependency",
					  "waiting: conflict",
					  "waiting: capacity"};
static const char *const class_css[] = {"actionable", "dependency", "conflict",
					"capacity"};
#define NCLASSES 4

/* ---- output with a sticky error (page_int.h): check once, at the end ---- */

typedef yoi_page_out out;
#define put  yoi_page_put
#define putf yoi_page_putf
#define esc  yoi_page_esc
#define escn yoi_page_escn

/* s percent-encoded for a query string (only unreserved bytes stay). */
static void urlenc(out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s && !o->err; s++) {
		unsigned char c = (unsigned char)*s;
		char buf[4] = {(char)c, 0, 0, 0};
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == '~')) {
			buf[0] = '%';
			buf[1] = hex[c >> 4];
			buf[2] = hex[c & 15];
		}
		put(o, buf);
	}
}

static bool set(const char *s)
{
	return s && *s;
}

/* ---- pieces shared by both pages ---- */

static void head(out *o, const char *title, const yoi_board_ctx *c)
{
	put(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	       "<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, "
	       "initial-scale=1\">\n"
	       "<meta name=\"referrer\" content=\"no-referrer\">\n");
	/* For board.js: the token its POSTs carry (forms carry their own). */
	put(o, "<meta name=\"yoi-csrf\" content=\"");
	esc(o, c && c->csrf ? c->csrf : "");
	put(o, "\">\n<title>");
	esc(o, title);
	put(o,
	    "</title>\n<link rel=\"stylesheet\" href=\"/static/board.css\">\n"
	    "<script src=\"/static/board.js\" defer></script>\n"
	    "</head>\n");
}

/* Who acts, and the message of the last action, at the top of a page. */
static void who_and_flash(out *o, const yoi_board_ctx *c)
{
	put(o, "<p class=\"author\">");
	if (c && set(c->author)) {
		put(o, "Acting as <strong>");
		esc(o, c->author);
		put(o, "</strong>");
	} else {
		put(o, "<strong>No author configured</strong>: set git's "
		       "user.name or run the server with --author");
	}
	put(o, "</p>\n");
	if (c && set(c->flash)) {
		putf(o, "<div class=\"flash%s\" role=\"%s\">",
		     c->flash_is_error ? " error" : "",
		     c->flash_is_error ? "alert" : "status");
		esc(o, c->flash);
		put(o, "</div>\n");
	}
}

/* The hidden fields of every form: the CSRF token and the way back. */
static void form_open(out *o, const char *id, const char *action,
		      const char *cls, const yoi_board_ctx *c, const char *back)
{
	putf(o,
	     "<form class=\"%s\" method=\"post\" enctype=\"%s\" "
	     "action=\"/t/",
	     cls, YOI_BOARD_FORM_ENCTYPE);
	esc(o, id);
	putf(o, "/%s\">\n<input type=\"hidden\" name=\"csrf\" value=\"",
	     action);
	esc(o, c && c->csrf ? c->csrf : "");
	put(o, "\">\n<input type=\"hidden\" name=\"back\" value=\"");
	esc(o, back);
	put(o, "\">\n");
}

static void hidden(out *o, const char *name, const char *value)
{
	putf(o, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	esc(o, value);
	put(o, "\">\n");
}

/*
 * A link to ticket id's page that reads as its title (never a bare ID),
 * with its state; a ticket the view does not hold is its ID, marked
 * missing.
 */
static void ticket_link(out *o, const yoi_routing *r, const char *id,
			bool with_state)
{
	size_t k = yoi_routing_find(r, id);
	if (k == YOI_GRAPH_NONE) {
		put(o, "<span class=\"missing\">missing ticket <span "
		       "class=\"id\">");
		esc(o, id);
		put(o, "</span></span>");
		return;
	}
	const yoi_routing_ticket *t = &r->t[k];
	put(o, "<a class=\"ticket-ref\" href=\"/t/");
	esc(o, t->id);
	put(o, "\" title=\"");
	esc(o, t->id);
	put(o, "\">");
	esc(o, set(t->title) ? t->title : "(no title)");
	put(o, "</a>");
	if (with_state) {
		put(o, " ");
		yoi_page_state_badge(o, t->state);
	}
}

static void style_ticket(out *o, const yoi_page_style *s, const yoi_routing *r,
			 const char *id, bool with_state)
{
	(void)s;
	ticket_link(o, r, id, with_state);
}

/* Links are the server's /t/<ID>; Markdown keeps its safe links. */
static const yoi_page_style style = {.ticket = style_ticket,
				     .markdown = yoi_html_markdown_links};

static void blockers(out *o, const yoi_routing *r, const yoi_graph_blocker *b,
		     size_t nb, size_t max, const char *more_href)
{
	yoi_page_blockers(o, &style, r, b, nb, max, more_href);
}

/* ---- the board ---- */

typedef struct card {
	const yoi_query_hit *hit;
	size_t ri;	  /* index in the routing view, or YOI_GRAPH_NONE */
	int lane;	  /* yoi_state, or LANE_UNREADABLE */
	int cls;	  /* route class; -1 outside ready/queued */
	size_t order;	  /* place in the route */
	const char *upd;  /* updated_at, for done and closed */
	yoi_strv tags;	  /* the frontmatter list `tags`, when read */
	char *why;	  /* why it is unreadable (owned), or NULL */
	bool need_tags;	  /* read the tags (a label filter, or shown) */
	bool tags_read;	  /* tags were read */
	bool match_label; /* the label filter matched */
	bool oom;	  /* reading the tags ran out of memory */
	bool shown;	  /* its lane shows it */
} card;

typedef struct board {
	const yoi_store *st;
	const yoi_board_filter *f;
	const yoi_board_ctx *c;
	yoi_routing *r;
	yoi_graph_route *rt;
	yoi_query_result qr;
	card *cards;
	size_t ncards;
	size_t *abbrev; /* per routing ticket */
	bool want[NLANES];
	bool whole;	/* one state asked for: its lane whole */
	char *back;	/* "/" and the query of this board */
	char *query;	/* the filter as a query string without state */
	int *cls_of;	/* per routing ticket: route class or -1 */
	size_t *ord_of; /* per routing ticket: place in the route */
	size_t *ent_of; /* per routing ticket: route entry */
	card **order;	/* the cards of each lane, in lane order: */
	size_t lane_start[NLANES + 1]; /* lane s is [start[s], start[s+1]) */
} board;

static int parse_states(board *bd, yoi_error *err)
{
	const yoi_board_filter *f = bd->f;
	size_t given = 0;
	for (size_t k = 0; f && k < f->nstates; k++) {
		const char *spec = f->states[k];
		if (!set(spec))
			continue;
		const char *p = spec;
		while (*p) {
			size_t n = strcspn(p, ",");
			char word[32];
			if (n == 0) {
				p++;
				continue;
			}
			if (n >= sizeof(word))
				n = sizeof(word) - 1;
			memcpy(word, p, n);
			word[n] = '\0';
			p += strcspn(p, ",");
			if (*p)
				p++;
			bool all = !strcmp(word, "all");
			if (all || !strcmp(word, "active")) {
				for (int s = 0; s < YOI_ST__COUNT; s++)
					if (all || s != YOI_ST_CLOSED)
						bd->want[s] = true;
				given += 2;
				continue;
			}
			yoi_state s = yoi_state_parse(word);
			if (s == YOI_ST_INVALID)
				return yoi_error_set(
				    err, YOI_EUSAGE, NULL, 0,
				    "unknown state '%s' in the board's "
				    "filter; use all, active, or planning, "
				    "ready, queued, inprogress, done, closed",
				    word);
			if (!bd->want[s])
				given++;
			bd->want[s] = true;
		}
	}
	if (!given)
		for (int s = 0; s < YOI_ST__COUNT; s++)
			bd->want[s] = true;
	bd->whole = given == 1;
	bd->want[LANE_UNREADABLE] = true;
	return 0;
}

/* The filter as "q=..&assignee=..&label=..&risk=.." (set fields only). */
static char *filter_query(const yoi_board_filter *f)
{
	yoi_buf b = YOI_BUF_INIT;
	out o = {&b, 0};
	const char *names[] = {"q", "assignee", "label", "risk"};
	const char *vals[] = {f ? f->text : NULL, f ? f->assignee : NULL,
			      f ? f->label : NULL, f ? f->risk : NULL};
	for (size_t k = 0; k < 4; k++) {
		if (!set(vals[k]))
			continue;
		putf(&o, "%s%s=", b.len ? "&" : "", names[k]);
		urlenc(&o, vals[k]);
	}
	if (o.err || yoi_buf_putc(&b, '\0') < 0) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

/* "/?" + the filter + "state=<s>" for the lane s, or the asked states. */
static char *board_url(const board *bd, int lane)
{
	yoi_buf b = YOI_BUF_INIT;
	out o = {&b, 0};
	put(&o, "/");
	bool q = false;
	if (*bd->query) {
		putf(&o, "?%s", bd->query);
		q = true;
	}
	if (lane >= 0) {
		putf(&o, "%sstate=%s", q ? "&" : "?", lane_names[lane]);
	} else {
		for (size_t k = 0; bd->f && k < bd->f->nstates; k++) {
			if (!set(bd->f->states[k]))
				continue;
			put(&o, q ? "&state=" : "?state=");
			urlenc(&o, bd->f->states[k]);
			q = true;
		}
	}
	if (o.err || yoi_buf_putc(&b, '\0') < 0) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

static void tags_of(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	board *bd = ctx;
	card *cd = &bd->cards[i];
	if (!cd->need_tags || cd->tags_read)
		return;
	cd->tags_read = true;
	yoi_ticket *t = NULL;
	yoi_error e;
	if (yoi_ticket_load(&t, bd->st, cd->hit->id,
			    YOI_LOAD_FRONTMATTER | YOI_LOAD_DIR_CHECKED,
			    &e) < 0)
		return;
	const yoi_field *fl = yoi_item_field(t->item, "tags");
	if (fl && fl->type == YOI_FIELD_LIST)
		for (size_t k = 0; k < fl->nlist; k++) {
			if (yoi_strv_push(&cd->tags, fl->list[k]) < 0)
				cd->oom = true;
			if (set(bd->f->label) &&
			    !strcmp(fl->list[k], bd->f->label))
				cd->match_label = true;
		}
	yoi_ticket_free(t);
}

static int read_tags(board *bd)
{
	int rc =
	    yoi_par_for(bd->ncards, yoi_par_threads(bd->ncards), tags_of, bd);
	for (size_t i = 0; rc == 0 && i < bd->ncards; i++)
		if (bd->cards[i].oom)
			rc = YOI_ENOMEM;
	return rc < 0 ? YOI_ENOMEM : 0;
}

/* Lane order: ready and queued by route class, then route order; done
 * and closed the last updated first; the others by ID. */
static int card_cmp(const void *pa, const void *pb)
{
	const card *a = *(const card *const *)pa, *b = *(const card *const *)pb;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->cls >= 0 && a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if (a->lane == YOI_ST_DONE || a->lane == YOI_ST_CLOSED) {
		int c = strcmp(b->upd ? b->upd : "", a->upd ? a->upd : "");
		if (c)
			return c;
		return strcmp(b->hit->id, a->hit->id);
	}
	return strcmp(a->hit->id, b->hit->id);
}

static const char *row_col(const card *cd, int col)
{
	return cd->hit->row ? cd->hit->row->col[col] : NULL;
}

static void card_html(out *o, const board *bd, const card *cd)
{
	const yoi_routing *r = bd->r;
	const char *id = cd->hit->id;
	const char *title =
	    cd->hit->row ? cd->hit->row->col[YOI_ROW_TITLE] : NULL;
	size_t alen =
	    cd->ri != YOI_GRAPH_NONE ? bd->abbrev[cd->ri] : (size_t)YOI_ID_LEN;
	put(o, "<li class=\"card");
	if (cd->cls >= 0)
		putf(o, " route-%s", class_css[cd->cls]);
	put(o, "\" id=\"card-");
	esc(o, id);
	put(o, "\" data-id=\"");
	esc(o, id);
	putf(o, "\" data-state=\"%s\"%s>\n", lane_names[cd->lane],
	     cd->lane < YOI_ST__COUNT ? " draggable=\"true\"" : "");
	put(o, "<a class=\"card-link\" href=\"/t/");
	esc(o, id);
	put(o, "\"><span class=\"id\" title=\"");
	esc(o, id);
	put(o, "\">");
	esc(o, id + YOI_ID_LEN - alen);
	put(o, "</span> <span class=\"title\">");
	esc(o, set(title) ? title : "(no title)");
	put(o, "</span></a>\n<p class=\"meta\">");
	if (cd->cls >= 0)
		putf(o, "<span class=\"route route-%s\">%s</span> ",
		     class_css[cd->cls], class_badge[cd->cls]);
	const char *a = row_col(cd, YOI_ROW_ASSIGNEE);
	if (set(a)) {
		put(o, "<span class=\"assignee\">");
		esc(o, a);
		put(o, "</span>");
	} else {
		put(o, "<span class=\"assignee none\">unassigned</span>");
	}
	const char *p = row_col(cd, YOI_ROW_PRIORITY);
	if (set(p)) {
		put(o, " <span class=\"priority\">");
		esc(o, p);
		put(o, "</span>");
	}
	put(o, "</p>\n");
	if (cd->tags.n) {
		yoi_page_items(o, "<ul class=\"tags\">", "<li class=\"tag\">",
			       (const char *const *)cd->tags.v, cd->tags.n);
		put(o, "\n");
	}
	if (cd->hit->row && cd->hit->row->risk.n) {
		const yoi_strv *rf = &cd->hit->row->risk;
		yoi_page_items(o, "<ul class=\"flags\">", "<li class=\"flag\">",
			       (const char *const *)rf->v, rf->n);
		put(o, "\n");
	}
	if (cd->ri != YOI_GRAPH_NONE) {
		yoi_graph_blocker *b = NULL;
		size_t nb = 0;
		if (yoi_graph_blockers(&b, &nb, r->g, cd->ri) < 0)
			o->err = YOI_ENOMEM;
		if (nb) {
			char more[YOI_ID_LEN + 16];
			snprintf(more, sizeof(more), "/t/%s#blockers", id);
			put(o, "<div class=\"blocked\"><span class=\"label\">"
			       "blocked by</span>");
			blockers(o, r, b, nb, CARD_BLOCKERS, more);
			put(o, "</div>\n");
		}
		yoi_graph_blockers_free(b);
		size_t e = bd->ent_of[cd->ri];
		if (cd->cls == YOI_GRAPH_WAITING_CONFLICT &&
		    e != YOI_GRAPH_NONE) {
			const yoi_graph_route_entry *re = &bd->rt->v[e];
			put(o, "<div class=\"blocked\"><span class=\"label\">"
			       "conflicts with</span> ");
			ticket_link(o, r, r->t[re->partner].id, true);
			put(o, "</div>\n");
		} else if (cd->cls == YOI_GRAPH_WAITING_CAPACITY &&
			   e != YOI_GRAPH_NONE) {
			yoi_buf why = YOI_BUF_INIT;
			if (yoi_graph_route_reason(&why, r->g, bd->rt, e) < 0)
				o->err = YOI_ENOMEM;
			put(o, "<p class=\"why\">");
			escn(o, why.ptr, why.len);
			put(o, "</p>\n");
			yoi_buf_free(&why);
		}
	}
	if (cd->why) {
		put(o, "<div class=\"problem\">");
		esc(o, cd->why);
		put(o, "</div>\n");
	}
	if (cd->lane == YOI_ST_READY &&
	    yoi_state_find(&yoi_store_config(bd->st)->transitions, YOI_ST_READY,
			   YOI_ST_QUEUED)) {
		form_open(o, id, "state", "queue", bd->c, bd->back);
		hidden(o, "to", "queued");
		put(o, "<button type=\"submit\">Queue</button>\n</form>\n");
	}
	put(o, "</li>\n");
}

static void filter_form(out *o, const board *bd)
{
	const yoi_board_filter *f = bd->f;
	put(o, "<form class=\"filters\" method=\"get\" action=\"/\" "
	       "role=\"search\">\n");
	const char *names[] = {"q", "assignee", "label", "risk"};
	const char *labels[] = {"Text", "Assignee", "Label", "Risk flag"};
	const char *vals[] = {f ? f->text : NULL, f ? f->assignee : NULL,
			      f ? f->label : NULL, f ? f->risk : NULL};
	for (size_t k = 0; k < 4; k++) {
		putf(o,
		     "<label>%s <input type=\"%s\" name=\"%s\" "
		     "value=\"",
		     labels[k], k == 0 ? "search" : "text", names[k]);
		esc(o, vals[k]);
		put(o, "\"></label>\n");
	}
	/* One state, or all: several come only from a typed URL. */
	const char *cur = NULL;
	size_t nset = 0;
	for (size_t k = 0; f && k < f->nstates; k++)
		if (set(f->states[k])) {
			cur = f->states[k];
			nset++;
		}
	put(o, "<label>State <select name=\"state\">\n"
	       "<option value=\"\">all</option>\n");
	for (int s = 0; s < YOI_ST__COUNT; s++)
		putf(o, "<option value=\"%s\"%s>%s</option>\n", lane_names[s],
		     nset == 1 && !strcmp(cur, lane_names[s]) ? " selected"
							      : "",
		     lane_names[s]);
	put(o, "</select></label>\n<button type=\"submit\">Filter</button>\n"
	       "<a class=\"reset\" href=\"/\">Clear</a>\n</form>\n");
}

static void lane_html(out *o, const board *bd, int lane)
{
	const char *name = lane_names[lane];
	card **v = bd->order + bd->lane_start[lane];
	size_t n = bd->lane_start[lane + 1] - bd->lane_start[lane];
	/* Closed is history: folded until asked for. */
	bool open = lane != YOI_ST_CLOSED || bd->whole;
	putf(o,
	     "<section class=\"lane lane-%s\" id=\"lane-%s\" "
	     "data-state=\"%s\">\n<details%s>\n<summary><h2>%s "
	     "<span class=\"count\">%zu</span></h2></summary>\n"
	     "<div class=\"lane-body\">\n",
	     name, name, name, open ? " open" : "", name, n);
	if (!n)
		put(o, "<p class=\"empty\">none</p>\n");
	size_t shown = 0;
	for (size_t k = 0; k < n;) {
		int cls = v[k]->cls;
		size_t end = k, group = 0;
		while (end < n && v[end]->cls == cls)
			group += v[end++]->shown;
		if (cls >= 0)
			putf(o,
			     "<h3 class=\"route-head route-%s\">%s <span "
			     "class=\"count\">%zu</span></h3>\n",
			     class_css[cls], class_heading[cls], end - k);
		if (group)
			put(o, "<ol class=\"cards\">\n");
		for (; k < end; k++)
			if (v[k]->shown)
				card_html(o, bd, v[k]);
		if (group)
			put(o, "</ol>\n");
		shown += group;
	}
	if (shown < n) {
		if (bd->whole || lane == LANE_UNREADABLE) {
			putf(o,
			     "<p class=\"more\">%zu more not shown: narrow "
			     "the filter</p>\n",
			     n - shown);
		} else {
			char *url = board_url(bd, lane);
			if (!url)
				o->err = YOI_ENOMEM;
			put(o, "<p class=\"more\"><a href=\"");
			esc(o, url);
			putf(o, "\">Show all %zu %s</a></p>\n", n, name);
			free(url);
		}
	}
	put(o, "</div>\n</details>\n</section>\n");
}

/*
 * data-transitions: the configured table for board.js's drag and drop,
 * "from>to" with ":reason", ":summary", ":close" or ":reopen" when the
 * transition needs one, space-separated.
 */
static void transitions_attr(out *o, const yoi_store *st)
{
	const yoi_state_table *tab = &yoi_store_config(st)->transitions;
	put(o, " data-transitions=\"");
	for (size_t k = 0; k < tab->n; k++) {
		const yoi_transition *tr = &tab->v[k];
		unsigned fl = tr->flags;
		putf(o, "%s%s>%s%s", k ? " " : "", yoi_state_name(tr->from),
		     yoi_state_name(tr->to),
		     fl & YOI_TR_VIA_CLOSE	 ? ":close"
		     : fl & YOI_TR_VIA_REOPEN	 ? ":reopen"
		     : fl & YOI_TR_NEEDS_SUMMARY ? ":summary"
		     : fl & YOI_TR_NEEDS_REASON	 ? ":reason"
						 : "");
	}
	put(o, "\"");
}

static void board_html(out *o, board *bd)
{
	const char *top = yoi_store_top(bd->st);
	const char *slash = top ? strrchr(top, '/') : NULL;
	const char *name = slash && slash[1] ? slash + 1 : top;
	char *title =
	    yoi_sprintf("%s: ticket board", set(name) ? name : "tickets");
	if (!title)
		o->err = YOI_ENOMEM;
	head(o, title ? title : "board", bd->c);
	put(o, "<body class=\"board-page live\">\n<header class=\"top\">"
	       "<h1><a href=\"/\">");
	esc(o, title);
	free(title);
	put(o, "</a></h1>\n");
	who_and_flash(o, bd->c);
	filter_form(o, bd);
	size_t total = bd->lane_start[NLANES];
	putf(o, "<p class=\"summary\">%zu ticket%s", total,
	     total == 1 ? "" : "s");
	for (int s = 0; s < NLANES; s++) {
		size_t n = bd->lane_start[s + 1] - bd->lane_start[s];
		if (bd->want[s] && (s < YOI_ST__COUNT || n))
			putf(o, " &middot; %zu %s", n, lane_names[s]);
	}
	put(o, "</p>\n</header>\n<main class=\"board\" id=\"board\"");
	transitions_attr(o, bd->st);
	put(o, ">\n");
	for (int s = 0; s < NLANES; s++)
		if (bd->want[s] && (s != LANE_UNREADABLE ||
				    bd->lane_start[s + 1] > bd->lane_start[s]))
			lane_html(o, bd, s);
	put(o, "</main>\n</body>\n</html>\n");
}

/* Decide every ticket's lane and class; drop what the filter does not
 * want (lane -1). */
static int place_cards(board *bd)
{
	const yoi_routing *r = bd->r;
	bd->cards = calloc(bd->qr.n ? bd->qr.n : 1, sizeof(*bd->cards));
	if (!bd->cards)
		return YOI_ENOMEM;
	bd->ncards = bd->qr.n;
	bool label = set(bd->f->label);
	for (size_t i = 0; i < bd->qr.n; i++) {
		card *cd = &bd->cards[i];
		cd->hit = &bd->qr.v[i];
		cd->ri = yoi_routing_find(r, cd->hit->id);
		cd->cls = -1;
		if (!cd->hit->row) {
			cd->lane = LANE_UNREADABLE;
			cd->why = yoi_strdup(cd->hit->skip ? cd->hit->skip
							   : "cannot be read");
			if (!cd->why)
				return YOI_ENOMEM;
			continue;
		}
		const char *s = cd->hit->row->col[YOI_ROW_STATE];
		yoi_state st = yoi_state_parse(s);
		if (st == YOI_ST_INVALID) {
			cd->lane = LANE_UNREADABLE;
			cd->why = yoi_sprintf("state '%s' is not a known state "
					      "(run 'yoi-tickets doctor')",
					      s ? s : "");
			if (!cd->why)
				return YOI_ENOMEM;
			continue;
		}
		cd->lane = bd->want[st] ? (int)st : -1;
		cd->upd = cd->hit->row->col[YOI_ROW_UPDATED];
		if (cd->ri != YOI_GRAPH_NONE && bd->cls_of[cd->ri] >= 0 &&
		    (st == YOI_ST_READY || st == YOI_ST_QUEUED)) {
			cd->cls = bd->cls_of[cd->ri];
			cd->order = bd->ord_of[cd->ri];
		}
		cd->need_tags = label && cd->lane >= 0;
	}
	if (label) {
		int rc = read_tags(bd);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < bd->ncards; i++) {
			card *cd = &bd->cards[i];
			if (cd->lane >= 0 && cd->lane != LANE_UNREADABLE &&
			    !cd->match_label)
				cd->lane = -1;
		}
	}
	return 0;
}

/*
 * Sort each lane's cards into bd->order and choose the ones it shows: at
 * most YOI_BOARD_LANE_MAX of each route class in ready and queued and of
 * each other lane, or YOI_BOARD_LANE_WHOLE of the one lane asked for.
 * Then read the tags of those (the others' are not needed).
 */
static int order_lanes(board *bd)
{
	bd->order = calloc(bd->ncards ? bd->ncards : 1, sizeof(*bd->order));
	if (!bd->order)
		return YOI_ENOMEM;
	size_t n = 0;
	for (int s = 0; s < NLANES; s++) {
		bd->lane_start[s] = n;
		for (size_t i = 0; i < bd->ncards; i++)
			if (bd->cards[i].lane == s)
				bd->order[n++] = &bd->cards[i];
		card **v = bd->order + bd->lane_start[s];
		size_t len = n - bd->lane_start[s];
		qsort(v, len, sizeof(*v), card_cmp);
		size_t in_group = 0;
		for (size_t k = 0; k < len; k++) {
			if (k && v[k]->cls != v[k - 1]->cls)
				in_group = 0;
			v[k]->shown = bd->whole ? k < YOI_BOARD_LANE_WHOLE
						: in_group < YOI_BOARD_LANE_MAX;
			v[k]->need_tags |= v[k]->shown;
			in_group++;
		}
	}
	bd->lane_start[NLANES] = n;
	return read_tags(bd);
}

static int route_index(board *bd, yoi_error *err)
{
	size_t n = bd->r->n;
	int rc = yoi_routing_route(&bd->rt, bd->r, bd->st, err);
	if (rc < 0)
		return rc;
	bd->cls_of = malloc((n ? n : 1) * sizeof(*bd->cls_of));
	bd->ord_of = calloc(n ? n : 1, sizeof(*bd->ord_of));
	bd->ent_of = malloc((n ? n : 1) * sizeof(*bd->ent_of));
	bd->abbrev = calloc(n ? n : 1, sizeof(*bd->abbrev));
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	if (!bd->cls_of || !bd->ord_of || !bd->ent_of || !bd->abbrev || !ids) {
		free(ids);
		return YOI_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		bd->cls_of[i] = -1;
		bd->ent_of[i] = YOI_GRAPH_NONE;
		ids[i] = bd->r->t[i].id;
	}
	for (size_t k = 0; k < bd->rt->n; k++) {
		size_t i = bd->rt->v[k].index;
		bd->cls_of[i] = (int)bd->rt->v[k].cls;
		bd->ord_of[i] = k;
		bd->ent_of[i] = k;
	}
	rc = yoi_id_abbrev_lens(ids, n, 4, bd->abbrev);
	free(ids);
	return rc < 0 ? YOI_ENOMEM : 0;
}

int yoi_board_page(yoi_buf *outb, const yoi_store *st,
		   const yoi_board_filter *f, const yoi_board_ctx *c,
		   yoi_error *err)
{
	static const yoi_board_filter none = {0};
	board bd = {.st = st, .f = f ? f : &none, .c = c};
	int rc = parse_states(&bd, err);
	if (rc < 0)
		return rc;
	yoi_query q;
	yoi_query_init(&q);
	for (int s = 0; s < YOI_ST__COUNT; s++)
		q.states[s] = bd.want[s];
	q.assignee = set(bd.f->assignee) ? bd.f->assignee : NULL;
	q.risk = set(bd.f->risk) ? bd.f->risk : NULL;
	q.search = set(bd.f->text) ? bd.f->text : NULL;
	q.limit = -1;
	if ((rc = yoi_query_list(&bd.qr, st, &q, err)) < 0)
		return rc;
	if ((rc = yoi_routing_load(&bd.r, st, err)) < 0)
		goto done;
	if ((rc = route_index(&bd, err)) < 0)
		goto done;
	bd.query = filter_query(bd.f);
	bd.back = bd.query ? board_url(&bd, -1) : NULL;
	if (!bd.back) {
		rc = YOI_ENOMEM;
		goto done;
	}
	if ((rc = place_cards(&bd)) < 0 || (rc = order_lanes(&bd)) < 0)
		goto done;
	out o = {outb, 0};
	board_html(&o, &bd);
	rc = o.err;
done:
	if (rc == YOI_ENOMEM)
		rc = yoi_error_set(err, rc, NULL, 0, "out of memory");
	for (size_t i = 0; bd.cards && i < bd.ncards; i++) {
		yoi_strv_free(&bd.cards[i].tags);
		free(bd.cards[i].why);
	}
	free(bd.cards);
	free(bd.order);
	free(bd.cls_of);
	free(bd.ord_of);
	free(bd.ent_of);
	free(bd.abbrev);
	free(bd.back);
	free(bd.query);
	yoi_graph_route_free(bd.rt);
	yoi_routing_free(bd.r);
	yoi_query_result_free(&bd.qr);
	return rc;
}

/* ---- a ticket's page ---- */

typedef struct page {
	const yoi_store *st;
	const yoi_board_ctx *c;
	const yoi_routing *r;
	size_t ri; /* the ticket in r, or YOI_GRAPH_NONE */
	const char *id;
	const yoi_item *it;
	const yoi_thread *th;
	yoi_state state;
	char back[YOI_ID_LEN + 4];
} page;

static void page_relations(out *o, const page *pg)
{
	put(o, "<section class=\"relations\" id=\"relations\">\n"
	       "<h2>Relations</h2>\n");
	yoi_relview v = {0};
	if (pg->ri == YOI_GRAPH_NONE ||
	    yoi_relview_get(&v, pg->r, pg->id, -1) < 0) {
		put(o, "<p class=\"empty\">none could be read</p>\n");
	} else if (!v.n) {
		put(o, "<p class=\"empty\">none</p>\n");
	} else {
		put(o, "<ul>\n");
		for (size_t k = 0; k < v.n; k++) {
			const yoi_relview_edge *e = &v.edges[k];
			const char *other =
			    e->incoming ? e->owner : e->rel->target;
			yoi_page_relation(
			    o, &style, pg->r,
			    e->incoming ? yoi_rel_kind_inverse(e->rel->kind)
					: yoi_rel_kind_name(e->rel->kind),
			    other, NULL, e->rel);
			/* Removed where it is recorded: the owner's file. */
			form_open(o, e->owner, "relation", "inline remove",
				  pg->c, pg->back);
			hidden(o, "op", "remove");
			hidden(o, "kind", yoi_rel_kind_name(e->rel->kind));
			hidden(o, "target", e->rel->target);
			put(o, "<button type=\"submit\">Remove</button>\n"
			       "</form></li>\n");
		}
		put(o, "</ul>\n");
	}
	yoi_relview_free(&v);
	form_open(o, pg->id, "relation", "relation-add", pg->c, pg->back);
	hidden(o, "op", "add");
	put(o, "<label>Kind <select name=\"kind\">\n");
	for (int k = 0; k < YOI_REL_KIND_COUNT; k++)
		putf(o, "<option>%s</option>\n",
		     yoi_rel_kind_name((yoi_rel_kind)k));
	put(o, "</select></label>\n<label>Target <input name=\"target\" "
	       "required placeholder=\"ID or unique suffix\"></label>\n"
	       "<label>Note <input name=\"note\"></label>\n"
	       "<button type=\"submit\">Add relation</button>\n</form>\n"
	       "</section>\n");
}

static void page_blockers(out *o, const page *pg)
{
	if (pg->ri == YOI_GRAPH_NONE)
		return;
	yoi_graph_blocker *b = NULL;
	size_t nb = 0;
	if (yoi_graph_blockers(&b, &nb, pg->r->g, pg->ri) < 0)
		o->err = YOI_ENOMEM;
	if (nb) {
		put(o, "<section class=\"blocked\" id=\"blockers\">\n"
		       "<h2>Blocked by</h2>\n");
		blockers(o, pg->r, b, nb, nb, "");
		put(o, "\n</section>\n");
	}
	yoi_graph_blockers_free(b);
}

/* One form per transition the configured table allows from the current
 * state (closing has its own form), then --force with a reason. */
static void page_actions(out *o, const page *pg)
{
	const yoi_state_table *tab = &yoi_store_config(pg->st)->transitions;
	put(o, "<section class=\"actions\" id=\"actions\">\n"
	       "<h2>Actions</h2>\n");
	bool any = false;
	for (size_t k = 0; pg->state >= 0 && k < tab->n; k++) {
		const yoi_transition *tr = &tab->v[k];
		if (tr->from != pg->state || (tr->flags & YOI_TR_VIA_CLOSE))
			continue;
		any = true;
		const char *to = yoi_state_name(tr->to);
		form_open(o, pg->id, "state", "transition", pg->c, pg->back);
		hidden(o, "to", to);
		if (tr->flags & YOI_TR_NEEDS_SUMMARY)
			put(o, "<label>Intake summary <textarea "
			       "name=\"summary\" required rows=\"2\">"
			       "</textarea></label>\n");
		if (tr->flags & YOI_TR_NEEDS_REASON)
			put(o, "<label>Reason <input name=\"reason\" "
			       "required></label>\n");
		if (tr->flags & YOI_TR_VIA_REOPEN)
			put(o, "<button type=\"submit\">Reopen</button>\n");
		else if (tr->to == YOI_ST_QUEUED)
			put(o, "<button type=\"submit\">Queue</button>\n");
		else
			putf(o, "<button type=\"submit\">Move to %s</button>\n",
			     to);
		put(o, "</form>\n");
	}
	if (pg->state >= 0 && yoi_state_find(tab, pg->state, YOI_ST_CLOSED)) {
		any = true;
		form_open(o, pg->id, "close", "close", pg->c, pg->back);
		put(o, "<label>Resolution <input name=\"resolution\" required "
		       "placeholder=\"why it is closed\"></label>\n"
		       "<button type=\"submit\">Close</button>\n</form>\n");
	}
	if (!any)
		put(o,
		    "<p class=\"empty\">no transition from this state</p>\n");
	if (pg->state != YOI_ST_CLOSED) {
		put(o, "<details class=\"force\"><summary>Force a state "
		       "change</summary>\n");
		form_open(o, pg->id, "state", "force", pg->c, pg->back);
		hidden(o, "force", "1");
		put(o, "<label>To <select name=\"to\">\n");
		for (int s = 0; s < YOI_ST_CLOSED; s++)
			if (s != (int)pg->state)
				putf(o, "<option>%s</option>\n", lane_names[s]);
		put(o, "</select></label>\n<label>Reason <input "
		       "name=\"reason\" required placeholder=\"why the "
		       "override is right\"></label>\n<button "
		       "type=\"submit\">Force</button>\n</form>\n"
		       "</details>\n");
	}
	form_open(o, pg->id, "comment", "comment", pg->c, pg->back);
	put(o, "<label>Comment <textarea name=\"text\" required "
	       "rows=\"3\"></textarea></label>\n<button "
	       "type=\"submit\">Comment</button>\n</form>\n</section>\n");
}

static void page_html(out *o, const page *pg, const yoi_strv *w)
{
	const char *title = pg->it ? yoi_item_get(pg->it, "title") : NULL;
	if (!set(title) && pg->ri != YOI_GRAPH_NONE)
		title = pg->r->t[pg->ri].title;
	if (!set(title))
		title = "(no title)";
	char *doc_title = yoi_sprintf("%s %s", pg->id, title);
	if (!doc_title)
		o->err = YOI_ENOMEM;
	head(o, doc_title ? doc_title : pg->id, pg->c);
	free(doc_title);
	put(o, "<body class=\"ticket-page live\" data-id=\"");
	esc(o, pg->id);
	put(o, "\">\n<nav><a href=\"/\">&larr; Board</a></nav>\n<main>\n");
	yoi_page_ticket_header(o, pg->id, pg->state, title);
	put(o, "\n");
	who_and_flash(o, pg->c);
	put(o, "</header>\n");
	yoi_page_problems(o, w);
	page_blockers(o, pg);
	page_actions(o, pg);
	if (pg->it)
		yoi_page_item(o, &style, pg->it);
	page_relations(o, pg);
	yoi_page_plan(o, &style, pg->r,
		      pg->ri != YOI_GRAPH_NONE ? pg->r->t[pg->ri].plan : NULL);
	yoi_page_thread(o, &style, pg->th);
	put(o, "</main>\n</body>\n</html>\n");
}

static int warn(yoi_strv *w, const yoi_error *e)
{
	char et[YOI_ERRTEXT_MAX];
	return yoi_strv_push(w, yoi_error_text(e, et, sizeof(et)));
}

int yoi_board_ticket_page(yoi_buf *outb, const yoi_store *st, const char *id,
			  const yoi_board_ctx *c, yoi_error *err)
{
	char full[YOI_ID_LEN + 1];
	int rc = yoi_store_resolve(st, id ? id : "", full, err);
	if (rc < 0)
		return rc;
	yoi_routing *r = NULL;
	const char *seeds[] = {full};
	if ((rc = yoi_routing_load_near(&r, st, seeds, 1, 0, err)) < 0)
		return rc;
	yoi_ticket *item = NULL, *thread = NULL;
	yoi_strv w = {0};
	yoi_error e;
	if (yoi_ticket_load(&item, st, full, YOI_LOAD_ITEM, &e) < 0)
		rc = warn(&w, &e);
	if (rc == 0 &&
	    yoi_ticket_load(&thread, st, full, YOI_LOAD_THREAD, &e) < 0)
		rc = warn(&w, &e);
	page pg = {.st = st,
		   .c = c,
		   .r = r,
		   .ri = yoi_routing_find(r, full),
		   .id = full,
		   .it = item ? item->item : NULL,
		   .th = thread ? thread->thread : NULL,
		   .state = YOI_ST_INVALID};
	snprintf(pg.back, sizeof(pg.back), "/t/%s", full);
	if (rc == 0 && pg.ri != YOI_GRAPH_NONE && r->t[pg.ri].links_err)
		rc = yoi_strv_push(&w, r->t[pg.ri].links_err);
	if (rc == 0 && pg.it) {
		const char *s = yoi_item_get(pg.it, "state");
		pg.state = yoi_state_parse(s);
		if (pg.state == YOI_ST_INVALID) {
			char *m = yoi_sprintf("%s: state '%s' is not a known "
					      "state (run 'yoi-tickets "
					      "doctor')",
					      item->item_path, s ? s : "");
			rc = m ? yoi_strv_push_owned(&w, m) : YOI_ENOMEM;
		}
	}
	if (rc == 0) {
		out o = {outb, 0};
		page_html(&o, &pg, &w);
		rc = o.err;
	}
	if (rc < 0)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	yoi_strv_free(&w);
	yoi_ticket_free(item);
	yoi_ticket_free(thread);
	yoi_routing_free(r);
	return rc;
}
