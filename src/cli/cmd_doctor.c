/* cmd_doctor.c - run the store checks; --fix repairs the safe ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "yoi/doctor.h"

/* The ticket ID a diagnostic is about: the path component after root. */
static int diag_id(const yoi_store *st, const char *path,
		   char id[YOI_ID_LEN + 1])
{
	size_t n = strlen(yoi_store_root(st));
	if (strncmp(path, yoi_store_root(st), n) != 0 || path[n] != '/')
		return -1;
	if (strlen(path + n + 1) < YOI_ID_LEN)
		return -1;
	memcpy(id, path + n + 1, YOI_ID_LEN);
	id[YOI_ID_LEN] = '\0';
	return yoi_id_valid(id) ? 0 : -1;
}

static int fix(yoi_ctx *ctx, yoi_store *st, const yoi_diag *d)
{
	yoi_opctx op;
	int rc = yoi_cli_opctx(ctx, &op);
	if (rc)
		return rc;
	yoi_strv done = {0};
	yoi_buf what = YOI_BUF_INIT;
	for (size_t i = 0; rc == 0 && i < d->n; i++) {
		char id[YOI_ID_LEN + 1];
		if (!yoi_doctor_fixable(d->v[i].code) ||
		    diag_id(st, d->v[i].path, id) < 0 ||
		    yoi_strv_contains(&done, id))
			continue;
		yoi_strv_push(&done, id);
		int e = yoi_doctor_repair(st, &op, id, &what, &ctx->err);
		if (e < 0)
			rc = yoi_cli_fail(ctx, e);
		else if (what.len)
			fprintf(stderr, "fixed %s: %s\n", id, what.ptr);
	}
	yoi_buf_free(&what);
	yoi_strv_free(&done);
	return rc;
}

#define RECHECK_ROUNDS 10
#define SETTLE_MS      5000 /* the longest a writer may sit mid-operation */

/*
 * The tickets that state-drift findings of d name: ids gets each once.
 * Returns -1 when out of memory.
 */
static int drifted(const yoi_store *st, const yoi_diag *d, yoi_strv *ids)
{
	for (size_t i = 0; i < d->n; i++) {
		char id[YOI_ID_LEN + 1];
		if (strcmp(d->v[i].code, "state-drift") != 0 ||
		    diag_id(st, d->v[i].path, id) < 0 ||
		    yoi_strv_contains(ids, id))
			continue;
		if (yoi_strv_push(ids, id) < 0)
			return -1;
	}
	return 0;
}

/* The signature of each of ids, into a new array (NULL on ENOMEM). */
static yoi_store_sig *sigs_of(const yoi_store *st, const yoi_strv *ids)
{
	yoi_store_sig *s = calloc(ids->n ? ids->n : 1, sizeof(*s));
	for (size_t i = 0; s && i < ids->n; i++)
		yoi_store_ticket_sig(st, ids->v[i], &s[i]);
	return s;
}

/*
 * Whether a ticket of ids that may be mid-write (thread.md not older than
 * item.md: appended, item.md not yet replaced) changes within SETTLE_MS.
 */
static bool changes_soon(const yoi_store *st, const yoi_strv *ids,
			 const yoi_store_sig *sigs)
{
	bool pending = false;
	for (size_t i = 0; i < ids->n; i++)
		pending |= yoi_store_sig_mid_write(&sigs[i]);
	const struct timespec step = {0, 5 * 1000 * 1000};
	for (int ms = 0; pending && ms < SETTLE_MS; ms += 5) {
		nanosleep(&step, NULL);
		for (size_t i = 0; i < ids->n; i++) {
			yoi_store_sig now;
			yoi_store_ticket_sig(st, ids->v[i], &now);
			if (!yoi_store_sig_equal(&now, &sigs[i]))
				return true;
		}
	}
	return false;
}

