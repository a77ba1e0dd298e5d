/*
 * End-to-end: stores written by the earlier yoi ticket tools read cleanly
 * (tests/fixtures/legacy). The five tickets there carry what those tools
 * wrote and this engine does not: plain, 'single'- and "double"-quoted
 * scalars; `author: "yoi ticket"`; a history that begins with a migration
 * event; tickets closed by a `close` event with no state_changed after it
 * and by a `closed` event; queued_by/queued_at; unknown frontmatter fields
 * (a comment, a block scalar, a nested mapping, a flow mapping);
 * relations.json and orchestration-plan.jsonl; a thread with a leading
 * blank line, headings without blank lines around them, and bodies holding
 * `---` lines. doctor must find nothing, reads must work, and mutations
 * must keep every byte they do not own.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ID_A "00001JN8EY4M0" /* done; every scalar style; unknown fields */
#define ID_B "00001JNB6FN20" /* migration first; queued; relations, plan */
#define ID_C "00001JNDTK9W0" /* closed by `close`, no state_changed */
#define ID_D "00001JNGGDWG0" /* closed by a `closed` event */
#define ID_E "00001JNK68F40" /* hand-written thread layout */

static const char *const ids[] = {ID_A, ID_B, ID_C, ID_D, ID_E};
#define NIDS (sizeof(ids) / sizeof(*ids))

/* A fresh store holding a copy of the legacy fixture. */
static char *legacy_store(void)
{
	const char *src = getenv("YOI_SRCDIR");
	if (!src)
		src = "."; /* run from the top of the source tree */
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir,
			    "test -d '%s/tests/fixtures/legacy' && cp -R "
			    "'%s/tests/fixtures/legacy/.' .yoi/tickets/",
			    src, src),
		     0, "cannot copy tests/fixtures/legacy (set YOI_SRCDIR)");
	return dir;
}

static json_t *run_json(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s: exit %d: %s", argv[0], r.status, r.err);
	json_error_t je;
	json_t *j = json_loads(r.out, 0, &je);
	cr_assert_not_null(j, "%s: %s\n%s", argv[0], je.text, r.out);
	e2e_free(&r);
	return j;
}
#define JSON(dir, ...) run_json((dir), (const char *const[]){__VA_ARGS__, NULL})

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The frontmatter: from the start to the closing '---' line. */
static char *frontmatter(const char *item)
{
	const char *close = strstr(item + 3, "\n---\n");
	cr_assert_not_null(close, "%s", item);
	return strndup(item, (size_t)(close - item) + 5);
}

/*
 * before and after differ only in the lines of the given keys (a
 * NULL-terminated list, matched as "key:" at the start of a line).
 */
static void only_lines_changed(const char *before, const char *after,
			       const char *const *keys)
{
	const char *b = before, *a = after;
	while (*b || *a) {
		const char *be = strchr(b, '\n'), *ae = strchr(a, '\n');
		size_t bl = be ? (size_t)(be - b) : strlen(b);
		size_t al = ae ? (size_t)(ae - a) : strlen(a);
		if (bl != al || memcmp(b, a, bl) != 0) {
			bool allowed = false;
			for (size_t k = 0; keys[k] && !allowed; k++) {
				size_t n = strlen(keys[k]);
				allowed = strncmp(b, keys[k], n) == 0 &&
					  b[n] == ':' &&
					  strncmp(a, keys[k], n) == 0 &&
					  a[n] == ':';
			}
			cr_assert(allowed,
				  "unexpected change:\n- %.*s\n+ %.*s\n"
				  "--- before\n%s--- after\n%s",
				  (int)bl, b, (int)al, a, before, after);
		}
		cr_assert((be == NULL) == (ae == NULL),
			  "line count changed:\n%s---\n%s", before, after);
		if (!be)
			break;
		b = be + 1;
		a = ae + 1;
	}
}

