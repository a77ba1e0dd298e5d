/*
 * hooktrust.c - consent for the ticket-event hook: the trust record under
 * the git common directory, keyed by the hook's resolved path, valued by
 * the git blob id of its content.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/file.h"
#include "git/gitops.h"
#include "yoi/hooktrust.h"
#include "store/store_int.h"

const char *yoi_hooktrust_status_name(yoi_hooktrust_status s)
{
	switch (s) {
	case YOI_HOOKTRUST_NOT_CONFIGURED:
		return "not_configured";
	case YOI_HOOKTRUST_MISSING:
		return "missing";
	case YOI_HOOKTRUST_NOT_EXECUTABLE:
		return "not_executable";
	case YOI_HOOKTRUST_UNTRUSTED:
		return "untrusted";
	case YOI_HOOKTRUST_CHANGED:
		return "changed";
	case YOI_HOOKTRUST_TRUSTED:
		return "trusted";
	}
	return "untrusted";
}

void yoi_hooktrust_free(yoi_hooktrust *ht)
{
	if (!ht)
		return;
	free(ht->path);
	free(ht->real);
	free(ht->record);
	ht->path = ht->real = ht->record = NULL;
}

/*
 * The configured hook made absolute: relative paths are relative to the
 * repository top (without git, to the .yoi directory's parent). The
 * default path counts as configured only once something is there.
 */
static int configured_path(const yoi_store *st, char **out, yoi_error *err)
{
	*out = NULL;
	const char *p = st->cfg.hook_ticket_event;
	if (!p || !*p)
		return 0;
	char *base = st->top ? yoi_strdup(st->top) : yoi_strdup(st->yoi_dir);
	if (!base)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (!st->top) {
		char *slash = strrchr(base, '/');
		if (slash && slash != base)
			*slash = '\0';
	}
	char *path = p[0] == '/' ? yoi_strdup(p) : yoi_path_join(base, p);
	free(base);
	if (!path)
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	struct stat sb;
	if (!st->cfg.hook_ticket_event_set && lstat(path, &sb) != 0) {
		free(path);
		return 0;
	}
	*out = path;
	return 0;
}

static int record_path(const yoi_store *st, char **out, yoi_error *err)
{
	*out = NULL;
	const char *common = st->repo ? yoi_git_commondir(st->repo) : NULL;
	if (!common)
		return 0;
	*out = yoi_sprintf("%s%syoi/trusted-hooks", common,
			   common[strlen(common) - 1] == '/' ? "" : "/");
	return *out ? 0
		    : yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
}

/*
 * Parse the record: lines "<40 hex> <absolute path>". Calls fn for each;
 * a malformed line is YOI_ECORRUPT naming the record and the line.
 */
typedef int (*record_fn)(void *arg, const char *oid, const char *path,
			 size_t path_len);

