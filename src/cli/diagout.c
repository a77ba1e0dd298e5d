/* diagout.c - diagnostics as text, JSON, GitHub annotations or JUnit XML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/termesc.h"

/* Paths relative to the repository top read better and stay stable. */
static const char *rel(const char *top, const char *path)
{
	size_t n = top ? strlen(top) : 0;
	if (top && strncmp(path, top, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static const char *sev(yoi_severity s)
{
	return s == YOI_DIAG_ERROR ? "error" : "warning";
}

int yoi_cli_format_check(yoi_ctx *ctx, const char *format)
{
	if (strcmp(format, "text") == 0 || strcmp(format, "json") == 0 ||
	    strcmp(format, "github") == 0 || strcmp(format, "junit") == 0)
		return 0;
	return yoi_cli_usage(ctx,
			     "--format must be text, json, github or junit");
}

/* XML text or attribute value; control characters become spaces. */
static void xml(const char *s)
{
	static const char *const ent[128] = {
	    ['<'] = "&lt;",   ['>'] = "&gt;",	['&'] = "&amp;",
	    ['"'] = "&quot;", ['\n'] = "&#10;",
	};
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 128 && ent[c])
			fputs(ent[c], stdout);
		else
			putchar(c < 0x20 && c != '\t' ? ' ' : c);
	}
}

/* Whether path is under a component named unit ("<...>/<ID>/<file>"). */
static bool path_unit(const char *path, const char *unit)
{
	size_t n = strlen(unit);
	for (const char *p = strstr(path, unit); p; p = strstr(p + 1, unit))
		if ((p == path || p[-1] == '/') && (p[n] == '/' || !p[n]))
			return true;
	return false;
}

static void junit_case(const char *tool, const char *name, const char *top,
		       const yoi_diag *d, const yoi_strv *units, bool rest)
{
	printf("    <testcase classname=\"");
	xml(tool);
	printf("\" name=\"");
	xml(name);
	printf("\">\n");
	yoi_buf out = YOI_BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const yoi_diag_entry *e = &d->v[i];
		bool mine = rest ? true : path_unit(e->path, name);
		for (size_t u = 0; rest && units && u < units->n; u++)
			if (path_unit(e->path, units->v[u]))
				mine = false;
		if (!mine)
			continue;
		if (e->severity == YOI_DIAG_ERROR) {
			printf("      <failure type=\"");
			xml(e->code);
			printf("\" message=\"");
			xml(e->message);
			printf("\">");
			xml(rel(top, e->path));
			if (e->line > 0)
				printf(":%d", e->line);
			printf(": ");
			xml(e->message);
			printf("</failure>\n");
		} else {
			yoi_buf_printf(&out, "warning: %s:%d: [%s] %s\n",
				       rel(top, e->path), e->line, e->code,
				       e->message);
		}
	}
	if (out.len) {
		printf("      <system-out>");
		xml(out.ptr);
		printf("</system-out>\n");
	}
	yoi_buf_free(&out);
	printf("    </testcase>\n");
}

static int junit(const char *tool, const char *top, const yoi_diag *d,
		 const yoi_strv *units)
{
	size_t errors = yoi_diag_count(d, YOI_DIAG_ERROR);
	size_t cases = (units ? units->n : 0) + 1;
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf("<testsuites name=\"yoi-tickets %s\" tests=\"%zu\" "
	       "failures=\"%zu\">\n",
	       tool, cases, errors);
	printf("  <testsuite name=\"yoi-tickets %s\" tests=\"%zu\" "
	       "failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
	       tool, cases, errors);
	for (size_t u = 0; units && u < units->n; u++)
		junit_case(tool, units->v[u], top, d, units, false);
	junit_case(tool, units ? "other" : "store", top, d, units, true);
	printf("  </testsuite>\n</testsuites>\n");
	return 0;
}

