/*
 * merge.c - three-way merges of ticket files on buffers (SPEC 10), for the
 * git merge driver.
 *
 * thread.md and orchestration-plan.jsonl are append-only, so their merge
 * is about the parts each side appended: each side must begin with the
 * base's bytes; what follows is cut into units (an event block, a plan
 * line), each with the blank lines before it, and the two sequences are
 * merged by `at`. A unit is compared by its own bytes (the block or the
 * line without its blank lines and line break), so the same event
 * appended on both sides (a cherry-pick) is written once.
 *
 * relations.json is a set keyed by (kind, target) and merged as one; item.md
 * is merged key by key into ours' parse, so everything ours wrote and the
 * merge did not need to change keeps its bytes.
 *
 * Text the format does not own is merged as git merges it
 * (yoi_git_merge_file, in the git layer).
 */
#include "yoi/merge.h"
#include "git/gitops.h"

/* Inside this file a merge returns 0, CONFLICT or a negative code; the
 * public calls below report a conflict through their bool instead. */
#define CONFLICT 1

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "yoi/diag.h"
#include "yoi/history.h"
#include "yoi/id.h"
#include "yoi/item.h"
#include "yoi/relations.h"
#include "yoi/thread.h"

#define UTF8_BOM     "\xEF\xBB\xBF"
#define UTF8_BOM_LEN 3

/* ---- small helpers ------------------------------------------------------ */

static int conflict(yoi_buf *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int conflict(yoi_buf *why, const char *fmt, ...)
{
	int rc = 0;
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		rc = yoi_buf_vprintf(why, fmt, ap);
		va_end(ap);
	}
	return rc < 0 ? YOI_ENOMEM : CONFLICT;
}

