/*
 * export.c - the lossless export of a store and its restore (export.h).
 *
 * The export carries every byte of every ticket folder (`files`, `dirs`)
 * beside the parsed views; the restore writes only from `files` and
 * `dirs`, so what comes back is what went out, whatever the views say.
 */
#include "yoi/export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fault.h"
#include "store/stage.h"
#include "yoi/file.h"
#include "yoi/item.h"
#include "yoi/plan.h"
#include "yoi/relations.h"
#include "yoi/thread.h"

static int oom(yoi_error *err)
{
	return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

/* ---- base64 (RFC 4648, with padding) ---- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_encode(yoi_buf *out, const unsigned char *p, size_t n)
{
	if (yoi_buf_grow(out, (n + 2) / 3 * 4 + 1) < 0)
		return YOI_ENOMEM;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {b64[v >> 18], b64[(v >> 12) & 63],
			     i + 1 < n ? b64[(v >> 6) & 63] : '=',
			     i + 2 < n ? b64[v & 63] : '='};
		yoi_buf_put(out, q, 4);
	}
	return yoi_buf_oom(out) ? YOI_ENOMEM : 0;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* Strict: length a multiple of 4, padding only at the end. -1 if bad. */
static int b64_decode(yoi_buf *out, const char *s, size_t n)
{
	if (n % 4)
		return -1;
	if (yoi_buf_grow(out, n / 4 * 3 + 1) < 0)
		return YOI_ENOMEM;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		size_t pad = 0;
		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || (v[k] = b64_value(s[i + k])) < 0)
				return -1;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		char q[3] = {(char)(w >> 16), (char)(w >> 8), (char)w};
		yoi_buf_put(out, q, 3 - pad);
	}
	return yoi_buf_oom(out) ? YOI_ENOMEM : 0;
}

/* ---- entries ---- */

void yoi_export_entry_free(yoi_export_entry *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].path);
		free(e->v[i].data);
	}
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

/* Takes path and data (freed on failure). */
static int entry_add(yoi_export_entry *e, char *path, char *data, size_t len,
		     bool dir)
{
	if (!path || YOI_GROW(e->v, e->n, e->cap, 16) < 0) {
		free(path);
		free(data);
		return YOI_ENOMEM;
	}
	e->v[e->n++] = (yoi_export_file){path, data, len, dir};
	return 0;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const yoi_export_file *)a)->path,
		      ((const yoi_export_file *)b)->path);
}

static const yoi_export_file *entry_find(const yoi_export_entry *e,
					 const char *path)
{
	yoi_export_file key = {(char *)path, NULL, 0, false};
	return e->n ? bsearch(&key, e->v, e->n, sizeof(*e->v), file_cmp) : NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *unsafe_path(const char *rel);

/* Read the folder open at dfd (taken and closed), named rel below the
 * ticket folder ("" for the folder itself) and full for messages. */
static int walk(yoi_export_entry *e, int dfd, const char *rel, const char *full,
		int depth, yoi_strv *skipped, yoi_error *err)
{
	DIR *dp = fdopendir(dfd);
	if (!dp) {
		int en = errno;
		close(dfd);
		return yoi_error_set(err, YOI_EIO, full, 0,
				     "%s: cannot list: %s", full, strerror(en));
	}
	yoi_strv names = {0};
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (e->n + names.n >= YOI_EXPORT_ENTRIES_MAX)
			rc = yoi_error_set(err, YOI_ECORRUPT, full, 0,
					   "%s: more than %d files and "
					   "folders in one ticket; move "
					   "attachments elsewhere",
					   full, YOI_EXPORT_ENTRIES_MAX);
		else if (yoi_strv_push(&names, de->d_name) < 0)
			rc = oom(err);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const char *name = names.v[i];
		char *r =
		    *rel ? yoi_sprintf("%s/%s", rel, name) : yoi_strdup(name);
		char *f = yoi_sprintf("%s/%s", full, name);
		struct stat sb;
		const char *why = NULL;
		if (!r || !f)
			rc = oom(err);
		else if ((why = unsafe_path(r))) {
			/* An import would refuse it: say so now. */
			char *s = skipped ? yoi_sprintf("%s: %s, not exported",
							r, why)
					  : NULL;
			if (skipped &&
			    (!s || yoi_strv_push_owned(skipped, s) < 0))
				rc = oom(err);
		} else if (fstatat(dirfd(dp), name, &sb, AT_SYMLINK_NOFOLLOW) <
			   0)
			rc = yoi_error_set(err, YOI_EIO, f, 0,
					   "%s: cannot stat: %s", f,
					   strerror(errno));
		else if (S_ISDIR(sb.st_mode)) {
			if (depth + 1 >= YOI_EXPORT_DEPTH_MAX) {
				rc = yoi_error_set(
				    err, YOI_ECORRUPT, f, 0,
				    "%s: folders nested deeper than %d in a "
				    "ticket; flatten them",
				    f, YOI_EXPORT_DEPTH_MAX);
			} else {
				int sub = openat(dirfd(dp), name,
						 O_RDONLY | O_DIRECTORY |
						     O_NOFOLLOW | O_CLOEXEC);
				if (sub < 0)
					rc =
					    yoi_error_set(err, YOI_EIO, f, 0,
							  "%s: cannot open: %s",
							  f, strerror(errno));
				else if ((rc = entry_add(e, yoi_strdup(r), NULL,
							 0, true)) < 0)
					close(sub), rc = oom(err);
				else
					rc = walk(e, sub, r, f, depth + 1,
						  skipped, err);
			}
		} else if (S_ISREG(sb.st_mode)) {
			yoi_buf b = YOI_BUF_INIT;
			rc = yoi_file_read_at(dirfd(dp), name,
					      YOI_EXPORT_FILE_MAX, &b, err);
			if (rc == YOI_ECORRUPT)
				yoi_error_set(err, rc, f, 0,
					      "%s: larger than %zu MiB; an "
					      "export carries files up to "
					      "that size",
					      f, YOI_EXPORT_FILE_MAX >> 20);
			if (rc == 0) {
				size_t len = b.len;
				rc = entry_add(e, r, yoi_buf_detach(&b), len,
					       false);
				r = NULL;
				if (rc < 0)
					rc = oom(err);
			}
			yoi_buf_free(&b);
		} else if (skipped) {
			const char *what = S_ISLNK(sb.st_mode)
					       ? "a symbolic link"
					       : "not a regular file";
			char *s = yoi_sprintf("%s: %s, not exported", r, what);
			if (!s || yoi_strv_push_owned(skipped, s) < 0)
				rc = oom(err);
		}
		free(r);
		free(f);
	}
	yoi_strv_free(&names);
	closedir(dp);
	return rc;
}

