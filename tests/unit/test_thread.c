#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/diag.h"
#include "yoi/history.h"
#include "yoi/thread.h"

#define PATH ".yoi/tickets/T1/thread.md"
#define AT   "2026-06-13T14:17:40Z"

/* ---- helpers ------------------------------------------------------------ */

static yoi_thread *parse(const char *s, yoi_diag *d)
{
	yoi_thread *t = NULL;
	cr_assert_eq(yoi_thread_parse(&t, s, strlen(s), PATH, d), 0);
	cr_assert_not_null(t);
	return t;
}

static char *render(const yoi_event_spec *spec, bool crlf)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_event_render(&b, spec, crlf, &err);
	cr_assert_eq(rc, 0, "render failed: %s", err.msg);
	char *s = yoi_buf_detach(&b);
	cr_assert_not_null(s);
	return s;
}

/* Render must refuse with YOI_EUSAGE, naming `needle`, leaving out as is. */
static void refuse(const yoi_event_spec *spec, const char *needle)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "prefix\n"), 0);
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_event_render(&b, spec, false, &err);
	cr_assert_eq(rc, YOI_EUSAGE, "expected refusal naming %s", needle);
	cr_assert_eq(err.code, YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, needle), "message '%s' lacks '%s'",
			   err.msg, needle);
	cr_assert_str_eq(b.ptr, "prefix\n");
	cr_assert_eq(b.len, 7);
	yoi_buf_free(&b);
}

/* 1-based line number of byte offset off in s. */
static int line_at(const char *s, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

static size_t count_code(const yoi_diag *d, const char *code)
{
	size_t c = 0;
	for (size_t i = 0; i < d->n; i++)
		c += strcmp(d->v[i].code, code) == 0;
	return c;
}

static const yoi_diag_entry *find_code(const yoi_diag *d, const char *code)
{
	long i = yoi_diag_find(d, code);
	cr_assert_geq(i, 0, "no diagnostic %s", code);
	return &d->v[i];
}

static void expect_diag(const yoi_diag *d, const char *code, yoi_severity sev,
			int line)
{
	const yoi_diag_entry *e = find_code(d, code);
	cr_assert_eq(e->severity, sev, "%s severity", code);
	cr_assert_eq(e->line, line, "%s line %d, want %d", code, e->line, line);
	cr_assert_str_eq(e->path, PATH);
	cr_assert_not_null(e->message);
	cr_assert_gt(strlen(e->message), 0);
}

/* Render spec, parse it back, check everything survived. */
static void round_trip(const yoi_event_spec *spec, bool crlf,
		       const char *want_body)
{
	char *s = render(spec, crlf);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0, "diagnostics on round trip: %s",
		     d.n ? d.v[0].message : "");
	cr_assert_eq(t->n, 1, "events: %zu in\n%s", t->n, s);
	const yoi_event *e = &t->ev[0];
	cr_assert_str_eq(e->kind, spec->kind);
	cr_assert_str_eq(e->author, spec->author);
	cr_assert_str_eq(e->at, spec->at);
	cr_assert_eq(e->nattrs, spec->nattrs + 3);
	cr_assert_str_eq(e->attrs[0].key, "event");
	cr_assert_str_eq(e->attrs[1].key, "author");
	cr_assert_str_eq(e->attrs[2].key, "at");
	for (size_t i = 0; i < spec->nattrs; i++) {
		cr_assert_str_eq(e->attrs[i + 3].key, spec->attrs[i].key);
		cr_assert_str_eq(e->attrs[i + 3].value, spec->attrs[i].value);
	}
	if (spec->heading)
		cr_assert_str_eq(e->heading, spec->heading);
	cr_assert_str_eq(e->body, want_body);
	cr_assert_eq(e->line, 1);
	cr_assert_eq(e->start, 0);
	cr_assert_eq(e->end, strlen(s));
	cr_assert_eq(yoi_thread_is_crlf(s, strlen(s)), crlf);
	yoi_thread_free(t);
	yoi_diag_free(&d);
	free(s);
}

/* ---- headings ----------------------------------------------------------- */

Test(thread, heading_table)
{
	static const char *const tab[][2] = {
	    {"create", "Created"},
	    {"comment", "Comment"},
	    {"plan", "Plan"},
	    {"decision", "Decision"},
	    {"implementation_report", "Implementation report"},
	    {"state_changed", "State changed"},
	    {"intake_summary", "Intake summary"},
	    {"close", "Closed"},
	    {"closed", "Closed"},
	    {"reopen", "Reopened"},
	    {"relation", "Relation"},
	    {"edit", "Edited"},
	    {"migration", "Migrated"},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(*tab); i++)
		cr_assert_str_eq(yoi_thread_heading(tab[i][0], NULL),
				 tab[i][1]);
	cr_assert_str_eq(yoi_thread_heading("review", "approve"),
			 "Review: approve");
	cr_assert_str_eq(yoi_thread_heading("review", "request_changes"),
			 "Review: request changes");
	cr_assert_str_eq(yoi_thread_heading("review", NULL), "Review");
	cr_assert_str_eq(yoi_thread_heading("review", "bogus"), "Review");
	cr_assert_null(yoi_thread_heading("frobnicate", NULL));
	cr_assert_null(yoi_thread_heading("", NULL));
	cr_assert_null(yoi_thread_heading(NULL, NULL));
	cr_assert_null(yoi_thread_heading("Comment", NULL));
}

/* ---- render: exact output ------------------------------------------------ */

Test(thread, render_exact_state_changed)
{
	yoi_attr attrs[] = {{"from", "queued"},
			    {"to", "inprogress"},
			    {"reason", "accepted"},
			    {"field", "state"}};
	yoi_event_spec spec = {
	    .kind = "state_changed",
	    .author = "orchestrator",
	    .at = AT,
	    .attrs = attrs,
	    .nattrs = 4,
	    .body = "Accepted for implementation after the dependency "
		    "closed.",
	};
	char *s = render(&spec, false);
	cr_assert_str_eq(
	    s, "<!-- event: state_changed author: orchestrator at: " AT
	       " from: queued to: inprogress reason: accepted field: "
	       "state -->\n\n## State changed\n\nAccepted for "
	       "implementation after the dependency closed.\n\n---\n");
	free(s);
}

Test(thread, render_exact_empty_and_null_body)
{
	yoi_event_spec spec = {.kind = "comment", .author = "a", .at = AT};
	const char *want =
	    "<!-- event: comment author: a at: " AT " -->\n\n## Comment\n"
	    "\n---\n";
	char *s = render(&spec, false);
	cr_assert_str_eq(s, want);
	free(s);
	spec.body = "";
	s = render(&spec, false);
	cr_assert_str_eq(s, want);
	free(s);
	/* Only newlines is empty too. */
	spec.body = "\n\n";
	s = render(&spec, false);
	cr_assert_str_eq(s, want);
	free(s);
}

Test(thread, render_exact_crlf)
{
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .body = "one\ntwo\r\nthree\n"};
	char *s = render(&spec, true);
	cr_assert_str_eq(s, "<!-- event: comment author: a at: " AT
			    " -->\r\n\r\n## Comment\r\n\r\none\r\ntwo\r\n"
			    "three\r\n\r\n---\r\n");
	free(s);
	spec.body = NULL;
	s = render(&spec, true);
	cr_assert_str_eq(s, "<!-- event: comment author: a at: " AT
			    " -->\r\n\r\n## Comment\r\n\r\n---\r\n");
	free(s);
}

Test(thread, render_normalises_crlf_body_and_single_trailing_newline)
{
	yoi_event_spec spec = {
	    .kind = "comment", .author = "a", .at = AT, .body = "x\r\ny\r\n"};
	char *s = render(&spec, false);
	cr_assert_str_eq(s, "<!-- event: comment author: a at: " AT
			    " -->\n\n## Comment\n\nx\ny\n\n---\n");
	cr_assert_null(strchr(s, '\r'));
	free(s);
	spec.body = "x\n";
	s = render(&spec, false);
	cr_assert_not_null(strstr(s, "\n\nx\n\n---\n"));
	cr_assert_null(strstr(s, "x\n\n\n"));
	free(s);
}

Test(thread, render_appends_to_buffer)
{
	yoi_event_spec spec = {.kind = "comment", .author = "a", .at = AT};
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_event_render(&b, &spec, false, &err), 0);
	size_t one = b.len;
	cr_assert_eq(yoi_event_render(&b, &spec, false, &err), 0);
	cr_assert_eq(b.len, 2 * one);
	cr_assert_eq(memcmp(b.ptr, b.ptr + one, one), 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(b.ptr, &d);
	cr_assert_eq(t->n, 2);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->ev[0].end, one);
	cr_assert_eq(t->ev[1].start, one);
	cr_assert_eq(t->ev[1].line, 6);
	yoi_thread_free(t);
	yoi_buf_free(&b);
}

Test(thread, render_heading_choice)
{
	yoi_attr approve[] = {{"status", "approve"}};
	yoi_attr changes[] = {{"status", "request_changes"}};
	yoi_event_spec spec = {.kind = "review",
			       .author = "r",
			       .at = AT,
			       .attrs = approve,
			       .nattrs = 1};
	char *s = render(&spec, false);
	cr_assert_not_null(strstr(s, "\n## Review: approve\n"));
	free(s);
	spec.attrs = changes;
	s = render(&spec, false);
	cr_assert_not_null(strstr(s, "\n## Review: request changes\n"));
	free(s);
	spec.nattrs = 0;
	s = render(&spec, false);
	cr_assert_not_null(strstr(s, "\n## Review\n"));
	free(s);
	spec.kind = "custom_kind";
	s = render(&spec, false);
	cr_assert_not_null(strstr(s, "\n## custom_kind\n"));
	free(s);
	spec.heading = "My own heading";
	s = render(&spec, false);
	cr_assert_not_null(strstr(s, "\n## My own heading\n"));
	free(s);
}

