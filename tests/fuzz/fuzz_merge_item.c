/*
 * fuzz_merge_item.c - yoi_merge_item. The input is base, ours and theirs,
 * split on "--8<--" lines; the replayed thread state handed in is picked
 * by the input's length (none, or one of the states).
 *
 * Properties (abort on violation): clean or a conflict with a one-line
 * reason; a clean merge with no state handed in and a trivial case gives
 * the documented side's bytes; a clean non-trivial merge parses as an
 * item, and when a state was handed in and the merged item has a state
 * field, it is that state; a field both sides hold with the same value
 * has that value in the merge.
 */
#include <stdint.h>

#include "../merge_tri.h"
#include "fuzz.h"
#include "yoi/item.h"
#include "yoi/merge.h"

static const char *const states[] = {NULL, "ready", "inprogress", "closed"};

static void same_kept(const fuzz_part p[3], const yoi_item *m)
{
	yoi_item *a = NULL, *b = NULL;
	yoi_error err;
	if (yoi_item_parse(&a, p[1].ptr, p[1].len, NULL, &err) == 0 &&
	    yoi_item_parse(&b, p[2].ptr, p[2].len, NULL, &err) == 0) {
		for (size_t i = 0; i < a->nfields; i++) {
			const yoi_field *x = &a->fields[i];
			const char *vb = yoi_item_get(b, x->key);
			if (x->type != YOI_FIELD_SCALAR || !vb ||
			    strcmp(vb, x->value) != 0 ||
			    strcmp(x->key, "state") == 0)
				continue;
			const char *vm = yoi_item_get(m, x->key);
			FUZZ_CHECK(vm && strcmp(vm, x->value) == 0,
				   "'%s' is '%s' on both sides, merged '%s'",
				   x->key, x->value, vm ? vm : "(none)");
		}
	}
	yoi_item_free(a);
	yoi_item_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_part p[3];
	fuzz_split(data, size, p, 3);
	const char *state = states[size % 4];
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	yoi_merge_side s[3];
	for (int i = 0; i < 3; i++)
		s[i] = (yoi_merge_side){p[i].ptr, p[i].len};
	int rc = m_item(&out, s[0], s[1], s[2], state, &why);
	FUZZ_CHECK(rc == 0 || rc == MERGE_CONFLICT, "merge returned %d", rc);
	const fuzz_part *t = fuzz_trivial(p);
	if (rc == MERGE_CONFLICT) {
		FUZZ_CHECK_WHY(&why);
	} else if (t && !state) {
		FUZZ_CHECK(
		    out.len == t->len &&
			(!t->len || memcmp(out.ptr, t->ptr, t->len) == 0),
		    "a trivial merge did not give the side's bytes");
	} else if (!t) {
		yoi_item *m = NULL;
		yoi_error err;
		FUZZ_CHECK(yoi_item_parse(&m, out.ptr, out.len, NULL, &err) ==
			       0,
			   "the merged item does not parse: %s\n---\n%s",
			   err.msg, out.ptr);
		const yoi_field *f = yoi_item_field(m, "state");
		if (state && f)
			FUZZ_CHECK(f->type == YOI_FIELD_SCALAR &&
				       strcmp(f->value, state) == 0,
				   "merged state is not the thread's '%s'",
				   state);
		same_kept(p, m);
		yoi_item_free(m);
	}
	yoi_buf_free(&out);
	yoi_buf_free(&why);
	return 0;
}
