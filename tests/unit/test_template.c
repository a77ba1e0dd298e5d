#include <criterion/criterion.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "base/template.h"

/* An error as people see it (yoi_error_text). */
static char et_buf[YOI_ERRTEXT_MAX];
#define ETEXT(e) yoi_error_text(&(e), et_buf, sizeof(et_buf))

#define NAME "role/coder.md"

/* ---- helpers ------------------------------------------------------------ */

static json_t *view_of(const char *json)
{
	if (!json)
		return NULL;
	json_error_t je;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &je);
	cr_assert_not_null(v, "bad test view '%s': %s", json, je.text);
	return v;
}

/*
 * Render len bytes of s, copied into a buffer of exactly len bytes (no NUL
 * after it) so that ASan catches any read past the end.
 */
static int render_n(const char *s, size_t len, const json_t *view, yoi_buf *out,
		    yoi_error *err)
{
	char *copy = len ? malloc(len) : NULL;
	if (len)
		memcpy(copy, s, len);
	yoi_error_clear(err);
	int rc = yoi_template_render(NAME, copy, len, view, out, err);
	free(copy);
	return rc;
}

/* The rendering of tmpl with the view (JSON text, NULL for none). */
static char *render_ok(const char *tmpl, const char *view_json)
{
	json_t *view = view_of(view_json);
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	int rc = render_n(tmpl, strlen(tmpl), view, &out, &err);
	cr_assert_eq(rc, 0, "render of '%s' failed (%d): %s", tmpl, rc,
		     err.msg);
	json_decref(view);
	return out.ptr ? yoi_buf_detach(&out) : strdup("");
}

static void expect(const char *tmpl, const char *view_json, const char *want)
{
	char *got = render_ok(tmpl, view_json);
	cr_assert_str_eq(got, want, "template '%s'", tmpl);
	free(got);
}

/*
 * Rendering fails with YOI_ECORRUPT at line, the message is
 * "role/coder.md:<line>: ..." and contains what, and out keeps what it
 * held before.
 */
static void expect_error(const char *tmpl, size_t len, const char *view_json,
			 int line, const char *what)
{
	json_t *view = view_of(view_json);
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&out, "kept"), 0);
	size_t cap = out.cap;
	yoi_error err;
	int rc = render_n(tmpl, len, view, &out, &err);
	cr_assert_eq(rc, YOI_ECORRUPT,
		     "template '%s': expected ECORRUPT, "
		     "got %d (%s)",
		     tmpl, rc, err.msg);
	cr_assert_eq(err.code, YOI_ECORRUPT);
	cr_assert_eq(err.line, line, "template '%s': line %d, expected %d (%s)",
		     tmpl, err.line, line, err.msg);
	cr_assert_str_eq(err.path, NAME);
	char prefix[64];
	snprintf(prefix, sizeof(prefix), NAME ":%d: ", line);
	char et[YOI_ERRTEXT_MAX];
	yoi_error_text(&err, et, sizeof(et));
	cr_assert_eq(strncmp(et, prefix, strlen(prefix)), 0,
		     "message '%s' does not start with '%s'", et, prefix);
	cr_assert_null(strstr(err.msg, prefix),
		       "the message embeds its own place: %s", err.msg);
	cr_assert_not_null(strstr(err.msg, what), "message '%s' lacks '%s'",
			   err.msg, what);
	cr_assert_not_null(strchr(err.msg, ';'),
			   "message '%s' does not say what to do", err.msg);
	cr_assert_eq(out.len, 4);
	cr_assert_eq(out.cap, cap);
	cr_assert_str_eq(out.ptr, "kept");
	yoi_buf_free(&out);
	json_decref(view);
}

static void expect_err(const char *tmpl, const char *view_json, int line,
		       const char *what)
{
	expect_error(tmpl, strlen(tmpl), view_json, line, what);
}

/* ---- the Mustache spec ------------------------------------------------- */

/*
 * Spec cases outside the subset. Each is still run: an HTML-escaping case
 * must render the text unescaped, a context-miss case must fail with
 * YOI_ECORRUPT naming the template and the line of the missing name.
 */
typedef enum { SKIP_HTML, SKIP_MISS } skip_kind;

#define WHY_HTML "the subset never HTML-escapes: output is Markdown"
#define WHY_MISS "the subset treats an unknown name as an error"

