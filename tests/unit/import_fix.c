/* import_fix.c - see import_fix.h. */
#include "import_fix.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void imp_fixture(char *out, size_t n, const char *tool)
{
	/* `make unit` runs from the repository root; YOI_SRCDIR overrides. */
	const char *root = getenv("YOI_SRCDIR");

	snprintf(out, n, "%s/tests/fixtures/import/%s",
		 root && *root ? root : ".", tool);
}

const yoi_import_ticket *imp_find(const yoi_import_set *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].source_id && !strcmp(set->v[i].source_id, id))
			return &set->v[i];
	cr_assert_fail("no ticket '%s' in the set", id);
	return NULL;
}

void imp_assert_rel(const yoi_import_ticket *t, size_t i, const char *kind,
		    const char *target, const char *note)
{
	cr_assert_lt(i, t->nrels, "%s: no relation %zu", t->source_id, i);
	cr_assert_str_eq(t->rels[i].kind, kind);
	cr_assert_str_eq(t->rels[i].target, target);
	if (note)
		cr_assert_str_eq(t->rels[i].note ? t->rels[i].note : "(null)",
				 note);
	else
		cr_assert_null(t->rels[i].note, "note '%s'", t->rels[i].note);
}

const char *imp_problems(const yoi_import_set *set)
{
	static char buf[8192];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->problems.n && o < sizeof(buf) - 1; i++) {
		const yoi_diag_entry *e = &set->problems.v[i];
		int w = snprintf(buf + o, sizeof(buf) - o, "\n  %s %s:%d: %s",
				 e->code, e->path ? e->path : "?", e->line,
				 e->message);

		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

void imp_assert_problem(const yoi_import_set *set, const char *code,
			const char *path, int line)
{
	for (size_t i = 0; i < set->problems.n; i++) {
		const yoi_diag_entry *e = &set->problems.v[i];

		if (!strcmp(e->code, code) && e->path &&
		    !strcmp(e->path, path) && (line < 0 || e->line == line))
			return;
	}
	cr_assert_fail("no problem %s at %s:%d among:%s", code, path, line,
		       imp_problems(set));
}

char *imp_tmpdir(const char *name)
{
	char *d = NULL;

	cr_assert(asprintf(&d, "/tmp/yoi-imp-%s-XXXXXX", name) > 0);
	cr_assert_not_null(mkdtemp(d));
	return d;
}

void imp_rmtree(char *dir)
{
	char *cmd = NULL;

	if (dir && asprintf(&cmd, "rm -rf '%s'", dir) > 0)
		cr_assert_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

void imp_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

int imp_parse(imp_parse_fn fn, yoi_import_set *set, const char *text,
	      const char *path)
{
	yoi_error err;

	yoi_error_clear(&err);
	return fn(set, text, strlen(text), path, &err);
}

char *imp_md(const char *fm, const char *body)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "---\n%s---\n%s", fm, body) > 0);
	return s;
}

yoi_import_ticket *imp_one(imp_parse_fn fn, yoi_import_set *set,
			   const char *path, const char *fm, const char *body)
{
	char *s = imp_md(fm, body);

	cr_assert_eq(imp_parse(fn, set, s, path), 0);
	free(s);
	cr_assert_eq(set->n, 1, "one ticket, got %zu:%s", set->n,
		     imp_problems(set));
	return &set->v[0];
}
