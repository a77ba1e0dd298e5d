/*
 * cli.h - what every command shares: the context (global options, the
 * lazily opened store), option parsing (options.h) with the global options,
 * error reporting that maps codes to exit statuses, text input.
 */
#ifndef YOI_CLI_H
#define YOI_CLI_H

#include <getopt.h> /* optind: the positionals after yoi_cli_parse */
#include <jansson.h>
#include <stdbool.h>

#include "yoi/common.h"
#include "yoi/diag.h"
#include "yoi/gitcheck.h"
#include "yoi/notice.h"
#include "yoi/resource.h"
#include "yoi/routing.h"
#include "yoi/store.h"
#include "yoi/ticket.h"

#include "options.h"

#define YOI_VERSION  "0.1.0"
#define YOI_TEXT_MAX (16u * 1024 * 1024) /* --file / stdin input */

typedef struct yoi_ctx {
	const char *cmd; /* command name, for messages */
	const char *root;
	const char *author;
	int wait_sec;
	bool verbose;
	bool quiet;
	bool json; /* --json, where the command's table has YOI_OPT_JSON */
	yoi_store *store;
	const char *color; /* --color[=WHEN]: "auto" (NULL), "always",
			      "never" */
	int colored[3];	   /* per fd 1 and 2: 0 not decided, 1 no, 2 yes */
	bool no_pager;	   /* --no-pager */
	int pager_pid;	   /* the pager running on our stdout, or 0 */
	bool store_here;   /* open the store of the worktree we are in
			      (YOI_STORE_HERE): commands that judge commits */
	yoi_texts texts;
	bool texts_loaded;
	char *git_user; /* git's user.name, looked up once */
	int escape;	/* bodies in text output: 0 not decided yet, 1 raw,
			   2 escaped (yoi_cli_escape_bodies) */
	yoi_error err;
} yoi_ctx;

typedef struct yoi_command {
	const char *name;
	int (*fn)(int argc, char **argv, yoi_ctx *ctx);
	const char *summary;
} yoi_command;

extern const yoi_command yoi_commands[];

/* Exactly one positional argument, a ticket ID, resolved. 0 or a status. */
int yoi_cli_one_id(yoi_ctx *ctx, int argc, char **argv,
		   char id[YOI_ID_LEN + 1]);

/*
 * The candidate closest to word, when one is close enough to be a typo
 * (an edit distance of 1, or 2 for words of 5 or more characters, counting
 * a swap of two neighbours as one edit; a unique best only); else NULL.
 */
const char *yoi_cli_guess(const char *word, const char *const *cands, size_t n);

/*
 * Short IDs (--abbrev[=N]): every ID of the store with the length of its
 * shortest unique suffix (at least min). yoi_cli_abbrev_of gives the
 * suffix of id to print (id itself when unknown or abbrev is off).
 */
typedef struct yoi_cli_abbrev {
	long min; /* 0: off */
	yoi_strv ids;
	size_t *lens;
	size_t width; /* the longest suffix, for columns */
} yoi_cli_abbrev;
int yoi_cli_abbrev_cb(struct yoi_ctx *ctx, const yoi_option *opt,
		      const char *arg);
int yoi_cli_abbrev_load(yoi_ctx *ctx, yoi_store *st, yoi_cli_abbrev *a);
const char *yoi_cli_abbrev_of(const yoi_cli_abbrev *a, const char *id);
void yoi_cli_abbrev_free(yoi_cli_abbrev *a);
#define YOI_OPT_ABBREV(a)                                                      \
	YOI_OPT_CALLBACK_OPTARG("abbrev", a, yoi_cli_abbrev_cb,                \
				"shortest unique ID suffixes (at least N)")

/*
 * Colour (SGR) for output on fd (1 or 2): with --color=always, or on a
 * terminal under --color=auto (the default) unless NO_COLOR is set or
 * TERM is dumb; never with --color=never or when piped. role: "id",
 * "error", "warning", or a state's name; "" (no colour) otherwise.
 * yoi_cli_sgr_off ends it. The codes are written around text the caller
 * already made safe (cli.h's escaping), never inside it.
 */
const char *yoi_cli_sgr(yoi_ctx *ctx, int fd, const char *role);
const char *yoi_cli_sgr_off(yoi_ctx *ctx, int fd);
int yoi_cli_color_cb(struct yoi_ctx *ctx, const yoi_option *opt,
		     const char *arg);

