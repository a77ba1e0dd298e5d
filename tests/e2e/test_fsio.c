/*
 * End-to-end: the file layer in a hostile tree (issue 11). Special files
 * in place of ticket files never hang a reader; no write goes through a
 * symbolic link anywhere below the repository top; temporary files never
 * show in `git status` and a killed writer's are swept by the next one;
 * doctor reads each ticket consistently next to writers.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* A ticket with a relation and a plan record, so every file exists.
 * Returns its ID; the caller frees it. */
static char *full_ticket(const char *dir)
{
	char *id = OK_LINE(dir, "create", "--title", "Full");
	char *other = OK_LINE(dir, "create", "--title", "Other");
	e2e_result r = RUN(dir, "relation", "add", id, "--kind", "depends_on",
			   "--target", other);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "plan", "add", id, "--kind", "waiting_capacity_note",
		"--note", "n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(other);
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

/* ---- finding 3: no write through a symbolic link below the top ---------- */

static void refused(const char *dir, const char *what, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 4, "%s through a link: status %d: %s%s", what,
		     r.status, r.out, r.err);
	cr_assert(strstr(r.err, "symbolic link"),
		  "%s: the message does not say why: %s", what, r.err);
	e2e_free(&r);
}
#define REFUSED(dir, what, ...)                                                \
	refused((dir), (what), (const char *const[]){__VA_ARGS__, NULL})

/* "outside" holds nothing: nothing was written through the link. */
static void outside_empty(const char *dir)
{
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A outside)\""), 0,
		     "something was written outside the store");
}

Test(fsio, symlinked_artifacts_refuses_relation_plan_and_start)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Linked");
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "queued");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char *other = OK_LINE(dir, "create", "--title", "Other");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	cr_assert_eq(
	    e2e_sh(dir,
		   "mkdir outside && rm -r .yoi/tickets/%s/artifacts "
		   "&& ln -s \"$PWD/outside\" .yoi/tickets/%s/artifacts",
		   id, id),
	    0);
	char *thread0 = e2e_read(dir, e2e_tpath(id, "thread.md"));
	REFUSED(dir, "relation add", "relation", "add", id, "--kind",
		"depends_on", "--target", other);
	outside_empty(dir);
	REFUSED(dir, "plan add", "plan", "add", id, "--kind",
		"waiting_capacity_note", "--note", "n");
	outside_empty(dir);
	REFUSED(dir, "start", "start", id);
	outside_empty(dir);
	/* start is all or nothing: no worktree, no branch. */
	cr_assert_eq(e2e_sh(dir, "git worktree list | wc -l | grep -qx 1"), 0);
	cr_assert_eq(e2e_sh(dir, "git branch | wc -l | grep -qx 1"), 0);
	/* All or nothing: the refused writes left no event behind. */
	char *thread1 = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_str_eq(thread0, thread1);
	free(thread0);
	free(thread1);
	free(other);
	free(id);
	e2e_rm(dir);
}

Test(fsio, symlinked_yoi_directory_refuses_every_write)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Linked");
	cr_assert_eq(e2e_sh(dir, "mv .yoi real && mkdir outside && "
				 "ln -s \"$PWD/real\" .yoi"),
		     0);
	char *thread0 = e2e_read(dir, e2e_tpath(id, "thread.md"));
	REFUSED(dir, "comment", "comment", id, "--message", "x");
	REFUSED(dir, "edit", "edit", id, "--title", "y");
	REFUSED(dir, "create", "create", "--title", "t");
	cr_assert_eq(e2e_sh(dir, "ls real/tickets | grep -c . | grep -qx 1"), 0,
		     "a ticket was created through the link");
	char *thread1 = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_str_eq(thread0, thread1);
	/* Reads still work: doctor and show are how the user finds out. */
	e2e_result r = RUN(dir, "show", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(thread0);
	free(thread1);
	free(id);
	e2e_rm(dir);
}

/* ---- finding 10a: temporary files ---------------------------------------- */

/* No untracked file at all: nothing of ours shows to `git add -A`. */
static void nothing_untracked(const char *dir)
{
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain "
				 "--untracked-files=all | grep '^[?][?]')\""),
		     0, "an untracked file was left behind");
}

Test(fsio, stale_temp_file_is_swept_by_the_next_writer)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Swept");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	/* What a writer killed mid-replace leaves (see file.h). */
	cr_assert_eq(e2e_sh(dir, "mkdir -p .git/yoi/tmp && echo torn > "
				 ".git/yoi/tmp/item.md.00deadbeef.tmp"),
		     0);
	/* A live writer's temp file (held under flock) is not touched. */
	cr_assert_eq(e2e_sh(dir, "echo live > .git/yoi/tmp/live.tmp"), 0);
	char live[4096];
	snprintf(live, sizeof(live), "%s/.git/yoi/tmp/live.tmp", dir);
	int fd = open(live, O_RDONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	e2e_result r = RUN(dir, "comment", id, "--message", "after a crash");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(!e2e_exists(dir, ".git/yoi/tmp/item.md.00deadbeef.tmp"),
		  "the stale temp file is still there");
	cr_assert(e2e_exists(dir, ".git/yoi/tmp/live.tmp"),
		  "a live writer's temp file was removed");
	close(fd);
	nothing_untracked(dir);
	free(id);
	e2e_rm(dir);
}

