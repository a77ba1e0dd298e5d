/*
 * End-to-end: many processes on one store at once. The store lock must
 * serialise every append and every ID allocation: nothing lost, nothing
 * torn, nothing duplicated, and doctor clean afterwards.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define WRITERS	    8
#define PER_WRITER  100
#define CREATORS    4
#define PER_CREATOR 25

/*
 * Run `workers` background shell loops of `per` runs each and wait for all
 * of them. `cmd` is a shell fragment that may use $w (worker) and $i (run);
 * $BIN is the binary. A run that fails leaves a line in fail.log.
 *
 * Hundreds of runs of one command add nothing to leak coverage (every
 * command is leak-checked elsewhere) but LeakSanitizer's exit scan is a
 * third of each run's cost under `make asan`; it is off for the swarm only.
 */
static void swarm(const char *dir, int workers, int per, const char *cmd)
{
	const char *bin = getenv("YOI_BIN");
	cr_assert_not_null(bin, "YOI_BIN is not set; run through 'make e2e'");
	int st =
	    e2e_sh(dir,
		   "BIN='%s'; export BIN; "
		   "YOI_TICKETS_AUTHOR=tester; export YOI_TICKETS_AUTHOR; "
		   "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}"
		   "detect_leaks=0\"; export ASAN_OPTIONS; "
		   ": > fail.log; w=0; "
		   "while [ $w -lt %d ]; do "
		   "( i=0; while [ $i -lt %d ]; do "
		   "%s >>out.$w 2>>err.$w || echo \"w$w-m$i $?\" >>fail.log; "
		   "i=$((i+1)); done ) & "
		   "w=$((w+1)); done; wait",
		   bin, workers, per, cmd);
	cr_assert_eq(st, 0);
	char *fails = e2e_read(dir, "fail.log");
	if (*fails) {
		e2e_sh(dir, "cat err.* >&2");
		cr_assert_fail("failed runs:\n%s", fails);
	}
	free(fails);
}

Test(concurrency, parallel_comments_on_one_ticket, .timeout = 600)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Busy");
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "\"$BIN\" --wait 60 comment %s --message \"w$w-m$i\"", id);
	swarm(dir, WRITERS, PER_WRITER, cmd);

	/* Every message exactly once, every event whole. */
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	const size_t total = WRITERS * PER_WRITER + 1;
	cr_assert_eq(json_integer_value(json_object_get(j, "event_count")),
		     (json_int_t)total);
	json_t *ev = json_object_get(j, "events");
	cr_assert_eq(json_array_size(ev), total);
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(ev, 0), "kind")),
	    "create");
	static unsigned char seen[WRITERS][PER_WRITER];
	memset(seen, 0, sizeof(seen));
	for (size_t k = 1; k < total; k++) {
		json_t *e = json_array_get(ev, k);
		const char *kind =
		    json_string_value(json_object_get(e, "kind"));
		const char *body =
		    json_string_value(json_object_get(e, "body"));
		cr_assert_str_eq(kind, "comment", "event %zu", k);
		cr_assert_str_eq(
		    json_string_value(json_object_get(e, "heading")),
		    "Comment");
		cr_assert_not_null(json_string_value(json_object_get(e, "at")));
		cr_assert_not_null(
		    json_string_value(json_object_get(e, "author")));
		int w, m, n = 0;
		cr_assert_not_null(body);
		cr_assert(sscanf(body, "w%d-m%d%n", &w, &m, &n) == 2 &&
			      body[n] == '\0',
			  "event %zu body '%s'", k, body);
		cr_assert(w >= 0 && w < WRITERS && m >= 0 && m < PER_WRITER);
		cr_assert_eq(seen[w][m], 0, "%s twice", body);
		seen[w][m] = 1;
	}
	json_decref(j);
	e2e_free(&r);

	/* Each writer's messages are in its own order. */
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "<!-- event: "), total);
	cr_assert_eq(e2e_count(thread, "<!-- event: comment "), total - 1);
	cr_assert_eq(e2e_count(thread, "\n---\n"), total);
	for (int w = 0; w < WRITERS; w++) {
		const char *p = thread;
		for (int m = 0; m < PER_WRITER; m++) {
			char want[32];
			snprintf(want, sizeof(want), "\nw%d-m%d\n", w, m);
			const char *q = strstr(p, want);
			cr_assert_not_null(q, "w%d-m%d out of order", w, m);
			p = q + 1;
		}
	}
	free(thread);
	/* No temporary files left beside item.md. */
	cr_assert_eq(e2e_sh(dir,
			    "test -z \"$(ls -A .yoi/tickets/%s | "
			    "grep -v -x -e item.md -e thread.md "
			    "-e artifacts)\"",
			    id),
		     0);
	e2e_doctor_clean(dir);
	free(id);
	e2e_rm(dir);
}

Test(concurrency, parallel_creates_get_distinct_ids, .timeout = 600)
{
	char *dir = e2e_store();
	swarm(dir, CREATORS, PER_CREATOR,
	      "\"$BIN\" --wait 60 create --title \"c$w-$i\"");
	/* Each run printed one ID; all distinct, all on disk. */
	cr_assert_eq(e2e_sh(dir, "test $(cat out.* | wc -l) -eq %d",
			    CREATORS * PER_CREATOR),
		     0);
	cr_assert_eq(e2e_sh(dir, "test $(cat out.* | sort -u | wc -l) -eq %d",
			    CREATORS * PER_CREATOR),
		     0);
	cr_assert_eq(e2e_sh(dir, "for i in $(cat out.*); do "
				 "test -f .yoi/tickets/$i/item.md || exit 1; "
				 "done"),
		     0);
	e2e_result r = RUN(dir, "list", "--state", "all", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	cr_assert_eq(json_array_size(j), (size_t)(CREATORS * PER_CREATOR));
	/* Each title once: no create was lost or doubled. */
	static unsigned char seen[CREATORS][PER_CREATOR];
	memset(seen, 0, sizeof(seen));
	size_t i;
	json_t *t;
	json_array_foreach(j, i, t)
	{
		const char *title =
		    json_string_value(json_object_get(t, "title"));
		int w, k, n = 0;
		cr_assert(title && sscanf(title, "c%d-%d%n", &w, &k, &n) == 2 &&
			  title[n] == '\0');
		cr_assert(w >= 0 && w < CREATORS && k >= 0 && k < PER_CREATOR);
		cr_assert_eq(seen[w][k], 0, "%s twice", title);
		seen[w][k] = 1;
	}
	json_decref(j);
	e2e_free(&r);
	e2e_doctor_clean(dir);
	e2e_rm(dir);
}
