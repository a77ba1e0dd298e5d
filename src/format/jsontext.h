/*
 * jsontext.h - the writer the JSON ticket files share (relations.json,
 * orchestration-plan.jsonl's lines): private to the format layer.
 *
 * Ownership: root is borrowed; out is the caller's (appended to).
 */
#ifndef YOI_FORMAT_JSONTEXT_H
#define YOI_FORMAT_JSONTEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "yoi/common.h"

/*
 * Append root as json_dumps writes it with flags, each line break as
 * "\r\n" when crlf (else "\n"), and one after the last line (jansson
 * escapes breaks inside strings, so every '\n' of the text is a line's
 * end). *size gets the bytes this appends, or would append. Returns 0, 1
 * when *size is over limit (nothing appended: the caller says why), or
 * YOI_ENOMEM.
 */
int yoi_json_append(yoi_buf *out, const json_t *root, size_t flags, bool crlf,
		    size_t limit, size_t *size);

#endif
