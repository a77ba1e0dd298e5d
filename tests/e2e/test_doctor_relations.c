/*
 * End-to-end: doctor's relations and plan checks (SPEC 6, 7, 13). Tickets
 * are made with `create`; artifacts/relations.json and
 * artifacts/orchestration-plan.jsonl are written by hand; findings are
 * read through `doctor --format json` (code, severity, path relative to the
 * repository top, line, message).
 *
 * File layouts, so that lines are known:
 *   relations.json: line 1 '{', 2 "version", 3 "relations": [, then one
 *                   record per line from line 4, then ']' and '}';
 *   plan:           one record per line from line 1.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define AT    "2026-01-01T00:00:00Z"
#define NOTID "0000000000009" /* a valid ID that is no ticket here */

/* ---- doctor --format json ----------------------------------------------- */

typedef struct doc {
	int status;
	json_t *root;
	json_t *diags; /* borrowed from root */
} doc;

static void doc_free(doc *d)
{
	json_decref(d->root);
}

static const char *str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

static int line_of(const json_t *e)
{
	return (int)json_integer_value(json_object_get(e, "line"));
}

static doc doctor_json(const char *dir)
{
	e2e_result r = RUN(dir, "doctor", "--format", "json");
	doc d = {r.status, NULL, NULL};
	json_error_t je;
	d.root = json_loads(r.out, 0, &je);
	cr_assert_not_null(d.root, "doctor json: %s\n%s\n%s", je.text, r.out,
			   r.err);
	d.diags = json_object_get(d.root, "diagnostics");
	cr_assert(json_is_array(d.diags));
	size_t errors = 0, i;
	json_t *e;
	json_array_foreach(d.diags, i, e)
	{
		cr_assert(*str(e, "message"), "empty message");
		if (strcmp(str(e, "severity"), "error") == 0)
			errors++;
	}
	cr_assert_eq(d.status, errors ? 1 : 0, "doctor exit %d with %zu errors",
		     d.status, errors);
	e2e_free(&r);
	return d;
}

static char *dump(const doc *d)
{
	return json_dumps(d->diags, JSON_INDENT(1));
}

/* The n-th finding with this code (NULL when there are fewer). */
static json_t *nth(const doc *d, const char *code, size_t n)
{
	size_t i;
	json_t *e;
	json_array_foreach(d->diags, i, e)
	{
		if (strcmp(str(e, "code"), code) == 0 && n-- == 0)
			return e;
	}
	return NULL;
}

static size_t count(const doc *d, const char *code)
{
	size_t n = 0;
	while (nth(d, code, n))
		n++;
	return n;
}

/* Findings about this path. */
static size_t count_path(const doc *d, const char *path)
{
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(d->diags, i, e)
	{
		if (strcmp(str(e, "path"), path) == 0)
			n++;
	}
	return n;
}

static void expect(const json_t *e, const char *sev, const char *code,
		   const char *path, int line)
{
	cr_assert_not_null(e, "no %s finding", code);
	cr_assert_str_eq(str(e, "code"), code);
	cr_assert_str_eq(str(e, "severity"), sev, "%s is a %s", code, sev);
	cr_assert_str_eq(str(e, "path"), path, "%s path", code);
	if (line >= 0)
		cr_assert_eq(line_of(e), line, "%s: line %d, want %d", code,
			     line_of(e), line);
}

/* Exactly one finding, with these fields. */
static void only(const doc *d, const char *sev, const char *code,
		 const char *path, int line)
{
	char *s = dump(d);
	cr_assert_eq(json_array_size(d->diags), 1, "want only %s, got %s", code,
		     s);
	free(s);
	expect(json_array_get(d->diags, 0), sev, code, path, line);
}

static void clean(const doc *d)
{
	char *s = dump(d);
	cr_assert_eq(json_array_size(d->diags), 0, "want none, got %s", s);
	cr_assert_eq(d->status, 0);
	free(s);
}

/* ---- stores and files --------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A store with n tickets made by `create`; ids sorted (ids[0] smallest). */
static char *store_with(size_t n, char **ids)
{
	char *dir = e2e_store();
	for (size_t i = 0; i < n; i++)
		ids[i] = OK_LINE(dir, "create", "--title", "Ticket");
	qsort(ids, n, sizeof(*ids), cmp_id);
	return dir;
}

