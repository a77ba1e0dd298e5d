#include <criterion/criterion.h>
#include <string.h>

#include "yoi/common.h"
#include "yoi/id.h"

/* 2026-05-27T19:44:21.000Z, the example of SPEC 2. */
#define SPEC_MS INT64_C(1779911061000)

static int64_t round_trip(int64_t ms)
{
	char id[YOI_ID_LEN + 1];
	yoi_id_encode(ms, id);
	cr_assert_eq(strlen(id), YOI_ID_LEN);
	cr_assert(yoi_id_valid(id), "%s", id);
	int64_t back = -1;
	cr_assert_eq(yoi_id_decode(id, &back), 0, "%s", id);
	return back;
}

Test(id, spec_vector)
{
	int64_t t;
	cr_assert_eq(yoi_time_parse("2026-05-27T19:44:21Z", &t), 0);
	cr_assert_eq(t * 1000, SPEC_MS);
	char id[YOI_ID_LEN + 1];
	yoi_id_encode(SPEC_MS, id);
	cr_assert_str_eq(id, "00001KSNFEVG8");
	int64_t ms;
	cr_assert_eq(yoi_id_decode("00001KSNFEVG8", &ms), 0);
	cr_assert_eq(ms, SPEC_MS);
}

Test(id, small_values_are_zero_padded)
{
	char id[YOI_ID_LEN + 1];
	yoi_id_encode(0, id);
	cr_assert_str_eq(id, "0000000000000");
	yoi_id_encode(1, id);
	cr_assert_str_eq(id, "0000000000001");
	yoi_id_encode(31, id);
	cr_assert_str_eq(id, "000000000000Z");
	yoi_id_encode(32, id);
	cr_assert_str_eq(id, "0000000000010");
	yoi_id_encode(10, id);
	cr_assert_str_eq(id, "000000000000A");
	yoi_id_encode(18, id); /* I is skipped */
	cr_assert_str_eq(id, "000000000000J");
	yoi_id_encode(27, id); /* U is skipped */
	cr_assert_str_eq(id, "000000000000V");
}

Test(id, negative_encodes_as_zero)
{
	char id[YOI_ID_LEN + 1];
	yoi_id_encode(-1, id);
	cr_assert_str_eq(id, "0000000000000");
	yoi_id_encode(INT64_MIN, id);
	cr_assert_str_eq(id, "0000000000000");
}

Test(id, round_trips)
{
	cr_assert_eq(round_trip(0), 0);
	cr_assert_eq(round_trip(1), 1);
	cr_assert_eq(round_trip(SPEC_MS), SPEC_MS);
	cr_assert_eq(round_trip(SPEC_MS + 1), SPEC_MS + 1);
	cr_assert_eq(round_trip(INT64_MAX), INT64_MAX);
	cr_assert_eq(round_trip(INT64_MAX - 1), INT64_MAX - 1);
	/* Every power of two and its neighbours. */
	for (int b = 0; b < 63; b++) {
		int64_t v = INT64_C(1) << b;
		cr_assert_eq(round_trip(v), v);
		cr_assert_eq(round_trip(v - 1), v - 1);
		cr_assert_eq(round_trip(v + 1), v + 1);
	}
	/* A fixed pseudo-random sequence (xorshift64), so failures repeat. */
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (int i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> 1);
		cr_assert_eq(round_trip(v), v, "%lld", (long long)v);
	}
}

Test(id, encoding_preserves_order)
{
	char a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1];
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> 2);
		yoi_id_encode(v, a);
		yoi_id_encode(v + 1, b);
		cr_assert_lt(strcmp(a, b), 0, "%s %s", a, b);
	}
}

Test(id, max_value)
{
	char id[YOI_ID_LEN + 1];
	yoi_id_encode(INT64_MAX, id);
	cr_assert_str_eq(id, "7ZZZZZZZZZZZZ");
	cr_assert(yoi_id_valid("7ZZZZZZZZZZZZ"));
	/* 2^63 and above do not fit in int64. */
	cr_assert_not(yoi_id_valid("8000000000000"));
	cr_assert_not(yoi_id_valid("ZZZZZZZZZZZZZ"));
	int64_t ms = 42;
	cr_assert_eq(yoi_id_decode("8000000000000", &ms), YOI_EUSAGE);
	cr_assert_eq(ms, 42);
}

