/* doctor.c - store-wide checks and safe repairs (SPEC 13). */
#include "yoi/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yoi/file.h"
#include "yoi/id.h"
#include "yoi/item.h"
#include "yoi/par.h"
#include "yoi/thread.h"

#define ERR  YOI_DIAG_ERROR
#define WARN YOI_DIAG_WARNING

static bool is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

/*
 * A yoi_error message reads "path:line: what". A diagnostic carries the
 * path (printed relative to the top) and the line itself, so its message
 * keeps only "what" and never repeats the absolute path.
 */
static const char *bare_msg(const char *msg, const char *path)
{
	size_t n = path ? strlen(path) : 0;
	if (!n || strncmp(msg, path, n) != 0 || msg[n] != ':')
		return msg;
	const char *p = msg + n + 1, *q = p;
	while (*q >= '0' && *q <= '9')
		q++;
	if (q > p && *q == ':')
		p = q + 1;
	while (*p == ' ')
		p++;
	return *p ? p : msg;
}

/* History checks over the parsed thread. */
static void check_history(const yoi_ticket_files *f, const yoi_thread *th,
			  const yoi_state_table *tab, yoi_diag *d)
{
	const char *tp = f->thread_path;
	if (th->n == 0)
		yoi_diag_add(d, ERR, "thread-empty", tp, 0,
			     "thread.md has no events: the history (the "
			     "source of truth) is lost; restore it from git");
	if (th->n && th->ev[0].kind && !is(th->ev[0].kind, "create") &&
	    !is(th->ev[0].kind, "migration"))
		yoi_diag_add(
		    d, WARN, "thread-first-event", tp, th->ev[0].line,
		    "the first event is '%s', not create or migration; "
		    "the ticket's origin is not recorded",
		    th->ev[0].kind);
	int64_t prev = 0;
	bool have_prev = false;
	for (size_t i = 0; i < th->n; i++) {
		const yoi_event *e = &th->ev[i];
		if (!e->kind)
			continue;
		int64_t t;
		if (e->at && yoi_time_parse(e->at, &t) < 0) {
			yoi_diag_add(
			    d, ERR, "thread-bad-timestamp", tp, e->line,
			    "at: '%s' is not an RFC 3339 UTC time like "
			    "2026-06-18T14:33:09Z",
			    e->at);
		} else if (e->at) {
			if (have_prev && t < prev)
				yoi_diag_add(d, WARN, "thread-time-backwards",
					     tp, e->line,
					     "this event's time %s is earlier "
					     "than the event before it",
					     e->at);
			prev = t;
			have_prev = true;
		}
		if (is(e->kind, "state_changed")) {
			static const char *const need[] = {"from", "to",
							   "reason"};
			for (size_t k = 0; k < 3; k++)
				if (!yoi_event_attr(e, need[k]))
					yoi_diag_add(
					    d, ERR,
					    "thread-incomplete-transition", tp,
					    e->line,
					    "state_changed without '%s'; "
					    "every transition records from, "
					    "to, reason and author",
					    need[k]);
			yoi_state from =
			    yoi_state_parse(yoi_event_attr(e, "from"));
			yoi_state to = yoi_state_parse(yoi_event_attr(e, "to"));
			if (yoi_event_attr(e, "to") && to == YOI_ST_INVALID)
				yoi_diag_add(d, ERR,
					     "thread-incomplete-transition", tp,
					     e->line,
					     "state_changed to unknown state "
					     "'%s'",
					     yoi_event_attr(e, "to"));
			else if (from != YOI_ST_INVALID &&
				 to != YOI_ST_INVALID &&
				 !is(yoi_event_attr(e, "forced"), "true") &&
				 !yoi_state_find(tab, from, to))
				yoi_diag_add(
				    d, WARN, "thread-illegal-transition", tp,
				    e->line,
				    "%s -> %s is not in the transition "
				    "table (inherited history is read "
				    "leniently)",
				    yoi_state_name(from), yoi_state_name(to));
		} else if (is(e->kind, "review")) {
			const char *s = yoi_event_attr(e, "status");
			if (!is(s, "approve") && !is(s, "request_changes"))
				yoi_diag_add(d, WARN,
					     "thread-bad-review-status", tp,
					     e->line,
					     "review status is '%s'; use "
					     "approve or request_changes",
					     s ? s : "(missing)");
		} else if (is(e->kind, "intake_summary") && !*e->body) {
			yoi_diag_add(d, ERR, "thread-empty-summary", tp,
				     e->line,
				     "intake_summary has an empty body; the "
				     "summary is what made the ticket ready");
		}
	}
}

