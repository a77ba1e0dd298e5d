#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"
#include "yoi/listcache.h"

#define NS 1000000000LL

static yoi_row mkrow(const char *id, const char *title, int64_t mtime_s)
{
	yoi_row r = {0};
	memcpy(r.id, id, YOI_ID_LEN + 1);
	r.key = (yoi_row_key){100, mtime_s * NS, mtime_s * NS, 42};
	r.col[YOI_ROW_TITLE] = strdup(title);
	r.col[YOI_ROW_STATE] = strdup("ready");
	yoi_strv_push(&r.risk, "db");
	yoi_strv_push(&r.risk, "ui");
	return r;
}

static char *tmpfile_path(void)
{
	char *d = strdup("/tmp/yoi-unit-lc.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char *p = yoi_path_join(d, "cache");
	free(d);
	return p;
}

Test(listcache, round_trip_and_validation)
{
	char *path = tmpfile_path();
	yoi_row a = mkrow("00001M86CH3M0", "Alpha", 1000);
	yoi_row b = mkrow("00001M86CH4K8", "Beta 'quoted'", 1000);
	const yoi_row *rows[] = {&a, NULL, &b};
	yoi_error err;
	cr_assert_eq(yoi_listcache_save(rows, 3, path, "/r", 5000 * NS, &err),
		     0);
	yoi_listcache c;
	cr_assert_eq(yoi_listcache_load(&c, path, "/r"), 0);
	cr_assert_eq(c.n, 2);
	const yoi_row *hit = yoi_listcache_find(&c, a.id, a.key);
	cr_assert_not_null(hit);
	cr_assert_str_eq(hit->col[YOI_ROW_TITLE], "Alpha");
	cr_assert_str_eq(hit->col[YOI_ROW_STATE], "ready");
	cr_assert_null(hit->col[YOI_ROW_ASSIGNEE]);
	cr_assert_eq(hit->risk.n, 2);
	cr_assert_str_eq(hit->risk.v[1], "ui");
	cr_assert_str_eq(
	    yoi_listcache_find(&c, b.id, b.key)->col[YOI_ROW_TITLE],
	    "Beta 'quoted'");
	/* Any change to the stat key is a miss. */
	yoi_row_key k = a.key;
	k.ctime_ns++;
	cr_assert_null(yoi_listcache_find(&c, a.id, k));
	k = a.key;
	k.size++;
	cr_assert_null(yoi_listcache_find(&c, a.id, k));
	k = a.key;
	k.ino++;
	cr_assert_null(yoi_listcache_find(&c, a.id, k));
	cr_assert_null(yoi_listcache_find(&c, "00001M86CH000", a.key));
	yoi_listcache_free(&c);
	/* Made for another root: ignored. */
	cr_assert_eq(yoi_listcache_load(&c, path, "/other"), 0);
	cr_assert_eq(c.n, 0);
	yoi_row_free(&a);
	yoi_row_free(&b);
	free(path);
}

Test(listcache, racily_clean_rows_are_not_stored)
{
	char *path = tmpfile_path();
	yoi_row old = mkrow("00001M86CH3M0", "Old", 1000);
	yoi_row fresh = mkrow("00001M86CH4K8", "Fresh", 4999);
	yoi_row nokey = mkrow("00001M86CH5Q0", "No key", 1000);
	nokey.key.ino = 0;
	const yoi_row *rows[] = {&old, &fresh, &nokey};
	yoi_error err;
	cr_assert_eq(yoi_listcache_save(rows, 3, path, "/r", 5000 * NS, &err),
		     0);
	yoi_listcache c;
	yoi_listcache_load(&c, path, "/r");
	cr_assert_eq(c.n, 1);
	cr_assert_str_eq(c.rows[0].id, "00001M86CH3M0");
	yoi_listcache_free(&c);
	yoi_row_free(&old);
	yoi_row_free(&fresh);
	yoi_row_free(&nokey);
	free(path);
}

Test(listcache, torn_or_corrupt_files_are_ignored)
{
	char *path = tmpfile_path();
	yoi_row a = mkrow("00001M86CH3M0", "Alpha", 1000);
	const yoi_row *rows[] = {&a};
	yoi_error err;
	cr_assert_eq(yoi_listcache_save(rows, 1, path, "/r", 5000 * NS, &err),
		     0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(path, 1 << 20, &b, &err), 0);
	/* Every truncation and every flipped byte: an empty cache. */
	for (size_t cut = 0; cut < b.len; cut++) {
		cr_assert_eq(yoi_file_write_atomic(path, b.ptr, cut, &err), 0);
		yoi_listcache c;
		cr_assert_eq(yoi_listcache_load(&c, path, "/r"), 0);
		cr_assert_eq(c.n, 0, "cut at %zu", cut);
	}
	for (size_t at = 0; at < b.len; at++) {
		b.ptr[at] ^= 0x5a;
		cr_assert_eq(yoi_file_write_atomic(path, b.ptr, b.len, &err),
			     0);
		yoi_listcache c;
		cr_assert_eq(yoi_listcache_load(&c, path, "/r"), 0);
		cr_assert_eq(c.n, 0, "flipped byte %zu", at);
		b.ptr[at] ^= 0x5a;
	}
	yoi_listcache c;
	cr_assert_eq(yoi_listcache_load(&c, "/nonexistent/cache", "/r"), 0);
	cr_assert_eq(c.n, 0);
	yoi_buf_free(&b);
	yoi_row_free(&a);
	free(path);
}
