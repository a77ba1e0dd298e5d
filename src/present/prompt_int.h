/*
 * prompt_int.h - the template views of prompts and notices (jansson
 * objects), for the library: front ends call yoi/prompt.h.
 */
#ifndef YOI_PROMPT_INT_H
#define YOI_PROMPT_INT_H

#include <jansson.h>

#include "yoi/prompt.h"

struct yoi_routing;

/* Render template path (sourced as above) with view, appending to out. */
int yoi_prompt_render(yoi_buf *out, const char *dir, const char *path,
		      const json_t *view, yoi_error *err);

/*
 * The queue summary view of notice/idle-queue.md: queued tickets from
 * the route, actionable ones (in route order) and waiting ones (with their
 * reason), at most limit of each, the rest counted:
 *   {"actionable": [{id,title,state}], "actionable_omitted": null|{count},
 *    "waiting": [{id,title,state,reason}], "waiting_omitted": null|{count}}
 */
int yoi_prompt_queue_view(json_t **out, const struct yoi_routing *r,
			  long max_inprogress, size_t limit, yoi_error *err);

#endif
