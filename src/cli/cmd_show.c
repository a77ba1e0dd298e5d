/* cmd_show.c - one ticket: fields, body, thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* A frontmatter list as "a, b, c" (raw; the caller escapes the line). */
static void list_text(yoi_buf *b, const yoi_item *it, const char *key)
{
	const yoi_field *f = yoi_item_field(it, key);
	if (!f || f->type != YOI_FIELD_LIST || f->nlist == 0) {
		yoi_buf_puts(b, "-");
		return;
	}
	for (size_t i = 0; i < f->nlist; i++)
		yoi_buf_printf(b, "%s%s", i ? ", " : "", f->list[i]);
}

/*
 * Text: header lines are single-line fields (escaped always), the body
 * and event bodies are bodies (escaped on a terminal): see cli.h.
 */
static void print_text(yoi_ctx *ctx, const yoi_ticket *t, size_t first,
		       const char *relations)
{
	const yoi_item *it = t->item;
	/* The ID and a known state coloured on a terminal: both validated
	 * names, so the colour wraps text that needs no escaping. */
	printf("%s%s%s", yoi_cli_sgr(ctx, 1, "id"), t->id,
	       yoi_cli_sgr_off(ctx, 1));
	yoi_cli_println("  %s", or_dash(yoi_item_get(it, "title")));
	const char *state = or_dash(yoi_item_get(it, "state"));
	if (yoi_state_parse(state) != YOI_ST_INVALID) {
		printf("state: %s%s%s", yoi_cli_sgr(ctx, 1, state), state,
		       yoi_cli_sgr_off(ctx, 1));
		state = "";
	} else {
		fputs("state: ", stdout);
	}
	yoi_cli_println("%s   assignee: %s   readiness: %s   priority: "
			"%s",
			state, or_dash(yoi_item_get(it, "assignee")),
			or_dash(yoi_item_get(it, "readiness")),
			or_dash(yoi_item_get(it, "priority")));
	yoi_buf risk = YOI_BUF_INIT;
	list_text(&risk, it, "risk_flags");
	yoi_cli_println("risk flags: %s", risk.ptr ? risk.ptr : "?");
	yoi_buf_free(&risk);
	/* Labels (the list `tags`) only when there are some. */
	const yoi_field *tags = yoi_item_field(it, "tags");
	if (tags && tags->type == YOI_FIELD_LIST && tags->nlist) {
		yoi_buf lab = YOI_BUF_INIT;
		list_text(&lab, it, "tags");
		yoi_cli_println("labels: %s", lab.ptr ? lab.ptr : "?");
		yoi_buf_free(&lab);
	}
	yoi_cli_println("created: %s   updated: %s",
			or_dash(yoi_item_get(it, "created_at")),
			or_dash(yoi_item_get(it, "updated_at")));
	/* Escaped line by line already (yoi_cli_relations_view). */
	if (relations && *relations)
		printf("\n## Relations\n\n%s", relations);
	size_t blen;
	const char *body = yoi_item_body(it, &blen);
	if (blen) {
		fputc('\n', stdout);
		yoi_cli_body(ctx, body, blen);
		if (body[blen - 1] != '\n')
			fputc('\n', stdout);
	}
	const yoi_thread *th = t->thread;
	if (first)
		printf("\n## Thread (last %zu of %zu events)\n", th->n - first,
		       th->n);
	else
		printf("\n## Thread (%zu events)\n", th->n);
	for (size_t i = first; i < th->n; i++) {
		const yoi_event *e = &th->ev[i];
		yoi_buf h = YOI_BUF_INIT;
		yoi_buf_printf(&h, "[%s] %s by %s", or_dash(e->at),
			       or_dash(e->kind), or_dash(e->author));
		bool open = false;
		for (size_t k = 0; k < e->nattrs; k++) {
			const char *key = e->attrs[k].key;
			if (!strcmp(key, "event") || !strcmp(key, "author") ||
			    !strcmp(key, "at"))
				continue;
			yoi_buf_printf(&h, "%s%s: %s", open ? ", " : " (", key,
				       e->attrs[k].value);
			open = true;
		}
		fputc('\n', stdout);
		yoi_cli_println("%s%s", h.ptr ? h.ptr : "?", open ? ")" : "");
		yoi_buf_free(&h);
		if (*e->body) {
			/* Indent the body so event boundaries stay visible. */
			for (const char *p = e->body; *p;) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				/* Keep a CRLF line end's CR with its line. */
				size_t k = n + (nl ? 1 : 0);
				if (n)
					fputs("    ", stdout);
				yoi_cli_body(ctx, p, k);
				if (!nl)
					fputc('\n', stdout);
				p += k;
			}
		}
	}
}