static void free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
}

/* ".yoi/tickets/<id>/artifacts/relations.json" (own static buffers). */
static const char *RP(const char *id)
{
	static char buf[4][128];
	static unsigned k;
	char *b = buf[k++ % 4];
	snprintf(b, sizeof(buf[0]), ".yoi/tickets/%s/artifacts/relations.json",
		 id);
	return b;
}

static const char *PP(const char *id)
{
	static char buf[4][128];
	static unsigned k;
	char *b = buf[k++ % 4];
	snprintf(b, sizeof(buf[0]),
		 ".yoi/tickets/%s/artifacts/orchestration-plan.jsonl", id);
	return b;
}

typedef struct rel {
	const char *kind;
	const char *target;
} rel;

/* relations.json of owner: record k on line 4 + k. */
static void put_rels(const char *dir, const char *owner, const rel *r, size_t n)
{
	size_t cap = 256 + n * 256, len = 0;
	char *s = malloc(cap);
	cr_assert_not_null(s);
	len += (size_t)snprintf(s + len, cap - len,
				"{\n  \"version\": 1,\n  \"relations\": [\n");
	for (size_t k = 0; k < n; k++)
		len += (size_t)snprintf(
		    s + len, cap - len,
		    "    {\"ticket_id\": \"%s\", \"kind\": \"%s\", "
		    "\"target\": \"%s\", \"author\": \"tester\", \"at\": "
		    "\"" AT "\"}%s\n",
		    owner, r[k].kind, r[k].target, k + 1 < n ? "," : "");
	snprintf(s + len, cap - len, "  ]\n}\n");
	e2e_write(dir, RP(owner), s);
	free(s);
}

/* One plan line (with its '\n') for owner; related may be NULL. */
static char *plan_line(const char *owner, int seq, const char *kind,
		       const char *related)
{
	char rt[64] = "";
	if (related)
		snprintf(rt, sizeof(rt), "\"related_ticket\":\"%s\",", related);
	char *s = malloc(512);
	cr_assert_not_null(s);
	snprintf(s, 512,
		 "{\"id\":\"orch-plan-20260101-000000-%d\",\"ticket_id\":"
		 "\"%s\",\"kind\":\"%s\",%s\"author\":\"tester\",\"at\":\"" AT
		 "\"}\n",
		 seq, owner, kind, rt);
	return s;
}

static void put_plan(const char *dir, const char *owner, const char *text)
{
	e2e_write(dir, PP(owner), text);
}

