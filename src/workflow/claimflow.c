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

/*
 * This clone as a claim names it: its id (drawn now when create and
 * there is none: *me's clone stays NULL otherwise), host and path, and
 * for a claim to take the claimer and the time. Read back through the
 * claim message, so that it compares equal to what the remote holds.
 */
static int identity(const yoi_store *st, const yoi_opctx *ctx, bool create,
		    const char *id, yoi_claim *me, yoi_error *err)
{
	memset(me, 0, sizeof(*me));
	snprintf(me->id, sizeof(me->id), "%s", id ? id : "0000000000000");
	int rc = yoi_claim_clone_id(st->repo, create ? ctx->random : NULL,
				    create ? ctx->random_ctx : NULL, &me->clone,
				    err);
	if (rc < 0 || !me->clone)
		return rc;
	char host[256] = "";
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	yoi_error e2;
	me->host = host[0] ? yoi_strdup(host) : NULL;
	if (yoi_git_main_top(st->repo, &me->path, &e2) < 0)
		me->path = yoi_strdup(yoi_git_commondir(st->repo));
	bool ok = (!host[0] || me->host) && me->path;
	if (ok && ctx) {
		char at[YOI_TIME_LEN + 1];
		int64_t ms = ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms;
		yoi_time_format(ms / 1000, at);
		me->since = yoi_strdup(at);
		me->claimer = yoi_strdup(ctx->author ? ctx->author : "unknown");
		ok = me->since && me->claimer;
	}
	yoi_buf msg = YOI_BUF_INIT;
	yoi_claim back = {0};
	ok = ok && yoi_claim_message(&msg, me) == 0 &&
	     yoi_claim_parse(&back, msg.ptr, msg.len) == 0;
	yoi_buf_free(&msg);
	yoi_claim_clear(me);
	*me = back;
	return ok ? 0
		  : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

int yoi_claimflow_take(const yoi_store *st, const yoi_opctx *ctx,
		       const char *id, bool *taken, yoi_error *err)
{
	*taken = false;
	if (!yoi_claimflow_enabled(st))
		return 0;
	yoi_claim me;
	int rc = identity(st, ctx, true, id, &me, err);
	if (rc == 0 && !me.clone)
		rc = yoi_error_set(err, YOI_EIO, NULL, 0,
				   "this clone has no id for its claims; set "
				   "one with 'git config yoi.clone <16 hex "
				   "digits>'");
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
	yoi_claim me = {0};
	if (rc == 0)
		rc = identity(st, NULL, false, id, &me, err);
	if (rc == 0)
		rc = yoi_claim_release(st->repo, st->cfg.claims_remote, id,
				       me.clone ? &me : NULL, force, held, err);
	yoi_claim_clear(&me);
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
	yoi_claim me = {0};
	if (rc == 0)
		rc = identity(st, NULL, false, NULL, &me, err);
	if (rc == 0)
		rc = yoi_claims_list(st->repo, st->cfg.claims_remote,
				     me.clone ? &me : NULL, out, err);
	yoi_claim_clear(&me);
	return rc;
}
