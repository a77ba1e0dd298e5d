#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yoi/common.h"
#include "yoi/diag.h"
#include "yoi/item.h"

/* ---- helpers ----------------------------------------------------------- */

static yoi_item *parse_ok(const char *s)
{
	yoi_item *it = NULL;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_item_parse(&it, s, strlen(s), "item.md", &err);
	cr_assert_eq(rc, 0, "parse failed: %s", err.msg);
	cr_assert_not_null(it);
	return it;
}

static char *render(const yoi_item *it)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_render(it, &b), 0);
	return yoi_buf_detach(&b);
}

/* Parse must fail with YOI_ECORRUPT on `line`; returns err for more. */
static yoi_error parse_fails_n(const char *s, size_t len, int line)
{
	yoi_item *it = NULL;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_item_parse(&it, s, len, "item.md", &err);
	cr_assert_eq(rc, YOI_ECORRUPT, "expected ECORRUPT, got %d for: %s", rc,
		     s);
	cr_assert_null(it);
	cr_assert_eq(err.code, YOI_ECORRUPT);
	cr_assert_eq(err.line, line, "line %d, want %d: %s", err.line, line,
		     err.msg);
	cr_assert_str_eq(err.path, "item.md");
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "item.md:%d: ", line);
	char et[YOI_ERRTEXT_MAX];
	yoi_error_text(&err, et, sizeof(et));
	cr_assert(strncmp(et, prefix, strlen(prefix)) == 0,
		  "message lacks '%s': %s", prefix, et);
	cr_assert_null(strstr(err.msg, prefix),
		       "the message embeds its own place: %s", err.msg);
	return err;
}

static yoi_error parse_fails(const char *s, int line)
{
	return parse_fails_n(s, strlen(s), line);
}

/* Split into lines (keeping terminators) for line-by-line comparison. */
typedef struct lines {
	char *v[256];
	size_t n;
} lines;

static void split_lines(const char *s, lines *l)
{
	l->n = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
		cr_assert_lt(l->n, 256u);
		l->v[l->n++] = strndup(s, n);
		s += n;
	}
}

static void free_lines(lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
}

/* Lines of a and b differ exactly at the listed 0-based indexes. */
static void assert_diff_only(const char *a, const char *b, const size_t *idx,
			     size_t nidx)
{
	lines la, lb;
	split_lines(a, &la);
	split_lines(b, &lb);
	cr_assert_eq(la.n, lb.n, "line counts differ:\n%s\n---vs---\n%s", a, b);
	for (size_t i = 0; i < la.n; i++) {
		bool expect = false;
		for (size_t k = 0; k < nidx; k++)
			expect = expect || idx[k] == i;
		bool same = strcmp(la.v[i], lb.v[i]) == 0;
		cr_assert_eq(same, !expect, "line %zu: '%s' vs '%s'", i,
			     la.v[i], lb.v[i]);
	}
	free_lines(&la);
	free_lines(&lb);
}

static const char *VALID =
    "---\n"
    "title: 'Orchestrator ticket event notify repairs peer'\n"
    "state: 'ready'\n"
    "created_at: '2026-06-18T14:33:09Z'\n"
    "updated_at: '2026-06-18T14:40:02Z'\n"
    "assignee: null\n"
    "readiness: 'implementation_ready'\n"
    "risk_flags: ['orchestrator', 'peer-notify']\n"
    "---\n"
    "\n"
    "## Background\n"
    "...\n";

/* ---- parsing ----------------------------------------------------------- */

Test(item_parse, scalar_styles)
{
	yoi_item *it = parse_ok("---\n"
				"plain: hello world\n"
				"single: 'it''s here'\n"
				"double: \"tab\\there \\u00e9 \\\"q\\\"\"\n"
				"lit: |\n"
				"  line one\n"
				"  line two\n"
				"fold: >\n"
				"  a\n"
				"  b\n"
				"uni: 日本語のタイトル\n"
				"num: 42\n"
				"---\n");
	cr_assert_str_eq(yoi_item_get(it, "plain"), "hello world");
	cr_assert_str_eq(yoi_item_get(it, "single"), "it's here");
	cr_assert_str_eq(yoi_item_get(it, "double"), "tab\there é \"q\"");
	cr_assert_str_eq(yoi_item_get(it, "lit"), "line one\nline two\n");
	cr_assert_str_eq(yoi_item_get(it, "fold"), "a b\n");
	cr_assert_str_eq(yoi_item_get(it, "uni"), "日本語のタイトル");
	cr_assert_str_eq(yoi_item_get(it, "num"), "42");
	cr_assert_eq(yoi_item_field(it, "plain")->type, YOI_FIELD_SCALAR);
	cr_assert_null(yoi_item_field(it, "absent"));
	cr_assert_null(yoi_item_get(it, "absent"));
	cr_assert_eq(it->nfields, 7u);
	cr_assert_eq(it->body_line, 14);
	yoi_item_free(it);
}

Test(item_parse, null_forms)
{
	yoi_item *it = parse_ok("---\n"
				"a: null\n"
				"b: Null\n"
				"c: NULL\n"
				"d: ~\n"
				"e:\n"
				"f: 'null'\n"
				"g: \"~\"\n"
				"h: ''\n"
				"i: nULL\n"
				"---\n");
	const char *nulls[] = {"a", "b", "c", "d", "e"};
	for (size_t i = 0; i < 5; i++) {
		cr_assert_eq(yoi_item_field(it, nulls[i])->type, YOI_FIELD_NULL,
			     "%s", nulls[i]);
		cr_assert_null(yoi_item_get(it, nulls[i]));
	}
	cr_assert_str_eq(yoi_item_get(it, "f"), "null");
	cr_assert_str_eq(yoi_item_get(it, "g"), "~");
	cr_assert_str_eq(yoi_item_get(it, "h"), "");
	cr_assert_str_eq(yoi_item_get(it, "i"), "nULL");
	yoi_item_free(it);
}

Test(item_parse, lists_and_other)
{
	yoi_item *it = parse_ok("---\n"
				"flow: ['a', \"b\", c]\n"
				"block:\n"
				"  - x\n"
				"  - 'y z'\n"
				"empty: []\n"
				"withnull: [a, null]\n"
				"nested: [[a], b]\n"
				"map:\n"
				"  k: v\n"
				"fmap: {k: v}\n"
				"---\n");
	const yoi_field *f = yoi_item_field(it, "flow");
	cr_assert_eq(f->type, YOI_FIELD_LIST);
	cr_assert_eq(f->nlist, 3u);
	cr_assert_str_eq(f->list[0], "a");
	cr_assert_str_eq(f->list[1], "b");
	cr_assert_str_eq(f->list[2], "c");
	f = yoi_item_field(it, "block");
	cr_assert_eq(f->type, YOI_FIELD_LIST);
	cr_assert_eq(f->nlist, 2u);
	cr_assert_str_eq(f->list[1], "y z");
	f = yoi_item_field(it, "empty");
	cr_assert_eq(f->type, YOI_FIELD_LIST);
	cr_assert_eq(f->nlist, 0u);
	cr_assert_eq(yoi_item_field(it, "withnull")->type, YOI_FIELD_OTHER);
	cr_assert_eq(yoi_item_field(it, "nested")->type, YOI_FIELD_OTHER);
	cr_assert_eq(yoi_item_field(it, "map")->type, YOI_FIELD_OTHER);
	cr_assert_eq(yoi_item_field(it, "fmap")->type, YOI_FIELD_OTHER);
	cr_assert_null(yoi_item_get(it, "flow"));
	cr_assert_null(yoi_item_get(it, "map"));
	yoi_item_free(it);
}

