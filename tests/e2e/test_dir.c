/*
 * End-to-end: finding the store and the repository (issue 18). -C DIR runs
 * as if started in DIR, anywhere on the line, cumulatively as git does;
 * --root naming a folder that is not a tickets root is refused with a hint.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(dir, dash_c_runs_as_if_started_there)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Far away");
	/* Before the command, after it, glued to its value. */
	e2e_result r = RUN("/tmp", "-C", dir, "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, id), "%s", r.out);
	e2e_free(&r);
	r = RUN("/tmp", "show", id, "-C", dir);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Far away"), "%s", r.out);
	e2e_free(&r);
	char glued[1100];
	snprintf(glued, sizeof(glued), "-C%s", dir);
	r = RUN("/tmp", glued, "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, id), "%s", r.out);
	e2e_free(&r);
	/* Cumulative: a relative -C after another is relative to it. */
	cr_assert_eq(e2e_sh(dir, "mkdir -p sub/deeper"), 0);
	r = RUN("/", "-C", dir, "-C", "sub/deeper", "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, id), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

Test(dir, dash_c_to_a_missing_folder_is_refused)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "-C", "no/such/place", "list");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "no/such/place"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "list", "-C");
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(dir, root_at_the_repository_top_is_refused_with_a_hint)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "mkdir -p src && echo x > src/main.c"), 0);
	const char *cmds[][3] = {{"list", NULL, NULL},
				 {"create", "--title", "Misplaced"},
				 {"doctor", NULL, NULL}};
	for (size_t i = 0; i < 3; i++) {
		const char *argv[8] = {"--root", ".", cmds[i][0], cmds[i][1],
				       cmds[i][2], NULL};
		e2e_result r = e2e_run(dir, NULL, argv);
		cr_assert_eq(r.status, 2, "%s: %d %s", cmds[i][0], r.status,
			     r.err);
		cr_assert(strstr(r.err, "-C"), "%s", r.err);
		cr_assert(strstr(r.err, "not a tickets root"), "%s", r.err);
		e2e_free(&r);
	}
	/* Nothing was written at the top. */
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls -A | grep -v '^\\.git$' | "
				 "grep -v '^\\.yoi$' | grep -v '^src$')\""),
		     0, "something was written at the repository top");
	/* The real root still works. */
	e2e_result r = RUN(dir, "--root", ".yoi/tickets", "list");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

/* Conventions people expect from git (issue 18). */
Test(dir, help_help_and_did_you_mean)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "help", "--help");
	cr_assert_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_assert(strstr(r.out, "help"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "lsit");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "did you mean 'list'?"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "list", "--jsno");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "did you mean '--json'?"), "%s", r.err);
	e2e_free(&r);
	/* Nothing close: no guess. */
	r = RUN(dir, "frobnicate");
	cr_assert_eq(r.status, 2);
	cr_assert_null(strstr(r.err, "did you mean"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(dir, version_names_the_libraries)
{
	e2e_result r = RUN("/tmp", "--version");
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *libs[] = {"libgit2 1.", "libyaml 0.", "cmark 0.",
			      "jansson 2."};
	for (size_t i = 0; i < 4; i++)
		cr_assert(strstr(r.out, libs[i]), "no '%s' in %s", libs[i],
			  r.out);
	e2e_free(&r);
}

Test(dir, check_takes_a_git_range)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm base"), 0);
	char *id = OK_LINE(dir, "create", "--title", "In range");
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm t"), 0);
	e2e_result a = RUN(dir, "check", "HEAD~1..HEAD", "--format", "json");
	e2e_result b = RUN(dir, "check", "--base", "HEAD~1", "--head", "HEAD",
			   "--format", "json");
	cr_assert_eq(a.status, 0, "%s", a.err);
	cr_assert_eq(b.status, 0, "%s", b.err);
	cr_assert_str_eq(a.out, b.out);
	cr_assert(strstr(a.out, id), "%s", a.out);
	e2e_free(&a);
	e2e_free(&b);
	/* A range and --base together: a usage error. */
	a = RUN(dir, "check", "HEAD~1..HEAD", "--base", "HEAD");
	cr_assert_eq(a.status, 2, "%s", a.err);
	e2e_free(&a);
	free(id);
	e2e_rm(dir);
}

/* ready, route and blocked say so on a terminal when nothing is there;
 * piped, they print nothing at all. */
Test(dir, empty_route_says_so_on_a_terminal)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "script -qec '\"$YOI_BIN\" ready' /dev/null "
				 "> tty.txt 2>&1"),
		     0);
	char *t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "nothing is ready to take up"), "%s", t);
	free(t);
	cr_assert_eq(e2e_sh(dir, "script -qec '\"$YOI_BIN\" blocked' "
				 "/dev/null > tty.txt 2>&1"),
		     0);
	t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "nothing is waiting"), "%s", t);
	free(t);
	e2e_result r = RUN(dir, "ready");
	cr_assert_eq(r.status, 0);
	cr_assert_str_empty(r.out);
	cr_assert_str_empty(r.err, "piped: silent");
	e2e_free(&r);
	e2e_rm(dir);
}

