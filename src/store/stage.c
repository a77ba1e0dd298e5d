/* stage.c - staging folders of the imports (stage.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/stage.h"
#include "yoi/common.h"

static int rm_tree(int dfd, const char *name, int depth)
{
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth > 64)
		return -1;
	int fd =
	    openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    rm_tree(dirfd(dp), de->d_name, depth + 1) < 0)
			rc = -1;
	closedir(dp);
	return unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -1 : rc;
}

int yoi_stage_rm(int dfd, const char *name)
{
	return rm_tree(dfd, name, 0);
}

void yoi_stage_sweep(int rootfd)
{
	int fd = dup(rootfd);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		if (fd >= 0)
			close(fd);
		return;
	}
	yoi_strv names = {0};
	struct dirent *de;
	while ((de = readdir(dp)))
		if (!strncmp(de->d_name, YOI_STAGE_PREFIX,
			     strlen(YOI_STAGE_PREFIX)))
			yoi_strv_push(&names, de->d_name);
	closedir(dp);
	for (size_t i = 0; i < names.n; i++)
		rm_tree(rootfd, names.v[i], 0);
	yoi_strv_free(&names);
}

int yoi_stage_into_place(int dfd, const char *from, const char *to)
{
	if (renameat2(dfd, from, dfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	struct stat sb;
	if (fstatat(dfd, to, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dfd, from, dfd, to);
}
