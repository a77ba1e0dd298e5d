/*
 * fuzz_item.c - item.md: yoi_item_parse on arbitrary bytes, and the
 * minimal-diff rewrite round trip.
 *
 * Properties (abort on violation):
 *  - an item that parses renders byte-identical when nothing was set;
 *  - after setting (or removing, or adding) one field, the rendered file
 *    parses again, the field reads back as set, and every other field
 *    keeps its type and decoded value, its order and count;
 *  - the body is untouched by a frontmatter rewrite.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"
#include "yoi/diag.h"
#include "yoi/item.h"

static bool field_same(const yoi_field *x, const yoi_field *y)
{
	if (strcmp(x->key, y->key) != 0 || x->type != y->type)
		return false;
	if (x->type == YOI_FIELD_SCALAR)
		return strcmp(x->value, y->value) == 0;
	if (x->type == YOI_FIELD_LIST) {
		if (x->nlist != y->nlist)
			return false;
		for (size_t i = 0; i < x->nlist; i++)
			if (strcmp(x->list[i], y->list[i]) != 0)
				return false;
	}
	return true;
}

/* The values a field is set to: plain, needing quotes, empty, null. */
static const char *const values[] = {"fuzzed", "it's: # a [value] ~", "", NULL};
static const char *const list[] = {"a", "b c", "it's"};

/*
 * Change field `key` of a freshly parsed copy of buf by `op`, render,
 * re-parse, and compare with the original item `orig`.
 */
static void round_trip(const yoi_item *orig, const char *buf, size_t len,
		       const char *key, unsigned op)
{
	yoi_item *it = NULL;
	yoi_error err;
	FUZZ_CHECK(yoi_item_parse(&it, buf, len, NULL, &err) == 0,
		   "second parse of the same bytes failed");
	int rc;
	unsigned kind = op % 6;
	if (kind < 4)
		rc = yoi_item_set(it, key, values[kind]);
	else if (kind == 4)
		rc = yoi_item_set_list(it, key, list, 3);
	else
		rc = yoi_item_unset(it, key);
	if (rc == YOI_EUSAGE) { /* a key the engine cannot write */
		yoi_item_free(it);
		return;
	}
	FUZZ_CHECK(rc == 0, "set/unset of '%s' failed: %d", key, rc);
	yoi_buf out = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_item_render(it, &out) == 0, "render failed");
	yoi_item *re = NULL;
	rc = yoi_item_parse(&re, out.ptr, out.len, NULL, &err);
	FUZZ_CHECK(rc == 0, "rewritten item does not parse: %s\n---\n%s",
		   err.msg, out.ptr);

	/* The changed field reads back as set. */
	const yoi_field *f = yoi_item_field(re, key);
	if (kind == 5) {
		FUZZ_CHECK(!f, "removed field '%s' is still there", key);
	} else {
		FUZZ_CHECK(f, "set field '%s' is missing after the rewrite",
			   key);
		if (kind == 4) {
			FUZZ_CHECK(f->type == YOI_FIELD_LIST && f->nlist == 3,
				   "list field '%s' reads back wrong", key);
			for (size_t i = 0; i < 3; i++)
				FUZZ_CHECK(strcmp(f->list[i], list[i]) == 0,
					   "list item %zu of '%s' differs", i,
					   key);
		} else if (values[kind]) {
			FUZZ_CHECK(f->type == YOI_FIELD_SCALAR &&
				       strcmp(f->value, values[kind]) == 0,
				   "field '%s' reads back wrong\n---\n%s", key,
				   out.ptr);
		} else {
			FUZZ_CHECK(f->type == YOI_FIELD_NULL,
				   "field '%s' set to null reads back type %d",
				   key, (int)f->type);
		}
	}

	/* Every other field: same order, type and decoded value. */
	size_t j = 0;
	for (size_t i = 0; i < orig->nfields; i++) {
		const yoi_field *x = &orig->fields[i];
		if (strcmp(x->key, key) == 0)
			continue;
		while (j < re->nfields && strcmp(re->fields[j].key, key) == 0)
			j++;
		FUZZ_CHECK(j < re->nfields, "field '%s' lost by the rewrite",
			   x->key);
		FUZZ_CHECK(field_same(x, &re->fields[j]),
			   "field '%s' changed by a rewrite of '%s'\n---\n%s",
			   x->key, key, out.ptr);
		j++;
	}

	/* The body is byte-for-byte the same. */
	size_t bl0, bl1;
	const char *b0 = yoi_item_body(orig, &bl0);
	const char *b1 = yoi_item_body(re, &bl1);
	FUZZ_CHECK(bl0 == bl1 && memcmp(b0, b1, bl0) == 0,
		   "the body changed with a frontmatter rewrite");

	yoi_item_free(re);
	yoi_buf_free(&out);
	yoi_item_free(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	yoi_item *it = NULL;
	yoi_error err;
	if (yoi_item_parse(&it, buf, size, "item.md", &err) != 0)
		return 0;

	yoi_buf out = YOI_BUF_INIT;
	FUZZ_CHECK(yoi_item_render(it, &out) == 0, "render failed");
	FUZZ_CHECK(out.len == size && memcmp(out.ptr, buf, size) == 0,
		   "an unchanged item does not render byte-identical");
	yoi_buf_free(&out);

	yoi_diag d = YOI_DIAG_INIT;
	yoi_item_check(it, "item.md", &d);
	yoi_diag_free(&d);
	size_t blen;
	const char *body = yoi_item_body(it, &blen);
	yoi_section *sec = NULL;
	size_t nsec = 0;
	if (yoi_item_sections(body, blen, &sec, &nsec) == 0)
		yoi_sections_free(sec, nsec);

	/* One existing field (picked by the input) and one new one. */
	unsigned op = size ? (unsigned char)buf[size / 2] : 0;
	if (it->nfields)
		round_trip(it, buf, size, it->fields[op % it->nfields].key,
			   op / 7);
	round_trip(it, buf, size, "fuzz_added", op / 3);
	yoi_item_free(it);
	return 0;
}
