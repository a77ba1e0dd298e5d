/*
 * Unit tests: the live board's pages (board.h) on a real temporary store:
 * lanes and counts, route classes, blockers by title, filters, short IDs,
 * the per-lane bound, the ticket page's forms, escaping and link schemes,
 * unreadable tickets.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/board.h"
#include "yoi/file.h"
#include "yoi/html.h"
#include "yoi/id.h"
#include "yoi/relate.h"
#include "yoi/ticket.h"

#include "ufix.h"

static const yoi_board_ctx ctx = {.csrf = "tok123", .author = "alice"};

/* Tickets of the main fixture, in creation (ID) order. */
enum { T_API, T_BASE, T_READY, T_WAIT, T_QUEUED, T_RUN, T_DONE, T_CLOSED, NT };

typedef struct fixture {
	ufix u;
	char id[NT][YOI_ID_LEN + 1];
} fixture;

static void create(ufix *u, char id[YOI_ID_LEN + 1], const char *title,
		   const yoi_create_opts *extra)
{
	yoi_create_opts o = extra ? *extra : (yoi_create_opts){0};
	o.title = title;
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_create(u->st, &u->op, &o, id, &err), 0, "%s",
		     err.msg);
	u->op.now_ms += 1000;
}

static void move(ufix *u, const char *id, const char *to)
{
	yoi_transition_req r = {.target = to, .summary = "sum"};
	yoi_error err = {0};
	cr_assert_eq(yoi_ticket_transition(u->st, &u->op, id, &r, NULL, &err),
		     0, "%s -> %s: %s", id, to, err.msg);
	u->op.now_ms += 1000;
}

/* Rewrite a ticket's item.md, adding frontmatter lines after "---". */
static void add_fields(ufix *u, const char *id, const char *lines)
{
	char *path = yoi_store_path(u->st, id, "item.md");
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_file_read(path, 1 << 20, &b, &err), 0, "%s", err.msg);
	cr_assert(b.len > 4 && !memcmp(b.ptr, "---\n", 4));
	yoi_buf n = YOI_BUF_INIT;
	yoi_buf_puts(&n, "---\n");
	yoi_buf_puts(&n, lines);
	yoi_buf_put(&n, b.ptr + 4, b.len - 4);
	cr_assert_eq(yoi_file_replace(path, n.ptr, n.len, false, &err), 0);
	yoi_buf_free(&b);
	yoi_buf_free(&n);
	free(path);
}

static void write_file(ufix *u, const char *id, const char *name,
		       const char *data)
{
	char *path = yoi_store_path(u->st, id, name);
	yoi_error err = {0};
	cr_assert_eq(yoi_file_replace(path, data, strlen(data), false, &err), 0,
		     "%s", err.msg);
	free(path);
}

/* Reopen the store so that a new config.yaml is read. */
static void reopen(ufix *u)
{
	yoi_store_free(u->st);
	char *root = yoi_path_join(u->dir, ".yoi/tickets");
	yoi_error err = {0};
	cr_assert_eq(yoi_store_open(&u->st, u->dir, root, &err), 0, "%s",
		     err.msg);
	free(root);
}

/*
 * API (planning, alice, tags api/backend, risk security), BASE
 * (planning), READY (ready, P1), WAIT (ready, depends_on BASE), QUEUED
 * (queued), RUN (inprogress), DONE, CLOSED; routing.max_inprogress 2:
 * one free slot, which QUEUED (queued first) takes, so READY waits on
 * capacity.
 */
