/*
 * doctor: the layout finding for an entry of the tickets root, shared by
 * doctor and the git checks (one wording, one severity).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "yoi/doctor.h"

static const yoi_diag_entry *one(yoi_diag *d, const char *name, bool dir,
				 const char *dup)
{
	yoi_diag_free(d);
	*d = (yoi_diag)YOI_DIAG_INIT;
	yoi_doctor_root_entry(d, "root/x", name, dir, dup);
	return d->n ? &d->v[0] : NULL;
}

Test(doctor_layout, each_kind_of_entry)
{
	yoi_diag d = YOI_DIAG_INIT;
	const yoi_diag_entry *e = one(&d, "open", true, NULL);
	cr_assert_str_eq(e->code, "layout-legacy-bucket");
	cr_assert_eq(e->severity, YOI_DIAG_ERROR);
	e = one(&d, "notes.txt", false, NULL);
	cr_assert_str_eq(e->code, "layout-stray-file");
	cr_assert_eq(e->severity, YOI_DIAG_WARNING);
	e = one(&d, "misc", true, NULL);
	cr_assert_str_eq(e->code, "layout-bad-dir-name");
	cr_assert(strstr(e->message, "'misc'"), "%s", e->message);
	e = one(&d, "00001m8y2nfxw", true, "00001M8Y2NFXW");
	cr_assert_str_eq(e->code, "layout-duplicate-id");
	cr_assert(strstr(e->message, "00001M8Y2NFXW"), "%s", e->message);
	/* A ticket directory and dot files say nothing; a file named like
	 * an ID is no ticket. */
	cr_assert_null(one(&d, "00001M8Y2NFXW", true, NULL));
	cr_assert_null(one(&d, ".lock", false, NULL));
	e = one(&d, "00001M8Y2NFXW", false, NULL);
	cr_assert_str_eq(e->code, "layout-stray-file");
	yoi_diag_free(&d);
}
