#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/diag.h"
#include "yoi/relations.h"

/* An error as people see it (yoi_error_text). */
static char et_buf[YOI_ERRTEXT_MAX];
#define ETEXT(e) yoi_error_text(&(e), et_buf, sizeof(et_buf))

#define PATH  ".yoi/tickets/00001KW55B33H/artifacts/relations.json"
#define OWNER "00001KW55B33H"
#define T1    "00001KW55B33B"
#define T2    "00001KW55B33C"
#define AT    "2026-06-27T19:08:16Z"

/* ---- helpers ------------------------------------------------------------ */

static yoi_relations *parse_ok(const char *s, yoi_diag *d)
{
	yoi_relations *r = NULL;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_relations_parse(&r, s, strlen(s), OWNER, PATH, d, &err);
	cr_assert_eq(rc, 0, "parse failed (%d): %s", rc, err.msg);
	cr_assert_not_null(r);
	return r;
}

/* Parse must fail with YOI_ECORRUPT, code in d at line, path in err. */
static void parse_corrupt(const char *s, size_t len, const char *code, int line)
{
	yoi_relations *r = (yoi_relations *)1;
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_relations_parse(&r, s, len, OWNER, PATH, &d, &err);
	cr_assert_eq(rc, YOI_ECORRUPT, "expected ECORRUPT, got %d", rc);
	cr_assert_null(r);
	cr_assert_eq(err.code, YOI_ECORRUPT);
	char et[YOI_ERRTEXT_MAX];
	yoi_error_text(&err, et, sizeof(et));
	cr_assert_not_null(strstr(et, PATH), "message '%s' lacks path", et);
	cr_assert_eq(err.line, line, "err line %d, expected %d", err.line,
		     line);
	long i = yoi_diag_find(&d, code);
	cr_assert_geq(i, 0, "no %s finding", code);
	cr_assert_eq(d.v[i].line, line, "diag line %d, expected %d",
		     d.v[i].line, line);
	cr_assert_str_eq(d.v[i].path, PATH);
	cr_assert_eq(d.v[i].severity, YOI_DIAG_ERROR);
	yoi_diag_free(&d);
}

static char *render_ok(const yoi_relations *r)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_relations_render(&b, r, &err);
	cr_assert_eq(rc, 0, "render failed (%d): %s", rc, err.msg);
	return yoi_buf_detach(&b);
}

/* The only finding is code at line; the file parsed with n records. */
static void one_finding(const char *s, const char *code, int line, size_t nrec)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(d.n, 1, "expected 1 finding, got %zu (first: %s)", d.n,
		     d.n ? d.v[0].message : "");
	cr_assert_str_eq(d.v[0].code, code, "code %s: %s", d.v[0].code,
			 d.v[0].message);
	cr_assert_eq(d.v[0].line, line, "line %d, expected %d (%s)",
		     d.v[0].line, line, d.v[0].message);
	cr_assert_eq(r->n, nrec);
	cr_assert_eq(r->nerrors, 1);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

/* A file with one record whose body (inside {}) is rec. */
static char *file1(const char *rec)
{
	return yoi_sprintf("{\n  \"version\": 1,\n  \"relations\": [\n"
			   "    {%s}\n  ]\n}\n",
			   rec);
}

#define REC(kind, target)                                                      \
	"\"ticket_id\": \"" OWNER "\", \"kind\": \"" kind                      \
	"\", \"target\": \"" target "\", \"author\": \"orchestrator\", "       \
	"\"at\": \"" AT "\""

static yoi_relation rel(yoi_rel_kind kind, const char *target, char *note)
{
	yoi_relation x = {.kind = kind, .note = note};
	strcpy(x.ticket_id, OWNER);
	snprintf(x.target, sizeof(x.target), "%s", target);
	x.author = "orchestrator";
	x.at = AT;
	return x;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	cr_assert_not_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- kinds ----------------------------------------------------------------
 */

Test(relations, kind_names_round_trip)
{
	for (int k = 0; k < YOI_REL_KIND_COUNT; k++) {
		const char *name = yoi_rel_kind_name((yoi_rel_kind)k);
		cr_assert_not_null(name);
		yoi_rel_kind back = YOI_REL_KIND_COUNT;
		cr_assert_eq(yoi_rel_kind_parse(&back, name), 0);
		cr_assert_eq(back, (yoi_rel_kind)k);
	}
	cr_assert_str_eq(yoi_rel_kind_name(YOI_REL_DEPENDS_ON), "depends_on");
	cr_assert_str_eq(yoi_rel_kind_name(YOI_REL_DUPLICATE_OF),
			 "duplicate_of");
	cr_assert_null(yoi_rel_kind_name(YOI_REL_KIND_COUNT));
	cr_assert_null(yoi_rel_kind_name((yoi_rel_kind)-1));
	yoi_rel_kind k = YOI_REL_BLOCKS;
	cr_assert_eq(yoi_rel_kind_parse(&k, "Depends_on"), YOI_EUSAGE);
	cr_assert_eq(yoi_rel_kind_parse(&k, ""), YOI_EUSAGE);
	cr_assert_eq(yoi_rel_kind_parse(&k, NULL), YOI_EUSAGE);
	cr_assert_eq(k, YOI_REL_BLOCKS, "untouched on failure");
}

Test(relations, inverse_names_read_from_the_target_side)
{
	static const char *const want[YOI_REL_KIND_COUNT] = {
	    "required by", "blocked by", "related to", "superseded by",
	    "duplicated by"};
	for (int k = 0; k < YOI_REL_KIND_COUNT; k++)
		cr_assert_str_eq(yoi_rel_kind_inverse((yoi_rel_kind)k), want[k],
				 "%s", yoi_rel_kind_name((yoi_rel_kind)k));
	cr_assert_str_eq(yoi_rel_kind_inverse(YOI_REL_KIND_COUNT), "?");
	cr_assert_str_eq(yoi_rel_kind_inverse((yoi_rel_kind)-1), "?");
}

/* ---- render: the format, pinned -------------------------------------------
 */

Test(relations, empty_renders_pinned)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	char *s = render_ok(r);
	cr_assert_str_eq(s, "{\n  \"version\": 1,\n  \"relations\": []\n}\n");
	/* and reads back as an empty set without findings */
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *back = parse_ok(s, &d);
	cr_assert_eq(back->n, 0);
	cr_assert_eq(d.n, 0);
	yoi_relations_free(back);
	yoi_relations_free(r);
	free(s);
}