static void setup_fx(fixture *fx)
{
	ufix_setup(&fx->u, "board");
	ufix *u = &fx->u;
	const char *risk[] = {"security"};
	yoi_create_opts api = {.assignee = "alice",
			       .risk_flags = risk,
			       .nrisk = 1,
			       .body = "## Goal\n\nDesign the PAYMENTS api.\n"};
	create(u, fx->id[T_API], "Design the API", &api);
	create(u, fx->id[T_BASE], "Lay the base", NULL);
	yoi_create_opts p1 = {.priority = "P1"};
	create(u, fx->id[T_READY], "Ready to take", &p1);
	create(u, fx->id[T_WAIT], "Waits for the base", NULL);
	create(u, fx->id[T_QUEUED], "Queued work", NULL);
	create(u, fx->id[T_RUN], "Running now", NULL);
	create(u, fx->id[T_DONE], "Finished", NULL);
	create(u, fx->id[T_CLOSED], "Dropped", NULL);
	add_fields(u, fx->id[T_API], "tags:\n- api\n- backend\n");
	yoi_error err = {0};
	cr_assert_eq(yoi_relate(u->st, &u->op, fx->id[T_WAIT], true,
				YOI_REL_DEPENDS_ON, fx->id[T_BASE],
				"needs the base", &err),
		     0, "%s", err.msg);
	move(u, fx->id[T_READY], "ready");
	move(u, fx->id[T_WAIT], "ready");
	move(u, fx->id[T_QUEUED], "ready");
	move(u, fx->id[T_QUEUED], "queued");
	move(u, fx->id[T_RUN], "ready");
	move(u, fx->id[T_RUN], "queued");
	move(u, fx->id[T_RUN], "inprogress");
	move(u, fx->id[T_DONE], "ready");
	move(u, fx->id[T_DONE], "queued");
	move(u, fx->id[T_DONE], "inprogress");
	move(u, fx->id[T_DONE], "done");
	cr_assert_eq(yoi_ticket_close(u->st, &u->op, fx->id[T_CLOSED],
				      "not needed", &err),
		     0, "%s", err.msg);
	char *cfg = yoi_path_join(u->dir, ".yoi/config.yaml");
	const char *c = "routing:\n  max_inprogress: 2\n";
	cr_assert_eq(yoi_file_replace(cfg, c, strlen(c), false, &err), 0, "%s",
		     err.msg);
	free(cfg);
	reopen(u);
}

static void teardown_fx(fixture *fx)
{
	ufix_teardown(&fx->u);
}

static char *board(ufix *u, const yoi_board_filter *f)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_board_page(&b, u->st, f, &ctx, &err), 0, "%s",
		     err.msg);
	cr_assert_not_null(b.ptr);
	return yoi_buf_detach(&b);
}

static char *ticket(ufix *u, const char *id)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_board_ticket_page(&b, u->st, id, &ctx, &err), 0, "%s",
		     err.msg);
	cr_assert_not_null(b.ptr);
	return yoi_buf_detach(&b);
}

/* The HTML of the card of id (up to its </li>), copied. */
static char *card_of(const char *page, const char *id)
{
	char key[64];
	snprintf(key, sizeof(key), "id=\"card-%s\"", id);
	const char *s = strstr(page, key);
	if (!s)
		return NULL;
	const char *e = strstr(s, "\n</li>\n");
	cr_assert_not_null(e);
	return strndup(s, (size_t)(e - s));
}

