/* resource.c - embedded resources and per-language texts. */
#include "yoi/resource.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const yoi_resource *yoi_resource_get(const char *path)
{
	for (size_t i = 0; i < yoi_resources_count; i++)
		if (strcmp(yoi_resources[i].path, path) == 0)
			return &yoi_resources[i];
	return NULL;
}

/* Parse a flat mapping of string -> string into t (appending). */
static int texts_parse(yoi_texts *t, const yoi_resource *r)
{
	yaml_parser_t p;
	yaml_event_t ev;
	if (!yaml_parser_initialize(&p))
		return YOI_ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)r->data,
				     r->len);
	int rc = 0, depth = 0;
	char *key = NULL;
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = YOI_ECORRUPT;
			break;
		}
		yaml_event_type_t type = ev.type;
		if (type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (type == YAML_SCALAR_EVENT && depth == 1) {
			char *s =
			    yoi_strndup((const char *)ev.data.scalar.value,
					ev.data.scalar.length);
			if (!s) {
				rc = YOI_ENOMEM;
			} else if (!key) {
				key = s;
			} else {
				char **k =
				    realloc(t->keys, (t->n + 1) * sizeof(*k));
				if (k)
					t->keys = k;
				char **v =
				    realloc(t->values, (t->n + 1) * sizeof(*v));
				if (v)
					t->values = v;
				if (!k || !v) {
					free(s);
					rc = YOI_ENOMEM;
				} else {
					t->keys[t->n] = key;
					t->values[t->n++] = s;
					key = NULL;
				}
			}
		}
		yaml_event_delete(&ev);
		if (rc || type == YAML_STREAM_END_EVENT)
			break;
	}
	free(key);
	yaml_parser_delete(&p);
	return rc;
}

int yoi_texts_load(yoi_texts *t, yoi_lang lang)
{
	memset(t, 0, sizeof(*t));
	/* Language first, English after it as the fallback. */
	const char *files[2] = {lang == YOI_LANG_JA ? "text/ja.yaml" : NULL,
				"text/en.yaml"};
	for (size_t i = 0; i < 2; i++) {
		if (!files[i])
			continue;
		const yoi_resource *r = yoi_resource_get(files[i]);
		if (!r)
			continue;
		int rc = texts_parse(t, r);
		if (rc < 0) {
			yoi_texts_free(t);
			return rc;
		}
	}
	return 0;
}

const char *yoi_texts_get(const yoi_texts *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->keys[i], key) == 0)
			return t->values[i];
	return key;
}

void yoi_texts_free(yoi_texts *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->keys[i]);
		free(t->values[i]);
	}
	free(t->keys);
	free(t->values);
	memset(t, 0, sizeof(*t));
}