void yoi_doctor_check_ticket(const yoi_ticket_files *f,
			     const yoi_state_table *tab, yoi_diag *d)
{
	yoi_item *it = NULL;
	yoi_thread *th = NULL;
	if (!f->item) {
		yoi_diag_add(d, ERR, "layout-missing-item", f->item_path, 0,
			     "item.md is missing; restore it from git or "
			     "remove the ticket directory");
	} else {
		yoi_error e = {0};
		if (yoi_item_parse(&it, f->item, f->item_len, f->item_path,
				   &e) < 0)
			yoi_diag_add(d, ERR, "item-parse", f->item_path, e.line,
				     "%s", bare_msg(e.msg, f->item_path));
		else
			yoi_item_check(it, f->item_path, d);
	}
	if (!f->thread) {
		yoi_diag_add(d, ERR, "layout-missing-thread", f->thread_path, 0,
			     "thread.md is missing; restore it from git");
	} else if (yoi_thread_parse(&th, f->thread, f->thread_len,
				    f->thread_path, d) < 0) {
		yoi_diag_add(d, ERR, "thread-parse", f->thread_path, 0,
			     "cannot parse thread.md (out of memory)");
	} else {
		check_history(f, th, tab, d);
	}
	if (it && th) {
		const char *state = yoi_item_get(it, "state");
		const char *replay = yoi_ticket_replay(th);
		const yoi_field *sf = yoi_item_field(it, "state");
		if (replay && state && strcmp(replay, state) != 0)
			yoi_diag_add(d, ERR, "state-drift", f->item_path,
				     sf ? sf->line : 0,
				     "item.md says state '%s' but thread.md "
				     "replays to '%s'; run 'yoi-tickets doctor "
				     "--fix' to make item.md follow the thread",
				     state, replay);
		if (is(state, "closed") && !f->has_resolution)
			yoi_diag_add(d, WARN, "closed-without-resolution",
				     f->item_path, sf ? sf->line : 0,
				     "the ticket is closed but has no "
				     "resolution.md; write one");
		/* updated_at must not be older than the last event. */
		const char *ua = yoi_item_get(it, "updated_at");
		int64_t u, last = 0;
		bool have = false;
		for (size_t i = 0; i < th->n; i++) {
			int64_t t;
			if (th->ev[i].at &&
			    yoi_time_parse(th->ev[i].at, &t) == 0 &&
			    (!have || t > last))
				last = t, have = true;
		}
		if (ua && have && yoi_time_parse(ua, &u) == 0 && u < last) {
			const yoi_field *uf = yoi_item_field(it, "updated_at");
			yoi_diag_add(d, WARN, "item-stale-updated-at",
				     f->item_path, uf ? uf->line : 0,
				     "updated_at %s is older than the last "
				     "event; 'doctor --fix' moves it up",
				     ua);
		}
	}
	yoi_item_free(it);
	yoi_thread_free(th);
}

bool yoi_doctor_fixable(const char *code)
{
	return is(code, "state-drift") || is(code, "item-stale-updated-at") ||
	       is(code, "layout-missing-artifacts");
}

/* Any symlink under artifacts/ (or artifacts/ itself) could escape it. */
static void check_artifacts(const char *dir, int depth, yoi_diag *d)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (is(de->d_name, ".") || is(de->d_name, ".."))
			continue;
		char *p = yoi_path_join(dir, de->d_name);
		struct stat sb;
		if (p && lstat(p, &sb) == 0) {
			if (S_ISLNK(sb.st_mode))
				yoi_diag_add(
				    d, ERR, "artifact-symlink", p, 0,
				    "symbolic link in artifacts/ may "
				    "point outside the ticket; replace "
				    "it with the file");
			else if (S_ISDIR(sb.st_mode) && depth < 16)
				check_artifacts(p, depth + 1, d);
		}
		free(p);
	}
	closedir(dp);
}

/* Read a ticket file for doctor; symlinks and oversize files are findings. */
static bool read_for_check(const char *path, yoi_buf *b, yoi_diag *d)
{
	yoi_error e = {0};
	int rc = yoi_file_read(path, YOI_FILE_MAX, b, &e);
	if (rc == 0)
		return true;
	if (rc != YOI_ENOTFOUND)
		yoi_diag_add(d, ERR,
			     rc == YOI_EREFUSED ? "file-not-regular"
						: "file-unreadable",
			     path, 0, "%s", bare_msg(e.msg, path));
	return false;
}

