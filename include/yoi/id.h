/*
 * id.h - ticket IDs (SPEC 2): 13 digits of Crockford base32 (alphabet
 * 0123456789ABCDEFGHJKMNPQRSTVWXYZ), most significant first, that carry
 * the creation time. Pure: no I/O.
 *
 * The 13 digits hold 65 bits; an ID's value is kept below 2^63 (the first
 * digit is 0-7). Two layouts, told apart by bit 62:
 *
 *   legacy (bit 62 clear, first digit 0-3): the value is the creation
 *     time in Unix milliseconds (every ID written before IDs carried
 *     random bits; still valid, still read);
 *   clone-unique (bit 62 set, first digit 4-7), what create writes:
 *     bits 64..63  0
 *     bit  62      1
 *     bits 61..20  the creation time in Unix ms (42 bits: up to
 *                  2109-05-15T07:35:11.103Z): the first 9 digits
 *     bits 19..0   20 random bits: the last 4 digits
 *
 * So every clone-unique ID sorts after every legacy ID (of any time up to
 * 2109), and clone-unique IDs sort by their millisecond; two clones that
 * create in the same millisecond pick the same ID with probability 2^-20.
 */
#ifndef YOI_ID_H
#define YOI_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YOI_ID_LEN 13

#define YOI_ID_RANDOM_BITS 20
#define YOI_ID_RANDOM_MAX  ((UINT32_C(1) << YOI_ID_RANDOM_BITS) - 1)
#define YOI_ID_TIME_MAX	   ((INT64_C(1) << 42) - 1)
/* The leading digits that hold the flag and the time of a clone-unique ID:
 * IDs of one millisecond share them. */
#define YOI_ID_TIME_DIGITS 9

/*
 * Encode a raw value (>= 0; a negative value encodes as 0) into out,
 * NUL-terminated. A legacy ID is its time in ms: yoi_id_encode(ms).
 */
void yoi_id_encode(int64_t value, char out[YOI_ID_LEN + 1]);

/*
 * The raw value of a valid ID (the inverse of yoi_id_encode; for a legacy
 * ID its time in ms). 0, or YOI_EUSAGE if id is not a valid ID. For the
 * creation time of any ID use yoi_id_time.
 */
int yoi_id_decode(const char *id, int64_t *value);

/*
 * A clone-unique ID for time ms (0 .. YOI_ID_TIME_MAX) with the low
 * YOI_ID_RANDOM_BITS bits of random. YOI_EUSAGE (out = "") when ms is out
 * of range.
 */
int yoi_id_make(char out[YOI_ID_LEN + 1], int64_t ms, uint32_t random);

/* Whether a valid ID has the clone-unique layout (false: legacy, or not
 * a valid ID). */
bool yoi_id_random_layout(const char *id);

/* The creation time (Unix ms) of a valid ID of either layout; 0, or
 * YOI_EUSAGE if id is not a valid ID. */
int yoi_id_time(const char *id, int64_t *ms);

/*
 * The ID to allocate at ms from 32 fresh random bits, given `last`: the
 * largest ID the store holds of that millisecond (a clone-unique ID whose
 * first YOI_ID_TIME_DIGITS digits are those of ms), or NULL. Another ID
 * as last (another millisecond, legacy, invalid) bounds nothing. Without
 * a bound: yoi_id_make(ms, random). With one, the result lies above it so
 * that one clone's IDs increase: random's low bits when they are above
 * last's, else a place drawn from random in (last, the millisecond's
 * largest] (still random, so that two clones that both saw last rarely
 * agree). YOI_EUSAGE when ms is out of range, YOI_EREFUSED when last is
 * the millisecond's largest ID (the caller tries ms + 1); out = "" then.
 */
int yoi_id_pick(char out[YOI_ID_LEN + 1], int64_t ms, uint32_t random,
		const char *last);

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

/*
 * Short IDs, as git abbreviates hashes: lens[i] gets the length of the
 * shortest suffix of ids[i] that no other of the n IDs ends with, at
 * least min (min is raised to 4, the shortest suffix lookup accepts, and
 * capped at YOI_ID_LEN). Duplicate IDs get YOI_ID_LEN. YOI_ENOMEM.
 */
int yoi_id_abbrev_lens(const char *const *ids, size_t n, size_t min,
		       size_t *lens);

#endif
