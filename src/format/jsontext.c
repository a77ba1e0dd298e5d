/* jsontext.c - the JSON ticket files' writer (format/jsontext.h). */
#include "format/jsontext.h"

#include <stdlib.h>
#include <string.h>

int yoi_json_append(yoi_buf *out, const json_t *root, size_t flags, bool crlf,
		    size_t limit, size_t *size)
{
	char *text = json_dumps(root, flags);
	if (!text)
		return YOI_ENOMEM;
	size_t len = strlen(text), lines = 1;
	for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	*size = len + lines * (crlf ? 2 : 1) - (lines - 1);
	int rc = 0;
	if (*size > limit)
		rc = 1;
	else if (yoi_buf_grow(out, *size) < 0)
		rc = YOI_ENOMEM;
	for (const char *p = text; rc == 0; p++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		yoi_buf_put(out, p, n);
		yoi_buf_puts(out, crlf ? "\r\n" : "\n");
		if (!nl)
			break;
		p = nl;
	}
	free(text);
	return rc;
}
