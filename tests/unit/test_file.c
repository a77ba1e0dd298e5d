#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yoi/file.h"

static char *tmpdir(void)
{
	char *d = strdup("/tmp/yoi-unit-file.XXXXXX");
	cr_assert_not_null(mkdtemp(d));
	return d;
}

static void rmtree(char *d)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
	free(d);
}

static size_t entries(const char *dir)
{
	DIR *dp = opendir(dir);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dp)))
		n += strcmp(de->d_name, ".") != 0 &&
		     strcmp(de->d_name, "..") != 0;
	closedir(dp);
	return n;
}

Test(file, atomic_write_replaces_and_reads_back)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "f.md");
	yoi_error err = {0};
	cr_assert_eq(yoi_file_write_atomic(p, "one\n", 4, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(yoi_file_write_atomic(p, "two\n", 4, &err), 0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(p, 100, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "two\n");
	cr_assert_eq(entries(d), 1, "no temp files left behind");
	yoi_buf_free(&b);
	free(p);
	rmtree(d);
}

Test(file, write_mode_sets_the_permission_bits)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "hook");
	yoi_error err = {0};
	cr_assert_eq(yoi_file_write_mode(p, "#!/bin/sh\n", 10, 0755, &err), 0,
		     "%s", err.msg);
	struct stat sb;
	cr_assert_eq(stat(p, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0755, "%o", sb.st_mode & 07777);
	cr_assert_eq(yoi_file_write_atomic(p, "x\n", 2, &err), 0);
	cr_assert_eq(stat(p, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0644, "%o", sb.st_mode & 07777);
	cr_assert_eq(entries(d), 1, "no temp files left behind");
	free(p);
	rmtree(d);
}

Test(file, failed_write_leaves_the_old_file_and_no_temp)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "f.md");
	yoi_error err = {0};
	cr_assert_eq(yoi_file_write_atomic(p, "old\n", 4, &err), 0);
	/* A file size limit makes the write fail as a full disk would. */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {1024, 1024};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	char big[4096];
	memset(big, 'x', sizeof(big));
	cr_assert_eq(yoi_file_write_atomic(p, big, sizeof(big), &err), YOI_EIO);
	cr_assert(strstr(err.msg, "unchanged"), "%s", err.msg);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(p, 100, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "old\n");
	cr_assert_eq(entries(d), 1, "the temp file was removed");
	yoi_buf_free(&b);
	free(p);
	rmtree(d);
}

Test(file, append_is_undone_when_short)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "thread.md");
	yoi_error err = {0};
	cr_assert_eq(yoi_file_append(p, "a\n", 2, true, &err), 0);
	cr_assert_eq(yoi_file_append(p, "b\n", 2, true, &err), YOI_EIO,
		     "create refuses an existing file");
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {100, 100};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	char big[300];
	memset(big, 'y', sizeof(big));
	cr_assert_eq(yoi_file_append(p, big, sizeof(big), false, &err),
		     YOI_EIO);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(p, 1000, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "a\n", "no partial block stays");
	yoi_buf_free(&b);
	free(p);
	rmtree(d);
}

Test(file, symlinks_are_refused)
{
	char *d = tmpdir();
	char *real = yoi_path_join(d, "real");
	char *link = yoi_path_join(d, "link");
	yoi_error err = {0};
	cr_assert_eq(yoi_file_write_atomic(real, "x\n", 2, &err), 0);
	cr_assert_eq(symlink(real, link), 0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(link, 100, &b, &err), YOI_EREFUSED);
	cr_assert(strstr(err.msg, "symbolic link"));
	cr_assert_eq(yoi_file_read_frontmatter(link, 100, &b, &err),
		     YOI_EREFUSED);
	cr_assert_eq(yoi_file_append(link, "y", 1, false, &err), YOI_EREFUSED);
	cr_assert_eq(yoi_file_write_atomic(link, "y", 1, &err), YOI_EREFUSED);
	cr_assert_eq(yoi_file_read(real, 100, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "x\n", "the link target is untouched");
	cr_assert_eq(yoi_file_read(d, 100, &b, &err), YOI_EREFUSED,
		     "a directory is not a regular file");
	yoi_buf_free(&b);
	free(real);
	free(link);
	rmtree(d);
}

Test(file, size_limit_and_missing)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "f");
	yoi_error err = {0};
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(p, 10, &b, &err), YOI_ENOTFOUND);
	cr_assert_eq(yoi_file_write_atomic(p, "0123456789AB", 12, &err), 0);
	cr_assert_eq(yoi_file_read(p, 10, &b, &err), YOI_ECORRUPT);
	cr_assert(strstr(err.msg, "limit"));
	cr_assert_eq(yoi_file_read(p, 12, &b, &err), 0);
	cr_assert_eq(b.len, 12);
	yoi_buf_free(&b);
	free(p);
	rmtree(d);
}

