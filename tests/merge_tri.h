/*
 * merge_tri.h - the merges of merge.h as one tri-state result for test
 * assertions: 0 clean, MERGE_CONFLICT, or a negative YOI_E* code. (The
 * library reports a conflict through a bool, never through the return
 * code.)
 */
#ifndef YOI_TEST_MERGE_TRI_H
#define YOI_TEST_MERGE_TRI_H

#include <stdbool.h>

#include "yoi/merge.h"

#define MERGE_CONFLICT 1

static inline int merge_tri(int rc, bool conflict)
{
	return rc < 0 ? rc : conflict ? MERGE_CONFLICT : 0;
}

static inline int m_thread(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			   yoi_merge_side b, yoi_buf *why)
{
	bool c = false;
	int rc = yoi_merge_thread(out, o, a, b, &c, why);
	return merge_tri(rc, c);
}

static inline int m_plan(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			 yoi_merge_side b, yoi_buf *why)
{
	bool c = false;
	int rc = yoi_merge_plan(out, o, a, b, &c, why);
	return merge_tri(rc, c);
}

static inline int m_relations(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			      yoi_merge_side b, const char *owner, yoi_buf *why)
{
	bool c = false;
	int rc = yoi_merge_relations(out, o, a, b, owner, &c, why);
	return merge_tri(rc, c);
}

static inline int m_item(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			 yoi_merge_side b, const char *state, yoi_buf *why)
{
	bool c = false;
	int rc = yoi_merge_item(out, o, a, b, state, &c, why);
	return merge_tri(rc, c);
}

static inline int m_text(yoi_buf *out, yoi_merge_side o, yoi_merge_side a,
			 yoi_merge_side b, const char *const labels[3])
{
	bool c = false;
	int rc = yoi_merge_text(out, o, a, b, labels, &c);
	return merge_tri(rc, c);
}

#endif
