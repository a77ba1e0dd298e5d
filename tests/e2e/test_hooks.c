/*
 * End-to-end: hooks install/uninstall (hook scripts, chaining, merge
 * driver config, .gitattributes) and the commit-msg hook, in real
 * repositories with the real git.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define UNKNOWN "00001M86CH3M0" /* a valid ID no test creates */

static const char *const attr_lines[] = {
    ".yoi/tickets/*/thread.md merge=yoi-tickets\n",
    ".yoi/tickets/*/item.md merge=yoi-tickets\n",
    ".yoi/tickets/*/artifacts/relations.json merge=yoi-tickets\n",
    ".yoi/tickets/*/artifacts/orchestration-plan.jsonl merge=yoi-tickets\n",
};

/* A foreign pre-commit hook: records that it ran, then exits with st. */
static void foreign_pre_commit(const char *dir, int st)
{
	char text[256];
	snprintf(text, sizeof(text),
		 "#!/bin/sh\necho ran >> .git/foreign-ran\nexit %d\n", st);
	e2e_write(dir, ".git/hooks/pre-commit", text);
	cr_assert_eq(e2e_sh(dir, "chmod 755 .git/hooks/pre-commit"), 0);
}

static void install_ok(const char *dir)
{
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "install: %s", r.err);
	e2e_free(&r);
}

/* Install with the driver's attributes in the shared .gitattributes. */
static void install_shared_ok(const char *dir)
{
	e2e_result r = RUN(dir, "hooks", "install", "--shared-attributes");
	cr_assert_eq(r.status, 0, "install: %s", r.err);
	e2e_free(&r);
}

static bool executable(const char *dir, const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	struct stat sb;
	return stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0755;
}

static char *real_bin(void)
{
	char *bin = realpath(getenv("YOI_BIN"), NULL);
	cr_assert_not_null(bin);
	return bin;
}

/* Write msg to dir/.git/test-msg and run `hook commit-msg` on it. */
static e2e_result commit_msg(const char *dir, const char *msg)
{
	e2e_write(dir, ".git/test-msg", msg);
	return RUN(dir, "hook", "commit-msg", ".git/test-msg");
}

Test(hooks, install_writes_hooks_config_and_attributes)
{
	char *dir = e2e_store();
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pre-commit: installed\n"), "%s", r.out);
	cr_assert(strstr(r.out, "commit-msg: installed\n"), "%s", r.out);
	cr_assert(strstr(r.out, "merge driver: registered\n"), "%s", r.out);
	e2e_free(&r);
	char *bin = real_bin();
	char quoted[PATH_MAX + 8];
	snprintf(quoted, sizeof(quoted), "installer='%s'\n", bin);
	const char *names[] = {"pre-commit", "commit-msg", "pre-merge-commit"};
	for (size_t i = 0; i < 3; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), ".git/hooks/%s", names[i]);
		cr_assert(executable(dir, rel), "%s is not 0755", rel);
		char *s = e2e_read(dir, rel);
		cr_assert(strstr(s, "\n# yoi-tickets hook\n"), "%s", s);
		cr_assert(strstr(s, quoted), "no absolute binary in %s", s);
		char run[64];
		snprintf(run, sizeof(run), "hook %s%s\n", names[i],
			 i == 1 ? " \"$1\"" : "");
		cr_assert(strstr(s, run), "%s does not run '%s'", rel, run);
		free(s);
	}
	cr_assert_eq(
	    e2e_sh(dir,
		   "test \"$(git config --get "
		   "merge.yoi-tickets.driver)\" = "
		   "'\"$(command -v yoi-tickets || echo '\\''%s'\\'')\" "
		   "merge-driver %%O %%A %%B %%P'",
		   bin),
	    0);
	cr_assert_eq(e2e_sh(dir, "test \"$(git config --get "
				 "merge.yoi-tickets.name)\" = 'yoi-tickets "
				 "ticket files'"),
		     0);
	/* By default the lines go where they act on every branch of this
	 * clone without a commit; the work tree is left alone. */
	char *attrs = e2e_read(dir, ".git/info/attributes");
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(e2e_count(attrs, attr_lines[i]), 1, "%s", attrs);
	free(attrs);
	cr_assert_not(e2e_exists(dir, ".gitattributes"));
	const char *files[] = {"thread.md", "item.md",
			       "artifacts/relations.json",
			       "artifacts/orchestration-plan.jsonl"};
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(e2e_sh(dir,
				    "git check-attr merge .yoi/tickets/" UNKNOWN
				    "/%s | grep -q ': merge: yoi-tickets$'",
				    files[i]),
			     0, "%s is not routed to the driver", files[i]);
	cr_assert_eq(e2e_sh(dir, "git check-attr merge .yoi/tickets/" UNKNOWN
				 "/resolution.md | grep -q ': unspecified$'"),
		     0);
	free(bin);
	e2e_rm(dir);
}