Test(relations, small_file_renders_pinned)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_relation a =
	    rel(YOI_REL_DEPENDS_ON, T1, "needs the embedded runtime first");
	yoi_relation b = rel(YOI_REL_RELATED, T2, NULL);
	cr_assert_eq(yoi_relations_add(r, &a, NULL), 0);
	cr_assert_eq(yoi_relations_add(r, &b, NULL), 0);
	char *s = render_ok(r);
	cr_assert_str_eq(
	    s, "{\n"
	       "  \"version\": 1,\n"
	       "  \"relations\": [\n"
	       "    {\n"
	       "      \"ticket_id\": \"00001KW55B33H\",\n"
	       "      \"kind\": \"depends_on\",\n"
	       "      \"target\": \"00001KW55B33B\",\n"
	       "      \"note\": \"needs the embedded runtime first\",\n"
	       "      \"author\": \"orchestrator\",\n"
	       "      \"at\": \"2026-06-27T19:08:16Z\"\n"
	       "    },\n"
	       "    {\n"
	       "      \"ticket_id\": \"00001KW55B33H\",\n"
	       "      \"kind\": \"related\",\n"
	       "      \"target\": \"00001KW55B33C\",\n"
	       "      \"author\": \"orchestrator\",\n"
	       "      \"at\": \"2026-06-27T19:08:16Z\"\n"
	       "    }\n"
	       "  ]\n"
	       "}\n");
	free(s);
	yoi_relations_free(r);
}

Test(relations, render_appends_and_keeps_prefix)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "X"), 0);
	cr_assert_eq(yoi_relations_render(&b, r, NULL), 0);
	cr_assert_str_eq(b.ptr,
			 "X{\n  \"version\": 1,\n  \"relations\": []\n}\n");
	yoi_buf_free(&b);
	yoi_relations_free(r);
}

/* ---- parse ----------------------------------------------------------------
 */

Test(relations, parses_spec_example_with_lines)
{
	const char *s =
	    "{\n"
	    "  \"version\": 1,\n"
	    "  \"relations\": [\n"
	    "    {\"ticket_id\": \"00001KW55B33H\", \"kind\": "
	    "\"depends_on\", \"target\": \"00001KW55B33B\",\n"
	    "     \"note\": \"needs the embedded runtime first\", "
	    "\"author\": \"orchestrator\", \"at\": "
	    "\"2026-06-27T19:08:16Z\"},\n"
	    "\n"
	    "    {\"ticket_id\": \"00001KW55B33H\", \"kind\": \"blocks\", "
	    "\"target\": \"00001KW55B33C\", \"author\": \"a b\", \"at\": "
	    "\"2026-06-27T19:08:17Z\"}\n"
	    "  ]\n"
	    "}\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert_eq(r->nerrors, 0);
	cr_assert_str_eq(r->owner, OWNER);
	cr_assert_eq(r->n, 2);
	cr_assert_not(r->crlf);
	const yoi_relation *a = &r->v[0], *b = &r->v[1];
	cr_assert_str_eq(a->ticket_id, OWNER);
	cr_assert_eq(a->kind, YOI_REL_DEPENDS_ON);
	cr_assert_str_eq(a->target, T1);
	cr_assert_str_eq(a->note, "needs the embedded runtime first");
	cr_assert_str_eq(a->author, "orchestrator");
	cr_assert_str_eq(a->at, AT);
	cr_assert_eq(a->line, 4);
	cr_assert_eq(b->kind, YOI_REL_BLOCKS);
	cr_assert_null(b->note);
	cr_assert_str_eq(b->author, "a b");
	cr_assert_eq(b->line, 7);
	cr_assert_eq(yoi_relations_find(r, YOI_REL_BLOCKS, T2), b);
	cr_assert_null(yoi_relations_find(r, YOI_REL_DEPENDS_ON, T2));
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

Test(relations, round_trip_field_by_field_and_idempotent)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	const char *notes[] = {
	    "quote \" backslash \\ slash / tab \t newline \n end", "",
	    "日本語 ✓ \xF0\x9F\x98\x80 \xE2\x80\xA8 sep", NULL,
	    "<!-- event: x -->"};
	yoi_rel_kind kinds[] = {YOI_REL_DEPENDS_ON, YOI_REL_BLOCKS,
				YOI_REL_RELATED, YOI_REL_SUPERSEDES,
				YOI_REL_DUPLICATE_OF};
	for (int i = 0; i < 5; i++) {
		yoi_relation x =
		    rel(kinds[i], i % 2 ? T1 : T2, (char *)notes[i]);
		x.author = i == 2 ? "名前 with spaces" : "orchestrator";
		x.at = i == 3 ? "2026-06-27T21:08:16+02:00" : AT;
		cr_assert_eq(yoi_relations_add(r, &x, NULL), 0);
	}
	char *s1 = render_ok(r);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *back = parse_ok(s1, &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].message : "");
	cr_assert_eq(back->n, r->n);
	for (size_t i = 0; i < r->n; i++) {
		const yoi_relation *x = &r->v[i], *y = &back->v[i];
		cr_assert_str_eq(x->ticket_id, y->ticket_id);
		cr_assert_eq(x->kind, y->kind);
		cr_assert_str_eq(x->target, y->target);
		if (x->note)
			cr_assert_str_eq(x->note, y->note);
		else
			cr_assert_null(y->note);
		cr_assert_str_eq(x->author, y->author);
		cr_assert_str_eq(x->at, y->at);
		cr_assert_eq(x->line, 0);
		cr_assert_gt(y->line, 0);
	}
	char *s2 = render_ok(back);
	cr_assert_str_eq(s1, s2);
	free(s1);
	free(s2);
	yoi_relations_free(back);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

