/* cmd_report.c - append a implementation_report event. */
#include "cli.h"

int yoi_cmd_report(int argc, char **argv, yoi_ctx *ctx)
{
	return yoi_cli_note(argc, argv, ctx, "implementation_report");
}