/* ---- round trips --------------------------------------------------------- */

Test(thread, round_trip_every_kind)
{
	static const char *const kinds[] = {"create",
					    "comment",
					    "plan",
					    "decision",
					    "implementation_report",
					    "review",
					    "state_changed",
					    "intake_summary",
					    "close",
					    "closed",
					    "reopen",
					    "relation",
					    "edit",
					    "migration",
					    "unknown_future_kind"};
	yoi_attr attrs[] = {{"status", "approve"},
			    {"reason", "because it is time"},
			    {"field", "state"}};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		yoi_event_spec spec = {.kind = kinds[i],
				       .author = "yoi ticket",
				       .at = AT,
				       .attrs = attrs,
				       .nattrs = 3,
				       .body = "Line one.\n\nLine *two*."};
		round_trip(&spec, false, "Line one.\n\nLine *two*.");
		round_trip(&spec, true, "Line one.\n\nLine *two*.");
		char *s = render(&spec, false);
		yoi_thread *t = parse(s, NULL);
		const char *h = yoi_thread_heading(kinds[i], "approve");
		cr_assert_str_eq(t->ev[0].heading, h ? h : kinds[i]);
		yoi_thread_free(t);
		free(s);
	}
}

Test(thread, round_trip_quoted_values)
{
	yoi_attr attrs[] = {
	    {"quote", "say \"hi\""},
	    {"back", "C:\\path\\to"},
	    {"both", "\\\"mixed\" \\"},
	    {"empty", ""},
	    {"tab", "a\tb"},
	    {"spaces", "  lead and trail  "},
	    {"utf8", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
	    {"bare", "token-with_punct.=/:"},
	    {"dash", "a-b--c"},
	};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "yoi ticket",
			       .at = AT,
			       .attrs = attrs,
			       .nattrs = sizeof(attrs) / sizeof(*attrs),
			       .body = "b"};
	char *s = render(&spec, false);
	cr_assert_not_null(strstr(s, " author: \"yoi ticket\" "));
	cr_assert_not_null(strstr(s, " quote: \"say \\\"hi\\\"\" "));
	cr_assert_not_null(strstr(s, " back: \"C:\\\\path\\\\to\" "));
	cr_assert_not_null(strstr(s, " empty: \"\" "));
	cr_assert_not_null(strstr(s, " bare: token-with_punct.=/: "));
	free(s);
	round_trip(&spec, false, "b");
	round_trip(&spec, true, "b");
}

Test(thread, parse_quoted_escapes_from_text)
{
	const char *s = "<!-- event: comment author: \"yoi ticket\" at: " AT
			" note: \"a \\\"b\\\" \\\\c\" path: x\\y -->\n\n"
			"## Comment\n\nhi\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].author, "yoi ticket");
	cr_assert_str_eq(yoi_event_attr(&t->ev[0], "note"), "a \"b\" \\c");
	/* Backslashes in a bare token are literal. */
	cr_assert_str_eq(yoi_event_attr(&t->ev[0], "path"), "x\\y");
	cr_assert_null(yoi_event_attr(&t->ev[0], "missing"));
	cr_assert_null(yoi_event_attr(NULL, "note"));
	cr_assert_null(yoi_event_attr(&t->ev[0], NULL));
	cr_assert_str_eq(yoi_event_attr(&t->ev[0], "event"), "comment");
	cr_assert_eq(t->ev[0].kind, yoi_event_attr(&t->ev[0], "event"));
	cr_assert_eq(t->ev[0].author, yoi_event_attr(&t->ev[0], "author"));
	cr_assert_eq(t->ev[0].at, yoi_event_attr(&t->ev[0], "at"));
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, parse_extra_spaces_between_attributes)
{
	const char *s = "<!-- event: comment   author:  a  at: " AT
			"   x: 1  -->\n\n## Comment\n\nb\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->ev[0].nattrs, 4);
	cr_assert_str_eq(t->ev[0].author, "a");
	cr_assert_str_eq(yoi_event_attr(&t->ev[0], "x"), "1");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, body_with_separator_lines)
{
	const char *bodies[] = {
	    "before\n---\nafter",    "---\nstarts with a rule",
	    "ends with a rule\n---", "---",
	    "a\n---\n---\n\n---\nb", "----\n--- \n ---",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		yoi_event_spec spec = {.kind = "comment",
				       .author = "a",
				       .at = AT,
				       .body = bodies[i]};
		round_trip(&spec, false, bodies[i]);
		round_trip(&spec, true, bodies[i]);
	}
	/* Two events: each body keeps its own rules. */
	const char *s =
	    "<!-- event: plan author: a at: " AT " -->\n\n## Plan\n\n"
	    "step 1\n---\nstep 2\n\n---\n\n"
	    "<!-- event: comment author: b at: " AT " -->\n\n## Comment\n\n"
	    "c\n---\nd\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 2);
	cr_assert_str_eq(t->ev[0].body, "step 1\n---\nstep 2");
	cr_assert_str_eq(t->ev[1].body, "c\n---\nd");
	cr_assert_eq(t->ev[1].line, 11);
	cr_assert_eq(t->ev[1].start, strstr(s, "<!-- event: comment") - s);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, missing_blank_lines)
{
	const char *s = "<!-- event: create author: a at: " AT " -->\n"
			"## Created\n"
			"body one\n"
			"---\n"
			"<!-- event: comment author: b at: " AT " -->\n"
			"## Comment\n"
			"body two\n"
			"---\n"
			"<!-- event: comment author: c at: " AT " -->\n"
			"no heading here\n"
			"---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 3);
	cr_assert_str_eq(t->ev[0].heading, "Created");
	cr_assert_str_eq(t->ev[0].body, "body one");
	cr_assert_str_eq(t->ev[1].heading, "Comment");
	cr_assert_str_eq(t->ev[1].body, "body two");
	cr_assert_eq(t->ev[1].line, 5);
	cr_assert_null(t->ev[2].heading);
	cr_assert_str_eq(t->ev[2].body, "no heading here");
	/* Blocks tile the file. */
	cr_assert_eq(t->ev[0].end, t->ev[1].start);
	cr_assert_eq(t->ev[1].end, t->ev[2].start);
	cr_assert_eq(t->ev[2].end, strlen(s));
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, marker_then_separator_only)
{
	const char *s = "<!-- event: edit author: a at: " AT " -->\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	cr_assert_null(t->ev[0].heading);
	cr_assert_not_null(t->ev[0].body);
	cr_assert_str_eq(t->ev[0].body, "");
	cr_assert_eq(t->ev[0].end, strlen(s));
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, leading_blank_lines)
{
	const char *s = "\n\n  \n\t\n"
			"<!-- event: create author: a at: " AT " -->\n\n\n"
			"## Created   \n\n\n\n"
			"\n  \nbody\n\n  \n\n---\n\n\n"
			"<!-- event: comment author: a at: " AT " -->\n\n"
			"## Comment\n\nx\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].code : "");
	cr_assert_eq(t->n, 2);
	cr_assert_eq(t->ev[0].line, 5);
	cr_assert_eq(t->ev[0].start, 7);
	cr_assert_str_eq(t->ev[0].heading, "Created");
	cr_assert_str_eq(t->ev[0].body, "body");
	size_t off = (size_t)(strstr(s, "<!-- event: comment") - s);
	cr_assert_eq(t->ev[1].start, off);
	cr_assert_eq(t->ev[1].line, line_at(s, off));
	cr_assert_eq(t->ev[1].line, 21);
	cr_assert_str_eq(t->ev[1].body, "x");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, body_inner_blank_lines_kept)
{
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .body = "a\n\n\nb\n   \nc\n  indented"};
	round_trip(&spec, false, spec.body);
	/* Leading/trailing blank lines of the body are trimmed on read. */
	spec.body = "\n\n  \nmiddle\n \n\n";
	char *s = render(&spec, false);
	yoi_thread *t = parse(s, NULL);
	cr_assert_str_eq(t->ev[0].body, "middle");
	yoi_thread_free(t);
	free(s);
}

