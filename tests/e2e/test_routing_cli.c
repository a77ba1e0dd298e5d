/*
 * End-to-end: every routing command of issue 3 (SPEC 6, 7, 8, 12) and
 * every refusal, with exit statuses, messages, --json field by field, and
 * proof that a refusal wrote nothing (a digest of the whole store).
 * test_relation.c, test_plan.c, test_route.c and test_routing.c hold the
 * first happy paths; this file covers the rest.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define T0   "2026-06-27T19:08:16Z"
#define NOID "7ZZZZZZZZZZZZ"

/* ---- helpers ------------------------------------------------------------- */

static e2e_result expect(const char *dir, int want, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_lt(r.status, 128, "%s crashed (%d): %s", argv[0], r.status,
		     r.err);
	cr_assert_eq(r.status, want, "%s %s: exit %d, want %d: %s", argv[0],
		     argv[1] ? argv[1] : "", r.status, want, r.err);
	return r;
}
#define EXPECT(dir, want, ...)                                                 \
	expect((dir), (want), (const char *const[]){__VA_ARGS__, NULL})

/* Exit status want, stdout empty, stderr containing needle (if any). */
static void refused(const char *dir, int want, const char *needle,
		    const char *const *argv)
{
	e2e_result r = expect(dir, want, argv);
	cr_assert_eq(r.out[0], '\0', "%s: stdout on a refusal: %s", argv[0],
		     r.out);
	cr_assert(r.err[0], "%s: no message", argv[0]);
	if (needle)
		cr_assert(strstr(r.err, needle), "%s: want '%s' in: %s",
			  argv[0], needle, r.err);
	e2e_free(&r);
}
#define REFUSED(dir, want, needle, ...)                                        \
	refused((dir), (want), (needle),                                       \
		(const char *const[]){__VA_ARGS__, NULL})

/*
 * Every path, type and inode under .yoi (the lock file aside) plus every
 * file's hash: an atomic rewrite changes an inode, an append a hash, a
 * new ticket or artifact adds a path.
 */
static char *digest(const char *dir)
{
	char name[64];
	snprintf(name, sizeof(name), "yoi-rcli-%d.sum", (int)getpid());
	cr_assert_eq(
	    e2e_sh(dir,
		   "{ find .yoi ! -name .lock -printf '%%y %%i %%p\\n' "
		   "| LC_ALL=C sort -k3; find .yoi -type f ! -name "
		   ".lock -print0 | LC_ALL=C sort -z | xargs -0r "
		   "sha1sum; } >/tmp/%s",
		   name),
	    0);
	char *s = e2e_read("/tmp", name);
	e2e_sh("/tmp", "rm -f %s", name);
	return s;
}

static void same_store(const char *dir, const char *before, const char *what)
{
	char *now = digest(dir);
	cr_assert_str_eq(now, before, "%s wrote to the store", what);
	free(now);
}

static char *new_ticket(const char *dir, const char *title)
{
	return OK_LINE(dir, "create", "--title", title);
}

static void to_ready(const char *dir, const char *id)
{
	OK(dir, "state", id, "ready", "--summary", "s");
}

static void to_queued(const char *dir, const char *id)
{
	to_ready(dir, id);
	OK(dir, "state", id, "queued");
}

static void to_inprogress(const char *dir, const char *id)
{
	to_queued(dir, id);
	OK(dir, "state", id, "inprogress");
}

static void to_done(const char *dir, const char *id)
{
	to_inprogress(dir, id);
	OK(dir, "state", id, "done");
}

static json_t *jparse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	cr_assert_not_null(j, "not JSON (%s): %s", e.text, text);
	return j;
}

static json_t *jrun(const char *dir, const char *const *argv)
{
	e2e_result r = e2e_run(dir, NULL, argv);
	cr_assert_eq(r.status, 0, "%s: %s", argv[0], r.err);
	json_t *j = jparse(r.out);
	e2e_free(&r);
	return j;
}
#define JRUN(dir, ...) jrun((dir), (const char *const[]){__VA_ARGS__, NULL})

static const char *js(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	cr_assert(json_is_string(v), "'%s' is not a string", key);
	return json_string_value(v);
}
#define JEQ(o, key, want) cr_assert_str_eq(js((o), (key)), (want), "%s", (key))
#define JNULL(o, key)                                                          \
	cr_assert(json_is_null(json_object_get((o), (key))), "'%s' not null",  \
		  (key))

/* o is an object with exactly these keys. */
static void keys_are(const json_t *o, const char *const *keys)
{
	cr_assert(json_is_object(o), "not an object");
	size_t n = 0;
	for (; keys[n]; n++)
		cr_assert_not_null(json_object_get(o, keys[n]), "no key '%s'",
				   keys[n]);
	cr_assert_eq(json_object_size(o), n, "%zu keys, want %zu",
		     json_object_size(o), n);
}
#define KEYS(o, ...) keys_are((o), (const char *const[]){__VA_ARGS__, NULL})

/* Every new event carries an identity: 16 lowercase hex digits. */
static void event_id_ok(const json_t *attrs)
{
	const char *id = json_string_value(json_object_get(attrs, "id"));
	cr_assert_not_null(id);
	cr_assert_eq(strlen(id), 16, "%s", id);
	cr_assert_eq(strspn(id, "0123456789abcdef"), 16, "%s", id);
}

static json_t *at(const json_t *arr, size_t i)
{
	cr_assert(json_is_array(arr), "not an array");
	json_t *v = json_array_get(arr, i);
	cr_assert_not_null(v, "no element %zu of %zu", i, json_array_size(arr));
	return v;
}

/* One route/ready/blocked entry, every field. */
static void route_entry(const json_t *e, const char *id, const char *title,
			const char *state, const char *cls, const char *reason,
			size_t nchain, const char *partner)
{
	KEYS(e, "id", "title", "state", "class", "reason", "chain", "chains",
	     "chains_truncated", "partner");
	/* Every chain: none without a blocker; else the first is "chain". */
	json_t *chains = json_object_get(e, "chains");
	cr_assert(json_is_false(json_object_get(e, "chains_truncated")));
	if (nchain == 0)
		cr_assert_eq(json_array_size(chains), 0, "%s chains", id);
	else
		cr_assert(json_equal(json_object_get(json_array_get(chains, 0),
						     "links"),
				     json_object_get(e, "chain")),
			  "%s: the first chain is the reason's", id);
	JEQ(e, "id", id);
	JEQ(e, "title", title);
	JEQ(e, "state", state);
	JEQ(e, "class", cls);
	JEQ(e, "reason", reason);
	cr_assert_eq(json_array_size(json_object_get(e, "chain")), nchain,
		     "%s chain", id);
	if (partner)
		JEQ(e, "partner", partner);
	else
		JNULL(e, "partner");
}

static void link_is(const json_t *l, const char *id, const char *via,
		    const char *state)
{
	KEYS(l, "id", "via", "state");
	JEQ(l, "id", id);
	JEQ(l, "via", via);
	JEQ(l, "state", state);
}

/* ---- relation add -------------------------------------------------------- */

