/*
 * Unit tests of yoi_export_fields_json (export.h): the frontmatter fields
 * of an item as a JSON object, the one view shared by `export` and the
 * CLI's `show --json` / `edit --fields --json`.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/export.h"
#include "yoi/item.h"

static const char ITEM[] = "---\n"
			   "title: 'Parse'\n"
			   "state: 'closed'\n"
			   "# a comment kept\n"
			   "zeta: [a, b]\n"
			   "alpha: null\n"
			   "map: {k: v}\n"
			   "---\n"
			   "## Background\n";

Test(fields_json, every_field_type_in_file_order)
{
	yoi_item *it = NULL;
	yoi_error err = {0};
	cr_assert_eq(yoi_item_parse(&it, ITEM, strlen(ITEM), "item.md", &err),
		     0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_export_fields_json(&b, it), 0);
	cr_assert_str_eq(b.ptr, "{\"title\":\"Parse\",\"state\":\"closed\","
				"\"zeta\":[\"a\",\"b\"],\"alpha\":null,"
				"\"map\":\"map: {k: v}\\n\"}");
	yoi_buf_free(&b);
	yoi_item_free(it);
}

Test(fields_json, no_fields_is_an_empty_object)
{
	yoi_item *it = NULL;
	yoi_error err = {0};
	static const char bare[] = "---\n---\n";
	cr_assert_eq(yoi_item_parse(&it, bare, strlen(bare), "item.md", &err),
		     0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_export_fields_json(&b, it), 0);
	cr_assert_str_eq(b.ptr, "{}");
	yoi_buf_free(&b);
	yoi_item_free(it);
}