Test(item_parse, lines_and_spans_exclude_comments)
{
	const char *s = "---\n"		       /* 1 */
			"# leading comment\n"  /* 2 */
			"title: x\n"	       /* 3 */
			"\n"		       /* 4 */
			"deps:\n"	       /* 5 */
			"  - a\n"	       /* 6 */
			"  - b\n"	       /* 7 */
			"# between\n"	       /* 8 */
			"desc: |\n"	       /* 9 */
			"  text\n"	       /* 10 */
			"\n"		       /* 11 */
			"# after block\n"      /* 12 */
			"m:\n"		       /* 13 */
			"  k: v # c\n"	       /* 14 */
			"multi: \"a\n"	       /* 15 */
			"  b\"\n"	       /* 16 */
			"last: 1 # trailing\n" /* 17 */
			"---\n";
	yoi_item *it = parse_ok(s);
	struct {
		const char *key;
		int line;
		const char *span;
	} want[] = {
	    {"title", 3, "title: x\n"},
	    {"deps", 5, "deps:\n  - a\n  - b\n"},
	    {"desc", 9, "desc: |\n  text\n"},
	    {"m", 13, "m:\n  k: v # c\n"},
	    {"multi", 15, "multi: \"a\n  b\"\n"},
	    {"last", 17, "last: 1 # trailing\n"},
	};
	cr_assert_eq(it->nfields, 6u);
	for (size_t i = 0; i < 6; i++) {
		const yoi_field *f = &it->fields[i];
		cr_assert_str_eq(f->key, want[i].key);
		cr_assert_eq(f->line, want[i].line, "%s: line %d", f->key,
			     f->line);
		size_t n = f->end - f->start;
		cr_assert_eq(n, strlen(want[i].span), "%s span '%.*s'", f->key,
			     (int)n, it->raw + f->start);
		cr_assert(memcmp(it->raw + f->start, want[i].span, n) == 0,
			  "%s span '%.*s'", f->key, (int)n, it->raw + f->start);
	}
	cr_assert_str_eq(yoi_item_get(it, "desc"), "text\n");
	cr_assert_str_eq(yoi_item_get(it, "multi"), "a b");
	yoi_item_free(it);
}

Test(item_parse, empty_value_span_stays_on_its_line)
{
	yoi_item *it = parse_ok("---\n"
				"a:\n"
				"b:\n"
				"  -\n"
				"  - x\n"
				"c: 1\n"
				"---\n");
	const yoi_field *a = yoi_item_field(it, "a");
	cr_assert_eq(a->type, YOI_FIELD_NULL);
	cr_assert_eq(a->end - a->start, strlen("a:\n"));
	const yoi_field *b = yoi_item_field(it, "b");
	cr_assert_eq(b->type, YOI_FIELD_OTHER); /* an empty item is null */
	cr_assert_eq(b->end - b->start, strlen("b:\n  -\n  - x\n"));
	yoi_item_free(it);
}

Test(item_parse, empty_and_comment_only_frontmatter)
{
	yoi_item *it = parse_ok("---\n---\nbody\n");
	cr_assert_eq(it->nfields, 0u);
	size_t n;
	const char *b = yoi_item_body(it, &n);
	cr_assert_eq(n, 5u);
	cr_assert(memcmp(b, "body\n", 5) == 0);
	yoi_item_free(it);
	it = parse_ok("---\n# just a comment\n\n---\n");
	cr_assert_eq(it->nfields, 0u);
	yoi_item_free(it);
}

Test(item_parse, frontmatter_only_buffers)
{
	const char *with_nl = "---\ntitle: x\n---\n";
	const char *without = "---\ntitle: x\n---";
	yoi_item *it = parse_ok(with_nl);
	size_t n = 99;
	yoi_item_body(it, &n);
	cr_assert_eq(n, 0u);
	cr_assert_str_eq(yoi_item_get(it, "title"), "x");
	char *r = render(it);
	cr_assert_str_eq(r, with_nl);
	free(r);
	yoi_item_free(it);

	it = parse_ok(without);
	yoi_item_body(it, &n);
	cr_assert_eq(n, 0u);
	cr_assert_eq(it->fm_end, strlen("---\ntitle: x\n"));
	r = render(it);
	cr_assert_str_eq(r, without);
	free(r);
	cr_assert_eq(yoi_item_set(it, "state", "ready"), 0);
	r = render(it);
	cr_assert_str_eq(r, "---\ntitle: x\nstate: 'ready'\n---");
	free(r);
	yoi_item_free(it);
}

Test(item_parse, body_keeps_dash_lines)
{
	const char *s = "---\n"
			"title: x\n"
			"---\n"
			"intro\n"
			"---\n"
			"## Heading\n"
			"---\n"
			"text ---\n";
	yoi_item *it = parse_ok(s);
	size_t n;
	const char *b = yoi_item_body(it, &n);
	const char *want = "intro\n---\n## Heading\n---\ntext ---\n";
	cr_assert_eq(n, strlen(want));
	cr_assert(memcmp(b, want, n) == 0);
	cr_assert_eq(it->body_line, 4);
	cr_assert_eq(yoi_item_set(it, "title", "y"), 0);
	char *r = render(it);
	cr_assert_str_eq(r, "---\ntitle: 'y'\n---\nintro\n---\n## Heading\n"
			    "---\ntext ---\n");
	free(r);
	yoi_item_free(it);
}

Test(item_parse, crlf_detected_and_lines)
{
	yoi_item *it = parse_ok("---\r\n"
				"title: 'x'\r\n"
				"# c\r\n"
				"state: ready\r\n"
				"---\r\n"
				"body\r\n");
	cr_assert(it->crlf);
	cr_assert_str_eq(yoi_item_get(it, "state"), "ready");
	const yoi_field *f = yoi_item_field(it, "state");
	cr_assert_eq(f->line, 4);
	cr_assert_eq(f->end - f->start, strlen("state: ready\r\n"));
	cr_assert_eq(it->body_line, 6);
	yoi_item_free(it);
	it = parse_ok("---\ntitle: x\n---\n");
	cr_assert_not(it->crlf);
	yoi_item_free(it);
}

Test(item_parse, unicode_line_separators_keep_lines_right)
{
	/* libyaml breaks lines at U+2028; file lines count only '\n'. */
	yoi_item *it = parse_ok("---\n"
				"a: \"x\xe2\x80\xa8y\"\n"
				"b: 1\n"
				"---\n");
	const yoi_field *b = yoi_item_field(it, "b");
	cr_assert_eq(b->line, 3);
	cr_assert_eq(b->end - b->start, strlen("b: 1\n"));
	cr_assert(memcmp(it->raw + b->start, "b: 1\n", 5) == 0);
	yoi_item_free(it);
}

