/* End-to-end: relation add|remove|list and their refusals (SPEC 6). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(relation, add_list_remove_with_events)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	e2e_result r = RUN(dir, "relation", "add", a, "--kind", "depends_on",
			   "--target", b, "--note", "needs B");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *rel = e2e_read(dir, e2e_tpath(a, "artifacts/relations.json"));
	json_t *j = json_loads(rel, 0, NULL);
	cr_assert_not_null(j);
	json_t *rec = json_array_get(json_object_get(j, "relations"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(rec, "kind")),
			 "depends_on");
	cr_assert_str_eq(json_string_value(json_object_get(rec, "target")), b);
	cr_assert_str_eq(json_string_value(json_object_get(rec, "note")),
			 "needs B");
	cr_assert_str_eq(json_string_value(json_object_get(rec, "author")),
			 "tester");
	cr_assert_eq(rel[strlen(rel) - 1], '\n');
	cr_assert(strstr(rel, "\n  \"version\": 1,\n"), "2-space indent");
	json_decref(j);
	free(rel);
	char *thread = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert(strstr(thread, "<!-- event: relation "));
	cr_assert(strstr(thread, "action: add kind: depends_on"));
	free(thread);
	/* The inverse view is derived. */
	r = RUN(dir, "relation", "list", b, "--json");
	cr_assert_eq(r.status, 0);
	j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_t *in = json_array_get(json_object_get(j, "incoming"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(in, "source")), a);
	cr_assert_str_eq(json_string_value(json_object_get(in, "inverse")),
			 "required by");
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "relation", "list", a);
	cr_assert(strstr(r.out, "waits for"), "%s", r.out);
	e2e_free(&r);
	/* show carries the same view. */
	r = RUN(dir, "show", b);
	cr_assert(strstr(r.out, "## Relations") && strstr(r.out, "required by"),
		  "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "show", a, "--json");
	j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	json_t *bl = json_object_get(json_object_get(j, "relations"), "blockers");
	cr_assert_eq(json_array_size(bl), 1);
	cr_assert_str_eq(
		json_string_value(json_object_get(json_array_get(bl, 0), "id")), b);
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "relation", "remove", a, "--kind", "depends_on",
		"--target", b);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "relation", "remove", a, "--kind", "depends_on",
		"--target", b);
	cr_assert_eq(r.status, 3, "already gone");
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(relation, refusals)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	char *c = OK_LINE(dir, "create", "--title", "C");
	e2e_result r = RUN(dir, "relation", "add", a, "--kind", "depends_on",
			   "--target", b);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "relation", "add", b, "--kind", "depends_on", "--target",
		c);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *before = e2e_read(dir, e2e_tpath(c, "thread.md"));
	/* C depends_on A closes A -> B -> C -> A. */
	r = RUN(dir, "relation", "add", c, "--kind", "depends_on", "--target",
		a);
	cr_assert_eq(r.status, 4);
	char cyc[128];
	snprintf(cyc, sizeof(cyc), "%s -> %s -> %s -> %s", c, a, b, c);
	cr_assert(strstr(r.err, cyc), "%s", r.err);
	e2e_free(&r);
	/* ...and so does A blocks C (C waits for A). */
	r = RUN(dir, "relation", "add", a, "--kind", "blocks", "--target", c);
	cr_assert_eq(r.status, 4, "%s", r.err);
	e2e_free(&r);
	char *after = e2e_read(dir, e2e_tpath(c, "thread.md"));
	cr_assert_str_eq(before, after, "a refusal writes nothing");
	cr_assert_not(e2e_exists(dir, e2e_tpath(c, "artifacts/relations.json")));
	/* related is no dependency: no cycle. */
	r = RUN(dir, "relation", "add", c, "--kind", "related", "--target", a);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "relation", "add", a, "--kind", "depends_on", "--target",
		a);
	cr_assert_eq(r.status, 4);
	cr_assert(strstr(r.err, "itself"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "relation", "add", a, "--kind", "depends_on", "--target",
		b);
	cr_assert_eq(r.status, 4, "duplicate");
	e2e_free(&r);
	r = RUN(dir, "relation", "add", a, "--kind", "depends_on", "--target",
		"7ZZZZZZZZZZZZ");
	cr_assert_eq(r.status, 3, "unknown target");
	e2e_free(&r);
	r = RUN(dir, "relation", "add", a, "--kind", "loves", "--target", b);
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "relation", "add", a, "--kind", "depends_on");
	cr_assert_eq(r.status, 2, "no target");
	e2e_free(&r);
	r = RUN(dir, "relation", "frob");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	/* A file with bad records is not rewritten (that would drop them). */
	e2e_write(dir, e2e_tpath(b, "artifacts/relations.json"),
		  "{\"version\": 1, \"relations\": [{\"bogus\": 1}]}\n");
	r = RUN(dir, "relation", "add", b, "--kind", "related", "--target", a);
	cr_assert_eq(r.status, 7, "%s", r.err);
	e2e_free(&r);
	free(before);
	free(after);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(relation, create_with_depends_on)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	char sfx[6];
	memcpy(sfx, a + 8, 6);
	char *c = OK_LINE(dir, "create", "--title", "C", "--depends-on", a,
			  "--depends-on", b, "--depends-on", sfx);
	char *rel = e2e_read(dir, e2e_tpath(c, "artifacts/relations.json"));
	cr_assert_eq(e2e_count(rel, "\"depends_on\""), 2, "%s", rel);
	cr_assert(strstr(rel, a) && strstr(rel, b));
	free(rel);
	/* A missing target: nothing is created. */
	e2e_result r = RUN(dir, "create", "--title", "D", "--depends-on",
			   "7ZZZZZZZZZZZZ");
	cr_assert_eq(r.status, 3);
	e2e_free(&r);
	r = RUN(dir, "list", "--state", "all");
	cr_assert_eq(e2e_count(r.out, "\n"), 3, "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}
