#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/diag.h"
#include "yoi/plan.h"

#define PATH  ".yoi/tickets/00001KW55B33H/artifacts/orchestration-plan.jsonl"
#define OWNER "00001KW55B33H"
#define T1    "00001KW55B33B"
#define T2    "00001KW55B33C"
#define AT    "2026-06-27T19:08:16Z"

/* The two lines of SPEC 7, byte for byte. */
#define SPEC_LINE1                                                             \
	"{\"id\":\"orch-plan-20260627-190816-1\",\"ticket_id\":"               \
	"\"00001KW55B33H\",\"kind\":\"blocked_by\",\"related_ticket\":"        \
	"\"00001KW55B33B\",\"note\":\"...\",\"author\":\"orchestrator\","      \
	"\"at\":\"2026-06-27T19:08:16Z\"}"
#define SPEC_LINE2                                                             \
	"{\"id\":\"orch-plan-20260627-191502-1\",\"ticket_id\":"               \
	"\"00001KW55B33H\",\"kind\":\"accepted_plan\",\"accepted_plan\":"      \
	"{\"summary\":\"...\",\"branch\":\"work/00001KW55B33H-companion-"      \
	"llm\",\"worktree\":\".worktree/00001KW55B33H-companion-llm\","        \
	"\"role_plan\":\"...\"},\"author\":\"orchestrator\",\"at\":"           \
	"\"2026-06-27T19:15:02Z\"}"

/* A valid line body: id n, kind with related T1. */
#define LINE(id, kind)                                                         \
	"{\"id\":\"" id "\",\"ticket_id\":\"" OWNER "\",\"kind\":\"" kind      \
	"\",\"related_ticket\":\"" T1 "\",\"author\":\"o\",\"at\":\"" AT "\"}"
#define ID1 "orch-plan-20260627-190816-1"
#define ID2 "orch-plan-20260627-190816-2"

/* ---- helpers ------------------------------------------------------------ */

static yoi_plan *parse_ok(const char *s, size_t len, yoi_diag *d)
{
	yoi_plan *p = NULL;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_plan_parse(&p, s, len, OWNER, PATH, d, &err);
	cr_assert_eq(rc, 0, "parse failed (%d): %s", rc, err.msg);
	cr_assert_not_null(p);
	return p;
}

/* Exactly one finding, code at line; n records kept. */
static void one_finding(const char *s, const char *code, int line, size_t n)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	cr_assert_eq(d.n, 1, "expected 1 finding, got %zu (first: %s)", d.n,
		     d.n ? d.v[0].message : "");
	cr_assert_str_eq(d.v[0].code, code, "code %s: %s", d.v[0].code,
			 d.v[0].message);
	cr_assert_eq(d.v[0].line, line, "line %d, expected %d (%s)",
		     d.v[0].line, line, d.v[0].message);
	cr_assert_str_eq(d.v[0].path, PATH);
	cr_assert_eq(d.v[0].severity, YOI_DIAG_ERROR);
	cr_assert_eq(p->n, n);
	cr_assert_eq(p->nerrors, 1);
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

static char *render_ok(const yoi_plan_record *r, bool crlf)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_plan_render_record(&b, r, crlf, &err);
	cr_assert_eq(rc, 0, "render failed (%d): %s", rc, err.msg);
	return yoi_buf_detach(&b);
}

