/*
 * notice.h - the notification policy (SPEC 11): after a lifecycle event
 * of a ticket (create, state_changed, review, close, reopen), decide
 * whether the ticket-event hook may run (hooktrust.h), make the notice it
 * reads on stdin (resources/prompts/notice/ticket-event.md, with the
 * queue summary of notice/idle-queue.md when the ticket left the work in
 * progress) and the facts of its environment, and run it (notify.h).
 *
 * Nothing here changes the ticket or fails the caller: every problem
 * becomes a delivery reason with a detail. Nothing is printed; what a
 * front end shows (with --verbose, in --json) is in the result.
 *
 * Ownership: a yoi_notice owns its hook path and the run's output;
 * yoi_notice_free releases them (NULL-safe, and safe on a zeroed value).
 */
#ifndef YOI_NOTICE_H
#define YOI_NOTICE_H

#include <stdbool.h>

#include "common.h"
#include "notify.h"
#include "store.h"

typedef enum yoi_notice_event {
	YOI_NOTICE_CREATE,
	YOI_NOTICE_STATE_CHANGED,
	YOI_NOTICE_REVIEW,
	YOI_NOTICE_CLOSE,
	YOI_NOTICE_REOPEN,
	YOI_NOTICE_UNBLOCKED, /* to a ticket another one's finish made free */
	YOI_NOTICE_EVENT_COUNT
} yoi_notice_event;

/* "create", "state_changed", "review", "close", "reopen", "unblocked";
 * "?" outside. */
const char *yoi_notice_event_name(yoi_notice_event ev);

/*
 * Whether event ev, leaving the ticket in state (as item.md says it now;
 * may be NULL), frees a place in the work in progress: a close, or a
 * state change to done or closed. Such a notice is an idle notice and
 * carries the queue summary.
 */
bool yoi_notice_frees_capacity(yoi_notice_event ev, const char *state);

/*
 * The notice text of ticket id after ev (previous: the state before, or
 * NULL), appended to out, rendered from the store's templates (a same-path
 * file under .yoi/prompts/ overrides the built-in one). The view is
 *   {id, title, event, state, previous?, author, at (of the thread's last
 *    event), idle, queue (the rendered queue summary, "" unless idle)}
 * *state (may be NULL) receives the ticket's state ("" when it has none),
 * malloc'd, the caller's. YOI_ENOTFOUND, YOI_ECORRUPT ... when the ticket
 * or the routing view cannot be read, a template error, YOI_ENOMEM; err
 * says which.
 */
int yoi_notice_render(yoi_buf *out, char **state, const yoi_store *st,
		      const char *id, yoi_notice_event ev, const char *previous,
		      yoi_error *err);

typedef struct yoi_notice {
	char id[YOI_ID_LEN + 1]; /* the ticket the notice is about */
	yoi_notify_result run;	 /* reason, exit status, elapsed, detail,
				    output (notify.h) */
	char *hook; /* the hook as it runs (symlinks resolved when it is a
		       regular file), else as configured; NULL when none */
	struct yoi_notice *woken; /* the `unblocked` notices this event
				     caused, in ID order (owned) */
	size_t nwoken;
} yoi_notice;

/*
 * The tickets that ticket id's latest transition made actionable: when it
 * went from an unfinished state to done or closed, every ticket that
 * waits for it (depends_on, blocks, plan blocked_by/blocks), is not done
 * or closed itself, and now has nothing unfinished left to wait for. In
 * ID order; a ticket whose own links cannot be fully read is left out.
 * Found through the links cache (routing.h, yoi_routing_load_near).
 * *out is the caller's (yoi_strv_free). Errors as yoi_routing_load.
 */
int yoi_notice_unblocked(yoi_strv *out, const yoi_store *st, const char *id,
			 yoi_error *err);

/*
 * Notify about ev of ticket id (previous: the state before, or NULL) in
 * store st (NULL: nothing to notify, "not_configured"). The hook runs only
 * when this clone trusts it (else "untrusted", with what to do in the
 * detail); with no usable hook the reason says why without a run; a notice
 * that cannot be made is "failed" with why. *out is always filled.
 * After a state change or a close, each ticket that id's finish made
 * actionable (yoi_notice_unblocked) gets its own notice, event
 * `unblocked`, with id as its cause (the view's `cause`, the hook's
 * YOI_TICKET_CAUSE): out->woken. When they cannot be found, the first
 * woken entry has id "" and reason "failed" with why.
 */
void yoi_notice_send(yoi_notice *out, const yoi_store *st, const char *id,
		     yoi_notice_event ev, const char *previous);
void yoi_notice_free(yoi_notice *n);

#endif
