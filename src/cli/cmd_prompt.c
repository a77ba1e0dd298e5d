/*
 * cmd_prompt.c - `prompt ROLE [ID]`: a role brief rendered from the
 * templates (resources/prompts, overridden from .yoi/prompts), and
 * `prompt --list`: the roles, what they may do and what they receive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/prompt.h"
#include "yoi/work.h"

static char *prompts_dir(const yoi_store *st)
{
	return yoi_path_join(st->yoi_dir, "prompts");
}

static bool role_known(const yoi_store *st, const char *role)
{
	for (size_t i = 0; i < st->cfg.roles.n; i++)
		if (strcmp(st->cfg.roles.v[i], role) == 0)
			return true;
	return false;
}

/* A string field of the item, "-" when unset or empty. */
static json_t *field(const yoi_item *it, const char *key)
{
	const char *v = yoi_item_get(it, key);
	return json_string(v && *v ? v : "-");
}

/* A rendered part as a string without its trailing newlines: the
 * template that includes it places it on lines of its own. */
static json_t *part(const yoi_buf *b)
{
	size_t n = b->len;
	while (n && b->ptr[n - 1] == '\n')
		n--;
	return json_stringn(b->ptr ? b->ptr : "", n);
}

static json_t *risk_text(const yoi_item *it)
{
	const yoi_field *f = yoi_item_field(it, "risk_flags");
	if (!f || f->type != YOI_FIELD_LIST || !f->nlist)
		return json_string("none");
	yoi_buf b = YOI_BUF_INIT;
	for (size_t i = 0; i < f->nlist; i++)
		yoi_buf_printf(&b, "%s%s", i ? ", " : "", f->list[i]);
	json_t *s = json_string(b.ptr ? b.ptr : "");
	yoi_buf_free(&b);
	return s;
}

/* Relations, both directions, as the brief lists them. */
static json_t *relations(const json_t *view)
{
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(view, "outgoing"), i, r)
	    json_array_append_new(
		out, json_pack("{s:O, s:O, s:O, s:O}", "label",
			       json_object_get(r, "kind"), "other",
			       json_object_get(r, "target"), "other_state",
			       json_object_get(r, "target_state"), "note",
			       json_object_get(r, "note")
				   ? json_object_get(r, "note")
				   : json_null()));
	json_array_foreach(json_object_get(view, "incoming"), i, r)
	    json_array_append_new(
		out, json_pack("{s:O, s:O, s:O, s:n}", "label",
			       json_object_get(r, "inverse"), "other",
			       json_object_get(r, "source"), "other_state",
			       json_object_get(r, "source_state"), "note"));
	return out;
}

/* The ticket part of the view; routing r may be NULL (unreadable). */
static int ticket_view(yoi_ctx *ctx, const yoi_routing *r, const char *id,
		       json_t **out)
{
	yoi_ticket *t;
	int e = yoi_ticket_load(&t, ctx->store, id, YOI_LOAD_ITEM, &ctx->err);
	if (e < 0)
		return e;
	size_t blen;
	const char *body = yoi_item_body(t->item, &blen);
	json_t *rel = NULL;
	yoi_buf ignored = YOI_BUF_INIT;
	if (r)
		yoi_cli_relations_view(r, id, -1, &rel, &ignored);
	yoi_buf_free(&ignored);
	json_t *plan = json_false();
	yoi_work_info w = {0};
	yoi_error werr = {0};
	if (yoi_work_recorded(ctx->store, id, &w, &werr) == 0 && w.branch)
		plan = json_pack("{s:s, s:s, s:s}", "plan_id", w.plan_id,
				 "branch", w.branch, "worktree",
				 w.worktree ? w.worktree : "");
	yoi_work_info_free(&w);
	json_t *blockers = json_object_get(rel, "blockers");
	blockers = blockers ? json_incref(blockers) : json_array();
	*out = json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:s%, s:o, s:o, s:o}", "id", id,
	    "title", field(t->item, "title"), "state", field(t->item, "state"),
	    "assignee", field(t->item, "assignee"), "readiness",
	    field(t->item, "readiness"), "risk_text", risk_text(t->item),
	    "body", body, blen, "blockers", blockers, "relations",
	    rel ? relations(rel) : json_array(), "plan",
	    plan ? plan : json_false());
	json_decref(rel);
	yoi_ticket_free(t);
	if (!*out)
		return yoi_error_set(&ctx->err, YOI_ENOMEM, NULL, 0,
				     "out of memory (or a field that is not "
				     "UTF-8)");
	return 0;
}