static yoi_plan_record rec(const char *id, yoi_plan_kind kind,
			   const char *related)
{
	yoi_plan_record r = {.kind = kind};
	snprintf(r.id, sizeof(r.id), "%s", id);
	strcpy(r.ticket_id, OWNER);
	snprintf(r.related_ticket, sizeof(r.related_ticket), "%s",
		 related ? related : "");
	r.author = "orchestrator";
	r.at = AT;
	return r;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	cr_assert_not_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void same_record(const yoi_plan_record *a, const yoi_plan_record *b)
{
	cr_assert_str_eq(a->id, b->id);
	cr_assert_str_eq(a->ticket_id, b->ticket_id);
	cr_assert_eq(a->kind, b->kind);
	cr_assert_str_eq(a->related_ticket, b->related_ticket);
#define SAME_OPT(x, y)                                                         \
	do {                                                                   \
		if (x)                                                         \
			cr_assert_str_eq(x, y);                                \
		else                                                           \
			cr_assert_null(y);                                     \
	} while (0)
	SAME_OPT(a->note, b->note);
	cr_assert_str_eq(a->author, b->author);
	cr_assert_str_eq(a->at, b->at);
	if (!a->accepted) {
		cr_assert_null(b->accepted);
		return;
	}
	cr_assert_not_null(b->accepted);
	cr_assert_str_eq(a->accepted->summary, b->accepted->summary);
	SAME_OPT(a->accepted->branch, b->accepted->branch);
	SAME_OPT(a->accepted->worktree, b->accepted->worktree);
	SAME_OPT(a->accepted->role_plan, b->accepted->role_plan);
#undef SAME_OPT
}

/* ---- kinds and ids --------------------------------------------------------
 */

Test(plan, kind_names_and_related_rule)
{
	const char *names[] = {"before",
			       "after",
			       "blocked_by",
			       "blocks",
			       "conflicts_with",
			       "do_not_parallelize",
			       "waiting_capacity_note",
			       "accepted_plan"};
	for (int k = 0; k < YOI_PLAN_KIND_COUNT; k++) {
		cr_assert_str_eq(yoi_plan_kind_name((yoi_plan_kind)k),
				 names[k]);
		yoi_plan_kind back;
		cr_assert_eq(yoi_plan_kind_parse(&back, names[k]), 0);
		cr_assert_eq(back, (yoi_plan_kind)k);
		cr_assert_eq(yoi_plan_kind_needs_related((yoi_plan_kind)k),
			     k < YOI_PLAN_WAITING_CAPACITY_NOTE);
	}
	cr_assert_null(yoi_plan_kind_name(YOI_PLAN_KIND_COUNT));
	yoi_plan_kind k = YOI_PLAN_AFTER;
	cr_assert_eq(yoi_plan_kind_parse(&k, "depends_on"), YOI_EUSAGE);
	cr_assert_eq(yoi_plan_kind_parse(&k, NULL), YOI_EUSAGE);
	cr_assert_eq(k, YOI_PLAN_AFTER);
}

Test(plan, id_parse)
{
	int64_t t = 0;
	long n = 0;
	cr_assert_eq(yoi_plan_id_parse(&t, &n, "orch-plan-20260627-190816-1"),
		     0);
	int64_t want;
	cr_assert_eq(yoi_time_parse(AT, &want), 0);
	cr_assert_eq(t, want);
	cr_assert_eq(n, 1);
	cr_assert_eq(
	    yoi_plan_id_parse(NULL, &n, "orch-plan-20260627-190816-999999999"),
	    0);
	cr_assert_eq(n, 999999999L);
	cr_assert_eq(
	    yoi_plan_id_parse(NULL, NULL, "orch-plan-20240229-000000-12"), 0);
	const char *bad[] = {
	    "orch-plan-20260627-190816-0",
	    "orch-plan-20260627-190816-01",
	    "orch-plan-20260627-190816-",
	    "orch-plan-20260627-190816",
	    "orch-plan-20260627-190816-1x",
	    "orch-plan-20260627-190816-1000000000",
	    "orch-plan-20261327-190816-1",
	    "orch-plan-20250229-190816-1",
	    "orch-plan-20260627-250816-1",
	    "orch-plan-2026627-190816-1",
	    "orch-plan-20260627T190816-1",
	    "Orch-plan-20260627-190816-1",
	    "plan-20260627-190816-1",
	    "orch-plan-+0260627-190816-1",
	    "",
	    NULL,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		n = 77;
		cr_assert_eq(yoi_plan_id_parse(NULL, &n, bad[i]), YOI_EUSAGE,
			     "accepted %s", bad[i] ? bad[i] : "NULL");
		cr_assert_eq(n, 77);
	}
}

/* ---- render: the format, pinned -------------------------------------------
 */

Test(plan, renders_spec_lines_exactly)
{
	yoi_plan_record a =
	    rec("orch-plan-20260627-190816-1", YOI_PLAN_BLOCKED_BY, T1);
	a.note = "...";
	char *s = render_ok(&a, false);
	cr_assert_str_eq(s, SPEC_LINE1 "\n");
	free(s);

	yoi_plan_accepted ap = {"...", "work/00001KW55B33H-companion-llm",
				".worktree/00001KW55B33H-companion-llm", "..."};
	yoi_plan_record b =
	    rec("orch-plan-20260627-191502-1", YOI_PLAN_ACCEPTED_PLAN, NULL);
	b.accepted = &ap;
	b.at = "2026-06-27T19:15:02Z";
	s = render_ok(&b, false);
	cr_assert_str_eq(s, SPEC_LINE2 "\n");
	free(s);

	s = render_ok(&b, true);
	cr_assert_str_eq(s, SPEC_LINE2 "\r\n");
	free(s);
}

Test(plan, render_omits_absent_fields_and_appends)
{
	yoi_plan_record a = rec(ID1, YOI_PLAN_WAITING_CAPACITY_NOTE, NULL);
	yoi_plan_accepted ap = {.summary = "s"};
	yoi_plan_record b = rec(ID2, YOI_PLAN_ACCEPTED_PLAN, NULL);
	b.accepted = &ap;
	yoi_buf out = YOI_BUF_INIT;
	yoi_buf_puts(&out, "old\n");
	cr_assert_eq(yoi_plan_render_record(&out, &a, false, NULL), 0);
	cr_assert_eq(yoi_plan_render_record(&out, &b, false, NULL), 0);
	cr_assert_str_eq(
	    out.ptr, "old\n"
		     "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
		     "\"waiting_capacity_note\",\"author\":\"orchestrator\","
		     "\"at\":\"" AT "\"}\n"
		     "{\"id\":\"" ID2 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
		     "\"accepted_plan\",\"accepted_plan\":{\"summary\":\"s\"},"
		     "\"author\":\"orchestrator\",\"at\":\"" AT "\"}\n");
	yoi_buf_free(&out);
}

Test(plan, render_escapes_and_stays_one_line)
{
	yoi_plan_record a = rec(ID1, YOI_PLAN_CONFLICTS_WITH, T2);
	a.note = "line1\nline2\r\n\"q\" \\ \t 日本 \xE2\x80\xA8";
	char *s = render_ok(&a, false);
	cr_assert_eq(strchr(s, '\n'), s + strlen(s) - 1, "one line: %s", s);
	cr_assert_null(strchr(s, '\r'));
	yoi_plan *p = parse_ok(s, strlen(s), NULL);
	cr_assert_eq(p->n, 1);
	same_record(&a, &p->v[0]);
	yoi_plan_free(p);
	free(s);
}

Test(plan, render_refuses_bad_records_leaving_out_alone)
{
	yoi_buf out = YOI_BUF_INIT;
	yoi_buf_puts(&out, "keep");
	yoi_error err;
	yoi_plan_record r;

	r = rec(ID1, YOI_PLAN_BLOCKED_BY, NULL); /* needs related_ticket */
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "related_ticket"), "%s", err.msg);

	r = rec(ID1, YOI_PLAN_BLOCKED_BY, OWNER); /* self */
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err),
		     YOI_EREFUSED);

	r = rec("orch-plan-1", YOI_PLAN_AFTER, T1);
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "id"), "%s", err.msg);

	r = rec(ID1, YOI_PLAN_ACCEPTED_PLAN, NULL); /* no accepted_plan */
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);

	yoi_plan_accepted empty = {.summary = ""};
	r.accepted = &empty;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "summary"), "%s", err.msg);

	yoi_plan_accepted ok = {.summary = "s"};
	r = rec(ID1, YOI_PLAN_BEFORE, T1); /* accepted on another kind */
	r.accepted = &ok;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);

	r = rec(ID1, YOI_PLAN_KIND_COUNT, T1);
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);

	r = rec(ID1, YOI_PLAN_AFTER, T1);
	r.at = "2026-06-27 19:08:16";
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	r.at = AT;
	r.author = "";
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	r.author = NULL;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	r.author = "o";
	r.note = "\xC3";
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	r.note = NULL;
	memset(r.id, 'x', sizeof(r.id)); /* no NUL: invalid, no overread */
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);

	cr_assert_str_eq(out.ptr, "keep");
	yoi_buf_free(&out);
}