Test(item_parse, odd_but_valid_shapes)
{
	const char *s = "---\n"
			"%YAML 1.1\n"
			"---   \n"
			"  title:\n"
			"    on the next line\n"
			"  a: # only a comment\n"
			"  ? explicit\n"
			"  : value\n"
			"  t: !!str 12\n"
			"...\n"
			"---\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(it->nfields, 4u);
	const yoi_field *f = yoi_item_field(it, "title");
	cr_assert_eq(f->line, 4);
	cr_assert_str_eq(f->value, "on the next line");
	cr_assert_eq(f->end - f->start,
		     strlen("  title:\n    on the next line\n"));
	f = yoi_item_field(it, "a");
	cr_assert_eq(f->type, YOI_FIELD_NULL);
	cr_assert_eq(f->end - f->start, strlen("  a: # only a comment\n"));
	f = yoi_item_field(it, "explicit");
	cr_assert_eq(f->line, 7);
	cr_assert_str_eq(f->value, "value");
	cr_assert_eq(f->end - f->start, strlen("  ? explicit\n  : value\n"));
	cr_assert_str_eq(yoi_item_get(it, "t"), "12");
	cr_assert_eq(yoi_item_set(it, "explicit", "v2"), 0);
	cr_assert_eq(yoi_item_set(it, "added", "new"), 0);
	char *r = render(it);
	cr_assert(strstr(r, "\n  explicit: 'v2'\n  t: !!str 12\n"
			    "  added: 'new'\n...\n---\n"),
		  "%s", r);
	yoi_item *back = parse_ok(r);
	cr_assert_str_eq(yoi_item_get(back, "explicit"), "v2");
	cr_assert_str_eq(yoi_item_get(back, "t"), "12");
	cr_assert_str_eq(yoi_item_get(back, "added"), "new");
	yoi_item_free(back);
	free(r);
	yoi_item_free(it);
}

/* Shapes found by fuzzing: each must survive a rewrite of every field. */
Test(item_parse, rewrites_keep_tricky_yaml_valid)
{
	const char *cases[] = {
	    /* explicit key with the key on the next line */
	    "---\na: 1\n? \n  b\n: 2\nc: 3\n---\n",
	    /* a tag as the whole value */
	    "---\nm:\n !\nk: v\n---\n",
	    /* a tab-indented blank or comment line after a plain scalar */
	    "---\na: x\n \t \nb: 1\n---\n",
	    "---\na: x\n \t# y\nb: 1\n---\n",
	    /* the same after a keep-chomped block scalar */
	    "---\nc: |+\n  keep\n\n  \t\nd: e\n---\n",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		yoi_item *it = parse_ok(cases[i]);
		char *same = render(it);
		cr_assert_str_eq(same, cases[i]);
		free(same);
		for (size_t k = 0; k < it->nfields; k++) {
			char *key = strdup(it->fields[k].key);
			cr_assert_eq(yoi_item_set(it, key, "v'#"), 0);
			free(key);
		}
		char *r = render(it);
		yoi_item *back = parse_ok(r);
		cr_assert_eq(back->nfields, it->nfields, "%s", r);
		for (size_t k = 0; k < back->nfields; k++)
			cr_assert_str_eq(yoi_item_get(back, it->fields[k].key),
					 "v'#", "%s", r);
		yoi_item_free(back);
		free(r);
		yoi_item_free(it);
	}
}

/* ---- parse errors ------------------------------------------------------ */

Test(item_errors, empty_file)
{
	yoi_item *it = (yoi_item *)1;
	yoi_error err;
	cr_assert_eq(yoi_item_parse(&it, "", 0, "item.md", &err), YOI_ECORRUPT);
	cr_assert_null(it);
	cr_assert_eq(err.line, 1);
	cr_assert(strstr(err.msg, "empty file"));
}

Test(item_errors, no_opener)
{
	yoi_error e = parse_fails("title: x\n---\n", 1);
	cr_assert(strstr(e.msg, "missing frontmatter opener '---'"));
	parse_fails("--- \ntitle: x\n---\n", 1);
	parse_fails("\n---\ntitle: x\n---\n", 1);
	parse_fails("\xef\xbb\xbf---\ntitle: x\n---\n", 1);
}

Test(item_errors, no_closer)
{
	yoi_error e = parse_fails("---\ntitle: x\n--- \nbody\n", 1);
	cr_assert(strstr(e.msg, "never closed"));
	parse_fails("---\ntitle: x\n", 1);
	parse_fails("---", 1);
	parse_fails("---\n", 1);
}

Test(item_errors, nul_byte)
{
	const char s[] = "---\ntitle: x\nstate: a\0b\n---\n";
	yoi_error e = parse_fails_n(s, sizeof(s) - 1, 3);
	cr_assert(strstr(e.msg, "NUL"));
	const char body[] = "---\ntitle: x\n---\nok\nbad\0\n";
	parse_fails_n(body, sizeof(body) - 1, 5);
}

Test(item_errors, invalid_utf8)
{
	yoi_error e = parse_fails("---\ntitle: x\nstate: \xc3\x28\n---\n", 3);
	cr_assert(strstr(e.msg, "UTF-8"));
	/* In the body too, and overlong / surrogate forms. */
	parse_fails("---\ntitle: x\n---\n\nline \xff\n", 5);
	parse_fails("---\ntitle: \xc0\xaf\n---\n", 2);
	parse_fails("---\ntitle: \xed\xa0\x80\n---\n", 2);
}

Test(item_errors, yaml_syntax)
{
	yoi_error e = parse_fails("---\n"
				  "title: x\n"
				  "state: a: b\n"
				  "---\n",
				  3);
	cr_assert(strstr(e.msg, "YAML syntax error"), "%s", e.msg);
	cr_assert(strstr(e.msg, "mapping values are not allowed"), "%s", e.msg);
	e = parse_fails("---\ntitle: x\nstate: 'open\n---\n", 4);
	cr_assert(strstr(e.msg, "started on line 3"), "%s", e.msg);
	parse_fails("---\ntitle: [a, b\nstate: x\n---\n", 3);
	parse_fails("---\ntitle: x\n  bad: indent\n---\n", 3);
	/* A control character is a libyaml reader error: still a line. */
	parse_fails("---\ntitle: x\nstate: \x01\n---\n", 3);
}

Test(item_errors, not_a_mapping)
{
	parse_fails("---\n- a\n- b\n---\n", 2);
	parse_fails("---\njust text\n---\n", 2);
	parse_fails("---\n[a, b]\n---\n", 2);
	yoi_error e = parse_fails("---\n{title: x}\n---\n", 2);
	cr_assert(strstr(e.msg, "flow mapping"));
}

Test(item_errors, keys_must_be_plain)
{
	parse_fails("---\ntitle: x\n'state': y\n---\n", 3);
	parse_fails("---\n\"title\": x\n---\n", 2);
	parse_fails("---\ntitle: x\n? [a, b]\n: y\n---\n", 3);
	parse_fails("---\ntitle: x\n: y\n---\n", 3);
}

Test(item_errors, anchors_and_aliases)
{
	yoi_error e = parse_fails("---\n"
				  "title: x\n"
				  "a: &anc 1\n"
				  "---\n",
				  3);
	cr_assert(strstr(e.msg, "anchors and aliases are not allowed"));
	e = parse_fails("---\ntitle: x\nb: *anc\n---\n", 3);
	cr_assert(strstr(e.msg, "anchors and aliases are not allowed"));
	parse_fails("---\ntitle: x\nl:\n  - &a [1]\n---\n", 4);
	parse_fails("---\ntitle: x\nm: &m {a: 1}\n---\n", 3);
}

