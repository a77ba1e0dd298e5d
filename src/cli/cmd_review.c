/* cmd_review.c - record a review event: approve or request changes. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* --approve and --request-changes: the verdict, and how many were given. */
struct verdict {
	const char *status;
	int n;
};

static int verdict_cb(yoi_ctx *ctx, const yoi_option *opt, const char *arg)
{
	(void)ctx;
	(void)arg;
	struct verdict *v = opt->value;
	v->status = opt->name[0] == 'a' ? "approve" : "request_changes";
	v->n++;
	return 0;
}

int yoi_cmd_review(int argc, char **argv, yoi_ctx *ctx)
{
	const char *message = NULL, *file = NULL;
	struct verdict v = {NULL, 0};
	bool json = false;
	const yoi_option opts[] = {
	    YOI_OPT_CALLBACK_NOARG("approve", &v, verdict_cb, "approve"),
	    YOI_OPT_CALLBACK_NOARG("request-changes", &v, verdict_cb,
				   "request changes"),
	    YOI_OPT_STRING("message", 'm', &message, "the review text"),
	    YOI_OPT_STRING("file", 'f', &file, "the review text from a file"),
	    YOI_OPT_FLAG("json", 0, &json, "JSON output"),
	    YOI_OPT_END(),
	};
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	const char *status = v.status;
	int verdicts = v.n;
	if (optind + 1 != argc)
		return yoi_cli_usage(ctx, "expected one ticket ID");
	if (verdicts != 1)
		return yoi_cli_usage(ctx, "give exactly one of --approve or "
					  "--request-changes");
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_resolve(ctx, argv[optind], id);
	if (rc)
		return rc;
	char *text;
	if ((rc = yoi_cli_text(ctx, message, file, "--message or --file",
			       &text)))
		return rc;
	yoi_opctx op;
	rc = yoi_cli_opctx(ctx, &op);
	if (rc == 0) {
		yoi_attr a = {"status", (char *)status};
		rc = yoi_cli_fail(ctx, yoi_ticket_append(ctx->store, &op, id,
							 "review", &a, 1, text,
							 &ctx->err));
		json_t *notify =
		    rc == 0 ? yoi_cli_notify(ctx, id, YOI_NOTICE_REVIEW, NULL)
			    : NULL;
		if (rc == 0 && json)
			rc = yoi_cli_json(
			    ctx, json_pack("{s:s, s:s, s:O?}", "id", id,
					   "status", status, "notify", notify));
		else if (rc == 0 && !ctx->quiet)
			printf("%s\n", id);
		json_decref(notify);
	}
	free(text);
	return rc;
}
