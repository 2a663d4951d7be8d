/* cmd_export.c — placeholder until the subcommand lands. */
#include "config.h"

#include "cli.h"

int
cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_errorf("export: not implemented in this version");
	return EXIT_TROUBLE;
}