static const struct skip {
	const char *file;
	const char *name;
	skip_kind kind;
	int line; /* SKIP_MISS: line of the error */
	const char *reason;
} skips[] = {
    {"interpolation.json", "HTML Escaping", SKIP_HTML, 0, WHY_HTML},
    {"interpolation.json", "Implicit Iterators - HTML Escaping", SKIP_HTML, 0,
     WHY_HTML},
    {"sections.json", "Implicit Iterator - HTML Escaping", SKIP_HTML, 0,
     WHY_HTML},
    {"interpolation.json", "Basic Context Miss Interpolation", SKIP_MISS, 1,
     WHY_MISS},
    {"interpolation.json", "Triple Mustache Context Miss Interpolation",
     SKIP_MISS, 1, WHY_MISS},
    {"interpolation.json", "Ampersand Context Miss Interpolation", SKIP_MISS, 1,
     WHY_MISS},
    {"interpolation.json", "Dotted Names - Broken Chains", SKIP_MISS, 1,
     WHY_MISS},
    {"interpolation.json", "Dotted Names - Broken Chain Resolution", SKIP_MISS,
     1, WHY_MISS},
    {"interpolation.json", "Dotted Names - Context Precedence", SKIP_MISS, 1,
     WHY_MISS},
    {"interpolation.json", "Dotted Names are never single keys", SKIP_MISS, 1,
     WHY_MISS},
    {"inverted.json", "Context Misses", SKIP_MISS, 1, WHY_MISS},
    {"inverted.json", "Dotted Names - Broken Chains", SKIP_MISS, 1, WHY_MISS},
    {"sections.json", "Context Misses", SKIP_MISS, 1, WHY_MISS},
    {"sections.json", "Dotted Names - Broken Chains", SKIP_MISS, 1, WHY_MISS},
};
#define NSKIPS (sizeof(skips) / sizeof(skips[0]))

