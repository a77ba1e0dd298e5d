/* cmd_relation.c - relation add|remove|list (SPEC 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/relate.h"
#include "yoi/relview.h"

int yoi_cli_relations_view(const yoi_routing *r, const char *id, int kind,
			   json_t **json, yoi_buf *text)
{
	*json = NULL;
	yoi_relview v;
	if (yoi_relview_get(&v, r, id, kind) < 0)
		return YOI_ENOMEM;
	json_t *outgoing = json_array(), *incoming = json_array(),
	       *blockers = json_array();
	for (size_t i = 0; i < v.n; i++) {
		const yoi_relview_edge *e = &v.edges[i];
		const yoi_relation *rel = e->rel;
		if (!e->incoming) {
			json_array_append_new(
			    outgoing,
			    json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s}",
				      "ticket_id", rel->ticket_id, "kind",
				      yoi_rel_kind_name(rel->kind), "target",
				      rel->target, "target_state",
				      e->other_state, "note", rel->note,
				      "author", rel->author, "at", rel->at));
			yoi_cli_linef(text, "%s %s %s (%s)%s%s", e->owner,
				      yoi_rel_kind_name(rel->kind), rel->target,
				      e->other_state, rel->note ? "  # " : "",
				      rel->note ? rel->note : "");
		} else {
			json_array_append_new(
			    incoming,
			    json_pack("{s:s, s:s, s:s, s:s}", "source",
				      e->owner, "kind",
				      yoi_rel_kind_name(rel->kind), "inverse",
				      yoi_rel_kind_inverse(rel->kind),
				      "source_state", e->other_state));
			yoi_cli_linef(text, "%s %s %s (%s)", id,
				      yoi_rel_kind_inverse(rel->kind), e->owner,
				      e->other_state);
		}
	}
	for (size_t k = 0; k < v.nblockers; k++) {
		const yoi_relview_blocker *b = &v.blockers[k];
		json_array_append_new(blockers,
				      json_pack("{s:s, s:s, s:s, s:s}", "id",
						b->id, "via", b->via, "state",
						yoi_state_name(b->state),
						"text", b->text));
		yoi_cli_linef(text, "%s waits for %s", id, b->text);
	}
	yoi_relview_free(&v);
	if (*id) {
		*json = json_pack("{s:s, s:o, s:o, s:o}", "id", id, "outgoing",
				  outgoing, "incoming", incoming, "blockers",
				  blockers);
	} else {
		*json = outgoing;
		json_decref(incoming);
		json_decref(blockers);
	}
	return *json ? 0 : YOI_ENOMEM;
}

static int list(yoi_ctx *ctx, const char *arg, int kind)
{
	yoi_store *st;
	yoi_routing *r;
	char id[YOI_ID_LEN + 1];
	int rc;
	if ((rc = yoi_cli_store_id(ctx, arg, &st, id)) ||
	    (rc = yoi_cli_routing(ctx, st, true, &r)))
		return rc;
	json_t *j = NULL;
	yoi_buf text = YOI_BUF_INIT;
	if (yoi_cli_relations_view(r, id, kind, &j, &text) < 0)
		rc = yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOMEM,
						     NULL, 0, "out of memory"));
	else if (ctx->json)
		rc = yoi_cli_json(ctx, j), j = NULL;
	else
		fputs(text.ptr ? text.ptr : "", stdout);
	json_decref(j);
	yoi_buf_free(&text);
	yoi_routing_free(r);
	return rc;
}

int yoi_cmd_relation(int argc, char **argv, yoi_ctx *ctx)
{
	const char *kind_s = NULL, *target_s = NULL, *note = NULL;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_STRING("kind", 0, &kind_s, "the relation kind"),
	    YOI_OPT_STRING("target", 0, &target_s, "the target ticket"),
	    YOI_OPT_STRING("note", 0, &note, "a note"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	if (optind >= argc)
		return yoi_cli_usage(ctx, "expected add, remove or list");
	const char *sub = argv[optind++];
	yoi_rel_kind kind = YOI_REL_KIND_COUNT;
	if (kind_s && yoi_rel_kind_parse(&kind, kind_s) < 0)
		return yoi_cli_usage(
		    ctx,
		    "unknown kind '%s'; kinds: depends_on, "
		    "blocks, related, supersedes, duplicate_of",
		    kind_s);
	if (strcmp(sub, "list") == 0) {
		if (argc - optind > 1)
			return yoi_cli_usage(ctx, "list takes at most one ID");
		return list(ctx, optind < argc ? argv[optind] : NULL,
			    kind_s ? (int)kind : -1);
	}
	bool add = strcmp(sub, "add") == 0;
	if (!add && strcmp(sub, "remove") != 0)
		return yoi_cli_usage(ctx,
				     "unknown subcommand '%s'; use add, "
				     "remove or list",
				     sub);
	if (!kind_s || !target_s)
		return yoi_cli_usage(ctx, "%s needs --kind K and --target ID",
				     sub);
	if (note && !add)
		return yoi_cli_usage(ctx, "--note goes with add");
	char id[YOI_ID_LEN + 1], target[YOI_ID_LEN + 1];
	if ((rc = yoi_cli_one_id(ctx, argc, argv, id)))
		return rc;
	if ((rc =
		 yoi_cli_fail(ctx, yoi_relate_target(ctx->store, target_s, !add,
						     target, &ctx->err))))
		return rc;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	rc = yoi_cli_fail(ctx, yoi_relate(ctx->store, &op, id, add, kind,
					  target, note, &ctx->err));
	if (rc == 0 && ctx->json)
		return yoi_cli_json(
		    ctx, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "id", id,
				   "action", add ? "add" : "remove", "kind",
				   yoi_rel_kind_name(kind), "target", target,
				   "note", note));
	if (rc == 0 && !ctx->quiet)
		printf("%s %s %s %s\n", id, add ? "+" : "-",
		       yoi_rel_kind_name(kind), target);
	return rc;
}