static void check_one(const yoi_store *st, const char *name, yoi_diag *d,
		      yoi_buf *item, yoi_buf *thread)
{
	char *dir = yoi_path_join(st->root, name);
	char *ip = dir ? yoi_path_join(dir, "item.md") : NULL;
	char *tp = dir ? yoi_path_join(dir, "thread.md") : NULL;
	char *ap = dir ? yoi_path_join(dir, "artifacts") : NULL;
	char *rp = dir ? yoi_path_join(dir, "resolution.md") : NULL;
	if (!rp)
		goto out;
	bool has_item = read_for_check(ip, item, d);
	bool has_thread = read_for_check(tp, thread, d);
	bool missing_item = !has_item && !yoi_exists(ip);
	bool missing_thread = !has_thread && !yoi_exists(tp);
	if (yoi_is_dir(ap))
		check_artifacts(ap, 0, d);
	else if (yoi_exists(ap))
		yoi_diag_add(d, ERR, "artifact-symlink", ap, 0,
			     "artifacts is not a directory (a symlink or a "
			     "file); replace it with a directory");
	else
		yoi_diag_add(d, WARN, "layout-missing-artifacts", ap, 0,
			     "the artifacts/ directory is missing; 'doctor "
			     "--fix' creates it");
	yoi_ticket_files f = {
	    name,	 has_item ? item->ptr : NULL,
	    item->len,	 has_thread ? thread->ptr : NULL,
	    thread->len, yoi_is_file(rp),
	    ip,		 tp,
	};
	/* Unreadable files were reported; only truly missing ones are. */
	if (!has_item && !missing_item)
		f.item = "", f.item_len = 0;
	if (!has_thread && !missing_thread)
		f.thread = "", f.thread_len = 0;
	if ((has_item || missing_item) && (has_thread || missing_thread))
		yoi_doctor_check_ticket(&f, &st->cfg.transitions, d);
out:
	free(dir);
	free(ip);
	free(tp);
	free(ap);
	free(rp);
}

/* One worker's own output and read buffers. */
typedef struct doctor_worker {
	yoi_diag d;
	yoi_buf item;
	yoi_buf thread;
} doctor_worker;

typedef struct doctor_job {
	const yoi_store *st;
	const yoi_strv *tickets;
	doctor_worker *w;
} doctor_job;

static void check_nth(void *ctx, size_t i, unsigned worker)
{
	doctor_job *j = ctx;
	doctor_worker *w = &j->w[worker];
	check_one(j->st, j->tickets->v[i], &w->d, &w->item, &w->thread);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Move every entry of src to the end of dst. */
static void diag_move(yoi_diag *dst, yoi_diag *src)
{
	for (size_t i = 0; i < src->n; i++) {
		yoi_diag_entry *e = &src->v[i];
		yoi_diag_add(dst, e->severity, e->code, e->path, e->line, "%s",
			     e->message);
	}
	dst->dropped += src->dropped;
	yoi_diag_free(src);
}

int yoi_doctor_run(const yoi_store *st, yoi_diag *d, yoi_error *err)
{
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	DIR *dp = opendir(st->root);
	if (!dp)
		return yoi_error_set(err, YOI_EIO, st->root, 0,
				     "%s: cannot list: %s", st->root,
				     strerror(errno));
	/* Names, with readdir's type: a directory needs no lstat. */
	yoi_strv names = {0}, dirs = {0};
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (yoi_strv_push(&names, de->d_name) < 0 ||
		    (de->d_type == DT_DIR &&
		     yoi_strv_push(&dirs, de->d_name) < 0))
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
	}
	closedir(dp);
	yoi_strv_sort(&names);
	yoi_strv_sort(&dirs);
	/*
	 * Layout, sequentially (cheap). Valid IDs are unique by being
	 * directory names; only a name that is not an ID but normalises to
	 * one (lower case, O for 0, ...) can duplicate another ticket.
	 */
	yoi_strv tickets = {0}, near = {0};
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const char *name = names.v[i];
		char *path = yoi_path_join(st->root, name);
		if (!path) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
			break;
		}
		bool is_dir = bsearch(&name, dirs.v, dirs.n, sizeof(char *),
				      cmp_str) != NULL;
		struct stat sb;
		if (!is_dir && lstat(path, &sb) < 0) {
			/* vanished while we looked */
		} else if (is(name, "open") || is(name, "pending") ||
			   is(name, "closed")) {
			yoi_diag_add(d, ERR, "layout-legacy-bucket", path, 0,
				     "legacy '%s/' bucket; move its tickets "
				     "to the tickets root (one directory per "
				     "ID) and remove it",
				     name);
		} else if (!is_dir && S_ISLNK(sb.st_mode)) {
			yoi_diag_add(d, ERR, "layout-symlink", path, 0,
				     "ticket entries must be real directories, "
				     "not symbolic links");
		} else if (!is_dir && !S_ISDIR(sb.st_mode)) {
			yoi_diag_add(d, WARN, "layout-stray-file", path, 0,
				     "a file in the tickets root; only ticket "
				     "directories belong here");
		} else if (yoi_id_valid(name)) {
			if (yoi_strv_push(&tickets, name) < 0)
				rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
						   "out of memory");
		} else {
			char norm[YOI_ID_LEN + 1];
			char *key = norm;
			bool near_id =
			    yoi_id_normalize(name, norm, sizeof(norm)) == 0 &&
			    yoi_id_valid(norm);
			if (near_id && (bsearch(&key, names.v, names.n,
						sizeof(char *), cmp_str) ||
					yoi_strv_contains(&near, norm)))
				yoi_diag_add(d, ERR, "layout-duplicate-id",
					     path, 0,
					     "duplicate ID %s (names differ "
					     "only in case or look-alike "
					     "letters); merge the two tickets",
					     norm);
			else
				yoi_diag_add(d, ERR, "layout-bad-dir-name",
					     path, 0,
					     "'%s' is not a ticket ID (13 "
					     "characters of Crockford base32); "
					     "rename or remove it",
					     name);
			if (near_id)
				yoi_strv_push(&near, norm);
		}
		free(path);
	}
	/* Tickets, in parallel: each worker has its own diag and buffers. */
	if (rc == 0) {
		unsigned threads = yoi_par_threads(tickets.n);
		doctor_worker *w = calloc(threads, sizeof(*w));
		if (!w) {
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		} else {
			doctor_job j = {st, &tickets, w};
			yoi_par_for(tickets.n, threads, check_nth, &j);
			for (unsigned k = 0; k < threads; k++) {
				diag_move(d, &w[k].d);
				yoi_buf_free(&w[k].item);
				yoi_buf_free(&w[k].thread);
			}
			free(w);
		}
	}
	yoi_strv_free(&near);
	yoi_strv_free(&tickets);
	yoi_strv_free(&dirs);
	yoi_strv_free(&names);
	return rc;
}