/* text with every "@O" replaced by owner and "@T" by other. Caller frees. */
static char *fill(const char *text, const char *owner, const char *other)
{
	size_t len = strlen(text);
	char *out = malloc(len * 8 + 1), *o = out;
	cr_assert_not_null(out);
	for (const char *p = text; *p; p++) {
		if (p[0] == '@' && (p[1] == 'O' || p[1] == 'T')) {
			const char *id = p[1] == 'O' ? owner : other;
			memcpy(o, id, strlen(id));
			o += strlen(id);
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* ---- valid files -------------------------------------------------------- */

Test(doctor_relations, valid_files_have_no_findings)
{
	char *ids[3];
	char *dir = store_with(3, ids);
	/* Every relation kind, notes, and the inverse pair spelled twice. */
	char *t = fill("{\n  \"version\": 1,\n  \"relations\": [\n"
		       "    {\"ticket_id\": \"@O\", \"kind\": \"depends_on\", "
		       "\"target\": \"@T\", \"note\": \"first\", \"author\": "
		       "\"orchestrator\", \"at\": \"" AT "\"},\n"
		       "    {\"ticket_id\": \"@O\", \"kind\": \"related\", "
		       "\"target\": \"@T\", \"author\": \"a\", \"at\": "
		       "\"2026-01-01T00:00:00.5+02:00\"}\n"
		       "  ]\n}\n",
		       ids[0], ids[1]);
	e2e_write(dir, RP(ids[0]), t);
	free(t);
	rel r2[] = {{"blocks", ids[0]},
		    {"supersedes", ids[2]},
		    {"duplicate_of", ids[2]}};
	put_rels(dir, ids[1], r2, 3);
	/* An empty relations list is fine too. */
	put_rels(dir, ids[2], NULL, 0);
	char *l1 = plan_line(ids[0], 1, "blocked_by", ids[1]);
	char *l2 = plan_line(ids[0], 2, "before", ids[2]);
	char *l3 = plan_line(ids[0], 3, "conflicts_with", ids[2]);
	char *l4 = plan_line(ids[0], 4, "waiting_capacity_note", NULL);
	char all[4096];
	snprintf(all, sizeof(all),
		 "%s%s%s%s"
		 "{\"id\":\"orch-plan-20260101-000000-5\",\"ticket_id\":\"%s\","
		 "\"kind\":\"accepted_plan\",\"accepted_plan\":{\"summary\":"
		 "\"do it\",\"branch\":\"work/x\"},\"author\":\"tester\","
		 "\"at\":\"" AT "\"}\n\n",
		 l1, l2, l3, l4, ids[0]);
	put_plan(dir, ids[0], all);
	/* A plan blocks record opposite a relation blocks: no cycle. */
	char *l5 = plan_line(ids[2], 1, "blocks", ids[1]);
	put_plan(dir, ids[2], l5);
	doc d = doctor_json(dir);
	clean(&d);
	doc_free(&d);
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	free(l1), free(l2), free(l3), free(l4), free(l5);
	free_ids(ids, 3);
	e2e_rm(dir);
}

/* ---- schema: every relation-* and plan-* code of the parsers ------------ */

typedef struct schema_case {
	bool plan;
	const char *text; /* @O: the owner, @T: another ticket */
	const char *code;
	int line;
} schema_case;

#define REC(kind, target)                                                      \
	"{\"ticket_id\": \"@O\", \"kind\": \"" kind                            \
	"\", \"target\": \"" target                                            \
	"\", \"author\": \"tester\", \"at\": \"" AT "\"}"
#define RELS(records)                                                          \
	"{\n  \"version\": 1,\n  \"relations\": [\n" records "  ]\n}\n"
#define PREC(n, kind, extra)                                                   \
	"{\"id\":\"orch-plan-20260101-000000-" #n "\",\"ticket_id\":\"@O\","   \
	"\"kind\":\"" kind "\"," extra "\"author\":\"tester\",\"at\":\"" AT    \
	"\"}\n"
#define PREL(n, kind) PREC(n, kind, "\"related_ticket\":\"@T\",")
#define BIG_1K                                                                 \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"     \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const schema_case schema_cases[] = {
    /* relations.json */
    {false,
     RELS("    " REC(
	 "depends_on",
	 "@T") ",\n"
	       "    {\"ticket_id\": \"@O\", \"kind\": \"related\", \"target\": "
	       "\"@T\", \"note\": \"caf\xe9\", \"author\": \"t\", \"at\": \"" AT
	       "\"}\n"),
     "relation-encoding", 5},
    {false, RELS("    {\"ticket_id\": \"@O\",}\n"), "relation-syntax", 4},
    {false, "\n\n", "relation-syntax", 3},
    {false,
     RELS("    {\"ticket_id\": \"@O\", \"kind\": \"depends_on\", \"target\": "
	  "\"@T\", \"author\": \"" BIG_1K "\", \"at\": \"" AT "\"}\n"),
     "relation-limit", 4},
    {false,
     RELS("    " REC(
	 "depends_on",
	 "@T") ",\n"
	       "    {\"ticket_id\": \"@O\", \"kind\": \"related\", \"target\": "
	       "\"@T\", \"author\": \"t\", \"at\": \"" AT
	       "\", \"why\": \"x\"}\n"),
     "relation-schema", 5},
    {false, RELS("    " REC("causes", "@T") "\n"), "relation-schema", 4},
    {false, RELS("    " REC("depends_on", "not-an-id") "\n"), "relation-schema",
     4},
    {false, RELS("    " REC("depends_on", "@T") ",\n    42\n"),
     "relation-schema", 5},
    {false, "{\n  \"version\": 2,\n  \"relations\": []\n}\n", "relation-schema",
     2},
    {false, "[]\n", "relation-schema", 1},
    {false,
     RELS("    {\"ticket_id\": \"@T\", \"kind\": \"depends_on\", "
	  "\"target\": \"@O\", \"author\": \"t\", \"at\": \"" AT "\"}\n"),
     "relation-schema", 4},
    {false,
     RELS("    {\"ticket_id\": \"@O\", \"kind\": \"depends_on\", "
	  "\"target\": \"@T\", \"author\": \"t\", \"at\": \"yesterday\"}\n"),
     "relation-schema", 4},
    {false, RELS("    " REC("blocks", "@O") "\n"), "relation-self", 4},
    {false,
     RELS("    " REC("depends_on", "@T") ",\n    " REC(
	 "related", "@T") ",\n"
			  "    " REC("depends_on", "@T") "\n"),
     "relation-duplicate", 6},
    /* orchestration-plan.jsonl */
    {true,
     PREL(1, "blocked_by") PREC(2, "waiting_capacity_note",
				"\"note\":\"caf\xe9\",\""
				"related_ticket\":\"@T\","),
     "plan-encoding", 2},
    {true, PREL(1, "blocked_by") "{\"id\":\n", "plan-syntax", 2},
    {true,
     PREL(1, "after") PREC(
	 2, "waiting_capacity_note",
	 "\"note\":\"" BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K
	     BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K BIG_1K "\","),
     "plan-limit", 2},
    {true, PREL(1, "blocked_by") PREL(2, "waits_for"), "plan-schema", 2},
    {true, PREC(1, "blocked_by", ""), "plan-schema", 1},
    {true, PREC(1, "accepted_plan", "\"accepted_plan\":{\"summary\":\"\"},"),
     "plan-schema", 1},
    {true, "\n" PREC(1, "do_not_parallelize", "\"related_ticket\":\"@O\","),
     "plan-self", 2},
    {true, PREL(1, "blocked_by") PREL(1, "before"), "plan-duplicate-id", 2},
};

#define NCASES (sizeof(schema_cases) / sizeof(schema_cases[0]))

Test(doctor_relations, schema_codes_with_path_and_line, .timeout = 120)
{
	/* One ticket per case (the other is the last one), one doctor run. */
	char *ids[NCASES + 1];
	char *dir = store_with(NCASES + 1, ids);
	const char *other = ids[NCASES];
	for (size_t i = 0; i < NCASES; i++) {
		const schema_case *c = &schema_cases[i];
		char *t = fill(c->text, ids[i], other);
		e2e_write(dir, c->plan ? PP(ids[i]) : RP(ids[i]), t);
		free(t);
	}
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	char *s = dump(&d);
	/* Each file has exactly its one finding, nothing else is found. */
	cr_assert_eq(json_array_size(d.diags), NCASES, "%s", s);
	for (size_t i = 0; i < NCASES; i++) {
		const schema_case *c = &schema_cases[i];
		const char *path = c->plan ? PP(ids[i]) : RP(ids[i]);
		cr_assert_eq(count_path(&d, path), 1, "case %zu (%s): %s", i,
			     c->code, s);
		size_t k;
		json_t *e, *hit = NULL;
		json_array_foreach(d.diags, k, e)
		{
			if (strcmp(str(e, "path"), path) == 0)
				hit = e;
		}
		cr_assert_str_eq(str(hit, "code"), c->code, "case %zu: %s", i,
				 s);
		expect(hit, "error", c->code, path, c->line);
	}
	free(s);
	doc_free(&d);
	free_ids(ids, NCASES + 1);
	e2e_rm(dir);
}

Test(doctor_relations, files_over_the_size_limit)
{
	char *ids[1];
	char *dir = store_with(1, ids);
	/* 4 MiB + 1 and 8 MiB + 1 bytes of spaces: refused before parsing. */
	cr_assert_eq(e2e_sh(dir,
			    "head -c 4194305 /dev/zero | tr '\\0' ' ' > %s && "
			    "head -c 8388609 /dev/zero | tr '\\0' ' ' > %s",
			    RP(ids[0]), PP(ids[0])),
		     0);
	doc d = doctor_json(dir);
	cr_assert_eq(json_array_size(d.diags), 2);
	expect(nth(&d, "relation-limit", 0), "error", "relation-limit",
	       RP(ids[0]), 0);
	expect(nth(&d, "plan-limit", 0), "error", "plan-limit", PP(ids[0]), 0);
	cr_assert(strstr(str(nth(&d, "relation-limit", 0), "message"),
			 "over the limit"));
	doc_free(&d);
	free_ids(ids, 1);
	e2e_rm(dir);
}

/* A symlink is reported once, as the artifacts check has it; a FIFO does
 * not hang doctor. */
Test(doctor_relations, symlinked_or_special_files)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	rel r = {"depends_on", NOTID};
	put_rels(dir, ids[1], &r, 1);
	/* The link points at a file that would be a finding if followed. */
	cr_assert_eq(e2e_sh(dir,
			    "mv %s outside.json && "
			    "ln -s \"$PWD/outside.json\" %s && "
			    "mkfifo .yoi/tickets/%s/artifacts/"
			    "orchestration-plan.jsonl",
			    RP(ids[1]), RP(ids[0]), ids[0]),
		     0);
	doc d = doctor_json(dir);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 2, "%s", s);
	expect(nth(&d, "artifact-symlink", 0), "error", "artifact-symlink",
	       RP(ids[0]), 0);
	expect(nth(&d, "file-not-regular", 0), "error", "file-not-regular",
	       PP(ids[0]), 0);
	free(s);
	doc_free(&d);
	free_ids(ids, 2);
	e2e_rm(dir);
}

