/*
 * import_backlog.c - the reader for Backlog.md: a backlog/ folder of task
 * files, Markdown with YAML frontmatter (import.h).
 *
 * The layout the tool writes (backlog init; task create, edit, complete,
 * archive; draft):
 *
 *   backlog/config.yml          statuses: ["To Do", "In Progress", "Done"]
 *   backlog/tasks/task-2.1 - Title.md
 *   backlog/drafts/draft-1 - Title.md
 *   backlog/completed/...       done tasks moved away by `task complete`
 *   backlog/archive/tasks/...   archived tasks (archive/drafts: drafts)
 *   backlog/docs, decisions, milestones   not tasks (not imported)
 *
 * A task file:
 *
 *   ---
 *   id: TASK-2.1
 *   title: Token generation and hashing
 *   status: In Progress
 *   assignee: ['@bob']
 *   reporter: '@ann'
 *   created_date: '2026-12-03 19:46'
 *   updated_date: '2026-12-03 19:50'
 *   labels: [security]
 *   dependencies: [TASK-1]
 *   parent_task_id: TASK-2
 *   priority: high
 *   ordinal: 3000
 *   ---
 *
 *   ## Description
 *
 *   <!-- SECTION:DESCRIPTION:BEGIN -->
 *   ...
 *   <!-- SECTION:DESCRIPTION:END -->
 *
 *   ## Acceptance Criteria
 *   <!-- AC:BEGIN -->
 *   - [x] #1 Migration reviewed
 *   <!-- AC:END -->
 *
 *   ## Comments
 *
 *   <!-- COMMENTS:BEGIN -->
 *   author: @ann
 *   created: 2026-12-03 19:46
 *   ---
 *   Migration merged.
 *   ---
 *   <!-- COMMENTS:END -->
 *
 * The mapping (docs/import-sources.md): the body keeps its sections as
 * level-2 headings without the tool's marker comments; each comment
 * becomes a comment event with its author and time. The status maps by
 * its place in config.yml's list (first: ready, last: done, between:
 * inprogress; Draft: planning); drafts are planning, completed and
 * archived tasks closed. Ids are compared as the tool does, without
 * regard to case (written upper case).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workflow/import_md.h"
#include "yoi/file.h"
#include "yoi/import.h"

#define TOOL "backlog"

static int oom(yoi_error *err, const char *path)
{
	return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
}

/* Where a task file lies decides part of its state. */
typedef enum { LOC_TASK, LOC_DRAFT, LOC_COMPLETED, LOC_ARCHIVED } loc;

/* The fields the mapping uses; any other is kept. */
enum {
	K_ID,
	K_TITLE,
	K_STATUS,
	K_ASSIGNEE,
	K_REPORTER,
	K_CREATED,
	K_UPDATED,
	K_LABELS,
	K_DEPS,
	K_PARENT,
	K_PRIORITY,
	K_TYPE,
	K_N
};
static const char *const mapped[K_N] = {
    "id",	    "title",	      "status",	      "assignee",
    "reporter",	    "created_date",   "updated_date", "labels",
    "dependencies", "parent_task_id", "priority",     "type"};

static const char *const default_statuses[] = {"To Do", "In Progress", "Done"};

/* The last two folder names of path ("" when there are none). */
static void folders(const char *path, char parent[32], char grand[32])
{
	const char *end = strrchr(path, '/'), *p;

	parent[0] = grand[0] = '\0';
	if (!end)
		return;
	for (int k = 0; k < 2; k++) {
		char *out = k ? grand : parent;
		size_t n;

		p = end;
		while (p > path && p[-1] != '/')
			p--;
		n = (size_t)(end - p);
		if (n < 32) {
			memcpy(out, p, n);
			out[n] = '\0';
		}
		if (p == path)
			return;
		end = p - 1;
	}
}

static loc where(const char *path)
{
	char parent[32], grand[32];

	folders(path, parent, grand);
	if (!strcmp(grand, "archive") &&
	    (!strcmp(parent, "tasks") || !strcmp(parent, "drafts")))
		return LOC_ARCHIVED;
	if (!strcmp(parent, "completed"))
		return LOC_COMPLETED;
	if (!strcmp(parent, "drafts"))
		return LOC_DRAFT;
	return LOC_TASK;
}

