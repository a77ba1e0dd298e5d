/* End-to-end: the lifecycle through the binary, in real git repos. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(lifecycle, version_and_help)
{
	char *dir = e2e_repo();
	e2e_result r = RUN(dir, "--version");
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out, "yoi-tickets ", 12) == 0);
	e2e_free(&r);
	r = RUN(dir, "help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "create"));
	cr_assert(strstr(r.out, "doctor"));
	e2e_free(&r);
	r = RUN(dir, "help", "state");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "--summary"));
	e2e_free(&r);
	r = RUN(dir, "state", "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "usage: yoi-tickets state"));
	e2e_free(&r);
	r = RUN(dir, "frobnicate");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown command"));
	e2e_free(&r);
	r = RUN(dir, "list", "--bogus");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--bogus"));
	e2e_free(&r);
	e2e_rm(dir);
}

Test(lifecycle, init_is_idempotent_and_ignores_lock)
{
	char *dir = e2e_repo();
	e2e_result r = RUN(dir, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "init");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "already"));
	e2e_free(&r);
	char *ign = e2e_read(dir, ".yoi/.gitignore");
	cr_assert(strstr(ign, "tickets/.lock"));
	free(ign);
	e2e_rm(dir);
}

Test(lifecycle, commands_outside_a_store)
{
	char *dir = e2e_repo();
	e2e_result r = RUN(dir, "list");
	cr_assert_eq(r.status, 3);
	cr_assert(strstr(r.err, "init"), "%s", r.err);
	e2e_free(&r);
	free(dir);
	char *plain = strdup("/tmp/yoi-e2e.XXXXXX");
	cr_assert_not_null(mkdtemp(plain));
	r = RUN(plain, "list");
	cr_assert_eq(r.status, 3);
	cr_assert(strstr(r.err, "git"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(plain);
}

Test(lifecycle, full_walk_through_every_state)
{
	char *dir = e2e_store();
	char *id =
	    OK_LINE(dir, "create", "--title", "Walk", "--risk-flag", "db");
	cr_assert_eq(strlen(id), 13);
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "title: 'Walk'"));
	cr_assert(strstr(item, "state: 'planning'"));
	cr_assert(strstr(item, "risk_flags: ['db']"));
	cr_assert(strstr(item, "## Background"));
	free(item);
	cr_assert(e2e_exists(dir, e2e_tpath(id, "artifacts")));

	e2e_result r = RUN(dir, "state", id, "ready");
	cr_assert_eq(r.status, 2, "ready without --summary: %s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "ready", "--summary", "scoped");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "queued");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "queued_by: 'tester'"), "%s", item);
	cr_assert(strstr(item, "queued_at: '"));
	free(item);
	r = RUN(dir, "state", id, "inprogress");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "done");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "inprogress");
	cr_assert_eq(r.status, 2, "rework needs --reason");
	e2e_free(&r);
	r = RUN(dir, "state", id, "inprogress", "--reason", "rework");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "done");
	cr_assert_eq(r.status, 0);
	e2e_free(&r);
	r = RUN(dir, "review", id, "--approve", "--message", "ok");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "close", id, "--resolution", "shipped");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *res = e2e_read(dir, e2e_tpath(id, "resolution.md"));
	cr_assert(strstr(res, "shipped"));
	free(res);
	r = RUN(dir, "reopen", id, "--reason", "regression");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);

	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "<!-- event: state_changed"), 8);
	cr_assert_eq(e2e_count(thread, "<!-- event: intake_summary"), 1);
	cr_assert_eq(e2e_count(thread, "<!-- event: close "), 1);
	cr_assert_eq(e2e_count(thread, "<!-- event: reopen "), 1);
	cr_assert_eq(e2e_count(thread, "<!-- event: review "), 1);
	cr_assert(strstr(thread, "status: approve"));
	cr_assert(
	    strstr(thread, "from: closed to: planning reason: regression"));
	free(thread);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "doctor: %s%s", r.out, r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(lifecycle, refused_transitions_exit_4_and_name_targets)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "T");
	e2e_result r = RUN(dir, "state", id, "done");
	cr_assert_eq(r.status, 4);
	cr_assert(strstr(r.err, "ready"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "closed");
	cr_assert_eq(r.status, 4);
	cr_assert(strstr(r.err, "close"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "nonsense");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "state", id, "done", "--force");
	cr_assert_eq(r.status, 2, "--force without --reason");
	e2e_free(&r);
	r = RUN(dir, "state", id, "done", "--force", "--reason", "hotfix");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "forced: true"));
	free(thread);
	r = RUN(dir, "reopen", id, "--reason", "x");
	cr_assert_eq(r.status, 4, "reopen of a non-closed ticket");
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(lifecycle, suffix_lookup_and_ambiguity)
{
	char *dir = e2e_store();
	e2e_result r;
	char *id = OK_LINE(dir, "create", "--title", "One");
	char *sfx = id + 13 - 5;
	r = RUN(dir, "show", sfx);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "One"));
	e2e_free(&r);
	/* lower case works too */
	char low[6];
	for (int i = 0; i < 6; i++)
		low[i] = (char)(sfx[i] >= 'A' && sfx[i] <= 'Z' ? sfx[i] + 32
							       : sfx[i]);
	r = RUN(dir, "show", low);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "show", "7ZZZZZZZZZZZZ");
	cr_assert_eq(r.status, 3);
	e2e_free(&r);
	r = RUN(dir, "show", "../../etc");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "show", "abc");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	/* Two tickets sharing a suffix: make one by hand. */
	char other[14];
	memcpy(other, id, 14);
	other[0] = other[0] == '1' ? '2' : '1';
	e2e_sh(dir, "cp -r .yoi/tickets/%s .yoi/tickets/%s", id, other);
	r = RUN(dir, "show", sfx);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "ambiguous"));
	cr_assert(strstr(r.err, id) && strstr(r.err, other));
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(lifecycle, list_filters_and_json)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha", "--assignee",
			  "ann", "--risk-flag", "db");
	char *b =
	    OK_LINE(dir, "create", "--title", "Beta", "--assignee", "bob");
	char *c = OK_LINE(dir, "create", "--title", "Gamma");
	e2e_result r = RUN(dir, "close", c, "--resolution", "dup");
	cr_assert_eq(r.status, 0);
	e2e_free(&r);
	r = RUN(dir, "list");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, a) && strstr(r.out, b) && !strstr(r.out, c));
	e2e_free(&r);
	r = RUN(dir, "list", "--state", "all");
	cr_assert(strstr(r.out, c));
	e2e_free(&r);
	r = RUN(dir, "list", "--state", "closed");
	cr_assert(strstr(r.out, c) && !strstr(r.out, a));
	e2e_free(&r);
	r = RUN(dir, "list", "--assignee", "bob");
	cr_assert(strstr(r.out, b) && !strstr(r.out, a));
	e2e_free(&r);
	r = RUN(dir, "list", "--risk-flag", "db");
	cr_assert(strstr(r.out, a) && !strstr(r.out, b));
	e2e_free(&r);
	r = RUN(dir, "list", "--search", "alp");
	cr_assert(strstr(r.out, a) && !strstr(r.out, b));
	e2e_free(&r);
	r = RUN(dir, "list", "--limit", "1");
	cr_assert_eq(e2e_count(r.out, "\n"), 1);
	e2e_free(&r);
	r = RUN(dir, "list", "--state", "bogus");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "list", "--json", "--state", "all");
	cr_assert_eq(r.status, 0);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_assert_eq(json_array_size(j), 3);
	json_t *first = json_array_get(j, 0);
	cr_assert_str_eq(json_string_value(json_object_get(first, "id")), a);
	cr_assert_str_eq(json_string_value(json_object_get(first, "title")),
			 "Alpha");
	cr_assert_str_eq(json_string_value(json_object_get(first, "state")),
			 "planning");
	cr_assert_str_eq(json_string_value(json_object_get(first, "assignee")),
			 "ann");
	cr_assert_str_eq(json_string_value(json_array_get(
			     json_object_get(first, "risk_flags"), 0)),
			 "db");
	json_decref(j);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(lifecycle, show_json_and_events_limit)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Shown");
	e2e_result r = RUN(dir, "comment", id, "--message", "first note");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN_IN(dir, "from stdin\n", "comment", id, "--file", "-");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	cr_assert_str_eq(json_string_value(json_object_get(j, "id")), id);
	cr_assert_str_eq(json_string_value(json_object_get(j, "state")),
			 "planning");
	cr_assert_eq(json_integer_value(json_object_get(j, "event_count")), 3);
	json_t *ev = json_object_get(j, "events");
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(ev, 1), "body")),
	    "first note");
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(ev, 2), "author")),
	    "tester");
	json_t *sec = json_object_get(j, "sections");
	cr_assert_eq(json_array_size(sec), 3);
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(sec, 0), "heading")),
			 "Background");
	json_decref(j);
	e2e_free(&r);
	r = RUN(dir, "show", id, "--events", "1");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "from stdin") && !strstr(r.out, "first note"));
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(lifecycle, edit_changes_only_its_lines)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Old title");
	char *before = e2e_read(dir, e2e_tpath(id, "item.md"));
	e2e_result r =
	    RUN(dir, "edit", id, "--title", "New title", "--assignee", "zoe");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *after = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(after, "title: 'New title'"));
	cr_assert(strstr(after, "assignee: 'zoe'"));
	/* body unchanged */
	cr_assert_str_eq(strstr(before, "\n---\n"), strstr(after, "\n---\n"));
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "<!-- event: edit "));
	cr_assert(strstr(thread, "fields: title,assignee"));
	r = RUN(dir, "edit", id, "--title", "New title");
	cr_assert_eq(r.status, 2, "no-op edit");
	e2e_free(&r);
	r = RUN(dir, "edit", id);
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	free(before);
	free(after);
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(lifecycle, a_clone_of_the_store_is_clean)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Travels");
	cr_assert(e2e_exists(dir, e2e_tpath(id, "artifacts/.gitkeep")));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t && "
				 "git clone -q . clone"),
		     0);
	char *clone = malloc(strlen(dir) + 7);
	sprintf(clone, "%s/clone", dir);
	cr_assert(e2e_exists(clone, e2e_tpath(id, "artifacts")));
	e2e_result r = RUN(clone, "doctor");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.err, "0 error(s), 0 warning(s)"), "%s%s", r.out,
		  r.err);
	e2e_free(&r);
	/* The lock file is ignored, never committed. */
	cr_assert_eq(e2e_sh(dir, "git ls-files | grep -q '\\.lock$'"), 1);
	free(clone);
	free(id);
	e2e_rm(dir);
}