/* ---- dangling targets --------------------------------------------------- */

Test(doctor_relations, dangling_relation_target_and_plan_ticket)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	rel r[] = {{"depends_on", ids[1]},
		   {"related", NOTID},
		   {"blocks", "0000000000008"}};
	put_rels(dir, ids[0], r, 3);
	char *l1 = plan_line(ids[1], 1, "blocked_by", ids[0]);
	char *l2 = plan_line(ids[1], 2, "before", NOTID);
	char *l3 = plan_line(ids[1], 3, "waiting_capacity_note", NOTID);
	char all[2048];
	snprintf(all, sizeof(all), "%s%s%s", l1, l2, l3);
	put_plan(dir, ids[1], all);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 4, "%s", s);
	cr_assert_eq(count(&d, "relation-dangling"), 2, "%s", s);
	cr_assert_eq(count(&d, "plan-dangling"), 2, "%s", s);
	expect(nth(&d, "relation-dangling", 0), "error", "relation-dangling",
	       RP(ids[0]), 5);
	expect(nth(&d, "relation-dangling", 1), "error", "relation-dangling",
	       RP(ids[0]), 6);
	expect(nth(&d, "plan-dangling", 0), "error", "plan-dangling",
	       PP(ids[1]), 2);
	expect(nth(&d, "plan-dangling", 1), "error", "plan-dangling",
	       PP(ids[1]), 3);
	cr_assert(strstr(str(nth(&d, "relation-dangling", 0), "message"),
			 "related " NOTID),
		  "%s", s);
	cr_assert(strstr(str(nth(&d, "plan-dangling", 0), "message"), NOTID),
		  "%s", s);
	free(s);
	doc_free(&d);
	free(l1), free(l2), free(l3);
	free_ids(ids, 2);
	e2e_rm(dir);
}