Test(hooks, install_twice_is_idempotent)
{
	char *dir = e2e_store();
	e2e_write(dir, ".gitattributes", "*.png binary"); /* no final EOL */
	install_shared_ok(dir);
	char *pre = e2e_read(dir, ".git/hooks/pre-commit");
	char *msg = e2e_read(dir, ".git/hooks/commit-msg");
	char *attrs = e2e_read(dir, ".gitattributes");
	char *cfg = e2e_read(dir, ".git/config");
	cr_assert_eq(strncmp(attrs, "*.png binary\n.yoi/tickets/", 26), 0, "%s",
		     attrs);

	e2e_result r =
	    RUN(dir, "hooks", "install", "--shared-attributes", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "action")),
			 "install");
	json_t *hooks = json_object_get(j, "hooks");
	cr_assert_eq(json_array_size(hooks), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *h = json_array_get(hooks, i);
		cr_assert_str_eq(
		    json_string_value(json_object_get(h, "result")),
		    "unchanged");
		cr_assert(json_is_false(json_object_get(h, "chains")));
	}
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(j, "merge_driver"), "result")),
			 "unchanged");
	json_t *ga = json_object_get(j, "gitattributes");
	cr_assert_str_eq(json_string_value(json_object_get(ga, "result")),
			 "unchanged");
	cr_assert_eq(json_array_size(json_object_get(ga, "lines")), 0);
	json_decref(j);
	e2e_free(&r);

	char *pre2 = e2e_read(dir, ".git/hooks/pre-commit");
	char *msg2 = e2e_read(dir, ".git/hooks/commit-msg");
	char *attrs2 = e2e_read(dir, ".gitattributes");
	char *cfg2 = e2e_read(dir, ".git/config");
	cr_assert_str_eq(pre, pre2);
	cr_assert_str_eq(msg, msg2);
	cr_assert_str_eq(attrs, attrs2);
	cr_assert_str_eq(cfg, cfg2);
	cr_assert_not(e2e_exists(dir, ".git/hooks/pre-commit.yoi-chained"));
	cr_assert_not(e2e_exists(dir, ".git/hooks/commit-msg.yoi-chained"));
	cr_assert_eq(e2e_count(cfg2, "[merge \"yoi-tickets\"]"), 1);
	free(pre);
	free(msg);
	free(attrs);
	free(cfg);
	free(pre2);
	free(msg2);
	free(attrs2);
	free(cfg2);
	e2e_rm(dir);
}

