/*
 * End-to-end: claims across clones (SPEC 10) with a local bare remote and
 * two clones, a and b, of one repository.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* One world: <w>/remote.git (bare), <w>/a and <w>/b (clones). */
typedef struct world {
	char *dir;
	char a[512], b[512];
	char **ids; /* queued tickets, committed and in both clones */
	size_t n;
} world;

static void queue(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "state", id, "ready", "--summary", "s");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "state", id, "queued");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
}

/* n queued tickets; config: the claims config text (NULL: none). */
static void world_new(world *w, size_t n, const char *config)
{
	memset(w, 0, sizeof(*w));
	w->dir = strdup("/tmp/yoi-e2e.XXXXXX");
	cr_assert_not_null(mkdtemp(w->dir));
	snprintf(w->a, sizeof(w->a), "%s/a", w->dir);
	snprintf(w->b, sizeof(w->b), "%s/b", w->dir);
	cr_assert_eq(e2e_sh(w->dir,
			    "git init -q --bare remote.git && git init -q a "
			    "&& cd a && git config user.name A && git config "
			    "user.email a@example.invalid && git commit -q "
			    "--allow-empty -m init"),
		     0);
	e2e_result r = RUN(w->a, "init");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	if (config)
		e2e_write(w->a, ".yoi/config.yaml", config);
	w->ids = calloc(n + 1, sizeof(*w->ids));
	for (size_t i = 0; i < n; i++) {
		char title[32];
		snprintf(title, sizeof(title), "Ticket %zu", i);
		w->ids[i] = OK_LINE(w->a, "create", "--title", title);
		queue(w->a, w->ids[i]);
	}
	w->n = n;
	cr_assert_eq(e2e_sh(w->a, "git add -A && git commit -qm tickets && "
				  "git remote add origin ../remote.git && "
				  "git push -q origin HEAD:refs/heads/main && "
				  "git -C ../remote.git symbolic-ref HEAD "
				  "refs/heads/main"),
		     0);
	cr_assert_eq(e2e_sh(w->dir, "git clone -q remote.git b && cd b && "
				    "git config user.name B && git config "
				    "user.email b@example.invalid"),
		     0);
}

static void world_free(world *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->ids[i]);
	free(w->ids);
	e2e_rm(w->dir);
}

static e2e_result run_as(const char *dir, const char *author,
			 const char *const *argv)
{
	setenv("YOI_TICKETS_AUTHOR", author, 1);
	e2e_result r = e2e_run(dir, NULL, argv);
	unsetenv("YOI_TICKETS_AUTHOR");
	return r;
}
#define AS(dir, who, ...)                                                      \
	run_as((dir), (who), (const char *const[]){__VA_ARGS__, NULL})

/* Whether the remote has refs/yoi/claims/<id>. */
static bool claimed(const world *w, const char *id)
{
	return e2e_sh(w->dir,
		      "git -C remote.git rev-parse -q --verify "
		      "refs/yoi/claims/%s >/dev/null",
		      id) == 0;
}

