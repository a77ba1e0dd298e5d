/*
 * cmd_commitmsg.c - `hook commit-msg FILE`: every ticket the message names
 * (a `Ticket: <ID>` trailer or an `[<ID>]` mention) must exist. Only the
 * working tree's store is read, never HEAD, so a first commit works too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/hooks.h"

#define MSG_MAX (1u << 20) /* a commit message */

/* One problem with a reference, on stderr. */
static void report(const yoi_hooks_ref *r)
{
	const char *how = r->trailer ? "Ticket: trailer" : "[ID] mention";
	if (!r->id[0] && r->hint)
		fprintf(stderr,
			"yoi-tickets commit-msg: commit message names '%s', "
			"which is not a ticket ID as written (%s, line %d); "
			"write it as %s\n",
			r->value, how, r->line, r->hint);
	else if (!r->id[0])
		fprintf(stderr,
			"yoi-tickets commit-msg: commit message names '%s', "
			"which is not a ticket ID (%s, line %d); give the "
			"13-character ID of an existing ticket\n",
			r->value, how, r->line);
	else
		fprintf(stderr,
			"yoi-tickets commit-msg: commit message names "
			"unknown ticket %s (%s, line %d); fix the ID or "
			"create the ticket\n",
			r->id, how, r->line);
}

int yoi_hook_commit_msg(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_buf msg = YOI_BUF_INIT;
	yoi_store *st;
	int rc = yoi_cli_parse_n(ctx, argc, argv, NULL, 1,
				 "commit-msg takes one argument: the commit "
				 "message file");
	if (rc != YOI_CLI_GO)
		return rc;
	const char *file = argv[optind];
	rc = yoi_file_read(file, MSG_MAX, &msg, &ctx->err);
	if (rc < 0)
		return yoi_cli_fail(ctx, rc);
	rc = yoi_cli_store(ctx, false, &st);
	if (rc) {
		yoi_buf_free(&msg);
		return rc;
	}
	yoi_hooks_refs refs;
	rc = yoi_hooks_msg_refs(&refs, msg.ptr, msg.len,
				yoi_hooks_comment_char(st), &ctx->err);
	yoi_buf_free(&msg);
	if (rc < 0)
		return yoi_cli_fail(ctx, rc);
	size_t bad = 0;
	for (size_t i = 0; i < refs.n; i++) {
		const yoi_hooks_ref *r = &refs.v[i];
		bool ok = false;
		if (!r->id[0] && r->trailer) {
			/* A trailer takes what the command line takes: a
			 * unique suffix of at least 4 characters. */
			char full[YOI_ID_LEN + 1];
			yoi_error e = {0};
			int rr = yoi_store_resolve(st, r->value, full, &e);
			if (rr == 0)
				continue;
			if (rr == YOI_EUSAGE && strstr(e.msg, "ambiguous")) {
				fprintf(stderr,
					"yoi-tickets commit-msg: %s (Ticket: "
					"trailer, line %d); write the full "
					"ID\n",
					e.msg, r->line);
				bad++;
				continue;
			}
		}
		if (r->id[0]) {
			char *dir = yoi_store_path(st, r->id, NULL);
			if (!dir) {
				yoi_hooks_refs_free(&refs);
				return yoi_cli_fail(
				    ctx,
				    yoi_error_set(&ctx->err, YOI_ENOMEM, NULL,
						  0, "out of memory"));
			}
			ok = yoi_is_dir(dir);
			free(dir);
		}
		if (!ok) {
			report(r);
			bad++;
		}
	}
	yoi_hooks_refs_free(&refs);
	if (bad)
		fprintf(stderr,
			"yoi-tickets commit-msg: the commit was stopped; the "
			"message is kept in %s\n",
			file);
	return bad ? YOI_EXIT_FINDINGS : YOI_EXIT_OK;
}
