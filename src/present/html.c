/* html.c - the static HTML board of `render --html DIR`. */
#include "yoi/html.h"

#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "present/page_int.h"
#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/par.h"
#include "yoi/resource.h"
#include "yoi/routing.h"
#include "yoi/ticket.h"

#define PAGES_DIR "t"
#define CSS_NAME  "board.css"
#define CSS_RES	  "board/board.css"
/* What the last render wrote: the only pages a re-render may remove. */
#define MANIFEST_NAME ".yoi-render-manifest"
#define MANIFEST_HEAD                                                          \
	"# yoi-tickets render: the files this render wrote (re-renders "       \
	"remove only pages listed here)\n"
#define MANIFEST_MAX (64u * 1024 * 1024)
/* How much of an existing index.html is searched for the marker. */
#define MARKER_SCAN 4096

/* ---- output with a sticky error (page_int.h): check once, at the end ---- */

typedef yoi_page_out out;
#define put  yoi_page_put
#define putf yoi_page_putf
#define esc  yoi_page_esc

/* before, s escaped, after: all or nothing when s is NULL. */
static void escaped_in(out *o, const char *before, const char *s,
		       const char *after)
{
	if (!s)
		return;
	put(o, before);
	esc(o, s);
	put(o, after);
}

/* ` name="value"` (escaped) when value is set; nothing otherwise. */
static void attr(out *o, const char *name, const char *value)
{
	char before[64];
	snprintf(before, sizeof(before), " %s=\"", name);
	escaped_in(o, before, value, "\"");
}

int yoi_html_escape(yoi_buf *out, const char *s, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		if (yoi_buf_put(out, s + run, i - run) < 0 ||
		    yoi_buf_puts(out, rep) < 0)
			return YOI_ENOMEM;
		run = i + 1;
	}
	return yoi_buf_put(out, s + run, len - run) < 0 ? YOI_ENOMEM : 0;
}

/* ---- Markdown ---- */

static cmark_node *literal_node(cmark_node_type type, const char *lit)
{
	cmark_node *n = cmark_node_new(type);
	if (n && !cmark_node_set_literal(n, lit ? lit : "")) {
		cmark_node_free(n);
		n = NULL;
	}
	return n;
}

/* What a link adds after its text: the URL, unless the text is the URL. */
static char *link_suffix(cmark_node *link)
{
	const char *url = cmark_node_get_url(link);
	cmark_node *c = cmark_node_first_child(link);
	bool image = cmark_node_get_type(link) == CMARK_NODE_IMAGE;
	if (image)
		return yoi_sprintf("%s(image: %s)", c ? " " : "",
				   url ? url : "");
	if (!url || !*url)
		return yoi_strdup("");
	if (c && !cmark_node_next(c) &&
	    cmark_node_get_type(c) == CMARK_NODE_TEXT) {
		const char *t = cmark_node_get_literal(c);
		if (t &&
		    (strcmp(t, url) == 0 || (strncmp(url, "mailto:", 7) == 0 &&
					     strcmp(t, url + 7) == 0)))
			return yoi_strdup("");
	}
	return yoi_sprintf(" (%s)", url);
}

/*
 * Raw HTML becomes text (a block becomes a code block) and links and
 * images become their text plus the URL as text: what a ticket says is
 * shown, never interpreted, and the site links only to itself.
 */
/*
 * A link the board may keep clickable: http, https or mailto, or no
 * scheme at all (relative to the page). Anything else (javascript:,
 * data:, vbscript:, file:, ...) and any control byte or space, which
 * browsers strip from a scheme ("java\tscript:"), is refused.
 */
static bool url_safe(const char *url)
{
	if (!url || !*url)
		return false;
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return false;
	size_t n = strcspn(url, ":/?#");
	if (url[n] != ':')
		return true; /* no scheme: relative */
	return (n == 4 && !strncasecmp(url, "http", 4)) ||
	       (n == 5 && !strncasecmp(url, "https", 5)) ||
	       (n == 6 && !strncasecmp(url, "mailto", 6));
}

/* The opening tag of a kept link: href escaped, never the referrer. */
static char *link_open(const char *url)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "<a href=\"");
	if (yoi_html_escape(&b, url, strlen(url)) < 0)
		b.oom = true;
	yoi_buf_puts(&b, "\" rel=\"noopener noreferrer\">");
	if (yoi_buf_oom(&b)) {
		yoi_buf_free(&b);
		return NULL;
	}
	return yoi_buf_detach(&b);
}

/* Replace link node with a custom inline holding its children between
 * our own <a ...> and </a>. */
