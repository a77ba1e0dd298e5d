/*
 * claimflow.h - claims across clones (SPEC 10, yoi/claims.h) over a
 * store: its claims.remote, this clone's id, the author and clock of the
 * operation. Without claims.remote nothing here touches the network:
 * take and settle do nothing, list and release are YOI_EUSAGE.
 *
 * A claim is this clone's when its clone id is this clone's (git config
 * yoi.clone, drawn on the first claim). Ownership: results are the
 * caller's (yoi_claims_free, yoi_claim_clear).
 */
#ifndef YOI_CLAIMFLOW_H
#define YOI_CLAIMFLOW_H

#include <stdbool.h>

#include "claims.h"
#include "store.h"
#include "ticket.h"

/* Whether the store has claims.remote set (and is in a repository). */
bool yoi_claimflow_enabled(const yoi_store *st);

/*
 * start's claim of ticket id, before anything else is made: 0 when the
 * claim is this clone's (*taken: made now, so start's undo releases
 * it), YOI_EREFUSED when another clone holds it (the message names the
 * holder and since when), YOI_EIO when the remote cannot be reached.
 */
int yoi_claimflow_take(const yoi_store *st, const yoi_opctx *ctx,
		       const char *id, bool *taken, yoi_error *err);

/*
 * Release ticket id's claim (claims release): this clone's, or any with
 * force. YOI_ENOTFOUND when there is none; held (may be NULL) receives
 * the claim released.
 */
int yoi_claimflow_release(const yoi_store *st, const char *id, bool force,
			  yoi_claim *held, yoi_error *err);

/*
 * After cleanup and close: release this clone's claim of id, if any.
 * Never fails the command: a claim that stays (another clone's, or the
 * remote out of reach) is told through ctx->report with the code
 * claim-not-released and what to do.
 */
void yoi_claimflow_settle(const yoi_store *st, const yoi_opctx *ctx,
			  const char *id);

/* close (yoi_ticket_close), then settle its claim. */
int yoi_claimflow_close(yoi_store *st, const yoi_opctx *ctx, const char *id,
			const char *resolution, yoi_error *err);

/* Every claim on claims.remote, mine marked (yoi_claims_list). */
int yoi_claimflow_list(const yoi_store *st, yoi_claims *out, yoi_error *err);

#endif
