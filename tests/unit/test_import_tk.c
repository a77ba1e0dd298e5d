/*
 * test_import_tk.c - the tk reader (import_tk.c): each mapping row on
 * buffers, each bad input, and the real sample made with tk
 * (tests/fixtures/import/tk).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/import.h"

#include "import_fix.h"

static int parse(yoi_import_set *set, const char *text, const char *path)
{
	return imp_parse(yoi_import_parse_tk, set, text, path);
}

static yoi_import_ticket *one(yoi_import_set *set, const char *fm,
			      const char *body)
{
	return imp_one(yoi_import_parse_tk, set, "t.md", fm, body);
}

#define BASE "id: a-1\nstatus: open\ncreated: 2026-12-03T09:35:48Z\n"

Test(import_tk, fields_map)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = one(&set,
				   BASE "deps: [a-2, a-3]\nlinks: [a-4]\n"
					"type: bug\npriority: 0\n"
					"assignee: Ann Example\nparent: a-5\n"
					"tags: [auth, ui]\n"
					"external-ref: gh-42\n",
				   "# The title\n\nSome text.\n");

	cr_assert_str_eq(set.tool, "tk");
	cr_assert_str_eq(t->source_id, "a-1");
	cr_assert_str_eq(t->file, "t.md");
	cr_assert_eq(t->line, 2);
	cr_assert_str_eq(t->title, "The title");
	cr_assert_str_eq(t->body, "Some text.\n");
	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->priority, "P0");
	cr_assert_str_eq(t->assignee, "Ann Example");
	cr_assert_str_eq(t->created_at, "2026-12-03T09:35:48Z");
	cr_assert_null(t->updated_at);
	cr_assert_null(t->author);
	cr_assert_eq(t->labels.n, 3);
	cr_assert_str_eq(t->labels.v[0], "auth");
	cr_assert_str_eq(t->labels.v[1], "ui");
	cr_assert_str_eq(t->labels.v[2], "type:bug");
	cr_assert_eq(t->nrels, 4);
	imp_assert_rel(t, 0, "depends_on", "a-2", NULL);
	imp_assert_rel(t, 1, "depends_on", "a-3", NULL);
	imp_assert_rel(t, 2, "related", "a-4", NULL);
	imp_assert_rel(t, 3, "related", "a-5",
		       "parent in tk: this is the child");
	cr_assert_str_eq(t->kept, "{\"external-ref\":\"gh-42\"}");
	cr_assert_eq(set.problems.n, 0);
	yoi_import_set_free(&set);
}

Test(import_tk, states_map)
{
	static const char *const rows[][2] = {
	    {"open", "ready"},
	    {"in_progress", "inprogress"},
	    {"needs_testing", "done"},
	    {"closed", "closed"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		yoi_import_set set = {0};
		char fm[200];

		snprintf(fm, sizeof(fm),
			 "id: a-1\nstatus: %s\ncreated: 2026-12-03T09:35:48Z\n",
			 rows[i][0]);
		yoi_import_ticket *t = one(&set, fm, "# T\n");
		cr_assert_str_eq(t->state, rows[i][1], "%s", rows[i][0]);
		cr_assert_null(t->kept);
		if (!strcmp(rows[i][1], "closed"))
			cr_assert_not_null(t->resolution);
		else
			cr_assert_null(t->resolution);
		cr_assert_eq(set.problems.n, 0);
		yoi_import_set_free(&set);
	}
}

Test(import_tk, priorities_map)
{
	for (int p = 0; p <= 4; p++) {
		yoi_import_set set = {0};
		char fm[200], want[16];

		snprintf(fm, sizeof(fm), BASE "priority: %d\n", p);
		snprintf(want, sizeof(want), "P%d", p);
		yoi_import_ticket *t = one(&set, fm, "# T\n");
		cr_assert_str_eq(t->priority, want);
		yoi_import_set_free(&set);
	}
}

Test(import_tk, unknown_status_and_priority_are_kept)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set,
		"id: a-1\nstatus: parked\ncreated: 2026-12-03T09:35:48Z\n"
		"priority: urgent\n",
		"# T\n");

	cr_assert_str_eq(t->state, "ready");
	cr_assert_null(t->priority);
	cr_assert_str_eq(t->kept,
			 "{\"status\":\"parked\",\"priority\":\"urgent\"}");
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 0);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_WARNING), 2);
	imp_assert_problem(&set, "import-unmapped", "t.md", 3);
	yoi_import_set_free(&set);
}

Test(import_tk, notes_become_comments)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set, BASE,
		"# Flaky test\n\nFails one run in twenty.\n\n"
		"## Design\n\nRetry.\n\n\n## Notes\n\n"
		"**2026-12-03T10:00:00Z**\n\nFirst note.\n\n"
		"**2026-12-04T11:30:00Z**\n\nSecond note,\non two lines.\n");

	cr_assert_str_eq(t->title, "Flaky test");
	cr_assert_str_eq(t->body,
			 "Fails one run in twenty.\n\n## Design\n\nRetry.\n");
	cr_assert_eq(t->nevents, 2);
	cr_assert_str_eq(t->events[0].kind, "comment");
	cr_assert_null(t->events[0].author);
	cr_assert_str_eq(t->events[0].at, "2026-12-03T10:00:00Z");
	cr_assert_str_eq(t->events[0].body, "First note.\n");
	cr_assert_str_eq(t->events[1].at, "2026-12-04T11:30:00Z");
	cr_assert_str_eq(t->events[1].body, "Second note,\non two lines.\n");
	cr_assert_str_eq(t->updated_at, "2026-12-04T11:30:00Z");
	yoi_import_set_free(&set);
}

Test(import_tk, notes_without_stamps_stay_in_the_body)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set, BASE,
		"# T\n\nText.\n\n## Notes\n\nMigrated from beads.\n\n"
		"**2026-12-03T10:00:00Z**\n\nA note.\n");

	cr_assert_str_eq(t->body,
			 "Text.\n\n## Notes\n\nMigrated from beads.\n");
	cr_assert_eq(t->nevents, 1);
	cr_assert_str_eq(t->events[0].body, "A note.\n");
	yoi_import_set_free(&set);
}

Test(import_tk, crlf_file)
{
	yoi_import_set set = {0};
	const char *s = "---\r\nid: a-1\r\nstatus: open\r\n"
			"created: 2026-12-03T09:35:48Z\r\n---\r\n"
			"# Title\r\n\r\nText.\r\n\r\n## Notes\r\n\r\n"
			"**2026-12-03T10:00:00Z**\r\n\r\nN.\r\n";

	cr_assert_eq(parse(&set, s, "t.md"), 0);
	cr_assert_eq(set.n, 1);
	cr_assert_str_eq(set.v[0].title, "Title");
	cr_assert_str_eq(set.v[0].body, "Text.\n");
	cr_assert_eq(set.v[0].nevents, 1);
	cr_assert_str_eq(set.v[0].events[0].body, "N.\n");
	yoi_import_set_free(&set);
}

Test(import_tk, broken_yaml_is_a_problem_with_its_line)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set,
			   "---\nid: a-1\nstatus: open\ndeps: [a-2\n"
			   "created: x\n---\n# T\n",
			   "bad.md"),
		     0);
	cr_assert_eq(set.n, 0);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 1);
	cr_assert_str_eq(set.problems.v[0].code, "import-bad-yaml");
	cr_assert_str_eq(set.problems.v[0].path, "bad.md");
	cr_assert_gt(set.problems.v[0].line, 1);
	cr_assert_null(strstr(set.problems.v[0].message, "bad.md"));
	yoi_import_set_free(&set);
}

Test(import_tk, not_a_ticket_file)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "just text\n", "x.md"), 0);
	cr_assert_eq(parse(&set, "", "y.md"), 0);
	cr_assert_eq(set.n, 0);
	imp_assert_problem(&set, "import-bad-yaml", "x.md", 1);
	imp_assert_problem(&set, "import-bad-yaml", "y.md", -1);
	yoi_import_set_free(&set);
}

Test(import_tk, missing_id_title_and_time_are_errors)
{
	yoi_import_set set = {0};
	char *a =
	    imp_md("status: open\ncreated: 2026-12-03T09:35:48Z\n", "# T\n");
	char *b =
	    imp_md("id: a-2\nstatus: open\ncreated: 2026-12-03T09:35:48Z\n",
		   "no heading\n");
	char *c = imp_md("id: a-3\nstatus: open\n", "# T\n");

	cr_assert_eq(parse(&set, a, "a.md"), 0);
	cr_assert_eq(parse(&set, b, "b.md"), 0);
	cr_assert_eq(parse(&set, c, "c.md"), 0);
	yoi_import_check(&set);
	imp_assert_problem(&set, "import-no-id", "a.md", -1);
	imp_assert_problem(&set, "import-no-title", "b.md", -1);
	imp_assert_problem(&set, "import-no-time", "c.md", -1);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 3);
	free(a);
	free(b);
	free(c);
	yoi_import_set_free(&set);
}

Test(import_tk, bad_time_is_an_error_at_its_line)
{
	yoi_import_set set = {0};
	char *a =
	    imp_md("id: a-1\nstatus: open\ncreated: yesterday\n", "# T\n");

	cr_assert_eq(parse(&set, a, "a.md"), 0);
	yoi_import_check(&set);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 1);
	imp_assert_problem(&set, "import-bad-time", "a.md", 4);
	free(a);
	yoi_import_set_free(&set);
}

Test(import_tk, duplicate_ids_and_missing_deps)
{
	yoi_import_set set = {0};
	char *a = imp_md(BASE "deps: [a-9]\n", "# T\n");
	char *b = imp_md(BASE, "# U\n");

	cr_assert_eq(parse(&set, a, "a.md"), 0);
	cr_assert_eq(parse(&set, b, "b.md"), 0);
	yoi_import_check(&set);
	imp_assert_problem(&set, "import-duplicate-id", "b.md", 2);
	imp_assert_problem(&set, "import-missing-target", "a.md", 2);
	free(a);
	free(b);
	yoi_import_set_free(&set);
}

Test(import_tk, odd_relation_fields_are_kept)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set, BASE "deps:\n  x: 1\nlinks: a-7\n", "# T\n");

	cr_assert_eq(t->nrels, 1);
	imp_assert_rel(t, 0, "related", "a-7", NULL);
	cr_assert_str_eq(t->kept, "{\"deps\":\"x: 1\"}");
	imp_assert_problem(&set, "import-unmapped", "t.md", 5);
	yoi_import_set_free(&set);
}

Test(import_tk, sample_made_with_tk)
{
	yoi_import_set set = {0};
	yoi_error err;
	char path[4096];

	yoi_error_clear(&err);
	imp_fixture(path, sizeof(path), "tk");
	cr_assert_eq(yoi_import_read_tk(&set, path, &err), 0, "%s", err.msg);
	yoi_import_check(&set);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	cr_assert_eq(set.n, 10);

	const yoi_import_ticket *t = imp_find(&set, "tkg-nzxk");
	cr_assert_str_eq(t->title, "Flaky login test on CI");
	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->priority, "P0");
	cr_assert_str_eq(t->body, "Fails one run in twenty with a timeout.\n");
	cr_assert_eq(t->nevents, 1);
	cr_assert_str_eq(t->events[0].at, "2026-12-03T09:35:49Z");
	cr_assert_str_eq(t->events[0].body,
			 "Retry with a longer timeout did not help.\n");
	cr_assert_str_eq(t->updated_at, "2026-12-03T09:35:49Z");
	cr_assert_null(t->kept);
	cr_assert_eq(t->labels.n, 1);
	cr_assert_str_eq(t->labels.v[0], "type:bug");
	/* The link both files hold is kept once, on the smaller id. */
	cr_assert_eq(t->nrels, 0);
	t = imp_find(&set, "tkg-3125");
	cr_assert_eq(t->nrels, 2);
	imp_assert_rel(t, 0, "depends_on", "tkg-8j1c", NULL);
	imp_assert_rel(t, 1, "related", "tkg-nzxk", NULL);
	cr_assert_eq(t->labels.n, 2);
	cr_assert_str_eq(t->labels.v[0], "security");
	cr_assert_str_eq(t->labels.v[1], "type:task");

	t = imp_find(&set, "tkg-qz8j");
	cr_assert_str_eq(t->state, "closed");
	cr_assert_str_eq(t->body, "## Design\n\nToken table with expiry and "
				  "single use.\n\n## Acceptance Criteria\n\n"
				  "Migration reviewed\n");
	cr_assert_eq(t->nevents, 1);
	cr_assert_null(t->updated_at); /* the note is as old as the ticket */

	t = imp_find(&set, "tkg-n7z9");
	cr_assert_str_eq(t->state, "inprogress");
	cr_assert_str_eq(t->kept, "{\"external-ref\":\"gh-42\"}");
	cr_assert_str_eq(t->labels.v[0], "type:feature");
	cr_assert_eq(t->nrels, 1);
	imp_assert_rel(t, 0, "related", "tkg-f7yh",
		       "parent in tk: this is the child");

	t = imp_find(&set, "tkg-8j1c");
	cr_assert_eq(t->nrels, 3);
	imp_assert_rel(t, 0, "depends_on", "tkg-cwzy", NULL);
	imp_assert_rel(t, 1, "depends_on", "tkg-n7z9", NULL);
	cr_assert_str_eq(t->assignee, "erin");
	yoi_import_set_free(&set);
}

