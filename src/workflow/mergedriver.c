/* mergedriver.c - the merge driver over a repository (mergedriver.h). */
#include "yoi/mergedriver.h"

#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "git/gitops.h"
#include "yoi/id.h"
#include "yoi/item.h"
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
 * The three thread.md versions beside item_path: HEAD's (a), the commit
 * merged in (b) and their merge base (o). false when they cannot be read
 * (no repository, not a git merge, e.g. a rebase).
 */
static bool thread_sides(const yoi_store *st, const char *item_path,
			 const char *const *githeads, yoi_buf *o, yoi_buf *a,
			 yoi_buf *b)
{
	if (!st || !st->repo)
		return false;
	const char *slash = strrchr(item_path, '/');
	char *tpath = slash ? yoi_sprintf("%.*s/thread.md",
					  (int)(slash - item_path), item_path)
			    : yoi_strdup("thread.md");
	char head[YOI_GIT_OID_HEX + 1], base[YOI_GIT_OID_HEX + 1];
	const char *theirs = NULL;
	yoi_error err;
	bool ok = tpath && yoi_git_resolve(st->repo, "HEAD", head, &err) == 0 &&
		  (theirs = their_commit(githeads, head)) &&
		  yoi_git_merge_base(st->repo, head, theirs, base, &err) == 0 &&
		  read_side(st, base, tpath, o) == 0 &&
		  read_side(st, head, tpath, a) == 0 &&
		  read_side(st, theirs, tpath, b) == 0;
	free(tpath);
	return ok;
}

/*
 * item.md's state follows the merged thread: merge the three thread.md
 * versions as the thread driver does and replay. NULL when that cannot
 * be known or the merged thread records no state (item.md's inherited
 * state stands, SPEC 5): yoi_merge_item then falls back.
 */
static char *merged_state(const yoi_buf *o, const yoi_buf *a, const yoi_buf *b)
{
	yoi_buf m = YOI_BUF_INIT, why = YOI_BUF_INIT;
	char *state = NULL;
	yoi_thread *th = NULL;
	bool conflict = false;
	if (yoi_merge_thread(&m, (yoi_merge_side){o->ptr, o->len},
			     (yoi_merge_side){a->ptr, a->len},
			     (yoi_merge_side){b->ptr, b->len}, &conflict,
			     &why) == 0 &&
	    !conflict &&
	    yoi_thread_parse(&th, m.ptr ? m.ptr : "", m.len, "thread.md",
			     NULL) == 0) {
		const char *s = yoi_ticket_replay(th);
		state = s ? yoi_strdup(s) : NULL;
	}
	yoi_thread_free(th);
	yoi_buf_free(&m);
	yoi_buf_free(&why);
	return state;
}

/* Only spaces and line breaks: a file new on both sides. */
static bool blank(yoi_merge_side s)
{
	for (size_t i = 0; s.ptr && i < s.len; i++)
		if (s.ptr[i] != ' ' && s.ptr[i] != '\t' && s.ptr[i] != '\r' &&
		    s.ptr[i] != '\n')
			return false;
	return true;
}

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* The same event: kind, every attribute in order, heading and body (line
 * endings aside: the parser reads both). */
static bool same_event(const yoi_event *x, const yoi_event *y)
{
	if (!same_str(x->kind, y->kind) || x->nattrs != y->nattrs ||
	    !same_str(x->heading, y->heading) || !same_str(x->body, y->body))
		return false;
	for (size_t i = 0; i < x->nattrs; i++)
		if (!same_str(x->attrs[i].key, y->attrs[i].key) ||
		    !same_str(x->attrs[i].value, y->attrs[i].value))
			return false;
	return true;
}

static void describe(yoi_buf *why, const char *side, const yoi_event *e)
{
	const char *id = yoi_event_attr(e, "id");
	yoi_buf_printf(why,
		       "%s was created by %s at %s (%s event%s%s, line %d)",
		       side, e->author ? e->author : "?", e->at ? e->at : "?",
		       e->kind ? e->kind : "unknown", id ? " id " : "",
		       id ? id : "", e->line);
}

/*
 * Two tickets under one ID (SPEC 2, 10): a ticket is its first event (its
 * create). When ours' and theirs' threads both hold events and their first
 * events differ, they are two histories, never one ticket: *two is set
 * and why says so. YOI_ENOMEM, else 0 (a side that does not parse is left
 * to the thread merge's own checks).
 */
