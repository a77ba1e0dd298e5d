/* history.c - the merge-aware append-only rule over parsed threads. */
#include "yoi/history.h"

#include <stdlib.h>
#include <string.h>

#include "yoi/common.h"

/* Length of s[0..n) without trailing line breaks and blanks. */
static size_t trimmed(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t'))
		n--;
	return n;
}

static bool block_eq(const char *a, const yoi_event *ea, const char *b,
		     const yoi_event *eb)
{
	size_t la = trimmed(a + ea->start, ea->end - ea->start);
	size_t lb = trimmed(b + eb->start, eb->end - eb->start);
	return la == lb && memcmp(a + ea->start, b + eb->start, la) == 0;
}

static int line_of(const char *buf, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

int yoi_history_check(yoi_history *out, const char *old, size_t old_len,
		      const yoi_thread *old_th, const char *nw, size_t nw_len,
		      const yoi_thread *nw_th)
{
	memset(out, 0, sizeof(*out));
	out->n = nw_th ? nw_th->n : 0;
	if (out->n && !(out->added = calloc(out->n, sizeof(*out->added))))
		return YOI_ENOMEM;
	/* The common case: the old bytes, then appended ones. */
	if (nw_len >= old_len && memcmp(nw, old, old_len) == 0) {
		out->ok = out->appended = true;
		for (size_t i = 0; i < out->n; i++)
			out->added[i] = nw_th->ev[i].start >= old_len;
		return 0;
	}
	size_t on = old_th ? old_th->n : 0;
	/* The preamble (bytes before the first event) stays as it was. */
	size_t op = on ? old_th->ev[0].start : old_len;
	size_t np = out->n ? nw_th->ev[0].start : nw_len;
	if (trimmed(old, op) != trimmed(nw, np) ||
	    memcmp(old, nw, trimmed(old, op)) != 0) {
		size_t k = 0, m = trimmed(old, op) < trimmed(nw, np)
				      ? trimmed(old, op)
				      : trimmed(nw, np);
		while (k < m && old[k] == nw[k])
			k++;
		while (k > 0 && old[k - 1] != '\n')
			k--;
		out->missing_line = line_of(old, k);
		for (size_t i = 0; i < out->n; i++)
			out->added[i] = true;
		return 0;
	}
	/*
	 * Every old block, in order, as a subsequence of the new blocks.
	 * Greedy is exact for subsequence matching: taking the earliest
	 * equal block never rules out a later match.
	 */
	for (size_t i = 0; i < out->n; i++)
		out->added[i] = true;
	size_t j = 0;
	for (size_t i = 0; i < on; i++) {
		while (j < out->n &&
		       !block_eq(old, &old_th->ev[i], nw, &nw_th->ev[j]))
			j++;
		if (j == out->n) {
			out->missing_line = old_th->ev[i].line;
			return 0;
		}
		out->added[j++] = false;
	}
	out->ok = true;
	return 0;
}

void yoi_history_free(yoi_history *h)
{
	if (!h)
		return;
	free(h->added);
	h->added = NULL;
	h->n = 0;
}