/* The HTML of lane name (its section), copied; NULL when absent. */
static char *lane_of(const char *page, const char *name)
{
	char key[64];
	snprintf(key, sizeof(key), "id=\"lane-%s\"", name);
	const char *s = strstr(page, key);
	if (!s)
		return NULL;
	const char *e = strstr(s, "</section>");
	cr_assert_not_null(e);
	return strndup(s, (size_t)(e - s));
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Nothing a strict CSP would block: no inline script, style or handler. */
static void csp_clean(const char *page)
{
	cr_assert_null(strstr(page, "<script>"), "inline script");
	cr_assert_eq(count(page, "<script"), 1);
	cr_assert(strstr(page, "<script src=\"/static/board.js\" defer>"));
	cr_assert_null(strstr(page, "style="), "style attribute");
	cr_assert_null(strstr(page, "<style"), "style element");
	cr_assert_null(strstr(page, " onclick"), "handler");
	cr_assert_null(strstr(page, " onload"), "handler");
	cr_assert_null(strstr(page, "javascript:"), "javascript: URL");
	/* Every form carries the CSRF token and the way back. */
	size_t posts = count(page, "method=\"post\"");
	cr_assert_eq(count(page, "name=\"csrf\" value=\"tok123\""), posts);
	cr_assert_eq(count(page, "name=\"back\" value=\""), posts);
}

Test(board, lanes_in_state_order_with_counts)
{
	fixture fx;
	setup_fx(&fx);
	char *p = board(&fx.u, NULL);
	const char *names[] = {"planning",   "ready", "queued",
			       "inprogress", "done",  "closed"};
	const size_t want[] = {2, 2, 1, 1, 1, 1};
	const char *prev = p;
	for (size_t k = 0; k < 6; k++) {
		char key[128];
		snprintf(key, sizeof(key), "id=\"lane-%s\" data-state=\"%s\">",
			 names[k], names[k]);
		const char *at = strstr(p, key);
		cr_assert_not_null(at, "lane %s", names[k]);
		cr_assert_gt(at, prev, "lane %s out of order", names[k]);
		prev = at;
		snprintf(key, sizeof(key),
			 "<h2>%s <span class=\"count\">%zu</span></h2>",
			 names[k], want[k]);
		cr_assert(strstr(p, key), "%s", key);
	}
	cr_assert_null(strstr(p, "lane-unreadable"));
	/* Collapsible without JS; closed folded by default. */
	cr_assert_eq(count(p, "<details open>"), 5);
	cr_assert_eq(count(p, "<details>"), 1);
	char *api = card_of(p, fx.id[T_API]);
	cr_assert_not_null(api);
	cr_assert(strstr(api, "<span class=\"assignee\">alice</span>"), "%s",
		  api);
	cr_assert(strstr(api, "<li class=\"tag\">api</li>"), "%s", api);
	cr_assert(strstr(api, "<li class=\"flag\">security</li>"), "%s", api);
	cr_assert(strstr(api, "href=\"/t/"), "%s", api);
	char *ready = card_of(p, fx.id[T_READY]);
	cr_assert(strstr(ready, "<span class=\"priority\">P1</span>"));
	cr_assert(strstr(p, "Acting as <strong>alice</strong>"));
	/* The table, for board.js's drag and drop. */
	cr_assert(strstr(p, "data-transitions=\"planning>ready:summary "
			    "ready>queued queued>inprogress inprogress>done "
			    "done>inprogress:reason ready>planning:reason "),
		  "%s", p);
	cr_assert(strstr(p, "closed>planning:reopen\">"));
	csp_clean(p);
	free(api);
	free(ready);
	free(p);
	teardown_fx(&fx);
}

Test(board, route_classes_are_distinct_in_ready_and_queued)
{
	fixture fx;
	setup_fx(&fx);
	char *p = board(&fx.u, NULL);
	char *ready = lane_of(p, "ready");
	char *queued = lane_of(p, "queued");
	/* A sub-heading per class inside the lane. */
	cr_assert(strstr(ready, "route-head route-dependency\">Waiting on a "
				"dependency <span class=\"count\">1</span>"),
		  "%s", ready);
	cr_assert(strstr(ready, "route-head route-capacity\">Waiting on "
				"capacity <span class=\"count\">1</span>"),
		  "%s", ready);
	cr_assert(strstr(queued, "route-head route-actionable\">Actionable "
				 "<span class=\"count\">1</span>"),
		  "%s", queued);
	/* And a badge on each card. */
	char *w = card_of(p, fx.id[T_WAIT]);
	char *r = card_of(p, fx.id[T_READY]);
	char *q = card_of(p, fx.id[T_QUEUED]);
	char want[128];
	snprintf(want, sizeof(want),
		 "class=\"card route-dependency\" id=\"card-%s\"",
		 fx.id[T_WAIT]);
	cr_assert(strstr(p, want), "%s", p);
	cr_assert(strstr(w, ">waiting: dependency</span>"), "%s", w);
	cr_assert(strstr(r, ">waiting: capacity</span>"), "%s", r);
	cr_assert(strstr(r, "routing.max_inprogress is 2"), "%s", r);
	cr_assert(strstr(q, ">actionable</span>"), "%s", q);
	/* Actionable comes before the waiting classes in a lane. */
	cr_assert_lt(strstr(ready, "route-dependency"),
		     strstr(ready, "route-capacity"));
	/* Cards of other lanes carry no class. */
	char *api = card_of(p, fx.id[T_API]);
	cr_assert_null(strstr(api, "route-"), "%s", api);
	free(api);
	free(w);
	free(r);
	free(q);
	free(ready);
	free(queued);
	free(p);
	teardown_fx(&fx);
}

Test(board, blockers_by_title_and_state_linked)
{
	fixture fx;
	setup_fx(&fx);
	char *p = board(&fx.u, NULL);
	char *w = card_of(p, fx.id[T_WAIT]);
	char want[256];
	snprintf(want, sizeof(want),
		 "<a class=\"ticket-ref\" href=\"/t/%s\" title=\"%s\">Lay the "
		 "base</a> <span class=\"state state-planning\">planning"
		 "</span> <span class=\"via\">via depends_on</span>",
		 fx.id[T_BASE], fx.id[T_BASE]);
	cr_assert(strstr(w, want), "%s", w);
	/* Never the bare 13-character ID as text. */
	snprintf(want, sizeof(want), ">%s<", fx.id[T_BASE]);
	cr_assert_null(strstr(w, want), "%s", w);
	free(w);
	/* The ticket page lists it too, and the relation both ways. */
	char *t = ticket(&fx.u, fx.id[T_WAIT]);
	cr_assert(strstr(t, "<h2>Blocked by</h2>"), "%s", t);
	cr_assert(strstr(t, ">Lay the base</a>"));
	cr_assert(strstr(t, "<span class=\"kind\">depends_on</span>"));
	free(t);
	t = ticket(&fx.u, fx.id[T_BASE]);
	cr_assert(strstr(t, "<span class=\"kind\">required by</span>"), "%s",
		  t);
	snprintf(want, sizeof(want), "href=\"/t/%s\"", fx.id[T_WAIT]);
	cr_assert(strstr(t, want));
	cr_assert(strstr(t, ">Waits for the base</a>"));
	cr_assert(strstr(t, "needs the base"));
	/* Removing it posts to the ticket that records it. */
	snprintf(want, sizeof(want), "action=\"/t/%s/relation\"",
		 fx.id[T_WAIT]);
	cr_assert(strstr(t, want), "%s", t);
	csp_clean(t);
	free(t);
	free(p);
	teardown_fx(&fx);
}

static bool shown(const char *page, const char *id)
{
	char key[64];
	snprintf(key, sizeof(key), "id=\"card-%s\"", id);
	return strstr(page, key) != NULL;
}

Test(board, filters_each)
{
	fixture fx;
	setup_fx(&fx);
	ufix *u = &fx.u;
	/* Text: title or body, case-insensitive. */
	yoi_board_filter f = {.text = "payments API"};
	char *p = board(u, &f);
	cr_assert(shown(p, fx.id[T_API]));
	cr_assert_not(shown(p, fx.id[T_BASE]));
	cr_assert(strstr(p, "name=\"q\" value=\"payments API\""));
	free(p);
	f = (yoi_board_filter){.text = "WAITS FOR"};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_WAIT]));
	cr_assert_not(shown(p, fx.id[T_API]));
	free(p);
	/* Assignee. */
	f = (yoi_board_filter){.assignee = "alice"};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_API]));
	cr_assert_not(shown(p, fx.id[T_READY]));
	free(p);
	/* Label: the frontmatter list `tags`. */
	f = (yoi_board_filter){.label = "backend"};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_API]));
	cr_assert_not(shown(p, fx.id[T_BASE]));
	cr_assert(strstr(p, "<p class=\"summary\">1 ticket "), "%s", p);
	free(p);
	f = (yoi_board_filter){.label = "nothing"};
	p = board(u, &f);
	cr_assert_not(shown(p, fx.id[T_API]));
	free(p);
	/* Risk flag. */
	f = (yoi_board_filter){.risk = "security"};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_API]));
	cr_assert_not(shown(p, fx.id[T_QUEUED]));
	free(p);
	/* State: only that lane, and the form remembers it. */
	const char *one[] = {"ready"};
	f = (yoi_board_filter){.states = one, .nstates = 1};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_READY]));
	cr_assert_not(shown(p, fx.id[T_API]));
	cr_assert_null(strstr(p, "id=\"lane-planning\""));
	cr_assert(strstr(p, "<option value=\"ready\" selected>"));
	free(p);
	const char *two[] = {"planning,done", "queued"};
	f = (yoi_board_filter){.states = two, .nstates = 2};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_API]));
	cr_assert(shown(p, fx.id[T_DONE]));
	cr_assert(shown(p, fx.id[T_QUEUED]));
	cr_assert_not(shown(p, fx.id[T_READY]));
	free(p);
	/* Filters combine; the forms come back to the filtered board. */
	f = (yoi_board_filter){
	    .assignee = "alice", .text = "api", .states = one, .nstates = 1};
	p = board(u, &f);
	cr_assert_not(shown(p, fx.id[T_API]));
	free(p);
	f = (yoi_board_filter){.text = "to take", .states = one, .nstates = 1};
	p = board(u, &f);
	cr_assert(shown(p, fx.id[T_READY]));
	cr_assert(strstr(p, "name=\"back\" value=\"/?q=to%20take&amp;"
			    "state=ready\""),
		  "%s", p);
	free(p);
	teardown_fx(&fx);
}

