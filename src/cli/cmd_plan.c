/*
 * cmd_plan.c - `plan ID --message M` appends a plan event; `plan add` and
 * `plan list` work on the orchestration-plan records (SPEC 7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/relate.h"

static json_t *record_json(const yoi_plan_record *p)
{
	json_t *acc = NULL;
	if (p->accepted)
		acc = json_pack(
		    "{s:s?, s:s?, s:s?, s:s?}", "summary", p->accepted->summary,
		    "branch", p->accepted->branch, "worktree",
		    p->accepted->worktree, "role_plan", p->accepted->role_plan);
	return json_pack("{s:s, s:s, s:s, s:s?, s:o?, s:s?, s:s?, s:s?}", "id",
			 p->id, "ticket_id", p->ticket_id, "kind",
			 yoi_plan_kind_name(p->kind), "related_ticket",
			 p->related_ticket[0] ? p->related_ticket : NULL,
			 "accepted_plan", acc, "note", p->note, "author",
			 p->author, "at", p->at);
}

static int list(yoi_ctx *ctx, int argc, char **argv)
{
	if (argc - optind > 1)
		return yoi_cli_usage(ctx, "plan list takes at most one ID");
	yoi_store *st;
	yoi_routing *r;
	char id[YOI_ID_LEN + 1];
	int rc;
	if ((rc = yoi_cli_store_id(ctx, optind < argc ? argv[optind] : NULL,
				   &st, id)) ||
	    (rc = yoi_cli_routing(ctx, st, false, &r)))
		return rc;
	json_t *arr = ctx->json ? json_array() : NULL;
	for (size_t i = 0; i < r->n; i++) {
		const yoi_routing_ticket *t = &r->t[i];
		if ((*id && strcmp(t->id, id) != 0) || !t->plan)
			continue;
		for (size_t k = 0; k < t->plan->n; k++) {
			const yoi_plan_record *p = &t->plan->v[k];
			if (arr) {
				json_array_append_new(arr, record_json(p));
				continue;
			}
			yoi_cli_println(
			    "%s  %s %s%s%s%s%s", p->id, p->ticket_id,
			    yoi_plan_kind_name(p->kind),
			    p->related_ticket[0] ? " " : "", p->related_ticket,
			    p->accepted ? "  " : "",
			    p->accepted ? p->accepted->summary : "");
		}
	}
	yoi_routing_free(r);
	return arr ? yoi_cli_json(ctx, arr) : 0;
}

static int add(yoi_ctx *ctx, int argc, char **argv, const char *kind_s,
	       const char *related, const char *note, yoi_plan_accepted *acc)
{
	if (!kind_s)
		return yoi_cli_usage(ctx, "plan add needs --kind K");
	yoi_plan_record rec = {0};
	if (yoi_plan_kind_parse(&rec.kind, kind_s) < 0)
		return yoi_cli_usage(
		    ctx,
		    "unknown kind '%s'; kinds: before, after, blocked_by, "
		    "blocks, conflicts_with, do_not_parallelize, "
		    "waiting_capacity_note, accepted_plan",
		    kind_s);
	if (yoi_plan_kind_needs_related(rec.kind) && !related)
		return yoi_cli_usage(ctx, "--kind %s needs --related ID",
				     kind_s);
	bool is_acc = rec.kind == YOI_PLAN_ACCEPTED_PLAN;
	if (is_acc != (acc->summary != NULL) ||
	    (!is_acc && (acc->branch || acc->worktree || acc->role_plan)))
		return yoi_cli_usage(ctx,
				     "--summary, --branch, --worktree and "
				     "--role-plan go with --kind "
				     "accepted_plan, which needs --summary");
	char id[YOI_ID_LEN + 1];
	int rc = yoi_cli_one_id(ctx, argc, argv, id);
	if (rc == 0 && related)
		rc = yoi_cli_resolve(ctx, related, rec.related_ticket);
	if (rc)
		return rc;
	rec.note = (char *)note;
	rec.accepted = is_acc ? acc : NULL;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	char rid[YOI_PLAN_ID_MAX + 1];
	rc = yoi_cli_fail(ctx, yoi_plan_record_add(ctx->store, &op, id, &rec,
						   rid, &ctx->err));
	if (rc == 0 && ctx->json) {
		snprintf(rec.id, sizeof(rec.id), "%s", rid);
		snprintf(rec.ticket_id, sizeof(rec.ticket_id), "%s", id);
		rec.author = (char *)op.author;
		return yoi_cli_json(ctx, record_json(&rec));
	}
	if (rc == 0 && !ctx->quiet)
		printf("%s\n", rid);
	return rc;
}

int yoi_cmd_plan(int argc, char **argv, yoi_ctx *ctx)
{
	if (argc < 2 ||
	    (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0))
		return yoi_cli_note(argc, argv, ctx, "plan");
	bool is_list = strcmp(argv[1], "list") == 0;
	const char *kind = NULL, *related = NULL, *note = NULL;
	yoi_plan_accepted acc = {0};
	/* Parse the subcommand's own arguments: argv[1] is its name. */
	const yoi_option opts[] = {
	    YOI_OPT_STRING("kind", 0, &kind, "the record kind"),
	    YOI_OPT_STRING("related", 0, &related, "the related ticket"),
	    YOI_OPT_STRING("note", 0, &note, "a note"),
	    YOI_OPT_STRING("summary", 0, &acc.summary,
			   "the accepted plan's summary"),
	    YOI_OPT_STRING("branch", 0, &acc.branch, "its branch"),
	    YOI_OPT_STRING("worktree", 0, &acc.worktree, "its worktree"),
	    YOI_OPT_STRING("role-plan", 0, &acc.role_plan, "its role plan"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	int rc = yoi_cli_parse(ctx, argc - 1, argv + 1, opts);
	if (rc != YOI_CLI_GO)
		return rc;
	if (is_list)
		return list(ctx, argc - 1, argv + 1);
	return add(ctx, argc - 1, argv + 1, kind, related, note, &acc);
}
