/*
 * resource.h - files under resources/prompts/, compiled into the binary at
 * build time (scripts/embed.c generates build/gen/resources.c), and the
 * per-language texts in resources/prompts/text/<lang>.yaml.
 */
#ifndef YOI_RESOURCE_H
#define YOI_RESOURCE_H

#include <stddef.h>

#include "config.h"

typedef struct yoi_resource {
	const char
	    *path; /* relative to resources/prompts, e.g. "role/coder.md" */
	const char *data; /* NUL-terminated */
	size_t len;
} yoi_resource;

extern const yoi_resource yoi_resources[];
extern const size_t yoi_resources_count;

/* Embedded resource by path, or NULL. */
const yoi_resource *yoi_resource_get(const char *path);

/*
 * A short text by key from text/<lang>.yaml ("en" or "ja"), falling back
 * to English, then to the key itself. The returned string is allocated by
 * the caller-owned yoi_texts table.
 */
typedef struct yoi_texts {
	char **keys;
	char **values;
	size_t n;
} yoi_texts;

int yoi_texts_load(yoi_texts *t, yoi_lang lang);
const char *yoi_texts_get(const yoi_texts *t, const char *key);
void yoi_texts_free(yoi_texts *t);

#endif