Test(board, unknown_state_is_a_usage_error)
{
	fixture fx;
	setup_fx(&fx);
	const char *bad[] = {"ready,nonsense"};
	yoi_board_filter f = {.states = bad, .nstates = 1};
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_board_page(&b, fx.u.st, &f, &ctx, &err), YOI_EUSAGE);
	cr_assert(strstr(err.msg, "'nonsense'"), "%s", err.msg);
	yoi_buf_free(&b);
	cr_assert_eq(
	    yoi_board_ticket_page(&b, fx.u.st, "ZZZZZZZZZ", &ctx, &err),
	    YOI_ENOTFOUND);
	yoi_buf_free(&b);
	teardown_fx(&fx);
}

Test(board, short_ids_unique_in_the_store)
{
	fixture fx;
	setup_fx(&fx);
	const char *ids[NT];
	size_t lens[NT];
	for (int i = 0; i < NT; i++)
		ids[i] = fx.id[i];
	cr_assert_eq(yoi_id_abbrev_lens(ids, NT, 4, lens), 0);
	char *p = board(&fx.u, NULL);
	for (int i = 0; i < NT; i++) {
		char want[128];
		cr_assert_lt(lens[i], YOI_ID_LEN);
		snprintf(want, sizeof(want),
			 "<span class=\"id\" title=\"%s\">%s</span>", ids[i],
			 ids[i] + YOI_ID_LEN - lens[i]);
		cr_assert(strstr(p, want), "%s", want);
	}
	free(p);
	/* The ticket page takes the short ID too. */
	char *t = ticket(&fx.u, fx.id[T_API] + YOI_ID_LEN - lens[T_API]);
	cr_assert(strstr(t, "<h1>Design the API</h1>"));
	free(t);
	teardown_fx(&fx);
}

