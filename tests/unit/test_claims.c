/*
 * Claims across clones: the claim record on buffers, claims.remote in the
 * config, and the claims on a real bare remote (src/git/claims.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/claims_int.h"
#include "git/gitops.h"
#include "yoi/claims.h"
#include "yoi/config.h"
#include "yoi/gitinit.h"

#define ID  "00001KSNFEVG8"
#define ID2 "00001KSNFEVG9"

static yoi_claim sample(void)
{
	yoi_claim c = {0};
	snprintf(c.id, sizeof(c.id), "%s", ID);
	c.claimer = strdup("alice");
	c.clone = strdup("0123456789abcdef");
	c.host = strdup("box");
	c.path = strdup("/home/alice/proj");
	c.since = strdup("2026-12-03T17:00:00Z");
	return c;
}

Test(claims, message_round_trips)
{
	yoi_claim c = sample();
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_claim_message(&b, &c), 0);
	cr_assert_str_eq(b.ptr, "yoi-tickets claim " ID "\n\n"
				"ticket: " ID "\n"
				"claimer: alice\n"
				"clone: 0123456789abcdef\n"
				"host: box\n"
				"path: /home/alice/proj\n"
				"since: 2026-12-03T17:00:00Z\n");
	yoi_claim back = {0};
	cr_assert_eq(yoi_claim_parse(&back, b.ptr, b.len), 0);
	cr_assert_str_eq(back.id, ID);
	cr_assert_str_eq(back.claimer, "alice");
	cr_assert_str_eq(back.clone, "0123456789abcdef");
	cr_assert_str_eq(back.host, "box");
	cr_assert_str_eq(back.path, "/home/alice/proj");
	cr_assert_str_eq(back.since, "2026-12-03T17:00:00Z");
	yoi_buf h = YOI_BUF_INIT;
	cr_assert_eq(yoi_claim_holder(&h, &back), 0);
	cr_assert_str_eq(h.ptr, "alice (clone 0123456789abcdef on "
				"box:/home/alice/proj) since "
				"2026-12-03T17:00:00Z");
	yoi_buf_free(&h);
	yoi_buf_free(&b);
	yoi_claim_clear(&back);
	yoi_claim_clear(&c);
}

/* A claimer name cannot forge another line of the record. */
Test(claims, values_stay_one_line)
{
	yoi_claim c = sample();
	free(c.claimer);
	c.claimer = strdup("mallory\nclone: 0123456789abcdef\r\x1b[2J");
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_claim_message(&b, &c), 0);
	const char *first = strstr(b.ptr, "\nclone: ");
	cr_assert_not_null(first);
	cr_assert_null(strstr(first + 1, "\nclone: "), "%s", b.ptr);
	yoi_claim back = {0};
	cr_assert_eq(yoi_claim_parse(&back, b.ptr, b.len), 0);
	cr_assert_str_eq(back.claimer, "mallory?clone: 0123456789abcdef??[2J");
	cr_assert_str_eq(back.clone, "0123456789abcdef");
	yoi_buf_free(&b);
	yoi_claim_clear(&back);
	yoi_claim_clear(&c);
}

Test(claims, same_clone_needs_id_host_and_path)
{
	yoi_claim a = sample(), b = sample();
	cr_assert(yoi_claim_same_clone(&a, &b));
	free(b.path);
	b.path = strdup("/home/alice/copy-of-proj"); /* cp -r of the clone */
	cr_assert_not(yoi_claim_same_clone(&a, &b));
	free(b.path);
	b.path = strdup(a.path);
	free(b.host);
	b.host = strdup("other-box");
	cr_assert_not(yoi_claim_same_clone(&a, &b));
	free(b.host);
	b.host = strdup(a.host);
	free(b.clone);
	b.clone = strdup("fedcba9876543210");
	cr_assert_not(yoi_claim_same_clone(&a, &b));
	free(b.clone);
	b.clone = NULL;
	cr_assert_not(yoi_claim_same_clone(&b, &b), "no id: nobody's");
	yoi_claim_clear(&a);
	yoi_claim_clear(&b);
}

