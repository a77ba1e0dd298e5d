/*
 * relate.h - `relation add|remove` (SPEC 6): under the store lock, read
 * the source ticket's relations.json (one with bad records is refused:
 * rewriting it would drop them), refuse a depends_on/blocks edge that
 * would close a cycle (the message names the cycle), rewrite the file
 * atomically, then append a `relation` event to the source's thread.
 */
#ifndef YOI_RELATE_H
#define YOI_RELATE_H

#include <stdbool.h>

#include "relations.h"
#include "ticket.h"

int yoi_relate(yoi_store *st, const yoi_opctx *ctx, const char *id,
	       bool add, yoi_rel_kind kind, const char *target,
	       const char *note, yoi_error *err);

#endif
