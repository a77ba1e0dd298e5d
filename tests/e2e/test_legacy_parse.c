/*
 * End-to-end: thread.md written by older tools (issue 13, classes 4 and
 * 5). Each test builds a fixture store by hand in a real git repository,
 * then checks doctor, `doctor --fix` run twice, `show --json` of the
 * affected events, and a commit of a new comment through the hooks.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ID1 "00001KSNFEVG8"
#define ID2 "00001KSNFEVG9"
#define T0  "2026-01-05T10:00:00Z"
#define T1  "2026-01-05T11:00:00Z"
#define T2  "2026-01-05T12:00:00Z"

#define ITEM(state, updated)                                                   \
	"---\ntitle: 'Legacy'\nstate: '" state "'\ncreated_at: '" T0           \
	"'\nupdated_at: '" updated "'\n---\n\n## Background\n\nText.\n"

/* Class 4: markers with unquoted multi-word values (an older tool). */
#define LEGACY4                                                                \
	"<!-- event: create author: yoi ticket at: " T0 " -->\n\n"             \
	"## Created\n\nTicket created.\n\n---\n"                               \
	"<!-- event: comment author: old import script at: " T1                \
	" source: the old tracker -->\n\n## Comment\n\nImported.\n\n---\n"

/* Class 5: marker lines inside fenced code, unescaped (an older tool). */
#define FENCE_BODY                                                             \
	"How the old tool logged a close:\n\n"                                 \
	"```markdown\n"                                                        \
	"<!-- event: close author: bot at: " T1 " status: closed -->\n\n"      \
	"## Closed\n\n"                                                        \
	"<!-- event: state_changed author: bot at: " T1                        \
	" from: planning to: done reason: r field: state -->\n"                \
	"```\n\nThat was all."
#define LEGACY5                                                                \
	"<!-- event: create author: tool at: " T0 " -->\n\n"                   \
	"## Created\n\nTicket created.\n\n---\n"                               \
	"<!-- event: comment author: tool at: " T1 " -->\n\n"                  \
	"## Comment\n\n" FENCE_BODY "\n\n---\n"

/* Class 5, unclosed: the fence of line 12 never closes. */
#define LEGACY5_OPEN                                                           \
	"<!-- event: create author: tool at: " T0 " -->\n\n"                   \
	"## Created\n\nTicket created.\n\n---\n"                               \
	"<!-- event: comment author: tool at: " T1 " -->\n\n"                  \
	"## Comment\n\n~~~\n"                                                  \
	"<!-- event: close author: bot at: " T1 " -->\n\nstill code\n\n---\n"  \
	"<!-- event: comment author: tool at: " T2 " -->\n\n"                  \
	"## Comment\n\nafter\n\n---\n"

/* A store with the given tickets, committed. */
static char *fixture(const char *item1, const char *thread1, const char *item2,
		     const char *thread2)
{
	char *dir = e2e_store();
	e2e_put_ticket(dir, ID1, item1, thread1);
	if (item2)
		e2e_put_ticket(dir, ID2, item2, thread2);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm fixture"), 0);
	return dir;
}

static json_t *run_json(const char *dir, int want_status,
			const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, want_status, "%s: status %d\n%s\n%s", argv[0],
		     r.status, r.out, r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "%s: %s\n%s", argv[0], je.text, r.out);
	e2e_free(&r);
	return j;
}
#define JSON(dir, status, ...)                                                 \
	run_json((dir), (status), (const char *const[]){__VA_ARGS__, NULL})

/* Number of doctor diagnostics with this code about ticket id (and, when
 * line > 0, on this line of its thread.md). */
static size_t diags(json_t *doc, const char *code, const char *id, int line)
{
	json_t *a = json_object_get(doc, "diagnostics");
	cr_assert(json_is_array(a));
	size_t i, n = 0;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		const char *c = json_string_value(json_object_get(v, "code"));
		const char *p = json_string_value(json_object_get(v, "path"));
		if (!c || strcmp(c, code) != 0)
			continue;
		if (!p || !strstr(p, id))
			continue;
		if (line > 0 &&
		    (json_integer_value(json_object_get(v, "line")) != line ||
		     !strstr(p, "thread.md")))
			continue;
		n++;
	}
	return n;
}

static size_t errors(json_t *doc)
{
	json_t *a = json_object_get(doc, "diagnostics");
	size_t i, n = 0;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		const char *s =
		    json_string_value(json_object_get(v, "severity"));
		n += s && strcmp(s, "error") == 0;
	}
	return n;
}

/* `doctor --fix` twice: the fixture needs no repair, so neither run
 * changes a ticket (and the second run nothing at all: e2e_fix_twice). */
static void fix_twice_changes_nothing(const char *dir)
{
	e2e_fix_twice(dir);
	cr_assert_eq(e2e_sh(dir, "git diff --quiet HEAD -- .yoi && "
				 "test -z \"$(git status --porcelain "
				 "--untracked-files=all)\""),
		     0, "doctor --fix changed a ticket that needs no repair");
}

static json_t *event(json_t *show, size_t i)
{
	json_t *ev = json_array_get(json_object_get(show, "events"), i);
	cr_assert_not_null(ev, "no event %zu", i);
	return ev;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	cr_assert_not_null(s, "no string '%s'", key);
	return s;
}

