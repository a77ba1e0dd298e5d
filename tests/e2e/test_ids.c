/*
 * End-to-end: ticket IDs across clones (SPEC 2; issue 16). Two clones
 * that create with the clock pinned to one instant choose different IDs
 * and merge without a conflict; two different tickets under one ID are a
 * conflict for the merge driver, and doctor and the hooks report them
 * (id-collision) when someone merges them anyway.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PINNED "2030-06-01T12:00:00Z"

/* <dir>/<name>, caller frees. */
static char *sub(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	cr_assert_not_null(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

/* create with the clock pinned; the new ID (caller frees). */
static char *create_pinned(const char *dir, const char *title)
{
	char out[] = ".git/yoi-e2e-id.txt";
	cr_assert_eq(e2e_sh(dir,
			    "YOI_TICKETS_NOW=" PINNED " '%s' create --title "
			    "'%s' > %s",
			    getenv("YOI_BIN"), title, out),
		     0);
	char *id = e2e_read(dir, out);
	char *nl = strchr(id, '\n');
	if (nl)
		*nl = '\0';
	cr_assert_eq(strlen(id), 13, "'%s'", id);
	return id;
}

/*
 * The first test: two stores (a repository and its clone) create
 * tickets with the clock pinned to the same instant, then one merges the
 * other: different IDs, no conflict, a clean doctor, and check passes the
 * merge from both parents.
 */
Test(ids, two_clones_at_one_instant_merge_cleanly)
{
	char *dir = e2e_store();
	free(OK_LINE(dir, "hooks", "install"));
	free(OK_LINE(dir, "create", "--title", "Shared"));
	cr_assert_eq(e2e_sh(dir, "echo clone >> .git/info/exclude && "
				 "git add -A && git commit -qm init && "
				 "git clone -q . clone"),
		     0);
	char *clone = sub(dir, "clone");
	cr_assert_eq(e2e_sh(clone, "git config user.name 'Clone User' && "
				   "git config user.email c@example.invalid"),
		     0);
	free(OK_LINE(clone, "hooks", "install"));
	char *a[3], *b[3];
	for (int i = 0; i < 3; i++) {
		a[i] = create_pinned(dir, "From the origin");
		b[i] = create_pinned(clone, "From the clone");
	}
	for (int i = 0; i < 3; i++) {
		/* Same instant, so the same first nine digits (the time). */
		cr_assert_eq(strncmp(a[i], b[i], 9), 0, "%s %s", a[i], b[i]);
		if (i)
			cr_assert(strcmp(a[i], a[i - 1]) > 0 &&
				      strcmp(b[i], b[i - 1]) > 0,
				  "one clone's IDs increase");
		for (int j = 0; j < 3; j++)
			cr_assert_str_neq(a[i], b[j]);
	}
	cr_assert_eq(e2e_sh(clone, "git add -A && git commit -qm clone"), 0);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm origin && "
				 "git pull -q --no-rebase --no-edit clone "
				 "HEAD 2>.git/merge.txt"),
		     0);
	for (int i = 0; i < 3; i++) {
		cr_assert(e2e_exists(dir, e2e_tpath(a[i], "item.md")));
		cr_assert(e2e_exists(dir, e2e_tpath(b[i], "item.md")));
	}
	e2e_result r = RUN(dir, "list", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	for (int i = 0; i < 3; i++)
		cr_assert(strstr(r.out, a[i]) && strstr(r.out, b[i]), "%s",
			  r.out);
	e2e_free(&r);
	e2e_doctor_clean(dir);
	r = RUN(dir, "check", "--base", "HEAD^1", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	r = RUN(dir, "check", "--base", "HEAD^2", "--head", "HEAD");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	for (int i = 0; i < 3; i++) {
		free(a[i]);
		free(b[i]);
	}
	free(clone);
	e2e_rm(dir);
}

/*
 * Two branches each hold a different ticket under one ID (different
 * create events): git merge stops with a conflict from the driver, which
 * says so, and never writes one merged ticket.
 */
static void two_tickets_one_id(const char *dir, char **id_out)
{
	free(OK_LINE(dir, "hooks", "install"));
	free(OK_LINE(dir, "create", "--title", "Shared"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm init && "
				 "git checkout -qb side"),
		     0);
	/* One title on both: only the creations tell them apart. */
	char *theirs = OK_LINE(dir, "create", "--title", "Twin");
	free(OK_LINE(dir, "comment", theirs, "--message", "side's comment"));
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm side && "
				 "git checkout -q -"),
		     0);
	char *ours = OK_LINE(dir, "create", "--title", "Twin");
	/* What a collision looks like: ours moved to theirs' ID. */
	cr_assert_eq(
	    e2e_sh(dir, "mv .yoi/tickets/%s .yoi/tickets/%s", ours, theirs), 0);
	cr_assert_eq(e2e_sh(dir, "git add -A && git commit -qm main"), 0);
	free(ours);
	*id_out = theirs;
}

