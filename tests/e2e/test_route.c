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

/* Every blocker chain (issue 16): a ticket waiting on two unfinished
 * tickets shows both chains, in text (one line each, wrapped to COLUMNS)
 * and in JSON. */
Test(route, every_blocker_chain_is_shown)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Beta");
	char *c = OK_LINE(dir, "create", "--title", "Gamma");
	char *d = OK_LINE(dir, "create", "--title", "Delta waits");
	OK(dir, "relation", "add", d, "--kind", "depends_on", "--target", a);
	OK(dir, "relation", "add", d, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", b, "--kind", "depends_on", "--target", c);
	OK(dir, "state", d, "ready", "--summary", "s");
	e2e_result r = RUN(dir, "blocked", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_t *e = json_array_get(j, 0);
	json_t *ch = json_object_get(e, "chains");
	cr_assert(json_is_array(ch), "%s", r.out);
	cr_assert_eq(json_array_size(ch), 2, "%s", r.out);
	json_t *c0 = json_object_get(json_array_get(ch, 0), "links");
	json_t *c1 = json_object_get(json_array_get(ch, 1), "links");
	cr_assert_eq(json_array_size(c0), 1);
	cr_assert_eq(json_array_size(c1), 2);
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(c0, 0), "id")), a);
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(c1, 0), "id")), b);
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(c1, 1), "id")), c);
	cr_assert(json_is_false(json_object_get(e, "chains_truncated")));
	json_decref(j);
	e2e_free(&r);
	/* Text: the first chain on the ticket's line, the other below it. */
	r = RUN(dir, "blocked");
	cr_assert_eq(r.status, 0, "%s", r.err);
	char want[256];
	snprintf(want, sizeof(want), "\n    <- %s via depends_on (state: "
		 "planning) <- %s via depends_on (state: planning)\n", b, c);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	/* COLUMNS=60: the second chain wraps at its links, indented. */
	cr_assert_eq(e2e_sh(dir, "COLUMNS=60 \"$YOI_BIN\" blocked > out.txt"),
		     0);
	char *out = e2e_read(dir, "out.txt");
	snprintf(want, sizeof(want),
		 "\n    <- %s via depends_on (state: planning)\n"
		 "       <- %s via depends_on (state: planning)\n",
		 b, c);
	cr_assert(strstr(out, want), "%s", out);
	free(out);
	free(a), free(b), free(c), free(d);
	e2e_rm(dir);
}
