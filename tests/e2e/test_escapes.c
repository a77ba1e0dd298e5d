/*
 * End-to-end: ticket text cannot drive the terminal. Text output on a
 * terminal (a pseudo-terminal from script(1)) carries no raw ESC, BEL or
 * CR from ticket text; single-line fields never break a row, piped or
 * not; --json keeps the exact text.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define OSC	 "\x1b]0;pwned\x07"
#define CSI	 "\x1b[2J"
#define OSC_SEEN "\\x1b]0;pwned\\x07"
#define CSI_SEEN "\\x1b[2J"

/*
 * Run the binary with args (a shell word list) on a pseudo-terminal;
 * its output (the terminal's bytes, CRLF line ends) is returned.
 */
static char *on_tty(const char *dir, const char *args)
{
	if (e2e_sh(dir, "command -v script >/dev/null") != 0)
		cr_skip_test("script(1) from util-linux is not installed");
	int st = e2e_sh(dir,
			/* Our own colour and pager are not under test here:
			 * any ESC in the output would be the ticket's. */
			"env -u YOI_TICKETS_ESCAPE NO_COLOR=1 PAGER=cat "
			"script -qec "
			"'\"$YOI_BIN\" %s' /dev/null </dev/null >tty.out 2>&1",
			args);
	char *out = e2e_read(dir, "tty.out");
	cr_assert_eq(st, 0, "%s: %s", args, out);
	cr_assert(e2e_sh(dir, "rm -f tty.out") == 0);
	return out;
}

static void no_controls(const char *out, const char *what)
{
	cr_assert_null(strchr(out, '\x1b'), "%s: raw ESC in:\n%s", what, out);
	cr_assert_null(strchr(out, '\x07'), "%s: raw BEL in:\n%s", what, out);
}

/*
 * Replace the title of ticket id in item.md by a YAML double-quoted
 * scalar (yaml: its text between the quotes, escapes such as \e, \a, \n
 * and all), as a hostile commit could: create refuses control characters.
 */
static void set_title(const char *dir, const char *id, const char *yaml)
{
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	char *t = strstr(item, "\ntitle: ");
	cr_assert_not_null(t, "%s", item);
	char *rest = strchr(t + 1, '\n');
	char *patched = NULL;
	cr_assert(asprintf(&patched, "%.*s\ntitle: \"%s\"%s", (int)(t - item),
			   item, yaml, rest) > 0);
	e2e_write(dir, e2e_tpath(id, "item.md"), patched);
	free(patched);
	free(item);
}

/* The title hostile() gives, in YAML and as text. */
#define TITLE_YAML "Title \\e]0;pwned\\a\\e[2J"
#define TITLE	   "Title " OSC CSI

/* A store with one hostile ticket (title, body, comment); its ID. */
static char *hostile(const char *dir)
{
	e2e_result r = RUN_IN(dir, "Body " OSC " and " CSI " end.\n", "create",
			      "--title", "Title", "--body-file", "-");
	cr_assert_eq(r.status, 0, "create: %s", r.err);
	char *id = strndup(r.out, strcspn(r.out, "\n"));
	e2e_free(&r);
	set_title(dir, id, TITLE_YAML);
	OK(dir, "comment", id, "--message", "Comment " OSC "\r" CSI);
	return id;
}

Test(escapes, show_and_list_on_a_terminal)
{
	char *dir = e2e_store();
	char *id = hostile(dir);
	char args[128];
	snprintf(args, sizeof(args), "show %s", id);
	char *out = on_tty(dir, args);
	no_controls(out, "show");
	cr_assert(strstr(out, "Title " OSC_SEEN CSI_SEEN), "%s", out);
	cr_assert(strstr(out, "Body " OSC_SEEN " and " CSI_SEEN " end."), "%s",
		  out);
	cr_assert(strstr(out, "Comment " OSC_SEEN "\\r" CSI_SEEN), "%s", out);
	free(out);
	out = on_tty(dir, "list");
	no_controls(out, "list");
	cr_assert(strstr(out, "Title " OSC_SEEN CSI_SEEN), "%s", out);
	free(out);
	free(id);
	e2e_rm(dir);
}

