/* claimflow.c - claims across clones over a store (yoi/claimflow.h). */
#include "yoi/claimflow.h"
#include "git/claims_int.h"
#include "git/gitops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

bool yoi_claimflow_enabled(const yoi_store *st)
{
	return st->repo && st->cfg.claims_remote && *st->cfg.claims_remote;
}

static int need_remote(const yoi_store *st, yoi_error *err)
{
	if (!st->repo)
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "the tickets root is not in a git "
				     "repository; claims live on a git remote");
	if (!yoi_claimflow_enabled(st))
		return yoi_error_set(err, YOI_EUSAGE, ".yoi/config.yaml", 0,
				     "claims.remote is not set; set it in "
				     ".yoi/config.yaml to a remote every "
				     "clone shares (claims: {remote: origin})");
	return 0;
}

int yoi_claimflow_take(const yoi_store *st, const yoi_opctx *ctx,
		       const char *id, bool *taken, yoi_error *err)
{
	*taken = false;
	if (!yoi_claimflow_enabled(st))
		return 0;
	yoi_claim me = {0};
	snprintf(me.id, sizeof(me.id), "%s", id);
	int rc = yoi_claim_clone_id(st->repo, ctx->random, ctx->random_ctx,
				    &me.clone, err);
	if (rc == 0 && !me.clone)
		rc = yoi_error_set(err, YOI_EIO, NULL, 0,
				   "this clone has no id for its claims; set "
				   "one with 'git config yoi.clone <16 hex "
				   "digits>'");
	char host[256] = "";
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	yoi_error e2;
	if (rc == 0) {
		char at[YOI_TIME_LEN + 1];
		int64_t ms = ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms;
		yoi_time_format(ms / 1000, at);
		me.since = yoi_strdup(at);
		me.claimer = yoi_strdup(ctx->author ? ctx->author : "unknown");
		me.host = host[0] ? yoi_strdup(host) : NULL;
		if (yoi_git_main_top(st->repo, &me.path, &e2) < 0)
			me.path = yoi_strdup(yoi_git_commondir(st->repo));
		if (!me.since || !me.claimer || (host[0] && !me.host) ||
		    !me.path)
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	}
	if (rc == 0)
		rc = yoi_claim_take(st->repo, st->cfg.claims_remote, &me, taken,
				    NULL, err);
	yoi_claim_clear(&me);
	return rc;
}

int yoi_claimflow_release(const yoi_store *st, const char *id, bool force,
			  yoi_claim *held, yoi_error *err)
{
	int rc = need_remote(st, err);
	char *clone = NULL;
	if (rc == 0)
		rc = yoi_claim_clone_id(st->repo, NULL, NULL, &clone, err);
	if (rc == 0)
		rc = yoi_claim_release(st->repo, st->cfg.claims_remote, id,
				       clone, force, held, err);
	free(clone);
	return rc;
}

void yoi_claimflow_settle(const yoi_store *st, const yoi_opctx *ctx,
			  const char *id)
{
	if (!yoi_claimflow_enabled(st))
		return;
	yoi_error e2;
	int rc = yoi_claimflow_release(st, id, false, NULL, &e2);
	if (rc == 0 || rc == YOI_ENOTFOUND || !ctx->report)
		return;
	char et[YOI_ERRTEXT_MAX];
	char *msg =
	    yoi_sprintf("the claim of ticket %s stays: %s; 'yoi-tickets "
			"claims release %s' releases it later",
			id, yoi_error_text(&e2, et, sizeof(et)), id);
	ctx->report(ctx->report_ctx, "claim-not-released", NULL,
		    msg ? msg : "the claim stays (out of memory)");
	free(msg);
}

int yoi_claimflow_close(yoi_store *st, const yoi_opctx *ctx, const char *id,
			const char *resolution, yoi_error *err)
{
	int rc = yoi_ticket_close(st, ctx, id, resolution, err);
	if (rc == 0)
		yoi_claimflow_settle(st, ctx, id);
	return rc;
}

int yoi_claimflow_list(const yoi_store *st, yoi_claims *out, yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	int rc = need_remote(st, err);
	char *clone = NULL;
	if (rc == 0)
		rc = yoi_claim_clone_id(st->repo, NULL, NULL, &clone, err);
	if (rc == 0)
		rc = yoi_claims_list(st->repo, st->cfg.claims_remote, clone,
				     out, err);
	free(clone);
	return rc;
}
