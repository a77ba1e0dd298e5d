/* cmd_plan.c - append a plan event. */
#include "cli.h"

int yoi_cmd_plan(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_note(argc, argv, ctx, "plan");
}
