/* main.c — exhibit: dispatch to a subcommand. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exhibit/version.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "keygen",  cmd_keygen,  "make a minisign-compatible signing key pair" },
	{ "scan",    cmd_scan,    "show what a recorder archive holds, per camera" },
	{ "export",  cmd_export,  "export a time range of cameras to a signed bundle" },
	{ "verify",  cmd_verify,  "check a bundle: integrity, signatures, custody" },
	{ "custody", cmd_custody, "add to or show a bundle's custody log" },
	{ "register", cmd_register, "list, check and sum the disclosure register" },
};

static void
usage(FILE *fp)
{
	size_t i;

	fputs(
"Usage: exhibit COMMAND [OPTIONS]...\n"
"Turn CCTV recorder footage into court-ready, signed evidence bundles.\n"
"\n"
"Commands:\n", fp);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs(
"\n"
"  exhibit keygen  -s SECRET_KEY -p PUBLIC_KEY [-W] [-c COMMENT]\n"
"  exhibit scan    ARCHIVE [--camera ID] [--xml]\n"
"  exhibit export  ARCHIVE -o OUTPUT --camera ID[,ID...] --from TIME --to TIME\n"
"                  -s SECRET_KEY --case REF --exhibit REF --operator NAME [...]\n"
"  exhibit verify  BUNDLE [-p PUBLIC_KEY]... [--xml]\n"
"  exhibit custody add  BUNDLE -s SECRET_KEY --actor NAME --action ACTION [--note TEXT]\n"
"  exhibit custody show BUNDLE [-p PUBLIC_KEY]...\n"
"  exhibit register list|verify|report [--register FILE] ...\n"
"\n"
"Run 'exhibit COMMAND --help' for a command's options.\n"
"\n"
"Exit status: 0 success; 1 verification failed (evidence not intact or not\n"
"trusted); 2 usage or system error.\n", fp);
}

static void
version(void)
{
	ex_lib_version libs[EX_LIB_VERSIONS_MAX];
	int i, n;

	printf("exhibit %s\n", ex_version());
	n = ex_lib_versions(libs, EX_LIB_VERSIONS_MAX);
	for (i = 0; i < n; i++)
		printf("  %-12s %s\n", libs[i].name, libs[i].version);
}

int
main(int argc, char **argv)
{
	size_t i;

#ifdef M_MMAP_THRESHOLD
	/* glibc gives back every large block (FFmpeg's frame and packet
	 * buffers, freed after each probe and cut) and faults it in again:
	 * keep freed memory instead.  A 10-minute copy-only export: 26,000
	 * -> 6,000 page faults, 12 % less CPU, 6 MiB more memory
	 * (bench/README.md). */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif

	if (argc < 2) {
		usage(stderr);
		return EXIT_TROUBLE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return cli_close_stdout(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		version();
		return cli_close_stdout(EXIT_OK);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return cli_close_stdout(commands[i].run(argc - 1, argv + 1));
	}
	cli_errorf("unknown command '%s'", argv[1]);
	return cli_usage_hint(NULL);
}