/* A directory that is not a ticket (a bad name) is not a target either. */
Test(doctor_relations, target_must_be_a_ticket_directory)
{
	char *ids[1];
	char *dir = store_with(1, ids);
	e2e_sh(dir, "mkdir -p .yoi/tickets/notes && touch .yoi/tickets/%s",
	       NOTID);
	rel r[] = {{"depends_on", NOTID}};
	put_rels(dir, ids[0], r, 1);
	doc d = doctor_json(dir);
	expect(nth(&d, "relation-dangling", 0), "error", "relation-dangling",
	       RP(ids[0]), 4);
	cr_assert_eq(count(&d, "relation-dangling"), 1);
	doc_free(&d);
	free_ids(ids, 1);
	e2e_rm(dir);
}

/* ---- self, duplicates --------------------------------------------------- */

/*
 * A ticket that depends on itself would be a cycle of length 1; the
 * parser reports it as relation-self and drops it, so it is reported once,
 * not again as a cycle.
 */
Test(doctor_relations, self_relation_is_reported_once)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	rel r[] = {{"depends_on", ids[1]}, {"depends_on", ids[0]}};
	put_rels(dir, ids[0], r, 2);
	doc d = doctor_json(dir);
	only(&d, "error", "relation-self", RP(ids[0]), 5);
	doc_free(&d);
	free_ids(ids, 2);
	e2e_rm(dir);
}

