/*
 * fuzz_import_backlog.c - yoi_import_parse_backlog on arbitrary bytes, with the
 * properties of fuzz_import.h.
 */
#include <stdint.h>

#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import_check(yoi_import_parse_backlog,
			  "backlog/tasks/task-1 - T.md", data, size);
	return 0;
}