Test(claims, parse_refuses_what_is_no_claim)
{
	yoi_claim c = {0};
	const char *none = "hello\n\nclaimer: x\n";
	cr_assert_eq(yoi_claim_parse(&c, none, strlen(none)), YOI_ECORRUPT);
	cr_assert_null(c.claimer);
	const char *bad = "ticket: ../../etc\n";
	cr_assert_eq(yoi_claim_parse(&c, bad, strlen(bad)), YOI_ECORRUPT);
	const char nul[] = "ticket: " ID "\n\0claimer: x\n";
	cr_assert_eq(yoi_claim_parse(&c, nul, sizeof(nul) - 1), YOI_ECORRUPT);
	cr_assert_eq(yoi_claim_parse(&c, "", 0), YOI_ECORRUPT);
	/* Too large to be one. */
	size_t n = YOI_CLAIM_MSG_MAX + 1;
	char *big = malloc(n);
	memset(big, 'a', n);
	memcpy(big, "ticket: " ID "\n", 22);
	cr_assert_eq(yoi_claim_parse(&c, big, n), YOI_ECORRUPT);
	free(big);
	/* Unknown lines are skipped, missing fields stay NULL; CRLF read. */
	const char *min = "x\r\nticket: " ID "\r\nfuture: y\r\n";
	cr_assert_eq(yoi_claim_parse(&c, min, strlen(min)), 0);
	cr_assert_str_eq(c.id, ID);
	cr_assert_null(c.claimer);
	yoi_buf h = YOI_BUF_INIT;
	cr_assert_eq(yoi_claim_holder(&h, &c), 0);
	cr_assert_str_eq(h.ptr, "an unknown claimer since an unknown time");
	yoi_buf_free(&h);
	yoi_claim_clear(&c);
}

Test(claims, config_claims_remote)
{
	yoi_config cfg = {0};
	yoi_error err = {0};
	const char *ok = "claims:\n  remote: origin\n";
	cr_assert_eq(yoi_config_parse(&cfg, ok, strlen(ok), "c.yaml", &err), 0,
		     "%s", err.msg);
	cr_assert_str_eq(cfg.claims_remote, "origin");
	cr_assert_eq(cfg.claims_remote_line, 2);
	const char *unset = "claims:\n";
	cr_assert_eq(
	    yoi_config_parse(&cfg, unset, strlen(unset), "c.yaml", &err), 0);
	cr_assert_null(cfg.claims_remote);
	const char *empty = "claims:\n  remote: ''\n";
	cr_assert_eq(
	    yoi_config_parse(&cfg, empty, strlen(empty), "c.yaml", &err),
	    YOI_ECORRUPT);
	cr_assert_eq(err.line, 2);
	cr_assert(strstr(err.msg, "claims.remote"), "%s", err.msg);
	cr_assert_null(cfg.claims_remote);
	const char *unknown = "claims:\n  remotes: origin\n";
	cr_assert_eq(
	    yoi_config_parse(&cfg, unknown, strlen(unknown), "c.yaml", &err),
	    YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "remotes"), "%s", err.msg);
	const char *list = "claims:\n  remote: [a, b]\n";
	cr_assert_eq(yoi_config_parse(&cfg, list, strlen(list), "c.yaml", &err),
		     YOI_ECORRUPT);
	yoi_config_free(&cfg);
}

/* ---- on a real bare remote ---- */

static char *dir;