Test(doctor_relations, duplicate_kind_and_target)
{
	char *ids[3];
	char *dir = store_with(3, ids);
	/* The same target under another kind is no duplicate. */
	rel r[] = {{"depends_on", ids[1]},
		   {"related", ids[1]},
		   {"depends_on", ids[2]},
		   {"depends_on", ids[1]}};
	put_rels(dir, ids[0], r, 4);
	doc d = doctor_json(dir);
	only(&d, "error", "relation-duplicate", RP(ids[0]), 7);
	cr_assert(strstr(str(nth(&d, "relation-duplicate", 0), "message"),
			 "(line 4)"));
	doc_free(&d);
	free_ids(ids, 3);
	e2e_rm(dir);
}

/* ---- cycles ------------------------------------------------------------- */

static const char *msg(const doc *d, const char *code, size_t n)
{
	json_t *e = nth(d, code, n);
	cr_assert_not_null(e, "no %s #%zu", code, n);
	return str(e, "message");
}

Test(doctor_relations, two_cycle_reported_once)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	/* Written from the larger ticket first: still rotated to ids[0]. */
	rel r1[] = {{"depends_on", ids[0]}};
	put_rels(dir, ids[1], r1, 1);
	rel r0[] = {{"related", ids[1]}, {"depends_on", ids[1]}};
	put_rels(dir, ids[0], r0, 2);
	doc d = doctor_json(dir);
	only(&d, "error", "relation-cycle", RP(ids[0]), 5);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s -> %s -> %s (%s depends_on %s; %s "
		 "depends_on %s)",
		 ids[0], ids[1], ids[0], ids[0], ids[1], ids[1], ids[0]);
	cr_assert(strstr(msg(&d, "relation-cycle", 0), want), "%s\nwant %s",
		  msg(&d, "relation-cycle", 0), want);
	doc_free(&d);
	free_ids(ids, 2);
	e2e_rm(dir);
}

Test(doctor_relations, two_cycle_of_depends_on_and_blocks)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	/* A depends_on B and A blocks B: A waits for B, B waits for A. */
	rel r0[] = {{"blocks", ids[1]}, {"depends_on", ids[1]}};
	put_rels(dir, ids[0], r0, 2);
	doc d = doctor_json(dir);
	/* The line of the first of the owner's records in the cycle. */
	only(&d, "error", "relation-cycle", RP(ids[0]), 4);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s -> %s -> %s (%s depends_on %s; %s "
		 "blocks %s)",
		 ids[0], ids[1], ids[0], ids[0], ids[1], ids[0], ids[1]);
	cr_assert(strstr(msg(&d, "relation-cycle", 0), want), "%s\nwant %s",
		  msg(&d, "relation-cycle", 0), want);
	doc_free(&d);
	free_ids(ids, 2);
	e2e_rm(dir);
}

Test(doctor_relations, three_cycle_rotated_to_smallest_id)
{
	char *ids[4];
	char *dir = store_with(4, ids);
	/* c depends_on b, b depends_on a, a depends_on c: a -> c -> b -> a. */
	rel rc[] = {{"depends_on", ids[1]}};
	rel rb[] = {{"depends_on", ids[0]}, {"depends_on", ids[3]}};
	rel ra[] = {{"related", ids[3]}, {"depends_on", ids[2]}};
	put_rels(dir, ids[2], rc, 1);
	put_rels(dir, ids[1], rb, 2);
	put_rels(dir, ids[0], ra, 2);
	doc d = doctor_json(dir);
	only(&d, "error", "relation-cycle", RP(ids[0]), 5);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s -> %s -> %s -> %s (%s depends_on %s; %s depends_on %s; "
		 "%s depends_on %s)",
		 ids[0], ids[2], ids[1], ids[0], ids[0], ids[2], ids[2], ids[1],
		 ids[1], ids[0]);
	cr_assert(strstr(msg(&d, "relation-cycle", 0), want), "%s\nwant %s",
		  msg(&d, "relation-cycle", 0), want);
	doc_free(&d);

	/* The text format names the same file and line. */
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1);
	char head[256];
	snprintf(head, sizeof(head), "error: %s:5: [relation-cycle] ",
		 RP(ids[0]));
	cr_assert(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
	cr_assert_eq(e2e_count(r.out, "\n"), 1);
	e2e_free(&r);
	free_ids(ids, 4);
	e2e_rm(dir);
}

