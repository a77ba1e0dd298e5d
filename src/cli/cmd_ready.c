/* cmd_ready.c - the route, actionable tickets only. */
#include "cli.h"

int yoi_cmd_ready(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_route(argc, argv, ctx, 1);
}
