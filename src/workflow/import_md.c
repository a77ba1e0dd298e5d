/*
 * import_md.c - what the import readers share (import_md.h).
 */
#include "workflow/import_md.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"

/* The message of a file error without the "path: " the file layer puts
 * in front of it (a diagnostic carries the path of its own). */
static const char *bare_msg(const yoi_error *err, const char *path)
{
	size_t n = strlen(path);

	if (!strncmp(err->msg, path, n) && err->msg[n] == ':' &&
	    err->msg[n + 1] == ' ')
		return err->msg + n + 2;
	return err->msg;
}

int yoi_impmd_read(yoi_import_set *set, const char *path, yoi_buf *out)
{
	yoi_error err;
	int rc;

	yoi_error_clear(&err);
	yoi_buf_clear(out);
	rc = yoi_file_read(path, YOI_IMPORT_MAX_FILE, out, &err);
	if (rc == 0)
		return 0;
	if (rc == YOI_ENOMEM)
		return rc;
	if (rc == YOI_ECORRUPT)
		yoi_diag_add(&set->problems, YOI_DIAG_ERROR, YOI_IMP_TOO_LARGE,
			     path, 0,
			     "the file is over the import limit of %zu MiB and "
			     "was not read; split it or move it out of the "
			     "source",
			     YOI_IMPORT_MAX_FILE >> 20);
	else
		yoi_diag_add(&set->problems, YOI_DIAG_ERROR, YOI_IMP_UNREADABLE,
			     path, 0, "cannot be read (%s); fix or remove it",
			     bare_msg(&err, path));
	return 1;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int yoi_impmd_list(const char *dir, yoi_strv *out, yoi_error *err)
{
	yoi_strv names = {0};
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return yoi_error_at(err, YOI_EIO, dir, 0,
				    "cannot read the folder: %s",
				    strerror(errno));
	}
	/* Bounded: a source folder of more than a million entries is not a
	 * tracker's. */
	for (long seen = 0; seen < 1000000 && (de = readdir(d)); seen++) {
		size_t n = strlen(de->d_name);

		if (n < 4 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + n - 3, ".md"))
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_LNK &&
		    de->d_type != DT_UNKNOWN)
			continue;
		if (yoi_strv_push(&names, de->d_name)) {
			rc = YOI_ENOMEM;
			break;
		}
	}
	closedir(d);
	if (rc == 0 && names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_str);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char *p = yoi_sprintf("%s/%s", dir, names.v[i]);

		if (!p || yoi_strv_push_owned(out, p)) {
			free(p);
			rc = YOI_ENOMEM;
		}
	}
	yoi_strv_free(&names);
	if (rc == YOI_ENOMEM)
		yoi_error_set(err, rc, dir, 0, "out of memory");
	return rc;
}

