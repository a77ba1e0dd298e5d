/*
 * End-to-end: fields people set (issue 18): priority on create and edit,
 * list filtered and sorted by it, shown by show and list --json.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *prio(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	json_t *p = json_object_get(json_object_get(j, "fields"), "priority");
	char *s = json_is_string(p) ? strdup(json_string_value(p)) : NULL;
	json_decref(j);
	e2e_free(&r);
	return s;
}

Test(fields, priority_is_set_filtered_and_sorted)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Later", "--priority", "P2");
	char *b = OK_LINE(dir, "create", "--title", "Unranked");
	char *c = OK_LINE(dir, "create", "--title", "Soon", "--priority", "P1");
	char *p = prio(dir, a);
	cr_assert_str_eq(p, "P2");
	free(p);
	e2e_result r = RUN(dir, "show", a);
	cr_assert(strstr(r.out, "priority: P2"), "%s", r.out);
	e2e_free(&r);
	OK(dir, "edit", b, "--priority", "P0");
	p = prio(dir, b);
	cr_assert_str_eq(p, "P0");
	free(p);
	/* Filter. */
	r = RUN(dir, "list", "--priority", "P1");
	cr_assert(strstr(r.out, c) && !strstr(r.out, a) && !strstr(r.out, b),
		  "%s", r.out);
	e2e_free(&r);
	/* Sort: P0, P1, P2, then the unranked; IDs break ties. */
	OK(dir, "edit", b, "--priority", "");
	p = prio(dir, b);
	cr_assert_null(p, "an empty priority clears it");
	r = RUN(dir, "list", "--sort", "priority");
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *pc = strstr(r.out, c), *pa = strstr(r.out, a),
	     *pb = strstr(r.out, b);
	cr_assert(pc && pa && pb && pc < pa && pa < pb, "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--sort", "priority", "--limit", "1", "--json");
	cr_assert(strstr(r.out, c) && !strstr(r.out, a), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--sort", "weight");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "create", "--title", "x", "--priority", "two words");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	e2e_doctor_clean(dir);
	free(a), free(b), free(c);
	e2e_rm(dir);
}

static char *list_of(const char *dir, const char *id, const char *key)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	json_t *j = json_loads(r.out, 0, NULL);
	json_t *l = json_object_get(json_object_get(j, "fields"), key);
	char buf[256] = "";
	for (size_t i = 0; i < json_array_size(l); i++) {
		strcat(buf, i ? "," : "");
		strcat(buf, json_string_value(json_array_get(l, i)));
	}
	json_decref(j);
	e2e_free(&r);
	return strdup(buf);
}

/* Risk flags are added and removed one by one, as the issue asks; the
 * whole-list --risk-flag still replaces them. */
Test(fields, risk_flags_are_added_and_removed)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Flags", "--risk-flag",
			  "parser", "--risk-flag", "perf");
	OK(dir, "edit", a, "--add-risk-flag", "security", "--add-risk-flag",
	   "parser");
	char *f = list_of(dir, a, "risk_flags");
	cr_assert_str_eq(f, "parser,perf,security", "added once, in order");
	free(f);
	OK(dir, "edit", a, "--remove-risk-flag", "perf");
	f = list_of(dir, a, "risk_flags");
	cr_assert_str_eq(f, "parser,security");
	free(f);
	e2e_result r = RUN(dir, "edit", a, "--remove-risk-flag", "absent");
	cr_assert_eq(r.status, 2, "nothing to change: %s", r.err);
	e2e_free(&r);
	r = RUN(dir, "edit", a, "--risk-flag", "x", "--add-risk-flag", "y");
	cr_assert_eq(r.status, 2, "replace and add together: %s", r.err);
	e2e_free(&r);
	e2e_doctor_clean(dir);
	free(a);
	e2e_rm(dir);
}

/* Labels (issue 18): the CLI says label, the file keeps them in `tags`
 * (the format makes `labels` an obsolete field). Set on create, added and
 * removed on edit, filtered by list (every --label must match), shown by
 * show and in list --json. */
Test(fields, labels_are_set_filtered_and_shown)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Both", "--label", "ui",
			  "--label", "bug");
	char *b = OK_LINE(dir, "create", "--title", "One", "--label", "ui");
	char *c = OK_LINE(dir, "create", "--title", "None");
	char *f = list_of(dir, a, "tags");
	cr_assert_str_eq(f, "ui,bug");
	free(f);
	char rel[128];
	snprintf(rel, sizeof rel, ".yoi/tickets/%s/item.md", a);
	char *item = e2e_read(dir, rel);
	cr_assert(strstr(item, "tags: ['ui', 'bug']\n"), "%s", item);
	cr_assert_null(strstr(item, "labels:"), "%s", item);
	free(item);
	e2e_result r = RUN(dir, "list", "--label", "ui");
	cr_assert(strstr(r.out, a) && strstr(r.out, b) && !strstr(r.out, c),
		  "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--label", "ui", "--label", "bug");
	cr_assert(strstr(r.out, a) && !strstr(r.out, b), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "show", a);
	cr_assert(strstr(r.out, "labels: ui, bug"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--label", "bug", "--json");
	json_t *j = json_loads(r.out, 0, NULL);
	json_t *l = json_object_get(json_array_get(j, 0), "labels");
	cr_assert(json_is_array(l) && json_array_size(l) == 2, "%s", r.out);
	cr_assert_str_eq(json_string_value(json_array_get(l, 1)), "bug");
	json_decref(j);
	e2e_free(&r);
	OK(dir, "edit", b, "--add-label", "bug", "--add-label", "ui");
	f = list_of(dir, b, "tags");
	cr_assert_str_eq(f, "ui,bug", "added once, in order");
	free(f);
	OK(dir, "edit", a, "--remove-label", "ui");
	f = list_of(dir, a, "tags");
	cr_assert_str_eq(f, "bug");
	free(f);
	OK(dir, "edit", c, "--add-label", "new");
	r = RUN(dir, "list", "--label", "new");
	cr_assert(strstr(r.out, c) && !strstr(r.out, a), "the cache follows: %s",
		  r.out);
	e2e_free(&r);
	r = RUN(dir, "edit", a, "--remove-label", "absent");
	cr_assert_eq(r.status, 2, "nothing to change: %s", r.err);
	e2e_free(&r);
	r = RUN(dir, "create", "--title", "x", "--label", "two\nlines");
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	e2e_doctor_clean(dir);
	free(a), free(b), free(c);
	e2e_rm(dir);
}
