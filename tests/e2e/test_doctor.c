/*
 * End-to-end: doctor (SPEC 13). Each test writes a store with one defect
 * by hand and checks the finding through `doctor --format json`: exit
 * status, code, severity, path (relative to the repository top) and line.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ID1 "0000000000001"
#define ID2 "0000000000002"
#define ID3 "0000000000003"
#define T0  "2026-01-01T00:00:00Z"
#define T1  "2026-01-01T01:00:00Z"
#define T2  "2026-01-01T02:00:00Z"

/*
 * One event block: 7 lines (marker, blank, heading, blank, body, blank,
 * ---), so the k-th event (from 0) of a thread built of EVs is on line
 * 7k + 1.
 */
#define EV(attrs, heading, body)                                               \
	"<!-- event: " attrs " -->\n\n## " heading "\n\n" body "\n\n---\n"
#define CREATE	    EV("create author: tester at: " T0, "Created", "Ticket created.")
#define COMMENT(at) EV("comment author: tester at: " at, "Comment", "note")
#define SC(at, from, to)                                                       \
	EV("state_changed author: tester at: " at " from: " from " to: " to    \
	   " reason: r field: state",                                          \
	   "State changed", "moved")
#define SUMMARY(at)                                                            \
	EV("intake_summary author: tester at: " at, "Intake summary", "scoped")

/*
 * item.md: line 1 '---', 2 title, 3 state, 4 created_at, 5 updated_at,
 * then `extra` lines from line 6, then the closing '---'.
 */
#define ITEM_X(state, created, updated, extra)                                 \
	"---\ntitle: 'Broken'\nstate: '" state "'\ncreated_at: '" created      \
	"'\nupdated_at: '" updated "'\n" extra "---\n\n## Background\n\n"      \
	"Text.\n"
#define ITEM(state) ITEM_X(state, T0, T0, "")

/* A ticket directory with artifacts/ and the given files (NULL: none). */
static void put_ticket(const char *dir, const char *name, const char *item,
		       const char *thread)
{
	cr_assert_eq(e2e_sh(dir, "mkdir -p .yoi/tickets/%s/artifacts", name),
		     0);
	if (item)
		e2e_write(dir, e2e_tpath(name, "item.md"), item);
	if (thread)
		e2e_write(dir, e2e_tpath(name, "thread.md"), thread);
}

typedef struct doc {
	int status;
	json_t *root;
	json_t *diags; /* borrowed from root */
	char *err;
} doc;

static void doc_free(doc *d)
{
	json_decref(d->root);
	free(d->err);
}

static doc doctor_json(const char *dir)
{
	e2e_result r = RUN(dir, "doctor", "--format", "json");
	doc d = {r.status, NULL, NULL, r.err};
	json_error_t je;
	d.root = json_loads(r.out, 0, &je);
	cr_assert_not_null(d.root, "doctor json: %s\n%s", je.text, r.out);
	d.diags = json_object_get(d.root, "diagnostics");
	cr_assert(json_is_array(d.diags));
	/* The counts agree with the list, and the exit status with them. */
	json_int_t errors = 0, warnings = 0;
	size_t i;
	json_t *e;
	json_array_foreach(d.diags, i, e)
	{
		const char *sev =
		    json_string_value(json_object_get(e, "severity"));
		cr_assert_not_null(sev);
		if (strcmp(sev, "error") == 0)
			errors++;
		else if (strcmp(sev, "warning") == 0)
			warnings++;
		else
			cr_assert_fail("severity '%s'", sev);
		cr_assert(json_is_string(json_object_get(e, "code")));
		cr_assert(json_is_string(json_object_get(e, "path")));
		cr_assert(json_is_integer(json_object_get(e, "line")));
		cr_assert(json_is_string(json_object_get(e, "message")));
		cr_assert(*json_string_value(json_object_get(e, "message")));
	}
	cr_assert_eq(json_integer_value(json_object_get(d.root, "errors")),
		     errors);
	cr_assert_eq(json_integer_value(json_object_get(d.root, "warnings")),
		     warnings);
	cr_assert_eq(d.status, errors ? 1 : 0, "doctor exit %d with %d errors",
		     d.status, (int)errors);
	free(r.out);
	return d;
}

static const char *str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

static char *dump(const doc *d)
{
	return json_dumps(d->diags, JSON_INDENT(1));
}