int yoi_impmd_parse(yoi_import_set *set, const char *buf, size_t len,
		    const char *path, yoi_item **out)
{
	yoi_error err;
	int rc;

	*out = NULL;
	yoi_error_clear(&err);
	rc = yoi_item_parse(out, buf, len, path, &err);
	if (rc == 0)
		return 0;
	if (rc == YOI_ENOMEM)
		return rc;
	yoi_diag_add(&set->problems, YOI_DIAG_ERROR, YOI_IMP_BAD_YAML, path,
		     err.line, "%s", bare_msg(&err, path));
	return 1;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int yoi_impmd_time(const char *s, char out[YOI_TIME_LEN + 1])
{
	char tmp[32];
	int64_t t;
	size_t n;

	if (!s)
		return -1;
	n = strlen(s);
	if (n >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	    s[7] == '-' && digits(s + 8, 2)) {
		if (n == 10) {
			snprintf(tmp, sizeof(tmp), "%.10sT00:00:00Z", s);
			s = tmp;
		} else if ((n == 16 || n == 19) && s[10] == ' ' &&
			   digits(s + 11, 2) && s[13] == ':' &&
			   digits(s + 14, 2) &&
			   (n == 16 || (s[16] == ':' && digits(s + 17, 2)))) {
			snprintf(tmp, sizeof(tmp), "%.10sT%.5s:%.2sZ", s,
				 s + 11, n == 19 ? s + 17 : "00");
			s = tmp;
		}
	}
	/* A ticket's ID is its creation time in Unix milliseconds, and
	 * RFC 3339 has four-digit years: 1970 to 9999. */
	if (yoi_time_parse(s, &t) || t < 0 || t > INT64_C(253402300799))
		return -1;
	yoi_time_format(t, out);
	return 0;
}

/* Remove the indentation all lines of t share (in place). */
static void dedent(char *t)
{
	size_t min = (size_t)-1, o = 0;

	for (const char *p = t; *p;) {
		size_t n = strspn(p, " ");
		const char *nl = strchr(p, '\n');

		if (p[n] && p[n] != '\n' && n < min)
			min = n;
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (min == (size_t)-1 || min == 0)
		return;
	for (char *p = t; *p;) {
		size_t n = strspn(p, " ");
		char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
		size_t cut = n < min ? n : min;

		memmove(t + o, p + cut, l - cut);
		o += l - cut;
		p += l;
	}
	t[o] = '\0';
}

json_t *yoi_impmd_field_json(const yoi_item *it, const yoi_field *f)
{
	json_t *a;

	switch (f->type) {
	case YOI_FIELD_SCALAR:
		return json_string(f->value ? f->value : "");
	case YOI_FIELD_NULL:
		return json_null();
	case YOI_FIELD_LIST:
		a = json_array();
		for (size_t i = 0; a && i < f->nlist; i++)
			if (json_array_append_new(a, json_string(f->list[i]))) {
				json_decref(a);
				return NULL;
			}
		return a;
	case YOI_FIELD_OTHER:
	default: {
		/* The YAML text after "key:", as the file wrote it. */
		const char *s = it->raw + f->start, *e = it->raw + f->end;
		const char *colon = memchr(s, ':', (size_t)(e - s));
		char *t;

		if (colon)
			s = colon + 1;
		t = yoi_impmd_trim(s, (size_t)(e - s));
		if (!t)
			return NULL;
		if (*t)
			t[strlen(t) - 1] = '\0';
		dedent(t);
		a = json_string(t);
		free(t);
		return a;
	}
	}
}

bool yoi_impmd_set(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		return false;
	return json_object_set_new(obj, key, v) == 0;
}

int yoi_impmd_keep(yoi_import_ticket *t, json_t *obj)
{
	char *s;

	if (!obj || json_object_size(obj) == 0) {
		json_decref(obj);
		return 0;
	}
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (!s)
		return YOI_ENOMEM;
	/* jansson's allocator is malloc: the set frees it with free. */
	free(t->kept);
	t->kept = s;
	return 0;
}

bool yoi_impmd_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

char *yoi_impmd_trim(const char *s, size_t len)
{
	yoi_buf b = YOI_BUF_INIT;
	size_t i = 0, pending = 0;
	bool started = false;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t l = (nl ? (size_t)(nl - s) : len) - i;
		size_t cut = l && s[i + l - 1] == '\r' ? l - 1 : l;

		if (yoi_impmd_blank(s + i, cut)) {
			if (started)
				pending++;
		} else {
			for (; pending; pending--)
				yoi_buf_putc(&b, '\n');
			yoi_buf_put(&b, s + i, cut);
			yoi_buf_putc(&b, '\n');
			started = true;
		}
		i += l + (nl ? 1 : 0);
	}
	return yoi_buf_detach(&b);
}

int yoi_impmd_strings(const yoi_field *f, yoi_strv *out, bool *ok)
{
	*ok = true;
	switch (f->type) {
	case YOI_FIELD_SCALAR:
		return yoi_strv_push(out, f->value ? f->value : "");
	case YOI_FIELD_NULL:
		return 0;
	case YOI_FIELD_LIST:
		for (size_t i = 0; i < f->nlist; i++)
			if (yoi_strv_push(out, f->list[i]))
				return YOI_ENOMEM;
		return 0;
	default:
		*ok = false;
		return 0;
	}
}

int yoi_impmd_type_label(yoi_import_ticket *t, const yoi_item *it,
			 const yoi_field *f, bool *keep)
{
	const char *v = f ? yoi_item_get(it, f->key) : NULL;
	char *tag;

	*keep = f && f->type != YOI_FIELD_NULL && !(v && *v);
	if (!v || !*v)
		return 0;
	tag = yoi_sprintf("type:%s", v);
	if (!tag)
		return YOI_ENOMEM;
	if (yoi_strv_contains(&t->labels, tag)) {
		free(tag);
		return 0;
	}
	if (yoi_strv_push_owned(&t->labels, tag)) {
		free(tag);
		return YOI_ENOMEM;
	}
	return 0;
}

void yoi_impmd_warn(yoi_import_set *set, const char *path, const yoi_field *f,
		    const char *fmt, const char *value)
{
	char q[YOI_QUOTE_MAX + 8];

	yoi_quote(q, sizeof(q), value ? value : "");
	yoi_diag_add(&set->problems, YOI_DIAG_WARNING, YOI_IMP_UNMAPPED, path,
		     f ? f->line : 1, fmt, q);
}

size_t yoi_impmd_cut_eol(const char *s, size_t len)
{
	while (len &&
	       (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

int yoi_impmd_rels(yoi_import_set *set, yoi_import_ticket *t, const char *path,
		   const yoi_field *f, const char *kind, const char *note,
		   const char *what, char *(*id_of)(const char *), bool *keep)
{
	yoi_strv v = {0};
	bool ok;
	int rc;

	if (!f)
		return 0;
	rc = yoi_impmd_strings(f, &v, &ok);
	if (rc == 0 && !ok) {
		yoi_diag_add(&set->problems, YOI_DIAG_WARNING, YOI_IMP_UNMAPPED,
			     path, f->line,
			     "'%s' is neither %s; it is kept in the ticket, "
			     "not imported as relations",
			     f->key, what);
		*keep = true;
	}
	for (size_t i = 0; rc == 0 && i < v.n; i++) {
		char *id;

		if (!*v.v[i])
			continue;
		if (!id_of) {
			rc = yoi_import_add_rel(t, kind, v.v[i], note);
			continue;
		}
		id = id_of(v.v[i]);
		rc = id ? yoi_import_add_rel(t, kind, id, note) : YOI_ENOMEM;
		free(id);
	}
	yoi_strv_free(&v);
	return rc;
}

int yoi_impmd_keep_unmapped(yoi_import_ticket *t, const yoi_item *it,
			    const char *const *mapped, size_t n,
			    const bool *keep)
{
	json_t *kept = json_object();

	if (!kept)
		return YOI_ENOMEM;
	for (size_t i = 0; i < it->nfields; i++) {
		const yoi_field *fl = &it->fields[i];
		size_t k = yoi_str_index(mapped, n, fl->key);

		if (k < n && !keep[k])
			continue;
		if (!yoi_impmd_set(kept, fl->key,
				   yoi_impmd_field_json(it, fl))) {
			json_decref(kept);
			return YOI_ENOMEM;
		}
	}
	return yoi_impmd_keep(t, kept);
}

int yoi_impmd_set_body(yoi_import_ticket *t, const yoi_buf *b)
{
	char *text = yoi_impmd_trim(b->ptr ? b->ptr : "", b->len);

	if (!text || yoi_buf_oom(b)) {
		free(text);
		return YOI_ENOMEM;
	}
	t->body = text;
	return 0;
}

void yoi_impmd_unmapped(yoi_import_set *set, const char *path,
			const yoi_field *f, const char *fmt, const char *value,
			bool *keep)
{
	if (!f || f->type == YOI_FIELD_NULL)
		return;
	yoi_impmd_warn(set, path, f, fmt, value);
	*keep = true;
}

int yoi_impmd_created(yoi_import_set *set, yoi_import_ticket *t,
		      const yoi_item *it, const yoi_field *f, const char *path,
		      const char *msg, char stamp[YOI_TIME_LEN + 1])
{
	const char *v = f ? yoi_item_get(it, f->key) : NULL;

	if (v && yoi_impmd_time(v, stamp) == 0) {
		t->created_at = yoi_strdup(stamp);
	} else if (f) {
		yoi_diag_add(&set->problems, YOI_DIAG_ERROR, YOI_IMP_BAD_TIME,
			     path, f->line, "%s", msg);
		t->created_at = yoi_strdup(v ? v : "?");
	} else {
		return 0;
	}
	return t->created_at ? 0 : YOI_ENOMEM;
}
