/*
 * claims.h - claims across clones (SPEC 10), on git itself: a ticket is
 * claimed by creating refs/yoi/claims/<ID> on a shared remote with a push
 * that fails when the ref exists. The ref points to a small commit (empty
 * tree, no parent) whose message names the claimer, the clone and the
 * time (docs/format.md, "Claims"). This header is the claim record as
 * bytes (pure); the remote work is the library's (src/git/claims_int.h,
 * and yoi/claimflow.h over a store).
 *
 * Ownership: a yoi_claim owns its strings (yoi_claim_clear), a yoi_claims
 * its entries (yoi_claims_free).
 */
#ifndef YOI_CLAIMS_H
#define YOI_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "gitinit.h"
#include "id.h"

/* The remote ref of ticket <ID>: YOI_CLAIMS_PREFIX "<ID>". */
#define YOI_CLAIMS_PREFIX "refs/yoi/claims/"
/* A value of the claim message is one line of at most this many bytes. */
#define YOI_CLAIM_VALUE_MAX 1024
/* A claim commit's message is read up to this size. */
#define YOI_CLAIM_MSG_MAX (64 * 1024)

typedef struct yoi_claim {
	char id[YOI_ID_LEN + 1];
	char *claimer; /* the author who started the ticket; NULL: unknown */
	char *clone;   /* the claiming clone's id (git config yoi.clone) */
	char *host;    /* the machine the clone is on */
	char *path;    /* the clone's top directory there */
	char *since;   /* RFC 3339 UTC, as written */
	char oid[YOI_GIT_OID_HEX + 1]; /* the claim commit ("" unknown) */
	bool mine; /* its clone is this clone (when listed or held) */
} yoi_claim;

typedef struct yoi_claims {
	yoi_claim *v;
	size_t n;
	size_t cap;
} yoi_claims;

/* Free c's strings and zero it (the struct itself is the caller's). */
void yoi_claim_clear(yoi_claim *c);
void yoi_claims_free(yoi_claims *c);

/*
 * The claim commit's message for c (id, claimer, clone, host, path,
 * since; NULL fields are left out). Control characters in a value are
 * written as '?' and a value is cut at YOI_CLAIM_VALUE_MAX bytes, so that
 * every value is one line. 0 or YOI_ENOMEM.
 */
int yoi_claim_message(yoi_buf *out, const yoi_claim *c);

/*
 * Read a claim message (as yoi_claim_message writes it) into *out
 * (cleared first; oid and mine untouched). Unknown lines are skipped.
 * YOI_ECORRUPT when it is no claim: no "ticket:" line with a valid ID,
 * more than YOI_CLAIM_MSG_MAX bytes, or a NUL byte. YOI_ENOMEM.
 */
int yoi_claim_parse(yoi_claim *out, const char *msg, size_t len);

/*
 * Whether claims a and b come from the same clone: the same clone id
 * (non-empty), host and path. The id alone is not enough: a clone copied
 * with its .git/config (cp -r, a restored backup) carries the same id, and
 * must not take the original's claim for its own. A clone moved to another
 * path owns its old claims no more: release them with --force.
 */
bool yoi_claim_same_clone(const yoi_claim *a, const yoi_claim *b);

/*
 * "alice (clone 1a2b3c4d5e6f7a8b on host:/path) since
 * 2026-12-03T17:00:00Z" for people; "an unknown claimer" parts for what
 * the claim does not say. Appended to out. 0 or YOI_ENOMEM.
 */
int yoi_claim_holder(yoi_buf *out, const yoi_claim *c);

#endif