Test(item_errors, deep_nesting)
{
	char buf[512];
	size_t k = 0;
	k += (size_t)sprintf(buf + k, "---\ntitle: x\ndeep: ");
	for (int i = 0; i < 100; i++)
		buf[k++] = '[';
	for (int i = 0; i < 100; i++)
		buf[k++] = ']';
	k += (size_t)sprintf(buf + k, "\n---\n");
	yoi_error e = parse_fails(buf, 3);
	cr_assert(strstr(e.msg, "nested deeper"));

	/* Just under the limit is fine: root mapping + 31 sequences. */
	k = 0;
	k += (size_t)sprintf(buf + k, "---\ndeep: ");
	for (int i = 0; i < YOI_ITEM_MAX_DEPTH - 1; i++)
		buf[k++] = '[';
	for (int i = 0; i < YOI_ITEM_MAX_DEPTH - 1; i++)
		buf[k++] = ']';
	k += (size_t)sprintf(buf + k, "\n---\n");
	yoi_item *it = parse_ok(buf);
	cr_assert_eq(yoi_item_field(it, "deep")->type, YOI_FIELD_OTHER);
	yoi_item_free(it);
}

Test(item_errors, duplicate_keys)
{
	yoi_error e = parse_fails("---\n"
				  "title: x\n"
				  "state: ready\n"
				  "title: y\n"
				  "---\n",
				  4);
	cr_assert(strstr(e.msg, "duplicate key 'title'"), "%s", e.msg);
	cr_assert(strstr(e.msg, "line 2"), "%s", e.msg);
	/* Many fields take the sorting path: still the first duplicate. */
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "---\n"), 0);
	for (int i = 0; i < 40; i++)
		cr_assert_eq(yoi_buf_printf(&b, "k%d: v\n", i % 30), 0);
	cr_assert_eq(yoi_buf_puts(&b, "---\n"), 0);
	e = parse_fails(b.ptr, 32); /* k0 again, on file line 32 */
	cr_assert(strstr(e.msg, "duplicate key 'k0' (first on line 2)"), "%s",
		  e.msg);
	yoi_buf_free(&b);
	/* Nested duplicates are not the engine's business. */
	yoi_item *it = parse_ok("---\nm:\n  a: 1\n  a: 2\n---\n");
	yoi_item_free(it);
}

Test(item_errors, multiple_documents)
{
	parse_fails("---\ntitle: x\n...\n--- \nstate: y\n---\n", 4);
}

Test(item_errors, nul_escape_in_value)
{
	parse_fails("---\ntitle: \"a\\0b\"\n---\n", 2);
}

/* ---- rewriting ---------------------------------------------------------- */

static const char *const varied[] = {
    "---\ntitle: x\n---\n",
    "---\r\ntitle: 'x'\r\n# c\r\nstate: ready\r\n---\r\nbody\r\n",
    "---\n# top comment\ntitle: \"x\"   # trailing\n\nrisk_flags:\n  - a\n"
    "  - b\n# end\n---\n## Background\n\ntext",
    "---\ntitle: x\n---",
    "---\ntitle: x\n---\nno trailing newline",
    "---\ndesc: |\n  keep\n\n    this\nx: >-\n  folded\n---\n\n",
    "---\n---\n",
    "---\nunknown_thing: {a: [1, 2], b: 'c'}\nweird:   'spaced'   \n---\n",
};

Test(item_render, unchanged_is_byte_identical)
{
	for (size_t i = 0; i < sizeof(varied) / sizeof(*varied); i++) {
		yoi_item *it = parse_ok(varied[i]);
		char *r = render(it);
		cr_assert_str_eq(r, varied[i], "case %zu", i);
		free(r);
		yoi_item_free(it);
	}
}

Test(item_render, minimal_diff_only_changed_line)
{
	const char *s = "---\n"
			"title: Some title\n"
			"state: ready\n"
			"created_at: 2026-06-18T14:33:09Z\n"
			"updated_at: \"2026-06-18T14:40:02Z\"\n"
			"# keep me\n"
			"custom:\n"
			"  nested: [1, 2]   # odd spacing\n"
			"risk_flags: [a,b]\n"
			"---\n"
			"## Background\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set(it, "updated_at", "2026-06-19T00:00:00Z"), 0);
	char *r = render(it);
	size_t idx[] = {4};
	assert_diff_only(s, r, idx, 1);
	cr_assert(strstr(r, "updated_at: '2026-06-19T00:00:00Z'\n"));
	free(r);

	cr_assert_eq(yoi_item_set(it, "state", "queued"), 0);
	r = render(it);
	size_t idx2[] = {2, 4};
	assert_diff_only(s, r, idx2, 2);
	cr_assert(strstr(r, "\nstate: 'queued'\n"));
	free(r);
	yoi_item_free(it);
}

Test(item_render, unknown_fields_preserved_byte_for_byte)
{
	const char *s = "---\n"
			"title: x\n"
			"odd:    \"kept\"   # as is\n"
			"tree:\n"
			"  a:\n"
			"    - 1\n"
			"    - {b: c}\n"
			"state: ready\n"
			"tail: >\n"
			"  folded\n"
			"  text\n"
			"---\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set(it, "state", "done"), 0);
	cr_assert_eq(yoi_item_set(it, "title", "y"), 0);
	char *r = render(it);
	cr_assert_str_eq(r, "---\n"
			    "title: 'y'\n"
			    "odd:    \"kept\"   # as is\n"
			    "tree:\n"
			    "  a:\n"
			    "    - 1\n"
			    "    - {b: c}\n"
			    "state: 'done'\n"
			    "tail: >\n"
			    "  folded\n"
			    "  text\n"
			    "---\n");
	free(r);
	yoi_item_free(it);
}

Test(item_render, rewrite_multiline_fields_keeps_comments)
{
	const char *s = "---\n"
			"risk_flags:\n"
			"  - a\n"
			"  - b\n"
			"# about desc\n"
			"desc: |\n"
			"  one\n"
			"  two\n"
			"\n"
			"# after\n"
			"state: ready\n"
			"---\n";
	yoi_item *it = parse_ok(s);
	const char *fl[] = {"x"};
	cr_assert_eq(yoi_item_set_list(it, "risk_flags", fl, 1), 0);
	cr_assert_eq(yoi_item_set(it, "desc", "short"), 0);
	char *r = render(it);
	cr_assert_str_eq(r, "---\n"
			    "risk_flags: ['x']\n"
			    "# about desc\n"
			    "desc: 'short'\n"
			    "\n"
			    "# after\n"
			    "state: ready\n"
			    "---\n");
	yoi_item *again = parse_ok(r);
	cr_assert_str_eq(yoi_item_get(again, "desc"), "short");
	cr_assert_eq(yoi_item_field(again, "risk_flags")->nlist, 1u);
	yoi_item_free(again);
	free(r);
	yoi_item_free(it);
}

Test(item_render, appended_fields_in_call_order)
{
	const char *s = "---\ntitle: x\n# end comment\n---\nbody\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set(it, "queued_by", "alice"), 0);
	cr_assert_eq(yoi_item_set(it, "assignee", NULL), 0);
	const char *fl[] = {"a", "b"};
	cr_assert_eq(yoi_item_set_list(it, "risk_flags", fl, 2), 0);
	cr_assert_eq(it->nappended, 3u);
	char *r = render(it);
	cr_assert_str_eq(r, "---\ntitle: x\n# end comment\n"
			    "queued_by: 'alice'\n"
			    "assignee: null\n"
			    "risk_flags: ['a', 'b']\n"
			    "---\nbody\n");
	free(r);
	/* Appended fields are visible through the getters. */
	cr_assert_str_eq(yoi_item_get(it, "queued_by"), "alice");
	cr_assert_eq(yoi_item_field(it, "assignee")->type, YOI_FIELD_NULL);
	cr_assert_eq(yoi_item_field(it, "risk_flags")->nlist, 2u);
	/* Setting an appended field again replaces its line. */
	cr_assert_eq(yoi_item_set(it, "queued_by", "bob"), 0);
	cr_assert_eq(it->nappended, 3u);
	r = render(it);
	cr_assert(strstr(r, "queued_by: 'bob'\nassignee: null\n"));
	cr_assert_null(strstr(r, "alice"));
	free(r);
	yoi_item_free(it);
}