Test(thread, no_trailing_newline)
{
	const char *s = "<!-- event: comment author: a at: " AT
			" -->\n\n## Comment\n\nlast\n\n---";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].body, "last");
	cr_assert_eq(t->ev[0].end, strlen(s));
	yoi_thread_free(t);
	yoi_diag_free(&d);

	/* Cut off in the middle of the body: kept, with a warning. */
	const char *cut = "<!-- event: comment author: a at: " AT
			  " -->\n\n## Comment\n\npartial";
	t = parse(cut, &d);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].body, "partial");
	cr_assert_eq(t->ev[0].end, strlen(cut));
	expect_diag(&d, "thread-missing-separator", YOI_DIAG_WARNING, 1);
	cr_assert_eq(yoi_diag_count(&d, YOI_DIAG_ERROR), 0);
	yoi_thread_free(t);
	yoi_diag_free(&d);

	/* A marker as the very last bytes. */
	const char *m = "<!-- event: comment author: a at: " AT " -->";
	t = parse(m, &d);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].kind, "comment");
	cr_assert_null(t->ev[0].heading);
	cr_assert_str_eq(t->ev[0].body, "");
	cr_assert_eq(t->ev[0].end, strlen(m));
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, crlf_input)
{
	const char *s =
	    "<!-- event: create author: \"yoi ticket\" at: " AT
	    " -->\r\n\r\n## Created  \r\n\r\nline 1\r\n\r\nline 2\r\n"
	    "---\r\nline 3\r\n\r\n---\r\n\r\n"
	    "<!-- event: state_changed author: o at: " AT
	    " from: ready to: queued reason: go field: state -->\r\n"
	    "\r\n## State changed\r\n\r\n---\r\n";
	cr_assert(yoi_thread_is_crlf(s, strlen(s)));
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert_eq(t->n, 2);
	cr_assert_str_eq(t->ev[0].author, "yoi ticket");
	cr_assert_str_eq(t->ev[0].at, AT);
	cr_assert_str_eq(t->ev[0].heading, "Created");
	cr_assert_str_eq(t->ev[0].body, "line 1\n\nline 2\n---\nline 3");
	cr_assert_str_eq(yoi_event_attr(&t->ev[1], "field"), "state");
	cr_assert_str_eq(t->ev[1].heading, "State changed");
	cr_assert_str_eq(t->ev[1].body, "");
	cr_assert_eq(t->ev[1].line, 13);
	cr_assert_eq(t->ev[1].end, strlen(s));
	cr_assert_str_eq(yoi_thread_replay_state(t), "queued");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, empty_file)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = NULL;
	cr_assert_eq(yoi_thread_parse(&t, "", 0, PATH, &d), 0);
	cr_assert_not_null(t);
	cr_assert_eq(t->n, 0);
	cr_assert_eq(d.n, 0);
	cr_assert_null(yoi_thread_replay_state(t));
	yoi_thread_free(t);
	t = NULL;
	cr_assert_eq(yoi_thread_parse(&t, NULL, 0, PATH, &d), 0);
	cr_assert_eq(t->n, 0);
	yoi_thread_free(t);
	t = parse("\n\r\n  \n\t\n", &d);
	cr_assert_eq(t->n, 0);
	cr_assert_eq(d.n, 0);
	yoi_thread_free(t);
	yoi_thread_free(NULL);
	yoi_diag_free(&d);
}

Test(thread, parse_with_null_diag)
{
	const char *s = "junk\n<!-- event: comment at: x\n"
			"<!-- event: comment -->\nbody\n";
	yoi_thread *t = parse(s, NULL);
	cr_assert_eq(t->n, 2);
	cr_assert_null(t->ev[0].kind);
	cr_assert_str_eq(t->ev[1].kind, "comment");
	cr_assert_null(t->ev[1].author);
	cr_assert_str_eq(t->ev[1].body, "body");
	yoi_thread_free(t);
}

Test(thread, bom_is_skipped)
{
	const char *s = "\xEF\xBB\xBF<!-- event: create author: a at: " AT
			" -->\n\n## Created\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	cr_assert_eq(t->ev[0].start, 3);
	cr_assert_eq(t->ev[0].line, 1);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

/* ---- event injection --------------------------------------------------- */

Test(thread, injection_round_trips)
{
	static const char *const bodies[] = {
	    "<!-- event: comment author: x at: y -->",
	    "   <!-- event: comment author: x at: y -->",
	    "\t<!-- event: comment author: x at: y -->",
	    "\\<!-- event: comment author: x at: y -->",
	    "\\\\<!-- event: comment author: x at: y -->",
	    "\\  <!-- event: comment author: x at: y -->",
	    " \\<!-- event: comment author: x at: y -->",
	    "<!-- event:",
	    "<!-- event:x",
	    "before\n<!-- event: comment author: x at: y -->\n\n## "
	    "Comment\n\nforged body\n\n---\n\nafter",
	    "<!-- event: a author: b at: c -->\n---\n<!-- event: d "
	    "author: e at: f -->\n---",
	    "\\\\\\ <!-- event: comment author: x at: y -->\nplain \\ line",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		yoi_event_spec spec = {.kind = "comment",
				       .author = "a",
				       .at = AT,
				       .body = bodies[i]};
		round_trip(&spec, false, bodies[i]);
		round_trip(&spec, true, bodies[i]);
		char *s = render(&spec, false);
		/* No rendered line other than the first opens an event. */
		for (const char *p = strchr(s, '\n'); p;
		     p = strchr(p + 1, '\n'))
			cr_assert_neq(strncmp(p + 1, "<!-- event:", 11), 0,
				      "forged marker in\n%s", s);
		free(s);
	}
}

Test(thread, injection_escaped_exactly)
{
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .body =
				   "<!-- event: comment author: x at: y -->\n"
				   "  <!-- event: c -->\n"
				   "\\<!-- event: c -->\n"
				   "x <!-- event: c -->"};
	char *s = render(&spec, false);
	cr_assert_not_null(
	    strstr(s, "\n\\<!-- event: comment author: x at: y -->\n"
		      "\\  <!-- event: c -->\n"
		      "\\\\<!-- event: c -->\n"
		      "x <!-- event: c -->\n\n---\n"));
	free(s);
}

Test(thread, injection_then_real_event)
{
	yoi_event_spec one = {.kind = "comment",
			      .author = "mallory",
			      .at = AT,
			      .body = "<!-- event: close author: x at: y -->\n"
				      "\n## Closed\n\n---"};
	yoi_event_spec two = {
	    .kind = "comment", .author = "alice", .at = AT, .body = "real"};
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_event_render(&b, &one, false, &err), 0);
	cr_assert_eq(yoi_event_render(&b, &two, false, &err), 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(b.ptr, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 2);
	cr_assert_str_eq(t->ev[0].author, "mallory");
	cr_assert_str_eq(t->ev[0].body, one.body);
	cr_assert_str_eq(t->ev[1].author, "alice");
	cr_assert_str_eq(t->ev[1].body, "real");
	/* The forged close does not close the ticket. */
	cr_assert_null(yoi_thread_replay_state(t));
	yoi_thread_free(t);
	yoi_buf_free(&b);
	yoi_diag_free(&d);
}

Test(thread, escaped_line_never_a_marker_when_read)
{
	const char *s =
	    "<!-- event: comment author: a at: " AT " -->\n\n## Comment\n\n"
	    "\\<!-- event: close author: x at: y -->\n"
	    "\\\\ <!-- event: close author: x at: y -->\n"
	    "\\not a marker\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].body,
			 "<!-- event: close author: x at: y -->\n"
			 "\\ <!-- event: close author: x at: y -->\n"
			 "\\not a marker");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

/* ---- render refusals ---------------------------------------------------- */

Test(thread, render_refuses_line_breaks_in_values)
{
	yoi_attr nl[] = {{"reason", "two\nlines"}};
	yoi_attr cr[] = {{"reason", "carriage\rreturn"}};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .attrs = nl,
			       .nattrs = 1};
	refuse(&spec, "reason");
	spec.attrs = cr;
	refuse(&spec, "reason");
	spec.nattrs = 0;
	spec.author = "a\nb";
	refuse(&spec, "author");
	spec.author = "a";
	spec.at = "2026\r\n";
	refuse(&spec, "at");
	spec.at = AT;
	spec.kind = "com\nment";
	refuse(&spec, "event");
	spec.kind = "comment";
	spec.heading = "Two\nlines";
	refuse(&spec, "heading");
}

Test(thread, render_refuses_comment_close_in_values)
{
	yoi_attr attrs[] = {{"reason", "sneaky --> end"}};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .attrs = attrs,
			       .nattrs = 1};
	refuse(&spec, "reason");
	attrs[0].value = "-->";
	refuse(&spec, "reason");
	spec.nattrs = 0;
	spec.author = "x-->";
	refuse(&spec, "author");
	/* "->" and "--" alone are fine. */
	spec.author = "a->b--c";
	yoi_event_spec ok = spec;
	round_trip(&ok, false, "");
}

Test(thread, render_refuses_long_values)
{
	char *v = malloc(YOI_THREAD_VALUE_MAX + 2);
	memset(v, 'v', YOI_THREAD_VALUE_MAX + 1);
	v[YOI_THREAD_VALUE_MAX + 1] = '\0';
	yoi_attr attrs[] = {{"reason", v}};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .attrs = attrs,
			       .nattrs = 1};
	refuse(&spec, "reason");
	/* Exactly the limit is accepted and survives. */
	v[YOI_THREAD_VALUE_MAX] = '\0';
	round_trip(&spec, false, "");
	spec.nattrs = 0;
	v[YOI_THREAD_VALUE_MAX] = 'v';
	spec.author = v;
	refuse(&spec, "author");
	free(v);
}

Test(thread, render_refuses_bad_keys)
{
	static const char *const bad[] = {
	    "", "Reason", "re-son", "re son", "r:", "caf\xc3\xa9", "a.b"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		yoi_attr attrs[] = {{(char *)bad[i], "v"}};
		yoi_event_spec spec = {.kind = "comment",
				       .author = "a",
				       .at = AT,
				       .attrs = attrs,
				       .nattrs = 1};
		refuse(&spec, bad[i]);
	}
	yoi_attr null_key[] = {{NULL, "v"}};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .attrs = null_key,
			       .nattrs = 1};
	refuse(&spec, "key");
	/* Good keys: lower case, digits, underscore. */
	yoi_attr good[] = {{"a_1", "v"}, {"9", "w"}, {"_", "x"}};
	spec.attrs = good;
	spec.nattrs = 3;
	round_trip(&spec, false, "");
}