Test(compat, doctor_is_clean_on_the_legacy_store)
{
	char *dir = legacy_store();
	e2e_doctor_clean(dir);
	/* doctor --fix has nothing to do and changes nothing. */
	cr_assert_eq(e2e_sh(dir, "cp -R .yoi/tickets before"), 0);
	e2e_result r = RUN(dir, "doctor", "--fix");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.err, "fixed"), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "diff -r -x .lock before .yoi/tickets"), 0);
	e2e_rm(dir);
}

Test(compat, list_reads_every_legacy_ticket)
{
	char *dir = legacy_store();
	e2e_result r = RUN(dir, "list", "--state", "all");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(r.err[0], '\0', "list complained: %s", r.err);
	cr_assert_eq(e2e_count(r.out, "\n"), NIDS, "%s", r.out);
	for (size_t i = 0; i < NIDS; i++)
		cr_assert(strstr(r.out, ids[i]), "%s missing:\n%s", ids[i],
			  r.out);
	e2e_free(&r);
	r = RUN(dir, "list");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, ID_A) && strstr(r.out, ID_B) &&
		  strstr(r.out, ID_E));
	cr_assert(!strstr(r.out, ID_C) && !strstr(r.out, ID_D), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--state", "closed");
	cr_assert_eq(e2e_count(r.out, "\n"), 2, "%s", r.out);
	e2e_free(&r);

	json_t *j = JSON(dir, "list", "--state", "all", "--json");
	cr_assert_eq(json_array_size(j), NIDS);
	static const char *const state[] = {"done", "queued", "closed",
					    "closed", "planning"};
	static const char *const title[] = {
	    "Legacy importer keeps 'quoted' titles",
	    "Migrated ticket with \"double\" quotes",
	    "Closed by an older tool with a plain title",
	    "Closed with a closed event",
	    "Thread written by hand",
	};
	for (size_t i = 0; i < NIDS; i++) {
		json_t *t = json_array_get(j, i);
		cr_assert_str_eq(jstr(t, "id"), ids[i]);
		cr_assert_str_eq(jstr(t, "state"), state[i], "%s", ids[i]);
		cr_assert_str_eq(jstr(t, "title"), title[i]);
	}
	json_t *a = json_array_get(j, 0);
	cr_assert_str_eq(jstr(a, "assignee"), "alice");
	json_t *flags = json_object_get(a, "risk_flags");
	cr_assert_eq(json_array_size(flags), 3);
	cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
			 "importer");
	cr_assert_str_eq(json_string_value(json_array_get(flags, 1)), "legacy");
	cr_assert_str_eq(json_string_value(json_array_get(flags, 2)), "plain");
	json_decref(j);
	r = RUN(dir, "list", "--state", "all", "--risk-flag", "legacy");
	cr_assert(strstr(r.out, ID_A) && e2e_count(r.out, "\n") == 1, "%s",
		  r.out);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(compat, show_text_and_json_on_every_legacy_ticket)
{
	char *dir = legacy_store();
	static const struct {
		const char *state;
		int events;
		const char *first, *last;
	} want[] = {
	    {"done", 8, "create", "review"},
	    {"queued", 5, "migration", "state_changed"},
	    {"closed", 3, "create", "close"},
	    {"closed", 4, "create", "closed"},
	    {"planning", 3, "create", "plan"},
	};
	for (size_t i = 0; i < NIDS; i++) {
		e2e_result r = RUN(dir, "show", ids[i]);
		cr_assert_eq(r.status, 0, "show %s: %s", ids[i], r.err);
		cr_assert(strstr(r.out, ids[i]));
		cr_assert(strstr(r.out, want[i].state), "%s", r.out);
		e2e_free(&r);
		json_t *j = JSON(dir, "show", ids[i], "--json");
		cr_assert_str_eq(jstr(j, "state"), want[i].state, "%s", ids[i]);
		cr_assert_str_eq(jstr(j, "replayed_state"), want[i].state, "%s",
				 ids[i]);
		cr_assert_eq(
		    json_integer_value(json_object_get(j, "event_count")),
		    want[i].events, "%s", ids[i]);
		json_t *ev = json_object_get(j, "events");
		cr_assert_eq(json_array_size(ev), (size_t)want[i].events);
		cr_assert_str_eq(jstr(json_array_get(ev, 0), "kind"),
				 want[i].first);
		cr_assert_str_eq(
		    jstr(json_array_get(ev, want[i].events - 1), "kind"),
		    want[i].last);
		for (int k = 0; k < want[i].events; k++) {
			json_t *e = json_array_get(ev, k);
			cr_assert_not_null(jstr(e, "author"), "%s #%d", ids[i],
					   k);
			cr_assert_not_null(jstr(e, "at"), "%s #%d", ids[i], k);
			cr_assert_not_null(jstr(e, "heading"), "%s #%d", ids[i],
					   k);
		}
		/* Quoted author values are unquoted. */
		cr_assert_str_eq(jstr(json_array_get(ev, 0), "author"),
				 "yoi ticket");
		json_decref(j);
	}

	json_t *j = JSON(dir, "show", ID_A, "--json");
	json_t *f = json_object_get(j, "fields");
	cr_assert_str_eq(jstr(f, "title"),
			 "Legacy importer keeps 'quoted' titles");
	cr_assert_str_eq(jstr(f, "created_at"), "2025-03-01T09:00:00Z");
	cr_assert_str_eq(jstr(f, "queued_by"), "yoi ticket");
	cr_assert_str_eq(jstr(f, "queued_at"), "2025-03-01T11:00:00Z");
	cr_assert_str_eq(jstr(f, "priority"), "P2");
	cr_assert_str_eq(jstr(f, "origin"), "legacy-tool");
	cr_assert_str_eq(jstr(f, "notes"),
			 "Free text kept by the old tool.\nTwo lines of it.\n");
	cr_assert_not_null(json_object_get(f, "links"));
	json_t *ev = json_object_get(j, "events");
	json_t *sc = json_array_get(ev, 4);
	cr_assert_str_eq(jstr(json_object_get(sc, "attrs"), "reason"),
			 "accepted for implementation");
	cr_assert_str_eq(jstr(sc, "body"),
			 "Accepted after the dependency closed.");
	cr_assert_str_eq(jstr(json_array_get(ev, 7), "heading"),
			 "Review: approve");
	cr_assert_eq(json_array_size(json_object_get(j, "sections")), 3);
	json_decref(j);

	j = JSON(dir, "show", ID_B, "--json");
	f = json_object_get(j, "fields");
	cr_assert_str_eq(jstr(f, "title"),
			 "Migrated ticket with \"double\" quotes");
	cr_assert(json_is_null(json_object_get(f, "assignee")));
	cr_assert_str_eq(jstr(f, "queued_by"), "orchestrator");
	cr_assert_str_eq(jstr(f, "legacy_ref"), "T-0042");
	ev = json_object_get(j, "events");
	cr_assert_str_eq(jstr(json_array_get(ev, 0), "heading"), "Migrated");
	cr_assert_str_eq(
	    jstr(json_object_get(json_array_get(ev, 4), "attrs"), "reason"),
	    "queued by the orchestrator");
	json_decref(j);

	j = JSON(dir, "show", ID_C, "--json");
	ev = json_object_get(j, "events");
	cr_assert_str_eq(
	    jstr(json_object_get(json_array_get(ev, 2), "attrs"), "status"),
	    "closed");
	cr_assert_str_eq(jstr(json_array_get(ev, 2), "body"), "Duplicate.");
	json_decref(j);

	/* The hand-written thread: bodies keep their inner '---' lines. */
	j = JSON(dir, "show", ID_E, "--json");
	ev = json_object_get(j, "events");
	cr_assert_str_eq(jstr(json_array_get(ev, 0), "heading"), "Created");
	cr_assert_str_eq(jstr(json_array_get(ev, 0), "body"),
			 "Created by the old tool.");
	cr_assert_str_eq(jstr(json_array_get(ev, 1), "body"),
			 "A body with a horizontal rule:\n\n---\n\nand more "
			 "text after it.");
	cr_assert_str_eq(jstr(json_array_get(ev, 2), "heading"), "Plan");
	cr_assert_str_eq(jstr(json_array_get(ev, 2), "body"),
			 "Step one\n---\nStep two");
	json_decref(j);
	e2e_result r = RUN(dir, "show", ID_E, "--events", "1");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "Step two") && !strstr(r.out, "horizontal"),
		  "%s", r.out);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(compat, a_comment_changes_only_updated_at_and_keeps_unknown_fields)
{
	char *dir = legacy_store();
	static const char *const keys[] = {"updated_at", NULL};
	for (size_t i = 0; i < NIDS; i++) {
		char *before = e2e_read(dir, e2e_tpath(ids[i], "item.md"));
		char *thread0 = e2e_read(dir, e2e_tpath(ids[i], "thread.md"));
		e2e_result r = RUN(dir, "comment", ids[i], "--message",
				   "Read by the new engine.");
		cr_assert_eq(r.status, 0, "comment %s: %s", ids[i], r.err);
		e2e_free(&r);
		char *after = e2e_read(dir, e2e_tpath(ids[i], "item.md"));
		char *fb = frontmatter(before), *fa = frontmatter(after);
		only_lines_changed(fb, fa, keys);
		cr_assert_neq(strcmp(fb, fa), 0, "updated_at did not move");
		cr_assert(strstr(fa, "\nupdated_at: '20"), "%s", fa);
		/* The body, byte for byte. */
		cr_assert_str_eq(before + strlen(fb), after + strlen(fa));
		/* The thread only grew. */
		char *thread1 = e2e_read(dir, e2e_tpath(ids[i], "thread.md"));
		cr_assert_eq(strncmp(thread1, thread0, strlen(thread0)), 0);
		cr_assert(strstr(thread1 + strlen(thread0),
				 "<!-- event: comment author: tester"));
		free(fb);
		free(fa);
		free(before);
		free(after);
		free(thread0);
		free(thread1);
	}
	char *a = e2e_read(dir, e2e_tpath(ID_A, "item.md"));
	cr_assert(strstr(a,
			 "origin: legacy-tool   # written by the old tool\n"
			 "estimate: 3\nnotes: |\n  Free text kept by the old "
			 "tool.\n  Two lines of it.\nlinks:\n  tracker: "
			 "https://example.invalid/T-17\n  mirror: "
			 "\"git@example.invalid:legacy.git\"\n"),
		  "%s", a);
	free(a);
	char *e = e2e_read(dir, e2e_tpath(ID_E, "item.md"));
	cr_assert(strstr(e, "\nx_legacy_flags: {a: 1, b: [2, 3]}\n"), "%s", e);
	free(e);
	e2e_doctor_clean(dir);
	e2e_rm(dir);
}

