/*
 * html.h - `render --html DIR`: the store as a static HTML board, built
 * with cmark. DIR/index.html holds one lane per state (planning ... closed)
 * of ticket cards; DIR/t/<ID>.html is one page per ticket (fields, body,
 * thread event by event, relations both ways, blockers, plan records);
 * DIR/board.css is the only style sheet. No scripts, no network
 * references: the site works from file://.
 *
 * Safety. Ticket text is hostile until escaped: every string that is not
 * Markdown goes through yoi_html_escape; Markdown goes through
 * yoi_html_markdown, which renders with cmark's safe mode and, before
 * that, turns raw HTML into visible text and links and images into their
 * text plus the URL as text, so the only links on the site point to its
 * own pages.
 *
 * Bad input. A ticket whose item.md, thread.md, relations.json or plan
 * file cannot be read is still on the board (its card and page carry an
 * error note) and each such file adds one warning naming it; the others
 * render normally. Only a failure to write the site is an error.
 *
 * Ownership: yoi_html_render fills a caller-owned yoi_html_result;
 * yoi_html_result_free releases what it holds.
 */
#ifndef YOI_HTML_H
#define YOI_HTML_H

#include <stddef.h>

#include "common.h"
#include "store.h"

/* In index.html of every render: what marks DIR as ours to rewrite. */
#define YOI_HTML_MARKER "<!-- yoi-tickets render: generated board -->"

typedef struct yoi_html_result {
	char *dir;	   /* DIR as an absolute path */
	size_t tickets;	   /* tickets on the board */
	size_t pages;	   /* HTML pages of the site: one per ticket +
			      index (a page found unchanged is not
			      rewritten, but counts) */
	size_t removed;	   /* pages of tickets that no longer exist
			      (listed in the previous manifest) */
	yoi_strv warnings; /* one per unreadable file, naming it */
} yoi_html_result;

/*
 * Render the store st into dir. dir is created when missing (with its
 * parents); an existing dir must be empty or hold a previous render
 * (index.html carrying YOI_HTML_MARKER), else YOI_EREFUSED and nothing is
 * written; dir naming something that is not a directory is YOI_EREFUSED
 * too. Each file is written to a temporary name and renamed (no fsync: a
 * regenerated site), so a page is either the old one or the new one; a
 * page whose bytes would not change is left alone. DIR/.yoi-render-manifest
 * lists the files a render wrote (index.html, board.css, t/<ID>.html, one
 * a line); a re-render removes the pages of tickets that no longer exist
 * only when the previous manifest lists them (lines naming anything but
 * t/<ID>.html are ignored), so an ID-named page it did not write stays;
 * temporaries ".<ID>.html.tmp.*" a crash left in DIR/t go too. The
 * manifest is written before the pages (the previous one's entries plus
 * this render's) and again at the end (this render's only), so a render
 * cut short still lists every page it may have written. No manifest (a
 * render by an older version): no page is removed; an unreadable one adds
 * a warning and removes none. index.html is written last (and, into a new
 * DIR, a placeholder carrying the marker first, so that a render cut short
 * can be redone). Errors: YOI_EREFUSED, YOI_EIO (a write failed; err names
 * the file), YOI_ENOMEM, and what yoi_routing_load returns. On error
 * *res may hold partial counts; free it all the same.
 */
int yoi_html_render(yoi_html_result *res, const yoi_store *st, const char *dir,
		    yoi_error *err);
void yoi_html_result_free(yoi_html_result *res);

/*
 * Append s[0..len) to out with & < > " ' escaped: safe in element text
 * and in double- or single-quoted attribute values. 0 or YOI_ENOMEM.
 */
int yoi_html_escape(yoi_buf *out, const char *s, size_t len);

/*
 * Append md[0..len) rendered from CommonMark to HTML. Raw HTML (blocks
 * and inline) is shown as text (a block as a code block); links become
 * their text followed by the URL in parentheses, images their alt text
 * followed by "(image: URL)". Invalid UTF-8 is replaced. 0 or YOI_ENOMEM.
 */
int yoi_html_markdown(yoi_buf *out, const char *md, size_t len);

/*
 * yoi_html_markdown for the live board: a link whose URL is http, https
 * or mailto (any case), or relative (no scheme), stays a link,
 * <a href="URL" rel="noopener noreferrer">, its URL escaped; any other
 * (javascript:, data:, vbscript:, file:, a URL holding a space or a
 * control byte) becomes its text plus the URL as text, and images their
 * alt text plus the URL, as yoi_html_markdown does. 0 or YOI_ENOMEM.
 */
int yoi_html_markdown_links(yoi_buf *out, const char *md, size_t len);

#endif
