/* listcache.c - the stat-validated cache of list rows. */
#include "yoi/listcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"
#include "yoi/file.h"
#include "yoi/par.h"
#include "yoi/ticket.h"

const char *const yoi_row_keys[YOI_ROW_NCOL] = {
    "title",	"state",      "assignee",   "readiness",
    "priority", "created_at", "updated_at", "queued_at",
};

/* Format: magic, root, count, rows, checksum of everything before it. */
static const char magic[8] = {'Y', 'O', 'I', 'L', 'C', '0', '0', '4'};
#define NO_STRING 0xFFFFFFFFu
#define MAX_ROWS  (16u * 1024 * 1024)

yoi_row_key yoi_row_key_of(const struct stat *sb)
{
	yoi_row_key k = {
	    (int64_t)sb->st_size,
	    (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec,
	    (int64_t)sb->st_ctim.tv_sec * 1000000000 + sb->st_ctim.tv_nsec,
	    (uint64_t)sb->st_ino,
	};
	return k;
}

static bool key_eq(yoi_row_key a, yoi_row_key b)
{
	return a.size == b.size && a.mtime_ns == b.mtime_ns &&
	       a.ctime_ns == b.ctime_ns && a.ino == b.ino;
}

int yoi_row_from_item(yoi_row *r, const char *id, const yoi_item *it,
		      yoi_row_key key)
{
	memcpy(r->id, id, YOI_ID_LEN);
	r->id[YOI_ID_LEN] = '\0';
	r->key = key;
	r->artifacts = YOI_ROW_ART_UNKNOWN;
	for (int c = 0; c < YOI_ROW_NCOL; c++) {
		const char *v = yoi_item_get(it, yoi_row_keys[c]);
		if (v && !(r->col[c] = yoi_strdup(v)))
			return YOI_ENOMEM;
	}
	const char *lists[] = {"risk_flags", "tags"};
	yoi_strv *into[] = {&r->risk, &r->tags};
	for (size_t l = 0; l < 2; l++) {
		const yoi_field *f = yoi_item_field(it, lists[l]);
		for (size_t i = 0;
		     f && f->type == YOI_FIELD_LIST && i < f->nlist; i++)
			if (yoi_strv_push(into[l], f->list[i]) < 0)
				return YOI_ENOMEM;
	}
	return 0;
}

int yoi_row_copy(yoi_row *dst, const yoi_row *src)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst->id, src->id, sizeof(dst->id));
	dst->key = src->key;
	dst->akey = src->akey;
	dst->artifacts = src->artifacts;
	for (int c = 0; c < YOI_ROW_NCOL; c++)
		if (src->col[c] && !(dst->col[c] = yoi_strdup(src->col[c])))
			return YOI_ENOMEM;
	for (size_t i = 0; i < src->risk.n; i++)
		if (yoi_strv_push(&dst->risk, src->risk.v[i]) < 0)
			return YOI_ENOMEM;
	for (size_t i = 0; i < src->tags.n; i++)
		if (yoi_strv_push(&dst->tags, src->tags.v[i]) < 0)
			return YOI_ENOMEM;
	return 0;
}

void yoi_row_free(yoi_row *r)
{
	if (!r)
		return;
	for (int c = 0; c < YOI_ROW_NCOL; c++) {
		free(r->col[c]);
		r->col[c] = NULL;
	}
	yoi_strv_free(&r->risk);
	yoi_strv_free(&r->tags);
}

void yoi_listcache_free(yoi_listcache *c)
{
	for (size_t i = 0; c && i < c->n; i++)
		yoi_row_free(&c->rows[i]);
	if (c) {
		free(c->rows);
		c->rows = NULL;
		c->n = 0;
	}
}

static char *get_str(yoi_reader *r)
{
	uint32_t n;
	yoi_reader_get(r, &n, sizeof(n));
	if (r->bad || n == NO_STRING)
		return NULL;
	if (n > r->left) {
		r->bad = true;
		return NULL;
	}
	char *s = yoi_strndup(r->p, n);
	if (!s || memchr(s, '\0', n))
		r->bad = true;
	r->p += n;
	r->left -= n;
	return s;
}

