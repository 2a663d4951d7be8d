/* cmd_verify.c — placeholder until the subcommand lands. */
#include "config.h"

#include "cli.h"

int
cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_errorf("verify: not implemented in this version");
	return EXIT_TROUBLE;
}
