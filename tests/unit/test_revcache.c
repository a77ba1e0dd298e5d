#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/graph.h"
#include "yoi/revcache.h"

#define NS 1000000000LL

static const char *const ID[] = {"00001M86CH3M0", "00001M86CH4K8",
				 "00001M86CH5A1", "00001M86CH6B2",
				 "00001M86CH7C3"};

/*
 * A cache of the five IDs: 0 depends_on 1, 2 blocks 1, 3 related 4,
 * 4 depends_on a ticket not in the store. Keys at mtime_s.
 */
static yoi_revcache mkcache(int64_t mtime_s)
{
	static const struct {
		int from, to, kind;
	} edges[] = {
	    {0, 1, YOI_GRAPH_DEPENDS_ON},
	    {2, 1, YOI_GRAPH_BLOCKS},
	    {3, 4, YOI_GRAPH_RELATED},
	    {4, -1, YOI_GRAPH_DEPENDS_ON},
	};
	yoi_revcache c = {0};
	c.n = 5;
	c.e = calloc(5, sizeof(*c.e));
	c.targets = calloc(4, sizeof(*c.targets));
	cr_assert(c.e && c.targets);
	c.root_key = (yoi_row_key){4096, mtime_s * NS, mtime_s * NS, 7};
	for (int i = 0; i < 5; i++) {
		yoi_revcache_entry *e = &c.e[i];
		memcpy(e->id, ID[i], YOI_ID_LEN + 1);
		e->akey = (yoi_row_key){4096, mtime_s * NS, mtime_s * NS,
					(uint64_t)(100 + i)};
		e->first = (uint32_t)c.ntargets;
		for (size_t k = 0; k < sizeof(edges) / sizeof(edges[0]); k++) {
			if (edges[k].from != i)
				continue;
			e->rkey = (yoi_row_key){300, mtime_s * NS, mtime_s * NS,
						(uint64_t)(200 + i)};
			yoi_revcache_target *t = &c.targets[c.ntargets++];
			memcpy(t->id,
			       edges[k].to < 0 ? "00001M86CHZZZ"
					       : ID[edges[k].to],
			       YOI_ID_LEN + 1);
			t->kind = (int8_t)edges[k].kind;
			e->n++;
		}
	}
	return c;
}

static char *joined(const yoi_strv *v)
{
	static char buf[256];
	buf[0] = '\0';
	for (size_t i = 0; i < v->n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, v->v[i] + 10); /* the last 3 characters */
	}
	return buf;
}

Test(revcache, round_trip)
{
	yoi_revcache c = mkcache(1000);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_revcache_encode(&b, &c, "/r", 5000 * NS), 0);
	yoi_revcache d;
	cr_assert_eq(yoi_revcache_decode(&d, b.ptr, b.len, "/r"), 0);
	cr_assert_eq(d.n, 5);
	cr_assert_eq(d.ntargets, 4);
	cr_assert_eq(d.root_key.ino, 7);
	for (size_t i = 0; i < 5; i++) {
		cr_assert_str_eq(d.e[i].id, c.e[i].id);
		cr_assert_eq(d.e[i].n, c.e[i].n);
		cr_assert_eq(d.e[i].akey.ino, c.e[i].akey.ino);
		cr_assert_eq(d.e[i].rkey.ino, c.e[i].rkey.ino);
		cr_assert_eq(d.e[i].flags, 0);
		for (uint32_t k = 0; k < d.e[i].n; k++) {
			cr_assert_str_eq(d.targets[d.e[i].first + k].id,
					 c.targets[c.e[i].first + k].id);
			cr_assert_eq(d.targets[d.e[i].first + k].kind,
				     c.targets[c.e[i].first + k].kind);
		}
	}
	cr_assert_eq(yoi_revcache_find(&d, ID[3]), &d.e[3]);
	cr_assert_null(yoi_revcache_find(&d, "00001M86CHZZZ"));
	yoi_revcache_free(&d);
	yoi_revcache_free(&c);
	yoi_buf_free(&b);
}

/* A torn file, a flipped byte, another root: an empty cache, never a
 * wrong one. */