static int render_brief(yoi_ctx *ctx, const char *role, const char *id,
			bool json)
{
	yoi_store *st = ctx->store;
	char *dir = prompts_dir(st);
	yoi_routing *r = NULL;
	yoi_error rerr = {0};
	if (yoi_routing_load(&r, st, &rerr) < 0)
		fprintf(stderr,
			"yoi-tickets prompt: warning: the queue and the "
			"relations are left out: %s\n",
			rerr.msg);
	unsigned caps = yoi_prompt_caps(role);
	char capbuf[64];
	json_t *view =
	    json_pack("{s:s, s:s, s:b, s:s, s:s}", "role", role, "capabilities",
		      yoi_prompt_caps_text(caps, capbuf, sizeof(capbuf)),
		      "ticket", 0, "ticket_brief", "", "queue", "");
	int e = view ? 0 : YOI_ENOMEM;
	yoi_buf tmp = YOI_BUF_INIT;
	if (e == 0 && id) {
		json_t *tv = NULL;
		e = ticket_view(ctx, r, id, &tv);
		if (e == 0)
			e = yoi_prompt_render(&tmp, dir, "ticket/brief.md", tv,
					      &ctx->err);
		if (e == 0 &&
		    (json_object_set_new(view, "ticket", tv) < 0 ||
		     json_object_set_new(view, "ticket_brief", part(&tmp)) < 0))
			e = YOI_ENOMEM;
		else if (e < 0)
			json_decref(tv);
	}
	if (e == 0 && r) {
		json_t *qv = NULL;
		yoi_buf_clear(&tmp);
		e = yoi_prompt_queue_view(&qv, r, st->cfg.max_inprogress,
					  YOI_PROMPT_QUEUE_LIMIT, &ctx->err);
		if (e == 0)
			e = yoi_prompt_render(&tmp, dir, "notice/idle-queue.md",
					      qv, &ctx->err);
		json_decref(qv);
		if (e == 0 &&
		    json_object_set_new(view, "queue", part(&tmp)) < 0)
			e = YOI_ENOMEM;
	}
	json_t *frags = json_array(), *paths = json_array();
	for (size_t i = 0; e == 0 && i < yoi_prompt_fragments_n; i++) {
		const yoi_prompt_fragment *f = &yoi_prompt_fragments[i];
		if (!yoi_prompt_fragment_for(f, caps))
			continue;
		yoi_buf_clear(&tmp);
		e = yoi_prompt_render(&tmp, dir, f->path, view, &ctx->err);
		if (e == 0)
			json_array_append_new(
			    frags, json_pack("{s:s, s:o}", "path", f->path,
					     "text", part(&tmp)));
		json_array_append_new(paths, json_string(f->path));
	}
	if (e == 0 && json_object_set(view, "fragments", frags) < 0)
		e = YOI_ENOMEM;
	yoi_buf out = YOI_BUF_INIT;
	char *path = yoi_sprintf("role/%s.md", role);
	if (e == 0)
		e = path ? yoi_prompt_render(&out, dir, path, view, &ctx->err)
			 : YOI_ENOMEM;
	int rc = 0;
	if (e == YOI_ENOMEM && !ctx->err.code)
		e = yoi_error_set(&ctx->err, YOI_ENOMEM, NULL, 0,
				  "out of memory");
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	else if (json)
		rc = yoi_cli_json(
		    ctx,
		    json_pack(
			"{s:s, s:s?, s:s, s:O, s:s}", "role", role, "ticket",
			id, "capabilities",
			yoi_prompt_caps_text(caps, capbuf, sizeof(capbuf)),
			"fragments", paths, "text", out.ptr ? out.ptr : ""));
	else /* ticket text inside: escaped on a terminal (cli.h) */
		yoi_cli_body(ctx, out.ptr ? out.ptr : "", out.len);
	json_decref(paths);
	json_decref(frags);
	json_decref(view);
	yoi_buf_free(&out);
	yoi_buf_free(&tmp);
	free(path);
	free(dir);
	yoi_routing_free(r);
	return rc;
}