/* ---- parse ----------------------------------------------------------------
 */

Test(plan, parses_spec_example)
{
	const char *s = SPEC_LINE1 "\n" SPEC_LINE2 "\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert_eq(p->n, 2);
	cr_assert_not(p->crlf);
	cr_assert_not(p->unterminated);
	const yoi_plan_record *a = &p->v[0], *b = &p->v[1];
	cr_assert_str_eq(a->id, "orch-plan-20260627-190816-1");
	cr_assert_str_eq(a->ticket_id, OWNER);
	cr_assert_eq(a->kind, YOI_PLAN_BLOCKED_BY);
	cr_assert_str_eq(a->related_ticket, T1);
	cr_assert_str_eq(a->note, "...");
	cr_assert_str_eq(a->author, "orchestrator");
	cr_assert_str_eq(a->at, AT);
	cr_assert_null(a->accepted);
	cr_assert_eq(a->line, 1);
	cr_assert_eq(b->kind, YOI_PLAN_ACCEPTED_PLAN);
	cr_assert_str_eq(b->related_ticket, "");
	cr_assert_null(b->note);
	cr_assert_not_null(b->accepted);
	cr_assert_str_eq(b->accepted->summary, "...");
	cr_assert_str_eq(b->accepted->branch,
			 "work/00001KW55B33H-companion-llm");
	cr_assert_str_eq(b->accepted->worktree,
			 ".worktree/00001KW55B33H-companion-llm");
	cr_assert_str_eq(b->accepted->role_plan, "...");
	cr_assert_eq(b->line, 2);
	cr_assert_eq(yoi_plan_latest(p, YOI_PLAN_ACCEPTED_PLAN), b);
	cr_assert_eq(yoi_plan_latest(p, YOI_PLAN_BLOCKED_BY), a);
	cr_assert_null(yoi_plan_latest(p, YOI_PLAN_BEFORE));
	cr_assert_null(yoi_plan_latest(NULL, YOI_PLAN_BEFORE));

	/* render(parse(x)) == x, byte for byte */
	yoi_buf out = YOI_BUF_INIT;
	for (size_t i = 0; i < p->n; i++)
		cr_assert_eq(
		    yoi_plan_render_record(&out, &p->v[i], false, NULL), 0);
	cr_assert_str_eq(out.ptr, s);
	yoi_buf_free(&out);
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

Test(plan, round_trip_every_kind)
{
	yoi_plan *p = NULL;
	cr_assert_eq(yoi_plan_new(&p, OWNER), 0);
	yoi_buf file = YOI_BUF_INIT;
	yoi_plan_accepted ap = {"the plan", NULL, ".worktree/x", "coder: all"};
	for (int k = 0; k < YOI_PLAN_KIND_COUNT; k++) {
		char id[YOI_PLAN_ID_MAX + 1];
		cr_assert_eq(
		    yoi_plan_next_id(id, sizeof(id), p, OWNER, 1782587296), 0);
		yoi_plan_record r =
		    rec(id, (yoi_plan_kind)k,
			yoi_plan_kind_needs_related((yoi_plan_kind)k) ? T1
			: k == YOI_PLAN_WAITING_CAPACITY_NOTE	      ? T2
								      : NULL);
		if (k == YOI_PLAN_ACCEPTED_PLAN)
			r.accepted = &ap;
		if (k % 2)
			r.note = "n";
		cr_assert_eq(yoi_plan_render_record(&file, &r, false, NULL), 0);
		cr_assert_eq(yoi_plan_add(p, &r, NULL), 0);
	}
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *back = parse_ok(file.ptr, file.len, &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert_eq(back->n, YOI_PLAN_KIND_COUNT);
	for (size_t i = 0; i < back->n; i++) {
		same_record(&p->v[i], &back->v[i]);
		cr_assert_eq(back->v[i].line, (int)i + 1);
		cr_assert_eq(p->v[i].line, 0);
	}
	cr_assert_str_eq(back->v[7].id, "orch-plan-20260627-190816-8");
	yoi_buf again = YOI_BUF_INIT;
	for (size_t i = 0; i < back->n; i++)
		cr_assert_eq(
		    yoi_plan_render_record(&again, &back->v[i], false, NULL),
		    0);
	cr_assert_str_eq(again.ptr, file.ptr);
	yoi_buf_free(&again);
	yoi_buf_free(&file);
	yoi_plan_free(back);
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

Test(plan, key_order_in_the_file_does_not_matter)
{
	const char *s =
	    "{\"at\":\"" AT "\",\"author\":\"o\",\"related_ticket\":"
	    "\"" T1 "\",\"kind\":\"after\",\"ticket_id\":\"" OWNER
	    "\",\"id\":\"" ID1 "\"}\n";
	yoi_plan *p = parse_ok(s, strlen(s), NULL);
	cr_assert_eq(p->n, 1);
	char *out = render_ok(&p->v[0], false);
	cr_assert_str_eq(out, LINE(ID1, "after") "\n");
	free(out);
	yoi_plan_free(p);
}

Test(plan, crlf_blank_lines_and_missing_final_newline)
{
	const char *s = "\r\n" LINE(ID1, "before") "\r\n"
						   "   \t \r\n"
						   "\n" LINE(ID2, "after");
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert_eq(p->n, 2);
	cr_assert(p->crlf);
	cr_assert(p->unterminated);
	cr_assert_eq(p->v[0].line, 2);
	cr_assert_eq(p->v[1].line, 5);
	cr_assert_eq(p->v[1].kind, YOI_PLAN_AFTER);
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

Test(plan, empty_and_blank_files_are_empty_plans)
{
	yoi_plan *p = parse_ok("", 0, NULL);
	cr_assert_eq(p->n, 0);
	cr_assert_not(p->unterminated);
	cr_assert_not(p->crlf);
	yoi_plan_free(p);
	p = parse_ok("\n\n  \n", 5, NULL);
	cr_assert_eq(p->n, 0);
	cr_assert_eq(p->nerrors, 0);
	yoi_plan_free(p);
	p = parse_ok("\xEF\xBB\xBF" LINE(ID1, "before") "\n",
		     strlen("\xEF\xBB\xBF" LINE(ID1, "before") "\n"), NULL);
	cr_assert_eq(p->n, 1, "a byte order mark is skipped");
	yoi_plan_free(p);
}

Test(plan, syntax_error_skips_only_its_line)
{
	const char *s =
	    LINE(ID1, "before") "\n"
				"{\"id\": \"x\",\n" LINE(ID2, "after") "\n";
	one_finding(s, "plan-syntax", 2, 2);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	cr_assert_eq(p->v[1].line, 3);
	cr_assert_not_null(strstr(d.v[0].message, "column"), "%s",
			   d.v[0].message);
	yoi_plan_free(p);
	yoi_diag_free(&d);
	/* two values on one line, and a bare scalar */
	one_finding(LINE(ID1, "before") " {}\n", "plan-syntax", 1, 0);
	one_finding("\n\"text\"\n", "plan-syntax", 2, 0);
}

Test(plan, duplicate_key_is_syntax)
{
	const char *s = "{\"id\":\"" ID1 "\",\"id\":\"" ID2 "\",\"ticket_id\":"
			"\"" OWNER "\",\"kind\":\"before\",\"related_ticket\":"
			"\"" T1 "\",\"author\":\"o\",\"at\":\"" AT "\"}\n";
	one_finding(s, "plan-syntax", 1, 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	cr_assert_not_null(strstr(d.v[0].message, "duplicate"));
	yoi_plan_free(p);
	yoi_diag_free(&d);
	const char *t = "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
			"\",\"kind\":\"accepted_plan\",\"accepted_plan\":{"
			"\"summary\":\"a\",\"summary\":\"b\"},\"author\":"
			"\"o\",\"at\":\"" AT "\"}\n";
	one_finding(t, "plan-syntax", 1, 0);
}

Test(plan, encoding_errors)
{
	const char *s = LINE(ID1, "before") "\n{\"note\":\"\xE2\x82\"}\n";
	one_finding(s, "plan-encoding", 2, 1);
	const char nul[] = "\n{\"id\":\0}\n" LINE(ID1, "before") "\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(nul, sizeof(nul) - 1, &d);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "plan-encoding");
	cr_assert_eq(d.v[0].line, 2);
	cr_assert_not_null(strstr(d.v[0].message, "NUL"));
	cr_assert_eq(p->n, 1);
	cr_assert_eq(p->v[0].line, 3);
	yoi_plan_free(p);
	yoi_diag_free(&d);
	/* the escaped form is refused by jansson */
	one_finding("{\"id\":\"a\\u0000\"}\n", "plan-syntax", 1, 0);
}

Test(plan, not_an_object)
{
	one_finding("[1, 2]\n", "plan-schema", 1, 0);
}

Test(plan, unknown_keys)
{
	const char *s =
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
	    "\",\"kind\":\"before\",\"related_ticket\":\"" T1
	    "\",\"priority\":1,\"author\":\"o\",\"at\":\"" AT "\"}\n";
	one_finding(s, "plan-schema", 1, 0);
	const char *t = "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
			"\",\"kind\":\"accepted_plan\",\"accepted_plan\":{"
			"\"summary\":\"a\",\"base\":\"main\"},\"author\":"
			"\"o\",\"at\":\"" AT "\"}\n";
	one_finding(t, "plan-schema", 1, 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(t, strlen(t), &d);
	cr_assert_not_null(strstr(d.v[0].message, "\"base\" in accepted_plan"),
			   "%s", d.v[0].message);
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

Test(plan, each_required_key_is_required)
{
	const char *keys[] = {"id", "ticket_id", "kind", "author", "at"};
	const char *vals[] = {ID1, OWNER, "waiting_capacity_note", "o", AT};
	for (int miss = 0; miss < 5; miss++) {
		yoi_buf b = YOI_BUF_INIT;
		yoi_buf_putc(&b, '{');
		for (int k = 0; k < 5; k++)
			if (k != miss)
				yoi_buf_printf(&b, "%s\"%s\":\"%s\"",
					       b.len > 1 ? "," : "", keys[k],
					       vals[k]);
		yoi_buf_puts(&b, "}\n");
		yoi_diag d = YOI_DIAG_INIT;
		yoi_plan *p = parse_ok(b.ptr, b.len, &d);
		cr_assert_eq(p->n, 0);
		cr_assert_eq(d.n, 1, "missing %s: %zu findings", keys[miss],
			     d.n);
		cr_assert_str_eq(d.v[0].code, "plan-schema");
		cr_assert_not_null(strstr(d.v[0].message, keys[miss]));
		yoi_plan_free(p);
		yoi_diag_free(&d);
		yoi_buf_free(&b);
	}
}

Test(plan, related_ticket_rules)
{
	const char *kinds[] = {"before",	 "after",
			       "blocked_by",	 "blocks",
			       "conflicts_with", "do_not_parallelize"};
	for (size_t i = 0; i < 6; i++) {
		char *s =
		    yoi_sprintf("{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
				"\",\"kind\":\"%s\",\"author\":\"o\","
				"\"at\":\"" AT "\"}\n",
				kinds[i]);
		one_finding(s, "plan-schema", 1, 0);
		free(s);
	}
	/* optional for a capacity note, but then a valid ID */
	const char *ok = LINE(ID1, "waiting_capacity_note") "\n";
	yoi_plan *p = parse_ok(ok, strlen(ok), NULL);
	cr_assert_eq(p->n, 1);
	cr_assert_str_eq(p->v[0].related_ticket, T1);
	yoi_plan_free(p);
	const char *bad = "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
			  "\",\"kind\":\"blocks\",\"related_ticket\":\"\","
			  "\"author\":\"o\",\"at\":\"" AT "\"}\n";
	one_finding(bad, "plan-schema", 1, 0);
	const char *self = "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
			   "\",\"kind\":\"blocks\",\"related_ticket\":\"" OWNER
			   "\",\"author\":\"o\",\"at\":\"" AT "\"}\n";
	one_finding(self, "plan-self", 1, 0);
}

Test(plan, accepted_plan_rules)
{
#define HEAD(kind)                                                             \
	"{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":\"" kind "\","
#define TAIL "\"author\":\"o\",\"at\":\"" AT "\"}\n"
	/* missing, not an object, no summary, empty summary, wrong type */
	one_finding(HEAD("accepted_plan") TAIL, "plan-schema", 1, 0);
	one_finding(HEAD("accepted_plan") "\"accepted_plan\":\"s\"," TAIL,
		    "plan-schema", 1, 0);
	one_finding(HEAD("accepted_plan") "\"accepted_plan\":{\"branch\":"
					  "\"b\"}," TAIL,
		    "plan-schema", 1, 0);
	one_finding(HEAD("accepted_plan") "\"accepted_plan\":{\"summary\":"
					  "\"\"}," TAIL,
		    "plan-schema", 1, 0);
	one_finding(HEAD("accepted_plan") "\"accepted_plan\":{\"summary\":"
					  "\"s\",\"branch\":null}," TAIL,
		    "plan-schema", 1, 0);
	/* on another kind */
	one_finding(HEAD("waiting_capacity_note") "\"accepted_plan\":{"
						  "\"summary\":\"s\"}," TAIL,
		    "plan-schema", 1, 0);
	/* the minimal valid one */
	const char *ok = HEAD("accepted_plan") "\"accepted_plan\":{\"summary\":"
					       "\"s\"}," TAIL;
	yoi_plan *p = parse_ok(ok, strlen(ok), NULL);
	cr_assert_eq(p->n, 1);
	cr_assert_null(p->v[0].accepted->branch);
	cr_assert_null(p->v[0].accepted->worktree);
	cr_assert_null(p->v[0].accepted->role_plan);
	yoi_plan_free(p);
#undef HEAD
#undef TAIL
}

Test(plan, bad_values)
{
	const char *lines[] = {
	    /* bad id */
	    "{\"id\":\"orch-plan-20260627-190816-0\",\"ticket_id\":\"" OWNER
	    "\",\"kind\":\"waiting_capacity_note\",\"author\":\"o\","
	    "\"at\":\"" AT "\"}",
	    /* ticket_id of another ticket */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" T2 "\",\"kind\":"
	    "\"waiting_capacity_note\",\"author\":\"o\",\"at\":\"" AT "\"}",
	    /* ticket_id not an ID */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"../x\",\"kind\":"
	    "\"waiting_capacity_note\",\"author\":\"o\",\"at\":\"" AT "\"}",
	    /* unknown kind */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"depends_on\",\"author\":\"o\",\"at\":\"" AT "\"}",
	    /* related_ticket not an ID */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"after\",\"related_ticket\":\"0000\",\"author\":\"o\","
	    "\"at\":\"" AT "\"}",
	    /* empty author */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"waiting_capacity_note\",\"author\":\"\",\"at\":\"" AT "\"}",
	    /* bad at */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"waiting_capacity_note\",\"author\":\"o\",\"at\":\"now\"}",
	    /* wrong type, reported once (not also as missing) */
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"waiting_capacity_note\",\"author\":[\"o\"],\"at\":\"" AT "\"}",
	    "{\"id\":1,\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"waiting_capacity_note\",\"author\":\"o\",\"at\":\"" AT "\"}",
	    "{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER "\",\"kind\":"
	    "\"after\",\"related_ticket\":null,\"author\":\"o\","
	    "\"at\":\"" AT "\"}",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		char *s = yoi_sprintf("%s\n", lines[i]);
		one_finding(s, "plan-schema", 1, 0);
		free(s);
	}
}

Test(plan, duplicate_id_reports_the_later_line)
{
	const char *s = LINE(ID1, "before") "\n" LINE(
	    ID2, "after") "\n"
			  "\n" LINE(ID1, "blocks") "\n";
	one_finding(s, "plan-duplicate-id", 4, 2);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	cr_assert_not_null(strstr(d.v[0].message, "line 1"), "%s",
			   d.v[0].message);
	cr_assert_eq(p->v[0].kind, YOI_PLAN_BEFORE, "the first one is kept");
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

Test(plan, duplicate_ids_found_in_a_large_file)
{
	yoi_buf b = YOI_BUF_INIT;
	for (int i = 1; i <= 3000; i++)
		yoi_buf_printf(&b,
			       "{\"id\":\"orch-plan-20260627-190816-%d\","
			       "\"ticket_id\":\"" OWNER "\",\"kind\":"
			       "\"waiting_capacity_note\",\"author\":\"o\","
			       "\"at\":\"" AT "\"}\n",
			       i == 2500 ? 7 : i);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(b.ptr, b.len, &d);
	cr_assert_eq(p->n, 2999);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "plan-duplicate-id");
	cr_assert_eq(d.v[0].line, 2500);
	char id[YOI_PLAN_ID_MAX + 1];
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, 1782587296), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190816-3001");
	yoi_plan_free(p);
	yoi_diag_free(&d);
	yoi_buf_free(&b);
}

Test(plan, several_problems_on_one_line_all_reported)
{
	const char *s = "{\"id\":\"x\",\"ticket_id\":\"" OWNER "\",\"kind\":"
			"\"after\",\"author\":\"\",\"at\":\"y\",\"z\":0}\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, strlen(s), &d);
	/* z, id, related_ticket missing, author empty, at */
	cr_assert_eq(d.n, 5, "%zu findings", d.n);
	cr_assert_eq(p->nerrors, 5);
	for (size_t i = 0; i < d.n; i++)
		cr_assert_eq(d.v[i].line, 1);
	yoi_plan_free(p);
	yoi_diag_free(&d);
}

/* ---- limits ----------------------------------------------------------------
 */

/* Parse a file made of one rendered-by-hand line with the given note. */
static void note_line(const char *note, const char *code)
{
	char *s = yoi_sprintf("{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
			      "\",\"kind\":\"waiting_capacity_note\",\"note\":"
			      "\"%s\",\"author\":\"o\",\"at\":\"" AT "\"}\n",
			      note);
	if (code) {
		one_finding(s, code, 1, 0);
	} else {
		yoi_diag d = YOI_DIAG_INIT;
		yoi_plan *p = parse_ok(s, strlen(s), &d);
		cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
		cr_assert_eq(p->n, 1);
		yoi_plan_free(p);
		yoi_diag_free(&d);
	}
	free(s);
}

Test(plan, text_limits_at_and_over)
{
	char *at = repeat('n', YOI_PLAN_TEXT_MAX);
	char *over = repeat('n', YOI_PLAN_TEXT_MAX + 1);
	note_line(at, NULL);
	note_line(over, "plan-limit");

	/* summary and role_plan take the text limit too */
	yoi_plan_accepted ap = {at, NULL, NULL, at};
	yoi_plan_record r = rec(ID1, YOI_PLAN_ACCEPTED_PLAN, NULL);
	r.accepted = &ap;
	r.note = at;
	char *s = render_ok(&r, false);
	yoi_plan *p = parse_ok(s, strlen(s), NULL);
	cr_assert_eq(p->n, 1);
	cr_assert_eq(strlen(p->v[0].accepted->role_plan), YOI_PLAN_TEXT_MAX);
	same_record(&r, &p->v[0]);
	yoi_plan_free(p);
	free(s);

	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	r.note = over;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "note"), "%s", err.msg);
	r.note = NULL;
	ap.role_plan = over;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "role_plan"), "%s", err.msg);
	ap.role_plan = NULL;
	ap.summary = over;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "summary"), "%s", err.msg);
	cr_assert_null(out.ptr);
	free(at);
	free(over);
}

