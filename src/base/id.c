/* id.c - ticket IDs: creation time (and random bits) in Crockford base32
 * (SPEC 2; the layouts are in id.h). */
#include "yoi/id.h"

#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Each canonical (upper-case) digit's value plus one; 0 for every other
 * byte: one lookup per character (IDs are checked by the ten thousand). */
static const unsigned char digit_plus1[256] = {
    ['0'] = 1,	['1'] = 2,  ['2'] = 3,	['3'] = 4,  ['4'] = 5,	['5'] = 6,
    ['6'] = 7,	['7'] = 8,  ['8'] = 9,	['9'] = 10, ['A'] = 11, ['B'] = 12,
    ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18,
    ['J'] = 19, ['K'] = 20, ['M'] = 21, ['N'] = 22, ['P'] = 23, ['Q'] = 24,
    ['R'] = 25, ['S'] = 26, ['T'] = 27, ['V'] = 28, ['W'] = 29, ['X'] = 30,
    ['Y'] = 31, ['Z'] = 32,
};

static int digit_value(char c)
{
	return (int)digit_plus1[(unsigned char)c] - 1;
}

/* Bit 62: the clone-unique layout. */
#define RANDOM_LAYOUT (UINT64_C(1) << 62)

static void encode_raw(uint64_t v, char out[YOI_ID_LEN + 1])
{
	for (int i = YOI_ID_LEN - 1; i >= 0; i--) {
		out[i] = alphabet[v & 31];
		v >>= 5;
	}
	out[YOI_ID_LEN] = '\0';
}

void yoi_id_encode(int64_t value, char out[YOI_ID_LEN + 1])
{
	encode_raw(value > 0 ? (uint64_t)value : 0, out);
}

/*
 * 13 digits hold 65 bits; int64 holds 63. The leading digit carries bits
 * 60..64, so it must be 0..7 for the value to stay below 2^63.
 */
bool yoi_id_validn(const char *s, size_t len)
{
	if (!s || len != YOI_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (digit_value(s[i]) < 0)
			return false;
	return s[0] <= '7';
}

bool yoi_id_valid(const char *id)
{
	return id && yoi_id_validn(id, strnlen(id, YOI_ID_LEN + 1));
}

int yoi_id_decode(const char *id, int64_t *value)
{
	if (!yoi_id_valid(id))
		return YOI_EUSAGE;
	uint64_t v = 0;
	for (size_t i = 0; i < YOI_ID_LEN; i++)
		v = (v << 5) | (uint64_t)digit_value(id[i]);
	if (value)
		*value = (int64_t)v;
	return 0;
}

int yoi_id_make(char out[YOI_ID_LEN + 1], int64_t ms, uint32_t random)
{
	if (ms < 0 || ms > YOI_ID_TIME_MAX) {
		out[0] = '\0';
		return YOI_EUSAGE;
	}
	encode_raw(RANDOM_LAYOUT | (uint64_t)ms << YOI_ID_RANDOM_BITS |
		       (random & YOI_ID_RANDOM_MAX),
		   out);
	return 0;
}

bool yoi_id_random_layout(const char *id)
{
	int64_t v;
	return yoi_id_decode(id, &v) == 0 && ((uint64_t)v & RANDOM_LAYOUT);
}

int yoi_id_time(const char *id, int64_t *ms)
{
	int64_t v;
	int rc = yoi_id_decode(id, &v);
	if (rc < 0)
		return rc;
	if ((uint64_t)v & RANDOM_LAYOUT)
		v = (int64_t)(((uint64_t)v & ~RANDOM_LAYOUT) >>
			      YOI_ID_RANDOM_BITS);
	if (ms)
		*ms = v;
	return 0;
}

int yoi_id_pick(char out[YOI_ID_LEN + 1], int64_t ms, uint32_t random,
		const char *last)
{
	int rc = yoi_id_make(out, ms, random);
	if (rc < 0 || !last || !yoi_id_valid(last) ||
	    memcmp(out, last, YOI_ID_TIME_DIGITS) != 0 || strcmp(out, last) > 0)
		return rc;
	/* Same millisecond, at or below last: above it, still random. */
	int64_t v;
	yoi_id_decode(last, &v);
	uint32_t lr = (uint32_t)((uint64_t)v & YOI_ID_RANDOM_MAX);
	if (lr == YOI_ID_RANDOM_MAX) {
		out[0] = '\0';
		return YOI_EREFUSED;
	}
	return yoi_id_make(out, ms, lr + 1 + random % (YOI_ID_RANDOM_MAX - lr));
}

int yoi_id_normalize(const char *in, char *out, size_t cap)
{
	if (!in || !out || cap == 0)
		return YOI_EUSAGE;
	size_t len = strnlen(in, YOI_ID_LEN + 1);
	if (len == 0 || len > YOI_ID_LEN || len >= cap) {
		out[0] = '\0';
		return YOI_EUSAGE;
	}
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (digit_value(c) < 0) {
			out[0] = '\0';
			return YOI_EUSAGE;
		}
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}

bool yoi_id_has_suffix(const char *id, const char *suffix)
{
	if (!id || !suffix)
		return false;
	size_t n = strlen(id), k = strlen(suffix);
	return k > 0 && k <= n && memcmp(id + n - k, suffix, k) == 0;
}

typedef struct rev_id {
	char r[YOI_ID_LEN + 1]; /* the ID reversed: suffixes become prefixes */
	size_t i;
} rev_id;

static int cmp_rev(const void *a, const void *b)
{
	return strcmp(((const rev_id *)a)->r, ((const rev_id *)b)->r);
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t k = 0;
	while (a[k] && a[k] == b[k])
		k++;
	return k;
}

int yoi_id_abbrev_lens(const char *const *ids, size_t n, size_t min,
		       size_t *lens)
{
	if (min < 4)
		min = 4;
	if (min > YOI_ID_LEN)
		min = YOI_ID_LEN;
	rev_id *v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return YOI_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t len = strnlen(ids[i], YOI_ID_LEN);
		for (size_t k = 0; k < len; k++)
			v[i].r[k] = ids[i][len - 1 - k];
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), cmp_rev);
	/* The shortest unique prefix of a sorted string is one past the
	 * longest prefix it shares with either neighbour. */
	for (size_t k = 0; k < n; k++) {
		size_t c = 0;
		if (k > 0)
			c = common_prefix(v[k].r, v[k - 1].r);
		if (k + 1 < n) {
			size_t d = common_prefix(v[k].r, v[k + 1].r);
			c = d > c ? d : c;
		}
		size_t want = c + 1 > min ? c + 1 : min;
		lens[v[k].i] = want > YOI_ID_LEN ? YOI_ID_LEN : want;
	}
	free(v);
	return 0;
}