Test(legacy_parse, unquoted_multiword_values_are_read)
{
	char *dir = fixture(ITEM("planning", T1), LEGACY4, NULL, NULL);

	json_t *doc = JSON(dir, 0, "doctor", "--format", "json");
	cr_assert_eq(errors(doc), 0);
	cr_assert_eq(diags(doc, "thread-malformed-event", ID1, 0), 0);
	cr_assert_eq(diags(doc, "thread-missing-author", ID1, 0), 0);
	json_decref(doc);

	fix_twice_changes_nothing(dir);

	json_t *show = JSON(dir, 0, "show", ID1, "--json");
	cr_assert_eq(json_integer_value(json_object_get(show, "event_count")),
		     2);
	json_t *e0 = event(show, 0), *e1 = event(show, 1);
	cr_assert_str_eq(str(e0, "kind"), "create");
	cr_assert_str_eq(str(e0, "author"), "yoi ticket");
	cr_assert_str_eq(str(e0, "at"), T0);
	cr_assert_str_eq(str(e1, "author"), "old import script");
	cr_assert_str_eq(str(e1, "at"), T1);
	cr_assert_str_eq(str(json_object_get(e1, "attrs"), "source"),
			 "the old tracker");
	cr_assert_str_eq(str(e1, "body"), "Imported.");
	json_decref(show);

	/* The text view too: no "[-] - by -". */
	e2e_result r = RUN(dir, "show", ID1);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "[" T0 "] create by yoi ticket"), "%s",
			   r.out);
	cr_assert_null(strstr(r.out, "[-]"), "%s", r.out);
	e2e_free(&r);

	e2e_comment_commits(dir, ID1);
	/* Writers keep quoting; the old line is kept byte for byte. */
	char *thread = e2e_read(dir, e2e_tpath(ID1, "thread.md"));
	cr_assert_eq(strncmp(thread, LEGACY4, strlen(LEGACY4)), 0);
	cr_assert_not_null(strstr(thread + strlen(LEGACY4), "author: tester"));
	free(thread);
	e2e_rm(dir);
}

Test(legacy_parse, an_ambiguous_marker_stays_an_error_naming_file_and_line)
{
	/* An unterminated quote: no reading is sure. */
	char *dir = fixture(ITEM("planning", T0),
			    "<!-- event: create author: \"yoi ticket at: " T0
			    " -->\n\n## Created\n\nx\n\n---\n",
			    NULL, NULL);
	json_t *doc = JSON(dir, 1, "doctor", "--format", "json");
	cr_assert_eq(diags(doc, "thread-malformed-event", ID1, 1), 1);
	json_decref(doc);
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1);
	cr_assert_not_null(strstr(r.out, ID1 "/thread.md:1"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "double quotes"), "%s", r.out);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(legacy_parse, markers_inside_fenced_code_are_body_text)
{
	/* Today the fenced close and state_changed become phantom events:
	 * the ticket replays as done, doctor reports drift, and --fix would
	 * "repair" item.md to done. */
	char *dir = fixture(ITEM("planning", T1), LEGACY5, ITEM("planning", T2),
			    LEGACY5_OPEN);

	json_t *doc = JSON(dir, 0, "doctor", "--format", "json");
	cr_assert_eq(errors(doc), 0);
	cr_assert_eq(diags(doc, "state-drift", ID1, 0), 0);
	/* The unclosed fence that hid a marker line: a warning at the
	 * fence. */
	cr_assert_eq(diags(doc, "thread-unclosed-fence", ID2, 12), 1);
	cr_assert_eq(diags(doc, "thread-unclosed-fence", ID1, 0), 0);
	json_decref(doc);

	fix_twice_changes_nothing(dir);
	char *item = e2e_read(dir, e2e_tpath(ID1, "item.md"));
	cr_assert_str_eq(item, ITEM("planning", T1));
	free(item);

	json_t *show = JSON(dir, 0, "show", ID1, "--json");
	cr_assert_eq(json_integer_value(json_object_get(show, "event_count")),
		     2);
	cr_assert_str_eq(str(event(show, 1), "kind"), "comment");
	cr_assert_str_eq(str(event(show, 1), "body"), FENCE_BODY);
	/* Nothing closed it: the fenced close is code. */
	const char *rs =
	    json_string_value(json_object_get(show, "replayed_state"));
	cr_assert(!rs || strcmp(rs, "planning") == 0, "replayed %s", rs);
	json_decref(show);

	show = JSON(dir, 0, "show", ID2, "--json");
	cr_assert_eq(json_integer_value(json_object_get(show, "event_count")),
		     3);
	cr_assert_not_null(
	    strstr(str(event(show, 1), "body"), "<!-- event: close"));
	cr_assert_str_eq(str(event(show, 2), "body"), "after");
	json_decref(show);

	e2e_comment_commits(dir, ID1);
	e2e_rm(dir);
}

Test(legacy_parse, a_comment_with_a_fenced_marker_reads_back_as_one_event)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Fenced");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	const char *msg = "Log line:\n\n```\n"
			  "<!-- event: close author: x at: " T0 " -->\n"
			  "---\n```";
	e2e_result r = RUN(dir, "comment", id, "--message", msg);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);

	json_t *show = JSON(dir, 0, "show", id, "--json");
	size_t n = json_array_size(json_object_get(show, "events"));
	json_t *last = event(show, n - 1);
	cr_assert_str_eq(str(last, "kind"), "comment");
	cr_assert_str_eq(str(last, "body"), msg);
	cr_assert_str_eq(str(show, "replayed_state"), "planning");
	json_decref(show);
	/* Written escaped all the same: readers of every version agree. */
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_not_null(strstr(thread, "\n\\<!-- event: close author: x"));
	free(thread);

	json_t *doc = JSON(dir, 0, "doctor", "--format", "json");
	cr_assert_eq(errors(doc), 0);
	json_decref(doc);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm fenced"), 0);
	free(id);
	e2e_rm(dir);
}