/* An id as the tool writes it now: upper case (older versions wrote
 * "task-1"; the tool compares them without regard to case). */
static char *upper(const char *s)
{
	char *u = yoi_strdup(s);

	for (char *p = u; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/* "@ann" -> "ann": Backlog.md's mention form. */
static const char *person(const char *s)
{
	return s && s[0] == '@' && s[1] ? s + 1 : s;
}

/*
 * The engine state of a status, by its place in the project's list (the
 * first is where tasks start, the last where they end); a status the list
 * lacks by its usual name. *custom: not one of the tool's defaults;
 * *unknown: not mapped at all (then ready).
 */
static const char *map_status(const char *s, const char *const *st, size_t n,
			      bool *custom, bool *unknown)
{
	size_t i;

	*custom = *unknown = false;
	if (!s || !*s) {
		*unknown = true;
		return "ready";
	}
	if (!strcasecmp(s, "Draft"))
		return "planning";
	for (i = 0; i < 3 && strcasecmp(s, default_statuses[i]); i++)
		;
	*custom = i == 3;
	for (size_t k = 0; k < n; k++)
		if (!strcasecmp(s, st[k]))
			return k == 0	    ? "ready"
			       : k == n - 1 ? "done"
					    : "inprogress";
	if (i < 3)
		return i == 0 ? "ready" : i == 1 ? "inprogress" : "done";
	*unknown = true;
	return "ready";
}

/* ---- the body ----------------------------------------------------------- */

/* "<!-- SECTION:NOTES:BEGIN -->", "<!-- AC:END -->": the tool's markers
 * around the parts it edits; *name gets the marker without its end. */
static bool marker(const char *s, size_t len, char name[64], bool *begin)
{
	size_t a = 5, z;

	len = yoi_impmd_cut_eol(s, len);
	if (len < 14 || memcmp(s, "<!-- ", 5) || memcmp(s + len - 4, " -->", 4))
		return false;
	z = len - 4;
	for (size_t i = a; i < z; i++)
		if (!isupper((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != ':' && !isdigit((unsigned char)s[i]))
			return false;
	if (z - a > 6 && !memcmp(s + z - 6, ":BEGIN", 6)) {
		*begin = true;
		z -= 6;
	} else if (z - a > 4 && !memcmp(s + z - 4, ":END", 4)) {
		*begin = false;
		z -= 4;
	} else {
		return false;
	}
	if (z - a >= 64)
		return false;
	memcpy(name, s + a, z - a);
	name[z - a] = '\0';
	return true;
}

typedef struct comment {
	char *author, *at;
	size_t from, to; /* the text: [from, to) of the block */
	bool open;	 /* in the header lines (no "---" yet) */
} comment;

static void comments_free(comment *v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		free(v[k].author);
		free(v[k].at);
	}
	free(v);
}

/* One "key: value" line of a comment's header into c (author, created). */
static int header(comment *c, const char *s, size_t len, bool *ok)
{
	const char *colon = memchr(s, ':', len), *a;
	char **slot = NULL;

	if (colon && colon - s == 6 && !memcmp(s, "author", 6))
		slot = &c->author;
	else if (colon && colon - s == 7 && !memcmp(s, "created", 7))
		slot = &c->at;
	if (!slot || *slot) {
		*ok = false;
		return 0;
	}
	for (a = colon + 1; a < s + len && (*a == ' ' || *a == '\t'); a++)
		;
	*slot = yoi_strndup(a, (size_t)(s + len - a));
	return *slot ? 0 : YOI_ENOMEM;
}

/*
 * The comments between the markers, [s, s+len): blocks of "key: value"
 * lines (author, created), a "---" line, the text, a "---" line. Each
 * becomes a comment event; *ok false (nothing added) when the block is
 * not of that shape.
 */
static int comments(yoi_import_ticket *t, const char *s, size_t len, bool *ok)
{
	comment *v = NULL;
	size_t n = 0, cap = 0, i = 0;
	bool in_text = false;
	int rc = 0;

	*ok = true;
	while (i < len && *ok && rc == 0) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t l = (nl ? (size_t)(nl - s) : len) - i;
		size_t c = yoi_impmd_cut_eol(s + i, l),
		       next = i + l + (nl ? 1 : 0);
		bool rule = c == 3 && !memcmp(s + i, "---", 3);

		if (in_text) {
			if (rule) {
				v[n - 1].to = i;
				in_text = false;
			}
		} else if (rule || !yoi_impmd_blank(s + i, l)) {
			if (n == 0 || !v[n - 1].open) {
				if (YOI_GROW(v, n, cap, 4)) {
					rc = YOI_ENOMEM;
					break;
				}
				memset(&v[n], 0, sizeof(*v));
				v[n++].open = true;
			}
			if (rule) {
				v[n - 1].open = false;
				v[n - 1].from = next;
				in_text = true;
			} else {
				rc = header(&v[n - 1], s + i, c, ok);
			}
		}
		i = next;
	}
	if (in_text || (n && v[n - 1].open))
		*ok = false;
	for (size_t k = 0; rc == 0 && *ok && k < n; k++) {
		char at[YOI_TIME_LEN + 1];

		if (!v[k].at || yoi_impmd_time(v[k].at, at))
			*ok = false;
	}
	for (size_t k = 0; rc == 0 && *ok && k < n; k++) {
		char at[YOI_TIME_LEN + 1];
		char *text = yoi_impmd_trim(s + v[k].from, v[k].to - v[k].from);

		yoi_impmd_time(v[k].at, at);
		if (!text)
			rc = YOI_ENOMEM;
		else
			rc = yoi_import_add_event(
			    t, "comment", person(v[k].author), at, text);
		free(text);
	}
	comments_free(v, n);
	return rc;
}

/* The offset just past the line at i in [s, s+len), and its length. */
static size_t next_line(const char *s, size_t len, size_t i, size_t *l)
{
	const char *nl = memchr(s + i, '\n', len - i);

	*l = (nl ? (size_t)(nl - s) : len) - i;
	return i + *l + (nl ? 1 : 0);
}

/*
 * The body without the tool's marker lines; the comments block as
 * events (its "## Comments" heading leaves the body with it). line0: the
 * file's line of the body's first byte.
 */
static int body(yoi_import_set *set, yoi_import_ticket *t, const char *s,
		size_t len, const char *path, int line0)
{
	yoi_buf b = YOI_BUF_INIT;
	size_t i = 0, heading = (size_t)-1;
	int rc = 0;

	while (i < len && rc == 0) {
		size_t l, next = next_line(s, len, i, &l);
		size_t c = yoi_impmd_cut_eol(s + i, l);
		char name[64];
		bool begin, ok;

		if (!marker(s + i, l, name, &begin)) {
			if (c == 11 && !memcmp(s + i, "## Comments", 11))
				heading = b.len;
			else if (!yoi_impmd_blank(s + i, l))
				heading = (size_t)-1;
			yoi_buf_put(&b, s + i, next - i);
			i = next;
			continue;
		}
		i = next;
		if (!begin || strcmp(name, "COMMENTS"))
			continue; /* a marker line: dropped */
		/* The comments run to their end marker. */
		size_t j = i, end = len, after = len;

		while (j < len) {
			size_t l2, n2 = next_line(s, len, j, &l2);

			if (marker(s + j, l2, name, &begin) && !begin &&
			    !strcmp(name, "COMMENTS")) {
				end = j;
				after = n2;
				break;
			}
			j = n2;
		}
		ok = end < len;
		if (ok)
			rc = comments(t, s + i, end - i, &ok);
		if (rc == 0 && ok) {
			/* The heading and the blank lines around the block
			 * go with it. */
			if (heading != (size_t)-1) {
				b.len = heading;
				b.ptr[b.len] = '\0';
			}
			while (b.len && (b.ptr[b.len - 1] == '\n' ||
					 b.ptr[b.len - 1] == '\r'))
				b.ptr[--b.len] = '\0';
			if (b.len)
				yoi_buf_puts(&b, "\n\n");
			while (after < len) {
				size_t l2, n2 = next_line(s, len, after, &l2);

				if (!yoi_impmd_blank(s + after, l2))
					break;
				after = n2;
			}
		} else if (rc == 0) {
			yoi_diag_add(&set->problems, YOI_DIAG_WARNING,
				     YOI_IMP_UNMAPPED, path,
				     line0 + yoi_line_at(s, i) - 2,
				     "the comments are not in Backlog.md's "
				     "form (author, created, ---, text, ---, "
				     "up to the end marker); they stay in "
				     "the body as text");
			yoi_buf_put(&b, s + i, end - i);
		}
		heading = (size_t)-1;
		i = after;
	}
	if (rc == 0)
		rc = yoi_impmd_set_body(t, &b);
	yoi_buf_free(&b);
	return rc;
}

/* ---- one task file ------------------------------------------------------ */

typedef struct statuses {
	const char *const *v;
	size_t n;
} statuses;

/* A field's task ids (a list, or one scalar) as relations of kind. */
static int rels(yoi_import_set *set, yoi_import_ticket *t, const char *path,
		const yoi_field *f, const char *kind, const char *note,
		bool *keep)
{
	return yoi_impmd_rels(set, t, path, f, kind, note,
			      "a task id nor a list of them", upper, keep);
}

/* The first of a list or a scalar (NULL: none); *more when a list holds
 * more than one. */
static const char *first(const yoi_field *f, bool *more)
{
	*more = false;
	if (!f)
		return NULL;
	if (f->type == YOI_FIELD_SCALAR)
		return f->value && *f->value ? f->value : NULL;
	if (f->type == YOI_FIELD_LIST && f->nlist) {
		*more = f->nlist > 1;
		return f->list[0];
	}
	return NULL;
}

static int set_str(char **slot, const char *v)
{
	*slot = yoi_strdup(v);
	return *slot ? 0 : YOI_ENOMEM;
}

static int map(yoi_import_set *set, yoi_import_ticket *t, const yoi_item *it,
	       const char *path, const statuses *st)
{
	const yoi_field *f[K_N];
	bool keep[K_N] = {false};
	char tm[YOI_TIME_LEN + 1];
	const char *v, *state;
	bool custom, unknown, more;
	loc at = where(path);
	const char *b;
	size_t blen;
	int rc = 0;

	for (int k = 0; k < K_N; k++)
		f[k] = yoi_item_field(it, mapped[k]);

	v = yoi_item_get(it, "title");
	if (v && *v && (rc = set_str(&t->title, v)))
		return rc;

	v = yoi_item_get(it, "status");
	state = map_status(v, st->v, st->n, &custom, &unknown);
	if (unknown && v && *v)
		yoi_impmd_warn(
		    set, path, f[K_STATUS],
		    "the status '%s' is not in backlog/config.yml's list; the "
		    "ticket is imported as ready and the status kept",
		    v);
	keep[K_STATUS] = custom || unknown;
	if (at == LOC_DRAFT) {
		state = "planning";
	} else if (at == LOC_COMPLETED || at == LOC_ARCHIVED) {
		state = "closed";
		keep[K_STATUS] = at == LOC_ARCHIVED || keep[K_STATUS];
		if ((rc = set_str(&t->resolution,
				  at == LOC_ARCHIVED
				      ? "Archived in Backlog.md."
				      : "Completed in Backlog.md.")))
			return rc;
	}
	keep[K_STATUS] = keep[K_STATUS] && f[K_STATUS];
	if ((rc = set_str(&t->state, state)))
		return rc;

	rc = yoi_impmd_created(set, t, it, f[K_CREATED], path,
			       "'created_date' is not a date (as '2026-12-03 "
			       "19:46'); correct it",
			       tm);
	if (rc)
		return rc;
	v = yoi_item_get(it, "updated_date");
	if (v && yoi_impmd_time(v, tm) == 0) {
		if ((rc = set_str(&t->updated_at, tm)))
			return rc;
	} else {
		yoi_impmd_unmapped(set, path, f[K_UPDATED],
				   "'updated_date' '%s' is not a date; it is "
				   "kept in the ticket",
				   v, &keep[K_UPDATED]);
	}

	v = yoi_item_get(it, "priority");
	if (v && (!strcasecmp(v, "high") || !strcasecmp(v, "medium") ||
		  !strcasecmp(v, "low"))) {
		if ((rc = set_str(&t->priority, !strcasecmp(v, "high") ? "P1"
						: !strcasecmp(v, "medium")
						    ? "P2"
						    : "P3")))
			return rc;
	} else {
		yoi_impmd_unmapped(set, path, f[K_PRIORITY],
				   "the priority '%s' is not high, medium or "
				   "low; it is kept in the ticket, which gets "
				   "none",
				   v, &keep[K_PRIORITY]);
	}

	v = first(f[K_ASSIGNEE], &more);
	if (v && *person(v) && (rc = set_str(&t->assignee, person(v))))
		return rc;
	/* The engine has one assignee: the others stay with the list. */
	keep[K_ASSIGNEE] = more || (f[K_ASSIGNEE] && !v &&
				    f[K_ASSIGNEE]->type == YOI_FIELD_OTHER);
	v = first(f[K_REPORTER], &more);
	if (v && *person(v) && (rc = set_str(&t->author, person(v))))
		return rc;
	keep[K_REPORTER] = more;

	if (f[K_LABELS]) {
		bool ok;

		if ((rc = yoi_impmd_strings(f[K_LABELS], &t->labels, &ok)))
			return rc;
		keep[K_LABELS] = !ok;
	}
	if ((rc = yoi_impmd_type_label(t, it, f[K_TYPE], &keep[K_TYPE])))
		return rc;
	rc = rels(set, t, path, f[K_DEPS], "depends_on", NULL, &keep[K_DEPS]);
	if (rc == 0)
		rc = rels(set, t, path, f[K_PARENT], "related",
			  "parent in Backlog.md: this is the child",
			  &keep[K_PARENT]);
	if (rc)
		return rc;

	b = yoi_item_body(it, &blen);
	if ((rc = body(set, t, b, blen, path, it->body_line)))
		return rc;

	return yoi_impmd_keep_unmapped(t, it, mapped, K_N, keep);
}

static int parse(yoi_import_set *set, const char *buf, size_t len,
		 const char *path, const statuses *st, yoi_error *err)
{
	yoi_item *it = NULL;
	yoi_import_ticket *t;
	const yoi_field *idf;
	char *id = NULL;
	const char *raw;
	int rc;

	if (!set->tool && !(set->tool = yoi_strdup(TOOL)))
		return oom(err, path);
	rc = yoi_impmd_parse(set, buf, len, path, &it);
	if (rc == 1)
		return 0;
	if (rc)
		return oom(err, path);
	idf = yoi_item_field(it, "id");
	raw = yoi_item_get(it, "id");
	if (raw && *raw && !(id = upper(raw))) {
		yoi_item_free(it);
		return oom(err, path);
	}
	t = yoi_import_add(set, id, path, idf ? idf->line : 1);
	rc = t ? map(set, t, it, path, st) : YOI_ENOMEM;
	free(id);
	yoi_item_free(it);
	return rc ? oom(err, path) : 0;
}

int yoi_import_parse_backlog(yoi_import_set *set, const char *buf, size_t len,
			     const char *path, yoi_error *err)
{
	const statuses st = {default_statuses, 3};

	return parse(set, buf, len, path ? path : "task.md", &st, err);
}

/* ---- the folder --------------------------------------------------------- */

/*
 * The statuses of config.yml (root/config.yml, or backlog.config.yml
 * beside root), into *out; the defaults when there is none. A config the
 * YAML reader refuses is a warning (the defaults are used).
 */
static int config(yoi_import_set *set, const char *root, yoi_strv *out)
{
	const char *names[] = {"%s/config.yml", "%s/../backlog.config.yml"};
	yoi_buf buf = YOI_BUF_INIT, doc = YOI_BUF_INIT;
	yoi_import_set scratch = {0};
	yoi_item *it = NULL;
	char *path = NULL;
	int rc = 0;

	for (size_t i = 0; i < 2 && !path; i++) {
		path = yoi_sprintf(names[i], root);
		if (!path)
			return YOI_ENOMEM;
		if (!yoi_exists(path)) {
			free(path);
			path = NULL;
		}
	}
	if (path) {
		rc = yoi_impmd_read(set, path, &buf);
		if (rc == 0) {
			/* The item reader reads a YAML mapping between
			 * "---" lines: config.yml is one without them. */
			yoi_buf_puts(&doc, "---\n");
			yoi_buf_put(&doc, buf.ptr, buf.len);
			if (buf.len && buf.ptr[buf.len - 1] != '\n')
				yoi_buf_putc(&doc, '\n');
			yoi_buf_puts(&doc, "---\n");
			rc = yoi_buf_oom(&doc)
				 ? YOI_ENOMEM
				 : yoi_impmd_parse(&scratch, doc.ptr, doc.len,
						   path, &it);
		}
		if (rc == 1 && scratch.problems.n) {
			const yoi_diag_entry *e = &scratch.problems.v[0];

			yoi_diag_add(&set->problems, YOI_DIAG_WARNING,
				     YOI_IMP_BAD_YAML, path,
				     e->line > 1 ? e->line - 1 : e->line,
				     "%s; the statuses To Do, In Progress "
				     "and Done are used",
				     e->message);
		}
		if (rc == 1)
			rc = 0;
	}
	if (it) {
		const yoi_field *f = yoi_item_field(it, "statuses");

		if (f && f->type == YOI_FIELD_LIST)
			for (size_t i = 0; rc == 0 && i < f->nlist; i++)
				rc = yoi_strv_push(out, f->list[i]);
	}
	for (size_t i = 0; rc == 0 && out->n == 0 && i < 3; i++)
		rc = yoi_strv_push(out, default_statuses[i]);
	yoi_item_free(it);
	yoi_import_set_free(&scratch);
	yoi_buf_free(&buf);
	yoi_buf_free(&doc);
	free(path);
	return rc;
}

/* The task folders, in the order their tasks are read. */
static const char *const task_dirs[] = {"tasks", "drafts", "completed",
					"archive/tasks", "archive/drafts"};
/* Folders of the tool that hold no tasks: said, not imported. */
static const char *const other_dirs[] = {"docs", "decisions", "milestones",
					 "archive/milestones"};

static char *find_root(const char *path)
{
	static const char *const names[] = {"%s/backlog", "%s/.backlog"};

	for (size_t i = 0; i < 2; i++) {
		char *p = yoi_sprintf(names[i], path);

		if (!p || yoi_is_dir(p))
			return p;
		free(p);
	}
	return yoi_strdup(path);
}

int yoi_import_read_backlog(yoi_import_set *set, const char *path,
			    yoi_error *err)
{
	yoi_strv st = {0};
	yoi_buf buf = YOI_BUF_INIT;
	char *root;
	size_t found = 0;
	int rc = 0;

	if (!set->tool && !(set->tool = yoi_strdup(TOOL)))
		return oom(err, path);
	if (!yoi_is_dir(path))
		return yoi_error_at(err, YOI_ENOTFOUND, path, 0,
				    "no such folder; name Backlog.md's "
				    "backlog/ folder or the folder holding it");
	root = find_root(path);
	if (!root)
		return oom(err, path);
	rc = config(set, root, &st);
	for (size_t d = 0;
	     rc == 0 && d < sizeof(task_dirs) / sizeof(*task_dirs); d++) {
		yoi_strv files = {0};
		char *dir = yoi_sprintf("%s/%s", root, task_dirs[d]);
		const statuses sv = {(const char *const *)st.v, st.n};

		rc = dir ? yoi_impmd_list(dir, &files, err) : YOI_ENOMEM;
		found += files.n;
		for (size_t i = 0; rc == 0 && i < files.n; i++) {
			int r = yoi_impmd_read(set, files.v[i], &buf);

			if (r == 0)
				rc = parse(set, buf.ptr, buf.len, files.v[i],
					   &sv, err);
			else if (r < 0)
				rc = YOI_ENOMEM;
		}
		yoi_strv_free(&files);
		free(dir);
	}
	for (size_t d = 0;
	     rc == 0 && found && d < sizeof(other_dirs) / sizeof(*other_dirs);
	     d++) {
		yoi_strv files = {0};
		char *dir = yoi_sprintf("%s/%s", root, other_dirs[d]);

		rc = dir ? yoi_impmd_list(dir, &files, err) : YOI_ENOMEM;
		if (rc == 0 && files.n)
			yoi_diag_add(&set->problems, YOI_DIAG_WARNING,
				     YOI_IMP_NOT_TASK, dir, 0,
				     "%zu file(s) here are not tasks; they are "
				     "not imported (keep them in the "
				     "repository as documents)",
				     files.n);
		yoi_strv_free(&files);
		free(dir);
	}
	if (rc == 0 && !found)
		rc = yoi_error_at(err, YOI_ENOTFOUND, root, 0,
				  "holds no Backlog.md task (tasks/, drafts/, "
				  "completed/, archive/); name the backlog/ "
				  "folder or the folder holding it");
	else if (rc == YOI_ENOMEM)
		rc = oom(err, path);
	yoi_strv_free(&st);
	yoi_buf_free(&buf);
	free(root);
	return rc;
}
