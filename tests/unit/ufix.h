/*
 * ufix.h - the unit tests' one store fixture: an empty store in a fresh
 * temporary directory (no git), English texts, and an operation context
 * with a pinned author and clock.
 */
#ifndef YOI_TEST_UFIX_H
#define YOI_TEST_UFIX_H

#include "yoi/ticket.h"

typedef struct ufix {
	char *dir;
	yoi_store *st;
	yoi_texts texts;
	yoi_opctx op;
} ufix;

/* name tells the temporary directories of one suite apart. */
void ufix_setup(ufix *fx, const char *name);
void ufix_teardown(ufix *fx);

#endif