Test(ids, the_driver_refuses_two_tickets_under_one_id)
{
	char *dir = e2e_store();
	char *id;
	two_tickets_one_id(dir, &id);
	char *before = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_neq(e2e_sh(dir, "git merge --no-edit side "
				  ">.git/merge.txt 2>&1"),
		      0, "git merged two tickets into one");
	char *log = e2e_read(dir, ".git/merge.txt");
	cr_assert(strstr(log, "two different tickets under one ID"), "%s", log);
	free(log);
	/* The conflict keeps both histories between markers. */
	char *thread = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert(strstr(thread, "<<<<<<<") && strstr(thread, ">>>>>>>") &&
		      strstr(thread, "side's comment"),
		  "%s", thread);
	free(thread);
	cr_assert_eq(e2e_sh(dir, "git diff --name-only --diff-filter=U | "
				 "grep -q thread.md"),
		     0);
	/* Nothing was committed; abort leaves main as it was. */
	cr_assert_eq(e2e_sh(dir, "git merge --abort && "
				 "test -z \"$(git status --porcelain)\""),
		     0);
	char *after = e2e_read(dir, e2e_tpath(id, "thread.md"));
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
	free(id);
	e2e_rm(dir);
}

/*
 * Merged anyway (both histories kept in one thread): doctor reports
 * id-collision at the second create, and the commit hook refuses the
 * merge commit.
 */
Test(ids, doctor_and_the_hooks_report_an_id_collision)
{
	char *dir = e2e_store();
	char *id;
	two_tickets_one_id(dir, &id);
	cr_assert_neq(e2e_sh(dir, "git merge --no-edit side >/dev/null "
				  "2>&1"),
		      0);
	/* "Resolve" by keeping both sides: drop the marker lines. */
	cr_assert_eq(e2e_sh(dir,
			    "f=%s && grep -v -e '^<<<<<<<' -e '^=======' "
			    "-e '^>>>>>>>' -e '^|||||||' $f > $f.new && "
			    "mv $f.new $f",
			    e2e_tpath(id, "thread.md")),
		     0);
	cr_assert_eq(e2e_sh(dir, "git checkout -q --theirs -- %s",
			    e2e_tpath(id, "item.md")),
		     0);
	e2e_result r = RUN(dir, "doctor", "--format", "json");
	cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "\"id-collision\""), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert(strstr(r.out, "[id-collision]") ||
		      strstr(r.err, "[id-collision]"),
		  "%s%s", r.out, r.err);
	e2e_free(&r);
	cr_assert_neq(e2e_sh(dir, "git add -A && git commit -qm merged "
				  ">.git/commit.txt 2>&1"),
		      0, "the hooks let two tickets under one ID in");
	char *log = e2e_read(dir, ".git/commit.txt");
	cr_assert(strstr(log, "id-collision"), "%s", log);
	free(log);
	free(id);
	e2e_rm(dir);
}

/* Legacy IDs (pure milliseconds) stay valid next to new ones and sort
 * before them; show reads both. */
Test(ids, legacy_ids_stay_valid_and_sort_first)
{
	char *dir = e2e_store();
	const char *old = "00001KSNFEVG8";
	e2e_put_ticket(dir, old,
		       "---\ntitle: 'Old'\nstate: 'planning'\ncreated_at: "
		       "'2026-05-27T19:44:21Z'\nupdated_at: "
		       "'2026-05-27T19:44:21Z'\n---\n## Background\n\nold\n",
		       "<!-- event: create author: old at: "
		       "2026-05-27T19:44:21Z -->\n\n## Created\n\nCreated\n\n"
		       "---\n");
	char *id = create_pinned(dir, "New");
	cr_assert_gt(strcmp(id, old), 0, "%s", id);
	cr_assert(id[0] >= '4' && id[0] <= '7', "%s", id);
	e2e_result r = RUN(dir, "list", "--state", "all");
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *po = strstr(r.out, old), *pn = strstr(r.out, id);
	cr_assert(po && pn && po < pn, "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "show", "EVG8");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Old"), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "show", id + 9);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "New"), "%s", r.out);
	e2e_free(&r);
	free(id);
	e2e_rm(dir);
}

/* A clock IDs cannot hold is refused with a clear message, nothing
 * written. */
Test(ids, create_refuses_a_clock_past_2109)
{
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir,
			    "YOI_TICKETS_NOW=2110-01-01T00:00:00Z '%s' create "
			    "--title Late >.git/out.txt 2>.git/err.txt; "
			    "test $? = 4",
			    getenv("YOI_BIN")),
		     0);
	char *err = e2e_read(dir, ".git/err.txt");
	cr_assert(strstr(err, "2109") && strstr(err, "YOI_TICKETS_NOW"), "%s",
		  err);
	free(err);
	cr_assert_eq(e2e_sh(dir, "test -z \"$(ls .yoi/tickets)\""), 0);
	e2e_rm(dir);
}