static char *state_of(const char *dir, const char *id)
{
	e2e_result r = RUN(dir, "show", id, "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j);
	char *s = strdup(json_string_value(
	    json_object_get(json_object_get(j, "fields"), "state")));
	json_decref(j);
	e2e_free(&r);
	return s;
}

/* start made nothing in dir for id: queued, no branch, no worktree. */
static void nothing_made(const char *dir, const char *id)
{
	char *st = state_of(dir, id);
	cr_assert_str_eq(st, "queued", "%s in %s", id, dir);
	free(st);
	cr_assert_neq(
	    e2e_sh(dir, "git for-each-ref refs/heads/work/ | grep -q %s", id),
	    0, "a branch for %s was made in %s", id, dir);
	cr_assert_neq(
	    e2e_sh(dir, "git worktree list --porcelain | grep -q %s", id), 0,
	    "a worktree for %s was made in %s", id, dir);
}

static const char *claims_config = "claims:\n  remote: origin\n";

static char *slurp(const char *dir, const char *rel)
{
	char *s = e2e_read(dir, rel);
	cr_assert_not_null(s, "%s/%s", dir, rel);
	return s;
}

/*
 * The race the issue asks for: both clones start the same ticket at once
 * (both processes are started, held at one gate, let go together, and
 * waited for), round after round: exactly one wins every time, the other
 * is refused (exit 4) naming the winner, and the remote's claim names the
 * winner.
 */
Test(claims, two_clones_racing_exactly_one_wins_every_round, .timeout = 600)
{
	enum { ROUNDS = 20 };
	world w;
	world_new(&w, ROUNDS, claims_config);
	int wins_a = 0, wins_b = 0;
	for (size_t i = 0; i < ROUNDS; i++) {
		const char *id = w.ids[i];
		cr_assert_eq(
		    e2e_sh(w.dir,
			   "rm -f rc.a rc.b && exec 9>gate && flock 9 && { "
			   "(exec 9>&-; cd a && flock -s ../gate true && "
			   "YOI_TICKETS_AUTHOR=alice \"$YOI_BIN\" start %s "
			   ">../out.a 2>../err.a; echo $? >../rc.a) & "
			   "(exec 9>&-; cd b && flock -s ../gate true && "
			   "YOI_TICKETS_AUTHOR=bob \"$YOI_BIN\" start %s "
			   ">../out.b 2>../err.b; echo $? >../rc.b) & "
			   "flock -u 9; wait; }",
			   id, id),
		    0);
		char *ra = slurp(w.dir, "rc.a"), *rb = slurp(w.dir, "rc.b");
		char *ea = slurp(w.dir, "err.a"), *eb = slurp(w.dir, "err.b");
		int sa = atoi(ra), sb = atoi(rb);
		cr_assert((sa == 0 && sb == 4) || (sa == 4 && sb == 0),
			  "round %zu: a exit %d (%s), b exit %d (%s)", i, sa,
			  ea, sb, eb);
		const char *winner = sa == 0 ? "alice" : "bob";
		const char *loser_err = sa == 0 ? eb : ea;
		cr_assert(strstr(loser_err, "is claimed on remote 'origin' by"),
			  "round %zu: %s", i, loser_err);
		cr_assert(strstr(loser_err, winner), "round %zu: %s", i,
			  loser_err);
		cr_assert(strstr(loser_err, "since 20"), "round %zu: %s", i,
			  loser_err);
		cr_assert(claimed(&w, id));
		cr_assert_eq(e2e_sh(w.dir,
				    "git -C remote.git log -1 --format=%%B "
				    "refs/yoi/claims/%s | grep -qx "
				    "'claimer: %s'",
				    id, winner),
			     0, "round %zu: the claim does not name %s", i,
			     winner);
		nothing_made(sa == 0 ? w.b : w.a, id);
		char *st = state_of(sa == 0 ? w.a : w.b, id);
		cr_assert_str_eq(st, "inprogress");
		free(st);
		if (sa == 0)
			wins_a++;
		else
			wins_b++;
		free(ra);
		free(rb);
		free(ea);
		free(eb);
	}
	cr_assert_eq(wins_a + wins_b, ROUNDS);
	/* One claim per ticket on the remote, nothing else. */
	cr_assert_eq(e2e_sh(w.dir,
			    "test \"$(git -C remote.git for-each-ref "
			    "refs/yoi/claims/ | wc -l)\" -eq %d",
			    ROUNDS),
		     0);
	world_free(&w);
}

Test(claims, refused_start_names_the_holder_and_makes_nothing)
{
	world w;
	world_new(&w, 1, claims_config);
	const char *id = w.ids[0];
	e2e_result r = AS(w.a, "alice", "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = AS(w.b, "bob", "start", id);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "alice"), "%s", r.err);
	cr_assert(strstr(r.err, w.a), "the clone's path: %s", r.err);
	cr_assert(strstr(r.err, "since 20"), "%s", r.err);
	cr_assert_str_empty(r.out);
	e2e_free(&r);
	nothing_made(w.b, id);
	/* The loser's own tries leave no ref of theirs behind. */
	cr_assert_eq(e2e_sh(w.b, "test -z \"$(git for-each-ref "
				 "refs/yoi/own-claims/)\""),
		     0);
	/* start again in the winning clone: still its claim (exit 4 from the
	 * state machine, not from the claim). */
	r = AS(w.a, "alice", "claims", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_eq(json_array_size(j), 1, "%s", r.out);
	json_t *c = json_array_get(j, 0);
	cr_assert_str_eq(json_string_value(json_object_get(c, "id")), id);
	cr_assert_str_eq(json_string_value(json_object_get(c, "claimer")),
			 "alice");
	cr_assert_str_eq(json_string_value(json_object_get(c, "path")), w.a);
	cr_assert(json_is_true(json_object_get(c, "mine")));
	json_decref(j);
	e2e_free(&r);
	r = AS(w.b, "bob", "claims", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert_eq(json_array_size(j), 1, "%s", r.out);
	cr_assert(json_is_false(json_object_get(json_array_get(j, 0), "mine")));
	json_decref(j);
	e2e_free(&r);
	r = AS(w.b, "bob", "claims");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, id) && strstr(r.out, "alice"), "%s", r.out);
	cr_assert_null(strstr(r.out, "(this clone)"), "%s", r.out);
	e2e_free(&r);
	world_free(&w);
}

Test(claims, without_claims_remote_nothing_changes)
{
	world w;
	world_new(&w, 1, NULL);
	e2e_result r = RUN(w.a, "start", w.ids[0]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(w.dir, "test -z \"$(git -C remote.git "
				   "for-each-ref refs/yoi/)\" && test -z "
				   "\"$(git -C a for-each-ref refs/yoi/)\" && "
				   "test -z \"$(git -C a config yoi.clone)\""),
		     0);
	r = RUN(w.a, "claims");
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "claims.remote is not set"), "%s", r.err);
	e2e_free(&r);
	world_free(&w);
}

