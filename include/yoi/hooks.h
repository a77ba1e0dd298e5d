/*
 * hooks.h - `hooks install|uninstall` (SPEC 10): the pre-commit and
 * commit-msg hook scripts (chaining a hook that was there before), the
 * merge driver in the repository's local config, the .gitattributes lines
 * that route ticket files to it; and the commit message scan that the
 * commit-msg hook runs.
 *
 * Every git access goes through libgit2. The hook scripts are rendered
 * from resources/prompts/hooks/hook.sh (@BIN@, @HOOK@, @ARGS@).
 *
 * Ownership: reports and reference lists are filled by the functions and
 * released with their _free (NULL-safe, also after a failure); strings
 * returned are the caller's.
 */
#ifndef YOI_HOOKS_H
#define YOI_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "id.h"
#include "store.h"

/* The line that marks a hook script as ours. */
#define YOI_HOOKS_MARKER "# yoi-tickets hook"
/* A foreign hook moved aside by install is kept as <name><suffix>. */
#define YOI_HOOKS_CHAINED_SUFFIX ".yoi-chained"
/* The merge driver's name: merge.<name>.driver, merge=<name>. */
#define YOI_HOOKS_DRIVER "yoi-tickets"
#define YOI_HOOKS_N	 3 /* pre-commit, commit-msg, pre-merge-commit */

/* What was done to one thing. */
typedef enum yoi_hooks_result {
	YOI_HOOKS_INSTALLED, /* written / registered / lines added */
	YOI_HOOKS_UPDATED,   /* ours, rewritten with other content */
	YOI_HOOKS_UNCHANGED, /* ours, already as it should be */
	YOI_HOOKS_REMOVED,   /* ours, removed */
	YOI_HOOKS_ABSENT,    /* nothing of ours there (uninstall) */
	YOI_HOOKS_FOREIGN,   /* not ours, left alone (uninstall) */
} yoi_hooks_result;

/* "installed", "updated", "unchanged", "removed", "absent", "foreign". */
const char *yoi_hooks_result_name(yoi_hooks_result r);

typedef struct yoi_hooks_hook {
	const char *name; /* static: "pre-commit", "commit-msg" */
	char *path;
	yoi_hooks_result result;
	/*
	 * install: a foreign hook was moved to <name>.yoi-chained now;
	 * uninstall: <name>.yoi-chained was moved back to <name>.
	 */
	bool moved;
	/* install: a chained hook exists and runs before ours. */
	bool chains;
} yoi_hooks_hook;

typedef struct yoi_hooks_report {
	char *dir; /* the hooks directory */
	bool dir_created;
	yoi_hooks_hook hooks[YOI_HOOKS_N];
	yoi_hooks_result driver; /* merge.yoi-tickets.{name,driver} */
	char *driver_cmd;	 /* install: the driver command line */
	char *attr_path;	 /* <common dir>/info/attributes, or
				    <top>/.gitattributes (shared) */
	yoi_hooks_result attr;
	yoi_strv attr_lines; /* lines added (install) or removed */
	bool attr_deleted;   /* uninstall left it empty: file removed */
} yoi_hooks_report;

typedef struct yoi_hooks_opts {
	const yoi_store *st;	/* borrowed: its repository, top and root */
	const char *bin;	/* absolute path of the binary */
	bool shared_attributes; /* install the driver's attribute lines in
				   <top>/.gitattributes (to commit and share)
				   instead of <common dir>/info/attributes,
				   which acts on every branch of this clone
				   at once without a commit */
} yoi_hooks_opts;

/*
 * The hooks directory: core.hooksPath when set (a relative path is taken
 * from top, the directory git runs the hooks in), else <common dir>/hooks.
 */
int yoi_hooks_dir(char **out, const yoi_store *st, yoi_error *err);

/*
 * Install everything (idempotent). Checked before anything is changed:
 * the tickets root must lie under top (YOI_EUSAGE otherwise, as the
 * attribute patterns are relative to top); a foreign hook beside an
 * existing <name>.yoi-chained is YOI_EREFUSED, as is a hook path that is
 * not a file. Failures after that are YOI_EIO; what was done stays done
 * and a second run finishes the job.
 */
int yoi_hooks_install(yoi_hooks_report *out, const yoi_hooks_opts *o,
		      yoi_error *err);

/*
 * Undo install (idempotent): remove our hook scripts and move chained
 * hooks back, delete the merge driver entries, remove our attribute lines
 * (any `<pattern> merge=yoi-tickets` line for the four ticket files, so a
 * changed tickets root does not strand them) and the file when nothing
 * else is left in it. o->bin may be NULL.
 */
int yoi_hooks_uninstall(yoi_hooks_report *out, const yoi_hooks_opts *o,
			yoi_error *err);

void yoi_hooks_report_free(yoi_hooks_report *r);

/* s quoted for sh: '...' with each ' written as '\''. Caller frees. */
char *yoi_hooks_sh_quote(const char *s);

/* The hook script for hook name running bin. Caller frees. */
int yoi_hooks_script(char **out, const char *hook, const char *bin,
		     yoi_error *err);

/* The .gitattributes lines for a tickets root at rel (relative to top). */
int yoi_hooks_attr_lines(yoi_strv *out, const char *rel, yoi_error *err);

/*
 * The commit message scan (pure). A ticket reference is a `Ticket: <ID>`
 * trailer (key case-insensitive, at the start of a line other than the
 * subject) or `[<ID>]` anywhere, where the brackets hold 13 characters of
 * the ID alphabet. Lines starting with comment_char are skipped, and
 * everything from git's scissors line ("# ---- >8 ----", `commit -v`)
 * on, as git strips it.
 */
typedef struct yoi_hooks_ref {
	char id[YOI_ID_LEN + 1]; /* the ID, or "" when value is not one */
	char *value;		 /* the text as written (for messages) */
	char *hint;		 /* a valid ID it normalises to, or NULL */
	int line;		 /* 1-based */
	bool trailer;		 /* Ticket: trailer, else [ID] mention */
} yoi_hooks_ref;

typedef struct yoi_hooks_refs {
	yoi_hooks_ref *v;
	size_t n;
} yoi_hooks_refs;

int yoi_hooks_msg_refs(yoi_hooks_refs *out, const char *msg, size_t len,
		       char comment_char, yoi_error *err);
void yoi_hooks_refs_free(yoi_hooks_refs *refs);

/*
 * The comment character git uses for the repository: core.commentChar
 * when it is a single character (other than "auto"), else '#'.
 */
char yoi_hooks_comment_char(const yoi_store *st);

#endif
