/* id.c - ticket IDs: Unix milliseconds in Crockford base32 (SPEC 2). */
#include "yoi/id.h"

#include <string.h>

#include "yoi/common.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Value of a canonical (upper-case) digit, or -1. */
static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z') {
		const char *p = memchr(alphabet + 10, c, 22);
		return p ? (int)(p - alphabet) : -1;
	}
	return -1;
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
