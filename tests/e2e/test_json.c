/*
 * End-to-end: --json on every command that reports something (issue 18):
 * relation add/remove, plan add, the event commands, edit, init, deps.
 * Each prints exactly one JSON document on stdout.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static json_t *json_of(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s: %s", argv[0], r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "%s: not one JSON document: %s", argv[0], r.out);
	e2e_free(&r);
	return j;
}
#define JSON(dir, ...) json_of((dir), (const char *const[]){__VA_ARGS__, NULL})

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	cr_assert_not_null(s, "no string '%s'", k);
	return s;
}

Test(json, every_reporting_command_has_json)
{
	char *dir = e2e_repo();
	json_t *j = JSON(dir, "init", "--json");
	cr_assert(strstr(str(j, "root"), ".yoi/tickets"));
	cr_assert(json_is_true(json_object_get(j, "created")));
	json_decref(j);
	j = JSON(dir, "init", "--json");
	cr_assert(json_is_false(json_object_get(j, "created")));
	json_decref(j);
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");

	j = JSON(dir, "relation", "add", a, "--kind", "depends_on", "--target",
		 b, "--note", "n", "--json");
	cr_assert_str_eq(str(j, "id"), a);
	cr_assert_str_eq(str(j, "action"), "add");
	cr_assert_str_eq(str(j, "kind"), "depends_on");
	cr_assert_str_eq(str(j, "target"), b);
	cr_assert_str_eq(str(j, "note"), "n");
	json_decref(j);

	j = JSON(dir, "deps", a, "--json");
	cr_assert_str_eq(str(j, "id"), a);
	json_t *tree = json_object_get(j, "tree");
	cr_assert_eq(json_array_size(tree), 2);
	json_t *child = json_array_get(tree, 1);
	cr_assert_str_eq(str(child, "id"), b);
	cr_assert_eq(json_integer_value(json_object_get(child, "depth")), 1);
	cr_assert_str_eq(str(child, "via"), "depends_on");
	cr_assert_str_eq(str(child, "state"), "planning");
	cr_assert_str_eq(str(child, "title"), "B");
	cr_assert_str_eq(str(child, "mark"), "expanded");
	json_decref(j);
	j = JSON(dir, "deps", b, "--reverse", "--json");
	cr_assert(json_is_true(json_object_get(j, "reverse")));
	cr_assert_str_eq(
	    str(json_array_get(json_object_get(j, "tree"), 1), "id"), a);
	json_decref(j);

	j = JSON(dir, "relation", "remove", a, "--kind", "depends_on",
		 "--target", b, "--json");
	cr_assert_str_eq(str(j, "action"), "remove");
	json_decref(j);

	const char *cmds[] = {"comment", "decision", "report", "plan"};
	const char *events[] = {"comment", "decision", "implementation_report",
				"plan"};
	for (size_t i = 0; i < 4; i++) {
		j = JSON(dir, cmds[i], a, "--message", "text", "--json");
		cr_assert_str_eq(str(j, "id"), a);
		cr_assert_str_eq(str(j, "event"), events[i]);
		json_decref(j);
	}

	j = JSON(dir, "plan", "add", a, "--kind", "before", "--related", b,
		 "--json");
	cr_assert_str_eq(str(j, "ticket_id"), a);
	cr_assert(strncmp(str(j, "id"), "orch-plan-", 10) == 0);
	cr_assert_str_eq(str(j, "kind"), "before");
	cr_assert_str_eq(str(j, "related_ticket"), b);
	json_decref(j);

	j = JSON(dir, "edit", a, "--title", "A2", "--json");
	cr_assert_str_eq(str(j, "id"), a);
	cr_assert_str_eq(str(json_object_get(j, "fields"), "title"), "A2");
	json_decref(j);
	e2e_doctor_clean(dir);
	free(a);
	free(b);
	e2e_rm(dir);
}
