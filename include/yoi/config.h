/*
 * config.h - .yoi/config.yaml (SPEC 9), read with libyaml.
 *
 * Every key is optional. Unknown keys, wrong types, YAML anchors/aliases,
 * and malformed YAML are errors (YOI_ECORRUPT) naming the file, line and
 * key. Ownership: yoi_config owns its strings; yoi_config_free.
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
	char *tickets_root;   /* default ".yoi/tickets" */
	yoi_lang language;    /* default English */
	char *worktrees_dir;  /* default ".worktree" */
	char *branch_prefix;  /* default "work/" */
	long max_inprogress;  /* default 0 = unlimited; must be >= 0 */
	yoi_strv roles;       /* default intake, orchestrator, coder, reviewer */
	yoi_state_table transitions; /* default: built-in table (not owned) */
	char *hook_ticket_event;     /* default ".yoi/hooks/ticket-event" */
	long hook_timeout_ms;        /* default 2000; must be > 0 */
} yoi_config;

/* Fill *cfg with the defaults. */
int yoi_config_defaults(yoi_config *cfg);

/*
 * Parse config text over the defaults. `language` accepts English/Japanese
 * (case-insensitive) and en/ja. `transitions` is a sequence of mappings
 * {from: S, to: S} with known states. Integers must be plain decimal.
 */
int yoi_config_parse(yoi_config *cfg, const char *buf, size_t len,
		     const char *path, yoi_error *err);

/*
 * Load path: a missing file gives the defaults; a symlink, a file over
 * YOI_CONFIG_MAX_SIZE, or unreadable file is an error.
 */
int yoi_config_load(yoi_config *cfg, const char *path, yoi_error *err);
void yoi_config_free(yoi_config *cfg);

#endif