int yoi_export_read_ticket(yoi_export_entry *e, const yoi_store *st,
			   const char *id, yoi_strv *skipped, yoi_error *err)
{
	if (!yoi_id_valid(id))
		return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
				     "'%s' is not a ticket ID", id);
	memcpy(e->id, id, YOI_ID_LEN + 1);
	char *dir = yoi_store_path(st, id, NULL);
	if (!dir)
		return oom(err);
	int rc = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int en = errno;
		if (en == ENOENT)
			rc = yoi_error_set(err, YOI_ENOTFOUND, dir, 0,
					   "%s: no such ticket", dir);
		else if (en == ELOOP || en == ENOTDIR)
			rc = yoi_error_set(err, YOI_EREFUSED, dir, 0,
					   "%s: not a directory (a symbolic "
					   "link?); 'yoi-tickets doctor' "
					   "lists it",
					   dir);
		else
			rc = yoi_error_set(err, YOI_EIO, dir, 0,
					   "%s: cannot open: %s", dir,
					   strerror(en));
	} else {
		rc = walk(e, fd, "", dir, 0, skipped, err);
	}
	free(dir);
	if (rc == 0 && e->n)
		qsort(e->v, e->n, sizeof(*e->v), file_cmp);
	return rc;
}

/* ---- the views ---- */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void problem(json_t *probs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(json_t *probs, const char *fmt, ...)
{
	char msg[YOI_ERRTEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A message quoting bad bytes may not be UTF-8 itself. */
	json_array_append_new(probs, yoi_utf8_valid(msg, strlen(msg))
					 ? json_string(msg)
					 : json_string("unreadable message"));
}

static bool text_ok(const yoi_export_file *f)
{
	return f && !f->dir && !memchr(f->data, 0, f->len) &&
	       yoi_utf8_valid(f->data, f->len);
}

static json_t *fields_json(const yoi_item *it)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < it->nfields; i++) {
		const yoi_field *f = &it->fields[i];
		json_t *v = NULL;
		switch (f->type) {
		case YOI_FIELD_SCALAR:
			v = json_string(f->value);
			break;
		case YOI_FIELD_NULL:
			v = json_null();
			break;
		case YOI_FIELD_LIST:
			v = json_array();
			for (size_t k = 0; v && k < f->nlist; k++)
				json_array_append_new(v,
						      json_string(f->list[k]));
			break;
		case YOI_FIELD_OTHER:
			/* Mappings and nested lists: their YAML text. */
			v = json_stringn(it->raw + f->start, f->end - f->start);
			break;
		}
		json_object_set_new(o, f->key, v ? v : json_null());
	}
	return o;
}

int yoi_export_fields_json(yoi_buf *out, const yoi_item *it)
{
	json_t *o = fields_json(it);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc = text && yoi_buf_puts(out, text) == 0 ? 0 : YOI_ENOMEM;

	free(text);
	json_decref(o);
	return rc;
}

static json_t *event_json(const yoi_event *e)
{
	json_t *attrs = json_object();
	for (size_t i = 0; attrs && i < e->nattrs; i++)
		json_object_set_new(attrs, e->attrs[i].key,
				    jstr(e->attrs[i].value));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:i}", "kind",
			 jstr(e->kind), "author", jstr(e->author), "at",
			 jstr(e->at), "attrs", attrs ? attrs : json_object(),
			 "heading", jstr(e->heading), "body", jstr(e->body),
			 "line", e->line);
}

static json_t *item_view(const yoi_export_file *f, json_t *o, json_t *probs)
{
	json_t *state = json_null();
	if (!f || f->dir) {
		problem(probs, "item.md: missing");
		json_object_set_new(o, "fields", json_null());
		json_object_set_new(o, "body", json_null());
		return state;
	}
	yoi_item *it = NULL;
	yoi_error e = {0};
	char buf[YOI_ERRTEXT_MAX];
	if (yoi_item_parse(&it, f->data, f->len, "item.md", &e) < 0) {
		problem(probs, "%s", yoi_error_text(&e, buf, sizeof(buf)));
		json_object_set_new(o, "fields", json_null());
		json_object_set_new(o, "body", json_null());
		return state;
	}
	const char *s = yoi_item_get(it, "state");
	if (s) {
		json_decref(state);
		state = json_string(s);
	}
	size_t blen;
	const char *body = yoi_item_body(it, &blen);
	json_object_set_new(o, "fields", fields_json(it));
	json_object_set_new(o, "body", json_stringn(body, blen));
	yoi_item_free(it);
	return state ? state : json_null();
}

static json_t *thread_view(const yoi_export_file *f, json_t *probs)
{
	if (!f || f->dir) {
		problem(probs, "thread.md: missing");
		return json_null();
	}
	const char *what = NULL;
	int bad = yoi_thread_bad_text(f->data, f->len, &what);
	if (bad) {
		problem(probs, "thread.md:%d: %s; the events are in files only",
			bad, what ? what : "not text");
		return json_null();
	}
	yoi_thread *t = NULL;
	if (yoi_thread_parse(&t, f->data, f->len, "thread.md", NULL) < 0)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; a && i < t->n; i++)
		json_array_append_new(a, event_json(&t->ev[i]));
	yoi_thread_free(t);
	return a ? a : json_null();
}

static json_t *relations_view(const char *id, const yoi_export_file *f,
			      json_t *probs)
{
	if (!f)
		return json_array();
	yoi_relations *r = NULL;
	yoi_error e = {0};
	char buf[YOI_ERRTEXT_MAX];
	if (f->dir ||
	    yoi_relations_parse(&r, f->data, f->len, id,
				"artifacts/relations.json", NULL, &e) < 0) {
		problem(probs, "%s",
			f->dir ? "artifacts/relations.json: a folder"
			       : yoi_error_text(&e, buf, sizeof(buf)));
		return json_null();
	}
	if (r->nerrors)
		problem(probs,
			"artifacts/relations.json: %zu bad record(s) are in "
			"files only ('yoi-tickets doctor' names them)",
			r->nerrors);
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->n; i++) {
		const yoi_relation *x = &r->v[i];
		json_t *o = json_pack(
		    "{s:s, s:s, s:s}", "ticket_id", x->ticket_id, "kind",
		    yoi_rel_kind_name(x->kind), "target", x->target);
		if (o && x->note)
			json_object_set_new(o, "note", json_string(x->note));
		if (o) {
			json_object_set_new(o, "author", jstr(x->author));
			json_object_set_new(o, "at", jstr(x->at));
		}
		json_array_append_new(a, o);
	}
	yoi_relations_free(r);
	return a ? a : json_null();
}

