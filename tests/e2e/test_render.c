/* End-to-end: render --html DIR, the static board. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *const lanes[] = {"planning",	  "ready", "queued",
				    "inprogress", "done",  "closed"};

/* "t/<id>.html" relative to the site. Static buffer. */
static const char *page_of(const char *id)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "site/t/%s.html", id);
	return buf;
}

/* The lane section of index.html for state (a copy; caller frees). */
static char *lane(const char *index, const char *state)
{
	char open[64];
	snprintf(open, sizeof(open), "id=\"lane-%s\"", state);
	const char *s = strstr(index, open);
	cr_assert_not_null(s, "no lane %s", state);
	const char *e = strstr(s, "</section>");
	cr_assert_not_null(e);
	return strndup(s, (size_t)(e - s));
}

/* One ticket in each state; A waits for D (inprogress). */
typedef struct board {
	char *dir;
	char *id[6]; /* in the order of lanes[] */
} board;

static board make_board(void)
{
	board b;
	b.dir = e2e_store();
	char *dir = b.dir;
	b.id[0] = OK_LINE(dir, "create", "--title", "Plan the parser",
			  "--assignee", "bob", "--risk-flag", "parser");
	for (int i = 1; i < 6; i++) {
		char title[32];
		snprintf(title, sizeof(title), "Ticket %s", lanes[i]);
		b.id[i] = OK_LINE(dir, "create", "--title", title);
		OK(dir, "state", b.id[i], "ready", "--summary", "scoped");
		if (i >= 2 && i != 5)
			OK(dir, "state", b.id[i], "queued");
		if (i >= 3 && i != 5)
			OK(dir, "state", b.id[i], "inprogress");
		if (i == 4)
			OK(dir, "state", b.id[i], "done");
		if (i == 5)
			OK(dir, "close", b.id[i], "--resolution", "dropped");
	}
	OK(dir, "relation", "add", b.id[0], "--kind", "depends_on", "--target",
	   b.id[3], "--note", "needs the tokenizer");
	OK(dir, "comment", b.id[0], "--message", "First **comment**.");
	OK(dir, "comment", b.id[0], "--message", "Second comment.");
	OK(dir, "plan", "add", b.id[0], "--kind", "blocked_by", "--related",
	   b.id[2], "--note", "after the queue work");
	return b;
}

static void free_board(board *b)
{
	for (int i = 0; i < 6; i++)
		free(b->id[i]);
	e2e_rm(b->dir);
}

static e2e_result render(const char *dir)
{
	return RUN(dir, "render", "--html", "site");
}