/*
 * The path is always the smallest ticket's relations.json, even when the
 * records of the cycle are all in the other tickets' files (line 0).
 */
Test(doctor_relations, cycle_held_by_other_tickets)
{
	char *ids[3];
	char *dir = store_with(3, ids);
	/* c blocks a (a waits for c), c depends_on b, b depends_on a. */
	rel rc[] = {{"depends_on", ids[1]}, {"blocks", ids[0]}};
	rel rb[] = {{"depends_on", ids[0]}};
	put_rels(dir, ids[2], rc, 2);
	put_rels(dir, ids[1], rb, 1);
	doc d = doctor_json(dir);
	only(&d, "error", "relation-cycle", RP(ids[0]), 0);
	char want[512];
	snprintf(want, sizeof(want),
		 "%s -> %s -> %s -> %s (%s blocks %s; %s depends_on %s; %s "
		 "depends_on %s)",
		 ids[0], ids[2], ids[1], ids[0], ids[2], ids[0], ids[2], ids[1],
		 ids[1], ids[0]);
	cr_assert(strstr(msg(&d, "relation-cycle", 0), want), "%s\nwant %s",
		  msg(&d, "relation-cycle", 0), want);
	doc_free(&d);
	free_ids(ids, 3);
	e2e_rm(dir);
}

/* Two cycles through one ticket: two findings, each once. */
Test(doctor_relations, figure_eight_is_two_cycles)
{
	char *ids[3];
	char *dir = store_with(3, ids);
	rel r0[] = {{"depends_on", ids[1]}, {"depends_on", ids[2]}};
	rel r1[] = {{"depends_on", ids[0]}};
	rel r2[] = {{"depends_on", ids[0]}};
	put_rels(dir, ids[0], r0, 2);
	put_rels(dir, ids[1], r1, 1);
	put_rels(dir, ids[2], r2, 1);
	doc d = doctor_json(dir);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 2, "%s", s);
	cr_assert_eq(count(&d, "relation-cycle"), 2, "%s", s);
	expect(nth(&d, "relation-cycle", 0), "error", "relation-cycle",
	       RP(ids[0]), 4);
	expect(nth(&d, "relation-cycle", 1), "error", "relation-cycle",
	       RP(ids[0]), 5);
	free(s);
	doc_free(&d);
	free_ids(ids, 3);
	e2e_rm(dir);
}

/*
 * A depends_on B and B blocks A say one thing: one logical edge, not a
 * cycle. Plan blocked_by/blocks records are not followed for cycles (they
 * are append-only: an error on one could never be fixed).
 */
Test(doctor_relations, depends_on_and_opposite_blocks_is_no_cycle)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	rel r0[] = {{"depends_on", ids[1]}};
	rel r1[] = {{"blocks", ids[0]}};
	put_rels(dir, ids[0], r0, 1);
	put_rels(dir, ids[1], r1, 1);
	char *l1 = plan_line(ids[1], 1, "blocked_by", ids[0]);
	put_plan(dir, ids[1], l1);
	doc d = doctor_json(dir);
	clean(&d);
	doc_free(&d);
	free(l1);
	free_ids(ids, 2);
	e2e_rm(dir);
}

/* Every ticket depends on every other: a complete directed graph. */
static void complete(const char *dir, char **ids, size_t n)
{
	rel r[8];
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < n; j++)
			if (j != i)
				r[k++] = (rel){"depends_on", ids[j]};
		put_rels(dir, ids[i], r, k);
	}
}

