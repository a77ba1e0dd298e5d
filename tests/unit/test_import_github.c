/*
 * test_import_github.c - the GitHub issues reader (import_github.c):
 * each mapping row on buffers, each bad input, and a fixture in the shape
 * `gh issue list --json ...` writes (tests/fixtures/import/github).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yoi/import.h"

#include "import_fix.h"

static int parse(yoi_import_set *set, const char *text)
{
	yoi_error err;

	yoi_error_clear(&err);
	return yoi_import_parse_github(set, text, strlen(text), "i.json", &err);
}

#define ISSUE(extra)                                                           \
	"{\"number\": 7, \"title\": \"T\", \"state\": \"OPEN\", "              \
	"\"createdAt\": \"2026-11-02T09:14:07Z\"" extra "}"

Test(import_github, fields_map)
{
	yoi_import_set set = {0};

	cr_assert_eq(
	    parse(
		&set,
		"[{\"number\": 42, \"title\": \"Reset\", "
		"\"body\": \"Line one.\\r\\n\\r\\nLine two.\", "
		"\"state\": \"OPEN\", \"url\": \"https://x/42\", "
		"\"labels\": [{\"name\": \"bug\", \"color\": \"d73a4a\"}, "
		"{\"name\": \"auth\"}], "
		"\"assignees\": [{\"login\": \"ann\", \"name\": \"Ann\"}], "
		"\"author\": {\"login\": \"bob\"}, "
		"\"createdAt\": \"2026-11-02T09:14:07Z\", \"closedAt\": null, "
		"\"milestone\": {\"title\": \"v2\"}, "
		"\"comments\": [{\"author\": {\"login\": \"carol\"}, "
		"\"body\": \"Yes.\", \"createdAt\": \"2026-11-03T08:00:00Z\", "
		"\"url\": \"u\"}, {\"author\": null, \"body\": \"Gone.\", "
		"\"createdAt\": \"2026-11-04T08:00:00+02:00\"}]}]"),
	    0);
	cr_assert_eq(set.n, 1);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	const yoi_import_ticket *t = &set.v[0];
	cr_assert_str_eq(set.tool, "github");
	cr_assert_str_eq(t->source_id, "42");
	cr_assert_str_eq(t->title, "Reset");
	cr_assert_str_eq(t->body, "Line one.\n\nLine two.\n");
	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->assignee, "ann");
	cr_assert_str_eq(t->author, "bob");
	cr_assert_str_eq(t->created_at, "2026-11-02T09:14:07Z");
	cr_assert_null(t->closed_at);
	cr_assert_null(t->priority);
	cr_assert_eq(t->labels.n, 2);
	cr_assert_str_eq(t->labels.v[0], "bug");
	cr_assert_str_eq(t->labels.v[1], "auth");
	cr_assert_eq(t->nrels, 0);
	cr_assert_eq(t->nevents, 2);
	cr_assert_str_eq(t->events[0].kind, "comment");
	cr_assert_str_eq(t->events[0].author, "carol");
	cr_assert_str_eq(t->events[0].at, "2026-11-03T08:00:00Z");
	cr_assert_str_eq(t->events[0].body, "Yes.\n");
	cr_assert_null(t->events[1].author);
	cr_assert_str_eq(t->events[1].at, "2026-11-04T06:00:00Z");
	cr_assert_str_eq(t->kept, "{\"url\":\"https://x/42\",\"milestone\":"
				  "{\"title\":\"v2\"}}");
	yoi_import_set_free(&set);
}

Test(import_github, closed_issue)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "[{\"number\": 7, \"title\": \"T\", "
				 "\"state\": \"CLOSED\", "
				 "\"createdAt\": \"2026-11-02T09:14:07Z\", "
				 "\"closedAt\": \"2026-11-20T11:02:51Z\", "
				 "\"stateReason\": \"NOT_PLANNED\"}]"),
		     0);
	cr_assert_eq(set.n, 1);
	cr_assert_str_eq(set.v[0].state, "closed");
	cr_assert_str_eq(set.v[0].closed_at, "2026-11-20T11:02:51Z");
	cr_assert_str_eq(set.v[0].resolution,
			 "Closed on GitHub (NOT_PLANNED).");
	cr_assert_null(set.v[0].kept);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	yoi_import_set_free(&set);
}

Test(import_github, repeated_key_is_bad_json)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "[" ISSUE(", \"state\": \"CLOSED\"") "]"), 0);
	cr_assert_eq(set.n, 0);
	imp_assert_problem(&set, "import-bad-json", "i.json", 1);
	yoi_import_set_free(&set);
}

Test(import_github, states_map)
{
	static const char *const rows[][2] = {{"OPEN", "ready"},
					      {"open", "ready"},
					      {"CLOSED", "closed"},
					      {"closed", "closed"}};

	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		yoi_import_set set = {0};
		char buf[300];

		snprintf(buf, sizeof(buf),
			 "[{\"number\": 1, \"title\": \"T\", \"state\": "
			 "\"%s\", \"createdAt\": \"2026-11-02T09:14:07Z\"}]",
			 rows[i][0]);
		cr_assert_eq(parse(&set, buf), 0);
		cr_assert_eq(set.n, 1);
		cr_assert_str_eq(set.v[0].state, rows[i][1]);
		cr_assert_eq(set.problems.n, 0);
		yoi_import_set_free(&set);
	}
	yoi_import_set set = {0};
	cr_assert_eq(parse(&set,
			   "[{\"number\": 1, \"title\": \"T\", \"state\": "
			   "\"MERGED\", \"createdAt\": "
			   "\"2026-11-02T09:14:07Z\"}]"),
		     0);
	cr_assert_str_eq(set.v[0].state, "ready");
	cr_assert_str_eq(set.v[0].kept, "{\"state\":\"MERGED\"}");
	imp_assert_problem(&set, "import-unmapped", "i.json", 1);
	yoi_import_set_free(&set);
}

Test(import_github, several_assignees_are_kept)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "[" ISSUE(", \"assignees\": [{\"login\": "
					   "\"a\"}, {\"login\": \"b\"}]") "]"),
		     0);
	cr_assert_str_eq(set.v[0].assignee, "a");
	cr_assert_str_eq(set.v[0].kept, "{\"assignees\":[\"a\",\"b\"]}");
	yoi_import_set_free(&set);
}

Test(import_github, mentions_are_not_dependencies)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "[" ISSUE(", \"body\": \"Needs #12 and "
					   "blocks #13.\"") "]"),
		     0);
	cr_assert_eq(set.v[0].nrels, 0);
	yoi_import_set_free(&set);
}

Test(import_github, not_json_or_not_an_array)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "[\n{\"number\": 1,\n\"title\": }\n]"), 0);
	imp_assert_problem(&set, "import-bad-json", "i.json", 3);
	cr_assert_eq(parse(&set, "{\"issues\": []}"), 0);
	cr_assert_eq(parse(&set, ""), 0);
	cr_assert_eq(set.n, 0);
	cr_assert_eq(yoi_diag_count(&set.problems, YOI_DIAG_ERROR), 3);
	yoi_import_set_free(&set);
}

Test(import_github, wrong_types_are_reported_by_element_and_line)
{
	yoi_import_set set = {0};
	const char *doc =
	    "[\n"
	    "  " ISSUE(
		"") ",\n"
		    "  42,\n"
		    "  {\"number\": \"8\", \"title\": 5, \"state\": \"OPEN\",\n"
		    "   \"createdAt\": \"2026-11-02T09:14:07Z\"},\n"
		    "  {\"number\": 9, \"title\": \"T\", \"labels\": \"bug\",\n"
		    "   \"assignees\": [\"ann\"], \"author\": \"bob\",\n"
		    "   \"comments\": [{\"body\": 1}, 3],\n"
		    "   \"createdAt\": \"yesterday\"}\n"
		    "]\n";

	cr_assert_eq(parse(&set, doc), 0);
	cr_assert_eq(set.n, 3); /* the number 42 is no issue at all */
	cr_assert_str_eq(set.v[0].source_id, "7");
	imp_assert_problem(&set, "import-bad-json", "i.json", 3);
	imp_assert_problem(&set, "import-bad-field", "i.json", 4);
	imp_assert_problem(&set, "import-bad-field", "i.json", 6);
	imp_assert_problem(&set, "import-bad-time", "i.json", 6);
	/* The element is named in the message. */
	cr_assert_not_null(strstr(set.problems.v[0].message, "issue 2"), "%s",
			   set.problems.v[0].message);
	yoi_import_check(&set);
	imp_assert_problem(&set, "import-no-id", "i.json", 4);
	for (size_t i = 0; i < set.problems.n; i++)
		cr_assert_eq(set.problems.v[i].severity, YOI_DIAG_ERROR);
	yoi_import_set_free(&set);
}

