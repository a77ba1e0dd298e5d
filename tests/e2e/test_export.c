/*
 * End-to-end: `export` and `import --from yoi` (issue 19). The round trip
 * is the test: export a store, import it into a new repository, and the
 * two tickets trees are the same byte for byte (diff -r), and doctor says
 * the same of both.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void ok(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s: exit %d: %s", argv[0], r.status, r.err);
	e2e_free(&r);
}
#define DO(dir, ...) ok((dir), (const char *const[]){__VA_ARGS__, NULL})

/* A store that uses every feature the CLI has, plus files written by hand
 * (comments, unknown fields, CRLF, a binary attachment, an empty folder). */
static char *full_store(void)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha: parse 'quotes'",
			  "--assignee", "ann", "--readiness",
			  "implementation_ready", "--priority", "P1",
			  "--risk-flag", "parser", "--risk-flag", "io");
	char *b = OK_LINE(dir, "create", "--title", "Beta", "--slug", "beta");
	char *c = OK_LINE(dir, "create", "--title", "Gamma", "--depends-on", b);
	char *d = OK_LINE(dir, "create", "--title", "Delta");
	/* Every event kind the CLI writes. */
	DO(dir, "comment", a, "--message", "a comment\n<!-- event: forged -->");
	DO(dir, "plan", a, "--message", "the plan");
	DO(dir, "decision", a, "--message", "we decided");
	DO(dir, "report", a, "--message", "done it");
	DO(dir, "review", a, "--approve", "--message", "fine");
	DO(dir, "review", a, "--request-changes", "--message", "not yet");
	DO(dir, "edit", a, "--title", "Alpha, edited");
	DO(dir, "state", a, "ready", "--summary", "clear enough");
	DO(dir, "state", a, "queued");
	DO(dir, "state", a, "inprogress");
	DO(dir, "state", a, "done");
	DO(dir, "close", a, "--resolution", "Shipped.");
	DO(dir, "reopen", a, "--reason", "regressed");
	DO(dir, "close", d, "--resolution", "Not needed.");
	/* Relations of every kind, plan records. */
	DO(dir, "relation", "add", b, "--kind", "blocks", "--target", d);
	DO(dir, "relation", "add", b, "--kind", "related", "--target", a,
	   "--note", "see also");
	DO(dir, "relation", "add", d, "--kind", "supersedes", "--target", a);
	DO(dir, "relation", "add", d, "--kind", "duplicate_of", "--target", b);
	DO(dir, "plan", "add", c, "--kind", "blocked_by", "--related", b,
	   "--note", "b first");
	DO(dir, "plan", "add", c, "--kind", "accepted_plan", "--summary",
	   "do it", "--branch", "work/x", "--worktree", ".worktree/x",
	   "--role-plan", "coder");
	DO(dir, "plan", "add", c, "--kind", "waiting_capacity_note");
	/* Hand-written: comments, an unknown field, a block list, CRLF. */
	e2e_put_ticket(dir, "00001JN8EY4M0",
		       "---\n# kept comment\ntitle:   \"Hand made\"  \n"
		       "state: planning\ncreated_at: 2026-01-02T03:04:05Z\n"
		       "updated_at: 2026-01-02T03:04:05Z\nrisk_flags:\n"
		       "  - one\n  - two\ncustom_field: {a: 1}\n---\n\nBody "
		       "without final newline",
		       "<!-- event: create author: hand at: "
		       "2026-01-02T03:04:05Z -->\n\n## Created\n\nTicket "
		       "created.\n\n---\n");
	e2e_put_ticket(dir, "00001JNB6FN20",
		       "---\r\ntitle: 'CRLF'\r\nstate: 'planning'\r\n"
		       "created_at: '2026-01-02T03:04:05Z'\r\nupdated_at: "
		       "'2026-01-02T03:04:05Z'\r\n---\r\n## Background\r\n",
		       "<!-- event: create author: hand at: "
		       "2026-01-02T03:04:05Z -->\r\n\r\n## Created\r\n\r\n"
		       "Ticket created.\r\n\r\n---\r\n");
	char blob[256], empty[256], notes[256];
	snprintf(blob, sizeof(blob), "%s", e2e_tpath(b, "artifacts/blob.bin"));
	snprintf(empty, sizeof(empty), "%s",
		 e2e_tpath(b, "artifacts/empty/folder"));
	snprintf(notes, sizeof(notes), "%s", e2e_tpath(b, "notes.txt"));
	cr_assert_eq(e2e_sh(dir,
			    "printf '\\000\\377binary\\n' > '%s' && "
			    "mkdir -p '%s' && printf 'x' > '%s'",
			    blob, empty, notes),
		     0);
	free(a);
	free(b);
	free(c);
	free(d);
	return dir;
}

