/*
 * cmd_prompt.c - `prompt ROLE [ID]`: a role brief rendered from the
 * templates (resources/prompts, overridden from .yoi/prompts), and
 * `prompt --list`: the roles, what they may do and what they receive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/prompt.h"

static int render_brief(yoi_ctx *ctx, const char *role, const char *id,
			bool json)
{
	yoi_prompt_brief b;
	int e = yoi_prompt_brief_make(&b, ctx->store, role, id, &ctx->err);
	if (b.left_out.code)
		fprintf(stderr,
			"yoi-tickets prompt: warning: the queue and the "
			"relations are left out: %s\n",
			b.left_out.msg);
	int rc = 0;
	if (e < 0) {
		rc = yoi_cli_fail(ctx, e);
	} else if (json) {
		char capbuf[64];
		json_t *paths = json_array();
		for (size_t i = 0; paths && i < b.fragments.n; i++)
			json_array_append_new(paths,
					      json_string(b.fragments.v[i]));
		rc = yoi_cli_json(
		    ctx, json_pack("{s:s, s:s?, s:s, s:o, s:s}", "role", role,
				   "ticket", id, "capabilities",
				   yoi_prompt_caps_text(b.caps, capbuf,
							sizeof(capbuf)),
				   "fragments", paths, "text",
				   b.text.ptr ? b.text.ptr : ""));
	} else { /* ticket text inside: escaped on a terminal (cli.h) */
		yoi_cli_body(ctx, b.text.ptr ? b.text.ptr : "", b.text.len);
	}
	yoi_prompt_brief_free(&b);
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
	char *dir = yoi_prompt_dir(st);
	json_t *roles = json_array();
	for (size_t i = 0; i < yoi_store_config(st)->roles.n; i++) {
		const char *role = yoi_store_config(st)->roles.v[i];
		unsigned caps = yoi_prompt_caps(role);
		char capbuf[64], *path = yoi_prompt_role_path(role);
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
	bool listing = false;
	yoi_store *st;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_FLAG("list", 0, &listing, "list the roles"),
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	int nargs = argc - optind;
	if (listing ? nargs != 0 : (nargs < 1 || nargs > 2))
		return yoi_cli_usage(ctx, listing ? "--list takes no arguments"
						  : "expected a role and "
						    "optionally a ticket ID");
	if ((rc = yoi_cli_store(ctx, true, &st)))
		return rc;
	if (listing)
		return list(ctx, ctx->json);
	const char *role = argv[optind];
	if (!yoi_prompt_role_known(st, role)) {
		yoi_buf names = YOI_BUF_INIT;
		for (size_t i = 0; i < yoi_store_config(st)->roles.n; i++)
			yoi_buf_printf(&names, "%s%s", i ? ", " : "",
				       yoi_store_config(st)->roles.v[i]);
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
	return render_brief(ctx, role, nargs == 2 ? id : NULL, ctx->json);
}