static void sh(const char *fmt, const char *arg)
{
	char cmd[4096];
	int n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", dir);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, arg);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void repo_setup(void)
{
	dir = strdup("/tmp/yoi-unit-claims.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	sh("git init -q --bare remote.git && git init -q a%s", "");
	sh("git init -q b && git -C a remote add origin ../remote.git && "
	   "git -C b remote add origin ../remote.git%s",
	   "");
	cr_assert_eq(yoi_git_init(), 0);
}

static void repo_teardown(void)
{
	yoi_git_shutdown();
	sh("cd / && rm -rf '%s'", dir);
	free(dir);
}

static struct git_repository *open_clone(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct git_repository *r = yoi_git_discover(path);
	cr_assert_not_null(r, "%s", path);
	return r;
}

static unsigned char next_byte;
static int fake_random(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	memset(buf, next_byte++, n);
	return 0;
}

static yoi_claim me_for(const char *id, const char *who, const char *clone)
{
	yoi_claim c = {0};
	snprintf(c.id, sizeof(c.id), "%s", id);
	c.claimer = strdup(who);
	c.clone = strdup(clone);
	c.since = strdup("2026-12-03T17:00:00Z");
	return c;
}

Test(claims, take_refuse_list_release, .init = repo_setup,
     .fini = repo_teardown)
{
	struct git_repository *a = open_clone("a"), *b = open_clone("b");
	yoi_error err = {0};
	char *ca = NULL, *cb = NULL, *again = NULL;
	next_byte = 1;
	cr_assert_eq(yoi_claim_clone_id(a, fake_random, NULL, &ca, &err), 0);
	cr_assert_str_eq(ca, "0101010101010101");
	cr_assert_eq(yoi_claim_clone_id(a, fake_random, NULL, &again, &err), 0);
	cr_assert_str_eq(again, ca, "the id is drawn once");
	cr_assert_eq(yoi_claim_clone_id(b, NULL, NULL, &cb, &err), 0);
	cr_assert_null(cb, "no random source: no new id");
	cr_assert_eq(yoi_claim_clone_id(b, fake_random, NULL, &cb, &err), 0);
	cr_assert_str_neq(ca, cb);

	yoi_claim ma = me_for(ID, "alice", ca), mb = me_for(ID, "bob", cb);
	bool taken = false;
	cr_assert_eq(yoi_claim_take(a, "origin", &ma, &taken, NULL, &err), 0,
		     "%s", err.msg);
	cr_assert(taken);
	yoi_claim holder = {0};
	cr_assert_eq(yoi_claim_take(b, "origin", &mb, &taken, &holder, &err),
		     YOI_EREFUSED);
	cr_assert_not(taken);
	cr_assert_str_eq(holder.claimer, "alice");
	cr_assert_str_eq(holder.oid, ma.oid);
	cr_assert(strstr(err.msg, "alice") && strstr(err.msg, "since"), "%s",
		  err.msg);
	yoi_claim_clear(&holder);
	/* The holder again: kept, not made again. */
	yoi_claim ma2 = me_for(ID, "alice", ca);
	cr_assert_eq(yoi_claim_take(a, "origin", &ma2, &taken, NULL, &err), 0);
	cr_assert_not(taken);
	cr_assert_str_eq(ma2.oid, ma.oid);

	yoi_claim mb2 = me_for(ID2, "bob", cb);
	cr_assert_eq(yoi_claim_take(b, "origin", &mb2, &taken, NULL, &err), 0);
	yoi_claims cl;
	cr_assert_eq(yoi_claims_list(b, "origin", &mb, &cl, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(cl.n, 2);
	cr_assert_str_eq(cl.v[0].id, ID);
	cr_assert_str_eq(cl.v[0].claimer, "alice");
	cr_assert_not(cl.v[0].mine);
	cr_assert_str_eq(cl.v[1].id, ID2);
	cr_assert(cl.v[1].mine);
	yoi_claims_free(&cl);

	/* Release: not another clone's without force; then gone. */
	cr_assert_eq(yoi_claim_release(b, "origin", ID, &mb, false, NULL, &err),
		     YOI_EREFUSED);
	cr_assert_eq(yoi_claim_release(a, "origin", ID, &ma, false, NULL, &err),
		     0, "%s", err.msg);
	cr_assert_eq(yoi_claim_release(a, "origin", ID, &ma, false, NULL, &err),
		     YOI_ENOTFOUND);
	yoi_claim held = {0};
	cr_assert_eq(
	    yoi_claim_release(a, "origin", ID2, &ma, true, &held, &err), 0);
	cr_assert_str_eq(held.claimer, "bob");
	yoi_claim_clear(&held);
	cr_assert_eq(yoi_claims_list(b, "origin", &mb, &cl, &err), 0);
	cr_assert_eq(cl.n, 0);
	yoi_claims_free(&cl);
	sh("test -z \"$(git -C b for-each-ref refs/yoi/)\"%s", "");

	/* A remote name that is none, or not this clone's: YOI_EIO. */
	cr_assert_eq(yoi_claims_list(b, "nope", &mb, &cl, &err), YOI_EIO);
	cr_assert(strstr(err.msg, "no such remote"), "%s", err.msg);
	cr_assert_eq(yoi_claims_list(b, "a b", &mb, &cl, &err), YOI_EIO);

	yoi_claim_clear(&ma);
	yoi_claim_clear(&ma2);
	yoi_claim_clear(&mb);
	yoi_claim_clear(&mb2);
	free(ca);
	free(cb);
	free(again);
	yoi_git_close(a);
	yoi_git_close(b);
}

/*
 * What a claim over the network rests on, checked against libgit2: a push
 * without force does not replace a ref the remote has, whether the ref was
 * there when the push connected (libgit2 refuses: not a fast-forward) or
 * came between the connect and the push (the local transport's create
 * fails, reported as the ref's push status). What this cannot show is the
 * window inside the local transport's create (it checks for the ref, then
 * takes the lock): two pushes at once can both write. That is why a local
 * remote is written by ref_update in claims.c, and what the e2e race test
 * shows.
 */
#include <git2.h>

static int push_status_cb(const char *ref, const char *status, void *payload)
{
	(void)ref;
	if (status)
		snprintf(payload, 256, "%s", status);
	return 0;
}

static void make_commit(git_repository *r, const char *ref, const char *msg,
			git_oid *out)
{
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid tid;
	cr_assert_eq(git_treebuilder_new(&tb, r, NULL), 0);
	cr_assert_eq(git_treebuilder_write(&tid, tb), 0);
	cr_assert_eq(git_tree_lookup(&tree, r, &tid), 0);
	cr_assert_eq(git_signature_new(&sig, "t", "t@x", 0, 0), 0);
	cr_assert_eq(
	    git_commit_create(out, r, NULL, sig, sig, NULL, msg, tree, 0, NULL),
	    0);
	git_reference *lr = NULL;
	cr_assert_eq(git_reference_create(&lr, r, ref, out, 1, NULL), 0);
	git_reference_free(lr);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
}

Test(claims, libgit2_push_without_force_never_replaces_a_ref,
     .init = repo_setup, .fini = repo_teardown)
{
	struct git_repository *a = open_clone("a");
	git_oid mine;
	make_commit(a, "refs/yoi/own-claims/X", "mine", &mine);
	char *specs[] = {"refs/yoi/own-claims/X:refs/yoi/claims/X"};
	git_strarray arr = {specs, 1};
	char status[256] = "";
	git_push_options po;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	po.callbacks.push_update_reference = push_status_cb;
	po.callbacks.payload = status;

	/* 1. The ref is there before the push connects. */
	sh("git -C a commit-tree -m theirs "
	   "4b825dc642cb6eb9a060e54bf8d69288fbee4904 > theirs%s",
	   "");
	sh("git -C a push -q ../remote.git "
	   "\"$(cat theirs)\":refs/yoi/claims/X%s",
	   "");
	git_remote *rem = NULL;
	cr_assert_eq(git_remote_lookup(&rem, a, "origin"), 0);
	char url[1024];
	snprintf(url, sizeof(url), "%s/remote.git", dir);
	cr_assert_eq(git_remote_set_instance_url(rem, url), 0);
	/* The remote takes a new ref from this clone (so what follows is
	 * a refusal, not a remote out of reach). */
	char *fresh[] = {"refs/yoi/own-claims/X:refs/yoi/claims/Y"};
	git_strarray farr = {fresh, 1};
	cr_assert_eq(git_remote_push(rem, &farr, &po), 0, "%s",
		     git_error_last() ? git_error_last()->message : "");
	cr_assert_str_empty(status);
	sh("test \"$(git -C remote.git rev-parse refs/yoi/claims/Y)\" = "
	   "\"$(git -C a rev-parse refs/yoi/own-claims/X)\"%s",
	   "");
	int grc = git_remote_push(rem, &arr, &po);
	cr_assert(grc < 0 || status[0], "the push replaced the ref");
	sh("test \"$(git -C remote.git rev-parse refs/yoi/claims/X)\" = "
	   "\"$(cat theirs)\"%s",
	   "");

	/* 2. It comes between the connect and the push. */
	status[0] = '\0';
	sh("git -C remote.git update-ref -d refs/yoi/claims/X%s", "");
	git_remote_callbacks cbs;
	git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION);
	cr_assert_eq(
	    git_remote_connect(rem, GIT_DIRECTION_PUSH, &cbs, NULL, NULL), 0);
	sh("git -C remote.git update-ref refs/yoi/claims/X \"$(cat theirs)\"%s",
	   "");
	grc = git_remote_push(rem, &arr, &po);
	cr_assert(grc < 0 || status[0], "the push replaced the ref");
	sh("test \"$(git -C remote.git rev-parse refs/yoi/claims/X)\" = "
	   "\"$(cat theirs)\"%s",
	   "");
	git_remote_free(rem);
	yoi_git_close(a);
}