Test(plan, string_limits_at_and_over)
{
	char *at = repeat('b', YOI_PLAN_STRING_MAX);
	char *over = repeat('b', YOI_PLAN_STRING_MAX + 1);
	yoi_plan_accepted ap = {"s", at, at, NULL};
	yoi_plan_record r = rec(ID1, YOI_PLAN_ACCEPTED_PLAN, NULL);
	r.accepted = &ap;
	r.author = at;
	char *s = render_ok(&r, false);
	yoi_plan *p = parse_ok(s, strlen(s), NULL);
	cr_assert_eq(p->n, 1);
	same_record(&r, &p->v[0]);
	yoi_plan_free(p);
	free(s);

	ap.branch = over;
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "branch"), "%s", err.msg);
	ap.branch = NULL;
	r.author = over;
	cr_assert_eq(yoi_plan_render_record(&out, &r, false, &err), YOI_EUSAGE);
	cr_assert_null(out.ptr);

	/* in a file: one plan-limit finding, for a long id too */
	char *line = yoi_sprintf("{\"id\":\"" ID1 "\",\"ticket_id\":\"" OWNER
				 "\",\"kind\":\"waiting_capacity_note\","
				 "\"author\":\"%s\",\"at\":\"" AT "\"}\n",
				 over);
	one_finding(line, "plan-limit", 1, 0);
	free(line);
	line = yoi_sprintf("{\"id\":\"%s\",\"ticket_id\":\"" OWNER
			   "\",\"kind\":\"waiting_capacity_note\","
			   "\"author\":\"o\",\"at\":\"" AT "\"}\n",
			   over);
	one_finding(line, "plan-limit", 1, 0);
	free(line);
	free(at);
	free(over);
}

