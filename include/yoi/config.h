/*
 * config.h - .yoi/config.yaml (SPEC 9), read with libyaml.
 *
 * Every key is optional. Unknown keys, wrong types, YAML anchors/aliases,
 * and malformed YAML are errors (YOI_ECORRUPT) naming the file, line and
 * key. Ownership: yoi_config owns its strings; yoi_config_free.
 *
 * yoi_config_defaults initialises *cfg (overwrites it, frees nothing).
 * yoi_config_parse and _load work in place: *cfg must already be
 * initialised - by yoi_config_defaults, a previous parse/load, or
 * zero-filled (`yoi_config cfg = {0};`) - and its old contents are
 * released. On every return, success or error, *cfg is safe to (and must
 * be) released with yoi_config_free; after an error it holds the plain
 * defaults, never part of the file.
 */
#ifndef YOI_CONFIG_H
#define YOI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "state.h"

#define YOI_CONFIG_MAX_SIZE (1024 * 1024)

typedef enum { YOI_LANG_EN = 0, YOI_LANG_JA = 1 } yoi_lang;

typedef struct yoi_config {
	char *tickets_root;	/* default ".yoi/tickets" */
	int tickets_root_line;	/* its line in the file; 0: the default */
	yoi_lang language;	/* default English */
	char *worktrees_dir;	/* default ".worktree" */
	int worktrees_dir_line; /* its line in the file; 0: the default */
	char *branch_prefix;	/* default "work/" */
	bool worktrees_store_branch; /* worktrees.store: branch (default main:
					one store per clone) */
	long max_inprogress;	/* default 0 = unlimited; must be >= 0 */
	yoi_strv roles; /* default intake, orchestrator, coder, reviewer */
	yoi_state_table transitions; /* default: built-in table (not owned) */
	char *hook_ticket_event;     /* default ".yoi/hooks/ticket-event" */
	bool hook_ticket_event_set;  /* hooks.ticket_event given explicitly */
	long hook_timeout_ms;	     /* default 2000; must be > 0 */
	bool finish_require_merged;  /* finish.require_merged: finish refuses
					until the branch is merged */
	char *claims_remote;	/* claims.remote: a git remote; NULL: unset */
	int claims_remote_line; /* its line in the file; 0: unset */
} yoi_config;

/* Fill *cfg with the defaults. */
int yoi_config_defaults(yoi_config *cfg);

/*
 * Parse config text over the defaults. `language` accepts English/Japanese
 * and en/ja (case-insensitive). `transitions` is a non-empty sequence of
 * mappings {from: S, to: S} with known, distinct states and no repeated
 * pair; it replaces the built-in table (flags per
 * yoi_state_table_from_pairs, owned). `roles` replaces the default list
 * (may be empty; no empty or repeated names). Integers are unquoted plain
 * decimal (no sign, no leading zero) and at most INT_MAX. Strings must not
 * be null; root, dir and ticket_event must not be empty (branch_prefix
 * may). A null section (`tickets:` with every key commented out) keeps its
 * defaults.
 *
 * Paths (issue 11; the rules of docs/format.md): tickets.root must be
 * relative to the repository top, made of plain components - no empty
 * ones ('//', trailing '/'), no '.' or '..', none named '.git' (in any
 * case), no control characters. worktrees.dir follows the same rules, or
 * is exactly "../<name>" (one folder beside the repository). The two must
 * not overlap (neither equal to nor inside the other). These are checked
 * on the text; where the paths resolve after symbolic links is checked by
 * yoi_store_open. Also refused: YAML tags, duplicate keys, several documents,
 * nesting deeper than 32, invalid UTF-8, NUL bytes, len over
 * YOI_CONFIG_MAX_SIZE. Errors: YOI_ECORRUPT with err->path = path and
 * err->line = the 1-based line of the offending node; YOI_ENOMEM.
 * buf may be NULL when len is 0; path and err may be NULL.
 */
int yoi_config_parse(yoi_config *cfg, const char *buf, size_t len,
		     const char *path, yoi_error *err);

/*
 * Load path: a missing file (ENOENT) gives the defaults and returns 0. A
 * symlink (even dangling), a non-regular file, or a file over
 * YOI_CONFIG_MAX_SIZE is YOI_ECORRUPT; an open/read failure is YOI_EIO.
 * Opened with O_NOFOLLOW | O_NONBLOCK (a FIFO cannot hang the open).
 */
int yoi_config_load(yoi_config *cfg, const char *path, yoi_error *err);
void yoi_config_free(yoi_config *cfg);

#endif
