/*
 * fuzz_merge_relations.c - yoi_merge_relations. The input is base, ours
 * and theirs, split on "--8<--" lines; the owner is FUZZ_OWNER (the
 * ticket of the seeds), and once more NULL (taken from the records).
 *
 * Properties (abort on violation): clean or a conflict with a one-line
 * reason; a trivial merge gives the documented side's bytes; a clean
 * non-trivial merge parses without findings, and holds exactly the
 * (kind, target) pairs that both sides kept plus those either side added:
 *   pair in merged  <=>  (in ours and in theirs)
 *                        or (in ours and not in base)
 *                        or (in theirs and not in base)
 * so every pair added on a side and not removed on the other is kept,
 * and nothing removed on a side comes back.
 */
#include <stdbool.h>
#include <stdint.h>

#include "../merge_tri.h"
#include "fuzz.h"
#include "yoi/merge.h"
#include "yoi/relations.h"

#define FUZZ_OWNER "00001JNB6FN20"

static yoi_relations *parse_clean(const char *ptr, size_t len, const char *what)
{
	yoi_relations *r = NULL;
	yoi_error err;
	int rc;
	if (len == 0)
		rc = yoi_relations_new(&r, FUZZ_OWNER);
	else
		rc = yoi_relations_parse(&r, ptr, len, FUZZ_OWNER, NULL, NULL,
					 &err);
	FUZZ_CHECK(rc == 0 && r->nerrors == 0,
		   "%s does not parse cleanly, yet the merge was clean", what);
	return r;
}

static bool has(const yoi_relations *r, yoi_rel_kind k, const char *target)
{
	return yoi_relations_find(r, k, target) != NULL;
}

static void check_pair(const yoi_relations *o, const yoi_relations *a,
		       const yoi_relations *b, const yoi_relations *m,
		       yoi_rel_kind k, const char *target)
{
	bool in_o = has(o, k, target), in_a = has(a, k, target),
	     in_b = has(b, k, target);
	bool want = (in_a && in_b) || (in_a && !in_o) || (in_b && !in_o);
	FUZZ_CHECK(has(m, k, target) == want,
		   "pair (%s, %s): base %d ours %d theirs %d, merged %d",
		   yoi_rel_kind_name(k), target, in_o, in_a, in_b, !want);
}

static void check_sets(const fuzz_part p[3], const yoi_buf *out)
{
	yoi_relations *o = parse_clean(p[0].ptr, p[0].len, "the base");
	yoi_relations *a = parse_clean(p[1].ptr, p[1].len, "ours");
	yoi_relations *b = parse_clean(p[2].ptr, p[2].len, "theirs");
	yoi_relations *m = parse_clean(out->ptr, out->len, "the merge");
	const yoi_relations *all[4] = {o, a, b, m};
	for (int s = 0; s < 4; s++)
		for (size_t i = 0; i < all[s]->n; i++)
			check_pair(o, a, b, m, all[s]->v[i].kind,
				   all[s]->v[i].target);
	yoi_relations_free(o);
	yoi_relations_free(a);
	yoi_relations_free(b);
	yoi_relations_free(m);
}

static void merge(const fuzz_part p[3], const char *owner)
{
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	yoi_merge_side s[3];
	for (int i = 0; i < 3; i++)
		s[i] = (yoi_merge_side){p[i].ptr, p[i].len};
	int rc = m_relations(&out, s[0], s[1], s[2], owner, &why);
	FUZZ_CHECK(rc == 0 || rc == MERGE_CONFLICT, "merge returned %d", rc);
	const fuzz_part *t = fuzz_trivial(p);
	if (rc == MERGE_CONFLICT) {
		FUZZ_CHECK_WHY(&why);
	} else if (t) {
		FUZZ_CHECK(
		    out.len == t->len &&
			(!t->len || memcmp(out.ptr, t->ptr, t->len) == 0),
		    "a trivial merge did not give the side's bytes");
	} else if (owner) {
		check_sets(p, &out);
	}
	yoi_buf_free(&out);
	yoi_buf_free(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_part p[3];
	fuzz_split(data, size, p, 3);
	merge(p, FUZZ_OWNER);
	merge(p, NULL);
	return 0;
}