/* A count, then that many strings (none of them absent). */
static void get_list(yoi_reader *r, yoi_strv *into)
{
	uint32_t n = 0;
	yoi_reader_get(r, &n, sizeof(n));
	for (uint32_t k = 0; !r->bad && k < n; k++) {
		char *s = get_str(r);
		if (!s || yoi_strv_push_owned(into, s) < 0)
			r->bad = true;
	}
}

/* The checksum in the last 8 bytes. */
static uint64_t stored_hash(const yoi_buf *b)
{
	uint64_t h;
	memcpy(&h, b->ptr + b->len - 8, sizeof(h));
	return h;
}

int yoi_listcache_load(yoi_listcache *c, const char *path, const char *root)
{
	memset(c, 0, sizeof(*c));
	yoi_buf b = YOI_BUF_INIT;
	yoi_error err;
	if (yoi_file_read(path, YOI_FILE_MAX, &b, &err) < 0 || b.len < 16 ||
	    yoi_cache_checksum(b.ptr, b.len - 8) != stored_hash(&b)) {
		yoi_buf_free(&b);
		return 0;
	}
	yoi_reader r = {b.ptr, b.len - 8, false};
	char m[sizeof(magic)];
	yoi_reader_get(&r, m, sizeof(m));
	char *for_root = get_str(&r);
	uint32_t n = 0;
	yoi_reader_get(&r, &n, sizeof(n));
	bool ok = !r.bad && memcmp(m, magic, sizeof(m)) == 0 && for_root &&
		  strcmp(for_root, root) == 0 && n <= MAX_ROWS &&
		  (c->rows = calloc(n ? n : 1, sizeof(*c->rows)));
	free(for_root);
	for (uint32_t i = 0; ok && i < n; i++) {
		yoi_row *row = &c->rows[i];
		c->n = i + 1;
		yoi_reader_get(&r, row->id, YOI_ID_LEN);
		yoi_reader_get(&r, &row->key, sizeof(row->key));
		yoi_reader_get(&r, &row->akey, sizeof(row->akey));
		yoi_reader_get(&r, &row->artifacts, sizeof(row->artifacts));
		for (int k = 0; k < YOI_ROW_NCOL; k++)
			row->col[k] = get_str(&r);
		get_list(&r, &row->risk);
		get_list(&r, &row->tags);
		ok = !r.bad && yoi_id_valid(row->id) &&
		     (i == 0 || strcmp(c->rows[i - 1].id, row->id) < 0);
	}
	if (!ok || r.left != 0)
		yoi_listcache_free(c);
	yoi_buf_free(&b);
	return 0;
}

const yoi_row *yoi_listcache_find(const yoi_listcache *c, const char *id,
				  yoi_row_key key)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->rows[mid].id, id);
		if (cmp == 0)
			return key_eq(c->rows[mid].key, key) ? &c->rows[mid]
							     : NULL;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void put_str(yoi_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : NO_STRING;
	yoi_buf_put(b, (const char *)&n, sizeof(n));
	if (s)
		yoi_buf_put(b, s, n);
}

static void put_list(yoi_buf *b, const yoi_strv *v)
{
	uint32_t n = (uint32_t)v->n;
	yoi_buf_put(b, (const char *)&n, sizeof(n));
	for (size_t k = 0; k < v->n; k++)
		put_str(b, v->v[k]);
}