Test(file, frontmatter_read_stops_after_the_closer)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "item.md");
	yoi_error err = {0};
	yoi_buf text = YOI_BUF_INIT;
	yoi_buf_puts(&text, "---\ntitle: x\n---\n");
	for (int i = 0; i < 5000; i++)
		yoi_buf_puts(&text, "body line\n");
	cr_assert_eq(yoi_file_write_atomic(p, text.ptr, text.len, &err), 0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read_frontmatter(p, YOI_FILE_MAX, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "---\ntitle: x\n---\n");
	/* CRLF closer, and a file with no closer at all (read whole). */
	cr_assert_eq(
	    yoi_file_write_atomic(p, "---\r\na: 1\r\n---\r\nbody", 20, &err),
	    0);
	cr_assert_eq(yoi_file_read_frontmatter(p, YOI_FILE_MAX, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "---\r\na: 1\r\n---\r\n");
	cr_assert_eq(yoi_file_write_atomic(p, "---\na: 1\n", 9, &err), 0);
	cr_assert_eq(yoi_file_read_frontmatter(p, YOI_FILE_MAX, &b, &err), 0);
	cr_assert_str_eq(b.ptr, "---\na: 1\n");
	yoi_buf_free(&b);
	yoi_buf_free(&text);
	free(p);
	rmtree(d);
}

Test(file, mkdir_kept_makes_a_gitkeep)
{
	char *d = tmpdir();
	char *p = yoi_path_join(d, "artifacts");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_kept(p, &err), 0);
	cr_assert_eq(yoi_mkdir_kept(p, &err), 0, "idempotent");
	char *keep = yoi_path_join(p, ".gitkeep");
	cr_assert(yoi_is_file(keep));
	cr_assert(yoi_is_dir(p));
	free(keep);
	free(p);
	rmtree(d);
}

/* A FIFO in place of a ticket file is refused at once, never waited on. */
Test(file, fifo_is_refused_without_blocking, .timeout = 30)
{
	char *d = tmpdir();
	char p[512];
	snprintf(p, sizeof(p), "%s/item.md", d);
	cr_assert_eq(mkfifo(p, 0644), 0);
	yoi_buf b = YOI_BUF_INIT;
	yoi_error e;
	cr_assert_eq(yoi_file_read(p, YOI_FILE_MAX, &b, &e), YOI_EREFUSED);
	cr_assert(strstr(e.msg, "item.md") && strstr(e.msg, "FIFO"), "%s",
		  e.msg);
	cr_assert_eq(yoi_file_read_frontmatter(p, YOI_FILE_MAX, &b, &e),
		     YOI_EREFUSED);
	yoi_buf_free(&b);
	rmtree(d);
}