Test(revcache, torn_corrupt_or_foreign_is_empty)
{
	yoi_revcache c = mkcache(1000);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_revcache_encode(&b, &c, "/r", 5000 * NS), 0);
	yoi_revcache d;
	for (size_t cut = 0; cut < b.len; cut += 7) {
		cr_assert_eq(yoi_revcache_decode(&d, b.ptr, cut, "/r"), 0);
		cr_assert_eq(d.n, 0, "cut at %zu", cut);
		yoi_revcache_free(&d);
	}
	for (size_t at = 0; at < b.len; at += 5) {
		b.ptr[at] ^= 0x20;
		cr_assert_eq(yoi_revcache_decode(&d, b.ptr, b.len, "/r"), 0);
		cr_assert_eq(d.n, 0, "flipped at %zu", at);
		yoi_revcache_free(&d);
		b.ptr[at] ^= 0x20;
	}
	cr_assert_eq(yoi_revcache_decode(&d, b.ptr, b.len, "/other"), 0);
	cr_assert_eq(d.n, 0);
	yoi_revcache_free(&d);
	cr_assert_eq(yoi_revcache_decode(&d, "garbage", 7, "/r"), 0);
	cr_assert_eq(d.n, 0);
	yoi_revcache_free(&d);
	yoi_revcache_free(&c);
	yoi_buf_free(&b);
}

/* Files changed within the racy window are stored as stale (re-read on
 * the next load), and the root key is not kept. */
Test(revcache, racily_clean_entries_are_not_trusted)
{
	yoi_revcache c = mkcache(1000);
	c.e[2].rkey.mtime_ns = 4999 * NS; /* 1 s before writing */
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_revcache_encode(&b, &c, "/r", 5000 * NS), 0);
	yoi_revcache d;
	cr_assert_eq(yoi_revcache_decode(&d, b.ptr, b.len, "/r"), 0);
	cr_assert_eq(d.n, 5);
	cr_assert_neq(d.e[2].flags, 0);
	cr_assert_eq(d.e[1].flags, 0);
	cr_assert_eq(d.root_key.ino, 7);
	yoi_revcache_free(&d);
	yoi_buf_free(&b);
	c.root_key.ctime_ns = 4999 * NS;
	cr_assert_eq(yoi_revcache_encode(&b, &c, "/r", 5000 * NS), 0);
	cr_assert_eq(yoi_revcache_decode(&d, b.ptr, b.len, "/r"), 0);
	cr_assert_eq(d.root_key.ino, 0);
	yoi_revcache_free(&d);
	yoi_buf_free(&b);
	yoi_revcache_free(&c);
}

Test(revcache, near_is_one_step_both_ways)
{
	yoi_revcache c = mkcache(1000);
	yoi_strv v = {0};
	const char *seed = ID[1];
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, false, &v), 0);
	/* 1 itself, 0 (depends_on 1) and 2 (blocks 1). */
	cr_assert_str_eq(joined(&v), "3M0 4K8 5A1");
	yoi_strv_free(&v);
	seed = ID[3];
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, false, &v), 0);
	cr_assert_str_eq(joined(&v), "6B2 7C3");
	yoi_strv_free(&v);
	/* Unknown seeds and dangling targets are left out. */
	seed = "00001M86CHZZZ";
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, false, &v), 0);
	cr_assert_eq(v.n, 0);
	yoi_strv_free(&v);
	/* An entry whose files are bad is always in the view. */
	c.e[4].flags |= YOI_REVCACHE_BAD;
	seed = ID[1];
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, false, &v), 0);
	cr_assert_str_eq(joined(&v), "3M0 4K8 5A1 7C3");
	yoi_strv_free(&v);
	yoi_revcache_free(&c);
}

/* waits: what a ticket waits for, transitively, and nothing else. */
Test(revcache, near_waits_follows_waiting_edges_only)
{
	yoi_revcache c = mkcache(1000);
	yoi_strv v = {0};
	const char *seed = ID[0];
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, true, &v), 0);
	/* 0 waits for 1; 1 waits for 2 (2 blocks 1); nobody else. */
	cr_assert_str_eq(joined(&v), "3M0 4K8 5A1");
	yoi_strv_free(&v);
	seed = ID[2];
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, true, &v), 0);
	cr_assert_str_eq(joined(&v), "5A1");
	yoi_strv_free(&v);
	seed = ID[3]; /* related is not waiting */
	cr_assert_eq(yoi_revcache_near(&c, &seed, 1, true, &v), 0);
	cr_assert_str_eq(joined(&v), "6B2");
	yoi_strv_free(&v);
	yoi_revcache_free(&c);
}