Test(routing_cli, relation_add_writes_the_exact_file_and_event)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	/* Suffixes on both sides; everything stored holds the full IDs. */
	e2e_result r =
	    EXPECT(dir, 0, "relation", "add", a + 8, "--kind", "depends_on",
		   "--target", b + 9, "--note", "needs B", "--author", "ann");
	char want[4096];
	snprintf(want, sizeof(want), "%s + depends_on %s\n", a, b);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	OK(dir, "relation", "add", a, "--kind", "related", "--target", c);
	char *rel = e2e_read(dir, e2e_tpath(a, "artifacts/relations.json"));
	snprintf(want, sizeof(want),
		 "{\n  \"version\": 1,\n  \"relations\": [\n    {\n"
		 "      \"ticket_id\": \"%s\",\n"
		 "      \"kind\": \"depends_on\",\n"
		 "      \"target\": \"%s\",\n"
		 "      \"note\": \"needs B\",\n"
		 "      \"author\": \"ann\",\n"
		 "      \"at\": \"" T0 "\"\n    },\n    {\n"
		 "      \"ticket_id\": \"%s\",\n"
		 "      \"kind\": \"related\",\n"
		 "      \"target\": \"%s\",\n"
		 "      \"author\": \"tester\",\n"
		 "      \"at\": \"" T0 "\"\n    }\n  ]\n}\n",
		 a, b, a, c);
	cr_assert_str_eq(rel, want);
	free(rel);
	/* One relation event per change on the source's thread. */
	json_t *j = JRUN(dir, "show", a, "--json", "--events", "2");
	json_t *ev = json_object_get(j, "events");
	cr_assert_eq(json_array_size(ev), 2);
	json_t *e = at(ev, 0);
	JEQ(e, "kind", "relation");
	JEQ(e, "author", "ann");
	JEQ(e, "at", T0);
	JEQ(e, "heading", "Relation");
	JEQ(e, "body", "needs B");
	json_t *attrs = json_object_get(e, "attrs");
	KEYS(attrs, "event", "author", "at", "action", "kind", "target", "id");
	event_id_ok(attrs);
	JEQ(attrs, "action", "add");
	JEQ(attrs, "kind", "depends_on");
	JEQ(attrs, "target", b);
	e = at(ev, 1);
	JEQ(e, "author", "tester");
	JEQ(e, "body", "");
	attrs = json_object_get(e, "attrs");
	JEQ(attrs, "kind", "related");
	JEQ(attrs, "target", c);
	cr_assert_eq(json_integer_value(json_object_get(j, "event_count")), 3);
	json_decref(j);
	/* Nothing is stored on the targets. */
	char *tb = e2e_read(dir, e2e_tpath(b, "thread.md"));
	cr_assert_eq(e2e_count(tb, "<!-- event: "), 1, "%s", tb);
	free(tb);
	cr_assert_not(
	    e2e_exists(dir, e2e_tpath(b, "artifacts/relations.json")));
	cr_assert_not(
	    e2e_exists(dir, e2e_tpath(c, "artifacts/relations.json")));
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(routing_cli, relation_list_every_kind_inverse_names_and_filters)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	static const char *const kinds[] = {"depends_on", "blocks", "related",
					    "supersedes", "duplicate_of"};
	static const char *const inverse[] = {"required by", "blocked by",
					      "related to", "superseded by",
					      "duplicated by"};
	/* a blocks c (a blocks b would close a cycle with a depends_on b). */
	for (size_t k = 0; k < 5; k++)
		OK(dir, "relation", "add", a, "--kind", kinds[k], "--target",
		   k == 1 ? c : b);
	/* Without an ID: every outgoing record of the store, in order. */
	json_t *all = JRUN(dir, "relation", "list", "--json");
	cr_assert_eq(json_array_size(all), 5);
	for (size_t k = 0; k < 5; k++) {
		json_t *o = at(all, k);
		KEYS(o, "ticket_id", "kind", "target", "target_state", "note",
		     "author", "at");
		JEQ(o, "ticket_id", a);
		JEQ(o, "kind", kinds[k]);
		JEQ(o, "target", k == 1 ? c : b);
		JEQ(o, "target_state", "planning");
		JNULL(o, "note");
		JEQ(o, "author", "tester");
	}
	json_decref(all);
	/* --kind filters, with and without an ID. */
	for (size_t k = 0; k < 5; k++) {
		json_t *f =
		    JRUN(dir, "relation", "list", "--kind", kinds[k], "--json");
		cr_assert_eq(json_array_size(f), 1, "%s", kinds[k]);
		JEQ(at(f, 0), "kind", kinds[k]);
		json_decref(f);
		f = JRUN(dir, "relation", "list", a, "--kind", kinds[k],
			 "--json");
		KEYS(f, "id", "outgoing", "incoming", "blockers");
		cr_assert_eq(json_array_size(json_object_get(f, "outgoing")),
			     1);
		JEQ(at(json_object_get(f, "outgoing"), 0), "kind", kinds[k]);
		json_decref(f);
	}
	/* The targets see the records under their inverse names. */
	json_t *jb = JRUN(dir, "relation", "list", b, "--json");
	KEYS(jb, "id", "outgoing", "incoming", "blockers");
	JEQ(jb, "id", b);
	cr_assert_eq(json_array_size(json_object_get(jb, "outgoing")), 0);
	cr_assert_eq(json_array_size(json_object_get(jb, "blockers")), 0);
	json_t *in = json_object_get(jb, "incoming");
	cr_assert_eq(json_array_size(in), 4);
	for (size_t k = 0, i = 0; k < 5; k++) {
		if (k == 1)
			continue;
		json_t *o = at(in, i++);
		KEYS(o, "source", "kind", "inverse", "source_state");
		JEQ(o, "source", a);
		JEQ(o, "kind", kinds[k]);
		JEQ(o, "inverse", inverse[k]);
		JEQ(o, "source_state", "planning");
	}
	json_decref(jb);
	json_t *jc = JRUN(dir, "relation", "list", c, "--json");
	in = json_object_get(jc, "incoming");
	cr_assert_eq(json_array_size(in), 1);
	JEQ(at(in, 0), "inverse", "blocked by");
	/* a blocks c: a is c's blocker. */
	json_t *bl = json_object_get(jc, "blockers");
	cr_assert_eq(json_array_size(bl), 1);
	KEYS(at(bl, 0), "id", "via", "state", "text");
	JEQ(at(bl, 0), "id", a);
	JEQ(at(bl, 0), "via", "blocks");
	JEQ(at(bl, 0), "state", "planning");
	char want[256];
	snprintf(want, sizeof(want), "%s via blocks (state: planning)", a);
	JEQ(at(bl, 0), "text", want);
	json_decref(jc);
	/* The kind filter applies to incoming records too. */
	jb = JRUN(dir, "relation", "list", b, "--kind", "supersedes", "--json");
	in = json_object_get(jb, "incoming");
	cr_assert_eq(json_array_size(in), 1);
	JEQ(at(in, 0), "inverse", "superseded by");
	json_decref(jb);
	/* Text: one line per record, incoming under the inverse name. */
	e2e_result r = EXPECT(dir, 0, "relation", "list", b);
	cr_assert_eq(e2e_count(r.out, "\n"), 4, "%s", r.out);
	snprintf(want, sizeof(want), "%s duplicated by %s (planning)\n", b, a);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	r = EXPECT(dir, 0, "relation", "list", a);
	snprintf(want, sizeof(want), "%s blocks %s (planning)\n", a, c);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want),
		 "%s waits for %s via depends_on (state: planning)\n", a, b);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(routing_cli, show_json_relations_inverse_names_and_blockers)
{
	char *dir = e2e_store();
	/* Creation order is ID order: y < z < w < s[0..4]. */
	char *y = new_ticket(dir, "Y"), *z = new_ticket(dir, "Z"),
	     *w = new_ticket(dir, "W"), *s[5];
	static const char *const kinds[] = {"depends_on", "blocks", "related",
					    "supersedes", "duplicate_of"};
	static const char *const inverse[] = {"required by", "blocked by",
					      "related to", "superseded by",
					      "duplicated by"};
	for (int k = 0; k < 5; k++) {
		s[k] = new_ticket(dir, kinds[k]);
		OK(dir, "relation", "add", s[k], "--kind", kinds[k], "--target",
		   y);
	}
	OK(dir, "relation", "add", y, "--kind", "depends_on", "--target", z,
	   "--note", "after Z");
	OK(dir, "plan", "add", y, "--kind", "blocked_by", "--related", w);
	to_ready(dir, s[2]);
	json_t *j = JRUN(dir, "show", y, "--json");
	json_t *rel = json_object_get(j, "relations");
	KEYS(rel, "id", "outgoing", "incoming", "blockers");
	JEQ(rel, "id", y);
	json_t *out = json_object_get(rel, "outgoing");
	cr_assert_eq(json_array_size(out), 1);
	KEYS(at(out, 0), "ticket_id", "kind", "target", "target_state", "note",
	     "author", "at");
	JEQ(at(out, 0), "ticket_id", y);
	JEQ(at(out, 0), "kind", "depends_on");
	JEQ(at(out, 0), "target", z);
	JEQ(at(out, 0), "target_state", "planning");
	JEQ(at(out, 0), "note", "after Z");
	JEQ(at(out, 0), "author", "tester");
	json_t *in = json_object_get(rel, "incoming");
	cr_assert_eq(json_array_size(in), 5);
	for (size_t k = 0; k < 5; k++) {
		json_t *o = at(in, k);
		KEYS(o, "source", "kind", "inverse", "source_state");
		JEQ(o, "source", s[k]);
		JEQ(o, "kind", kinds[k]);
		JEQ(o, "inverse", inverse[k]);
		JEQ(o, "source_state", k == 2 ? "ready" : "planning");
	}
	/* Blockers in ID order: z (depends_on), w (plan), s[1] (blocks). */
	json_t *bl = json_object_get(rel, "blockers");
	cr_assert_eq(json_array_size(bl), 3);
	const char *bid[] = {z, w, s[1]};
	const char *bvia[] = {"depends_on", "blocked_by", "blocks"};
	for (size_t k = 0; k < 3; k++) {
		char text[128];
		snprintf(text, sizeof(text), "%s via %s (state: planning)",
			 bid[k], bvia[k]);
		KEYS(at(bl, k), "id", "via", "state", "text");
		JEQ(at(bl, k), "id", bid[k]);
		JEQ(at(bl, k), "via", bvia[k]);
		JEQ(at(bl, k), "state", "planning");
		JEQ(at(bl, k), "text", text);
	}
	/* relation list ID --json is the same view. */
	json_t *l = JRUN(dir, "relation", "list", y, "--json");
	cr_assert(json_equal(l, rel), "relation list and show disagree");
	json_decref(l);
	json_decref(j);
	/* A closed blocker is none, and its state shows on the record. */
	OK(dir, "close", z, "--resolution", "done elsewhere");
	j = JRUN(dir, "show", y, "--json");
	rel = json_object_get(j, "relations");
	JEQ(at(json_object_get(rel, "outgoing"), 0), "target_state", "closed");
	bl = json_object_get(rel, "blockers");
	cr_assert_eq(json_array_size(bl), 2);
	JEQ(at(bl, 0), "id", w);
	JEQ(at(bl, 1), "id", s[1]);
	json_decref(j);
	/* Text: the same view in a ## Relations section. */
	e2e_result r = EXPECT(dir, 0, "show", y);
	char want[256];
	snprintf(want, sizeof(want),
		 "\n## Relations\n\n%s depends_on %s (closed)  # after Z\n", y,
		 z);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want), "%s superseded by %s (planning)\n", y,
		 s[3]);
	cr_assert(strstr(r.out, want), "%s", r.out);
	snprintf(want, sizeof(want),
		 "%s waits for %s via blocked_by (state: planning)\n", y, w);
	cr_assert(strstr(r.out, want), "%s", r.out);
	e2e_free(&r);
	/* A ticket without relations: empty arrays, no section. */
	j = JRUN(dir, "show", w, "--json");
	rel = json_object_get(j, "relations");
	KEYS(rel, "id", "outgoing", "incoming", "blockers");
	cr_assert_eq(json_array_size(json_object_get(rel, "outgoing")), 0);
	cr_assert_eq(json_array_size(json_object_get(rel, "incoming")), 0);
	cr_assert_eq(json_array_size(json_object_get(rel, "blockers")), 0);
	json_decref(j);
	r = EXPECT(dir, 0, "show", w);
	cr_assert_null(strstr(r.out, "## Relations"), "%s", r.out);
	e2e_free(&r);
	for (int k = 0; k < 5; k++)
		free(s[k]);
	free(y);
	free(z);
	free(w);
	e2e_rm(dir);
}