/* Assert one diagnostic's fields; line < 0 leaves the line unchecked. */
static void expect(const json_t *e, const char *sev, const char *code,
		   const char *path, int line)
{
	cr_assert_not_null(e, "no %s finding", code);
	cr_assert_str_eq(str(e, "code"), code);
	cr_assert_str_eq(str(e, "severity"), sev, "%s is a %s", code, sev);
	cr_assert_str_eq(str(e, "path"), path, "%s path", code);
	if (line >= 0)
		cr_assert_eq(
		    json_integer_value(json_object_get(e, "line")), line,
		    "%s: line %d, want %d", code,
		    (int)json_integer_value(json_object_get(e, "line")), line);
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

/* Exactly n findings, all with this code. */
static void only_n(const doc *d, const char *code, size_t n)
{
	char *s = dump(d);
	cr_assert_eq(json_array_size(d->diags), n, "want %zu x %s, got %s", n,
		     code, s);
	cr_assert_eq(count(d, code), n, "want %zu x %s, got %s", n, code, s);
	free(s);
}

/* Store with one hand-written ticket; returns the doctor result. */
static doc one_ticket(char **dir, const char *item, const char *thread)
{
	*dir = e2e_store();
	put_ticket(*dir, ID1, item, thread);
	return doctor_json(*dir);
}

#define IP(id) e2e_tpath(id, "item.md")
#define TP(id) e2e_tpath(id, "thread.md")

/* ---- a healthy store ---------------------------------------------------- */

Test(doctor, clean_store_in_every_state_has_no_findings)
{
	char *dir = e2e_store();
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 0);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);

	/*
	 * ids[k] takes the first nsteps[k] steps of the walk: one ticket
	 * rests in each state, one goes all the way; the last two take
	 * the side roads (back to planning, a forced jump).
	 */
	enum { N = 9 };
	static const int nsteps[N] = {0, 1, 2, 3, 4, 6, 6, 1, 2};
	const char *walk[][4] = {
	    {"ready", "--summary", "scoped"},
	    {"queued"},
	    {"inprogress"},
	    {"done"},
	    {"inprogress", "--reason", "rework"},
	    {"done"},
	};
	char *ids[N];
	for (int i = 0; i < N; i++)
		ids[i] = OK_LINE(dir, "create", "--title", "Ticket");
	for (int k = 0; k < N; k++)
		for (int s = 0; s < nsteps[k]; s++) {
			if (walk[s][1])
				OK(dir, "state", ids[k], walk[s][0], walk[s][1],
				   walk[s][2]);
			else
				OK(dir, "state", ids[k], walk[s][0]);
		}
	OK(dir, "comment", ids[6], "--message", "looks good");
	OK(dir, "review", ids[6], "--request-changes", "--message", "nit");
	OK(dir, "review", ids[6], "--approve", "--message", "ok");
	OK(dir, "close", ids[6], "--resolution", "shipped");
	OK(dir, "close", ids[5], "--resolution", "dropped");
	OK(dir, "reopen", ids[5], "--reason", "regression");
	OK(dir, "edit", ids[0], "--title", "Renamed", "--assignee", "ann");
	OK(dir, "state", ids[7], "planning", "--reason", "resync");
	OK(dir, "state", ids[8], "done", "--force", "--reason", "hotfix");

	e2e_result r = RUN(dir, "list", "--state", "all", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"planning\""));
	cr_assert(strstr(r.out, "\"ready\""));
	cr_assert(strstr(r.out, "\"queued\""));
	cr_assert(strstr(r.out, "\"inprogress\""));
	cr_assert(strstr(r.out, "\"done\""));
	cr_assert(strstr(r.out, "\"closed\""));
	e2e_free(&r);

	d = doctor_json(dir);
	char *s = dump(&d);
	cr_assert_eq(d.status, 0, "%s", s);
	cr_assert_eq(json_array_size(d.diags), 0, "%s", s);
	free(s);
	doc_free(&d);
	r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	for (int i = 0; i < N; i++)
		free(ids[i]);
	e2e_rm(dir);
}

Test(doctor, hand_written_ticket_is_clean)
{
	char *dir;
	doc d = one_ticket(&dir,
			   ITEM_X("ready", T0, T1,
				  "assignee: null\n"
				  "risk_flags: ['db']\n"
				  "unknown_field: 'kept'\n"),
			   CREATE SUMMARY(T1) SC(T1, "planning", "ready"));
	cr_assert_eq(json_array_size(d.diags), 0);
	cr_assert_eq(d.status, 0);
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- layout ------------------------------------------------------------- */

Test(doctor, layout_missing_item)
{
	char *dir;
	doc d = one_ticket(&dir, NULL, CREATE);
	only(&d, "error", "layout-missing-item", IP(ID1), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, layout_missing_thread)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("planning"), NULL);
	only(&d, "error", "layout-missing-thread", TP(ID1), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, layout_missing_artifacts_is_a_warning)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"), CREATE);
	e2e_sh(dir, "rmdir .yoi/tickets/%s/artifacts", ID1);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 0);
	only(&d, "warning", "layout-missing-artifacts",
	     e2e_tpath(ID1, "artifacts"), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, layout_dir_name_not_an_id)
{
	char *dir = e2e_store();
	put_ticket(dir, "not-a-ticket", ITEM("planning"), CREATE);
	put_ticket(dir, "000000000000U", ITEM("planning"), CREATE); /* no U */
	put_ticket(dir, "00000000000012", ITEM("planning"), CREATE);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	only_n(&d, "layout-bad-dir-name", 3);
	expect(nth(&d, "layout-bad-dir-name", 0), "error",
	       "layout-bad-dir-name", ".yoi/tickets/00000000000012", 0);
	expect(nth(&d, "layout-bad-dir-name", 1), "error",
	       "layout-bad-dir-name", ".yoi/tickets/000000000000U", 0);
	expect(nth(&d, "layout-bad-dir-name", 2), "error",
	       "layout-bad-dir-name", ".yoi/tickets/not-a-ticket", 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, layout_legacy_buckets)
{
	char *dir = e2e_store();
	e2e_sh(dir,
	       "mkdir -p .yoi/tickets/open/%s .yoi/tickets/pending "
	       ".yoi/tickets/closed",
	       ID1);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	only_n(&d, "layout-legacy-bucket", 3);
	expect(nth(&d, "layout-legacy-bucket", 0), "error",
	       "layout-legacy-bucket", ".yoi/tickets/closed", 0);
	expect(nth(&d, "layout-legacy-bucket", 1), "error",
	       "layout-legacy-bucket", ".yoi/tickets/open", 0);
	expect(nth(&d, "layout-legacy-bucket", 2), "error",
	       "layout-legacy-bucket", ".yoi/tickets/pending", 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, layout_duplicate_ids)
{
	char *dir = e2e_store();
	/* Valid, then the same ID in lower case, then with 'O' for '0'. */
	put_ticket(dir, "00000000000AB", ITEM("planning"), CREATE);
	put_ticket(dir, "00000000000ab", ITEM("planning"), CREATE);
	put_ticket(dir, "O0000000000AB", ITEM("planning"), CREATE);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	only_n(&d, "layout-duplicate-id", 2);
	expect(nth(&d, "layout-duplicate-id", 0), "error",
	       "layout-duplicate-id", ".yoi/tickets/00000000000ab", 0);
	expect(nth(&d, "layout-duplicate-id", 1), "error",
	       "layout-duplicate-id", ".yoi/tickets/O0000000000AB", 0);
	cr_assert(strstr(str(nth(&d, "layout-duplicate-id", 0), "message"),
			 "00000000000AB"));
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, layout_symlinked_ticket_and_stray_file)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"), CREATE);
	e2e_sh(dir, "ln -s %s .yoi/tickets/%s", ID1, ID2);
	e2e_write(dir, ".yoi/tickets/notes.txt", "stray\n");
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	cr_assert_eq(json_array_size(d.diags), 2);
	expect(nth(&d, "layout-symlink", 0), "error", "layout-symlink",
	       ".yoi/tickets/" ID2, 0);
	expect(nth(&d, "layout-stray-file", 0), "warning", "layout-stray-file",
	       ".yoi/tickets/notes.txt", 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, ticket_files_not_regular_or_too_large)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, NULL, CREATE);
	e2e_write(dir, ".yoi/real-item.md", ITEM("planning"));
	e2e_sh(dir, "ln -s ../../real-item.md .yoi/tickets/%s/item.md", ID1);
	put_ticket(dir, ID2, ITEM("planning"), NULL);
	/* Sparse: 17 MiB on paper, over the 16 MiB limit, no disk used. */
	e2e_sh(dir, "truncate -s 17M .yoi/tickets/%s/thread.md", ID2);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 2, "%s", s);
	free(s);
	expect(nth(&d, "file-not-regular", 0), "error", "file-not-regular",
	       IP(ID1), 0);
	expect(nth(&d, "file-unreadable", 0), "error", "file-unreadable",
	       TP(ID2), 0);
	/* Messages name the file relative to the top, like the path. */
	cr_assert_null(
	    strstr(str(nth(&d, "file-not-regular", 0), "message"), dir));
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- item.md ------------------------------------------------------------ */