Test(render, index_has_lanes_and_cards)
{
	board b = make_board();
	e2e_result r = render(b.dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.err, "", "no warnings: %s", r.err);
	cr_assert(strstr(r.out, "rendered 6 tickets"), "%s", r.out);
	e2e_free(&r);
	char *index = e2e_read(b.dir, "site/index.html");
	cr_assert(
	    strstr(index, "<!-- yoi-tickets render: generated board -->"));
	cr_assert(strstr(index, "href=\"board.css\""));
	cr_assert(e2e_exists(b.dir, "site/board.css"));
	/* Every lane, in order, each holding exactly its own ticket. */
	const char *prev = index;
	for (int i = 0; i < 6; i++) {
		char open[64];
		snprintf(open, sizeof(open), "id=\"lane-%s\"", lanes[i]);
		const char *at = strstr(index, open);
		cr_assert(at && at > prev, "lane %s missing or out of order",
			  lanes[i]);
		prev = at;
		char *l = lane(index, lanes[i]);
		for (int k = 0; k < 6; k++) {
			char card[64];
			snprintf(card, sizeof(card), "id=\"card-%s\"", b.id[k]);
			cr_assert_eq(strstr(l, card) != NULL, k == i,
				     "card %s in lane %s", b.id[k], lanes[i]);
		}
		char href[64];
		snprintf(href, sizeof(href), "href=\"t/%s.html\"", b.id[i]);
		cr_assert(strstr(l, href), "card links its page: %s", l);
		if (i > 0) {
			char title[32];
			snprintf(title, sizeof(title), "Ticket %s", lanes[i]);
			cr_assert(strstr(l, title), "%s", l);
		}
		free(l);
	}
	/* The planning card: title, assignee, flag, both blockers with their
	 * states (depends_on D, blocked_by plan record on C). */
	char *l = lane(index, "planning");
	cr_assert(strstr(l, "Plan the parser"));
	cr_assert(strstr(l, "<span class=\"assignee\">bob</span>"), "%s", l);
	cr_assert(strstr(l, "<li class=\"flag\">parser</li>"), "%s", l);
	char want[256];
	snprintf(want, sizeof(want),
		 "href=\"t/%s.html\" title=\"Ticket inprogress\">%s</a> "
		 "<span class=\"state state-inprogress\">",
		 b.id[3], b.id[3]);
	cr_assert(strstr(l, want), "blocker D: %s", l);
	snprintf(want, sizeof(want), "href=\"t/%s.html\"", b.id[2]);
	cr_assert(strstr(l, want), "blocker C: %s", l);
	cr_assert(strstr(l, "via depends_on") && strstr(l, "via blocked_by"),
		  "%s", l);
	free(l);
	/* No blocker on the others. */
	l = lane(index, "ready");
	cr_assert_null(strstr(l, "blocked by"));
	free(l);
	/* Nothing that runs or fetches. */
	cr_assert_null(strstr(index, "<script"));
	cr_assert_null(strstr(index, "http://"));
	cr_assert_null(strstr(index, "https://"));
	free(index);
	char *css = e2e_read(b.dir, "site/board.css");
	cr_assert_null(strstr(css, "url("), "no fetched resources");
	cr_assert_null(strstr(css, "@import"));
	free(css);
	free_board(&b);
}

