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

/* ---- yoi_rows_load over a real store in a git repository ---- */

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/store.h"

static const char *const row_ids[] = {"00001M86CH3M0", "00001M86CH4K8",
				      "00001M86CH5Q0", "00001M86CH6T4"};

static void put(const char *root, const char *rel, const char *text)
{
	char *p = yoi_path_join(root, rel);
	yoi_error err;
	cr_assert_eq(yoi_file_write_atomic(p, text, strlen(text), &err), 0,
		     "%s", err.msg);
	free(p);
}

static void mkdir_in(const char *root, const char *rel)
{
	char *p = yoi_path_join(root, rel);
	yoi_error err;
	cr_assert_eq(yoi_mkdir_p(p, &err), 0, "%s", err.msg);
	free(p);
}

/* Four tickets: relations.json / artifacts but no files / no artifacts
 * directory / a plan file. */
static char *rows_store(yoi_store **st, yoi_strv *ids)
{
	char *d = strdup("/tmp/yoi-unit-rows.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "git init -q '%s'", d);
	cr_assert_eq(system(cmd), 0);
	char *root = yoi_path_join(d, ".yoi/tickets");
	for (size_t i = 0; i < 4; i++) {
		char rel[64], text[256];
		snprintf(rel, sizeof(rel), "%s/item.md", row_ids[i]);
		snprintf(text, sizeof(text),
			 "---\nid: %s\ntitle: Ticket %zu\nstate: queued\n"
			 "queued_at: 2026-11-0%zuT10:00:00Z\n---\n\nBody.\n",
			 row_ids[i], i, i + 1);
		snprintf(rel, sizeof(rel), "%s", row_ids[i]);
		mkdir_in(root, rel);
		snprintf(rel, sizeof(rel), "%s/item.md", row_ids[i]);
		put(root, rel, text);
		cr_assert_eq(yoi_strv_push(ids, row_ids[i]), 0);
	}
	char rel[128];
	snprintf(rel, sizeof(rel), "%s/artifacts", row_ids[0]);
	mkdir_in(root, rel);
	snprintf(rel, sizeof(rel), "%s/artifacts/relations.json", row_ids[0]);
	put(root, rel, "{}\n");
	snprintf(rel, sizeof(rel), "%s/artifacts", row_ids[1]);
	mkdir_in(root, rel);
	snprintf(rel, sizeof(rel), "%s/artifacts", row_ids[3]);
	mkdir_in(root, rel);
	snprintf(rel, sizeof(rel), "%s/artifacts/orchestration-plan.jsonl",
		 row_ids[3]);
	put(root, rel, "{}\n");
	yoi_error err;
	cr_assert_eq(yoi_store_open(st, d, root, &err), 0, "%s", err.msg);
	free(root);
	return d;
}

static void rows_cleanup(yoi_store *st, char *d, yoi_strv *ids)
{
	yoi_store_free(st);
	yoi_strv_free(ids);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
	free(d);
}

Test(rows, columns_and_artifacts_bits)
{
	yoi_store *st;
	yoi_strv ids = {0};
	char *d = rows_store(&st, &ids);
	yoi_rows rs;
	yoi_error err;
	cr_assert_eq(yoi_rows_load(&rs, st, &ids, YOI_ROWS_ARTIFACTS, &err), 0);
	cr_assert_eq(rs.n, 4);
	cr_assert_eq(rs.misses, 4);
	cr_assert_str_eq(rs.row[2]->col[YOI_ROW_TITLE], "Ticket 2");
	cr_assert_str_eq(rs.row[2]->col[YOI_ROW_QUEUED],
			 "2026-11-03T10:00:00Z");
	cr_assert_eq(rs.row[0]->artifacts, YOI_ROW_ART_RELATIONS);
	cr_assert_eq(rs.row[1]->artifacts, 0);
	cr_assert_eq(rs.row[2]->artifacts, 0);
	cr_assert_eq(rs.row[2]->akey.ino, 0);
	cr_assert_eq(rs.row[3]->artifacts, YOI_ROW_ART_PLAN);
	yoi_rows_free(&rs);
	/* Without the flag the bits are not looked at. */
	cr_assert_eq(yoi_rows_load(&rs, st, &ids, 0, &err), 0);
	cr_assert_eq(rs.row[0]->artifacts, YOI_ROW_ART_UNKNOWN);
	yoi_rows_free(&rs);
	rows_cleanup(st, d, &ids);
}

/* Store the rows as if written long after the files changed (no racy
 * guard), with every artifacts directory's mtime put back first, so the
 * next change to a directory is a different mtime. */
static void save_settled(yoi_store *st, const yoi_strv *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "%s/artifacts", ids->v[i]);
		char *p = yoi_path_join(yoi_store_root(st), rel);
		struct timespec ts[2] = {{1000, 0}, {1000, 0}};
		utimensat(AT_FDCWD, p, ts, 0); /* absent: nothing to do */
		free(p);
	}
	yoi_rows rs;
	yoi_error err;
	cr_assert_eq(yoi_rows_load(&rs, st, ids, YOI_ROWS_ARTIFACTS, &err), 0);
	char *path = yoi_store_cache_path(st, "yoi-list-cache");
	cr_assert_not_null(path);
	cr_assert_eq(yoi_listcache_save(rs.row, rs.n, path, yoi_store_root(st),
					INT64_MAX / 2, &err),
		     0, "%s", err.msg);
	free(path);
	yoi_rows_free(&rs);
}