static int link_keep(cmark_node *link)
{
	char *open = link_open(cmark_node_get_url(link));
	cmark_node *k = open ? cmark_node_new(CMARK_NODE_CUSTOM_INLINE) : NULL;
	int rc = k && cmark_node_set_on_enter(k, open) &&
			 cmark_node_set_on_exit(k, "</a>")
		     ? 0
		     : YOI_ENOMEM;
	free(open);
	cmark_node *c;
	while (rc == 0 && (c = cmark_node_first_child(link)))
		if (!cmark_node_append_child(k, c))
			rc = YOI_ENOMEM;
	if (rc == 0 && !cmark_node_replace(link, k))
		rc = YOI_ENOMEM;
	if (rc < 0) {
		cmark_node_free(k);
		return rc;
	}
	cmark_node_free(link);
	return 0;
}

static int md_defuse(cmark_node *doc, bool keep_links)
{
	cmark_node **v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	cmark_iter *it = cmark_iter_new(doc);
	if (!it)
		return YOI_ENOMEM;
	cmark_event_type ev;
	while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *node = cmark_iter_get_node(it);
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			break;
		default:
			continue;
		}
		if (YOI_GROW(v, n, cap, 16) < 0) {
			rc = YOI_ENOMEM;
			break;
		}
		v[n++] = node;
	}
	cmark_iter_free(it);
	/* Leaves first: replacing them frees nothing another entry names. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		cmark_node_type t = cmark_node_get_type(v[i]);
		if (t != CMARK_NODE_HTML_BLOCK && t != CMARK_NODE_HTML_INLINE)
			continue;
		cmark_node *text = literal_node(t == CMARK_NODE_HTML_BLOCK
						    ? CMARK_NODE_CODE_BLOCK
						    : CMARK_NODE_TEXT,
						cmark_node_get_literal(v[i]));
		if (!text || !cmark_node_replace(v[i], text)) {
			cmark_node_free(text);
			rc = YOI_ENOMEM;
			break;
		}
		cmark_node_free(v[i]);
		v[i] = NULL;
	}
	/* Links and images, outermost first: their children move out before
	 * them, so an inner one stays in the tree and is done next. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!v[i])
			continue;
		if (keep_links &&
		    cmark_node_get_type(v[i]) == CMARK_NODE_LINK &&
		    url_safe(cmark_node_get_url(v[i]))) {
			rc = link_keep(v[i]);
			continue;
		}
		char *suffix = link_suffix(v[i]);
		cmark_node *text = suffix && *suffix
				       ? literal_node(CMARK_NODE_TEXT, suffix)
				       : NULL;
		if (!suffix || (*suffix && !text) ||
		    (text && !cmark_node_insert_after(v[i], text))) {
			free(suffix);
			cmark_node_free(text);
			rc = YOI_ENOMEM;
			break;
		}
		free(suffix);
		cmark_node *c;
		while (rc == 0 && (c = cmark_node_first_child(v[i])))
			if (!cmark_node_insert_before(v[i], c))
				rc = YOI_ENOMEM;
		cmark_node_free(v[i]);
	}
	free(v);
	return rc;
}

static int markdown(yoi_buf *out, const char *md, size_t len, bool links)
{
	if (!md) {
		md = "";
		len = 0;
	}
	/* Ticket text is checked UTF-8 already; cmark's own check (a copy
	 * of every line) only when it is not. Safe mode (no
	 * CMARK_OPT_UNSAFE) on top of md_defuse. */
	int opt = yoi_utf8_valid(md, len) ? CMARK_OPT_DEFAULT
					  : CMARK_OPT_VALIDATE_UTF8;
	cmark_node *doc = cmark_parse_document(md, len, opt);
	if (!doc)
		return YOI_ENOMEM;
	/* Raw HTML, links and images all need a '<' or a '['. */
	bool plain = !memchr(md, '<', len) && !memchr(md, '[', len);
	int rc = plain ? 0 : md_defuse(doc, links);
	char *html = rc == 0 ? cmark_render_html(doc, CMARK_OPT_DEFAULT) : NULL;
	if (rc == 0 && (!html || yoi_buf_puts(out, html) < 0))
		rc = YOI_ENOMEM;
	free(html);
	cmark_node_free(doc);
	return rc;
}

int yoi_html_markdown(yoi_buf *out, const char *md, size_t len)
{
	return markdown(out, md, len, false);
}

int yoi_html_markdown_links(yoi_buf *out, const char *md, size_t len)
{
	return markdown(out, md, len, true);
}

/* ---- the pieces of a page ---- */

static const char *const lanes[YOI_ST__COUNT] = {
    "planning", "ready", "queued", "inprogress", "done", "closed"};

/*
 * A link to ticket id's page (prefix "t/" from the index, "" from a
 * page) when the ticket exists, else the ID as text, marked missing.
 */