/* ---- relation refusals --------------------------------------------------- */

Test(routing_cli, self_relation_refused_for_every_kind)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A");
	char *before = digest(dir);
	static const char *const kinds[] = {"depends_on", "blocks", "related",
					    "supersedes", "duplicate_of"};
	char want[128];
	snprintf(want, sizeof(want), "a ticket cannot relate to itself (%s)",
		 a);
	for (size_t k = 0; k < 5; k++) {
		REFUSED(dir, 4, want, "relation", "add", a, "--kind", kinds[k],
			"--target", a);
		/* The same ticket named by a suffix is still itself. */
		REFUSED(dir, 4, want, "relation", "add", a + 9, "--kind",
			kinds[k], "--target", a + 7);
	}
	same_store(dir, before, "a self relation");
	cr_assert_not(
	    e2e_exists(dir, e2e_tpath(a, "artifacts/relations.json")));
	free(before);
	free(a);
	e2e_rm(dir);
}

Test(routing_cli, duplicate_relation_refused_and_nothing_written)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b,
	   "--note", "first");
	char *before = digest(dir);
	char want[160];
	snprintf(want, sizeof(want),
		 "%s already has a depends_on relation to %s; remove it first",
		 a, b);
	REFUSED(dir, 4, want, "relation", "add", a, "--kind", "depends_on",
		"--target", b);
	/* A different note does not make it another relation. */
	REFUSED(dir, 4, want, "relation", "add", a, "--kind", "depends_on",
		"--target", b, "--note", "second");
	REFUSED(dir, 4, want, "relation", "add", a + 8, "--kind", "depends_on",
		"--target", b + 9);
	same_store(dir, before, "a duplicate relation");
	/* The same target under another kind is another relation. */
	OK(dir, "relation", "add", a, "--kind", "related", "--target", b);
	char *rel = e2e_read(dir, e2e_tpath(a, "artifacts/relations.json"));
	json_t *j = jparse(rel);
	json_t *v = json_object_get(j, "relations");
	cr_assert_eq(json_array_size(v), 2);
	JEQ(at(v, 0), "note", "first");
	json_decref(j);
	free(rel);
	free(before);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, unknown_or_malformed_ids)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "related", "--target", b);
	char *before = digest(dir);
	const char *nf = "no ticket " NOID;
	/* Not found: 3, for the target, the source, and every subcommand. */
	REFUSED(dir, 3, nf, "relation", "add", a, "--kind", "depends_on",
		"--target", NOID);
	REFUSED(dir, 3, nf, "relation", "add", NOID, "--kind", "depends_on",
		"--target", b);
	REFUSED(dir, 3, nf, "relation", "add", a, "--kind", "related",
		"--target", NOID, "--note", "n");
	/* remove takes a target that is gone (a dangling relation): the
	 * relation is what is not found. */
	REFUSED(dir, 3, "no related relation to " NOID, "relation", "remove", a,
		"--kind", "related", "--target", NOID);
	REFUSED(dir, 3, nf, "relation", "remove", NOID, "--kind", "related",
		"--target", b);
	REFUSED(dir, 3, nf, "relation", "list", NOID);
	REFUSED(dir, 3, nf, "relation", "list", NOID, "--json");
	/* Not an ID at all: a usage error, never a path. */
	REFUSED(dir, 2, "is not a ticket ID", "relation", "add", a, "--kind",
		"depends_on", "--target", "../x");
	REFUSED(dir, 2, "is not a ticket ID", "relation", "add", "ab/..",
		"--kind", "depends_on", "--target", b);
	REFUSED(dir, 2, "'ZZZ' is too short", "relation", "remove", a, "--kind",
		"related", "--target", "ZZZ");
	REFUSED(dir, 2, "is not a ticket ID", "relation", "list", "a b");
	same_store(dir, before, "an unknown ID");
	free(before);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, unknown_relation_kind_is_a_usage_error)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "related", "--target", b);
	char *before = digest(dir);
	const char *list = "kinds: depends_on, blocks, related, supersedes, "
			   "duplicate_of";
	/* Kinds are case-sensitive; plan kinds are no relation kinds. */
	static const char *const bad[] = {"loves", "DEPENDS_ON", "",
					  "blocked_by", "depends-on"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char want[64];
		snprintf(want, sizeof(want), "unknown kind '%s'", bad[i]);
		REFUSED(dir, 2, want, "relation", "add", a, "--kind", bad[i],
			"--target", b);
		REFUSED(dir, 2, list, "relation", "remove", a, "--kind", bad[i],
			"--target", b);
		REFUSED(dir, 2, list, "relation", "list", "--kind", bad[i]);
	}
	same_store(dir, before, "an unknown kind");
	free(before);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, cycle_refusals_print_the_cycle)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	/* c blocks b: b waits for c. */
	OK(dir, "relation", "add", c, "--kind", "blocks", "--target", b);
	char *before = digest(dir);
	char want[512];
	/* A two-cycle of depends_on. */
	snprintf(want, sizeof(want),
		 "yoi-tickets relation: %s depends_on %s would close a cycle: "
		 "%s -> %s -> %s (each waits for the next); remove one of "
		 "those relations first\n",
		 b, a, b, a, b);
	e2e_result r = EXPECT(dir, 4, "relation", "add", b, "--kind",
			      "depends_on", "--target", a);
	cr_assert_str_eq(r.err, want);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	/* blocks against a depends_on: a blocks b means b waits for a. */
	snprintf(want, sizeof(want),
		 "%s blocks %s would close a cycle: %s -> %s -> %s ", a, b, b,
		 a, b);
	REFUSED(dir, 4, want, "relation", "add", a, "--kind", "blocks",
		"--target", b);
	/* Through a stored blocks edge: c waits a, a waits b, b waits c. */
	snprintf(want, sizeof(want),
		 "%s depends_on %s would close a cycle: %s -> %s -> %s -> %s ",
		 c, a, c, a, b, c);
	REFUSED(dir, 4, want, "relation", "add", c, "--kind", "depends_on",
		"--target", a);
	/* A blocks edge against a blocks edge. */
	snprintf(want, sizeof(want),
		 "%s blocks %s would close a cycle: %s -> %s -> %s ", b, c, c,
		 b, c);
	REFUSED(dir, 4, want, "relation", "add", b, "--kind", "blocks",
		"--target", c);
	same_store(dir, before, "a cycle");
	cr_assert_not(
	    e2e_exists(dir, e2e_tpath(b, "artifacts/relations.json")));
	/* Kinds that do not wait never close a cycle. */
	OK(dir, "relation", "add", b, "--kind", "related", "--target", a);
	OK(dir, "relation", "add", b, "--kind", "supersedes", "--target", a);
	OK(dir, "relation", "add", b, "--kind", "duplicate_of", "--target", a);
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(before);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(routing_cli, remove_refusals_and_rewrites)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", a, "--kind", "related", "--target", c);
	char *before = digest(dir);
	char want[256];
	/* Right kind, wrong target; right target, wrong kind. */
	snprintf(want, sizeof(want), "%s has no related relation to %s", a, b);
	REFUSED(dir, 3, want, "relation", "remove", a, "--kind", "related",
		"--target", b);
	snprintf(want, sizeof(want), "%s has no blocks relation to %s", a, c);
	REFUSED(dir, 3, want, "relation", "remove", a, "--kind", "blocks",
		"--target", c);
	/* The reverse direction is not stored on a. */
	snprintf(want, sizeof(want), "%s has no depends_on relation to %s", b,
		 a);
	REFUSED(dir, 3, want, "relation", "remove", b, "--kind", "depends_on",
		"--target", a);
	REFUSED(dir, 2, "--note goes with add", "relation", "remove", a,
		"--kind", "depends_on", "--target", b, "--note", "x");
	same_store(dir, before, "a refused remove");
	cr_assert_not(
	    e2e_exists(dir, e2e_tpath(b, "artifacts/relations.json")));
	/* Removing rewrites the file without the record and logs it. */
	e2e_result r = EXPECT(dir, 0, "relation", "remove", a + 8, "--kind",
			      "depends_on", "--target", b + 8);
	snprintf(want, sizeof(want), "%s - depends_on %s\n", a, b);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	char *rel = e2e_read(dir, e2e_tpath(a, "artifacts/relations.json"));
	json_t *j = jparse(rel);
	json_t *v = json_object_get(j, "relations");
	cr_assert_eq(json_array_size(v), 1);
	JEQ(at(v, 0), "kind", "related");
	JEQ(at(v, 0), "target", c);
	json_decref(j);
	free(rel);
	j = JRUN(dir, "show", a, "--json", "--events", "1");
	json_t *e = at(json_object_get(j, "events"), 0);
	JEQ(e, "kind", "relation");
	JEQ(e, "body", "");
	json_t *attrs = json_object_get(e, "attrs");
	JEQ(attrs, "action", "remove");
	JEQ(attrs, "kind", "depends_on");
	JEQ(attrs, "target", b);
	json_decref(j);
	/* The last one leaves an empty list, not a missing file. */
	OK(dir, "relation", "remove", a, "--kind", "related", "--target", c);
	rel = e2e_read(dir, e2e_tpath(a, "artifacts/relations.json"));
	cr_assert_str_eq(rel, "{\n  \"version\": 1,\n  \"relations\": []\n}\n");
	free(rel);
	char *th = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert_eq(e2e_count(th, "<!-- event: relation "), 4, "%s", th);
	free(th);
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(before);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(routing_cli, relation_usage_errors)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	char *before = digest(dir);
	REFUSED(dir, 2, "expected add, remove or list", "relation");
	REFUSED(dir, 2, "unknown subcommand 'frob'", "relation", "frob", a);
	REFUSED(dir, 2, "expected one ticket ID", "relation", "add", "--kind",
		"related", "--target", b);
	REFUSED(dir, 2, "expected one ticket ID", "relation", "add", a, b,
		"--kind", "related", "--target", b);
	REFUSED(dir, 2, "add needs --kind K and --target ID", "relation", "add",
		a, "--target", b);
	REFUSED(dir, 2, "add needs --kind K and --target ID", "relation", "add",
		a, "--kind", "related");
	REFUSED(dir, 2, "remove needs --kind K and --target ID", "relation",
		"remove", a, "--kind", "related");
	REFUSED(dir, 2, "option '--target' needs a value", "relation", "add", a,
		"--kind", "related", "--target");
	REFUSED(dir, 2, "option '--kind' needs a value", "relation", "list",
		"--kind");
	REFUSED(dir, 2, "option '--note' needs a value", "relation", "add", a,
		"--kind", "related", "--target", b, "--note");
	REFUSED(dir, 2, "unknown option '--bogus'", "relation", "add", a,
		"--kind", "related", "--target", b, "--bogus");
	REFUSED(dir, 2, "unknown option '--json=1'", "relation", "add", a,
		"--kind", "related", "--target", b, "--json=1");
	REFUSED(dir, 2, "list takes at most one ID", "relation", "list", a, b);
	same_store(dir, before, "a usage error");
	/* -h is help, not an error. */
	e2e_result r = EXPECT(dir, 0, "relation", "-h");
	cr_assert(strstr(r.out, "usage: yoi-tickets relation add"), "%s",
		  r.out);
	e2e_free(&r);
	free(before);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* ---- create --depends-on ------------------------------------------------- */

