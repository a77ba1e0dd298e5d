/* cmd_doctor.c - run the store checks; --fix repairs the safe ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/doctor.h"

/* Paths relative to the repository top read better and stay stable. */
static const char *rel(const yoi_store *st, const char *path)
{
	const char *base = st->top ? st->top : NULL;
	size_t n = base ? strlen(base) : 0;
	if (base && strncmp(path, base, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static const char *sev(yoi_severity s)
{
	return s == YOI_DIAG_ERROR ? "error" : "warning";
}

static int print(yoi_ctx *ctx, const yoi_store *st, const yoi_diag *d,
		 const char *format)
{
	size_t errors = yoi_diag_count(d, YOI_DIAG_ERROR);
	size_t warnings = yoi_diag_count(d, YOI_DIAG_WARNING);
	if (strcmp(format, "json") == 0) {
		json_t *arr = json_array();
		for (size_t i = 0; i < d->n; i++) {
			const yoi_diag_entry *e = &d->v[i];
			json_array_append_new(
			    arr,
			    json_pack("{s:s, s:s, s:s, s:i, s:s}", "severity",
				      sev(e->severity), "code", e->code, "path",
				      rel(st, e->path), "line", e->line,
				      "message", e->message));
		}
		return yoi_cli_json(
		    ctx, json_pack("{s:I, s:I, s:o}", "errors",
				   (json_int_t)errors, "warnings",
				   (json_int_t)warnings, "diagnostics", arr));
	}
	for (size_t i = 0; i < d->n; i++) {
		const yoi_diag_entry *e = &d->v[i];
		if (strcmp(format, "github") == 0) {
			/* Workflow command: newlines would end it early. */
			printf("::%s file=%s,line=%d,title=%s::",
			       sev(e->severity), rel(st, e->path),
			       e->line > 0 ? e->line : 1, e->code);
			for (const char *p = e->message; *p; p++)
				fputs(*p == '\n' ? "%0A" : (char[]){*p, 0},
				      stdout);
			fputc('\n', stdout);
		} else if (e->line > 0) {
			printf("%s: %s:%d: [%s] %s\n", sev(e->severity),
			       rel(st, e->path), e->line, e->code, e->message);
		} else {
			printf("%s: %s: [%s] %s\n", sev(e->severity),
			       rel(st, e->path), e->code, e->message);
		}
	}
	if (strcmp(format, "text") == 0 && !ctx->quiet)
		fprintf(stderr, "doctor: %zu error(s), %zu warning(s)\n",
			errors, warnings);
	return 0;
}

/* The ticket ID a diagnostic is about: the path component after root. */
static int diag_id(const yoi_store *st, const char *path,
		   char id[YOI_ID_LEN + 1])
{
	size_t n = strlen(st->root);
	if (strncmp(path, st->root, n) != 0 || path[n] != '/')
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

int yoi_cmd_doctor(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"fix", no_argument, NULL, 'F'},
	    {"format", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	bool do_fix = false;
	const char *format = "text";
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'F':
			do_fix = true;
			break;
		case 'f':
			format = optarg;
			break;
		case 'j':
			format = "json";
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "doctor takes no arguments");
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "github"))
		return yoi_cli_usage(ctx, "--format must be text, json or "
					  "github");
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	yoi_diag d = YOI_DIAG_INIT;
	int e = yoi_doctor_run(st, &d, &ctx->err);
	if (e == 0 && do_fix) {
		rc = fix(ctx, st, &d);
		/* Report what is left after the repairs. */
		yoi_diag_free(&d);
		if (rc == 0)
			e = yoi_doctor_run(st, &d, &ctx->err);
	}
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	if (rc == 0) {
		yoi_diag_sort(&d);
		rc = print(ctx, st, &d, format);
		if (rc == 0 && yoi_diag_count(&d, YOI_DIAG_ERROR))
			rc = 1;
	}
	yoi_diag_free(&d);
	return rc;
}
