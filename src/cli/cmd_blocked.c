/* cmd_blocked.c - the route, waiting tickets only, with reasons. */
#include "cli.h"

int yoi_cmd_blocked(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_route(argc, argv, ctx, 2);
}