Test(hooks, foreign_hook_is_chained_and_still_runs)
{
	char *dir = e2e_store();
	foreign_pre_commit(dir, 0);
	char *orig = e2e_read(dir, ".git/hooks/pre-commit");
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pre-commit: installed (chained existing "
				"hook)\n"),
		  "%s", r.out);
	e2e_free(&r);
	char *kept = e2e_read(dir, ".git/hooks/pre-commit.yoi-chained");
	cr_assert_str_eq(kept, orig);
	free(kept);
	/* Installing again neither chains ours nor moves the foreign one. */
	install_ok(dir);
	kept = e2e_read(dir, ".git/hooks/pre-commit.yoi-chained");
	cr_assert_str_eq(kept, orig);
	free(kept);

	e2e_write(dir, "README", "hello\n");
	cr_assert_eq(e2e_sh(dir, "git add README && git commit -qm 'readme' "
				 ">/dev/null 2>&1"),
		     0, "the commit failed");
	char *ran = e2e_read(dir, ".git/foreign-ran");
	cr_assert_str_eq(ran, "ran\n");
	free(ran);

	/* A failing foreign hook stops the commit. */
	e2e_write(dir, ".git/hooks/pre-commit.yoi-chained",
		  "#!/bin/sh\necho ran >> .git/foreign-ran\nexit 3\n");
	e2e_write(dir, "README", "changed\n");
	cr_assert_neq(e2e_sh(dir, "git commit -qam 'change' >/dev/null 2>&1"),
		      0, "the commit went through a failing hook");
	cr_assert_eq(e2e_sh(dir, "test \"$(git rev-list --count HEAD)\" = 1"),
		     0);
	ran = e2e_read(dir, ".git/foreign-ran");
	cr_assert_str_eq(ran, "ran\nran\n");
	free(ran);
	free(orig);
	e2e_rm(dir);
}

Test(hooks, chained_commit_msg_gets_the_message_file)
{
	char *dir = e2e_store();
	e2e_write(dir, ".git/hooks/commit-msg",
		  "#!/bin/sh\ncp \"$1\" .git/seen-msg\n");
	cr_assert_eq(e2e_sh(dir, "chmod 755 .git/hooks/commit-msg"), 0);
	install_ok(dir);
	cr_assert(e2e_exists(dir, ".git/hooks/commit-msg.yoi-chained"));
	cr_assert_eq(e2e_sh(dir, "printf 'subject\\n' > .git/m && "
				 ".git/hooks/commit-msg .git/m"),
		     0);
	char *seen = e2e_read(dir, ".git/seen-msg");
	cr_assert_str_eq(seen, "subject\n");
	free(seen);
	/* A failing chained hook's status is the hook's status. */
	e2e_write(dir, ".git/hooks/commit-msg.yoi-chained",
		  "#!/bin/sh\nexit 5\n");
	cr_assert_eq(e2e_sh(dir, ".git/hooks/commit-msg .git/m"), 5);
	e2e_rm(dir);
}

Test(hooks, uninstall_restores_and_removes)
{
	char *dir = e2e_store();
	foreign_pre_commit(dir, 0);
	char *orig = e2e_read(dir, ".git/hooks/pre-commit");
	e2e_write(dir, ".gitattributes", "*.png binary\n");
	install_shared_ok(dir);
	e2e_append(dir, ".gitattributes", "*.jpg binary\n");

	e2e_result r = RUN(dir, "hooks", "uninstall");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pre-commit: removed (restored the chained "
				"hook)\n"),
		  "%s", r.out);
	cr_assert(strstr(r.out, "commit-msg: removed\n"), "%s", r.out);
	cr_assert(strstr(r.out, "merge driver: removed\n"), "%s", r.out);
	e2e_free(&r);
	char *pre = e2e_read(dir, ".git/hooks/pre-commit");
	cr_assert_str_eq(pre, orig);
	free(pre);
	cr_assert(executable(dir, ".git/hooks/pre-commit"));
	cr_assert_not(e2e_exists(dir, ".git/hooks/pre-commit.yoi-chained"));
	cr_assert_not(e2e_exists(dir, ".git/hooks/commit-msg"));
	cr_assert_eq(e2e_sh(dir, "git config --get merge.yoi-tickets.driver "
				 ">/dev/null"),
		     1);
	cr_assert_eq(e2e_sh(dir, "git config --get merge.yoi-tickets.name "
				 ">/dev/null"),
		     1);
	char *attrs = e2e_read(dir, ".gitattributes");
	cr_assert_str_eq(attrs, "*.png binary\n*.jpg binary\n");
	free(attrs);

	/* Again: nothing left to do, nothing touched. */
	r = RUN(dir, "hooks", "uninstall", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_t *hooks = json_object_get(j, "hooks");
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(hooks, 0), "result")),
			 "foreign");
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(hooks, 1), "result")),
			 "absent");
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(j, "merge_driver"), "result")),
			 "absent");
	json_decref(j);
	e2e_free(&r);
	pre = e2e_read(dir, ".git/hooks/pre-commit");
	cr_assert_str_eq(pre, orig);
	free(pre);
	free(orig);
	e2e_rm(dir);
}