Test(item_render, set_same_value_is_noop)
{
	const char *s = "---\n"
			"title: \"Hello\"   # c\n"
			"state: ready\n"
			"assignee: ~\n"
			"risk_flags:\n"
			"  - a\n"
			"  - 'b'\n"
			"---\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set(it, "title", "Hello"), 0);
	cr_assert_eq(yoi_item_set(it, "state", "ready"), 0);
	cr_assert_eq(yoi_item_set(it, "assignee", NULL), 0);
	const char *fl[] = {"a", "b"};
	cr_assert_eq(yoi_item_set_list(it, "risk_flags", fl, 2), 0);
	for (size_t i = 0; i < it->nfields; i++)
		cr_assert_null(it->fields[i].rewrite);
	char *r = render(it);
	cr_assert_str_eq(r, s);
	free(r);
	/* Change, then set back: the original bytes come back. */
	cr_assert_eq(yoi_item_set(it, "state", "done"), 0);
	cr_assert_str_eq(yoi_item_get(it, "state"), "done");
	cr_assert_eq(yoi_item_set(it, "state", "inprogress"), 0);
	cr_assert_eq(yoi_item_set(it, "state", "ready"), 0);
	cr_assert_str_eq(yoi_item_get(it, "state"), "ready");
	r = render(it);
	cr_assert_str_eq(r, s);
	free(r);
	yoi_item_free(it);
}

Test(item_render, set_twice_keeps_last_and_types_change)
{
	yoi_item *it = parse_ok("---\ntitle: x\nassignee: bob\n---\n");
	cr_assert_eq(yoi_item_set(it, "title", "a"), 0);
	cr_assert_eq(yoi_item_set(it, "title", "b"), 0);
	cr_assert_eq(yoi_item_set(it, "assignee", NULL), 0);
	cr_assert_eq(yoi_item_field(it, "assignee")->type, YOI_FIELD_NULL);
	char *r = render(it);
	cr_assert_str_eq(r, "---\ntitle: 'b'\nassignee: null\n---\n");
	free(r);
	const char *none[] = {NULL};
	cr_assert_eq(yoi_item_set_list(it, "assignee", none, 0), 0);
	r = render(it);
	cr_assert_str_eq(r, "---\ntitle: 'b'\nassignee: []\n---\n");
	free(r);
	yoi_item_free(it);
}

Test(item_render, set_rejects_bad_input)
{
	yoi_item *it = parse_ok("---\ntitle: x\n---\n");
	cr_assert_eq(yoi_item_set(it, "", "v"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, NULL, "v"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "bad-key", "v"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "bad key", "v"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "k:", "v"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "title", "a\nb"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "title", "a\rb"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "title", "a\xff"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "title", "bell\x07"), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "title", "ls\xe2\x80\xa8"), YOI_EUSAGE);
	const char *bad[] = {"ok", "no\nway"};
	cr_assert_eq(yoi_item_set_list(it, "risk_flags", bad, 2), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set(it, "Key_09", "ok"), 0);
	cr_assert_eq(it->nappended, 1u);
	cr_assert_str_eq(yoi_item_get(it, "title"), "x");
	cr_assert_null(it->fields[0].rewrite);
	yoi_item_free(it);
}

Test(item_render, crlf_new_lines_use_crlf)
{
	const char *s = "---\r\ntitle: x\r\nstate: ready\r\n---\r\nbody\r\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set(it, "state", "done"), 0);
	cr_assert_eq(yoi_item_set(it, "assignee", "me"), 0);
	char *r = render(it);
	cr_assert_str_eq(r, "---\r\ntitle: x\r\nstate: 'done'\r\n"
			    "assignee: 'me'\r\n---\r\nbody\r\n");
	free(r);
	yoi_item_free(it);
}

Test(item_render, no_trailing_newline_body)
{
	const char *s = "---\ntitle: x\n---\nlast line";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set(it, "title", "y"), 0);
	char *r = render(it);
	cr_assert_str_eq(r, "---\ntitle: 'y'\n---\nlast line");
	free(r);
	yoi_item_free(it);
}

Test(item_render, set_body)
{
	const char *s = "---\ntitle: x\n---\nold body\n";
	yoi_item *it = parse_ok(s);
	cr_assert_eq(yoi_item_set_body(it, "## New\n\ntext\n", 13), 0);
	cr_assert_eq(yoi_item_set(it, "state", "ready"), 0);
	size_t n;
	const char *b = yoi_item_body(it, &n);
	cr_assert_eq(n, 13u);
	cr_assert(memcmp(b, "## New\n\ntext\n", 13) == 0);
	char *r = render(it);
	cr_assert_str_eq(r, "---\ntitle: x\nstate: 'ready'\n---\n"
			    "## New\n\ntext\n");
	free(r);
	cr_assert_eq(yoi_item_set_body(it, "", 0), 0);
	r = render(it);
	cr_assert_str_eq(r, "---\ntitle: x\nstate: 'ready'\n---\n");
	free(r);
	cr_assert_eq(yoi_item_set_body(it, "bad\xff", 4), YOI_EUSAGE);
	cr_assert_eq(yoi_item_set_body(it, "a\0b", 3), YOI_EUSAGE);
	yoi_item_free(it);

	/* Closer without a newline: one is added before the new body. */
	it = parse_ok("---\ntitle: x\n---");
	cr_assert_eq(yoi_item_set_body(it, "b\n", 2), 0);
	r = render(it);
	cr_assert_str_eq(r, "---\ntitle: x\n---\nb\n");
	free(r);
	yoi_item_free(it);
}

Test(item_render, awkward_values_round_trip)
{
	const char *vals[] = {
	    "it's",	 "\"double\"", "a: b",	  "# not a comment",
	    "x #y",	 "  lead",     "trail  ", "日本語 ✓",
	    "-",	 "- item",     "null",	  "~",
	    "[x]",	 "{a: b}",     "",	  "''",
	    "@at",	 "`tick`",     "%pct",	  "!tag",
	    "*star",	 "&amp",       "|",	  ">",
	    "tab\there", "'",	       "yes",	  "0x1F",
	    "...",	 "---",	       "? q",	  "\\back\\",
	};
	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
		yoi_item *it = parse_ok("---\ntitle: x\nv: old\n---\n");
		cr_assert_eq(yoi_item_set(it, "v", vals[i]), 0, "%s", vals[i]);
		cr_assert_eq(yoi_item_set(it, "w", vals[i]), 0, "%s", vals[i]);
		char *r = render(it);
		yoi_item *back = parse_ok(r);
		cr_assert_str_eq(yoi_item_get(back, "v"), vals[i], "%s", r);
		cr_assert_str_eq(yoi_item_get(back, "w"), vals[i], "%s", r);
		yoi_item_free(back);
		free(r);
		yoi_item_free(it);
	}
	yoi_item *it = parse_ok("---\ntitle: x\n---\n");
	size_t n = sizeof(vals) / sizeof(*vals);
	cr_assert_eq(yoi_item_set_list(it, "l", vals, n), 0);
	char *r = render(it);
	yoi_item *back = parse_ok(r);
	const yoi_field *f = yoi_item_field(back, "l");
	cr_assert_eq(f->type, YOI_FIELD_LIST);
	cr_assert_eq(f->nlist, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(f->list[i], vals[i]);
	yoi_item_free(back);
	free(r);
	yoi_item_free(it);
}

