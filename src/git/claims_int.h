/*
 * claims_int.h - the claims on a remote, through libgit2 (yoi/claims.h
 * says what a claim is). Private to the library: the workflow reaches it
 * through yoi/claimflow.h.
 *
 * Errors: a remote that this clone does not have or that cannot be
 * reached is YOI_EIO with a message naming it; a claim held by another
 * clone YOI_EREFUSED; no claim YOI_ENOTFOUND. Repositories are borrowed.
 */
#ifndef YOI_CLAIMS_INT_H
#define YOI_CLAIMS_INT_H

#include <stdbool.h>

#include "yoi/claims.h"

struct git_repository;

/*
 * This clone's id (16 hex digits) from git config yoi.clone (the
 * repository's own config, shared by its worktrees). When unset and
 * random is given, a new one is drawn from it and saved; else *out is
 * NULL. *out is the caller's.
 */
int yoi_claim_clone_id(struct git_repository *repo,
		       int (*random)(void *ctx, void *buf, size_t n),
		       void *random_ctx, char **out, yoi_error *err);

/*
 * Claim ticket me->id on remote: write the claim commit of *me (its
 * clone must be set) and push it to refs/yoi/claims/<ID> without force.
 * 0: the claim is ours (*taken: made now; false when this clone already
 * held it, yoi_claim_same_clone, *me's oid then the existing claim).
 * YOI_EREFUSED: another clone holds it, described in *holder (cleared first;
 * may be NULL) and in err. Exactly one of several clones racing wins: the
 * remote refuses to create a ref that exists.
 */
int yoi_claim_take(struct git_repository *repo, const char *remote,
		   yoi_claim *me, bool *taken, yoi_claim *holder,
		   yoi_error *err);

/*
 * Delete refs/yoi/claims/<id> on remote when the clone me describes
 * holds it (yoi_claim_same_clone; me may be NULL: none; force: any
 * holder). YOI_ENOTFOUND when there is no claim, YOI_EREFUSED when
 * another clone holds it and not force. held (may be NULL) receives the
 * claim that was there.
 */
int yoi_claim_release(struct git_repository *repo, const char *remote,
		      const char *id, const yoi_claim *me, bool force,
		      yoi_claim *held, yoi_error *err);

/*
 * Every claim on remote, sorted by ID (the claim commits are fetched to
 * refs/yoi/remote-claims/<remote>/<ID>, which mirror the remote's).
 * mine: the claim comes from the clone me describes (may be NULL). A ref whose
 * commit is no claim is listed with NULL fields.
 */
int yoi_claims_list(struct git_repository *repo, const char *remote,
		    const yoi_claim *me, yoi_claims *out, yoi_error *err);

#endif