Test(thread, render_refuses_duplicate_and_missing_attrs)
{
	yoi_attr dup[] = {{"to", "a"}, {"to", "b"}};
	yoi_attr shadow[] = {{"author", "b"}};
	yoi_attr null_value[] = {{"reason", NULL}};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .attrs = dup,
			       .nattrs = 2};
	refuse(&spec, "to");
	spec.attrs = shadow;
	spec.nattrs = 1;
	refuse(&spec, "author");
	spec.attrs = null_value;
	refuse(&spec, "reason");
	spec.nattrs = 0;
	spec.kind = NULL;
	refuse(&spec, "event");
	spec.kind = "";
	refuse(&spec, "event");
	spec.kind = "comment";
	spec.author = "";
	refuse(&spec, "author");
	spec.author = NULL;
	refuse(&spec, "author");
	spec.author = "a";
	spec.at = "";
	refuse(&spec, "at");
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_event_render(&b, NULL, false, &err), YOI_EUSAGE);
	yoi_buf_free(&b);
}

Test(thread, render_refuses_large_body_unless_allowed)
{
	size_t n = YOI_THREAD_BODY_MAX + 1;
	char *body = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		body[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	body[n - 1] = 'z';
	body[n] = '\0';
	yoi_event_spec spec = {
	    .kind = "comment", .author = "a", .at = AT, .body = body};
	refuse(&spec, "body");
	spec.allow_large = true;
	round_trip(&spec, false, body);
	/* Exactly the limit needs no flag. */
	spec.allow_large = false;
	body[YOI_THREAD_BODY_MAX] = '\0';
	body[YOI_THREAD_BODY_MAX - 1] = 'z';
	round_trip(&spec, false, body);
	free(body);
}

Test(thread, render_refuses_invalid_utf8)
{
	yoi_attr attrs[] = {{"reason", "bad \xff byte"}};
	yoi_event_spec spec = {.kind = "comment",
			       .author = "a",
			       .at = AT,
			       .attrs = attrs,
			       .nattrs = 1};
	refuse(&spec, "reason");
	spec.nattrs = 0;
	spec.author = "\xc0\xaf"; /* overlong */
	refuse(&spec, "author");
	spec.author = "a";
	spec.body = "ok line\n\xed\xa0\x80 surrogate";
	refuse(&spec, "body");
	spec.body = "truncated \xe6\x97";
	refuse(&spec, "body");
	spec.body = NULL;
	spec.heading = "bad \xfe";
	refuse(&spec, "heading");
	spec.heading = NULL;
	spec.body = "good \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";
	round_trip(&spec, false, spec.body);
}

/* ---- malformed input ---------------------------------------------------- */

Test(thread, malformed_unterminated_quote)
{
	const char *s =
	    "<!-- event: create author: a at: " AT " -->\n\n## Created\n\n"
	    "one\n\n---\n\n"
	    "<!-- event: comment author: \"broken at: " AT " -->\n\n"
	    "## Comment\n\nlost text\n\n---\n\n"
	    "<!-- event: comment author: c at: " AT " -->\n\n"
	    "## Comment\n\nthree\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 3);
	expect_diag(&d, "thread-malformed-event", YOI_DIAG_ERROR, 9);
	cr_assert_eq(count_code(&d, "thread-malformed-event"), 1);
	cr_assert_eq(d.n, 1);
	cr_assert_null(t->ev[1].kind);
	cr_assert_null(t->ev[1].author);
	cr_assert_null(t->ev[1].at);
	cr_assert_eq(t->ev[1].line, 9);
	cr_assert_str_eq(t->ev[1].body, "lost text");
	/* Neither neighbour swallowed the broken event's text. */
	cr_assert_str_eq(t->ev[0].body, "one");
	cr_assert_str_eq(t->ev[2].kind, "comment");
	cr_assert_str_eq(t->ev[2].author, "c");
	cr_assert_str_eq(t->ev[2].body, "three");
	cr_assert_eq(t->ev[2].line, 17);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, malformed_missing_close)
{
	const char *s = "<!-- event: comment author: a at: " AT "\n"
			"body of broken\n---\n"
			"<!-- event: comment author: b at: " AT " -->\n\n"
			"## Comment\n\nok\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 2);
	expect_diag(&d, "thread-malformed-event", YOI_DIAG_ERROR, 1);
	cr_assert_eq(d.n, 1);
	cr_assert_null(t->ev[0].kind);
	cr_assert_eq(t->ev[0].nattrs, 0);
	cr_assert_str_eq(t->ev[0].body, "body of broken");
	cr_assert_str_eq(t->ev[1].author, "b");
	cr_assert_str_eq(t->ev[1].body, "ok");
	cr_assert_eq(t->ev[1].line, 4);
	yoi_thread_free(t);
	yoi_diag_free(&d);

	/* "-->" glued to the value is not " -->". */
	t = parse("<!-- event: comment author: a at: b-->\n---\n", &d);
	cr_assert_eq(t->n, 1);
	cr_assert_null(t->ev[0].kind);
	expect_diag(&d, "thread-malformed-event", YOI_DIAG_ERROR, 1);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, malformed_first_attr_not_event)
{
	static const char *const bad[] = {
	    "<!-- event:comment author: a at: b -->",
	    "<!-- event: author: a at: b -->",
	    "<!-- event: -->",
	    "<!-- event: \"\" author: a at: b -->",
	    "<!-- event:  -->",
	    "<!-- event:",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf),
			 "<!-- event: create author: a at: " AT " -->\n\n"
			 "## Created\n\nfirst\n\n---\n"
			 "%s\n\n## X\n\nmid\n\n---\n"
			 "<!-- event: comment author: a at: " AT " -->\n\n"
			 "## Comment\n\nlast\n\n---\n",
			 bad[i]);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_thread *t = parse(buf, &d);
		cr_assert_eq(t->n, 3, "%s", bad[i]);
		expect_diag(&d, "thread-malformed-event", YOI_DIAG_ERROR, 8);
		cr_assert_eq(d.n, 1, "%s: %zu diags", bad[i], d.n);
		cr_assert_null(t->ev[1].kind, "%s", bad[i]);
		cr_assert_str_eq(t->ev[1].heading, "X");
		cr_assert_str_eq(t->ev[1].body, "mid");
		cr_assert_str_eq(t->ev[0].body, "first");
		cr_assert_str_eq(t->ev[2].body, "last");
		cr_assert_eq(t->ev[2].line, 15);
		yoi_thread_free(t);
		yoi_diag_free(&d);
	}
}

Test(thread, malformed_attribute_syntax)
{
	static const char *const bad[] = {
	    "<!-- event: comment author: a at: b k: -->",
	    "<!-- event: comment author: a k: at: b -->",
	    "<!-- event: comment author: a at: b  k:  -->",
	    "<!-- event: comment author: a at: \"b\" junk -->",
	    "<!-- event: comment author: \"a\"b at: c -->",
	    "<!-- event: comment author: \"a\\nb\" at: c -->",
	    "<!-- event: comment author: \"a\\\" at: c -->",
	    "<!-- event: comment author: a\tx at: c -->",
	    "<!-- event: comment author: a x\ty at: c -->",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf),
			 "\n%s\n\nbody\n\n---\n"
			 "<!-- event: comment author: a at: " AT " -->\n---\n",
			 bad[i]);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_thread *t = parse(buf, &d);
		cr_assert_eq(t->n, 2, "%s", bad[i]);
		expect_diag(&d, "thread-malformed-event", YOI_DIAG_ERROR, 2);
		cr_assert_eq(d.n, 1, "%s", bad[i]);
		cr_assert_null(t->ev[0].kind, "%s", bad[i]);
		cr_assert_eq(t->ev[0].nattrs, 0);
		cr_assert_str_eq(t->ev[0].body, "body");
		cr_assert_str_eq(t->ev[1].kind, "comment");
		yoi_thread_free(t);
		yoi_diag_free(&d);
	}
}

Test(thread, missing_author_and_at)
{
	const char *s =
	    "<!-- event: comment at: " AT " -->\n\n## C\n\n---\n"
	    "<!-- event: comment author: a -->\n\n## C\n\n---\n"
	    "<!-- event: state_changed to: done -->\n---\n"
	    "<!-- event: comment author: \"\" at: " AT " -->\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 4);
	cr_assert_str_eq(t->ev[0].kind, "comment");
	cr_assert_null(t->ev[0].author);
	cr_assert_str_eq(t->ev[0].at, AT);
	cr_assert_str_eq(t->ev[1].author, "a");
	cr_assert_null(t->ev[1].at);
	cr_assert_null(t->ev[2].author);
	cr_assert_null(t->ev[2].at);
	cr_assert_null(t->ev[3].author);
	cr_assert_str_eq(yoi_event_attr(&t->ev[3], "author"), "");
	expect_diag(&d, "thread-missing-author", YOI_DIAG_ERROR, 1);
	expect_diag(&d, "thread-missing-at", YOI_DIAG_ERROR, 6);
	cr_assert_eq(count_code(&d, "thread-missing-author"), 3);
	cr_assert_eq(count_code(&d, "thread-missing-at"), 2);
	cr_assert_eq(count_code(&d, "thread-malformed-event"), 0);
	cr_assert_eq(d.n, 5);
	/* Still replayed: it has a kind. */
	cr_assert_str_eq(yoi_thread_replay_state(t), "done");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, duplicate_attributes_keep_first)
{
	const char *s = "<!-- event: state_changed author: a at: " AT
			" to: done to: closed author: b -->\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 1);
	cr_assert_eq(t->ev[0].nattrs, 4);
	cr_assert_str_eq(t->ev[0].author, "a");
	cr_assert_str_eq(yoi_event_attr(&t->ev[0], "to"), "done");
	cr_assert_eq(count_code(&d, "thread-duplicate-attr"), 2);
	expect_diag(&d, "thread-duplicate-attr", YOI_DIAG_WARNING, 1);
	cr_assert_eq(yoi_diag_count(&d, YOI_DIAG_ERROR), 0);
	cr_assert_str_eq(yoi_thread_replay_state(t), "done");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, many_attributes_with_duplicates)
{
	/* Enough attributes to leave the pairwise path. */
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "<!-- event: edit author: a at: " AT), 0);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(yoi_buf_printf(&b, " k%d: v%d", i % 150, i), 0);
	cr_assert_eq(yoi_buf_puts(&b, " -->\n---\n"), 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(b.ptr, &d);
	cr_assert_eq(t->ev[0].nattrs, 153);
	cr_assert_eq(count_code(&d, "thread-duplicate-attr"), 50);
	for (int i = 0; i < 150; i++) {
		char k[16], v[16];
		snprintf(k, sizeof(k), "k%d", i);
		snprintf(v, sizeof(v), "v%d", i);
		cr_assert_str_eq(yoi_event_attr(&t->ev[0], k), v);
		cr_assert_str_eq(t->ev[0].attrs[i + 3].key, k);
	}
	yoi_thread_free(t);
	yoi_diag_free(&d);
	yoi_buf_free(&b);
}