Test(routing_cli, create_depends_on_json_records_and_events)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	/* Repeated, by suffix, the same target twice: two edges. */
	json_t *j =
	    JRUN(dir, "create", "--title", "C waits", "--json", "--depends-on",
		 a, "--depends-on", b + 8, "--depends-on", a + 9);
	KEYS(j, "id", "state", "title", "notify");
	JEQ(json_object_get(j, "notify"), "reason", "not_configured");
	JEQ(j, "state", "planning");
	JEQ(j, "title", "C waits");
	char c[32];
	snprintf(c, sizeof(c), "%s", js(j, "id"));
	json_decref(j);
	char *rel = e2e_read(dir, e2e_tpath(c, "artifacts/relations.json"));
	j = jparse(rel);
	cr_assert_eq(json_integer_value(json_object_get(j, "version")), 1);
	json_t *v = json_object_get(j, "relations");
	cr_assert_eq(json_array_size(v), 2, "%s", rel);
	const char *tg[] = {a, b};
	for (size_t i = 0; i < 2; i++) {
		KEYS(at(v, i), "ticket_id", "kind", "target", "author", "at");
		JEQ(at(v, i), "ticket_id", c);
		JEQ(at(v, i), "kind", "depends_on");
		JEQ(at(v, i), "target", tg[i]);
		JEQ(at(v, i), "author", "tester");
	}
	json_decref(j);
	free(rel);
	/* create, then one relation event per edge. */
	j = JRUN(dir, "show", c, "--json");
	json_t *ev = json_object_get(j, "events");
	cr_assert_eq(json_array_size(ev), 3);
	JEQ(at(ev, 0), "kind", "create");
	for (size_t i = 0; i < 2; i++) {
		json_t *attrs = json_object_get(at(ev, i + 1), "attrs");
		JEQ(at(ev, i + 1), "kind", "relation");
		JEQ(attrs, "action", "add");
		JEQ(attrs, "kind", "depends_on");
		JEQ(attrs, "target", tg[i]);
	}
	json_t *bl =
	    json_object_get(json_object_get(j, "relations"), "blockers");
	cr_assert_eq(json_array_size(bl), 2);
	json_decref(j);
	/* The inverse view and the route see the new ticket waiting. */
	j = JRUN(dir, "relation", "list", a, "--json");
	json_t *in = json_object_get(j, "incoming");
	cr_assert_eq(json_array_size(in), 1);
	JEQ(at(in, 0), "source", c);
	JEQ(at(in, 0), "inverse", "required by");
	json_decref(j);
	to_ready(dir, c);
	j = JRUN(dir, "route", "--json");
	cr_assert_eq(json_array_size(j), 1);
	JEQ(at(j, 0), "class", "waiting_dependency");
	json_decref(j);
	e2e_result r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, create_depends_on_refusals_create_nothing)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A");
	char *before = digest(dir);
	/* The second target is missing: not even the ticket is made. */
	REFUSED(dir, 3, "no ticket " NOID, "create", "--title", "D",
		"--depends-on", a, "--depends-on", NOID);
	REFUSED(dir, 3, "no ticket " NOID, "create", "--title", "D", "--json",
		"--depends-on", NOID);
	REFUSED(dir, 2, "is not a ticket ID", "create", "--title", "D",
		"--depends-on", "../..");
	REFUSED(dir, 2, "option '--depends-on' needs a value", "create",
		"--title", "D", "--depends-on");
	same_store(dir, before, "a refused create --depends-on");
	free(before);
	free(a);
	e2e_rm(dir);
}

/* ---- plan add | list ----------------------------------------------------- */

