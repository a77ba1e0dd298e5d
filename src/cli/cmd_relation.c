/* cmd_relation.c - relation add|remove|list (SPEC 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/relate.h"

/* How an incoming relation reads from its target's side. */
static const char *inverse(yoi_rel_kind k)
{
	static const char *const inv[YOI_REL_KIND_COUNT] = {
	    "required by", "blocked by", "related to", "superseded by",
	    "duplicated by"};
	return k >= 0 && k < YOI_REL_KIND_COUNT ? inv[k] : "?";
}

static const char *state_of(const yoi_routing *r, const char *id)
{
	size_t i = yoi_routing_find(r, id);
	return i == YOI_GRAPH_NONE ? "missing" : yoi_state_name(r->t[i].state);
}

static json_t *rel_json(const yoi_relation *rel, const yoi_routing *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s}", "ticket_id",
			 rel->ticket_id, "kind", yoi_rel_kind_name(rel->kind),
			 "target", rel->target, "target_state",
			 state_of(r, rel->target), "note", rel->note, "author",
			 rel->author, "at", rel->at);
}

int yoi_cli_relations_view(const yoi_routing *r, const char *id, int kind,
			   json_t **json, yoi_buf *text)
{
	json_t *outgoing = json_array(), *incoming = json_array(),
	       *blockers = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const yoi_routing_ticket *t = &r->t[i];
		for (size_t k = 0; t->rel && k < t->rel->n; k++) {
			const yoi_relation *rel = &t->rel->v[k];
			if (kind >= 0 && (int)rel->kind != kind)
				continue;
			if (!*id || strcmp(t->id, id) == 0) {
				json_array_append_new(outgoing,
						      rel_json(rel, r));
				yoi_cli_linef(text, "%s %s %s (%s)%s%s", t->id,
					      yoi_rel_kind_name(rel->kind),
					      rel->target,
					      state_of(r, rel->target),
					      rel->note ? "  # " : "",
					      rel->note ? rel->note : "");
			}
			if (*id && strcmp(rel->target, id) == 0) {
				json_array_append_new(
				    incoming,
				    json_pack("{s:s, s:s, s:s, s:s}", "source",
					      t->id, "kind",
					      yoi_rel_kind_name(rel->kind),
					      "inverse", inverse(rel->kind),
					      "source_state",
					      yoi_state_name(t->state)));
				yoi_cli_linef(text, "%s %s %s (%s)", id,
					      inverse(rel->kind), t->id,
					      yoi_state_name(t->state));
			}
		}
	}
	size_t me = *id ? yoi_routing_find(r, id) : YOI_GRAPH_NONE;
	yoi_graph_blocker *b = NULL;
	size_t nb = 0;
	if (me != YOI_GRAPH_NONE &&
	    yoi_graph_blockers(&b, &nb, r->g, me) == 0) {
		for (size_t k = 0; k < nb; k++) {
			yoi_buf txt = YOI_BUF_INIT;
			yoi_graph_blocker_text(&txt, r->g, &b[k]);
			json_array_append_new(
			    blockers,
			    json_pack("{s:s, s:s, s:s, s:s}", "id",
				      r->t[b[k].index].id, "via",
				      yoi_graph_kind_label(b[k].via), "state",
				      yoi_state_name(b[k].state), "text",
				      txt.ptr ? txt.ptr : ""));
			yoi_cli_linef(text, "%s waits for %s", id,
				      txt.ptr ? txt.ptr : "");
			yoi_buf_free(&txt);
		}
	}
	yoi_graph_blockers_free(b);
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

static int list(yoi_ctx *ctx, const char *arg, int kind, bool json)
{
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	char id[YOI_ID_LEN + 1] = "";
	if (arg && (rc = yoi_cli_resolve(ctx, arg, id)))
		return rc;
	yoi_routing *r;
	int e = yoi_routing_load(&r, st, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	for (size_t i = 0; i < r->n; i++)
		if (r->t[i].err)
			yoi_cli_eprintf("yoi-tickets relation: %s: %s\n",
					r->t[i].id, r->t[i].err);
	json_t *j = NULL;
	yoi_buf text = YOI_BUF_INIT;
	if (yoi_cli_relations_view(r, id, kind, &j, &text) < 0)
		rc = yoi_cli_fail(ctx, yoi_error_set(&ctx->err, YOI_ENOMEM,
						     NULL, 0, "out of memory"));
	else if (json)
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
	static const struct option opts[] = {
	    {"kind", required_argument, NULL, 'k'},
	    {"target", required_argument, NULL, 't'},
	    {"note", required_argument, NULL, 'n'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	const char *kind_s = NULL, *target_s = NULL, *note = NULL;
	bool json = false;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'k':
			kind_s = optarg;
			break;
		case 't':
			target_s = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return yoi_cli_opt_end(ctx, c);
		}
	}
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
			    kind_s ? (int)kind : -1, json);
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
	int rc = yoi_cli_one_id(ctx, argc, argv, id);
	if (rc)
		return rc;
	/* remove takes a full ID that is gone too (a dangling relation). */
	char norm[YOI_ID_LEN + 1];
	if (!add && yoi_id_normalize(target_s, norm, sizeof(norm)) == 0 &&
	    yoi_id_valid(norm)) {
		char *dir = yoi_store_path(ctx->store, norm, NULL);
		bool gone = dir && !yoi_is_dir(dir);
		free(dir);
		if (gone) {
			memcpy(target, norm, sizeof(target));
			target_s = NULL;
		}
	}
	if (target_s && (rc = yoi_cli_resolve(ctx, target_s, target)))
		return rc;
	yoi_opctx op;
	if ((rc = yoi_cli_opctx(ctx, &op)))
		return rc;
	rc = yoi_cli_fail(ctx, yoi_relate(ctx->store, &op, id, add, kind,
					  target, note, &ctx->err));
	if (rc == 0 && !ctx->quiet)
		printf("%s %s %s %s\n", id, add ? "+" : "-",
		       yoi_rel_kind_name(kind), target);
	return rc;
}