Test(thread, stray_text_before_first_event)
{
	const char *s = "\n"
			"Some notes someone typed\n"
			"more notes\n"
			"\n"
			"<!-- event: create author: a at: " AT " -->\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].kind, "create");
	cr_assert_eq(t->ev[0].line, 5);
	expect_diag(&d, "thread-stray-text", YOI_DIAG_WARNING, 2);
	cr_assert_eq(count_code(&d, "thread-stray-text"), 1);
	cr_assert_eq(d.n, 1);
	yoi_thread_free(t);
	yoi_diag_free(&d);

	/* Only text, no events at all. */
	t = parse("just text\nno events\n", &d);
	cr_assert_eq(t->n, 0);
	expect_diag(&d, "thread-stray-text", YOI_DIAG_WARNING, 1);
	cr_assert_eq(d.n, 1);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, stray_text_after_separator)
{
	const char *s = "<!-- event: create author: a at: " AT " -->\n\n"
			"## Created\n\nbody\n\n---\n\ndangling\nmore\n\n"
			"<!-- event: comment author: a at: " AT " -->\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 2);
	cr_assert_str_eq(t->ev[0].body, "body");
	expect_diag(&d, "thread-stray-text", YOI_DIAG_WARNING, 9);
	cr_assert_eq(d.n, 1);
	/* end stops at the separator; the stray text is in no block. */
	cr_assert_eq(t->ev[0].end, (size_t)(strstr(s, "---\n") - s) + 4);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, missing_separator)
{
	const char *s = "<!-- event: create author: a at: " AT " -->\n\n"
			"## Created\n\nno rule here\n\n"
			"<!-- event: comment author: a at: " AT " -->\n\n"
			"## Comment\n\nsecond\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 2);
	cr_assert_str_eq(t->ev[0].body, "no rule here");
	cr_assert_eq(t->ev[0].end, t->ev[1].start);
	cr_assert_str_eq(t->ev[1].body, "second");
	expect_diag(&d, "thread-missing-separator", YOI_DIAG_WARNING, 1);
	cr_assert_eq(d.n, 1);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, heading_details)
{
	const char *s = "<!-- event: comment author: a at: " AT " -->\n\n"
			"## Spaced heading \t \n\nb\n---\n"
			"<!-- event: comment author: a at: " AT " -->\n\n"
			"##not a heading\n---\n"
			"<!-- event: comment author: a at: " AT " -->\n"
			"## \n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 3);
	cr_assert_eq(d.n, 0);
	cr_assert_str_eq(t->ev[0].heading, "Spaced heading");
	cr_assert_null(t->ev[1].heading);
	cr_assert_str_eq(t->ev[1].body, "##not a heading");
	cr_assert_str_eq(t->ev[2].heading, "");
	cr_assert_str_eq(t->ev[2].body, "");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, indented_marker_is_body)
{
	const char *s = "<!-- event: comment author: a at: " AT " -->\n\n"
			"## Comment\n\n"
			" <!-- event: close author: a at: " AT " -->\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 1);
	cr_assert_eq(d.n, 0);
	cr_assert_str_eq(t->ev[0].body,
			 " <!-- event: close author: a at: " AT " -->");
	cr_assert_null(yoi_thread_replay_state(t));
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

/* ---- replay ------------------------------------------------------------- */

static const char *replay(const char *s, char *out, size_t cap)
{
	yoi_thread *t = parse(s, NULL);
	const char *st = yoi_thread_replay_state(t);
	if (st)
		snprintf(out, cap, "%s", st);
	yoi_thread_free(t);
	return st ? out : NULL;
}

#define EV(kind, extra)                                                        \
	"<!-- event: " kind " author: a at: " AT extra " -->\n\n## H\n\n---\n"

Test(thread, replay_ordering)
{
	char st[64];
	cr_assert_null(replay(EV("create", "") EV("comment", ""), st, 64));
	cr_assert_str_eq(
	    replay(EV("create", "")
		       EV("state_changed", " from: planning to: ready")
			   EV("state_changed", " from: ready to: queued"),
		   st, 64),
	    "queued");
	cr_assert_str_eq(replay(EV("state_changed", " to: inprogress")
				    EV("close", " status: closed"),
				st, 64),
			 "closed");
	cr_assert_str_eq(replay(EV("state_changed", " to: inprogress")
				    EV("closed", ""),
				st, 64),
			 "closed");
	/* A later state change wins over an earlier close (reopen). */
	cr_assert_str_eq(
	    replay(EV("close", "") EV("reopen", "")
		       EV("state_changed", " from: closed to: planning"),
		   st, 64),
	    "planning");
	/* reopen alone sets nothing. */
	cr_assert_str_eq(replay(EV("close", "") EV("reopen", ""), st, 64),
			 "closed");
}

Test(thread, replay_ignores_unknown_and_incomplete)
{
	char st[64];
	cr_assert_str_eq(replay(EV("state_changed", " to: done")
				    EV("frobnicate", " to: nowhere")
					EV("state_changed", " from: done")
					    EV("state_changed", " to: \"\"")
						EV("comment", " to: ignored")
						    EV("closing", ""),
				st, 64),
			 "done");
	/* Malformed markers are ignored, even when they look like closes. */
	cr_assert_str_eq(
	    replay(EV("state_changed",
		      " to: ready") "<!-- event: close author: \"x at: y "
				    "-->\n---\n"
				    "<!-- event: close author: x at: y\n---\n",
		   st, 64),
	    "ready");
	cr_assert_null(yoi_thread_replay_state(NULL));
}

Test(thread, replay_points_into_thread)
{
	yoi_thread *t = parse(EV("state_changed", " to: inprogress"), NULL);
	const char *st = yoi_thread_replay_state(t);
	cr_assert_eq(st, yoi_event_attr(&t->ev[0], "to"));
	yoi_thread_free(t);
}

/* ---- misc --------------------------------------------------------------- */

Test(thread, is_crlf)
{
	cr_assert(yoi_thread_is_crlf("a\r\nb\n", 5));
	cr_assert_not(yoi_thread_is_crlf("a\nb\r\n", 5));
	cr_assert_not(yoi_thread_is_crlf("abc", 3));
	cr_assert_not(yoi_thread_is_crlf("", 0));
	cr_assert_not(yoi_thread_is_crlf("\n", 1));
	cr_assert(yoi_thread_is_crlf("\r\n", 2));
	cr_assert_not(yoi_thread_is_crlf(NULL, 0));
	/* Only the bytes within len count. */
	cr_assert_not(yoi_thread_is_crlf("ab\r\n", 3));
}

Test(thread, offsets_reproduce_blocks)
{
	yoi_attr attrs[] = {{"to", "done"}};
	yoi_event_spec a = {
	    .kind = "comment", .author = "a", .at = AT, .body = "x\n---\ny"};
	yoi_event_spec b = {.kind = "state_changed",
			    .author = "b",
			    .at = AT,
			    .attrs = attrs,
			    .nattrs = 1};
	char *ra = render(&a, false), *rb = render(&b, false);
	char *s = yoi_sprintf("\n%s\n%s", ra, rb);
	yoi_thread *t = parse(s, NULL);
	cr_assert_eq(t->n, 2);
	cr_assert_eq(t->ev[0].end - t->ev[0].start, strlen(ra));
	cr_assert_eq(memcmp(s + t->ev[0].start, ra, strlen(ra)), 0);
	cr_assert_eq(t->ev[1].end - t->ev[1].start, strlen(rb));
	cr_assert_eq(memcmp(s + t->ev[1].start, rb, strlen(rb)), 0);
	cr_assert_eq(t->ev[1].end, strlen(s));
	yoi_thread_free(t);
	free(s);
	free(ra);
	free(rb);
}

Test(thread, binary_garbage_does_not_crash)
{
	char buf[4096];
	unsigned int x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
	/* Sprinkle markers and quotes into the noise. */
	memcpy(buf + 100, "\n<!-- event: \"", 14);
	memcpy(buf + 500, "\n<!-- event: a author: \"\\", 25);
	memcpy(buf + 900, "\n---\n<!-- event: x -->\n", 23);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = NULL;
	cr_assert_eq(yoi_thread_parse(&t, buf, sizeof(buf), PATH, &d), 0);
	cr_assert_geq(t->n, 3);
	for (size_t i = 0; i < t->n; i++) {
		cr_assert_not_null(t->ev[i].body);
		cr_assert_leq(t->ev[i].start, t->ev[i].end);
		cr_assert_leq(t->ev[i].end, sizeof(buf));
	}
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread, large_generated_thread)
{
	enum { N = 5000 };
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	char at[YOI_TIME_LEN + 1], reason[64];
	static const char *const states[] = {"planning", "ready", "queued",
					     "inprogress", "done"};
	for (int i = 0; i < N; i++) {
		yoi_time_format(1780000000 + i, at);
		snprintf(reason, sizeof(reason), "step %d of the run", i);
		yoi_attr attrs[] = {{"from", (char *)states[i % 5]},
				    {"to", (char *)states[(i + 1) % 5]},
				    {"reason", reason},
				    {"field", "state"}};
		yoi_event_spec spec = {
		    .kind = i % 3 ? "comment" : "state_changed",
		    .author = i % 2 ? "yoi ticket" : "orchestrator",
		    .at = at,
		    .attrs = attrs,
		    .nattrs = i % 3 ? 0 : 4,
		    .body = i % 7 ? "Some text.\n\n---\nMore text after "
				    "a rule.\n<!-- event: forged -->"
				  : NULL};
		cr_assert_eq(yoi_event_render(&b, &spec, false, &err), 0);
	}
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = NULL;
	cr_assert_eq(yoi_thread_parse(&t, b.ptr, b.len, PATH, &d), 0);
	cr_assert_eq(t->n, N);
	cr_assert_eq(d.n, 0);
	size_t prev_end = 0;
	for (int i = 0; i < N; i++) {
		const yoi_event *e = &t->ev[i];
		cr_assert_str_eq(e->kind, i % 3 ? "comment" : "state_changed");
		cr_assert_eq(e->start, prev_end);
		prev_end = e->end;
		if (i % 7)
			cr_assert_str_eq(e->body,
					 "Some text.\n\n---\nMore text after "
					 "a rule.\n<!-- event: forged -->");
		else
			cr_assert_str_eq(e->body, "");
	}
	cr_assert_eq(prev_end, b.len);
	/* Last state_changed is i = 4998: to states[4999 % 5] = "done". */
	cr_assert_str_eq(yoi_thread_replay_state(t), "done");
	yoi_thread_free(t);
	yoi_diag_free(&d);
	yoi_buf_free(&b);
}

/* ---- torn tails --------------------------------------------------------- */

Test(thread_torn, complete_threads_and_torn_ones)
{
	const char *ok = "<!-- event: create author: a at: " AT " -->\n\n"
			 "## Created\n\nx\n\n---\n";
	size_t keep;
	cr_assert_not(yoi_thread_torn_tail(ok, strlen(ok), &keep));
	cr_assert_eq(keep, strlen(ok));
	/* Blank lines after the last block are not a tail. */
	char buf[512];
	snprintf(buf, sizeof(buf), "%s\n\r\n  \n", ok);
	cr_assert_not(yoi_thread_torn_tail(buf, strlen(buf), &keep));
	cr_assert_eq(keep, strlen(ok));
	/* "---" without its newline at the end of the file is complete. */
	cr_assert_not(yoi_thread_torn_tail(ok, strlen(ok) - 1, &keep));
	cr_assert_eq(keep, strlen(ok) - 1);
	/* A partial marker, a marker alone, a block without its "---". */
	const char *tails[] = {"<",
			       "<!-- event: comm",
			       "<!-- event: comment author: a at: " AT " -->\n",
			       "<!-- event: comment author: a at: " AT
			       " -->\n\n## Comment\n\nhalf a bo",
			       "\n--",
			       "stray\n",
			       "-- -\n",
			       "----\n",
			       "\0"};
	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++) {
		size_t tl = i == 8 ? 1 : strlen(tails[i]);
		memcpy(buf, ok, strlen(ok));
		memcpy(buf + strlen(ok), tails[i], tl);
		size_t n = strlen(ok) + tl;
		cr_assert(yoi_thread_torn_tail(buf, n, &keep), "tail %zu", i);
		cr_assert_eq(keep, strlen(ok), "tail %zu", i);
	}
	/* CRLF threads: "---\r\n" closes a block. */
	const char *crlf = "<!-- event: create author: a at: " AT " -->\r\n\r\n"
			   "## Created\r\n\r\nx\r\n\r\n---\r\n<!-- ev";
	cr_assert(yoi_thread_torn_tail(crlf, strlen(crlf), &keep));
	cr_assert_eq(keep, strlen(crlf) - strlen("<!-- ev"));
	/* Nothing complete at all. */
	cr_assert(yoi_thread_torn_tail("<!-- event: x", 13, &keep));
	cr_assert_eq(keep, 0);
	cr_assert_not(yoi_thread_torn_tail("", 0, &keep));
	cr_assert_eq(keep, 0);
	cr_assert_not(yoi_thread_torn_tail("\n\n", 2, NULL));
}