/* ---- compose ------------------------------------------------------------ */

Test(item_compose, fresh_file)
{
	const char *flags[] = {"orchestrator", "peer's"};
	yoi_item_kv kv[] = {
	    {"title", "It's new", NULL, 0},  {"state", "planning", NULL, 0},
	    {"assignee", NULL, NULL, 0},     {"risk_flags", NULL, flags, 2},
	    {"labels_none", NULL, flags, 0},
	};
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_compose(&b, kv, 5, "## Background\n\nx"), 0);
	cr_assert_str_eq(b.ptr, "---\n"
				"title: 'It''s new'\n"
				"state: 'planning'\n"
				"assignee: null\n"
				"risk_flags: ['orchestrator', 'peer''s']\n"
				"labels_none: []\n"
				"---\n"
				"## Background\n\nx\n");
	yoi_item *it = parse_ok(b.ptr);
	cr_assert_str_eq(yoi_item_get(it, "title"), "It's new");
	cr_assert_eq(yoi_item_field(it, "risk_flags")->nlist, 2u);
	cr_assert_str_eq(yoi_item_field(it, "risk_flags")->list[1], "peer's");
	char *r = render(it);
	cr_assert_str_eq(r, b.ptr);
	free(r);
	yoi_item_free(it);
	yoi_buf_free(&b);
}

Test(item_compose, bodies_and_errors)
{
	yoi_item_kv kv[] = {{"title", "t", NULL, 0}};
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_compose(&b, kv, 1, ""), 0);
	cr_assert_str_eq(b.ptr, "---\ntitle: 't'\n---\n");
	yoi_buf_free(&b);
	cr_assert_eq(yoi_item_compose(&b, kv, 1, NULL), 0);
	cr_assert_str_eq(b.ptr, "---\ntitle: 't'\n---\n");
	yoi_buf_free(&b);
	cr_assert_eq(yoi_item_compose(&b, kv, 1, "body\n"), 0);
	cr_assert_str_eq(b.ptr, "---\ntitle: 't'\n---\nbody\n");
	yoi_buf_free(&b);

	yoi_item_kv badkey[] = {{"no-dash", "t", NULL, 0}};
	cr_assert_eq(yoi_item_compose(&b, badkey, 1, ""), YOI_EUSAGE);
	yoi_item_kv badval[] = {{"title", "a\nb", NULL, 0}};
	cr_assert_eq(yoi_item_compose(&b, badval, 1, ""), YOI_EUSAGE);
	yoi_item_kv dup[] = {{"a", "1", NULL, 0}, {"a", "2", NULL, 0}};
	cr_assert_eq(yoi_item_compose(&b, dup, 2, ""), YOI_EUSAGE);
	cr_assert_eq(yoi_item_compose(&b, kv, 1, "\xff"), YOI_EUSAGE);
	cr_assert_eq(b.len, 0u);
	yoi_buf_free(&b);
}

/* ---- sections ----------------------------------------------------------- */

static void sections(const char *body, yoi_section **s, size_t *n)
{
	cr_assert_eq(yoi_item_sections(body, strlen(body), s, n), 0);
}

Test(item_sections, atx)
{
	const char *body = "Preamble text.\n"
			   "\n"
			   "## Background\n"
			   "\n"
			   "Why we do it.\n"
			   "More.\n"
			   "\n"
			   "### Detail\n"
			   "inner\n"
			   "\n"
			   "## Requirements ##\n"
			   "- one\n"
			   "- two\n"
			   "## Acceptance criteria\n"
			   "\n\n";
	yoi_section *s;
	size_t n;
	sections(body, &s, &n);
	cr_assert_eq(n, 3u);
	cr_assert_str_eq(s[0].heading, "Background");
	cr_assert_eq(s[0].line, 3);
	cr_assert_str_eq(s[0].text,
			 "Why we do it.\nMore.\n\n### Detail\ninner");
	cr_assert_str_eq(s[1].heading, "Requirements");
	cr_assert_eq(s[1].line, 11);
	cr_assert_str_eq(s[1].text, "- one\n- two");
	cr_assert_str_eq(s[2].heading, "Acceptance criteria");
	cr_assert_eq(s[2].line, 14);
	cr_assert_str_eq(s[2].text, "");
	yoi_sections_free(s, n);
}

Test(item_sections, setext_and_inline_heading_text)
{
	const char *body = "Background\n"
			   "---\n"
			   "text under setext\n"
			   "\n"
			   "Two *line*\n"
			   "`heading`\n"
			   "---\n"
			   "after\n"
			   "# Level one\n"
			   "=== not underline\n";
	yoi_section *s;
	size_t n;
	sections(body, &s, &n);
	cr_assert_eq(n, 2u);
	cr_assert_str_eq(s[0].heading, "Background");
	cr_assert_eq(s[0].line, 1);
	cr_assert_str_eq(s[0].text, "text under setext");
	cr_assert_str_eq(s[1].heading, "Two line heading");
	cr_assert_eq(s[1].line, 5);
	cr_assert_str_eq(s[1].text, "after\n# Level one\n=== not underline");
	yoi_sections_free(s, n);
}

Test(item_sections, code_blocks_do_not_count)
{
	const char *body = "## Real\n"
			   "```\n"
			   "## not a heading\n"
			   "```\n"
			   "\n"
			   "    ## indented code\n"
			   "> ## quoted heading\n";
	yoi_section *s;
	size_t n;
	sections(body, &s, &n);
	cr_assert_eq(n, 1u);
	cr_assert_str_eq(s[0].heading, "Real");
	cr_assert_str_eq(s[0].text, "```\n## not a heading\n```\n\n"
				    "    ## indented code\n"
				    "> ## quoted heading");
	yoi_sections_free(s, n);
}

Test(item_sections, japanese)
{
	const char *body = "## 背景\n\n理由。\n\n## 要件\n- 一つ\n\n"
			   "## 受け入れ条件\n完了。\n";
	yoi_section *s;
	size_t n;
	sections(body, &s, &n);
	cr_assert_eq(n, 3u);
	cr_assert_str_eq(s[0].heading, "背景");
	cr_assert_str_eq(s[0].text, "理由。");
	cr_assert_str_eq(s[1].heading, "要件");
	cr_assert_str_eq(s[1].text, "- 一つ");
	cr_assert_str_eq(s[2].heading, "受け入れ条件");
	cr_assert_str_eq(s[2].text, "完了。");
	cr_assert_eq(s[2].line, 8);
	yoi_sections_free(s, n);
}

Test(item_sections, none_and_empty)
{
	yoi_section *s = (yoi_section *)1;
	size_t n = 7;
	cr_assert_eq(yoi_item_sections("", 0, &s, &n), 0);
	cr_assert_null(s);
	cr_assert_eq(n, 0u);
	sections("# Title\n\nJust text.\n### deep\n", &s, &n);
	cr_assert_eq(n, 0u);
	yoi_sections_free(s, n);
}