Test(render, ticket_page_events_and_links)
{
	board b = make_board();
	e2e_result r = render(b.dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *p = e2e_read(b.dir, page_of(b.id[0]));
	cr_assert(strstr(p, "<h1>Plan the parser</h1>"), "%s", p);
	cr_assert(strstr(p, "href=\"../board.css\""));
	cr_assert(strstr(p, "href=\"../index.html\""));
	/* Fields. */
	cr_assert(strstr(p, "<dt>assignee</dt><dd>bob</dd>"), "%s", p);
	/* The body's sections, through cmark. */
	cr_assert(strstr(p, "<h2>Background</h2>"), "%s", p);
	/* Events in thread order, each with heading, kind, time, author,
	 * attributes and its Markdown text. */
	const char *const kinds[] = {"create", "relation", "comment",
				     "comment"};
	const char *prev = p;
	for (int i = 0; i < 4; i++) {
		char ev[96];
		snprintf(ev, sizeof(ev), "id=\"event-%d\" data-kind=\"%s\"",
			 i + 1, kinds[i]);
		const char *at = strstr(p, ev);
		cr_assert(at && at > prev, "event %d (%s) in order", i + 1,
			  kinds[i]);
		prev = at;
	}
	cr_assert_null(strstr(p, "id=\"event-5\""));
	cr_assert(strstr(p, "<h3>Comment</h3>"));
	cr_assert(strstr(p, "<span class=\"author\">tester</span>"));
	cr_assert(strstr(p, "<time datetime=\""));
	cr_assert(strstr(p, "<dt>action</dt><dd>add</dd>"), "attributes");
	cr_assert(strstr(p, "<p>First <strong>comment</strong>.</p>"), "%s", p);
	const char *first = strstr(p, "First <strong>");
	const char *second = strstr(p, "Second comment.");
	cr_assert(first && second && first < second);
	/* The relation links D's page, which exists. */
	char href[64];
	snprintf(href, sizeof(href), "href=\"%s.html\"", b.id[3]);
	const char *out = strstr(p, "<ul class=\"outgoing\">");
	cr_assert(out && strstr(out, href), "%s", p);
	cr_assert(strstr(p, "needs the tokenizer"));
	cr_assert(e2e_exists(b.dir, page_of(b.id[3])));
	/* The plan record, naming C. */
	snprintf(href, sizeof(href), "href=\"%s.html\"", b.id[2]);
	const char *plan = strstr(p, "<ol class=\"plan-records\">");
	cr_assert(plan && strstr(plan, href), "%s", p);
	cr_assert(strstr(plan, "blocked_by") &&
		  strstr(plan, "after the queue"));
	free(p);
	/* D's page shows the incoming relation, linking back to A. */
	p = e2e_read(b.dir, page_of(b.id[3]));
	snprintf(href, sizeof(href), "href=\"%s.html\"", b.id[0]);
	const char *in = strstr(p, "<ul class=\"incoming\">");
	cr_assert(in && strstr(in, href) && strstr(in, "required by"), "%s", p);
	free(p);
	/* Every link of every page points at a page that exists. */
	cr_assert_eq(e2e_sh(b.dir,
			    "cd site/t && for f in *.html; do grep -o "
			    "'href=\"[^\"]*\"' \"$f\" | sed 's/href=\"//; "
			    "s/\"$//' | while read -r h; do test -f \"$h\" || "
			    "{ echo \"$f: $h\"; exit 1; }; done || exit 1; "
			    "done"),
		     0, "dangling link");
	free_board(&b);
}

Test(render, hostile_text_is_escaped)
{
	char *dir = e2e_store();
	e2e_write(dir, "body.md",
		  "## Background\n\n<script>alert(1)</script>\n\n"
		  "x <img src=x onerror=alert(1)> y\n\n"
		  "<IMG SRC=x onerror=alert(2)>\n\n"
		  "[click](javascript:alert(3)) ![p](http://evil.invalid/t.png)"
		  "\n");
	char *a = OK_LINE(dir, "create", "--title", "<b>&\"", "--assignee",
			  "<i>eve</i>", "--risk-flag", "<u>x", "--body-file",
			  "body.md");
	OK(dir, "comment", a, "--message",
	   "<script>alert(4)</script> and <img src=x onerror=alert(5)>");
	e2e_result r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *index = e2e_read(dir, "site/index.html");
	char *p = e2e_read(dir, page_of(a));
	const char *const files[] = {index, p};
	for (int i = 0; i < 2; i++) {
		const char *s = files[i];
		cr_assert_null(strcasestr(s, "<script"), "%s", s);
		cr_assert_null(strcasestr(s, "<img"), "%s", s);
		cr_assert_null(strstr(s, "<b>&\""), "%s", s);
		cr_assert_null(strstr(s, "<i>eve"), "%s", s);
		cr_assert_null(strstr(s, "<u>x"), "%s", s);
		cr_assert(strstr(s, "&lt;b&gt;&amp;&quot;"), "title escaped");
		cr_assert(strstr(s, "&lt;i&gt;eve&lt;/i&gt;"), "assignee");
		cr_assert(strstr(s, "&lt;u&gt;x"), "risk flag");
		cr_assert_null(strstr(s, "javascript:alert(3)\""));
		cr_assert_null(strstr(s, "href=\"http"));
	}
	/* Shown, as text: not omitted. */
	cr_assert(strstr(p, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", p);
	cr_assert(strstr(p, "&lt;img src=x onerror=alert(1)&gt;"), "%s", p);
	cr_assert(strstr(p, "&lt;IMG SRC=x onerror=alert(2)&gt;"), "%s", p);
	cr_assert(strstr(p, "&lt;script&gt;alert(4)&lt;/script&gt;"), "%s", p);
	cr_assert(strstr(p, "&lt;img src=x onerror=alert(5)&gt;"), "%s", p);
	cr_assert(strstr(p, "click (javascript:alert(3))"), "%s", p);
	cr_assert(strstr(p, "(image: http://evil.invalid/t.png)"), "%s", p);
	cr_assert_null(strstr(p, "raw HTML omitted"));
	free(index);
	free(p);
	free(a);
	e2e_rm(dir);
}

Test(render, rerender_drops_deleted_tickets)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Keep");
	char *b = OK_LINE(dir, "create", "--title", "Drop");
	e2e_result r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, page_of(b)));
	/* What a crash could leave, and a user's own file. */
	e2e_write(dir, "site/t/.00001M000000A.html.tmp.abc123", "torn");
	e2e_write(dir, "site/notes.txt", "mine");
	cr_assert_eq(e2e_sh(dir, "rm -rf .yoi/tickets/%s", b), 0);
	OK(dir, "edit", a, "--title", "Kept");
	r = RUN(dir, "render", "--html", "site", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_integer_value(json_object_get(j, "tickets")), 1);
	cr_assert_eq(json_integer_value(json_object_get(j, "removed")), 1);
	json_decref(j);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, page_of(b)), "deleted ticket's page");
	cr_assert_not(e2e_exists(dir, "site/t/.00001M000000A.html.tmp.abc123"));
	cr_assert(e2e_exists(dir, page_of(a)));
	char *notes = e2e_read(dir, "site/notes.txt");
	cr_assert_str_eq(notes, "mine", "not ours: left alone");
	free(notes);
	char *index = e2e_read(dir, "site/index.html");
	cr_assert(strstr(index, "Kept"));
	cr_assert_null(strstr(index, b));
	free(index);
	char *p = e2e_read(dir, page_of(a));
	cr_assert(strstr(p, "<h1>Kept</h1>"));
	free(p);
	/* Unchanged: a third render leaves the page's file (its inode)
	 * alone. */
	cr_assert_eq(e2e_sh(dir, "stat -c %%i site/t/%s.html > ino", a), 0);
	r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir,
			    "test \"$(stat -c %%i site/t/%s.html)\" = "
			    "\"$(cat ino)\"",
			    a),
		     0, "an unchanged page is not rewritten");
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(render, removes_only_pages_its_manifest_lists)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Keep");
	char *b = OK_LINE(dir, "create", "--title", "Drop");
	e2e_result r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *m = e2e_read(dir, "site/.yoi-render-manifest");
	cr_assert_not_null(m, "the render lists what it wrote");
	char line[64];
	snprintf(line, sizeof(line), "\nt/%s.html\n", a);
	cr_assert(strstr(m, line), "%s", m);
	snprintf(line, sizeof(line), "\nt/%s.html\n", b);
	cr_assert(strstr(m, line), "%s", m);
	free(m);
	/* Not ours: an ID-named page we never wrote, and files a tampered
	 * manifest points at outside t/ or at the site's own files. */
	const char *foreign = "site/t/00001M000000Z.html";
	e2e_write(dir, foreign, "foreign");
	e2e_write(dir, "victim.html", "victim");
	e2e_append(dir, "site/.yoi-render-manifest",
		   "../../victim.html\nt/../../victim.html\n"
		   "board.css\n/etc/passwd\n");
	cr_assert_eq(e2e_sh(dir, "rm -rf .yoi/tickets/%s", b), 0);
	r = RUN(dir, "render", "--html", "site", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_integer_value(json_object_get(j, "removed")), 1);
	json_decref(j);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, page_of(b)), "listed and stale: removed");
	cr_assert(e2e_exists(dir, page_of(a)));
	char *f = e2e_read(dir, foreign);
	cr_assert_str_eq(f, "foreign", "not listed: left alone");
	free(f);
	f = e2e_read(dir, "victim.html");
	cr_assert_str_eq(f, "victim");
	free(f);
	cr_assert(e2e_exists(dir, "site/board.css"));
	/* The new manifest lists this render's pages only. */
	m = e2e_read(dir, "site/.yoi-render-manifest");
	snprintf(line, sizeof(line), "t/%s.html", b);
	cr_assert_null(strstr(m, line), "%s", m);
	cr_assert_null(strstr(m, "victim"), "%s", m);
	cr_assert_null(strstr(m, "00001M000000Z"), "%s", m);
	free(m);
	/* A render from before manifests (none on disk) removes no page. */
	cr_assert_eq(e2e_sh(dir, "rm site/.yoi-render-manifest"), 0);
	cr_assert_eq(e2e_sh(dir, "rm -rf .yoi/tickets/%s", a), 0);
	r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, page_of(a)), "unlisted: kept");
	cr_assert(e2e_exists(dir, foreign));
	/* A manifest that is a symlink: neither read nor replaced; the
	 * render is refused before any page is written, nothing removed. */
	char *c = OK_LINE(dir, "create", "--title", "Third");
	r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir,
			    "cp site/.yoi-render-manifest listed && "
			    "ln -sf ../listed site/.yoi-render-manifest && "
			    "rm -rf .yoi/tickets/%s",
			    c),
		     0);
	r = render(dir);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, ".yoi-render-manifest: is a symbolic link"),
		  "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, page_of(c)), "nothing removed");
	free(c);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(render, refuses_a_foreign_directory)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	e2e_sh(dir, "mkdir site && echo precious > site/notes.txt");
	e2e_result r = render(dir);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "site") && strstr(r.err, "not empty"), "%s",
		  r.err);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "test \"$(ls -A site)\" = notes.txt"), 0,
		     "untouched");
	char *n = e2e_read(dir, "site/notes.txt");
	cr_assert_str_eq(n, "precious\n");
	free(n);
	/* An index.html that is not ours is no previous render. */
	e2e_sh(dir, "mkdir site2 && echo '<html>mine</html>' > "
		    "site2/index.html");
	r = RUN(dir, "render", "--html", "site2");
	cr_assert_eq(r.status, 4, "%s", r.err);
	e2e_free(&r);
	n = e2e_read(dir, "site2/index.html");
	cr_assert_str_eq(n, "<html>mine</html>\n");
	free(n);
	cr_assert_not(e2e_exists(dir, "site2/t"));
	/* An empty directory is fine; so are missing parents. */
	e2e_sh(dir, "mkdir empty");
	r = RUN(dir, "render", "--html", "empty");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "render", "--html", "deep/er/site");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, "deep/er/site/index.html"));
	free(a);
	e2e_rm(dir);
}