/* A small deterministic generator (fixed seed): the same run every time. */
static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/*
 * Property: every prefix of a valid thread is either complete (ends at a
 * block boundary, or is the last "---" without its newline) or has a torn
 * tail; cutting the tail gives the longest complete prefix, whose parse
 * is exactly the first blocks of the thread, bodies intact.
 */
Test(thread_torn, every_prefix_is_complete_or_torn_back_to_a_block)
{
	uint32_t seed = 0x5eed1234u;
	for (int round = 0; round < 6; round++) {
		bool crlf = round % 2;
		yoi_buf t = YOI_BUF_INIT;
		size_t ends[12];
		char bodies[12][256];
		size_t nb = 2 + xorshift(&seed) % 9;
		for (size_t i = 0; i < nb; i++) {
			/* Bodies of words and lines, never a bare "---". */
			size_t bl = xorshift(&seed) % 200;
			for (size_t k = 0; k < bl; k++) {
				uint32_t r = xorshift(&seed) % 12;
				bodies[i][k] = r == 0	? '\n'
					       : r == 1 ? '-'
					       : r == 2 ? ' '
							: (char)('a' + r);
			}
			bodies[i][bl] = '\0';
			/* Letters at both ends: the parser trims blanks. */
			if (bl) {
				bodies[i][0] = 'a';
				bodies[i][bl - 1] = 'z';
			}
			/* Make sure no line is exactly "---". */
			for (char *p = strstr(bodies[i], "---"); p;
			     p = strstr(p + 1, "---"))
				p[1] = 'x';
			yoi_event_spec spec = {i ? "comment" : "create",
					       "a",
					       AT,
					       NULL,
					       0,
					       NULL,
					       bodies[i],
					       false};
			yoi_error err;
			yoi_error_clear(&err);
			cr_assert_eq(yoi_event_render(&t, &spec, crlf, &err), 0,
				     "%s", err.msg);
			ends[i] = t.len;
		}
		for (size_t n = 0; n <= t.len; n++) {
			size_t keep;
			bool torn = yoi_thread_torn_tail(t.ptr, n, &keep);
			/* The longest block boundary within the prefix. */
			size_t want = 0, m = 0;
			while (m < nb && ends[m] <= n)
				want = ends[m++];
			/* ... or the next closer without its line break. */
			bool closer_at_eof =
			    m < nb &&
			    (n == ends[m] - 1 || (crlf && n == ends[m] - 2));
			if (closer_at_eof) {
				cr_assert_not(torn, "prefix %zu", n);
				cr_assert_eq(keep, n);
				m++;
			} else {
				cr_assert_eq(keep, want, "prefix %zu: keep %zu",
					     n, keep);
				cr_assert_eq(torn, n != want, "prefix %zu", n);
			}
			/* The kept part is complete and parses to the first
			 * m blocks, bodies intact. */
			cr_assert_not(yoi_thread_torn_tail(t.ptr, keep, NULL));
			if (n % 7 && n != t.len && !torn)
				continue; /* parsing every prefix is slow */
			yoi_thread *th = NULL;
			cr_assert_eq(
			    yoi_thread_parse(&th, t.ptr, keep, PATH, NULL), 0);
			cr_assert_eq(th->n, m, "prefix %zu", n);
			for (size_t i = 0; i < m; i++) {
				char want_body[256];
				/* The parser trims trailing blank lines. */
				snprintf(want_body, sizeof(want_body), "%s",
					 bodies[i]);
				size_t wl = strlen(want_body);
				while (wl && (want_body[wl - 1] == '\n' ||
					      want_body[wl - 1] == ' '))
					want_body[--wl] = '\0';
				char *got = th->ev[i].body;
				size_t gl = strlen(got);
				while (gl && (got[gl - 1] == '\n' ||
					      got[gl - 1] == ' ' ||
					      got[gl - 1] == '\r'))
					gl--;
				cr_assert(gl == wl &&
					      strncmp(got, want_body, wl) == 0,
					  "prefix %zu block %zu: '%s' vs '%s'",
					  n, i, got, want_body);
			}
			yoi_thread_free(th);
		}
		yoi_buf_free(&t);
	}
}

/* ---- issue 13, class 4: unquoted values with spaces (older tools) ------- */

/* s with every "\n" turned into "\r\n" (caller frees). */
static char *to_crlf(const char *s)
{
	char *o = malloc(strlen(s) * 2 + 1);
	cr_assert_not_null(o);
	size_t j = 0;
	for (const char *c = s; *c; c++) {
		if (*c == '\n')
			o[j++] = '\r';
		o[j++] = *c;
	}
	o[j] = '\0';
	return o;
}

