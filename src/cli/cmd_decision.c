/* cmd_decision.c - append a decision event. */
#include "cli.h"

int yoi_cmd_decision(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_note(argc, argv, ctx, "decision");
}
