/* board.c - the pages of the live board (board.h). Work in progress: the
 * first commit only fixes the interface. */
#include "yoi/board.h"

int yoi_board_page(yoi_buf *out, const yoi_store *st, const yoi_board_filter *f,
		   const yoi_board_ctx *c, yoi_error *err)
{
	(void)st;
	(void)f;
	(void)c;
	(void)err;
	return yoi_buf_puts(out, "<!DOCTYPE html>\n<title>board</title>\n") < 0
		   ? YOI_ENOMEM
		   : 0;
}

int yoi_board_ticket_page(yoi_buf *out, const yoi_store *st, const char *id,
			  const yoi_board_ctx *c, yoi_error *err)
{
	(void)c;
	char full[YOI_ID_LEN + 1];
	int rc = yoi_store_resolve(st, id, full, err);
	if (rc < 0)
		return rc;
	return yoi_buf_puts(out, "<!DOCTYPE html>\n<title>ticket</title>\n") < 0
		   ? YOI_ENOMEM
		   : 0;
}
