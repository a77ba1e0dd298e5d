/*
 * import_beads.c - the beads reader (import.h): .beads/issues.jsonl, one
 * JSON object per issue, mapped to an import set. The mapping is the
 * table of docs/import.md; what has no place is kept (a JSON object per
 * issue, the writer's `import` event), never dropped.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "yoi/import.h"

/* The fields the mapping uses; every other one is kept. */
static const char *const mapped[] = {
    "id",	    "title",	  "description",
    "design",	    "notes",	  "acceptance_criteria",
    "status",	    "priority",	  "issue_type",
    "assignee",	    "created_by", "labels",
    "created_at",   "updated_at", "closed_at",
    "close_reason", "parent",	  "dependencies",
    "comments",
};

static bool is_mapped(const char *key)
{
	for (size_t i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++)
		if (!strcmp(mapped[i], key))
			return true;
	return false;
}

/* One issue's reading: where, and the kept fields gathered so far. */
typedef struct line_ctx {
	yoi_import_set *set;
	yoi_import_ticket *t;
	const char *path;
	int line;
	json_t *kept; /* object, or NULL until something is kept */
	int oom;
} line_ctx;

static void keep(line_ctx *c, const char *key, json_t *v)
{
	if (!c->kept)
		c->kept = json_object();
	if (!c->kept || json_object_set(c->kept, key, v) < 0)
		c->oom = 1;
}

static void problem(line_ctx *c, yoi_severity sev, const char *code,
		    const char *fmt, const char *a, const char *b)
{
	char qa[YOI_QUOTE_MAX + 8], qb[YOI_QUOTE_MAX + 8];

	yoi_quote(qa, sizeof(qa), a ? a : "");
	yoi_quote(qb, sizeof(qb), b ? b : "");
	yoi_diag_add(&c->set->problems, sev, code, c->path, c->line, fmt, qa,
		     qb);
}

/* A string field's value, or NULL (absent or null); a value of another
 * type is an error naming the field. */
static const char *str_field(line_ctx *c, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		problem(c, YOI_DIAG_ERROR, "import-bad-field",
			"the field '%s' must be a string%s; fix the value", key,
			"");
		return NULL;
	}
	return json_string_value(v);
}

static char *dup_str(line_ctx *c, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = yoi_strdup(s);
	if (!d)
		c->oom = 1;
	return d;
}

/*
 * An RFC 3339 time with any offset as UTC, keeping milliseconds when the
 * source has a fraction ("2025-10-14T19:34:56.123Z"): they order the new
 * IDs of one second. NULL and an error when it is not a time.
 */
static char *utc_time(line_ctx *c, const char *key, const char *s)
{
	int64_t sec;
	char out[YOI_TIME_LEN + 1];
	int ms = -1;

	if (!s)
		return NULL;
	if (yoi_time_parse(s, &sec) < 0) {
		problem(c, YOI_DIAG_ERROR, "import-bad-time",
			"the field '%s' is not an RFC 3339 time ('%s'); fix "
			"it (such as 2025-10-14T12:34:56Z)",
			key, s);
		return NULL;
	}
	if (s[19] == '.') {
		ms = 0;
		for (int i = 0, on = 1; i < 3; i++) {
			on = on && s[20 + i] >= '0' && s[20 + i] <= '9';
			ms = ms * 10 + (on ? s[20 + i] - '0' : 0);
		}
	}
	yoi_time_format(sec, out);
	if (ms < 0)
		return dup_str(c, out);
	char *r = yoi_sprintf("%.19s.%03dZ", out, ms);
	if (!r)
		c->oom = 1;
	return r;
}

/* Append a relation unless one of the same kind and target is there. */
static void add_rel(line_ctx *c, const char *kind, const char *target,
		    const char *note)
{
	yoi_import_ticket *t = c->t;

	for (size_t i = 0; i < t->nrels; i++)
		if (!strcmp(t->rels[i].kind, kind) &&
		    !strcmp(t->rels[i].target, target))
			return;
	if (yoi_import_add_rel(t, kind, target, note) < 0)
		c->oom = 1;
}

