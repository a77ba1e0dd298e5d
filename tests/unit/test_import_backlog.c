/*
 * test_import_backlog.c - the Backlog.md reader (import_backlog.c): each
 * mapping row on buffers, each bad input, and the project made with the
 * real tool (tests/fixtures/import/backlog, scripts/mkfixtures-backlog.sh).
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
	return imp_parse(yoi_import_parse_backlog, set, text, path);
}

static yoi_import_ticket *one(yoi_import_set *set, const char *fm,
			      const char *body)
{
	return imp_one(yoi_import_parse_backlog, set, "backlog/tasks/t.md", fm,
		       body);
}

#define BASE                                                                   \
	"id: TASK-1\ntitle: A task\nstatus: To Do\n"                           \
	"created_date: '2026-12-03 19:46'\n"

/* A fresh backlog/ with config.yml (NULL: none) in a temporary folder. */
static char *project(const char *config)
{
	char *dir = imp_tmpdir("backlog");
	char p[4200];

	snprintf(p, sizeof(p), "%s/backlog", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/backlog/tasks", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	if (config) {
		snprintf(p, sizeof(p), "%s/backlog/config.yml", dir);
		imp_write(p, config);
	}
	return dir;
}

static void task(const char *dir, const char *name, const char *text)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/backlog/%s", dir, name);
	imp_write(p, text);
}

Test(import_backlog, fields_map)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set,
		"id: TASK-7\ntitle: 'Frontend: form'\nstatus: In Progress\n"
		"assignee:\n  - '@dave'\nreporter: '@ann'\n"
		"created_date: '2026-12-03 19:46'\n"
		"updated_date: '2026-12-04 08:05:09'\n"
		"labels:\n  - frontend\n  - ui\n"
		"dependencies:\n  - TASK-2.2\n  - task-3\n"
		"parent_task_id: task-2\npriority: high\nordinal: 5000\n"
		"milestone: m-1\ntype: feature\n",
		"\n## Description\n\n<!-- SECTION:DESCRIPTION:BEGIN -->\n"
		"The form.\n<!-- SECTION:DESCRIPTION:END -->\n");

	cr_assert_str_eq(set.tool, "backlog");
	cr_assert_str_eq(t->source_id, "TASK-7");
	cr_assert_eq(t->line, 2);
	cr_assert_str_eq(t->title, "Frontend: form");
	cr_assert_str_eq(t->state, "inprogress");
	cr_assert_str_eq(t->assignee, "dave");
	cr_assert_str_eq(t->author, "ann");
	cr_assert_str_eq(t->created_at, "2026-12-03T19:46:00Z");
	cr_assert_str_eq(t->updated_at, "2026-12-04T08:05:09Z");
	cr_assert_str_eq(t->priority, "P1");
	cr_assert_eq(t->labels.n, 3);
	cr_assert_str_eq(t->labels.v[1], "ui");
	cr_assert_str_eq(t->labels.v[2], "type:feature");
	cr_assert_eq(t->nrels, 3);
	imp_assert_rel(t, 0, "depends_on", "TASK-2.2", NULL);
	imp_assert_rel(t, 1, "depends_on", "TASK-3", NULL);
	imp_assert_rel(t, 2, "related", "TASK-2",
		       "parent in Backlog.md: this is the child");
	cr_assert_str_eq(t->body, "## Description\n\nThe form.\n");
	cr_assert_str_eq(t->kept,
			 "{\"ordinal\":\"5000\",\"milestone\":\"m-1\"}");
	cr_assert_null(t->resolution);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	yoi_import_set_free(&set);
}

Test(import_backlog, ids_are_upper_case)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = one(&set,
				   "id: task-7\ntitle: T\nstatus: To Do\n"
				   "created_date: '2026-12-03'\n",
				   "");

	cr_assert_str_eq(t->source_id, "TASK-7");
	cr_assert_str_eq(t->created_at, "2026-12-03T00:00:00Z");
	cr_assert_str_eq(t->body, "");
	cr_assert_null(t->kept);
	yoi_import_set_free(&set);
}

