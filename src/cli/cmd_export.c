/*
 * cmd_export.c - `export` (the store as one lossless file) and its way
 * back, `import --from yoi FILE` (yoi_cli_import_yoi, which the import
 * command calls for that source once it has parsed the line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/export.h"
#include "yoi/query.h"
#include "yoi/state.h"

static int stdout_put(void *ctx, const char *p, size_t n, yoi_error *err)
{
	(void)ctx;
	if (n && fwrite(p, 1, n, stdout) != n)
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "cannot write the export to stdout");
	return 0;
}

/* --state S (repeatable, or S,S; "active" and "all" among them): the
 * union, as state names; none for every state. Each word is read as
 * list --state reads it. */
static int parse_states(yoi_ctx *ctx, const yoi_optlist *l,
			const char *out[YOI_ST__COUNT], size_t *n)
{
	bool want[YOI_ST__COUNT] = {0};
	for (size_t i = 0; i < l->n; i++) {
		for (const char *p = l->v[i]; *p;) {
			size_t len = strcspn(p, ",");
			char word[32];
			yoi_query q;
			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			int e =
			    len && len < sizeof(word)
				? yoi_query_states(&q, word, &ctx->err)
				: yoi_error_set(&ctx->err, YOI_EUSAGE, NULL, 0,
						"'%s' is not a state", l->v[i]);
			if (e == YOI_EUSAGE)
				return yoi_cli_usage(ctx, "%s", ctx->err.msg);
			if (e < 0)
				return yoi_cli_fail(ctx, e);
			for (int k = 0; k < YOI_ST__COUNT; k++)
				want[k] |= q.states[k];
			p += len + (p[len] == ',');
		}
	}
	*n = 0;
	for (int k = 0; k < YOI_ST__COUNT; k++)
		if (want[k])
			out[(*n)++] = yoi_state_name((yoi_state)k);
	if (*n == YOI_ST__COUNT)
		*n = 0; /* every state: no filter */
	return 0;
}

int yoi_cmd_export(int argc, char **argv, yoi_ctx *ctx)
{
	const char *format = NULL, *output = NULL;
	const char *sv[16];
	yoi_optlist states = {sv, 0};
	const yoi_option opts[] = {
	    YOI_OPT_STRING("format", 0, &format, "jsonl (default) or json"),
	    YOI_OPT_LIST("state", &states, 16,
			 "only tickets in this state (repeatable)"),
	    YOI_OPT_STRING("output", 'o', &output,
			   "write to this file, atomically (default: stdout)"),
	    YOI_OPT_END(),
	};
	yoi_store *st;
	int rc = yoi_cli_open(ctx, argc, argv, opts, true, &st);
	if (rc != YOI_CLI_GO)
		return rc;
	yoi_export_opts o = {0};
	if (!format || !strcmp(format, "jsonl"))
		o.format = YOI_EXPORT_JSONL;
	else if (!strcmp(format, "json"))
		o.format = YOI_EXPORT_JSON;
	else
		return yoi_cli_usage(ctx, "--format: jsonl or json, not '%s'",
				     format);
	if (output && !*output)
		return yoi_cli_usage(ctx, "-o: give a file name");
	const char *want[YOI_ST__COUNT];
	if ((rc = parse_states(ctx, &states, want, &o.nstates)))
		return rc;
	o.states = want;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	char at[YOI_TIME_LEN + 1];
	yoi_time_format(op.now_ms / 1000, at);
	o.exported_at = at;
	o.generator = "yoi-tickets " YOI_VERSION;
	o.wait_sec = ctx->wait_sec;
	yoi_export_result res;
	int e = output ? yoi_export_write_file(&res, st, &o, output, &ctx->err)
		       : yoi_export_write(&res, st, &o, stdout_put, NULL,
					  &ctx->err);
	if (e == 0 && !output && fflush(stdout) != 0)
		e = yoi_error_set(&ctx->err, YOI_EIO, NULL, 0,
				  "cannot write the export to stdout");
	for (size_t i = 0; i < res.warnings.n; i++)
		yoi_cli_eprintf("yoi-tickets export: warning: %s\n",
				res.warnings.v[i]);
	if (e < 0) {
		yoi_export_result_free(&res);
		return yoi_cli_fail(ctx, e);
	}
	if (output && !ctx->quiet)
		yoi_cli_println("exported %zu ticket%s to %s", res.tickets,
				res.tickets == 1 ? "" : "s", output);
	else if (ctx->verbose)
		fprintf(stderr, "yoi-tickets export: %zu ticket%s\n",
			res.tickets, res.tickets == 1 ? "" : "s");
	yoi_export_result_free(&res);
	return 0;
}

static json_t *ids_json(const yoi_strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

int yoi_cli_import_yoi(yoi_ctx *ctx, const char *file, bool dry)
{
	int rc;
	yoi_store *st;
	if ((rc = yoi_cli_store(ctx, true, &st)))
		return rc;
	yoi_export_restore_opts o = {.dry_run = dry, .wait_sec = ctx->wait_sec};
	yoi_export_restore_result res;
	bool std_in = !strcmp(file, "-");
	int e = yoi_export_restore(&res, st, std_in ? "stdin" : file,
				   std_in ? stdin : NULL, &o, &ctx->err);
	if (e < 0) {
		if (res.created.n)
			fprintf(stderr,
				"yoi-tickets import: %zu ticket%s were "
				"imported before the failure\n",
				res.created.n, res.created.n == 1 ? "" : "s");
		yoi_export_restore_result_free(&res);
		return yoi_cli_fail(ctx, e);
	}
	if (ctx->json) {
		rc = yoi_cli_json(ctx,
				  json_pack("{s:s, s:b, s:I, s:o, s:o}", "from",
					    "yoi", "dry_run", dry, "tickets",
					    (json_int_t)res.tickets, "created",
					    ids_json(&res.created), "skipped",
					    ids_json(&res.skipped)));
	} else if (!ctx->quiet) {
		for (size_t i = 0; i < res.created.n; i++)
			printf("%s %s\n", dry ? "would create" : "created",
			       res.created.v[i]);
		for (size_t i = 0; i < res.skipped.n; i++)
			printf("skipped %s (already in the store, identical)\n",
			       res.skipped.v[i]);
		printf("%s %zu ticket%s, skipped %zu identical\n",
		       dry ? "dry run: would import" : "imported",
		       res.created.n, res.created.n == 1 ? "" : "s",
		       res.skipped.n);
	}
	yoi_export_restore_result_free(&res);
	return rc;
}