Test(doctor, item_frontmatter_opener)
{
	char *dir;
	doc d = one_ticket(
	    &dir, "title: 'No opener'\nstate: 'planning'\n---\nbody\n", CREATE);
	only(&d, "error", "item-parse", IP(ID1), 1);
	cr_assert(strstr(str(json_array_get(d.diags, 0), "message"), "---"));
	/* The message names the file relative to the top, not absolutely. */
	cr_assert_null(strstr(str(json_array_get(d.diags, 0), "message"), dir));
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_frontmatter_closer)
{
	char *dir;
	doc d =
	    one_ticket(&dir,
		       "---\ntitle: 'No closer'\nstate: 'planning'\n"
		       "created_at: '" T0 "'\nupdated_at: '" T0 "'\n\nbody\n",
		       CREATE);
	only(&d, "error", "item-parse", IP(ID1), 1);
	cr_assert(
	    strstr(str(json_array_get(d.diags, 0), "message"), "never closed"));
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_yaml_error_names_its_line)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM_X("planning", T0, T0, "  bad: indent\n"),
			   CREATE);
	only(&d, "error", "item-parse", IP(ID1), 6);
	cr_assert(strstr(str(json_array_get(d.diags, 0), "message"), "YAML"));
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_yaml_duplicate_key)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM_X("planning", T0, T0, "title: 'Again'\n"),
			   CREATE);
	only(&d, "error", "item-parse", IP(ID1), 6);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_required_fields_missing)
{
	char *dir;
	doc d =
	    one_ticket(&dir, "---\ntitle: 'Only a title'\n---\nbody\n", CREATE);
	only_n(&d, "item-missing-field", 3);
	for (size_t i = 0; i < 3; i++)
		expect(nth(&d, "item-missing-field", i), "error",
		       "item-missing-field", IP(ID1), 1);
	const char *want[] = {"state", "created_at", "updated_at"};
	for (size_t k = 0; k < 3; k++) {
		bool seen = false;
		for (size_t i = 0; i < 3; i++)
			seen |= strstr(str(nth(&d, "item-missing-field", i),
					   "message"),
				       want[k]) != NULL;
		cr_assert(seen, "no finding names %s", want[k]);
	}
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_required_field_empty)
{
	char *dir;
	doc d = one_ticket(&dir,
			   "---\ntitle: ''\nstate: 'planning'\ncreated_at: '" T0
			   "'\nupdated_at: '" T0 "'\n---\n",
			   CREATE);
	only(&d, "error", "item-missing-field", IP(ID1), 2);
	cr_assert(strstr(str(json_array_get(d.diags, 0), "message"), "title"));
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_invalid_state)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("wontfix"), CREATE);
	/* The thread replays to planning, so the state also drifts. */
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 2, "%s", s);
	free(s);
	expect(nth(&d, "item-invalid-state", 0), "error", "item-invalid-state",
	       IP(ID1), 3);
	expect(nth(&d, "state-drift", 0), "error", "state-drift", IP(ID1), 3);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_obsolete_fields)
{
	char *dir;
	doc d = one_ticket(&dir,
			   ITEM_X("planning", T0, T0,
				  "id: '" ID1 "'\n"
				  "slug: 'old-slug'\n"
				  "status: 'open'\n"
				  "workflow_state: 'todo'\n"
				  "kind: 'bug'\n"
				  "labels: ['a']\n"
				  "action_required: true\n"
				  "attention_required: false\n"),
			   CREATE);
	cr_assert_eq(d.status, 1);
	only_n(&d, "item-obsolete-field", 8);
	const char *names[] = {
	    "id",   "slug",   "status",		 "workflow_state",
	    "kind", "labels", "action_required", "attention_required"};
	for (size_t i = 0; i < 8; i++) {
		json_t *e = nth(&d, "item-obsolete-field", i);
		expect(e, "error", "item-obsolete-field", IP(ID1),
		       (int)(6 + i));
		char want[64];
		snprintf(want, sizeof(want), "'%s'", names[i]);
		cr_assert(strstr(str(e, "message"), want), "%s",
			  str(e, "message"));
	}
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_malformed_timestamps)
{
	char *dir;
	doc d =
	    one_ticket(&dir,
		       ITEM_X("planning", "yesterday", "2026-01-01 00:00:00",
			      "queued_at: '2026-13-01T00:00:00Z'\n"),
		       CREATE);
	only_n(&d, "item-bad-timestamp", 3);
	expect(nth(&d, "item-bad-timestamp", 0), "error", "item-bad-timestamp",
	       IP(ID1), 4);
	expect(nth(&d, "item-bad-timestamp", 1), "error", "item-bad-timestamp",
	       IP(ID1), 5);
	expect(nth(&d, "item-bad-timestamp", 2), "error", "item-bad-timestamp",
	       IP(ID1), 6);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_updated_before_created)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM_X("planning", T1, T0, ""), CREATE);
	only(&d, "error", "item-updated-before-created", IP(ID1), 5);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, item_field_types)
{
	char *dir;
	doc d = one_ticket(&dir,
			   "---\ntitle: ['a', 'b']\nstate: 'planning'\n"
			   "created_at: '" T0 "'\nupdated_at: '" T0 "'\n"
			   "assignee: ['x']\nrisk_flags: 'db'\n---\n",
			   CREATE);
	only_n(&d, "item-bad-type", 3);
	expect(nth(&d, "item-bad-type", 0), "error", "item-bad-type", IP(ID1),
	       2);
	expect(nth(&d, "item-bad-type", 1), "error", "item-bad-type", IP(ID1),
	       6);
	expect(nth(&d, "item-bad-type", 2), "error", "item-bad-type", IP(ID1),
	       7);
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- thread.md ---------------------------------------------------------- */

Test(doctor, thread_malformed_event_lines)
{
	char *dir;
	doc d = one_ticket(
	    &dir, ITEM("planning"),
	    CREATE "<!-- event: comment author: tester at: " T0 "\n\n"
		   "## Comment\n\nno closing marker\n\n---\n" /* line 8 */
	    EV("author: tester event: comment at: " T0, "Comment",
	       "event is not first") /* line 15 */
	    EV("comment author: \"open quote at: " T0, "Comment",
	       "unterminated quote")); /* line 22 */
	cr_assert_eq(d.status, 1);
	only_n(&d, "thread-malformed-event", 3);
	expect(nth(&d, "thread-malformed-event", 0), "error",
	       "thread-malformed-event", TP(ID1), 8);
	expect(nth(&d, "thread-malformed-event", 1), "error",
	       "thread-malformed-event", TP(ID1), 15);
	expect(nth(&d, "thread-malformed-event", 2), "error",
	       "thread-malformed-event", TP(ID1), 22);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_missing_at_and_author)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("planning"),
			   CREATE EV("comment author: tester", "Comment", "x")
			       EV("comment at: " T0, "Comment", "y"));
	cr_assert_eq(d.status, 1);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 2, "%s", s);
	free(s);
	expect(nth(&d, "thread-missing-at", 0), "error", "thread-missing-at",
	       TP(ID1), 8);
	expect(nth(&d, "thread-missing-author", 0), "error",
	       "thread-missing-author", TP(ID1), 15);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_bad_timestamp)
{
	char *dir;
	doc d = one_ticket(
	    &dir, ITEM("planning"),
	    CREATE EV("comment author: tester at: yesterday", "Comment", "x"));
	only(&d, "error", "thread-bad-timestamp", TP(ID1), 8);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_state_changed_without_from_to_reason)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("ready"),
			   CREATE SUMMARY(T0)
			       EV("state_changed author: tester at: " T0
				  " to: ready reason: r field: state",
				  "State changed", "no from") /* line 15 */
			   EV("state_changed author: tester at: " T0
			      " from: planning reason: r field: state",
			      "State changed", "no to") /* line 22 */
			   EV("state_changed author: tester at: " T0
			      " from: planning to: ready field: state",
			      "State changed", "no reason")); /* line 29 */
	cr_assert_eq(d.status, 1);
	only_n(&d, "thread-incomplete-transition", 3);
	const char *attr[] = {"'from'", "'to'", "'reason'"};
	for (size_t i = 0; i < 3; i++) {
		json_t *e = nth(&d, "thread-incomplete-transition", i);
		expect(e, "error", "thread-incomplete-transition", TP(ID1),
		       (int)(15 + 7 * i));
		cr_assert(strstr(str(e, "message"), attr[i]), "%s",
			  str(e, "message"));
	}
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_review_without_valid_status_is_a_warning)
{
	char *dir;
	doc d = one_ticket(
	    &dir, ITEM("planning"),
	    CREATE EV("review author: tester at: " T0, "Review", "no status")
		EV("review author: tester at: " T0 " status: lgtm", "Review",
		   "bad status")
		    EV("review author: tester at: " T0 " status: approve",
		       "Review: approve", "fine"));
	cr_assert_eq(d.status, 0);
	only_n(&d, "thread-bad-review-status", 2);
	expect(nth(&d, "thread-bad-review-status", 0), "warning",
	       "thread-bad-review-status", TP(ID1), 8);
	expect(nth(&d, "thread-bad-review-status", 1), "warning",
	       "thread-bad-review-status", TP(ID1), 15);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_empty_intake_summary)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("ready"),
			   CREATE EV("intake_summary author: tester at: " T0,
				     "Intake summary", "")
			       SC(T0, "planning", "ready"));
	only(&d, "error", "thread-empty-summary", TP(ID1), 8);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, state_drift_is_an_error)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("planning"),
			   CREATE SUMMARY(T0) SC(T0, "planning", "ready"));
	cr_assert_eq(d.status, 1);
	only(&d, "error", "state-drift", IP(ID1), 3);
	const char *m = str(json_array_get(d.diags, 0), "message");
	cr_assert(strstr(m, "'planning'") && strstr(m, "'ready'"), "%s", m);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, state_drift_after_close_event)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("done"),
		   CREATE EV("close author: tester at: " T0 " status: closed",
			     "Closed", "done with it"));
	e2e_write(dir, e2e_tpath(ID1, "resolution.md"), "done\n");
	doc d = doctor_json(dir);
	char *s = dump(&d);
	only(&d, "error", "state-drift", IP(ID1), 3);
	free(s);
	cr_assert(
	    strstr(str(json_array_get(d.diags, 0), "message"), "'closed'"));
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, illegal_transition_in_history_is_a_warning)
{
	char *dir;
	doc d =
	    one_ticket(&dir, ITEM("inprogress"),
		       CREATE SC(T0, "planning", "done") SC(T0, "done", "ready")
			   EV("state_changed author: tester at: " T0
			      " from: ready to: inprogress reason: r "
			      "field: state forced: true",
			      "State changed", "forced is fine"));
	cr_assert_eq(d.status, 0);
	only_n(&d, "thread-illegal-transition", 2);
	expect(nth(&d, "thread-illegal-transition", 0), "warning",
	       "thread-illegal-transition", TP(ID1), 8);
	expect(nth(&d, "thread-illegal-transition", 1), "warning",
	       "thread-illegal-transition", TP(ID1), 15);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, timestamps_going_backwards_is_a_warning)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM_X("planning", T0, T2, ""),
			   CREATE COMMENT(T2) COMMENT(T1) COMMENT(T2));
	cr_assert_eq(d.status, 0);
	only(&d, "warning", "thread-time-backwards", TP(ID1), 15);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, first_event_not_create_is_a_warning)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("planning"), COMMENT(T0) CREATE);
	cr_assert_eq(d.status, 0);
	only(&d, "warning", "thread-first-event", TP(ID1), 1);
	doc_free(&d);
	/* A migration is a fine first event. */
	put_ticket(dir, ID1, ITEM("ready"),
		   EV("migration author: tester at: " T0 " to: ready",
		      "Migrated", "from the old tracker"));
	d = doctor_json(dir);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, closed_without_resolution_is_a_warning)
{
	char *dir;
	doc d = one_ticket(
	    &dir, ITEM("closed"),
	    CREATE EV("close author: tester at: " T0 " status: closed",
		      "Closed", "gone") SC(T0, "planning", "closed"));
	cr_assert_eq(d.status, 0);
	only(&d, "warning", "closed-without-resolution", IP(ID1), 3);
	doc_free(&d);
	e2e_write(dir, e2e_tpath(ID1, "resolution.md"), "gone\n");
	d = doctor_json(dir);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, stale_updated_at_is_a_warning)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("planning"), CREATE COMMENT(T1));
	cr_assert_eq(d.status, 0);
	only(&d, "warning", "item-stale-updated-at", IP(ID1), 5);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_shape_warnings)
{
	char *dir;
	doc d =
	    one_ticket(&dir, ITEM("planning"),
		       "stray preamble\n" CREATE /* event on line 2 */
			   EV("comment author: tester author: other at: " T0,
			      "Comment", "dup")	    /* line 9 */
		       "text after the separator\n" /* line 16 */
		       "<!-- event: comment author: tester at: " T0 " -->\n\n"
		       "## Comment\n\nno separator at the end\n"); /* line 17 */
	/* What follows the last "---" is a torn tail (test_faults.c). */
	cr_assert_eq(d.status, 1);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 5, "%s", s);
	expect(nth(&d, "thread-torn-tail", 0), "error", "thread-torn-tail",
	       TP(ID1), 16);
	free(s);
	expect(nth(&d, "thread-stray-text", 0), "warning", "thread-stray-text",
	       TP(ID1), 1);
	expect(nth(&d, "thread-duplicate-attr", 0), "warning",
	       "thread-duplicate-attr", TP(ID1), 9);
	expect(nth(&d, "thread-stray-text", 1), "warning", "thread-stray-text",
	       TP(ID1), 16);
	expect(nth(&d, "thread-missing-separator", 0), "warning",
	       "thread-missing-separator", TP(ID1), 17);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_without_events)
{
	char *dir;
	doc d = one_ticket(&dir, ITEM("planning"), "");
	only(&d, "error", "thread-empty", TP(ID1), 0);
	doc_free(&d);
	e2e_write(dir, TP(ID1), "just some text\n");
	d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	expect(nth(&d, "thread-empty", 0), "error", "thread-empty", TP(ID1), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, thread_encoding)
{
	char *dir;
	/* An invalid UTF-8 byte in the second event's body (line 12). */
	doc d = one_ticket(&dir, ITEM("planning"),
			   CREATE EV("comment author: tester at: " T0,
				     "Comment", "caf\xe9 latin-1"));
	only(&d, "error", "thread-encoding", TP(ID1), 12);
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- artifacts ---------------------------------------------------------- */

Test(doctor, symlinks_in_artifacts)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"), CREATE);
	e2e_sh(dir,
	       "mkdir -p .yoi/tickets/%s/artifacts/sub && "
	       "echo ok > .yoi/tickets/%s/artifacts/sub/plain.txt && "
	       "ln -s /etc/passwd .yoi/tickets/%s/artifacts/passwd && "
	       "ln -s ../../../.. .yoi/tickets/%s/artifacts/sub/up",
	       ID1, ID1, ID1, ID1);
	put_ticket(dir, ID2, ITEM("planning"), CREATE);
	e2e_sh(dir,
	       "rmdir .yoi/tickets/%s/artifacts && "
	       "ln -s /tmp .yoi/tickets/%s/artifacts",
	       ID2, ID2);
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	only_n(&d, "artifact-symlink", 3);
	expect(nth(&d, "artifact-symlink", 0), "error", "artifact-symlink",
	       e2e_tpath(ID1, "artifacts/passwd"), 0);
	expect(nth(&d, "artifact-symlink", 1), "error", "artifact-symlink",
	       e2e_tpath(ID1, "artifacts/sub/up"), 0);
	expect(nth(&d, "artifact-symlink", 2), "error", "artifact-symlink",
	       e2e_tpath(ID2, "artifacts"), 0);
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- output formats ----------------------------------------------------- */

static char *broken_pair(void)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"),
		   CREATE SUMMARY(T0) SC(T0, "planning", "ready"));
	put_ticket(dir, ID2, ITEM("planning"), CREATE);
	e2e_sh(dir, "rmdir .yoi/tickets/%s/artifacts", ID2);
	return dir;
}

