/* cmd_scan.c — placeholder until the subcommand lands. */
#include "config.h"

#include "cli.h"

int
cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_errorf("scan: not implemented in this version");
	return EXIT_TROUBLE;
}