Test(board, each_lane_is_bounded_with_a_link_to_it_whole)
{
	ufix u;
	ufix_setup(&u, "board-bound");
	size_t n = YOI_BOARD_LANE_MAX + 5;
	for (size_t i = 0; i < n; i++) {
		char id[YOI_ID_LEN + 1], title[32];
		snprintf(title, sizeof(title), "Ticket %zu", i);
		create(&u, id, title, NULL);
	}
	yoi_board_filter f = {.assignee = ""};
	char *p = board(&u, &f);
	char *lane = lane_of(p, "planning");
	cr_assert_eq(count(lane, "class=\"card\""), YOI_BOARD_LANE_MAX);
	char want[128];
	snprintf(want, sizeof(want), "<h2>planning <span class=\"count\">%zu",
		 n);
	cr_assert(strstr(lane, want), "%s", want);
	snprintf(want, sizeof(want),
		 "<a href=\"/?state=planning\">Show all %zu planning</a>", n);
	cr_assert(strstr(lane, want), "%s", lane);
	free(lane);
	free(p);
	const char *one[] = {"planning"};
	f = (yoi_board_filter){.states = one, .nstates = 1, .text = "ticket"};
	p = board(&u, &f);
	lane = lane_of(p, "planning");
	cr_assert_eq(count(lane, "class=\"card\""), n);
	cr_assert_null(strstr(lane, "Show all"));
	free(lane);
	free(p);
	ufix_teardown(&u);
}

/* The bound holds per route class: waiting tickets are not hidden behind
 * the actionable ones. */
Test(board, ready_lane_bounds_each_route_class)
{
	ufix u;
	ufix_setup(&u, "board-class");
	char base[YOI_ID_LEN + 1];
	create(&u, base, "Base", NULL);
	size_t n = YOI_BOARD_LANE_MAX + 2;
	char last[YOI_ID_LEN + 1];
	for (size_t i = 0; i < n; i++) {
		char title[32];
		snprintf(title, sizeof(title), "Ready %zu", i);
		create(&u, last, title, NULL);
		move(&u, last, "ready");
	}
	yoi_error err = {0};
	cr_assert_eq(yoi_relate(u.st, &u.op, last, true, YOI_REL_DEPENDS_ON,
				base, NULL, &err),
		     0, "%s", err.msg);
	char *p = board(&u, NULL);
	char *lane = lane_of(p, "ready");
	cr_assert(strstr(lane, "Actionable <span class=\"count\">51</span>"),
		  "%s", lane);
	cr_assert(strstr(lane, "Waiting on a dependency <span "
			       "class=\"count\">1</span>"));
	cr_assert_eq(count(lane, "class=\"card "), YOI_BOARD_LANE_MAX + 1);
	char want[64];
	snprintf(want, sizeof(want), "id=\"card-%s\"", last);
	cr_assert(strstr(lane, want), "the waiting card is shown");
	cr_assert(strstr(lane, "Show all 52 ready</a>"), "%s", lane);
	free(lane);
	free(p);
	ufix_teardown(&u);
}

