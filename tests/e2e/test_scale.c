/*
 * End-to-end: per-ticket commands use the links cache (issue 15) and
 * never show a stale answer. The cache (<gitdir>/yoi-links-cache) says
 * which tickets name which; show, the guards and relation add's cycle
 * check read only those. Files changed within 2 s are never trusted
 * (racily clean), so these tests run the fault build with
 * YOI_FAULT=links-cache-no-racy, which trusts every stat at once: the
 * cached path is taken, and each edit below changes the file's size.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static e2e_result run_cached(const char *dir, const char *const *argv)
{
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin, "YOI_FAULT_BIN is not set; run 'make e2e'");
	setenv("YOI_FAULT", "links-cache-no-racy", 1);
	e2e_result r = e2e_run_bin(bin, dir, NULL, argv);
	unsetenv("YOI_FAULT");
	return r;
}
#define CACHED(dir, ...)                                                       \
	run_cached((dir), (const char *const[]){__VA_ARGS__, NULL})

/* `show id` through the cache; its output (caller frees). */
static char *show(const char *dir, const char *id)
{
	e2e_result r = CACHED(dir, "show", id);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_assert_eq(r.err[0], '\0', "%s", r.err);
	char *out = strdup(r.out);
	e2e_free(&r);
	return out;
}

static void assert_shows(const char *dir, const char *id, const char *want,
			 bool present)
{
	char *out = show(dir, id);
	if (present)
		cr_assert(strstr(out, want), "want '%s' in:\n%s", want, out);
	else
		cr_assert_null(strstr(out, want), "'%s' in:\n%s", want, out);
	free(out);
}

/* Write owner's relations.json by hand (in place when it exists). */
static void hand_relations(const char *dir, const char *owner, const char *kind,
			   const char *target)
{
	char text[1024];
	if (!kind)
		snprintf(text, sizeof(text),
			 "{\n  \"version\": 1,\n  \"relations\": []\n}\n");
	else
		snprintf(
		    text, sizeof(text),
		    "{\n  \"version\": 1,\n  \"relations\": [\n    {\n"
		    "      \"ticket_id\": \"%s\",\n      \"kind\": \"%s\",\n"
		    "      \"target\": \"%s\",\n      \"author\": "
		    "\"hand\",\n      \"at\": \"2026-01-02T03:04:05Z\"\n"
		    "    }\n  ]\n}\n",
		    owner, kind, target);
	e2e_write(dir, e2e_tpath(owner, "artifacts/relations.json"), text);
}

static char *label(const char *a, const char *how, const char *b)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "%s %s %s", a, how, b);
	return buf;
}

Test(scale, show_follows_hand_edits_of_other_tickets)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	char *c = OK_LINE(dir, "create", "--title", "Charlie");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	assert_shows(dir, b, label(b, "required by", a), true);
	cr_assert(e2e_exists(dir, ".git/yoi-links-cache"));
	/* The cached answer again, unchanged. */
	assert_shows(dir, b, label(b, "required by", a), true);
	/*
	 * The case a stale cache would get wrong: a file that named another
	 * ticket, edited in place (same inode, same directory) to name B.
	 */
	char *d = OK_LINE(dir, "create", "--title", "Delta");
	OK(dir, "relation", "add", d, "--kind", "related", "--target", a);
	assert_shows(dir, b, d, false);
	e2e_sh(dir,
	       "sed 's/%s/%s/; s/related/depends_on/' %s > in.tmp && "
	       "cat in.tmp > %s && rm in.tmp",
	       a, b, e2e_tpath(d, "artifacts/relations.json"),
	       e2e_tpath(d, "artifacts/relations.json"));
	assert_shows(dir, b, label(b, "required by", d), true);
	free(d);
	/* A's file emptied by hand, in place (same inode). */
	e2e_sh(dir, "printf '{\"version\": 1, \"relations\": []}\\n' > %s",
	       e2e_tpath(a, "artifacts/relations.json"));
	assert_shows(dir, b, label(b, "required by", a), false);
	/* A new file by hand in C: C blocks B. */
	hand_relations(dir, c, "blocks", b);
	assert_shows(dir, b, label(b, "blocked by", c), true);
	/* C's file replaced by another tool's rename. */
	e2e_sh(dir,
	       "f=%s && sed 's/blocks/related/' $f > $f.new && "
	       "printf ' ' >> $f.new && mv $f.new $f",
	       e2e_tpath(c, "artifacts/relations.json"));
	assert_shows(dir, b, label(b, "related to", c), true);
	assert_shows(dir, b, "blocked by", false);
	/* A whole ticket removed by hand: its relations go with it. */
	e2e_sh(dir, "rm -r .yoi/tickets/%s", c);
	assert_shows(dir, b, c, false);
	/* The cache is never committed: it lives in the git directory. */
	cr_assert_eq(e2e_sh(dir, "git status --porcelain --ignored | grep -q "
				 "links-cache"),
		     1);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