Test(doctor, text_format)
{
	char *dir = broken_pair();
	e2e_result r = RUN(dir, "doctor");
	cr_assert_eq(r.status, 1);
	cr_assert_str_eq(r.out,
			 "error: .yoi/tickets/" ID1 "/item.md:3: [state-drift] "
			 "item.md says state 'planning' but thread.md replays "
			 "to 'ready'; run 'yoi-tickets doctor --fix' to make "
			 "item.md follow the thread\n"
			 "warning: .yoi/tickets/" ID2
			 "/artifacts: [layout-missing-artifacts] the "
			 "artifacts/ directory is missing; 'doctor --fix' "
			 "creates it\n");
	cr_assert(strstr(r.err, "1 error(s), 1 warning(s)"), "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor", "--format", "text");
	cr_assert_eq(r.status, 1);
	cr_assert(strncmp(r.out, "error: ", 7) == 0);
	e2e_free(&r);
	r = RUN(dir, "doctor", "--format", "yaml");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	r = RUN(dir, "doctor", "extra");
	cr_assert_eq(r.status, 2);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(doctor, github_format)
{
	char *dir = broken_pair();
	e2e_result r = RUN(dir, "doctor", "--format", "github");
	cr_assert_eq(r.status, 1);
	/* Workflow commands; a finding without a line points at line 1. */
	cr_assert(strncmp(r.out,
			  "::error file=.yoi/tickets/" ID1
			  "/item.md,line=3,title=state-drift::item.md says "
			  "state 'planning'",
			  strlen("::error file=.yoi/tickets/" ID1
				 "/item.md,line=3,title=state-drift::item.md "
				 "says state 'planning'")) == 0,
		  "%s", r.out);
	cr_assert(strstr(r.out, "\n::warning file=.yoi/tickets/" ID2
				"/artifacts,line=1,title=layout-missing-"
				"artifacts::the artifacts/ directory"),
		  "%s", r.out);
	cr_assert_eq(e2e_count(r.out, "\n"), 2);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(doctor, json_format_fields)
{
	char *dir = broken_pair();
	doc d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	cr_assert_eq(json_integer_value(json_object_get(d.root, "errors")), 1);
	cr_assert_eq(json_integer_value(json_object_get(d.root, "warnings")),
		     1);
	/* Sorted by path, then line. */
	expect(json_array_get(d.diags, 0), "error", "state-drift", IP(ID1), 3);
	expect(json_array_get(d.diags, 1), "warning",
	       "layout-missing-artifacts", e2e_tpath(ID2, "artifacts"), 0);
	doc_free(&d);
	/* --json is the same as --format json. */
	e2e_result r = RUN(dir, "doctor", "--json");
	cr_assert_eq(r.status, 1);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	cr_assert_eq(json_array_size(json_object_get(j, "diagnostics")), 2);
	json_decref(j);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(doctor, works_from_a_subdirectory)
{
	char *dir = broken_pair();
	e2e_sh(dir, "mkdir -p src/deep");
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/src/deep", dir);
	doc d = doctor_json(sub);
	cr_assert_eq(d.status, 1);
	expect(json_array_get(d.diags, 0), "error", "state-drift", IP(ID1), 3);
	doc_free(&d);
	e2e_rm(dir);
}

/* ---- doctor --fix ------------------------------------------------------- */

static doc doctor_fix(const char *dir, char **err)
{
	e2e_result r = RUN(dir, "doctor", "--fix", "--format", "json");
	doc d = {r.status, NULL, NULL, NULL};
	d.root = json_loads(r.out, 0, NULL);
	cr_assert_not_null(d.root, "%s", r.out);
	d.diags = json_object_get(d.root, "diagnostics");
	*err = r.err;
	free(r.out);
	return d;
}

Test(doctor, fix_repairs_state_drift)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"),
		   CREATE SUMMARY(T0) SC(T0, "planning", "ready"));
	char *before = e2e_read(dir, IP(ID1));
	char *thread_before = e2e_read(dir, TP(ID1));
	char *err;
	doc d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 0, "%s", err);
	cr_assert_eq(json_array_size(d.diags), 0);
	cr_assert(strstr(err, "fixed " ID1 ": state"), "%s", err);
	doc_free(&d);
	free(err);

	char *after = e2e_read(dir, IP(ID1));
	cr_assert(strstr(after, "\nstate: 'ready'\n"), "%s", after);
	/* Only the state and updated_at lines changed. */
	cr_assert(strstr(after, "title: 'Broken'\n"));
	cr_assert(strstr(after, "created_at: '" T0 "'\n"));
	cr_assert_null(strstr(after, "updated_at: '" T0 "'"));
	cr_assert_str_eq(strstr(before, "\n---\n"), strstr(after, "\n---\n"));
	/* The thread only grew, by one edit event. */
	char *thread = e2e_read(dir, TP(ID1));
	cr_assert(strncmp(thread, thread_before, strlen(thread_before)) == 0);
	const char *tail = thread + strlen(thread_before);
	cr_assert_eq(e2e_count(tail, "<!-- event: "), 1, "%s", tail);
	cr_assert(strstr(tail, "<!-- event: edit "), "%s", tail);
	cr_assert(strstr(tail, "fields: state"), "%s", tail);

	d = doctor_json(dir);
	cr_assert_eq(d.status, 0);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);
	/* Nothing left to fix: a second --fix changes nothing. */
	e2e_result r = RUN(dir, "doctor", "--fix");
	cr_assert_eq(r.status, 0);
	cr_assert_null(strstr(r.err, "fixed"), "%s", r.err);
	e2e_free(&r);
	char *again = e2e_read(dir, TP(ID1));
	cr_assert_str_eq(again, thread);
	free(again);
	/* The ticket goes on from the repaired state. */
	r = RUN(dir, "state", ID1, "queued");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(before);
	free(after);
	free(thread);
	free(thread_before);
	e2e_rm(dir);
}

