/*
 * fuzz_import.h - the properties the import readers' targets share
 * (fuzz_import_tk.c, fuzz_import_backlog.c, fuzz_import_github.c).
 *
 * After a reader's _parse_ on arbitrary bytes (abort on violation):
 *  - it returns 0: bad data is a problem in the set, never a failure;
 *  - every ticket's state is one of the engine's, its priority P0-P4 or
 *    none, its relations of the engine's kinds with a target, its events
 *    of a kind with a time that is RFC 3339 UTC or none, its kept fields
 *    a JSON object or none, its file the buffer's name;
 *  - every problem names the buffer with a line >= 0;
 *  - yoi_import_check runs on the result, and the set frees.
 */
#ifndef YOI_FUZZ_IMPORT_H
#define YOI_FUZZ_IMPORT_H

#include <jansson.h>

#include "fuzz.h"
#include "yoi/import.h"

static int fuzz_one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

static void fuzz_import_check(int (*parse)(yoi_import_set *, const char *,
					   size_t, const char *, yoi_error *),
			      const char *name, const uint8_t *data,
			      size_t size)
{
	static const char *const states[] = {"planning",   "ready", "queued",
					     "inprogress", "done",  "closed"};
	static const char *const kinds[] = {"depends_on", "blocks", "related",
					    "supersedes", "duplicate_of"};
	static const char *const prios[] = {"P0", "P1", "P2", "P3", "P4"};
	yoi_import_set set = {0};
	yoi_error err;
	int64_t t;

	FUZZ_CHECK(parse(&set, (const char *)data, size, name, &err) == 0,
		   "the reader failed: %s", err.msg);
	for (size_t i = 0; i < set.n; i++) {
		const yoi_import_ticket *tk = &set.v[i];

		FUZZ_CHECK(fuzz_one_of(tk->state, states, 6),
			   "ticket %zu: state '%s'", i,
			   tk->state ? tk->state : "(null)");
		FUZZ_CHECK(!tk->priority || fuzz_one_of(tk->priority, prios, 5),
			   "ticket %zu: priority '%s'", i, tk->priority);
		FUZZ_CHECK(tk->file && !strcmp(tk->file, name) && tk->line >= 0,
			   "ticket %zu: place", i);
		FUZZ_CHECK(tk->body, "ticket %zu: no body", i);
		for (size_t k = 0; k < tk->nrels; k++)
			FUZZ_CHECK(fuzz_one_of(tk->rels[k].kind, kinds, 5) &&
				       tk->rels[k].target &&
				       *tk->rels[k].target,
				   "ticket %zu: relation %zu", i, k);
		for (size_t k = 0; k < tk->nevents; k++) {
			const yoi_import_event *e = &tk->events[k];

			FUZZ_CHECK(e->kind && e->body, "ticket %zu: event %zu",
				   i, k);
			FUZZ_CHECK(!e->at || (strlen(e->at) == YOI_TIME_LEN &&
					      yoi_time_parse(e->at, &t) == 0),
				   "ticket %zu: event %zu at '%s'", i, k,
				   e->at);
		}
		if (tk->kept) {
			json_t *j = json_loads(tk->kept, 0, NULL);

			FUZZ_CHECK(json_is_object(j) && json_object_size(j),
				   "ticket %zu: kept '%s'", i, tk->kept);
			json_decref(j);
		}
	}
	for (size_t i = 0; i < set.problems.n; i++)
		FUZZ_CHECK(set.problems.v[i].path &&
			       set.problems.v[i].line >= 0 &&
			       set.problems.v[i].message,
			   "problem %zu: place", i);
	yoi_import_check(&set);
	yoi_import_set_free(&set);
}

#endif