Test(relations, render_of_compact_input_is_canonical_and_stable)
{
	/* keys out of order, one line, note last */
	const char *s = "{\"relations\":[{\"at\":\"" AT "\",\"author\":\"x\","
			"\"target\":\"" T1 "\",\"kind\":\"supersedes\","
			"\"ticket_id\":\"" OWNER "\",\"note\":\"n\"}],"
			"\"version\":1}";
	yoi_relations *r = parse_ok(s, NULL);
	cr_assert_eq(r->n, 1);
	cr_assert_eq(r->v[0].line, 1);
	char *s1 = render_ok(r);
	cr_assert_not_null(strstr(s1, "\"version\": 1,\n  \"relations\": ["));
	cr_assert(strstr(s1, "\"target\"") < strstr(s1, "\"note\""));
	cr_assert(strstr(s1, "\"note\"") < strstr(s1, "\"author\""));
	yoi_relations *r2 = parse_ok(s1, NULL);
	char *s2 = render_ok(r2);
	cr_assert_str_eq(s1, s2);
	free(s1);
	free(s2);
	yoi_relations_free(r);
	yoi_relations_free(r2);
}

Test(relations, record_lines_in_a_rendered_file)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_relation a = rel(YOI_REL_DEPENDS_ON, T1, "n");
	yoi_relation b = rel(YOI_REL_RELATED, T2, NULL);
	cr_assert_eq(yoi_relations_add(r, &a, NULL), 0);
	cr_assert_eq(yoi_relations_add(r, &b, NULL), 0);
	char *s = render_ok(r);
	yoi_relations *back = parse_ok(s, NULL);
	cr_assert_eq(back->v[0].line, 4);
	cr_assert_eq(back->v[1].line, 12);
	free(s);
	yoi_relations_free(back);
	yoi_relations_free(r);
}

Test(relations, lines_survive_an_escaped_relations_key)
{
	/* jansson decodes "rel\u0061tions" to "relations"; lines still map */
	const char *s = "{\n\"version\": 1,\n\"rel\\u0061tions\": [\n"
			"\"not an object\",\n{" REC("blocks", T1) "}\n]}\n";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(r->n, 1);
	cr_assert_eq(r->v[0].line, 5);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].code, "relation-schema");
	cr_assert_eq(d.v[0].line, 4);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

Test(relations, braces_inside_strings_do_not_confuse_lines)
{
	const char *s = "{\"version\": 1, \"relations\": [\n"
			"{\"ticket_id\": \"" OWNER "\", \"kind\": \"blocks\", "
			"\"target\": \"" T1 "\", \"note\": \"[{\\\"x,\\\\\", "
			"\"author\": \"a\", \"at\": \"" AT "\"},\n"
			"{" REC("related", T1) "}]}";
	yoi_relations *r = parse_ok(s, NULL);
	cr_assert_eq(r->n, 2);
	cr_assert_str_eq(r->v[0].note, "[{\"x,\\");
	cr_assert_eq(r->v[0].line, 2);
	cr_assert_eq(r->v[1].line, 3);
	yoi_relations_free(r);
}

Test(relations, crlf_is_read_and_written_back)
{
	const char *s = "{\r\n  \"version\": 1,\r\n  \"relations\": [\r\n"
			"    {" REC("depends_on", T1) "}\r\n  ]\r\n}\r\n";
	yoi_relations *r = parse_ok(s, NULL);
	cr_assert(r->crlf);
	cr_assert_eq(r->n, 1);
	cr_assert_eq(r->v[0].line, 4);
	char *out = render_ok(r);
	cr_assert_not_null(strstr(out, "{\r\n  \"version\": 1,\r\n"));
	cr_assert_eq(strstr(out, "\r\r"), NULL);
	for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
		cr_assert_eq(p[-1], '\r', "bare LF in CRLF output");
	yoi_relations *back = parse_ok(out, NULL);
	char *again = render_ok(back);
	cr_assert_str_eq(out, again);
	free(out);
	free(again);
	yoi_relations_free(back);
	yoi_relations_free(r);
}

