/*
 * change.h - the checks of one ticket's change between two versions of
 * its files (SPEC 10): pre-commit compares HEAD with the index, `check`
 * one commit with another. Pure: works on buffers (yoi_ticket_files).
 *
 * Codes, all errors:
 *   change-thread-rewritten  thread.md is not the old thread plus
 *                            appended bytes (an edit, a truncation); the
 *                            line is the first that differs
 *   change-thread-removed    thread.md existed and is gone
 *   change-illegal-transition  a new state_changed whose from/to pair the
 *                            transition table does not allow (and is not
 *                            forced: true), or whose from is not the
 *                            state the thread had reached
 * plus, over the new version, every finding of yoi_doctor_check_ticket
 * (malformed events, incomplete transitions, state-drift: item.md's state
 * differs from the replayed thread, ...). An error the older version had
 * already (same code, file and message) is inherited history, not this
 * change's: it is reported as a warning. Symbolic links and submodules
 * under the tickets root (change-symlink, change-submodule) are judged on
 * the git entries' modes, by yoi_gitcheck_specials (gitcheck.h).
 */
#ifndef YOI_CHANGE_H
#define YOI_CHANGE_H

#include "diag.h"
#include "doctor.h"
#include "state.h"

/*
 * old: the files before (item/thread NULL for a new ticket); new: after
 * (thread NULL when deleted). Findings go to d with new's paths.
 */
void yoi_change_check(const yoi_ticket_files *old, const yoi_ticket_files *new,
		      const yoi_state_table *tab, yoi_diag *d);

#endif
