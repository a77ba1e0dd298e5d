/*
 * cmd_export.c - `export` (the store as one lossless file) and its way
 * back, `import --from yoi FILE` (yoi_cmd_import_yoi: the yoi source of
 * import, kept in its own function so that the import command of the
 * other sources can hand `--from yoi` to it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/export.h"
#include "yoi/state.h"

static int stdout_put(void *ctx, const char *p, size_t n, yoi_error *err)
{
	(void)ctx;
	if (n && fwrite(p, 1, n, stdout) != n)
		return yoi_error_set(err, YOI_EIO, NULL, 0,
				     "cannot write the export to stdout");
	return 0;
}

/* --state S (repeatable, or S,S): states, "active" or "all". */
static int parse_states(yoi_ctx *ctx, const yoi_optlist *l,
			const char *out[YOI_ST__COUNT], size_t *n)
{
	bool want[YOI_ST__COUNT] = {0}, all = false;
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		while (*p) {
			size_t len = strcspn(p, ",");
			char word[32];
			if (len == 0 || len >= sizeof(word))
				return yoi_cli_usage(
				    ctx, "--state: '%s' is not a state",
				    l->v[i]);
			memcpy(word, p, len);
			word[len] = 0;
			yoi_state s = yoi_state_parse(word);
			if (!strcmp(word, "all"))
				all = true;
			else if (!strcmp(word, "active"))
				for (int k = 0; k < YOI_ST__COUNT; k++)
					want[k] |= k != YOI_ST_CLOSED;
			else if (s == YOI_ST_INVALID)
				return yoi_cli_usage(
				    ctx,
				    "--state: unknown state '%s' (planning, "
				    "ready, queued, inprogress, done, closed, "
				    "active or all)",
				    word);
			else
				want[s] = true;
			p += len + (p[len] == ',');
		}
	}
	*n = 0;
	for (int k = 0; !all && k < YOI_ST__COUNT; k++)
		if (want[k])
			out[(*n)++] = yoi_state_name((yoi_state)k);
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

int yoi_cmd_import_yoi(int argc, char **argv, yoi_ctx *ctx)
{
	const char *from = NULL;
	bool dry = false;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("from", 0, &from, "the source: yoi"),
	    YOI_OPT_FLAG("dry-run", 0, &dry, "check and report, write nothing"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	int rc =
	    yoi_cli_parse_n(ctx, argc, argv, opts, 1,
			    "give the export file: import --from yoi FILE");
	if (rc != YOI_CLI_GO)
		return rc;
	if (!from)
		return yoi_cli_usage(ctx, "--from is required: --from yoi");
	if (strcmp(from, "yoi"))
		return yoi_cli_usage(ctx,
				     "--from: this build imports 'yoi' "
				     "exports only, not '%s'",
				     from);
	const char *file = argv[optind];
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