Test(relations, bom_is_skipped)
{
	char *s = yoi_sprintf("\xEF\xBB\xBF%s",
			      "{\"version\": 1, \"relations\": []}");
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(r->n, 0);
	free(s);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

/* ---- whole-file failures --------------------------------------------------
 */

Test(relations, syntax_error_reports_jansson_line)
{
	const char *s =
	    "{\n  \"version\": 1,\n  \"relations\": [\n    {,}\n]}\n";
	parse_corrupt(s, strlen(s), "relation-syntax", 4);
}

Test(relations, truncated_file_is_corrupt)
{
	const char *s = "{\n  \"version\": 1,\n  \"relations\": [\n";
	parse_corrupt(s, strlen(s), "relation-syntax", 4);
}

Test(relations, duplicate_key_in_record_is_syntax)
{
	const char *s = "{\"version\": 1, \"relations\": [\n{" REC(
	    "blocks", T1) ",\n \"kind\": \"related\"}]}";
	parse_corrupt(s, strlen(s), "relation-syntax", 3);
	yoi_error err;
	yoi_relations *r;
	cr_assert_eq(
	    yoi_relations_parse(&r, s, strlen(s), OWNER, PATH, NULL, &err),
	    YOI_ECORRUPT);
	cr_assert_not_null(strstr(err.msg, "duplicate"), "%s", err.msg);
	cr_assert_not_null(strstr(ETEXT(err), PATH ":3:"), "%s", et_buf);
}

Test(relations, duplicate_top_level_key_is_syntax)
{
	const char *s = "{\"version\": 1,\n\"version\": 1, \"relations\": []}";
	parse_corrupt(s, strlen(s), "relation-syntax", 2);
}

Test(relations, invalid_utf8_and_nul_are_encoding_errors)
{
	const char *s =
	    "{\"version\": 1,\n\"relations\": [\n{\"note\": \"\xC3\x28\"}]}";
	parse_corrupt(s, strlen(s), "relation-encoding", 3);
	const char *t =
	    "{\"version\": 1,\n\"relations\": [\xC0\xAF]}"; /* overlong */
	parse_corrupt(t, strlen(t), "relation-encoding", 2);
	const char u[] = "{\"version\": 1,\n\n\"relations\": [\0]}";
	parse_corrupt(u, sizeof(u) - 1, "relation-encoding", 3);
}

Test(relations, escaped_nul_is_refused)
{
	const char *s = "{\"version\": 1, \"relations\": [{" REC(
	    "blocks", T1) ", \"note\": \"a\\u0000b\"}]}";
	parse_corrupt(s, strlen(s), "relation-syntax", 1);
}

Test(relations, empty_and_blank_files_are_corrupt)
{
	parse_corrupt("", 0, "relation-syntax", 1);
	parse_corrupt(" \n\n", 3, "relation-syntax", 3);
}

Test(relations, top_level_must_be_an_object)
{
	parse_corrupt("\n[]", 3, "relation-schema", 2);
	parse_corrupt("42", 2, "relation-syntax", 1);
}

Test(relations, version_must_be_integer_one)
{
	const char *cases[] = {
	    "{\"relations\": []}",
	    "{\"version\": 2, \"relations\": []}",
	    "{\"version\": \"1\", \"relations\": []}",
	    "{\"version\": 1.0, \"relations\": []}",
	    "{\"version\": null, \"relations\": []}",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		parse_corrupt(cases[i], strlen(cases[i]), "relation-schema", 1);
	const char *s = "{\n\"relations\": [],\n\"version\": 0}";
	parse_corrupt(s, strlen(s), "relation-schema", 3);
}

Test(relations, relations_must_be_an_array)
{
	parse_corrupt("{\"version\": 1}", 14, "relation-schema", 1);
	const char *s = "{\"version\": 1,\n \"relations\": {}}";
	parse_corrupt(s, strlen(s), "relation-schema", 2);
}

Test(relations, invalid_owner_is_usage)
{
	yoi_relations *r = (yoi_relations *)1;
	const char *s = "{\"version\": 1, \"relations\": []}";
	cr_assert_eq(
	    yoi_relations_parse(&r, s, strlen(s), "../etc", PATH, NULL, NULL),
	    YOI_EUSAGE);
	cr_assert_null(r);
	cr_assert_eq(
	    yoi_relations_parse(&r, s, strlen(s), NULL, PATH, NULL, NULL),
	    YOI_EUSAGE);
	cr_assert_eq(yoi_relations_new(&r, "00001kw55b33h"), YOI_EUSAGE);
	cr_assert_null(r);
	yoi_relations_free(NULL);
}

/* ---- record findings -------------------------------------------------------
 */

Test(relations, unknown_top_level_key_is_reported_not_fatal)
{
	const char *s =
	    "{\n  \"version\": 1,\n  \"extra\": [1, {\"a\": [2]}],\n"
	    "  \"relations\": [\n    {" REC("blocks", T1) "}\n  ]\n}\n";
	one_finding(s, "relation-schema", 3, 1);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_not_null(strstr(d.v[0].message, "\"extra\""));
	cr_assert_eq(r->v[0].line, 5);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

Test(relations, unknown_record_key_skips_the_record_only)
{
	const char *s = "{\"version\": 1, \"relations\": [\n"
			"{" REC("blocks", T1) ", \"weight\": 3},\n"
					      "{" REC("related", T2) "}\n]}";
	one_finding(s, "relation-schema", 2, 1);
	yoi_relations *r = parse_ok(s, NULL);
	cr_assert_eq(r->n, 1);
	cr_assert_eq(r->v[0].kind, YOI_REL_RELATED);
	cr_assert_eq(r->v[0].line, 3);
	cr_assert_eq(r->nerrors, 1, "counted without a diag list");
	yoi_relations_free(r);
}

Test(relations, each_required_key_is_required)
{
	const char *keys[] = {"ticket_id", "kind", "target", "author", "at"};
	const char *vals[] = {OWNER, "blocks", T1, "a", AT};
	for (int miss = 0; miss < 5; miss++) {
		yoi_buf b = YOI_BUF_INIT;
		for (int k = 0; k < 5; k++)
			if (k != miss)
				yoi_buf_printf(&b, "%s\"%s\": \"%s\"",
					       b.len ? ", " : "", keys[k],
					       vals[k]);
		char *s = file1(b.ptr);
		yoi_diag d = YOI_DIAG_INIT;
		yoi_relations *r = parse_ok(s, &d);
		cr_assert_eq(r->n, 0);
		cr_assert_eq(d.n, 1, "missing %s: %zu findings", keys[miss],
			     d.n);
		cr_assert_str_eq(d.v[0].code, "relation-schema");
		cr_assert_eq(d.v[0].line, 4);
		cr_assert_not_null(strstr(d.v[0].message, keys[miss]));
		yoi_relations_free(r);
		yoi_diag_free(&d);
		yoi_buf_free(&b);
		free(s);
	}
}

Test(relations, wrong_types_are_schema_errors_not_missing)
{
	char *s =
	    file1("\"ticket_id\": \"" OWNER "\", \"kind\": 5, \"target\": "
		  "\"" T1 "\", \"note\": null, \"author\": \"a\", "
		  "\"at\": \"" AT "\"");
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(r->n, 0);
	cr_assert_eq(d.n, 2, "kind and note: %zu", d.n);
	for (size_t i = 0; i < d.n; i++) {
		cr_assert_str_eq(d.v[i].code, "relation-schema");
		cr_assert_not_null(strstr(d.v[i].message, "not a string"));
	}
	yoi_relations_free(r);
	yoi_diag_free(&d);
	free(s);
}

Test(relations, record_not_an_object)
{
	const char *s = "{\"version\": 1, \"relations\": [\n  [],\n  \"x\",\n"
			"  {" REC("blocks", T1) "}]}";
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(r->n, 1);
	cr_assert_eq(d.n, 2);
	cr_assert_eq(d.v[0].line, 2);
	cr_assert_eq(d.v[1].line, 3);
	cr_assert_eq(r->v[0].line, 4);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

Test(relations, bad_values_are_schema_errors)
{
	const char *bad[] = {
	    /* unknown kind */
	    "\"ticket_id\": \"" OWNER "\", \"kind\": \"parent_of\", "
	    "\"target\": \"" T1 "\", \"author\": \"a\", \"at\": \"" AT "\"",
	    /* target not an ID (path traversal) */
	    "\"ticket_id\": \"" OWNER "\", \"kind\": \"blocks\", "
	    "\"target\": \"../../etc\", \"author\": \"a\", \"at\": \"" AT "\"",
	    /* lower-case target */
	    "\"ticket_id\": \"" OWNER "\", \"kind\": \"blocks\", "
	    "\"target\": \"00001kw55b33b\", \"author\": \"a\", \"at\": \"" AT
	    "\"",
	    /* ticket_id is another ticket */
	    "\"ticket_id\": \"" T2 "\", \"kind\": \"blocks\", "
	    "\"target\": \"" T1 "\", \"author\": \"a\", \"at\": \"" AT "\"",
	    /* ticket_id not an ID */
	    "\"ticket_id\": \"X\", \"kind\": \"blocks\", "
	    "\"target\": \"" T1 "\", \"author\": \"a\", \"at\": \"" AT "\"",
	    /* empty author */
	    "\"ticket_id\": \"" OWNER "\", \"kind\": \"blocks\", "
	    "\"target\": \"" T1 "\", \"author\": \"\", \"at\": \"" AT "\"",
	    /* at not RFC 3339 */
	    "\"ticket_id\": \"" OWNER "\", \"kind\": \"blocks\", "
	    "\"target\": \"" T1 "\", \"author\": \"a\", \"at\": \"2026-06-27\"",
	    "\"ticket_id\": \"" OWNER "\", \"kind\": \"blocks\", "
	    "\"target\": \"" T1 "\", \"author\": \"a\", "
	    "\"at\": \"2026-02-30T00:00:00Z\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *s = file1(bad[i]);
		one_finding(s, "relation-schema", 4, 0);
		free(s);
	}
}

Test(relations, self_relation)
{
	char *s = file1(REC("depends_on", OWNER));
	one_finding(s, "relation-self", 4, 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_not_null(strstr(d.v[0].message, OWNER));
	yoi_relations_free(r);
	yoi_diag_free(&d);
	free(s);
}

Test(relations, duplicate_pair_reports_the_later_record)
{
	const char *s =
	    "{\"version\": 1, \"relations\": [\n"
	    "{" REC("blocks", T1) "},\n"
				  "{" REC("related",
					  T1) "},\n"
					      "{" REC("blocks",
						      T2) "},\n"
							  "{" REC("blocks",
								  T1) "}\n]}";
	one_finding(s, "relation-duplicate", 5, 3);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_not_null(strstr(d.v[0].message, "line 2"), "%s",
			   d.v[0].message);
	cr_assert_eq(r->v[0].line, 2);
	yoi_relations_free(r);
	yoi_diag_free(&d);
}

Test(relations, several_problems_in_one_record_all_reported)
{
	char *s = file1("\"ticket_id\": \"" OWNER "\", \"kind\": \"nope\", "
			"\"target\": \"bad\", \"author\": \"\", \"at\": \"x\", "
			"\"z\": 1");
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(r->n, 0);
	cr_assert_eq(d.n, 5, "%zu findings", d.n);
	cr_assert_eq(r->nerrors, 5);
	for (size_t i = 0; i < d.n; i++)
		cr_assert_eq(d.v[i].line, 4);
	yoi_relations_free(r);
	yoi_diag_free(&d);
	free(s);
}

/* ---- limits ----------------------------------------------------------------
 */

Test(relations, note_limit_at_and_over)
{
	char *at = repeat('n', YOI_REL_NOTE_MAX);
	char *over = repeat('n', YOI_REL_NOTE_MAX + 1);
	char *rec = yoi_sprintf(REC("blocks", T1) ", \"note\": \"%s\"", at);
	char *s = file1(rec);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_relations *r = parse_ok(s, &d);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(strlen(r->v[0].note), YOI_REL_NOTE_MAX);
	yoi_relations_free(r);
	free(rec);
	free(s);
	rec = yoi_sprintf(REC("blocks", T1) ", \"note\": \"%s\"", over);
	s = file1(rec);
	one_finding(s, "relation-limit", 4, 0);
	free(rec);
	free(s);

	yoi_relations *m = NULL;
	cr_assert_eq(yoi_relations_new(&m, OWNER), 0);
	yoi_relation x = rel(YOI_REL_BLOCKS, T1, over);
	yoi_error err;
	cr_assert_eq(yoi_relations_add(m, &x, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "note"));
	x.note = at;
	cr_assert_eq(yoi_relations_add(m, &x, &err), 0);
	yoi_relations_free(m);
	yoi_diag_free(&d);
	free(at);
	free(over);
}

Test(relations, string_limit_at_and_over)
{
	char *at = repeat('a', YOI_REL_STRING_MAX);
	char *over = repeat('a', YOI_REL_STRING_MAX + 1);
	char *rec = yoi_sprintf("\"ticket_id\": \"" OWNER "\", \"kind\": "
				"\"blocks\", \"target\": \"" T1 "\", "
				"\"author\": \"%s\", \"at\": \"" AT "\"",
				at);
	char *s = file1(rec);
	yoi_relations *r = parse_ok(s, NULL);
	cr_assert_eq(r->n, 1);
	cr_assert_eq(r->nerrors, 0);
	yoi_relations_free(r);
	free(rec);
	free(s);
	rec = yoi_sprintf("\"ticket_id\": \"" OWNER "\", \"kind\": "
			  "\"blocks\", \"target\": \"" T1 "\", "
			  "\"author\": \"%s\", \"at\": \"" AT "\"",
			  over);
	s = file1(rec);
	one_finding(s, "relation-limit", 4, 0);
	free(rec);
	free(s);
	/* a huge target is a limit finding, not an overflow */
	rec = yoi_sprintf("\"ticket_id\": \"" OWNER "\", \"kind\": "
			  "\"blocks\", \"target\": \"%s\", "
			  "\"author\": \"a\", \"at\": \"" AT "\"",
			  over);
	s = file1(rec);
	one_finding(s, "relation-limit", 4, 0);
	free(rec);
	free(s);

	yoi_relations *m = NULL;
	cr_assert_eq(yoi_relations_new(&m, OWNER), 0);
	yoi_relation x = rel(YOI_REL_BLOCKS, T1, NULL);
	x.author = over;
	cr_assert_eq(yoi_relations_add(m, &x, NULL), YOI_EUSAGE);
	x.author = at;
	cr_assert_eq(yoi_relations_add(m, &x, NULL), 0);
	yoi_relations_free(m);
	free(at);
	free(over);
}

Test(relations, file_size_limit)
{
	size_t n = YOI_REL_FILE_MAX + 1;
	char *s = repeat(' ', n);
	parse_corrupt(s, n, "relation-limit", 0);
	/* at the limit the size is fine (blank: empty file, a syntax error) */
	parse_corrupt(s, n - 1, "relation-syntax", 1);
	free(s);
}

static char *many_records(size_t n)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "{\"version\": 1, \"relations\": [\n");
	for (size_t i = 0; i < n; i++) {
		char id[YOI_ID_LEN + 1];
		yoi_id_encode((int64_t)(1000000 + i), id);
		yoi_buf_printf(&b,
			       "%s{\"ticket_id\": \"" OWNER "\", \"kind\": "
			       "\"related\", \"target\": \"%s\", "
			       "\"author\": \"a\", \"at\": \"" AT "\"}\n",
			       i ? "," : "", id);
	}
	yoi_buf_puts(&b, "]}\n");
	return yoi_buf_detach(&b);
}

Test(relations, record_count_limit)
{
	char *s = many_records(YOI_REL_RECORDS_MAX);
	yoi_relations *r = parse_ok(s, NULL);
	cr_assert_eq(r->n, YOI_REL_RECORDS_MAX);
	cr_assert_eq(r->nerrors, 0);
	cr_assert_eq(r->v[YOI_REL_RECORDS_MAX - 1].line,
		     YOI_REL_RECORDS_MAX + 1);
	/* full: add refuses */
	yoi_relation x = rel(YOI_REL_BLOCKS, T1, NULL);
	yoi_error err;
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EREFUSED);
	cr_assert_not_null(strstr(err.msg, "4096"), "%s", err.msg);
	yoi_relations_free(r);
	free(s);

	s = many_records(YOI_REL_RECORDS_MAX + 1);
	parse_corrupt(s, strlen(s), "relation-limit", 1);
	free(s);
}

Test(relations, render_refuses_a_file_over_the_size_limit)
{
	/* 300 notes of 16 KiB: within the record limit, over 4 MiB */
	char *note = repeat('x', YOI_REL_NOTE_MAX);
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	for (int i = 0; i < 300; i++) {
		char id[YOI_ID_LEN + 1];
		yoi_id_encode(5000 + i, id);
		yoi_relation x = rel(YOI_REL_RELATED, id, note);
		cr_assert_eq(yoi_relations_add(r, &x, NULL), 0);
	}
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "keep");
	yoi_error err;
	cr_assert_eq(yoi_relations_render(&b, r, &err), YOI_EREFUSED);
	cr_assert_str_eq(b.ptr, "keep");
	yoi_buf_free(&b);
	yoi_relations_free(r);
	free(note);
}

/* ---- add / remove ----------------------------------------------------------
 */

Test(relations, add_refuses_self_and_duplicate)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_error err;
	yoi_error_clear(&err);
	yoi_relation self = rel(YOI_REL_DEPENDS_ON, OWNER, NULL);
	cr_assert_eq(yoi_relations_add(r, &self, &err), YOI_EREFUSED);
	cr_assert_eq(err.code, YOI_EREFUSED);
	cr_assert_not_null(strstr(err.msg, "itself"), "%s", err.msg);
	cr_assert_eq(r->n, 0);

	yoi_relation a = rel(YOI_REL_DEPENDS_ON, T1, "first");
	cr_assert_eq(yoi_relations_add(r, &a, &err), 0);
	yoi_relation again = rel(YOI_REL_DEPENDS_ON, T1, "second");
	cr_assert_eq(yoi_relations_add(r, &again, &err), YOI_EREFUSED);
	cr_assert_not_null(strstr(err.msg, "already has a depends_on "
					   "relation to " T1),
			   "%s", err.msg);
	cr_assert_eq(r->n, 1);
	cr_assert_str_eq(r->v[0].note, "first");
	/* same target, other kind: fine */
	yoi_relation b = rel(YOI_REL_RELATED, T1, NULL);
	cr_assert_eq(yoi_relations_add(r, &b, &err), 0);
	cr_assert_eq(r->n, 2);
	yoi_relations_free(r);
}

