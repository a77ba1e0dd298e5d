/* prompt.c - role capabilities, template sources and the queue view. */
#include "yoi/prompt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/file.h"
#include "yoi/graph.h"
#include "yoi/resource.h"
#include "yoi/routing.h"
#include "yoi/template.h"

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
