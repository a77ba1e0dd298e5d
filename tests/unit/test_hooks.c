/* Unit tests: the pure parts of hooks (quoting, scripts, message scan). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/hooks.h"

static yoi_hooks_refs scan(const char *msg)
{
	yoi_hooks_refs refs;
	yoi_error err = {0};
	cr_assert_eq(yoi_hooks_msg_refs(&refs, msg, strlen(msg), '#', &err), 0,
		     "%s", err.msg);
	return refs;
}

Test(hooks, sh_quote)
{
	char *q = yoi_hooks_sh_quote("/opt/my tools/yoi-tickets");
	cr_assert_str_eq(q, "'/opt/my tools/yoi-tickets'");
	free(q);
	q = yoi_hooks_sh_quote("/it's/$HOME/`x`");
	cr_assert_str_eq(q, "'/it'\\''s/$HOME/`x`'");
	free(q);
	q = yoi_hooks_sh_quote("");
	cr_assert_str_eq(q, "''");
	free(q);
}

Test(hooks, script_is_marked_and_runs_the_binary)
{
	yoi_error err = {0};
	char *s = NULL;
	cr_assert_eq(yoi_hooks_script(&s, "commit-msg", "/b'in", &err), 0, "%s",
		     err.msg);
	cr_assert_eq(strncmp(s, "#!/bin/sh\n" YOI_HOOKS_MARKER "\n", 29), 0,
		     "%s", s);
	cr_assert(strstr(s, "installer='/b'\\''in'\n"), "%s", s);
	cr_assert(strstr(s, "exec \"$bin\" hook commit-msg \"$1\"\n"), "%s", s);
	cr_assert(strstr(s, "commit-msg.yoi-chained"), "%s", s);
	cr_assert_null(strstr(s, "@BIN@"), "%s", s);
	cr_assert_null(strstr(s, "@HOOK@"), "%s", s);
	cr_assert_null(strstr(s, "@ARGS@"), "%s", s);
	free(s);
	cr_assert_eq(yoi_hooks_script(&s, "pre-commit", "/bin", &err), 0);
	cr_assert(strstr(s, "exec \"$bin\" hook pre-commit\n"), "%s", s);
	free(s);
	cr_assert_eq(yoi_hooks_script(&s, "post-merge", "/bin", &err), YOI_EIO);
	cr_assert_null(s);
}

Test(hooks, attr_lines)
{
	yoi_strv v;
	yoi_error err = {0};
	cr_assert_eq(yoi_hooks_attr_lines(&v, ".yoi/tickets", &err), 0);
	cr_assert_eq(v.n, 4);
	cr_assert_str_eq(v.v[0], ".yoi/tickets/*/thread.md merge=yoi-tickets");
	cr_assert_str_eq(v.v[3], ".yoi/tickets/*/artifacts/"
				 "orchestration-plan.jsonl merge=yoi-tickets");
	yoi_strv_free(&v);
	cr_assert_eq(yoi_hooks_attr_lines(&v, "", &err), 0);
	cr_assert_str_eq(v.v[1], "*/item.md merge=yoi-tickets");
	yoi_strv_free(&v);
}

Test(hooks, msg_refs_trailers_and_mentions)
{
	yoi_hooks_refs r = scan("[00001M86CH3M0] Subject [00001KSNFEVG8]\n"
				"\n"
				"body\r\n"
				"ticket:00001KSNFEVG8\r\n"
				"Ticket :  bad value \n"
				"Ticket: 00001m86ch3mo\n");
	cr_assert_eq(r.n, 5);
	cr_assert_str_eq(r.v[0].id, "00001M86CH3M0");
	cr_assert_eq(r.v[0].line, 1);
	cr_assert_not(r.v[0].trailer);
	cr_assert_str_eq(r.v[1].id, "00001KSNFEVG8");
	cr_assert_str_eq(r.v[2].id, "00001KSNFEVG8");
	cr_assert(r.v[2].trailer);
	cr_assert_eq(r.v[2].line, 4);
	cr_assert_str_eq(r.v[3].id, "");
	cr_assert_str_eq(r.v[3].value, "bad value");
	cr_assert_null(r.v[3].hint);
	cr_assert_str_eq(r.v[4].id, "");
	cr_assert_str_eq(r.v[4].hint, "00001M86CH3M0");
	yoi_hooks_refs_free(&r);
}

Test(hooks, msg_refs_skip_comments_subject_trailers_and_scissors)
{
	yoi_hooks_refs r =
	    scan("# Ticket: 00001M86CH3M0\n"
		 "\n"
		 "Ticket: a subject, not a trailer\n"
		 "#[00001M86CH3M0]\n"
		 "[00001M86CH3M] [00001M86CH3M0X] [00001m86ch3m0]\n"
		 "[ZZZZZZZZZZZZZ]\n"
		 "# ------------------------ >8 ------------------------\n"
		 "Ticket: 00001M86CH3M0\n[00001M86CH3M0]\n");
	/* Only the overflowing 13-character mention is a reference. */
	cr_assert_eq(r.n, 1);
	cr_assert_str_eq(r.v[0].value, "ZZZZZZZZZZZZZ");
	cr_assert_str_eq(r.v[0].id, "");
	cr_assert_eq(r.v[0].line, 6);
	yoi_hooks_refs_free(&r);

	yoi_error err = {0};
	const char *m = ";[00001M86CH3M0]\n#[00001M86CH3M0]\n";
	cr_assert_eq(yoi_hooks_msg_refs(&r, m, strlen(m), ';', &err), 0);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.v[0].line, 2);
	yoi_hooks_refs_free(&r);
}