Test(relations, add_refuses_invalid_input_as_usage)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_error err;
	yoi_relation x;

	x = rel(YOI_REL_BLOCKS, "../x", NULL);
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "target"), "%s", err.msg);

	x = rel(YOI_REL_BLOCKS, T1, NULL);
	strcpy(x.ticket_id, T2);
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "ticket_id"), "%s", err.msg);

	x = rel(YOI_REL_KIND_COUNT, T1, NULL);
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);

	x = rel(YOI_REL_BLOCKS, T1, NULL);
	x.at = "yesterday";
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);
	x.at = NULL;
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);

	x = rel(YOI_REL_BLOCKS, T1, NULL);
	x.author = "";
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);
	x.author = NULL;
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);

	x = rel(YOI_REL_BLOCKS, T1, "bad \xFF utf8");
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);
	cr_assert_not_null(strstr(err.msg, "UTF-8"), "%s", err.msg);

	/* a ticket_id array without its NUL is invalid, not an overread */
	x = rel(YOI_REL_BLOCKS, T1, NULL);
	memset(x.ticket_id, 'A', sizeof(x.ticket_id));
	cr_assert_eq(yoi_relations_add(r, &x, &err), YOI_EUSAGE);

	cr_assert_eq(r->n, 0);
	cr_assert_eq(yoi_relations_add(r, &(yoi_relation){0}, NULL),
		     YOI_EUSAGE);
	yoi_relations_free(r);
}

