/*
 * stage.h - staging folders in the tickets root, shared by the two
 * imports (a tool's, import_apply.c, and an export's, export.c): a new
 * ticket is written whole into a hidden folder YOI_STAGE_PREFIX... of the
 * root (enumeration, list and doctor skip dot names), then renamed to its
 * ID, never over an existing folder; what a killed import left is swept
 * by the next import of either kind. Callers hold the store lock.
 */
#ifndef YOI_STORE_STAGE_H
#define YOI_STORE_STAGE_H

#define YOI_STAGE_PREFIX ".yoi-import-"

/* Remove name below dfd (AT_FDCWD: a path) and all it holds, never
 * following a link (a link is removed, not its target). 0, or -1 with
 * errno when something stayed. */
int yoi_stage_rm(int dfd, const char *name);

/* Remove every staging folder of the root open at rootfd. */
void yoi_stage_sweep(int rootfd);

/* Rename from to to below dfd, never over an existing to (RENAME_NOREPLACE,
 * or a check first where the file system lacks it: the store lock keeps
 * other writers out). 0, or -1 with errno (EEXIST when to exists). */
int yoi_stage_into_place(int dfd, const char *from, const char *to);

#endif
