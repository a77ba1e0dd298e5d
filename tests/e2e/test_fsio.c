/*
 * End-to-end: the file layer in a hostile tree (issue 11). Special files
 * in place of ticket files never hang a reader; no write goes through a
 * symbolic link anywhere below the repository top; temporary files never
 * show in `git status` and a killed writer's are swept by the next one;
 * doctor reads each ticket consistently next to writers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* A ticket with a relation and a plan record, so every file exists. */
static char *full_ticket(const char *dir)
{
	char *id = strdup(OK_LINE(dir, "create", "--title", "Full"));
	char *other = OK_LINE(dir, "create", "--title", "Other");
	e2e_result r = RUN(dir, "relation", "add", id, "--kind", "depends_on",
			   "--target", other);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "plan", "add", id, "--kind", "waiting_capacity_note",
		"--note", "n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	return id;
}

/* ---- finding 9: FIFOs and special files --------------------------------- */

static void no_hang_with_fifo(const char *file)
{
	char *dir = e2e_store();
	char *id = full_ticket(dir);
	const char *rel = e2e_tpath(id, file);
	cr_assert_eq(e2e_sh(dir, "rm %s && mkfifo %s", rel, rel), 0);
	const char *const cmds[][5] = {
	    {"show", id, NULL}, {"list", "--state", "all", NULL},
	    {"doctor", NULL},	{"render", "--html", "out", NULL},
	    {"route", NULL},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		e2e_result r = e2e_run(dir, NULL, cmds[i]);
		/* The harness kills a run after 60 s: 128 + 9. */
		cr_assert_lt(r.status, 128, "%s with a FIFO as %s: status %d",
			     cmds[i][0], file, r.status);
		cr_assert(r.status == 0 || strstr(r.err, file) ||
			      strstr(r.out, file),
			  "%s with a FIFO as %s: status %d without naming "
			  "it:\n%s%s",
			  cmds[i][0], file, r.status, r.out, r.err);
		if (strcmp(cmds[i][0], "doctor") == 0)
			cr_assert_eq(r.status, 1, "doctor: %s", r.out);
		if (strcmp(cmds[i][0], "show") == 0 &&
		    (strcmp(file, "item.md") == 0 ||
		     strcmp(file, "thread.md") == 0))
			cr_assert_neq(r.status, 0, "show read a FIFO as %s",
				      file);
		e2e_free(&r);
	}
	free(id);
	e2e_rm(dir);
}

Test(fsio, fifo_as_item_md_does_not_hang)
{
	no_hang_with_fifo("item.md");
}
Test(fsio, fifo_as_thread_md_does_not_hang)
{
	no_hang_with_fifo("thread.md");
}
Test(fsio, fifo_as_relations_json_does_not_hang)
{
	no_hang_with_fifo("artifacts/relations.json");
}
Test(fsio, fifo_as_plan_does_not_hang)
{
	no_hang_with_fifo("artifacts/orchestration-plan.jsonl");
}