/*
 * The complete graph on 5 tickets has 84 elementary cycles (10 of length
 * 2, 20 of 3, 30 of 4, 24 of 5): all reported, each once, no cap.
 */
Test(doctor_relations, complete_graph_of_5_reports_each_cycle_once)
{
	char *ids[5];
	char *dir = store_with(5, ids);
	complete(dir, ids, 5);
	doc d = doctor_json(dir);
	char *s = dump(&d);
	cr_assert_eq(count(&d, "relation-cycle"), 84, "%s", s);
	cr_assert_eq(json_array_size(d.diags), 84, "%s", s);
	/* No message repeats: each cycle once. */
	for (size_t i = 0; i < 84; i++)
		for (size_t j = i + 1; j < 84; j++)
			cr_assert_str_neq(msg(&d, "relation-cycle", i),
					  msg(&d, "relation-cycle", j));
	/* Every one starts at its smallest ID. */
	for (size_t i = 0; i < 84; i++) {
		const char *m = strstr(msg(&d, "relation-cycle", i), "cycle ");
		cr_assert_not_null(m);
		m += strlen("cycle ");
		for (const char *p = m; (p = strstr(p, " -> ")); p += 4)
			cr_assert(strncmp(m, p + 4, 13) <= 0, "%s", m);
	}
	free(s);
	doc_free(&d);
	free_ids(ids, 5);
	e2e_rm(dir);
}

/*
 * The complete graph on 6 tickets has 409 cycles: exactly
 * YOI_GRAPH_CYCLE_CAP_DEFAULT (100) are reported, plus one warning.
 */
Test(doctor_relations, cycles_are_capped_with_a_warning)
{
	char *ids[6];
	char *dir = store_with(6, ids);
	complete(dir, ids, 6);
	doc d = doctor_json(dir);
	char *s = dump(&d);
	cr_assert_eq(count(&d, "relation-cycle"), 100, "%s", s);
	cr_assert_eq(count(&d, "relation-cycles-capped"), 1, "%s", s);
	cr_assert_eq(json_array_size(d.diags), 101);
	json_t *w = nth(&d, "relation-cycles-capped", 0);
	expect(w, "warning", "relation-cycles-capped", ".yoi/tickets", 0);
	cr_assert(strstr(str(w, "message"), "100"), "%s", str(w, "message"));
	cr_assert(strstr(str(w, "message"), "fix these first"), "%s",
		  str(w, "message"));
	/* Found in order of their smallest ticket: all through ids[0]. */
	cr_assert_eq(count_path(&d, RP(ids[0])), 100, "%s", s);
	free(s);
	doc_free(&d);
	free_ids(ids, 6);
	e2e_rm(dir);
}

/* ---- together with the other checks ------------------------------------- */

/* Tickets whose item.md cannot be parsed are still graph nodes. */
Test(doctor_relations, cycle_through_an_unparsable_ticket)
{
	char *ids[2];
	char *dir = store_with(2, ids);
	rel r0[] = {{"depends_on", ids[1]}};
	rel r1[] = {{"depends_on", ids[0]}};
	put_rels(dir, ids[0], r0, 1);
	put_rels(dir, ids[1], r1, 1);
	char ip[128];
	snprintf(ip, sizeof(ip), ".yoi/tickets/%s/item.md", ids[1]);
	e2e_write(dir, ip, "no frontmatter\n");
	doc d = doctor_json(dir);
	cr_assert_eq(count(&d, "relation-cycle"), 1);
	cr_assert_eq(count(&d, "item-parse"), 1);
	doc_free(&d);
	free_ids(ids, 2);
	e2e_rm(dir);
}

/* The legacy fixture keeps a clean bill (tests/e2e/test_compat.c too). */
Test(doctor_relations, legacy_fixture_is_clean)
{
	const char *src = getenv("YOI_SRCDIR");
	if (!src)
		src = "."; /* run from the top of the source tree */
	char *dir = e2e_store();
	cr_assert_eq(e2e_sh(dir,
			    "cp -R '%s/tests/fixtures/legacy/.' "
			    ".yoi/tickets/",
			    src),
		     0);
	doc d = doctor_json(dir);
	clean(&d);
	doc_free(&d);
	e2e_rm(dir);
}