Test(fsio, writer_killed_mid_replace_leaves_nothing_in_git_status)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Killed");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	const char *const edit[] = {"edit", id, "--title", "Half", NULL};
	setenv("YOI_FAULT", "mid-replace", 1);
	e2e_result r = e2e_run_bin(bin, dir, NULL, edit);
	unsetenv("YOI_FAULT");
	cr_assert_eq(r.status, 128 + SIGKILL, "status %d: %s", r.status, r.err);
	e2e_free(&r);
	nothing_untracked(dir);
	/* The old item.md is intact; the next writer sweeps the temp. */
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "Killed"), "%s", item);
	free(item);
	cr_assert_eq(e2e_sh(dir, "test -n \"$(ls -A .git/yoi/tmp)\""), 0,
		     "the killed writer's temp file is not where expected");
	r = RUN(dir, "edit", id, "--title", "Whole");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A .git/yoi/tmp)\""), 0,
		     "the killed writer's temp file was not swept");
	nothing_untracked(dir);
	free(id);
	e2e_rm(dir);
}

/* ---- finding 11: doctor next to writers ---------------------------------- */

#define CYCLES	    100 /* planning -> ready -> planning: 200 changes */
#define DOCTOR_RUNS 400

Test(fsio, doctor_never_reports_false_drift_next_to_writers, .timeout = 600)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Churn");
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int bad = 0;
		for (int i = 0; i < CYCLES && !bad; i++) {
			r = RUN(dir, "state", id, "planning", "--reason", "r");
			bad = r.status != 0;
			e2e_free(&r);
			r = RUN(dir, "state", id, "ready", "--summary", "s");
			bad |= r.status != 0;
			e2e_free(&r);
		}
		_exit(bad);
	}
	int runs = 0, drift = 0, status = 0;
	char first[4096] = "";
	while (runs < DOCTOR_RUNS && waitpid(pid, &status, WNOHANG) == 0) {
		r = RUN(dir, "doctor", "--format", "json");
		runs++;
		if (strstr(r.out, "state-drift") && drift++ == 0)
			snprintf(first, sizeof(first), "%s", r.out);
		e2e_free(&r);
	}
	if (runs == DOCTOR_RUNS)
		cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the writer loop failed");
	cr_assert_eq(drift, 0, "%d of %d doctor runs reported state-drift:\n%s",
		     drift, runs, first);
	/* And after the writers, the store is clean. */
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/*
 * Where doctor cannot open the lock file (a read-only store; here: doctor
 * runs as nobody and the lock file is root's, mode 0600), it reads
 * unlocked and re-reads a ticket whose files changed meanwhile.
 */
Test(fsio, doctor_without_the_lock_rechecks_drift_next_to_writers,
     .timeout = 600)
{
	if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0)
		cr_skip_test("needs root and setpriv to run doctor as "
			     "another user");
	const char *bin = getenv("YOI_BIN");
	cr_assert_not_null(bin);
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Churn");
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "chmod 755 . && cd .git/yoi/locks && "
				 "rm -f .yoi%%2Ftickets.lock && touch "
				 ".yoi%%2Ftickets.lock && chmod 600 "
				 ".yoi%%2Ftickets.lock"),
		     0);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "setpriv --reuid=65534 --regid=65534 --clear-groups env "
		 "HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent '%s' "
		 "--root .yoi/tickets doctor --format json >doctor.out "
		 "2>&1; s=$?; grep -q state-drift doctor.out && { cat doctor.out >&2; exit 9; }; "
		 "exit $s",
		 bin);
	/* The premise: doctor cannot open the lock file. */
	cr_assert_neq(e2e_sh(dir, "setpriv --reuid=65534 --regid=65534 "
				  "--clear-groups test -r "
				  ".git/yoi/locks/.yoi%%2Ftickets.lock"),
		      0);
	cr_assert_eq(e2e_sh(dir, "%s", cmd), 0, "doctor as nobody fails");
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int bad = 0;
		for (int i = 0; i < CYCLES && !bad; i++) {
			r = RUN(dir, "state", id, "planning", "--reason", "r");
			bad = r.status != 0;
			e2e_free(&r);
			r = RUN(dir, "state", id, "ready", "--summary", "s");
			bad |= r.status != 0;
			e2e_free(&r);
		}
		_exit(bad);
	}
	int runs = 0, drift = 0, status = 0;
	while (runs < DOCTOR_RUNS && waitpid(pid, &status, WNOHANG) == 0) {
		drift += e2e_sh(dir, "%s", cmd) == 9;
		runs++;
	}
	if (runs == DOCTOR_RUNS)
		cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the writer loop failed");
	cr_assert_eq(drift, 0,
		     "%d of %d unlocked doctor runs reported "
		     "state-drift",
		     drift, runs);
	free(id);
	e2e_rm(dir);
}
