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
	char id[YOI_ID_LEN + 1], *text;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_CALLBACK_NOARG("approve", &v, verdict_cb, "approve"),
	    YOI_OPT_CALLBACK_NOARG("request-changes", &v, verdict_cb,
				   "request changes"),
	    YOI_OPT_STRING("message", 'm', &message, "the review text"),
	    YOI_OPT_STRING("file", 'f', &file, "the review text from a file"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	rc = yoi_cli_parse_n(ctx, argc, argv, opts, 1, YOI_CLI_ONE_ID);
	if (rc != YOI_CLI_GO)
		return rc;
	if (v.n != 1)
		return yoi_cli_usage(ctx, "give exactly one of --approve or "
					  "--request-changes");
	if ((rc = yoi_cli_resolve(ctx, argv[optind], id)) ||
	    (rc = yoi_cli_text(ctx, message, file, "--message or --file",
			       &text)))
		return rc;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)) == 0) {
		yoi_attr a = {"status", (char *)v.status};
		rc = yoi_cli_fail(ctx, yoi_ticket_append(ctx->store, &op, id,
							 "review", &a, 1, text,
							 &ctx->err));
		json_t *notify =
		    rc == 0 ? yoi_cli_notify(ctx, id, YOI_NOTICE_REVIEW, NULL)
			    : NULL;
		if (rc == 0 && ctx->json)
			rc = yoi_cli_json(ctx,
					  json_pack("{s:s, s:s, s:O?}", "id",
						    id, "status", v.status,
						    "notify", notify));
		else if (rc == 0 && !ctx->quiet)
			printf("%s\n", id);
		json_decref(notify);
	}
	free(text);
	return rc;
}
