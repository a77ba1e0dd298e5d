/* cmd_precommit.c - `hook pre-commit`: the tickets the index touches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/gitcheck.h"

int yoi_cli_root_prefix(yoi_ctx *ctx, const yoi_store *st, const char **out)
{
	size_t n = st->top ? strlen(st->top) : 0;
	if (!st->repo || !st->top || strncmp(st->root, st->top, n) != 0 ||
	    st->root[n] != '/') {
		fprintf(
		    stderr,
		    "yoi-tickets %s: the tickets root %s is not inside "
		    "the repository's work tree; git checks need it there\n",
		    ctx->cmd, st->root);
		return 2;
	}
	*out = st->root + n + 1;
	return 0;
}

/* Check every ticket changed between views a and b; findings into d. */
int yoi_cli_check_views(yoi_ctx *ctx, const yoi_store *st,
			const yoi_git_view *a, const yoi_git_view *b,
			bool dangling, yoi_strv *ids, yoi_diag *d)
{
	const char *prefix;
	int rc = yoi_cli_root_prefix(ctx, st, &prefix);
	if (rc)
		return rc;
	yoi_gitcheck_opts o = {st->top, prefix, &st->cfg.transitions, NULL};
	int e = yoi_gitcheck_change(a, b, &o, dangling, ids, d, &ctx->err);
	return e < 0 ? yoi_cli_fail(ctx, e) : 0;
}

int yoi_hook_pre_commit(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = "text";
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1) {
		if (c != 'f')
			return yoi_cli_opt_end(ctx, c);
		format = optarg;
	}
	if (!yoi_cli_format_valid(format))
		return yoi_cli_usage(ctx, "--format must be text, json, github "
					  "or junit");
	yoi_store *st;
	int rc = yoi_cli_store(ctx, false, &st);
	if (rc)
		return rc;
	if (!st->repo) {
		fprintf(stderr, "yoi-tickets hook: not in a git repository\n");
		return 6;
	}
	yoi_git_view *head = NULL, *index = NULL;
	int e = yoi_git_view_head(&head, st->repo, &ctx->err);
	if (e == 0)
		e = yoi_git_view_index(&index, st->repo,
				       getenv("GIT_INDEX_FILE"), &ctx->err);
	if (e < 0)
		rc = yoi_cli_fail(ctx, e);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_strv ids = {0};
	if (rc == 0)
		rc = yoi_cli_check_views(ctx, st, head, index, false, &ids, &d);
	if (rc == 0 && d.n) {
		yoi_diag_sort(&d);
		rc =
		    yoi_cli_diags(ctx, st->top, &d, format, "pre-commit", &ids);
	}
	if (rc == 0 && yoi_diag_count(&d, YOI_DIAG_ERROR)) {
		fprintf(stderr, "pre-commit: the commit is stopped; fix the "
				"tickets above (or commit with --no-verify)\n");
		rc = 1;
	}
	yoi_strv_free(&ids);
	yoi_diag_free(&d);
	yoi_git_view_free(index);
	yoi_git_view_free(head);
	return rc;
}