Test(plan, line_limit)
{
	/* every string within its limit, but the line over YOI_PLAN_LINE_MAX */
	size_t n = YOI_PLAN_LINE_MAX + 1;
	char *s = repeat(' ', n + 1);
	memcpy(s, "{}", 2);
	s[n] = '\n';
	one_finding(s, "plan-limit", 1, 0);
	/* at the limit, the same line is only a schema problem */
	s[n - 1] = '\n';
	s[n] = ' ';
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(s, n + 1, &d);
	cr_assert_eq(yoi_diag_find(&d, "plan-limit"), -1);
	cr_assert_geq(yoi_diag_find(&d, "plan-schema"), 0);
	yoi_plan_free(p);
	yoi_diag_free(&d);
	free(s);
}

Test(plan, file_size_limit)
{
	size_t n = YOI_PLAN_FILE_MAX + 1;
	char *s = repeat('\n', n);
	yoi_plan *p = (yoi_plan *)1;
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	cr_assert_eq(yoi_plan_parse(&p, s, n, OWNER, PATH, &d, &err),
		     YOI_ECORRUPT);
	cr_assert_null(p);
	cr_assert_str_eq(d.v[0].code, "plan-limit");
	cr_assert_not_null(strstr(err.msg, PATH), "%s", err.msg);
	yoi_diag_free(&d);
	p = parse_ok(s, n - 1, NULL);
	cr_assert_eq(p->n, 0);
	yoi_plan_free(p);
	free(s);
}

