/*
 * gitinit.h - what a front end needs of the git layer: libgit2's set-up
 * and the size of a commit id. Everything that takes a repository is the
 * library's own (src/git/gitops.h).
 */
#ifndef YOI_GITINIT_H
#define YOI_GITINIT_H

#include <stdbool.h>

#include "common.h"

/* A linked worktree as git records it: the one worktree record of the
 * library (the worktree loop adds its ticket to it, yoi/work.h). */
typedef struct yoi_worktree {
	char *name;   /* admin name (under .git/worktrees/) */
	char *path;   /* working directory */
	char *branch; /* short branch name checked out, or NULL (detached) */
	bool exists;  /* the working directory is there (else prunable) */
	bool locked;
} yoi_worktree;

/* Free w's strings and zero it (the struct itself is the caller's). */
void yoi_worktree_clear(yoi_worktree *w);

/* A commit id as 40 hex digits and a NUL. */
#define YOI_GIT_OID_HEX 40

/*
 * libgit2's global set-up (reference counted, like git_libgit2_init), for
 * every front end: without seeding mbedTLS's random number generator or
 * parsing the system's CA bundle, which only an HTTPS remote needs
 * (src/git/gitinit.c says how); trees are cached up to 4 MiB. YOI_EIO when
 * libgit2 cannot start. Pair each call with yoi_git_shutdown. Call it
 * only where libgit2 is used: the CLI does not at start-up, the store
 * opens it when it opens the repository.
 */
int yoi_git_init(void);
void yoi_git_shutdown(void);

/*
 * Seed the generator and load the CA bundle that yoi_git_init deferred,
 * before talking to an HTTPS remote (a no-op when nothing was deferred).
 * Only while libgit2 is initialised. Mandatory before any TLS: an
 * unseeded generator cannot make a TLS session.
 */
int yoi_git_tls_ready(yoi_error *err);

/* How many CA-bundle loads yoi_git_init has deferred in this process
 * (0 with a libgit2 that does not use mbedTLS). */
unsigned yoi_git_tls_deferred(void);
/* How many generator seedings yoi_git_init has deferred (the same). */
unsigned yoi_git_tls_seeds_deferred(void);

/*
 * Whether this process has loaded the GSS-API library (gitgss.c: with a
 * statically linked libgit2, only on libgit2's first GSS-API call, which
 * only HTTP Negotiate authentication makes). Always false with a shared
 * libgit2, which loads it itself.
 */
bool yoi_git_gss_loaded(void);

#endif
