/*
 * store_int.h - the store's fields, for the library only (a front end
 * uses the accessors of yoi/store.h; scripts/layers.sh keeps src/cli/ and
 * the tests from including this).
 */
#ifndef YOI_STORE_INT_H
#define YOI_STORE_INT_H

#include "yoi/store.h"

struct git_repository;

struct yoi_store {
	struct git_repository *repo; /* from discovery, or NULL */
	char *top;     /* repository work tree top (no trailing '/'), or NULL */
	char *yoi_dir; /* the .yoi directory holding config.yaml */
	char *root;    /* tickets root */
	bool root_override; /* root came from --root */
	yoi_config cfg;
	int lock_fd;	  /* -1 when not held */
	int lock_depth;	  /* nested yoi_store_lock calls inside the outer one */
	bool lock_shared; /* lock_fd holds LOCK_SH (yoi_store_lock_shared) */
	char *tmp_dir;	  /* <git common dir>/yoi/tmp, or NULL: no repository */
	char *linked;	  /* the linked worktree's top when the store is the
			     main worktree's (one store per clone), or NULL */
};

#endif
