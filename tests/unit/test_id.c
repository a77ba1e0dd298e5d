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

/* ---- clone-unique IDs (SPEC 2; docs/format.md 2) ---- */

Test(id, make_spends_the_bits_as_documented)
{
	char id[YOI_ID_LEN + 1];
	/* Flag (bit 62), then 42 bits of ms, then 20 random bits. */
	cr_assert_eq(yoi_id_make(id, 0, 0), 0);
	cr_assert_str_eq(id, "4000000000000");
	cr_assert_eq(yoi_id_make(id, 0, 0xFFFFF), 0);
	cr_assert_str_eq(id, "400000000ZZZZ");
	/* Only the low 20 bits of the random word are used. */
	cr_assert_eq(yoi_id_make(id, 0, 0xFFF00001), 0);
	cr_assert_str_eq(id, "4000000000001");
	cr_assert_eq(yoi_id_make(id, YOI_ID_TIME_MAX, YOI_ID_RANDOM_MAX), 0);
	cr_assert_str_eq(id, "7ZZZZZZZZZZZZ");
	int64_t v;
	cr_assert_eq(yoi_id_decode(id, &v), 0);
	cr_assert_eq(v, INT64_MAX);
	/* The SPEC 2 instant: its digits followed by four random ones. */
	cr_assert_eq(yoi_id_make(id, SPEC_MS, 0x12345), 0);
	cr_assert(yoi_id_valid(id), "%s", id);
	cr_assert_eq(yoi_id_decode(id, &v), 0);
	cr_assert_eq(v, (INT64_C(1) << 62) | (SPEC_MS << 20) | 0x12345);
	int64_t ms = -1;
	cr_assert_eq(yoi_id_time(id, &ms), 0);
	cr_assert_eq(ms, SPEC_MS);
}

Test(id, make_refuses_times_it_cannot_hold)
{
	char id[YOI_ID_LEN + 1] = "garbage";
	cr_assert_eq(yoi_id_make(id, -1, 0), YOI_EUSAGE);
	cr_assert_str_eq(id, "");
	cr_assert_eq(yoi_id_make(id, YOI_ID_TIME_MAX + 1, 0), YOI_EUSAGE);
	cr_assert_eq(yoi_id_make(id, INT64_MAX, 0), YOI_EUSAGE);
	/* 2109-05-15T07:35:11.103Z is the last millisecond. */
	int64_t s;
	cr_assert_eq(yoi_time_parse("2109-05-15T07:35:11Z", &s), 0);
	cr_assert_eq(yoi_id_make(id, s * 1000 + 103, 0), 0);
	cr_assert_eq(yoi_id_make(id, s * 1000 + 104, 0), YOI_EUSAGE);
}

Test(id, time_of_legacy_and_new_ids)
{
	int64_t ms = -1;
	/* Every ID written before stays valid and keeps its time. */
	cr_assert_eq(yoi_id_time("00001KSNFEVG8", &ms), 0);
	cr_assert_eq(ms, SPEC_MS);
	cr_assert_eq(yoi_id_time("0000000000000", &ms), 0);
	cr_assert_eq(ms, 0);
	cr_assert_eq(yoi_id_time("3ZZZZZZZZZZZZ", &ms), 0);
	cr_assert_eq(ms, (INT64_C(1) << 62) - 1);
	cr_assert_not(yoi_id_random_layout("00001KSNFEVG8"));
	cr_assert_not(yoi_id_random_layout("3ZZZZZZZZZZZZ"));
	cr_assert(yoi_id_random_layout("4000000000000"));
	cr_assert(yoi_id_random_layout("7ZZZZZZZZZZZZ"));
	cr_assert_eq(yoi_id_time("7ZZZZZZZZZZZZ", &ms), 0);
	cr_assert_eq(ms, YOI_ID_TIME_MAX);
	cr_assert_eq(yoi_id_time("8000000000000", &ms), YOI_EUSAGE);
	cr_assert_eq(yoi_id_time("00001KSNFEVG", &ms), YOI_EUSAGE);
	cr_assert_eq(yoi_id_time(NULL, &ms), YOI_EUSAGE);
	/* Random round trips: time comes back whatever the random bits. */
	uint64_t x = 0x2545F4914F6CDD1Du;
	for (int i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = (int64_t)(x % ((uint64_t)YOI_ID_TIME_MAX + 1));
		char id[YOI_ID_LEN + 1];
		cr_assert_eq(yoi_id_make(id, t, (uint32_t)(x >> 32)), 0);
		cr_assert(yoi_id_valid(id) && yoi_id_random_layout(id), "%s",
			  id);
		cr_assert_eq(yoi_id_time(id, &ms), 0);
		cr_assert_eq(ms, t, "%s", id);
	}
}

Test(id, new_ids_sort_after_legacy_ones_and_by_time)
{
	char old[YOI_ID_LEN + 1], a[YOI_ID_LEN + 1], b[YOI_ID_LEN + 1];
	/* A legacy ID of any time a clock can show (up to 2109) sorts
	 * before a new ID of any time, even an earlier one. */
	yoi_id_encode(YOI_ID_TIME_MAX, old);
	cr_assert_eq(yoi_id_make(a, 0, 0), 0);
	cr_assert_lt(strcmp(old, a), 0, "%s %s", old, a);
	/* Among new IDs: a later millisecond sorts later, whatever the
	 * random bits. */
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = (int64_t)(x % (uint64_t)YOI_ID_TIME_MAX);
		cr_assert_eq(yoi_id_make(a, t, YOI_ID_RANDOM_MAX), 0);
		cr_assert_eq(yoi_id_make(b, t + 1, 0), 0);
		cr_assert_lt(strcmp(a, b), 0, "%s %s", a, b);
	}
}

