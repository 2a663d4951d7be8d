/* cmd_custody.c — placeholder until the subcommand lands. */
#include "config.h"

#include "cli.h"

int
cmd_custody(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_errorf("custody: not implemented in this version");
	return EXIT_TROUBLE;
}