static void ticket_ref(out *o, const yoi_routing *r, const char *id,
		       const char *prefix, bool with_state)
{
	size_t k = yoi_routing_find(r, id);
	if (k == YOI_GRAPH_NONE) {
		put(o, "<span class=\"id missing\">");
		esc(o, id);
		put(o, "</span> <span class=\"state state-unknown\">"
		       "missing</span>");
		return;
	}
	const yoi_routing_ticket *t = &r->t[k];
	putf(o, "<a class=\"id\" href=\"%s", prefix);
	esc(o, t->id);
	put(o, ".html\"");
	attr(o, "title", t->title);
	put(o, ">");
	esc(o, t->id);
	put(o, "</a>");
	if (with_state) {
		put(o, " ");
		yoi_page_state_badge(o, t->state);
	}
}

static void head(out *o, const char *title, const char *css)
{
	put(o, "<!DOCTYPE html>\n" YOI_HTML_MARKER "\n"
	       "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       /* Defence in depth: nothing but our own style sheet loads. */
	       "<meta http-equiv=\"Content-Security-Policy\" "
	       "content=\"default-src 'none'; style-src 'self' file:\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, "
	       "initial-scale=1\">\n<title>");
	esc(o, title);
	putf(o, "</title>\n<link rel=\"stylesheet\" href=\"%s\">\n</head>\n",
	     css);
}

static void style_ticket(out *o, const yoi_page_style *s, const yoi_routing *r,
			 const char *id, bool with_state)
{
	ticket_ref(o, r, id, s->ctx, with_state);
}

/* A ticket's page links the others as "<ID>.html"; the index as
 * "t/<ID>.html". */
static const yoi_page_style page_style = {.ticket = style_ticket,
					  .markdown = yoi_html_markdown,
					  .ctx = "",
					  .time_attr = true,
					  .plan_anchor = true};
static const yoi_page_style index_style = {.ticket = style_ticket,
					   .markdown = yoi_html_markdown,
					   .ctx = PAGES_DIR "/",
					   .time_attr = true,
					   .plan_anchor = true};

/* ---- one ticket: its card (for the index) and its page ---- */

typedef struct inref {
	size_t from; /* the ticket holding the relation */
	size_t k;    /* its index in that ticket's relations */
} inref;

typedef struct ticket_out {
	yoi_state lane;	   /* YOI_ST_INVALID: the unreadable lane */
	char *card;	   /* the card's HTML */
	yoi_strv warnings; /* the ticket's unreadable files */
	int rc;		   /* 0, or why the page was not written */
	char *rc_msg;
} ticket_out;

typedef struct render_job {
	const yoi_store *st;
	const yoi_routing *r;
	const size_t *in_start; /* incoming relations of ticket i: */
	const inref *in;	/* in[in_start[i] .. in_start[i + 1]) */
	const char *pages;	/* DIR/t */
	ticket_out *t;
	yoi_buf *scratch; /* two per worker: the page, the old page */
	unsigned threads;
	bool fresh; /* a new or empty DIR: no old page to compare with */
} render_job;

static void card(out *o, const yoi_routing *r, size_t i, const yoi_item *it,
		 const yoi_graph_blocker *b, size_t nb, const yoi_strv *w)
{
	const yoi_routing_ticket *t = &r->t[i];
	const char *title = it ? yoi_item_get(it, "title") : t->title;
	put(o, "<li class=\"card\" id=\"card-");
	esc(o, t->id);
	put(o, "\"><a class=\"card-link\" href=\"" PAGES_DIR "/");
	esc(o, t->id);
	put(o, ".html\"><span class=\"id\">");
	esc(o, t->id);
	put(o, "</span> <span class=\"title\">");
	esc(o, title && *title ? title : "(no title)");
	put(o, "</span></a>\n<p class=\"meta\">");
	const char *a = it ? yoi_item_get(it, "assignee") : NULL;
	if (a && *a)
		escaped_in(o, "<span class=\"assignee\">", a, "</span>");
	else
		put(o, "<span class=\"assignee none\">unassigned</span>");
	const char *p = it ? yoi_item_get(it, "priority") : NULL;
	if (p && *p)
		escaped_in(o, " <span class=\"priority\">", p, "</span>");
	put(o, "</p>\n");
	const yoi_field *f = it ? yoi_item_field(it, "risk_flags") : NULL;
	if (f && f->type == YOI_FIELD_LIST && f->nlist) {
		yoi_page_items(o, "<ul class=\"flags\">", "<li class=\"flag\">",
			       (const char *const *)f->list, f->nlist);
		put(o, "\n");
	}
	f = it ? yoi_item_field(it, "tags") : NULL; /* the labels */
	if (f && f->type == YOI_FIELD_LIST && f->nlist) {
		yoi_page_items(o, "<ul class=\"labels\">",
			       "<li class=\"label\">",
			       (const char *const *)f->list, f->nlist);
		put(o, "\n");
	}
	if (nb) {
		put(o, "<div class=\"blocked\"><span class=\"label\">blocked "
		       "by</span>");
		yoi_page_blockers(o, &index_style, r, b, nb, nb, NULL);
		put(o, "</div>\n");
	}
	yoi_page_problems(o, w);
	put(o, "</li>\n");
}

