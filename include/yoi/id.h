/*
 * id.h - ticket IDs (SPEC 2): Unix milliseconds in Crockford base32,
 * alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ, left-padded with '0' to
 * exactly 13 characters. Pure: no I/O.
 */
#ifndef YOI_ID_H
#define YOI_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YOI_ID_LEN 13

/* Encode ms (>= 0; a negative value encodes as 0) into out, NUL-terminated.
 */
void yoi_id_encode(int64_t ms, char out[YOI_ID_LEN + 1]);

/* Decode a valid ID; returns 0, or YOI_EUSAGE if id is not a valid ID. */
int yoi_id_decode(const char *id, int64_t *ms);

/*
 * Exactly 13 characters of the canonical (upper-case) alphabet, and a value
 * that fits in int64 (13 digits carry 65 bits, so the first must be 0-7).
 * yoi_id_validn checks s[0..len) and needs no NUL terminator.
 */
bool yoi_id_valid(const char *id);
bool yoi_id_validn(const char *s, size_t len);

/*
 * Normalise a user-typed ID or suffix: upper-case, I/L -> 1, O -> 0.
 * Returns 0 and writes the normalised text into out (cap bytes incl. NUL),
 * or YOI_EUSAGE when a character is outside the alphabet (after mapping),
 * the input is empty, longer than 13, or does not fit in cap (on failure
 * out is set to "" when cap > 0). A 13-character result is not necessarily
 * a valid ID (it may overflow int64): check with yoi_id_valid.
 */
int yoi_id_normalize(const char *in, char *out, size_t cap);

/*
 * Suffix match for lookup: true when `suffix` (already normalised) is a
 * suffix of `id`. An empty suffix matches nothing; enforcing the minimum
 * suffix length (SPEC 2: 4) is the caller's job.
 */
bool yoi_id_has_suffix(const char *id, const char *suffix);

#endif