static void map_dependencies(line_ctx *c, json_t *deps)
{
	json_t *unmapped = NULL, *d;
	size_t i;

	if (!json_is_array(deps)) {
		problem(c, YOI_DIAG_ERROR, "import-bad-field",
			"the field '%s' must be a list of objects%s; fix it",
			"dependencies", "");
		return;
	}
	json_array_foreach(deps, i, d)
	{
		json_t *to = json_object_get(d, "depends_on_id");
		json_t *ty = json_object_get(d, "type");
		const char *target = json_string_value(to);
		const char *type = ty ? json_string_value(ty) : "blocks";

		if (!json_is_object(d) || !target || !*target || !type) {
			problem(c, YOI_DIAG_ERROR, "import-bad-field",
				"a dependency needs 'depends_on_id' and "
				"'type' as strings%s%s; fix it",
				"", "");
			continue;
		}
		if (c->t->source_id && !strcmp(target, c->t->source_id)) {
			problem(c, YOI_DIAG_WARNING, "import-self-dependency",
				"'%s' depends on itself (%s); kept in the "
				"ticket's import event, not as a relation",
				target, type);
		} else if (!strcmp(type, "blocks")) {
			add_rel(c, "depends_on", target, NULL);
			continue;
		} else if (!strcmp(type, "related")) {
			add_rel(c, "related", target, NULL);
			continue;
		} else if (!strcmp(type, "parent-child")) {
			add_rel(c, "related", target,
				"parent-child in beads: this is the child");
			continue;
		} else if (!strcmp(type, "discovered-from")) {
			add_rel(c, "related", target,
				"discovered-from in beads: found while "
				"working on the target");
			continue;
		} else {
			problem(c, YOI_DIAG_WARNING, "import-unmapped",
				"the dependency type '%s' (on '%s') has no "
				"relation kind here; kept in the ticket's "
				"import event",
				type, target);
		}
		if (!unmapped)
			unmapped = json_array();
		if (!unmapped || json_array_append(unmapped, d) < 0)
			c->oom = 1;
	}
	if (unmapped) {
		keep(c, "dependencies", unmapped);
		json_decref(unmapped);
	}
}

static void map_comments(line_ctx *c, json_t *cs)
{
	json_t *x;
	size_t i;

	if (!json_is_array(cs)) {
		problem(c, YOI_DIAG_ERROR, "import-bad-field",
			"the field '%s' must be a list of objects%s; fix it",
			"comments", "");
		return;
	}
	json_array_foreach(cs, i, x)
	{
		const char *text =
		    json_string_value(json_object_get(x, "text"));
		const char *author =
		    json_string_value(json_object_get(x, "author"));
		const char *at =
		    json_string_value(json_object_get(x, "created_at"));
		char *when;

		if (!json_is_object(x) || !text) {
			problem(c, YOI_DIAG_ERROR, "import-bad-field",
				"a comment needs 'text' as a string%s%s; fix "
				"it",
				"", "");
			continue;
		}
		when = utc_time(c, "comments.created_at", at);
		if (yoi_import_add_event(c->t, "comment",
					 author && *author ? author : NULL,
					 when, text) < 0)
			c->oom = 1;
		free(when);
	}
}

/* description + the ## Design, ## Acceptance criteria, ## Notes parts. */
static void map_body(line_ctx *c, json_t *o)
{
	static const char *const parts[][2] = {
	    {"design", "Design"},
	    {"acceptance_criteria", "Acceptance criteria"},
	    {"notes", "Notes"},
	};
	yoi_buf b = YOI_BUF_INIT;
	const char *d = str_field(c, o, "description");

	if (d && *d)
		yoi_buf_puts(&b, d);
	for (size_t i = 0; i < 3; i++) {
		const char *s = str_field(c, o, parts[i][0]);

		if (!s || !*s)
			continue;
		if (b.len)
			yoi_buf_puts(&b,
				     b.ptr[b.len - 1] == '\n' ? "\n" : "\n\n");
		yoi_buf_printf(&b, "## %s\n\n%s", parts[i][1], s);
	}
	if (b.len && b.ptr[b.len - 1] != '\n')
		yoi_buf_putc(&b, '\n');
	if (yoi_buf_oom(&b))
		c->oom = 1;
	c->t->body = b.len ? yoi_buf_detach(&b) : dup_str(c, "");
	yoi_buf_free(&b);
}

/* status -> state; NULL when it depends on the blockers (blocked). */
static const char *map_status(line_ctx *c, json_t *o, const char *status)
{
	static const char *const table[][2] = {
	    {"open", "ready"},	      {"in_progress", "inprogress"},
	    {"closed", "closed"},     {"tombstone", "closed"},
	    {"deferred", "planning"}, {"pinned", "planning"},
	    {"hooked", "inprogress"},
	};

	if (!status)
		return "ready"; /* beads' default */
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i][0], status)) {
			if (strcmp(status, "open") &&
			    strcmp(status, "in_progress") &&
			    strcmp(status, "closed"))
				keep(c, "status", json_object_get(o, "status"));
			return table[i][1];
		}
	keep(c, "status", json_object_get(o, "status"));
	if (!strcmp(status, "blocked"))
		return NULL;
	problem(c, YOI_DIAG_WARNING, "import-unmapped",
		"the status '%s' has no state here; imported as planning, "
		"the status kept in the ticket's import event%s",
		status, "");
	return "planning";
}

