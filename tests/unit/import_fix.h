/*
 * import_fix.h - what the import readers' unit tests share: the fixtures
 * under tests/fixtures/import/, finding tickets and problems in a set.
 */
#ifndef YOI_TEST_IMPORT_FIX_H
#define YOI_TEST_IMPORT_FIX_H

#include <stddef.h>

#include "yoi/import.h"

/* <source root>/tests/fixtures/import/<tool> (YOI_SRCDIR or "."). */
void imp_fixture(char *out, size_t n, const char *tool);
/* The ticket with this source id (the test fails without one). */
const yoi_import_ticket *imp_find(const yoi_import_set *set, const char *id);
/* Relation i of t is (kind, target, note); note NULL: none. */
void imp_assert_rel(const yoi_import_ticket *t, size_t i, const char *kind,
		    const char *target, const char *note);
/* set->problems has one with this code, path and line (-1: any line). */
void imp_assert_problem(const yoi_import_set *set, const char *code,
			const char *path, int line);
/* The problems as text, for failure messages (a static buffer). */
const char *imp_problems(const yoi_import_set *set);
/* A fresh temporary folder (free it with imp_rmtree) and file writing. */
char *imp_tmpdir(const char *name);
void imp_rmtree(char *dir);
void imp_write(const char *path, const char *text);

/* A reader's buffer entry point (yoi_import_parse_tk, ..._backlog). */
typedef int (*imp_parse_fn)(yoi_import_set *set, const char *buf, size_t len,
			    const char *path, yoi_error *err);
/* Run fn on the text (NUL-terminated) read from path; its return. */
int imp_parse(imp_parse_fn fn, yoi_import_set *set, const char *text,
	      const char *path);
/* A YAML-frontmatter file: "---\n" fm "---\n" body (free it). */
char *imp_md(const char *fm, const char *body);
/* Parse imp_md(fm, body) as path with fn: it must give one ticket. */
yoi_import_ticket *imp_one(imp_parse_fn fn, yoi_import_set *set,
			   const char *path, const char *fm, const char *body);

#endif