Test(plan, record_count_limit)
{
	/* "{}\n" lines: cheap to count, and counted before any is parsed */
	size_t n = YOI_PLAN_RECORDS_MAX + 1;
	char *s = malloc(3 * n + 1);
	cr_assert_not_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 3 * i, "{}\n", 3);
	s[3 * n] = '\0';
	yoi_plan *p = (yoi_plan *)1;
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	cr_assert_eq(yoi_plan_parse(&p, s, 3 * n, OWNER, PATH, &d, &err),
		     YOI_ECORRUPT);
	cr_assert_null(p);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "plan-limit");
	yoi_diag_free(&d);
	/* at the limit: parsed, every line a schema finding */
	p = parse_ok(s, 3 * (n - 1), NULL);
	cr_assert_eq(p->n, 0);
	cr_assert_geq(p->nerrors, YOI_PLAN_RECORDS_MAX);
	yoi_plan_free(p);
	free(s);
}

Test(plan, invalid_owner)
{
	yoi_plan *p = (yoi_plan *)1;
	cr_assert_eq(yoi_plan_parse(&p, "", 0, "bad", PATH, NULL, NULL),
		     YOI_EUSAGE);
	cr_assert_null(p);
	cr_assert_eq(yoi_plan_new(&p, NULL), YOI_EUSAGE);
	cr_assert_null(p);
	yoi_plan_record r = rec(ID1, YOI_PLAN_AFTER, T1);
	cr_assert_eq(yoi_plan_record_check(&r, "x", NULL), YOI_EUSAGE);
	cr_assert_eq(yoi_plan_record_check(&r, OWNER, NULL), 0);
	cr_assert_eq(yoi_plan_record_check(&r, T2, NULL), YOI_EUSAGE);
	yoi_plan_free(NULL);
}