/* A remote out of reach: exit 6 naming it, and start makes nothing. */
Test(claims, unreachable_remote_is_exit_6_and_start_makes_nothing)
{
	world w;
	world_new(&w, 1, claims_config);
	const char *id = w.ids[0];
	cr_assert_eq(e2e_sh(w.b, "git remote set-url origin ../gone.git"), 0);
	e2e_result r = RUN(w.b, "start", id);
	cr_assert_eq(r.status, 6, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "remote 'origin'"), "%s", r.err);
	cr_assert(strstr(r.err, "gone.git"), "%s", r.err);
	e2e_free(&r);
	nothing_made(w.b, id);
	/* doctor: a warning, never a failure, for the network. */
	r = RUN(w.b, "doctor", "--format", "json");
	cr_assert_eq(r.status, 0, "%d %s", r.status, r.err);
	cr_assert(strstr(r.out, "\"claims-unreachable\""), "%s", r.out);
	e2e_free(&r);
	/* A remote this clone does not have: the same. */
	cr_assert_eq(e2e_sh(w.b, "git remote remove origin"), 0);
	r = RUN(w.b, "start", id);
	cr_assert_eq(r.status, 6, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "no such remote"), "%s", r.err);
	cr_assert(strstr(r.err, "'origin'"), "%s", r.err);
	e2e_free(&r);
	nothing_made(w.b, id);
	r = RUN(w.b, "claims");
	cr_assert_eq(r.status, 6, "%d %s", r.status, r.err);
	e2e_free(&r);
	world_free(&w);
}

/* A start that fails after its claim releases the claim again. */
Test(claims, failed_start_releases_its_claim)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set");
	world w;
	world_new(&w, 1, claims_config);
	const char *id = w.ids[0];
	const char *faults[] = {"start-after-worktree", "start-after-plan",
				"commit-fails"};
	for (size_t i = 0; i < sizeof(faults) / sizeof(*faults); i++) {
		setenv("YOI_FAULT", faults[i], 1);
		e2e_result r = e2e_run_bin(
		    bin, w.a, NULL, (const char *const[]){"start", id, NULL});
		unsetenv("YOI_FAULT");
		cr_assert_eq(r.status, 6, "%s: %d %s", faults[i], r.status,
			     r.err);
		e2e_free(&r);
		cr_assert_not(claimed(&w, id), "%s left the claim", faults[i]);
		nothing_made(w.a, id);
	}
	/* A branch that exists refuses the start: the claim goes again. */
	cr_assert_eq(e2e_sh(w.a, "git branch work/%s-ticket-0", id), 0);
	e2e_result r = RUN(w.a, "start", id);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	e2e_free(&r);
	cr_assert_not(claimed(&w, id));
	cr_assert_eq(e2e_sh(w.a, "git branch -D -q work/%s-ticket-0", id), 0);
	/* The other clone can have it now. */
	r = RUN(w.b, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(claimed(&w, id));
	world_free(&w);
}