static bool side_eq(yoi_merge_side x, yoi_merge_side y)
{
	return x.len == y.len &&
	       (x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

static yoi_merge_side side_norm(yoi_merge_side s)
{
	if (!s.ptr) {
		s.ptr = "";
		s.len = 0;
	}
	return s;
}

/* True when the first line break of s is "\r\n". */
static bool first_eol_crlf(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);
	return nl && nl > s && nl[-1] == '\r';
}

/* The side the merge resolves to without looking inside, or NULL. */
static const yoi_merge_side *trivial(const yoi_merge_side *o,
				     const yoi_merge_side *a,
				     const yoi_merge_side *b)
{
	if (side_eq(*a, *b) || side_eq(*b, *o))
		return a;
	if (side_eq(*a, *o))
		return b;
	return NULL;
}

/*
 * Every merge starts here: the sides normalized, and the trivial cases (a
 * side equal to the base, both sides equal) answered with that side's
 * bytes. 1 when out holds the answer, 0 to merge, YOI_ENOMEM.
 */
static int settle(yoi_buf *out, yoi_merge_side *o, yoi_merge_side *a,
		  yoi_merge_side *b)
{
	*o = side_norm(*o);
	*a = side_norm(*a);
	*b = side_norm(*b);
	const yoi_merge_side *t = trivial(o, a, b);
	if (!t)
		return 0;
	return yoi_buf_put(out, t->ptr, t->len) < 0 ? YOI_ENOMEM : 1;
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* ---- yoi_merge_kind_of ------------------------------------------------ */

yoi_merge_kind yoi_merge_kind_of(const char *path)
{
	if (!path)
		return YOI_MERGE_KIND_TEXT;
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (strcmp(name, "thread.md") == 0)
		return YOI_MERGE_KIND_THREAD;
	if (strcmp(name, "orchestration-plan.jsonl") == 0)
		return YOI_MERGE_KIND_PLAN;
	if (strcmp(name, "relations.json") == 0)
		return YOI_MERGE_KIND_RELATIONS;
	if (strcmp(name, "item.md") == 0)
		return YOI_MERGE_KIND_ITEM;
	return YOI_MERGE_KIND_TEXT;
}

/* ---- text merge (libgit2) ---------------------------------------------- */

/*
 * Whole-file conflict markers, for when git_merge_file cannot run (input
 * too large for xdiff): the driver must still leave a conflict to fix.
 */
static int put_whole_conflict(yoi_buf *out, yoi_merge_side a, yoi_merge_side b,
			      const char *la, const char *lb)
{
	const char *eol = first_eol_crlf(a.ptr, a.len) ? "\r\n" : "\n";
	bool a_open = a.len && a.ptr[a.len - 1] != '\n';
	bool b_open = b.len && b.ptr[b.len - 1] != '\n';
	if (yoi_buf_printf(out, "<<<<<<< %s%s", la, eol) < 0 ||
	    yoi_buf_put(out, a.ptr, a.len) < 0 ||
	    (a_open && yoi_buf_puts(out, eol) < 0) ||
	    yoi_buf_printf(out, "=======%s", eol) < 0 ||
	    yoi_buf_put(out, b.ptr, b.len) < 0 ||
	    (b_open && yoi_buf_puts(out, eol) < 0) ||
	    yoi_buf_printf(out, ">>>>>>> %s%s", lb, eol) < 0)
		return YOI_ENOMEM;
	return 0;
}

/* git's text merge of the three sides (yoi_git_merge_file). */
static int merge_file(yoi_buf *out, bool *clean, yoi_merge_side o,
		      yoi_merge_side a, yoi_merge_side b,
		      const char *const labels[3])
{
	const char *const text[3] = {o.ptr, a.ptr, b.ptr};
	const size_t len[3] = {o.len, a.len, b.len};
	return yoi_git_merge_file(out, clean, text, len, labels);
}

static int merge_text_(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		       yoi_merge_side b, const char *const labels[3])
{
	o = side_norm(o);
	a = side_norm(a);
	b = side_norm(b);
	const char *lab[3] = {"base", "ours", "theirs"};
	for (size_t i = 0; labels && i < 3; i++)
		if (labels[i])
			lab[i] = labels[i];
	bool clean;
	int rc = merge_file(out, &clean, o, a, b, lab);
	if (rc == YOI_EIO) {
		rc = put_whole_conflict(out, a, b, lab[1], lab[2]);
		clean = false;
	}
	if (rc < 0)
		return rc;
	return clean ? 0 : CONFLICT;
}

/* ---- append-only files: thread.md and orchestration-plan.jsonl ---------- */

/* One appended event block or plan line. */
typedef struct unit {
	size_t off, len;       /* its bytes in the side: leading blank lines,
				  the block or line, trailing line break */
	size_t core, core_len; /* the block or line itself: its identity */
	int64_t at;	       /* INT64_MIN for a side that appended blanks */
	uint64_t hash;	       /* of the core */
	bool taken;	       /* ours: matched by an identical theirs unit */
	bool dup;	       /* theirs: identical to one of ours' */
} unit;

/* What one side appended to the base. */
typedef struct tail {
	const char *name; /* "ours" or "theirs" */
	const char *ptr;  /* the side's bytes */
	size_t len;
	size_t pre_len; /* bytes right after the base that end its last line
			   (or a BOM of a new file); not part of any unit */
	size_t start;	/* offset of the first appended unit byte */
	unit *u;
	size_t n, cap;
} tail;

static void tail_free(tail *t)
{
	free(t->u);
	t->u = NULL;
	t->n = t->cap = 0;
}

static int tail_push(tail *t, const unit *u)
{
	if (YOI_GROW(t->u, t->n, t->cap, 8) < 0)
		return YOI_ENOMEM;
	t->u[t->n++] = *u;
	return 0;
}

/*
 * Check that side x extends the base o and find where its appended part
 * starts. what names the file in messages.
 */
static int tail_split(tail *t, yoi_merge_side o, yoi_merge_side x,
		      const char *name, const char *what, yoi_buf *why)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->ptr = x.ptr;
	t->len = x.len;
	size_t common = 0, lim = x.len < o.len ? x.len : o.len;
	while (common < lim && x.ptr[common] == o.ptr[common])
		common++;
	if (common < o.len) {
		int line = yoi_line_at(o.ptr, common);
		if (common == x.len)
			return conflict(why,
					"%s truncates the base at line %d; %s "
					"is append-only",
					name, line, what);
		return conflict(why,
				"%s changes the base at line %d; %s is "
				"append-only",
				name, line, what);
	}
	size_t pos = o.len;
	if (o.len == 0 && x.len >= UTF8_BOM_LEN &&
	    memcmp(x.ptr, UTF8_BOM, UTF8_BOM_LEN) == 0) {
		pos = UTF8_BOM_LEN;
	} else if (o.len && o.ptr[o.len - 1] != '\n' && x.len > o.len &&
		   !(o.len == UTF8_BOM_LEN &&
		     memcmp(o.ptr, UTF8_BOM, UTF8_BOM_LEN) == 0)) {
		/* The base's last line has no break: the side must end it. */
		if (x.ptr[pos] == '\n')
			pos++;
		else if (x.len - pos >= 2 && x.ptr[pos] == '\r' &&
			 x.ptr[pos + 1] == '\n')
			pos += 2;
		else
			return conflict(why,
					"%s continues the base's last line %d "
					"instead of appending after it",
					name, yoi_line_at(o.ptr, o.len));
	}
	t->pre_len = pos - o.len;
	t->start = pos;
	return 0;
}

/*
 * Both sides' tails over the base o (tail_split), each cut into units by
 * units(); whatever the result, both are freed with tail_free.
 */
static int tails_split(tail *ta, tail *tb, yoi_merge_side o, yoi_merge_side a,
		       yoi_merge_side b, const char *what,
		       int (*units)(tail *, yoi_buf *), yoi_buf *why)
{
	int rc = tail_split(ta, o, a, "ours", what, why);
	if (rc == 0)
		rc = tail_split(tb, o, b, "theirs", what, why);
	else
		memset(tb, 0, sizeof(*tb));
	if (rc == 0)
		rc = units(ta, why);
	if (rc == 0)
		rc = units(tb, why);
	return rc;
}

/* The bytes both sides put right after the base; must agree. */
static int pre_pick(const tail *a, const tail *b, size_t base_len,
		    const char **pre, size_t *len, yoi_buf *why)
{
	const tail *t = a->pre_len ? a : b;
	if (a->pre_len && b->pre_len &&
	    (a->pre_len != b->pre_len ||
	     memcmp(a->ptr + base_len, b->ptr + base_len, a->pre_len) != 0))
		return conflict(why, "ours and theirs end the base's last "
				     "line differently (LF and CRLF)");
	*pre = t->ptr + base_len;
	*len = t->pre_len;
	return 0;
}

/* A side that appended only blank text: one unit, ordered first. */
static int tail_blank_unit(tail *t)
{
	if (t->n || t->start == t->len)
		return 0;
	unit u = {t->start, t->len - t->start, t->start, 0, INT64_MIN, 0, false,
		  false};
	u.hash = fnv1a("", 0);
	return tail_push(t, &u);
}

static bool unit_same(const tail *a, const unit *x, const tail *b,
		      const unit *y)
{
	return x->hash == y->hash && x->core_len == y->core_len &&
	       memcmp(a->ptr + x->core, b->ptr + y->core, x->core_len) == 0;
}

/* from: where the units start in m (after the base and a BOM). */
static int put_unit(yoi_buf *m, size_t from, const tail *t, const unit *u,
		    const char *eol)
{
	/* A unit without a final line break must not swallow the next. */
	if (m->len > from && m->ptr[m->len - 1] != '\n' &&
	    yoi_buf_puts(m, eol) < 0)
		return YOI_ENOMEM;
	return yoi_buf_put(m, t->ptr + u->off, u->len) < 0 ? YOI_ENOMEM : 0;
}

/*
 * Base, then the two appended sequences merged by `at` (ours first on
 * ties), a theirs unit identical to an ours unit dropped. The merged file
 * goes to out only when everything is known to be fine.
 */
static int tails_merge(yoi_buf *out, yoi_merge_side o, tail *a, tail *b,
		       yoi_buf *why)
{
	const char *pre = "";
	size_t pre_len = 0;
	int rc = pre_pick(a, b, o.len, &pre, &pre_len, why);
	if (rc)
		return rc;
	if (tail_blank_unit(a) < 0 || tail_blank_unit(b) < 0)
		return YOI_ENOMEM;
	for (size_t j = 0; j < b->n; j++)
		for (size_t i = 0; i < a->n; i++)
			if (!a->u[i].taken &&
			    unit_same(a, &a->u[i], b, &b->u[j])) {
				a->u[i].taken = true;
				b->u[j].dup = true;
				break;
			}
	bool crlf =
	    first_eol_crlf(o.ptr, o.len) ||
	    (!memchr(o.ptr, '\n', o.len) && first_eol_crlf(a->ptr, a->len));
	const char *eol = crlf ? "\r\n" : "\n";
	yoi_buf m = YOI_BUF_INIT;
	if (yoi_buf_put(&m, o.ptr, o.len) < 0 ||
	    yoi_buf_put(&m, pre, pre_len) < 0)
		rc = YOI_ENOMEM;
	size_t from = m.len, i = 0, j = 0;
	while (rc == 0 && (i < a->n || j < b->n)) {
		if (j < b->n && b->u[j].dup) {
			j++;
			continue;
		}
		if (j < b->n && (i == a->n || b->u[j].at < a->u[i].at)) {
			rc = put_unit(&m, from, b, &b->u[j], eol);
			j++;
		} else {
			rc = put_unit(&m, from, a, &a->u[i], eol);
			i++;
		}
	}
	if (rc == 0 && yoi_buf_put(out, m.ptr ? m.ptr : "", m.len) < 0)
		rc = YOI_ENOMEM;
	yoi_buf_free(&m);
	return rc;
}

/* ---- thread.md ---------------------------------------------------------- */

/* Findings of the thread parser that mean "not whole, well-formed blocks". */
static bool thread_finding_fatal(const yoi_diag_entry *e)
{
	/* A missing separator is a warning, as doctor has it: the next
	 * event line still starts the next block. */
	return e->severity == YOI_DIAG_ERROR ||
	       strcmp(e->code, "thread-stray-text") == 0;
}

static int thread_units(tail *t, yoi_buf *why)
{
	const char *s = t->ptr + t->start;
	size_t len = t->len - t->start;
	int line0 = yoi_line_at(t->ptr, t->start) - 1;
	yoi_thread *th = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	int rc = yoi_thread_parse(&th, s, len, "thread.md", &d);
	if (rc == 0 && d.dropped)
		rc = YOI_ENOMEM;
	for (size_t k = 0; rc == 0 && k < d.n; k++) {
		const yoi_diag_entry *e = &d.v[k];
		if (!thread_finding_fatal(e))
			continue;
		/* The parser saw only the appended part: say it plainly. */
		const char *msg = strcmp(e->code, "thread-stray-text") == 0
				      ? "appended text outside an event block"
				      : e->message;
		rc = conflict(why, "%s: line %d: %s", t->name, line0 + e->line,
			      msg);
	}
	/* The last appended block must be whole: without its closing
	 * "---" it is a torn write (doctor: thread-torn-tail). */
	if (rc == 0 && th->n) {
		const yoi_event *e = &th->ev[th->n - 1];
		size_t n = len - e->start;
		const char *b = s + e->start;
		while (n && (b[n - 1] == '\n' || b[n - 1] == '\r' ||
			     b[n - 1] == ' ' || b[n - 1] == '\t'))
			n--;
		if (n < 3 || memcmp(b + n - 3, "---", 3) != 0 ||
		    (n > 3 && b[n - 4] != '\n'))
			rc =
			    conflict(why,
				     "%s: line %d: the last appended event has "
				     "no closing '---' line (a torn write)",
				     t->name, line0 + e->line);
	}
	for (size_t k = 0; rc == 0 && k < th->n; k++) {
		const yoi_event *e = &th->ev[k];
		unit u;
		memset(&u, 0, sizeof(u));
		u.off = t->start + (k ? th->ev[k - 1].end : 0);
		size_t end = k + 1 < th->n ? e->end : len;
		u.len = t->start + end - u.off;
		u.core = t->start + e->start;
		u.core_len = e->end - e->start;
		u.hash = fnv1a(t->ptr + u.core, u.core_len);
		if (!e->at || yoi_time_parse(e->at, &u.at) < 0)
			rc = conflict(why,
				      "%s: line %d: the appended event's at "
				      "is not an RFC 3339 time",
				      t->name, line0 + e->line);
		else
			rc = tail_push(t, &u);
	}
	yoi_thread_free(th);
	yoi_diag_free(&d);
	return rc;
}

/*
 * A merge never makes an illegal history: when the merged thread's
 * transition chain breaks (history.h) at an event a side appended - one
 * side closed the ticket, the other later moved it on - the merge is a
 * conflict naming both events.
 */
static int chain_conflicts(yoi_buf *m, size_t base_len, yoi_buf *why)
{
	yoi_thread *th = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	int rc = yoi_thread_parse(&th, m->ptr ? m->ptr : "", m->len,
				  "thread.md", &d);
	yoi_chain_break br[8];
	size_t n = rc == 0 ? yoi_history_chain(th, br, 8, NULL) : 0;
	for (size_t k = 0; rc == 0 && k < n && k < 8; k++) {
		const yoi_event *e = &th->ev[br[k].at];
		const yoi_event *s = &th->ev[br[k].setter];
		if (br[k].settled ||
		    (e->start < base_len && s->start < base_len))
			continue;
		rc = conflict(why,
			      "thread.md: both sides changed the ticket's "
			      "state: the transition at line %d (%s, %s -> "
			      "%s) starts from %s, but the merged history "
			      "had reached %s at line %d (%s, %s); merge by "
			      "hand, then record the state the ticket is in "
			      "with 'yoi-tickets state --force --reason'",
			      e->line, e->at ? e->at : "?", br[k].from,
			      yoi_event_attr(e, "to") ? yoi_event_attr(e, "to")
						      : "?",
			      br[k].from, br[k].reached, s->line,
			      s->kind ? s->kind : "?", s->at ? s->at : "?");
	}
	yoi_thread_free(th);
	yoi_diag_free(&d);
	return rc;
}

/*
 * An append-only file (what): both sides' appended units (cut by units)
 * merged after the base, then checked or rewritten by after(merged,
 * base length, why) before they go to out.
 */
static int merge_appended(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			  yoi_merge_side b, const char *what,
			  int (*units)(tail *, yoi_buf *),
			  int (*after)(yoi_buf *, size_t, yoi_buf *),
			  yoi_buf *why)
{
	int done = settle(out, &o, &a, &b);
	if (done)
		return done < 0 ? done : 0;
	tail ta, tb;
	int rc = tails_split(&ta, &tb, o, a, b, what, units, why);
	yoi_buf m = YOI_BUF_INIT;
	if (rc == 0)
		rc = tails_merge(&m, o, &ta, &tb, why);
	if (rc == 0)
		rc = after(&m, o.len, why);
	if (rc == 0 && m.len && yoi_buf_put(out, m.ptr, m.len) < 0)
		rc = YOI_ENOMEM;
	yoi_buf_free(&m);
	tail_free(&ta);
	tail_free(&tb);
	return rc;
}

/* ---- orchestration-plan.jsonl ------------------------------------------ */

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Check one appended line and read its "at". */
static int plan_line(const tail *t, unit *u, int line, yoi_buf *why)
{
	json_error_t je;
	json_t *root = json_loadb(t->ptr + u->core, u->core_len,
				  JSON_REJECT_DUPLICATES, &je);
	int rc = 0;
	if (!root) {
		rc = conflict(why,
			      "%s: line %d: the appended line is not JSON "
			      "(%s)",
			      t->name, line, je.text);
	} else if (!json_is_object(root)) {
		rc = conflict(why,
			      "%s: line %d: the appended line is not a JSON "
			      "object",
			      t->name, line);
	} else {
		const json_t *at = json_object_get(root, "at");
		if (!json_is_string(at))
			rc = conflict(why,
				      "%s: line %d: the appended record has "
				      "no string \"at\"",
				      t->name, line);
		else if (yoi_time_parse(json_string_value(at), &u->at) < 0)
			rc = conflict(why,
				      "%s: line %d: the appended record's "
				      "\"at\" is not an RFC 3339 time",
				      t->name, line);
	}
	json_decref(root);
	return rc;
}

static int plan_units(tail *t, yoi_buf *why)
{
	int line = yoi_line_at(t->ptr, t->start);
	size_t unit_start = t->start, pos = t->start;
	int rc = 0;
	while (rc == 0 && pos < t->len) {
		const char *s = t->ptr + pos;
		const char *nl = memchr(s, '\n', t->len - pos);
		size_t n = nl ? (size_t)(nl - s) : t->len - pos;
		size_t next = nl ? pos + n + 1 : t->len;
		if (!blank_line(s, n)) {
			unit u;
			memset(&u, 0, sizeof(u));
			u.off = unit_start;
			u.len = next - unit_start;
			u.core = pos;
			u.core_len = n && s[n - 1] == '\r' ? n - 1 : n;
			u.hash = fnv1a(t->ptr + u.core, u.core_len);
			rc = plan_line(t, &u, line, why);
			if (rc == 0)
				rc = tail_push(t, &u);
			unit_start = next;
		}
		pos = next;
		if (line < INT32_MAX)
			line++;
	}
	/* Blank lines after the last record stay with it. */
	if (rc == 0 && t->n && unit_start < t->len)
		t->u[t->n - 1].len = t->len - t->u[t->n - 1].off;
	return rc;
}

/* The "id" of a JSON line, or NULL (caller frees). */
static char *line_id(const char *p, size_t n, json_t **obj)
{
	json_error_t jerr;
	json_t *j = json_loadb(p, n, 0, &jerr);
	const char *id = json_string_value(json_object_get(j, "id"));
	char *copy = id ? yoi_strdup(id) : NULL;
	if (obj)
		*obj = j;
	else
		json_decref(j);
	return copy;
}

static bool id_taken(const yoi_strv *sorted, const yoi_strv *fresh,
		     const char *id)
{
	return yoi_strv_find_sorted(sorted, id) >= 0 ||
	       yoi_strv_contains(fresh, id);
}

/*
 * Two branches can give two records the same id (same ticket, same
 * second, same n). The later line gets the next free n, so the merged
 * file's ids stay unique; nothing else of the record changes. (The
 * shape of merge_appended's after: base_len and why are not needed.)
 */
static int renumber_ids(yoi_buf *m, size_t base_len, yoi_buf *why)
{
	(void)base_len;
	(void)why;
	yoi_strv ids = {0}, fresh = {0};
	yoi_buf out = YOI_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->len;) {
		const char *nl = memchr(m->ptr + i, '\n', m->len - i);
		size_t end = nl ? (size_t)(nl - m->ptr) : m->len;
		char *id = line_id(m->ptr + i, end - i, NULL);
		if (id && yoi_strv_push_owned(&ids, id) < 0)
			rc = YOI_ENOMEM;
		i = end + 1;
	}
	yoi_strv sorted = {0};
	for (size_t i = 0; rc == 0 && i < ids.n; i++)
		if (yoi_strv_push(&sorted, ids.v[i]) < 0)
			rc = YOI_ENOMEM;
	if (rc == 0)
		yoi_strv_sort(&sorted);
	bool dup = false;
	for (size_t i = 1; i < sorted.n; i++)
		dup |= strcmp(sorted.v[i - 1], sorted.v[i]) == 0;
	yoi_strv seen = {0};
	for (size_t i = 0; rc == 0 && dup && i < m->len;) {
		const char *nl = memchr(m->ptr + i, '\n', m->len - i);
		size_t end = nl ? (size_t)(nl - m->ptr) : m->len;
		size_t stop =
		    end > i && m->ptr[end - 1] == '\r' ? end - 1 : end;
		json_t *j = NULL;
		char *id = line_id(m->ptr + i, stop - i, &j);
		const char *dash = id ? strrchr(id, '-') : NULL;
		if (id && yoi_strv_contains(&seen, id) && dash) {
			char *next = NULL;
			long n = strtol(dash + 1, NULL, 10);
			if (n < 0 || n > LONG_MAX - 1000001)
				n = 0; /* no room above it: count from 1 */
			for (long k = n + 1; !next && k < n + 1000000; k++) {
				char *c = yoi_sprintf("%.*s-%ld",
						      (int)(dash - id), id, k);
				if (c && !id_taken(&sorted, &fresh, c))
					next = c;
				else
					free(c);
			}
			char *text = NULL;
			if (next && json_object_set_new(j, "id",
							json_string(next)) == 0)
				text = json_dumps(j, JSON_COMPACT |
							 JSON_PRESERVE_ORDER);
			if (!next || !text ||
			    yoi_strv_push_owned(&fresh, next) < 0 ||
			    yoi_buf_puts(&out, text) < 0)
				rc = YOI_ENOMEM;
			free(text);
			yoi_buf_put(&out, m->ptr + stop, end - stop);
		} else {
			if (id)
				yoi_strv_push(&seen, id);
			yoi_buf_put(&out, m->ptr + i, end - i);
		}
		if (nl)
			yoi_buf_putc(&out, '\n');
		free(id);
		json_decref(j);
		i = end + 1;
	}
	if (rc == 0 && dup) {
		yoi_buf t = *m;
		*m = out;
		out = t;
	}
	yoi_buf_free(&out);
	yoi_strv_free(&seen);
	yoi_strv_free(&sorted);
	yoi_strv_free(&fresh);
	yoi_strv_free(&ids);
	return rc;
}

