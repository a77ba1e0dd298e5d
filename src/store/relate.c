/* relate.c - add or remove one relation, with its event. */
#include "yoi/relate.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/routing.h"

/* Refuse an edge that would make its waiter wait for itself. */
/*
 * artifacts/ of ticket id, made when missing: older tools made tickets
 * without it, and the commands that write there make it (issue 13).
 */
static int ensure_artifacts(yoi_store *st, const char *id, yoi_error *err)
{
	char *arts = yoi_store_path(st, id, "artifacts");
	if (!arts)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	int rc = yoi_is_dir(arts) ? 0 : yoi_store_mkdir(st, arts, true, err);
	free(arts);
	return rc;
}

static int refuse_cycle(const yoi_store *st, const char *id, yoi_rel_kind kind,
			const char *target, yoi_error *err)
{
	if (kind != YOI_REL_DEPENDS_ON && kind != YOI_REL_BLOCKS)
		return 0;
	/*
	 * A cycle through the new edge is a path from the blocker back to
	 * the waiter: only what the blocker waits for (and the two) matter.
	 */
	yoi_routing *r;
	const char *seeds[2] = {kind == YOI_REL_DEPENDS_ON ? target : id,
				kind == YOI_REL_DEPENDS_ON ? id : target};
	int rc =
	    yoi_routing_load_near(&r, st, seeds, 2, YOI_ROUTING_WAITS, err);
	if (rc < 0)
		return rc;
	/* depends_on: id waits for target; blocks: target waits for id. */
	size_t a = yoi_routing_find(r, id), b = yoi_routing_find(r, target);
	size_t waiter = kind == YOI_REL_DEPENDS_ON ? a : b;
	size_t blocker = kind == YOI_REL_DEPENDS_ON ? b : a;
	size_t *path = NULL, n = 0;
	if (waiter != YOI_GRAPH_NONE && blocker != YOI_GRAPH_NONE)
		rc = yoi_graph_would_cycle(&path, &n, r->g, waiter, blocker, 0);
	if (rc < 0) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	} else if (n > 0) {
		yoi_buf cyc = YOI_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			yoi_buf_printf(&cyc, "%s%s", i ? " -> " : "",
				       r->t[path[i]].id);
		rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
				   "%s %s %s would close a cycle: %s (each "
				   "waits for the next); remove one of those "
				   "relations first",
				   id, yoi_rel_kind_name(kind), target,
				   cyc.ptr ? cyc.ptr : "");
		yoi_buf_free(&cyc);
	}
	yoi_graph_path_free(path);
	yoi_routing_free(r);
	return rc;
}

int yoi_relate_target(const yoi_store *st, const char *arg, bool removing,
		      char out[YOI_ID_LEN + 1], yoi_error *err)
{
	char norm[YOI_ID_LEN + 1];
	if (removing && yoi_id_normalize(arg, norm, sizeof(norm)) == 0 &&
	    yoi_id_valid(norm)) {
		char *dir = yoi_store_path(st, norm, NULL);
		if (!dir)
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
		bool gone = !yoi_is_dir(dir);
		free(dir);
		if (gone) {
			memcpy(out, norm, YOI_ID_LEN + 1);
			return 0;
		}
	}
	return yoi_store_resolve(st, arg, out, err);
}

int yoi_relate(yoi_store *st, const yoi_opctx *ctx, const char *id, bool add,
	       yoi_rel_kind kind, const char *target, const char *note,
	       yoi_error *err)
{
	yoi_ticket *t;
	int rc = yoi_ticket_begin(st, ctx, id, &t, err);
	if (rc < 0)
		return rc;
	char *path = yoi_store_path(st, id, "artifacts/relations.json");
	char *tdir = yoi_store_path(st, target, NULL);
	yoi_relations *rels = NULL;
	yoi_buf b = YOI_BUF_INIT, events = YOI_BUF_INIT;
	if (!path || !tdir) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (add && !yoi_is_dir(tdir)) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, tdir, 0,
				   "no ticket %s to relate to", target);
		goto out;
	}
	rc = yoi_file_read(path, YOI_REL_FILE_MAX, &b, err);
	if (rc == YOI_ENOTFOUND)
		rc = yoi_relations_new(&rels, id);
	else if (rc == 0)
		rc = yoi_relations_parse(&rels, b.ptr, b.len, id, path, NULL,
					 err);
	if (rc == 0 && rels->nerrors)
		rc = yoi_error_set(err, YOI_ECORRUPT, path, 0,
				   "%s has %zu bad record(s); rewriting it "
				   "would drop them: fix it first (see "
				   "'yoi-tickets doctor')",
				   path, rels->nerrors);
	if (rc < 0)
		goto out;
	char at[YOI_TIME_LEN + 1];
	yoi_time_format((ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms) / 1000,
			at);
	if (add && strcmp(id, target) == 0) {
		rc = yoi_error_set(err, YOI_EREFUSED, NULL, 0,
				   "a ticket cannot relate to itself (%s)", id);
	} else if (add) {
		rc = refuse_cycle(st, id, kind, target, err);
		yoi_relation rel = {.kind = kind,
				    .note = (char *)note,
				    .author = (char *)ctx->author,
				    .at = at};
		memcpy(rel.ticket_id, id, YOI_ID_LEN + 1);
		memcpy(rel.target, target, YOI_ID_LEN + 1);
		if (rc == 0)
			rc = yoi_relations_add(rels, &rel, err);
	} else {
		rc = yoi_relations_remove(rels, kind, target, err);
	}
	yoi_buf_clear(&b);
	if (rc == 0)
		rc = yoi_relations_render(&b, rels, err);
	if (rc == 0)
		rc = ensure_artifacts(st, id, err);
	if (rc == 0)
		rc = yoi_store_write(st, path, b.ptr, b.len, err);
	yoi_attr a[] = {{"action", add ? "add" : "remove"},
			{"kind", (char *)yoi_rel_kind_name(kind)},
			{"target", (char *)target}};
	if (rc == 0)
		rc = yoi_ticket_lead_newline(t, &events);
	if (rc == 0)
		rc = yoi_ticket_event(&events, ctx, t->thread_crlf, "relation",
				      a, 3, note, err);
	if (rc == 0)
		rc = yoi_ticket_commit(t, ctx, &events, err);