Test(board, ticket_page_forms_follow_the_transition_table)
{
	fixture fx;
	setup_fx(&fx);
	ufix *u = &fx.u;
	/* ready: queue, back to planning (reason), close; no start. */
	char *t = ticket(u, fx.id[T_READY]);
	const char *actions = strstr(t, "id=\"actions\"");
	cr_assert_not_null(actions);
	char want[160];
	snprintf(want, sizeof(want), "action=\"/t/%s/state\"", fx.id[T_READY]);
	cr_assert(strstr(actions, want));
	cr_assert(strstr(actions, "name=\"to\" value=\"queued\">\n<button "
				  "type=\"submit\">Queue</button>"),
		  "%s", actions);
	cr_assert(strstr(actions, "name=\"to\" value=\"planning\">\n<label>"
				  "Reason <input name=\"reason\" required>"),
		  "%s", actions);
	cr_assert_null(strstr(actions, "name=\"to\" value=\"inprogress\""));
	cr_assert_null(strstr(actions, "name=\"to\" value=\"done\""));
	snprintf(want, sizeof(want), "action=\"/t/%s/close\"", fx.id[T_READY]);
	cr_assert(strstr(actions, want));
	cr_assert(strstr(actions, "name=\"resolution\" required"));
	/* Force with a reason, comment. */
	cr_assert(strstr(actions, "name=\"force\" value=\"1\""));
	cr_assert(strstr(actions, "<option>inprogress</option>"));
	cr_assert(strstr(actions, "name=\"text\" required"));
	cr_assert(strstr(t, "Acting as <strong>alice</strong>"));
	csp_clean(t);
	free(t);
	/* planning: ready needs the intake summary. */
	t = ticket(u, fx.id[T_BASE]);
	cr_assert(strstr(t, "name=\"to\" value=\"ready\">\n<label>Intake "
			    "summary <textarea name=\"summary\" required"),
		  "%s", t);
	free(t);
	/* inprogress: done only (and close). */
	t = ticket(u, fx.id[T_RUN]);
	cr_assert_eq(count(t, "class=\"transition\""), 1, "%s", t);
	cr_assert(strstr(t, "<button type=\"submit\">Move to done</button>"));
	free(t);
	/* closed: reopen with a reason; no close, no force. */
	t = ticket(u, fx.id[T_CLOSED]);
	cr_assert(strstr(t, "name=\"to\" value=\"planning\">\n<label>Reason "
			    "<input name=\"reason\" required></label>\n"
			    "<button type=\"submit\">Reopen</button>"),
		  "%s", t);
	cr_assert_null(strstr(t, "/close\""));
	cr_assert_null(strstr(t, "name=\"force\""));
	free(t);
	/* A configured table: only what it allows. */
	char *cfg = yoi_path_join(u->dir, ".yoi/config.yaml");
	const char *c = "transitions:\n- {from: planning, to: ready}\n"
			"- {from: ready, to: inprogress}\n"
			"- {from: inprogress, to: done}\n";
	yoi_error err = {0};
	cr_assert_eq(yoi_file_replace(cfg, c, strlen(c), false, &err), 0);
	free(cfg);
	reopen(u);
	t = ticket(u, fx.id[T_READY]);
	actions = strstr(t, "id=\"actions\"");
	cr_assert(strstr(actions, "name=\"to\" value=\"inprogress\""), "%s",
		  actions);
	cr_assert_null(strstr(actions, "name=\"to\" value=\"queued\""));
	cr_assert_null(strstr(actions, "/close\""));
	free(t);
	/* The board's Queue button follows the table too. */
	char *p = board(u, NULL);
	cr_assert_null(strstr(p, "class=\"queue\""));
	free(p);
	teardown_fx(&fx);
}

Test(board, queue_button_on_ready_cards)
{
	fixture fx;
	setup_fx(&fx);
	const char *one[] = {"ready"};
	yoi_board_filter f = {.states = one, .nstates = 1};
	char *p = board(&fx.u, &f);
	char *w = card_of(p, fx.id[T_WAIT]);
	char want[256];
	snprintf(want, sizeof(want),
		 "<form class=\"queue\" method=\"post\" enctype=\"%s\" "
		 "action=\"/t/%s/state\">",
		 YOI_BOARD_FORM_ENCTYPE, fx.id[T_WAIT]);
	cr_assert(strstr(w, want), "%s", w);
	cr_assert(strstr(w, "name=\"back\" value=\"/?state=ready\""), "%s", w);
	cr_assert(strstr(w, "name=\"to\" value=\"queued\""));
	free(w);
	free(p);
	p = board(&fx.u, NULL);
	char *q = card_of(p, fx.id[T_QUEUED]);
	cr_assert_null(strstr(q, "<form"), "%s", q);
	free(q);
	free(p);
	teardown_fx(&fx);
}