/* s with &amp; &quot; &lt; &gt; decoded (caller frees). */
static char *html_unescape(const char *s)
{
	static const char *const ent[][2] = {
	    {"&amp;", "&"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}};
	char *out = malloc(strlen(s) + 1), *o = out;
	cr_assert_not_null(out);
	while (*s) {
		size_t k;
		for (k = 0; k < 4; k++)
			if (strncmp(s, ent[k][0], strlen(ent[k][0])) == 0)
				break;
		if (k < 4) {
			*o++ = ent[k][1][0];
			s += strlen(ent[k][0]);
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static void run_spec(const char *file)
{
	/* `make unit` runs from the repository root; YOI_SRCDIR overrides. */
	const char *root = getenv("YOI_SRCDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/fixtures/mustache-spec/%s",
		 root && *root ? root : ".", file);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	cr_assert_not_null(doc,
			   "cannot load %s: %s (run from the repository root "
			   "or set YOI_SRCDIR)",
			   path, je.text);
	json_t *cases = json_object_get(doc, "tests");
	cr_assert(json_is_array(cases) && json_array_size(cases) > 0,
		  "%s has no cases", path);

	bool used[NSKIPS] = {false};
	size_t ran = 0, skipped = 0;
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c)
	{
		const char *cname =
		    json_string_value(json_object_get(c, "name"));
		json_t *data = json_object_get(c, "data");
		json_t *jt = json_object_get(c, "template");
		json_t *je2 = json_object_get(c, "expected");
		cr_assert(cname && data && json_is_string(jt) &&
			      json_is_string(je2),
			  "%s: malformed case %zu", file, i);
		char tname[256];
		snprintf(tname, sizeof(tname), "%s/%s", file, cname);

		const struct skip *sk = NULL;
		for (size_t k = 0; k < NSKIPS; k++) {
			if (strcmp(skips[k].file, file) == 0 &&
			    strcmp(skips[k].name, cname) == 0) {
				sk = &skips[k];
				used[k] = true;
			}
		}

		yoi_buf out = YOI_BUF_INIT;
		yoi_error err;
		yoi_error_clear(&err);
		size_t tlen = json_string_length(jt);
		char *copy = malloc(tlen ? tlen : 1);
		memcpy(copy, json_string_value(jt), tlen);
		int rc =
		    yoi_template_render(tname, copy, tlen, data, &out, &err);
		free(copy);

		if (!sk) {
			cr_assert_eq(rc, 0, "%s: failed (%d): %s", tname, rc,
				     err.msg);
			cr_assert_eq(out.len, json_string_length(je2),
				     "%s: got '%s', expected '%s'", tname,
				     out.ptr, json_string_value(je2));
			cr_assert_eq(
			    memcmp(out.ptr, json_string_value(je2), out.len), 0,
			    "%s: got '%s', expected '%s'", tname, out.ptr,
			    json_string_value(je2));
			ran++;
		} else if (sk->kind == SKIP_HTML) {
			char *want = html_unescape(json_string_value(je2));
			cr_assert_eq(rc, 0, "%s: failed (%d): %s", tname, rc,
				     err.msg);
			cr_assert_str_eq(out.ptr, want, "%s: not unescaped",
					 tname);
			free(want);
			skipped++;
		} else {
			char prefix[300];
			snprintf(prefix, sizeof(prefix), "%s:%d: ", tname,
				 sk->line);
			cr_assert_eq(rc, YOI_ECORRUPT,
				     "%s: expected ECORRUPT, got %d", tname,
				     rc);
			cr_assert_eq(err.line, sk->line);
			cr_assert_str_eq(err.path, tname);
			cr_assert_eq(
			    strncmp(ETEXT(err), prefix, strlen(prefix)), 0,
			    "%s: message '%s'", tname, et_buf);
			cr_assert_not_null(strstr(err.msg, "unknown variable"),
					   "%s: message '%s'", tname, err.msg);
			cr_assert_eq(out.len, 0);
			skipped++;
		}
		if (sk)
			cr_log_info("%s: skipped '%s': %s", file, cname,
				    sk->reason);
		yoi_buf_free(&out);
	}
	for (size_t k = 0; k < NSKIPS; k++)
		if (strcmp(skips[k].file, file) == 0)
			cr_assert(used[k],
				  "skip entry '%s' matches no case in %s",
				  skips[k].name, file);
	cr_log_info("mustache spec %s: %zu cases ran, %zu skipped", file, ran,
		    skipped);
	cr_assert_gt(ran, 0);
	json_decref(doc);
}

Test(template, spec_comments)
{
	run_spec("comments.json");
}

Test(template, spec_interpolation)
{
	run_spec("interpolation.json");
}

Test(template, spec_inverted)
{
	run_spec("inverted.json");
}

Test(template, spec_sections)
{
	run_spec("sections.json");
}

/* ---- errors ------------------------------------------------------------- */

Test(template, unknown_variable_message)
{
	expect_err("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n# {{titel}}\n",
		   "{\"title\": \"x\"}", 12, "unknown variable 'titel'");
	json_t *view = view_of("{\"title\": \"x\"}");
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	const char *t = "\n\n\n\n\n\n\n\n\n\n\n# {{titel}}\n";
	cr_assert_eq(render_n(t, strlen(t), view, &out, &err), YOI_ECORRUPT);
	cr_assert_str_eq(ETEXT(err),
			 NAME ":12: unknown variable 'titel'; use one "
			      "of the view's names or fix the "
			      "template");
	cr_assert_null(out.ptr);
	json_decref(view);
}

Test(template, unknown_name_in_every_tag_kind)
{
	const char *v = "{\"title\": \"x\", \"list\": [1]}";
	expect_err("a\nb\n{{x}}\n", v, 3, "unknown variable 'x'");
	expect_err("a\nb\n{{{x}}}\n", v, 3, "unknown variable 'x'");
	expect_err("a\nb\n{{&x}}\n", v, 3, "unknown variable 'x'");
	expect_err("a\nb\n{{ x }}\n", v, 3, "unknown variable 'x'");
	expect_err("a\nb\n{{#x}}\ny\n{{/x}}\n", v, 3,
		   "unknown variable 'x' in {{#x}}");
	expect_err("a\nb\n{{^x}}\ny\n{{/x}}\n", v, 3,
		   "unknown variable 'x' in {{^x}}");
	/* Inside a section, at the line of the tag, not of the section. */
	expect_err("{{#list}}\n\n- {{x}}\n{{/list}}\n", v, 3,
		   "unknown variable 'x'");
	/* A dotted part missing in the value before it. */
	expect_err("\n{{title.x}}", v, 2,
		   "unknown variable 'title.x' (no 'x' in 'title')");
	expect_err("{{a.b.c}}", "{\"a\": {\"b\": {}}}", 1, "(no 'c' in 'a.b')");
	expect_err("{{#a.b.c}}{{/a.b.c}}", "{\"a\": {}}", 1, "(no 'b' in 'a')");
	/* Non-object views hold no names. */
	expect_err("{{x}}", "\"a string\"", 1, "unknown variable 'x'");
	expect_err("{{x}}", NULL, 1, "unknown variable 'x'");
	expect_err("{{.}}", NULL, 1, "unknown variable '.'");
}

Test(template, unclosed_section)
{
	json_t *view = view_of("{\"blockers\": []}");
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	const char *t = "# Blockers\n{{#blockers}}\n- {{id}}\n";
	cr_assert_eq(render_n(t, strlen(t), view, &out, &err), YOI_ECORRUPT);
	cr_assert_str_eq(ETEXT(err),
			 NAME ":2: section 'blockers' opened here is never "
			      "closed; add {{/blockers}}");
	json_decref(view);
	/* The innermost open section is the one named. */
	expect_err("{{#a}}\n{{#b}}\n{{/b}}\n{{^c}}\n", "{}", 4,
		   "section 'c' opened here is never closed; add {{/c}}");
	/* Checked before rendering, even where nothing renders. */
	expect_err("{{#a}}{{#b}}{{/b}}", "{\"a\": false}", 1, "section 'a'");
}

Test(template, mismatched_close)
{
	expect_err("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}\n", "{}", 3,
		   "closing tag '{{/a}}' does not match section 'b' opened "
		   "on line 2; close that one first with {{/b}}");
	expect_err("{{#a}}\n{{/ab}}", "{}", 2, "does not match section 'a'");
	expect_err("{{^a}}x{{/a.b}}", "{}", 1, "does not match section 'a'");
}

Test(template, stray_close)
{
	expect_err("text\n{{/a}}\n", "{}", 2,
		   "closing tag '{{/a}}' closes no section; remove it or open "
		   "the section with {{#a}}");
	expect_err("{{#a}}{{/a}}\n\n{{/a}}", "{\"a\": true}", 3,
		   "closes no section");
}

Test(template, unterminated_tag)
{
	expect_err("a\n\nb {{x", "{}", 3, "tag '{{' is never closed; add '}}'");
	expect_err("a {{x }\n", "{}", 1, "tag '{{' is never closed");
	expect_err("{{{x}}", "{\"x\": 1}", 1,
		   "tag '{{{' is never closed; add '}}}'");
	expect_err("one\n{{! a comment\nthat never\nends", "{}", 2,
		   "tag '{{' is never closed");
	expect_err("{{", "{}", 1, "tag '{{' is never closed");
	expect_err("x\n{{{", "{}", 2, "tag '{{{' is never closed");
	expect_err("{{#a}}\n{{/a", "{}", 2, "tag '{{' is never closed");
	/* The line after a multi-line comment counts its lines. */
	expect_err("{{! one\ntwo\nthree }}\n{{x", "{}", 4, "never closed");
}

Test(template, partials_and_delimiters_not_supported)
{
	expect_err("a\n{{> part}}\n", "{}", 2,
		   "partials ({{>name}}) are not supported");
	expect_err("{{>part}}", "{\"part\": \"x\"}", 1, "not supported");
	expect_err("\n\n{{=<% %>=}}\n<% x %>\n", "{}", 3,
		   "delimiter changes ({{=<% %>=}}) are not supported");
	expect_err("{{= | | =}}", "{}", 1, "not supported");
}

Test(template, nesting_depth)
{
	json_t *view = view_of("{\"a\": true, \"x\": \"!\"}");
	for (int depth = YOI_TEMPLATE_DEPTH_MAX;
	     depth <= YOI_TEMPLATE_DEPTH_MAX + 1; depth++) {
		yoi_buf t = YOI_BUF_INIT;
		for (int k = 0; k < depth; k++)
			cr_assert_eq(yoi_buf_puts(&t, "{{#a}}\n"), 0);
		cr_assert_eq(yoi_buf_puts(&t, "{{x}}\n"), 0);
		for (int k = 0; k < depth; k++)
			cr_assert_eq(yoi_buf_puts(&t, "{{/a}}\n"), 0);
		if (depth == YOI_TEMPLATE_DEPTH_MAX) {
			yoi_buf out = YOI_BUF_INIT;
			yoi_error err;
			int rc = render_n(t.ptr, t.len, view, &out, &err);
			cr_assert_eq(rc, 0, "%s", err.msg);
			cr_assert_str_eq(out.ptr, "!\n");
			yoi_buf_free(&out);
		} else {
			expect_error(t.ptr, t.len,
				     "{\"a\": true, \"x\": \"!\"}", depth,
				     "sections nested more than 64 deep");
		}
		yoi_buf_free(&t);
	}
	json_decref(view);
}

Test(template, interpolating_object_or_array)
{
	const char *v = "{\"o\": {\"k\": 1}, \"l\": [1, 2]}";
	expect_err("x\n{{o}}", v, 2,
		   "variable 'o' is an object; interpolate one of its fields "
		   "({{o.field}})");
	expect_err("x\n\n{{{l}}}", v, 3,
		   "variable 'l' is a list; iterate it with {{#l}}...{{/l}}");
	expect_err("{{#o}}\n{{.}}\n{{/o}}", v, 2, "variable '.' is an object");
	expect_err("{{#l}}{{/l}}{{.}}", v, 1, "variable '.' is an object");
}

Test(template, empty_and_malformed_names)
{
	expect_err("a{{}}", "{}", 1, "empty tag '{{}}'");
	expect_err("\n{{ }}", "{}", 2, "empty tag '{{ }}'");
	expect_err("{{{}}}", "{}", 1, "empty tag");
	expect_err("{{#}}{{/}}", "{}", 1, "empty tag '{{#}}'");
	expect_err("{{& }}", "{}", 1, "empty tag");
	expect_err("{{a b}}", "{\"a\": 1}", 1, "invalid name 'a b'");
	expect_err("{{a..b}}", "{}", 1, "invalid name 'a..b'");
	expect_err("{{.a}}", "{}", 1, "invalid name '.a'");
	expect_err("{{a.}}", "{}", 1, "invalid name 'a.'");
	expect_err("{{#a\tb}}", "{}", 1, "invalid name 'a?b'");
	expect_err("{{{a}}b}}}", "{}", 1, "invalid name 'a}}b'");
	/* A long name is cut in the message. */
	char t[300] = "{{";
	memset(t + 2, 'n', 200);
	strcpy(t + 202, " x}}");
	expect_err(t, "{}", 1, "nnnnnnnn...'");
}

Test(template, out_unchanged_on_error)
{
	/* Text already rendered before the failing tag is not appended. */
	expect_err("a lot of text first\n{{#l}}- {{x}}\n{{/l}}",
		   "{\"l\": [{\"x\": 1}, {\"y\": 2}]}", 2,
		   "unknown variable 'x'");
	/* An empty buffer stays empty (no allocation either). */
	json_t *view = view_of("{}");
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(render_n("text {{x}}", 10, view, &out, &err),
		     YOI_ECORRUPT);
	cr_assert_null(out.ptr);
	cr_assert_eq(out.len, 0);
	json_decref(view);
}

Test(template, usage_errors)
{
	yoi_error err;
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_template_render(NAME, "x", 1, NULL, NULL, &err),
		     YOI_EUSAGE);
	cr_assert_eq(yoi_template_render(NAME, NULL, 3, NULL, &out, &err),
		     YOI_EUSAGE);
	cr_assert_null(out.ptr);
	/* No name: the message still says which thing failed. */
	cr_assert_eq(yoi_template_render(NULL, "{{x}}", 5, NULL, &out, &err),
		     YOI_ECORRUPT);
	cr_assert_eq(strncmp(ETEXT(err), "template:1: ", 12), 0, "%s", et_buf);
	/* And err may be NULL. */
	cr_assert_eq(yoi_template_render(NAME, "{{x}}", 5, NULL, &out, NULL),
		     YOI_ECORRUPT);
	cr_assert_null(out.ptr);
}

/* ---- limits -------------------------------------------------------------- */

Test(template, step_limit)
{
	/* 100^8 iterations that print nothing: an error, not a hang. */
	json_t *view = json_pack("{s:o}", "l", json_array());
	for (int k = 0; k < 100; k++)
		json_array_append_new(json_object_get(view, "l"),
				      json_integer(k));
	const char *t = "{{#l}}{{#l}}{{#l}}{{#l}}\n{{#l}}{{#l}}{{#l}}{{#l}}"
			"{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(render_n(t, strlen(t), view, &out, &err), YOI_ECORRUPT);
	cr_assert_not_null(strstr(err.msg, "steps"), "%s", err.msg);
	cr_assert_eq(strncmp(ETEXT(err), NAME ":", strlen(NAME ":")), 0);
	cr_assert_null(out.ptr);
	json_decref(view);
}

Test(template, output_limit)
{
	size_t big = 100 * 1024;
	char *s = malloc(big);
	memset(s, 'x', big);
	json_t *str = json_stringn(s, big);
	free(s);
	json_t *list = json_array();
	for (int k = 0; k < 1000; k++) /* 100 MB if it all rendered */
		json_array_append(list, str);
	json_decref(str);
	json_t *view = json_pack("{s:o}", "l", list);
	const char *t = "{{#l}}\n{{.}}\n{{/l}}\n";
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(render_n(t, strlen(t), view, &out, &err), YOI_ECORRUPT);
	cr_assert_eq(err.line, 2, "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "grows past"), "%s", err.msg);
	cr_assert_null(out.ptr);
	json_decref(view);
}

Test(template, template_size_limit)
{
	size_t len = (size_t)YOI_TEMPLATE_MAX + 1;
	char *t = calloc(1, len);
	cr_assert_not_null(t);
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_template_render(NAME, t, len, NULL, &out, &err),
		     YOI_ECORRUPT);
	cr_assert_not_null(strstr(err.msg, "larger than"), "%s", err.msg);
	cr_assert_eq(strncmp(err.msg, NAME ": ", strlen(NAME ": ")), 0, "%s",
		     err.msg);
	cr_assert_null(out.ptr);
	free(t);
}

/* ---- values -------------------------------------------------------------- */

Test(template, numbers)
{
	expect("{{i}} {{z}} {{n}}", "{\"i\": 85, \"z\": 0, \"n\": -5}",
	       "85 0 -5");
	expect("{{max}} {{min}}",
	       "{\"max\": 9223372036854775807, \"min\": -9223372036854775808}",
	       "9223372036854775807 -9223372036854775808");
	expect("{{a}} {{b}} {{c}} {{d}}",
	       "{\"a\": 1.21, \"b\": 0.1, \"c\": -0.5, \"d\": 123456.789}",
	       "1.21 0.1 -0.5 123456.789");
	/* Shortest round trip, as JavaScript writes numbers. */
	expect("{{a}} {{b}} {{c}} {{d}}",
	       "{\"a\": 100.0, \"b\": 1e20, \"c\": 1e21, \"d\": 1.5e300}",
	       "100 100000000000000000000 1e+21 1.5e+300");
	expect("{{a}} {{b}} {{c}} {{d}}",
	       "{\"a\": 0.000001, \"b\": 1.5e-7, \"c\": -2e-10, \"d\": 0.0}",
	       "0.000001 1.5e-7 -2e-10 0");
	expect("{{a}} {{b}}",
	       "{\"a\": 0.30000000000000004, \"b\": 1.7976931348623157e308}",
	       "0.30000000000000004 1.7976931348623157e+308");
	expect("{{a}}", "{\"a\": 5e-324}", "5e-324");
	expect("{{#l}}{{.}},{{/l}}", "{\"l\": [1.5, 2, 2.0, -3.25]}",
	       "1.5,2,2,-3.25,");
}

Test(template, scalars)
{
	expect("{{t}} {{f}} [{{n}}] [{{e}}]",
	       "{\"t\": true, \"f\": false, \"n\": null, \"e\": \"\"}",
	       "true false [] []");
	/* Strings go out byte for byte: no escaping, NULs kept. */
	expect("{{s}}", "{\"s\": \"<a href=\\\"x\\\">&amp;</a> *md* {{y}}\"}",
	       "<a href=\"x\">&amp;</a> *md* {{y}}");
	json_t *view = json_pack("{s:s#}", "s", "a\0b", (int)3);
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(render_n("[{{s}}]", 7, view, &out, &err), 0);
	cr_assert_eq(out.len, 5);
	cr_assert_eq(memcmp(out.ptr, "[a\0b]", 5), 0);
	yoi_buf_free(&out);
	json_decref(view);
}

Test(template, truthiness)
{
	const char *v = "{\"e\": \"\", \"z\": 0, \"o\": {}, \"l\": [], "
			"\"f\": false, \"n\": null, \"t\": true, \"s\": \"x\"}";
	expect("{{#e}}E{{/e}}{{#z}}Z{{/z}}{{#o}}O{{/o}}{{#t}}T{{/t}}"
	       "{{#s}}S{{/s}}",
	       v, "EZOTS");
	expect("{{#l}}L{{/l}}{{#f}}F{{/f}}{{#n}}N{{/n}}", v, "");
	expect("{{^l}}L{{/l}}{{^f}}F{{/f}}{{^n}}N{{/n}}{{^e}}E{{/e}}"
	       "{{^z}}Z{{/z}}{{^o}}O{{/o}}",
	       v, "LFN");
	/* A truthy scalar is the context inside its section. */
	expect("{{#s}}<{{.}}>{{/s}}{{#z}}<{{.}}>{{/z}}", v, "<x><0>");
}

Test(template, context_stack)
{
	const char *v = "{\"id\": \"T1\", \"title\": \"root\", "
			"\"blockers\": [{\"id\": \"B1\"}, {\"id\": \"B2\", "
			"\"title\": \"own\"}], \"plan\": {\"branch\": \"b\"}}";
	/* The innermost context wins; a name it lacks comes from outside. */
	expect("{{#blockers}}{{id}}:{{title}} {{/blockers}}", v,
	       "B1:root B2:own ");
	expect("{{#plan}}{{branch}} of {{id}}{{/plan}}", v, "b of T1");
	expect("{{#plan}}{{plan.branch}}{{/plan}}", v, "b");
	expect("{{plan.branch}}", v, "b");
	/* Sections over dotted names, and sections pushing scalars. */
	expect("{{#plan.branch}}[{{.}}]{{/plan.branch}}", v, "[b]");
}

Test(template, whitespace_in_tags)
{
	const char *v = "{\"a\": {\"b\": \"x\"}, \"l\": [1, 2]}";
	expect("{{ a.b }}|{{{ a.b }}}|{{& a.b }}", v, "x|x|x");
	expect("{{# l }}{{ . }}{{/ l }}", v, "12");
	expect("{{^ a }}no{{/ a }}", v, "");
	/* Blanks before the sigil are read too. */
	expect("{{ #l }}{{.}}{{ /l }}{{ ! c }}", v, "12");
	/* A tag may span lines. */
	expect("{{\n a.b\n}}", v, "x");
}

/* ---- templates as the prompts use them ----------------------------------- */

static const char prompt_tmpl[] =
    "{{! role/coder.md: the brief for a coder }}\n"
    "# {{id}}: {{title}}\n"
    "\n"
    "State: {{state}}\n"
    "\n"
    "## Blockers\n"
    "{{#blockers}}\n"
    "- {{id}} ({{state}}){{#note}}: {{note}}{{/note}}\n"
    "{{/blockers}}\n"
    "{{^blockers}}\n"
    "None: you may start.\n"
    "{{/blockers}}\n"
    "\n"
    "{{#plan}}\n"
    "Work on branch `{{branch}}` in `{{worktree}}`.\n"
    "{{/plan}}\n"
    "  {{! guidance follows }}\n"
    "Done.";

Test(template, prompt_with_blockers)
{
	expect(prompt_tmpl,
	       "{\"id\": \"00001KW55B33H\", \"title\": \"Embed the runtime\", "
	       "\"state\": \"ready\", \"blockers\": ["
	       "{\"id\": \"00001KW55B33B\", \"state\": \"inprogress\", "
	       "\"note\": null},"
	       "{\"id\": \"00001KW55B33C\", \"state\": \"review\", "
	       "\"note\": \"needs a second look\"}], "
	       "\"plan\": {\"branch\": \"t/33h\", \"worktree\": \"../wt\"}}",
	       "# 00001KW55B33H: Embed the runtime\n"
	       "\n"
	       "State: ready\n"
	       "\n"
	       "## Blockers\n"
	       "- 00001KW55B33B (inprogress)\n"
	       "- 00001KW55B33C (review): needs a second look\n"
	       "\n"
	       "Work on branch `t/33h` in `../wt`.\n"
	       "Done.");
}

Test(template, prompt_without_blockers)
{
	expect(prompt_tmpl,
	       "{\"id\": \"00001KW55B33H\", \"title\": \"T\", \"state\": "
	       "\"ready\", \"blockers\": [], \"plan\": null}",
	       "# 00001KW55B33H: T\n"
	       "\n"
	       "State: ready\n"
	       "\n"
	       "## Blockers\n"
	       "None: you may start.\n"
	       "\n"
	       "Done.");
}

Test(template, crlf_template)
{
	const char *v = "{\"l\": [{\"id\": \"A\"}, {\"id\": \"B\"}], "
			"\"none\": []}";
	expect("Head\r\n{{! note }}\r\n  {{#l}}\r\n- {{id}}\r\n  {{/l}}\r\n"
	       "{{^none}}\r\nempty\r\n{{/none}}\r\nTail\r\n",
	       v, "Head\r\n- A\r\n- B\r\nempty\r\nTail\r\n");
	/* A multi-line comment, standalone, with CRLF inside and after. */
	expect("a\r\n  {{! one\r\ntwo }}  \r\nb", v, "a\r\nb");
	/* A lone CR is not a line end: the tag is not standalone. */
	expect("a\n{{#l}}\r{{id}}{{/l}}\n", v, "a\n\rA\rB\n");
	/* Lines are counted on "\n" alone. */
	expect_err("a\r\nb\r\n{{x}}\r\n", v, 3, "unknown variable 'x'");
}

Test(template, standalone_lines)
{
	const char *v = "{\"t\": true, \"f\": false, \"x\": \"X\"}";
	/* The last line without a newline. */
	expect("a\n  {{#t}}\nb\n  {{/t}}", v, "a\nb\n");
	/* Two tags on a line: neither is standalone. */
	expect("a\n{{#t}}{{/t}}\nb\n", v, "a\n\nb\n");
	/* A variable is never standalone. */
	expect("  {{x}}  \n", v, "  X  \n");
	/* Comments with text around them stay inline. */
	expect("a {{! c }}\n", v, "a \n");
	/* A falsey standalone section removes its lines entirely. */
	expect("a\n{{#f}}\nhidden\n{{/f}}\nb\n", v, "a\nb\n");
}

Test(template, empty_template)
{
	json_t *view = view_of("{}");
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_buf_puts(&out, "kept"), 0);
	cr_assert_eq(yoi_template_render(NAME, NULL, 0, view, &out, &err), 0);
	cr_assert_eq(yoi_template_render(NAME, "", 0, view, &out, &err), 0);
	cr_assert_eq(yoi_template_render(NAME, "ignored", 0, NULL, &out, &err),
		     0);
	cr_assert_str_eq(out.ptr, "kept");
	cr_assert_eq(out.len, 4);
	yoi_buf_free(&out);
	json_decref(view);
	expect("", "{}", "");
	expect("plain text, no tags { } }} {", NULL,
	       "plain text, no tags { } }} {");
}