Test(doctor, fix_creates_missing_artifacts)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"), CREATE);
	e2e_sh(dir, "rmdir .yoi/tickets/%s/artifacts", ID1);
	char *err;
	doc d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 0, "%s", err);
	cr_assert_eq(json_array_size(d.diags), 0);
	cr_assert(strstr(err, "fixed " ID1 ": "), "%s", err);
	cr_assert(strstr(err, "artifacts"), "%s", err);
	free(err);
	doc_free(&d);
	cr_assert_eq(e2e_sh(dir, "test -d .yoi/tickets/%s/artifacts", ID1), 0);
	char *thread = e2e_read(dir, TP(ID1));
	cr_assert_eq(e2e_count(thread, "<!-- event: edit "), 1);
	free(thread);
	d = doctor_json(dir);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, fix_moves_stale_updated_at_up)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"), CREATE COMMENT(T1));
	char *err;
	doc d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 0, "%s", err);
	cr_assert_eq(json_array_size(d.diags), 0);
	cr_assert(strstr(err, "fixed " ID1 ": updated_at"), "%s", err);
	free(err);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item, "state: 'planning'"));
	cr_assert_null(strstr(item, "updated_at: '" T0 "'"), "%s", item);
	free(item);
	char *thread = e2e_read(dir, TP(ID1));
	cr_assert_eq(e2e_count(thread, "<!-- event: edit "), 1);
	cr_assert(strstr(thread, "fields: updated_at"), "%s", thread);
	free(thread);
	d = doctor_json(dir);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, fix_leaves_what_it_cannot_repair)
{
	char *dir = e2e_store();
	/* Fixable. */
	put_ticket(dir, ID1, ITEM("planning"),
		   CREATE SUMMARY(T0) SC(T0, "planning", "ready"));
	/* Not fixable: an obsolete field and a malformed event line. */
	put_ticket(dir, ID2, ITEM_X("planning", T0, T0, "kind: 'bug'\n"),
		   CREATE);
	put_ticket(dir, ID3, ITEM("planning"),
		   CREATE "<!-- event: comment author: tester at: " T0 "\n\n"
			  "## Comment\n\nbroken marker\n\n---\n");
	char *item2 = e2e_read(dir, IP(ID2)), *thread2 = e2e_read(dir, TP(ID2));
	char *item3 = e2e_read(dir, IP(ID3)), *thread3 = e2e_read(dir, TP(ID3));

	char *err;
	doc d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 1, "errors remain: %s", err);
	cr_assert(strstr(err, "fixed " ID1), "%s", err);
	cr_assert_null(strstr(err, "fixed " ID2), "%s", err);
	cr_assert_null(strstr(err, "fixed " ID3), "%s", err);
	free(err);
	char *s = dump(&d);
	cr_assert_eq(json_array_size(d.diags), 2, "%s", s);
	free(s);
	expect(nth(&d, "item-obsolete-field", 0), "error",
	       "item-obsolete-field", IP(ID2), 6);
	expect(nth(&d, "thread-malformed-event", 0), "error",
	       "thread-malformed-event", TP(ID3), 8);
	doc_free(&d);

	char *s2 = e2e_read(dir, IP(ID2)), *s3 = e2e_read(dir, TP(ID2));
	cr_assert_str_eq(s2, item2);
	cr_assert_str_eq(s3, thread2);
	free(s2);
	free(s3);
	s2 = e2e_read(dir, IP(ID3));
	s3 = e2e_read(dir, TP(ID3));
	cr_assert_str_eq(s2, item3);
	cr_assert_str_eq(s3, thread3);
	free(s2);
	free(s3);
	char *item1 = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item1, "state: 'ready'"));
	free(item1);

	/* The remaining errors still fail a plain doctor. */
	d = doctor_json(dir);
	cr_assert_eq(d.status, 1);
	cr_assert_eq(json_array_size(d.diags), 2);
	doc_free(&d);
	free(item2);
	free(thread2);
	free(item3);
	free(thread3);
	e2e_rm(dir);
}

