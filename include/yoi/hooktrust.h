/*
 * hooktrust.h - consent for the ticket-event hook (SPEC 11). A clone is
 * data, never code: a hook that arrives with the repository (a committed
 * .yoi/hooks/ticket-event, or a hooks.ticket_event path in a committed
 * config) runs only after this clone's owner trusted it with
 * `hooks trust`, which records the hook's resolved path and the git blob
 * id of its content in <git common dir>/yoi/trusted-hooks - outside the
 * committed tree, shared by the clone's worktrees. A changed hook (other
 * content, other target) is no longer trusted. Without a git directory
 * there is nowhere to keep consent, so no hook is ever trusted.
 *
 * This is a git module: it calls libgit2 (the common directory, the blob
 * hash) and the file layer.
 *
 * Ownership: yoi_hooktrust owns its strings; yoi_hooktrust_free releases
 * them (NULL-safe, and safe on a zeroed value).
 */
#ifndef YOI_HOOKTRUST_H
#define YOI_HOOKTRUST_H

#include <stdbool.h>

#include "common.h"
#include "store.h"

/* Bounds of the trust record: it is ours, but read as untrusted input. */
#define YOI_HOOKTRUST_RECORD_MAX (256u * 1024)

typedef enum yoi_hooktrust_status {
	YOI_HOOKTRUST_NOT_CONFIGURED, /* no hook (the default path absent) */
	YOI_HOOKTRUST_MISSING,	      /* configured, does not exist */
	YOI_HOOKTRUST_NOT_EXECUTABLE, /* not a regular executable file */
	YOI_HOOKTRUST_UNTRUSTED,      /* never trusted in this clone */
	YOI_HOOKTRUST_CHANGED,	      /* trusted once, content changed since */
	YOI_HOOKTRUST_TRUSTED,
} yoi_hooktrust_status;

typedef struct yoi_hooktrust {
	yoi_hooktrust_status status;
	char *path;   /* the configured hook made absolute; NULL when none */
	char *real;   /* path with symlinks resolved: what is hashed and
			 what runs; NULL unless it is a regular file */
	char oid[41]; /* blob id of the content now; "" when not hashed */
	char *record; /* the trust record's path; NULL without a git dir */
} yoi_hooktrust;

/* "not_configured", "missing", "not_executable", "untrusted", "changed",
 * "trusted". */
const char *yoi_hooktrust_status_name(yoi_hooktrust_status s);

/*
 * Look at the configured hook: resolve, hash, compare with the record.
 * Fails only for a broken trust record or no memory; every state of the
 * hook itself is a status.
 */
int yoi_hooktrust_get(yoi_hooktrust *out, const yoi_store *st, yoi_error *err);

/*
 * Record (trust) or forget (!trust) the hook that *ht describes, as
 * yoi_hooktrust_get found it. Trusting needs status UNTRUSTED, CHANGED or
 * TRUSTED (YOI_ENOTFOUND for a missing hook, YOI_EREFUSED for one that is
 * not executable or when there is no git directory); ht->status becomes
 * TRUSTED (or UNTRUSTED when forgotten). The record is replaced
 * atomically under the store lock the caller holds.
 */
int yoi_hooktrust_set(yoi_hooktrust *ht, const yoi_store *st, bool trust,
		      yoi_error *err);

void yoi_hooktrust_free(yoi_hooktrust *ht);

#endif