Test(item_sections, crlf_body)
{
	const char *body =
	    "## A\r\n\r\nline one\r\nline two\r\n\r\n## B\r\nb\r\n";
	yoi_section *s;
	size_t n;
	sections(body, &s, &n);
	cr_assert_eq(n, 2u);
	cr_assert_str_eq(s[0].text, "line one\r\nline two");
	cr_assert_str_eq(s[1].heading, "B");
	cr_assert_eq(s[1].line, 6);
	cr_assert_str_eq(s[1].text, "b");
	yoi_sections_free(s, n);
}

Test(item_sections, from_parsed_item_body)
{
	yoi_item *it = parse_ok(VALID);
	size_t len;
	const char *b = yoi_item_body(it, &len);
	yoi_section *s;
	size_t n;
	cr_assert_eq(yoi_item_sections(b, len, &s, &n), 0);
	cr_assert_eq(n, 1u);
	cr_assert_str_eq(s[0].heading, "Background");
	cr_assert_eq(s[0].line, 2);
	cr_assert_eq(it->body_line + s[0].line - 1, 11);
	yoi_sections_free(s, n);
	yoi_item_free(it);
}

/* ---- checks ------------------------------------------------------------- */

static void check(const char *s, yoi_diag *d)
{
	yoi_item *it = parse_ok(s);
	yoi_item_check(it, "t/item.md", d);
	yoi_item_free(it);
}

static const yoi_diag_entry *find_diag(const yoi_diag *d, const char *code,
				       int line)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].code, code) == 0 && d->v[i].line == line)
			return &d->v[i];
	return NULL;
}

Test(item_check, valid_item_has_no_diagnostics)
{
	yoi_diag d = YOI_DIAG_INIT;
	check(VALID, &d);
	cr_assert_eq(d.n, 0u, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
	/* Plain and double-quoted styles are just as valid. */
	check("---\ntitle: T\nstate: done\ncreated_at: 2026-06-18T14:33:09Z\n"
	      "updated_at: \"2026-06-18T14:33:09Z\"\nassignee: bob\n"
	      "risk_flags: []\nqueued_at: 2026-06-18T14:33:09Z\n---\n",
	      &d);
	cr_assert_eq(d.n, 0u, "%s", d.n ? d.v[0].message : "");
	yoi_diag_free(&d);
}

Test(item_check, missing_fields)
{
	yoi_diag d = YOI_DIAG_INIT;
	check("---\nstate: ready\ntitle: ''\nupdated_at:\n---\n", &d);
	cr_assert_not_null(find_diag(&d, "item-missing-field", 3)); /* title */
	cr_assert_not_null(find_diag(&d, "item-missing-field", 4));
	const yoi_diag_entry *e = find_diag(&d, "item-missing-field", 1);
	cr_assert_not_null(e); /* created_at absent */
	cr_assert(strstr(e->message, "created_at"));
	cr_assert_str_eq(e->path, "t/item.md");
	cr_assert_eq(e->severity, YOI_DIAG_ERROR);
	size_t count = 0;
	for (size_t i = 0; i < d.n; i++)
		count += strcmp(d.v[i].code, "item-missing-field") == 0;
	cr_assert_eq(count, 3u);
	yoi_diag_free(&d);
}

Test(item_check, invalid_state)
{
	yoi_diag d = YOI_DIAG_INIT;
	check("---\ntitle: t\nstate: open\ncreated_at: 2026-06-18T14:33:09Z\n"
	      "updated_at: 2026-06-18T14:33:09Z\n---\n",
	      &d);
	cr_assert_eq(d.n, 1u);
	const yoi_diag_entry *e = find_diag(&d, "item-invalid-state", 3);
	cr_assert_not_null(e);
	cr_assert(strstr(e->message, "planning"));
	yoi_diag_free(&d);
}

Test(item_check, obsolete_fields)
{
	yoi_diag d = YOI_DIAG_INIT;
	check("---\ntitle: t\nstate: ready\ncreated_at: 2026-06-18T14:33:09Z\n"
	      "updated_at: 2026-06-18T14:33:09Z\n"
	      "id: X\nslug: s\nstatus: open\nworkflow_state: w\nkind: k\n"
	      "labels: []\naction_required: no\nattention_required: no\n---\n",
	      &d);
	cr_assert_eq(d.n, 8u);
	for (int line = 6; line <= 13; line++)
		cr_assert_not_null(find_diag(&d, "item-obsolete-field", line),
				   "line %d", line);
	yoi_diag_free(&d);
}

Test(item_check, bad_timestamps)
{
	yoi_diag d = YOI_DIAG_INIT;
	check("---\ntitle: t\nstate: queued\ncreated_at: yesterday\n"
	      "updated_at: 2026-06-18\nqueued_at: [x]\n---\n",
	      &d);
	cr_assert_not_null(find_diag(&d, "item-bad-timestamp", 4));
	cr_assert_not_null(find_diag(&d, "item-bad-timestamp", 5));
	cr_assert_not_null(find_diag(&d, "item-bad-timestamp", 6));
	cr_assert_eq(d.n, 3u);
	yoi_diag_free(&d);
}

Test(item_check, updated_before_created)
{
	yoi_diag d = YOI_DIAG_INIT;
	check("---\ntitle: t\nstate: ready\ncreated_at: 2026-06-18T14:33:09Z\n"
	      "updated_at: 2026-06-18T14:33:08Z\n---\n",
	      &d);
	cr_assert_eq(d.n, 1u);
	cr_assert_not_null(find_diag(&d, "item-updated-before-created", 5));
	yoi_diag_free(&d);
}

Test(item_check, bad_types)
{
	yoi_diag d = YOI_DIAG_INIT;
	check("---\ntitle: [a]\nstate: {x: 1}\n"
	      "created_at: 2026-06-18T14:33:09Z\n"
	      "updated_at: 2026-06-18T14:33:09Z\n"
	      "assignee: [bob]\nrisk_flags: 'one'\n---\n",
	      &d);
	cr_assert_not_null(find_diag(&d, "item-bad-type", 2));
	cr_assert_not_null(find_diag(&d, "item-bad-type", 3));
	cr_assert_not_null(find_diag(&d, "item-bad-type", 6));
	cr_assert_not_null(find_diag(&d, "item-bad-type", 7));
	cr_assert_eq(d.n, 4u);
	yoi_diag_free(&d);
	check("---\ntitle: t\nstate: ready\ncreated_at: 2026-06-18T14:33:09Z\n"
	      "updated_at: 2026-06-18T14:33:09Z\nrisk_flags:\n  - [nested]\n"
	      "---\n",
	      &d);
	cr_assert_eq(d.n, 1u);
	cr_assert_not_null(find_diag(&d, "item-bad-type", 6));
	yoi_diag_free(&d);
}

Test(item_check, sees_pending_changes)
{
	yoi_item *it = parse_ok(VALID);
	cr_assert_eq(yoi_item_set(it, "state", "bogus"), 0);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_item_check(it, "p", &d);
	cr_assert_eq(d.n, 1u);
	cr_assert_str_eq(d.v[0].code, "item-invalid-state");
	yoi_diag_free(&d);
	yoi_item_free(it);
}

/* ---- performance -------------------------------------------------------- */

Test(item_perf, many_frontmatters_parse_fast)
{
	/* The budget is 100 ms at -O2; sanitizers get a wide margin. */
	clock_t t0 = clock();
	for (int i = 0; i < 10000; i++) {
		yoi_item *it = NULL;
		cr_assert_eq(
		    yoi_item_parse(&it, VALID, strlen(VALID), "item.md", NULL),
		    0);
		yoi_item_free(it);
	}
	double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
	cr_log_info("10000 parses: %.1f ms", ms);
	cr_assert_lt(ms, 5000.0);
}

Test(item_perf, many_fields_is_not_quadratic)
{
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_buf_puts(&b, "---\n"), 0);
	for (int i = 0; i < 50000; i++)
		cr_assert_eq(yoi_buf_printf(&b, "k%d: v\n", i), 0);
	cr_assert_eq(yoi_buf_puts(&b, "---\n"), 0);
	clock_t t0 = clock();
	yoi_item *it = NULL;
	cr_assert_eq(yoi_item_parse(&it, b.ptr, b.len, "item.md", NULL), 0);
	cr_assert_eq(it->nfields, 50000u);
	double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
	cr_assert_lt(ms, 5000.0);
	yoi_item_free(it);
	yoi_buf_free(&b);
}

