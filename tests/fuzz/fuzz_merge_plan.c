/*
 * fuzz_merge_plan.c - yoi_merge_plan. The input is base, ours and theirs,
 * split on "--8<--" lines.
 *
 * Properties (abort on violation): clean or a conflict with a one-line
 * reason; a trivial merge gives the documented side's bytes; a clean
 * non-trivial merge starts with the whole base and holds every non-blank
 * line of ours and of theirs as a whole line (compared without its line
 * break), or, for a record whose id the other side used too, as a line
 * that is the same JSON object but for its "id" (the merge renumbers it).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../merge_tri.h"
#include "fuzz.h"
#include "yoi/merge.h"

/* Length of a UTF-8 byte order mark at s, or 0: it is not part of a line. */
static size_t bom(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* True when line[0..n) is a whole line of out (without its break and
 * trailing CRs). */
static bool has_line(const yoi_buf *out, const char *line, size_t n)
{
	const char *s = out->ptr ? out->ptr : "";
	size_t pos = bom(s, out->len);
	while (pos <= out->len) {
		const char *nl = memchr(s + pos, '\n', out->len - pos);
		size_t l = nl ? (size_t)(nl - (s + pos)) : out->len - pos;
		size_t k = l;
		while (k && s[pos + k - 1] == '\r')
			k--;
		if (k == n && memcmp(s + pos, line, n) == 0)
			return true;
		if (!nl)
			break;
		pos += l + 1;
	}
	return false;
}

/*
 * Two sides can append records with the same id; the merge gives the
 * later one the next free id (rewriting that line with jansson). True
 * when some line of out is line[0..n) as JSON but for its "id".
 */
static bool has_renumbered(const yoi_buf *out, const char *line, size_t n)
{
	json_error_t jerr;
	json_t *want = json_loadb(line, n, 0, &jerr);
	if (!json_is_object(want) ||
	    !json_is_string(json_object_get(want, "id"))) {
		json_decref(want);
		return false;
	}
	json_object_del(want, "id");
	bool found = false;
	const char *s = out->ptr ? out->ptr : "";
	for (size_t pos = 0; !found && pos < out->len;) {
		const char *nl = memchr(s + pos, '\n', out->len - pos);
		size_t l = nl ? (size_t)(nl - (s + pos)) : out->len - pos;
		json_t *got = json_loadb(s + pos, l, 0, &jerr);
		if (json_is_object(got) &&
		    json_is_string(json_object_get(got, "id"))) {
			json_object_del(got, "id");
			found = json_equal(got, want);
		}
		json_decref(got);
		pos += l + 1;
	}
	json_decref(want);
	return found;
}

static void lines_kept(const fuzz_part *side, const char *name,
		       const yoi_buf *out)
{
	size_t pos = bom(side->ptr, side->len);
	int lineno = 0;
	while (pos < side->len) {
		const char *s = side->ptr + pos;
		const char *nl = memchr(s, '\n', side->len - pos);
		size_t l = nl ? (size_t)(nl - s) : side->len - pos;
		pos += l + (nl ? 1 : 0);
		lineno++;
		/* Trailing CRs are line-end noise (JSON whitespace): a CRLF
		 * file's last line may lack its LF, and the merge ends it. */
		size_t k = l;
		while (k && s[k - 1] == '\r')
			k--;
		size_t b = 0;
		while (b < k && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
			b++;
		if (b == k) /* blank lines travel with the next line */
			continue;
		FUZZ_CHECK(has_line(out, s, k) || has_renumbered(out, s, k),
			   "%s's line %d is not in the merged plan: %.*s", name,
			   lineno, (int)k, s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_part p[3];
	fuzz_split(data, size, p, 3);
	yoi_buf out = YOI_BUF_INIT, why = YOI_BUF_INIT;
	yoi_merge_side s[3];
	for (int i = 0; i < 3; i++)
		s[i] = (yoi_merge_side){p[i].ptr, p[i].len};
	int rc = m_plan(&out, s[0], s[1], s[2], &why);
	FUZZ_CHECK(rc == 0 || rc == MERGE_CONFLICT, "merge returned %d", rc);
	const fuzz_part *t = fuzz_trivial(p);
	if (rc == MERGE_CONFLICT) {
		FUZZ_CHECK(!t, "a trivial merge conflicted: %s", why.ptr);
		FUZZ_CHECK_WHY(&why);
	} else if (t) {
		FUZZ_CHECK(
		    out.len == t->len &&
			(!t->len || memcmp(out.ptr, t->ptr, t->len) == 0),
		    "a trivial merge did not give the side's bytes");
	} else {
		FUZZ_CHECK(
		    out.len >= p[0].len &&
			(!p[0].len || memcmp(out.ptr, p[0].ptr, p[0].len) == 0),
		    "the merged plan does not start with the base");
		lines_kept(&p[1], "ours", &out);
		lines_kept(&p[2], "theirs", &out);
	}
	yoi_buf_free(&out);
	yoi_buf_free(&why);
	return 0;
}
