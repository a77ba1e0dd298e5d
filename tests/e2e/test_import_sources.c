/*
 * End-to-end: import --from tk, backlog and github into real temporary
 * git repositories (docs/import-sources.md): the imported store passes
 * doctor, routing agrees with the tool's own notion of ready work on the
 * same data (recorded from the real tools in the fixtures), the fields
 * arrive where they belong, bad input is reported by file and line with
 * nothing written.
 *
 * Both tk's `ready` and Backlog.md's `task list --ready` list started
 * work too (in_progress, In Progress, Review) when its dependencies are
 * done; this engine's `ready` lists only work not started. So the tool's
 * ready set is compared with `ready` plus the inprogress tickets that no
 * unfinished depends_on holds, and tk's blocked set with `blocked` plus
 * the inprogress tickets that one holds.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* new ID -> source id, from an import's --json (created and skipped). */
static json_t *id_map(json_t *imp)
{
	const char *lists[] = {"created", "skipped"};
	json_t *m = json_object();

	for (int l = 0; l < 2; l++) {
		json_t *x;
		size_t i;

		json_array_foreach(json_object_get(imp, lists[l]), i, x)
		    json_object_set(m,
				    json_string_value(json_object_get(x, "id")),
				    json_object_get(x, "source_id"));
	}
	return m;
}

/* The new ID of source id src. */
static const char *new_id(json_t *map, const char *src)
{
	const char *k;
	json_t *v;

	json_object_foreach(map, k,
			    v) if (!strcmp(json_string_value(v), src)) return k;
	cr_assert_fail("no ticket for %s", src);
	return NULL;
}

/* Add the source ids of the tickets a ready/blocked --json lists. */
static void add_listed(json_t *set, json_t *map, json_t *list)
{
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
	{
		json_t *src = json_object_get(
		    map, json_string_value(json_object_get(x, "id")));

		cr_assert_not_null(src);
		json_object_set_new(set, json_string_value(src), json_true());
	}
}

/*
 * The engine's view in the tool's terms: *ready gets `ready` plus the
 * unheld inprogress tickets, *blocked gets `blocked` plus the held ones
 * (held: a depends_on whose target is neither done nor closed).
 */
static void engine_view(const char *dir, json_t *map, json_t **ready,
			json_t **blocked)
{
	json_t *r = E2E_JSON(dir, 0, "ready", "--json");
	json_t *b = E2E_JSON(dir, 0, "blocked", "--json");
	json_t *all = E2E_JSON(dir, 0, "list", "--state", "all", "--json");
	json_t *rels = E2E_JSON(dir, 0, "relation", "list", "--json");
	json_t *x, *y;
	size_t i, k;

	*ready = json_object();
	*blocked = json_object();
	add_listed(*ready, map, r);
	add_listed(*blocked, map, b);
	json_array_foreach(all, i, x)
	{
		const char *id = json_string_value(json_object_get(x, "id"));
		bool held = false;

		if (strcmp(json_string_value(json_object_get(x, "state")),
			   "inprogress"))
			continue;
		json_array_foreach(rels, k, y)
		{
			const char *ts = json_string_value(
			    json_object_get(y, "target_state"));

			if (!strcmp(json_string_value(
					json_object_get(y, "ticket_id")),
				    id) &&
			    !strcmp(
				json_string_value(json_object_get(y, "kind")),
				"depends_on") &&
			    strcmp(ts, "done") && strcmp(ts, "closed"))
				held = true;
		}
		json_object_set_new(held ? *blocked : *ready,
				    json_string_value(json_object_get(map, id)),
				    json_true());
	}
	json_decref(r);
	json_decref(b);
	json_decref(all);
	json_decref(rels);
}

static void assert_same(json_t *want, json_t *got, const char *what)
{
	const char *k;
	json_t *v;

	cr_assert_gt(json_object_size(want), 0, "%s: nothing expected", what);
	json_object_foreach(want, k, v) cr_assert_not_null(
	    json_object_get(got, k), "%s: %s is in the tool's list, not here",
	    what, k);
	json_object_foreach(got, k, v) cr_assert_not_null(
	    json_object_get(want, k), "%s: %s is here, not in the tool's list",
	    what, k);
}

/* ---- tk ----------------------------------------------------------------- */

/* expected-ready-blocked.txt: what `tk ready` and `tk blocked` printed,
 * "<id> [P<n>][<status>] - <title>" under "# tk ready" / "# tk blocked". */