/* ---- relations.json ------------------------------------------------------ */

/* The owner named by the first record of a side that has one. */
static bool owner_from(yoi_merge_side s, char owner[YOI_ID_LEN + 1])
{
	if (!s.len)
		return false;
	json_t *root = json_loadb(s.ptr, s.len, 0, NULL);
	const json_t *rels = json_object_get(root, "relations");
	bool found = false;
	for (size_t i = 0; !found && i < json_array_size(rels); i++) {
		const char *id = json_string_value(
		    json_object_get(json_array_get(rels, i), "ticket_id"));
		if (id && yoi_id_valid(id)) {
			memcpy(owner, id, YOI_ID_LEN + 1);
			found = true;
		}
	}
	json_decref(root);
	return found;
}

static int rel_parse(yoi_relations **out, yoi_merge_side s, const char *owner,
		     const char *name, bool may_be_empty, yoi_buf *why)
{
	*out = NULL;
	if (may_be_empty && s.len == 0)
		return yoi_relations_new(out, owner);
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_relations_parse(out, s.ptr, s.len, owner, NULL, &d, &err);
	if (rc == YOI_ENOMEM) {
		rc = YOI_ENOMEM;
	} else if (rc < 0) {
		char et[YOI_ERRTEXT_MAX];
		rc = conflict(why, "%s: %s", name,
			      yoi_error_text(&err, et, sizeof(et)));
	} else if ((*out)->nerrors) {
		long k = 0;
		while ((size_t)k < d.n && d.v[k].severity != YOI_DIAG_ERROR)
			k++;
		if ((size_t)k < d.n)
			rc = conflict(why, "%s: relations.json:%d: %s", name,
				      d.v[k].line, d.v[k].message);
		else
			rc = conflict(why, "%s: relations.json does not parse",
				      name);
	}
	if (rc && *out) {
		yoi_relations_free(*out);
		*out = NULL;
	}
	yoi_diag_free(&d);
	return rc;
}

