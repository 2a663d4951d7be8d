/*
 * cmd_scan.c — exhibit scan ARCHIVE [--camera ID] [--xml] [--deep]
 * [--no-cache] [--jobs N] [--tz ZONE]: what a recorder archive holds, per
 * camera: recorded spans (first and last frame, end of coverage), gaps,
 * overlaps, damaged and unreadable files.  A summary for people by
 * default (memory flat in the archive's length, progress on a terminal);
 * --xml for programs, every file listed (urn:exhibit:scan:1,
 * schemas/scan.xsd), written by the library (ex_archive_xml).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "exhibit/archive.h"

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit scan ARCHIVE [--camera ID] [--xml] [--deep] [--no-cache]\n"
"                  [--jobs N] [--tz ZONE]\n"
"Show what a recorder archive holds, per camera: the recorded spans with\n"
"their first and last frame, the gaps between them, overlaps, and damaged\n"
"or unreadable files.  The layout is detected: recorder.xml (indexed),\n"
"Frigate recordings/YYYY-MM-DD/HH/<camera>/MM.SS.mp4, or plain\n"
"<camera>/<file> folders.\n"
"\n"
"By default a file is opened only when its name and the segment index\n"
"cannot say enough: every gap, overlap and damaged file reported is real,\n"
"but damage inside files not opened is seen only by --deep.  What each\n"
"probe learns is kept in the segment index ($XDG_CACHE_HOME/exhibit/),\n"
"so the next scan opens only files that changed.\n"
"\n"
"  -c, --camera ID  only this camera\n"
"  -x, --xml        machine-readable XML (urn:exhibit:scan:1) on stdout,\n"
"                   every file listed\n"
"  -d, --deep       open every file (the index answers for unchanged ones)\n"
"  -C, --no-cache   do not use the segment index\n"
"  -j, --jobs N     threads that open files (default: one per core)\n"
"  -z, --tz ZONE    zone of local times in plain file names\n"
"                   (YYYY-MM-DDTHH-MM-SS) and of the local times shown;\n"
"                   default: the recorder's zone, else Europe/London\n"
"  -h, --help       this help\n"
"\n"
"Times are on the recorder's clock, shown in UTC and in local time.\n"
"Exit status: 0 the archive was read (even with damaged files);\n"
"2 usage or system error.\n", fp);
}

/* --- for people -------------------------------------------------------- */

static void
print_instant(const char *label, ex_instant t, const char *zone)
{
	char u[EX_TIME_BUFSZ], l[EX_TIME_BUFSZ];

	printf("    %-12s %s  %s\n", label, ex_time_format_utc(t, u, sizeof(u)),
	    cli_esc(ex_time_format_display(t, zone, l, sizeof(l))));
}

static void
print_span(const char *label, const ex_span *sp, const char *zone)
{
	char a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ], la[EX_TIME_BUFSZ],
	    lb[EX_TIME_BUFSZ], d[32];

	printf("  %-10s %s .. %s  (%s s)\n", label,
	    ex_time_format_utc(sp->start, a, sizeof(a)),
	    ex_time_format_utc(sp->end, b, sizeof(b)),
	    ex_span_seconds(sp->end - sp->start, d, sizeof(d)));
	printf("  %-10s %s .. %s\n", "",
	    cli_esc(ex_time_format_display(sp->start, zone, la, sizeof(la))),
	    cli_esc(ex_time_format_display(sp->end, zone, lb, sizeof(lb))));
}

/* Problem files listed per state before "and N more". */
#define SHOW_FILES 20

/*
 * The kinds of stream the camera's files hold ("video h264, audio aac"),
 * each once, and the in-stream signatures seen in any of them, with how
 * many files carry them.
 */
