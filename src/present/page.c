/*
 * The sections of a ticket's page shared by render --html and the live
 * board (page_int.h).
 */
#include "present/page_int.h"

#include <stdarg.h>
#include <string.h>

#include "yoi/html.h"

typedef yoi_page_out out;
#define put  yoi_page_put
#define putf yoi_page_putf
#define esc  yoi_page_esc

void yoi_page_putn(out *o, const char *s, size_t n)
{
	if (!o->err && yoi_buf_put(o->b, s, n) < 0)
		o->err = YOI_ENOMEM;
}

void yoi_page_put(out *o, const char *s)
{
	yoi_page_putn(o, s, strlen(s));
}

void yoi_page_putf(out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!o->err && yoi_buf_vprintf(o->b, fmt, ap) < 0)
		o->err = YOI_ENOMEM;
	va_end(ap);
}

void yoi_page_escn(out *o, const char *s, size_t n)
{
	if (s && !o->err && yoi_html_escape(o->b, s, n) < 0)
		o->err = YOI_ENOMEM;
}

void yoi_page_esc(out *o, const char *s)
{
	if (s)
		yoi_page_escn(o, s, strlen(s));
}

static void md(out *o, const yoi_page_style *s, const char *text, size_t n)
{
	if (!o->err && s->markdown(o->b, text, n) < 0)
		o->err = YOI_ENOMEM;
}

static const char *const lanes[YOI_ST__COUNT] = {
    "planning", "ready", "queued", "inprogress", "done", "closed"};

void yoi_page_state_badge(out *o, yoi_state s)
{
	if (s >= 0 && s < YOI_ST__COUNT)
		putf(o, "<span class=\"state state-%s\">%s</span>", lanes[s],
		     lanes[s]);
	else
		put(o, "<span class=\"state state-unknown\">unknown</span>");
}

void yoi_page_items(out *o, const char *ul, const char *li,
		    const char *const *v, size_t n)
{
	put(o, ul);
	for (size_t k = 0; k < n; k++) {
		put(o, li);
		esc(o, v[k]);
		put(o, "</li>");
	}
	put(o, "</ul>");
}

void yoi_page_problems(out *o, const yoi_strv *w)
{
	if (!w->n)
		return;
	put(o, "<div class=\"problem\"><strong>Needs repair:</strong>");
	yoi_page_items(o, "<ul>", "<li>", (const char *const *)w->v, w->n);
	put(o, "</div>\n");
}

void yoi_page_blockers(out *o, const yoi_page_style *s, const yoi_routing *r,
		       const yoi_graph_blocker *b, size_t nb, size_t max,
		       const char *more_href)
{
	put(o, "<ul class=\"blockers\">");
	for (size_t k = 0; k < nb && k < max; k++) {
		put(o, "<li>");
		s->ticket(o, s, r, r->t[b[k].index].id, false);
		put(o, " ");
		yoi_page_state_badge(o, b[k].state);
		put(o, " <span class=\"via\">via ");
		esc(o, yoi_graph_kind_label(b[k].via));
		put(o, "</span></li>");
	}
	if (nb > max) {
		put(o, "<li class=\"more\"><a href=\"");
		esc(o, more_href);
		putf(o, "\">%zu more</a></li>", nb - max);
	}
	put(o, "</ul>");
}

void yoi_page_note(out *o, const char *label, const char *text)
{
	if (!text)
		return;
	putf(o, "<div class=\"note\"><span class=\"label\">%s</span> ", label);
	esc(o, text);
	put(o, "</div>");
}

void yoi_page_ticket_header(out *o, const char *id, yoi_state st,
			    const char *title)
{
	put(o, "<header class=\"ticket\"><p><span class=\"id\">");
	esc(o, id);
	put(o, "</span> ");
	yoi_page_state_badge(o, st);
	put(o, "</p>\n<h1>");
	esc(o, title);
	put(o, "</h1>");
}

static void field_value(out *o, const yoi_item *it, const yoi_field *f)
{
	switch (f->type) {
	case YOI_FIELD_SCALAR:
		esc(o, f->value);
		break;
	case YOI_FIELD_NULL:
		put(o, "<span class=\"none\">null</span>");
		break;
	case YOI_FIELD_LIST:
		for (size_t k = 0; k < f->nlist; k++) {
			put(o, "<span class=\"flag\">");
			esc(o, f->list[k]);
			put(o, "</span> ");
		}
		break;
	case YOI_FIELD_OTHER:
		put(o, "<code>");
		yoi_page_escn(o, it->raw + f->start, f->end - f->start);
		put(o, "</code>");
		break;
	}
}

void yoi_page_item(out *o, const yoi_page_style *s, const yoi_item *it)
{
	put(o, "<section class=\"fields\">\n<h2>Fields</h2>\n<dl>\n");
	for (size_t k = 0; k < it->nfields; k++) {
		const yoi_field *f = &it->fields[k];
		put(o, "<div><dt>");
		esc(o, f->key);
		put(o, "</dt><dd>");
		field_value(o, it, f);
		put(o, "</dd></div>\n");
	}
	put(o, "</dl>\n</section>\n");
	size_t blen;
	const char *body = yoi_item_body(it, &blen);
	put(o, "<section class=\"body\">\n<h2>Description</h2>\n"
	       "<div class=\"md\">\n");
	md(o, s, body, blen);
	put(o, "</div>\n</section>\n");
}