Test(template, only_a_comment)
{
	expect("{{! nothing to say }}", "{}", "");
	expect("{{! nothing to say }}\n", "{}", "");
	expect("  {{!\n  several\n  lines\n}}  \r\n", NULL, "");
	expect("{{!x}}}", "{}", "}");
}

Test(template, appends_to_out)
{
	json_t *view = view_of("{\"x\": \"B\"}");
	yoi_buf out = YOI_BUF_INIT;
	yoi_error err;
	cr_assert_eq(yoi_buf_puts(&out, "A"), 0);
	cr_assert_eq(render_n("{{x}}", 5, view, &out, &err), 0);
	cr_assert_eq(render_n("{{x}}C\n", 7, view, &out, &err), 0);
	cr_assert_str_eq(out.ptr, "ABBC\n");
	yoi_buf_free(&out);
	json_decref(view);
}

Test(template, root_level_values)
{
	expect("{{.}}!", "\"world\"", "world!");
	expect("{{#.}}({{.}}){{/.}}", "[1, \"a\", true]", "(1)(a)(true)");
	expect("{{^.}}none{{/.}}", "[]", "none");
}

/*
 * Arbitrary bytes: templates spliced from tag pieces and junk, each
 * rendered from an exactly sized buffer. Every result is a rendering or a
 * clean YOI_ECORRUPT that names the template and leaves out alone.
 */