Test(id, invalid_ids)
{
	const char *bad[] = {
	    "",
	    "..",
	    "a/b",
	    "0000000000/00",
	    "000000000000.",
	    "../0000000000",
	    "000000000000",   /* 12 */
	    "00000000000000", /* 14 */
	    "00001ksnfevg8",  /* lower case is not canonical */
	    "00001KSNFEVg8",
	    "000000000000U", /* not in the alphabet */
	    "000000000000I",
	    "000000000000L",
	    "000000000000O",
	    "00001KSNFEVG ",
	    " 00001KSNFEVG",
	    "00001KSNFEVG\n",
	    "00001KSN-EVG8",
	    "00001KSNFEVG\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_not(yoi_id_valid(bad[i]), "'%s'", bad[i]);
		int64_t ms;
		cr_assert_eq(yoi_id_decode(bad[i], &ms), YOI_EUSAGE, "'%s'",
			     bad[i]);
	}
	cr_assert_not(yoi_id_valid(NULL));
	int64_t ms;
	cr_assert_eq(yoi_id_decode(NULL, &ms), YOI_EUSAGE);
}

Test(id, validn_does_not_need_a_terminator)
{
	const char *s = "00001KSNFEVG8/thread.md";
	cr_assert(yoi_id_validn(s, 13));
	cr_assert_not(yoi_id_validn(s, 12));
	cr_assert_not(yoi_id_validn(s, 14));
	cr_assert_not(yoi_id_validn(NULL, 13));
	char nul[13] = "000000000000";
	nul[12] = '\0';
	cr_assert_not(yoi_id_validn(nul, 13));
}

static void norm_ok(const char *in, const char *want)
{
	char out[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_normalize(in, out, sizeof(out)), 0, "'%s'", in);
	cr_assert_str_eq(out, want, "'%s'", in);
}

static void norm_bad(const char *in)
{
	char out[YOI_ID_LEN + 1] = "garbage";
	cr_assert_eq(yoi_id_normalize(in, out, sizeof(out)), YOI_EUSAGE, "'%s'",
		     in);
	cr_assert_str_eq(out, "", "'%s'", in);
}

Test(id, normalize)
{
	norm_ok("00001KSNFEVG8", "00001KSNFEVG8");
	norm_ok("00001ksnfevg8", "00001KSNFEVG8");
	norm_ok("evg8", "EVG8");
	norm_ok("oOiIlL", "001111");
	norm_ok("z", "Z");
	norm_ok("0ool1ksnfevg8", "00011KSNFEVG8");
}

Test(id, normalize_refuses)
{
	norm_bad("");
	norm_bad("u");
	norm_bad("U");
	norm_bad("EVG/");
	norm_bad("..");
	norm_bad("a/b");
	norm_bad("EV G8");
	norm_bad(" EVG8");
	norm_bad("EVG8\n");
	norm_bad("EVG-8");
	norm_bad("00001KSNFEVG80"); /* 14 */
	norm_bad("00000000000000000000000000000000000000000000");
	norm_bad("\xc3\xa9vg8");
	char out[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_normalize(NULL, out, sizeof(out)), YOI_EUSAGE);
	cr_assert_eq(yoi_id_normalize("EVG8", NULL, 5), YOI_EUSAGE);
	cr_assert_eq(yoi_id_normalize("EVG8", out, 0), YOI_EUSAGE);
}

Test(id, normalize_respects_capacity)
{
	char out[5];
	cr_assert_eq(yoi_id_normalize("evg8", out, 5), 0);
	cr_assert_str_eq(out, "EVG8");
	cr_assert_eq(yoi_id_normalize("fevg8", out, 5), YOI_EUSAGE);
	cr_assert_str_eq(out, "");
}

Test(id, has_suffix)
{
	const char *id = "00001KSNFEVG8";
	cr_assert(yoi_id_has_suffix(id, "EVG8"));
	cr_assert(yoi_id_has_suffix(id, "8"));
	cr_assert(yoi_id_has_suffix(id, id));
	cr_assert_not(yoi_id_has_suffix(id, "EVG"));
	cr_assert_not(yoi_id_has_suffix(id, "evg8")); /* not normalised */
	cr_assert_not(yoi_id_has_suffix(id, "000001KSNFEVG8"));
	cr_assert_not(yoi_id_has_suffix(id, ""));
	cr_assert_not(yoi_id_has_suffix(NULL, "EVG8"));
	cr_assert_not(yoi_id_has_suffix(id, NULL));

	char norm[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_normalize("fevgb", norm, sizeof(norm)), 0);
	cr_assert_not(yoi_id_has_suffix(id, norm));
	cr_assert_eq(yoi_id_normalize("fevg8", norm, sizeof(norm)), 0);
	cr_assert(yoi_id_has_suffix(id, norm));
}