Test(claims, cleanup_and_close_release_this_clones_claim)
{
	world w;
	world_new(&w, 2, claims_config);
	e2e_result r = RUN(w.a, "start", w.ids[0]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(w.a, "start", w.ids[1]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(claimed(&w, w.ids[0]) && claimed(&w, w.ids[1]));
	r = RUN(w.a, "cleanup", w.ids[0], "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.err, "warning"), "%s", r.err);
	e2e_free(&r);
	cr_assert_not(claimed(&w, w.ids[0]));
	cr_assert(claimed(&w, w.ids[1]));
	r = RUN(w.a, "close", w.ids[1], "--resolution", "done");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.err, "warning"), "%s", r.err);
	e2e_free(&r);
	cr_assert_not(claimed(&w, w.ids[1]));
	/* The mirror of the remote's claims follows. */
	cr_assert_eq(e2e_sh(w.a, "test -z \"$(git for-each-ref refs/yoi/)\""),
		     0);
	world_free(&w);
}

/*
 * Another clone's claim: close there leaves it (a warning), release
 * refuses it (exit 4) unless --force, doctor warns while its ticket is
 * closed.
 */
Test(claims, another_clones_claim_is_kept_until_forced)
{
	world w;
	world_new(&w, 1, claims_config);
	const char *id = w.ids[0];
	e2e_result r = AS(w.a, "alice", "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = AS(w.b, "bob", "close", id, "--resolution", "not needed");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "claim-not-released"), "%s", r.err);
	cr_assert(strstr(r.err, "alice"), "%s", r.err);
	e2e_free(&r);
	cr_assert(claimed(&w, id));
	r = RUN(w.b, "doctor", "--format", "json");
	cr_assert(strstr(r.out, "\"claim-closed\""), "%s", r.out);
	cr_assert(strstr(r.out, id), "%s", r.out);
	e2e_free(&r);
	r = RUN(w.b, "claims", "release", id);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "--force"), "%s", r.err);
	e2e_free(&r);
	cr_assert(claimed(&w, id));
	r = RUN(w.b, "claims", "release", id, "--force", "--json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_t *j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	cr_assert(json_is_true(json_object_get(j, "forced")));
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(j, "released"), "claimer")),
			 "alice");
	json_decref(j);
	e2e_free(&r);
	cr_assert_not(claimed(&w, id));
	r = RUN(w.b, "claims", "release", id);
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(w.b, "doctor", "--format", "json");
	cr_assert_null(strstr(r.out, "claim-closed"), "%s", r.out);
	e2e_free(&r);
	world_free(&w);
}

/* A claim this clone holds already (a start that went back to queued)
 * is kept as it is, not refused. */
Test(claims, own_claim_is_kept_not_refused)
{
	world w;
	world_new(&w, 1, claims_config);
	const char *id = w.ids[0];
	e2e_result r = RUN(w.a, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(w.dir,
			    "git -C remote.git rev-parse "
			    "refs/yoi/claims/%s >first",
			    id),
		     0);
	r = RUN(w.a, "cleanup", id, "--force");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_not(claimed(&w, id));
	/* The claim back on the remote (as if cleanup had not released it),
	 * the ticket back in the queue. */
	cr_assert_eq(e2e_sh(w.dir,
			    "git -C remote.git update-ref "
			    "refs/yoi/claims/%s \"$(cat first)\"",
			    id),
		     0);
	r = RUN(w.a, "state", id, "queued", "--force", "--reason", "again");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(w.a, "start", id);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(w.dir,
			    "test \"$(git -C remote.git rev-parse "
			    "refs/yoi/claims/%s)\" = \"$(cat first)\"",
			    id),
		     0, "the claim was made again");
	world_free(&w);
}