void yoi_page_relation(out *o, const yoi_page_style *s, const yoi_routing *r,
		       const char *kind, const char *other,
		       const char *recorded, const yoi_relation *x)
{
	put(o, "<li><span class=\"kind\">");
	esc(o, kind);
	put(o, "</span> ");
	s->ticket(o, s, r, other, true);
	put(o, " <span class=\"by\">");
	if (recorded) {
		put(o, "(");
		esc(o, recorded);
		put(o, ") ");
	}
	esc(o, x->author);
	put(o, ", ");
	esc(o, x->at);
	put(o, "</span>");
	yoi_page_note(o, "note", x->note);
}

void yoi_page_plan(out *o, const yoi_page_style *s, const yoi_routing *r,
		   const yoi_plan *p)
{
	put(o, "<section class=\"plan\">\n<h2>Plan records</h2>\n");
	if (!p || !p->n) {
		put(o, "<p class=\"empty\">none</p>\n</section>\n");
		return;
	}
	put(o, "<ol class=\"plan-records\">\n");
	for (size_t k = 0; k < p->n; k++) {
		const yoi_plan_record *x = &p->v[k];
		put(o, "<li");
		if (s->plan_anchor) {
			put(o, " id=\"");
			esc(o, x->id);
			put(o, "\"");
		}
		put(o, "><span class=\"kind\">");
		const char *kind = yoi_plan_kind_name(x->kind);
		esc(o, kind ? kind : "?");
		put(o, "</span> ");
		if (x->related_ticket[0])
			s->ticket(o, s, r, x->related_ticket, true);
		put(o, " <span class=\"by\">");
		esc(o, x->id);
		put(o, " &middot; ");
		esc(o, x->author);
		put(o, ", ");
		esc(o, x->at);
		put(o, "</span>");
		if (x->accepted) {
			yoi_page_note(o, "summary", x->accepted->summary);
			yoi_page_note(o, "branch", x->accepted->branch);
			yoi_page_note(o, "worktree", x->accepted->worktree);
			yoi_page_note(o, "role plan", x->accepted->role_plan);
		}
		yoi_page_note(o, "note", x->note);
		put(o, "</li>\n");
	}
	put(o, "</ol>\n</section>\n");
}

static void event_attrs(out *o, const yoi_event *e)
{
	bool open = false;
	for (size_t a = 0; a < e->nattrs; a++) {
		const char *key = e->attrs[a].key;
		if (!strcmp(key, "event") || !strcmp(key, "author") ||
		    !strcmp(key, "at"))
			continue;
		put(o, open ? "" : "<dl class=\"attrs\">");
		open = true;
		put(o, "<div><dt>");
		esc(o, key);
		put(o, "</dt><dd>");
		esc(o, e->attrs[a].value);
		put(o, "</dd></div>");
	}
	put(o, open ? "</dl>\n" : "");
}

static void event(out *o, const yoi_page_style *s, const yoi_event *e, size_t n)
{
	const char *heading = e->heading;
	if (!heading || !*heading)
		heading =
		    yoi_thread_heading(e->kind, yoi_event_attr(e, "status"));
	putf(o, "<li class=\"event\" id=\"event-%zu\" data-kind=\"", n);
	esc(o, e->kind);
	put(o, "\">\n<header><h3>");
	esc(o, heading ? heading : e->kind ? e->kind : "(no kind)");
	put(o, "</h3> <span class=\"kind\">");
	esc(o, e->kind ? e->kind : "(no kind)");
	put(o, "</span> <time");
	if (s->time_attr && e->at) {
		put(o, " datetime=\"");
		esc(o, e->at);
		put(o, "\"");
	}
	put(o, ">");
	esc(o, e->at ? e->at : "(no time)");
	put(o, "</time> <span class=\"author\">");
	esc(o, e->author ? e->author : "(no author)");
	put(o, "</span></header>\n");
	event_attrs(o, e);
	if (*e->body) {
		put(o, "<div class=\"md\">\n");
		md(o, s, e->body, strlen(e->body));
		put(o, "</div>\n");
	}
	put(o, "</li>\n");
}

void yoi_page_thread(out *o, const yoi_page_style *s, const yoi_thread *th)
{
	put(o, "<section class=\"thread\">\n<h2>Thread");
	if (th)
		putf(o, " <span class=\"count\">%zu event%s</span>", th->n,
		     th->n == 1 ? "" : "s");
	put(o, "</h2>\n");
	if (!th || !th->n) {
		put(o, "<p class=\"empty\">no events could be read</p>\n"
		       "</section>\n");
		return;
	}
	put(o, "<ol class=\"events\">\n");
	for (size_t k = 0; k < th->n; k++)
		event(o, s, &th->ev[k], k + 1);
	put(o, "</ol>\n</section>\n");
}