Test(scale, show_follows_git_checkout_and_pull)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	char *c = OK_LINE(dir, "create", "--title", "Charlie");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	cr_assert_eq(e2e_sh(dir, "git add -A .yoi && git commit -qm one"), 0);
	OK(dir, "relation", "remove", a, "--kind", "depends_on", "--target", b);
	cr_assert_eq(e2e_sh(dir, "git commit -qam two"), 0);
	assert_shows(dir, b, "required by", false);
	/* Back to the first commit: the relation is there again. */
	cr_assert_eq(e2e_sh(dir, "git checkout -q HEAD~1 -- .yoi"), 0);
	assert_shows(dir, b, label(b, "required by", a), true);
	cr_assert_eq(e2e_sh(dir, "git checkout -q HEAD -- .yoi"), 0);
	assert_shows(dir, b, "required by", false);
	/* A relation made in a clone arrives with git pull. */
	cr_assert_eq(e2e_sh(dir, "git clone -q . clone && cd clone && "
				 "git config user.name t && "
				 "git config user.email t@example.invalid"),
		     0);
	char clone[4096];
	snprintf(clone, sizeof(clone), "%s/clone", dir);
	OK(clone, "relation", "add", c, "--kind", "blocks", "--target", b);
	cr_assert_eq(e2e_sh(clone, "git add -A .yoi && git commit -qm three"),
		     0);
	cr_assert_eq(e2e_sh(dir, "git pull -q --no-rebase clone HEAD"), 0);
	assert_shows(dir, b, label(b, "blocked by", c), true);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

/* The queue guard sees a blocker added by hand after the cache was made. */
Test(scale, queue_guard_sees_a_blocker_added_by_hand)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	char *c = OK_LINE(dir, "create", "--title", "Charlie");
	OK(dir, "state", b, "ready", "--summary", "s");
	OK(dir, "relation", "add", a, "--kind", "related", "--target", c);
	assert_shows(dir, b, "## Relations", false);
	/* In place: same inode, the directory unchanged. */
	e2e_sh(dir,
	       "sed 's/%s/%s/; s/related/blocks/' %s > in.tmp && "
	       "cat in.tmp > %s && rm in.tmp",
	       c, b, e2e_tpath(a, "artifacts/relations.json"),
	       e2e_tpath(a, "artifacts/relations.json"));
	e2e_result r = CACHED(dir, "state", b, "queued");
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, a), "%s", r.err);
	e2e_free(&r);
	/* Removed by hand again: the guard lets it pass. */
	hand_relations(dir, a, NULL, NULL);
	r = CACHED(dir, "state", b, "queued");
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	e2e_rm(dir);
}

/* relation add's cycle check follows edges the cache learnt by stat. */
Test(scale, cycle_check_sees_an_edge_added_by_hand)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	char *c = OK_LINE(dir, "create", "--title", "Charlie");
	char *d = OK_LINE(dir, "create", "--title", "Delta");
	/* An unrelated edge, so the cache holds entries to keep. */
	OK(dir, "relation", "add", d, "--kind", "related", "--target", a);
	assert_shows(dir, a, "related", true);
	/* a -> b (by hand), b -> c (engine); c depends_on a closes it. */
	hand_relations(dir, a, "depends_on", b);
	e2e_result r = CACHED(dir, "relation", "add", b, "--kind", "depends_on",
			      "--target", c);
	cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
	e2e_free(&r);
	r = CACHED(dir, "relation", "add", c, "--kind", "depends_on",
		   "--target", a);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	cr_assert(strstr(r.err, "would close a cycle"), "%s", r.err);
	e2e_free(&r);
	/* Through a blocks edge the other way round, too. */
	r = CACHED(dir, "relation", "add", a, "--kind", "blocks", "--target",
		   c);
	cr_assert_eq(r.status, 4, "%s%s", r.out, r.err);
	e2e_free(&r);
	free(a);
	free(b);
	free(c);
	free(d);
	e2e_rm(dir);
}

Test(scale, corrupt_links_cache_is_ignored_and_rebuilt)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	assert_shows(dir, b, label(b, "required by", a), true);
	e2e_write(dir, ".git/yoi-links-cache", "garbage");
	assert_shows(dir, b, label(b, "required by", a), true);
	char *cache = e2e_read(dir, ".git/yoi-links-cache");
	cr_assert(strncmp(cache, "YOIRC", 5) == 0, "not rebuilt");
	free(cache);
	/* Another root's cache (same bytes, other path) is not used. */
	e2e_sh(dir, "truncate -s 40 .git/yoi-links-cache");
	assert_shows(dir, b, label(b, "required by", a), true);
	free(a);
	free(b);
	e2e_rm(dir);
}

/* doctor checks the cache against the files: a cache that disagrees
 * (here one made to forget every link) is reported and removed. */
Test(scale, doctor_reports_and_removes_a_links_cache_that_disagrees)
{
	char *dir = e2e_store();
	char *a = OK_LINE(dir, "create", "--title", "Alpha");
	char *b = OK_LINE(dir, "create", "--title", "Bravo");
	OK(dir, "relation", "add", a, "--kind", "depends_on", "--target", b);
	const char *bin = getenv("YOI_FAULT_BIN");
	cr_assert_not_null(bin);
	setenv("YOI_FAULT", "links-cache-lie", 1);
	e2e_result r =
	    e2e_run_bin(bin, dir, NULL, (const char *const[]){"show", b, NULL});
	unsetenv("YOI_FAULT");
	cr_assert_eq(r.status, 0, "%s", r.err);
	e2e_free(&r);
	r = RUN(dir, "doctor");
	cr_assert(strstr(r.out, "links-cache-stale") ||
		      strstr(r.err, "links-cache-stale"),
		  "%s%s", r.out, r.err);
	cr_assert(strstr(r.out, a) || strstr(r.err, a), "%s%s", r.out, r.err);
	e2e_free(&r);
	cr_assert_not(e2e_exists(dir, ".git/yoi-links-cache"));
	assert_shows(dir, b, label(b, "required by", a), true);
	e2e_doctor_clean(dir);
	free(a);
	free(b);
	e2e_rm(dir);
}