Test(board, hostile_text_is_escaped)
{
	ufix u;
	ufix_setup(&u, "board-esc");
	char id[YOI_ID_LEN + 1];
	const char *risk[] = {"<b>risk</b>"};
	yoi_create_opts o = {
	    .assignee = "x\" onmouseover=\"alert(1)",
	    .risk_flags = risk,
	    .nrisk = 1,
	    .body = "<script>alert('body')</script>\n\n"
		    "[bad](javascript:alert(1)) [data](data:text/html,x) "
		    "[vb](VBScript:x) [ok](https://example.org/a?b=1&c=2) "
		    "[mail](mailto:a@example.org) [rel](/t/X) "
		    "[tab](java%09script:x) <https://auto.example>\n"};
	create(&u, id, "<script>alert(\"t\")</script> it's", &o);
	add_fields(&u, id, "tags:\n- \"'><img src=x>\"\n");
	yoi_error err = {0};
	yoi_opctx op = u.op;
	cr_assert_eq(yoi_ticket_append(u.st, &op, id, "comment", NULL, 0,
				       "see [x](javascript:evil()) and "
				       "[y](http://ok.example)",
				       &err),
		     0, "%s", err.msg);
	yoi_board_filter f = {.text = "\"><script>x</script>"};
	char *p = board(&u, &f);
	cr_assert(strstr(p, "name=\"q\" value=\"&quot;&gt;&lt;script&gt;x"
			    "&lt;/script&gt;\""),
		  "%s", p);
	free(p);
	p = board(&u, NULL);
	cr_assert_null(strstr(p, "<script>alert"));
	cr_assert(strstr(p, "&lt;script&gt;alert(&quot;t&quot;)&lt;/script"
			    "&gt; it&#39;s"),
		  "%s", p);
	cr_assert(strstr(p, "x&quot; onmouseover=&quot;alert(1)"));
	cr_assert_null(strstr(p, "<img"));
	cr_assert(strstr(p, "&lt;b&gt;risk&lt;/b&gt;"));
	csp_clean(p);
	free(p);
	char *t = ticket(&u, id);
	cr_assert_null(strstr(t, "<script>alert"));
	cr_assert_null(strstr(t, "<img"));
	cr_assert(strstr(t, "&lt;script&gt;alert('body')&lt;/script&gt;"), "%s",
		  t);
	/* Safe schemes stay links, without the referrer. */
	cr_assert(strstr(t, "<a href=\"https://example.org/a?b=1&amp;c=2\" "
			    "rel=\"noopener noreferrer\">ok</a>"),
		  "%s", t);
	cr_assert(strstr(t, "<a href=\"mailto:a@example.org\" rel=\"noopener "
			    "noreferrer\">mail</a>"));
	cr_assert(strstr(t, "<a href=\"/t/X\" rel=\"noopener noreferrer\">"
			    "rel</a>"));
	cr_assert(strstr(t, "<a href=\"https://auto.example\" rel=\"noopener "
			    "noreferrer\">https://auto.example</a>"));
	cr_assert(strstr(t, "<a href=\"http://ok.example\" rel=\"noopener "
			    "noreferrer\">y</a>"),
		  "%s", t);
	/* Others are text: no href but ours. */
	cr_assert_null(strstr(t, "href=\"javascript"));
	cr_assert_null(strstr(t, "href=\"data:"));
	cr_assert_null(strstr(t, "href=\"VBScript"));
	cr_assert_null(strstr(t, "href=\"java%09"));
	cr_assert(strstr(t, "bad (javascript:alert(1))"), "%s", t);
	cr_assert(strstr(t, "x (javascript:evil())"), "%s", t);
	/* Attributes: quotes of both kinds escaped. */
	cr_assert(strstr(t, "&#39;&gt;&lt;img src=x&gt;"), "%s", t);
	free(t);
	ufix_teardown(&u);
}

Test(board, markdown_links_scheme_rules)
{
	const struct {
		const char *md;
		bool link;
	} cases[] = {
	    {"[a](http://x.example)", true},
	    {"[a](HTTPS://x.example)", true},
	    {"[a](mailto:a@b.example)", true},
	    {"[a](relative/page)", true},
	    {"[a](#frag)", true},
	    {"[a](?q=1)", true},
	    {"[a](javascript:alert(1))", false},
	    {"[a](JavaScript:alert(1))", false},
	    {"[a](data:text/html;base64,xx)", false},
	    {"[a](vbscript:x)", false},
	    {"[a](file:///etc/passwd)", false},
	    {"[a](<java\tscript:x>)", false},
	    {"[a](&#106;avascript:x)", false},
	    {"![img](http://x.example/i.png)", false},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
		yoi_buf b = YOI_BUF_INIT;
		cr_assert_eq(yoi_html_markdown_links(&b, cases[k].md,
						     strlen(cases[k].md)),
			     0);
		bool link = strstr(b.ptr, "<a href=") != NULL;
		cr_assert_eq(link, cases[k].link, "%s -> %s", cases[k].md,
			     b.ptr);
		cr_assert_null(strstr(b.ptr, "<img"), "%s", b.ptr);
		if (link)
			cr_assert(strstr(b.ptr, "rel=\"noopener noreferrer\""));
		yoi_buf_free(&b);
	}
}

