/* cmd_create.c - create a ticket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "yoi/resource.h"

int yoi_cmd_create(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_create_opts o = {0};
	const char *body_file = NULL, *body_text = NULL;
	const char *flags[64];
	const char *deps_arg[64];
	const char *labels[64];
	yoi_optlist label_l = {labels, 0};
	size_t ndeps = 0;
	yoi_optlist risk = {flags, 0}, deps_l = {deps_arg, 0};
	const yoi_option opts[] = {
	    YOI_OPT_STRING("title", 't', &o.title, "the title (required)"),
	    YOI_OPT_STRING("body", 0, &body_text, "the body"),
	    YOI_OPT_STRING("body-file", 0, &body_file,
			   "the body from a file (-: stdin)"),
	    YOI_OPT_STRING("assignee", 0, &o.assignee, "who"),
	    YOI_OPT_STRING("readiness", 0, &o.readiness, "how ready"),
	    YOI_OPT_STRING("priority", 0, &o.priority, "such as P1"),
	    YOI_OPT_LIST("risk-flag", &risk, 64, "a risk flag (repeatable)"),
	    YOI_OPT_LIST("label", &label_l, 64, "a label (repeatable)"),
	    YOI_OPT_STRING("slug", 0, &o.slug, "for later branch names"),
	    YOI_OPT_LIST("depends-on", &deps_l, 64,
			 "a ticket it depends on (repeatable)"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	int rc = yoi_cli_parse_none(ctx, argc, argv, opts);
	if (rc != YOI_CLI_GO)
		return rc;
	o.nrisk = risk.n;
	ndeps = deps_l.n;
	if (!o.title)
		return yoi_cli_usage(ctx, "--title is required");
	o.risk_flags = flags;
	o.labels = labels;
	o.nlabels = label_l.n;
	/* Every target must exist before anything is created. */
	char deps[64][YOI_ID_LEN + 1];
	rc = 0;
	size_t nuniq = 0;
	for (size_t i = 0; i < ndeps && rc == 0; i++) {
		rc = yoi_cli_resolve(ctx, deps_arg[i], deps[nuniq]);
		bool seen = false;
		for (size_t k = 0; rc == 0 && k < nuniq; k++)
			seen |= strcmp(deps[k], deps[nuniq]) == 0;
		if (rc == 0 && !seen)
			nuniq++; /* the same target twice is one edge */
	}
	if (rc)
		return rc;
	char *body = NULL;
	if (body_file || body_text) {
		rc = yoi_cli_text(ctx, body_text, body_file,
				  "--body or --body-file", &body);
		if (rc)
			return rc;
		o.body = body;
	} else if (isatty(STDIN_FILENO)) {
		/* On a terminal, as git commit: the editor on the template. */
		yoi_store *st;
		if ((rc = yoi_cli_store(ctx, true, &st)))
			return rc;
		const yoi_resource *tpl = yoi_resource_get(
		    yoi_store_config(st)->language == YOI_LANG_JA
			? "ticket/body-ja.md"
			: "ticket/body-en.md");
		if ((rc = yoi_cli_edit(ctx, "the new ticket's body",
				       tpl ? tpl->data : NULL, &body)))
			return rc;
		o.body = body;
	}
	const char *dep_ids[64];
	for (size_t i = 0; i < nuniq; i++)
		dep_ids[i] = deps[i];
	o.depends_on = dep_ids;
	o.ndeps = nuniq;
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	char id[YOI_ID_LEN + 1];
	if (rc == 0)
		rc = yoi_cli_fail(
		    ctx, yoi_ticket_create(ctx->store, &op, &o, id, &ctx->err));
	json_t *notify =
	    rc == 0 ? yoi_cli_notify(ctx, id, YOI_NOTICE_CREATE, NULL) : NULL;
	if (rc == 0 && ctx->json)
		rc = yoi_cli_json(ctx,
				  json_pack("{s:s, s:s, s:s, s:O?}", "id", id,
					    "state", "planning", "title",
					    o.title, "notify", notify));
	else if (rc == 0)
		printf("%s\n", id);
	json_decref(notify);
	free(body);
	return rc;
}
