/*
 * import_github.c - the reader for GitHub issues: the JSON array that
 *
 *   gh issue list --state all --limit N --json number,title,body,state,\
 *      labels,assignees,author,createdAt,closedAt,comments
 *
 * writes (import.h). One object per issue:
 *
 *   {"number": 42, "title": "...", "body": "...", "state": "OPEN",
 *    "labels": [{"name": "bug", "color": "d73a4a", ...}],
 *    "assignees": [{"login": "ann", ...}], "author": {"login": "bob"},
 *    "createdAt": "2026-11-02T09:14:07Z", "closedAt": null,
 *    "comments": [{"author": {"login": "ann"}, "body": "...",
 *                  "createdAt": "...", ...}]}
 *
 * The mapping (docs/import-sources.md): the source id is the number;
 * OPEN is ready, CLOSED closed at closedAt (stateReason, when exported,
 * in the resolution); labels by name; the first assignee (all of them
 * kept when there are more); comments become comment events with their
 * authors and times. "#N" mentions are text, not relations. Other fields
 * of an issue are kept. Each problem names the issue by its element, at
 * the line where the element starts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workflow/import_md.h"
#include "yoi/file.h"
#include "yoi/import.h"

#define TOOL "github"

static int oom(yoi_error *err, const char *path)
{
	return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
}

/* The fields the mapping uses; any other is kept. */
static const char *const mapped[] = {
    "number", "title",	   "body",     "state",	   "labels",	"assignees",
    "author", "createdAt", "closedAt", "comments", "updatedAt", "stateReason"};
#define NMAPPED (sizeof(mapped) / sizeof(*mapped))

/* Where one issue's problems are reported. */
typedef struct at {
	yoi_import_set *set;
	const char *path;
	int line;
	size_t index; /* 1-based element of the array */
} at;

static void bad(const at *a, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void bad(const at *a, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yoi_diag_add(&a->set->problems, YOI_DIAG_ERROR, code, a->path, a->line,
		     "issue %zu of the array: %s", a->index, msg);
}

/*
 * The offset where each element of the top-level array starts, for the
 * lines of messages (jansson gives none for values). buf is valid JSON
 * (jansson read it) whose top level is an array.
 */
static int element_starts(const char *buf, size_t len, size_t **out, size_t *n)
{
	size_t cap = 0, depth = 0;
	bool str = false, esc = false, expect = false;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (depth == 1 && expect && c != ']') {
			if (YOI_GROW(*out, *n, cap, 64))
				return YOI_ENOMEM;
			(*out)[(*n)++] = i;
			expect = false;
		}
		if (c == '"') {
			str = true;
		} else if (c == '[' || c == '{') {
			if (++depth == 1)
				expect = true;
		} else if (c == ']' || c == '}') {
			if (depth)
				depth--;
		} else if (c == ',' && depth == 1) {
			expect = true;
		}
	}
	return 0;
}

/* A string member, or NULL (absent or null); another type is a problem. */
static const char *str(const at *a, const json_t *o, const char *key, bool *ok)
{
	const json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	bad(a, YOI_IMP_BAD_FIELD, "'%s' is not a string; correct it", key);
	*ok = false;
	return NULL;
}

/* The login of an author or assignee object ({"login": ...}), or NULL. */
static const char *login(const at *a, const json_t *v, const char *what,
			 bool *ok)
{
	const json_t *l;

	if (!v || json_is_null(v))
		return NULL;
	l = json_object_get(v, "login");
	if (json_is_object(v) && json_is_string(l))
		return json_string_value(l);
	bad(a, YOI_IMP_BAD_FIELD,
	    "'%s' is not a user ({\"login\": ...}); "
	    "correct it",
	    what);
	*ok = false;
	return NULL;
}

static int set_str(char **slot, const char *v)
{
	if (!v)
		return 0;
	*slot = yoi_strdup(v);
	return *slot ? 0 : YOI_ENOMEM;
}

/* A time member into *slot (normalised); not one: a problem. */
static int time_of(const at *a, const json_t *o, const char *key, char **slot,
		   bool *ok)
{
	char tm[YOI_TIME_LEN + 1];
	const char *v = str(a, o, key, ok);

	if (!v)
		return 0;
	if (yoi_impmd_time(v, tm)) {
		bad(a, YOI_IMP_BAD_TIME,
		    "'%s' is not a time (RFC 3339, as 2026-11-02T09:14:07Z); "
		    "correct it",
		    key);
		*ok = false;
		/* The one error for it: the set is refused anyway. */
		return set_str(slot, v);
	}
	return set_str(slot, tm);
}

