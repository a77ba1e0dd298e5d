/*
 * End-to-end: `completion bash|zsh|fish`. The bash script is sourced in a
 * real bash and asked for candidates as bash asks (COMP_WORDS, COMP_CWORD,
 * then the completion function): commands, a command's flags, states
 * after `state ID`, relation kinds, IDs by prefix and by suffix.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/*
 * The candidates bash offers for the command line words (the last one is
 * the word being completed), one per line, sorted. Caller frees.
 */
static char *complete(const char *dir, const char *words)
{
	const char *bin = getenv("YOI_BIN");
	char script[2048];
	snprintf(script, sizeof(script),
		 "set -e\n"
		 "source <('%s' completion bash)\n"
		 "COMP_WORDS=('%s' %s)\n"
		 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
		 "COMPREPLY=()\n"
		 "_yoi_tickets\n"
		 "if ((${#COMPREPLY[@]})); then\n"
		 "  printf '%%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort\n"
		 "fi\n",
		 bin, bin, words);
	e2e_result r = e2e_run_bin("/bin/bash", dir, script,
				   (const char *const[]){"-s", NULL});
	cr_assert_eq(r.status, 0, "%s: %s", words, r.err);
	cr_assert_str_empty(r.err, "%s: %s", words, r.err);
	char *out = r.out;
	r.out = NULL;
	e2e_free(&r);
	return out;
}

#define EXPECT_COMPLETION(dir, words, want)                                    \
	do {                                                                   \
		char *got_ = complete((dir), (words));                         \
		cr_assert_str_eq(got_, (want), "%s", (words));                 \
		free(got_);                                                    \
	} while (0)

Test(completion, bash_commands_flags_states_kinds)
{
	char *dir = e2e_store();
	EXPECT_COMPLETION(dir, "st", "start\nstate\n");
	EXPECT_COMPLETION(dir, "re",
			  "ready\nrelation\nrender\nreopen\nreport\nreview\n");
	EXPECT_COMPLETION(dir, "comp", "completion\n");
	/* The flags of one command, from its option table. */
	EXPECT_COMPLETION(dir, "state X --",
			  "--author\n--color\n--directory\n--force\n--help\n"
			  "--json\n--no-pager\n--quiet\n--reason\n"
			  "--root\n--summary\n--verbose\n"
			  "--wait\n");
	EXPECT_COMPLETION(dir, "create --ti", "--title\n");
	/* Global options before the command. */
	EXPECT_COMPLETION(dir, "--ver", "--verbose\n--version\n");
	/* The states after `state ID`. */
	EXPECT_COMPLETION(dir, "state X ''",
			  "closed\ndone\ninprogress\nplanning\nqueued\n"
			  "ready\n");
	EXPECT_COMPLETION(dir, "state X --reason why q", "queued\n");
	EXPECT_COMPLETION(dir, "list --state ''",
			  "active\nall\nclosed\ndone\ninprogress\nplanning\n"
			  "queued\nready\n");
	/* Relation kinds, plan kinds (a subcommand's own table), roles. */
	EXPECT_COMPLETION(dir, "relation add X --kind d",
			  "depends_on\nduplicate_of\n");
	EXPECT_COMPLETION(dir, "relation add X --kind = d",
			  "depends_on\nduplicate_of\n");
	EXPECT_COMPLETION(dir, "plan add X --kind blo", "blocked_by\nblocks\n");
	EXPECT_COMPLETION(dir, "plan add X --ro", "--role-plan\n--root\n");
	EXPECT_COMPLETION(dir, "relation ''", "add\nlist\nremove\n");
	EXPECT_COMPLETION(dir, "prompt c", "coder\n");
	EXPECT_COMPLETION(dir, "completion ''", "bash\nfish\nzsh\n");
	/* A value that is free text completes nothing. */
	EXPECT_COMPLETION(dir, "create --title ''", "");
	e2e_rm(dir);
}

