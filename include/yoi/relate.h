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

#include "plan.h"
#include "relations.h"
#include "ticket.h"

/*
 * The target of `relation add|remove` from what the user typed: resolved
 * as show resolves an ID (a unique suffix, any case). For a removal, a
 * full ID whose ticket is gone is taken as it is: a relation to a deleted
 * ticket (relation-dangling) must stay removable.
 */
int yoi_relate_target(const yoi_store *st, const char *arg, bool removing,
		      char out[YOI_ID_LEN + 1], yoi_error *err);

int yoi_relate(yoi_store *st, const yoi_opctx *ctx, const char *id, bool add,
	       yoi_rel_kind kind, const char *target, const char *note,
	       yoi_error *err);

/*
 * `plan add` (SPEC 7): under the store lock, append one record to the
 * ticket's orchestration-plan.jsonl (made when missing). rec supplies
 * kind, related_ticket, note and accepted; id, ticket_id, author and at
 * are filled here. The related ticket must exist. id_out receives the
 * record's id (YOI_PLAN_ID_MAX + 1 bytes).
 */
int yoi_plan_record_add(yoi_store *st, const yoi_opctx *ctx, const char *id,
			const yoi_plan_record *rec, char *id_out,
			yoi_error *err);

#endif
