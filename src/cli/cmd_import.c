/* cmd_import.c - import --from TOOL PATH: tickets from another tracker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/import.h"

static const struct {
	const char *name;
	int (*read)(yoi_import_set *set, const char *path, yoi_error *err);
} tools[] = {
    {"beads", yoi_import_read_beads},
    {"backlog", yoi_import_read_backlog},
    {"tk", yoi_import_read_tk},
    {"github", yoi_import_read_github},
};
#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static json_t *done_json(const yoi_import_done *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s}", "id", v[i].id, "source_id",
				 v[i].source_id, "title", v[i].title));
	return a;
}

static void problems_json(json_t *a, const yoi_diag *d)
{
	for (size_t i = 0; a && i < d->n; i++) {
		const yoi_diag_entry *e = &d->v[i];
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s?, s:i, s:s}", "severity",
				 e->severity == YOI_DIAG_ERROR ? "error"
							       : "warning",
				 "code", e->code, "path", e->path, "line",
				 e->line, "message", e->message));
	}
}

static void problems_text(const yoi_diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const yoi_diag_entry *e = &d->v[i];
		char line[16] = "";
		if (e->line > 0)
			snprintf(line, sizeof(line), ":%d", e->line);
		yoi_cli_eprintf(
		    "%s%s: %s: %s [%s]\n", e->path ? e->path : "-", line,
		    e->severity == YOI_DIAG_ERROR ? "error" : "warning",
		    e->message, e->code);
	}
}

/* refused: the set had errors; a real run then lists no tickets (none
 * was created), a dry run lists what it would create. */
static int print(yoi_ctx *ctx, const char *tool, const char *path, bool dry,
		 bool refused, const yoi_import_set *set,
		 const yoi_import_report *rep)
{
	size_t ncreated = refused && !dry ? 0 : rep->ncreated;
	if (ctx->json) {
		json_t *probs = json_array();
		problems_json(probs, &set->problems);
		problems_json(probs, &rep->problems);
		json_t *j = json_pack(
		    "{s:s, s:s, s:b, s:b, s:o, s:o, s:I, s:o}", "tool", tool,
		    "source", path, "dry_run", dry, "refused", refused,
		    "created", done_json(rep->created, ncreated), "skipped",
		    done_json(rep->skipped, rep->nskipped), "relations",
		    (json_int_t)rep->relations, "problems", probs);
		if (!j)
			return yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, YOI_ENOMEM, NULL, 0,
					       "out of memory"));
		return yoi_cli_json(ctx, j);
	}
	problems_text(&set->problems);
	problems_text(&rep->problems);
	if (refused && !dry)
		return 0; /* the error says it: nothing was written */
	for (size_t i = 0; i < ncreated; i++)
		yoi_cli_println("%s  %s  %s", rep->created[i].id,
				rep->created[i].source_id,
				rep->created[i].title);
	yoi_cli_println("%s %zu ticket%s from %s, %zu relation%s; %zu "
			"skipped (imported before)",
			dry ? "would create" : "created", rep->ncreated,
			rep->ncreated == 1 ? "" : "s", tool, rep->relations,
			rep->relations == 1 ? "" : "s", rep->nskipped);
	return 0;
}

int yoi_cmd_import(int argc, char **argv, yoi_ctx *ctx)
{
	const char *from = NULL;
	bool dry = false;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("from", 0, &from,
			   "the source: beads, backlog, tk, github or yoi"),
	    YOI_OPT_FLAG("dry-run", 0, &dry,
			 "list what would be created and every problem; "
			 "write nothing"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	int rc = yoi_cli_parse_n(ctx, argc, argv, opts, 1,
				 "expected one PATH: the source's file or "
				 "folder");
	if (rc != YOI_CLI_GO)
		return rc;
	const char *path = argv[optind];
	if (!from)
		return yoi_cli_usage(ctx, "--from TOOL is required (beads, "
					  "backlog, tk, github or yoi)");
	if (!strcmp(from, "yoi")) /* an export of this engine */
		return yoi_cli_import_yoi(ctx, path, dry);
	size_t t = 0;
	while (t < NTOOLS && strcmp(tools[t].name, from))
		t++;
	if (t == NTOOLS) {
		const char *names[NTOOLS];
		for (size_t i = 0; i < NTOOLS; i++)
			names[i] = tools[i].name;
		const char *g = yoi_cli_guess(from, names, NTOOLS);
		return yoi_cli_usage(ctx,
				     "unknown tool '%s'%s%s%s: beads, "
				     "backlog, tk, github or yoi",
				     from, g ? " (did you mean '" : "",
				     g ? g : "", g ? "'?)" : "");
	}
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	yoi_import_set set = {0};
	yoi_import_report rep = {0};
	int e = tools[t].read(&set, path, &ctx->err);
	if (e == 0) {
		yoi_import_check(&set);
		yoi_diag_sort(&set.problems);
		yoi_import_opts o = {.dry_run = dry, .ctx = &op};
		e = yoi_import_apply(ctx->store, &set, &o, &rep, &ctx->err);
		/* What was planned and found is shown, refused or not. */
		if (e == 0 || e == YOI_ECORRUPT)
			rc = print(ctx, tools[t].name, path, dry,
				   e == YOI_ECORRUPT, &set, &rep);
	}
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	yoi_import_report_free(&rep);
	yoi_import_set_free(&set);
	return rc;
}
