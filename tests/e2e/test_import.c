/* End-to-end: import --from beads into real temporary git repositories
 * (docs/import.md): the result passes doctor, routing agrees with bd
 * ready, a second import is a no-op, bad input writes nothing, a kill
 * half-way leaves whole tickets and a rerun completes it. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* tests/fixtures/import/beads/<rel> ("": the folder) as an absolute path. */
static char *fixture(const char *rel)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "beads%s%s", *rel ? "/" : "", rel) > 0);
	char *abs = e2e_import_fixture(p);
	free(p);
	return abs;
}

/* The new ID of source id src in an import's --json (created or skipped). */
static const char *new_id(json_t *imp, const char *src)
{
	const char *lists[] = {"created", "skipped"};
	for (int l = 0; l < 2; l++) {
		json_t *a = json_object_get(imp, lists[l]), *x;
		size_t i;
		json_array_foreach(a, i, x) if (
		    !strcmp(
			json_string_value(json_object_get(x, "source_id")),
			src)) return json_string_value(json_object_get(x,
								       "id"));
	}
	return NULL;
}

Test(import, beads_fixture_doctor_and_fields)
{
	char *dir = e2e_store();
	char *src = fixture("");
	json_t *imp =
	    E2E_JSON(dir, 0, "import", "--from", "beads", src, "--json");
	cr_assert_str_eq(json_string_value(json_object_get(imp, "tool")),
			 "beads");
	cr_assert_eq(json_array_size(json_object_get(imp, "created")), 13);
	cr_assert_eq(json_array_size(json_object_get(imp, "skipped")), 0);
	cr_assert_eq(json_integer_value(json_object_get(imp, "relations")), 10);
	cr_assert(json_is_false(json_object_get(imp, "dry_run")));
	/* IDs in creation order: the epic (08:00Z) first */
	json_t *c = json_object_get(imp, "created");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(c, 0),
							   "source_id")),
			 "bd-d4");
	for (size_t i = 1; i < json_array_size(c); i++)
		cr_assert_lt(strcmp(json_string_value(json_object_get(
					json_array_get(c, i - 1), "id")),
				    json_string_value(json_object_get(
					json_array_get(c, i), "id"))),
			     0);
	e2e_doctor_clean(dir);
	/* a closed issue: state, resolution, history */
	const char *a1 = new_id(imp, "bd-a1");
	char *item = e2e_read(dir, e2e_tpath(a1, "item.md"));
	cr_assert_not_null(strstr(item, "state: 'closed'"), "%s", item);
	cr_assert_not_null(strstr(item, "origin: 'beads:bd-a1'"));
	cr_assert_not_null(strstr(item, "priority: 'P1'"));
	cr_assert_not_null(strstr(item, "tags: ['build', 'type:task']"));
	cr_assert_not_null(strstr(item, "created_at: '2025-10-01T16:00:00Z'"));
	free(item);
	char *res = e2e_read(dir, e2e_tpath(a1, "resolution.md"));
	cr_assert_str_eq(res, "Done in 4f2c\n");
	free(res);
	/* comments with their authors and times; body sections */
	const char *b2 = new_id(imp, "bd-b2");
	e2e_result r = RUN(dir, "show", b2);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "Starting with the lexer."));
	cr_assert_not_null(strstr(r.out, "## Design"));
	cr_assert_not_null(strstr(r.out, "## Acceptance criteria"));
	e2e_free(&r);
	char *th = e2e_read(dir, e2e_tpath(b2, "thread.md"));
	cr_assert_not_null(
	    strstr(th, "event: comment author: bob at: 2025-10-02T12:00:00Z"),
	    "%s", th);
	free(th);
	/* unmapped fields kept */
	char *th9 = e2e_read(dir, e2e_tpath(new_id(imp, "bd-i9"), "thread.md"));
	cr_assert_not_null(strstr(th9, "\"external_ref\":\"gh-12\""), "%s",
			   th9);
	free(th9);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

/*
 * bd ready: status open, and no `blocks` dependency on an issue that is
 * still open (not closed or tombstone). Computed here from the fixture's
 * own data, compared with `ready` over the imported store.
 */
