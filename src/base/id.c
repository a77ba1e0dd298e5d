/* id.c - ticket IDs: Unix milliseconds in Crockford base32 (SPEC 2). */
#include "yoi/id.h"

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

void yoi_id_encode(int64_t ms, char out[YOI_ID_LEN + 1])
{
	uint64_t v = ms > 0 ? (uint64_t)ms : 0;
	for (int i = YOI_ID_LEN - 1; i >= 0; i--) {
		out[i] = alphabet[v & 31];
		v >>= 5;
	}
	out[YOI_ID_LEN] = '\0';
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

int yoi_id_decode(const char *id, int64_t *ms)
{
	if (!yoi_id_valid(id))
		return YOI_EUSAGE;
	uint64_t v = 0;
	for (size_t i = 0; i < YOI_ID_LEN; i++)
		v = (v << 5) | (uint64_t)digit_value(id[i]);
	if (ms)
		*ms = (int64_t)v;
	return 0;
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
