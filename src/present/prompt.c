/*
 * prompt.c - role capabilities, template sources, the queue view and
 * the role brief.
 */
#include "yoi/prompt.h"
#include "present/prompt_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/file.h"
#include "yoi/graph.h"
#include "yoi/relview.h"
#include "yoi/resource.h"
#include "yoi/routing.h"
#include "base/template.h"
#include "yoi/ticket.h"
#include "yoi/work.h"
#include "store/store_int.h"

#define PROMPT_MAX (1u << 20) /* an override file */

const yoi_prompt_role yoi_prompt_roles[] = {
    {"intake", 0},
    {"orchestrator", YOI_CAP_WORKTREES | YOI_CAP_QUEUE | YOI_CAP_STATE},
    {"coder", YOI_CAP_STATE},
    {"reviewer", YOI_CAP_REVIEW},
};
const size_t yoi_prompt_roles_n =
    sizeof(yoi_prompt_roles) / sizeof(*yoi_prompt_roles);

const yoi_prompt_fragment yoi_prompt_fragments[] = {
    {"common/tickets.md", 0, "using the ticket tool"},
    {"common/worktrees.md", YOI_CAP_WORKTREES, "worktrees and branches"},
    {"common/queueing.md", YOI_CAP_QUEUE, "queueing and routing"},
    {"common/completion.md", YOI_CAP_STATE, "evidence before completion"},
    {"common/review.md", YOI_CAP_REVIEW, "review and evidence"},
    {"common/notifications.md", 0, "handling notices"},
};
const size_t yoi_prompt_fragments_n =
    sizeof(yoi_prompt_fragments) / sizeof(*yoi_prompt_fragments);

static const char *const cap_names[] = {"worktrees", "review", "state",
					"queue"};

unsigned yoi_prompt_caps(const char *role)
{
	for (size_t i = 0; i < yoi_prompt_roles_n; i++)
		if (strcmp(yoi_prompt_roles[i].name, role) == 0)
			return yoi_prompt_roles[i].caps;
	return 0;
}

bool yoi_prompt_fragment_for(const yoi_prompt_fragment *f, unsigned caps)
{
	return f->needs == 0 || (f->needs & caps) != 0;
}

const char *yoi_prompt_caps_text(unsigned caps, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(*cap_names); i++) {
		if (!(caps & (1u << i)))
			continue;
		int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "",
				 cap_names[i]);
		if (w < 0 || (size_t)w >= cap - n) {
			buf[n] = '\0'; /* only whole names */
			return buf;
		}
		n += (size_t)w;
	}
	if (!caps)
		snprintf(buf, cap, "none");
	return buf;
}