int yoi_doctor_repair(yoi_store *st, const yoi_opctx *ctx, const char *id,
		      yoi_buf *what, yoi_error *err)
{
	yoi_buf_clear(what);
	int rc = yoi_store_lock(st, ctx->wait_sec, err);
	if (rc < 0)
		return rc;
	/* artifacts/ first: it needs no parsable item or thread. */
	char *arts = yoi_store_path(st, id, "artifacts");
	if (!arts) {
		yoi_store_unlock(st);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	bool made_arts = false;
	if (!yoi_exists(arts)) {
		rc = yoi_mkdir_kept(arts, err);
		made_arts = rc == 0;
	}
	free(arts);
	yoi_ticket *t = NULL;
	if (rc == 0)
		rc = yoi_ticket_begin(st, ctx, id, &t, err);
	if (rc < 0) {
		yoi_store_unlock(st);
		/* A ticket we cannot load may still have had artifacts/ made.
		 */
		if (made_arts)
			yoi_buf_puts(what, "artifacts/");
		return made_arts ? 0 : rc;
	}
	const char *state = yoi_item_get(t->item, "state");
	const char *replay = yoi_ticket_replay(t->thread);
	bool drift = replay && (!state || strcmp(state, replay) != 0) &&
		     yoi_state_parse(replay) != YOI_ST_INVALID;
	const char *ua = yoi_item_get(t->item, "updated_at");
	int64_t u, last = 0;
	for (size_t i = 0; i < t->thread->n; i++) {
		int64_t x;
		if (t->thread->ev[i].at &&
		    yoi_time_parse(t->thread->ev[i].at, &x) == 0 && x > last)
			last = x;
	}
	bool stale = ua && yoi_time_parse(ua, &u) == 0 && u < last;
	yoi_buf events = YOI_BUF_INIT, fields = YOI_BUF_INIT;
	if (drift)
		yoi_buf_puts(&fields, "state");
	if (stale || drift)
		yoi_buf_printf(&fields, "%supdated_at", fields.len ? "," : "");
	if (made_arts)
		yoi_buf_printf(&fields, "%sartifacts", fields.len ? "," : "");
	if (fields.len) {
		char *replay_copy = drift ? yoi_strdup(replay) : NULL;
		if (drift && (!replay_copy ||
			      yoi_item_set(t->item, "state", replay_copy) < 0))
			rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0,
					   "out of memory");
		free(replay_copy);
		yoi_attr a[] = {{"fields", fields.ptr},
				{"reason", (char *)yoi_texts_get(
					       ctx->texts, "reason_fix")}};
		if (rc == 0)
			rc = yoi_ticket_lead_newline(t, &events);
		if (rc == 0)
			rc = yoi_ticket_event(
			    &events, ctx, t->thread_crlf, "edit", a, 2,
			    yoi_texts_get(ctx->texts, "fix_edit_body"), err);
		if (rc == 0)
			rc = yoi_ticket_commit(t, ctx, &events, err);
		if (rc == 0)
			yoi_buf_put(what, fields.ptr, fields.len);
	}
	yoi_buf_free(&events);
	yoi_buf_free(&fields);
	yoi_ticket_end(st, t);
	return rc;
}
