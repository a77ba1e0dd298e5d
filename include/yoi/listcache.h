/*
 * listcache.h - what `list` shows of each ticket (and what routing needs:
 * state, queued_at, title, which artifacts files exist), cached in the git
 * directory (never committed; one per worktree) and validated the way
 * git validates its index: a row is used only while item.md has the same
 * size, mtime and ctime (ns) and inode as when the row was made. Rows of
 * files modified within YOI_LISTCACHE_RACY_NS of writing the cache are
 * not stored ("racily clean"), so an edit within one timestamp tick is
 * never missed. A torn or corrupt cache is ignored (it is only a cache).
 * yoi_rows_load is the way in: list and the whole-store views use it (show,
 * the guards and relation add read only the tickets the links cache,
 * revcache.h, points them to).
 *
 * Ownership: yoi_listcache owns its rows; yoi_listcache_free. A yoi_row
 * owns its strings; yoi_row_free.
 */
#ifndef YOI_LISTCACHE_H
#define YOI_LISTCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common.h"
#include "id.h"
#include "item.h"
#include "store.h"

#define YOI_LISTCACHE_RACY_NS (2LL * 1000 * 1000 * 1000)

enum {
	YOI_ROW_TITLE,
	YOI_ROW_STATE,
	YOI_ROW_ASSIGNEE,
	YOI_ROW_READINESS,
	YOI_ROW_PRIORITY,
	YOI_ROW_CREATED,
	YOI_ROW_UPDATED,
	YOI_ROW_QUEUED,
	YOI_ROW_NCOL
};

/* The frontmatter keys of the columns, in column order. */
extern const char *const yoi_row_keys[YOI_ROW_NCOL];

typedef struct yoi_row_key {
	int64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
	uint64_t ino;
} yoi_row_key;

#define YOI_ROW_ART_RELATIONS (1u << 0)	 /* relations.json */
#define YOI_ROW_ART_PLAN      (1u << 1)	 /* orchestration-plan.jsonl */
#define YOI_ROW_ART_UNKNOWN   (1u << 31) /* not looked at: try them all */

typedef struct yoi_row {
	char id[YOI_ID_LEN + 1];
	yoi_row_key key;
	char *col[YOI_ROW_NCOL]; /* scalar values; NULL when absent or null */
	yoi_strv risk;		 /* risk_flags when a list of strings */
	yoi_strv tags;		 /* tags (the labels) likewise */
	/* Which artifacts files exist (YOI_ROW_ART_*), valid while the
	 * artifacts directory keeps the stat akey (ino 0: no directory). */
	yoi_row_key akey;
	uint32_t artifacts;
} yoi_row;

typedef struct yoi_listcache {
	yoi_row *rows; /* sorted by id */
	size_t n;
} yoi_listcache;

yoi_row_key yoi_row_key_of(const struct stat *sb);

/* Fill r (zeroed by the caller) from a parsed item. */
int yoi_row_from_item(yoi_row *r, const char *id, const yoi_item *it,
		      yoi_row_key key);
/* Deep copy. */
int yoi_row_copy(yoi_row *dst, const yoi_row *src);
void yoi_row_free(yoi_row *r);

/*
 * Load the cache at path for the tickets root `root` (a cache made for
 * another root, a missing, torn or corrupt file: an empty cache, 0).
 */
int yoi_listcache_load(yoi_listcache *c, const char *path, const char *root);
/* The row for id when its key still matches, else NULL. */
const yoi_row *yoi_listcache_find(const yoi_listcache *c, const char *id,
				  yoi_row_key key);
/*
 * Write rows (sorted by id; NULL entries and rows without a key are left
 * out) for root, leaving out racily clean ones (now_ns is the time of
 * writing). Atomic replace, no fsync: a torn file is detected by its
 * checksum on load.
 */
int yoi_listcache_save(const yoi_row *const *rows, size_t n, const char *path,
		       const char *root, int64_t now_ns, yoi_error *err);
void yoi_listcache_free(yoi_listcache *c);

/*
 * The rows of the tickets ids (sorted), on all cores: from the store's
 * cache where item.md's stat still matches, else parsed from the
 * frontmatter. When any row missed, the cache is rewritten (failing to is
 * not an error; save_err says why). row[i] is NULL when ids->v[i] could
 * not be read, and err[i] says why. With YOI_ROWS_ARTIFACTS, each row's
 * artifacts bits are also known (validated by the stat of the artifacts
 * directory: adding or removing a file changes it), else they may be
 * YOI_ROW_ART_UNKNOWN.
 */
#define YOI_ROWS_ARTIFACTS 1u

typedef struct yoi_rows {
	size_t n;
	const yoi_row **row;
	char **err;
	size_t misses;
	char *save_err;
	/* private */
	yoi_row *fresh;
	yoi_listcache cache;
} yoi_rows;

int yoi_rows_load(yoi_rows *rows, const yoi_store *st, const yoi_strv *ids,
		  unsigned flags, yoi_error *err);
void yoi_rows_free(yoi_rows *rows);

#endif