static void set_opt(json_t *o, const char *key, const char *v)
{
	if (o && v)
		json_object_set_new(o, key, json_string(v));
}

static json_t *plan_view(const char *id, const yoi_export_file *f,
			 json_t *probs)
{
	if (!f)
		return json_array();
	yoi_plan *p = NULL;
	yoi_error e = {0};
	char buf[YOI_ERRTEXT_MAX];
	if (f->dir || yoi_plan_parse(&p, f->data, f->len, id,
				     "artifacts/orchestration-plan.jsonl", NULL,
				     &e) < 0) {
		problem(probs, "%s",
			f->dir ? "artifacts/orchestration-plan.jsonl: a folder"
			       : yoi_error_text(&e, buf, sizeof(buf)));
		return json_null();
	}
	if (p->nerrors)
		problem(probs,
			"artifacts/orchestration-plan.jsonl: %zu bad line(s) "
			"are in files only ('yoi-tickets doctor' names them)",
			p->nerrors);
	json_t *a = json_array();
	for (size_t i = 0; a && i < p->n; i++) {
		const yoi_plan_record *x = &p->v[i];
		json_t *o = json_pack("{s:s, s:s, s:s}", "id", x->id,
				      "ticket_id", x->ticket_id, "kind",
				      yoi_plan_kind_name(x->kind));
		if (x->related_ticket[0])
			set_opt(o, "related_ticket", x->related_ticket);
		if (o && x->accepted) {
			json_t *ap = json_object();
			set_opt(ap, "summary", x->accepted->summary);
			set_opt(ap, "branch", x->accepted->branch);
			set_opt(ap, "worktree", x->accepted->worktree);
			set_opt(ap, "role_plan", x->accepted->role_plan);
			json_object_set_new(o, "accepted_plan", ap);
		}
		set_opt(o, "note", x->note);
		set_opt(o, "author", x->author);
		set_opt(o, "at", x->at);
		json_array_append_new(a, o);
	}
	yoi_plan_free(p);
	return a ? a : json_null();
}

