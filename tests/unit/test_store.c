#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/file.h"
#include "yoi/store.h"

static char *tmpstore(yoi_store **st)
{
	char *d = strdup("/tmp/yoi-unit-store.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char *root = yoi_path_join(d, ".yoi/tickets");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(root, &err), 0);
	cr_assert_eq(yoi_store_open(st, d, root, &err), 0, "%s", err.msg);
	free(root);
	return d;
}

static void mkticket(yoi_store *st, const char *name)
{
	char *p = yoi_path_join(yoi_store_root(st), name);
	cr_assert_eq(mkdir(p, 0755), 0);
	free(p);
}

static void cleanup(yoi_store *st, char *d)
{
	yoi_store_free(st);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
	free(d);
}

Test(store, ids_are_sorted_and_filtered)
{
	yoi_store *st;
	char *d = tmpstore(&st);
	mkticket(st, "00001M86CH4K8");
	mkticket(st, "00001M86CH3M0");
	mkticket(st, "not-an-id");
	mkticket(st, "00001m86ch3m1"); /* lower case: not an ID name */
	yoi_strv ids = {0};
	yoi_error err = {0};
	cr_assert_eq(yoi_store_ids(st, &ids, &err), 0);
	cr_assert_eq(ids.n, 2);
	cr_assert_str_eq(ids.v[0], "00001M86CH3M0");
	cr_assert_str_eq(ids.v[1], "00001M86CH4K8");
	yoi_strv_free(&ids);
	cleanup(st, d);
}

Test(store, resolve_full_suffix_ambiguous_missing)
{
	yoi_store *st;
	char *d = tmpstore(&st);
	mkticket(st, "00001M86CH3M0");
	mkticket(st, "00001M87CH3M0");
	mkticket(st, "00001M86CH4K8");
	char id[YOI_ID_LEN + 1];
	yoi_error err = {0};
	cr_assert_eq(yoi_store_resolve(st, "00001M86CH4K8", id, &err), 0);
	cr_assert_str_eq(id, "00001M86CH4K8");
	cr_assert_eq(yoi_store_resolve(st, "h4k8", id, &err), 0);
	cr_assert_str_eq(id, "00001M86CH4K8");
	cr_assert_eq(yoi_store_resolve(st, "CH3M0", id, &err), YOI_EUSAGE);
	cr_assert(strstr(err.msg, "00001M86CH3M0") &&
		      strstr(err.msg, "00001M87CH3M0"),
		  "%s", err.msg);
	cr_assert_eq(yoi_store_resolve(st, "6CH3M0", id, &err), 0);
	cr_assert_str_eq(id, "00001M86CH3M0");
	/* o -> 0, l -> 1 */
	cr_assert_eq(yoi_store_resolve(st, "6CH3Mo", id, &err), 0);
	cr_assert_eq(yoi_store_resolve(st, "ZZZZ", id, &err), YOI_ENOTFOUND);
	cr_assert_eq(yoi_store_resolve(st, "00001M86CH3M2", id, &err),
		     YOI_ENOTFOUND);
	cr_assert_eq(yoi_store_resolve(st, "3M0", id, &err), YOI_EUSAGE);
	cr_assert_eq(yoi_store_resolve(st, "../x", id, &err), YOI_EUSAGE);
	cr_assert_eq(yoi_store_resolve(st, "a/b/c/d", id, &err), YOI_EUSAGE);
	cr_assert_eq(yoi_store_resolve(st, "", id, &err), YOI_EUSAGE);
	cleanup(st, d);
}

Test(store, lock_is_exclusive_and_times_out)
{
	yoi_store *st;
	char *d = tmpstore(&st);
	yoi_error err = {0};
	/* Another open file description holds the lock. */
	char *lock = yoi_path_join(yoi_store_root(st), ".lock");
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	cr_assert(fd >= 0);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	cr_assert_eq(yoi_store_lock(st, 0, &err), YOI_EBUSY);
	cr_assert(strstr(err.msg, "busy"), "%s", err.msg);
	flock(fd, LOCK_UN);
	cr_assert_eq(yoi_store_lock(st, 0, &err), 0);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), -1, "we hold it now");
	yoi_store_unlock(st);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);
	free(lock);
	cleanup(st, d);
}