/* The two tickets trees are the same, byte for byte. */
static void same_tree(const char *a, const char *b)
{
	cr_assert_eq(e2e_sh(a, "diff -r .yoi/tickets '%s/.yoi/tickets' >&2", b),
		     0, "the tickets trees of %s and %s differ", a, b);
}

/* doctor says the same of both stores. */
static void same_doctor(const char *a, const char *b)
{
	e2e_result x = RUN(a, "doctor", "--format", "json");
	e2e_result y = RUN(b, "doctor", "--format", "json");
	cr_assert_eq(x.status, y.status);
	cr_assert_str_eq(x.out, y.out);
	e2e_free(&x);
	e2e_free(&y);
	x = RUN(a, "doctor");
	y = RUN(b, "doctor");
	cr_assert_str_eq(x.out, y.out);
	e2e_free(&x);
	e2e_free(&y);
}

/* Export src to a file, import it into a new store; returns the store. */
static char *round_trip(const char *src, const char *format)
{
	char file[512];
	snprintf(file, sizeof(file), "%s/export-%s.out", src, format);
	DO(src, "export", "--format", format, "-o", file);
	char *dst = e2e_store();
	e2e_result r = RUN(dst, "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, "skipped 0 identical"), "%s", r.out);
	e2e_free(&r);
	same_tree(src, dst);
	same_doctor(src, dst);
	return dst;
}

Test(export, every_feature_round_trips_byte_for_byte)
{
	char *src = full_store();
	char *dst = round_trip(src, "jsonl");
	char *dst2 = round_trip(src, "json");
	/* The copy works as the original: list and route agree. */
	e2e_result x = RUN(src, "list", "--state", "all");
	e2e_result y = RUN(dst, "list", "--state", "all");
	cr_assert_str_eq(x.out, y.out);
	e2e_free(&x);
	e2e_free(&y);
	e2e_rm(dst2);
	e2e_rm(dst);
	e2e_rm(src);
}

Test(export, legacy_fixtures_round_trip)
{
	const char *srcdir = getenv("YOI_SRCDIR");
	char *src = e2e_store();
	cr_assert_eq(e2e_sh(src,
			    "cp -R '%s/tests/fixtures/legacy/.' .yoi/tickets/",
			    srcdir ? srcdir : "."),
		     0, "set YOI_SRCDIR");
	char *dst = round_trip(src, "jsonl");
	e2e_rm(dst);
	e2e_rm(src);
}

Test(export, the_views_and_the_files_of_a_ticket)
{
	char *src = full_store();
	e2e_result r = RUN(src, "export", "--state", "closed,planning");
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* Header, one line a ticket, the end line. */
	size_t lines = e2e_count(r.out, "\n");
	char *last = strrchr(r.out, '{');
	json_t *end = json_loads(last, 0, NULL);
	cr_assert_not_null(end);
	cr_assert(json_is_true(json_object_get(end, "end")));
	cr_assert_eq(json_integer_value(json_object_get(end, "tickets")),
		     (json_int_t)lines - 2);
	json_decref(end);
	char *line = strchr(r.out, '\n') + 1;
	bool seen_closed = false;
	for (size_t i = 0; i + 2 < lines; i++) {
		char *nl = strchr(line, '\n');
		json_t *t = json_loadb(line, (size_t)(nl - line), 0, NULL);
		cr_assert_not_null(t);
		const char *state =
		    json_string_value(json_object_get(t, "state"));
		cr_assert(!strcmp(state, "closed") ||
			      !strcmp(state, "planning"),
			  "%s", state);
		json_t *files = json_object_get(t, "files");
		cr_assert(json_is_string(json_object_get(files, "item.md")));
		cr_assert(json_is_array(json_object_get(t, "events")));
		if (!strcmp(state, "closed")) {
			seen_closed = true;
			cr_assert_str_eq(
			    json_string_value(json_object_get(t, "resolution")),
			    "Not needed.\n");
			cr_assert_eq(
			    json_array_size(json_object_get(t, "relations")),
			    2);
		}
		json_decref(t);
		line = nl + 1;
	}
	cr_assert(seen_closed);
	e2e_free(&r);
	/* stdout and -o write the same tickets. */
	r = RUN(src, "export", "--format", "json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *doc = json_loads(r.out, 0, NULL);
	cr_assert_not_null(doc);
	cr_assert_eq(json_array_size(json_object_get(doc, "tickets")), 6);
	json_decref(doc);
	e2e_free(&r);
	e2e_rm(src);
}

Test(export, a_second_import_skips_what_is_there)
{
	char *src = full_store();
	char file[512];
	snprintf(file, sizeof(file), "%s/x.jsonl", src);
	DO(src, "export", "-o", file);
	char *dst = round_trip(src, "jsonl");
	e2e_result r = RUN(dst, "import", "--from", "yoi", file, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert_eq(json_array_size(json_object_get(j, "created")), 0);
	cr_assert_eq(json_array_size(json_object_get(j, "skipped")), 6);
	json_decref(j);
	e2e_free(&r);
	r = RUN(dst, "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 0);
	cr_assert_eq(e2e_count(r.out, "(already in the store, identical)"), 6);
	e2e_free(&r);
	same_tree(src, dst);
	e2e_rm(dst);
	e2e_rm(src);
}

Test(export, other_content_under_one_id_refuses_everything)
{
	char *src = full_store();
	char file[512];
	snprintf(file, sizeof(file), "%s/x.jsonl", src);
	DO(src, "export", "-o", file);
	char *dst = e2e_store();
	e2e_put_ticket(dst, "00001JNB6FN20", "---\ntitle: other\n---\n",
		       "<!-- event: create author: x at: 2026-01-02T03:04:05Z "
		       "-->\n\n## Created\n\n---\n");
	e2e_result r = RUN(dst, "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "00001JNB6FN20"), "%s", r.err);
	cr_assert(strstr(r.err, "nothing was imported"), "%s", r.err);
	e2e_free(&r);
	/* Nothing else came in. */
	cr_assert_eq(e2e_sh(dst, "test \"$(ls -A .yoi/tickets)\" = "
				 "00001JNB6FN20"),
		     0);
	e2e_rm(dst);
	e2e_rm(src);
}

/* Import text as the export file; require exit status and words. */
static void bad_import(const char *text, int status, const char *words)
{
	char *dst = e2e_store();
	e2e_write(dst, "in.jsonl", text);
	e2e_result r = RUN(dst, "import", "--from", "yoi", "in.jsonl");
	cr_assert_eq(r.status, status, "%s: %s", text, r.err);
	cr_assert(strstr(r.err, words), "%s", r.err);
	cr_assert(strstr(r.err, "in.jsonl"), "names the file: %s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst, "test -z \"$(ls -A .yoi/tickets)\""), 0,
		     "nothing written");
	e2e_rm(dst);
}

#define HEAD "{\"format\":\"yoi-tickets-export\",\"version\":1}\n"
#define END  "{\"format\":\"yoi-tickets-export\",\"end\":true,\"tickets\":1}\n"
#define GOOD "{\"id\":\"00001JN8EY4M0\",\"files\":{\"item.md\":\"x\"}}\n"

Test(export, bad_input_names_the_line_and_writes_nothing)
{
	/* The baseline imports. */
	char *dst = e2e_store();
	e2e_write(dst, "in.jsonl", HEAD GOOD END);
	OK(dst, "import", "--from", "yoi", "in.jsonl");
	cr_assert(e2e_exists(dst, e2e_tpath("00001JN8EY4M0", "item.md")));
	e2e_rm(dst);
	bad_import(HEAD "{\"id\":\"00001JN8EY4M0\",\"fil", 7, ":2:");
	bad_import(HEAD GOOD, 7, "end line");
	bad_import("{\"format\":\"beads\"}\n" GOOD END, 7,
		   "not a yoi-tickets export");
	bad_import(
	    "{\"format\":\"yoi-tickets-export\",\"version\":9}\n" GOOD END, 7,
	    "version");
	bad_import(HEAD
		   "{\"id\":\"00001JN8EY4M0\",\"files\":{\"../../evil\":\"x\"}}"
		   "\n" END,
		   7, ":2:");
	bad_import(HEAD
		   "{\"id\":\"00001JN8EY4M0\",\"files\":{\"/tmp/evil\":\"x\"}}"
		   "\n" END,
		   7, "absolute");
	bad_import(HEAD "{\"id\":\"../../x\",\"files\":{}}\n" END, 7, "\"id\"");
	/* A file named like the folder another file goes in. */
	bad_import(HEAD "{\"id\":\"00001JN8EY4M0\",\"files\":{\"artifacts\":"
			"\"x\",\"artifacts/y\":\"z\"}}\n" END,
		   7, "which is a file");
	bad_import(HEAD GOOD GOOD
		   "{\"format\":\"yoi-tickets-export\",\"end\":true,"
		   "\"tickets\":2}\n",
		   7, "twice");
}

Test(export, a_linked_ticket_folder_is_never_written_through)
{
	char *dst = e2e_store();
	e2e_write(dst, "in.jsonl", HEAD GOOD END);
	cr_assert_eq(e2e_sh(dst, "mkdir outside && ln -s \"$PWD/outside\" "
				 ".yoi/tickets/00001JN8EY4M0"),
		     0);
	e2e_result r = RUN(dst, "import", "--from", "yoi", "in.jsonl");
	cr_assert_eq(r.status, 4, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst, "test -z \"$(ls -A outside)\""), 0);
	/* A linked .yoi: the walk from the top refuses it. */
	char *dst2 = e2e_store();
	e2e_write(dst2, "in.jsonl", HEAD GOOD END);
	cr_assert_eq(e2e_sh(dst2, "mv .yoi real-yoi && ln -s "
				  "\"$PWD/real-yoi\" .yoi"),
		     0);
	r = RUN(dst2, "import", "--from", "yoi", "in.jsonl");
	cr_assert_neq(r.status, 0, "%s", r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst2, "test ! -e real-yoi/tickets/00001JN8EY4M0"),
		     0);
	e2e_rm(dst2);
	e2e_rm(dst);
}

Test(export, dry_run_and_stdin)
{
	char *src = full_store();
	char file[512];
	snprintf(file, sizeof(file), "%s/x.jsonl", src);
	DO(src, "export", "-o", file);
	char *dst = e2e_store();
	e2e_result r = RUN(dst, "import", "--from", "yoi", "--dry-run", file);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(e2e_count(r.out, "would create "), 6, "%s", r.out);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst, "test -z \"$(ls -A .yoi/tickets)\""), 0);
	char *text = e2e_read(src, "x.jsonl");
	r = RUN_IN(dst, text, "import", "--from", "yoi", "-");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	free(text);
	same_tree(src, dst);
	e2e_rm(dst);
	e2e_rm(src);
}