Test(routing_cli, plan_add_every_related_kind_exact_records)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	static const char *const kinds[] = {
	    "before", "after",		"blocked_by",
	    "blocks", "conflicts_with", "do_not_parallelize"};
	char want[8192] = "", line[512], id[64];
	for (size_t k = 0; k < 6; k++) {
		/* n counts from 1 within the second, per ticket. */
		snprintf(id, sizeof(id), "orch-plan-20260627-190816-%zu",
			 k + 1);
		char note[16];
		snprintf(note, sizeof(note), "n%zu", k);
		e2e_result r =
		    EXPECT(dir, 0, "plan", "add", a + 8, "--kind", kinds[k],
			   "--related", b + 9, "--note", note);
		snprintf(line, sizeof(line), "%s\n", id);
		cr_assert_str_eq(r.out, line);
		e2e_free(&r);
		snprintf(line, sizeof(line),
			 "{\"id\":\"%s\",\"ticket_id\":\"%s\",\"kind\":\"%s\","
			 "\"related_ticket\":\"%s\",\"note\":\"%s\","
			 "\"author\":\"tester\",\"at\":\"" T0 "\"}\n",
			 id, a, kinds[k], b, note);
		strcat(want, line);
	}
	char *jl =
	    e2e_read(dir, e2e_tpath(a, "artifacts/orchestration-plan.jsonl"));
	cr_assert_str_eq(jl, want);
	free(jl);
	/* Another ticket counts from 1 again. */
	char *out =
	    OK_LINE(dir, "plan", "add", b, "--kind", "after", "--related", a);
	cr_assert_str_eq(out, "orch-plan-20260627-190816-1");
	free(out);
	/* plan list ID --json: every field of every record. */
	json_t *j = JRUN(dir, "plan", "list", a, "--json");
	cr_assert_eq(json_array_size(j), 6);
	for (size_t k = 0; k < 6; k++) {
		json_t *o = at(j, k);
		KEYS(o, "id", "ticket_id", "kind", "related_ticket",
		     "accepted_plan", "note", "author", "at");
		snprintf(id, sizeof(id), "orch-plan-20260627-190816-%zu",
			 k + 1);
		JEQ(o, "id", id);
		JEQ(o, "ticket_id", a);
		JEQ(o, "kind", kinds[k]);
		JEQ(o, "related_ticket", b);
		JNULL(o, "accepted_plan");
		snprintf(line, sizeof(line), "n%zu", k);
		JEQ(o, "note", line);
		JEQ(o, "author", "tester");
		JEQ(o, "at", T0);
	}
	json_decref(j);
	e2e_result r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, plan_add_capacity_note_and_accepted_plan)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A");
	OK(dir, "plan", "add", a, "--kind", "waiting_capacity_note", "--note",
	   "two in flight");
	OK(dir, "plan", "add", a, "--kind", "accepted_plan", "--summary",
	   "Do it", "--branch", "work/a", "--worktree", ".worktree/a",
	   "--role-plan", "coder then reviewer", "--note", "ok");
	OK(dir, "plan", "add", a, "--kind", "accepted_plan", "--summary",
	   "Only a summary");
	char want[2048];
	snprintf(want, sizeof(want),
		 "{\"id\":\"orch-plan-20260627-190816-1\",\"ticket_id\":\"%s\","
		 "\"kind\":\"waiting_capacity_note\",\"note\":\"two in "
		 "flight\",\"author\":\"tester\",\"at\":\"" T0 "\"}\n"
		 "{\"id\":\"orch-plan-20260627-190816-2\",\"ticket_id\":\"%s\","
		 "\"kind\":\"accepted_plan\",\"accepted_plan\":{\"summary\":"
		 "\"Do it\",\"branch\":\"work/a\",\"worktree\":\".worktree/"
		 "a\",\"role_plan\":\"coder then reviewer\"},\"note\":\"ok\","
		 "\"author\":\"tester\",\"at\":\"" T0 "\"}\n"
		 "{\"id\":\"orch-plan-20260627-190816-3\",\"ticket_id\":\"%s\","
		 "\"kind\":\"accepted_plan\",\"accepted_plan\":{\"summary\":"
		 "\"Only a summary\"},\"author\":\"tester\",\"at\":\"" T0
		 "\"}\n",
		 a, a, a);
	char *jl =
	    e2e_read(dir, e2e_tpath(a, "artifacts/orchestration-plan.jsonl"));
	cr_assert_str_eq(jl, want);
	free(jl);
	json_t *j = JRUN(dir, "plan", "list", "--json");
	cr_assert_eq(json_array_size(j), 3);
	json_t *o = at(j, 0);
	KEYS(o, "id", "ticket_id", "kind", "related_ticket", "accepted_plan",
	     "note", "author", "at");
	JEQ(o, "kind", "waiting_capacity_note");
	JNULL(o, "related_ticket");
	JNULL(o, "accepted_plan");
	JEQ(o, "note", "two in flight");
	json_t *acc = json_object_get(at(j, 1), "accepted_plan");
	KEYS(acc, "summary", "branch", "worktree", "role_plan");
	JEQ(acc, "summary", "Do it");
	JEQ(acc, "branch", "work/a");
	JEQ(acc, "worktree", ".worktree/a");
	JEQ(acc, "role_plan", "coder then reviewer");
	JEQ(at(j, 1), "note", "ok");
	acc = json_object_get(at(j, 2), "accepted_plan");
	KEYS(acc, "summary", "branch", "worktree", "role_plan");
	JEQ(acc, "summary", "Only a summary");
	JNULL(acc, "branch");
	JNULL(acc, "worktree");
	JNULL(acc, "role_plan");
	JNULL(at(j, 2), "note");
	json_decref(j);
	/* Text: id, ticket, kind and the summary. */
	e2e_result r = EXPECT(dir, 0, "plan", "list", a);
	snprintf(want, sizeof(want),
		 "orch-plan-20260627-190816-1  %s waiting_capacity_note\n"
		 "orch-plan-20260627-190816-2  %s accepted_plan  Do it\n"
		 "orch-plan-20260627-190816-3  %s accepted_plan  Only a "
		 "summary\n",
		 a, a, a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	/* Plan records are no relations and no blockers. */
	to_queued(dir, a);
	free(a);
	e2e_rm(dir);
}

Test(routing_cli, plan_add_refusals_write_nothing)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "plan", "add", a, "--kind", "before", "--related", b);
	char *before = digest(dir);
	static const char *const rel[] = {
	    "before", "after",		"blocked_by",
	    "blocks", "conflicts_with", "do_not_parallelize"};
	char want[96];
	for (size_t k = 0; k < 6; k++) {
		snprintf(want, sizeof(want), "--kind %s needs --related ID",
			 rel[k]);
		REFUSED(dir, 2, want, "plan", "add", a, "--kind", rel[k]);
		REFUSED(dir, 2, want, "plan", "add", a, "--kind", rel[k],
			"--note", "n");
	}
	const char *accmsg = "--summary, --branch, --worktree and --role-plan "
			     "go with --kind accepted_plan, which needs "
			     "--summary";
	REFUSED(dir, 2, accmsg, "plan", "add", a, "--kind", "accepted_plan");
	REFUSED(dir, 2, accmsg, "plan", "add", a, "--kind", "accepted_plan",
		"--branch", "work/a", "--worktree", "w", "--role-plan", "r");
	REFUSED(dir, 2, accmsg, "plan", "add", a, "--kind", "before",
		"--related", b, "--branch", "work/a");
	REFUSED(dir, 2, accmsg, "plan", "add", a, "--kind",
		"waiting_capacity_note", "--summary", "s");
	REFUSED(dir, 2,
		"unknown kind 'zzz'; kinds: before, after, blocked_by, "
		"blocks, conflicts_with, do_not_parallelize, "
		"waiting_capacity_note, accepted_plan",
		"plan", "add", a, "--kind", "zzz", "--related", b);
	/* A relation kind is not a plan kind. */
	REFUSED(dir, 2, "unknown kind 'depends_on'", "plan", "add", a, "--kind",
		"depends_on", "--related", b);
	REFUSED(dir, 2, "plan add needs --kind K", "plan", "add", a,
		"--related", b);
	REFUSED(dir, 3, "no ticket " NOID, "plan", "add", a, "--kind",
		"blocked_by", "--related", NOID);
	REFUSED(dir, 3, "no ticket " NOID, "plan", "add", NOID, "--kind",
		"blocked_by", "--related", b);
	REFUSED(dir, 3, "no ticket " NOID, "plan", "add", NOID, "--kind",
		"waiting_capacity_note");
	REFUSED(dir, 4, "related_ticket is the ticket itself", "plan", "add",
		a + 9, "--kind", "conflicts_with", "--related", a);
	REFUSED(dir, 2, "is not a ticket ID", "plan", "add", a, "--kind",
		"after", "--related", "../x");
	REFUSED(dir, 2, "is not a ticket ID", "plan", "add", "..", "--kind",
		"after", "--related", b);
	REFUSED(dir, 2, "expected one ticket ID", "plan", "add", "--kind",
		"after", "--related", b);
	REFUSED(dir, 2, "expected one ticket ID", "plan", "add", a, b, "--kind",
		"after", "--related", b);
	REFUSED(dir, 2, "option '--related' needs a value", "plan", "add", a,
		"--kind", "after", "--related");
	REFUSED(dir, 2, "unknown option '--target'", "plan", "add", a, "--kind",
		"after", "--target", b);
	same_store(dir, before, "a refused plan add");
	free(before);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, plan_list_all_tickets_and_refusals)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	OK(dir, "plan", "add", b, "--kind", "blocked_by", "--related", c);
	OK(dir, "plan", "add", a, "--kind", "do_not_parallelize", "--related",
	   b);
	/* Without an ID: every ticket's records, in ID order. */
	e2e_result r = EXPECT(dir, 0, "plan", "list");
	char want[512];
	snprintf(want, sizeof(want),
		 "orch-plan-20260627-190816-1  %s do_not_parallelize %s\n"
		 "orch-plan-20260627-190816-1  %s blocked_by %s\n",
		 a, b, b, c);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	json_t *j = JRUN(dir, "plan", "list", "--json");
	cr_assert_eq(json_array_size(j), 2);
	JEQ(at(j, 0), "ticket_id", a);
	JEQ(at(j, 1), "ticket_id", b);
	json_decref(j);
	/* A ticket without records: an empty list. */
	r = EXPECT(dir, 0, "plan", "list", c);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	j = JRUN(dir, "plan", "list", c, "--json");
	cr_assert(json_is_array(j) && json_array_size(j) == 0);
	json_decref(j);
	char *before = digest(dir);
	REFUSED(dir, 3, "no ticket " NOID, "plan", "list", NOID);
	REFUSED(dir, 2, "plan list takes at most one ID", "plan", "list", a, b);
	REFUSED(dir, 2, "is not a ticket ID", "plan", "list", "x/y");
	REFUSED(dir, 2, "unknown option '--bogus'", "plan", "list", "--bogus");
	same_store(dir, before, "a refused plan list");
	free(before);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

/* ---- route | ready | blocked --------------------------------------------- */

