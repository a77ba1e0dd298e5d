/*
 * prompt.h - role briefs and notices (SPEC 11): which template a role
 * uses, which guidance fragments it receives (a table of role
 * capabilities, not conditionals), where a template's text comes from
 * (a same-path file under .yoi/prompts/ overrides the embedded one), and
 * the queue summary that notices and the orchestrator's brief carry.
 *
 * Templates are rendered from views built inside the library
 * (src/present/prompt_int.h).
 * Ownership: out buffers and json values are the caller's.
 */
#ifndef YOI_PROMPT_H
#define YOI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "store.h"

struct yoi_routing;

/* Tickets per list in the queue summary of notices and briefs. */
#define YOI_PROMPT_QUEUE_LIMIT 10

/* What a role may do; fragments are chosen by these. */
enum {
	YOI_CAP_WORKTREES = 1u << 0, /* create worktrees and branches */
	YOI_CAP_REVIEW = 1u << 1,    /* review finished work */
	YOI_CAP_STATE = 1u << 2,     /* move work towards done */
	YOI_CAP_QUEUE = 1u << 3,     /* queue and route work */
};

typedef struct yoi_prompt_role {
	const char *name;
	unsigned caps;
} yoi_prompt_role;

typedef struct yoi_prompt_fragment {
	const char *path;  /* under resources/prompts, e.g. common/review.md */
	unsigned needs;	   /* 0: every role; else any of these caps */
	const char *about; /* a few words for `prompt --list` */
} yoi_prompt_fragment;

/* The built-in roles (intake, orchestrator, coder, reviewer). */
extern const yoi_prompt_role yoi_prompt_roles[];
extern const size_t yoi_prompt_roles_n;
/* Every guidance fragment, in the order a brief lists them. */
extern const yoi_prompt_fragment yoi_prompt_fragments[];
extern const size_t yoi_prompt_fragments_n;

/* The capabilities of a role; 0 for a role not in the table. */
unsigned yoi_prompt_caps(const char *role);
/* Whether a role with caps receives fragment f. */
bool yoi_prompt_fragment_for(const yoi_prompt_fragment *f, unsigned caps);
/* "worktrees,review,..." for caps ("none" for 0), written into buf; the
 * names that fit whole when buf is too small. */
const char *yoi_prompt_caps_text(unsigned caps, char *buf, size_t cap);

/*
 * The text of template path: <dir>/<path> when dir is not NULL and that
 * file exists (a regular file, at most 1 MiB), else the embedded resource.
 * *overridden (may be NULL) tells which. YOI_ENOTFOUND when neither has it.
 */
int yoi_prompt_source(yoi_buf *out, const char *dir, const char *path,
		      bool *overridden, yoi_error *err);

/* <.yoi>/prompts: where a store's overrides live. Caller frees; NULL
 * without memory. */
char *yoi_prompt_dir(const yoi_store *st);
/* "role/<role>.md": the template of a role. Caller frees; NULL without
 * memory. */
char *yoi_prompt_role_path(const char *role);

/* Whether role is one of the store's roles (.yoi/config.yaml roles). */
bool yoi_prompt_role_known(const yoi_store *st, const char *role);

/*
 * A role brief (SPEC 11): role/<role>.md rendered with the view
 *   {role, capabilities, ticket: false | the ticket's view,
 *    ticket_brief (ticket/brief.md rendered, "" without a ticket),
 *    queue (notice/idle-queue.md rendered), fragments: [{path, text}]}
 * read from store st; id (may be NULL) the ticket it is about. The
 * ticket's view is its fields ("-" when unset), risk_text, body, its
 * blockers and relations (both ways, relview.h) and its accepted plan
 * (work.h). Templates are sourced as yoi_prompt_source says, from
 * <.yoi>/prompts.
 */
typedef struct yoi_prompt_brief {
	unsigned caps;
	yoi_buf text;	    /* the brief */
	yoi_strv fragments; /* the paths of the fragments the role receives */
	yoi_error left_out; /* code != 0: the routing view could not be read,
			       so the queue and the relations are left out;
			       msg says why (set even when the brief then
			       fails) */
} yoi_prompt_brief;

/*
 * 0 with *out filled, or YOI_ENOTFOUND (ticket, template), YOI_ECORRUPT,
 * a template error, YOI_ENOMEM (also for a field that is not UTF-8), err
 * says which. *out is always to be released with yoi_prompt_brief_free.
 */
int yoi_prompt_brief_make(yoi_prompt_brief *out, const yoi_store *st,
			  const char *role, const char *id, yoi_error *err);
void yoi_prompt_brief_free(yoi_prompt_brief *b);

#endif