/* Parse s as written (LF) and as CRLF; run check on each. */
static void both_endings(const char *s,
			 void (*check)(const yoi_thread *, const yoi_diag *,
				       const char *))
{
	for (int crlf = 0; crlf < 2; crlf++) {
		char *buf = crlf ? to_crlf(s) : strdup(s);
		cr_assert_not_null(buf);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_thread *t = parse(buf, &d);
		check(t, &d, crlf ? "CRLF" : "LF");
		yoi_thread_free(t);
		yoi_diag_free(&d);
		free(buf);
	}
}

#define LEGACY_CREATE                                                          \
	"<!-- event: create author: yoi ticket at: 2026-01-05T10:00:00Z "      \
	"-->\n\n## Created\n\nmade by an older tool\n\n---\n"

static void check_legacy_create(const yoi_thread *t, const yoi_diag *d,
				const char *how)
{
	cr_assert_eq(d->n, 0, "%s: %s", how, d->n ? d->v[0].message : "");
	cr_assert_eq(t->n, 2, "%s", how);
	cr_assert_str_eq(t->ev[0].kind, "create", "%s", how);
	cr_assert_str_eq(t->ev[0].author, "yoi ticket", "%s", how);
	cr_assert_str_eq(t->ev[0].at, "2026-01-05T10:00:00Z", "%s", how);
	cr_assert_eq(t->ev[0].nattrs, 3, "%s", how);
	cr_assert_str_eq(t->ev[0].body, "made by an older tool", "%s", how);
	cr_assert_str_eq(t->ev[1].author, "a b c", "%s", how);
	cr_assert_str_eq(yoi_event_attr(&t->ev[1], "reason"),
			 "moved on,  after review", "%s", how);
	cr_assert_str_eq(yoi_event_attr(&t->ev[1], "to"), "ready", "%s", how);
	cr_assert_str_eq(yoi_thread_replay_state(t), "ready", "%s", how);
}

Test(thread_legacy, unquoted_value_with_spaces_runs_to_next_key_or_end)
{
	both_endings(LEGACY_CREATE
		     "<!-- event: state_changed author: a b c at: " AT
		     " from: planning to: ready field: state reason: moved "
		     "on,  after review   -->\n\n## State changed\n\n---\n",
		     check_legacy_create);
}

Test(thread_legacy, what_splits_an_unquoted_value)
{
	/* A space, a word of [a-z0-9_], a colon and a space (or the end)
	 * always starts the next attribute: that is the only reading. What
	 * lacks any of those stays in the value. */
	static const struct {
		const char *attrs, *key, *want;
	} tab[] = {
	    {"reason: see http://x.org/a at 10:00:00", "reason",
	     "see http://x.org/a at 10:00:00"},
	    {"reason: Note: Key: v k-1: v", "reason", "Note: Key: v k-1: v"},
	    {"reason: a k:v", "reason", "a k:v"},
	    {"reason: said \"hi\" then", "reason", "said \"hi\" then"},
	    {"reason: yoi note: x", "reason", "yoi"},
	    {"reason: yoi note: x", "note", "x"},
	    {"reason: one   two", "reason", "one   two"},
	    /* A first token like "x:" stays the value, as it always was. */
	    {"reason: x: y: z", "reason", "x:"},
	    {"reason: x: y: z", "y", "z"},
	    {"reason: a\"b", "reason", "a\"b"},
	    {"reason: \"quoted \\\"still\\\" works\"", "reason",
	     "quoted \"still\" works"},
	    {"reason: \"q\" note: plain words", "note", "plain words"},
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(*tab); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf),
			 "<!-- event: comment author: a at: " AT " %s -->\n"
			 "\n## Comment\n\n---\n",
			 tab[i].attrs);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_thread *t = parse(buf, &d);
		cr_assert_eq(d.n, 0, "%s: %s", tab[i].attrs,
			     d.n ? d.v[0].message : "");
		cr_assert_eq(t->n, 1);
		const char *v = yoi_event_attr(&t->ev[0], tab[i].key);
		cr_assert_not_null(v, "%s: no %s", tab[i].attrs, tab[i].key);
		cr_assert_str_eq(v, tab[i].want, "%s", tab[i].attrs);
		cr_assert_str_eq(t->ev[0].at, AT);
		yoi_thread_free(t);
		yoi_diag_free(&d);
	}
}

Test(thread_legacy, accepted_lines_parse_exactly_as_before)
{
	const char *s = "<!-- event: review author: \"yoi ticket\" at: " AT
			" status: approve note: \"a \\\"b\\\" \\\\ c\" x_1: "
			"tok -->\n\n## Review: approve\n\nok\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	const yoi_event *e = &t->ev[0];
	cr_assert_eq(e->nattrs, 6);
	static const char *const want[][2] = {
	    {"event", "review"},   {"author", "yoi ticket"}, {"at", AT},
	    {"status", "approve"}, {"note", "a \"b\" \\ c"}, {"x_1", "tok"},
	};
	for (size_t i = 0; i < 6; i++) {
		cr_assert_str_eq(e->attrs[i].key, want[i][0]);
		cr_assert_str_eq(e->attrs[i].value, want[i][1]);
	}
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread_legacy, what_stays_malformed_names_file_line_and_fix)
{
	/* An unterminated quote, a tab in an unquoted value, text after a
	 * closing quote, a key without a value: no reading is sure, so the
	 * line stays an error. */
	static const char *const bad[] = {
	    "<!-- event: comment author: \"yoi ticket at: " AT " -->",
	    "<!-- event: comment author: yoi\tticket at: " AT " -->",
	    "<!-- event: comment author: \"yoi\" ticket at: " AT " -->",
	    "<!-- event: comment author: yoi ticket note: -->",
	    "<!-- event: comment author: at: " AT " -->",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), LEGACY_CREATE "%s\n\nx\n\n---\n",
			 bad[i]);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_thread *t = parse(buf, &d);
		cr_assert_eq(t->n, 2, "%s", bad[i]);
		expect_diag(&d, "thread-malformed-event", YOI_DIAG_ERROR, 8);
		const yoi_diag_entry *e =
		    find_code(&d, "thread-malformed-event");
		cr_assert_not_null(strstr(e->message, "quote"), "%s",
				   e->message);
		cr_assert_null(t->ev[1].kind);
		cr_assert_str_eq(t->ev[0].author, "yoi ticket");
		yoi_thread_free(t);
		yoi_diag_free(&d);
	}
}

static yoi_history history_of(const char *old, const char *nw)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *a = parse(old, &d), *b = parse(nw, &d);
	yoi_history h;
	cr_assert_eq(
	    yoi_history_check(&h, old, strlen(old), a, nw, strlen(nw), b), 0);
	yoi_thread_free(a);
	yoi_thread_free(b);
	yoi_diag_free(&d);
	return h;
}

Test(thread_legacy, legacy_marker_keeps_block_boundaries_in_history)
{
	for (int crlf = 0; crlf < 2; crlf++) {
		const char *lf =
		    LEGACY_CREATE "<!-- event: comment author: old tool at: " AT
				  " -->\n\n## Comment\n\nhi\n\n---\n";
		char *old = crlf ? to_crlf(lf) : strdup(lf);
		cr_assert_not_null(old);
		yoi_thread *t = parse(old, NULL);
		cr_assert_eq(t->n, 2);
		/* Blocks are the same byte ranges a malformed marker had. */
		cr_assert_eq(t->ev[0].start, 0);
		cr_assert_eq(t->ev[1].start, t->ev[0].end);
		cr_assert_eq(t->ev[1].end, strlen(old));
		yoi_thread_free(t);

		yoi_history h = history_of(old, old);
		cr_assert(h.ok && h.appended);
		cr_assert_eq(h.n, 2);
		cr_assert(!h.added[0] && !h.added[1]);
		yoi_history_free(&h);

		size_t n = strlen(old);
		char *nw = malloc(n + 256);
		cr_assert_not_null(nw);
		snprintf(nw, n + 256,
			 "%s<!-- event: comment author: b at: " AT
			 " -->%s%s## Comment%s%snew%s%s---%s",
			 old, crlf ? "\r\n" : "\n", crlf ? "\r\n" : "\n",
			 crlf ? "\r\n" : "\n", crlf ? "\r\n" : "\n",
			 crlf ? "\r\n" : "\n", crlf ? "\r\n" : "\n",
			 crlf ? "\r\n" : "\n");
		h = history_of(old, nw);
		cr_assert(h.ok && h.appended, "crlf %d", crlf);
		cr_assert_eq(h.n, 3);
		cr_assert(!h.added[0] && !h.added[1] && h.added[2]);
		yoi_history_free(&h);

		/* Dropping the legacy block is still caught. */
		const char *rest = strstr(old, "<!-- event: comment");
		h = history_of(old, rest);
		cr_assert(!h.ok);
		cr_assert_eq(h.missing_line, 1);
		yoi_history_free(&h);
		free(nw);
		free(old);
	}
}

/* ---- issue 13, class 5: marker lines inside fenced code ---------------- */

#define FENCED_BODY                                                            \
	"Example of the old format:\n"                                         \
	"\n"                                                                   \
	"```markdown\n"                                                        \
	"<!-- event: close author: x at: " AT " -->\n"                         \
	"\n"                                                                   \
	"## Closed\n"                                                          \
	"\n"                                                                   \
	"---\n"                                                                \
	"```\n"                                                                \
	"\n"                                                                   \
	"after the fence"