Test(import_github, duplicate_numbers)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set, "[\n" ISSUE("") ",\n" ISSUE("") "\n]"), 0);
	yoi_import_check(&set);
	imp_assert_problem(&set, "import-duplicate-id", "i.json", 3);
	yoi_import_set_free(&set);
}

Test(import_github, fixture)
{
	yoi_import_set set = {0};
	yoi_error err;
	char path[4096];

	yoi_error_clear(&err);
	imp_fixture(path, sizeof(path), "github/issues.json");
	cr_assert_eq(yoi_import_read_github(&set, path, &err), 0, "%s",
		     err.msg);
	yoi_import_check(&set);
	cr_assert_eq(set.problems.n, 0, "%s", imp_problems(&set));
	cr_assert_eq(set.n, 5);
	cr_assert_eq(set.v[1].line, 76, "%d", set.v[1].line);

	const yoi_import_ticket *t = imp_find(&set, "14");
	cr_assert_str_eq(t->title, "Password reset by email");
	cr_assert_str_eq(t->state, "ready");
	cr_assert_str_eq(t->author, "bob-example");
	cr_assert_str_eq(t->assignee, "ann-example");
	cr_assert_eq(t->labels.n, 2);
	cr_assert_eq(t->nevents, 2);
	cr_assert_str_eq(t->events[1].author, "carol-example");
	cr_assert_str_eq(t->events[1].body, "Please rate-limit the request "
					    "endpoint.\n\n```\n5 per hour per "
					    "address\n```\n");
	cr_assert_null(strchr(t->body, '\r'));
	cr_assert_eq(t->nrels, 0);
	cr_assert_null(t->kept);

	t = imp_find(&set, "12");
	cr_assert_str_eq(t->state, "closed");
	cr_assert_str_eq(t->closed_at, "2026-11-20T11:02:51Z");
	cr_assert_str_eq(t->resolution, "Closed on GitHub.");
	cr_assert_str_eq(t->kept,
			 "{\"assignees\":[\"carol-example\",\"ann-example\"]}");

	t = imp_find(&set, "15");
	cr_assert_str_eq(t->body, "");
	cr_assert_str_eq(t->events[0].author, "ghost");
	yoi_import_set_free(&set);
}