Test(doctor, fix_repairs_drift_but_keeps_other_lines)
{
	char *dir = e2e_store();
	/* Drift plus an obsolete field in the same item.md. */
	put_ticket(dir, ID1,
		   ITEM_X("planning", T0, T0,
			  "slug: 'keep-me'\nmystery:   \"odd  spacing\"\n"),
		   CREATE SUMMARY(T0) SC(T0, "planning", "ready"));
	char *err;
	doc d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 1, "%s", err);
	cr_assert(strstr(err, "fixed " ID1), "%s", err);
	free(err);
	only(&d, "error", "item-obsolete-field", IP(ID1), 6);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item, "\nstate: 'ready'\n"), "%s", item);
	cr_assert(strstr(item, "\nslug: 'keep-me'\n"), "%s", item);
	cr_assert(strstr(item, "\nmystery:   \"odd  spacing\"\n"), "%s", item);
	free(item);
	e2e_rm(dir);
}

Test(doctor, fix_with_only_warnings_left_exits_0)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"),
		   CREATE SUMMARY(T0) SC(T0, "planning", "ready"));
	/* A warning --fix does not touch. */
	put_ticket(dir, ID2, ITEM("planning"), COMMENT(T0) CREATE);
	e2e_result r = RUN(dir, "doctor", "--fix");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "[thread-first-event]"), "%s", r.out);
	cr_assert_null(strstr(r.out, "state-drift"), "%s", r.out);
	cr_assert(strstr(r.err, "fixed " ID1), "%s", r.err);
	e2e_free(&r);
	e2e_rm(dir);
}

