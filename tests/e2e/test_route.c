/* End-to-end: route, ready, blocked, deps (SPEC 8). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A waits for B and C; B and C wait for D (a diamond), all ready. */
static char *diamond(char *id[4])
{
	char *dir = e2e_store();
	const char *names[] = {"A", "B", "C", "D"};
	for (int i = 0; i < 4; i++)
		id[i] = OK_LINE(dir, "create", "--title", names[i]);
	OK(dir, "relation", "add", id[0], "--kind", "depends_on", "--target",
	   id[1]);
	OK(dir, "relation", "add", id[0], "--kind", "depends_on", "--target",
	   id[2]);
	OK(dir, "relation", "add", id[1], "--kind", "depends_on", "--target",
	   id[3]);
	OK(dir, "relation", "add", id[3], "--kind", "blocks", "--target",
	   id[2]);
	for (int i = 0; i < 4; i++)
		OK(dir, "state", id[i], "ready", "--summary", "s");
	return dir;
}

static json_t *route_json(const char *dir, const char *cmd)
{
	e2e_result r = RUN(dir, cmd, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	e2e_free(&r);
	return j;
}

static const char *field(json_t *arr, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(arr, i), key));
}

Test(route, classes_chains_and_views)
{
	char *id[4];
	char *dir = diamond(id);
	json_t *j = route_json(dir, "route");
	cr_assert_eq(json_array_size(j), 4);
	/* D is the only actionable one (none queued yet: ID order). */
	for (size_t i = 0; i < 4; i++) {
		bool d = strcmp(field(j, i, "id"), id[3]) == 0;
		cr_assert_str_eq(field(j, i, "class"),
				 d ? "actionable" : "waiting_dependency");
		if (i > 0)
			cr_assert(strcmp(field(j, i - 1, "id"),
					 field(j, i, "id")) < 0);
	}
	/* A's chain goes down to D. */
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(field(j, i, "id"), id[0]) != 0)
			continue;
		json_t *chain = json_object_get(json_array_get(j, i), "chain");
		cr_assert_eq(json_array_size(chain), 2);
		cr_assert_str_eq(field(chain, 1, "id"), id[3]);
		cr_assert_str_eq(field(chain, 1, "state"), "ready");
	}
	json_decref(j);
	j = route_json(dir, "ready");
	cr_assert_eq(json_array_size(j), 1);
	cr_assert_str_eq(field(j, 0, "id"), id[3]);
	json_decref(j);
	j = route_json(dir, "blocked");
	cr_assert_eq(json_array_size(j), 3);
	json_decref(j);
	/* D done: B and C become actionable; A still waits. */
	OK(dir, "state", id[3], "queued");
	OK(dir, "state", id[3], "inprogress");
	OK(dir, "state", id[3], "done");
	e2e_result r = RUN(dir, "ready");
	cr_assert(strstr(r.out, id[1]) && strstr(r.out, id[2]) &&
		  !strstr(r.out, id[0]),
		  "%s", r.out);
	e2e_free(&r);
	/* --record appends the decision to that ticket's thread. */
	r = RUN(dir, "route", "--record", id[0]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *thread = e2e_read(dir, e2e_tpath(id[0], "thread.md"));
	cr_assert(strstr(thread, "<!-- event: decision "));
	cr_assert(strstr(thread, "route_class: waiting_dependency"));
	free(thread);
	r = RUN(dir, "route", "--record", id[3]);
	cr_assert_eq(r.status, 4, "done tickets have no route");
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s", r.out);
	e2e_free(&r);
	for (int i = 0; i < 4; i++)
		free(id[i]);
	e2e_rm(dir);
}

Test(route, capacity_limit)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml", "routing:\n  max_inprogress: 1\n");
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	OK(dir, "state", a, "ready", "--summary", "s");
	OK(dir, "state", b, "ready", "--summary", "s");
	json_t *j = route_json(dir, "route");
	size_t actionable = 0, capacity = 0;
	for (size_t i = 0; i < json_array_size(j); i++) {
		actionable += !strcmp(field(j, i, "class"), "actionable");
		capacity += !strcmp(field(j, i, "class"), "waiting_capacity");
	}
	cr_assert_eq(actionable, 1);
	cr_assert_eq(capacity, 1);
	json_decref(j);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(route, deps_tree_prints_shared_subtrees_once)
{
	char *id[4];
	char *dir = diamond(id);
	e2e_result r = RUN(dir, "deps", id[0]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, id[3]), 2, "%s", r.out);
	cr_assert_eq(e2e_count(r.out, "[see above]"), 1, "%s", r.out);
	cr_assert(strstr(r.out, "via blocks") || strstr(r.out, "via depends_on"));
	e2e_free(&r);
	r = RUN(dir, "deps", id[3], "--reverse");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, id[0]), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "deps");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	for (int i = 0; i < 4; i++)
		free(id[i]);
	e2e_rm(dir);
}
