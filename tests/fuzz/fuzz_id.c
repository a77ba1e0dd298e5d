/*
 * fuzz_id.c - ticket IDs on buffers: yoi_id_validn, yoi_id_valid,
 * yoi_id_decode, yoi_id_normalize, yoi_id_has_suffix, yoi_id_encode,
 * yoi_id_make, yoi_id_time, yoi_id_pick.
 *
 * Properties (abort on violation): validn on the buffer agrees with valid
 * on its NUL-terminated copy; a valid ID decodes and encodes back to
 * itself; encode gives a valid ID that decodes to the same value;
 * normalize either fails with "" or gives 1..13 characters of the
 * canonical alphabet, is idempotent, and a 13-character result of a valid
 * ID is that ID; a normalized suffix of an ID (when it normalizes to
 * itself) is found by has_suffix and is empty-safe; a valid ID has a
 * time, and a clone-unique one is yoi_id_make of that time and its low
 * bits; a pick after a clone-unique ID of its millisecond lands above it
 * in the same millisecond (or refuses: the millisecond is full).
 */
#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"
#include "yoi/common.h"
#include "yoi/id.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup((const char *)data, size);
	bool has_nul = strlen(s) != size;
	bool v = yoi_id_validn((const char *)data, size);
	if (!has_nul)
		FUZZ_CHECK(v == yoi_id_valid(s), "validn and valid disagree");
	int64_t ms = -1;
	int rc = yoi_id_decode(s, &ms);
	FUZZ_CHECK((rc == 0) == yoi_id_valid(s), "decode and valid disagree");
	char id[YOI_ID_LEN + 1];
	if (rc == 0) {
		FUZZ_CHECK(ms >= 0, "decoded a negative time");
		yoi_id_encode(ms, id);
		FUZZ_CHECK(strcmp(id, s) == 0, "'%s' re-encodes as '%s'", s,
			   id);
	}

	if (rc == 0) {
		int64_t t = -1;
		FUZZ_CHECK(yoi_id_time(s, &t) == 0 && t >= 0,
			   "'%s' has no time", s);
		if (yoi_id_random_layout(s)) {
			FUZZ_CHECK(yoi_id_make(id, t, (uint32_t)ms) == 0 &&
				       strcmp(id, s) == 0,
				   "'%s' is not make(%lld) ('%s')", s,
				   (long long)t, id);
			uint32_t r = size >= 4
					 ? (uint32_t)data[0] << 24 |
					       (uint32_t)data[1] << 16 |
					       (uint32_t)data[2] << 8 | data[3]
					 : 0;
			int prc = yoi_id_pick(id, t, r, s);
			int64_t pt = -1;
			FUZZ_CHECK((prc == YOI_EREFUSED && id[0] == '\0') ||
				       (prc == 0 && strcmp(id, s) > 0 &&
					yoi_id_time(id, &pt) == 0 && pt == t),
				   "pick after '%s' gave %d '%s'", s, prc, id);
		} else {
			FUZZ_CHECK(t == ms, "legacy '%s' time %lld", s,
				   (long long)t);
		}
	}

	/* Any 8 bytes as a time. */
	if (size >= 8) {
		int64_t t;
		memcpy(&t, data, 8);
		yoi_id_encode(t, id);
		int64_t back = -1;
		FUZZ_CHECK(yoi_id_valid(id) && yoi_id_decode(id, &back) == 0 &&
			       back == (t < 0 ? 0 : t),
			   "encode(%lld) = '%s' does not decode back",
			   (long long)t, id);
	}

	char norm[YOI_ID_LEN + 1];
	size_t cap = size ? 1 + data[0] % (YOI_ID_LEN + 1) : sizeof(norm);
	rc = yoi_id_normalize(s, norm, cap);
	if (rc != 0) {
		FUZZ_CHECK(rc == YOI_EUSAGE && norm[0] == '\0',
			   "a failed normalize left '%s'", norm);
	} else {
		size_t n = strlen(norm);
		FUZZ_CHECK(n >= 1 && n <= YOI_ID_LEN && n < cap &&
			       strspn(norm, alphabet) == n,
			   "normalize gave '%s'", norm);
		char again[YOI_ID_LEN + 1];
		FUZZ_CHECK(yoi_id_normalize(norm, again, sizeof(again)) == 0 &&
			       strcmp(again, norm) == 0,
			   "normalize is not idempotent on '%s'", norm);
		if (yoi_id_valid(s))
			FUZZ_CHECK(strcmp(norm, s) == 0,
				   "valid ID '%s' normalizes to '%s'", s, norm);
	}

	/* Suffixes of a valid ID are found; garbage does not crash. */
	if (rc == 0 && yoi_id_valid(s)) {
		size_t n = strlen(s);
		for (size_t k = 1; k <= n; k++)
			FUZZ_CHECK(yoi_id_has_suffix(s, s + n - k),
				   "'%s' is not a suffix of '%s'", s + n - k,
				   s);
	}
	(void)yoi_id_has_suffix("00001JNB6FN20", s);
	FUZZ_CHECK(!yoi_id_has_suffix("00001JNB6FN20", ""),
		   "the empty suffix matched");
	free(s);
	return 0;
}