static void
print_streams(const ex_camera *c)
{
	char seen[512], names[128];
	size_t i, used = 0;

	seen[0] = '\0';
	for (i = 0; i < c->nkinds; i++) {
		int n = snprintf(seen + used, sizeof(seen) - used, "%s%s %s",
		    used > 0 ? ", " : "", c->kinds[i].type, c->kinds[i].codec);

		if (n < 0 || (size_t)n >= sizeof(seen) - used) {
			seen[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
	if (used > 0)
		printf("  %-10s %s\n", "streams", cli_esc(seen));
	if (c->signatures != 0) {
		ex_signatures_names(c->signatures, names, sizeof(names));
		printf("  %-10s %s in %zu of %zu files (in-stream "
		    "signatures, kept by native copies)\n", "signed", names,
		    c->nsigned, c->nlisted);
	}
}

/* How the facts were found, when not every file was opened now. */
static void
print_facts(const ex_camera *c)
{
	if (c->nnamed == 0 && c->nindexed == 0)
		return;
	printf("  %-10s %zu opened now, %zu from the segment index", "read",
	    c->nprobed, c->nindexed);
	if (c->nnamed > 0)
		printf(", %zu by name only (not opened: --deep opens every "
		    "file)", c->nnamed);
	putchar('\n');
}

static void
print_camera(const ex_camera *c, const char *zone)
{
	size_t i, shown[3] = { 0, 0, 0 };
	const size_t *n = c->nstate;

	printf("\ncamera %s\n", cli_esc(c->id));
	if (c->name != NULL)
		printf("  %-10s %s\n", "name", cli_esc(c->name));
	if (c->location != NULL)
		printf("  %-10s %s\n", "location", cli_esc(c->location));
	printf("  %-10s %zu (%zu ok, %zu damaged, %zu unreadable)\n",
	    "segments", c->nlisted, n[EX_SEG_OK], n[EX_SEG_DAMAGED],
	    n[EX_SEG_UNREADABLE]);
	print_facts(c);
	if (c->ncovered == 0)
		printf("  %-10s nothing\n", "recorded");
	for (i = 0; i < c->ncovered; i++) {
		ex_instant last = ex_camera_span_last_frame(c, &c->covered[i]);

		print_span("recorded", &c->covered[i], zone);
		print_instant("first frame", c->covered[i].start, zone);
		if (last != EX_INSTANT_NONE)
			print_instant("last frame", last, zone);
		print_instant("ends", c->covered[i].end, zone);
	}
	for (i = 0; i < c->ngaps; i++)
		print_span("gap", &c->gaps[i], zone);
	for (i = 0; i < c->noverlaps; i++)
		print_span("overlap", &c->overlaps[i], zone);
	print_streams(c);
	for (i = 0; i < c->nsegments; i++) {
		const ex_segment *s = &c->segments[i];

		if (s->state == EX_SEG_OK || shown[s->state]++ >= SHOW_FILES)
			continue;
		printf("  %-10s %s: %s\n", ex_segment_state_name(s->state),
		    cli_esc(s->relpath), s->problem != NULL ?
		    cli_esc(s->problem) : "?");
	}
	for (i = EX_SEG_DAMAGED; i <= EX_SEG_UNREADABLE; i++)
		if (shown[i] > SHOW_FILES)
			printf("  %-10s and %zu more (--xml lists every file)\n",
			    ex_segment_state_name((ex_segment_state)i),
			    shown[i] - SHOW_FILES);
}

static void
print_text(const ex_archive *a, const char *zone)
{
	const ex_recorder_info *r = &a->recorder;
	size_t i;

	printf("archive    %s\n", cli_esc(a->root));
	printf("layout     %s\n", ex_layout_name(a->layout));
	if (r->make != NULL || r->model != NULL || r->serial != NULL ||
	    r->site != NULL) {
		printf("recorder   %s%s%s", cli_esc(r->make),
		    r->make && r->model ? " " : "", cli_esc(r->model));
		if (r->serial != NULL)
			printf(", serial %s", cli_esc(r->serial));
		if (r->site != NULL)
			printf(", site %s", cli_esc(r->site));
		putchar('\n');
	}
	if (r->timezone != NULL)
		printf("zone       %s (recorder)\n", cli_esc(r->timezone));
	printf("times      recorder clock; UTC, and local time in %s\n",
	    cli_esc(zone));
	if (a->index_path != NULL)
		printf("index      %s\n", cli_esc(a->index_path));
	printf("cameras    %zu\n", a->ncameras);
	for (i = 0; i < a->ncameras; i++)
		print_camera(&a->cameras[i], zone);
}

/* Progress on a terminal: one line redrawn at most four times a second,
 * cleared at the end. */
typedef struct scan_progress {
	struct timespec last;
	int drawn;
} scan_progress;

static void
draw_progress(void *user, const ex_archive_progress *p)
{
	scan_progress *sp = user;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sp->drawn && (double)(now.tv_sec - sp->last.tv_sec) +
	    (double)(now.tv_nsec - sp->last.tv_nsec) / 1e9 < 0.25)
		return;
	sp->last = now;
	sp->drawn = 1;
	cli_drawf("\r\033[Kscanning: %zu files, %zu opened, %zu from the "
	    "index", p->listed, p->probed, p->indexed);
}

int
cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "camera", required_argument, NULL, 'c' },
		{ "xml",    no_argument,       NULL, 'x' },
		{ "deep",   no_argument,       NULL, 'd' },
		{ "no-cache", no_argument,     NULL, 'C' },
		{ "jobs",   required_argument, NULL, 'j' },
		{ "tz",     required_argument, NULL, 'z' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ex_archive_options opts;
	scan_progress prog;
	ex_archive *archive = NULL;
	char *end;
	long jobs;
	size_t i;
	const char *zone;
	char *doc = NULL;
	size_t len = 0;
	ex_error err;
	ex_status st;
	int c, xml = 0, status = EXIT_TROUBLE;

	memset(&opts, 0, sizeof(opts));
	memset(&prog, 0, sizeof(prog));
	opts.count_frames = 1;
	ex_error_clear(&err);
	optind = 1;
	while ((c = cli_getopt(argc, argv, "c:xdCj:z:h", longopts)) != -1) {
		switch (c) {
		case 'c':
			opts.camera = optarg;
			break;
		case 'x':
			xml = 1;
			break;
		case 'd':
			opts.deep = 1;
			break;
		case 'C':
			opts.no_cache = 1;
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || jobs < 1 ||
			    jobs > 64) {
				cli_errorf("--jobs: '%s' is not a whole number "
				    "from 1 to 64", optarg);
				return cli_usage_hint("scan");
			}
			opts.jobs = (unsigned)jobs;
			break;
		case 'z':
			opts.zone = optarg;
			break;
		default:        /* 'h', or a mistake */
			return cli_help_or_hint(c, usage, "scan");
		}
	}
	if (argc - optind != 1) {
		cli_errorf("%s", argc - optind < 1 ? "no ARCHIVE given" :
		    "more than one ARCHIVE given");
		return cli_usage_hint("scan");
	}
	/* The summary for people keeps only what it prints; the XML lists
	 * every file, so it holds them all. */
	opts.summary = !xml;
	if (isatty(STDERR_FILENO)) {
		opts.progress = draw_progress;
		opts.progress_user = &prog;
	}
	st = ex_archive_open(argv[optind], &opts, &archive, &err);
	if (prog.drawn)
		cli_drawf("\r\033[K");
	if (st != EX_OK) {
		cli_error(&err);
		goto out;
	}
	for (i = 0; i < archive->nnotes; i++)
		cli_warnf("%s", archive->notes[i]);
	zone = opts.zone != NULL ? opts.zone :
	    archive->recorder.timezone != NULL ? archive->recorder.timezone :
	    EX_TIME_DEFAULT_ZONE;
	if (xml) {
		if (ex_archive_xml(archive, zone, &doc, &len, &err) != EX_OK) {
			cli_errorf("cannot write the XML report");
			goto out;
		}
		fwrite(doc, 1, len, stdout);
	} else {
		print_text(archive, zone);
	}
	status = EXIT_OK;
out:
	free(doc);
	ex_archive_free(&archive);
	return status;
}