Test(import_tk, folder_holding_tickets_and_the_folder_itself)
{
	char path[4096], sub[4200];
	yoi_error err;

	imp_fixture(path, sizeof(path), "tk");
	snprintf(sub, sizeof(sub), "%s/.tickets", path);
	for (int i = 0; i < 2; i++) {
		yoi_import_set set = {0};

		yoi_error_clear(&err);
		cr_assert_eq(yoi_import_read_tk(&set, i ? sub : path, &err), 0);
		cr_assert_eq(set.n, 10);
		cr_assert(!strncmp(set.v[0].file, sub, strlen(sub)), "%s",
			  set.v[0].file);
		yoi_import_set_free(&set);
	}
}

Test(import_tk, missing_or_empty_folder_is_not_found)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = imp_tmpdir("tk");

	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_tk(&set, "/nonexistent/tk", &err),
		     YOI_ENOTFOUND);
	cr_assert_str_eq(err.path, "/nonexistent/tk");
	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_tk(&set, dir, &err), YOI_ENOTFOUND);
	cr_assert_not_null(strstr(err.msg, "no tk ticket"), "%s", err.msg);
	cr_assert_eq(set.n, 0);
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

Test(import_tk, huge_file_is_not_read_and_the_rest_is)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = imp_tmpdir("tk");
	char p[4200];
	int fd;

	snprintf(p, sizeof(p), "%s/.tickets", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/.tickets/big.md", dir);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	/* 100 MiB, sparse: nothing is written to the disk. */
	cr_assert_eq(ftruncate(fd, (off_t)100 << 20), 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/.tickets/ok.md", dir);
	imp_write(p, "---\n" BASE "---\n# Fine\n");

	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_tk(&set, dir, &err), 0, "%s", err.msg);
	cr_assert_eq(set.n, 1);
	cr_assert_str_eq(set.v[0].title, "Fine");
	snprintf(p, sizeof(p), "%s/.tickets/big.md", dir);
	imp_assert_problem(&set, "import-too-large", p, 0);
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

Test(import_tk, symlinked_file_is_not_followed)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = imp_tmpdir("tk");
	char p[4200], q[4200];

	snprintf(p, sizeof(p), "%s/.tickets", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/outside.md", dir);
	imp_write(p, "---\n" BASE "---\n# Outside\n");
	snprintf(q, sizeof(q), "%s/.tickets/link.md", dir);
	cr_assert_eq(symlink(p, q), 0);
	snprintf(p, sizeof(p), "%s/.tickets/ok.md", dir);
	imp_write(p, "---\nid: a-2\nstatus: open\n"
		     "created: 2026-12-03T09:35:48Z\n---\n# Fine\n");

	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_tk(&set, dir, &err), 0, "%s", err.msg);
	cr_assert_eq(set.n, 1);
	cr_assert_str_eq(set.v[0].title, "Fine");
	imp_assert_problem(&set, "import-unreadable", q, 0);
	cr_assert_eq(set.problems.v[0].severity, YOI_DIAG_ERROR);
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

/* Found by fuzz_import_tk: a title line "# " with nothing after it (or
 * only spaces) made a negative length for the title copy. */
Test(import_tk, empty_title_line)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = one(&set, BASE, "# \nText.\n");

	cr_assert(!t->title || !*t->title);
	cr_assert_str_eq(t->body, "Text.\n");
	yoi_import_check(&set);
	imp_assert_problem(&set, "import-no-title", "t.md", 2);
	yoi_import_set_free(&set);
}

/* Found by fuzz_import_github: a year before 1970 (0735) read as a time,
 * which no ticket ID can carry and which wrote back as "735-...". */
Test(import_tk, time_before_1970_is_bad)
{
	yoi_import_set set = {0};
	char *a =
	    imp_md("id: a-1\nstatus: open\ncreated: 0735-11-02T10:00:00Z\n",
		   "# T\n\n## Notes\n\n**1969-12-31T23:59:59Z**\n\nOld.\n");

	cr_assert_eq(parse(&set, a, "a.md"), 0);
	imp_assert_problem(&set, "import-bad-time", "a.md", 4);
	/* not a stamp: the line stays in the body's Notes */
	cr_assert_eq(set.v[0].nevents, 0);
	free(a);
	yoi_import_set_free(&set);
}