Test(relations, remove_keeps_order_and_reports_absent)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_relation a = rel(YOI_REL_DEPENDS_ON, T1, NULL);
	yoi_relation b = rel(YOI_REL_BLOCKS, T1, NULL);
	yoi_relation c = rel(YOI_REL_RELATED, T2, "c");
	cr_assert_eq(yoi_relations_add(r, &a, NULL), 0);
	cr_assert_eq(yoi_relations_add(r, &b, NULL), 0);
	cr_assert_eq(yoi_relations_add(r, &c, NULL), 0);
	yoi_error err;
	cr_assert_eq(yoi_relations_remove(r, YOI_REL_BLOCKS, T1, &err), 0);
	cr_assert_eq(r->n, 2);
	cr_assert_eq(r->v[0].kind, YOI_REL_DEPENDS_ON);
	cr_assert_eq(r->v[1].kind, YOI_REL_RELATED);
	cr_assert_str_eq(r->v[1].note, "c");
	cr_assert_eq(yoi_relations_remove(r, YOI_REL_BLOCKS, T1, &err),
		     YOI_ENOTFOUND);
	cr_assert_eq(err.code, YOI_ENOTFOUND);
	cr_assert_not_null(strstr(err.msg, "no blocks relation to " T1), "%s",
			   err.msg);
	cr_assert_eq(yoi_relations_remove(r, YOI_REL_RELATED, T1, NULL),
		     YOI_ENOTFOUND);
	cr_assert_eq(yoi_relations_remove(r, YOI_REL_RELATED, NULL, NULL),
		     YOI_ENOTFOUND);
	cr_assert_eq(yoi_relations_remove(r, YOI_REL_DEPENDS_ON, T1, NULL), 0);
	cr_assert_eq(yoi_relations_remove(r, YOI_REL_RELATED, T2, NULL), 0);
	cr_assert_eq(r->n, 0);
	char *s = render_ok(r);
	cr_assert_str_eq(s, "{\n  \"version\": 1,\n  \"relations\": []\n}\n");
	free(s);
	yoi_relations_free(r);
}