Test(completion, bash_ticket_ids_by_prefix_and_suffix)
{
	char *dir = e2e_store();
	char a[32], b[32];
	char *line = OK_LINE(dir, "create", "--title", "One");
	snprintf(a, sizeof(a), "%s", line);
	free(line);
	line = OK_LINE(dir, "create", "--title", "Two");
	snprintf(b, sizeof(b), "%s", line);
	free(line);
	char words[128], want[128];
	/* Every ticket for an empty word, closed ones included. */
	OK(dir, "close", b, "--resolution", "gone");
	snprintf(want, sizeof(want), "%s\n%s\n", strcmp(a, b) < 0 ? a : b,
		 strcmp(a, b) < 0 ? b : a);
	EXPECT_COMPLETION(dir, "show ''", want);
	/* By suffix, typed in lower case: the whole ID. */
	snprintf(words, sizeof(words), "show %s", b + 9);
	for (char *p = words + 5; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	snprintf(want, sizeof(want), "%s\n", b);
	EXPECT_COMPLETION(dir, words, want);
	/* By prefix: the full ID as typed so far. */
	snprintf(words, sizeof(words), "reopen %.12s", b);
	EXPECT_COMPLETION(dir, words, want);
	/* The ID after --target, and the position after `state`. */
	snprintf(words, sizeof(words), "relation add %s --target %s", a, b + 9);
	EXPECT_COMPLETION(dir, words, want);
	snprintf(words, sizeof(words), "state %s", b + 9);
	EXPECT_COMPLETION(dir, words, want);
	/* No ticket matches: nothing, and no error on the terminal. */
	EXPECT_COMPLETION(dir, "show ZZZZZZZZ", "");
	/* From another directory, with --root on the line. */
	cr_assert_eq(e2e_sh(dir, "mkdir -p sub/deeper"), 0);
	char other[4096], root[4096];
	snprintf(other, sizeof(other), "%s/sub/deeper", dir);
	snprintf(root, sizeof(root), "--root %s/.yoi/tickets show %s", dir,
		 b + 9);
	EXPECT_COMPLETION(other, root, want);
	/* The helper itself: ID, a tab, the title. */
	e2e_result r = RUN(dir, "completion", "ids", "--", a + 9);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(want, sizeof(want), "%s\tOne\n", a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(completion, scripts_for_every_shell_and_errors)
{
	char *dir = e2e_repo();
	const char *bin = getenv("YOI_BIN");
	/* Made without a store; each parses in its shell when installed. */
	static const char *const shells[][2] = {
	    {"bash", "bash -n"}, {"zsh", "zsh -n"}, {"fish", "fish -n"}};
	for (size_t i = 0; i < 3; i++) {
		e2e_result r = RUN(dir, "completion", shells[i][0]);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_assert(strstr(r.out, "yoi-tickets"), "%s", r.out);
		e2e_free(&r);
		const char *sh = shells[i][0];
		if (e2e_sh(dir, "command -v %s >/dev/null", sh) != 0)
			continue;
		cr_assert_eq(e2e_sh(dir, "'%s' completion %s > c.%s && %s c.%s",
				    bin, sh, sh, shells[i][1], sh),
			     0, "%s", sh);
	}
	e2e_result r = RUN(dir, "completion", "tcsh");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown shell 'tcsh'"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "completion");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "completion", "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out, "usage: yoi-tickets completion", 29) == 0,
		  "%s", r.out);
	e2e_free(&r);
	e2e_rm(dir);
}

/*
 * fish and zsh, when installed: fish's own `complete -C` asks the script
 * as fish does; zsh's completion builtins need a terminal, so compadd and
 * _describe are stand-ins that print what they are given.
 */
static char *shell_out(const char *dir, const char *cmd)
{
	const char *bin = getenv("YOI_BIN");
	char bindir[4096];
	snprintf(bindir, sizeof(bindir), "%s", bin);
	*strrchr(bindir, '/') = '\0';
	char script[8192];
	snprintf(script, sizeof(script),
		 "test \"$(basename '%s')\" = yoi-tickets || exit 0\n"
		 "PATH='%s':$PATH; export PATH\n%s",
		 bin, bindir, cmd);
	e2e_result r = e2e_run_bin("/bin/sh", dir, script,
				   (const char *const[]){"-s", NULL});
	cr_assert_eq(r.status, 0, "%s: %s", cmd, r.err);
	char *out = r.out;
	r.out = NULL;
	e2e_free(&r);
	return out;
}

Test(completion, fish_completes_with_titles)
{
	char *dir = e2e_store();
	if (e2e_sh(dir, "command -v fish >/dev/null") != 0) {
		e2e_rm(dir);
		cr_skip_test("fish is not installed");
	}
	char *line = OK_LINE(dir, "create", "--title", "Fish food");
	char id[32], cmd[512], want[128];
	snprintf(id, sizeof(id), "%s", line);
	free(line);
	snprintf(cmd, sizeof(cmd),
		 "fish -c 'source (yoi-tickets completion fish | psub)\n"
		 "complete -C \"yoi-tickets sta\"\n"
		 "complete -C \"yoi-tickets state %s q\"\n"
		 "complete -C \"yoi-tickets show %s\"\n"
		 "complete -C \"yoi-tickets relation add X --kind dep\"'\n",
		 id, id + 9);
	char *out = shell_out(dir, cmd);
	snprintf(want, sizeof(want), "%s\tFish food\n", id);
	cr_assert(strstr(out, "state\tmove a ticket to another state\n"), "%s",
		  out);
	cr_assert(strstr(out, "start\t"), "%s", out);
	cr_assert(strstr(out, "queued\n"), "%s", out);
	cr_assert(strstr(out, want), "%s", out);
	cr_assert(strstr(out, "depends_on\t"), "%s", out);
	free(out);
	e2e_rm(dir);
}

Test(completion, zsh_function_offers_candidates)
{
	char *dir = e2e_store();
	if (e2e_sh(dir, "command -v zsh >/dev/null") != 0) {
		e2e_rm(dir);
		cr_skip_test("zsh is not installed");
	}
	char *line = OK_LINE(dir, "create", "--title", "Zed");
	char id[32], cmd[4096], want[128];
	snprintf(id, sizeof(id), "%s", line);
	free(line);
	snprintf(cmd, sizeof(cmd),
		 "yoi-tickets completion zsh > _yoi-tickets\n"
		 "zsh -f -c '\n"
		 "compdef() { :; }\n"
		 "_describe() { print -l -- ${(P)4}; }\n"
		 "compset() { PREFIX=${PREFIX#*=}; }\n"
		 "compadd() {\n"
		 "  local arr=\n"
		 "  while (( $# )); do\n"
		 "    case $1 in\n"
		 "    -a) arr=$2; shift 2 ;;\n"
		 "    -d) shift 2 ;;\n"
		 "    --) shift; print -l -- \"$@\"; return ;;\n"
		 "    *) shift ;;\n"
		 "    esac\n"
		 "  done\n"
		 "  [[ -n $arr ]] && print -l -- ${(P)arr}\n"
		 "}\n"
		 "source ./_yoi-tickets\n"
		 "t() { words=(\"$@\"); CURRENT=$#; PREFIX=${words[-1]}; "
		 "print -- \"[$*]\"; _yoi_tickets; }\n"
		 "t yoi-tickets \"\"\n"
		 "t yoi-tickets state %s \"\"\n"
		 "t yoi-tickets show %s\n"
		 "t yoi-tickets list --state=r\n"
		 "t yoi-tickets state --r'\n",
		 id, id + 9);
	char *out = shell_out(dir, cmd);
	cr_assert(strstr(out, "state:move a ticket to another state\n"), "%s",
		  out);
	cr_assert(strstr(out, "\ninprogress\n"), "%s", out);
	snprintf(want, sizeof(want), "[yoi-tickets show %s]\n%s\n", id + 9, id);
	cr_assert(strstr(out, want), "%s", out);
	cr_assert(strstr(out, "\nactive\nall\nplanning\n"), "%s", out);
	cr_assert(strstr(out, "--reason:why\n"), "%s", out);
	free(out);
	e2e_rm(dir);
}