Test(routing_cli, route_json_every_class_field_by_field)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml", "routing:\n  max_inprogress: 2\n");
	char *a = new_ticket(dir, "A waits"), *b = new_ticket(dir, "B waits"),
	     *c = new_ticket(dir, "C free"), *d = new_ticket(dir, "D clash"),
	     *e = new_ticket(dir, "E full"), *p = new_ticket(dir, "P busy");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", c, "--kind", "blocks", "--target", b);
	OK(dir, "plan", "add", d, "--kind", "conflicts_with", "--related", p);
	const char *rs[] = {a, b, c, d, e};
	for (int i = 0; i < 5; i++)
		to_ready(dir, rs[i]);
	to_inprogress(dir, p);
	char ra[256], rb[128], rd[128];
	snprintf(ra, sizeof(ra),
		 "%s via depends_on (state: ready) <- %s via blocks (state: "
		 "ready)",
		 b, c);
	snprintf(rb, sizeof(rb), "%s via blocks (state: ready)", c);
	snprintf(rd, sizeof(rd), "%s via conflicts_with (state: inprogress)",
		 p);
	const char *rcap =
	    "routing.max_inprogress is 2: 1 in progress, 1 actionable ahead";
	json_t *j = JRUN(dir, "route", "--json");
	cr_assert_eq(json_array_size(j), 5, "P is in progress, not routed");
	route_entry(at(j, 0), a, "A waits", "ready", "waiting_dependency", ra,
		    2, NULL);
	json_t *ch = json_object_get(at(j, 0), "chain");
	link_is(at(ch, 0), b, "depends_on", "ready");
	link_is(at(ch, 1), c, "blocks", "ready");
	route_entry(at(j, 1), b, "B waits", "ready", "waiting_dependency", rb,
		    1, NULL);
	link_is(at(json_object_get(at(j, 1), "chain"), 0), c, "blocks",
		"ready");
	route_entry(at(j, 2), c, "C free", "ready", "actionable", "", 0, NULL);
	route_entry(at(j, 3), d, "D clash", "ready", "waiting_conflict", rd, 0,
		    p);
	route_entry(at(j, 4), e, "E full", "ready", "waiting_capacity", rcap, 0,
		    NULL);
	/* ready and blocked are the same entries, split. */
	json_t *rj = JRUN(dir, "ready", "--json");
	cr_assert_eq(json_array_size(rj), 1);
	cr_assert(json_equal(at(rj, 0), at(j, 2)));
	json_decref(rj);
	json_t *bj = JRUN(dir, "blocked", "--json");
	cr_assert_eq(json_array_size(bj), 4);
	for (size_t i = 0, k = 0; i < 5; i++)
		if (i != 2)
			cr_assert(json_equal(at(bj, k++), at(j, i)), "%zu", i);
	json_decref(bj);
	json_decref(j);
	/* Text: one line each, the reason after "<-". */
	char want[2048];
	snprintf(want, sizeof(want),
		 "%s  ready       waiting_dependency  A waits  <- %s\n"
		 "%s  ready       waiting_dependency  B waits  <- %s\n"
		 "%s  ready       actionable          C free\n"
		 "%s  ready       waiting_conflict    D clash  <- %s\n"
		 "%s  ready       waiting_capacity    E full  <- %s\n",
		 a, ra, b, rb, c, d, rd, e, rcap);
	e2e_result r = EXPECT(dir, 0, "route");
	cr_assert_str_eq(r.out, want);
	cr_assert_str_eq(r.err, "");
	e2e_free(&r);
	r = EXPECT(dir, 0, "ready");
	snprintf(want, sizeof(want),
		 "%s  ready       actionable          C free\n", c);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	r = EXPECT(dir, 0, "blocked");
	cr_assert_eq(e2e_count(r.out, "\n"), 4, "%s", r.out);
	cr_assert_null(strstr(r.out, "  actionable  "), "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(p);
	e2e_rm(dir);
}

Test(routing_cli, route_order_after_records_then_queued_at_then_id)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	to_ready(dir, a);
	to_ready(dir, b);
	to_ready(dir, c);
	/* Queued first goes first; unqueued tickets follow, in ID order. */
	setenv("YOI_TICKETS_NOW", "2026-06-27T10:00:00Z", 1);
	OK(dir, "state", c, "queued");
	setenv("YOI_TICKETS_NOW", "2026-06-27T11:00:00Z", 1);
	OK(dir, "state", b, "queued");
	unsetenv("YOI_TICKETS_NOW");
	const char *order1[] = {c, b, a};
	json_t *j = JRUN(dir, "route", "--json");
	cr_assert_eq(json_array_size(j), 3);
	for (size_t i = 0; i < 3; i++) {
		JEQ(at(j, i), "id", order1[i]);
		JEQ(at(j, i), "class", "actionable");
		JEQ(at(j, i), "state", i < 2 ? "queued" : "ready");
	}
	json_decref(j);
	/* c after b: the plan record beats queued_at. */
	OK(dir, "plan", "add", c, "--kind", "after", "--related", b);
	const char *order2[] = {b, c, a};
	j = JRUN(dir, "ready", "--json");
	cr_assert_eq(json_array_size(j), 3);
	for (size_t i = 0; i < 3; i++)
		JEQ(at(j, i), "id", order2[i]);
	json_decref(j);
	/* ...and a before b puts a first although it is not queued. */
	OK(dir, "plan", "add", a, "--kind", "before", "--related", b);
	const char *order3[] = {a, b, c};
	j = JRUN(dir, "route", "--json");
	for (size_t i = 0; i < 3; i++)
		JEQ(at(j, i), "id", order3[i]);
	json_decref(j);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(routing_cli, route_record_appends_one_decision_event)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", b, "--kind", "depends_on", "--target", a);
	to_ready(dir, a);
	to_ready(dir, b);
	char *thread_b = e2e_read(dir, e2e_tpath(b, "thread.md"));
	/* --json and --record together, by suffix: output plus event. */
	json_t *j = JRUN(dir, "route", "--json", "--record", a + 9);
	cr_assert_eq(json_array_size(j), 2);
	route_entry(at(j, 0), a, "A", "ready", "actionable", "", 0, NULL);
	json_decref(j);
	j = JRUN(dir, "show", a, "--json", "--events", "1");
	cr_assert_eq(json_integer_value(json_object_get(j, "event_count")), 4);
	json_t *e = at(json_object_get(j, "events"), 0);
	JEQ(e, "kind", "decision");
	JEQ(e, "author", "tester");
	JEQ(e, "at", T0);
	JEQ(e, "heading", "Decision");
	JEQ(e, "body", "route: actionable");
	json_t *attrs = json_object_get(e, "attrs");
	KEYS(attrs, "event", "author", "at", "route_class", "id");
	event_id_ok(attrs);
	JEQ(attrs, "route_class", "actionable");
	JEQ(j, "state", "ready");
	json_decref(j);
	char *now_b = e2e_read(dir, e2e_tpath(b, "thread.md"));
	cr_assert_str_eq(now_b, thread_b, "only the named ticket is recorded");
	free(now_b);
	/* Text mode; the reason goes into the body. */
	e2e_result r =
	    EXPECT(dir, 0, "route", "--record", b, "--author", "orchestrator");
	cr_assert_eq(e2e_count(r.out, "\n"), 2, "the route is printed: %s",
		     r.out);
	e2e_free(&r);
	j = JRUN(dir, "show", b, "--json", "--events", "1");
	e = at(json_object_get(j, "events"), 0);
	JEQ(e, "kind", "decision");
	JEQ(e, "author", "orchestrator");
	char want[256];
	snprintf(want, sizeof(want),
		 "route: waiting_dependency: %s via depends_on (state: ready)",
		 a);
	JEQ(e, "body", want);
	JEQ(json_object_get(e, "attrs"), "route_class", "waiting_dependency");
	json_decref(j);
	now_b = e2e_read(dir, e2e_tpath(b, "thread.md"));
	cr_assert_eq(e2e_count(now_b, "<!-- event: decision "), 1);
	free(now_b);
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(thread_b);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, route_record_refusals_write_nothing)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *p = new_ticket(dir, "Planning"),
	     *w = new_ticket(dir, "Working");
	to_ready(dir, a);
	to_inprogress(dir, w);
	char *before = digest(dir);
	REFUSED(dir, 3, "no ticket " NOID, "route", "--record", NOID);
	REFUSED(dir, 3, "no ticket " NOID, "route", "--json", "--record", NOID);
	REFUSED(dir, 2, "is not a ticket ID", "route", "--record", "../x");
	/* Not ready or queued: no route to record (the route is printed). */
	const char *unrouted[] = {p, w};
	for (int i = 0; i < 2; i++) {
		char want[128];
		snprintf(want, sizeof(want),
			 "%s is not ready or queued, so it has no route to "
			 "record",
			 unrouted[i]);
		e2e_result r = EXPECT(dir, 4, "route", "--record", unrouted[i]);
		cr_assert(strstr(r.err, want), "%s", r.err);
		cr_assert(strstr(r.out, a), "%s", r.out);
		e2e_free(&r);
	}
	static const char *const cmds[] = {"route", "ready", "blocked"};
	for (int i = 0; i < 3; i++) {
		REFUSED(dir, 2, "unexpected argument 'extra'", cmds[i],
			"extra");
		REFUSED(dir, 2, "unexpected argument", cmds[i], a);
		REFUSED(dir, 2, "unknown option '--bogus'", cmds[i], "--bogus");
		if (i > 0)
			REFUSED(dir, 2, "--record goes with route", cmds[i],
				"--record", a);
	}
	REFUSED(dir, 2, "option '--record' needs a value", "route", "--record");
	same_store(dir, before, "a refused route --record");
	free(before);
	free(a);
	free(p);
	free(w);
	e2e_rm(dir);
}

Test(routing_cli, route_views_of_an_empty_route)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "still planning");
	static const char *const cmds[] = {"route", "ready", "blocked"};
	for (int i = 0; i < 3; i++) {
		e2e_result r = EXPECT(dir, 0, cmds[i], "--json");
		cr_assert_str_eq(r.out, "[]\n", "%s", cmds[i]);
		e2e_free(&r);
		r = EXPECT(dir, 0, cmds[i]);
		cr_assert_str_eq(r.out, "", "%s", cmds[i]);
		cr_assert_str_eq(r.err, "", "%s", cmds[i]);
		e2e_free(&r);
	}
	free(a);
	e2e_rm(dir);
}