static void tk_expected(json_t **ready, json_t **blocked)
{
	char *path = e2e_import_fixture("tk/expected-ready-blocked.txt");
	char *text = e2e_read("/", path + 1);
	json_t *into = NULL;

	*ready = json_object();
	*blocked = json_object();
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strcmp(line, "# tk ready")) {
			into = *ready;
		} else if (!strcmp(line, "# tk blocked")) {
			into = *blocked;
		} else if (into && *line != '#') {
			char id[64];

			cr_assert_eq(sscanf(line, "%63s", id), 1);
			json_object_set_new(into, id, json_true());
		}
	}
	free(text);
	free(path);
}

Test(import_sources, tk_sample_doctor_and_routing_agree_with_tk)
{
	char *dir = e2e_store();
	char *src = e2e_import_fixture("tk");
	json_t *imp = E2E_JSON(dir, 0, "import", "--from", "tk", src, "--json");
	json_t *map = id_map(imp), *want_r, *want_b, *got_r, *got_b;

	cr_assert_eq(json_array_size(json_object_get(imp, "created")), 10);
	cr_assert_eq(json_array_size(json_object_get(imp, "problems")), 0);
	e2e_doctor_clean(dir);
	tk_expected(&want_r, &want_b);
	engine_view(dir, map, &got_r, &got_b);
	assert_same(want_r, got_r, "tk ready");
	assert_same(want_b, got_b, "tk blocked");
	json_decref(want_r);
	json_decref(want_b);
	json_decref(got_r);
	json_decref(got_b);
	json_decref(map);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

Test(import_sources, tk_fields_notes_and_kept)
{
	char *dir = e2e_store();
	char *src = e2e_import_fixture("tk/.tickets");
	json_t *imp = E2E_JSON(dir, 0, "import", "--from", "tk", src, "--json");
	json_t *map = id_map(imp);
	const char *id = new_id(map, "tkg-nzxk");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	char *th = e2e_read(dir, e2e_tpath(id, "thread.md"));

	cr_assert_not_null(strstr(item, "title: 'Flaky login test on CI'"),
			   "%s", item);
	cr_assert_not_null(strstr(item, "origin: 'tk:tkg-nzxk'"), "%s", item);
	cr_assert_not_null(strstr(item, "priority: 'P0'"), "%s", item);
	cr_assert_not_null(strstr(item, "tags: ['type:bug']"), "%s", item);
	cr_assert_not_null(strstr(item, "\nFails one run in twenty"), "%s",
			   item);
	cr_assert_null(strstr(item, "## Notes"), "%s", item);
	cr_assert_not_null(strstr(th, "event: comment author: tester at: "
				      "2026-12-03T09:35:49Z"),
			   "%s", th);
	cr_assert_not_null(strstr(th, "Retry with a longer timeout"), "%s", th);
	free(item);
	free(th);
	/* kept fields in the import event */
	th = e2e_read(dir, e2e_tpath(new_id(map, "tkg-n7z9"), "thread.md"));
	cr_assert_not_null(strstr(th, "\"external-ref\":\"gh-42\""), "%s", th);
	free(th);
	/* the parent as a related relation with its note */
	e2e_result r = RUN(dir, "relation", "list", new_id(map, "tkg-n7z9"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "parent in tk"), "%s", r.out);
	e2e_free(&r);
	json_decref(map);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

Test(import_sources, tk_second_import_and_dry_run)
{
	char *dir = e2e_store();
	char *src = e2e_import_fixture("tk");
	e2e_result r = RUN(dir, "import", "--from", "tk", src, "--dry-run");

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, "  tkg-"), 10, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "would create 10 tickets"), "%s",
			   r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_tickets(dir), 0);
	OK(dir, "import", "--from", "tk", src);
	e2e_sh(dir, "git add -A && git commit -qm import");
	r = RUN(dir, "import", "--from", "tk", src);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "10 skipped"), "%s", r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain)\""), 0);
	free(src);
	e2e_rm(dir);
}

