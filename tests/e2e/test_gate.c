/*
 * End-to-end: the commit gate as git runs it (issue 12): the hook
 * scripts find the binary at run time, commit-msg accepts what the
 * command line accepts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static e2e_result commit_msg(const char *dir, const char *msg)
{
	e2e_write(dir, ".git/test-msg", msg);
	return RUN(dir, "hook", "commit-msg", ".git/test-msg");
}

Test(gate, commit_msg_accepts_a_unique_suffix_as_show_does)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Short");
	char msg[256];
	/* Lower case, as show accepts it. */
	char suffix[8];
	snprintf(suffix, sizeof(suffix), "%s", id + 9);
	for (char *p = suffix; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(msg, sizeof(msg), "Fix it\n\nTicket: %s\n", suffix);
	e2e_result r = RUN(dir, "show", suffix);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = commit_msg(dir, msg);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	/* A suffix that names nothing still stops the commit. */
	r = commit_msg(dir, "Fix it\n\nTicket: ZZZZ\n");
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(strstr(r.err, "ZZZZ"), "%s", r.err);
	e2e_free(&r);
	/* Too short to be a suffix: not an ID. */
	snprintf(msg, sizeof(msg), "Fix it\n\nTicket: %.3s\n", id + 10);
	r = commit_msg(dir, msg);
	cr_assert_eq(r.status, 1, "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(gate, commit_msg_names_the_candidates_of_an_ambiguous_suffix)
{
	char *dir = e2e_store();
	/* Two tickets whose IDs share a 4-character suffix. */
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/tickets/00001M800ABCD "
				 ".yoi/tickets/00001M801ABCD"),
		     0);
	e2e_result r = commit_msg(dir, "Fix it\n\nTicket: ABCD\n");
	cr_assert_eq(r.status, 1, "%s", r.err);
	cr_assert(strstr(r.err, "00001M800ABCD") &&
		      strstr(r.err, "00001M801ABCD"),
		  "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

/*
 * The hooks and the merge driver find the binary when they run: PATH
 * first, the installing binary as a fallback, and a clear message when
 * neither is there.
 */
Test(gate, hooks_find_the_binary_at_run_time)
{
	char *dir = e2e_store();
	/* Install from a copy that then disappears, as after an upgrade. */
	cr_assert_eq(e2e_sh(dir,
			    "mkdir -p .git/old .git/pathbin && "
			    "cp '%s' .git/old/yt && "
			    "ln -s '%s' .git/pathbin/yoi-tickets",
			    getenv("YOI_BIN"), getenv("YOI_BIN")),
		     0);
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s/.git/old/yt", dir);
	e2e_result r = e2e_run_bin(
	    copy, dir, NULL, (const char *const[]){"hooks", "install", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	/* While the installer exists, the hooks run it. */
	char *id = OK_LINE(dir, "create", "--title", "Moved");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	cr_assert_eq(e2e_sh(dir, "rm .git/old/yt"), 0);
	free(OK_LINE(dir, "comment", id, "--message", "two"));
	/* Neither on PATH nor where it was installed from: a clear refusal. */
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm two "
				 "2>.git/err.txt"),
		     1);
	char *err = e2e_read(dir, ".git/err.txt");
	cr_assert(strstr(err, "yoi-tickets is not on PATH") &&
		      strstr(err, ".git/old/yt"),
		  "%s", err);
	free(err);
	/* On PATH: the hooks and the merge driver work again. */
	cr_assert_eq(e2e_sh(dir, "export PATH=\"$PWD/.git/pathbin:$PATH\" && "
				 "git add -A && git commit -qm two"),
		     0);
	cr_assert_eq(e2e_sh(dir, "git checkout -qb side"), 0);
	free(OK_LINE(dir, "comment", id, "--message", "side"));
	cr_assert_eq(e2e_sh(dir,
			    "export PATH=\"$PWD/.git/pathbin:$PATH\" && "
			    "git commit -qam side && git checkout -q - "
			    "&& '%s' comment %s --message main && "
			    "git commit -qam main && "
			    "git merge -q --no-edit side",
			    getenv("YOI_BIN"), id),
		     0);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "side") && strstr(thread, "\nmain\n"), "%s",
		  thread);
	cr_assert_null(strstr(thread, "<<<<<<<"), "%s", thread);
	free(thread);
	free(id);
	e2e_rm(dir);
}

