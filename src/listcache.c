/* listcache.c - the stat-validated cache of list rows. */
#include "yoi/listcache.h"

#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"

const char *const yoi_row_keys[YOI_ROW_NCOL] = {
    "title",	"state",      "assignee",   "readiness",
    "priority", "created_at", "updated_at",
};

/* Format: magic, root, count, rows, checksum of everything before it. */
static const char magic[8] = {'Y', 'O', 'I', 'L', 'C', '0', '0', '2'};
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
	for (int c = 0; c < YOI_ROW_NCOL; c++) {
		const char *v = yoi_item_get(it, yoi_row_keys[c]);
		if (v && !(r->col[c] = yoi_strdup(v)))
			return YOI_ENOMEM;
	}
	const yoi_field *f = yoi_item_field(it, "risk_flags");
	for (size_t i = 0; f && f->type == YOI_FIELD_LIST && i < f->nlist; i++)
		if (yoi_strv_push(&r->risk, f->list[i]) < 0)
			return YOI_ENOMEM;
	return 0;
}

int yoi_row_copy(yoi_row *dst, const yoi_row *src)
{
	memset(dst, 0, sizeof(*dst));
	memcpy(dst->id, src->id, sizeof(dst->id));
	dst->key = src->key;
	for (int c = 0; c < YOI_ROW_NCOL; c++)
		if (src->col[c] && !(dst->col[c] = yoi_strdup(src->col[c])))
			return YOI_ENOMEM;
	for (size_t i = 0; i < src->risk.n; i++)
		if (yoi_strv_push(&dst->risk, src->risk.v[i]) < 0)
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

/* A checksum to tell a torn or corrupt file, 8 bytes a step. */
static uint64_t checksum(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

/* A bounds-checked reader over the file's bytes. */
typedef struct rd {
	const char *p;
	size_t left;
	bool bad;
} rd;

static void get(rd *r, void *out, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
}

static char *get_str(rd *r)
{
	uint32_t n;
	get(r, &n, sizeof(n));
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
	    checksum(b.ptr, b.len - 8) != stored_hash(&b)) {
		yoi_buf_free(&b);
		return 0;
	}
	rd r = {b.ptr, b.len - 8, false};
	char m[sizeof(magic)];
	get(&r, m, sizeof(m));
	char *for_root = get_str(&r);
	uint32_t n = 0;
	get(&r, &n, sizeof(n));
	bool ok = !r.bad && memcmp(m, magic, sizeof(m)) == 0 && for_root &&
		  strcmp(for_root, root) == 0 && n <= MAX_ROWS &&
		  (c->rows = calloc(n ? n : 1, sizeof(*c->rows)));
	free(for_root);
	for (uint32_t i = 0; ok && i < n; i++) {
		yoi_row *row = &c->rows[i];
		c->n = i + 1;
		get(&r, row->id, YOI_ID_LEN);
		get(&r, &row->key, sizeof(row->key));
		for (int k = 0; k < YOI_ROW_NCOL; k++)
			row->col[k] = get_str(&r);
		uint32_t nrisk = 0;
		get(&r, &nrisk, sizeof(nrisk));
		for (uint32_t k = 0; !r.bad && k < nrisk; k++) {
			char *s = get_str(&r);
			if (!s || yoi_strv_push_owned(&row->risk, s) < 0)
				r.bad = true;
		}
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
		for (int k = 0; k < YOI_ROW_NCOL; k++)
			put_str(&b, r->col[k]);
		uint32_t nrisk = (uint32_t)r->risk.n;
		yoi_buf_put(&b, (const char *)&nrisk, sizeof(nrisk));
		for (size_t k = 0; k < r->risk.n; k++)
			put_str(&b, r->risk.v[k]);
		count++;
	}
	int rc = 0;
	if (!b.ptr || yoi_buf_grow(&b, 8) < 0) {
		rc = yoi_error_set(err, YOI_ENOMEM, path, 0, "out of memory");
	} else {
		memcpy(b.ptr + count_at, &count, sizeof(count));
		uint64_t h = checksum(b.ptr, b.len);
		yoi_buf_put(&b, (const char *)&h, sizeof(h));
		rc = yoi_file_replace(path, b.ptr, b.len, false, err);
	}
	yoi_buf_free(&b);
	return rc;
}
