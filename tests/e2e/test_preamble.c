/*
 * End-to-end: what every command does before its own work (the shared
 * preambles of src/cli/: parse, count the positionals, check --format,
 * open the store, resolve the ID), pinned command by command: the exact
 * usage message, its exit status and which refusal wins when several
 * apply, inside a store and in a repository without one. The preambles
 * are folded into shared helpers (cli.h, options.h); these cases hold
 * them to what each command said before.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* "@" in an argv stands for the ticket of the store. */
typedef struct pcase {
	const char *argv[8];
	int status;
	/* Usage (status 2): the message after "yoi-tickets CMD: "; the help
	 * hint line must follow. Else a part of stderr. */
	const char *err;
} pcase;

static void check(const char *dir, const char *id, const pcase *c)
{
	const char *argv[9] = {0};
	for (size_t i = 0; i < 8 && c->argv[i]; i++)
		argv[i] = strcmp(c->argv[i], "@") == 0 ? id : c->argv[i];
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, c->status, "%s %s: exit %d, want %d: %s",
		     argv[0], argv[1] ? argv[1] : "", r.status, c->status,
		     r.err);
	cr_assert_str_empty(r.out, "%s: stdout on a refusal: %s", argv[0],
			    r.out);
	if (c->status == 2) {
		/* `hook NAME` reports as the hook command. */
		const char *cmd = argv[0];
		char want[512];
		snprintf(want, sizeof(want),
			 "yoi-tickets %s: %s\n(see 'yoi-tickets help %s')\n",
			 cmd, c->err, cmd);
		cr_assert_str_eq(r.err, want, "%s", argv[0]);
	} else {
		cr_assert(strstr(r.err, c->err), "%s: want '%s' in: %s",
			  argv[0], c->err, r.err);
	}
	e2e_free(&r);
}

#define ONE_ID "expected one ticket ID"
#define FORMAT "--format must be text, json, github or junit"

/* In a store with one ticket (@). */
static const pcase in_store[] = {
    /* One ticket ID: none, two, an unknown one. */
    {{"show"}, 2, ONE_ID},
    {{"show", "@", "@"}, 2, ONE_ID},
    {{"show", "7ZZZZZZZZZZZZ"}, 3, "no ticket"},
    {{"deps"}, 2, ONE_ID},
    {{"deps", "--reverse", "@", "x"}, 2, ONE_ID},
    {{"close", "--resolution", "r"}, 2, ONE_ID},
    {{"close", "@", "x", "--resolution", "r"}, 2, ONE_ID},
    {{"close", "7ZZZZZZZZZZZZ", "--resolution", "r"}, 3, "no ticket"},
    {{"close", "@"}, 2, "give exactly one of --resolution or --file"},
    {{"cleanup"}, 2, ONE_ID},
    {{"cleanup", "7ZZZZZZZZZZZZ"}, 3, "no ticket"},
    {{"finish", "--json"}, 2, ONE_ID},
    {{"finish", "7ZZZZZZZZZZZZ"}, 3, "no ticket"},
    {{"start", "a", "b"}, 2, ONE_ID},
    {{"start", "7ZZZZZZZZZZZZ"}, 3, "no ticket"},
    {{"comment", "-m", "x"}, 2, ONE_ID},
    {{"comment", "@"}, 2, "give exactly one of --message or --file"},
    {{"decision", "@", "@", "-m", "x"}, 2, ONE_ID},
    {{"report", "7ZZZZZZZZZZZZ", "-m", "x"}, 3, "no ticket"},
    {{"plan", "@"}, 2, "give exactly one of --message or --file"},
    {{"review", "--approve"}, 2, ONE_ID},
    {{"review", "@"}, 2, "give exactly one of --approve or --request-changes"},
    {{"review", "@", "--approve", "--request-changes", "-m", "x"},
     2,
     "give exactly one of --approve or --request-changes"},
    {{"review", "7ZZZZZZZZZZZZ", "--approve"}, 3, "no ticket"},
    {{"reopen"}, 2, ONE_ID},
    {{"reopen", "a", "b"}, 2, ONE_ID},
    {{"reopen", "@"}, 2, "--reason is required"},
    {{"reopen", "7ZZZZZZZZZZZZ", "--reason", "r"}, 3, "no ticket"},
    {{"edit"}, 2, ONE_ID},
    {{"edit", "@"},
     2,
     "nothing to change: give --title, --assignee, --readiness, "
     "--priority, --risk-flag, --add-label, --remove-label, --body or "
     "--body-file"},
    {{"state", "@"}, 2, "expected a ticket ID and a target state"},
    {{"state", "@", "bogus"},
     2,
     "unknown state 'bogus'; states: planning, ready, queued, inprogress, "
     "done, closed"},
    {{"state", "7ZZZZZZZZZZZZ", "ready"}, 3, "no ticket"},
    /* No positional arguments. */
    {{"list", "extra"}, 2, "unexpected argument 'extra'"},
    {{"worktrees", "extra"}, 2, "unexpected argument 'extra'"},
    {{"route", "extra"}, 2, "unexpected argument 'extra'"},
    {{"create", "extra"}, 2, "unexpected argument 'extra'"},
    {{"create"}, 2, "--title is required"},
    {{"render", "extra"}, 2, "unexpected argument 'extra'"},
    {{"render"}, 2, "give the output directory: --html DIR"},
    {{"render", "--html", ""}, 2, "give the output directory: --html DIR"},
    {{"init", "extra"}, 2, "init takes no arguments"},
    {{"doctor", "extra"}, 2, "doctor takes no arguments"},
    {{"doctor", "extra", "--format", "xml"}, 2, "doctor takes no arguments"},
    {{"doctor", "--format", "xml"}, 2, FORMAT},
    {{"doctor", "--format", "xml", "--json"}, 0, ""},
    {{"check"}, 2, "--base REV is required (or a range BASE..HEAD)"},
    {{"check", "extra", "--format", "xml"}, 2,
     "unexpected argument 'extra' (a range is BASE..HEAD)"},
    {{"check", "--format", "xml"}, 2,
     "--base REV is required (or a range BASE..HEAD)"},
    {{"check", "--base", "HEAD", "--format", "xml"}, 2, FORMAT},
    {{"hook", "pre-commit", "--format", "xml"}, 2, FORMAT},
    {{"hook", "commit-msg"},
     2,
     "commit-msg takes one argument: the commit message file"},
    /* Subcommands and other counts. */
    {{"prompt"}, 2, "expected a role and optionally a ticket ID"},
    {{"prompt", "a", "b", "c"},
     2,
     "expected a role and optionally a ticket ID"},
    {{"prompt", "--list", "x"}, 2, "--list takes no arguments"},
    {{"relation"}, 2, "expected add, remove or list"},
    {{"relation", "list", "a", "b"}, 2, "list takes at most one ID"},
    {{"relation", "add", "@"}, 2, "add needs --kind K and --target ID"},
    {{"plan", "list", "a", "b"}, 2, "plan list takes at most one ID"},
    {{"plan", "add", "@"}, 2, "plan add needs --kind K"},
    {{"hooks"}, 2, "expected 'install', 'uninstall', 'trust' or 'untrust'"},
    {{"hooks", "install", "extra"}, 2, "unexpected argument 'extra'"},
    {{"merge-driver", "a"},
     2,
     "expected %O %A %B %P (base, ours, theirs, path)"},
    {{"help", "a", "b"}, 2, "help takes at most one command"},
};