Test(export, usage_errors)
{
	char *dir = e2e_store();
	const struct {
		const char *const *argv;
		int status;
	} cases[] = {
	    {(const char *const[]){"import", "--from", "yoi", NULL}, 2},
	    {(const char *const[]){"import", "x.jsonl", NULL}, 2},
	    {(const char *const[]){"import", "--from", "tk", "x", NULL}, 3},
	    {(const char *const[]){"import", "--from", "yoi", "nope", NULL}, 3},
	    {(const char *const[]){"export", "--format", "xml", NULL}, 2},
	    {(const char *const[]){"export", "--state", "bogus", NULL}, 2},
	    {(const char *const[]){"export", "extra", NULL}, 2},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		e2e_result r = e2e_run(dir, NULL, cases[i].argv);
		cr_assert_eq(r.status, cases[i].status, "case %zu: %s", i,
			     r.err);
		e2e_free(&r);
	}
	e2e_rm(dir);
}

/* The fault build (YOI_FAULT_BIN) with YOI_FAULT=fault. */
static e2e_result run_fault(const char *dir, const char *fault,
			    const char *const *argv)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	setenv("YOI_FAULT", fault, 1);
	e2e_result r = e2e_run_bin(bin, dir, NULL, argv);
	unsetenv("YOI_FAULT");
	return r;
}
#define FAULT(dir, fault, ...)                                                 \
	run_fault((dir), (fault), (const char *const[]){__VA_ARGS__, NULL})