int yoi_prompt_source(yoi_buf *out, const char *dir, const char *path,
		      bool *overridden, yoi_error *err)
{
	if (overridden)
		*overridden = false;
	yoi_buf_clear(out);
	if (dir) {
		char *file = yoi_path_join(dir, path);
		if (!file)
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
		struct stat sb;
		int rc = 1;
		if (stat(file, &sb) == 0) {
			if (!S_ISREG(sb.st_mode))
				rc = yoi_error_set(
				    err, YOI_ECORRUPT, file, 0,
				    "%s: not a regular file; an override of "
				    "%s must be a file (or remove it)",
				    file, path);
			else
				rc = yoi_file_read(file, PROMPT_MAX, out, err);
		} else if (errno != ENOENT && errno != ENOTDIR) {
			rc = yoi_error_set(err, YOI_EIO, file, 0, "%s: %s",
					   file, strerror(errno));
		}
		free(file);
		if (rc <= 0) {
			if (rc == 0 && overridden)
				*overridden = true;
			return rc;
		}
	}
	const yoi_resource *r = yoi_resource_get(path);
	if (!r)
		return yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				     "no template %s (built in or under "
				     ".yoi/prompts/)",
				     path);
	if (yoi_buf_put(out, r->data, r->len) < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

int yoi_prompt_render(yoi_buf *out, const char *dir, const char *path,
		      const json_t *view, yoi_error *err)
{
	yoi_buf src = YOI_BUF_INIT;
	bool over = false;
	int rc = yoi_prompt_source(&src, dir, path, &over, err);
	char *name = NULL;
	if (rc == 0 && over)
		name = yoi_sprintf(".yoi/prompts/%s", path);
	if (rc == 0)
		rc = yoi_template_render(name ? name : path,
					 src.ptr ? src.ptr : "", src.len, view,
					 out, err);
	free(name);
	yoi_buf_free(&src);
	return rc;
}

int yoi_prompt_queue_view(json_t **out, const yoi_routing *r,
			  long max_inprogress, size_t limit, yoi_error *err)
{
	*out = NULL;
	yoi_graph_route *rt = NULL;
	if (yoi_graph_route_compute(
		&rt, r->g, max_inprogress > 0 ? (size_t)max_inprogress : 0) < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	json_t *act = json_array(), *wait = json_array();
	size_t nact = 0, nwait = 0;
	int rc = act && wait ? 0 : YOI_ENOMEM;
	for (size_t i = 0; rc == 0 && i < rt->n; i++) {
		const yoi_routing_ticket *t = &r->t[rt->v[i].index];
		if (t->state != YOI_ST_QUEUED)
			continue;
		bool ready = rt->v[i].cls == YOI_GRAPH_ACTIONABLE;
		size_t *count = ready ? &nact : &nwait;
		if ((*count)++ >= limit)
			continue;
		json_t *e = json_pack("{s:s, s:s, s:s}", "id", t->id, "title",
				      t->title ? t->title : "", "state",
				      yoi_state_name(t->state));
		if (e && !ready) {
			yoi_buf why = YOI_BUF_INIT;
			if (yoi_graph_route_reason(&why, r->g, rt, i) < 0 ||
			    json_object_set_new(
				e, "reason",
				json_string(why.ptr ? why.ptr : "")) < 0)
				rc = YOI_ENOMEM;
			yoi_buf_free(&why);
		}
		if (!e || json_array_append_new(ready ? act : wait, e) < 0)
			rc = YOI_ENOMEM;
	}
	yoi_graph_route_free(rt);
	json_t *v = NULL;
	if (rc == 0)
		v = json_pack(
		    "{s:O, s:o, s:O, s:o}", "actionable", act,
		    "actionable_omitted",
		    nact > limit ? json_pack("{s:I}", "count",
					     (json_int_t)(nact - limit))
				 : json_null(),
		    "waiting", wait, "waiting_omitted",
		    nwait > limit ? json_pack("{s:I}", "count",
					      (json_int_t)(nwait - limit))
				  : json_null());
	json_decref(act);
	json_decref(wait);
	if (!v)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	*out = v;
	return 0;
}

char *yoi_prompt_dir(const yoi_store *st)
{
	return yoi_path_join(st->yoi_dir, "prompts");
}

char *yoi_prompt_role_path(const char *role)
{
	return yoi_sprintf("role/%s.md", role);
}

bool yoi_prompt_role_known(const yoi_store *st, const char *role)
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

/* Relations as the brief lists them: outgoing ones, then incoming. */
static json_t *relations_json(const yoi_relview *v)
{
	json_t *out = json_array();
	for (int in = 0; out && in < 2; in++) {
		for (size_t i = 0; i < v->n; i++) {
			const yoi_relview_edge *e = &v->edges[i];
			if (e->incoming != (in == 1))
				continue;
			json_t *j =
			    json_pack("{s:s, s:s, s:s, s:s?}", "label",
				      in ? yoi_rel_kind_inverse(e->rel->kind)
					 : yoi_rel_kind_name(e->rel->kind),
				      "other", in ? e->owner : e->rel->target,
				      "other_state", e->other_state, "note",
				      in ? NULL : e->rel->note);
			if (json_array_append_new(out, j) < 0) {
				json_decref(out);
				return NULL;
			}
		}
	}
	return out;
}

static json_t *blockers_json(const yoi_relview *v)
{
	json_t *out = json_array();
	for (size_t k = 0; out && k < v->nblockers; k++) {
		const yoi_relview_blocker *b = &v->blockers[k];
		if (json_array_append_new(
			out,
			json_pack("{s:s, s:s, s:s, s:s}", "id", b->id, "via",
				  b->via, "state", yoi_state_name(b->state),
				  "text", b->text)) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* The ticket part of the view; routing r may be NULL (unreadable). */
static int ticket_view(json_t **out, const yoi_store *st, const yoi_routing *r,
		       const char *id, yoi_error *err)
{
	*out = NULL;
	yoi_ticket *t;
	int e = yoi_ticket_load(&t, st, id, YOI_LOAD_ITEM, err);
	if (e < 0)
		return e;
	size_t blen;
	const char *body = yoi_item_body(t->item, &blen);
	yoi_relview rv = {0};
	if (r && yoi_relview_get(&rv, r, id, -1) < 0) {
		yoi_ticket_free(t);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	json_t *plan = json_false();
	yoi_work_info w = {0};
	yoi_error werr = {0};
	if (yoi_work_recorded(st, id, &w, &werr) == 0 && w.branch)
		plan = json_pack("{s:s, s:s, s:s}", "plan_id", w.plan_id,
				 "branch", w.branch, "worktree",
				 w.worktree ? w.worktree : "");
	yoi_work_info_free(&w);
	*out = json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:s%, s:o, s:o, s:o}", "id", id,
	    "title", field(t->item, "title"), "state", field(t->item, "state"),
	    "assignee", field(t->item, "assignee"), "readiness",
	    field(t->item, "readiness"), "risk_text", risk_text(t->item),
	    "body", body, blen, "blockers", blockers_json(&rv), "relations",
	    relations_json(&rv), "plan", plan ? plan : json_false());
	yoi_relview_free(&rv);
	yoi_ticket_free(t);
	if (!*out)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
				     "out of memory (or a field that is not "
				     "UTF-8)");
	return 0;
}

/* Render path with view into tmp and set it on view as key (a part). */
static int render_part(json_t *view, const char *key, yoi_buf *tmp,
		       const char *dir, const char *path, const json_t *pv,
		       yoi_error *err)
{
	yoi_buf_clear(tmp);
	int e = yoi_prompt_render(tmp, dir, path, pv, err);
	if (e == 0 && json_object_set_new(view, key, part(tmp)) < 0)
		e = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return e;
}

int yoi_prompt_brief_make(yoi_prompt_brief *out, const yoi_store *st,
			  const char *role, const char *id, yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	out->caps = yoi_prompt_caps(role);
	yoi_routing *r = NULL;
	if (yoi_routing_load(&r, st, &out->left_out) < 0)
		r = NULL;
	char *dir = yoi_prompt_dir(st);
	char capbuf[64];
	json_t *view =
	    json_pack("{s:s, s:s, s:b, s:s, s:s}", "role", role, "capabilities",
		      yoi_prompt_caps_text(out->caps, capbuf, sizeof(capbuf)),
		      "ticket", 0, "ticket_brief", "", "queue", "");
	int e = view && dir ? 0 : YOI_ENOMEM;
	yoi_buf tmp = YOI_BUF_INIT;
	if (e == 0 && id) {
		json_t *tv = NULL;
		e = ticket_view(&tv, st, r, id, err);
		if (e == 0 && json_object_set_new(view, "ticket", tv) < 0)
			e = YOI_ENOMEM;
		if (e == 0)
			e = render_part(view, "ticket_brief", &tmp, dir,
					"ticket/brief.md", tv, err);
	}
	if (e == 0 && r) {
		json_t *qv = NULL;
		e = yoi_prompt_queue_view(&qv, r, st->cfg.max_inprogress,
					  YOI_PROMPT_QUEUE_LIMIT, err);
		if (e == 0)
			e = render_part(view, "queue", &tmp, dir,
					"notice/idle-queue.md", qv, err);
		json_decref(qv);
	}
	json_t *frags = json_array();
	if (!frags)
		e = e < 0 ? e : YOI_ENOMEM;
	for (size_t i = 0; e == 0 && i < yoi_prompt_fragments_n; i++) {
		const yoi_prompt_fragment *f = &yoi_prompt_fragments[i];
		if (!yoi_prompt_fragment_for(f, out->caps))
			continue;
		yoi_buf_clear(&tmp);
		e = yoi_prompt_render(&tmp, dir, f->path, view, err);
		if (e == 0 &&
		    (json_array_append_new(
			 frags, json_pack("{s:s, s:o}", "path", f->path, "text",
					  part(&tmp))) < 0 ||
		     yoi_strv_push(&out->fragments, f->path) < 0))
			e = YOI_ENOMEM;
	}
	if (e == 0 && json_object_set(view, "fragments", frags) < 0)
		e = YOI_ENOMEM;
	char *path = e == 0 ? yoi_prompt_role_path(role) : NULL;
	if (e == 0)
		e = path ? yoi_prompt_render(&out->text, dir, path, view, err)
			 : YOI_ENOMEM;
	if (e == YOI_ENOMEM && !err->code)
		e = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	free(path);
	json_decref(frags);
	json_decref(view);
	yoi_buf_free(&tmp);
	free(dir);
	yoi_routing_free(r);
	return e;
}

void yoi_prompt_brief_free(yoi_prompt_brief *b)
{
	if (!b)
		return;
	yoi_buf_free(&b->text);
	yoi_strv_free(&b->fragments);
}