/* In a git repository without a store: the usage checks come first. */
static const pcase no_store[] = {
    {{"show"}, 2, ONE_ID},
    {{"close", "--resolution", "r"}, 2, ONE_ID},
    {{"reopen", "x"}, 2, "--reason is required"},
    {{"list", "extra"}, 2, "unexpected argument 'extra'"},
    {{"render"}, 2, "give the output directory: --html DIR"},
    {{"doctor", "--format", "xml"}, 2, FORMAT},
    {{"check"}, 2, "--base REV is required (or a range BASE..HEAD)"},
    {{"prompt"}, 2, "expected a role and optionally a ticket ID"},
    {{"show", "0123456789ABC"}, 3, "no ticket store"},
    {{"deps", "0123456789ABC"}, 3, "no ticket store"},
    {{"start", "0123456789ABC"}, 3, "no ticket store"},
    {{"list"}, 3, "no ticket store"},
    {{"worktrees"}, 3, "no ticket store"},
    {{"route"}, 3, "no ticket store"},
    {{"render", "--html", "out"}, 3, "no ticket store"},
    {{"doctor"}, 3, "no ticket store"},
    {{"prompt", "--list"}, 3, "no ticket store"},
};

Test(preamble, in_a_store)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "t");
	for (size_t i = 0; i < sizeof(in_store) / sizeof(in_store[0]); i++) {
		/* A --json doctor over the clean store: exit 0, JSON out. */
		if (in_store[i].status == 0)
			continue;
		check(dir, id, &in_store[i]);
	}
	/* --format xml then --json: the last one wins, as before. */
	e2e_result r = RUN(dir, "doctor", "--format", "xml", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"diagnostics\""), "%s", r.out);
	e2e_free(&r);
	/* Every command's --help: its page on stdout, status 0. */
	static const char *const cmds[] = {
	    "init",    "create",    "show",	"list",	    "edit",
	    "comment", "plan",	    "decision", "report",   "review",
	    "state",   "close",	    "reopen",	"relation", "route",
	    "ready",   "blocked",   "deps",	"start",    "finish",
	    "cleanup", "worktrees", "hooks",	"check",    "merge-driver",
	    "prompt",  "doctor",    "render"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char want[64];
		snprintf(want, sizeof(want), "usage: yoi-tickets %s", cmds[i]);
		r = RUN(dir, cmds[i], "--help");
		cr_assert_eq(r.status, 0, "%s: %s", cmds[i], r.err);
		cr_assert(strncmp(r.out, want, strlen(want)) == 0, "%s: %s",
			  cmds[i], r.out);
		cr_assert_str_empty(r.err);
		e2e_free(&r);
	}
	/* Nothing was written by any refusal: still one ticket, one event. */
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_count(thread, "<!-- event:"), 1, "%s", thread);
	free(thread);
	free(id);
	e2e_rm(dir);
}

Test(preamble, without_a_store)
{
	char *dir = e2e_repo();
	for (size_t i = 0; i < sizeof(no_store) / sizeof(no_store[0]); i++)
		check(dir, "", &no_store[i]);
	cr_assert(!e2e_exists(dir, ".yoi"));
	e2e_rm(dir);
}
