/*
 * history: the merge-aware append-only rule on buffers, including a
 * property test with fixed seeds: any interleaving of two sides'
 * appended blocks keeps every block of the base and of each side.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/diag.h"
#include "yoi/history.h"
#include "yoi/thread.h"

static const char *block(char *buf, size_t cap, const char *kind, int sec,
			 const char *body)
{
	snprintf(buf, cap,
		 "<!-- event: %s author: t at: 2026-01-01T00:00:%02dZ -->\n"
		 "\n## H\n\n%s\n\n---\n",
		 kind, sec, body);
	return buf;
}

/* Parse both and judge nw against old. */
static yoi_history judge(const char *old, const char *nw)
{
	yoi_thread *a = NULL, *b = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	cr_assert_eq(yoi_thread_parse(&a, old, strlen(old), "old", &d), 0);
	cr_assert_eq(yoi_thread_parse(&b, nw, strlen(nw), "new", &d), 0);
	yoi_history h;
	cr_assert_eq(
	    yoi_history_check(&h, old, strlen(old), a, nw, strlen(nw), b), 0);
	yoi_thread_free(a);
	yoi_thread_free(b);
	yoi_diag_free(&d);
	return h;
}

Test(history, appending_is_a_successor)
{
	char b1[256], b2[256], old[512], nw[1024];
	snprintf(old, sizeof(old), "%s",
		 block(b1, sizeof(b1), "create", 1, "made"));
	snprintf(nw, sizeof(nw), "%s%s", old,
		 block(b2, sizeof(b2), "comment", 2, "hi"));
	yoi_history h = judge(old, nw);
	cr_assert(h.ok && h.appended);
	cr_assert_eq(h.n, 2);
	cr_assert(!h.added[0] && h.added[1]);
	yoi_history_free(&h);
}

Test(history, a_missing_final_newline_may_be_completed)
{
	char b1[256], b2[256], old[512], nw[1024];
	snprintf(old, sizeof(old), "%s",
		 block(b1, sizeof(b1), "create", 1, "made"));
	old[strlen(old) - 1] = '\0'; /* "---" without its line break */
	snprintf(nw, sizeof(nw), "%s\n%s", old,
		 block(b2, sizeof(b2), "comment", 2, "hi"));
	yoi_history h = judge(old, nw);
	cr_assert(h.ok);
	cr_assert(!h.added[0] && h.added[1]);
	yoi_history_free(&h);
}

Test(history, interleaving_keeps_order_and_is_a_successor)
{
	char b[4][256], old[1024], nw[2048];
	block(b[0], 256, "create", 1, "made");
	block(b[1], 256, "comment", 3, "ours");
	block(b[2], 256, "comment", 2, "theirs");
	snprintf(old, sizeof(old), "%s%s", b[0], b[1]);
	/* The other side's block, earlier in time, goes before ours. */
	snprintf(nw, sizeof(nw), "%s%s%s", b[0], b[2], b[1]);
	yoi_history h = judge(old, nw);
	cr_assert(h.ok);
	cr_assert(!h.appended);
	cr_assert(!h.added[0] && h.added[1] && !h.added[2]);
	yoi_history_free(&h);
}

Test(history, an_edited_block_is_not_kept)
{
	char b[3][256], old[1024], nw[1024];
	block(b[0], 256, "create", 1, "made");
	block(b[1], 256, "comment", 2, "said");
	block(b[2], 256, "comment", 2, "unsaid");
	snprintf(old, sizeof(old), "%s%s", b[0], b[1]);
	snprintf(nw, sizeof(nw), "%s%s", b[0], b[2]);
	yoi_history h = judge(old, nw);
	cr_assert_not(h.ok);
	cr_assert_eq(h.missing_line, 8, "%d", h.missing_line);
	yoi_history_free(&h);
}

Test(history, reordering_old_blocks_is_not_kept)
{
	char b[2][256], old[1024], nw[1024];
	block(b[0], 256, "create", 1, "made");
	block(b[1], 256, "comment", 2, "said");
	snprintf(old, sizeof(old), "%s%s", b[0], b[1]);
	snprintf(nw, sizeof(nw), "%s%s", b[1], b[0]);
	yoi_history h = judge(old, nw);
	cr_assert_not(h.ok);
	yoi_history_free(&h);
}

Test(history, a_removed_block_or_preamble_change_is_not_kept)
{
	char b[2][256], old[1024], nw[1024];
	block(b[0], 256, "create", 1, "made");
	block(b[1], 256, "comment", 2, "said");
	snprintf(old, sizeof(old), "%s%s", b[0], b[1]);
	yoi_history h = judge(old, b[0]);
	cr_assert_not(h.ok);
	cr_assert_eq(h.missing_line, 8);
	yoi_history_free(&h);
	snprintf(nw, sizeof(nw), "junk\n%s%s", b[0], b[1]);
	h = judge(old, nw);
	cr_assert_not(h.ok);
	cr_assert_eq(h.missing_line, 1);
	yoi_history_free(&h);
}

/* Two identical blocks in old need two in new. */
Test(history, duplicates_count)
{
	char b[2][256], old[1024], nw[1024];
	block(b[0], 256, "create", 1, "made");
	block(b[1], 256, "comment", 2, "same");
	snprintf(old, sizeof(old), "%s%s%s", b[0], b[1], b[1]);
	snprintf(nw, sizeof(nw), "%s%s", b[0], b[1]);
	yoi_history h = judge(old, nw);
	cr_assert_not(h.ok);
	yoi_history_free(&h);
}