static void check_fenced(const yoi_thread *t, const yoi_diag *d,
			 const char *how)
{
	cr_assert_eq(d->n, 0, "%s: %s", how, d->n ? d->v[0].message : "");
	cr_assert_eq(t->n, 2, "%s: %zu events", how, t->n);
	cr_assert_str_eq(t->ev[0].kind, "comment", "%s", how);
	cr_assert_str_eq(t->ev[0].author, "legacy", "%s", how);
	/* The body as written (with CRLF the parser drops the '\r's). */
	cr_assert_str_eq(t->ev[0].body, FENCED_BODY, "%s", how);
	cr_assert_str_eq(t->ev[1].kind, "comment", "%s", how);
	cr_assert_str_eq(t->ev[1].body, "real", "%s", how);
	/* The fenced close is code, not a close. */
	cr_assert_null(yoi_thread_replay_state(t), "%s", how);
}

Test(thread_fence, marker_and_separator_in_a_fence_are_body_text)
{
	both_endings("<!-- event: comment author: legacy at: " AT " -->\n\n"
		     "## Comment\n\n" FENCED_BODY "\n\n---\n"
		     "<!-- event: comment author: b at: " AT " -->\n\n"
		     "## Comment\n\nreal\n\n---\n",
		     check_fenced);
}

static void check_tilde(const yoi_thread *t, const yoi_diag *d, const char *how)
{
	cr_assert_eq(d->n, 0, "%s: %s", how, d->n ? d->v[0].message : "");
	cr_assert_eq(t->n, 2, "%s: %zu events", how, t->n);
	cr_assert_not_null(strstr(t->ev[0].body, "<!-- event: b"), "%s", how);
	cr_assert_not_null(strstr(t->ev[0].body, "<!-- event: c"), "%s", how);
	cr_assert_not_null(strstr(t->ev[0].body, "<!-- event: d"), "%s", how);
	cr_assert_str_eq(t->ev[1].author, "z", "%s", how);
}

Test(thread_fence, tilde_and_longer_fences_close_only_on_their_kind)
{
	/* ~~~~ is closed by 4+ tildes only: ``` and ~~~ inside are code. An
	 * opener may be indented up to 3 spaces, its closer too. */
	both_endings("<!-- event: comment author: a at: " AT " -->\n\n"
		     "## Comment\n\n"
		     "   ~~~~ sh\n"
		     "<!-- event: b author: x at: " AT " -->\n"
		     "```\n"
		     "~~~\n"
		     "<!-- event: c author: x at: " AT " -->\n"
		     "  ~~~~~~  \n"
		     "````\n"
		     "<!-- event: d author: x at: " AT " -->\n"
		     "~~~~\n"
		     "````\n"
		     "\n---\n"
		     "<!-- event: comment author: z at: " AT " -->\n\n"
		     "## Comment\n\nlast\n\n---\n",
		     check_tilde);
}

Test(thread_fence, what_is_not_a_fence)
{
	/* Four spaces of indent (an indented code block), two backticks, a
	 * backtick in a backtick fence's info string, a fence before the
	 * heading: none of these hide the next marker line. */
	static const char *const notfence[] = {
	    "    ```", "``", "``` a`b", "~~ ~", "> ```", "\t```",
	};
	for (size_t i = 0; i < sizeof(notfence) / sizeof(*notfence); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf),
			 "<!-- event: comment author: a at: " AT " -->\n\n"
			 "## Comment\n\n%s\n"
			 "<!-- event: comment author: b at: " AT " -->\n\n"
			 "## Comment\n\nx\n\n---\n",
			 notfence[i]);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_thread *t = parse(buf, &d);
		cr_assert_eq(t->n, 2, "'%s': %zu events", notfence[i], t->n);
		cr_assert_str_eq(t->ev[1].author, "b");
		yoi_thread_free(t);
		yoi_diag_free(&d);
	}
}

static void check_unclosed(const yoi_thread *t, const yoi_diag *d,
			   const char *how)
{
	/* Writers of this engine leave a body's fence unclosed when the
	 * user did: the next block's "---" and marker still end it. */
	cr_assert_eq(d->n, 0, "%s: %s", how, d->n ? d->v[0].message : "");
	cr_assert_eq(t->n, 3, "%s: %zu events", how, t->n);
	cr_assert_str_eq(t->ev[0].body, "```sh\nunclosed\n---\nstill code",
			 "%s", how);
	cr_assert_str_eq(t->ev[1].kind, "state_changed", "%s", how);
	cr_assert_str_eq(t->ev[1].body, "middle", "%s", how);
	cr_assert_str_eq(t->ev[2].body, "```\ncode\n```", "%s", how);
	cr_assert_str_eq(yoi_thread_replay_state(t), "ready", "%s", how);
}

Test(thread_fence, an_unclosed_fence_ends_with_its_event)
{
	/* The fence of event 1 is never closed; event 3 has a fence of its
	 * own. Event 2 must not be swallowed by a fence running from
	 * event 1 to event 3's opener. */
	both_endings("<!-- event: comment author: a at: " AT " -->\n\n"
		     "## Comment\n\n```sh\nunclosed\n---\nstill code\n\n---\n"
		     "<!-- event: state_changed author: a at: " AT
		     " from: planning to: ready reason: r field: state -->\n\n"
		     "## State changed\n\nmiddle\n\n---\n\n"
		     "<!-- event: comment author: a at: " AT " -->\n\n"
		     "## Comment\n\n```\ncode\n```\n\n---\n",
		     check_unclosed);
}

static void check_unclosed_marker(const yoi_thread *t, const yoi_diag *d,
				  const char *how)
{
	cr_assert_eq(t->n, 2, "%s: %zu events", how, t->n);
	cr_assert_eq(d->n, 1, "%s: %zu findings", how, d->n);
	expect_diag(d, "thread-unclosed-fence", YOI_DIAG_WARNING, 5);
	cr_assert_not_null(strstr(t->ev[0].body, "<!-- event: close"), "%s",
			   how);
	cr_assert_null(yoi_thread_replay_state(t), "%s", how);
	cr_assert_str_eq(t->ev[1].body, "next", "%s", how);
}

Test(thread_fence, an_unclosed_fence_holding_a_marker_is_a_warning)
{
	/* CommonMark: an unclosed fence runs to the end of its container
	 * (here the event, which ends at a "---" line followed by a
	 * marker). The marker inside is code, and the reader says so. */
	both_endings("<!-- event: comment author: a at: " AT " -->\n\n"
		     "## Comment\n\n"
		     "```\n"
		     "<!-- event: close author: x at: " AT " -->\n"
		     "more\n\n---\n"
		     "<!-- event: comment author: a at: " AT " -->\n\n"
		     "## Comment\n\nnext\n\n---\n",
		     check_unclosed_marker);
}

Test(thread_fence, a_marker_after_a_separator_always_starts_an_event)
{
	/* Even inside an open fence: a "---" line, blank lines, a marker
	 * line is how every block this engine writes begins, so it is
	 * never code. A whole thread pasted into a fence therefore still
	 * splits at its second event (a documented limit). */
	const char *s = "<!-- event: comment author: a at: " AT " -->\n\n"
			"## Comment\n\n```\n"
			"<!-- event: comment author: x at: " AT " -->\n\n"
			"## Comment\n\n---\n\n"
			"<!-- event: comment author: y at: " AT " -->\n"
			"```\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(t->n, 2);
	cr_assert_str_eq(t->ev[1].author, "y");
	cr_assert_not_null(strstr(t->ev[0].body, "author: x"));
	expect_diag(&d, "thread-unclosed-fence", YOI_DIAG_WARNING, 5);
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread_fence, escaped_markers_in_a_fence_read_as_before)
{
	const char *s = "<!-- event: comment author: a at: " AT " -->\n\n"
			"## Comment\n\n```\n\\<!-- event: x -->\n"
			"\\\\<!-- event: y -->\n```\n\n---\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_thread *t = parse(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(t->n, 1);
	cr_assert_str_eq(t->ev[0].body,
			 "```\n<!-- event: x -->\n\\<!-- event: y -->\n```");
	yoi_thread_free(t);
	yoi_diag_free(&d);
}

Test(thread_fence, writer_and_reader_agree_on_fenced_markers)
{
	static const char *const bodies[] = {
	    FENCED_BODY,
	    "```\n<!-- event: close author: x at: " AT " -->\n```",
	    "```\n---\n\n<!-- event: close author: x at: " AT " -->\n```",
	    "~~~\n<!-- event: x -->\nunclosed",
	    "```\n\\<!-- event: x -->\n```",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		for (int crlf = 0; crlf < 2; crlf++) {
			yoi_event_spec spec = {.kind = "comment",
					       .author = "a",
					       .at = AT,
					       .body = bodies[i]};
			round_trip(&spec, crlf, bodies[i]);
			/* And followed by another block. */
			yoi_buf b = YOI_BUF_INIT;
			yoi_error err;
			yoi_error_clear(&err);
			cr_assert_eq(yoi_event_render(&b, &spec, crlf, &err),
				     0);
			spec.body = "after";
			cr_assert_eq(yoi_event_render(&b, &spec, crlf, &err),
				     0);
			yoi_diag d = YOI_DIAG_INIT;
			yoi_thread *t = parse(b.ptr, &d);
			cr_assert_eq(t->n, 2, "body %zu", i);
			cr_assert_str_eq(t->ev[0].body, bodies[i]);
			cr_assert_str_eq(t->ev[1].body, "after");
			cr_assert_null(yoi_thread_replay_state(t));
			yoi_thread_free(t);
			yoi_diag_free(&d);
			yoi_buf_free(&b);
		}
	}
}

Test(thread_fence, fenced_thread_round_trips_through_history)
{
	const char *old = "<!-- event: comment author: legacy at: " AT
			  " -->\n\n## Comment\n\n" FENCED_BODY "\n\n---\n";
	yoi_history h = history_of(old, old);
	cr_assert(h.ok && h.appended);
	cr_assert_eq(h.n, 1);
	yoi_history_free(&h);
}