Test(compat, legal_transitions_work_and_doctor_stays_clean)
{
	char *dir = legacy_store();
	char *a0 = e2e_read(dir, e2e_tpath(ID_A, "item.md"));
	char *rel0 =
	    e2e_read(dir, ".yoi/tickets/" ID_B "/artifacts/relations.json");
	char *plan0 = e2e_read(dir, ".yoi/tickets/" ID_B
				    "/artifacts/orchestration-plan.jsonl");
	static const char *const steps[][8] = {
	    {"state", ID_A, "inprogress", "--reason", "rework", NULL},
	    {"state", ID_A, "done", NULL},
	    {"review", ID_A, "--approve", "--message", "ok", NULL},
	    {"close", ID_A, "--resolution", "shipped", NULL},
	    {"state", ID_B, "inprogress", NULL},
	    {"report", ID_B, "--message", "built", NULL},
	    {"state", ID_B, "done", NULL},
	    {"reopen", ID_C, "--reason", "not a duplicate after all", NULL},
	    {"state", ID_C, "ready", "--summary", "scoped", NULL},
	    {"reopen", ID_D, "--reason", "docs moved", NULL},
	    {"edit", ID_D, "--assignee", "dana", NULL},
	    {"state", ID_E, "ready", "--summary", "plan agreed", NULL},
	    {"state", ID_E, "queued", NULL},
	    {"plan", ID_E, "--message", "a\n---\nb", NULL},
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		e2e_result r = e2e_run(dir, NULL, steps[i]);
		cr_assert_eq(r.status, 0, "%s %s: %s", steps[i][0], steps[i][1],
			     r.err);
		e2e_free(&r);
	}
	/* Refusals still follow the replayed state. */
	e2e_result r = RUN(dir, "state", ID_A, "inprogress", "--reason", "x");
	cr_assert_eq(r.status, 4, "a closed ticket moved: %s", r.err);
	cr_assert(strstr(r.err, "reopen"), "%s", r.err);
	e2e_free(&r);
	static const char *const state[] = {"closed", "done", "ready",
					    "planning", "queued"};
	for (size_t i = 0; i < NIDS; i++) {
		json_t *j = JSON(dir, "show", ids[i], "--json");
		cr_assert_str_eq(jstr(j, "state"), state[i], "%s", ids[i]);
		cr_assert_str_eq(jstr(j, "replayed_state"), state[i]);
		json_decref(j);
	}
	e2e_doctor_clean(dir);
	/* The frontmatter of ID_A: only the fields the engine changed. */
	char *a1 = e2e_read(dir, e2e_tpath(ID_A, "item.md"));
	char *fb = frontmatter(a0), *fa = frontmatter(a1);
	static const char *const keys[] = {"state", "updated_at", NULL};
	only_lines_changed(fb, fa, keys);
	cr_assert(strstr(fa, "\nstate: 'closed'\n"), "%s", fa);
	/* Artifacts are not the engine's to rewrite here. */
	char *rel1 =
	    e2e_read(dir, ".yoi/tickets/" ID_B "/artifacts/relations.json");
	char *plan1 = e2e_read(dir, ".yoi/tickets/" ID_B
				    "/artifacts/orchestration-plan.jsonl");
	cr_assert_str_eq(rel1, rel0);
	cr_assert_str_eq(plan1, plan0);
	free(fb);
	free(fa);
	free(a0);
	free(a1);
	free(rel0);
	free(rel1);
	free(plan0);
	free(plan1);
	e2e_rm(dir);
}

