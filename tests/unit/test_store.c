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
	char *p = yoi_path_join(st->root, name);
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
	char *lock = yoi_path_join(st->root, ".lock");
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
	char *root = yoi_strdup(a->root);
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
		 d, d, st->root, id);
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
