/*
 * import_tk.c - the reader for tk (wedow/ticket): a .tickets/ folder of
 * Markdown files with YAML frontmatter, one per ticket (import.h).
 *
 * A ticket file as tk writes it:
 *
 *   ---
 *   id: tkg-8j1c
 *   status: open                  open, in_progress, needs_testing, closed
 *   deps: [tkg-cwzy, tkg-n7z9]    this ticket depends on those
 *   links: [tkg-3125]             symmetric: both files list each other
 *   created: 2026-12-03T09:35:48Z
 *   type: task
 *   priority: 2                   0 (highest) .. 4
 *   assignee: erin
 *   parent: tkg-f7yh
 *   tags: [auth]
 *   external-ref: gh-42
 *   ---
 *   # Title
 *
 *   Description, then ## Design, ## Acceptance Criteria ...
 *
 *   ## Notes
 *
 *   **2026-12-03T09:35:49Z**
 *
 *   A note (`tk add-note`), appended at the end of the file.
 *
 * The mapping (docs/import-sources.md): the title is the first "# " line
 * of the body; each timestamped note becomes a comment event at its time
 * (the Notes section leaves the body); deps are depends_on, links related,
 * parent a related relation noted "parent in tk: this is the child";
 * tags are labels, and the type one more ("type:bug", as the beads
 * reader does); external-ref and any other field are kept.
 */
#include <stdlib.h>
#include <string.h>

#include "workflow/import_md.h"
#include "yoi/file.h"
#include "yoi/import.h"

#define TOOL "tk"

static int oom(yoi_error *err, const char *path)
{
	return yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
}

/* The fields the mapping uses; any other is kept. */
enum {
	K_ID,
	K_STATUS,
	K_DEPS,
	K_LINKS,
	K_CREATED,
	K_PRIORITY,
	K_ASSIGNEE,
	K_PARENT,
	K_TAGS,
	K_TYPE,
	K_N
};
static const char *const mapped[K_N] = {
    "id",	"status",   "deps",   "links", "created",
    "priority", "assignee", "parent", "tags",  "type"};

static const struct {
	const char *tk, *state;
} states[] = {
    {"open", "ready"},
    {"in_progress", "inprogress"},
    {"needs_testing", "done"},
    {"closed", "closed"},
};

/* One line of the body: [s, s+len), without its line break. */
typedef struct line {
	const char *s;
	size_t len;
} line;

static bool line_is(const char *s, size_t len, const char *what)
{
	len = yoi_impmd_cut_eol(s, len);
	return len == strlen(what) && !memcmp(s, what, len);
}

/* A note's stamp line "**<time>**": its time into out. */
static bool stamp(const char *s, size_t len, char out[YOI_TIME_LEN + 1])
{
	char tmp[40];

	len = yoi_impmd_cut_eol(s, len);
	if (len < 5 || len - 4 >= sizeof(tmp) || memcmp(s, "**", 2) ||
	    memcmp(s + len - 2, "**", 2))
		return false;
	memcpy(tmp, s + 2, len - 4);
	tmp[len - 4] = '\0';
	return yoi_impmd_time(tmp, out) == 0;
}

/*
 * The Notes section [s, s+len) (after its heading line): each stamped
 * note becomes a comment event; text before the first stamp stays in the
 * body (into body, under the heading). *latest: the latest note time.
 */
static int notes(yoi_import_ticket *t, const char *s, size_t len, yoi_buf *body,
		 char latest[YOI_TIME_LEN + 1])
{
	char at[YOI_TIME_LEN + 1] = "", next[YOI_TIME_LEN + 1];
	size_t i = 0, from = 0;
	bool first = true;

	for (;;) {
		const char *nl = i < len ? memchr(s + i, '\n', len - i) : NULL;
		size_t l = (nl ? (size_t)(nl - s) : len) - i;
		bool end = i >= len, is = !end && stamp(s + i, l, next);

		if (end || is) {
			char *text = yoi_impmd_trim(s + from, i - from);

			if (!text)
				return YOI_ENOMEM;
			if (first && *text) {
				yoi_buf_puts(body, "\n## Notes\n\n");
				yoi_buf_puts(body, text);
			} else if (!first &&
				   yoi_import_add_event(t, "comment", NULL, at,
							text)) {
				free(text);
				return YOI_ENOMEM;
			}
			free(text);
			if (end)
				break;
			first = false;
			memcpy(at, next, sizeof(at));
			if (strcmp(at, latest) > 0)
				memcpy(latest, at, sizeof(at));
			from = i + l + (nl ? 1 : 0);
		}
		i += l + (nl ? 1 : 0);
	}
	return 0;
}

/*
 * The body after the frontmatter: the title (the first "# " line), the
 * text around it, and the notes.
 */