Test(board, unreadable_ticket_still_shows)
{
	fixture fx;
	setup_fx(&fx);
	ufix *u = &fx.u;
	write_file(u, fx.id[T_BASE], "item.md", "not a frontmatter\n");
	char *art = yoi_store_path(u->st, fx.id[T_READY], "artifacts");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(art, &err), 0, "%s", err.msg);
	free(art);
	write_file(u, fx.id[T_READY], "artifacts/relations.json", "{ broken");
	char *p = board(u, NULL);
	char *lane = lane_of(p, "unreadable");
	cr_assert_not_null(lane, "%s", p);
	cr_assert(strstr(lane, "<h2>unreadable <span class=\"count\">1"));
	char *c = card_of(p, fx.id[T_BASE]);
	cr_assert_not_null(c);
	cr_assert(strstr(c, "class=\"problem\""), "%s", c);
	cr_assert(strstr(c, "item.md"), "%s", c);
	/* Waiting on it still names it, now in no known state. */
	char *w = card_of(p, fx.id[T_WAIT]);
	cr_assert(strstr(w, "state-unknown"), "%s", w);
	free(w);
	free(c);
	free(lane);
	/* A state filter keeps the unreadable lane. */
	free(p);
	const char *one[] = {"done"};
	yoi_board_filter f = {.states = one, .nstates = 1};
	p = board(u, &f);
	cr_assert(strstr(p, "id=\"lane-unreadable\""));
	free(p);
	/* Its page shows what could be read, and what to repair. */
	char *t = ticket(u, fx.id[T_BASE]);
	cr_assert(strstr(t, "Needs repair"), "%s", t);
	cr_assert(strstr(t, "item.md"));
	cr_assert(strstr(t, "<section class=\"thread\">"));
	cr_assert(strstr(t, "name=\"text\" required"), "comment still there");
	free(t);
	t = ticket(u, fx.id[T_READY]);
	cr_assert(strstr(t, "Needs repair"), "%s", t);
	cr_assert(strstr(t, "relations.json"), "%s", t);
	cr_assert(strstr(t, "<h1>Ready to take</h1>"));
	free(t);
	teardown_fx(&fx);
}

Test(board, flash_and_no_author)
{
	fixture fx;
	setup_fx(&fx);
	yoi_board_ctx c = {.csrf = "t\"k",
			   .flash = "refused: waiting for <x>",
			   .flash_is_error = 1};
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_board_page(&b, fx.u.st, NULL, &c, &err), 0);
	cr_assert(strstr(b.ptr, "<div class=\"flash error\" role=\"alert\">"
				"refused: waiting for &lt;x&gt;</div>"));
	cr_assert(strstr(b.ptr, "No author configured"));
	cr_assert(strstr(b.ptr, "name=\"csrf\" value=\"t&quot;k\""));
	cr_assert(strstr(b.ptr, "<meta name=\"yoi-csrf\" content=\"t&quot;k"
				"\">"));
	yoi_buf_free(&b);
	teardown_fx(&fx);
}

Test(board, empty_store_and_no_context)
{
	ufix u;
	ufix_setup(&u, "board-empty");
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	cr_assert_eq(yoi_board_page(&b, u.st, NULL, NULL, &err), 0, "%s",
		     err.msg);
	cr_assert(strstr(b.ptr, "<p class=\"summary\">0 tickets"));
	cr_assert_eq(count(b.ptr, "<p class=\"empty\">none</p>"), 6);
	cr_assert(strstr(b.ptr, "No author configured"));
	yoi_buf_free(&b);
	cr_assert_eq(yoi_board_ticket_page(&b, u.st, "", NULL, &err) < 0, true);
	yoi_buf_free(&b);
	char id[YOI_ID_LEN + 1];
	create(&u, id, "Only one", NULL);
	cr_assert_eq(yoi_board_ticket_page(&b, u.st, id, NULL, &err), 0, "%s",
		     err.msg);
	cr_assert(strstr(b.ptr, "name=\"csrf\" value=\"\""));
	yoi_buf_free(&b);
	ufix_teardown(&u);
}