Test(relations, add_then_remove_round_trips_through_a_file)
{
	const char *s =
	    "{\"version\": 1, \"relations\": [{" REC("blocks", T1) "}]}";
	yoi_relations *r = parse_ok(s, NULL);
	yoi_relation x = rel(YOI_REL_SUPERSEDES, T2, "newer");
	cr_assert_eq(yoi_relations_add(r, &x, NULL), 0);
	char *s1 = render_ok(r);
	yoi_relations *r2 = parse_ok(s1, NULL);
	cr_assert_eq(r2->n, 2);
	cr_assert_eq(r2->v[1].kind, YOI_REL_SUPERSEDES);
	cr_assert_eq(yoi_relations_remove(r2, YOI_REL_BLOCKS, T1, NULL), 0);
	char *s2 = render_ok(r2);
	yoi_relations *r3 = parse_ok(s2, NULL);
	cr_assert_eq(r3->n, 1);
	cr_assert_str_eq(r3->v[0].target, T2);
	cr_assert_eq(r3->v[0].line, 4);
	free(s1);
	free(s2);
	yoi_relations_free(r);
	yoi_relations_free(r2);
	yoi_relations_free(r3);
}

Test(relations, render_refuses_a_hand_made_bad_set)
{
	yoi_relations *r = NULL;
	cr_assert_eq(yoi_relations_new(&r, OWNER), 0);
	yoi_relation a = rel(YOI_REL_BLOCKS, T1, NULL);
	cr_assert_eq(yoi_relations_add(r, &a, NULL), 0);
	cr_assert_eq(yoi_relations_add(r, &(yoi_relation){0}, NULL),
		     YOI_EUSAGE);
	/* a caller who edits v directly into a duplicate */
	yoi_relation b = rel(YOI_REL_RELATED, T1, NULL);
	cr_assert_eq(yoi_relations_add(r, &b, NULL), 0);
	r->v[1].kind = YOI_REL_BLOCKS;
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_relations_render(&out, r, &err), YOI_EREFUSED);
	cr_assert_null(out.ptr);
	r->v[1].kind = YOI_REL_KIND_COUNT;
	cr_assert_eq(yoi_relations_render(&out, r, &err), YOI_EUSAGE);
	cr_assert_null(out.ptr);
	yoi_relations_free(r);
}

Test(relations, deep_nesting_is_a_syntax_error_not_a_crash)
{
	size_t depth = 100000;
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_puts(&b, "{\"version\": 1, \"relations\": [");
	for (size_t i = 0; i < depth; i++)
		yoi_buf_putc(&b, '[');
	for (size_t i = 0; i < depth; i++)
		yoi_buf_putc(&b, ']');
	yoi_buf_puts(&b, "]}\n");
	parse_corrupt(b.ptr, b.len, "relation-syntax", 1);
	yoi_buf_free(&b);
}

Test(relations, binary_garbage_is_corrupt)
{
	unsigned char junk[256];
	for (int i = 0; i < 256; i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	yoi_relations *r = (yoi_relations *)1;
	yoi_diag d = YOI_DIAG_INIT;
	cr_assert_eq(yoi_relations_parse(&r, (const char *)junk, sizeof(junk),
					 OWNER, PATH, &d, NULL),
		     YOI_ECORRUPT);
	cr_assert_null(r);
	cr_assert_eq(d.n, 1);
	yoi_diag_free(&d);
}