Test(claims, bad_usage)
{
	world w;
	world_new(&w, 1, claims_config);
	e2e_result r = RUN(w.a, "claims", "frobnicate");
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(w.a, "claims", "release");
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(w.a, "claims", "--force");
	cr_assert_eq(r.status, 2, "%d %s", r.status, r.err);
	e2e_free(&r);
	r = RUN(w.a, "claims", "release", "ZZZZ");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	e2e_free(&r);
	/* A full ID is the claim's, ticket here or not. */
	r = RUN(w.a, "claims", "release", "0000000000ZZZ");
	cr_assert_eq(r.status, 3, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "has no claim on remote 'origin'"), "%s",
		  r.err);
	e2e_free(&r);
	r = RUN(w.a, "claims");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_empty(r.out);
	e2e_free(&r);
	world_free(&w);
}

/* A relative remote URL (a's origin is ../remote.git) is read from the
 * top, as git reads it, also when the command runs in a subdirectory. */
Test(claims, relative_remote_url_from_a_subdirectory)
{
	world w;
	world_new(&w, 1, claims_config);
	cr_assert_eq(e2e_sh(w.a, "mkdir -p sub/deeper"), 0);
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/sub/deeper", w.a);
	e2e_result r = RUN(sub, "start", w.ids[0]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert(claimed(&w, w.ids[0]));
	r = RUN(sub, "claims");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, w.ids[0]), "%s", r.out);
	e2e_free(&r);
	world_free(&w);
}

/* A copy of a clone (cp -r: its .git/config and so its clone id with it)
 * is another clone: it cannot take the original's claim for its own. */
Test(claims, a_copied_clone_is_not_the_holder)
{
	world w;
	world_new(&w, 2, claims_config);
	e2e_result r = RUN(w.a, "start", w.ids[0]); /* a draws its id */
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	cr_assert_eq(e2e_sh(w.dir, "cp -r a c && test \"$(git -C a config "
				   "yoi.clone)\" = \"$(git -C c config "
				   "yoi.clone)\""),
		     0);
	r = RUN(w.a, "start", w.ids[1]);
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	char c[600];
	snprintf(c, sizeof(c), "%s/c", w.dir);
	r = RUN(c, "start", w.ids[1]);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	cr_assert(strstr(r.err, "is claimed on remote 'origin'"), "%s", r.err);
	e2e_free(&r);
	nothing_made(c, w.ids[1]);
	r = RUN(c, "claims", "release", w.ids[1]);
	cr_assert_eq(r.status, 4, "%d %s", r.status, r.err);
	e2e_free(&r);
	cr_assert(claimed(&w, w.ids[1]));
	world_free(&w);
}

/*
 * The push refused and the remote then out of reach (exit 6), or the
 * refusal with no holder to show, round after round (exit 5, busy): start
 * makes nothing; it never goes on without a claim it knows it has.
 */
Test(claims, refused_push_without_a_holder_to_show_makes_nothing)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set");
	world w;
	world_new(&w, 1, claims_config);
	const char *id = w.ids[0];
	const char *faults[] = {"claim-recheck-fails", "claim-push-refused"};
	for (size_t i = 0; i < sizeof(faults) / sizeof(*faults); i++) {
		setenv("YOI_FAULT", faults[i], 1);
		e2e_result r = e2e_run_bin(
		    bin, w.a, NULL, (const char *const[]){"start", id, NULL});
		unsetenv("YOI_FAULT");
		/* out of reach: exit 6; no holder shows up: busy, exit 5 */
		cr_assert_eq(r.status, i == 0 ? 6 : 5, "%s: %d %s", faults[i],
			     r.status, r.err);
		cr_assert(strstr(r.err, "fault injected"), "%s", r.err);
		e2e_free(&r);
		nothing_made(w.a, id);
		cr_assert_not(claimed(&w, id));
		cr_assert_eq(
		    e2e_sh(w.a, "test -z \"$(git for-each-ref refs/yoi/)\""),
		    0);
	}
	world_free(&w);
}
