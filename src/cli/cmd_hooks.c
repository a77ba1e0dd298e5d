/* cmd_hooks.c - `hooks install|uninstall`: git hooks and the merge driver. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/hooks.h"
#include "yoi/hooktrust.h"

/*
 * This binary's absolute path, for the hook scripts and the driver:
 * /proc/self/exe, else argv[0] made absolute (through PATH when it has
 * no '/'). Caller frees.
 */
static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		return yoi_strdup(buf);
	}
	const char *a0 = program_invocation_name;
	if (!a0 || !*a0)
		return NULL;
	if (strchr(a0, '/'))
		return realpath(a0, buf) ? yoi_strdup(buf) : NULL;
	const char *path = getenv("PATH");
	for (const char *p = path; p && *p;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *cand =
		    yoi_sprintf("%.*s/%s", (int)len, len ? p : ".", a0);
		if (cand && access(cand, X_OK) == 0 && realpath(cand, buf)) {
			free(cand);
			return yoi_strdup(buf);
		}
		free(cand);
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

/* The line printed for a hook. */
static void print_hook(const yoi_hooks_hook *h, bool install)
{
	const char *what = "";
	switch (h->result) {
	case YOI_HOOKS_INSTALLED:
		what = "installed";
		break;
	case YOI_HOOKS_UPDATED:
		what = "updated";
		break;
	case YOI_HOOKS_UNCHANGED:
		what = "already installed";
		break;
	case YOI_HOOKS_REMOVED:
		what = "removed";
		break;
	case YOI_HOOKS_ABSENT:
		what = "not installed";
		break;
	case YOI_HOOKS_FOREIGN:
		what = "not a yoi-tickets hook, left alone";
		break;
	}
	const char *note = "";
	if (install && h->moved)
		note = " (chained existing hook)";
	else if (install && h->chains)
		note = " (chains " YOI_HOOKS_CHAINED_SUFFIX " hook)";
	else if (!install && h->moved)
		note = " (restored the chained hook)";
	printf("%s: %s%s\n", h->name, what, note);
}

static void print_text(const yoi_hooks_report *r, bool install, const char *top)
{
	if (r->dir_created)
		printf("hooks directory: created %s\n", r->dir);
	for (size_t i = 0; i < YOI_HOOKS_N; i++)
		print_hook(&r->hooks[i], install);
	static const char *const driver[] = {
	    [YOI_HOOKS_INSTALLED] = "registered",
	    [YOI_HOOKS_UPDATED] = "updated",
	    [YOI_HOOKS_UNCHANGED] = "already registered",
	    [YOI_HOOKS_REMOVED] = "removed",
	    [YOI_HOOKS_ABSENT] = "not registered",
	    [YOI_HOOKS_FOREIGN] = "not ours",
	};
	printf("merge driver: %s\n", driver[r->driver]);
	/* The attributes file, relative to the top when it lies there. */
	const char *a = r->attr_path;
	size_t tn = top ? strlen(top) : 0;
	if (tn && strncmp(a, top, tn) == 0 && a[tn] == '/')
		a += tn + 1;
	if (r->attr_deleted)
		printf("%s: removed %zu lines (file now empty, deleted)\n", a,
		       r->attr_lines.n);
	else if (r->attr_lines.n)
		printf("%s: %s %zu lines\n", a, install ? "added" : "removed",
		       r->attr_lines.n);
	else
		printf("%s: %s\n", a,
		       install ? "lines already present" : "no lines of ours");
}

static json_t *report_json(const yoi_hooks_report *r, const char *action,
			   const char *bin)
{
	json_t *hooks = json_array();
	for (size_t i = 0; i < YOI_HOOKS_N && hooks; i++) {
		const yoi_hooks_hook *h = &r->hooks[i];
		json_array_append_new(
		    hooks, json_pack("{s:s, s:s, s:s, s:b, s:b}", "name",
				     h->name, "path", h->path, "result",
				     yoi_hooks_result_name(h->result), "moved",
				     h->moved, "chains", h->chains));
	}
	json_t *lines = json_array();
	for (size_t i = 0; i < r->attr_lines.n && lines; i++)
		json_array_append_new(lines, json_string(r->attr_lines.v[i]));
	return json_pack(
	    "{s:s, s:s?, s:s, s:b, s:o, s:{s:s, s:s?}, s:{s:s, s:s, s:o, s:b}}",
	    "action", action, "binary", bin, "hooks_dir", r->dir,
	    "hooks_dir_created", r->dir_created, "hooks", hooks, "merge_driver",
	    "result", yoi_hooks_result_name(r->driver), "driver", r->driver_cmd,
	    "gitattributes", "path", r->attr_path, "result",
	    yoi_hooks_result_name(r->attr), "lines", lines, "deleted",
	    r->attr_deleted);
}

/*
 * `hooks trust|untrust`: record or forget this clone's consent to run the
 * ticket-event hook as it is now (see hooktrust.h).
 */
static int trust_cmd(yoi_ctx *ctx, bool trust, bool json)
{
	yoi_store *st;
	int rc = yoi_cli_store(ctx, false, &st);
	if (rc)
		return rc;
	yoi_hooktrust ht = {0};
	int e = yoi_hooktrust_get(&ht, st, &ctx->err);
	if (e == 0)
		e = yoi_store_lock(st, ctx->wait_sec, &ctx->err);
	if (e == 0) {
		e = yoi_hooktrust_set(&ht, st, trust, &ctx->err);
		yoi_store_unlock(st);
	}
	if (e < 0) {
		yoi_hooktrust_free(&ht);
		return yoi_cli_fail(ctx, e);
	}
	if (json) {
		rc = yoi_cli_json(
		    ctx, json_pack("{s:s, s:s?, s:s?, s:s?, s:s}", "action",
				   trust ? "trust" : "untrust", "hook", ht.path,
				   "resolved", ht.real, "blob",
				   ht.oid[0] ? ht.oid : NULL, "status",
				   yoi_hooktrust_status_name(ht.status)));
	} else if (!ctx->quiet) {
		if (!ht.path)
			printf("ticket-event hook: not configured\n");
		else if (trust)
			printf("ticket-event hook: trusted %s (blob %s)\n",
			       ht.real, ht.oid);
		else
			printf("ticket-event hook: %s will not run\n", ht.path);
	}
	yoi_hooktrust_free(&ht);
	return rc;
}

int yoi_cmd_hooks(int argc, char **argv, yoi_ctx *ctx)
{
	bool shared = false;
	yoi_store *st;
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_JSON(&ctx->json),
	    YOI_OPT_FLAG("shared-attributes", 0, &shared,
			 "write .gitattributes"),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse(ctx, argc, argv, opts)) != YOI_CLI_GO)
		return rc;
	if (optind >= argc)
		return yoi_cli_usage(ctx, "expected 'install', 'uninstall', "
					  "'trust' or 'untrust'");
	const char *action = argv[optind];
	bool install = strcmp(action, "install") == 0;
	bool trust = strcmp(action, "trust") == 0;
	bool untrust = strcmp(action, "untrust") == 0;
	if (!install && !trust && !untrust && strcmp(action, "uninstall") != 0)
		return yoi_cli_usage(ctx,
				     "unknown action '%s'; expected "
				     "'install', 'uninstall', 'trust' or "
				     "'untrust'",
				     action);
	if (optind + 1 != argc)
		return yoi_cli_usage(ctx, "unexpected argument '%s'",
				     argv[optind + 1]);
	if (trust || untrust)
		return trust_cmd(ctx, trust, ctx->json);
	if ((rc = yoi_cli_store(ctx, false, &st)))
		return rc;
	char *bin = NULL;
	if (install && !(bin = self_path()))
		return yoi_cli_fail(
		    ctx, yoi_error_set(&ctx->err, YOI_EIO, NULL, 0,
				       "cannot find this program's own path "
				       "(/proc/self/exe): %s; run it by its "
				       "absolute path",
				       strerror(errno)));
	yoi_hooks_opts o = {st, bin, shared};
	yoi_hooks_report r;
	rc = install ? yoi_hooks_install(&r, &o, &ctx->err)
		     : yoi_hooks_uninstall(&r, &o, &ctx->err);
	if (rc == 0) {
		if (ctx->json)
			rc = yoi_cli_json(ctx, report_json(&r, action, bin));
		else if (!ctx->quiet)
			print_text(&r, install, yoi_store_top(st));
	} else {
		rc = yoi_cli_fail(ctx, rc);
	}
	yoi_hooks_report_free(&r);
	free(bin);
	return rc;
}