Test(hooks, uninstall_deletes_an_attributes_file_it_emptied)
{
	char *dir = e2e_store();
	install_ok(dir);
	cr_assert(e2e_exists(dir, ".git/info/attributes"));
	e2e_result r = RUN(dir, "hooks", "uninstall");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, ".git/info/attributes"));
	install_shared_ok(dir);
	r = RUN(dir, "hooks", "uninstall");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, ".gitattributes"));
	cr_assert_not(e2e_exists(dir, ".git/hooks/pre-commit"));
	e2e_rm(dir);
}

Test(hooks, refuses_foreign_hook_beside_a_chained_one)
{
	char *dir = e2e_store();
	foreign_pre_commit(dir, 0);
	e2e_write(dir, ".git/hooks/pre-commit.yoi-chained", "#!/bin/sh\n");
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 4, "%d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "pre-commit.yoi-chained"), "%s", r.err);
	cr_assert(strstr(r.err, "hooks install' again"), "%s", r.err);
	e2e_free(&r);
	/* Nothing was changed. */
	cr_assert_not(e2e_exists(dir, ".git/hooks/commit-msg"));
	cr_assert_not(e2e_exists(dir, ".gitattributes"));
	cr_assert_eq(e2e_sh(dir, "git config --get merge.yoi-tickets.driver "
				 ">/dev/null"),
		     1);
	char *pre = e2e_read(dir, ".git/hooks/pre-commit");
	cr_assert(strstr(pre, "foreign-ran"));
	free(pre);
	e2e_rm(dir);
}

Test(hooks, core_hooks_path_relative_to_the_top)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir, "git config core.hooksPath .githooks && "
				 "mkdir sub"),
		     0);
	e2e_result r = RUN(dir, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "hooks directory: created"), "%s", r.out);
	e2e_free(&r);
	cr_assert(executable(dir, ".githooks/pre-commit"));
	cr_assert(executable(dir, ".githooks/commit-msg"));
	cr_assert_not(e2e_exists(dir, ".git/hooks/pre-commit"));
	char sub[PATH_MAX];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	r = RUN(sub, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pre-commit: already installed"), "%s", r.out);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, "sub/.githooks"));
	/* git runs them from there: an unknown ticket stops the commit. */
	e2e_write(dir, "README", "x\n");
	cr_assert_neq(e2e_sh(dir, "git add README && git commit -qm "
				  "'[" UNKNOWN "] x' >/dev/null 2>.git/err"),
		      0);
	char *err = e2e_read(dir, ".git/err");
	cr_assert(strstr(err, "unknown ticket " UNKNOWN), "%s", err);
	free(err);
	e2e_rm(dir);
}

Test(hooks, root_outside_the_work_tree_is_a_usage_error)
{
	char *dir = e2e_store();
	char *other = e2e_repo();
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s/tickets", other);
	e2e_result r = RUN(dir, "--root", root, "hooks", "install");
	cr_assert_eq(r.status, 2, "%d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "not inside the work tree"), "%s", r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, ".git/hooks/pre-commit"));
	e2e_rm(other);
	e2e_rm(dir);
}

Test(hooks, usage_errors)
{
	char *dir = e2e_store();
	const char *const bad[][3] = {
	    {"hooks", NULL, NULL},	   {"hooks", "frob", NULL},
	    {"hooks", "install", "extra"}, {"hooks", "install", "--bogus"},
	    {"hook", "commit-msg", NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		e2e_result r = e2e_run(dir, NULL, bad[i]);
		cr_assert_eq(r.status, 2, "%s %s: %d", bad[i][0],
			     bad[i][1] ? bad[i][1] : "", r.status);
		e2e_free(&r);
	}
	e2e_result r = RUN(dir, "hooks", "--help");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "usage: yoi-tickets hooks install"));
	e2e_free(&r);
	r = RUN(dir, "hook", "commit-msg", "no-such-file");
	cr_assert_eq(r.status, 3, "%d: %s", r.status, r.err);
	e2e_free(&r);
	char *plain = e2e_repo(); /* no store: installs all the same */
	r = RUN(plain, "hooks", "install");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	e2e_rm(plain);
	e2e_rm(dir);
}

