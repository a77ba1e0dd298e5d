/*
 * board.h - the pages of the live board (`yoi-tickets serve`): the board
 * (lanes by state, route classes, filters) and one page per ticket (body,
 * thread, relations, plan records, and the forms that change it). The
 * server (src/serve/) owns HTTP, tokens and POST handling; this module
 * only turns the store into HTML. What the board shows and why:
 * docs/board.md.
 *
 * Routes the pages link and post to (the server provides them):
 *   GET  /?q=&assignee=&label=&risk=&state=   the board (a GET form; the
 *                                             filter stays in the URL)
 *   GET  /t/<ID>                              a ticket's page
 *   GET  /static/board.css, /static/board.js  YOI_BOARD_CSS_RES, _JS_RES
 *   GET  /events                              SSE, `event: change`
 *   POST /t/<ID>/state     to, reason, summary, force=1
 *   POST /t/<ID>/comment   text
 *   POST /t/<ID>/close     resolution
 *   POST /t/<ID>/relation  op=add|remove, kind, target, note
 * Every form carries the hidden fields "csrf" (yoi_board_ctx.csrf) and
 * "back" (the local URL of the page the form is on: "/" plus the board's
 * query, or "/t/<ID>"), and YOI_BOARD_FORM_ENCTYPE.
 *
 * The pages work without JavaScript; board.js only enhances them. No
 * inline script or style and no third-party asset: the pages are meant
 * for "Content-Security-Policy: default-src 'none'; script-src 'self';
 * style-src 'self'; connect-src 'self'; img-src 'self'; form-action
 * 'self'; base-uri 'none'; frame-ancestors 'none'" (YOI_BOARD_CSP).
 *
 * Safety: every string from ticket files is escaped (yoi_html_escape);
 * Markdown goes through yoi_html_markdown_links, which keeps links whose
 * scheme is http, https or mailto, or that are relative, and shows any
 * other as text.
 *
 * Bad input: a ticket that cannot be read is still on the board (in an
 * "unreadable" lane, with what went wrong) and its page still shows what
 * could be read, as `render --html` does.
 *
 * Ownership: the caller owns out and appends to it (on error, out may
 * hold a partial page: discard it); every input is borrowed for the call.
 * The functions read the store without taking its lock (as list does).
 */
#ifndef YOI_BOARD_H
#define YOI_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "store.h"

/* The embedded resources (yoi_resource_get) served under /static/. */
#define YOI_BOARD_CSS_RES "board/board.css"
#define YOI_BOARD_JS_RES  "board/board.js"

/* The Content-Security-Policy the pages are written for. */
#define YOI_BOARD_CSP                                                          \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"connect-src 'self'; img-src 'self'; form-action 'self'; "             \
	"base-uri 'none'; frame-ancestors 'none'"

/* The encoding of every form's POST body. */
#define YOI_BOARD_FORM_ENCTYPE "application/x-www-form-urlencoded"

/* Cards a lane shows on the board; a lane with more ends with a link to
 * itself alone (?state=<lane>), which shows up to YOI_BOARD_LANE_WHOLE. */
#define YOI_BOARD_LANE_MAX   50
#define YOI_BOARD_LANE_WHOLE 2000

/*
 * What the board shows. NULL or "" fields do not filter. text: a
 * case-insensitive (ASCII) substring of the title or the body; assignee:
 * exactly; label: one of the frontmatter list `tags`, exactly; risk: one of
 * `risk_flags`, exactly. states: state names (each may also be a
 * comma-separated list, "all" or "active", as `list --state`); none: every
 * state, each lane at most YOI_BOARD_LANE_MAX cards; exactly one state:
 * that lane whole (up to YOI_BOARD_LANE_WHOLE).
 */
typedef struct yoi_board_filter {
	const char *text;
	const char *assignee;
	const char *label;
	const char *risk;
	const char *const *states;
	size_t nstates;
} yoi_board_filter;

typedef struct yoi_board_ctx {
	const char *csrf;   /* the token every form carries as "csrf" */
	const char *author; /* the configured user, shown on the page; NULL:
			       the page says none is configured */
	const char *flash;  /* a message to show at the top (e.g. the CLI's
			       refusal), or NULL */
	int flash_is_error; /* the flash is an error (styled so) */
} yoi_board_ctx;

/*
 * Append the board page to out. f may be NULL (no filter). Errors:
 * YOI_EUSAGE (a state name is not a state; err says which and the
 * choices: answer 400 with it), YOI_ENOMEM, and what yoi_routing_load
 * returns when the store cannot be listed.
 */
int yoi_board_page(yoi_buf *out, const yoi_store *st, const yoi_board_filter *f,
		   const yoi_board_ctx *c, yoi_error *err);

/*
 * Append the page of ticket id (a full ID or a unique suffix, as the CLI
 * takes) to out. Errors: YOI_ENOTFOUND (no such ticket), YOI_EUSAGE (the
 * suffix matches several tickets, or is not an ID), YOI_ENOMEM, and what
 * yoi_routing_load returns.
 */
int yoi_board_ticket_page(yoi_buf *out, const yoi_store *st, const char *id,
			  const yoi_board_ctx *c, yoi_error *err);

#endif
