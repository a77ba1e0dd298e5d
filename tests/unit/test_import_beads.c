/* test_import_beads.c - the beads reader on buffers: the mapping and each
 * kind of bad input, reported by file and line. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/import.h"

#define PATH ".beads/issues.jsonl"

static void parse(yoi_import_set *set, const char *s)
{
	yoi_error err;
	yoi_error_clear(&err);
	memset(set, 0, sizeof(*set));
	int rc = yoi_import_parse_beads(set, s, strlen(s), PATH, &err);
	cr_assert_eq(rc, 0, "parse failed (%d): %s", rc, err.msg);
	yoi_import_check(set);
}

/* The finding with code at line (an error unless warn). */
static void has(const yoi_import_set *set, const char *code, int line,
		bool warn)
{
	for (size_t i = 0; i < set->problems.n; i++) {
		const yoi_diag_entry *e = &set->problems.v[i];
		if (!strcmp(e->code, code) && e->line == line) {
			cr_assert_str_eq(e->path, PATH);
			cr_assert_eq(e->severity,
				     warn ? YOI_DIAG_WARNING : YOI_DIAG_ERROR);
			return;
		}
	}
	cr_assert_fail("no %s at line %d (%zu problems)", code, line,
		       set->problems.n);
}

static size_t errors(const yoi_import_set *set)
{
	return yoi_diag_count(&set->problems, YOI_DIAG_ERROR);
}

static const yoi_import_ticket *find(const yoi_import_set *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].source_id && !strcmp(set->v[i].source_id, id))
			return &set->v[i];
	cr_assert_fail("no ticket %s", id);
	return NULL;
}

Test(import_beads, maps_fields_body_and_times)
{
	yoi_import_set set;
	parse(&set,
	      "{\"id\":\"bd-1\",\"title\":\"First\",\"description\":\"Do "
	      "it.\",\"design\":\"Plan A\",\"acceptance_criteria\":\"Works\","
	      "\"notes\":\"n1\",\"status\":\"open\",\"priority\":1,"
	      "\"issue_type\":\"bug\",\"assignee\":\"ann\",\"created_by\":"
	      "\"bob\",\"labels\":[\"ui\",\"core\"],\"created_at\":\"2025-10-"
	      "14T12:34:56.789-07:00\",\"updated_at\":\"2025-10-15T00:00:00Z\","
	      "\"owner\":\"carol\",\"x_custom\":{\"a\":1}}\n");
	cr_assert_eq(errors(&set), 0);
	cr_assert_eq(set.n, 1);
	const yoi_import_ticket *t = &set.v[0];
	cr_assert_str_eq(set.tool, "beads");
	cr_assert_str_eq(t->source_id, "bd-1");
	cr_assert_eq(t->line, 1);
	cr_assert_str_eq(t->title, "First");
	cr_assert_str_eq(t->body, "Do it.\n\n## Design\n\nPlan A\n\n## "
				  "Acceptance criteria\n\nWorks\n\n## "
				  "Notes\n\nn1\n");
	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->priority, "P1");
	cr_assert_str_eq(t->assignee, "ann");
	cr_assert_str_eq(t->author, "bob");
	cr_assert_str_eq(t->created_at, "2025-10-14T19:34:56.789Z");
	cr_assert_str_eq(t->updated_at, "2025-10-15T00:00:00Z");
	cr_assert_eq(t->labels.n, 3);
	cr_assert_str_eq(t->labels.v[0], "ui");
	cr_assert_str_eq(t->labels.v[2], "type:bug");
	cr_assert_str_eq(t->kept,
			 "{\"owner\":\"carol\",\"x_custom\":{\"a\":1}}");
	yoi_import_set_free(&set);
}

Test(import_beads, states_and_closed)
{
	yoi_import_set set;
	parse(
	    &set,
	    "{\"id\":\"a\",\"title\":\"A\",\"status\":\"in_progress\","
	    "\"created_at\":\"2025-01-01T00:00:00Z\"}\n"
	    "{\"id\":\"b\",\"title\":\"B\",\"status\":\"closed\","
	    "\"close_reason\":\"Fixed in 1.2\",\"created_at\":\"2025-01-01T00:"
	    "00:00Z\",\"closed_at\":\"2025-01-03T00:00:00Z\"}\n"
	    "{\"id\":\"c\",\"title\":\"C\",\"status\":\"deferred\","
	    "\"created_at\":\"2025-01-01T00:00:00Z\"}\n"
	    "{\"id\":\"d\",\"title\":\"D\",\"status\":\"weird\","
	    "\"created_at\":\"2025-01-01T00:00:00Z\"}\n"
	    "{\"id\":\"e\",\"title\":\"E\",\"status\":\"blocked\","
	    "\"created_at\":\"2025-01-01T00:00:00Z\",\"dependencies\":[{"
	    "\"issue_id\":\"e\",\"depends_on_id\":\"a\",\"type\":\"blocks\"}]}"
	    "\n"
	    "{\"id\":\"f\",\"title\":\"F\",\"status\":\"blocked\","
	    "\"created_at\":\"2025-01-01T00:00:00Z\"}\n"
	    "{\"id\":\"g\",\"title\":\"G\",\"status\":\"tombstone\","
	    "\"created_at\":\"2025-01-01T00:00:00Z\"}\n");
	cr_assert_eq(errors(&set), 0);
	cr_assert_str_eq(find(&set, "a")->state, "inprogress");
	cr_assert_null(find(&set, "a")->kept);
	cr_assert_str_eq(find(&set, "b")->state, "closed");
	cr_assert_str_eq(find(&set, "b")->resolution, "Fixed in 1.2");
	cr_assert_str_eq(find(&set, "b")->closed_at, "2025-01-03T00:00:00Z");
	cr_assert_str_eq(find(&set, "c")->state, "planning");
	cr_assert_str_eq(find(&set, "c")->kept, "{\"status\":\"deferred\"}");
	cr_assert_str_eq(find(&set, "d")->state, "planning");
	has(&set, "import-unmapped", 4, true);
	/* blocked with an open blocker: ready, and routing holds it */
	cr_assert_str_eq(find(&set, "e")->state, "ready");
	/* blocked with none: planning */
	cr_assert_str_eq(find(&set, "f")->state, "planning");
	cr_assert_str_eq(find(&set, "g")->state, "closed");
	cr_assert_not_null(find(&set, "g")->resolution);
	yoi_import_set_free(&set);
}

