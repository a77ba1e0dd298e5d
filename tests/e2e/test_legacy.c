/*
 * End-to-end: stores written by other tools (issue 13).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A ticket without artifacts/ (an older tool made none): the commands
 * that write there create it. */
Test(legacy, commands_that_write_artifacts_create_the_directory)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B");
	char arts[256];
	snprintf(arts, sizeof(arts), "%s", e2e_tpath(a, "artifacts"));
	cr_assert_eq(e2e_sh(dir, "rm -rf '%s'", arts), 0);
	e2e_result r = RUN(dir, "relation", "add", a, "--kind", "depends_on",
			   "--target", b);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(dir, e2e_tpath(a, "artifacts/relations.json")));
	cr_assert_eq(e2e_sh(dir, "rm -rf '%s'", arts), 0);
	r = RUN(dir, "plan", "add", a, "--kind", "waiting_capacity_note",
		"--note", "later");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(e2e_exists(
	    dir, e2e_tpath(a, "artifacts/orchestration-plan.jsonl")));
	free(a);
	free(b);
	e2e_rm(dir);
}