/* A failed or killed import leaves no ticket half made, and the next
 * import completes the store. */
Test(export, an_interrupted_import_is_all_or_nothing_and_completed_by_a_retry)
{
	char *src = full_store();
	char file[512];
	snprintf(file, sizeof(file), "%s/x.jsonl", src);
	DO(src, "export", "-o", file);

	/* A write that fails (full disk): exit 6, nothing at all. */
	char *dst = e2e_store();
	e2e_result r =
	    FAULT(dst, "import-write-fails", "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 6, "%s", r.err);
	cr_assert(strstr(r.err, "nothing was imported"), "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst, "test -z \"$(ls -A .yoi/tickets)\""), 0);

	/* Killed with every folder staged: no ticket is in, doctor sees
	 * nothing; the next import sweeps the staging folders and imports. */
	r = FAULT(dst, "import-after-stage", "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 128 + 9, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst,
			    "test -z \"$(ls .yoi/tickets)\" && "
			    "ls -A .yoi/tickets | grep -q '^.yoi-import-'"),
		     0);
	e2e_doctor_clean(dst);
	r = RUN(dst, "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(dst, "! ls -A .yoi/tickets | grep -q '^\\.'"), 0);
	same_tree(src, dst);
	e2e_rm(dst);

	/* Killed after the first ticket went into place: the retry skips
	 * it and brings the rest. */
	dst = e2e_store();
	r = FAULT(dst, "import-mid-rename", "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 128 + 9, "%s", r.err);
	e2e_free(&r);
	r = RUN(dst, "import", "--from", "yoi", file);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 5 tickets, skipped 1 identical"),
		  "%s", r.out);
	e2e_free(&r);
	same_tree(src, dst);
	same_doctor(src, dst);
	e2e_rm(dst);
	e2e_rm(src);
}

/* --state takes what list --state takes (a word or S,S, active, all),
 * repeatable, as the union; a word that is no state is a usage error. */
Test(export, state_words_are_those_of_list)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Planned");
	char *b = OK_LINE(dir, "create", "--title", "Gone");
	OK(dir, "close", b, "--resolution", "not needed");
	e2e_result r = RUN(dir, "export", "--state", "active");
	cr_assert(strstr(r.out, a) && !strstr(r.out, b), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "export", "--state", "ready,closed");
	cr_assert(!strstr(r.out, a) && strstr(r.out, b), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "export", "--state", "active", "--state", "closed");
	cr_assert(strstr(r.out, a) && strstr(r.out, b), "%s", r.out);
	e2e_free(&r);
	r = RUN(dir, "export", "--state", "ready,bogus");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(strstr(r.err, "'bogus'"), "%s", r.err);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}