/*
 * Long output (show, help, deps) goes through a pager when stdout is a
 * terminal, as git does: YOI_PAGER, else PAGER, else "less" (with LESS=FRX
 * unless LESS is set: it quits when the text fits and keeps colours), run
 * by /bin/sh; "cat" or --no-pager: none. The colour and escaping
 * decisions are taken for the terminal before stdout moves to the pipe.
 * yoi_cli_pager_finish (main, after the command) closes it and waits.
 */
void yoi_cli_pager_start(yoi_ctx *ctx);
void yoi_cli_pager_finish(yoi_ctx *ctx);

/*
 * The editor on initial (may be NULL) plus the hint of
 * resources/prompts/editor/text.txt naming what: $VISUAL, $EDITOR or vi,
 * as git commit runs it; the scissors line and what follows it left out
 * (as git's --cleanup=scissors); an empty result is a usage
 * error (2) and *out stays NULL. 0 or an exit status.
 */
int yoi_cli_edit(yoi_ctx *ctx, const char *what, const char *initial,
		 char **out);

/* YOI_TICKETS_SEED: reproducible random bytes for docs and tests (cli.c). */
void yoi_cli_seed(int argc, char **argv);

/* Print "yoi-tickets CMD: message" and return the exit status for rc. */
int yoi_cli_fail(yoi_ctx *ctx, int rc);
/* Print a usage error (printf-style) plus the help hint; returns 2. */
int yoi_cli_usage(yoi_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print the command's help page (resources/prompts/help/CMD.md, also
 * the source of its man page: scripts/mkman.c). */
int yoi_cli_help(const char *cmd, FILE *to);

/* Open the store (once); require: it must exist. 0 or an exit status. */
int yoi_cli_store(yoi_ctx *ctx, bool require, yoi_store **out);
/*
 * A command without positional arguments: yoi_cli_parse_none, then
 * yoi_cli_store. YOI_CLI_GO to go on, else the exit status.
 */
int yoi_cli_open(yoi_ctx *ctx, int argc, char **argv, const yoi_option *opts,
		 bool require, yoi_store **st);
/*
 * The store (it must exist) and an optional ID argument: arg NULL leaves
 * id "" (every ticket). 0 or an exit status.
 */
int yoi_cli_store_id(yoi_ctx *ctx, const char *arg, yoi_store **st,
		     char id[YOI_ID_LEN + 1]);
/* Author, clock, texts, lock wait for a mutation. 0 or an exit status. */
int yoi_cli_opctx(yoi_ctx *ctx, yoi_opctx *op);
/* Resolve an ID argument. 0 or an exit status (message printed). */
int yoi_cli_resolve(yoi_ctx *ctx, const char *arg, char id[YOI_ID_LEN + 1]);
/* A change to ticket arg: resolve it, then yoi_cli_opctx. 0 or a status. */
int yoi_cli_resolve_op(yoi_ctx *ctx, const char *arg, char id[YOI_ID_LEN + 1],
		       yoi_opctx *op);
/*
 * A change to the one ticket of the command line: yoi_cli_parse_id, then
 * yoi_cli_opctx. YOI_CLI_GO to go on, else the exit status.
 */
int yoi_cli_parse_op(yoi_ctx *ctx, int argc, char **argv,
		     const yoi_option *opts, char id[YOI_ID_LEN + 1],
		     yoi_opctx *op);
/*
 * Text from --message or --file F ("-" = stdin): exactly one of them.
 * *out is owned by the caller. 0 or an exit status.
 */
int yoi_cli_text(yoi_ctx *ctx, const char *message, const char *file,
		 const char *what, char **out);
/* Parse a non-negative int option; 0 or 2 (message printed). */
int yoi_cli_uint(yoi_ctx *ctx, const char *flag, const char *s, long *out);

/*
 * Ticket text in text output (docs/format.md, "Control characters in
 * text output"): control characters and invalid UTF-8 shown as "\x1b",
 * "\u009b" ... (yoi/termesc.h). A single-line field (a table row, a
 * title, a header line) is escaped always, so that nothing in it can
 * drive the terminal or break the row; a multi-line body only when stdout
 * is a terminal (piped text is data), unless YOI_TICKETS_ESCAPE says
 * "always" or "never". --json output is never escaped (JSON escapes
 * control characters itself).
 */