static bool str_eq(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static bool rel_eq(const yoi_relation *x, const yoi_relation *y)
{
	return x->kind == y->kind && strcmp(x->target, y->target) == 0 &&
	       str_eq(x->note, y->note) && str_eq(x->author, y->author) &&
	       str_eq(x->at, y->at);
}

static int rel_add(yoi_relations *m, const yoi_relation *r, yoi_buf *why)
{
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_relations_add(m, r, &err);
	if (rc == YOI_ENOMEM)
		return rc;
	char et[YOI_ERRTEXT_MAX];
	if (rc < 0)
		return conflict(why, "relation %s %s: %s",
				yoi_rel_kind_name(r->kind), r->target,
				yoi_error_text(&err, et, sizeof(et)));
	return 0;
}

/*
 * Both sides hold the key with records that differ, and neither is the
 * base's: the earlier `at` stays; a note only one of them has is kept.
 */
static int rel_both_changed(yoi_relations *m, const yoi_relation *ra,
			    const yoi_relation *rb, yoi_buf *why)
{
	const char *kind = yoi_rel_kind_name(ra->kind);
	if (ra->note && rb->note && strcmp(ra->note, rb->note) != 0)
		return conflict(why,
				"relation %s %s: ours and theirs have "
				"different notes",
				kind, ra->target);
	int64_t ta = 0, tb = 0;
	if (yoi_time_parse(ra->at, &ta) < 0 || yoi_time_parse(rb->at, &tb) < 0)
		return conflict(why, "relation %s %s: an at is not RFC 3339",
				kind, ra->target);
	yoi_relation keep = tb < ta ? *rb : *ra;
	if (!keep.note)
		keep.note = ra->note ? ra->note : rb->note;
	return rel_add(m, &keep, why);
}

static int rel_pick(yoi_relations *m, const yoi_relation *ro,
		    const yoi_relation *ra, const yoi_relation *rb,
		    yoi_buf *why)
{
	if (rel_eq(ra, rb) || (ro && rel_eq(rb, ro)))
		return rel_add(m, ra, why);
	if (ro && rel_eq(ra, ro))
		return rel_add(m, rb, why);
	return rel_both_changed(m, ra, rb, why);
}

static int rel_merge(yoi_relations *m, const yoi_relations *ro,
		     const yoi_relations *ra, const yoi_relations *rb,
		     yoi_buf *why)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ro->n; i++) {
		const yoi_relation *r = &ro->v[i];
		const yoi_relation *x =
		    yoi_relations_find(ra, r->kind, r->target);
		const yoi_relation *y =
		    yoi_relations_find(rb, r->kind, r->target);
		if (x && y)
			rc = rel_pick(m, r, x, y, why);
		else if ((x && !rel_eq(x, r)) || (y && !rel_eq(y, r)))
			rc = conflict(why,
				      "relation %s %s: %s removed it, %s "
				      "changed it",
				      yoi_rel_kind_name(r->kind), r->target,
				      x ? "theirs" : "ours",
				      x ? "ours" : "theirs");
		/* else removed by one side, unchanged on the other */
	}
	for (size_t i = 0; rc == 0 && i < ra->n; i++) {
		const yoi_relation *x = &ra->v[i];
		if (yoi_relations_find(ro, x->kind, x->target))
			continue;
		const yoi_relation *y =
		    yoi_relations_find(rb, x->kind, x->target);
		rc = y ? rel_pick(m, NULL, x, y, why) : rel_add(m, x, why);
	}
	for (size_t i = 0; rc == 0 && i < rb->n; i++) {
		const yoi_relation *y = &rb->v[i];
		if (!yoi_relations_find(ro, y->kind, y->target) &&
		    !yoi_relations_find(ra, y->kind, y->target))
			rc = rel_add(m, y, why);
	}
	return rc;
}