Test(import_beads, dependencies_and_comments)
{
	yoi_import_set set;
	parse(
	    &set,
	    "{\"id\":\"p\",\"title\":\"P\",\"created_at\":\"2025-01-01T00:00:"
	    "00Z\"}\n"
	    "{\"id\":\"q\",\"title\":\"Q\",\"created_at\":\"2025-01-01T00:00:"
	    "00Z\",\"parent\":\"p\",\"dependencies\":["
	    "{\"issue_id\":\"q\",\"depends_on_id\":\"p\",\"type\":\"blocks\"},"
	    "{\"issue_id\":\"q\",\"depends_on_id\":\"p\",\"type\":\"parent-"
	    "child\"},"
	    "{\"issue_id\":\"q\",\"depends_on_id\":\"p\",\"type\":\"tracks\"}],"
	    "\"comments\":[{\"id\":1,\"author\":\"zed\",\"text\":\"hello\","
	    "\"created_at\":\"2025-01-02T10:00:00+02:00\"}]}\n");
	cr_assert_eq(errors(&set), 0);
	const yoi_import_ticket *q = find(&set, "q");
	cr_assert_eq(q->nrels, 2); /* parent == the parent-child dep: once */
	cr_assert_str_eq(q->rels[0].kind, "depends_on");
	cr_assert_str_eq(q->rels[0].target, "p");
	cr_assert_str_eq(q->rels[1].kind, "related");
	cr_assert_not_null(strstr(q->rels[1].note, "parent-child"));
	has(&set, "import-unmapped", 2, true);
	cr_assert_not_null(strstr(q->kept, "\"tracks\""));
	cr_assert_eq(q->nevents, 1);
	cr_assert_str_eq(q->events[0].kind, "comment");
	cr_assert_str_eq(q->events[0].author, "zed");
	cr_assert_str_eq(q->events[0].at, "2025-01-02T08:00:00Z");
	cr_assert_str_eq(q->events[0].body, "hello");
	yoi_import_set_free(&set);
}

Test(import_beads, truncated_line)
{
	yoi_import_set set;
	parse(&set, "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
		    "01T00:00:00Z\"}\n{\"id\":\"b\",\"title\":\"B\",\"crea");
	has(&set, "import-bad-json", 2, false);
	cr_assert_eq(set.n, 1); /* the rest is read */
	yoi_import_set_free(&set);
}

Test(import_beads, not_an_object)
{
	yoi_import_set set;
	parse(&set, "\n[1,2]\n");
	has(&set, "import-not-object", 2, false);
	yoi_import_set_free(&set);
}

Test(import_beads, missing_id_and_title)
{
	yoi_import_set set;
	parse(&set, "{\"title\":\"A\",\"created_at\":\"2025-01-01T00:00:00Z\"}"
		    "\n{\"id\":\"b\",\"created_at\":\"2025-01-01T00:00:00Z\"}"
		    "\n{\"id\":7,\"title\":\"C\"}\n");
	has(&set, "import-no-id", 1, false);
	has(&set, "import-no-title", 2, false);
	has(&set, "import-bad-field", 3, false);
	has(&set, "import-no-time", 3, false);
	yoi_import_set_free(&set);
}

Test(import_beads, duplicate_id)
{
	yoi_import_set set;
	parse(&set, "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
		    "01T00:00:00Z\"}\n{\"id\":\"a\",\"title\":\"A2\",\"created_"
		    "at\":\"2025-01-01T00:00:00Z\"}\n");
	has(&set, "import-duplicate-id", 2, false);
	yoi_import_set_free(&set);
}

Test(import_beads, dependency_on_missing_issue)
{
	yoi_import_set set;
	parse(&set, "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"2025-01-"
		    "01T00:00:00Z\",\"dependencies\":[{\"issue_id\":\"a\","
		    "\"depends_on_id\":\"zz\",\"type\":\"blocks\"}]}\n");
	has(&set, "import-missing-target", 1, false);
	yoi_import_set_free(&set);
}

Test(import_beads, bad_time_and_bad_types)
{
	yoi_import_set set;
	parse(&set,
	      "{\"id\":\"a\",\"title\":\"A\",\"created_at\":\"yesterday\"}"
	      "\n{\"id\":\"b\",\"title\":[\"x\"],\"created_at\":\"2025-01-"
	      "01T00:00:00Z\",\"labels\":\"ui\"}\n");
	has(&set, "import-bad-time", 1, false);
	has(&set, "import-bad-field", 2, false);
	yoi_import_set_free(&set);
}

Test(import_beads, binary_and_nul)
{
	yoi_import_set set;
	static const char bin[] = "\x01\x02\xff\xfe{\"id\":\"a\"}\n";
	yoi_error err;
	yoi_error_clear(&err);
	memset(&set, 0, sizeof(set));
	cr_assert_eq(
	    yoi_import_parse_beads(&set, bin, sizeof(bin) - 1, PATH, &err), 0);
	has(&set, "import-bad-json", 1, false);
	yoi_import_set_free(&set);
}
