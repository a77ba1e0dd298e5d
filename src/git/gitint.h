/*
 * gitint.h - what the libgit2 modules (gitops.c, gitview.c) share, private
 * to the library.
 */
#ifndef YOI_GITINT_H
#define YOI_GITINT_H

#include "yoi/common.h"

/* libgit2's last error message, or a fallback. */
const char *yoi_git_msg(void);
/* Map a libgit2 failure grc to our code, with "what: message" in err. */
int yoi_git_fail(yoi_error *err, int grc, const char *what);

#endif