/*
 * git runs pre-commit with GIT_INDEX_FILE naming a temporary index for
 * `commit -a`, `commit -- PATH` and `commit --amend -a`: the hook must
 * judge that index, not the repository's.
 */
Test(gate, no_bypass_through_a_temporary_index)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Guarded");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	/* Rewrite the create event's body: history loss. */
	const char *rel = e2e_tpath(id, "thread.md");
	cr_assert_eq(e2e_sh(dir,
			    "sed -i 's/^## Created/## Forged/' '%s' && "
			    "! git diff --quiet",
			    rel),
		     0);
	cr_assert_neq(e2e_sh(dir, "git commit -qam forged 2>/dev/null"), 0,
		      "commit -a bypassed the hook");
	cr_assert_neq(
	    e2e_sh(dir, "git commit -qm forged -- '%s' 2>/dev/null", rel), 0,
	    "commit -- PATH bypassed the hook");
	cr_assert_neq(e2e_sh(dir, "git commit -q --amend -am forged "
				  "2>/dev/null"),
		      0, "commit --amend -a bypassed the hook");
	cr_assert_eq(
	    e2e_sh(dir, "git diff --quiet HEAD~0 -- '%s'; test $? = 1", rel),
	    0);
	/* Put it back; a real append goes through each way. */
	cr_assert_eq(e2e_sh(dir, "git checkout -q -- '%s'", rel), 0);
	free(OK_LINE(dir, "comment", id, "--message", "fine"));
	cr_assert_eq(e2e_sh(dir, "git commit -qam fine"), 0);
	free(OK_LINE(dir, "comment", id, "--message", "fine too"));
	cr_assert_eq(e2e_sh(dir, "git commit -qm fine -- '%s'", rel), 0);
	free(id);
	e2e_rm(dir);
}

/*
 * The driver's attributes live in the clone's info/attributes by default:
 * a branch that commits (or lacks, or changes) .gitattributes does not
 * change whether ticket files merge with the driver.
 */
Test(gate, the_driver_acts_on_every_branch_without_a_commit)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Everywhere");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	free(OK_LINE(dir, "hooks", "install"));
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git status --porcelain)\""), 0);
	/* A branch whose .gitattributes says otherwise for everything. */
	cr_assert_eq(e2e_sh(dir, "git checkout -qb side && "
				 "echo '* -merge' > .gitattributes && "
				 "git add .gitattributes && "
				 "git commit -qm attrs --no-verify"),
		     0);
	free(OK_LINE(dir, "comment", id, "--message", "from side"));
	cr_assert_eq(e2e_sh(dir, "git commit -qam side && git checkout -q -"),
		     0);
	free(OK_LINE(dir, "comment", id, "--message", "from main"));
	cr_assert_eq(e2e_sh(dir, "git commit -qam main && "
				 "git merge -q --no-edit side"),
		     0);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "from side") && strstr(thread, "from main"),
		  "%s", thread);
	free(thread);
	free(id);
	e2e_rm(dir);
}

/*
 * A merge the driver made passes check from either parent: the merged
 * thread interleaves the other side's events in time order, which the
 * append-only rule allows (every older block kept, in order).
 */