/* Where a template comes from: "built-in" or ".yoi/prompts". */
static const char *origin(const char *dir, const char *path, bool *found)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err = {0};
	bool over = false;
	*found = yoi_prompt_source(&b, dir, path, &over, &err) == 0;
	yoi_buf_free(&b);
	return over ? ".yoi/prompts" : "built-in";
}

static int list(yoi_ctx *ctx, bool json)
{
	yoi_store *st = ctx->store;
	char *dir = prompts_dir(st);
	json_t *roles = json_array();
	for (size_t i = 0; i < st->cfg.roles.n; i++) {
		const char *role = st->cfg.roles.v[i];
		unsigned caps = yoi_prompt_caps(role);
		char capbuf[64], *path = yoi_sprintf("role/%s.md", role);
		bool found = false;
		const char *from = path ? origin(dir, path, &found) : "";
		json_t *frags = json_array();
		if (!json)
			printf(
			    "%-14s capabilities: %s\n", role,
			    yoi_prompt_caps_text(caps, capbuf, sizeof(capbuf)));
		if (!json)
			printf("%-14s template: %s (%s)\n", "",
			       path ? path : "?",
			       found ? from
				     : "missing: add it under "
				       ".yoi/prompts/");
		for (size_t k = 0; k < yoi_prompt_fragments_n; k++) {
			const yoi_prompt_fragment *f = &yoi_prompt_fragments[k];
			if (!yoi_prompt_fragment_for(f, caps))
				continue;
			json_array_append_new(frags, json_string(f->path));
			if (!json)
				printf("%-14s   %-24s %s\n", "", f->path,
				       f->about);
		}
		json_array_append_new(
		    roles, json_pack("{s:s, s:s, s:s, s:s?, s:o}", "name", role,
				     "capabilities",
				     yoi_prompt_caps_text(caps, capbuf,
							  sizeof(capbuf)),
				     "template", path ? path : "", "source",
				     found ? from : NULL, "fragments", frags));
		free(path);
	}
	int rc =
	    json ? yoi_cli_json(ctx, json_pack("{s:s, s:o}", "overrides",
					       dir ? dir : "", "roles", roles))
		 : 0;
	if (!json) {
		printf("overrides: a file of the same path under %s\n",
		       dir ? dir : ".yoi/prompts");
		json_decref(roles);
	}
	free(dir);
	return rc;
}

int yoi_cmd_prompt(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"list", no_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false, listing = false;
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		if (c == 'l')
			listing = true;
		else if (c == 'j')
			json = true;
		else
			return yoi_cli_opt_end(ctx, c);
	}
	int nargs = argc - optind;
	if (listing ? nargs != 0 : (nargs < 1 || nargs > 2))
		return yoi_cli_usage(ctx, listing ? "--list takes no arguments"
						  : "expected a role and "
						    "optionally a ticket ID");
	yoi_store *st;
	int rc = yoi_cli_store(ctx, true, &st);
	if (rc)
		return rc;
	if (listing)
		return list(ctx, json);
	const char *role = argv[optind];
	if (!role_known(st, role)) {
		yoi_buf names = YOI_BUF_INIT;
		for (size_t i = 0; i < st->cfg.roles.n; i++)
			yoi_buf_printf(&names, "%s%s", i ? ", " : "",
				       st->cfg.roles.v[i]);
		rc =
		    yoi_cli_usage(ctx,
				  "unknown role '%s'; the roles of this "
				  "repository (.yoi/config.yaml roles) are: %s",
				  role, names.ptr ? names.ptr : "none");
		yoi_buf_free(&names);
		return rc;
	}
	char id[YOI_ID_LEN + 1];
	if (nargs == 2 && (rc = yoi_cli_resolve(ctx, argv[optind + 1], id)))
		return rc;
	return render_brief(ctx, role, nargs == 2 ? id : NULL, json);
}