Test(doctor, fix_keeps_crlf_and_a_missing_final_newline)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1,
		   "---\r\ntitle: 'Windows'\r\nstate: 'planning'\r\n"
		   "created_at: '" T0 "'\r\nupdated_at: '" T0 "'\r\n---\r\n"
		   "body\r\n",
		   "<!-- event: create author: tester at: " T0 " -->\r\n\r\n"
		   "## Created\r\n\r\nx\r\n\r\n---\r\n"
		   "<!-- event: state_changed author: tester at: " T0
		   " from: planning to: ready reason: r field: state -->\r\n"
		   "\r\n## State changed\r\n\r\nx\r\n\r\n---");
	doc d = doctor_json(dir);
	only(&d, "error", "state-drift", IP(ID1), 3);
	doc_free(&d);
	char *err;
	d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 0, "%s", err);
	cr_assert_eq(json_array_size(d.diags), 0);
	free(err);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID1));
	cr_assert(strstr(item, "\r\nstate: 'ready'\r\n"), "%s", item);
	cr_assert_eq(e2e_count(item, "\n"), e2e_count(item, "\r\n"));
	free(item);
	char *thread = e2e_read(dir, TP(ID1));
	/* The old last line got its newline; the new block is CRLF too. */
	cr_assert(strstr(thread, "\r\n---\r\n<!-- event: edit "), "%s", thread);
	cr_assert_eq(e2e_count(thread, "\n"), e2e_count(thread, "\r\n"));
	free(thread);
	d = doctor_json(dir);
	cr_assert_eq(json_array_size(d.diags), 0);
	doc_free(&d);
	e2e_rm(dir);
}

Test(doctor, fix_does_not_follow_a_thread_to_an_unknown_state)
{
	char *dir = e2e_store();
	put_ticket(dir, ID1, ITEM("planning"),
		   CREATE SC(T0, "planning", "limbo"));
	char *item0 = e2e_read(dir, IP(ID1));
	char *thread0 = e2e_read(dir, TP(ID1));
	char *err;
	doc d = doctor_fix(dir, &err);
	cr_assert_eq(d.status, 1, "%s", err);
	cr_assert_null(strstr(err, "fixed"), "%s", err);
	free(err);
	expect(nth(&d, "thread-incomplete-transition", 0), "error",
	       "thread-incomplete-transition", TP(ID1), 8);
	doc_free(&d);
	char *item = e2e_read(dir, IP(ID1)), *thread = e2e_read(dir, TP(ID1));
	cr_assert_str_eq(item, item0);
	cr_assert_str_eq(thread, thread0);
	free(item);
	free(thread);
	free(item0);
	free(thread0);
	e2e_rm(dir);
}