/* ---- yoi_item_unset ------------------------------------------------------ */

Test(item, unset_removes_field_lines)
{
	const char *src = "---\n"
			  "title: 'T'\n"
			  "# about the flags\n"
			  "risk_flags:\n"
			  "  - a\n"
			  "  - b\n"
			  "state: ready # trailing\n"
			  "\n"
			  "updated_at: '2026-06-18T14:40:02Z'\n"
			  "---\n"
			  "body\n";
	yoi_item *it = parse_ok(src);
	cr_assert_eq(yoi_item_unset(it, "risk_flags"), 0);
	cr_assert_eq(yoi_item_unset(it, "state"), 0);
	cr_assert_null(yoi_item_field(it, "risk_flags"));
	cr_assert_null(yoi_item_get(it, "state"));
	cr_assert_eq(it->nfields, 2u);
	cr_assert_str_eq(yoi_item_get(it, "updated_at"),
			 "2026-06-18T14:40:02Z");
	char *s = render(it);
	cr_assert_str_eq(s, "---\n"
			    "title: 'T'\n"
			    "# about the flags\n"
			    "\n"
			    "updated_at: '2026-06-18T14:40:02Z'\n"
			    "---\n"
			    "body\n");
	yoi_item *back = parse_ok(s);
	cr_assert_eq(back->nfields, 2u);
	yoi_item_free(back);
	free(s);
	yoi_item_free(it);
}

Test(item, unset_with_rewrites_around_it)
{
	yoi_item *it = parse_ok("---\r\n"
				"a: 1\r\n"
				"b: 2\r\n"
				"c: 3\r\n"
				"---\r\n");
	cr_assert_eq(yoi_item_set(it, "c", "z"), 0);
	cr_assert_eq(yoi_item_unset(it, "b"), 0);
	cr_assert_eq(yoi_item_set(it, "a", "x"), 0);
	cr_assert_eq(yoi_item_unset(it, "a"), 0);
	char *s = render(it);
	cr_assert_str_eq(s, "---\r\nc: 'z'\r\n---\r\n");
	free(s);
	/* Set again after the unset: a new line before the closer. */
	cr_assert_eq(yoi_item_set(it, "b", "again"), 0);
	s = render(it);
	cr_assert_str_eq(s, "---\r\nc: 'z'\r\nb: 'again'\r\n---\r\n");
	free(s);
	yoi_item_free(it);
}

Test(item, unset_appended_field_and_absent_key)
{
	const char *src = "---\ntitle: 'T'\n---\n";
	yoi_item *it = parse_ok(src);
	cr_assert_eq(yoi_item_set(it, "x", "1"), 0);
	cr_assert_eq(yoi_item_set(it, "y", "2"), 0);
	cr_assert_eq(yoi_item_unset(it, "x"), 0);
	cr_assert_null(yoi_item_field(it, "x"));
	cr_assert_str_eq(yoi_item_get(it, "y"), "2");
	cr_assert_eq(yoi_item_unset(it, "nope"), 0);
	cr_assert_eq(yoi_item_unset(it, "not a key"), 0);
	cr_assert_eq(yoi_item_unset(it, NULL), YOI_EUSAGE);
	cr_assert_eq(yoi_item_unset(NULL, "x"), YOI_EUSAGE);
	char *s = render(it);
	cr_assert_str_eq(s, "---\ntitle: 'T'\ny: '2'\n---\n");
	free(s);
	cr_assert_eq(yoi_item_unset(it, "y"), 0);
	cr_assert_eq(yoi_item_unset(it, "title"), 0);
	cr_assert_eq(it->nfields, 0u);
	cr_assert_eq(it->nappended, 0u);
	s = render(it);
	cr_assert_str_eq(s, "---\n---\n");
	free(s);
	yoi_item_free(it);
}

Test(item, unset_after_set_frees_the_saved_value)
{
	yoi_item *it = parse_ok("---\na: 1\nb: [x, y]\nc: 3\n---\n");
	cr_assert_eq(yoi_item_set(it, "b", "s"), 0);
	cr_assert_eq(yoi_item_set(it, "c", "t"), 0);
	cr_assert_eq(yoi_item_unset(it, "b"), 0);
	/* c's saved original moved with it: setting it back keeps bytes. */
	cr_assert_eq(yoi_item_set(it, "c", "3"), 0);
	char *s = render(it);
	cr_assert_str_eq(s, "---\na: 1\nc: 3\n---\n");
	free(s);
	yoi_item_free(it);
}

/* Found by fuzz_item: removing the one field before a "..." document end
 * marker left a frontmatter libyaml refuses; such a frontmatter (markers,
 * blanks, comments only) reads as one without fields. */
Test(item, unset_before_a_document_end_marker_round_trips)
{
	const char *in = "---\n  k: done\n...\n...\n---\nbody\n";
	yoi_item *it = NULL, *re = NULL;
	yoi_error err = {0};
	cr_assert_eq(yoi_item_parse(&it, in, strlen(in), NULL, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(yoi_item_unset(it, "k"), 0);
	yoi_buf out = YOI_BUF_INIT;
	cr_assert_eq(yoi_item_render(it, &out), 0);
	cr_assert_eq(yoi_item_parse(&re, out.ptr, out.len, NULL, &err), 0,
		     "%s\n%s", err.msg, out.ptr);
	cr_assert_eq(re->nfields, 0);
	cr_assert_null(yoi_item_field(re, "k"));
	const char *marks = "---\n...\n\n...\r\n---\nbody\n";
	yoi_item_free(re);
	re = NULL;
	cr_assert_eq(yoi_item_parse(&re, marks, strlen(marks), NULL, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(re->nfields, 0);
	/* A field set there goes before the markers and reads back. */
	cr_assert_eq(yoi_item_set(re, "title", "x"), 0);
	out.len = 0;
	cr_assert_eq(yoi_item_render(re, &out), 0);
	yoi_item *again = NULL;
	cr_assert_eq(yoi_item_parse(&again, out.ptr, out.len, NULL, &err), 0,
		     "%s\n%s", err.msg, out.ptr);
	cr_assert_str_eq(yoi_item_get(again, "title"), "x");
	yoi_item_free(again);
	yoi_buf_free(&out);
	yoi_item_free(it);
	yoi_item_free(re);
}
