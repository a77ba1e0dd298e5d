/*
 * cmd_merge_driver.c - `merge-driver %O %A %B %P`: git's merge driver for
 * ticket files (registered by `hooks install`). The merged file replaces
 * %A; exit 0 when clean, 1 with conflict markers when it cannot merge
 * safely (never silent loss).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "yoi/file.h"
#include "yoi/gitops.h"
#include "yoi/merge.h"
#include "yoi/thread.h"

extern char **environ;

/* The commit being merged in: git merge sets GITHEAD_<oid> for it. */
static const char *their_commit(char out[YOI_GIT_OID_HEX + 1], const char *head)
{
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "GITHEAD_", 8) != 0)
			continue;
		const char *hex = *e + 8;
		size_t n = strcspn(hex, "=");
		if (n != YOI_GIT_OID_HEX || strncmp(hex, head, n) == 0)
			continue;
		memcpy(out, hex, n);
		out[n] = '\0';
		return out;
	}
	return NULL;
}

static int read_side(const yoi_store *st, const char *rev, const char *path,
		     yoi_buf *b)
{
	yoi_git_view *v = NULL;
	yoi_error err;
	int rc = yoi_git_view_open(&v, st->repo, rev, &err);
	if (rc == 0)
		rc = yoi_git_view_read(v, path, YOI_FILE_MAX, b, &err);
	if (rc == YOI_ENOTFOUND)
		rc = 0, yoi_buf_clear(b); /* a side without the file */
	yoi_git_view_free(v);
	return rc;
}

/*
 * item.md's state follows the merged thread: merge the three thread.md
 * versions (HEAD, the commit merged in, their merge base) as the thread
 * driver does and replay. NULL when that cannot be known (not a git
 * merge, e.g. a rebase) or the merged thread records no state (item.md's
 * inherited state stands, SPEC 5): yoi_merge_item then falls back.
 */
static char *merged_state(const yoi_store *st, const char *item_path)
{
	if (!st || !st->repo)
		return NULL;
	const char *slash = strrchr(item_path, '/');
	char *tpath = slash ? yoi_sprintf("%.*s/thread.md",
					  (int)(slash - item_path), item_path)
			    : yoi_strdup("thread.md");
	char head[YOI_GIT_OID_HEX + 1], theirs[YOI_GIT_OID_HEX + 1],
	    base[YOI_GIT_OID_HEX + 1];
	yoi_error err;
	yoi_buf o = YOI_BUF_INIT, a = YOI_BUF_INIT, b = YOI_BUF_INIT,
		m = YOI_BUF_INIT, why = YOI_BUF_INIT;
	char *state = NULL;
	yoi_thread *th = NULL;
	if (tpath && yoi_git_resolve(st->repo, "HEAD", head, &err) == 0 &&
	    their_commit(theirs, head) &&
	    yoi_git_merge_base(st->repo, head, theirs, base, &err) == 0 &&
	    read_side(st, base, tpath, &o) == 0 &&
	    read_side(st, head, tpath, &a) == 0 &&
	    read_side(st, theirs, tpath, &b) == 0 &&
	    yoi_merge_thread(&m, (yoi_merge_side){o.ptr, o.len},
			     (yoi_merge_side){a.ptr, a.len},
			     (yoi_merge_side){b.ptr, b.len}, &why) == 0 &&
	    yoi_thread_parse(&th, m.ptr ? m.ptr : "", m.len, tpath, NULL) ==
		0) {
		const char *s = yoi_ticket_replay(th);
		state = s ? yoi_strdup(s) : NULL;
	}
	yoi_thread_free(th);
	yoi_buf_free(&o);
	yoi_buf_free(&a);
	yoi_buf_free(&b);
	yoi_buf_free(&m);
	yoi_buf_free(&why);
	free(tpath);
	return state;
}

/* The ticket ID in ".../<ID>/artifacts/relations.json", or NULL. */
static const char *owner_of(const char *path, char id[YOI_ID_LEN + 1])
{
	const char *p = strstr(path, "/artifacts/");
	if (!p || p - path < YOI_ID_LEN)
		return NULL;
	memcpy(id, p - YOI_ID_LEN, YOI_ID_LEN);
	id[YOI_ID_LEN] = '\0';
	return yoi_id_valid(id) ? id : NULL;
}

int yoi_cmd_merge_driver(int argc, char **argv, yoi_ctx *ctx)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	int c;
	while ((c = yoi_cli_getopt(ctx, argc, argv, "", opts)) != -1)
		return yoi_cli_opt_end(ctx, c);
	if (argc - optind != 4)
		return yoi_cli_usage(ctx, "expected %%O %%A %%B %%P (base, "
					  "ours, theirs, path)");
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
		char id[YOI_ID_LEN + 1];
		yoi_store *st = NULL;
		char *state = NULL;
		switch (yoi_merge_kind_of(path)) {
		case YOI_MERGE_KIND_THREAD:
			e = yoi_merge_thread(&out, so, sa, sb, &why);
			break;
		case YOI_MERGE_KIND_PLAN:
			e = yoi_merge_plan(&out, so, sa, sb, &why);
			break;
		case YOI_MERGE_KIND_RELATIONS:
			e = yoi_merge_relations(&out, so, sa, sb,
						owner_of(path, id), &why);
			break;
		case YOI_MERGE_KIND_ITEM:
			if (yoi_cli_store(ctx, false, &st) == 0)
				state = merged_state(st, path);
			e = yoi_merge_item(&out, so, sa, sb, state, &why);
			free(state);
			break;
		default:
			e = YOI_MERGE_CONFLICT;
			yoi_buf_puts(&why, "not a ticket file");
		}
		if (e == YOI_MERGE_CONFLICT) {
			static const char *const labels[3] = {"base", "ours",
							      "theirs"};
			fprintf(stderr,
				"yoi-tickets merge-driver: %s: %s; resolve "
				"the conflict by hand\n",
				path, why.ptr ? why.ptr : "cannot merge");
			yoi_buf_clear(&out);
			yoi_merge_text(&out, so, sa, sb, labels);
			rc = 1;
		} else if (e < 0) {
			rc = yoi_cli_fail(
			    ctx, yoi_error_set(&ctx->err, e, path, 0,
					       "%s: out of memory", path));
		}
		if (e >= 0) {
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