int yoi_listcache_save(const yoi_row *const *rows, size_t n, const char *path,
		       const char *root, int64_t now_ns, yoi_error *err)
{
	yoi_buf b = YOI_BUF_INIT;
	yoi_buf_put(&b, magic, sizeof(magic));
	put_str(&b, root);
	size_t count_at = b.len;
	uint32_t count = 0;
	yoi_buf_put(&b, (const char *)&count, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		const yoi_row *r = rows[i];
		/* No key (stat failed), or racily clean: a change in the same
		 * tick could look equal. */
		if (!r || r->key.ino == 0 ||
		    r->key.mtime_ns > now_ns - YOI_LISTCACHE_RACY_NS ||
		    r->key.ctime_ns > now_ns - YOI_LISTCACHE_RACY_NS)
			continue;
		yoi_buf_put(&b, r->id, YOI_ID_LEN);
		yoi_buf_put(&b, (const char *)&r->key, sizeof(r->key));
		yoi_row_key akey = r->akey;
		uint32_t art = r->artifacts;
		if (akey.mtime_ns > now_ns - YOI_LISTCACHE_RACY_NS ||
		    akey.ctime_ns > now_ns - YOI_LISTCACHE_RACY_NS) {
			akey = (yoi_row_key){0};
			art = YOI_ROW_ART_UNKNOWN; /* racily clean */
		}
		yoi_buf_put(&b, (const char *)&akey, sizeof(akey));
		yoi_buf_put(&b, (const char *)&art, sizeof(art));
		for (int k = 0; k < YOI_ROW_NCOL; k++)
			put_str(&b, r->col[k]);
		put_list(&b, &r->risk);
		put_list(&b, &r->tags);
		count++;
	}
	int rc = 0;
	if (!b.ptr || yoi_buf_grow(&b, 8) < 0) {
		rc = yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	} else {
		memcpy(b.ptr + count_at, &count, sizeof(count));
		uint64_t h = yoi_cache_checksum(b.ptr, b.len);
		yoi_buf_put(&b, (const char *)&h, sizeof(h));
		rc = yoi_file_replace(path, b.ptr, b.len, false, err);
	}
	yoi_buf_free(&b);
	return rc;
}

typedef struct rows_job {
	const yoi_store *st;
	int root_fd; /* stat relative to the root: short path walks */
	const yoi_strv *ids;
	yoi_rows *rows;
	unsigned flags;
	atomic_size_t misses;
} rows_job;

static bool stat_at(int dirfd, const char *rel, struct stat *sb)
{
	if (dirfd < 0) {
		errno = EBADF;
		return false;
	}
	return fstatat(dirfd, rel, sb, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Which artifacts files of id exist, and the directory's key. */
static uint32_t artifacts_of(int root_fd, const char *id, yoi_row_key *akey)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} files[] = {
	    {"relations.json", YOI_ROW_ART_RELATIONS},
	    {"orchestration-plan.jsonl", YOI_ROW_ART_PLAN},
	};
	char rel[128];
	struct stat sb;
	*akey = (yoi_row_key){0};
	snprintf(rel, sizeof(rel), "%s/artifacts", id);
	if (!stat_at(root_fd, rel, &sb))
		return errno == ENOENT ? 0 : YOI_ROW_ART_UNKNOWN;
	if (!S_ISDIR(sb.st_mode))
		return YOI_ROW_ART_UNKNOWN;
	*akey = yoi_row_key_of(&sb);
	uint32_t art = 0;
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		snprintf(rel, sizeof(rel), "%s/artifacts/%s", id,
			 files[k].name);
		if (stat_at(root_fd, rel, &sb))
			art |= files[k].bit;
		else if (errno != ENOENT)
			return YOI_ROW_ART_UNKNOWN;
	}
	return art;
}

/* Whether the cached artifacts bits of r still hold. */
static bool artifacts_fresh(const yoi_row *r, int root_fd, const char *id)
{
	if (r->artifacts & YOI_ROW_ART_UNKNOWN)
		return false;
	char rel[128];
	struct stat sb;
	snprintf(rel, sizeof(rel), "%s/artifacts", id);
	if (!stat_at(root_fd, rel, &sb))
		return errno == ENOENT && r->akey.ino == 0 && r->artifacts == 0;
	yoi_row_key now = yoi_row_key_of(&sb);
	return S_ISDIR(sb.st_mode) && r->akey.ino != 0 && key_eq(now, r->akey);
}

