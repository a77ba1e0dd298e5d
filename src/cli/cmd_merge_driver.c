/*
 * cmd_merge_driver.c - `merge-driver %O %A %B %P`: git's merge driver for
 * ticket files (registered by `hooks install`). The merged file replaces
 * %A; exit 0 when clean, 1 with conflict markers when it cannot merge
 * safely (never silent loss). The merge itself is yoi_merge_driver.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/gitinit.h"
#include "yoi/mergedriver.h"

extern char **environ;

/* The commits git names in GITHEAD_<oid> variables (borrowed from
 * environ; at most 8). */
static void githeads(const char *out[9], char hex[8][YOI_GIT_OID_HEX + 1])
{
	size_t k = 0;
	for (char **e = environ; e && *e && k < 8; e++) {
		if (strncmp(*e, "GITHEAD_", 8) != 0)
			continue;
		const char *h = *e + 8;
		size_t n = strcspn(h, "=");
		if (n != YOI_GIT_OID_HEX)
			continue;
		memcpy(hex[k], h, n);
		hex[k][n] = '\0';
		out[k] = hex[k];
		k++;
	}
	out[k] = NULL;
}

int yoi_cmd_merge_driver(int argc, char **argv, yoi_ctx *ctx)
{
	int pr = yoi_cli_parse_n(ctx, argc, argv, NULL, 4,
				 "expected %O %A %B %P (base, ours, theirs, "
				 "path)");
	if (pr != YOI_CLI_GO)
		return pr;
	const char *po = argv[optind], *pa = argv[optind + 1],
		   *pb = argv[optind + 2], *path = argv[optind + 3];
	yoi_buf o = YOI_BUF_INIT, a = YOI_BUF_INIT, b = YOI_BUF_INIT,
		out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	int e = yoi_file_read(po, YOI_FILE_MAX, &o, &ctx->err);
	if (e == 0)
		e = yoi_file_read(pa, YOI_FILE_MAX, &a, &ctx->err);
	if (e == 0)
		e = yoi_file_read(pb, YOI_FILE_MAX, &b, &ctx->err);
	int rc = e < 0 ? yoi_cli_fail(ctx, e) : 0;
	yoi_merge_side so = {o.ptr ? o.ptr : "", o.len},
		       sa = {a.ptr ? a.ptr : "", a.len},
		       sb = {b.ptr ? b.ptr : "", b.len};
	if (rc == 0) {
		const char *heads[9];
		char hex[8][YOI_GIT_OID_HEX + 1];
		githeads(heads, hex);
		yoi_store *st = NULL;
		ctx->store_here = true; /* the merge of this worktree */
		if (yoi_merge_kind_of(path) == YOI_MERGE_KIND_ITEM &&
		    yoi_cli_store(ctx, false, &st) != 0)
			st = NULL;
		yoi_merge_driver_in in = {path, so, sa, sb, st, heads};
		bool clean = false;
		e = yoi_merge_driver(&in, &out, &clean, &why);
		if (e < 0) {
			rc = yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, e, path, 0,
					       "%s: out of memory", path));
		} else {
			if (!clean) {
				fprintf(stderr,
					"yoi-tickets merge-driver: %s: %s; "
					"resolve the conflict by hand\n",
					path,
					why.ptr ? why.ptr : "cannot merge");
				rc = YOI_EXIT_FINDINGS;
			}
			int w = yoi_file_write_atomic(
			    pa, out.ptr ? out.ptr : "", out.len, &ctx->err);
			if (w < 0)
				rc = yoi_cli_fail(ctx, w);
		}
	}
	yoi_buf_free(&o);
	yoi_buf_free(&a);
	yoi_buf_free(&b);
	yoi_buf_free(&out);
	yoi_buf_free(&why);
	return rc;
}