Test(gate, check_passes_a_driver_merge_from_both_parents)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Merged");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	/* The clock is pinned: side's event is older than main's, so the
	 * driver puts it before main's in the merged thread. */
	cr_assert_eq(e2e_sh(dir,
			    "git checkout -qb side && "
			    "YOI_TICKETS_NOW=2030-01-01T00:00:10Z '%s' comment "
			    "%s --message 'side first' && git commit -qam side "
			    "&& git checkout -q - && "
			    "YOI_TICKETS_NOW=2030-01-01T00:00:20Z '%s' comment "
			    "%s --message 'main second' && git commit -qam "
			    "main && git merge -q --no-edit side",
			    getenv("YOI_BIN"), id, getenv("YOI_BIN"), id),
		     0);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	char *a = strstr(thread, "side first"),
	     *b = strstr(thread, "main second");
	cr_assert(a && b && a < b, "%s", thread);
	free(thread);
	e2e_result r = RUN(dir, "check", "--base", "HEAD^1", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "HEAD^2", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/*
 * A merge never makes an illegal history: one branch closes a ticket,
 * the other later moves it on. git merge stops with a conflict naming
 * both events; a thread that got there anyway (merged by hand) is a
 * doctor error until a forced transition records the real state.
 */
Test(gate, a_merge_that_would_break_the_state_chain_conflicts)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Contested");
	free(OK_LINE(dir, "state", id, "ready", "--summary", "s"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	const char *bin = getenv("YOI_BIN");
	cr_assert_eq(e2e_sh(dir,
			    "git checkout -qb side && "
			    "YOI_TICKETS_NOW=2030-01-01T00:00:20Z '%s' state "
			    "%s queued && git commit -qam queued && "
			    "git checkout -q - && "
			    "YOI_TICKETS_NOW=2030-01-01T00:00:10Z '%s' close "
			    "%s --resolution dropped && git add -A && "
			    "git commit -qm closed",
			    bin, id, bin, id),
		     0);
	cr_assert_neq(e2e_sh(dir, "git merge -q --no-edit side "
				  ">.git/merge.out 2>&1"),
		      0, "the merge left closed without a reopen");
	char *out = e2e_read(dir, ".git/merge.out");
	cr_assert(strstr(out, "both sides changed the ticket's state"), "%s",
		  out);
	free(out);
	cr_assert_eq(e2e_sh(dir, "git merge --abort"), 0);
	e2e_rm(dir);
	free(id);
}

Test(gate, doctor_reports_a_broken_chain_until_settled)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Broken");
	free(OK_LINE(dir, "state", id, "ready", "--summary", "s"));
	free(OK_LINE(dir, "state", id, "queued"));
	/* A second history's transition, as a hand merge leaves it. */
	e2e_append(
	    dir, e2e_tpath(id, "thread.md"),
	    "\n<!-- event: state_changed author: other at: "
	    "2030-01-01T00:00:00Z from: ready to: planning reason: "
	    "back field: state -->\n\n## State changed\n\nback\n\n---\n");
	cr_assert_eq(e2e_sh(dir,
			    "sed -i \"s/^state: .*/state: 'planning'/\" "
			    "'%s'",
			    e2e_tpath(id, "item.md")),
		     0);
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "thread-transition-chain") ||
		      strstr(r.err, "thread-transition-chain"),
		  "%s%s", r.out, r.err);
	e2e_free(&r);
	/* The state machine will not move it on a guess... */
	r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 4, "%s", r.err);
	cr_assert(strstr(r.err, "two histories"), "%s", r.err);
	e2e_free(&r);
	/* ...a person records the real state, and that settles it. */
	free(OK_LINE(dir, "state", id, "ready", "--force", "--reason",
		     "settle the merged history", "--summary", "s"));
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/*
 * git runs pre-merge-commit (not pre-commit) when it commits a merge
 * itself: the same check runs on the merge result.
 */
Test(gate, pre_merge_commit_checks_the_merge_result)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	cr_assert(e2e_exists(dir, ".git/hooks/pre-merge-commit"));
	char *id = OK_LINE(dir, "create", "--title", "Merged");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	/* A side branch that rewrote history (committed with --no-verify):
	 * the merge commit is refused. */
	cr_assert_eq(e2e_sh(dir,
			    "git checkout -qb side && "
			    "sed -i 's/^## Created/## Forged/' '%s' && "
			    "git commit -qam forged --no-verify && "
			    "git checkout -q - && echo x > other.txt && "
			    "git add other.txt && git commit -qm other",
			    e2e_tpath(id, "thread.md")),
		     0);
	cr_assert_neq(e2e_sh(dir, "git merge -q --no-edit side "
				  ">.git/merge.out 2>&1"),
		      0);
	char *out = e2e_read(dir, ".git/merge.out");
	cr_assert(strstr(out, "change-thread-rewritten"), "%s", out);
	free(out);
	cr_assert_eq(e2e_sh(dir, "git merge --abort"), 0);
	/* A clean driver merge goes through. */
	cr_assert_eq(e2e_sh(dir,
			    "git checkout -qb good HEAD && "
			    "'%s' comment %s --message good && "
			    "git commit -qam good && git checkout -q - && "
			    "echo y > other2.txt && git add other2.txt && "
			    "git commit -qm other2 && "
			    "git merge -q --no-edit good && "
			    "git rev-parse -q --verify HEAD^2 >/dev/null",
			    getenv("YOI_BIN"), id),
		     0);
	free(id);
	e2e_rm(dir);
}