Test(import, ready_agrees_with_bd_ready)
{
	char *dir = e2e_store();
	char *src = fixture(".beads/issues.jsonl");
	json_t *imp =
	    E2E_JSON(dir, 0, "import", "--from", "beads", src, "--json");
	char *text = e2e_read("/", src + 1);
	json_t *issues = json_array();
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		json_array_append_new(issues, json_loads(line, 0, NULL));
	free(text);
	json_t *want = json_object(); /* new ID -> source id */
	size_t i, k;
	json_t *x, *d;
	json_array_foreach(issues, i, x)
	{
		const char *st =
		    json_string_value(json_object_get(x, "status"));
		if (strcmp(st, "open"))
			continue;
		bool held = false;
		json_array_foreach(json_object_get(x, "dependencies"), k, d)
		{
			if (strcmp(
				json_string_value(json_object_get(d, "type")),
				"blocks"))
				continue;
			const char *on = json_string_value(
			    json_object_get(d, "depends_on_id"));
			size_t m;
			json_t *y;
			json_array_foreach(issues, m, y) if (
			    !strcmp(json_string_value(json_object_get(y, "id")),
				    on))
			{
				const char *s = json_string_value(
				    json_object_get(y, "status"));
				held |= strcmp(s, "closed") &&
					strcmp(s, "tombstone");
			}
		}
		if (!held)
			json_object_set_new(
			    want,
			    new_id(imp,
				   json_string_value(json_object_get(x, "id"))),
			    json_true());
	}
	cr_assert_gt(json_object_size(want), 0);
	json_t *ready = E2E_JSON(dir, 0, "ready", "--json");
	cr_assert_eq(json_array_size(ready), json_object_size(want),
		     "ready lists %zu, bd ready %zu", json_array_size(ready),
		     json_object_size(want));
	json_array_foreach(ready, i, x)
	{
		const char *id = json_string_value(json_object_get(x, "id"));
		cr_assert_not_null(json_object_get(want, id),
				   "%s is ready here, not in bd ready", id);
	}
	json_decref(ready);
	json_decref(want);
	json_decref(issues);
	json_decref(imp);
	free(src);
	e2e_rm(dir);
}

Test(import, second_import_is_a_noop)
{
	char *dir = e2e_store();
	char *src = fixture("");
	OK(dir, "import", "--from", "beads", src);
	e2e_sh(dir, "git add -A && git commit -qm import");
	e2e_result r = RUN(dir, "import", "--from", "beads", src);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(strstr(r.out, "created 0 tickets"), "%s", r.out);
	cr_assert_not_null(strstr(r.out, "13 skipped"), "%s", r.out);
	e2e_free(&r);
	/* nothing changed on disk */
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain)\""), 0);
	cr_assert_eq(e2e_tickets(dir), 13);
	free(src);
	e2e_rm(dir);
}

Test(import, dry_run_writes_nothing)
{
	char *dir = e2e_store();
	char *src = fixture("");
	e2e_result r = RUN(dir, "import", "--from", "beads", src, "--dry-run");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, "  bd-"), 13, "%s", r.out);
	cr_assert_not_null(strstr(r.out, "would create 13 tickets"));
	e2e_free(&r);
	cr_assert_eq(e2e_tickets(dir), 0);
	free(src);
	e2e_rm(dir);
}