static int record_each(const char *rec, const yoi_buf *b, record_fn fn,
		       void *arg, yoi_error *err)
{
	const char *p = b->ptr ? b->ptr : "";
	const char *end = p + b->len;
	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		bool ok = n > 42 && p[40] == ' ' && p[41] == '/';
		for (size_t i = 0; ok && i < 40; i++)
			ok = strchr("0123456789abcdef", p[i]) && p[i];
		if (!ok)
			return yoi_error_set(
			    err, YOI_ECORRUPT, rec, line,
			    "not a trust line (\"<blob id> <path>\"); "
			    "delete the file and run 'yoi-tickets hooks "
			    "trust' again");
		char oid[41];
		memcpy(oid, p, 40);
		oid[40] = '\0';
		int rc = fn(arg, oid, p + 41, n - 41);
		if (rc)
			return rc;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int read_record(const char *rec, yoi_buf *b, yoi_error *err)
{
	int rc = yoi_file_read(rec, YOI_HOOKTRUST_RECORD_MAX, b, err);
	if (rc == YOI_ENOTFOUND) {
		yoi_error_clear(err);
		return 0;
	}
	return rc;
}

struct lookup {
	const char *real;
	const char *oid;
	yoi_hooktrust_status found;
};

static int lookup_line(void *arg, const char *oid, const char *path,
		       size_t path_len)
{
	struct lookup *l = arg;
	if (strlen(l->real) == path_len && memcmp(l->real, path, path_len) == 0)
		l->found = strcmp(oid, l->oid) == 0 ? YOI_HOOKTRUST_TRUSTED
						    : YOI_HOOKTRUST_CHANGED;
	return 0;
}

int yoi_hooktrust_get(yoi_hooktrust *out, const yoi_store *st, yoi_error *err)
{
	memset(out, 0, sizeof(*out));
	out->status = YOI_HOOKTRUST_NOT_CONFIGURED;
	int rc = configured_path(st, &out->path, err);
	if (rc == 0)
		rc = record_path(st, &out->record, err);
	if (rc < 0 || !out->path)
		return rc;
	char buf[PATH_MAX];
	struct stat sb;
	if (!realpath(out->path, buf) || stat(buf, &sb) != 0) {
		out->status = errno == ENOENT ? YOI_HOOKTRUST_MISSING
					      : YOI_HOOKTRUST_NOT_EXECUTABLE;
		return 0;
	}
	if (!S_ISREG(sb.st_mode) ||
	    faccessat(AT_FDCWD, buf, X_OK, AT_EACCESS) != 0) {
		out->status = YOI_HOOKTRUST_NOT_EXECUTABLE;
		return 0;
	}
	if (!(out->real = yoi_strdup(buf)))
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (yoi_git_hash_file(out->real, out->oid) != 0) {
		/* Unreadable: nothing can vouch for it. */
		out->status = YOI_HOOKTRUST_NOT_EXECUTABLE;
		return 0;
	}
	out->status = YOI_HOOKTRUST_UNTRUSTED;
	if (!out->record)
		return 0;
	yoi_buf b = YOI_BUF_INIT;
	struct lookup l = {out->real, out->oid, YOI_HOOKTRUST_UNTRUSTED};
	rc = read_record(out->record, &b, err);
	if (rc == 0)
		rc = record_each(out->record, &b, lookup_line, &l, err);
	yoi_buf_free(&b);
	if (rc == 0)
		out->status = l.found;
	return rc;
}

struct rewrite {
	const char *real;
	yoi_buf *out;
};

/* Keep every line but the one for this path. */
static int keep_other(void *arg, const char *oid, const char *path,
		      size_t path_len)
{
	struct rewrite *w = arg;
	if (strlen(w->real) == path_len && memcmp(w->real, path, path_len) == 0)
		return 0;
	return yoi_buf_printf(w->out, "%s %.*s\n", oid, (int)path_len, path);
}

int yoi_hooktrust_set(yoi_hooktrust *ht, const yoi_store *st, bool trust,
		      yoi_error *err)
{
	(void)st;
	if (!ht->record)
		return yoi_error_set(
		    err, YOI_EREFUSED, NULL, 0,
		    "no git directory to keep the trust record in; hooks run "
		    "only in a git repository whose owner trusted them");
	if (trust && ht->status == YOI_HOOKTRUST_NOT_CONFIGURED)
		return yoi_error_set(err, YOI_ENOTFOUND, NULL, 0,
				     "no ticket-event hook is configured "
				     "(hooks.ticket_event, default "
				     ".yoi/hooks/ticket-event)");
	if (trust && ht->status == YOI_HOOKTRUST_MISSING)
		return yoi_error_set(err, YOI_ENOTFOUND, ht->path, 0,
				     "%s: the hook does not exist; create it "
				     "or fix hooks.ticket_event",
				     ht->path);
	if (trust && (ht->status == YOI_HOOKTRUST_NOT_EXECUTABLE || !ht->real))
		return yoi_error_set(err, YOI_EREFUSED, ht->path, 0,
				     "%s: not an executable regular file; "
				     "chmod +x it before trusting it",
				     ht->path);
	if (!trust && !ht->real)
		return 0; /* nothing of this hook can be on record */
	if (strchr(ht->real, '\n'))
		return yoi_error_set(err, YOI_EREFUSED, ht->real, 0,
				     "%s: a hook path with a newline cannot "
				     "be trusted; rename it",
				     ht->real);
	yoi_buf old = YOI_BUF_INIT, neu = YOI_BUF_INIT;
	struct rewrite w = {ht->real, &neu};
	int rc = read_record(ht->record, &old, err);
	if (rc == 0)
		rc = record_each(ht->record, &old, keep_other, &w, err);
	if (rc == 0 && trust)
		rc = yoi_buf_printf(&neu, "%s %s\n", ht->oid, ht->real);
	if (rc == YOI_ENOMEM)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	char *dir = rc == 0 ? yoi_strdup(ht->record) : NULL;
	if (rc == 0 && !dir)
		rc = yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	if (dir) {
		*strrchr(dir, '/') = '\0';
		rc = yoi_mkdir(dir, err);
	}
	if (rc == 0)
		rc = yoi_file_write_atomic(ht->record, neu.ptr ? neu.ptr : "",
					   neu.len, err);
	if (rc == 0)
		ht->status =
		    trust ? YOI_HOOKTRUST_TRUSTED : YOI_HOOKTRUST_UNTRUSTED;
	free(dir);
	yoi_buf_free(&old);
	yoi_buf_free(&neu);
	return rc;
}