Test(import_backlog, states_map)
{
	static const char *const rows[][3] = {
	    /* status, folder, state */
	    {"To Do", "tasks", "ready"},
	    {"to do", "tasks", "ready"},
	    {"In Progress", "tasks", "inprogress"},
	    {"Done", "tasks", "done"},
	    {"Draft", "drafts", "planning"},
	    {"To Do", "drafts", "planning"},
	    {"Done", "completed", "closed"},
	    {"To Do", "archive/tasks", "closed"},
	    {"Draft", "archive/drafts", "closed"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		yoi_import_set set = {0};
		char fm[300], path[200];

		snprintf(fm, sizeof(fm),
			 "id: TASK-1\ntitle: T\nstatus: %s\n"
			 "created_date: '2026-12-03 19:46'\n",
			 rows[i][0]);
		snprintf(path, sizeof(path), "p/backlog/%s/task-1 - T.md",
			 rows[i][1]);
		yoi_import_ticket *t =
		    imp_one(yoi_import_parse_backlog, &set, path, fm, "");
		cr_assert_str_eq(t->state, rows[i][2], "%s in %s", rows[i][0],
				 rows[i][1]);
		if (!strcmp(rows[i][2], "closed"))
			cr_assert_not_null(t->resolution);
		else
			cr_assert_null(t->resolution);
		/* Archived: the status it had is kept. */
		if (!strcmp(rows[i][1], "archive/tasks"))
			cr_assert_str_eq(t->kept, "{\"status\":\"To Do\"}");
		else if (strcmp(rows[i][1], "archive/drafts"))
			cr_assert_null(t->kept, "%s", t->kept);
		cr_assert_eq(set.problems.n, 0);
		yoi_import_set_free(&set);
	}
}

Test(import_backlog, unknown_status_is_kept)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t = one(&set,
				   "id: TASK-1\ntitle: T\nstatus: Blocked\n"
				   "created_date: '2026-12-03 19:46'\n",
				   "");

	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->kept, "{\"status\":\"Blocked\"}");
	imp_assert_problem(&set, "import-unmapped", "backlog/tasks/t.md", 4);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 0);
	yoi_import_set_free(&set);
}

Test(import_backlog, priorities_map)
{
	static const char *const rows[][2] = {
	    {"high", "P1"}, {"HIGH", "P1"}, {"medium", "P2"}, {"low", "P3"}};

	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		yoi_import_set set = {0};
		char fm[300];

		snprintf(fm, sizeof(fm), BASE "priority: %s\n", rows[i][0]);
		yoi_import_ticket *t = one(&set, fm, "");
		cr_assert_str_eq(t->priority, rows[i][1]);
		cr_assert_null(t->kept);
		yoi_import_set_free(&set);
	}
	yoi_import_set set = {0};
	yoi_import_ticket *t = one(&set, BASE "priority: critical\n", "");
	cr_assert_null(t->priority);
	cr_assert_str_eq(t->kept, "{\"priority\":\"critical\"}");
	imp_assert_problem(&set, "import-unmapped", "backlog/tasks/t.md", 6);
	yoi_import_set_free(&set);
}

Test(import_backlog, several_assignees_keep_the_list)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set, BASE "assignee:\n  - '@dave'\n  - '@erin'\n", "");

	cr_assert_str_eq(t->assignee, "dave");
	cr_assert_str_eq(t->kept, "{\"assignee\":[\"@dave\",\"@erin\"]}");
	yoi_import_set_free(&set);
}

Test(import_backlog, comments_become_events)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set, BASE,
		"\n## Implementation Notes\n\n<!-- SECTION:NOTES:BEGIN -->\n"
		"Agreed.\n<!-- SECTION:NOTES:END -->\n\n## Comments\n\n"
		"<!-- COMMENTS:BEGIN -->\nauthor: @ann\n"
		"created: 2026-12-03 19:46\n---\nMerged.\n\n## Not a heading "
		"of the body\n---\n\ncreated: 2026-12-04 10:00\n---\n"
		"Second.\n---\n<!-- COMMENTS:END -->\n\n## Final Summary\n\n"
		"<!-- SECTION:FINAL_SUMMARY:BEGIN -->\nDone.\n"
		"<!-- SECTION:FINAL_SUMMARY:END -->\n");

	cr_assert_str_eq(t->body, "## Implementation Notes\n\nAgreed.\n\n"
				  "## Final Summary\n\nDone.\n");
	cr_assert_eq(t->nevents, 2);
	cr_assert_str_eq(t->events[0].kind, "comment");
	cr_assert_str_eq(t->events[0].author, "ann");
	cr_assert_str_eq(t->events[0].at, "2026-12-03T19:46:00Z");
	cr_assert_str_eq(t->events[0].body,
			 "Merged.\n\n## Not a heading of the body\n");
	cr_assert_null(t->events[1].author);
	cr_assert_str_eq(t->events[1].at, "2026-12-04T10:00:00Z");
	cr_assert_str_eq(t->events[1].body, "Second.\n");
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	yoi_import_set_free(&set);
}

