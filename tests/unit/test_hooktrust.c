/*
 * hooktrust: consent for the ticket-event hook, kept under the git
 * directory and keyed by the hook's resolved path and content.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/file.h"
#include "yoi/hooktrust.h"
#include "yoi/store.h"

/* An error as people see it (yoi_error_text). */
static char et_buf[YOI_ERRTEXT_MAX];
#define ETEXT(e) yoi_error_text(&(e), et_buf, sizeof(et_buf))

static char *repo(yoi_store **st, bool git)
{
	char *d = strdup("/tmp/yoi-unit-trust.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && %s mkdir -p .yoi/tickets .yoi/hooks", d,
		 git ? "git init -q . &&" : "");
	cr_assert_eq(system(cmd), 0);
	yoi_error err = {0};
	char *root = git ? NULL : yoi_path_join(d, ".yoi/tickets");
	cr_assert_eq(yoi_store_open(st, d, root, &err), 0, "%s", err.msg);
	free(root);
	return d;
}

static void put_hook(const char *d, const char *text, mode_t mode)
{
	char *p = yoi_path_join(d, ".yoi/hooks/ticket-event");
	yoi_error err = {0};
	cr_assert_eq(yoi_file_write_mode(p, text, strlen(text), mode, &err), 0,
		     "%s", err.msg);
	free(p);
}

static yoi_hooktrust_status status(yoi_store *st)
{
	yoi_hooktrust ht = {0};
	yoi_error err = {0};
	cr_assert_eq(yoi_hooktrust_get(&ht, st, &err), 0, "%s", err.msg);
	yoi_hooktrust_status s = ht.status;
	yoi_hooktrust_free(&ht);
	return s;
}

static int set(yoi_store *st, bool trust, yoi_error *err)
{
	yoi_hooktrust ht = {0};
	int rc = yoi_hooktrust_get(&ht, st, err);
	if (rc == 0)
		rc = yoi_hooktrust_set(&ht, st, trust, err);
	yoi_hooktrust_free(&ht);
	return rc;
}

static void done(yoi_store *st, char *d)
{
	yoi_store_free(st);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
	free(d);
}

Test(hooktrust, states_from_absent_to_trusted_and_changed)
{
	yoi_store *st;
	char *d = repo(&st, true);
	yoi_error err = {0};
	cr_assert_eq(status(st), YOI_HOOKTRUST_NOT_CONFIGURED);
	cr_assert_eq(set(st, true, &err), YOI_ENOTFOUND);
	put_hook(d, "#!/bin/sh\ntrue\n", 0644);
	cr_assert_eq(status(st), YOI_HOOKTRUST_NOT_EXECUTABLE);
	cr_assert_eq(set(st, true, &err), YOI_EREFUSED);
	put_hook(d, "#!/bin/sh\ntrue\n", 0755);
	cr_assert_eq(status(st), YOI_HOOKTRUST_UNTRUSTED);
	cr_assert_eq(set(st, true, &err), 0, "%s", err.msg);
	cr_assert_eq(status(st), YOI_HOOKTRUST_TRUSTED);
	put_hook(d, "#!/bin/sh\nfalse\n", 0755);
	cr_assert_eq(status(st), YOI_HOOKTRUST_CHANGED);
	put_hook(d, "#!/bin/sh\ntrue\n", 0755); /* back as it was trusted */
	cr_assert_eq(status(st), YOI_HOOKTRUST_TRUSTED);
	cr_assert_eq(set(st, false, &err), 0, "%s", err.msg);
	cr_assert_eq(status(st), YOI_HOOKTRUST_UNTRUSTED);
	done(st, d);
}

Test(hooktrust, a_symlink_is_judged_by_its_target)
{
	yoi_store *st;
	char *d = repo(&st, true);
	yoi_error err = {0};
	put_hook(d, "#!/bin/sh\ntrue\n", 0755);
	cr_assert_eq(set(st, true, &err), 0, "%s", err.msg);
	/* Point the hook path at another executable: not the trusted one. */
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/.yoi/hooks' && mv ticket-event real && "
		 "ln -s /bin/sh ticket-event",
		 d);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(status(st), YOI_HOOKTRUST_UNTRUSTED);
	done(st, d);
}

Test(hooktrust, a_record_line_of_another_hook_is_kept)
{
	yoi_store *st;
	char *d = repo(&st, true);
	yoi_error err = {0};
	char *rec = yoi_path_join(d, ".git/yoi/trusted-hooks");
	char *ydir = yoi_path_join(d, ".git/yoi");
	cr_assert_eq(yoi_mkdir(ydir, &err), 0);
	free(ydir);
	const char *other =
	    "0123456789abcdef0123456789abcdef01234567 /elsewhere/hook\n";
	cr_assert_eq(yoi_file_write_atomic(rec, other, strlen(other), &err), 0);
	put_hook(d, "#!/bin/sh\ntrue\n", 0755);
	cr_assert_eq(set(st, true, &err), 0, "%s", err.msg);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(rec, 4096, &b, &err), 0);
	cr_assert_eq(strncmp(b.ptr, other, strlen(other)), 0, "%s", b.ptr);
	cr_assert_eq(strlen(b.ptr),
		     strlen(other) + 41 + strlen(d) +
			 strlen("/.yoi/hooks/ticket-event\n"),
		     "%s", b.ptr);
	yoi_buf_free(&b);
	cr_assert_eq(set(st, false, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_file_read(rec, 4096, &b, &err), 0);
	cr_assert_str_eq(b.ptr, other);
	yoi_buf_free(&b);
	/* A malformed line is an error naming the record and the line. */
	const char *bad = "0123456789abcdef0123456789abcdef01234567 /x\nnope\n";
	cr_assert_eq(yoi_file_write_atomic(rec, bad, strlen(bad), &err), 0);
	yoi_hooktrust ht = {0};
	cr_assert_eq(yoi_hooktrust_get(&ht, st, &err), YOI_ECORRUPT);
	cr_assert_eq(err.line, 2);
	cr_assert(strstr(ETEXT(err), "trusted-hooks:2"), "%s", et_buf);
	yoi_hooktrust_free(&ht);
	free(rec);
	done(st, d);
}

Test(hooktrust, without_git_nothing_is_ever_trusted)
{
	yoi_store *st;
	char *d = repo(&st, false);
	yoi_error err = {0};
	put_hook(d, "#!/bin/sh\ntrue\n", 0755);
	cr_assert_eq(status(st), YOI_HOOKTRUST_UNTRUSTED);
	cr_assert_eq(set(st, true, &err), YOI_EREFUSED);
	cr_assert(strstr(err.msg, "no git directory"), "%s", err.msg);
	done(st, d);
}
