/*
 * fuzz_relations.c - artifacts/relations.json: yoi_relations_parse on
 * arbitrary bytes (owner FUZZ_OWNER, the ticket of the seeds).
 *
 * Properties (abort on violation): what the parser kept renders; that
 * text parses back without findings to the same records in the same order
 * (every field, note NULL or not, CRLF or not); rendering it again gives
 * the same bytes. The kept records have no self relation and no repeated
 * (kind, target) pair.
 */
#include <stdint.h>

#include "fuzz.h"
#include "yoi/diag.h"
#include "yoi/relations.h"

#define FUZZ_OWNER "00001JNB6FN20"

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yoi_relations *r = NULL;
	yoi_diag d = YOI_DIAG_INIT;
	yoi_error err;
	int rc = yoi_relations_parse(&r, (const char *)data, size, FUZZ_OWNER,
				     NULL, &d, &err);
	yoi_diag_free(&d);
	if (rc != 0) {
		FUZZ_CHECK(!r && rc != YOI_ENOMEM, "failed parse: %d", rc);
		return 0;
	}
	for (size_t i = 0; i < r->n; i++) {
		const yoi_relation *x = &r->v[i];
		FUZZ_CHECK(strcmp(x->target, x->ticket_id) != 0,
			   "self relation kept");
		FUZZ_CHECK(yoi_relations_find(r, x->kind, x->target) == x,
			   "pair %s %s kept twice", yoi_rel_kind_name(x->kind),
			   x->target);
	}

	yoi_buf out = YOI_BUF_INIT;
	rc = yoi_relations_render(&out, r, &err);
	FUZZ_CHECK(rc == 0, "kept records do not render: %s", err.msg);
	yoi_relations *back = NULL;
	rc = yoi_relations_parse(&back, out.ptr, out.len, FUZZ_OWNER, NULL, &d,
				 &err);
	FUZZ_CHECK(rc == 0 && d.n == 0 && back->nerrors == 0,
		   "rendered relations do not parse cleanly (%d, %zu "
		   "findings)\n---\n%s",
		   rc, d.n, out.ptr);
	FUZZ_CHECK(back->n == r->n && back->crlf == r->crlf,
		   "%zu records came back as %zu", r->n, back->n);
	for (size_t i = 0; i < r->n; i++) {
		const yoi_relation *x = &r->v[i], *y = &back->v[i];
		FUZZ_CHECK(strcmp(x->ticket_id, y->ticket_id) == 0 &&
			       x->kind == y->kind &&
			       strcmp(x->target, y->target) == 0 &&
			       str_eq(x->note, y->note) &&
			       strcmp(x->author, y->author) == 0 &&
			       strcmp(x->at, y->at) == 0,
			   "record %zu changed by a round trip", i);
	}
	yoi_buf again = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_relations_render(&again, back, &err) == 0,
		   "second render failed");
	FUZZ_CHECK(again.len == out.len &&
		       memcmp(again.ptr, out.ptr, out.len) == 0,
		   "rendering twice gives different bytes");
	yoi_buf_free(&again);
	yoi_buf_free(&out);
	yoi_relations_free(back);
	yoi_diag_free(&d);
	yoi_relations_free(r);
	return 0;
}