/*
 * Two branches each add one legal depends_on edge (B -> C, C -> B): each
 * commit passes, but the merge would close a cycle. pre-merge-commit
 * refuses the merge commit, and check over the range finds the cycle
 * doctor finds.
 */
Test(gate, a_cycle_made_by_two_branches_is_caught)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *b = OK_LINE(dir, "create", "--title", "B");
	char *c = OK_LINE(dir, "create", "--title", "C");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one && "
				 "git tag before"),
		     0);
	const char *bin = getenv("YOI_BIN");
	cr_assert_eq(e2e_sh(dir,
			    "git checkout -qb side && '%s' relation add %s "
			    "--kind depends_on --target %s && git add -A && "
			    "git commit -qm b-c && git checkout -q - && "
			    "'%s' relation add %s --kind depends_on --target "
			    "%s && git add -A && git commit -qm c-b",
			    bin, b, c, bin, c, b),
		     0, "each edge alone is legal");
	cr_assert_neq(e2e_sh(dir, "git merge -q --no-edit side "
				  ">.git/merge.out 2>&1"),
		      0);
	char *out = e2e_read(dir, ".git/merge.out");
	cr_assert(strstr(out, "relation-cycle"), "%s", out);
	free(out);
	/* Forced through: check and doctor agree. */
	cr_assert_eq(e2e_sh(dir, "git commit -q --no-verify --no-edit"), 0);
	e2e_result r = RUN(dir, "check", "--base", "before", "--head", "HEAD");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "relation-cycle"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "HEAD^1", "--head", "HEAD");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "relation-cycle"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "relation-cycle"), "%s", r.out);
	e2e_free(&r);
	free(b);
	free(c);
	e2e_rm(dir);
}

/*
 * Events have an identity: two distinct events with identical bytes but
 * for it (same author, same second, same body) on two branches are two
 * events after the merge, not one.
 */
Test(gate, identical_events_on_two_branches_stay_two)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Twins");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	const char *bin = getenv("YOI_BIN");
	cr_assert_eq(e2e_sh(dir,
			    "git checkout -qb side && "
			    "YOI_TICKETS_NOW=2030-01-01T00:00:10Z '%s' comment "
			    "%s --message same && git commit -qam side && "
			    "git checkout -q - && "
			    "YOI_TICKETS_NOW=2030-01-01T00:00:10Z '%s' comment "
			    "%s --message same && git commit -qam main && "
			    "git merge -q --no-edit side",
			    bin, id, bin, id),
		     0);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "\nsame\n"), 2, "%s", thread);
	free(thread);
	/* Both sides' comments are one event each in show, too. */
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, "\"body\": \"same\""), 2, "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/*
 * The hooks judge what a change adds: a defect already committed in a
 * ticket's history (here an old event line with an unquoted multi-word
 * author, and a closed ticket whose thread records no transition) is at
 * most a warning, so a new comment still goes in without --no-verify.
 */