static int labels(const at *a, yoi_import_ticket *t, const json_t *v, bool *ok)
{
	size_t i;
	const json_t *l;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		bad(a, YOI_IMP_BAD_FIELD, "'%s' is not a list; correct it",
		    "labels");
		*ok = false;
		return 0;
	}
	json_array_foreach(v, i, l)
	{
		const json_t *name =
		    json_is_object(l) ? json_object_get(l, "name") : l;

		if (!json_is_string(name)) {
			bad(a, YOI_IMP_BAD_FIELD,
			    "a label is not {\"name\": ...}; correct it");
			*ok = false;
			continue;
		}
		if (yoi_strv_push(&t->labels, json_string_value(name)))
			return YOI_ENOMEM;
	}
	return 0;
}

/* The first assignee; more than one: all their logins kept. */
static int assignees(const at *a, yoi_import_ticket *t, const json_t *v,
		     json_t *kept, bool *ok)
{
	json_t *all;
	size_t i;
	const json_t *u;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		bad(a, YOI_IMP_BAD_FIELD, "'%s' is not a list; correct it",
		    "assignees");
		*ok = false;
		return 0;
	}
	all = json_array();
	if (!all)
		return YOI_ENOMEM;
	json_array_foreach(v, i, u)
	{
		const char *l = login(a, u, "assignees", ok);

		if (l && json_array_append_new(all, json_string(l))) {
			json_decref(all);
			return YOI_ENOMEM;
		}
	}
	if (json_array_size(all) &&
	    set_str(&t->assignee, json_string_value(json_array_get(all, 0)))) {
		json_decref(all);
		return YOI_ENOMEM;
	}
	if (json_array_size(all) > 1)
		return yoi_impmd_set(kept, "assignees", all) ? 0 : YOI_ENOMEM;
	json_decref(all);
	return 0;
}

static int comments(const at *a, yoi_import_ticket *t, const json_t *v,
		    bool *ok)
{
	size_t i;
	const json_t *c;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		bad(a, YOI_IMP_BAD_FIELD, "'%s' is not a list; correct it",
		    "comments");
		*ok = false;
		return 0;
	}
	json_array_foreach(v, i, c)
	{
		char *when = NULL, *text;
		const char *who, *body;
		bool cok = true;
		int rc;

		if (!json_is_object(c)) {
			bad(a, YOI_IMP_BAD_FIELD,
			    "a comment is not an object; correct it");
			*ok = false;
			continue;
		}
		who = login(a, json_object_get(c, "author"), "comments.author",
			    &cok);
		body = str(a, c, "body", &cok);
		rc = time_of(a, c, "createdAt", &when, &cok);
		if (rc)
			return rc;
		if (!cok) {
			free(when);
			*ok = false;
			continue;
		}
		text =
		    yoi_impmd_trim(body ? body : "", body ? strlen(body) : 0);
		rc = text ? yoi_import_add_event(t, "comment", who, when, text)
			  : YOI_ENOMEM;
		free(text);
		free(when);
		if (rc)
			return rc;
	}
	return 0;
}

static int state(const at *a, yoi_import_ticket *t, const json_t *o,
		 json_t *kept, bool *ok)
{
	const char *s = str(a, o, "state", ok);
	const char *reason = str(a, o, "stateReason", ok);

	if (s && !strcasecmp(s, "CLOSED")) {
		char *r = reason && *reason
			      ? yoi_sprintf("Closed on GitHub (%s).", reason)
			      : yoi_strdup("Closed on GitHub.");

		if (!r)
			return YOI_ENOMEM;
		t->resolution = r;
		return set_str(&t->state, "closed");
	}
	if (s && strcasecmp(s, "OPEN")) {
		char q[YOI_QUOTE_MAX + 8];

		yoi_quote(q, sizeof(q), s);
		yoi_diag_add(&a->set->problems, YOI_DIAG_WARNING,
			     YOI_IMP_UNMAPPED, a->path, a->line,
			     "issue %zu of the array: the state '%s' is "
			     "neither OPEN nor CLOSED; the ticket is imported "
			     "as ready and the state kept",
			     a->index, q);
		if (!yoi_impmd_set(kept, "state", json_string(s)))
			return YOI_ENOMEM;
	}
	if (reason && *reason &&
	    !yoi_impmd_set(kept, "stateReason", json_string(reason)))
		return YOI_ENOMEM;
	return set_str(&t->state, "ready");
}