Test(file, scoped_writes_refuse_a_link_anywhere_below_the_base)
{
	char *d = tmpdir();
	char p[512], q[512];
	snprintf(p, sizeof(p), "%s/real/deep", d);
	yoi_error e;
	cr_assert_eq(yoi_mkdir_p(p, &e), 0);
	snprintf(p, sizeof(p), "%s/real", d);
	snprintf(q, sizeof(q), "%s/link", d);
	cr_assert_eq(symlink(p, q), 0);
	yoi_file_scope sc = {d, NULL};
	snprintf(p, sizeof(p), "%s/link/deep/f", d);
	cr_assert_eq(yoi_file_write_in(&sc, p, "x", 1, &e), YOI_EREFUSED);
	cr_assert(strstr(e.msg, "/link") && strstr(e.msg, "symbolic link"),
		  "%s", e.msg);
	cr_assert_eq(yoi_file_append_in(&sc, p, "x", 1, true, &e),
		     YOI_EREFUSED);
	snprintf(p, sizeof(p), "%s/link/deep/sub", d);
	cr_assert_eq(yoi_mkdir_in(&sc, p, true, &e), YOI_EREFUSED);
	snprintf(p, sizeof(p), "%s/real/deep", d);
	cr_assert_eq(entries(p), 0, "written through the link");
	/* Outside the base: refused too. */
	yoi_file_scope inner = {p, NULL};
	snprintf(q, sizeof(q), "%s/f", d);
	cr_assert_eq(yoi_file_write_in(&inner, q, "x", 1, &e), YOI_EREFUSED);
	/* Through real directories it works. */
	snprintf(p, sizeof(p), "%s/real/deep/f", d);
	cr_assert_eq(yoi_file_write_in(&sc, p, "x", 1, &e), 0, "%s", e.msg);
	cr_assert_eq(yoi_file_append_in(&sc, p, "y", 1, false, &e), 0);
	yoi_buf b = YOI_BUF_INIT;
	cr_assert_eq(yoi_file_read(p, YOI_FILE_MAX, &b, &e), 0);
	cr_assert_str_eq(b.ptr, "xy");
	yoi_buf_free(&b);
	rmtree(d);
}

Test(file, temp_files_go_to_tmpdir_and_sweep_spares_live_ones)
{
	char *d = tmpdir();
	char dir[512], tmp[512], p[600];
	snprintf(dir, sizeof(dir), "%s/store", d);
	snprintf(tmp, sizeof(tmp), "%s/git/yoi/tmp", d);
	yoi_error e;
	cr_assert_eq(yoi_mkdir(dir, &e), 0);
	yoi_file_scope sc = {d, tmp};
	snprintf(p, sizeof(p), "%s/item.md", dir);
	cr_assert_eq(yoi_file_write_in(&sc, p, "a\n", 2, &e), 0, "%s", e.msg);
	cr_assert_eq(yoi_file_write_in(&sc, p, "b\n", 2, &e), 0, "%s", e.msg);
	cr_assert_eq(entries(dir), 1, "a temp file beside the target");
	cr_assert_eq(entries(tmp), 0);
	/* A dead writer's file goes; a live one (held under flock) stays. */
	snprintf(p, sizeof(p), "%s/item.md.0000000001.tmp", tmp);
	int dead = open(p, O_WRONLY | O_CREAT, 0600);
	cr_assert(dead >= 0);
	close(dead);
	snprintf(p, sizeof(p), "%s/item.md.0000000002.tmp", tmp);
	int live = open(p, O_WRONLY | O_CREAT, 0600);
	cr_assert(live >= 0);
	cr_assert_eq(flock(live, LOCK_EX), 0);
	cr_assert_eq(yoi_file_tmp_sweep(tmp), 1);
	cr_assert_eq(entries(tmp), 1);
	close(live);
	cr_assert_eq(yoi_file_tmp_sweep(tmp), 1);
	cr_assert_eq(entries(tmp), 0);
	cr_assert_eq(yoi_file_tmp_sweep(NULL), 0);
	rmtree(d);
}

Test(file, path_within_goes_by_whole_components)
{
	cr_assert(yoi_path_within("/a/b", "/a/b"));
	cr_assert(yoi_path_within("/a/b/c", "/a/b"));
	cr_assert_not(yoi_path_within("/a/bc", "/a/b"));
	cr_assert_not(yoi_path_within("/a", "/a/b"));
	cr_assert(yoi_path_within("/anything", "/"));
	cr_assert(yoi_path_within(".yoi/tickets", ".yoi"));
	cr_assert_not(yoi_path_within(".yoi2", ".yoi"));
}