Test(render, dir_that_is_a_file)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	e2e_write(dir, "site", "a file\n");
	e2e_result r = render(dir);
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "not a directory"), "%s", r.err);
	e2e_free(&r);
	char *s = e2e_read(dir, "site");
	cr_assert_str_eq(s, "a file\n");
	free(s);
	/* A parent that is a file. */
	r = RUN(dir, "render", "--html", "site/sub");
	cr_assert_neq(r.status, 0);
	e2e_free(&r);
	free(a);
	e2e_rm(dir);
}

Test(render, corrupt_tickets_warn_and_the_rest_render)
{
	char *dir = e2e_store();
	char *good = OK_LINE(dir, "create", "--title", "Good one");
	char *bad_item = OK_LINE(dir, "create", "--title", "Bad item");
	char *bad_thread = OK_LINE(dir, "create", "--title", "Bad thread");
	char *bad_rel = OK_LINE(dir, "create", "--title", "Bad relations");
	OK(dir, "relation", "add", good, "--kind", "depends_on", "--target",
	   bad_item);
	e2e_write(dir, e2e_tpath(bad_item, "item.md"), "no frontmatter\n");
	e2e_write(dir, e2e_tpath(bad_thread, "thread.md"), "\xff\xfe\n");
	e2e_write(dir, e2e_tpath(bad_rel, "artifacts/relations.json"),
		  "{ nope");
	e2e_result r = RUN(dir, "render", "--html", "site", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[256];
	snprintf(want, sizeof(want), "%s/item.md", bad_item);
	cr_assert(strstr(r.err, "warning") && strstr(r.err, want), "%s", r.err);
	snprintf(want, sizeof(want), "%s/thread.md", bad_thread);
	cr_assert(strstr(r.err, want), "%s", r.err);
	snprintf(want, sizeof(want), "%s/artifacts/relations.json", bad_rel);
	cr_assert(strstr(r.err, want), "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_integer_value(json_object_get(j, "tickets")), 4);
	cr_assert_eq(json_array_size(json_object_get(j, "warnings")), 3, "%s",
		     r.out);
	json_decref(j);
	e2e_free(&r);
	char *index = e2e_read(dir, "site/index.html");
	/* The good one as usual; the unreadable item in its own lane. */
	char *l = lane(index, "planning");
	cr_assert(strstr(l, good) && strstr(l, "Good one"));
	cr_assert(strstr(l, bad_thread), "a bad thread keeps its lane");
	cr_assert(strstr(l, bad_rel));
	snprintf(want, sizeof(want), "id=\"card-%s\"", bad_item);
	cr_assert_null(strstr(l, want), "not in a state's lane");
	snprintf(want, sizeof(want), "href=\"t/%s.html\"", bad_item);
	cr_assert(strstr(l, want), "but still linked as a blocker: %s", l);
	free(l);
	l = lane(index, "unreadable");
	snprintf(want, sizeof(want), "id=\"card-%s\"", bad_item);
	cr_assert(strstr(l, want) && strstr(l, "class=\"problem\""), "%s", l);
	free(l);
	free(index);
	/* Every ticket has a page; the bad ones say what is wrong. */
	char *p = e2e_read(dir, page_of(bad_item));
	cr_assert(strstr(p, "class=\"problem\"") && strstr(p, "item.md"));
	cr_assert(strstr(p, "id=\"event-1\""), "its thread still shows");
	free(p);
	p = e2e_read(dir, page_of(bad_thread));
	cr_assert(strstr(p, "class=\"problem\"") && strstr(p, "thread.md"));
	cr_assert(strstr(p, "<h1>Bad thread</h1>"));
	free(p);
	p = e2e_read(dir, page_of(good));
	cr_assert_null(strstr(p, "class=\"problem\""));
	cr_assert(strstr(p, "id=\"event-1\""));
	free(p);
	free(good);
	free(bad_item);
	free(bad_thread);
	free(bad_rel);
	e2e_rm(dir);
}

Test(render, json_shape)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	e2e_result r = RUN(dir, "render", "--html", "site", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, r.out);
	cr_assert(json_is_object(j));
	cr_assert_eq(json_object_size(j), 5, "%s", r.out);
	char real[PATH_MAX];
	cr_assert_not_null(realpath(dir, real));
	char want[PATH_MAX + 8];
	snprintf(want, sizeof(want), "%s/site", real);
	cr_assert_str_eq(json_string_value(json_object_get(j, "dir")), want);
	cr_assert(json_is_integer(json_object_get(j, "tickets")));
	cr_assert_eq(json_integer_value(json_object_get(j, "tickets")), 2);
	cr_assert(json_is_integer(json_object_get(j, "pages")));
	cr_assert_eq(json_integer_value(json_object_get(j, "pages")), 3,
		     "two tickets and the index");
	cr_assert(json_is_integer(json_object_get(j, "removed")));
	cr_assert_eq(json_integer_value(json_object_get(j, "removed")), 0);
	cr_assert(json_is_array(json_object_get(j, "warnings")));
	cr_assert_eq(json_array_size(json_object_get(j, "warnings")), 0);
	json_decref(j);
	cr_assert_str_eq(r.err, "");
	e2e_free(&r);
	/* A warning is a string naming the file. */
	e2e_write(dir, e2e_tpath(b, "item.md"), "---\ntitle: [\n---\n");
	r = RUN(dir, "render", "--html", "site", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_t *w = json_object_get(j, "warnings");
	cr_assert_eq(json_array_size(w), 1);
	const char *w0 = json_string_value(json_array_get(w, 0));
	cr_assert(w0 && strstr(w0, b) && strstr(w0, "item.md"), "%s", w0);
	json_decref(j);
	e2e_free(&r);
	/* Text mode: one line. */
	r = render(dir);
	cr_assert_eq(r.status, 0);
	cr_assert_eq(e2e_count(r.out, "\n"), 1, "%s", r.out);
	cr_assert(strstr(r.out, "2 tickets") && strstr(r.out, "1 warning"),
		  "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(render, usage_and_no_store)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "render");
	cr_assert_eq(r.status, 2, "--html is required: %s", r.err);
	e2e_free(&r);
	r = RUN(dir, "render", "--html", "site", "extra");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "render", "--bogus");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "render", "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "render --html DIR"), "%s", r.out);
	e2e_free(&r);
	/* An empty store renders an empty board. */
	r = render(dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *index = e2e_read(dir, "site/index.html");
	cr_assert_eq(e2e_count(index, "class=\"empty\""), 6);
	free(index);
	e2e_rm(dir);
	dir = e2e_repo();
	r = render(dir);
	cr_assert_eq(r.status, 3, "no store: %s", r.err);
	cr_assert_not(e2e_exists(dir, "site"));
	e2e_free(&r);
	e2e_rm(dir);
}