static int issue(yoi_import_set *set, const json_t *o, const at *a)
{
	yoi_import_ticket *t;
	const json_t *num = json_object_get(o, "number");
	char id[32] = "";
	const char *title, *body, *who;
	json_t *kept;
	bool ok = true;
	const char *key;
	json_t *val;
	int rc = 0;

	if (json_is_integer(num) && json_integer_value(num) > 0)
		snprintf(id, sizeof(id), "%lld",
			 (long long)json_integer_value(num));
	else if (num)
		bad(a, YOI_IMP_BAD_FIELD,
		    "'%s' is not a positive whole number; correct it",
		    "number");
	t = yoi_import_add(set, *id ? id : NULL, a->path, a->line);
	kept = json_object();
	if (!t || !kept) {
		json_decref(kept);
		return YOI_ENOMEM;
	}
	title = str(a, o, "title", &ok);
	body = str(a, o, "body", &ok);
	who = login(a, json_object_get(o, "author"), "author", &ok);
	if ((rc = set_str(&t->title, title)) || (rc = set_str(&t->author, who)))
		goto out;
	t->body = yoi_impmd_trim(body ? body : "", body ? strlen(body) : 0);
	if (!t->body) {
		rc = YOI_ENOMEM;
		goto out;
	}
	if ((rc = state(a, t, o, kept, &ok)) ||
	    (rc = time_of(a, o, "createdAt", &t->created_at, &ok)) ||
	    (rc = time_of(a, o, "updatedAt", &t->updated_at, &ok)) ||
	    (rc = labels(a, t, json_object_get(o, "labels"), &ok)) ||
	    (rc =
		 assignees(a, t, json_object_get(o, "assignees"), kept, &ok)) ||
	    (rc = comments(a, t, json_object_get(o, "comments"), &ok)))
		goto out;
	if (!strcmp(t->state, "closed")) {
		rc = time_of(a, o, "closedAt", &t->closed_at, &ok);
		if (rc)
			goto out;
	} else if (json_is_string(json_object_get(o, "closedAt"))) {
		/* An open issue closed once: the time is kept. */
		if (!yoi_impmd_set(
			kept, "closedAt",
			json_deep_copy(json_object_get(o, "closedAt"))))
			rc = YOI_ENOMEM;
	}
	json_object_foreach((json_t *)o, key, val)
	{
		if (rc == 0 && yoi_str_index(mapped, NMAPPED, key) == NMAPPED &&
		    !yoi_impmd_set(kept, key, json_deep_copy(val)))
			rc = YOI_ENOMEM;
	}
	if (rc == 0) {
		rc = yoi_impmd_keep(t, kept);
		kept = NULL;
	}
out:
	json_decref(kept);
	return rc;
}

int yoi_import_parse_github(yoi_import_set *set, const char *buf, size_t len,
			    const char *path, yoi_error *err)
{
	json_error_t je;
	json_t *doc;
	size_t *starts = NULL, nstarts = 0, i;
	const json_t *o;
	int rc = 0;

	if (!path)
		path = "issues.json";
	if (!set->tool && !(set->tool = yoi_strdup(TOOL)))
		return oom(err, path);
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		yoi_diag_add(&set->problems, YOI_DIAG_ERROR, YOI_IMP_BAD_JSON,
			     path, je.line > 0 ? je.line : 1,
			     "not valid JSON (%s); export the issues again "
			     "with gh issue list --json ...",
			     je.text);
		return 0;
	}
	if (!json_is_array(doc)) {
		yoi_diag_add(&set->problems, YOI_DIAG_ERROR, YOI_IMP_BAD_JSON,
			     path, 1,
			     "not a JSON array of issues; export them with gh "
			     "issue list --state all --json number,title,body,"
			     "state,labels,assignees,author,createdAt,closedAt,"
			     "comments");
		json_decref(doc);
		return 0;
	}
	if (element_starts(buf, len, &starts, &nstarts)) {
		json_decref(doc);
		return oom(err, path);
	}
	json_array_foreach(doc, i, o)
	{
		at a = {set, path,
			i < nstarts ? yoi_line_at(buf, starts[i]) : 0, i + 1};

		if (!json_is_object(o)) {
			bad(&a, YOI_IMP_BAD_JSON,
			    "not an object (an issue); correct or remove it");
			continue;
		}
		rc = issue(set, o, &a);
		if (rc)
			break;
	}
	free(starts);
	json_decref(doc);
	return rc ? oom(err, path) : 0;
}

int yoi_import_read_github(yoi_import_set *set, const char *path,
			   yoi_error *err)
{
	yoi_buf buf = YOI_BUF_INIT;
	int rc;

	if (!set->tool && !(set->tool = yoi_strdup(TOOL)))
		return oom(err, path);
	if (yoi_is_dir(path))
		return yoi_error_at(err, YOI_ENOTFOUND, path, 0,
				    "is a folder; name the JSON file that gh "
				    "issue list --json ... wrote");
	if (!yoi_exists(path))
		return yoi_error_at(err, YOI_ENOTFOUND, path, 0,
				    "no such file; name the JSON file that gh "
				    "issue list --json ... wrote");
	rc = yoi_impmd_read(set, path, &buf);
	if (rc == 0)
		rc = yoi_import_parse_github(set, buf.ptr, buf.len, path, err);
	else if (rc == 1)
		rc = 0;
	else
		rc = oom(err, path);
	yoi_buf_free(&buf);
	return rc;
}