static void map_priority(line_ctx *c, json_t *o)
{
	json_t *p = json_object_get(o, "priority");

	if (!p || json_is_null(p))
		return;
	if (json_is_integer(p) && json_integer_value(p) >= 0 &&
	    json_integer_value(p) <= 4) {
		char v[4];

		snprintf(v, sizeof(v), "P%d", (int)json_integer_value(p));
		c->t->priority = dup_str(c, v);
		return;
	}
	keep(c, "priority", p);
	problem(c, YOI_DIAG_WARNING, "import-unmapped",
		"the priority is not 0-4%s%s; kept in the ticket's import "
		"event",
		"", "");
}

static void map_labels(line_ctx *c, json_t *o)
{
	json_t *l = json_object_get(o, "labels"), *x;
	const char *type = str_field(c, o, "issue_type");
	size_t i;

	if (l && !json_is_null(l)) {
		if (!json_is_array(l)) {
			problem(c, YOI_DIAG_ERROR, "import-bad-field",
				"the field '%s' must be a list of strings%s; "
				"fix it",
				"labels", "");
		} else {
			json_array_foreach(l, i, x)
			{
				if (!json_is_string(x))
					problem(c, YOI_DIAG_ERROR,
						"import-bad-field",
						"the field '%s' must be a "
						"list of strings%s; fix it",
						"labels", "");
				else if (!yoi_strv_contains(
					     &c->t->labels,
					     json_string_value(x)) &&
					 yoi_strv_push(&c->t->labels,
						       json_string_value(x)) <
					     0)
					c->oom = 1;
			}
		}
	}
	if (type && *type) {
		char *tag = yoi_sprintf("type:%s", type);

		if (!tag || yoi_strv_push_owned(&c->t->labels, tag) < 0) {
			free(tag);
			c->oom = 1;
		}
	}
}

/* One issue object into c->t. */
static void map_issue(line_ctx *c, json_t *o)
{
	yoi_import_ticket *t = c->t;
	const char *key;
	json_t *v;

	t->title = dup_str(c, str_field(c, o, "title"));
	map_body(c, o);
	t->assignee = dup_str(c, str_field(c, o, "assignee"));
	if (t->assignee && !*t->assignee) {
		free(t->assignee);
		t->assignee = NULL;
	}
	t->author = dup_str(c, str_field(c, o, "created_by"));
	t->created_at =
	    utc_time(c, "created_at", str_field(c, o, "created_at"));
	t->updated_at =
	    utc_time(c, "updated_at", str_field(c, o, "updated_at"));
	t->closed_at = utc_time(c, "closed_at", str_field(c, o, "closed_at"));
	t->resolution = dup_str(c, str_field(c, o, "close_reason"));
	map_priority(c, o);
	map_labels(c, o);
	const char *st = map_status(c, o, str_field(c, o, "status"));
	t->state = st ? dup_str(c, st) : NULL;
	if (t->state && !strcmp(t->state, "closed") && !t->resolution) {
		const char *s = str_field(c, o, "status");

		t->resolution = dup_str(c, s && !strcmp(s, "tombstone")
					       ? "Deleted in beads (tombstone)."
					       : "Closed in beads.");
	}
	const char *parent = str_field(c, o, "parent");
	json_t *deps = json_object_get(o, "dependencies");
	if (deps && !json_is_null(deps))
		map_dependencies(c, deps);
	if (parent && *parent && t->source_id && strcmp(parent, t->source_id))
		add_rel(c, "related", parent,
			"parent-child in beads: this is the child");
	json_t *cs = json_object_get(o, "comments");
	if (cs && !json_is_null(cs))
		map_comments(c, cs);
	json_object_foreach(o, key, v) if (!is_mapped(key)) keep(c, key, v);
	if (c->kept) {
		t->kept =
		    json_dumps(c->kept, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!t->kept)
			c->oom = 1;
	}
}

/* open (not closed or tombstone) in beads' sense: it still blocks. */
static bool still_open(const yoi_import_ticket *t)
{
	return !t->state || strcmp(t->state, "closed");
}

static const yoi_import_ticket *by_id(const yoi_import_set *set, size_t from,
				      const char *id)
{
	for (size_t i = from; i < set->n; i++)
		if (set->v[i].source_id && !strcmp(set->v[i].source_id, id))
			return &set->v[i];
	return NULL;
}