/* The diagnostics in format; 0 or an exit status. */
static int print_diags(yoi_ctx *ctx, const char *top, const yoi_diag *d,
		       const char *format, const char *tool,
		       const yoi_strv *units)
{
	size_t errors = yoi_diag_count(d, YOI_DIAG_ERROR);
	size_t warnings = yoi_diag_count(d, YOI_DIAG_WARNING);
	if (strcmp(format, "junit") == 0)
		return junit(tool, top, d, units);
	if (strcmp(format, "json") == 0) {
		json_t *arr = json_array();
		for (size_t i = 0; i < d->n; i++) {
			const yoi_diag_entry *e = &d->v[i];
			json_array_append_new(
			    arr,
			    json_pack("{s:s, s:s, s:s, s:i, s:s}", "severity",
				      sev(e->severity), "code", e->code, "path",
				      rel(top, e->path), "line", e->line,
				      "message", e->message));
		}
		json_t *j = json_pack("{s:I, s:I, s:o}", "errors",
				      (json_int_t)errors, "warnings",
				      (json_int_t)warnings, "diagnostics", arr);
		if (units) {
			json_t *u = json_array();
			for (size_t i = 0; i < units->n; i++)
				json_array_append_new(u,
						      json_string(units->v[i]));
			json_object_set_new(j, "tickets", u);
		}
		return yoi_cli_json(ctx, j);
	}
	for (size_t i = 0; i < d->n; i++) {
		const yoi_diag_entry *e = &d->v[i];
		/* Messages quote ticket text and paths come from the store:
		 * control characters shown, newlines kept (cli.h). */
		char *m = yoi_termesc_dup(e->message, 0);
		char *path =
		    yoi_termesc_dup(rel(top, e->path), YOI_TERMESC_LINE);
		const char *msg = m ? m : "(out of memory)";
		const char *p = path ? path : "?";
		if (strcmp(format, "github") == 0) {
			/* Workflow command: newlines would end it early. */
			printf(
			    "::%s file=%s,line=%d,title=%s::", sev(e->severity),
			    p, e->line > 0 ? e->line : 1, e->code);
			for (const char *c = msg; *c; c++)
				fputs(*c == '\n' ? "%0A" : (char[]){*c, 0},
				      stdout);
			fputc('\n', stdout);
		} else if (e->line > 0) {
			printf("%s%s%s: %s:%d: [%s] %s\n",
			       yoi_cli_sgr(ctx, 1, sev(e->severity)),
			       sev(e->severity), yoi_cli_sgr_off(ctx, 1), p,
			       e->line, e->code, msg);
		} else {
			printf("%s%s%s: %s: [%s] %s\n",
			       yoi_cli_sgr(ctx, 1, sev(e->severity)),
			       sev(e->severity), yoi_cli_sgr_off(ctx, 1), p,
			       e->code, msg);
		}
		free(m);
		free(path);
	}
	if (strcmp(format, "text") == 0 && !ctx->quiet)
		fprintf(stderr, "%s: %zu error(s), %zu warning(s)\n", tool,
			errors, warnings);
	return 0;
}

int yoi_cli_diags(yoi_ctx *ctx, const char *top, const yoi_diag *d,
		  const char *format, const char *tool, const yoi_strv *units)
{
	int rc = print_diags(ctx, top, d, format, tool, units);
	if (rc == 0 && yoi_diag_count(d, YOI_DIAG_ERROR))
		rc = YOI_EXIT_FINDINGS;
	return rc;
}

int yoi_cli_gitcheck(yoi_ctx *ctx, yoi_store *st, const yoi_gitcheck_range *r,
		     const char *format, bool ci)
{
	yoi_diag d = YOI_DIAG_INIT;
	yoi_strv ids = {0};
	int rc = 0, e = yoi_gitcheck_store(st, r, &ids, &d, &ctx->err);
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	if (rc == 0 && ci && !ctx->quiet && strcmp(format, "text") == 0)
		fprintf(stderr,
			"check: %zu ticket(s) changed between %s and %s\n",
			ids.n, r->base, r->head);
	if (rc == 0 && (ci || d.n))
		rc = yoi_cli_diags(ctx, yoi_store_top(st), &d, format,
				   ci ? "check" : "pre-commit", &ids);
	if (rc == YOI_EXIT_FINDINGS && !ci)
		fprintf(stderr, "pre-commit: the commit is stopped; fix the "
				"tickets above (or commit with --no-verify)\n");
	yoi_strv_free(&ids);
	yoi_diag_free(&d);
	return rc;
}