/* list's cache never hides a change, however item.md was changed. */
Test(lifecycle, list_cache_follows_every_change)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	/* Old files are cacheable (recent ones are racily clean). */
	e2e_sh(dir, "touch -d '1 hour ago' .yoi/tickets/*/item.md");
	e2e_result r = RUN(dir, "list");
	cr_assert(strstr(r.out, "Alpha") && strstr(r.out, "Bravo"));
	e2e_free(&r);
	cr_assert(e2e_exists(dir, ".git/yoi-list-cache"));
	/* Through the engine. */
	r = RUN(dir, "edit", a, "--title", "Alpha two");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "list");
	cr_assert(strstr(r.out, "Alpha two"), "%s", r.out);
	e2e_free(&r);
	/* By hand, same size, with the old mtime put back: ctime differs. */
	e2e_sh(dir, "touch -d '1 hour ago' .yoi/tickets/*/item.md");
	r = RUN(dir, "list");
	e2e_free(&r);
	e2e_sh(dir,
	       "f=.yoi/tickets/%s/item.md && t=$(stat -c %%y $f) && "
	       "sed -i \"s/'Bravo'/'Bravx'/\" $f && touch -d \"$t\" $f",
	       b);
	r = RUN(dir, "list");
	cr_assert(strstr(r.out, "Bravx"), "%s", r.out);
	e2e_free(&r);
	/* A state change moves it between filters. */
	r = RUN(dir, "close", a, "--resolution", "done");
	e2e_free(&r);
	r = RUN(dir, "list");
	cr_assert_null(strstr(r.out, "Alpha two"), "%s", r.out);
	e2e_free(&r);
	/* A corrupt cache is ignored and rebuilt. */
	e2e_write(dir, ".git/yoi-list-cache", "garbage");
	r = RUN(dir, "list", "--state", "all");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "Alpha two") && strstr(r.out, "Bravx"));
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}