Test(import, bad_input_leaves_the_store_untouched)
{
	char *dir = e2e_store();
	OK(dir, "create", "--title", "Existing");
	e2e_sh(dir, "git add -A && git commit -qm one");
	cr_assert_eq(e2e_sh(dir, "mkdir src"), 0);
	e2e_write(
	    dir, "src/issues.jsonl",
	    "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-01T00:"
	    "00:00Z\"}\n"
	    "{\"id\":\"b\",\"title\":\"B\",\"created_at\":\"2025-01-01T00:"
	    "00:00Z\",\"dependencies\":[{\"depends_on_id\":\"zz\","
	    "\"type\":\"blocks\"}]}\n"
	    "{\"id\":\"a\",\"title\":\"A again\",\"created_at\":\"2025-01-"
	    "01T00:00:00Z\"}\n"
	    "{\"id\":\"c\",\"title\":\"C\",\"crea");
	e2e_sh(dir, "git add -A && git commit -qm src");
	e2e_result r =
	    RUN(dir, "import", "--from", "beads", "src/issues.jsonl");
	cr_assert_eq(r.status, 7, "%d: %s", r.status, r.err);
	cr_assert_not_null(strstr(r.err, "src/issues.jsonl:2: error:"), "%s",
			   r.err);
	cr_assert_not_null(strstr(r.err, "src/issues.jsonl:3: error:"));
	cr_assert_not_null(strstr(r.err, "src/issues.jsonl:4: error:"));
	cr_assert_not_null(strstr(r.err, "nothing was written"));
	cr_assert_str_eq(r.out, "", "a refused run lists no ticket: %s", r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain "
				 "--ignored)\""),
		     0);
	cr_assert_eq(e2e_tickets(dir), 1);
	/* --json shows the problems too, with the same status */
	json_t *j = E2E_JSON(dir, 7, "import", "--from", "beads",
			     "src/issues.jsonl", "--json");
	cr_assert_geq(json_array_size(json_object_get(j, "problems")), 3);
	cr_assert(json_is_true(json_object_get(j, "refused")));
	cr_assert_eq(json_array_size(json_object_get(j, "created")), 0);
	json_t *p0 = json_array_get(json_object_get(j, "problems"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p0, "severity")),
			 "error");
	cr_assert_str_eq(json_string_value(json_object_get(p0, "path")),
			 "src/issues.jsonl");
	json_decref(j);
	e2e_rm(dir);
}

Test(import, usage_and_not_found)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "import", "--from", "bead", ".");
	cr_assert_eq(r.status, 2);
	cr_assert_not_null(strstr(r.err, "did you mean 'beads'"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "import", "missing.jsonl");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "import", "--from", "beads", "missing.jsonl");
	cr_assert_eq(r.status, 3, "%s", r.err);
	cr_assert_not_null(strstr(r.err, "missing.jsonl"));
	e2e_free(&r);
	r = RUN(dir, "import", "--from", "beads", ".");
	cr_assert_eq(r.status, 3, "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(import, file_over_the_limit_is_refused)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "truncate -s 65M big.jsonl"), 0);
	e2e_result r = RUN(dir, "import", "--from", "beads", "big.jsonl");
	cr_assert_eq(r.status, 7, "%s", r.err);
	cr_assert_not_null(strstr(r.err, "big.jsonl: error:"), "%s", r.err);
	cr_assert_not_null(strstr(r.err, "limit"));
	e2e_free(&r);
	cr_assert_eq(e2e_tickets(dir), 0);
	e2e_rm(dir);
}

/* The fault build, killed at a named point of the import. */
static e2e_result run_fault(const char *dir, const char *fault, const char *src)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	setenv("YOI_FAULT", fault, 1);
	e2e_result r = e2e_run_bin(
	    bin, dir, NULL,
	    (const char *const[]){"import", "--from", "beads", src, NULL});
	unsetenv("YOI_FAULT");
	return r;
}

/* Killed after some tickets, or after some relations: whole tickets only
 * (doctor has no error), and a rerun completes the import exactly. */
Test(import, killed_half_way_then_completed)
{
	const char *faults[] = {"import-kill:1", "import-kill:6",
				"import-kill:12", "import-kill-rel:1",
				"import-kill-rel:5"};
	char *src = fixture("");
	for (size_t f = 0; f < sizeof(faults) / sizeof(faults[0]); f++) {
		char *dir = e2e_store();
		e2e_result r = run_fault(dir, faults[f], src);
		cr_assert_eq(r.status, 128 + 9, "%s: %d %s", faults[f],
			     r.status, r.err);
		e2e_free(&r);
		r = RUN(dir, "doctor");
		cr_assert_eq(r.status, 0, "%s: %s%s", faults[f], r.out, r.err);
		e2e_free(&r);
		json_t *j = E2E_JSON(dir, 0, "import", "--from", "beads", src,
				     "--json");
		cr_assert_eq(json_array_size(json_object_get(j, "created")) +
				 json_array_size(json_object_get(j, "skipped")),
			     13, "%s", faults[f]);
		json_decref(j);
		cr_assert_eq(e2e_tickets(dir), 13, "%s", faults[f]);
		e2e_doctor_clean(dir);
		/* every relation is there: bd-f6 waits for two */
		json_t *b = E2E_JSON(dir, 0, "blocked", "--json");
		cr_assert_eq(json_array_size(b), 4, "%s", faults[f]);
		json_decref(b);
		cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A .yoi/tickets | "
					 "grep import)\""),
			     0, "%s: a staging dir stayed", faults[f]);
		e2e_rm(dir);
	}
	free(src);
}

