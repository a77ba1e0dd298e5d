/* cmd_edit.c - change title, assignee, readiness, risk flags, body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* --assignee: an empty one (or "null") unassigns; the last one wins. */
static int assignee_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	(void)ctx;
	yoi_edit_opts *o = opt->value;
	if (!*arg || strcmp(arg, "null") == 0)
		o->clear_assignee = true;
	else
		o->assignee = arg;
	return 0;
}

/* --body[=TEXT]: the text, or (no value) the editor on the current body. */
typedef struct body_arg {
	bool given;
	const char *text; /* NULL: the editor */
} body_arg;

static int body_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	(void)ctx;
	body_arg *b = opt->value;
	b->given = true;
	b->text = arg;
	return 0;
}

/* A text typed in (--body=TEXT, the editor) ends with a line break, as
 * a body written by create does; a file's bytes are kept as they are. */
static int end_line(yoi_ctx *ctx, char **text)
{
	size_t n = strlen(*text);
	if (n == 0 || (*text)[n - 1] == '\n')
		return 0;
	char *t = realloc(*text, n + 2);
	if (!t) {
		free(*text);
		*text = NULL;
		return yoi_cli_fail(ctx, YOI_ENOMEM);
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*text = t;
	return 0;
}

/* The editor on the ticket's body as it is now (on a terminal only). */
static int edit_body(yoi_ctx *ctx, const char *id, char **out)
{
	if (!isatty(STDIN_FILENO))
		return yoi_cli_usage(ctx, "--body without a text opens the "
					  "editor, which needs a terminal; "
					  "give --body=TEXT or --body-file");
	yoi_store *st;
	yoi_ticket *t;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	int e = yoi_ticket_load(&t, st, id, YOI_LOAD_ITEM, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	size_t len;
	const char *b = yoi_item_body(t->item, &len);
	char *now = yoi_strndup(b, len);
	yoi_ticket_free(t);
	if (!now)
		return yoi_cli_fail(ctx, YOI_ENOMEM);
	rc = yoi_cli_edit(ctx, "the ticket's body", now, out);
	free(now);
	return rc;
}

/* --json: the ticket's fields as they are after the edit. */
static int fields_json(yoi_ctx *ctx, const char *id)
{
	yoi_ticket *t;
	int e = yoi_ticket_load(&t, ctx->store, id, YOI_LOAD_FRONTMATTER,
				&ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	int rc = yoi_cli_json(ctx, json_pack("{s:s, s:o}", "id", id, "fields",
					     yoi_cli_fields_json(t->item)));
	yoi_ticket_free(t);
	return rc;
}

int yoi_cmd_edit(int argc, char **argv, yoi_ctx *ctx)
{
	yoi_edit_opts o = {0};
	const char *flags[64];
	const char *body_file = NULL;
	body_arg body_opt = {false, NULL};
	yoi_optlist risk = {flags, 0};
	const char *adds[64], *rems[64];
	yoi_optlist addl = {adds, 0}, reml = {rems, 0};
	const char *addlab[64], *remlab[64];
	yoi_optlist addlab_l = {addlab, 0}, remlab_l = {remlab, 0};
	bool no_risk = false;
	char id[YOI_ID_LEN + 1];
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("title", 't', &o.title, "the new title"),
	    YOI_OPT_CALLBACK("assignee", &o, assignee_cb,
			     "who (empty or null: nobody)"),
	    YOI_OPT_STRING("readiness", 0, &o.readiness, "how ready"),
	    YOI_OPT_STRING("priority", 0, &o.priority, "such as P1"),
	    YOI_OPT_LIST("risk-flag", &risk, 64,
			 "a risk flag (repeatable; replaces them)"),
	    YOI_OPT_FLAG("no-risk-flags", 0, &no_risk,
			 "remove every risk flag"),
	    YOI_OPT_LIST("add-risk-flag", &addl, 64, "add one (repeatable)"),
	    YOI_OPT_LIST("remove-risk-flag", &reml, 64,
			 "remove one (repeatable)"),
	    YOI_OPT_LIST("add-label", &addlab_l, 64,
			 "add a label (repeatable)"),
	    YOI_OPT_LIST("remove-label", &remlab_l, 64,
			 "remove a label (repeatable)"),
	    YOI_OPT_CALLBACK_OPTARG("body", &body_opt, body_cb,
				    "the new body (=TEXT; alone: the editor)"),
	    YOI_OPT_STRING("body-file", 0, &body_file,
			   "the new body from a file"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_id(ctx, argc, argv, opts, id)) != YOI_CLI_GO)
		return rc;
	o.nrisk = risk.n;
	o.set_risk = risk.n > 0 || no_risk;
	o.risk_flags = flags;
	o.add_risk = adds;
	o.nadd_risk = addl.n;
	o.remove_risk = rems;
	o.nremove_risk = reml.n;
	o.add_label = addlab;
	o.nadd_label = addlab_l.n;
	o.remove_label = remlab;
	o.nremove_label = remlab_l.n;
	if (o.set_risk && (addl.n || reml.n))
		return yoi_cli_usage(ctx, "--risk-flag and --no-risk-flags "
					  "replace the list; give them or "
					  "--add-risk-flag/--remove-risk-flag, "
					  "not both");
	char *body = NULL;
	if (body_opt.given && body_file)
		return yoi_cli_usage(ctx,
				     "give --body or --body-file, not both");
	if (body_opt.given && !body_opt.text) {
		if ((rc = edit_body(ctx, id, &body)))
			return rc;
		if ((rc = end_line(ctx, &body)))
			return rc;
		o.body = body;
		o.body_len = strlen(body);
		o.set_body = true;
	} else if (body_file || body_opt.given) {
		if ((rc = yoi_cli_text(ctx, body_opt.text, body_file,
				       "--body or --body-file", &body)))
			return rc;
		if (!body_file && (rc = end_line(ctx, &body)))
			return rc;
		o.body = body;
		o.body_len = strlen(body);
		o.set_body = true;
	}
	if (!o.title && !o.assignee && !o.clear_assignee && !o.readiness &&
	    !o.priority && !o.set_risk && !addl.n && !reml.n && !addlab_l.n &&
	    !remlab_l.n && !o.set_body) {
		free(body);
		return yoi_cli_usage(ctx,
				     "nothing to change: give --title, "
				     "--assignee, --readiness, --priority, "
				     "--risk-flag, --add-label, "
				     "--remove-label, --body or --body-file");
	}
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	if (rc == 0)
		rc = yoi_cli_fail(
		    ctx, yoi_ticket_edit(ctx->store, &op, id, &o, &ctx->err));
	if (rc == 0 && ctx->json)
		rc = fields_json(ctx, id);
	else if (rc == 0 && !ctx->quiet)
		printf("%s\n", id);
	free(body);
	return rc;
}