Test(import_github, missing_file_folder_and_huge_file)
{
	yoi_import_set set = {0};
	yoi_error err;
	char *dir = imp_tmpdir("gh");
	char p[4200];
	int fd;

	yoi_error_clear(&err);
	cr_assert_eq(yoi_import_read_github(&set, "/nonexistent.json", &err),
		     YOI_ENOTFOUND);
	cr_assert_eq(yoi_import_read_github(&set, dir, &err), YOI_ENOTFOUND);
	snprintf(p, sizeof(p), "%s/big.json", dir);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)100 << 20), 0); /* sparse */
	close(fd);
	cr_assert_eq(yoi_import_read_github(&set, p, &err), 0);
	imp_assert_problem(&set, "import-too-large", p, 0);
	cr_assert_eq(set.n, 0);
	yoi_import_set_free(&set);
	imp_rmtree(dir);
}

/* Found by fuzz_import_github: a year before 1970 read as a time. */
Test(import_github, time_before_1970_is_bad)
{
	yoi_import_set set = {0};

	cr_assert_eq(parse(&set,
			   "[{\"number\": 1, \"title\": \"T\", "
			   "\"createdAt\": \"2026-11-02T09:14:07Z\", "
			   "\"comments\": [{\"author\": null, \"body\": "
			   "\"b\", \"createdAt\": \"0735-11-02 10:00\"}]}]"),
		     0);
	imp_assert_problem(&set, "import-bad-time", "i.json", 1);
	cr_assert_eq(set.v[0].nevents, 0);
	yoi_import_set_free(&set);
}
