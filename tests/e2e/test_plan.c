/* End-to-end: plan add|list and what the records do to routing. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(plan, add_list_and_refusals)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	char *id1 = OK_LINE(dir, "plan", "add", a, "--kind", "blocked_by",
			    "--related", b, "--note", "after B");
	char *id2 = OK_LINE(dir, "plan", "add", a, "--kind", "accepted_plan",
			    "--summary", "do it", "--branch", "work/a");
	cr_assert(strncmp(id1, "orch-plan-", 10) == 0, "%s", id1);
	cr_assert_str_neq(id1, id2);
	char *jl = e2e_read(dir,
			    e2e_tpath(a, "artifacts/orchestration-plan.jsonl"));
	cr_assert_eq(e2e_count(jl, "\n"), 2);
	cr_assert(strstr(jl, "\"kind\":\"blocked_by\""), "%s", jl);
	free(jl);
	/* A plan event is still a plan event. */
	OK(dir, "plan", a, "--message", "a plan");
	char *thread = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert(strstr(thread, "<!-- event: plan "));
	free(thread);
	e2e_result r = RUN(dir, "plan", "list", a, "--json");
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_array_size(j), 2);
	json_t *acc = json_object_get(json_array_get(j, 1), "accepted_plan");
	cr_assert_str_eq(json_string_value(json_object_get(acc, "branch")),
			 "work/a");
	json_decref(j);
	e2e_free(&r);
	/* Refusals. */
	r = RUN(dir, "plan", "add", a, "--kind", "before");
	cr_assert_eq(r.status, 2, "before needs --related");
	e2e_free(&r);
	r = RUN(dir, "plan", "add", a, "--kind", "accepted_plan");
	cr_assert_eq(r.status, 2, "accepted_plan needs --summary");
	e2e_free(&r);
	r = RUN(dir, "plan", "add", a, "--kind", "nope", "--related", b);
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "plan", "add", a, "--kind", "blocks", "--related", a);
	cr_assert_eq(r.status, 4, "a record about itself: %s", r.err);
	e2e_free(&r);
	r = RUN(dir, "plan", "add", a, "--kind", "blocks", "--related",
		"7ZZZZZZZZZZZZ");
	cr_assert_eq(r.status, 3);
	e2e_free(&r);
	/* blocked_by is a blocker for the guards. */
	OK(dir, "state", a, "ready", "--summary", "s");
	r = RUN(dir, "state", a, "queued");
	cr_assert_eq(r.status, 4);
	cr_assert(strstr(r.err, "via blocked_by (state: planning)"), "%s",
		  r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s", r.out);
	e2e_free(&r);
	free(id1);
	free(id2);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(plan, conflicts_and_order_shape_the_route)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	char *c = OK_LINE(dir, "create", "--title", "C");
	OK(dir, "plan", "add", a, "--kind", "conflicts_with", "--related", b);
	/* C before A, although A has the smaller ID. */
	OK(dir, "plan", "add", c, "--kind", "before", "--related", a);
	char *ids[] = {a, b, c};
	for (int i = 0; i < 3; i++)
		OK(dir, "state", ids[i], "ready", "--summary", "s");
	OK(dir, "state", b, "queued");
	OK(dir, "state", b, "inprogress");
	e2e_result r = RUN(dir, "route", "--json");
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_array_size(j), 2, "B is in progress, not routed");
	json_t *first = json_array_get(j, 0), *second = json_array_get(j, 1);
	cr_assert_str_eq(json_string_value(json_object_get(first, "id")), c);
	cr_assert_str_eq(json_string_value(json_object_get(second, "id")), a);
	cr_assert_str_eq(json_string_value(json_object_get(second, "class")),
			 "waiting_conflict");
	cr_assert_str_eq(json_string_value(json_object_get(second, "partner")),
			 b);
	json_decref(j);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}
