/*
 * fuzz_import_beads.c - the beads reader (yoi_import_parse_beads) on
 * arbitrary bytes, then the set checks.
 *
 * Properties (abort on violation): the reader returns 0 (bad data is a
 * problem, never a failure); every ticket and every problem names the
 * buffer and a line within it; each ticket's state is one of the engine's
 * (or NULL for an issue without id) and its relations have a kind and a
 * target.
 */
#include <stdint.h>

#include "fuzz.h"
#include "yoi/import.h"
#include "yoi/state.h"

#define FUZZ_PATH "issues.jsonl"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yoi_import_set set = {0};
	yoi_error err;
	int lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	int rc = yoi_import_parse_beads(&set, (const char *)data, size,
					FUZZ_PATH, &err);
	FUZZ_CHECK(rc == 0 || rc == YOI_ENOMEM, "parse failed: %d", rc);
	yoi_import_check(&set);
	for (size_t i = 0; i < set.n; i++) {
		const yoi_import_ticket *t = &set.v[i];
		FUZZ_CHECK(t->file && !strcmp(t->file, FUZZ_PATH), "file");
		FUZZ_CHECK(t->line >= 1 && t->line <= lines, "line %d",
			   t->line);
		FUZZ_CHECK(!t->state ||
			       yoi_state_parse(t->state) != YOI_ST_INVALID,
			   "state '%s'", t->state);
		for (size_t j = 0; j < t->nrels; j++)
			FUZZ_CHECK(t->rels[j].kind && t->rels[j].target,
				   "relation without kind or target");
	}
	for (size_t i = 0; i < set.problems.n; i++) {
		const yoi_diag_entry *e = &set.problems.v[i];
		FUZZ_CHECK(e->path && !strcmp(e->path, FUZZ_PATH), "path");
		FUZZ_CHECK(e->line >= 0 && e->line <= lines, "line %d",
			   e->line);
	}
	yoi_import_set_free(&set);
	return 0;
}