Test(template, arbitrary_input)
{
	static const char *const pieces[] = {
	    "{{",    "}}",    "{{{",	"}}}",	  "{",	    "}",      "#",
	    "^",     "/",     "!",	"&",	  ">",	    "=",      "a",
	    "b",     "l",     ".",	" ",	  "\t",	    "\n",     "\r\n",
	    "\r",    "x",     "\xff",	"{{#l}}", "{{/l}}", "{{^a}}", "{{/a}}",
	    "{{a}}", "{{.}}", "{{l.b}}"};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	json_t *view = view_of(
	    "{\"a\": [1, {\"b\": 2}], \"b\": true, \"l\": [{\"b\": \"y\"}]}");
	uint64_t seed = 0x9e3779b97f4a7c15u;
	size_t ok = 0, bad = 0;
	for (int iter = 0; iter < 20000; iter++) {
		char t[256];
		size_t len = 0;
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t npick = (size_t)(seed >> 33) % 24;
		for (size_t k = 0; k < npick; k++) {
			seed =
			    seed * 6364136223846793005u + 1442695040888963407u;
			const char *p = pieces[(seed >> 33) % npieces];
			size_t plen = strlen(p);
			if ((seed >> 20) % 17 ==
			    0) { /* a NUL byte now and then */
				p = "\0";
				plen = 1;
			}
			if (len + plen > sizeof(t))
				break;
			memcpy(t + len, p, plen);
			len += plen;
		}
		yoi_buf out = YOI_BUF_INIT;
		cr_assert_eq(yoi_buf_puts(&out, "kept"), 0);
		yoi_error err;
		int rc = render_n(t, len, view, &out, &err);
		if (rc == 0) {
			cr_assert_geq(out.len, 4);
			cr_assert_eq(memcmp(out.ptr, "kept", 4), 0);
			ok++;
		} else {
			cr_assert_eq(rc, YOI_ECORRUPT, "rc %d: %s", rc,
				     err.msg);
			cr_assert_eq(
			    strncmp(ETEXT(err), NAME ":", strlen(NAME) + 1), 0);
			cr_assert_geq(err.line, 1);
			/* Too small a view and template to reach a limit. */
			cr_assert_null(strstr(err.msg, "steps"), "%s", err.msg);
			cr_assert_null(strstr(err.msg, "grows past"), "%s",
				       err.msg);
			cr_assert_eq(out.len, 4);
			bad++;
		}
		yoi_buf_free(&out);
	}
	cr_assert_gt(ok, 100);
	cr_assert_gt(bad, 100);
	json_decref(view);
}