static json_t *files_json(const yoi_export_entry *e)
{
	json_t *files = json_object(), *dirs = json_array();
	json_t *o = json_pack("{s:o, s:o}", "files", files, "dirs", dirs);
	for (size_t i = 0; o && i < e->n; i++) {
		const yoi_export_file *f = &e->v[i];
		json_t *v;
		if (f->dir) {
			json_array_append_new(dirs, json_string(f->path));
			continue;
		}
		if (text_ok(f)) {
			/* text_ok checked the UTF-8 already. */
			v = json_stringn_nocheck(f->data, f->len);
		} else {
			yoi_buf b = YOI_BUF_INIT;
			v = b64_encode(&b, (const unsigned char *)f->data,
				       f->len) < 0
				? NULL
				: json_pack("{s:s, s:s%}", "encoding", "base64",
					    "data", b.ptr ? b.ptr : "", b.len);
			yoi_buf_free(&b);
		}
		if (!v || json_object_set_new(files, f->path, v) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The export object of one ticket; NULL when out of memory. */
static json_t *ticket_obj(const yoi_export_entry *e, const yoi_strv *skipped)
{
	json_t *probs = json_array();
	json_t *o = json_pack("{s:s}", "id", e->id);
	json_t *fd = files_json(e);
	if (!o || !probs || !fd) {
		json_decref(o);
		json_decref(probs);
		json_decref(fd);
		return NULL;
	}
	json_object_set_new(o, "state", json_null());
	json_t *state = item_view(entry_find(e, "item.md"), o, probs);
	json_object_set_new(o, "state", state);
	json_object_set_new(o, "events",
			    thread_view(entry_find(e, "thread.md"), probs));
	json_object_set_new(
	    o, "relations",
	    relations_view(e->id, entry_find(e, "artifacts/relations.json"),
			   probs));
	json_object_set_new(
	    o, "plan",
	    plan_view(e->id,
		      entry_find(e, "artifacts/orchestration-plan.jsonl"),
		      probs));
	const yoi_export_file *res = entry_find(e, "resolution.md");
	json_object_set_new(o, "resolution",
			    text_ok(res) ? json_stringn(res->data, res->len)
					 : json_null());
	json_object_update(o, fd);
	json_decref(fd);
	if (json_array_size(probs))
		json_object_set(o, "problems", probs);
	json_decref(probs);
	if (skipped && skipped->n) {
		json_t *s = json_array();
		for (size_t i = 0; s && i < skipped->n; i++)
			json_array_append_new(s, json_string(skipped->v[i]));
		json_object_set_new(o, "skipped", s);
	}
	return o;
}

static int buf_dump(const char *p, size_t n, void *data)
{
	return yoi_buf_put(data, p, n) < 0 ? -1 : 0;
}

int yoi_export_ticket_json(yoi_buf *out, const yoi_export_entry *e,
			   const yoi_strv *skipped, yoi_error *err)
{
	json_t *o = ticket_obj(e, skipped);
	int rc =
	    o && json_dump_callback(o, buf_dump, out,
				    JSON_COMPACT | JSON_PRESERVE_ORDER) == 0
		? 0
		: oom(err);
	json_decref(o);
	return rc;
}

/* ---- reading an export ---- */

static int bad(yoi_error *err, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(yoi_error *err, const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yoi_error_vat(err, YOI_ECORRUPT, path, line, fmt, ap);
	va_end(ap);
	return rc;
}

/* Why rel is not a safe path inside a ticket folder, or NULL. */
static const char *unsafe_path(const char *rel)
{
	size_t n = strlen(rel);
	if (!n)
		return "an empty path";
	if (n > YOI_EXPORT_PATH_MAX)
		return "a path too long";
	if (rel[0] == '/')
		return "an absolute path";
	if (!yoi_utf8_valid(rel, n))
		return "a path that is not UTF-8";
	int depth = 0;
	for (const char *p = rel; *p;) {
		size_t c = strcspn(p, "/");
		if (c == 0)
			return "an empty path component";
		if ((c == 1 && p[0] == '.') || (c == 2 && !strncmp(p, "..", 2)))
			return "a '.' or '..' component";
		if (c > 255)
			return "a file name over 255 bytes";
		if (++depth > YOI_EXPORT_DEPTH_MAX)
			return "a path too deep";
		p += c;
		if (*p == '/' && !*++p)
			return "a trailing '/'";
	}
	for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "a control character in a path";
	return NULL;
}

static int entry_from_json(yoi_export_entry *e, json_t *o, const char *path,
			   int line, const char *where, yoi_error *err)
{
	if (!json_is_object(o))
		return bad(err, path, line, "%s: not a JSON object", where);
	const char *id = json_string_value(json_object_get(o, "id"));
	if (!id || !yoi_id_valid(id))
		return bad(err, path, line,
			   "%s: no valid ticket \"id\" (13 characters of "
			   "Crockford base32)",
			   where);
	memcpy(e->id, id, YOI_ID_LEN + 1);
	e->line = line;
	json_t *files = json_object_get(o, "files");
	json_t *dirs = json_object_get(o, "dirs");
	if (!json_is_object(files))
		return bad(err, path, line,
			   "ticket %s: no \"files\" object; was this file "
			   "made by 'yoi-tickets export'?",
			   id);
	if (dirs && !json_is_array(dirs))
		return bad(err, path, line, "ticket %s: \"dirs\" is not a list",
			   id);
	if (json_object_size(files) + json_array_size(dirs) >
	    YOI_EXPORT_ENTRIES_MAX)
		return bad(err, path, line,
			   "ticket %s: more than %d files and folders", id,
			   YOI_EXPORT_ENTRIES_MAX);
	const char *key;
	json_t *v;
	json_object_foreach(files, key, v)
	{
		const char *why = unsafe_path(key);
		if (why)
			return bad(err, path, line,
				   "ticket %s: file \"%.200s\": %s; a file of "
				   "an export must stay inside its ticket "
				   "folder",
				   id, key, why);
		yoi_buf b = YOI_BUF_INIT;
		if (json_is_string(v)) {
			if (yoi_buf_put(&b, json_string_value(v),
					json_string_length(v)) < 0 ||
			    yoi_buf_grow(&b, 0) < 0)
				return yoi_buf_free(&b), oom(err);
		} else {
			const char *enc =
			    json_string_value(json_object_get(v, "encoding"));
			json_t *d = json_object_get(v, "data");
			int r = -1;
			if (json_is_object(v) && json_object_size(v) == 2 &&
			    enc && !strcmp(enc, "base64") && json_is_string(d))
				r = b64_decode(&b, json_string_value(d),
					       json_string_length(d));
			if (r == YOI_ENOMEM || (r == 0 && yoi_buf_grow(&b, 0)))
				return yoi_buf_free(&b), oom(err);
			if (r < 0) {
				yoi_buf_free(&b);
				return bad(err, path, line,
					   "ticket %s: file \"%s\": neither a "
					   "string nor "
					   "{\"encoding\":\"base64\",\"data\":"
					   "...}",
					   id, key);
			}
		}
		if (b.len > YOI_EXPORT_FILE_MAX) {
			yoi_buf_free(&b);
			return bad(err, path, line,
				   "ticket %s: file \"%s\" over %zu MiB", id,
				   key, YOI_EXPORT_FILE_MAX >> 20);
		}
		size_t len = b.len;
		if (entry_add(e, yoi_strdup(key), yoi_buf_detach(&b), len,
			      false) < 0)
			return oom(err);
	}
	size_t i;
	json_array_foreach(dirs, i, v)
	{
		const char *d = json_string_value(v);
		const char *why = d ? unsafe_path(d) : "not a string";
		if (why)
			return bad(err, path, line,
				   "ticket %s: folder \"%.200s\": %s", id,
				   d ? d : "?", why);
		if (entry_add(e, yoi_strdup(d), NULL, 0, true) < 0)
			return oom(err);
	}
	if (e->n)
		qsort(e->v, e->n, sizeof(*e->v), file_cmp);
	/* A path twice, or a file where a folder must be. */
	for (i = 0; i < e->n; i++) {
		const char *p = e->v[i].path;
		if (i + 1 < e->n && !strcmp(p, e->v[i + 1].path))
			return bad(err, path, line,
				   "ticket %s: \"%s\" is listed twice", id, p);
		for (const char *s = strchr(p, '/'); s;
		     s = strchr(s + 1, '/')) {
			char *pre = yoi_strndup(p, (size_t)(s - p));
			if (!pre)
				return oom(err);
			const yoi_export_file *f = entry_find(e, pre);
			free(pre);
			if (f && !f->dir)
				return bad(
				    err, path, line,
				    "ticket %s: \"%s\" lies under \"%.*s\", "
				    "which is a file",
				    id, p, (int)(s - p), p);
		}
	}
	return 0;
}

int yoi_export_entry_parse(yoi_export_entry *e, const char *text, size_t len,
			   const char *path, int line, yoi_error *err)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return bad(err, path, line, "not JSON: %s (column %d)", je.text,
			   je.column);
	char where[32];
	snprintf(where, sizeof(where), "line %d", line);
	int rc = entry_from_json(e, o, path, line, where, err);
	json_decref(o);
	return rc;
}

/* ---- writing an export ---- */

void yoi_export_result_free(yoi_export_result *r)
{
	if (r)
		yoi_strv_free(&r->warnings);
}

typedef struct sink_state {
	yoi_export_sink fn;
	void *ctx;
	yoi_error *err;
	int rc;
} sink_state;

static int sink_dump(const char *p, size_t n, void *data)
{
	sink_state *s = data;
	if (s->rc == 0)
		s->rc = s->fn(s->ctx, p, n, s->err);
	return s->rc ? -1 : 0;
}

static int dump(sink_state *s, json_t *j, size_t flags)
{
	if (!j)
		return oom(s->err);
	int r =
	    json_dump_callback(j, sink_dump, s, flags | JSON_PRESERVE_ORDER);
	if (s->rc)
		return s->rc;
	return r < 0 ? oom(s->err) : 0;
}

static bool state_wanted(const yoi_export_opts *o, const yoi_export_entry *e)
{
	if (!o->nstates)
		return true;
	const yoi_export_file *f = entry_find(e, "item.md");
	if (!f || f->dir)
		return false;
	yoi_item *it = NULL;
	bool want = false;
	if (yoi_item_parse(&it, f->data, f->len, "item.md", NULL) == 0) {
		const char *s = yoi_item_get(it, "state");
		for (size_t i = 0; s && !want && i < o->nstates; i++)
			want = !strcmp(s, o->states[i]);
	}
	yoi_item_free(it);
	return want;
}

static json_t *header(const yoi_export_opts *o)
{
	json_t *states = json_null();
	if (o->nstates) {
		states = json_array();
		for (size_t i = 0; states && i < o->nstates; i++)
			json_array_append_new(states,
					      json_string(o->states[i]));
	}
	return json_pack(
	    "{s:s, s:i, s:o, s:o, s:o}", "format", YOI_EXPORT_FORMAT, "version",
	    YOI_EXPORT_VERSION, "generator", jstr(o->generator), "exported_at",
	    jstr(o->exported_at), "states", states ? states : json_null());
}

int yoi_export_write(yoi_export_result *res, yoi_store *st,
		     const yoi_export_opts *o, yoi_export_sink sink,
		     void *sink_ctx, yoi_error *err)
{
	memset(res, 0, sizeof(*res));
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	rc = yoi_store_lock_shared(st, o->wait_sec, err);
	bool locked = rc == 0;
	if (rc == YOI_EREFUSED)
		rc = 0;
	if (rc < 0)
		return rc;
	yoi_strv ids = {0};
	rc = yoi_store_ids(st, &ids, err);
	sink_state s = {sink, sink_ctx, err, 0};
	json_t *doc = NULL, *arr = NULL;
	if (rc == 0 && o->format == YOI_EXPORT_JSONL) {
		json_t *h = header(o);
		rc = dump(&s, h, JSON_COMPACT);
		json_decref(h);
		if (rc == 0)
			rc = sink(sink_ctx, "\n", 1, err);
	} else if (rc == 0) {
		doc = header(o);
		arr = json_array();
		if (!doc || !arr || json_object_set_new(doc, "tickets", arr))
			rc = oom(err);
	}
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		yoi_export_entry e = {0};
		yoi_strv skipped = {0};
		rc = yoi_export_read_ticket(&e, st, ids.v[i], &skipped, err);
		if (rc == 0 && state_wanted(o, &e)) {
			for (size_t k = 0; rc == 0 && k < skipped.n; k++) {
				char *w =
				    yoi_sprintf("%s: %s", e.id, skipped.v[k]);
				if (!w ||
				    yoi_strv_push_owned(&res->warnings, w) < 0)
					rc = oom(err);
			}
			json_t *t = rc == 0 ? ticket_obj(&e, &skipped) : NULL;
			if (rc == 0 && !t)
				rc = oom(err);
			else if (rc == 0 && arr)
				rc = json_array_append_new(arr, t) ? oom(err)
								   : 0;
			else if (rc == 0) {
				rc = dump(&s, t, JSON_COMPACT);
				json_decref(t);
				if (rc == 0)
					rc = sink(sink_ctx, "\n", 1, err);
			}
			if (rc == 0)
				res->tickets++;
		}
		yoi_strv_free(&skipped);
		yoi_export_entry_free(&e);
	}
	if (rc == 0 && doc) {
		rc = dump(&s, doc, JSON_INDENT(2));
		if (rc == 0)
			rc = sink(sink_ctx, "\n", 1, err);
	} else if (rc == 0) {
		json_t *end =
		    json_pack("{s:s, s:b, s:I}", "format", YOI_EXPORT_FORMAT,
			      "end", 1, "tickets", (json_int_t)res->tickets);
		rc = dump(&s, end, JSON_COMPACT);
		json_decref(end);
		if (rc == 0)
			rc = sink(sink_ctx, "\n", 1, err);
	}
	json_decref(doc);
	yoi_strv_free(&ids);
	if (locked)
		yoi_store_unlock(st);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

typedef struct fd_sink {
	int fd;
	const char *path;
	yoi_buf buf; /* writes in 1 MiB pieces, not a syscall per token */
} fd_sink;

static int fd_flush(fd_sink *f, yoi_error *err)
{
	if (f->buf.len && write_all(f->fd, f->buf.ptr, f->buf.len) < 0)
		return yoi_error_set(err, YOI_EIO, f->path, 0,
				     "%s: write failed: %s; the old file is "
				     "unchanged",
				     f->path, strerror(errno));
	yoi_buf_clear(&f->buf);
	return 0;
}

static int fd_put(void *ctx, const char *p, size_t n, yoi_error *err)
{
	fd_sink *f = ctx;
	if (yoi_buf_put(&f->buf, p, n) < 0)
		return oom(err);
	return f->buf.len >= ((size_t)1 << 20) ? fd_flush(f, err) : 0;
}

int yoi_export_write_file(yoi_export_result *res, yoi_store *st,
			  const yoi_export_opts *o, const char *path,
			  yoi_error *err)
{
	memset(res, 0, sizeof(*res));
	const char *slash = strrchr(path, '/');
	char *tmp = slash ? yoi_sprintf("%.*s/.%s.tmp.XXXXXX",
					(int)(slash - path), path, slash + 1)
			  : yoi_sprintf(".%s.tmp.XXXXXX", path);
	if (!tmp)
		return oom(err);
	struct stat sb;
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		free(tmp);
		return yoi_error_set(err, YOI_EREFUSED, path, 0,
				     "%s: exists and is not a regular file; "
				     "name another output file",
				     path);
	}
	fd_sink f = {mkstemp(tmp), path, YOI_BUF_INIT};
	if (f.fd < 0) {
		int en = errno;
		free(tmp);
		return yoi_error_set(
		    err, en == ENOENT ? YOI_ENOTFOUND : YOI_EIO, path, 0,
		    "%s: cannot create a temporary file "
		    "beside it: %s",
		    path, strerror(en));
	}
	int rc = yoi_export_write(res, st, o, fd_put, &f, err);
	if (rc == 0)
		rc = fd_flush(&f, err);
	if (rc == 0 && (fchmod(f.fd, 0644) < 0 || fsync(f.fd) < 0))
		rc =
		    yoi_error_set(err, YOI_EIO, path, 0, "%s: write failed: %s",
				  path, strerror(errno));
	close(f.fd);
	yoi_buf_free(&f.buf);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = yoi_error_set(err, YOI_EIO, path, 0,
				   "%s: rename failed: %s; the old file is "
				   "unchanged",
				   path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	else {
		char *dir =
		    slash
			? yoi_strndup(
			      path, slash == path ? 1 : (size_t)(slash - path))
			: yoi_strdup(".");
		int dfd =
		    dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	free(tmp);
	return rc;
}

/* ---- restoring an export ---- */

void yoi_export_restore_result_free(yoi_export_restore_result *r)
{
	if (!r)
		return;
	yoi_strv_free(&r->created);
	yoi_strv_free(&r->skipped);
}

/*
 * The export as a sequence of tickets: a jsonl file read a line at a
 * time, or a json document held whole.
 */
typedef struct source {
	const char *path;
	FILE *f;
	bool jsonl;
	json_t *doc; /* json: the document */
	size_t next; /* json: the next element of "tickets" */
	int line;    /* jsonl: the line last read */
	yoi_buf buf;
	bool ended; /* jsonl: the end line was read */
	json_int_t end_count;
} source;

/* The next line (without its '\n') into s->buf; 0, 1 at EOF, or < 0. */
static int read_line(source *s, yoi_error *err)
{
	yoi_buf_clear(&s->buf);
	char chunk[65536];
	bool any = false;
	while (fgets(chunk, sizeof(chunk), s->f)) {
		any = true;
		size_t n = strlen(chunk);
		bool nl = n && chunk[n - 1] == '\n';
		if (s->buf.len + n > YOI_EXPORT_LINE_MAX)
			return bad(err, s->path, s->line + 1,
				   "a line over %zu MiB; not an export this "
				   "version writes",
				   YOI_EXPORT_LINE_MAX >> 20);
		if (yoi_buf_put(&s->buf, chunk, n - nl) < 0)
			return oom(err);
		if (nl)
			break;
	}
	if (ferror(s->f))
		return yoi_error_set(err, YOI_EIO, s->path, 0,
				     "%s: read failed: %s", s->path,
				     strerror(errno));
	if (!any)
		return 1;
	s->line++;
	if (s->buf.len && s->buf.ptr[s->buf.len - 1] == '\r')
		s->buf.len--;
	if (yoi_buf_grow(&s->buf, 0) < 0)
		return oom(err);
	s->buf.ptr[s->buf.len] = 0;
	return 0;
}

static int check_header(json_t *h, const char *path, int line, yoi_error *err)
{
	const char *fmt = json_string_value(json_object_get(h, "format"));
	if (!fmt || strcmp(fmt, YOI_EXPORT_FORMAT))
		return bad(err, path, line,
			   "not a yoi-tickets export (no \"format\": \"%s\"); "
			   "give a file 'yoi-tickets export' wrote",
			   YOI_EXPORT_FORMAT);
	json_t *v = json_object_get(h, "version");
	if (!json_is_integer(v) || json_integer_value(v) != YOI_EXPORT_VERSION)
		return bad(err, path, line,
			   "export format version %s; this yoi-tickets reads "
			   "version %d: use the yoi-tickets that wrote it",
			   json_is_integer(v) ? "other than 1" : "missing",
			   YOI_EXPORT_VERSION);
	return 0;
}

static int source_open(source *s, yoi_error *err)
{
	s->line = 0;
	s->next = 0;
	s->ended = false;
	if (s->doc)
		return 0;
	if (fseek(s->f, 0, SEEK_SET) < 0)
		return yoi_error_set(err, YOI_EIO, s->path, 0,
				     "%s: cannot read it again: %s", s->path,
				     strerror(errno));
	int rc;
	do
		rc = read_line(s, err);
	while (rc == 0 && s->buf.len == 0);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return bad(err, s->path, 0, "%s: empty; not an export",
			   s->path);
	json_error_t je;
	json_t *h =
	    json_loadb(s->buf.ptr, s->buf.len, JSON_REJECT_DUPLICATES, &je);
	if (h && json_is_object(h) && !json_object_get(h, "tickets")) {
		s->jsonl = true;
		rc = check_header(h, s->path, s->line, err);
		json_decref(h);
		return rc;
	}
	json_decref(h);
	/* Not a header line: the whole file is one json document. */
	if (fseek(s->f, 0, SEEK_SET) < 0)
		return yoi_error_set(err, YOI_EIO, s->path, 0,
				     "%s: cannot read it again: %s", s->path,
				     strerror(errno));
	s->doc = json_loadf(s->f, JSON_REJECT_DUPLICATES, &je);
	if (!s->doc)
		return bad(err, s->path, je.line > 0 ? je.line : 0,
			   "not a yoi-tickets export: %s; give a file "
			   "'yoi-tickets export' wrote, whole",
			   je.text);
	if (!json_is_object(s->doc))
		return bad(err, s->path, 1, "not a yoi-tickets export");
	if ((rc = check_header(s->doc, s->path, 1, err)) < 0)
		return rc;
	if (!json_is_array(json_object_get(s->doc, "tickets")))
		return bad(err, s->path, 1, "no \"tickets\" list");
	return 0;
}

/* The next ticket into e (zeroed); 1 at the end. */
static int source_next(source *s, yoi_export_entry *e, yoi_error *err)
{
	if (s->doc) {
		json_t *a = json_object_get(s->doc, "tickets");
		if (s->next >= json_array_size(a))
			return 1;
		char where[48];
		snprintf(where, sizeof(where), "ticket #%zu", s->next + 1);
		return entry_from_json(e, json_array_get(a, s->next++), s->path,
				       0, where, err);
	}
	for (;;) {
		int rc = read_line(s, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (!s->ended)
				return bad(err, s->path, s->line,
					   "cut off after line %d: the end "
					   "line is missing; export the "
					   "store again",
					   s->line);
			return 1;
		}
		if (!s->buf.len)
			continue;
		if (s->ended)
			return bad(err, s->path, s->line,
				   "text after the end line");
		json_error_t je;
		json_t *o = json_loadb(s->buf.ptr, s->buf.len,
				       JSON_REJECT_DUPLICATES, &je);
		if (!o)
			return bad(err, s->path, s->line,
				   "not JSON (%s, column %d): a cut-off or "
				   "damaged line; export the store again",
				   je.text, je.column);
		if (json_is_true(json_object_get(o, "end"))) {
			json_t *c = json_object_get(o, "tickets");
			s->ended = true;
			s->end_count =
			    json_is_integer(c) ? json_integer_value(c) : -1;
			json_decref(o);
			continue;
		}
		char where[32];
		snprintf(where, sizeof(where), "line %d", s->line);
		rc = entry_from_json(e, o, s->path, s->line, where, err);
		json_decref(o);
		return rc;
	}
}

/* Whether the store's folder of e->id holds exactly e; else *diff names
 * the first difference. */
static int same_as_store(const yoi_store *st, const yoi_export_entry *e,
			 bool *same, char **diff, yoi_error *err)
{
	yoi_export_entry cur = {0};
	yoi_strv skipped = {0};
	int rc = yoi_export_read_ticket(&cur, st, e->id, &skipped, err);
	*same = false;
	*diff = NULL;
	if (rc == YOI_EREFUSED) {
		*diff = yoi_strdup("the ticket folder (not a directory)");
		rc = 0;
	} else if (rc == 0 && skipped.n) {
		*diff = yoi_strdup(skipped.v[0]);
	} else if (rc == 0) {
		size_t i = 0;
		for (; i < cur.n && i < e->n; i++) {
			const yoi_export_file *a = &cur.v[i], *b = &e->v[i];
			if (strcmp(a->path, b->path)) {
				*diff = yoi_sprintf("%s",
						    strcmp(a->path, b->path) < 0
							? a->path
							: b->path);
				break;
			}
			if (a->dir != b->dir || a->len != b->len ||
			    (a->len && memcmp(a->data, b->data, a->len))) {
				*diff = yoi_strdup(a->path);
				break;
			}
		}
		if (!*diff && i < cur.n)
			*diff = yoi_strdup(cur.v[i].path);
		else if (!*diff && i < e->n)
			*diff = yoi_strdup(e->v[i].path);
		else if (!*diff)
			*same = true;
	}
	if (rc == 0 && !*same && !*diff)
		rc = oom(err);
	yoi_strv_free(&skipped);
	yoi_export_entry_free(&cur);
	return rc;
}

/* Open (making it, when mk) the folder rel below dfd; a link refused. */
static int open_dirs(int dfd, const char *rel, bool mk)
{
	int fd = dup(dfd);
	for (const char *p = rel; fd >= 0 && *p;) {
		size_t n = strcspn(p, "/");
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (mk && mkdirat(fd, name, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		int sub = openat(
		    fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		p += n;
		if (*p == '/')
			p++;
	}
	return fd;
}

/* Write e's folders and files into the new folder stage below rootfd. */
static int write_stage(int rootfd, const char *stage, const char *stage_path,
		       const yoi_export_entry *e, yoi_error *err)
{
	int sfd = openat(rootfd, stage,
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return yoi_error_set(err, YOI_EIO, stage_path, 0,
				     "%s: cannot open: %s", stage_path,
				     strerror(errno));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < e->n; i++) {
		const yoi_export_file *f = &e->v[i];
		const char *slash = strrchr(f->path, '/');
		char *parent =
		    f->dir  ? yoi_strdup(f->path)
		    : slash ? yoi_strndup(f->path, (size_t)(slash - f->path))
			    : yoi_strdup("");
		if (!parent) {
			rc = oom(err);
			break;
		}
		int dfd = open_dirs(sfd, parent, true);
		free(parent);
		int fd = -1;
		if (dfd >= 0 && !f->dir)
			fd = openat(dfd, slash ? slash + 1 : f->path,
				    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC,
				    0644);
		if (fd >= 0 && yoi_fault("import-write-fails")) {
			close(fd);
			fd = -1;
			errno = ENOSPC; /* as a full disk */
		}
		if (dfd < 0 ||
		    (!f->dir && (fd < 0 || write_all(fd, f->data, f->len) < 0)))
			rc =
			    yoi_error_set(err, YOI_EIO, stage_path, 0,
					  "%s/%s: cannot write: %s; nothing "
					  "was imported",
					  stage_path, f->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		if (dfd >= 0)
			close(dfd);
	}
	close(sfd);
	return rc;
}

/* The staging folders of one import, with the tickets they hold. */
typedef struct stages {
	const char *root;
	int rootfd;
	yoi_strv ids, names;
} stages;

static int stages_open(stages *sg, const yoi_store *st, yoi_error *err)
{
	sg->root = yoi_store_root(st);
	sg->rootfd =
	    open(sg->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sg->rootfd < 0)
		return yoi_error_set(
		    err, errno == ELOOP ? YOI_EREFUSED : YOI_EIO, sg->root, 0,
		    "%s: cannot open: %s", sg->root, strerror(errno));
	yoi_stage_sweep(sg->rootfd);
	return 0;
}

/* Write e into a new staging folder (hidden: no reader sees it). */
static int stage(stages *sg, const yoi_store *st, const yoi_export_entry *e,
		 yoi_error *err)
{
	char *name = NULL, *path = NULL;
	int rc = 0;
	for (int t = 0; t < 64; t++) {
		free(name);
		free(path);
		name = yoi_sprintf(YOI_STAGE_PREFIX "%s.%lx%02x", e->id,
				   (long)getpid(), t);
		path = name ? yoi_path_join(sg->root, name) : NULL;
		if (!path) {
			rc = oom(err);
			break;
		}
		if (!yoi_exists(path))
			break;
	}
	/* The walk from the top refuses a linked .yoi. */
	if (rc == 0)
		rc = yoi_store_mkdir(st, path, false, err);
	if (rc == 0 && (yoi_strv_push(&sg->ids, e->id) < 0 ||
			yoi_strv_push(&sg->names, name) < 0))
		rc = oom(err);
	if (rc == 0)
		rc = write_stage(sg->rootfd, name, path, e, err);
	free(name);
	free(path);
	return rc;
}

/* Remove the staging folders from the from-th on. */
static void stages_drop(stages *sg, size_t from)
{
	for (size_t i = from; i < sg->names.n; i++)
		yoi_stage_rm(sg->rootfd, sg->names.v[i]);
}

static void stages_free(stages *sg)
{
	yoi_strv_free(&sg->ids);
	yoi_strv_free(&sg->names);
	if (sg->rootfd >= 0)
		close(sg->rootfd);
	sg->rootfd = -1;
}

/* One sync for every staged file, then the folders go into place. */
static int stages_commit(stages *sg, yoi_export_restore_result *res,
			 yoi_error *err)
{
	int rc = 0;
	if (sg->names.n && syncfs(sg->rootfd) < 0)
		rc = yoi_error_set(err, YOI_EIO, sg->root, 0,
				   "%s: sync failed: %s; nothing was imported",
				   sg->root, strerror(errno));
	if (rc == 0 && yoi_fault("import-after-stage"))
		raise(SIGKILL);
	if (rc < 0) {
		stages_drop(sg, 0);
		yoi_strv_free(&res->created);
		return rc;
	}
	for (size_t i = 0; i < sg->ids.n; i++) {
		if (yoi_stage_into_place(sg->rootfd, sg->names.v[i],
					 sg->ids.v[i]) < 0) {
			int en = errno;
			stages_drop(sg, i);
			/* What is in place stays: report only that. */
			while (res->created.n > i)
				free(res->created.v[--res->created.n]);
			return yoi_error_set(
			    err, YOI_EIO, sg->root, 0,
			    "%s/%s: cannot move the ticket into place: %s; "
			    "%zu of %zu tickets were imported, run the import "
			    "again for the rest",
			    sg->root, sg->ids.v[i], strerror(en), i, sg->ids.n);
		}
		if (i == 0 && yoi_fault("import-mid-rename"))
			raise(SIGKILL);
	}
	if (sg->ids.n)
		fsync(sg->rootfd);
	return 0;
}

typedef struct seen_id {
	char id[YOI_ID_LEN + 1];
	int line;
} seen_id;

static int seen_cmp(const void *a, const void *b)
{
	const seen_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/*
 * One reading of the export: each ticket checked, compared with the
 * store and (unless a dry run) written to its staging folder at once;
 * only when the whole file was good do the folders go into place.
 */
static int restore_locked(yoi_export_restore_result *res, yoi_store *st,
			  source *src, const yoi_export_restore_opts *o,
			  yoi_error *err)
{
	seen_id *seen = NULL;
	size_t ns = 0, caps = 0;
	stages sg = {.rootfd = -1};
	int rc = o->dry_run ? 0 : stages_open(&sg, st, err);
	if (rc == 0)
		rc = source_open(src, err);
	while (rc == 0) {
		yoi_export_entry e = {0};
		rc = source_next(src, &e, err);
		if (rc == 0 && YOI_GROW(seen, ns, caps, 64) < 0)
			rc = oom(err);
		if (rc == 0) {
			memcpy(seen[ns].id, e.id, sizeof(e.id));
			seen[ns++].line = src->doc ? (int)src->next : e.line;
			bool same = false;
			char *diff = NULL;
			char *dir = yoi_store_path(st, e.id, NULL);
			if (!dir)
				rc = oom(err);
			else if (!yoi_exists(dir)) {
				rc = yoi_strv_push(&res->created, e.id) < 0
					 ? oom(err)
					 : 0;
				if (rc == 0 && !o->dry_run)
					rc = stage(&sg, st, &e, err);
			} else if ((rc = same_as_store(st, &e, &same, &diff,
						       err)) == 0 &&
				   same)
				rc = yoi_strv_push(&res->skipped, e.id) < 0
					 ? oom(err)
					 : 0;
			else if (rc == 0)
				rc = yoi_error_at(
				    err, YOI_EREFUSED, src->path, e.line,
				    "ticket %s is already in the store with "
				    "other content (first difference: %s); "
				    "nothing was imported: move or remove "
				    "that ticket, or import into another store",
				    e.id, diff);
			free(diff);
			free(dir);
			res->tickets++;
		}
		yoi_export_entry_free(&e);
	}
	if (rc == 1)
		rc = 0;
	if (rc == 0 && src->jsonl && src->end_count != (json_int_t)ns)
		rc = bad(err, src->path, src->line,
			 "the end line counts %lld tickets, the file holds "
			 "%zu: a damaged export; export the store again",
			 (long long)src->end_count, ns);
	if (rc == 0 && ns > 1) {
		qsort(seen, ns, sizeof(*seen), seen_cmp);
		for (size_t i = 0; rc == 0 && i + 1 < ns; i++)
			if (!strcmp(seen[i].id, seen[i + 1].id))
				rc = bad(err, src->path,
					 src->doc ? 0 : seen[i + 1].line,
					 "ticket %s appears twice (%s %d "
					 "and %d); nothing was imported",
					 seen[i].id,
					 src->doc ? "tickets #" : "lines",
					 seen[i].line, seen[i + 1].line);
	}
	if (rc < 0) {
		stages_drop(&sg, 0);
		yoi_strv_free(&res->created);
	} else if (!o->dry_run)
		rc = stages_commit(&sg, res, err);
	stages_free(&sg);
	free(seen);
	return rc;
}

int yoi_export_restore(yoi_export_restore_result *res, yoi_store *st,
		       const char *path, FILE *in,
		       const yoi_export_restore_opts *o, yoi_error *err)
{
	memset(res, 0, sizeof(*res));
	int rc = yoi_store_require(st, err);
	if (rc < 0)
		return rc;
	source src = {.path = path};
	yoi_buf all = YOI_BUF_INIT;
	FILE *own = NULL;
	if (!in) {
		own = fopen(path, "rb");
		if (!own)
			return yoi_error_set(
			    err, errno == ENOENT ? YOI_ENOTFOUND : YOI_EIO,
			    path, 0, "%s: cannot open: %s", path,
			    strerror(errno));
		in = own;
	}
	/* The first line tells the format, then the file is read again from
	 * its start: a pipe cannot be rewound, so it is held in memory. */
	struct stat sb;
	if (fstat(fileno(in), &sb) < 0 || !S_ISREG(sb.st_mode)) {
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
			if (yoi_buf_put(&all, chunk, n) < 0)
				break;
		if (yoi_buf_oom(&all))
			rc = oom(err);
		else if (ferror(in))
			rc = yoi_error_set(err, YOI_EIO, path, 0,
					   "%s: read failed: %s", path,
					   strerror(errno));
		else
			src.f = fmemopen(all.ptr ? all.ptr : (char *)"",
					 all.len, "rb");
		if (rc == 0 && !src.f)
			rc = oom(err);
	} else {
		src.f = in;
	}
	if (rc == 0) {
		rc = o->dry_run ? yoi_store_lock_shared(st, o->wait_sec, err)
				: yoi_store_lock(st, o->wait_sec, err);
		bool locked = rc == 0;
		if (rc == YOI_EREFUSED && o->dry_run)
			rc = 0;
		if (rc == 0)
			rc = restore_locked(res, st, &src, o, err);
		if (locked)
			yoi_store_unlock(st);
	}
	if (src.f && src.f != in)
		fclose(src.f);
	json_decref(src.doc);
	yoi_buf_free(&src.buf);
	yoi_buf_free(&all);
	if (own)
		fclose(own);
	return rc;
}