/*
 * beads' `blocked` status: waiting on a blocker. With an open `blocks`
 * dependency the ticket is ready and routing shows it waiting (as bd
 * does); without one nothing would hold it back here, so it is planning.
 */
static int settle_blocked(yoi_import_set *set, size_t from)
{
	for (size_t i = from; i < set->n; i++) {
		yoi_import_ticket *t = &set->v[i];
		bool held = false;

		if (t->state)
			continue;
		for (size_t j = 0; j < t->nrels && !held; j++) {
			const yoi_import_ticket *b;

			if (strcmp(t->rels[j].kind, "depends_on"))
				continue;
			b = by_id(set, from, t->rels[j].target);
			held = b && b != t && still_open(b);
		}
		t->state = yoi_strdup(held ? "ready" : "planning");
		if (!t->state)
			return YOI_ENOMEM;
	}
	return 0;
}

int yoi_import_parse_beads(yoi_import_set *set, const char *buf, size_t len,
			   const char *path, yoi_error *err)
{
	size_t from = set->n, off = 0;
	int line = 0;

	if (!set->tool && !(set->tool = yoi_strdup("beads")))
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	while (off < len) {
		const char *p = buf + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off;
		line_ctx c = {.set = set, .path = path, .line = ++line};
		json_error_t je;
		json_t *o;

		off += n + (nl ? 1 : 0);
		if (n && p[n - 1] == '\r')
			n--;
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k == n)
			continue; /* blank line */
		o = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
			       &je);
		if (!o) {
			char col[32];

			snprintf(col, sizeof(col), "%d", je.column);
			problem(&c, YOI_DIAG_ERROR, "import-bad-json",
				"the line is not valid JSON (%s, column %s): "
				"a truncated or broken line; fix or remove it",
				je.text, col);
			continue;
		}
		if (!json_is_object(o)) {
			problem(&c, YOI_DIAG_ERROR, "import-not-object",
				"the line is JSON but not an object%s%s; each "
				"line must be one issue as {...}",
				"", "");
			json_decref(o);
			continue;
		}
		json_t *id = json_object_get(o, "id");
		if (id && !json_is_string(id))
			problem(&c, YOI_DIAG_ERROR, "import-bad-field",
				"the field '%s' must be a string%s; fix the "
				"value",
				"id", "");
		c.t = yoi_import_add(set, json_string_value(id), path, line);
		if (!c.t) {
			json_decref(o);
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
		}
		map_issue(&c, o);
		json_decref(c.kept);
		json_decref(o);
		if (c.oom)
			return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					     "out of memory");
	}
	if (settle_blocked(set, from) < 0)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

/* path: the JSONL file, or a folder holding .beads/issues.jsonl, or the
 * .beads folder itself. */
int yoi_import_read_beads(yoi_import_set *set, const char *path, yoi_error *err)
{
	static const char *const inside[] = {".beads/issues.jsonl",
					     "issues.jsonl"};
	char *file = NULL;
	yoi_buf b = YOI_BUF_INIT;
	int rc;

	if (yoi_is_dir(path)) {
		for (size_t i = 0; i < 2 && !file; i++) {
			char *f = yoi_path_join(path, inside[i]);

			if (!f)
				return yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						     "out of memory");
			if (yoi_exists(f))
				file = f;
			else
				free(f);
		}
		if (!file)
			return yoi_error_at(
			    err, YOI_ENOTFOUND, path, 0,
			    "no .beads/issues.jsonl here; name the folder "
			    "that holds .beads/, or the file (bd export "
			    "writes it)");
	} else if (!yoi_exists(path)) {
		return yoi_error_at(err, YOI_ENOTFOUND, path, 0,
				    "no such file; name a beads "
				    "issues.jsonl or the folder holding "
				    ".beads/");
	} else if (!(file = yoi_strdup(path))) {
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	rc = yoi_file_read(file, YOI_IMPORT_MAX_FILE, &b, err);
	if (rc == YOI_ECORRUPT) {
		/* Over the limit: a problem of its own, not read. */
		yoi_diag_add(&set->problems, YOI_DIAG_ERROR, "import-too-large",
			     file, 0,
			     "the file is over the %zu MiB limit of an import; "
			     "split it (bd export per label or status) and "
			     "import the parts",
			     YOI_IMPORT_MAX_FILE >> 20);
		if (!set->tool)
			set->tool = yoi_strdup("beads");
		rc = set->tool ? 0
			       : yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					       "out of memory");
	} else if (rc == 0) {
		rc = yoi_import_parse_beads(set, b.ptr ? b.ptr : "", b.len,
					    file, err);
	}
	yoi_buf_free(&b);
	free(file);
	return rc;
}