/* The fixture itself: its artifacts follow SPEC 6 and 7. */
Test(compat, fixture_artifacts_follow_the_schemas)
{
	char *dir = legacy_store();
	static const char *const rels[] = {ID_B, ID_E};
	for (size_t i = 0; i < 2; i++) {
		char path[128];
		snprintf(path, sizeof(path),
			 ".yoi/tickets/%s/artifacts/"
			 "relations.json",
			 rels[i]);
		char *text = e2e_read(dir, path);
		json_error_t je;
		json_t *j = json_loads(text, 0, &je);
		cr_assert_not_null(j, "%s: %s", path, je.text);
		cr_assert_eq(json_integer_value(json_object_get(j, "version")),
			     1);
		json_t *v = json_object_get(j, "relations");
		cr_assert(json_is_array(v) && json_array_size(v) > 0);
		for (size_t k = 0; k < json_array_size(v); k++) {
			json_t *rec = json_array_get(v, k);
			cr_assert_str_eq(jstr(rec, "ticket_id"), rels[i]);
			cr_assert_not_null(jstr(rec, "kind"));
			cr_assert(e2e_exists(
			    dir, e2e_tpath(jstr(rec, "target"), "item.md")));
		}
		json_decref(j);
		free(text);
	}
	static const char *const plans[] = {ID_A, ID_B};
	for (size_t i = 0; i < 2; i++) {
		char path[128];
		snprintf(path, sizeof(path),
			 ".yoi/tickets/%s/artifacts/orchestration-plan.jsonl",
			 plans[i]);
		char *text = e2e_read(dir, path);
		size_t lines = 0;
		for (char *line = strtok(text, "\n"); line;
		     line = strtok(NULL, "\n"), lines++) {
			json_t *rec = json_loads(line, 0, NULL);
			cr_assert_not_null(rec, "%s: %s", path, line);
			cr_assert_str_eq(jstr(rec, "ticket_id"), plans[i]);
			cr_assert(strncmp(jstr(rec, "id"), "orch-plan-", 10) ==
				  0);
			json_decref(rec);
		}
		cr_assert_gt(lines, 0);
		free(text);
	}
	e2e_rm(dir);
}