/* --abbrev: the shortest unique suffixes, which every command accepts. */
Test(dir, abbrev_shows_suffixes_that_resolve)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Beta");
	e2e_result r = RUN(dir, "list", "--abbrev");
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* Each line starts with a suffix of its ticket's ID. */
	const char *ids[2] = {a, b};
	for (size_t i = 0; i < 2; i++) {
		char *line = strstr(r.out, i ? "Beta" : "Alpha");
		cr_assert_not_null(line);
		while (line > r.out && line[-1] != '\n')
			line--;
		size_t n = strcspn(line, " ");
		cr_assert(n >= 4 && n < 13, "%.*s", (int)n, line);
		cr_assert(strncmp(ids[i] + 13 - n, line, n) == 0, "%s: %.*s",
			  ids[i], (int)n, line);
		char sfx[16];
		snprintf(sfx, sizeof(sfx), "%.*s", (int)n, line);
		e2e_result s = RUN(dir, "show", sfx, "--json");
		cr_assert_eq(s.status, 0, "%s: %s", sfx, s.err);
		cr_assert(strstr(s.out, ids[i]), "%s", s.out);
		e2e_free(&s);
	}
	e2e_free(&r);
	r = RUN(dir, "list", "--abbrev=13");
	cr_assert(strstr(r.out, a), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "list", "--abbrev=2");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* Colour on a terminal (or --color=always), never piped, NO_COLOR and
 * --color=never honoured; a pager for show on a terminal. */
Test(dir, colour_and_pager_as_git_does)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Tinted");
	e2e_result r = RUN(dir, "list");
	cr_assert_null(strstr(r.out, "\033["), "piped: no colour");
	e2e_free(&r);
	r = RUN(dir, "list", "--color=always");
	cr_assert(strstr(r.out, "\033[33m"), "%s", r.out);
	cr_assert(strstr(r.out, "\033[34mplanning"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "--color=never", "list");
	cr_assert_null(strstr(r.out, "\033["));
	e2e_free(&r);
	/* On a terminal: colour unless NO_COLOR; --no-pager for now. */
	cr_assert_eq(e2e_sh(dir, "script -qec '\"$YOI_BIN\" --no-pager list' "
				 "/dev/null > tty.txt"),
		     0);
	char *t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "\033[33m"), "%s", t);
	free(t);
	cr_assert_eq(e2e_sh(dir, "NO_COLOR=1 script -qec '\"$YOI_BIN\" "
				 "--no-pager list' /dev/null > tty.txt"),
		     0);
	t = e2e_read(dir, "tty.txt");
	cr_assert_null(strstr(t, "\033[3"), "%s", t);
	free(t);
	/* show on a terminal goes through the pager; not with --no-pager. */
	cr_assert_eq(e2e_sh(dir,
			    "PAGER='sed s/^/PAGED:/' script -qec '\"$YOI_BIN\" "
			    "show %s' /dev/null > tty.txt",
			    id),
		     0);
	t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "PAGED:"), "%s", t);
	cr_assert(strstr(t, "Tinted"), "%s", t);
	free(t);
	cr_assert_eq(e2e_sh(dir,
			    "PAGER='sed s/^/PAGED:/' script -qec '\"$YOI_BIN\" "
			    "--no-pager show %s' /dev/null > tty.txt",
			    id),
		     0);
	t = e2e_read(dir, "tty.txt");
	cr_assert_null(strstr(t, "PAGED:"), "%s", t);
	free(t);
	/* Piped: never paged. */
	cr_assert_eq(e2e_sh(dir, "PAGER='sed s/^/PAGED:/' \"$YOI_BIN\" show %s "
				 "> out.txt",
			    id),
		     0);
	t = e2e_read(dir, "out.txt");
	cr_assert_null(strstr(t, "PAGED:"), "%s", t);
	free(t);
	free(id);
	e2e_rm(dir);
}