Test(import_backlog, odd_comments_stay_in_the_body)
{
	yoi_import_set set = {0};
	yoi_import_ticket *t =
	    one(&set, BASE,
		"## Comments\n\n<!-- COMMENTS:BEGIN -->\nauthor: @ann\n"
		"when: yesterday\n---\nHi.\n---\n<!-- COMMENTS:END -->\n");

	cr_assert_eq(t->nevents, 0);
	cr_assert_str_eq(t->body, "## Comments\n\nauthor: @ann\nwhen: "
				  "yesterday\n---\nHi.\n---\n");
	imp_assert_problem(&set, "import-unmapped", "backlog/tasks/t.md", 9);
	yoi_import_set_free(&set);
}

Test(import_backlog, broken_yaml_is_a_problem_with_its_line)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set,
			   "---\nid: TASK-1\ntitle: T\nlabels: [a\n"
			   "status: To Do\n---\n",
			   "backlog/tasks/bad.md"),
		     0);
	cr_assert_eq(set.n, 0);
	cr_assert_eq(set.problems.n, 1);
	cr_assert_str_eq(set.problems.v[0].code, "import-bad-yaml");
	cr_assert_gt(set.problems.v[0].line, 3);
	yoi_import_set_free(&set);
}

Test(import_backlog, missing_id_title_time_and_bad_date)
{
	yoi_import_set set = {0};
	char *a = imp_md("title: T\nstatus: To Do\n"
			 "created_date: '2026-12-03 19:46'\n",
			 "");
	char *b = imp_md("id: TASK-2\nstatus: To Do\n"
			 "created_date: '2026-12-03 19:46'\n",
			 "");
	char *c = imp_md("id: TASK-3\ntitle: T\nstatus: To Do\n", "");
	char *d = imp_md("id: TASK-4\ntitle: T\nstatus: To Do\n"
			 "created_date: 'last week'\n",
			 "");

	cr_assert_eq(parse(&set, a, "a.md"), 0);
	cr_assert_eq(parse(&set, b, "b.md"), 0);
	cr_assert_eq(parse(&set, c, "c.md"), 0);
	cr_assert_eq(parse(&set, d, "d.md"), 0);
	yoi_import_check(&set);
	imp_assert_problem(&set, "import-no-id", "a.md", -1);
	imp_assert_problem(&set, "import-no-title", "b.md", -1);
	imp_assert_problem(&set, "import-no-time", "c.md", -1);
	imp_assert_problem(&set, "import-bad-time", "d.md", 5);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 4, "%s",
		     imp_problems(&set));
	free(a);
	free(b);
	free(c);
	free(d);
	yoi_import_set_free(&set);
}

Test(import_backlog, fixture_made_with_backlog_md)
{
	yoi_import_set set = {0};
	yoi_error err;
	char path[4096];

	yoi_error_clear(&err);
	imp_fixture(path, sizeof(path), "backlog");
	cr_assert_eq(yoi_import_read_backlog(&set, path, &err), 0, "%s",
		     err.msg);
	yoi_import_check(&set);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	cr_assert_eq(set.n, 9);

	const yoi_import_ticket *t = imp_find(&set, "TASK-1");
	cr_assert_str_eq(t->state, "closed");
	cr_assert_str_eq(t->resolution, "Completed in Backlog.md.");
	cr_assert_str_eq(t->assignee, "ann");
	cr_assert_str_eq(t->priority, "P1");
	cr_assert_str_eq(t->body,
			 "## Description\n\nToken table with expiry and single "
			 "use.\n\n## Acceptance Criteria\n- [x] #1 Migration "
			 "reviewed\n- [x] #2 Expiry documented\n\n"
			 "## Implementation Plan\n\n1. Draft the table\n"
			 "2. Review with the DBA\n\n## Implementation Notes\n\n"
			 "Schema agreed with the DBA.\n");
	cr_assert_eq(t->nevents, 1);
	cr_assert_str_eq(t->events[0].author, "ann");
	cr_assert_str_eq(t->events[0].body, "Migration merged.\n");
	cr_assert_eq(strlen(t->created_at), 20);
	cr_assert_eq(strlen(t->updated_at), 20);

	t = imp_find(&set, "TASK-2.1");
	cr_assert_str_eq(t->state, "inprogress");
	cr_assert_str_eq(t->title, "Token generation and hashing");
	cr_assert_eq(t->nrels, 2);
	imp_assert_rel(t, 0, "depends_on", "TASK-1", NULL);
	imp_assert_rel(t, 1, "related", "TASK-2",
		       "parent in Backlog.md: this is the child");
	cr_assert_eq(t->nevents, 2);
	cr_assert_str_eq(t->events[0].author, "bob");
	cr_assert_str_eq(t->events[1].author, "ann");
	cr_assert_str_eq(t->events[1].body, "Benchmarks attached.\n");
	cr_assert_str_eq(t->kept, "{\"ordinal\":\"3000\"}");

	t = imp_find(&set, "TASK-3");
	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->assignee, "dave");
	cr_assert_str_eq(t->kept,
			 "{\"assignee\":[\"@dave\",\"@erin\"],\"ordinal\":"
			 "\"5000\"}");

	t = imp_find(&set, "TASK-5"); /* the custom status Review */
	cr_assert_str_eq(t->state, "inprogress");
	cr_assert_str_eq(t->kept,
			 "{\"status\":\"Review\",\"ordinal\":\"7000\"}");

	t = imp_find(&set, "TASK-6");
	cr_assert_str_eq(t->state, "closed");
	cr_assert_str_eq(t->resolution, "Archived in Backlog.md.");

	t = imp_find(&set, "DRAFT-1");
	cr_assert_str_eq(t->state, "planning");
	cr_assert_str_eq(t->priority, "P2");
	cr_assert_null(t->kept);

	t = imp_find(&set, "TASK-4");
	cr_assert_str_eq(t->priority, "P3");
	cr_assert_str_eq(t->body, "");
	yoi_import_set_free(&set);
}

