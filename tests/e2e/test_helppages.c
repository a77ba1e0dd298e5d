/*
 * End-to-end: the help pages (resources/prompts/help/CMD.md), which are
 * also the man pages' source (scripts/mkman.c): `help CMD` and
 * `CMD --help` print the same page for every command `help` lists, and
 * each page starts with its synopsis, as the man page generator needs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

Test(helppages, help_cmd_and_cmd_help_are_the_same_page)
{
	char *dir = e2e_store();
	e2e_result list = RUN(dir, "help");
	cr_assert_eq(list.status, 0, "%s", list.err);
	size_t n = 0;
	for (char *line = strtok(list.out, "\n"); line;
	     line = strtok(NULL, "\n")) {
		char name[64];
		if (strncmp(line, "  ", 2) != 0 || line[2] == ' ' ||
		    sscanf(line + 2, "%63s", name) != 1)
			continue;
		n++;
		if (!strcmp(name, "help"))
			continue;
		e2e_result a = RUN(dir, "help", name);
		e2e_result b = RUN(dir, name, "--help");
		cr_assert_eq(a.status, 0, "%s: %s", name, a.err);
		cr_assert_eq(b.status, 0, "%s: %s", name, b.err);
		cr_assert_str_eq(a.out, b.out, "%s", name);
		char want[96];
		snprintf(want, sizeof(want), "usage: yoi-tickets %s", name);
		cr_assert(strncmp(a.out, want, strlen(want)) == 0, "%s", a.out);
		/* The synopsis, a blank line, then the description. */
		cr_assert(strstr(a.out, "\n\n"), "%s", a.out);
		e2e_free(&a);
		e2e_free(&b);
	}
	cr_assert_geq(n, 30, "%s", list.out);
	e2e_free(&list);
	e2e_rm(dir);
}