/* A write that fails half-way (a full disk at the 5th ticket): exit 6,
 * the four before are whole, no staging directory stays, and a rerun
 * completes the import. */
Test(import, failed_write_then_completed)
{
	char *src = fixture("");
	char *dir = e2e_store();
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	setenv("YOI_FAULT", "import-write-fails:5", 1);
	e2e_result r = e2e_run_bin(
	    bin, dir, NULL,
	    (const char *const[]){"import", "--from", "beads", src, NULL});
	unsetenv("YOI_FAULT");
	cr_assert_eq(r.status, 6, "%d: %s", r.status, r.err);
	cr_assert_not_null(strstr(r.err, "run the import again"), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_tickets(dir), 4);
	e2e_doctor_clean(dir);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A .yoi/tickets | grep "
				 "import)\""),
		     0);
	json_t *j =
	    E2E_JSON(dir, 0, "import", "--from", "beads", src, "--json");
	cr_assert_eq(json_array_size(json_object_get(j, "created")), 9);
	cr_assert_eq(json_array_size(json_object_get(j, "skipped")), 4);
	json_decref(j);
	cr_assert_eq(e2e_tickets(dir), 13);
	e2e_doctor_clean(dir);
	e2e_rm(dir);
	free(src);
}

/* Both imports (a tool's and an export's) stage tickets the same way, so
 * either one sweeps what a killed import of the other kind left: staging
 * folders of any content, never followed through a link. */
Test(import, every_import_sweeps_any_killed_imports_staging)
{
	char *src = fixture("");
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir,
			    "mkdir -p .yoi/tickets/.yoi-import-5M8YQAGWWBWX9/"
			    "artifacts/extra && echo x > "
			    ".yoi/tickets/.yoi-import-5M8YQAGWWBWX9/item.md && "
			    "mkdir -p .yoi/tickets/.yoi-import-5M8YQAGX12GH0.1f00/"
			    "artifacts && mkdir keep && echo keep > keep/f && "
			    "ln -s ../../../keep "
			    ".yoi/tickets/.yoi-import-5M8YQAGX12GH0.1f00/link"),
		     0);
	json_t *j =
	    E2E_JSON(dir, 0, "import", "--from", "beads", src, "--json");
	cr_assert_eq(json_array_size(json_object_get(j, "created")), 13);
	json_decref(j);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A .yoi/tickets | grep "
				 "import)\""),
		     0, "a staging folder stayed");
	cr_assert_eq(e2e_sh(dir, "test -f keep/f"), 0,
		     "a link in a staging folder was followed");
	e2e_doctor_clean(dir);
	e2e_rm(dir);
	free(src);
}

/* A problem quotes the source's text (an id, a title); printed on a
 * terminal it is escaped as every diagnostic is, so a hostile source
 * cannot send terminal control sequences through it. */
Test(import, problems_quoting_source_text_are_escaped)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "mkdir src"), 0);
	e2e_write(dir, "src/issues.jsonl",
		  "{\"id\":\"x\\u001b]0;owned\\u0007\",\"title\":\"A\","
		  "\"created_at\":\"2025-01-01T00:00:00Z\"}\n"
		  "{\"id\":\"x\\u001b]0;owned\\u0007\",\"title\":\"B\","
		  "\"created_at\":\"2025-01-01T00:00:00Z\"}\n");
	e2e_result r =
	    RUN(dir, "import", "--from", "beads", "src/issues.jsonl");
	cr_assert_eq(r.status, 7, "%d: %s", r.status, r.err);
	cr_assert_not_null(strstr(r.err, "src/issues.jsonl:2: error:"), "%s",
			   r.err);
	cr_assert_null(strchr(r.err, '\x1b'), "raw ESC on stderr: %s", r.err);
	cr_assert_null(strchr(r.err, '\a'), "raw BEL on stderr: %s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}