static int merge_relations_(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			    yoi_merge_side b, const char *owner_id,
			    yoi_buf *why)
{
	int done = settle(out, &o, &a, &b);
	if (done)
		return done < 0 ? done : 0;
	/*
	 * Without records anywhere any valid ID parses every side, and an
	 * empty set renders without naming its owner.
	 */
	char owner[YOI_ID_LEN + 1] = "0000000000000";
	if (owner_id) {
		if (!yoi_id_valid(owner_id))
			return conflict(why, "'%s' is not a ticket ID",
					owner_id);
		memcpy(owner, owner_id, YOI_ID_LEN + 1);
	} else if (!owner_from(a, owner) && !owner_from(b, owner)) {
		owner_from(o, owner);
	}
	yoi_relations *ro = NULL, *ra = NULL, *rb = NULL, *m = NULL;
	int rc = rel_parse(&ro, o, owner, "base", true, why);
	if (rc == 0)
		rc = rel_parse(&ra, a, owner, "ours", false, why);
	if (rc == 0)
		rc = rel_parse(&rb, b, owner, "theirs", false, why);
	if (rc == 0)
		rc = yoi_relations_new(&m, owner);
	if (rc == 0) {
		m->crlf = ra->crlf;
		rc = rel_merge(m, ro, ra, rb, why);
	}
	if (rc == 0) {
		yoi_error err;
		yoi_error_clear(&err);
		rc = yoi_relations_render(out, m, &err);
		char et[YOI_ERRTEXT_MAX];
		if (rc < 0 && rc != YOI_ENOMEM)
			rc = conflict(why, "the merged relations.json: %s",
				      yoi_error_text(&err, et, sizeof(et)));
	}
	yoi_relations_free(ro);
	yoi_relations_free(ra);
	yoi_relations_free(rb);
	yoi_relations_free(m);
	return rc;
}