Test(rows, cached_artifacts_bits_follow_the_directory)
{
	yoi_store *st;
	yoi_strv ids = {0};
	char *d = rows_store(&st, &ids);
	save_settled(st, &ids);
	yoi_rows rs;
	yoi_error err;
	cr_assert_eq(yoi_rows_load(&rs, st, &ids, YOI_ROWS_ARTIFACTS, &err), 0);
	cr_assert_eq(rs.misses, 0, "every row comes from the cache");
	cr_assert_eq(rs.row[3]->artifacts, YOI_ROW_ART_PLAN);
	yoi_rows_free(&rs);
	/* A plan file appears in B, relations.json leaves A, C gets an
	 * artifacts directory with relations.json. */
	char rel[128];
	snprintf(rel, sizeof(rel), "%s/artifacts/orchestration-plan.jsonl",
		 ids.v[1]);
	put(yoi_store_root(st), rel, "{}\n");
	snprintf(rel, sizeof(rel), "%s/artifacts/relations.json", ids.v[0]);
	char *p = yoi_path_join(yoi_store_root(st), rel);
	cr_assert_eq(unlink(p), 0);
	free(p);
	snprintf(rel, sizeof(rel), "%s/artifacts", ids.v[2]);
	mkdir_in(yoi_store_root(st), rel);
	snprintf(rel, sizeof(rel), "%s/artifacts/relations.json", ids.v[2]);
	put(yoi_store_root(st), rel, "{}\n");
	cr_assert_eq(yoi_rows_load(&rs, st, &ids, YOI_ROWS_ARTIFACTS, &err), 0);
	cr_assert_eq(rs.misses, 3);
	cr_assert_eq(rs.row[0]->artifacts, 0);
	cr_assert_eq(rs.row[1]->artifacts, YOI_ROW_ART_PLAN);
	cr_assert_eq(rs.row[2]->artifacts, YOI_ROW_ART_RELATIONS);
	cr_assert_eq(rs.row[3]->artifacts, YOI_ROW_ART_PLAN);
	/* The rows themselves still come from the cache: same title. */
	cr_assert_str_eq(rs.row[1]->col[YOI_ROW_TITLE], "Ticket 1");
	yoi_rows_free(&rs);
	rows_cleanup(st, d, &ids);
}

Test(rows, unreadable_ticket_has_no_row_and_a_reason)
{
	yoi_store *st;
	yoi_strv ids = {0};
	char *d = rows_store(&st, &ids);
	char rel[64];
	snprintf(rel, sizeof(rel), "%s/item.md", ids.v[1]);
	put(yoi_store_root(st), rel, "---\ntitle: [unclosed\n---\n");
	yoi_rows rs;
	yoi_error err;
	cr_assert_eq(yoi_rows_load(&rs, st, &ids, YOI_ROWS_ARTIFACTS, &err), 0);
	cr_assert_null(rs.row[1]);
	cr_assert_not_null(rs.err[1]);
	cr_assert(strstr(rs.err[1], "item.md"), "%s", rs.err[1]);
	cr_assert_not_null(rs.row[0]);
	yoi_rows_free(&rs);
	rows_cleanup(st, d, &ids);
}