static void page_relations(out *o, const render_job *j, size_t i,
			   const yoi_graph_blocker *b, size_t nb)
{
	const yoi_routing *r = j->r;
	const yoi_relations *rel = r->t[i].rel;
	size_t nin = j->in_start[i + 1] - j->in_start[i];
	put(o, "<section class=\"relations\">\n<h2>Relations</h2>\n");
	if (nb) {
		put(o, "<h3>Blocked by</h3>\n");
		yoi_page_blockers(o, &page_style, r, b, nb, nb, NULL);
		put(o, "\n");
	}
	put(o, "<h3>Outgoing</h3>\n");
	if (!rel || !rel->n)
		put(o, "<p class=\"empty\">none</p>\n");
	else
		put(o, "<ul class=\"outgoing\">\n");
	for (size_t k = 0; rel && k < rel->n; k++) {
		const yoi_relation *x = &rel->v[k];
		yoi_page_relation(o, &page_style, r, yoi_rel_kind_name(x->kind),
				  x->target, NULL, x);
		put(o, "</li>\n");
	}
	if (rel && rel->n)
		put(o, "</ul>\n");
	put(o, "<h3>Incoming</h3>\n");
	put(o, nin ? "<ul class=\"incoming\">\n"
		   : "<p class=\"empty\">none</p>\n");
	for (size_t k = j->in_start[i]; k < j->in_start[i + 1]; k++) {
		const yoi_routing_ticket *src = &r->t[j->in[k].from];
		const yoi_relation *x = &src->rel->v[j->in[k].k];
		yoi_page_relation(o, &page_style, r,
				  yoi_rel_kind_inverse(x->kind), src->id,
				  yoi_rel_kind_name(x->kind), x);
		put(o, "</li>\n");
	}
	if (nin)
		put(o, "</ul>\n");
	put(o, "</section>\n");
}

static void page(out *o, const render_job *j, size_t i, const yoi_item *it,
		 const yoi_thread *th, yoi_state st, const yoi_graph_blocker *b,
		 size_t nb, const yoi_strv *w)
{
	const yoi_routing_ticket *t = &j->r->t[i];
	const char *title = it ? yoi_item_get(it, "title") : t->title;
	if (!title || !*title)
		title = "(no title)";
	char *doc_title = yoi_sprintf("%s %s", t->id, title);
	if (!doc_title)
		o->err = YOI_ENOMEM;
	head(o, doc_title, "../" CSS_NAME);
	free(doc_title);
	put(o, "<body class=\"ticket-page\">\n<nav><a href=\"../index.html\">"
	       "&larr; Board</a></nav>\n<main>\n");
	yoi_page_ticket_header(o, t->id, st, title);
	put(o, "</header>\n");
	yoi_page_problems(o, w);
	if (it)
		yoi_page_item(o, &page_style, it);
	page_relations(o, j, i, b, nb);
	yoi_page_plan(o, &page_style, j->r, t->plan);
	yoi_page_thread(o, &page_style, th);
	put(o, "</main>\n</body>\n</html>\n");
}

/*
 * path already holds exactly data: a render over a previous one leaves
 * unchanged pages alone (no rewrite, no rename over the old inode).
 */
static bool same_file(const char *path, const char *data, size_t len,
		      yoi_buf *tmp)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat sb;
	bool same = false;
	yoi_buf_clear(tmp);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (size_t)sb.st_size == len && yoi_buf_grow(tmp, len) == 0) {
		size_t n = 0;
		while (n < len) {
			ssize_t k = read(fd, tmp->ptr + n, len - n);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			n += (size_t)k;
		}
		same = n == len && memcmp(tmp->ptr, data, len) == 0;
	}
	close(fd);
	return same;
}

static int write_if_changed(const char *path, const char *data, size_t len,
			    yoi_buf *tmp, yoi_error *err)
{
	if (same_file(path, data, len, tmp))
		return 0;
	return yoi_file_replace(path, data, len, false, err);
}

static void warn(ticket_out *o, const char *msg)
{
	if (yoi_strv_push(&o->warnings, msg) < 0 && !o->rc)
		o->rc = YOI_ENOMEM;
}

