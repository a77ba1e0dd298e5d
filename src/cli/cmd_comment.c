/* cmd_comment.c - append a comment event. */
#include "cli.h"

int yoi_cmd_comment(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_note(argc, argv, ctx, "comment");
}
