/*
 * history.h - the append-only rule for thread.md, merge-aware (pure):
 * a thread is a valid successor of an older version of itself when every
 * event block of the older one is present in it, byte for byte and in
 * the same relative order, and (checked elsewhere) the blocks it adds
 * are well-formed. Appending at the end is the common case; a merge may
 * interleave the other side's blocks in time order, as the merge driver
 * writes them. The hooks, `check` and the merge property tests use this
 * one rule.
 *
 * A block is the bytes from an event's marker line to the next marker
 * (yoi_event.start .. .end) with trailing line breaks and blanks ignored
 * (an append may add the break a file's last line lacked). The bytes
 * before the first event must be kept as they were.
 *
 * Ownership: yoi_history_free releases out->added (NULL-safe).
 */
#ifndef YOI_HISTORY_H
#define YOI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "thread.h"

typedef struct yoi_history {
	bool ok;	  /* nw is a valid successor of old */
	bool appended;	  /* ok, and nw is old's bytes plus a tail */
	int missing_line; /* !ok: 1-based line in old of the first block
			     (or preamble) that nw does not keep */
	bool *added;	  /* per event of nw's thread: not one of old's
			     blocks; NULL when nw has no events */
	size_t n;	  /* events of nw */
} yoi_history;

/*
 * Judge nw against old. old_th and nw_th are the parses of the two
 * buffers. Returns 0, or YOI_ENOMEM.
 */
int yoi_history_check(yoi_history *out, const char *old, size_t old_len,
		      const yoi_thread *old_th, const char *nw, size_t nw_len,
		      const yoi_thread *nw_th);

void yoi_history_free(yoi_history *h);

/*
 * The transition chain. Replaying a thread in file order, each
 * state_changed should start (`from`) where the thread had got to: a
 * create starts at planning, a transition moves to its `to`, a close
 * closes unless its own state_changed to closed follows it (the engine
 * writes both), a reopen logged without its state_changed returns it
 * to planning, a migration sets its `to`/`state`. The first transition
 * sets the start (older tools created tickets in later states without a
 * transition: an inherited gap, not a break). A later transition that
 * starts elsewhere is a break: two histories were merged into one (one
 * side closed the ticket while the other moved it on). A forced
 * transition after a break settles it (a person recorded the state the
 * ticket is really in).
 */
typedef struct yoi_chain_break {
	size_t at;	  /* index of the transition that breaks */
	size_t setter;	  /* index of the event that set `reached` */
	const char *from; /* its from (borrowed from the thread) */
	const char *reached;
	bool settled; /* a later forced transition settles it */
} yoi_chain_break;

/*
 * Find the breaks of th's chain: fills out[0..max) and returns how many
 * there are in all (which may exceed max). inherited_gap (may be NULL)
 * is set when the first transition does not start where the create left
 * the ticket (planning). A transition without `from` or `to` (doctor
 * reports it) is not judged, and one without `to` leaves the chain
 * unknown until the next transition.
 */
size_t yoi_history_chain(const yoi_thread *th, yoi_chain_break *out, size_t max,
			 bool *inherited_gap);

#endif