Test(id, pick_without_an_id_of_that_millisecond)
{
	char id[YOI_ID_LEN + 1], want[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_make(want, SPEC_MS, 777), 0);
	cr_assert_eq(yoi_id_pick(id, SPEC_MS, 777, NULL), 0);
	cr_assert_str_eq(id, want);
	/* An ID of another millisecond, or a legacy one, is no bound. */
	char other[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_make(other, SPEC_MS - 1, YOI_ID_RANDOM_MAX), 0);
	cr_assert_eq(yoi_id_pick(id, SPEC_MS, 777, other), 0);
	cr_assert_str_eq(id, want);
	cr_assert_eq(yoi_id_pick(id, SPEC_MS, 777, "00001KSNFEVG8"), 0);
	cr_assert_str_eq(id, want);
	cr_assert_eq(yoi_id_pick(id, -5, 777, NULL), YOI_EUSAGE);
}

/*
 * One clone's IDs increase: a pick in a millisecond that already has IDs
 * lands above the largest of them, on a random place, so two clones
 * that both saw that ID still rarely agree.
 */
Test(id, pick_lands_above_the_last_id_of_the_millisecond)
{
	char last[YOI_ID_LEN + 1], id[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_make(last, SPEC_MS, 1000), 0);
	/* Random bits above last's: taken as they are. */
	cr_assert_eq(yoi_id_pick(id, SPEC_MS, 5000, last), 0);
	char want[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_id_make(want, SPEC_MS, 5000), 0);
	cr_assert_str_eq(id, want);
	/* Below or equal: somewhere in (last, max], never at or under. */
	bool seen_far = false;
	for (uint32_t r = 0; r < 5000; r += 7) {
		cr_assert_eq(yoi_id_pick(id, SPEC_MS, r * 2654435761u, last),
			     0);
		cr_assert_gt(strcmp(id, last), 0, "%s %s", id, last);
		int64_t ms;
		cr_assert_eq(yoi_id_time(id, &ms), 0);
		cr_assert_eq(ms, SPEC_MS, "%s", id);
		int64_t v, lv;
		yoi_id_decode(id, &v);
		yoi_id_decode(last, &lv);
		if (v - lv > 1000)
			seen_far = true;
	}
	cr_assert(seen_far, "the pick above last is not spread out");
	/* The next after max-1 is max; after max the millisecond is full. */
	cr_assert_eq(yoi_id_make(last, SPEC_MS, YOI_ID_RANDOM_MAX - 1), 0);
	cr_assert_eq(yoi_id_pick(id, SPEC_MS, 0, last), 0);
	cr_assert_eq(yoi_id_make(want, SPEC_MS, YOI_ID_RANDOM_MAX), 0);
	cr_assert_str_eq(id, want);
	cr_assert_eq(yoi_id_pick(id, SPEC_MS, 0, want), YOI_EREFUSED);
	cr_assert_str_eq(id, "");
}

Test(id, abbrev_lens_are_the_shortest_unique_suffixes)
{
	const char *ids[] = {"5M86CH3M06820", "5M86CH3M0BWF6", "5M86CH3M1BWF6",
			     "00001KW55B33B", "00001KW55B33C"};
	size_t lens[5];
	cr_assert_eq(yoi_id_abbrev_lens(ids, 5, 0, lens), 0);
	cr_assert_eq(lens[0], 4, "6820 is unique: the minimum");
	cr_assert_eq(lens[1], 5, "0BWF6 vs 1BWF6: five characters");
	cr_assert_eq(lens[2], 5);
	cr_assert_eq(lens[3], 4);
	cr_assert_eq(lens[4], 4);
	cr_assert_eq(yoi_id_abbrev_lens(ids, 5, 7, lens), 0);
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(lens[i], 7, "at least the minimum asked");
	cr_assert_eq(yoi_id_abbrev_lens(ids, 5, 99, lens), 0);
	cr_assert_eq(lens[0], YOI_ID_LEN);
	const char *dup[] = {"5M86CH3M06820", "5M86CH3M06820"};
	cr_assert_eq(yoi_id_abbrev_lens(dup, 2, 0, lens), 0);
	cr_assert_eq(lens[0], YOI_ID_LEN);
	/* Property (fixed seed): each suffix is unique and one shorter is
	 * not (unless at the minimum). */
	uint64_t x = 5;
	char pool[200][YOI_ID_LEN + 1];
	const char *pp[200];
	size_t pl[200];
	for (size_t i = 0; i < 200; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		yoi_id_encode((int64_t)((x >> 24) % 4096) + 1000000, pool[i]);
		pp[i] = pool[i];
	}
	cr_assert_eq(yoi_id_abbrev_lens(pp, 200, 0, pl), 0);
	for (size_t i = 0; i < 200; i++) {
		size_t same = 0, shorter = 0;
		for (size_t k = 0; k < 200; k++) {
			same += strcmp(pp[k] + YOI_ID_LEN - pl[i],
				       pp[i] + YOI_ID_LEN - pl[i]) == 0 &&
				strcmp(pp[k], pp[i]) != 0;
			shorter += strcmp(pp[k] + YOI_ID_LEN - pl[i] + 1,
					  pp[i] + YOI_ID_LEN - pl[i] + 1) == 0 &&
				   strcmp(pp[k], pp[i]) != 0;
		}
		bool dupe = false;
		for (size_t k = 0; k < 200; k++)
			dupe |= k != i && strcmp(pp[k], pp[i]) == 0;
		if (dupe)
			continue;
		cr_assert_eq(same, 0, "%s/%zu not unique", pp[i], pl[i]);
		cr_assert(pl[i] == 4 || shorter > 0, "%s/%zu not shortest",
			  pp[i], pl[i]);
	}
}
