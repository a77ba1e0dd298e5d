/* cmd_create.c - create a ticket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int yoi_cmd_create(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"title", required_argument, NULL, 't'},
	    {"body-file", required_argument, NULL, 'b'},
	    {"assignee", required_argument, NULL, 'a'},
	    {"readiness", required_argument, NULL, 'r'},
	    {"risk-flag", required_argument, NULL, 'x'},
	    {"slug", required_argument, NULL, 's'},
	    {"depends-on", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	yoi_create_opts o = {0};
	const char *body_file = NULL;
	const char *flags[64];
	const char *deps_arg[64];
	size_t ndeps = 0;
	bool json = false;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "t:", opts)) != -1) {
		switch (c) {
		case 't':
			o.title = optarg;
			break;
		case 'b':
			body_file = optarg;
			break;
		case 'a':
			o.assignee = optarg;
			break;
		case 'r':
			o.readiness = optarg;
			break;
		case 'x':
			if (o.nrisk == sizeof(flags) / sizeof(*flags))
				return yoi_cli_usage(ctx,
						     "at most 64 --risk-flag");
			flags[o.nrisk++] = optarg;
			break;
		case 's':
			o.slug = optarg;
			break;
		case 'd':
			if (ndeps == sizeof(deps_arg) / sizeof(*deps_arg))
				return yoi_cli_usage(ctx,
						     "at most 64 --depends-on");
			deps_arg[ndeps++] = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	if (!o.title)
		return yoi_cli_usage(ctx, "--title is required");
	o.risk_flags = flags;
	/* Every target must exist before anything is created. */
	char deps[64][YOI_ID_LEN + 1];
	int rc = 0;
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
	if (body_file) {
		rc = yoi_cli_text(ctx, NULL, body_file, "--body-file", &body);
		if (rc)
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
	if (rc == 0 && json)
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