static void render_nth(void *ctx, size_t i, unsigned worker)
{
	render_job *j = ctx;
	const yoi_routing_ticket *t = &j->r->t[i];
	ticket_out *to = &j->t[i];
	yoi_ticket *item = NULL, *thread = NULL;
	yoi_error e;
	int rc = yoi_ticket_load(&item, j->st, t->id,
				 YOI_LOAD_ITEM | YOI_LOAD_DIR_CHECKED, &e);
	char et[YOI_ERRTEXT_MAX];
	if (rc < 0)
		warn(to, yoi_error_text(&e, et, sizeof(et)));
	rc = yoi_ticket_load(&thread, j->st, t->id,
			     YOI_LOAD_THREAD | YOI_LOAD_DIR_CHECKED, &e);
	if (rc < 0)
		warn(to, yoi_error_text(&e, et, sizeof(et)));
	if (t->links_err)
		warn(to, t->links_err);
	const yoi_item *it = item ? item->item : NULL;
	yoi_state st = YOI_ST_INVALID;
	if (it) {
		const char *s = yoi_item_get(it, "state");
		st = yoi_state_parse(s);
		if (st == YOI_ST_INVALID) {
			char *m = yoi_sprintf("%s: state '%s' is not a known "
					      "state (run 'yoi-tickets "
					      "doctor')",
					      item->item_path, s ? s : "");
			warn(to, m ? m : "out of memory");
			free(m);
		}
	}
	to->lane = st;
	yoi_graph_blocker *b = NULL;
	size_t nb = 0;
	if (yoi_graph_blockers(&b, &nb, j->r->g, i) < 0)
		to->rc = YOI_ENOMEM;
	yoi_buf cb = YOI_BUF_INIT;
	out o = {&cb, 0};
	card(&o, j->r, i, it, b, nb, &to->warnings);
	if (!o.err)
		to->card = yoi_buf_detach(&cb);
	yoi_buf_free(&cb);
	yoi_buf *pb = &j->scratch[worker];
	yoi_buf_clear(pb);
	out po = {pb, o.err};
	page(&po, j, i, it, thread ? thread->thread : NULL, st, b, nb,
	     &to->warnings);
	yoi_graph_blockers_free(b);
	yoi_ticket_free(item);
	yoi_ticket_free(thread);
	if (po.err || to->rc) {
		to->rc = YOI_ENOMEM;
		return;
	}
	char name[YOI_ID_LEN + 8];
	snprintf(name, sizeof(name), "%s.html", t->id);
	char *path = yoi_path_join(j->pages, name);
	if (!path) {
		to->rc = YOI_ENOMEM;
		return;
	}
	rc = j->fresh ? yoi_file_replace(path, pb->ptr, pb->len, false, &e)
		      : write_if_changed(path, pb->ptr, pb->len,
					 &j->scratch[j->threads + worker], &e);
	if (rc < 0) {
		to->rc = rc;
		char et[YOI_ERRTEXT_MAX];
		to->rc_msg = yoi_strdup(yoi_error_text(&e, et, sizeof(et)));
	}
	free(path);
}

/* ---- the output directory ---- */

/* mkdir -p that follows symlinks: DIR is the user's, anywhere. */
static int make_dirs(const char *dir, yoi_error *err)
{
	char *p = yoi_strdup(dir);
	if (!p)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	int rc = 0;
	size_t len = strlen(p);
	for (size_t k = 1; rc == 0 && k <= len; k++) {
		if (p[k] != '/' && p[k] != '\0')
			continue;
		char c = p[k];
		p[k] = '\0';
		struct stat sb;
		if (mkdir(p, 0755) < 0 &&
		    !(errno == EEXIST && stat(p, &sb) == 0 &&
		      S_ISDIR(sb.st_mode)))
			rc = yoi_error_set(err, YOI_EIO, p, 0,
					   "%s: cannot create the directory: "
					   "%s",
					   p, strerror(errno));
		p[k] = c;
	}
	free(p);
	return rc;
}

/* index.html is a regular file whose head carries our marker. */
static bool has_marker(const char *dir)
{
	char *path = yoi_path_join(dir, "index.html");
	int fd =
	    path ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
		 : -1;
	free(path);
	if (fd < 0)
		return false;
	char buf[MARKER_SCAN + 1];
	size_t n = 0;
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		while (n < MARKER_SCAN) {
			ssize_t k = read(fd, buf + n, MARKER_SCAN - n);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			n += (size_t)k;
		}
	}
	close(fd);
	buf[n] = '\0';
	return memchr(buf, '\0', n) == NULL && strstr(buf, YOI_HTML_MARKER);
}

/*
 * DIR must be new, empty, or a previous render. *fresh: nothing of ours
 * is there yet.
 */
