/*
 * version.h - the versions of the libraries this build runs with, for
 * `--version` (as git names its build options).
 */
#ifndef YOI_VERSION_H
#define YOI_VERSION_H

#include <stddef.h>

/*
 * "libgit2 X.Y.Z, libyaml X.Y.Z, cmark X.Y.Z, jansson X.Y" into buf (cut
 * to n). Sets up nothing: cheap enough for --version.
 */
void yoi_library_versions(char *buf, size_t n);

#endif