static int body(yoi_import_ticket *t, const char *s, size_t len,
		char latest[YOI_TIME_LEN + 1])
{
	yoi_buf b = YOI_BUF_INIT;
	size_t i = 0, notes_at = len, notes_end = len;
	bool titled = false;
	int rc = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t l = (nl ? (size_t)(nl - s) : len) - i;
		size_t next = i + l + (nl ? 1 : 0);

		if (!titled && l >= 2 && !memcmp(s + i, "# ", 2)) {
			size_t a = 2, z = yoi_impmd_cut_eol(s + i, l);

			while (a < z && (s[i + a] == ' ' || s[i + a] == '\t'))
				a++;
			/* "# " alone: the spaces cut leave z below a. */
			t->title = yoi_strndup(s + i + a, z > a ? z - a : 0);
			if (!t->title)
				rc = YOI_ENOMEM;
			titled = true;
		} else if (line_is(s + i, l, "## Notes")) {
			notes_at = next;
			break;
		} else {
			yoi_buf_put(&b, s + i, next - i);
		}
		i = next;
	}
	{
		char *main = yoi_impmd_trim(b.ptr ? b.ptr : "", b.len);

		yoi_buf_clear(&b);
		if (!main)
			rc = YOI_ENOMEM;
		else
			yoi_buf_puts(&b, main);
		free(main);
	}
	if (rc == 0 && notes_at < len)
		rc = notes(t, s + notes_at, notes_end - notes_at, &b, latest);
	if (rc == 0)
		rc = yoi_impmd_set_body(t, &b);
	yoi_buf_free(&b);
	return rc;
}

/* A list field's targets as relations of kind (note may be NULL). */
static int rels(yoi_import_set *set, yoi_import_ticket *t, const char *path,
		const yoi_field *f, const char *kind, const char *note,
		bool *keep)
{
	return yoi_impmd_rels(set, t, path, f, kind, note,
			      "an id nor a list of ids", NULL, keep);
}

static int map(yoi_import_set *set, yoi_import_ticket *t, const yoi_item *it,
	       const char *path)
{
	const yoi_field *f[K_N];
	bool keep[K_N] = {false};
	char created[YOI_TIME_LEN + 1] = "", latest[YOI_TIME_LEN + 1] = "";
	const char *v;
	size_t blen;
	const char *b;
	int rc = 0;

	for (int k = 0; k < K_N; k++)
		f[k] = yoi_item_field(it, mapped[k]);

	v = yoi_item_get(it, "status");
	{
		size_t k = 0;

		while (v && k < sizeof(states) / sizeof(*states) &&
		       strcmp(states[k].tk, v))
			k++;
		if (v && k < sizeof(states) / sizeof(*states)) {
			t->state = yoi_strdup(states[k].state);
		} else {
			yoi_impmd_warn(
			    set, path, f[K_STATUS],
			    v ? "the status '%s' is not one of tk's (open, "
				"in_progress, needs_testing, closed); the "
				"ticket is imported as ready and the status "
				"kept"
			      : "the ticket has no status%s; it is imported "
				"as ready",
			    v ? v : "");
			keep[K_STATUS] = f[K_STATUS] != NULL;
			t->state = yoi_strdup("ready");
		}
		if (!t->state)
			return YOI_ENOMEM;
	}

	rc = yoi_impmd_created(set, t, it, f[K_CREATED], path,
			       "'created' is not a time (RFC 3339, as "
			       "2026-12-03T09:35:48Z); correct it",
			       created);
	if (rc)
		return rc;

	v = yoi_item_get(it, "priority");
	if (v && strlen(v) == 1 && v[0] >= '0' && v[0] <= '4') {
		t->priority = yoi_sprintf("P%c", v[0]);
		if (!t->priority)
			return YOI_ENOMEM;
	} else {
		yoi_impmd_unmapped(
		    set, path, f[K_PRIORITY],
		    "the priority '%s' is not 0-4; it is kept in "
		    "the ticket, which gets none",
		    v, &keep[K_PRIORITY]);
	}

	v = yoi_item_get(it, "assignee");
	if (v && *v) {
		t->assignee = yoi_strdup(v);
		if (!t->assignee)
			return YOI_ENOMEM;
	} else if (f[K_ASSIGNEE] && f[K_ASSIGNEE]->type != YOI_FIELD_NULL &&
		   !v) {
		keep[K_ASSIGNEE] = true;
	}

	if (f[K_TAGS]) {
		bool ok;

		rc = yoi_impmd_strings(f[K_TAGS], &t->labels, &ok);
		if (rc)
			return rc;
		keep[K_TAGS] = !ok;
	}
	rc = yoi_impmd_type_label(t, it, f[K_TYPE], &keep[K_TYPE]);
	if (rc)
		return rc;

	rc = rels(set, t, path, f[K_DEPS], "depends_on", NULL, &keep[K_DEPS]);
	if (rc == 0)
		rc = rels(set, t, path, f[K_LINKS], "related", NULL,
			  &keep[K_LINKS]);
	if (rc == 0)
		rc = rels(set, t, path, f[K_PARENT], "related",
			  "parent in tk: this is the child", &keep[K_PARENT]);
	if (rc)
		return rc;

	b = yoi_item_body(it, &blen);
	rc = body(t, b, blen, latest);
	if (rc)
		return rc;
	if (*created && strcmp(latest, created) > 0) {
		t->updated_at = yoi_strdup(latest);
		if (!t->updated_at)
			return YOI_ENOMEM;
	}
	if (!strcmp(t->state, "closed")) {
		t->resolution = yoi_strdup("Closed in tk.");
		if (!t->resolution)
			return YOI_ENOMEM;
	}

	return yoi_impmd_keep_unmapped(t, it, mapped, K_N, keep);
}

