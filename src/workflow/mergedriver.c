/* mergedriver.c - the merge driver over a repository (mergedriver.h). */
#include "yoi/mergedriver.h"

#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "git/gitops.h"
#include "yoi/id.h"
#include "yoi/thread.h"
#include "yoi/ticket.h"
#include "store/store_int.h"

/* The commit being merged in: a GITHEAD_ commit that is not HEAD. */
static const char *their_commit(const char *const *githeads, const char *head)
{
	for (size_t i = 0; githeads && githeads[i]; i++)
		if (strlen(githeads[i]) == YOI_GIT_OID_HEX &&
		    strcmp(githeads[i], head) != 0)
			return githeads[i];
	return NULL;
}

/* path at rev into b; a side without the file reads as empty. */
static int read_side(const yoi_store *st, const char *rev, const char *path,
		     yoi_buf *b)
{
	yoi_git_view *v = NULL;
	yoi_error err;
	int rc = yoi_git_view_open(&v, st->repo, rev, &err);
	if (rc == 0)
		rc = yoi_git_view_read(v, path, YOI_FILE_MAX, b, &err);
	if (rc == YOI_ENOTFOUND)
		rc = 0, yoi_buf_clear(b);
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
static char *merged_state(const yoi_store *st, const char *item_path,
			  const char *const *githeads)
{
	if (!st || !st->repo)
		return NULL;
	const char *slash = strrchr(item_path, '/');
	char *tpath = slash ? yoi_sprintf("%.*s/thread.md",
					  (int)(slash - item_path), item_path)
			    : yoi_strdup("thread.md");
	char head[YOI_GIT_OID_HEX + 1], base[YOI_GIT_OID_HEX + 1];
	const char *theirs = NULL;
	yoi_error err;
	yoi_buf o = YOI_BUF_INIT, a = YOI_BUF_INIT, b = YOI_BUF_INIT,
		m = YOI_BUF_INIT, why = YOI_BUF_INIT;
	char *state = NULL;
	yoi_thread *th = NULL;
	bool conflict = false;
	if (tpath && yoi_git_resolve(st->repo, "HEAD", head, &err) == 0 &&
	    (theirs = their_commit(githeads, head)) &&
	    yoi_git_merge_base(st->repo, head, theirs, base, &err) == 0 &&
	    read_side(st, base, tpath, &o) == 0 &&
	    read_side(st, head, tpath, &a) == 0 &&
	    read_side(st, theirs, tpath, &b) == 0 &&
	    yoi_merge_thread(&m, (yoi_merge_side){o.ptr, o.len},
			     (yoi_merge_side){a.ptr, a.len},
			     (yoi_merge_side){b.ptr, b.len}, &conflict,
			     &why) == 0 &&
	    !conflict &&
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

int yoi_merge_driver(const yoi_merge_driver_in *in, yoi_buf *out, bool *clean,
		     yoi_buf *why)
{
	static const char *const labels[3] = {"base", "ours", "theirs"};
	bool conflict = false;
	char id[YOI_ID_LEN + 1];
	char *state = NULL;
	int rc;
	switch (yoi_merge_kind_of(in->path)) {
	case YOI_MERGE_KIND_THREAD:
		rc = yoi_merge_thread(out, in->o, in->a, in->b, &conflict, why);
		break;
	case YOI_MERGE_KIND_PLAN:
		rc = yoi_merge_plan(out, in->o, in->a, in->b, &conflict, why);
		break;
	case YOI_MERGE_KIND_RELATIONS:
		rc =
		    yoi_merge_relations(out, in->o, in->a, in->b,
					owner_of(in->path, id), &conflict, why);
		break;
	case YOI_MERGE_KIND_ITEM:
		state = merged_state(in->st, in->path, in->githeads);
		rc = yoi_merge_item(out, in->o, in->a, in->b, state, &conflict,
				    why);
		free(state);
		break;
	default:
		conflict = true;
		rc = why && yoi_buf_puts(why, "not a ticket file") < 0
			 ? YOI_ENOMEM
			 : 0;
	}
	if (rc < 0)
		return rc;
	*clean = !conflict;
	if (conflict) {
		yoi_buf_clear(out);
		bool text_conflict;
		rc = yoi_merge_text(out, in->o, in->a, in->b, labels,
				    &text_conflict);
	}
	return rc;
}