/* ---- next_id ----------------------------------------------------------------
 */

/* 2026-06-27T19:08:16Z */
#define NOW 1782587296

Test(plan, next_id_counts_within_a_second)
{
	yoi_plan *p = NULL;
	cr_assert_eq(yoi_plan_new(&p, OWNER), 0);
	char id[YOI_PLAN_ID_MAX + 1];
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190816-1");
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), NULL, OWNER, NOW), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190816-1");
	for (int i = 1; i <= 12; i++) {
		cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW),
			     0);
		char want[64];
		snprintf(want, sizeof(want), "orch-plan-20260627-190816-%d", i);
		cr_assert_str_eq(id, want);
		yoi_plan_record r =
		    rec(id, YOI_PLAN_WAITING_CAPACITY_NOTE, NULL);
		cr_assert_eq(yoi_plan_add(p, &r, NULL), 0);
	}
	/* the next second starts again at 1; the one before too */
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW + 1), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190817-1");
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW - 1), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190815-1");
	/* another ticket's count is its own */
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, T1, NOW), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190816-1");
	yoi_plan_free(p);
}

Test(plan, next_id_uses_max_plus_one_after_deletions)
{
	const char *s = LINE("orch-plan-20260627-190816-5", "before") "\n" LINE(
	    "orch-plan-20260627-190816-2",
	    "before") "\n" LINE("orch-plan-20260627-190817-9", "before") "\n";
	yoi_plan *p = parse_ok(s, strlen(s), NULL);
	char id[YOI_PLAN_ID_MAX + 1];
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190816-6");
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW + 1), 0);
	cr_assert_str_eq(id, "orch-plan-20260627-190817-10");
	yoi_plan_free(p);
}

