/* ufix.c - the unit tests' store fixture (ufix.h). */
#include "ufix.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yoi/file.h"

void ufix_setup(ufix *fx, const char *name)
{
	char tmpl[128];
	snprintf(tmpl, sizeof(tmpl), "/tmp/yoi-unit-%s.XXXXXX", name);
	fx->dir = strdup(tmpl);
	cr_assert_not_null(fx->dir);
	cr_assert_not_null(mkdtemp(fx->dir));
	char *root = yoi_path_join(fx->dir, ".yoi/tickets");
	yoi_error err = {0};
	cr_assert_eq(yoi_mkdir_p(root, &err), 0);
	cr_assert_eq(yoi_store_open(&fx->st, fx->dir, root, &err), 0, "%s",
		     err.msg);
	free(root);
	cr_assert_eq(yoi_texts_load(&fx->texts, YOI_LANG_EN), 0);
	fx->op = (yoi_opctx){.author = "unit",
			     .now_ms = 1780000000123,
			     .wait_sec = 1,
			     .texts = &fx->texts};
}

void ufix_teardown(ufix *fx)
{
	yoi_texts_free(&fx->texts);
	yoi_store_free(fx->st);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	cr_assert_eq(system(cmd), 0);
	free(fx->dir);
}