bool yoi_cli_escape_bodies(yoi_ctx *ctx);
/* printf to stdout as one escaped single-line field, then a newline. */
int yoi_cli_println(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line appended to out. 0 or YOI_ENOMEM. */
int yoi_cli_linef(yoi_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * fprintf to stderr with the text escaped as a body, always: warnings
 * quote ticket text and paths (newlines kept, control characters shown).
 */
void yoi_cli_eprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Body text s[0..len) to stdout, escaped when yoi_cli_escape_bodies. */
void yoi_cli_body(yoi_ctx *ctx, const char *s, size_t len);

/* Print JSON (2-space indent, newline) to stdout and free it. */
int yoi_cli_json(yoi_ctx *ctx, json_t *j);

/* comment/plan/decision/report share this: one event from text. */
int yoi_cli_note(int argc, char **argv, yoi_ctx *ctx, const char *kind);

void yoi_ctx_free(yoi_ctx *ctx);
/* --format text|json|github|junit (YOI_OPT_FORMAT): 0, or 2 (printed). */
int yoi_cli_format_check(yoi_ctx *ctx, const char *format);
/*
 * Print diagnostics (paths relative to top) in format; tool names the
 * run ("doctor", "check"). units (may be NULL): the tickets checked, one
 * JUnit test case each (and a "tickets" list in JSON). Returns 0,
 * YOI_EXIT_FINDINGS when d holds an error, or an exit status.
 */
int yoi_cli_diags(yoi_ctx *ctx, const char *top, const yoi_diag *d,
		  const char *format, const char *tool, const yoi_strv *units);
/*
 * check (ci) and `hook pre-commit` (!ci): the checks of the tickets that
 * range r changes in st (yoi/gitcheck.h), printed by yoi_cli_diags. check
 * says how many tickets changed and prints a clean run too; pre-commit
 * prints only findings, and how to go on. As yoi_cli_diags.
 */
int yoi_cli_gitcheck(yoi_ctx *ctx, yoi_store *st, const yoi_gitcheck_range *r,
		     const char *format, bool ci);

/* The commands. */
int yoi_cmd_init(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_create(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_show(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_list(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_edit(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_comment(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_plan(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_decision(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_report(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_review(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_state(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_close(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_reopen(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_doctor(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_help(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_relation(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_route(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_ready(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_blocked(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_deps(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_start(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_finish(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_cleanup(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_worktrees(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_claims(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_prompt(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_hooks(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_hook(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_check(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_merge_driver(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_render(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_import(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_mcp(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_serve(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_completion(int argc, char **argv, yoi_ctx *ctx);
int yoi_cmd_export(int argc, char **argv, yoi_ctx *ctx);
/* `import --from yoi FILE [--dry-run] [--json]` once the import command
 * has parsed it: restore an export (FILE - reads stdin). 0 or an exit
 * status. */
int yoi_cli_import_yoi(yoi_ctx *ctx, const char *file, bool dry);
/* `hook pre-commit` and `hook commit-msg FILE` (argv[0] is the hook). */
int yoi_hook_pre_commit(int argc, char **argv, yoi_ctx *ctx);
int yoi_hook_commit_msg(int argc, char **argv, yoi_ctx *ctx);

/*
 * After lifecycle event ev of ticket id (previous: the state before, or
 * NULL): yoi_notice_send (yoi/notice.h). Never fails the command: with
 * --verbose the delivery reason goes to stderr; returns the "notify"
 * object of the --json output (a new reference; NULL only when out of
 * memory).
 */
json_t *yoi_cli_notify(yoi_ctx *ctx, const char *id, yoi_notice_event ev,
		       const char *previous);

/*
 * Relations of id (outgoing, incoming under their inverse names, blockers)
 * as JSON and text; with id "" every relation in the store. kind -1: all.
 */
int yoi_cli_relations_view(const yoi_routing *r, const char *id, int kind,
			   json_t **json, yoi_buf *text);
/*
 * The routing view of st (yoi_routing_load); warn: name each unreadable
 * ticket on stderr. 0 or an exit status (message printed).
 */
int yoi_cli_routing(yoi_ctx *ctx, yoi_store *st, bool warn, yoi_routing **out);
/* route, ready and blocked: mode 0, 1 (actionable only), 2 (waiting). */
int yoi_cli_route(int argc, char **argv, yoi_ctx *ctx, int mode);

/* The frontmatter as a JSON object (scalars, null, lists; other: raw). */
json_t *yoi_cli_fields_json(const yoi_item *it);
/* One event as JSON: kind, author, at, attrs{}, heading, body, line. */
json_t *yoi_cli_event_json(const yoi_event *e);

#endif
