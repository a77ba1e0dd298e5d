/* cmd_claims.c - claims across clones: list them, release one (SPEC 10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/claimflow.h"
#include "yoi/id.h"

static json_t *claim_json(const yoi_claim *c)
{
	return json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:b}", "id",
			 c->id, "claimer", c->claimer, "clone", c->clone,
			 "host", c->host, "path", c->path, "since", c->since,
			 "commit", c->oid, "mine", c->mine);
}

static int list(yoi_ctx *ctx, bool json)
{
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	yoi_claims cl;
	if ((rc = yoi_cli_fail(ctx, yoi_claimflow_list(st, &cl, &ctx->err))))
		return rc;
	json_t *arr = json ? json_array() : NULL;
	for (size_t i = 0; i < cl.n; i++) {
		const yoi_claim *c = &cl.v[i];
		if (arr) {
			json_array_append_new(arr, claim_json(c));
			continue;
		}
		yoi_buf who = YOI_BUF_INIT;
		yoi_claim_holder(&who, c);
		yoi_cli_println("%s  %s%s", c->id, who.ptr ? who.ptr : "?",
				c->mine ? "  (this clone)" : "");
		yoi_buf_free(&who);
	}
	yoi_claims_free(&cl);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}

static int release(yoi_ctx *ctx, int argc, char **argv, bool force, bool json)
{
	if (optind + 1 != argc)
		return yoi_cli_usage(ctx, "claims release needs one ticket ID");
	/* A full ID needs no ticket here: the claim of a ticket this clone
	 * has not seen (or has deleted) is released all the same. */
	char id[YOI_ID_LEN + 1];
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	if (yoi_id_valid(argv[optind]))
		snprintf(id, sizeof(id), "%s", argv[optind]);
	else if ((rc = yoi_cli_resolve(ctx, argv[optind], id)))
		return rc;
	yoi_claim held = {0};
	rc = yoi_cli_fail(ctx, yoi_claimflow_release(ctx->store, id, force,
						     &held, &ctx->err));
	if (rc == 0 && json)
		rc =
		    yoi_cli_json(ctx, json_pack("{s:s, s:o, s:b}", "id", id,
						"released", claim_json(&held),
						"forced", force && !held.mine));
	else if (rc == 0 && !ctx->quiet)
		printf("%s: claim released\n", id);
	yoi_claim_clear(&held);
	return rc;
}

int yoi_cmd_claims(int argc, char **argv, yoi_ctx *ctx)
{
	bool json = false, force = false;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("json", 0, &json, "JSON output"),
	    YOI_OPT_FLAG("force", 0, &force,
			 "release: even another clone's claim"),
	    YOI_OPT_END(),
	};
	int pr = yoi_cli_parse(ctx, argc, argv, opts);
	if (pr != YOI_CLI_GO)
		return pr;
	if (optind < argc && strcmp(argv[optind], "release") == 0) {
		optind++;
		return release(ctx, argc, argv, force, json);
	}
	if (optind < argc && strcmp(argv[optind], "list") != 0)
		return yoi_cli_usage(ctx, "unknown claims command '%s'",
				     argv[optind]);
	if (optind < argc)
		optind++;
	if (optind != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind]);
	if (force)
		return yoi_cli_usage(ctx, "--force goes with claims release");
	return list(ctx, json);
}