Test(routing_cli, capacity_counts_inprogress_and_zero_is_unlimited)
{
	char *dir = e2e_store();
	e2e_write(dir, ".yoi/config.yaml", "routing:\n  max_inprogress: 1\n");
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C"), *p = new_ticket(dir, "P");
	/* c waits for a: a dependency is reported before capacity. */
	OK(dir, "relation", "add", c, "--kind", "depends_on", "--target", a);
	to_ready(dir, a);
	to_ready(dir, b);
	to_ready(dir, c);
	to_inprogress(dir, p);
	const char *full =
	    "routing.max_inprogress is 1: 1 in progress, 0 actionable ahead";
	json_t *j = JRUN(dir, "route", "--json");
	cr_assert_eq(json_array_size(j), 3);
	route_entry(at(j, 0), a, "A", "ready", "waiting_capacity", full, 0,
		    NULL);
	route_entry(at(j, 1), b, "B", "ready", "waiting_capacity", full, 0,
		    NULL);
	JEQ(at(j, 2), "class", "waiting_dependency");
	json_decref(j);
	j = JRUN(dir, "ready", "--json");
	cr_assert_eq(json_array_size(j), 0);
	json_decref(j);
	/* The capacity decision is what route --record writes. */
	OK(dir, "route", "--record", b);
	j = JRUN(dir, "show", b, "--json", "--events", "1");
	json_t *e = at(json_object_get(j, "events"), 0);
	char want[160];
	snprintf(want, sizeof(want), "route: waiting_capacity: %s", full);
	JEQ(e, "body", want);
	json_decref(j);
	/* p done frees the slot for the first in order only. */
	OK(dir, "state", p, "done");
	j = JRUN(dir, "route", "--json");
	route_entry(at(j, 0), a, "A", "ready", "actionable", "", 0, NULL);
	route_entry(at(j, 1), b, "B", "ready", "waiting_capacity",
		    "routing.max_inprogress is 1: 0 in progress, 1 actionable "
		    "ahead",
		    0, NULL);
	json_decref(j);
	/* 0 means unlimited. */
	e2e_write(dir, ".yoi/config.yaml", "routing:\n  max_inprogress: 0\n");
	j = JRUN(dir, "ready", "--json");
	cr_assert_eq(json_array_size(j), 2);
	JEQ(at(j, 0), "id", a);
	JEQ(at(j, 1), "id", b);
	json_decref(j);
	free(a);
	free(b);
	free(c);
	free(p);
	e2e_rm(dir);
}

Test(routing_cli, do_not_parallelize_holds_both_ways_until_done)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	OK(dir, "plan", "add", a, "--kind", "do_not_parallelize", "--related",
	   b);
	OK(dir, "plan", "add", a, "--kind", "do_not_parallelize", "--related",
	   c);
	to_ready(dir, a);
	to_ready(dir, c);
	to_inprogress(dir, b);
	/* The record's holder waits while its partner runs... */
	char want[128];
	snprintf(want, sizeof(want),
		 "%s via do_not_parallelize (state: inprogress)", b);
	json_t *j = JRUN(dir, "route", "--json");
	cr_assert_eq(json_array_size(j), 2);
	route_entry(at(j, 0), a, "A", "ready", "waiting_conflict", want, 0, b);
	route_entry(at(j, 1), c, "C", "ready", "actionable", "", 0, NULL);
	json_decref(j);
	/* ...but the partner is no blocker for the guards... */
	OK(dir, "state", a, "queued");
	OK(dir, "state", b, "done");
	j = JRUN(dir, "ready", "--json");
	cr_assert_eq(json_array_size(j), 2);
	route_entry(at(j, 0), a, "A", "queued", "actionable", "", 0, NULL);
	json_decref(j);
	/* ...and the named ticket waits while the holder runs. */
	OK(dir, "state", a, "inprogress");
	snprintf(want, sizeof(want),
		 "%s via do_not_parallelize (state: inprogress)", a);
	j = JRUN(dir, "blocked", "--json");
	cr_assert_eq(json_array_size(j), 1);
	route_entry(at(j, 0), c, "C", "ready", "waiting_conflict", want, 0, a);
	json_decref(j);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

/* ---- deps ---------------------------------------------------------------- */

Test(routing_cli, deps_exact_tree_both_directions)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "Top"), *b = new_ticket(dir, "Left"),
	     *c = new_ticket(dir, "Right"), *d = new_ticket(dir, "Base");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", c);
	OK(dir, "relation", "add", b, "--kind", "depends_on", "--target", d);
	OK(dir, "relation", "add", d, "--kind", "blocks", "--target", c);
	/* Non-waiting kinds are no part of the tree. */
	OK(dir, "relation", "add", b, "--kind", "related", "--target", c);
	to_done(dir, d);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s (state: planning) Top\n"
		 "  %s via depends_on (state: planning) Left\n"
		 "    %s via depends_on (state: done) Base\n"
		 "  %s via depends_on (state: planning) Right\n"
		 "    %s via blocks (state: done) [see above]\n",
		 a, b, d, c, d);
	e2e_result r = EXPECT(dir, 0, "deps", a + 9);
	cr_assert_str_eq(r.out, want);
	cr_assert_str_eq(r.err, "");
	e2e_free(&r);
	snprintf(want, sizeof(want),
		 "%s (state: done) Base\n"
		 "  %s via depends_on (state: planning) Left\n"
		 "    %s via depends_on (state: planning) Top\n"
		 "  %s via blocks (state: planning) Right\n"
		 "    %s via depends_on (state: planning) [see above]\n",
		 d, b, a, c, a);
	r = EXPECT(dir, 0, "deps", d, "--reverse");
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	/* Leaves: the root alone. */
	snprintf(want, sizeof(want), "%s (state: done) Base\n", d);
	r = EXPECT(dir, 0, "deps", d);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	snprintf(want, sizeof(want), "%s (state: planning) Top\n", a);
	r = EXPECT(dir, 0, "deps", "--reverse", a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	free(d);
	e2e_rm(dir);
}

/* relations.json for a ticket, written by hand (what add would refuse). */
static void relate_by_hand(const char *dir, const char *from, const char *kind,
			   const char *to, const char *extra)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "{\n  \"version\": 1,\n  \"relations\": [\n    {\n"
		 "      \"ticket_id\": \"%s\",\n      \"kind\": \"%s\",\n"
		 "      \"target\": \"%s\",\n      \"author\": \"t\",\n"
		 "      \"at\": \"" T0 "\"%s\n    }\n  ]\n}\n",
		 from, kind, to, extra);
	e2e_write(dir, e2e_tpath(from, "artifacts/relations.json"), text);
}

Test(routing_cli, deps_and_route_survive_a_hand_written_cycle)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	relate_by_hand(dir, b, "depends_on", a, "");
	char want[512];
	snprintf(want, sizeof(want),
		 "%s (state: planning) A\n"
		 "  %s via depends_on (state: planning) B\n"
		 "    %s via depends_on (state: planning) [cycle]\n",
		 a, b, a);
	e2e_result r = EXPECT(dir, 0, "deps", a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	to_ready(dir, a);
	to_ready(dir, b);
	json_t *j = JRUN(dir, "route", "--json");
	cr_assert_eq(json_array_size(j), 2);
	JEQ(at(j, 0), "class", "waiting_dependency");
	cr_assert(strstr(js(at(j, 0), "reason"), "(cycle)"), "%s",
		  js(at(j, 0), "reason"));
	json_decref(j);
	/* Both guards still hold, and doctor names the cycle. */
	REFUSED(dir, 4, "via depends_on (state: ready)", "state", a, "queued");
	r = EXPECT(dir, 1, "doctor");
	cr_assert(strstr(r.out, "cycle"), "%s", r.out);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

Test(routing_cli, deps_refusals)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	char *before = digest(dir);
	REFUSED(dir, 3, "no ticket " NOID, "deps", NOID);
	REFUSED(dir, 3, "no ticket " NOID, "deps", NOID, "--reverse");
	REFUSED(dir, 2, "is not a ticket ID", "deps", "../../etc");
	REFUSED(dir, 2, "expected one ticket ID", "deps", a, b);
	REFUSED(dir, 2, "expected one ticket ID", "deps", "--reverse");
	REFUSED(dir, 2, "unknown option '--bogus'", "deps", a, "--bogus");
	same_store(dir, before, "a refused deps");
	free(before);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* ---- the queue and start guards ------------------------------------------ */

Test(routing_cli, queue_guard_names_every_blocker_and_writes_nothing)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C"), *d = new_ticket(dir, "D"),
	     *e = new_ticket(dir, "E");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", c, "--kind", "blocks", "--target", a);
	OK(dir, "plan", "add", a, "--kind", "blocked_by", "--related", d);
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", e);
	to_ready(dir, a);
	to_ready(dir, b);
	to_queued(dir, e);
	char *before = digest(dir);
	/* Every blocker still planning or ready is named; e (queued) not. */
	char want[1024];
	snprintf(want, sizeof(want),
		 "yoi-tickets state: %s cannot go to queued: "
		 "waiting for %s via depends_on (state: ready); "
		 "waiting for %s via blocks (state: planning); "
		 "waiting for %s via blocked_by (state: planning) "
		 "(or --force --reason TEXT)\n",
		 a, b, c, d);
	e2e_result r = EXPECT(dir, 4, "state", a, "queued");
	cr_assert_str_eq(r.err, want);
	cr_assert_str_eq(r.out, "");
	e2e_free(&r);
	/* A reason alone overrides nothing. */
	REFUSED(dir, 4, "cannot go to queued", "state", a + 9, "queued",
		"--reason", "please");
	same_store(dir, before, "a refused queue");
	/* The start guard names every blocker, e (queued) included. */
	OK(dir, "state", a, "queued", "--force", "--reason", "hotfix");
	snprintf(want, sizeof(want),
		 "yoi-tickets state: %s cannot go to inprogress: "
		 "waiting for %s via depends_on (state: ready); "
		 "waiting for %s via blocks (state: planning); "
		 "waiting for %s via blocked_by (state: planning); "
		 "waiting for %s via depends_on (state: queued) "
		 "(or --force --reason TEXT)\n",
		 a, b, c, d, e);
	free(before);
	before = digest(dir);
	r = EXPECT(dir, 4, "state", a, "inprogress");
	cr_assert_str_eq(r.err, want);
	e2e_free(&r);
	same_store(dir, before, "a refused start");
	free(before);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	e2e_rm(dir);
}

