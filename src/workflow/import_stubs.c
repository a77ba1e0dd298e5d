/*
 * import_stubs.c - placeholders for the readers another branch writes
 * (backlog, tk, github): they refuse with "not built yet". Deleted when
 * those readers are merged.
 */
#include "yoi/import.h"

static int not_built(const char *tool, yoi_error *err)
{
	return yoi_error_set(err, YOI_EUSAGE, NULL, 0,
			     "import --from %s is not built yet", tool);
}

int yoi_import_read_backlog(yoi_import_set *set, const char *path,
			    yoi_error *err)
{
	(void)set, (void)path;
	return not_built("backlog", err);
}

int yoi_import_read_tk(yoi_import_set *set, const char *path, yoi_error *err)
{
	(void)set, (void)path;
	return not_built("tk", err);
}

int yoi_import_read_github(yoi_import_set *set, const char *path,
			   yoi_error *err)
{
	(void)set, (void)path;
	return not_built("github", err);
}

int yoi_import_parse_backlog(yoi_import_set *set, const char *buf, size_t len,
			     const char *path, yoi_error *err)
{
	(void)set, (void)buf, (void)len, (void)path;
	return not_built("backlog", err);
}

int yoi_import_parse_tk(yoi_import_set *set, const char *buf, size_t len,
			const char *path, yoi_error *err)
{
	(void)set, (void)buf, (void)len, (void)path;
	return not_built("tk", err);
}

int yoi_import_parse_github(yoi_import_set *set, const char *buf, size_t len,
			    const char *path, yoi_error *err)
{
	(void)set, (void)buf, (void)len, (void)path;
	return not_built("github", err);
}