/* ---- item.md ---------------------------------------------------------------
 */

typedef struct item_sides {
	const yoi_item *o; /* NULL: no base (a file new on both sides) */
	const yoi_item *a;
	const yoi_item *b;
	yoi_item *m; /* ours, parsed again: the merge is written here */
	const char *state;
	yoi_buf *why;
} item_sides;

static bool fval_eq(const yoi_item *x, const yoi_field *fx, const yoi_item *y,
		    const yoi_field *fy)
{
	if (!fx || !fy)
		return fx == fy;
	if (fx->type != fy->type)
		return false;
	switch (fx->type) {
	case YOI_FIELD_SCALAR:
		return strcmp(fx->value, fy->value) == 0;
	case YOI_FIELD_NULL:
		return true;
	case YOI_FIELD_LIST:
		if (fx->nlist != fy->nlist)
			return false;
		for (size_t i = 0; i < fx->nlist; i++)
			if (strcmp(fx->list[i], fy->list[i]) != 0)
				return false;
		return true;
	case YOI_FIELD_OTHER:
		return fx->end - fx->start == fy->end - fy->start &&
		       memcmp(x->raw + fx->start, y->raw + fy->start,
			      fx->end - fx->start) == 0;
	}
	return false;
}

static const yoi_field *field_of(const yoi_item *it, const char *key)
{
	return it ? yoi_item_field(it, key) : NULL;
}

