/*
 * fuzz_merge_thread.c - yoi_merge_thread. The input is base, ours and
 * theirs, split on "--8<--" lines.
 *
 * Properties (abort on violation): the merge is clean or a conflict with
 * a one-line reason; a trivial merge gives the documented side's bytes;
 * a clean non-trivial merge starts with the whole base and keeps every
 * event block of both sides: each block ours or theirs holds (from its
 * marker line to its closing "---" line, as yoi_thread_parse finds it)
 * appears in the output byte for byte.
 */
#include <stdint.h>

#include "../merge_tri.h"
#include "fuzz.h"
#include "yoi/merge.h"
#include "yoi/thread.h"

static void blocks_kept(const fuzz_part *side, const char *name,
			const yoi_buf *out)
{
	yoi_thread *t = NULL;
	FUZZ_CHECK(yoi_thread_parse(&t, side->ptr, side->len, NULL, NULL) == 0,
		   "parse failed");
	for (size_t i = 0; i < t->n; i++) {
		const yoi_event *e = &t->ev[i];
		FUZZ_CHECK(
		    fuzz_contains(out->ptr, out->len, side->ptr + e->start,
				  e->end - e->start),
		    "%s's event block at line %d (%zu bytes) is not in "
		    "the merged thread\n--- block\n%.*s\n--- merged\n%s",
		    name, e->line, e->end - e->start, (int)(e->end - e->start),
		    side->ptr + e->start, out->ptr ? out->ptr : "");
	}
	yoi_thread_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_part p[3];
	fuzz_split(data, size, p, 3);
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	yoi_merge_side s[3];
	for (int i = 0; i < 3; i++)
		s[i] = (yoi_merge_side){p[i].ptr, p[i].len};
	int rc = m_thread(&out, s[0], s[1], s[2], &why);
	FUZZ_CHECK(rc == 0 || rc == MERGE_CONFLICT, "merge returned %d", rc);
	const fuzz_part *t = fuzz_trivial(p);
	if (rc == MERGE_CONFLICT) {
		FUZZ_CHECK(!t, "a trivial merge conflicted: %s", why.ptr);
		FUZZ_CHECK_WHY(&why);
	} else if (t) {
		FUZZ_CHECK(
		    out.len == t->len &&
			(!t->len || memcmp(out.ptr, t->ptr, t->len) == 0),
		    "a trivial merge did not give the side's bytes");
	} else {
		FUZZ_CHECK(
		    out.len >= p[0].len &&
			(!p[0].len || memcmp(out.ptr, p[0].ptr, p[0].len) == 0),
		    "the merged thread does not start with the base");
		blocks_kept(&p[1], "ours", &out);
		blocks_kept(&p[2], "theirs", &out);
	}
	yoi_buf_free(&out);
	yoi_buf_free(&why);
	return 0;
}