static json_t *to_json(const yoi_ticket *t, size_t first, json_t *relations)
{
	size_t blen;
	const char *body = yoi_item_body(t->item, &blen);
	json_t *sections = json_array();
	yoi_section *sec = NULL;
	size_t nsec = 0;
	if (yoi_item_sections(body, blen, &sec, &nsec) == 0)
		for (size_t i = 0; i < nsec; i++)
			json_array_append_new(
			    sections,
			    json_pack("{s:s, s:s, s:i}", "heading",
				      sec[i].heading, "text", sec[i].text,
				      "line", sec[i].line));
	yoi_sections_free(sec, nsec);
	json_t *events = json_array();
	for (size_t i = first; i < t->thread->n; i++)
		json_array_append_new(events,
				      yoi_cli_event_json(&t->thread->ev[i]));
	const char *replayed =
	    yoi_ticket_replay_or(t->thread, yoi_item_get(t->item, "state"));
	return json_pack(
	    "{s:s, s:s?, s:s?, s:o, s:s%, s:o, s:i, s:o, s:s?, s:o?}", "id",
	    t->id, "title", yoi_item_get(t->item, "title"), "state",
	    yoi_item_get(t->item, "state"), "fields",
	    yoi_cli_fields_json(t->item), "body", body, blen, "sections",
	    sections, "event_count", (json_int_t)t->thread->n, "events", events,
	    "replayed_state", replayed, "relations", relations);
}

int yoi_cmd_show(int argc, char **argv, yoi_ctx *ctx)
{
	long nevents = -1;
	bool json = false;
	char id[YOI_ID_LEN + 1];
	int rc;
	const yoi_option opts[] = {
	    YOI_OPT_UINT("events", &nevents, 0, "only the last N events"),
	    YOI_OPT_JSON(&json),
	    YOI_OPT_END(),
	};
	if ((rc = yoi_cli_parse_id(ctx, argc, argv, opts, id)) != YOI_CLI_GO)
		return rc;
	rc = 0;
	yoi_ticket *t;
	int e = yoi_ticket_load(&t, ctx->store, id,
				YOI_LOAD_ITEM | YOI_LOAD_THREAD, &ctx->err);
	if (e < 0)
		return yoi_cli_fail(ctx, e);
	/* Relations: outgoing, incoming (the links cache), blockers. */
	yoi_routing *r = NULL;
	const char *seed = id;
	json_t *rel_json = NULL;
	yoi_buf rel_text = YOI_BUF_INIT;
	yoi_error rerr;
	if (yoi_routing_load_near(&r, ctx->store, &seed, 1, 0, &rerr) == 0) {
		yoi_cli_relations_view(r, id, -1, &rel_json, &rel_text);
		const yoi_routing_ticket *bad = yoi_routing_bad_links(r);
		if (bad)
			yoi_cli_eprintf(
			    "yoi-tickets show: warning: %s; relations "
			    "and blockers may be incomplete (see "
			    "'yoi-tickets doctor')\n",
			    bad->links_err);
	} else {
		char et[YOI_ERRTEXT_MAX];
		yoi_cli_eprintf("yoi-tickets show: relations not shown: %s\n",
				yoi_error_text(&rerr, et, sizeof(et)));
	}
	yoi_routing_free(r);
	size_t first = 0;
	if (nevents >= 0 && (size_t)nevents < t->thread->n)
		first = t->thread->n - (size_t)nevents;
	if (json)
		rc = yoi_cli_json(ctx, to_json(t, first, rel_json));
	else {
		yoi_cli_pager_start(ctx);
		print_text(ctx, t, first, rel_text.ptr);
	}
	if (!json)
		json_decref(rel_json);
	yoi_buf_free(&rel_text);
	yoi_ticket_free(t);
	return rc;
}
