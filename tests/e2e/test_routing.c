/* End-to-end: the dependency guards of SPEC 8 on real stores. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* relations.json for a ticket, written by hand. */
static void relate(const char *dir, const char *from, const char *kind,
		   const char *to)
{
	char path[256], text[1024];
	snprintf(path, sizeof(path), ".yoi/tickets/%s/artifacts/relations.json",
		 from);
	snprintf(text, sizeof(text),
		 "{\n  \"version\": 1,\n  \"relations\": [\n    {\n"
		 "      \"ticket_id\": \"%s\",\n      \"kind\": \"%s\",\n"
		 "      \"target\": \"%s\",\n      \"author\": \"t\",\n"
		 "      \"at\": \"2026-06-27T19:08:16Z\"\n    }\n  ]\n}\n",
		 from, kind, to);
	e2e_write(dir, path, text);
}

static void move(const char *dir, const char *id, const char *to, int want)
{
	e2e_result r = to[0] == 'r'
			       ? RUN(dir, "state", id, to, "--summary", "s")
			       : RUN(dir, "state", id, to);
	cr_assert_eq(r.status, want, "state %s %s: %s", id, to, r.err);
	e2e_free(&r);
}

Test(routing, queue_and_start_guards_name_the_blocker)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A needs B");
	char *b = OK_LINE(dir, "create", "--title", "B");
	relate(dir, a, "depends_on", b);
	move(dir, a, "ready", 0);
	/* B is planning: the queue guard refuses. */
	e2e_result r = RUN(dir, "state", a, "queued");
	cr_assert_eq(r.status, 4);
	char want[128];
	snprintf(want, sizeof(want),
		 "waiting for %s via depends_on (state: planning)", b);
	cr_assert(strstr(r.err, want), "%s", r.err);
	e2e_free(&r);
	/* B queued: A may queue (the queue keeps the order)... */
	move(dir, b, "ready", 0);
	move(dir, b, "queued", 0);
	move(dir, a, "queued", 0);
	/* ...but not start while B is not done. */
	r = RUN(dir, "state", a, "inprogress");
	cr_assert_eq(r.status, 4);
	snprintf(want, sizeof(want),
		 "waiting for %s via depends_on (state: queued)", b);
	cr_assert(strstr(r.err, want), "%s", r.err);
	e2e_free(&r);
	move(dir, b, "inprogress", 0);
	move(dir, b, "done", 0);
	move(dir, a, "inprogress", 0);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing, blocks_counts_as_depends_on_and_force_overrides)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "A");
	char *b = OK_LINE(dir, "create", "--title", "B blocks A");
	relate(dir, b, "blocks", a);
	move(dir, a, "ready", 0);
	e2e_result r = RUN(dir, "state", a, "queued");
	cr_assert_eq(r.status, 4);
	cr_assert(strstr(r.err, "via blocks (state: planning)"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", a, "queued", "--force", "--reason", "hotfix");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *thread = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert(strstr(thread, "forced: true"));
	free(thread);
	/* related is not a blocker; a closed blocker is none either. */
	r = RUN(dir, "close", b, "--resolution", "gone");
	e2e_free(&r);
	move(dir, a, "inprogress", 0);
	free(a);
	free(b);
	e2e_rm(dir);
}