/* A value for a message: 'text', null, a list, a nested value, absent. */
static void describe(char *buf, size_t cap, const yoi_field *f)
{
	if (!f) {
		snprintf(buf, cap, "removed");
	} else if (f->type == YOI_FIELD_SCALAR) {
		char q[YOI_QUOTE_MAX + 4];
		yoi_quote(q, sizeof(q), f->value);
		snprintf(buf, cap, "'%s'", q);
	} else if (f->type == YOI_FIELD_NULL) {
		snprintf(buf, cap, "null");
	} else if (f->type == YOI_FIELD_LIST) {
		snprintf(buf, cap, "a list of %zu", f->nlist);
	} else {
		snprintf(buf, cap, "a nested value");
	}
}

static int both_changed(const item_sides *s, const char *key,
			const yoi_field *fa, const yoi_field *fb)
{
	char va[YOI_QUOTE_MAX + 16], vb[YOI_QUOTE_MAX + 16];
	describe(va, sizeof(va), fa);
	describe(vb, sizeof(vb), fb);
	return conflict(s->why,
			"field '%s' changed differently on both sides (ours "
			"%s, theirs %s)",
			key, va, vb);
}

/* Write theirs' value of key (fb; NULL: removed) into the merge. */
static int take_theirs(const item_sides *s, const char *key,
		       const yoi_field *fb)
{
	int rc;
	if (!fb)
		rc = yoi_item_unset(s->m, key);
	else if (fb->type == YOI_FIELD_SCALAR)
		rc = yoi_item_set(s->m, key, fb->value);
	else if (fb->type == YOI_FIELD_NULL)
		rc = yoi_item_set(s->m, key, NULL);
	else if (fb->type == YOI_FIELD_LIST)
		rc = yoi_item_set_list(s->m, key, (const char *const *)fb->list,
				       fb->nlist);
	else
		return conflict(s->why,
				"field '%s': theirs changed a nested value; "
				"merge it by hand",
				key);
	if (rc == YOI_EUSAGE)
		return conflict(s->why,
				"field '%s': theirs' value cannot be written "
				"on one line; merge it by hand",
				key);
	return rc;
}

/* The later of the sides' updated_at: 1 theirs, 0 ours, -1 unknown. */
static int theirs_later(const item_sides *s)
{
	int64_t ta, tb;
	const char *ua = yoi_item_get(s->a, "updated_at");
	const char *ub = yoi_item_get(s->b, "updated_at");
	if (!ua || !ub || yoi_time_parse(ua, &ta) < 0 ||
	    yoi_time_parse(ub, &tb) < 0 || ta == tb)
		return -1;
	return tb > ta;
}

/* 1 when theirs' time field key is later than ours', 0 when not, -1
 * when either is missing or not a time. */
static int time_later(const item_sides *s, const char *key)
{
	int64_t ta, tb;
	const char *va = yoi_item_get(s->a, key);
	const char *vb = yoi_item_get(s->b, key);
	if (!va || !vb || yoi_time_parse(va, &ta) < 0 ||
	    yoi_time_parse(vb, &tb) < 0)
		return -1;
	return tb > ta;
}

static int merge_key(const item_sides *s, const char *key)
{
	if (s->state && strcmp(key, "state") == 0)
		return 0; /* the merged thread decides: merge_fields */
	const yoi_field *fo = field_of(s->o, key);
	const yoi_field *fa = field_of(s->a, key);
	const yoi_field *fb = field_of(s->b, key);
	if (fval_eq(s->a, fa, s->b, fb) ||
	    (s->o && fval_eq(s->b, fb, s->o, fo)))
		return 0;
	if (s->o ? fval_eq(s->a, fa, s->o, fo) : !fa)
		return take_theirs(s, key, fb);
	if (!s->o && !fb)
		return 0; /* a new file: only ours has it */
	/* Times the engine stamps: the later one (ties: ours). */
	if (strcmp(key, "updated_at") == 0 || strcmp(key, "queued_at") == 0) {
		int later = time_later(s, key);
		if (later < 0)
			return both_changed(s, key, fa, fb);
		return later ? take_theirs(s, key, fb) : 0;
	}
	/* Who queued it goes with the later queue time. */
	if (strcmp(key, "queued_by") == 0) {
		int later = time_later(s, "queued_at");
		if (later < 0)
			return both_changed(s, key, fa, fb);
		return later ? take_theirs(s, key, fb) : 0;
	}
	if (strcmp(key, "state") == 0) {
		int later = theirs_later(s);
		if (later < 0)
			return conflict(s->why,
					"field 'state' changed differently on "
					"both sides and updated_at does not "
					"tell which is later");
		return later ? take_theirs(s, key, fb) : 0;
	}
	return both_changed(s, key, fa, fb);
}