static void rows_nth(void *ctx, size_t i, unsigned worker)
{
	(void)worker;
	rows_job *j = ctx;
	yoi_rows *rs = j->rows;
	const char *id = j->ids->v[i];
	char rel[YOI_ID_LEN + sizeof("/item.md")];
	snprintf(rel, sizeof(rel), "%s/item.md", id);
	struct stat sb;
	yoi_row_key key = {0};
	if (j->root_fd >= 0 &&
	    fstatat(j->root_fd, rel, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(sb.st_mode))
		key = yoi_row_key_of(&sb);
	bool art = j->flags & YOI_ROWS_ARTIFACTS;
	const yoi_row *hit =
	    key.ino ? yoi_listcache_find(&rs->cache, id, key) : NULL;
	if (hit && (!art || artifacts_fresh(hit, j->root_fd, id))) {
		rs->row[i] = hit;
		return;
	}
	atomic_fetch_add(&j->misses, 1);
	if (hit) { /* only the artifacts changed */
		if (yoi_row_copy(&rs->fresh[i], hit) < 0) {
			rs->err[i] = yoi_strdup("out of memory");
			return;
		}
		rs->fresh[i].artifacts =
		    artifacts_of(j->root_fd, id, &rs->fresh[i].akey);
		rs->row[i] = &rs->fresh[i];
		return;
	}
	/* The keys are taken before the reads: a later change only misses. */
	yoi_row_key akey = {0};
	uint32_t artifacts =
	    art ? artifacts_of(j->root_fd, id, &akey) : YOI_ROW_ART_UNKNOWN;
	yoi_ticket *t;
	yoi_error err;
	if (yoi_ticket_load(&t, j->st, id,
			    YOI_LOAD_FRONTMATTER | YOI_LOAD_DIR_CHECKED,
			    &err) < 0) {
		char et[YOI_ERRTEXT_MAX];
		rs->err[i] = yoi_strdup(yoi_error_text(&err, et, sizeof(et)));
		return;
	}
	if (yoi_row_from_item(&rs->fresh[i], id, t->item, key) < 0) {
		rs->err[i] = yoi_strdup("out of memory");
	} else {
		rs->fresh[i].akey = akey;
		rs->fresh[i].artifacts = artifacts;
		rs->row[i] = &rs->fresh[i];
	}
	yoi_ticket_free(t);
}

static void rows_save(yoi_rows *rs, const yoi_store *st, const char *path)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	yoi_error err;
	char et[YOI_ERRTEXT_MAX];
	if (yoi_listcache_save(rs->row, rs->n, path, st->root,
			       (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec,
			       &err) < 0)
		rs->save_err = yoi_strdup(yoi_error_text(&err, et, sizeof(et)));
}

int yoi_rows_load(yoi_rows *rs, const yoi_store *st, const yoi_strv *ids,
		  unsigned flags, yoi_error *err)
{
	memset(rs, 0, sizeof(*rs));
	size_t n = ids->n ? ids->n : 1;
	rs->row = calloc(n, sizeof(*rs->row));
	rs->err = calloc(n, sizeof(*rs->err));
	rs->fresh = calloc(n, sizeof(*rs->fresh));
	if (!rs->row || !rs->err || !rs->fresh) {
		yoi_rows_free(rs);
		return yoi_error_set(err, YOI_ENOMEM, NULL, 0, "out of memory");
	}
	rs->n = ids->n;
	char *path = yoi_store_cache_path(st, "yoi-list-cache");
	if (path)
		yoi_listcache_load(&rs->cache, path, st->root);
	rows_job j = {st,    open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
		      ids,   rs,
		      flags, 0};
	yoi_par_for(ids->n, yoi_par_threads(ids->n), rows_nth, &j);
	if (j.root_fd >= 0)
		close(j.root_fd);
	rs->misses = atomic_load(&j.misses);
	if (path && rs->misses)
		rows_save(rs, st, path);
	free(path);
	return 0;
}

void yoi_rows_free(yoi_rows *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->fresh)
			yoi_row_free(&rs->fresh[i]);
		if (rs->err)
			free(rs->err[i]);
	}
	free(rs->fresh);
	free(rs->err);
	free(rs->row);
	free(rs->save_err);
	yoi_listcache_free(&rs->cache);
	memset(rs, 0, sizeof(*rs));
}
