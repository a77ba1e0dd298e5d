/*
 * test_mergedriver.c - yoi_merge_driver on buffers (no repository): one ID,
 * two tickets. A ticket's identity is its first event (its create): two
 * sides whose threads begin differently are two tickets that chose one
 * ID, a conflict, never one merged ticket.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/mergedriver.h"

#define ID   "5KSNFEVG8ABCD"
#define TDIR ".yoi/tickets/" ID "/"

#define CREATE_A                                                               \
	"<!-- event: create author: alice at: 2030-01-01T00:00:00Z id: "       \
	"00000000000000aa -->\n\n## Created\n\nCreated\n\n---\n"
#define CREATE_B                                                               \
	"<!-- event: create author: bob at: 2030-01-01T00:00:00Z id: "         \
	"00000000000000bb -->\n\n## Created\n\nCreated\n\n---\n"
#define COMMENT(who, t, text)                                                  \
	"<!-- event: comment author: " who " at: 2030-01-01T00:00:" t          \
	"Z -->\n\n## Comment\n\n" text "\n\n---\n"

#define ITEM(title, created)                                                   \
	"---\ntitle: '" title "'\nstate: 'planning'\ncreated_at: '" created    \
	"'\nupdated_at: '" created "'\nassignee: null\nrisk_flags: []\n"       \
	"---\n## Background\n\nx\n"

typedef struct res {
	bool clean;
	char *out;
	char *why;
} res;

static res drive(const char *path, const char *o, const char *a, const char *b)
{
	yoi_merge_driver_in in = {
	    path, {o, strlen(o)}, {a, strlen(a)}, {b, strlen(b)}, NULL, NULL};
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	res r = {false, NULL, NULL};
	cr_assert_eq(yoi_merge_driver(&in, &out, &r.clean, &why), 0);
	r.out = yoi_buf_detach(&out);
	r.why = yoi_buf_detach(&why);
	cr_assert_not_null(r.out);
	cr_assert_not_null(r.why);
	return r;
}

static void res_free(res *r)
{
	free(r->out);
	free(r->why);
}

/* Two clones made a ticket each under one ID: the thread is a conflict
 * that keeps both sides' bytes between markers. */
Test(mergedriver, two_creates_under_one_id_conflict)
{
	res r = drive(TDIR "thread.md", "", CREATE_A, CREATE_B);
	cr_assert_not(r.clean, "merged two tickets into one:\n%s", r.out);
	cr_assert(strstr(r.why, "two different tickets") &&
		      strstr(r.why, "alice") && strstr(r.why, "bob"),
		  "%s", r.why);
	cr_assert(strstr(r.out, "<<<<<<< ours") &&
		      strstr(r.out, "00000000000000aa") &&
		      strstr(r.out, "00000000000000bb") &&
		      strstr(r.out, ">>>>>>> theirs"),
		  "%s", r.out);
	res_free(&r);
	/* With later events on both sides too. */
	r = drive(TDIR "thread.md", "", CREATE_A COMMENT("alice", "05", "a"),
		  CREATE_B COMMENT("bob", "06", "b"));
	cr_assert_not(r.clean, "%s", r.out);
	res_free(&r);
}

/* The same creation on both sides (a create cherry-picked to two
 * branches) is one ticket: its later events merge as usual. */
Test(mergedriver, one_create_on_both_sides_merges)
{
	res r =
	    drive(TDIR "thread.md", "", CREATE_A COMMENT("alice", "05", "a"),
		  CREATE_A COMMENT("bob", "06", "b"));
	cr_assert(r.clean, "%s", r.why);
	cr_assert_str_eq(r.out, CREATE_A COMMENT("alice", "05", "a")
				    COMMENT("bob", "06", "b"));
	res_free(&r);
	/* A shared base: the usual case. */
	r = drive(TDIR "thread.md", CREATE_A,
		  CREATE_A COMMENT("alice", "05", "a"),
		  CREATE_A COMMENT("bob", "06", "b"));
	cr_assert(r.clean, "%s", r.why);
	res_free(&r);
	/* CRLF on one side only is still the same event. */
	const char *crlf =
	    "<!-- event: create author: alice at: 2030-01-01T00:00:00Z id: "
	    "00000000000000aa -->\r\n\r\n## Created\r\n\r\nCreated\r\n\r\n"
	    "---\r\n";
	r = drive(TDIR "thread.md", "", CREATE_A, crlf);
	cr_assert_null(strstr(r.why, "two different tickets"), "%s", r.why);
	res_free(&r);
}

/* item.md new on both sides with different creation times, when the
 * threads cannot be read (no repository): two tickets, a conflict. */
Test(mergedriver, item_md_of_two_tickets_conflicts)
{
	res r = drive(TDIR "item.md", "", ITEM("Mine", "2030-01-01T00:00:00Z"),
		      ITEM("Mine", "2030-01-01T00:00:01Z"));
	cr_assert_not(r.clean, "merged two tickets into one:\n%s", r.out);
	cr_assert(strstr(r.why, "two different tickets") &&
		      strstr(r.why, "created_at"),
		  "%s", r.why);
	cr_assert(strstr(r.out, "<<<<<<< ours"), "%s", r.out);
	res_free(&r);
	/* Same created_at, same fields: nothing tells them apart. */
	r = drive(TDIR "item.md", "", ITEM("Mine", "2030-01-01T00:00:00Z"),
		  ITEM("Mine", "2030-01-01T00:00:00Z"));
	cr_assert(r.clean, "%s", r.why);
	res_free(&r);
	/* A shared base: an ordinary ticket, created_at is not looked at. */
	r = drive(TDIR "item.md", ITEM("Mine", "2030-01-01T00:00:00Z"),
		  ITEM("Mine", "2030-01-01T00:00:00Z"),
		  ITEM("Yours", "2030-01-01T00:00:00Z"));
	cr_assert(r.clean, "%s", r.why);
	cr_assert(strstr(r.out, "Yours"), "%s", r.out);
	res_free(&r);
}