/*
 * Property, fixed seeds: a base, two sides that each append random
 * blocks, any interleaving of the two tails (as a merge writes them):
 * the result is a successor of the base and of both sides, and exactly
 * the other side's blocks count as added.
 */
Test(history, any_interleaving_is_a_successor_of_both_sides)
{
	for (unsigned seed = 1; seed <= 200; seed++) {
		srand(seed);
		char base[8192] = "", ours[16384], theirs[16384];
		char merged[32768], blk[256];
		int sec = 1;
		int nb = rand() % 4;
		for (int i = 0; i < nb; i++)
			strcat(base,
			       block(blk, sizeof(blk), i ? "comment" : "create",
				     sec++, "base"));
		int na = rand() % 5, nt = rand() % 5;
		char ablk[5][256], tblk[5][256];
		for (int i = 0; i < na; i++)
			block(ablk[i], 256, "comment", 10 + rand() % 40,
			      "ours");
		for (int i = 0; i < nt; i++)
			block(tblk[i], 256, "comment", 10 + rand() % 40,
			      "theirs");
		strcpy(ours, base);
		for (int i = 0; i < na; i++)
			strcat(ours, ablk[i]);
		strcpy(theirs, base);
		for (int i = 0; i < nt; i++)
			strcat(theirs, tblk[i]);
		strcpy(merged, base);
		int i = 0, k = 0;
		while (i < na || k < nt) {
			bool take_a = k == nt || (i < na && rand() % 2);
			strcat(merged, take_a ? ablk[i++] : tblk[k++]);
		}
		yoi_history h = judge(base, merged);
		cr_assert(h.ok, "seed %u: not a successor of the base", seed);
		yoi_history_free(&h);
		h = judge(ours, merged);
		cr_assert(h.ok, "seed %u: not a successor of ours", seed);
		size_t added = 0;
		for (size_t x = 0; x < h.n; x++)
			added += h.added[x];
		cr_assert_eq(added, (size_t)nt, "seed %u", seed);
		yoi_history_free(&h);
		h = judge(theirs, merged);
		cr_assert(h.ok, "seed %u: not a successor of theirs", seed);
		yoi_history_free(&h);
		/* Dropping any one block breaks it. */
		if (na) {
			h = judge(ours, base);
			cr_assert_not(h.ok, "seed %u", seed);
			yoi_history_free(&h);
		}
	}
}

static size_t chain(const char *text, yoi_chain_break *br, size_t max,
		    bool *gap)
{
	yoi_thread *th = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	cr_assert_eq(yoi_thread_parse(&th, text, strlen(text), "t", &d), 0);
	size_t n = yoi_history_chain(th, br, max, gap);
	yoi_thread_free(th);
	yoi_diag_free(&d);
	return n;
}

#define SC(sec, from, to, extra)                                               \
	"<!-- event: state_changed author: t at: 2026-01-01T00:00:" sec        \
	"Z from: " from " to: " to " reason: r" extra                          \
	" -->\n\n## State changed\n\nr\n\n---\n"
#define MADE                                                                   \
	"<!-- event: create author: t at: 2026-01-01T00:00:00Z -->\n\n"        \
	"## Created\n\nm\n\n---\n"
#define CLOSED(sec)                                                            \
	"<!-- event: close author: t at: 2026-01-01T00:00:" sec                \
	"Z status: closed -->\n\n## Closed\n\nc\n\n---\n"

Test(history, a_whole_chain_has_no_break)
{
	yoi_chain_break br[4];
	bool gap = true;
	cr_assert_eq(chain(MADE SC("01", "planning", "ready", "")
			       SC("02", "ready", "queued", "") CLOSED("03")
				   SC("03", "queued", "closed", "")
				       SC("04", "closed", "planning", ""),
			   br, 4, &gap),
		     0);
	cr_assert_not(gap);
}

Test(history, an_older_tool_s_gaps_are_not_breaks)
{
	yoi_chain_break br[4];
	bool gap = false;
	/* Created in ready without a transition. */
	cr_assert_eq(chain(MADE SC("01", "ready", "queued", ""), br, 4, &gap),
		     0);
	cr_assert(gap);
	/* Closed with a close event only, then reopened. */
	cr_assert_eq(chain(MADE CLOSED("01") SC("02", "closed", "planning", ""),
			   br, 4, &gap),
		     0);
	cr_assert_not(gap);
}

Test(history, two_histories_merged_break_and_a_forced_move_settles)
{
	yoi_chain_break br[4];
	const char *merged = MADE SC("01", "planning", "ready", "")
	    SC("02", "ready", "queued", "") SC("03", "ready", "planning", "");
	/* from and reached are borrowed from the thread: keep it alive. */
	yoi_thread *th = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	cr_assert_eq(yoi_thread_parse(&th, merged, strlen(merged), "t", &d), 0);
	cr_assert_eq(yoi_history_chain(th, br, 4, NULL), 1);
	cr_assert_str_eq(br[0].from, "ready");
	cr_assert_str_eq(br[0].reached, "queued");
	yoi_thread_free(th);
	yoi_diag_free(&d);
	cr_assert_eq(chain(merged, br, 4, NULL), 1);
	cr_assert_eq(br[0].at, 3);
	cr_assert_eq(br[0].setter, 2);
	cr_assert_not(br[0].settled);
	char *settled = malloc(strlen(merged) + 512);
	sprintf(settled, "%s%s", merged,
		SC("04", "planning", "ready", " forced: true"));
	cr_assert_eq(chain(settled, br, 4, NULL), 1);
	cr_assert(br[0].settled);
	free(settled);
}