static int merge_body(const item_sides *s)
{
	yoi_merge_side bo = {"", 0}, ba, bb;
	if (s->o)
		bo.ptr = yoi_item_body(s->o, &bo.len);
	ba.ptr = yoi_item_body(s->a, &ba.len);
	bb.ptr = yoi_item_body(s->b, &bb.len);
	if (side_eq(ba, bb) || side_eq(bb, bo))
		return 0;
	if (side_eq(ba, bo))
		return yoi_item_set_body(s->m, bb.ptr, bb.len);
	const char *const labels[3] = {"base", "ours", "theirs"};
	yoi_buf mb = YOI_BUF_INIT;
	bool clean = false;
	int rc = merge_file(&mb, &clean, bo, ba, bb, labels);
	if (rc == 0 && !clean)
		rc = conflict(s->why, "body: both sides changed the same "
				      "lines");
	else if (rc == YOI_EIO)
		rc = conflict(s->why, "body: the text merge failed");
	else if (rc == 0)
		rc = yoi_item_set_body(s->m, mb.ptr ? mb.ptr : "", mb.len);
	yoi_buf_free(&mb);
	return rc == YOI_EUSAGE ? conflict(s->why, "body: not UTF-8") : rc;
}

static int merge_fields(item_sides *s)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->a->nfields; i++)
		rc = merge_key(s, s->a->fields[i].key);
	/* Keys only theirs has, in theirs' order (added, or ours removed). */
	for (size_t i = 0; rc == 0 && i < s->b->nfields; i++)
		if (!yoi_item_field(s->a, s->b->fields[i].key))
			rc = merge_key(s, s->b->fields[i].key);
	if (rc == 0 && s->state) {
		rc = yoi_item_set(s->m, "state", s->state);
		if (rc == YOI_EUSAGE)
			rc = conflict(s->why,
				      "state '%s' from the thread cannot be "
				      "written",
				      s->state);
	}
	if (rc == 0)
		rc = merge_body(s);
	return rc;
}

static int item_parse(yoi_item **out, yoi_merge_side x, const char *name,
		      yoi_buf *why)
{
	yoi_error err;
	yoi_error_clear(&err);
	int rc = yoi_item_parse(out, x.ptr, x.len, "item.md", &err);
	if (rc == YOI_ENOMEM || rc == 0)
		return rc;
	char et[YOI_ERRTEXT_MAX];
	return conflict(why, "%s: %s", name,
			yoi_error_text(&err, et, sizeof(et)));
}

static int item_render(yoi_buf *out, const yoi_item *m)
{
	yoi_buf r = YOI_BUF_INIT;
	int rc = yoi_item_render(m, &r);
	if (rc == 0 && yoi_buf_put(out, r.ptr ? r.ptr : "", r.len) < 0)
		rc = YOI_ENOMEM;
	yoi_buf_free(&r);
	return rc;
}

/* A trivial merge: the side's bytes, with the thread's state when given. */
static int item_trivial(yoi_buf *out, const yoi_merge_side *t, const char *name,
			const char *state, yoi_buf *why)
{
	if (!state)
		return yoi_buf_put(out, t->ptr, t->len) < 0 ? YOI_ENOMEM : 0;
	yoi_item *it = NULL;
	int rc = item_parse(&it, *t, name, why);
	if (rc == 0) {
		rc = yoi_item_set(it, "state", state);
		if (rc == YOI_EUSAGE)
			rc = conflict(why,
				      "state '%s' from the thread cannot be "
				      "written",
				      state);
	}
	if (rc == 0)
		rc = item_render(out, it);
	yoi_item_free(it);
	return rc;
}

static int merge_item_(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		       yoi_merge_side b, const char *state, yoi_buf *why)
{
	o = side_norm(o);
	a = side_norm(a);
	b = side_norm(b);
	const yoi_merge_side *t = trivial(&o, &a, &b);
	if (t)
		return item_trivial(out, t, t == &a ? "ours" : "theirs", state,
				    why);
	yoi_item *io = NULL, *ia = NULL, *ib = NULL, *m = NULL;
	int rc = o.len ? item_parse(&io, o, "base", why) : 0;
	if (rc == 0)
		rc = item_parse(&ia, a, "ours", why);
	if (rc == 0)
		rc = item_parse(&ib, b, "theirs", why);
	if (rc == 0)
		rc = item_parse(&m, a, "ours", why);
	if (rc == 0) {
		item_sides s = {io, ia, ib, m, state, why};
		rc = merge_fields(&s);
	}
	if (rc == 0)
		rc = item_render(out, m);
	yoi_item_free(io);
	yoi_item_free(ia);
	yoi_item_free(ib);
	yoi_item_free(m);
	return rc;
}

/* ---- the public calls: a conflict is an outcome, not a return code ---- */

static int outcome(int rc, bool *conflict)
{
	*conflict = rc == CONFLICT;
	return rc == CONFLICT ? 0 : rc;
}

int yoi_merge_text(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		   yoi_merge_side b, const char *const labels[3],
		   bool *conflict)
{
	return outcome(merge_text_(out, o, a, b, labels), conflict);
}

int yoi_merge_thread(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		     yoi_merge_side b, bool *conflict, yoi_buf *why)
{
	return outcome(merge_appended(out, o, a, b, "thread.md", thread_units,
				      chain_conflicts, why),
		       conflict);
}

int yoi_merge_plan(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		   yoi_merge_side b, bool *conflict, yoi_buf *why)
{
	return outcome(merge_appended(out, o, a, b, "orchestration-plan.jsonl",
				      plan_units, renumber_ids, why),
		       conflict);
}

int yoi_merge_relations(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			yoi_merge_side b, const char *owner, bool *conflict,
			yoi_buf *why)
{
	return outcome(merge_relations_(out, o, a, b, owner, why), conflict);
}

int yoi_merge_item(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
		   yoi_merge_side b, const char *state, bool *conflict,
		   yoi_buf *why)
{
	return outcome(merge_item_(out, o, a, b, state, why), conflict);
}
