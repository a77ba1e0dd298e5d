/* main.c - the command table and dispatch, as git.c lists builtins. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/version.h"

const yoi_command yoi_commands[] = {
    {"init", yoi_cmd_init, "create the ticket store in this repository"},
    {"create", yoi_cmd_create, "create a ticket (state: planning)"},
    {"show", yoi_cmd_show, "show a ticket with its thread"},
    {"list", yoi_cmd_list, "list tickets, filtered"},
    {"edit", yoi_cmd_edit, "change a ticket's title, fields or body"},
    {"comment", yoi_cmd_comment, "append a comment event"},
    {"plan", yoi_cmd_plan, "append a plan event"},
    {"decision", yoi_cmd_decision, "append a decision event"},
    {"report", yoi_cmd_report, "append an implementation report event"},
    {"review", yoi_cmd_review, "record a review: approve or request changes"},
    {"state", yoi_cmd_state, "move a ticket to another state"},
    {"close", yoi_cmd_close, "close a ticket with a resolution"},
    {"reopen", yoi_cmd_reopen, "reopen a closed ticket"},
    {"relation", yoi_cmd_relation, "add, remove or list typed relations"},
    {"route", yoi_cmd_route, "classify every ready and queued ticket"},
    {"ready", yoi_cmd_ready, "the actionable tickets, in route order"},
    {"blocked", yoi_cmd_blocked, "the waiting tickets, with reasons"},
    {"deps", yoi_cmd_deps, "a ticket's dependency tree"},
    {"start", yoi_cmd_start, "start work: branch, worktree, inprogress"},
    {"finish", yoi_cmd_finish, "inprogress -> done; is the branch merged?"},
    {"cleanup", yoi_cmd_cleanup, "remove a ticket's worktree and branch"},
    {"worktrees", yoi_cmd_worktrees, "the ticket worktrees and their states"},
    {"claims", yoi_cmd_claims, "claims across clones: list, release"},
    {"hooks", yoi_cmd_hooks,
     "install the git hooks and merge driver; trust the event hook"},
    {"hook", yoi_cmd_hook, "run a git hook's checks (called by the hooks)"},
    {"check", yoi_cmd_check,
     "CI: check every ticket changed between two commits"},
    {"merge-driver", yoi_cmd_merge_driver,
     "the git merge driver for ticket files"},
    {"prompt", yoi_cmd_prompt, "a role brief for a ticket; --list the roles"},
    {"doctor", yoi_cmd_doctor, "check the whole store; --fix repairs"},
    {"render", yoi_cmd_render, "write the store as a static HTML board"},
    {"import", yoi_cmd_import, "bring tickets in from beads, Backlog.md, tk or GitHub"},
    {"mcp", yoi_cmd_mcp, "serve the Model Context Protocol on stdio"},
    {"help", yoi_cmd_help, "show help for a command"},
    {"completion", yoi_cmd_completion, "a bash, zsh or fish completion script"},
    {NULL, NULL, NULL},
};

static const yoi_command *find(const char *name)
{
	for (const yoi_command *c = yoi_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int main(int argc, char **argv)
{
	/*
	 * A file size limit (RLIMIT_FSIZE) must fail the write with EFBIG, as
	 * a full disk fails it with ENOSPC, so that the old file stays intact
	 * and no temporary file is left behind; SIGXFSZ would kill us mid-way.
	 */
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * libgit2 is not set up here: the store sets it up when it opens the
	 * repository, so that --version, help and usage errors pay nothing
	 * for it (README, Performance: which commands pay for what).
	 */
	yoi_cli_seed(argc, argv);
	yoi_ctx ctx = {0};
	ctx.wait_sec = 10;
	ctx.cmd = "yoi-tickets";
	int i = 1;
	int g = yoi_cli_parse_globals(&ctx, argc, argv, &i);
	if (g != YOI_CLI_GO)
		return g;
	if (i < argc && strcmp(argv[i], "--version") == 0) {
		char libs[256];
		yoi_library_versions(libs, sizeof(libs));
		printf("yoi-tickets %s\n%s\n", YOI_VERSION, libs);
		return 0;
	}
	if (i < argc && argv[i][0] == '-') { /* -h, --help */
		int st = yoi_cmd_help(1, (char *[]){"help", NULL}, &ctx);
		yoi_cli_pager_finish(&ctx);
		return st;
	}
	if (i >= argc) {
		yoi_cmd_help(1, (char *[]){"help", NULL}, &ctx);
		yoi_cli_pager_finish(&ctx);
		return YOI_EXIT_USAGE;
	}
	const yoi_command *c = find(argv[i]);
	if (!c) {
		const char *names[128];
		size_t n = 0;
		for (const yoi_command *k = yoi_commands; k->name && n < 128;
		     k++)
			names[n++] = k->name;
		const char *g = yoi_cli_guess(argv[i], names, n);
		if (g)
			return yoi_cli_usage(&ctx,
					     "unknown command '%s'; did you "
					     "mean '%s'?",
					     argv[i], g);
		return yoi_cli_usage(&ctx,
				     "unknown command '%s'; 'yoi-tickets help' "
				     "lists the commands",
				     argv[i]);
	}
	ctx.cmd = c->name;
	int status = c->fn(argc - i, argv + i, &ctx);
	yoi_ctx_free(&ctx);
	if (fflush(stdout) != 0 && status == 0 && !ctx.pager_pid) {
		perror("yoi-tickets: writing output");
		status = YOI_EXIT_IO;
	}
	yoi_cli_pager_finish(&ctx);
	return status;
}