Test(import_backlog, custom_statuses_map_by_their_place)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = project("project_name: x\nstatuses: [Backlog, Doing, "
			    "Review, Shipped]\n");
	static const char *const rows[][2] = {{"Backlog", "ready"},
					      {"Doing", "inprogress"},
					      {"Review", "inprogress"},
					      {"Shipped", "done"},
					      {"To Do", "ready"}};

	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		char name[64], *s, fm[300];

		snprintf(name, sizeof(name), "tasks/task-%zu - T.md", i + 1);
		snprintf(fm, sizeof(fm),
			 "id: task-%zu\ntitle: T\nstatus: %s\n"
			 "created_date: '2026-12-03 19:46'\n",
			 i + 1, rows[i][0]);
		s = imp_md(fm, "");
		task(dir, name, s);
		free(s);
	}
	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_backlog(&set, dir, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(set.n, 5);
	for (size_t i = 0; i < 5; i++)
		cr_assert_str_eq(set.v[i].state, rows[i][1], "%s", rows[i][0]);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

Test(import_backlog, broken_config_is_a_warning_with_its_line)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = project("project_name: x\nstatuses: [a, b\nlabels: []\n");
	char *s = imp_md(BASE, "");
	char p[4200];

	task(dir, "tasks/task-1 - A.md", s);
	free(s);
	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_backlog(&set, dir, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(set.n, 1);
	cr_assert_str_eq(set.v[0].state, "ready");
	snprintf(p, sizeof(p), "%s/backlog/config.yml", dir);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 0);
	imp_assert_problem(&set, "import-bad-yaml", p, -1);
	cr_assert_geq(set.problems.v[0].line, 2, "%s", imp_problems(&set));
	cr_assert_leq(set.problems.v[0].line, 3, "%s", imp_problems(&set));
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

Test(import_backlog, duplicates_missing_deps_huge_file_and_docs)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = project(NULL);
	char p[4200];
	char *a = imp_md(BASE "dependencies: [TASK-9]\n", "");
	int fd;

	snprintf(p, sizeof(p), "%s/backlog/completed", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/backlog/docs", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	task(dir, "docs/doc-1 - Guide.md", "# Guide\n");
	task(dir, "tasks/task-1 - A.md", a);
	task(dir, "completed/task-1 - A.md", a);
	snprintf(p, sizeof(p), "%s/backlog/tasks/task-2 - Big.md", dir);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)100 << 20), 0); /* sparse */
	close(fd);
	free(a);

	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_backlog(&set, dir, &err), 0, "%s",
		     err.msg);
	yoi_import_check(&set);
	cr_assert_eq(set.n, 2);
	imp_assert_problem(&set, "import-too-large", p, 0);
	snprintf(p, sizeof(p), "%s/backlog/completed/task-1 - A.md", dir);
	imp_assert_problem(&set, "import-duplicate-id", p, 2);
	snprintf(p, sizeof(p), "%s/backlog/tasks/task-1 - A.md", dir);
	imp_assert_problem(&set, "import-missing-target", p, 2);
	snprintf(p, sizeof(p), "%s/backlog/docs", dir);
	imp_assert_problem(&set, "import-not-a-task", p, 0);
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

Test(import_backlog, missing_or_empty_is_not_found)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = project(NULL);

	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_backlog(&set, "/nonexistent/b", &err),
		     YOI_ENOTFOUND);
	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_backlog(&set, dir, &err), YOI_ENOTFOUND);
	cr_assert_not_null(strstr(err.msg, "no Backlog.md task"), "%s",
			   err.msg);
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}