out:
	yoi_buf_free(&b);
	yoi_buf_free(&events);
	yoi_relations_free(rels);
	free(path);
	free(tdir);
	yoi_ticket_end(st, t);
	return rc;
}

int yoi_plan_record_add(yoi_store *st, const yoi_opctx *ctx, const char *id,
			const yoi_plan_record *tmpl, char *id_out,
			yoi_error *err)
{
	int rc = yoi_store_lock(st, ctx->wait_sec, err);
	if (rc < 0)
		return rc;
	char *path =
	    yoi_store_path(st, id, "artifacts/orchestration-plan.jsonl");
	char *rdir = tmpl->related_ticket[0]
			 ? yoi_store_path(st, tmpl->related_ticket, NULL)
			 : NULL;
	char *tdir = yoi_store_path(st, id, NULL);
	yoi_plan *plan = NULL;
	yoi_buf b = YOI_BUF_INIT;
	bool exists = false;
	if (!path || !tdir || (tmpl->related_ticket[0] && !rdir)) {
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (!yoi_is_dir(tdir)) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, tdir, 0, "no ticket %s",
				   id);
		goto out;
	}
	if (rdir && !yoi_is_dir(rdir)) {
		rc = yoi_error_set(err, YOI_ENOTFOUND, rdir, 0,
				   "no ticket %s to name as related",
				   tmpl->related_ticket);
		goto out;
	}
	rc = yoi_file_read(path, YOI_PLAN_FILE_MAX, &b, err);
	exists = rc == 0;
	size_t size = exists ? b.len : 0;
	if (rc == YOI_ENOTFOUND)
		rc = yoi_plan_new(&plan, id);
	else if (rc == 0)
		rc = yoi_plan_parse(&plan, b.ptr, b.len, id, path, NULL, err);
	if (rc < 0)
		goto out;
	int64_t now = (ctx->clock_ms ? ctx->clock_ms() : ctx->now_ms) / 1000;
	char at[YOI_TIME_LEN + 1];
	yoi_time_format(now, at);
	yoi_plan_record rec = *tmpl;
	memcpy(rec.ticket_id, id, YOI_ID_LEN + 1);
	rec.author = (char *)ctx->author;
	rec.at = at;
	rc = yoi_plan_next_id(rec.id, sizeof(rec.id), plan, id, now);
	if (rc < 0) {
		rc = yoi_error_set(err, rc, path, 0,
				   "cannot make a record id for this second");
		goto out;
	}
	yoi_buf_clear(&b);
	if (exists && plan->unterminated)
		yoi_buf_puts(&b, plan->crlf ? "\r\n" : "\n");
	rc = yoi_plan_record_check(&rec, id, err);
	if (rc == 0)
		rc = yoi_plan_render_record(&b, &rec, plan->crlf, err);
	/* Never write a plan the reader refuses (its size or count). */
	if (rc == 0 && (size + b.len > YOI_PLAN_FILE_MAX ||
			plan->n + plan->nerrors + 1 > YOI_PLAN_RECORDS_MAX))
		rc = yoi_error_set(
		    err, YOI_EREFUSED, path, 0,
		    "%s: this record would take the plan past its limit of "
		    "%u bytes or %u records, which every command reads it "
		    "with; nothing was written: put long text in a file "
		    "under the ticket's artifacts/ and reference it",
		    path, (unsigned)YOI_PLAN_FILE_MAX,
		    (unsigned)YOI_PLAN_RECORDS_MAX);
	if (rc == 0)
		rc = ensure_artifacts(st, id, err);
	if (rc == 0)
		rc = yoi_store_append(st, path, b.ptr, b.len, !exists, err);
	if (rc == 0)
		memcpy(id_out, rec.id, strlen(rec.id) + 1);
out:
	yoi_buf_free(&b);
	yoi_plan_free(plan);
	free(path);
	free(rdir);
	free(tdir);
	yoi_store_unlock(st);
	return rc;
}
