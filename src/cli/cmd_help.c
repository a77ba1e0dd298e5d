/* cmd_help.c - the command list, or one command's page. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int yoi_cmd_help(int argc, char **argv, yoi_ctx *ctx)
{
	if (argc > 2)
		return yoi_cli_usage(ctx, "help takes at most one command");
	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		yoi_cli_help("help", stdout);
		return 0;
	}
	yoi_cli_pager_start(ctx);
	if (argc == 2) {
		if (yoi_cli_help(argv[1], stdout) < 0)
			return yoi_cli_usage(ctx, "no command '%s'", argv[1]);
		return 0;
	}
	yoi_cli_help("yoi-tickets", stdout);
	for (const yoi_command *c = yoi_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	return 0;
}