static int two_tickets(yoi_merge_side a, yoi_merge_side b, bool *two,
		       yoi_buf *why)
{
	yoi_thread *ta = NULL, *tb = NULL;
	*two = false;
	int rc = yoi_thread_parse(&ta, a.ptr ? a.ptr : "", a.len, "ours", NULL);
	if (rc == 0)
		rc = yoi_thread_parse(&tb, b.ptr ? b.ptr : "", b.len, "theirs",
				      NULL);
	if (rc == 0 && ta->n && tb->n && !same_event(&ta->ev[0], &tb->ev[0])) {
		*two = true;
		if (why) {
			yoi_buf_puts(why,
				     "two different tickets under one ID: ");
			describe(why, "ours", &ta->ev[0]);
			yoi_buf_puts(why, ", ");
			describe(why, "theirs", &tb->ev[0]);
			yoi_buf_puts(why, "; they are not one ticket: abort "
					  "the merge and give one of them a "
					  "new ID (docs/format.md, section 2)");
			if (why->oom)
				rc = YOI_ENOMEM;
		}
	}
	yoi_thread_free(ta);
	yoi_thread_free(tb);
	return rc;
}

/*
 * item.md new on both sides whose threads cannot be read: different
 * created_at values are two tickets. Sides that do not parse are left to
 * yoi_merge_item.
 */
static int two_items(yoi_merge_side a, yoi_merge_side b, bool *two,
		     yoi_buf *why)
{
	yoi_item *ia = NULL, *ib = NULL;
	yoi_error e = {0};
	*two = false;
	if (yoi_item_parse(&ia, a.ptr ? a.ptr : "", a.len, "ours", &e) == 0 &&
	    yoi_item_parse(&ib, b.ptr ? b.ptr : "", b.len, "theirs", &e) == 0) {
		const char *ca = yoi_item_get(ia, "created_at"),
			   *cb = yoi_item_get(ib, "created_at");
		if (ca && cb && strcmp(ca, cb) != 0) {
			*two = true;
			if (why)
				yoi_buf_printf(
				    why,
				    "two different tickets under one ID: "
				    "item.md is new on both sides with "
				    "created_at %s (ours) and %s (theirs); "
				    "they are not one ticket: abort the merge "
				    "and give one of them a new ID "
				    "(docs/format.md, section 2)",
				    ca, cb);
		}
	}
	yoi_item_free(ia);
	yoi_item_free(ib);
	return why && why->oom ? YOI_ENOMEM : 0;
}

/* item.md: two tickets, else the field merge with the merged thread's
 * state. */
static int merge_item(const yoi_merge_driver_in *in, yoi_buf *out,
		      bool *conflict, yoi_buf *why)
{
	yoi_buf o = YOI_BUF_INIT, a = YOI_BUF_INIT, b = YOI_BUF_INIT;
	char *state = NULL;
	bool two = false;
	int rc = 0;
	if (thread_sides(in->st, in->path, in->githeads, &o, &a, &b)) {
		if (blank((yoi_merge_side){o.ptr, o.len}))
			rc = two_tickets((yoi_merge_side){a.ptr, a.len},
					 (yoi_merge_side){b.ptr, b.len}, &two,
					 why);
		if (rc == 0 && !two)
			state = merged_state(&o, &a, &b);
	} else if (blank(in->o)) {
		rc = two_items(in->a, in->b, &two, why);
	}
	if (rc == 0 && two)
		*conflict = true;
	else if (rc == 0)
		rc = yoi_merge_item(out, in->o, in->a, in->b, state, conflict,
				    why);
	free(state);
	yoi_buf_free(&o);
	yoi_buf_free(&a);
	yoi_buf_free(&b);
	return rc;
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
	int rc = 0;
	switch (yoi_merge_kind_of(in->path)) {
	case YOI_MERGE_KIND_THREAD:
		if (blank(in->o))
			rc = two_tickets(in->a, in->b, &conflict, why);
		if (rc == 0 && !conflict)
			rc = yoi_merge_thread(out, in->o, in->a, in->b,
					      &conflict, why);
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
		rc = merge_item(in, out, &conflict, why);
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