Test(gate, an_old_defect_does_not_freeze_a_ticket)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Old");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one"), 0);
	/* An older tool's hand: a marker it did not quote, and a close
	 * without a transition (item.md says closed). */
	e2e_append(dir, e2e_tpath(id, "thread.md"),
		   "<!-- event: comment author: old tool at: "
		   "2026-01-01T00:00:00Z id -->\n\n## Comment\n\nlegacy\n\n"
		   "---\n");
	char item[256];
	snprintf(item, sizeof(item), "%s", e2e_tpath(id, "item.md"));
	cr_assert_eq(e2e_sh(dir,
			    "sed -i \"s/^state: .*/state: 'closed'/\" "
			    "'%s' && echo done > '%s' && git add -A && "
			    "git commit -qm legacy --no-verify",
			    item, e2e_tpath(id, "resolution.md")),
		     0);
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1, "the old defects are real: %s%s", r.out,
		     r.err);
	e2e_free(&r);
	/* A new comment: the commit goes through, the old findings are
	 * warnings. */
	free(OK_LINE(dir, "comment", id, "--message", "still here"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm comment "
				 "2>.git/hook.err"),
		     0);
	char *err = e2e_read(dir, ".git/hook.err");
	cr_assert_null(strstr(err, "error:"), "%s", err);
	free(err);
	/* A new defect is still an error. */
	e2e_append(dir, e2e_tpath(id, "thread.md"),
		   "<!-- event: comment at: 2026-01-02T00:00:00Z -->\n\n"
		   "## Comment\n\nno author\n\n---\n");
	cr_assert_neq(e2e_sh(dir, "git add -A && git commit -qm bad "
				  "2>/dev/null"),
		      0);
	free(id);
	e2e_rm(dir);
}

/* A ticket directory renamed without a content change is a rename (an ID
 * migration), not a lost history. */
Test(gate, a_renamed_ticket_is_reported_as_a_rename)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	char *id = OK_LINE(dir, "create", "--title", "Moving");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one && "
				 "git tag before"),
		     0);
	const char *to = "00001M80000AA";
	cr_assert_eq(e2e_sh(dir,
			    "git mv .yoi/tickets/%s .yoi/tickets/%s && "
			    "git commit -qm migrate 2>.git/hook.err",
			    id, to),
		     0);
	char *err = e2e_read(dir, ".git/hook.err");
	cr_assert(strstr(err, "change-ticket-renamed"), "%s", err);
	cr_assert_null(strstr(err, "change-thread-removed"), "%s", err);
	free(err);
	e2e_result r = RUN(dir, "check", "--base", "before", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "change-ticket-renamed"), "%s", r.out);
	e2e_free(&r);
	/* A removal is still a removal. */
	cr_assert_eq(e2e_sh(dir,
			    "git rm -rq .yoi/tickets/%s && "
			    "git commit -qm gone --no-verify",
			    to),
		     0);
	r = RUN(dir, "check", "--base", "HEAD^", "--head", "HEAD");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "change-thread-removed"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* What a change puts in the tickets root that is not a ticket is reported
 * as doctor reports it, by the hooks and by check. */
Test(gate, stray_paths_under_the_root_are_reported_as_doctor_does)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	free(OK_LINE(dir, "create", "--title", "Fine"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm one && "
				 "git tag before"),
		     0);
	/* A stray file: a warning, the commit goes through. */
	e2e_write(dir, ".yoi/tickets/notes.txt", "scratch\n");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm notes "
				 "2>.git/hook.err"),
		     0);
	char *err = e2e_read(dir, ".git/hook.err");
	cr_assert(strstr(err, "layout-stray-file"), "%s", err);
	free(err);
	/* A directory that is not a ticket: an error, as in doctor. */
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/tickets/misc && "
				 "echo x > .yoi/tickets/misc/x.md"),
		     0);
	cr_assert_neq(e2e_sh(dir, "git add -A && git commit -qm misc "
				  "2>.git/hook.err"),
		      0);
	err = e2e_read(dir, ".git/hook.err");
	cr_assert(strstr(err, "layout-bad-dir-name"), "%s", err);
	free(err);
	e2e_result r = RUN(dir, "doctor");
	cr_assert(strstr(r.out, "layout-bad-dir-name") &&
		      strstr(r.out, "layout-stray-file"),
		  "%s", r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dir, "git commit -qm misc --no-verify"), 0);
	r = RUN(dir, "check", "--base", "before", "--head", "HEAD");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "layout-bad-dir-name") &&
		      strstr(r.out, "layout-stray-file"),
		  "%s", r.out);
	e2e_free(&r);
	/* Unchanged since the base: not this change's. */
	free(OK_LINE(dir, "create", "--title", "Later"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm later "
				 "--no-verify"),
		     0);
	r = RUN(dir, "check", "--base", "HEAD^", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_null(strstr(r.out, "layout-"), "%s", r.out);
	e2e_free(&r);
	e2e_rm(dir);
}