static int prepare_dir(const char *dir, bool *fresh, yoi_error *err)
{
	struct stat sb;
	*fresh = true;
	if (stat(dir, &sb) < 0) {
		if (errno != ENOENT)
			return yoi_error_set(err, YOI_EIO, dir, 0,
					     "%s: cannot read: %s", dir,
					     strerror(errno));
		return make_dirs(dir, err);
	}
	if (!S_ISDIR(sb.st_mode))
		return yoi_error_set(err, YOI_EREFUSED, dir, 0,
				     "%s exists and is not a directory; give "
				     "a new or empty directory, or a previous "
				     "render",
				     dir);
	DIR *dp = opendir(dir);
	if (!dp)
		return yoi_error_set(err, YOI_EIO, dir, 0,
				     "%s: cannot list: %s", dir,
				     strerror(errno));
	bool empty = true;
	struct dirent *de;
	while (empty && (de = readdir(dp)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(dp);
	if (empty)
		return 0;
	if (!has_marker(dir))
		return yoi_error_set(err, YOI_EREFUSED, dir, 0,
				     "%s is not empty and holds no previous "
				     "render (no index.html written by "
				     "yoi-tickets render); refusing to write "
				     "into it: give a new or empty directory",
				     dir);
	*fresh = false;
	return 0;
}

static int write_file(const char *dir, const char *name, const char *data,
		      size_t len, yoi_buf *tmp, yoi_error *err)
{
	char *path = yoi_path_join(dir, name);
	if (!path)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	int rc = write_if_changed(path, data ? data : "", len, tmp, err);
	free(path);
	return rc;
}

/* name is "<ID>.html" (len bytes; ID copied out when so). */
static bool page_name(const char *name, size_t len, char id[YOI_ID_LEN + 1])
{
	if (len != YOI_ID_LEN + 5 || memcmp(name + YOI_ID_LEN, ".html", 5) ||
	    !yoi_id_validn(name, YOI_ID_LEN))
		return false;
	memcpy(id, name, YOI_ID_LEN);
	id[YOI_ID_LEN] = '\0';
	return true;
}

/*
 * The IDs of the pages the previous render's manifest lists. Only lines
 * "t/<ID>.html" count: a line naming anything else (another directory,
 * "..", the site's own files) is ignored, so an edited manifest cannot
 * make a render remove what it did not write. No manifest (a new DIR, or
 * a render from before manifests): none. An unreadable one: none, and a
 * warning.
 */
static int manifest_read(const char *dir, yoi_strv *ids, yoi_strv *warnings)
{
	char *path = yoi_path_join(dir, MANIFEST_NAME);
	if (!path)
		return YOI_ENOMEM;
	yoi_buf b = YOI_BUF_INIT;
	yoi_error e;
	int rc = yoi_file_read(path, MANIFEST_MAX, &b, &e);
	free(path);
	if (rc == YOI_ENOTFOUND) {
		rc = 0;
	} else if (rc < 0) {
		char et[YOI_ERRTEXT_MAX];
		char *m = yoi_sprintf("%s; no stale page is removed this time "
				      "(delete the file and remove old pages "
				      "by hand)",
				      yoi_error_text(&e, et, sizeof(et)));
		rc = !m || yoi_strv_push(warnings, m) < 0 ? YOI_ENOMEM : 0;
		free(m);
	} else {
		const size_t plen = sizeof(PAGES_DIR "/") - 1;
		for (size_t i = 0; rc == 0 && i < b.len;) {
			const char *l = b.ptr + i;
			const char *nl = memchr(l, '\n', b.len - i);
			size_t n = nl ? (size_t)(nl - l) : b.len - i;
			i += n + 1;
			if (n && l[n - 1] == '\r')
				n--;
			char id[YOI_ID_LEN + 1];
			if (n > plen && !memcmp(l, PAGES_DIR "/", plen) &&
			    page_name(l + plen, n - plen, id) &&
			    yoi_strv_push(ids, id) < 0)
				rc = YOI_ENOMEM;
		}
	}
	yoi_buf_free(&b);
	return rc;
}

/*
 * Write the manifest: index.html, the style sheet, a page per ticket of
 * r, and (extra, may be NULL) pages listed before that are not removed
 * yet, so that a render cut short still lists every page it may have
 * written.
 */
static int manifest_write(const char *dir, const yoi_routing *r,
			  const yoi_strv *extra, yoi_buf *tmp, yoi_error *err)
{
	yoi_buf b = YOI_BUF_INIT;
	int rc = yoi_buf_puts(&b, MANIFEST_HEAD "index.html\n" CSS_NAME "\n");
	for (size_t i = 0; rc == 0 && i < r->n; i++)
		rc = yoi_buf_printf(&b, PAGES_DIR "/%s.html\n", r->t[i].id);
	for (size_t i = 0; rc == 0 && extra && i < extra->n; i++)
		if (yoi_routing_find(r, extra->v[i]) == YOI_GRAPH_NONE)
			rc = yoi_buf_printf(&b, PAGES_DIR "/%s.html\n",
					    extra->v[i]);
	if (rc == 0)
		rc = write_file(dir, MANIFEST_NAME, b.ptr, b.len, tmp, err);
	else
		rc = YOI_ENOMEM;
	yoi_buf_free(&b);
	return rc;
}

/*
 * Pages the previous render listed (listed) whose tickets are gone, and
 * the temporaries ".<ID>.html.tmp.*" a crash of our own writes left. A
 * page the manifest does not list stays, whatever its name.
 */
static int remove_stale(const char *pages, const yoi_routing *r,
			const yoi_strv *listed, size_t *removed, yoi_error *err)
{
	int fd = open(pages, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = fd < 0 ? NULL : fdopendir(fd);
	if (!dp) {
		if (fd >= 0)
			close(fd);
		return yoi_error_set(err, YOI_EIO, pages, 0,
				     "%s: cannot list: %s", pages,
				     strerror(errno));
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < listed->n; i++) {
		if (yoi_routing_find(r, listed->v[i]) != YOI_GRAPH_NONE)
			continue;
		char name[YOI_ID_LEN + 6];
		snprintf(name, sizeof(name), "%s.html", listed->v[i]);
		if (unlinkat(fd, name, 0) == 0)
			(*removed)++;
		else if (errno != ENOENT)
			rc = yoi_error_set(err, YOI_EIO, pages, 0,
					   "%s/%s: cannot remove: %s", pages,
					   name, strerror(errno));
	}
	struct dirent *de;
	while (rc == 0 && (de = readdir(dp))) {
		const char *name = de->d_name;
		const char *tmp = strstr(name, ".html.tmp.");
		char id[YOI_ID_LEN + 1];
		if (name[0] != '.' || !tmp ||
		    !page_name(name + 1, (size_t)(tmp - name - 1) + 5, id))
			continue;
		if (unlinkat(fd, name, 0) < 0 && errno != ENOENT)
			rc = yoi_error_set(err, YOI_EIO, pages, 0,
					   "%s/%s: cannot remove: %s", pages,
					   name, strerror(errno));
	}
	closedir(dp);
	return rc;
}

static const char *board_name(const yoi_store *st)
{
	const char *top = st->top;
	if (!top || !*top)
		return "tickets";
	const char *slash = strrchr(top, '/');
	return slash && slash[1] ? slash + 1 : top;
}

static void index_page(out *o, const yoi_store *st, const yoi_routing *r,
		       const ticket_out *t, bool placeholder)
{
	char *title = yoi_sprintf("%s: ticket board", board_name(st));
	if (!title)
		o->err = YOI_ENOMEM;
	head(o, title, CSS_NAME);
	put(o, "<body class=\"board-page\">\n<header class=\"top\"><h1>");
	esc(o, title);
	free(title);
	put(o, "</h1>\n");
	if (placeholder) {
		put(o, "<p>Rendering&hellip;</p></header>\n</body>\n</html>\n");
		return;
	}
	size_t count[YOI_ST__COUNT + 1] = {0};
	for (size_t i = 0; i < r->n; i++)
		count[t[i].lane >= 0 ? t[i].lane : YOI_ST__COUNT]++;
	putf(o, "<p class=\"summary\">%zu ticket%s", r->n,
	     r->n == 1 ? "" : "s");
	for (int s = 0; s < YOI_ST__COUNT; s++)
		putf(o, " &middot; %zu %s", count[s], lanes[s]);
	if (count[YOI_ST__COUNT])
		putf(o, " &middot; <strong>%zu unreadable</strong>",
		     count[YOI_ST__COUNT]);
	put(o, "</p></header>\n<main class=\"board\">\n");
	/* The six lanes always; the unreadable one only when needed. */
	for (int s = 0; s <= YOI_ST__COUNT; s++) {
		if (s == YOI_ST__COUNT && !count[s])
			break;
		const char *name = s < YOI_ST__COUNT ? lanes[s] : "unreadable";
		putf(o,
		     "<section class=\"lane lane-%s\" id=\"lane-%s\" "
		     "data-state=\"%s\">\n<h2>%s <span class=\"count\">%zu"
		     "</span></h2>\n",
		     name, name, name, name, count[s]);
		if (!count[s]) {
			put(o, "<p class=\"empty\">none</p>\n</section>\n");
			continue;
		}
		put(o, "<ol class=\"cards\">\n");
		for (size_t i = 0; i < r->n; i++) {
			int lane = t[i].lane >= 0 ? t[i].lane : YOI_ST__COUNT;
			if (lane == s && t[i].card)
				put(o, t[i].card);
		}
		put(o, "</ol>\n</section>\n");
	}
	put(o, "</main>\n</body>\n</html>\n");
}

/* in_start (n + 1) and in: every relation, grouped by its target. */
static int index_incoming(const yoi_routing *r, size_t **in_start, inref **in)
{
	size_t *start = calloc(r->n + 1, sizeof(*start));
	size_t total = 0;
	if (!start)
		return YOI_ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; r->t[i].rel && k < r->t[i].rel->n; k++) {
			size_t to =
			    yoi_routing_find(r, r->t[i].rel->v[k].target);
			if (to != YOI_GRAPH_NONE) {
				start[to + 1]++;
				total++;
			}
		}
	for (size_t i = 0; i < r->n; i++)
		start[i + 1] += start[i];
	inref *v = calloc(total ? total : 1, sizeof(*v));
	size_t *fill = calloc(r->n + 1, sizeof(*fill));
	if (!v || !fill) {
		free(start);
		free(v);
		free(fill);
		return YOI_ENOMEM;
	}
	/* In (source ID, file) order: i ascends. */
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; r->t[i].rel && k < r->t[i].rel->n; k++) {
			size_t to =
			    yoi_routing_find(r, r->t[i].rel->v[k].target);
			if (to != YOI_GRAPH_NONE)
				v[start[to] + fill[to]++] = (inref){i, k};
		}
	free(fill);
	*in_start = start;
	*in = v;
	return 0;
}

int yoi_html_render(yoi_html_result *res, const yoi_store *st, const char *dir,
		    yoi_error *err)
{
	memset(res, 0, sizeof(*res));
	const yoi_resource *css = yoi_resource_get(CSS_RES);
	if (!css)
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "the board's style sheet %s is not built "
				     "in",
				     CSS_RES);
	yoi_routing *r = NULL;
	int rc = yoi_routing_load(&r, st, err);
	if (rc < 0)
		return rc;
	bool fresh;
	char *pages = NULL, *abs = NULL;
	size_t *in_start = NULL;
	inref *in = NULL;
	ticket_out *t = NULL;
	yoi_buf *scratch = NULL;
	unsigned threads = yoi_par_threads(r->n);
	yoi_buf b = YOI_BUF_INIT;
	yoi_strv listed = {0};
	out o = {&b, 0};
	if ((rc = prepare_dir(dir, &fresh, err)) < 0)
		goto done;
	if (!(abs = realpath(dir, NULL))) {
		rc = yoi_error_set(err, YOI_EIO, dir, 0, "%s: %s", dir,
				   strerror(errno));
		goto done;
	}
	pages = yoi_path_join(dir, PAGES_DIR);
	t = calloc(r->n ? r->n : 1, sizeof(*t));
	scratch = calloc(2 * (size_t)threads, sizeof(*scratch));
	if (!pages || !t || !scratch || index_incoming(r, &in_start, &in) < 0) {
		rc = YOI_ENOMEM;
		goto done;
	}
	res->dir = abs;
	abs = NULL;
	/* Mark the directory ours before anything else goes into it, so
	 * that a render cut short can be rendered over. */
	if (fresh) {
		index_page(&o, st, r, NULL, true);
		if (o.err || (rc = write_file(dir, "index.html", b.ptr, b.len,
					      &scratch[0], err)) < 0)
			goto done;
	}
	if ((rc = yoi_mkdir(pages, err)) < 0)
		goto done;
	/* Before any page: the manifest lists what this render may write. */
	if ((rc = manifest_read(dir, &listed, &res->warnings)) < 0 ||
	    (rc = manifest_write(dir, r, &listed, &scratch[0], err)) < 0)
		goto done;
	render_job j = {st, r, in_start, in, pages, t, scratch, threads, fresh};
	yoi_par_for(r->n, threads, render_nth, &j);
	for (size_t i = 0; i < r->n; i++) {
		if (t[i].rc < 0 && rc == 0)
			rc = yoi_error_set(err, t[i].rc, pages, 0, "%s",
					   t[i].rc_msg ? t[i].rc_msg
						       : "out of memory");
		for (size_t k = 0; k < t[i].warnings.n; k++)
			if (yoi_strv_push(&res->warnings, t[i].warnings.v[k]) <
				0 &&
			    rc == 0)
				rc = YOI_ENOMEM;
	}
	res->tickets = r->n;
	if (rc < 0)
		goto done;
	res->pages = r->n;
	if ((rc = write_file(dir, CSS_NAME, css->data, css->len, &scratch[0],
			     err)) < 0)
		goto done;
	yoi_buf_clear(&b);
	index_page(&o, st, r, t, false);
	if (o.err)
		goto done;
	if ((rc = write_file(dir, "index.html", b.ptr, b.len, &scratch[0],
			     err)) < 0)
		goto done;
	res->pages++;
	if ((rc = remove_stale(pages, r, &listed, &res->removed, err)) == 0)
		rc = manifest_write(dir, r, NULL, &scratch[0], err);
done:
	if (rc == 0 && o.err)
		rc = yoi_error_set(err, o.err, NULL, 0, "out of memory");
	else if (rc == YOI_ENOMEM)
		rc = yoi_error_set(err, rc, NULL, 0, "out of memory");
	for (size_t i = 0; t && i < r->n; i++) {
		free(t[i].card);
		free(t[i].rc_msg);
		yoi_strv_free(&t[i].warnings);
	}
	for (unsigned k = 0; scratch && k < 2 * threads; k++)
		yoi_buf_free(&scratch[k]);
	free(scratch);
	free(t);
	free(in_start);
	free(in);
	free(pages);
	free(abs);
	yoi_buf_free(&b);
	yoi_strv_free(&listed);
	yoi_routing_free(r);
	return rc;
}

void yoi_html_result_free(yoi_html_result *res)
{
	if (!res)
		return;
	free(res->dir);
	yoi_strv_free(&res->warnings);
	memset(res, 0, sizeof(*res));
}