int yoi_import_parse_tk(yoi_import_set *set, const char *buf, size_t len,
			const char *path, yoi_error *err)
{
	yoi_item *it = NULL;
	yoi_import_ticket *t;
	const yoi_field *id;
	int rc;

	if (!path)
		path = "ticket.md";
	if (!set->tool && !(set->tool = yoi_strdup(TOOL)))
		return oom(err, path);
	rc = yoi_impmd_parse(set, buf, len, path, &it);
	if (rc == 1)
		return 0;
	if (rc)
		return oom(err, path);
	id = yoi_item_field(it, "id");
	t = yoi_import_add(set, yoi_item_get(it, "id"), path,
			   id ? id->line : 1);
	rc = t ? map(set, t, it, path) : YOI_ENOMEM;
	yoi_item_free(it);
	return rc ? oom(err, path) : 0;
}

/* ---- the folder --------------------------------------------------------- */

static int by_id(const void *a, const void *b)
{
	const yoi_import_ticket *const *x = a, *const *y = b;

	return strcmp((*x)->source_id, (*y)->source_id);
}

static yoi_import_ticket *find(yoi_import_ticket **v, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid]->source_id, id);

		if (!c)
			return v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool links_to(const yoi_import_ticket *t, const char *id)
{
	for (size_t i = 0; i < t->nrels; i++)
		if (!strcmp(t->rels[i].kind, "related") && !t->rels[i].note &&
		    !strcmp(t->rels[i].target, id))
			return true;
	return false;
}

/*
 * tk writes a link into both files; the engine's relations are seen from
 * both ends, so a pair keeps one: on the ticket with the smaller id.
 */
static int one_link_per_pair(yoi_import_set *set, size_t from)
{
	size_t n = 0;
	yoi_import_ticket **v = calloc(set->n - from + 1, sizeof(*v));

	if (!v)
		return YOI_ENOMEM;
	for (size_t i = from; i < set->n; i++)
		if (set->v[i].source_id)
			v[n++] = &set->v[i];
	qsort(v, n, sizeof(*v), by_id);
	for (size_t i = from; i < set->n; i++) {
		yoi_import_ticket *t = &set->v[i];

		for (size_t j = 0; t->source_id && j < t->nrels;) {
			yoi_import_rel *r = &t->rels[j];
			const yoi_import_ticket *o;

			if (strcmp(r->kind, "related") || r->note ||
			    strcmp(r->target, t->source_id) >= 0 ||
			    !(o = find(v, n, r->target)) ||
			    !links_to(o, t->source_id)) {
				j++;
				continue;
			}
			free(r->kind);
			free(r->target);
			free(r->note);
			memmove(r, r + 1, (t->nrels - j - 1) * sizeof(*r));
			t->nrels--;
		}
	}
	free(v);
	return 0;
}

int yoi_import_read_tk(yoi_import_set *set, const char *path, yoi_error *err)
{
	yoi_strv files = {0};
	yoi_buf buf = YOI_BUF_INIT;
	char *dir;
	size_t from = set->n;
	int rc = 0;

	if (!set->tool && !(set->tool = yoi_strdup(TOOL)))
		return oom(err, path);
	dir = yoi_sprintf("%s/.tickets", path);
	if (!dir)
		return oom(err, path);
	if (!yoi_is_dir(dir)) {
		free(dir);
		if (!yoi_is_dir(path))
			return yoi_error_at(
			    err, YOI_ENOTFOUND, path, 0,
			    "no such folder; name tk's .tickets/ folder or "
			    "the folder holding it");
		dir = yoi_strdup(path);
		if (!dir)
			return oom(err, path);
	}
	rc = yoi_impmd_list(dir, &files, err);
	if (rc == 0 && files.n == 0)
		rc = yoi_error_at(err, YOI_ENOTFOUND, dir, 0,
				  "holds no tk ticket (*.md); name tk's "
				  ".tickets/ folder or the folder holding it");
	for (size_t i = 0; rc == 0 && i < files.n; i++) {
		int r = yoi_impmd_read(set, files.v[i], &buf);

		if (r == 0)
			rc = yoi_import_parse_tk(set, buf.ptr, buf.len,
						 files.v[i], err);
		else if (r < 0)
			rc = oom(err, files.v[i]);
	}
	if (rc == 0 && one_link_per_pair(set, from))
		rc = oom(err, path);
	yoi_buf_free(&buf);
	yoi_strv_free(&files);
	free(dir);
	return rc;
}
