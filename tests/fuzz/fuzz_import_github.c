/*
 * fuzz_import_github.c - yoi_import_parse_github on arbitrary bytes, with the
 * properties of fuzz_import.h.
 */
#include <stdint.h>

#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import_check(yoi_import_parse_github, "issues.json", data, size);
	return 0;
}