Test(import_sources, tk_bad_input_is_reported_and_nothing_written)
{
	char *dir = e2e_store();
	e2e_result r;

	cr_assert_eq(e2e_sh(dir, "mkdir -p src/.tickets"), 0);
	e2e_write(dir, "src/.tickets/a-1.md",
		  "---\nid: a-1\nstatus: open\ndeps: [a-9]\n"
		  "created: 2026-12-03T09:35:48Z\n---\n# One\n");
	e2e_write(dir, "src/.tickets/a-2.md",
		  "---\nid: a-2\nstatus: open\ndeps: [a-1\n"
		  "created: 2026-12-03T09:35:48Z\n---\n# Two\n");
	e2e_write(dir, "src/.tickets/a-3.md",
		  "---\nid: a-1\nstatus: open\n"
		  "created: 2026-12-03T09:35:48Z\n---\n# Three\n");
	e2e_write(dir, "src/.tickets/a-4.md",
		  "---\nid: a-4\nstatus: open\n"
		  "created: 2026-12-03T09:35:48Z\n---\nno title\n");
	e2e_sh(dir, "git add -A && git commit -qm src");
	r = RUN(dir, "import", "--from", "tk", "src");
	cr_assert_eq(r.status, 7, "%d: %s", r.status, r.err);
	cr_assert_not_null(strstr(r.err, "src/.tickets/a-1.md:2: error:"), "%s",
			   r.err); /* a-9 is missing */
	cr_assert(strstr(r.err, "src/.tickets/a-2.md:5: error:") ||
		      strstr(r.err, "src/.tickets/a-2.md:4: error:"),
		  "%s", r.err); /* broken YAML, with its line */
	cr_assert_not_null(strstr(r.err, "src/.tickets/a-3.md:2: error:"), "%s",
			   r.err); /* duplicate id */
	cr_assert_not_null(strstr(r.err, "src/.tickets/a-4.md:2: error:"), "%s",
			   r.err); /* no title */
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain "
				 "--ignored)\""),
		     0);
	cr_assert_eq(e2e_tickets(dir), 0);
	r = RUN(dir, "import", "--from", "tk", "nowhere");
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert_not_null(strstr(r.err, "nowhere"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

/* ---- Backlog.md ----------------------------------------------------------
 */

/* expected-ready.txt: what `backlog task list --ready --plain` printed:
 * "  [PRIORITY] TASK-N - title" under status headings. */
static json_t *backlog_expected(void)
{
	char *path = e2e_import_fixture("backlog/expected-ready.txt");
	char *text = e2e_read("/", path + 1);
	json_t *want = json_object();

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char prio[32], id[64];

		if (sscanf(line, " [%31[A-Z]] %63s", prio, id) == 2)
			json_object_set_new(want, id, json_true());
	}
	free(text);
	free(path);
	return want;
}

Test(import_sources, backlog_project_doctor_and_ready_agree)
{
	char *dir = e2e_store();
	char *src = e2e_import_fixture("backlog");
	json_t *imp =
	    E2E_JSON(dir, 0, "import", "--from", "backlog", src, "--json");
	json_t *map = id_map(imp), *want, *got_r, *got_b;

	cr_assert_eq(json_array_size(json_object_get(imp, "created")), 9);
	cr_assert_eq(json_array_size(json_object_get(imp, "problems")), 0);
	e2e_doctor_clean(dir);
	want = backlog_expected();
	engine_view(dir, map, &got_r, &got_b);
	assert_same(want, got_r, "backlog task list --ready");
	json_decref(want);
	json_decref(got_r);
	json_decref(got_b);
	json_decref(map);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

Test(import_sources, backlog_fields_comments_and_states)
{
	char *dir = e2e_store();
	char *src = e2e_import_fixture("backlog/backlog");
	json_t *imp =
	    E2E_JSON(dir, 0, "import", "--from", "backlog", src, "--json");
	json_t *map = id_map(imp);
	const char *id = new_id(map, "TASK-2.1");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	char *th = e2e_read(dir, e2e_tpath(id, "thread.md"));

	cr_assert_not_null(strstr(item, "state: 'inprogress'"), "%s", item);
	cr_assert_not_null(strstr(item, "assignee: 'bob'"), "%s", item);
	cr_assert_not_null(strstr(item, "origin: 'backlog:TASK-2.1'"), "%s",
			   item);
	cr_assert_not_null(strstr(item, "## Acceptance Criteria\n- [ ] #1"),
			   "%s", item);
	cr_assert_null(strstr(item, "<!--"), "%s", item);
	cr_assert_null(strstr(item, "## Comments"), "%s", item);
	cr_assert_not_null(strstr(th, "event: comment author: bob at: "), "%s",
			   th);
	cr_assert_not_null(strstr(th, "event: comment author: ann at: "), "%s",
			   th);
	cr_assert_not_null(strstr(th, "Benchmarks attached."), "%s", th);
	free(item);
	free(th);

	item = e2e_read(dir, e2e_tpath(new_id(map, "TASK-6"), "item.md"));
	cr_assert_not_null(strstr(item, "state: 'closed'"), "%s", item);
	free(item);
	item = e2e_read(dir, e2e_tpath(new_id(map, "DRAFT-1"), "item.md"));
	cr_assert_not_null(strstr(item, "state: 'planning'"), "%s", item);
	free(item);
	th = e2e_read(dir, e2e_tpath(new_id(map, "TASK-5"), "thread.md"));
	cr_assert_not_null(strstr(th, "\"status\":\"Review\""), "%s", th);
	free(th);
	json_decref(map);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

Test(import_sources, backlog_bad_input_is_reported_and_nothing_written)
{
	char *dir = e2e_store();
	e2e_result r;

	cr_assert_eq(e2e_sh(dir, "mkdir -p backlog/tasks backlog/drafts"), 0);
	e2e_write(dir, "backlog/tasks/task-1 - A.md",
		  "---\nid: TASK-1\ntitle: A\nstatus: To Do\n"
		  "created_date: '2026-12-03 19:46'\n"
		  "dependencies: [TASK-7]\n---\n");
	e2e_write(dir, "backlog/tasks/task-2 - B.md",
		  "---\nid: TASK-2\nstatus: To Do\n"
		  "created_date: 'last week'\n---\n");
	e2e_write(dir, "backlog/drafts/draft-1 - C.md",
		  "---\nid: DRAFT-1\ntitle: C\n  status: Draft\n---\n");
	r = RUN(dir, "import", "--from", "backlog", ".");
	cr_assert_eq(r.status, 7, "%d: %s", r.status, r.err);
	cr_assert_not_null(
	    strstr(r.err, "backlog/tasks/task-1 - A.md:2: error:"), "%s",
	    r.err);
	cr_assert_not_null(
	    strstr(r.err, "backlog/tasks/task-2 - B.md:4: error:"), "%s",
	    r.err);
	cr_assert_not_null(strstr(r.err, "backlog/drafts/draft-1 - C.md:"),
			   "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_tickets(dir), 0);
	r = RUN(dir, "import", "--from", "backlog", "nowhere");
	cr_assert_eq(r.status, 3, "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

/* ---- GitHub ------------------------------------------------------------- */

Test(import_sources, github_issues_comments_and_closed)
{
	char *dir = e2e_store();
	char *src = e2e_import_fixture("github/issues.json");
	json_t *imp =
	    E2E_JSON(dir, 0, "import", "--from", "github", src, "--json");
	json_t *map = id_map(imp), *ready;
	const char *id;
	char *item, *th;

	cr_assert_eq(json_array_size(json_object_get(imp, "created")), 5);
	e2e_doctor_clean(dir);
	/* no dependencies on GitHub: every open issue is ready */
	ready = E2E_JSON(dir, 0, "ready", "--json");
	cr_assert_eq(json_array_size(ready), 3);
	json_decref(ready);

	id = new_id(map, "14");
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	th = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_not_null(strstr(item, "origin: 'github:14'"), "%s", item);
	cr_assert_not_null(strstr(item, "tags: ['enhancement', 'auth']"), "%s",
			   item);
	cr_assert_not_null(strstr(item, "assignee: 'ann-example'"), "%s", item);
	cr_assert_null(strchr(item, '\r'));
	cr_assert_not_null(strstr(th, "event: comment author: carol-example "
				      "at: 2026-11-04T16:40:03Z"),
			   "%s", th);
	free(item);
	free(th);

	id = new_id(map, "12");
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert_not_null(strstr(item, "state: 'closed'"), "%s", item);
	free(item);
	th = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_not_null(strstr(th, "at: 2026-11-20T11:02:51Z"), "%s", th);
	cr_assert_not_null(strstr(th, "\"assignees\":[\"carol-example\","
				      "\"ann-example\"]"),
			   "%s", th);
	free(th);
	json_decref(map);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

Test(import_sources, github_bad_json_and_huge_file)
{
	char *dir = e2e_store();
	e2e_result r;

	e2e_write(dir, "issues.json", "{\"number\": 1}\n");
	r = RUN(dir, "import", "--from", "github", "issues.json");
	cr_assert_eq(r.status, 7, "%d: %s", r.status, r.err);
	cr_assert_not_null(strstr(r.err, "issues.json:1: error:"), "%s", r.err);
	e2e_free(&r);
	e2e_write(dir, "issues.json",
		  "[\n  {\"number\": 1, \"title\": \"A\", \"state\": \"OPEN\","
		  " \"createdAt\": \"2026-11-02T09:14:07Z\"},\n"
		  "  {\"number\": 2, \"title\": [\"B\"], \"state\": \"OPEN\","
		  " \"createdAt\": \"2026-11-02T09:14:07Z\"}\n]\n");
	r = RUN(dir, "import", "--from", "github", "issues.json");
	cr_assert_eq(r.status, 7, "%d: %s", r.status, r.err);
	cr_assert_not_null(strstr(r.err, "issues.json:3: error: issue 2"), "%s",
			   r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "truncate -s 100M big.json"), 0);
	r = RUN(dir, "import", "--from", "github", "big.json");
	cr_assert_eq(r.status, 7, "%s", r.err);
	cr_assert_not_null(strstr(r.err, "big.json: error:"), "%s", r.err);
	cr_assert_not_null(strstr(r.err, "limit"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "import", "--from", "github", "nowhere.json");
	cr_assert_eq(r.status, 3, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_tickets(dir), 0);
	e2e_rm(dir);
}