/* No text on a terminal: the editor, as git commit opens it. */
Test(dir, editor_when_no_text_is_given_on_a_terminal)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Edited",
			   "--body", "## Background\n\nGiven inline.\n");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "Given inline."), "%s", item);
	free(item);
	e2e_write(dir, "ed.sh",
		  "#!/bin/sh\ngrep -q '^# Write' \"$1\" || exit 3\n"
		  "{ printf '## Notes\\n\\nFrom the editor.\\n'; cat \"$1\"; } "
		  "> \"$1.new\" && mv \"$1.new\" \"$1\"\n");
	e2e_write(dir, "empty.sh", "#!/bin/sh\nexit 0\n");
	e2e_write(dir, "fails.sh", "#!/bin/sh\nexit 1\n");
	cr_assert_eq(e2e_sh(dir, "chmod +x ed.sh empty.sh fails.sh"), 0);
	cr_assert_eq(e2e_sh(dir,
			    "EDITOR=\"$PWD/ed.sh\" script -qec '\"$YOI_BIN\" "
			    "comment %s' /dev/null > tty.txt",
			    id),
		     0);
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "From the editor."), "%s", thread);
	cr_assert(strstr(thread, "## Notes"), "a Markdown heading is text");
	cr_assert_null(strstr(thread, "# Write"), "template lines left in");
	cr_assert_null(strstr(thread, ">8"), "the scissors line left in");
	free(thread);
	/* VISUAL wins over EDITOR; an empty text aborts, nothing written. */
	char *before = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_eq(e2e_sh(dir,
			    "VISUAL=\"$PWD/empty.sh\" EDITOR=\"$PWD/ed.sh\" "
			    "script -qec '\"$YOI_BIN\" comment %s; echo "
			    "status=$?' /dev/null > tty.txt",
			    id),
		     0);
	char *t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "empty text") && strstr(t, "status=2"), "%s", t);
	free(t);
	cr_assert_eq(e2e_sh(dir,
			    "EDITOR=\"$PWD/fails.sh\" script -qec '\"$YOI_BIN\" "
			    "close %s; echo status=$?' /dev/null > tty.txt",
			    id),
		     0);
	t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "editor") && strstr(t, "status=6"), "%s", t);
	free(t);
	char *after = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_str_eq(before, after, "an aborted text wrote something");
	free(before);
	free(after);
	/* Piped stdin: no editor, the usual usage error. */
	e2e_result r = RUN(dir, "comment", id);
	cr_assert_eq(r.status, 2, "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* create on a terminal opens the editor on the body template. */
Test(dir, create_edits_the_body_template_on_a_terminal)
{
	char *dir = e2e_store();
	e2e_write(dir, "ed.sh",
		  "#!/bin/sh\ngrep -q '^## Background' \"$1\" || exit 3\n"
		  "sed -i 's/^## Background$/## Background\\n\\nWhy it "
		  "matters./' \"$1\"\n");
	cr_assert_eq(e2e_sh(dir, "chmod +x ed.sh"), 0);
	cr_assert_eq(e2e_sh(dir, "EDITOR=\"$PWD/ed.sh\" script -qec "
				 "'\"$YOI_BIN\" create --title Edited' "
				 "/dev/null > tty.txt"),
		     0);
	char *t = e2e_read(dir, "tty.txt");
	char id[14] = "";
	sscanf(t, "%13s", id);
	free(t);
	cr_assert_eq(strlen(id), 13, "no ID printed");
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "## Background\n\nWhy it matters."), "%s", item);
	cr_assert(strstr(item, "## Acceptance criteria"), "%s", item);
	cr_assert_null(strstr(item, ">8"), "%s", item);
	free(item);
	e2e_doctor_clean(dir);
	e2e_rm(dir);
}

/* edit --body on a terminal opens the editor on the current body (as git
 * commit --amend does on the message); --body=TEXT sets it inline; a
 * bare --body without a terminal is a usage error. */
Test(dir, edit_body_opens_the_editor_on_the_current_body)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "Body", "--body",
			   "First text.");
	e2e_write(dir, "ed.sh",
		  "#!/bin/sh\ngrep -q '^First text.$' \"$1\" || exit 3\n"
		  "sed -i 's/^First text.$/Second text./' \"$1\"\n");
	cr_assert_eq(e2e_sh(dir, "chmod +x ed.sh"), 0);
	cr_assert_eq(e2e_sh(dir,
			    "EDITOR=\"$PWD/ed.sh\" script -qec '\"$YOI_BIN\" "
			    "edit %s --body; echo status=$?' /dev/null "
			    "> tty.txt",
			    id),
		     0);
	char *t = e2e_read(dir, "tty.txt");
	cr_assert(strstr(t, "status=0"), "%s", t);
	free(t);
	char *item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "\nSecond text.\n"), "%s", item);
	cr_assert_null(strstr(item, "First text."), "%s", item);
	cr_assert_null(strstr(item, ">8"), "%s", item);
	free(item);
	e2e_result r = RUN(dir, "edit", id, "--body");
	cr_assert_eq(r.status, 2, "no terminal, no text: %s", r.err);
	e2e_free(&r);
	OK(dir, "edit", id, "--body=Third text.");
	item = e2e_read(dir, e2e_tpath(id, "item.md"));
	cr_assert(strstr(item, "\nThird text.\n"), "%s", item);
	free(item);
	e2e_doctor_clean(dir);
	free(id);
	e2e_rm(dir);
}