Test(plan, next_id_edges)
{
	char id[YOI_PLAN_ID_MAX + 1];
	/* the epoch, and the last second of 9999 */
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), NULL, OWNER, 0), 0);
	cr_assert_str_eq(id, "orch-plan-19700101-000000-1");
	cr_assert_eq(
	    yoi_plan_next_id(id, sizeof(id), NULL, OWNER, 253402300799LL), 0);
	cr_assert_str_eq(id, "orch-plan-99991231-235959-1");
	cr_assert_eq(
	    yoi_plan_next_id(id, sizeof(id), NULL, OWNER, 253402300800LL),
	    YOI_EUSAGE);
	cr_assert_str_eq(id, "");
	/* capacity: exactly enough, one short */
	char small[28];
	cr_assert_eq(yoi_plan_next_id(small, sizeof(small), NULL, OWNER, NOW),
		     0);
	cr_assert_str_eq(small, "orch-plan-20260627-190816-1");
	cr_assert_eq(
	    yoi_plan_next_id(small, sizeof(small) - 1, NULL, OWNER, NOW),
	    YOI_EUSAGE);
	cr_assert_str_eq(small, "");
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), NULL, "nope", NOW),
		     YOI_EUSAGE);
	/* n at its maximum: refused, never a 10-digit id */
	const char *s =
	    LINE("orch-plan-20260627-190816-999999999", "before") "\n";
	yoi_plan *p = parse_ok(s, strlen(s), NULL);
	cr_assert_eq(yoi_plan_next_id(id, sizeof(id), p, OWNER, NOW),
		     YOI_EREFUSED);
	yoi_plan_free(p);
}

/* ---- add
 * --------------------------------------------------------------------- */

Test(plan, add_refusals)
{
	yoi_plan *p = NULL;
	cr_assert_eq(yoi_plan_new(&p, OWNER), 0);
	yoi_error err;
	yoi_plan_record r = rec(ID1, YOI_PLAN_BLOCKED_BY, T1);
	cr_assert_eq(yoi_plan_add(p, &r, &err), 0);
	cr_assert_eq(yoi_plan_add(p, &r, &err), YOI_EREFUSED);
	cr_assert_not_null(strstr(err.msg, "already used"), "%s", err.msg);

	r = rec(ID2, YOI_PLAN_BLOCKED_BY, OWNER);
	cr_assert_eq(yoi_plan_add(p, &r, &err), YOI_EREFUSED);
	cr_assert_not_null(strstr(err.msg, "itself"), "%s", err.msg);

	r = rec(ID2, YOI_PLAN_BLOCKED_BY, T1);
	strcpy(r.ticket_id, T2);
	cr_assert_eq(yoi_plan_add(p, &r, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "ticket_id"), "%s", err.msg);

	r = rec(ID2, YOI_PLAN_BLOCKED_BY, "0000");
	cr_assert_eq(yoi_plan_add(p, &r, &err), YOI_EUSAGE);
	cr_assert_eq(p->n, 1);

	/* the copy is deep: the caller's strings may go away */
	char note[] = "temporary";
	yoi_plan_accepted ap = {"sum", "br", NULL, NULL};
	r = rec(ID2, YOI_PLAN_ACCEPTED_PLAN, NULL);
	r.note = note;
	r.accepted = &ap;
	r.line = 99;
	cr_assert_eq(yoi_plan_add(p, &r, &err), 0);
	note[0] = 'X';
	ap.summary = "changed";
	cr_assert_str_eq(p->v[1].note, "temporary");
	cr_assert_str_eq(p->v[1].accepted->summary, "sum");
	cr_assert_neq(p->v[1].accepted, &ap);
	cr_assert_eq(p->v[1].line, 0);
	cr_assert_eq(yoi_plan_latest(p, YOI_PLAN_ACCEPTED_PLAN), &p->v[1]);
	yoi_plan_free(p);
}

Test(plan, deep_nesting_and_stray_cr_lines)
{
	size_t depth = 100000;
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "\r\r\n{\"note\":");
	for (size_t i = 0; i < depth; i++)
		yoi_buf_putc(&b, '[');
	for (size_t i = 0; i < depth; i++)
		yoi_buf_putc(&b, ']');
	yoi_buf_puts(&b, "}\n" LINE(ID1, "before") "\n");
	yoi_diag d = YOI_DIAG_INIT;
	yoi_plan *p = parse_ok(b.ptr, b.len, &d);
	cr_assert_eq(d.n, 1, "%zu findings", d.n);
	cr_assert_str_eq(d.v[0].code, "plan-syntax");
	cr_assert_eq(d.v[0].line, 2);
	cr_assert_eq(p->n, 1);
	cr_assert_eq(p->v[0].line, 3);
	yoi_plan_free(p);
	yoi_diag_free(&d);
	yoi_buf_free(&b);
}