/*
 * Without the lock (a store where no lock file can be opened, such as a
 * read-only one never written by yoi-tickets), a ticket read while a
 * writer is between its thread.md append and its item.md replace looks
 * drifted. A drift finding stands when a run read the ticket while the
 * signature of its files stayed the same throughout and, if it may be
 * mid-write, it then stays unchanged for SETTLE_MS; else doctor runs
 * again (at most RECHECK_ROUNDS times).
 */
static int run_rechecked(yoi_store *st, yoi_diag *d, yoi_error *err)
{
	int e = yoi_doctor_run(st, d, err);
	for (int round = 0; e == 0 && round < RECHECK_ROUNDS; round++) {
		yoi_strv ids = {0}, again = {0};
		yoi_store_sig *before = NULL, *now = NULL;
		if (drifted(st, d, &ids) < 0 || !(before = sigs_of(st, &ids)))
			e = YOI_ENOMEM;
		bool settled = e < 0 || ids.n == 0;
		if (!settled) {
			yoi_diag_free(d);
			e = yoi_doctor_run(st, d, err);
		}
		if (!settled && e == 0) {
			if (drifted(st, d, &again) < 0 ||
			    !(now = sigs_of(st, &again)))
				e = YOI_ENOMEM;
			settled = e == 0;
			for (size_t i = 0; settled && i < again.n; i++) {
				size_t k = 0;
				while (k < ids.n &&
				       strcmp(ids.v[k], again.v[i]) != 0)
					k++;
				settled = k < ids.n && yoi_store_sig_equal(
							   &before[k], &now[i]);
			}
			if (settled && changes_soon(st, &again, now))
				settled = false;
		}
		yoi_strv_free(&ids);
		yoi_strv_free(&again);
		free(before);
		free(now);
		if (e == YOI_ENOMEM)
			return yoi_error_set(err, e, NULL, 0, "out of memory");
		if (settled)
			break;
	}
	return e;
}

/*
 * One doctor run that sees each ticket as one writer left it: under the
 * store lock taken shared (writers wait, other readers do not; busy past
 * --wait is exit 5 as for any command), else rechecked as above.
 */
static int run_consistent(yoi_ctx *ctx, yoi_store *st, yoi_diag *d)
{
	int e = yoi_store_lock_shared(st, ctx->wait_sec, &ctx->err);
	if (e == YOI_EREFUSED)
		return run_rechecked(st, d, &ctx->err);
	if (e < 0)
		return e;
	e = yoi_doctor_run(st, d, &ctx->err);
	yoi_store_unlock(st);
	return e;
}

int yoi_cmd_doctor(int argc, char **argv, yoi_ctx *ctx)
{
	bool do_fix = false;
	const char *format = "text";
	yoi_store *st;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("fix", 0, &do_fix, "repair what is safe to repair"),
	    YOI_OPT_FORMAT(&format),
	    YOI_OPT_FORMAT_JSON(&format),
	    YOI_OPT_END(),
	};
	rc = yoi_cli_parse_n(ctx, argc, argv, opts, 0,
			     "doctor takes no arguments");
	if (rc != YOI_CLI_GO)
		return rc;
	if ((rc = yoi_cli_format_check(ctx, format)) ||
	    (rc = yoi_cli_store(ctx, true, &st)))
		return rc;
	yoi_diag d = YOI_DIAG_INIT;
	int e = run_consistent(ctx, st, &d);
	if (e == 0 && do_fix) {
		/* The shared lock is released: each repair locks for itself. */
		rc = fix(ctx, st, &d);
		/* Report what is left after the repairs. */
		yoi_diag_free(&d);
		if (rc == 0)
			e = run_consistent(ctx, st, &d);
	}
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	if (rc == 0) {
		yoi_diag_sort(&d);
		rc = yoi_cli_diags(ctx, yoi_store_top(st), &d, format, "doctor",
				   NULL);
	}
	yoi_diag_free(&d);
	return rc;
}