Test(routing_cli, queue_allows_queued_and_inprogress_blockers_start_does_not)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	OK(dir, "relation", "add", c, "--kind", "blocks", "--target", a);
	to_queued(dir, b);
	to_inprogress(dir, c);
	to_ready(dir, a);
	e2e_result r = EXPECT(dir, 0, "state", a, "queued", "--author", "ann");
	char want[512];
	snprintf(want, sizeof(want), "%s ready -> queued\n", a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	char *item = e2e_read(dir, e2e_tpath(a, "item.md"));
	cr_assert(strstr(item, "\nstate: 'queued'\n"), "%s", item);
	cr_assert(strstr(item, "\nqueued_by: 'ann'\n"), "%s", item);
	cr_assert(strstr(item, "\nqueued_at: '" T0 "'\n"), "%s", item);
	free(item);
	char *th = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert_null(strstr(th, "forced"), "%s", th);
	free(th);
	snprintf(want, sizeof(want),
		 "cannot go to inprogress: waiting for %s via depends_on "
		 "(state: queued); waiting for %s via blocks (state: "
		 "inprogress) (",
		 b, c);
	REFUSED(dir, 4, want, "state", a, "inprogress");
	/* Done and closed blockers are none. */
	OK(dir, "state", c, "done");
	snprintf(want, sizeof(want),
		 "cannot go to inprogress: waiting for %s via depends_on "
		 "(state: queued) (",
		 b);
	REFUSED(dir, 4, want, "state", a, "inprogress");
	OK(dir, "close", b, "--resolution", "not needed");
	OK(dir, "state", a, "inprogress");
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(routing_cli, force_needs_a_reason_and_is_recorded)
{
	setenv("YOI_TICKETS_NOW", T0, 1);
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	to_ready(dir, a);
	char *before = digest(dir);
	REFUSED(dir, 2, "--force needs --reason TEXT", "state", a, "queued",
		"--force");
	REFUSED(dir, 2, "--reason must not be empty", "state", a, "queued",
		"--force", "--reason", "");
	REFUSED(dir, 2, "option '--reason' needs a value", "state", a, "queued",
		"--force", "--reason");
	same_store(dir, before, "--force without --reason");
	free(before);
	/* Queue guard overridden: said on stdout, recorded in the event. */
	e2e_result r = EXPECT(dir, 0, "state", a, "queued", "--force",
			      "--reason", "hot fix");
	char want[128];
	snprintf(want, sizeof(want), "%s ready -> queued (forced)\n", a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	/* Start guard overridden too. */
	r = EXPECT(dir, 0, "state", a + 9, "inprogress", "--reason", "ship it",
		   "--force");
	snprintf(want, sizeof(want), "%s queued -> inprogress (forced)\n", a);
	cr_assert_str_eq(r.out, want);
	e2e_free(&r);
	json_t *j = JRUN(dir, "show", a, "--json", "--events", "2");
	JEQ(j, "state", "inprogress");
	JEQ(j, "replayed_state", "inprogress");
	json_t *ev = json_object_get(j, "events");
	const char *from[] = {"ready", "queued"},
		   *to[] = {"queued", "inprogress"};
	const char *why[] = {"hot fix", "ship it"};
	for (size_t i = 0; i < 2; i++) {
		json_t *e = at(ev, i);
		JEQ(e, "kind", "state_changed");
		json_t *attrs = json_object_get(e, "attrs");
		KEYS(attrs, "event", "author", "at", "from", "to", "reason",
		     "field", "forced", "id");
		event_id_ok(attrs);
		JEQ(attrs, "from", from[i]);
		JEQ(attrs, "to", to[i]);
		JEQ(attrs, "reason", why[i]);
		JEQ(attrs, "field", "state");
		JEQ(attrs, "forced", "true");
	}
	json_decref(j);
	char *th = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert(strstr(th, "to: queued reason: \"hot fix\" field: state "
			     "forced: true id: "),
		  "%s", th);
	free(th);
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* ---- regressions: bugs these tests found, now fixed ---------------------- */

/*
 * Was a bug: `state ID queued --force --reason R` with no guard to override
 * prints "(forced)" on stdout, while the thread (the source of truth)
 * records no override (no `forced: true`): the output and the record
 * disagree.
 */
Test(routing_cli, force_without_a_refusal_is_not_reported_as_forced)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A");
	to_ready(dir, a);
	e2e_result r = EXPECT(dir, 0, "state", a, "queued", "--force",
			      "--reason", "nothing to override");
	char *th = e2e_read(dir, e2e_tpath(a, "thread.md"));
	cr_assert_null(strstr(th, "forced: true"), "%s", th);
	char want[128];
	snprintf(want, sizeof(want), "%s ready -> queued\n", a);
	cr_assert_str_eq(r.out, want, "the record says not forced");
	e2e_free(&r);
	free(th);
	free(a);
	e2e_rm(dir);
}

/*
 * Was a bug: the guards read the routing view, which drops a relations.json it
 * cannot parse (or a record with an unknown key) silently. A ticket whose
 * own relations.json says it depends_on a planning ticket then queues and
 * starts with exit 0. SPEC 12: a corrupt record the command needed is
 * exit 7, naming the file; nothing may change.
 */
Test(routing_cli, guards_refuse_when_relations_json_is_corrupt)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B"),
	     *c = new_ticket(dir, "C");
	to_ready(dir, a);
	/* Not JSON at all. */
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	e2e_write(dir, e2e_tpath(a, "artifacts/relations.json"),
		  "{\"version\": 1, \"relations\": [\n");
	char *before = digest(dir);
	REFUSED(dir, 7, "relations.json", "state", a, "queued");
	same_store(dir, before, "the queue guard on a corrupt file");
	free(before);
	/* A depends_on record with a key the closed schema does not have. */
	to_queued(dir, c);
	relate_by_hand(dir, c, "depends_on", b, ",\n      \"extra\": 1");
	before = digest(dir);
	REFUSED(dir, 7, "relations.json", "state", c, "inprogress");
	same_store(dir, before, "the start guard on a bad record");
	free(before);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

/*
 * Was a bug: `relation remove` resolves --target as an existing ticket, so a
 * dangling relation (its target deleted) cannot be removed: exit 3 "no
 * ticket ...". doctor reports it as relation-dangling and says "remove
 * the relation or restore the ticket from git"; the library's remove does
 * not need the target (yoi_relate checks it only for add).
 */
Test(routing_cli, remove_a_dangling_relation)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	cr_assert_eq(e2e_sh(dir, "rm -rf .yoi/tickets/%s", b), 0);
	e2e_result r = EXPECT(dir, 1, "doctor");
	cr_assert(strstr(r.out, "relation-dangling"), "%s", r.out);
	e2e_free(&r);
	r = EXPECT(dir, 0, "relation", "remove", a, "--kind", "depends_on",
		   "--target", b);
	e2e_free(&r);
	char *rel = e2e_read(dir, e2e_tpath(a, "artifacts/relations.json"));
	cr_assert_null(strstr(rel, b), "%s", rel);
	free(rel);
	r = EXPECT(dir, 0, "doctor");
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}

/*
 * Was a bug: deps and show read the ticket's relations through the routing
 * view and drop a corrupt relations.json without a word: deps prints the
 * root alone with exit 0, show prints no relations and no diagnostic
 * (route and relation list do warn on stderr). SPEC 12/14: an error that
 * names the file, exit 7 for a record the command needed (deps).
 */
Test(routing_cli, deps_and_show_report_a_corrupt_relations_json)
{
	char *dir = e2e_store();
	char *a = new_ticket(dir, "A"), *b = new_ticket(dir, "B");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	e2e_write(dir, e2e_tpath(a, "artifacts/relations.json"), "{ broken\n");
	e2e_result r = EXPECT(dir, 7, "deps", a);
	cr_assert(strstr(r.err, "relations.json"), "%s", r.err);
	e2e_free(&r);
	r = e2e_run(dir, NULL, (const char *const[]){"show", a, NULL});
	cr_assert(strstr(r.err, "relations.json"), "show is silent: %s", r.err);
	e2e_free(&r);
	free(a);
	free(b);
	e2e_rm(dir);
}