Test(escapes, piped_json_round_trips_the_text)
{
	char *dir = e2e_store();
	char *id = hostile(dir);
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, r.out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "title")), TITLE);
	cr_assert(strstr(json_string_value(json_object_get(j, "body")),
			 "Body " OSC " and " CSI " end."));
	json_t *ev = json_object_get(j, "events");
	const char *last =
	    json_string_value(json_object_get(json_array_get(ev, 1), "body"));
	cr_assert_not_null(last);
	cr_assert(strstr(last, "Comment " OSC "\r" CSI), "%s", last);
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "list", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(j, 0), "title")),
	    TITLE);
	json_decref(j);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(escapes, piped_text_escapes_fields_keeps_bodies)
{
	char *dir = e2e_store();
	char *id = hostile(dir);
	e2e_result r = RUN(dir, "show", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* Fields: escaped always; bodies: data, as written. */
	cr_assert(strstr(r.out, "Title " OSC_SEEN CSI_SEEN), "%s", r.out);
	cr_assert(strstr(r.out, "Body " OSC " and " CSI " end."), "%s", r.out);
	e2e_free(&r);
	setenv("YOI_TICKETS_ESCAPE", "always", 1);
	r = RUN(dir, "show", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	no_controls(r.out, "show with YOI_TICKETS_ESCAPE=always");
	cr_assert(strstr(r.out, "Body " OSC_SEEN " and " CSI_SEEN " end."),
		  "%s", r.out);
	e2e_free(&r);
	unsetenv("YOI_TICKETS_ESCAPE");
	free(id);
	e2e_rm(dir);
}

Test(escapes, never_on_a_terminal_keeps_bodies_raw)
{
	char *dir = e2e_store();
	char *id = hostile(dir);
	if (e2e_sh(dir, "command -v script >/dev/null") != 0)
		cr_skip_test("script(1) from util-linux is not installed");
	cr_assert_eq(e2e_sh(dir,
			    "YOI_TICKETS_ESCAPE=never PAGER=cat script -qec "
			    "'\"$YOI_BIN\" show %s' /dev/null </dev/null "
			    ">tty.out 2>&1",
			    id),
		     0);
	char *out = e2e_read(dir, "tty.out");
	cr_assert(strstr(out, "Body " OSC " and " CSI " end."), "%s", out);
	cr_assert(strstr(out, "Title " OSC_SEEN CSI_SEEN), "fields still: %s",
		  out);
	free(out);
	free(id);
	e2e_rm(dir);
}

Test(escapes, a_newline_in_a_title_stays_in_its_row)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "First");
	char *b = OK_LINE(dir, "create", "--title", "Second");
	/* A title with a newline and a CR, written into item.md by hand. */
	char yaml[64];
	snprintf(yaml, sizeof(yaml), "Fir\\nst\\rX %s", b);
	set_title(dir, a, yaml);
	e2e_result r = RUN(dir, "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, "\n"), 2, "two rows: %s", r.out);
	cr_assert(strstr(r.out, "Fir\\nst\\rX"), "%s", r.out);
	cr_assert_null(strchr(r.out, '\r'), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "show", a);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Fir\\nst\\rX"), "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(escapes, relations_plans_and_routes)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Route");
	char *b = OK_LINE(dir, "create", "--title", "Dep");
	set_title(dir, a, "Route \\e]0;pwned\\a");
	set_title(dir, b, "Dep \\e[2J\\nforged row");
	OK(dir, "state", a, "ready", "--summary", "scoped");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b,
	   "--note", "note " OSC "\nforged row");
	OK(dir, "plan", "add", a, "--kind", "blocked_by", "--related", b,
	   "--note", "plan " CSI);
	static const char *const cmds[][4] = {
	    {"relation", "list", NULL},
	    {"plan", "list", NULL},
	    {"route", NULL},
	    {"ready", NULL},
	    {"blocked", NULL},
	    {"deps", "A", NULL},
	};
	/* Piped: rows are single-line fields, escaped always. */
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *argv[4] = {0};
		for (int k = 0; k < 3 && cmds[i][k]; k++)
			argv[k] = strcmp(cmds[i][k], "A") ? cmds[i][k] : a;
		e2e_result r = e2e_run(dir, NULL, argv);
		cr_assert_eq(r.status, 0, "%s: %s", argv[0], r.err);
		no_controls(r.out, argv[0]);
		cr_assert_null(strstr(r.out, "\nforged row"), "%s: %s", argv[0],
			       r.out);
		/* The text is there, made visible. */
		const char *seen = i == 0   ? "# note " OSC_SEEN "\\nforged row"
				   : i == 4 ? "Route \\x1b]0;pwned\\x07"
				   : i == 5 ? "Dep \\x1b[2J\\nforged row"
					    : "";
		cr_assert(strstr(r.out, seen), "%s: %s", argv[0], r.out);
		e2e_free(&r);
	}
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(escapes, doctor_text_and_error_messages)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Fine");
	/* A hostile state value: doctor and the commands quote it. */
	char *item = e2e_read(dir, e2e_tpath(a, "item.md"));
	char *s = strstr(item, "\nstate: ");
	cr_assert_not_null(s, "%s", item);
	char *rest = strchr(s + 1, '\n');
	char *patched = NULL;
	cr_assert(asprintf(&patched, "%.*s\nstate: \"bad\\e[2J\\a\"%s",
			   (int)(s - item), item, rest) > 0);
	e2e_write(dir, e2e_tpath(a, "item.md"), patched);
	free(patched);
	free(item);
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	no_controls(r.out, "doctor");
	no_controls(r.err, "doctor's stderr");
	cr_assert(strstr(r.out, "bad\\x1b[2J\\x07"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "doctor", "--format", "github");
	no_controls(r.out, "doctor --format github");
	e2e_free(&r);
	/* JSON: the exact text. */
	r = RUN(dir, "doctor", "--format", "json");
	cr_assert(strstr(r.out, "bad\\u001B[2J\\u0007"), "%s", r.out);
	e2e_free(&r);
	free(a);
	e2e_rm(dir);
}