Test(store, missing_root_says_init)
{
	char *d = strdup("/tmp/yoi-unit-store.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char *root = yoi_path_join(d, "nope/tickets");
	yoi_store *st;
	yoi_error err = {0};
	cr_assert_eq(yoi_store_open(&st, d, root, &err), 0);
	cr_assert_eq(yoi_store_require(st, &err), YOI_ENOTFOUND);
	cr_assert(strstr(err.msg, "init"));
	char id[YOI_ID_LEN + 1];
	cr_assert_eq(yoi_store_resolve(st, "00001M86CH3M0", id, &err),
		     YOI_ENOTFOUND);
	free(root);
	cleanup(st, d);
}

Test(store, outside_git_without_root_is_not_found)
{
	yoi_store *st;
	yoi_error err = {0};
	cr_assert_eq(yoi_store_open(&st, "/", NULL, &err), YOI_ENOTFOUND);
	cr_assert(strstr(err.msg, "git"));
}

Test(store, shared_lock_admits_readers_and_keeps_writers_out)
{
	yoi_store *a, *b, *w;
	char *d = tmpstore(&a);
	yoi_error err = {0};
	char *root = yoi_strdup(yoi_store_root(a));
	cr_assert_eq(yoi_store_open(&b, d, root, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_open(&w, d, root, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_lock_shared(a, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_lock_shared(b, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_lock(w, 0, &err), YOI_EBUSY);
	/* No self-deadlock: a shared holder cannot also lock exclusively. */
	cr_assert_eq(yoi_store_lock(a, 0, &err), YOI_EBUSY);
	yoi_store_unlock(a);
	yoi_store_unlock(b);
	cr_assert_eq(yoi_store_lock(w, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_lock_shared(a, 0, &err), YOI_EBUSY);
	yoi_store_unlock(w);
	cr_assert_eq(yoi_store_lock_shared(a, 0, &err), 0, "%s", err.msg);
	yoi_store_unlock(a);
	yoi_store_free(b);
	yoi_store_free(w);
	free(root);
	cleanup(a, d);
}

Test(store, writes_refuse_a_symlink_below_the_root)
{
	yoi_store *st;
	char *d = tmpstore(&st);
	yoi_error err = {0};
	const char *id = "00001M8XY3QM4";
	mkticket(st, id);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "mkdir '%s/outside' && ln -s '%s/outside' '%s/%s/artifacts'",
		 d, d, yoi_store_root(st), id);
	cr_assert_eq(system(cmd), 0);
	char *rel = yoi_store_path(st, id, "artifacts/relations.json");
	char *sub = yoi_store_path(st, id, "artifacts/sub");
	cr_assert_eq(yoi_store_write(st, rel, "{}\n", 3, &err), YOI_EREFUSED);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	cr_assert_eq(yoi_store_append(st, rel, "x\n", 2, true, &err),
		     YOI_EREFUSED);
	cr_assert_eq(yoi_store_mkdir(st, sub, true, &err), YOI_EREFUSED);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/outside')\"", d);
	cr_assert_eq(system(cmd), 0, "written through the link");
	/* The same writes into a real directory work. */
	char *item = yoi_store_path(st, id, "item.md");
	cr_assert_eq(yoi_store_write(st, item, "x\n", 2, &err), 0, "%s",
		     err.msg);
	free(item);
	free(rel);
	free(sub);
	cleanup(st, d);
}

static void lock_path_is(const char *root, const char *wd, const char *gd,
			 const char *want)
{
	char *p = yoi_store_lock_path_for(root, wd, gd);
	cr_assert_not_null(p);
	cr_assert_str_eq(p, want, "root %s, workdir %s, gitdir %s", root,
			 wd ? wd : "-", gd ? gd : "-");
	free(p);
}

Test(store, lock_path_is_in_the_git_directory_of_the_root)
{
	/* The usual store, and libgit2's trailing '/'. */
	lock_path_is("/r/.yoi/tickets", "/r", "/r/.git",
		     "/r/.git/yoi/locks/.yoi%2Ftickets.lock");
	lock_path_is("/r/.yoi/tickets", "/r/", "/r/.git/",
		     "/r/.git/yoi/locks/.yoi%2Ftickets.lock");
	/* A linked worktree's store: its own git directory. */
	lock_path_is("/w/.yoi/tickets", "/w", "/r/.git/worktrees/w",
		     "/r/.git/worktrees/w/yoi/locks/.yoi%2Ftickets.lock");
	/* Other roots of one work tree have their own locks, never clashing:
	 * '%' and '/' are escaped. */
	lock_path_is("/r/tix", "/r", "/r/.git", "/r/.git/yoi/locks/tix.lock");
	lock_path_is("/r/a%2Fb", "/r", "/r/.git",
		     "/r/.git/yoi/locks/a%252Fb.lock");
	lock_path_is("/r/a/b", "/r", "/r/.git", "/r/.git/yoi/locks/a%2Fb.lock");
	lock_path_is("/r", "/r", "/r/.git", "/r/.git/yoi/locks/.lock");
	lock_path_is("/", "/", "/.git", "/.git/yoi/locks/.lock");
}

Test(store, lock_path_falls_back_to_the_store)
{
	/* No repository. */
	lock_path_is("/s/tix", NULL, NULL, "/s/tix/.lock");
	lock_path_is("/s/tix/", NULL, NULL, "/s/tix/.lock");
	/* Outside the repository's work tree (a prefix is not a parent). */
	lock_path_is("/rx/tickets", "/r", "/r/.git", "/rx/tickets/.lock");
	lock_path_is("/other/tickets", "/r", "/r/.git", "/other/tickets/.lock");
	/* A bare repository has no work tree. */
	lock_path_is("/r/tickets", NULL, "/r", "/r/tickets/.lock");
}

Test(store, lock_path_of_a_deep_root_is_hashed_and_bounded)
{
	char root[1200] = "/r";
	for (int i = 0; i < 60; i++)
		strcat(root, "/abcdefghijklmnop");
	char *a = yoi_store_lock_path_for(root, "/r", "/r/.git");
	root[strlen(root) - 1] = 'q';
	char *b = yoi_store_lock_path_for(root, "/r", "/r/.git");
	char *c = yoi_store_lock_path_for(root, "/r", "/r/.git");
	cr_assert(a && b && c);
	const char *name = strrchr(a, '/') + 1;
	cr_assert(strncmp(a, "/r/.git/yoi/locks/%h", 20) == 0, "%s", a);
	cr_assert_lt(strlen(name), 64, "%s", name);
	cr_assert_str_neq(a, b);
	cr_assert_str_eq(b, c, "the same root, the same lock");
	free(a);
	free(b);
	free(c);
}

/* A store in a real repository: the lock is in .git, nothing of it in the
 * work tree, and two openers of the store exclude each other. */
Test(store, lock_of_a_store_in_a_repository_lives_in_git)
{
	char *d = strdup("/tmp/yoi-unit-store.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "git init -q '%s' && mkdir -p '%s/.yoi/tickets'", d, d);
	cr_assert_eq(system(cmd), 0);
	char *sub = yoi_path_join(d, ".yoi");
	yoi_store *a, *b;
	yoi_error err = {0};
	cr_assert_eq(yoi_store_open(&a, d, NULL, &err), 0, "%s", err.msg);
	/* Another cwd, the same store (--root): the same lock. */
	cr_assert_eq(yoi_store_open(&b, sub, "tickets", &err), 0, "%s",
		     err.msg);
	char *pa, *pb, *g;
	cr_assert_eq(yoi_store_lock_path(a, &pa, &g, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_lock_path(b, &pb, NULL, &err), 0, "%s", err.msg);
	cr_assert_str_eq(pa, pb);
	cr_assert_not_null(g);
	cr_assert(strstr(pa, "/.git/yoi/locks/.yoi%2Ftickets.lock"), "%s", pa);
	cr_assert_eq(yoi_store_lock(a, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(yoi_store_lock(b, 0, &err), YOI_EBUSY);
	cr_assert_eq(yoi_store_lock_shared(b, 0, &err), YOI_EBUSY);
	yoi_store_unlock(a);
	cr_assert_eq(yoi_store_lock(b, 0, &err), 0, "%s", err.msg);
	yoi_store_unlock(b);
	char *stray = yoi_path_join(yoi_store_root(a), ".lock");
	cr_assert_not(yoi_exists(stray), "a lock file in the store");
	free(stray);
	free(pa);
	free(pb);
	free(g);
	free(sub);
	yoi_store_free(b);
	cleanup(a, d);
}

/* A symbolic link in the git directory where the lock's folder goes is
 * refused, not followed. */
Test(store, lock_refuses_a_symlinked_folder_in_git)
{
	char *d = strdup("/tmp/yoi-unit-store.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "git init -q '%s/r' && mkdir -p '%s/r/.yoi/tickets' '%s/out' "
		 "&& ln -s '%s/out' '%s/r/.git/yoi'",
		 d, d, d, d, d);
	cr_assert_eq(system(cmd), 0);
	char *top = yoi_path_join(d, "r");
	yoi_store *st;
	yoi_error err = {0};
	cr_assert_eq(yoi_store_open(&st, top, NULL, &err), 0, "%s", err.msg);
	cr_assert_lt(yoi_store_lock(st, 0, &err), 0);
	cr_assert(strstr(err.msg, "link"), "%s", err.msg);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/out')\"", d);
	cr_assert_eq(system(cmd), 0, "created through the link");
	free(top);
	cleanup(st, d);
}