Test(hooks, commit_msg_rejects_unknown_ids)
{
	char *dir = e2e_store();
	e2e_result r =
	    commit_msg(dir, "Fix it\n\nSome text.\nTicket: " UNKNOWN "\n");
	cr_assert_eq(r.status, 1, "%d", r.status);
	cr_assert(strstr(r.err, "commit message names unknown ticket " UNKNOWN
				" (Ticket: trailer, line 4); fix the ID or "
				"create the ticket"),
		  "%s", r.err);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);

	r = commit_msg(dir, "[" UNKNOWN "] fix it\n");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "unknown ticket " UNKNOWN " ([ID] mention, "
				"line 1)"),
		  "%s", r.err);
	e2e_free(&r);

	/* The key is case-insensitive; a value that is no ID is an error. */
	r = commit_msg(dir, "x\n\nticket: not-an-id\nTICKET : 00001m86ch3mo\n");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.err, "'not-an-id', which is not a ticket ID "
				"(Ticket: trailer, line 3)"),
		  "%s", r.err);
	cr_assert(strstr(r.err, "write it as 00001M86CH3M0"), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(hooks, commit_msg_accepts_existing_and_ignores_comments)
{
	char *dir = e2e_store();
	char *id = OK_LINE(dir, "create", "--title", "A ticket");
	char msg[1024];
	snprintf(msg, sizeof(msg),
		 "[%s] fix it\n\nBody [not an id] and [%s].\n"
		 "# Ticket: " UNKNOWN "\n# [" UNKNOWN "]\n\nTicket: %s\n"
		 "# ------------------------ >8 ------------------------\n"
		 "+[" UNKNOWN "]\nTicket: " UNKNOWN "\n",
		 id, id, id);
	e2e_result r = commit_msg(dir, msg);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "");
	cr_assert_str_eq(r.err, "");
	e2e_free(&r);
	/* No references at all: fine; a subject "Ticket: ..." is prose. */
	r = commit_msg(dir, "Ticket: tidy the list view\n\nno refs\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	/* Not 13 characters of the alphabet: not a mention. */
	r = commit_msg(dir, "[00001M86CH3M] [00001M86CH3M00] [00001m86ch3m0]"
			    " [0000IM86CH3M0]\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/*
 * The real git commit, with only the commit-msg hook (its own hooks path,
 * so pre-commit's checks stay out of it), in a repository without commits.
 */
Test(hooks, git_commit_runs_commit_msg)
{
	char *dir = e2e_store();
	install_ok(dir);
	cr_assert_eq(e2e_sh(dir, "mkdir .git/msg-only && cp "
				 ".git/hooks/commit-msg .git/msg-only/"),
		     0);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git rev-list --all)\""), 0);
	e2e_write(dir, "README", "x\n");
	cr_assert_eq(e2e_sh(dir, "git add README && git -c "
				 "core.hooksPath=.git/msg-only commit -q -m "
				 "'x' -m 'Ticket: " UNKNOWN
				 "' 2>.git/err >/dev/null"),
		     1);
	char *err = e2e_read(dir, ".git/err");
	cr_assert(strstr(err, "commit message names unknown ticket " UNKNOWN
			      " (Ticket: trailer, line 3)"),
		  "%s", err);
	free(err);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(git rev-list --all)\""), 0);

	char *id = OK_LINE(dir, "create", "--title", "Real");
	cr_assert_eq(e2e_sh(dir,
			    "git add -A && git -c core.hooksPath=.git/msg-only "
			    "commit -q -m '[%s] first' >/dev/null 2>&1",
			    id),
		     0);
	cr_assert_eq(e2e_sh(dir, "test \"$(git rev-list --count HEAD)\" = 1"),
		     0);
	free(id);
	e2e_rm(dir);
}
