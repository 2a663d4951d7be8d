/* cmd_export.c — exhibit export: a time range of cameras to a signed bundle. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "exhibit/export.h"
#include "exhibit/media.h"
#include "exhibit/time.h"
#include "passphrase.h"

#define MAX_CAMERAS 64
#define MAX_STILLS 64

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	ex_cancel_request(&interrupted);
	/* A second signal ends the process the ordinary way. */
	signal(sig, SIG_DFL);
}

static void
usage(FILE *fp)
{
	fputs(
"Usage: exhibit export ARCHIVE -o OUTPUT --camera ID[,ID...] --from TIME --to TIME\n"
"                      -s SECRET_KEY --case REF --exhibit REF --operator NAME\n"
"                      [OPTIONS]\n"
"Export a time range of one or more cameras to a signed evidence bundle.\n"
"\n"
"  -o, --output PATH        the bundle to write (must not exist)\n"
"      --camera ID[,ID...]  cameras to export (repeatable)\n"
"      --from TIME          start of the range (ISO 8601, true time)\n"
"      --to TIME            end of the range (exclusive)\n"
"  -s, --secret-key FILE    minisign secret key that signs the bundle\n"
"      --case REF           case reference\n"
"      --exhibit REF        exhibit reference (names the bundle's top folder)\n"
"      --operator NAME      who is exporting\n"
"      --organisation NAME  the operator's organisation\n"
"      --reason TEXT        why (e.g. the police request reference)\n"
"      --tz ZONE            zone for local times given without an offset and\n"
"                           for the burned-in time (default Europe/London)\n"
"      --clock-offset SECONDS  recorder clock minus true time when checked\n"
"                           (may be fractional and negative)\n"
"      --segment SECONDS    length of each working copy file (default 60)\n"
"      --container KIND     zip (default), dir, tar or iso\n"
"      --no-masters         leave out the original recorder files\n"
"      --no-working         leave out the re-encoded working copies\n"
"      --preset NAME        x264 preset for working copies (default "
    EX_MEDIA_DEFAULT_PRESET ")\n"
"      --crf N              x264 quality for working copies (default 18)\n"
"      --jobs N             threads to use in all (default: the cores\n"
"                           exhibit may run on)\n"
"      --still TIME         also a PNG still of each camera at TIME, burned in\n"
"                           like the working copies (repeatable)\n"
"      --allow-empty        export a camera with no footage in the range (the\n"
"                           bundle documents the absence) instead of failing\n"
"      --no-cache           do not consult the segment index even to choose\n"
"                           files (it never gives the facts of a bundled file)\n"
"      --requester NAME     who asked for the footage (the disclosure register)\n"
"      --requester-org ORG  the requester's organisation\n"
"      --purpose PURPOSE    why it is released: police-investigation, court,\n"
"                           civil-proceedings, subject-access, insurance,\n"
"                           internal-review or other\n"
"      --register FILE      the disclosure register to record the export in\n"
"                           (default $EXHIBIT_REGISTER, else\n"
"                           $XDG_DATA_HOME/exhibit/register.sqlite)\n"
"      --no-register        do not record it (the manifest says so)\n"
"      --mask FILE          redaction masks (XML, schemas/mask.xsd) drawn into\n"
"                           the working copies and stills, under the burn-in\n"
"      --disclosure KIND    full (default: masters and native copies kept\n"
"                           beside masked working copies) or redacted (no\n"
"                           picture without the masks; needs --mask)\n"
"  -h, --help               show this help\n"
"\n"
"TIME is 2024-10-27T00:59:30Z, 2024-10-27T01:59:30+01:00, or a local time\n"
"without an offset, read in --tz; a local time that the clock change makes\n"
"ambiguous or impossible is refused.  The secret key's passphrase is asked on\n"
"the terminal, or read from the file named by EXHIBIT_PASSPHRASE_FILE.\n"
"With SOURCE_DATE_EPOCH set, the export time is taken from it and two exports\n"
"of the same footage give byte-identical ZIP, tar and folder bundles (when\n"
"each is the same row of its register, or with --no-register).\n"
"\n"
"Before any work export says on standard error how it read --from and --to\n"
"(UTC and local time) and what each camera holds of the range: its footage,\n"
"and a warning for every gap and for footage missing at the start or the end.\n"
"Everything that needs no key is checked before the passphrase is asked.\n"
"\n"
"Every export is recorded in the disclosure register (see 'exhibit register\n"
"--help'): the row is committed only once the bundle is complete, and a\n"
"register that cannot be written fails the export before any work.\n"
"\n"
"Exit status: 0 bundle written; 2 usage or system error, or a camera with no\n"
"footage in the range without --allow-empty (nothing is left at OUTPUT).\n"
"Damage and gaps in the footage are reported, not fatal.\n", fp);
}

/* --- what export understood, and what the archive holds ------------------ */

/* "10 s", "9.96 s", "2 min 5 s", "1 h 0 min 5 s": a length for people. */
static const char *
duration(int64_t usec, char *buf, size_t size)
{
	long long ms = (long long)(usec / 1000), sec = ms / 1000;
	char frac[8] = "";

	if (ms % 1000 != 0) {
		snprintf(frac, sizeof(frac), ".%03lld", ms % 1000);
		while (frac[strlen(frac) - 1] == '0')
			frac[strlen(frac) - 1] = '\0';
	}
	if (sec < 60)
		snprintf(buf, size, "%lld%s s", sec, frac);
	else if (sec < 3600)
		snprintf(buf, size, "%lld min %lld%s s", sec / 60, sec % 60,
		    frac);
	else
		snprintf(buf, size, "%lld h %lld min %lld%s s", sec / 3600,
		    sec / 60 % 60, sec % 60, frac);
	return buf;
}

#define WHEN_BUFSZ (2 * EX_TIME_BUFSZ + 8)

/* "2024-10-27T00:59:50.000Z (2024-10-27 01:59:50.000 BST)" */
static const char *
when(ex_instant t, const char *zone, char *buf, size_t size)
{
	char u[EX_TIME_BUFSZ], l[EX_TIME_BUFSZ];

	snprintf(buf, size, "%s (%s)", ex_time_format_utc(t, u, sizeof(u)),
	    ex_time_format_display(t, zone, l, sizeof(l)));
	return buf;
}

#define SPAN_BUFSZ (4 * EX_TIME_BUFSZ + 16)

/* "A to B (A local to B local)": both readings of a span. */
static const char *
span(ex_instant a, ex_instant b, const char *zone, char *buf, size_t size)
{
	char ua[EX_TIME_BUFSZ], ub[EX_TIME_BUFSZ], la[EX_TIME_BUFSZ],
	    lb[EX_TIME_BUFSZ];

	snprintf(buf, size, "%s to %s (%s to %s)",
	    ex_time_format_utc(a, ua, sizeof(ua)),
	    ex_time_format_utc(b, ub, sizeof(ub)),
	    ex_time_format_display(a, zone, la, sizeof(la)),
	    ex_time_format_display(b, zone, lb, sizeof(lb)));
	return buf;
}

/* How --from or --to was read: in UTC and local time, and the reading
 * rule when the text gave no offset (the hour an operator loses by
 * copying scan's UTC time without its Z). */
static void
state_time(const char *opt, const char *text, ex_instant t, const char *zone)
{
	char w[WHEN_BUFSZ], off[16];
	ex_local_time lt;

	when(t, zone, w, sizeof(w));
	if (ex_time_has_offset(text) ||
	    ex_time_local(t, zone, &lt, NULL) != EX_OK) {
		cli_notef("%s %s", opt, w);
		return;
	}
	cli_notef("%s %s: %s read as local time in %s (--tz); give Z or %s "
	    "to be exact", opt, w, text, zone,
	    ex_time_format_offset(lt.utc_offset, off, sizeof(off)));
}

/* What one camera holds of the range: its footage, a warning for every
 * hole (man exhibit: a gap is a warning on standard error). */
static void
state_coverage(const ex_export_request *req, const ex_export_coverage *cov)
{
	const char *id = cov->camera->id, *zone = req->zone;
	int64_t len = req->to - req->from;
	char d1[64], d2[64], sp[SPAN_BUFSZ];
	size_t k;

	if (cov->covered == len) {
		cli_notef("%s: footage for the whole range (%s)", id,
		    duration(len, d1, sizeof(d1)));
		return;
	}
	if (cov->covered == 0) {
		cli_warnf("%s: no readable footage in the range; %zu damaged "
		    "file%s kept as found", id, cov->nsegments,
		    cov->nsegments == 1 ? "" : "s");
		return;
	}
	cli_notef("%s: %s of footage of the %s asked for", id,
	    duration(cov->covered, d1, sizeof(d1)), duration(len, d2,
	    sizeof(d2)));
	for (k = 0; k < cov->ngaps; k++) {
		const ex_span *g = &cov->gaps[k];
		int at_start;

		span(g->start, g->end, zone, sp, sizeof(sp));
		duration(g->end - g->start, d1, sizeof(d1));
		at_start = g->start == req->from;
		if (!at_start && g->end != req->to)
			cli_warnf("%s: gap of %s in the footage, from %s", id,
			    d1, sp);
		else if (at_start ? g->end == cov->first :
		    g->start == cov->last)
			cli_warnf("%s: footage missing at the %s: the range "
			    "%s %s %s the recording; none from %s", id,
			    at_start ? "start" : "end", at_start ? "starts" :
			    "ends", d1, at_start ? "before" : "after", sp);
		else
			cli_warnf("%s: footage missing at the %s: none for "
			    "the %s %s, from %s", id, at_start ? "start" :
			    "end", at_start ? "first" : "last", d1, sp);
	}
}

/* A camera with no footage in the range: what it does hold, in UTC and
 * local time, so that a range an hour off shows as such.  error: these
 * lines explain a refusal (else they go with --allow-empty's export). */
static void
state_empty(const ex_export_request *req, const ex_export_coverage *cov,
    int error)
{
	void (*say)(const char *, ...) __attribute__((format(printf, 1, 2))) =
	    error ? cli_errorf : cli_notef;
	const char *id = cov->camera->id, *zone = req->zone;
	char w1[WHEN_BUFSZ], w2[WHEN_BUFSZ], d[64], sp[SPAN_BUFSZ];

	say("%s: no footage from %s", id, span(req->from, req->to, zone, sp,
	    sizeof(sp)));
	if (cov->first == EX_INSTANT_NONE) {
		say("%s holds no readable footage at all", id);
		return;
	}
	say("%s holds footage from %s to %s", id, when(cov->first, zone, w1,
	    sizeof(w1)), when(cov->last, zone, w2, sizeof(w2)));
	if (cov->before.end != EX_INSTANT_NONE)
		say("%s: the nearest recording before the range ends at %s, %s "
		    "before it starts", id, when(cov->before.end, zone, w1,
		    sizeof(w1)), duration(req->from - cov->before.end, d,
		    sizeof(d)));
	if (cov->after.start != EX_INSTANT_NONE)
		say("%s: the nearest recording after the range starts at %s, "
		    "%s after it ends", id, when(cov->after.start, zone, w1,
		    sizeof(w1)), duration(cov->after.start - req->to, d,
		    sizeof(d)));
}

/* Say what the plan found; 0, or -1 when a camera has no footage and
 * --allow-empty was not given (the refusal already said). */
static int
state_plan(const ex_export_request *req, const ex_export_plan *plan)
{
	size_t c, nempty = 0;

	for (c = 0; c < plan->ncameras; c++) {
		const ex_export_coverage *cov = &plan->cameras[c];

		if (cov->empty) {
			state_empty(req, cov, !req->allow_empty);
			nempty++;
		} else {
			state_coverage(req, cov);
		}
	}
	if (nempty > 0 && !req->allow_empty) {
		cli_errorf("nothing written: check --from and --to (a time "
		    "without Z or an offset is local time in %s), or give "
		    "--allow-empty to export a bundle that documents the "
		    "absence", req->zone);
		return -1;
	}
	return 0;
}

/* --- options -------------------------------------------------------------- */

static int
parse_int(const char *opt, const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		cli_errorf("%s: '%s' is not a whole number from %ld to %ld",
		    opt, s, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

enum {
	OPT_CAMERA = 256, OPT_FROM, OPT_TO, OPT_CASE, OPT_EXHIBIT,
	OPT_OPERATOR, OPT_ORG, OPT_REASON, OPT_TZ, OPT_OFFSET, OPT_SEGMENT,
	OPT_CONTAINER, OPT_NO_MASTERS, OPT_NO_WORKING, OPT_PRESET, OPT_CRF,
	OPT_JOBS, OPT_STILL, OPT_ALLOW_EMPTY, OPT_NO_CACHE, OPT_REQUESTER,
	OPT_REQUESTER_ORG, OPT_PURPOSE, OPT_REGISTER, OPT_NO_REGISTER,
	OPT_MASK, OPT_DISCLOSURE
};

static const struct option longopts[] = {
	{ "output",       required_argument, NULL, 'o' },
	{ "camera",       required_argument, NULL, OPT_CAMERA },
	{ "from",         required_argument, NULL, OPT_FROM },
	{ "to",           required_argument, NULL, OPT_TO },
	{ "secret-key",   required_argument, NULL, 's' },
	{ "case",         required_argument, NULL, OPT_CASE },
	{ "exhibit",      required_argument, NULL, OPT_EXHIBIT },
	{ "operator",     required_argument, NULL, OPT_OPERATOR },
	{ "organisation", required_argument, NULL, OPT_ORG },
	{ "organization", required_argument, NULL, OPT_ORG },
	{ "reason",       required_argument, NULL, OPT_REASON },
	{ "tz",           required_argument, NULL, OPT_TZ },
	{ "clock-offset", required_argument, NULL, OPT_OFFSET },
	{ "segment",      required_argument, NULL, OPT_SEGMENT },
	{ "container",    required_argument, NULL, OPT_CONTAINER },
	{ "no-masters",   no_argument,       NULL, OPT_NO_MASTERS },
	{ "no-working",   no_argument,       NULL, OPT_NO_WORKING },
	{ "preset",       required_argument, NULL, OPT_PRESET },
	{ "crf",          required_argument, NULL, OPT_CRF },
	{ "jobs",         required_argument, NULL, OPT_JOBS },
	{ "still",        required_argument, NULL, OPT_STILL },
	{ "allow-empty",  no_argument,       NULL, OPT_ALLOW_EMPTY },
	{ "no-cache",     no_argument,       NULL, OPT_NO_CACHE },
	{ "requester",    required_argument, NULL, OPT_REQUESTER },
	{ "requester-org", required_argument, NULL, OPT_REQUESTER_ORG },
	{ "purpose",      required_argument, NULL, OPT_PURPOSE },
	{ "register",     required_argument, NULL, OPT_REGISTER },
	{ "no-register",  no_argument,       NULL, OPT_NO_REGISTER },
	{ "mask",         required_argument, NULL, OPT_MASK },
	{ "disclosure",   required_argument, NULL, OPT_DISCLOSURE },
	{ "help",         no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char *const presets[] = {
	"ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
	"slow", "slower", "veryslow", "placebo", NULL
};

int
cmd_export(int argc, char **argv)
{
	ex_export_request req;
	ex_export_result *res = NULL;
	ex_export_plan *plan = NULL;
	ex_seckey *key = NULL;
	ex_error err;
	cli_progress *prog = NULL;
	const char *cameras[MAX_CAMERAS];
	char *camlist[MAX_CAMERAS];
	size_t ncameras = 0, ncamlist = 0, i;
	const char *from_s = NULL, *to_s = NULL, *offset_s = NULL;
	const char *still_s[MAX_STILLS];
	ex_instant stills[MAX_STILLS];
	size_t nstills = 0;
	const char *keypath = NULL, *container_s = "zip", *mask_s = NULL;
	ex_mask_set *masks = NULL;
	int ch, status = EXIT_TROUBLE, valid_preset = 0;
	struct sigaction sa;

	memset(&req, 0, sizeof(req));
	req.crf = -1;
	req.segment_seconds = EX_EXPORT_DEFAULT_SEGMENT;
	req.zone = EX_TIME_DEFAULT_ZONE;
	ex_error_clear(&err);
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "o:s:h", longopts)) != -1) {
		switch (ch) {
		case 'o': req.output = optarg; break;
		case 's': keypath = optarg; break;
		case OPT_CAMERA: {
			char *copy = strdup(optarg), *tok, *save = NULL;

			if (copy == NULL || ncamlist >= MAX_CAMERAS) {
				free(copy);
				cli_errorf("too many --camera options");
				goto out;
			}
			camlist[ncamlist++] = copy;
			for (tok = strtok_r(copy, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if (ncameras >= MAX_CAMERAS) {
					cli_errorf("at most %d cameras in one "
					    "export", MAX_CAMERAS);
					goto out;
				}
				cameras[ncameras++] = tok;
			}
			break;
		}
		case OPT_FROM: from_s = optarg; break;
		case OPT_TO: to_s = optarg; break;
		case OPT_CASE: req.case_ref = optarg; break;
		case OPT_EXHIBIT: req.exhibit_ref = optarg; break;
		case OPT_OPERATOR: req.operator_name = optarg; break;
		case OPT_ORG: req.organisation = optarg; break;
		case OPT_REASON: req.reason = optarg; break;
		case OPT_TZ: req.zone = optarg; break;
		case OPT_OFFSET: offset_s = optarg; break;
		case OPT_SEGMENT:
			if (parse_int("--segment", optarg, 1, 86400,
			    &req.segment_seconds) != 0)
				goto out;
			break;
		case OPT_CONTAINER: container_s = optarg; break;
		case OPT_NO_MASTERS: req.no_masters = 1; break;
		case OPT_NO_WORKING: req.no_working = 1; break;
		case OPT_ALLOW_EMPTY: req.allow_empty = 1; break;
		case OPT_NO_CACHE: req.no_cache = 1; break;
		case OPT_REQUESTER: req.requester = optarg; break;
		case OPT_REQUESTER_ORG: req.requester_org = optarg; break;
		case OPT_REGISTER: req.register_path = optarg; break;
		case OPT_NO_REGISTER: req.no_register = 1; break;
		case OPT_MASK: mask_s = optarg; break;
		case OPT_DISCLOSURE:
			if (strcmp(optarg, "full") == 0) {
				req.redacted = 0;
			} else if (strcmp(optarg, "redacted") == 0) {
				req.redacted = 1;
			} else {
				cli_errorf("--disclosure: '%s' is not full or "
				    "redacted", optarg);
				status = cli_usage_hint("export");
				goto out;
			}
			break;
		case OPT_PURPOSE:
			if (ex_purpose_parse(optarg, &req.purpose) != 0) {
				cli_errorf("--purpose: '%s' is not one of "
				    "police-investigation, court, "
				    "civil-proceedings, subject-access, "
				    "insurance, internal-review, other",
				    optarg);
				status = cli_usage_hint("export");
				goto out;
			}
			break;
		case OPT_PRESET: req.preset = optarg; break;
		case OPT_CRF:
			if (parse_int("--crf", optarg, 0, 51, &req.crf) != 0)
				goto out;
			break;
		case OPT_JOBS:
			if (parse_int("--jobs", optarg, 1, 1024,
			    &req.jobs) != 0)
				goto out;
			break;
		case OPT_STILL:
			if (nstills >= MAX_STILLS) {
				cli_errorf("--still: at most %d in one export",
				    MAX_STILLS);
				goto out;
			}
			still_s[nstills++] = optarg;
			break;
		default:        /* 'h', or a mistake */
			status = cli_help_or_hint(ch, usage, "export");
			goto out;
		}
	}
	if (argc - optind == 0) {
		cli_errorf("no ARCHIVE given");
		status = cli_usage_hint("export");
		goto out;
	}
	if (argc - optind > 1) {
		/* Most often a list typed with spaces: --camera cam1, cam2. */
		cli_errorf("'%s' is a second ARCHIVE (one at a time; "
		    "a list such as --camera cam1,cam2 takes no spaces)",
		    argv[optind + 1]);
		status = cli_usage_hint("export");
		goto out;
	}
	req.archive = argv[optind];
	{
		const struct { int missing; const char *what; } need[] = {
			{ req.output == NULL, "-o OUTPUT" },
			{ ncameras == 0, "--camera ID" },
			{ from_s == NULL, "--from TIME" },
			{ to_s == NULL, "--to TIME" },
			{ keypath == NULL, "-s SECRET_KEY" },
			{ req.case_ref == NULL, "--case REF" },
			{ req.exhibit_ref == NULL, "--exhibit REF" },
			{ req.operator_name == NULL, "--operator NAME" },
		};
		char list[256] = "";
		size_t k, nmissing = 0;

		for (k = 0; k < sizeof(need) / sizeof(need[0]); k++) {
			if (!need[k].missing)
				continue;
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s%s", nmissing++ ? ", " : "",
			    need[k].what);
		}
		if (nmissing > 0) {
			cli_errorf("missing %s (each export needs -o, "
			    "--camera, --from, --to, -s, --case, --exhibit and "
			    "--operator)", list);
			status = cli_usage_hint("export");
			goto out;
		}
	}
	if (mask_s != NULL) {
		/* Read in --tz, as --from and --to are. */
		if (ex_mask_load(mask_s, req.zone, &masks, &err) != EX_OK) {
			cli_error(&err);
			goto out;
		}
		req.masks = masks;
	}
	if (req.no_register && req.register_path != NULL) {
		cli_errorf("--register and --no-register: choose one");
		status = cli_usage_hint("export");
		goto out;
	}
	if (req.preset != NULL) {
		for (i = 0; presets[i] != NULL; i++)
			valid_preset |= strcmp(presets[i], req.preset) == 0;
		if (!valid_preset) {
			cli_errorf("--preset: unknown x264 preset '%s' (use "
			    "ultrafast ... veryslow)", req.preset);
			goto out;
		}
	}
	if (ex_bundle_container_parse(container_s, &req.container, &err) !=
	    EX_OK ||
	    ex_time_zone_check(req.zone, &err) != EX_OK ||
	    ex_time_parse(from_s, req.zone, &req.from, &err) != EX_OK ||
	    ex_time_parse(to_s, req.zone, &req.to, &err) != EX_OK ||
	    (offset_s != NULL && ex_time_parse_offset(offset_s,
	    &req.clock_offset, &err) != EX_OK)) {
		cli_error(&err);
		goto out;
	}
	/* Still times are read in --tz, like --from and --to. */
	for (i = 0; i < nstills; i++) {
		if (ex_time_parse(still_s[i], req.zone, &stills[i], &err) !=
		    EX_OK) {
			ex_error_prefix(&err, "--still");
			cli_error(&err);
			goto out;
		}
	}
	req.stills = stills;
	req.nstills = nstills;
	if (req.from >= req.to) {
		cli_errorf("--from must be before --to");
		goto out;
	}
	if (cli_now(&req.now) != 0)
		goto out;
	req.cameras = cameras;
	req.ncameras = ncameras;
	/* Everything that needs no key, before the passphrase: the request
	 * as read, the archive and its cameras, the output and its folder. */
	state_time("--from", from_s, req.from, req.zone);
	state_time("--to", to_s, req.to, req.zone);
	if (req.clock_offset != 0) {
		char d[64], a[EX_TIME_BUFSZ], b[EX_TIME_BUFSZ];

		cli_notef("--clock-offset %s: the recorder's clock was %s %s "
		    "true time, so its footage is chosen from %s to %s on its "
		    "own clock", offset_s, duration(req.clock_offset < 0 ?
		    -req.clock_offset : req.clock_offset, d, sizeof(d)),
		    req.clock_offset < 0 ? "behind" : "ahead of",
		    ex_time_format_utc(ex_time_true_to_recorder(req.from,
		    req.clock_offset), a, sizeof(a)),
		    ex_time_format_utc(ex_time_true_to_recorder(req.to,
		    req.clock_offset), b, sizeof(b)));
	}
	if (ex_export_prepare(&req, &plan, &err) != EX_OK) {
		cli_error(&err);
		goto out;
	}
	for (i = 0; i < plan->archive->nnotes; i++)
		cli_warnf("%s", plan->archive->notes[i]);
	if (state_plan(&req, plan) != 0)
		goto out;
	req.plan = plan;
	if ((status = cli_load_secret_key(keypath, &key)) != EXIT_OK)
		goto out;
	status = EXIT_TROUBLE;
	req.key = key;
	req.cancel = &interrupted;
	if (isatty(STDERR_FILENO) &&
	    (prog = cli_progress_new(cameras, ncameras)) != NULL) {
		req.progress = cli_progress_update;
		req.progress_user = prog;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* The handlers stay until the process ends: a signal once the
	 * bundle is in place must not turn a finished export into exit 143
	 * beside a complete bundle (under ASan the leak check at exit left
	 * a 100 ms window for that; CI, 2026-12-07). */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (ex_export(&req, &res, &err) != EX_OK) {
		cli_error(&err);
		if (err.code == EX_ERR_INTERRUPTED)
			cli_errorf("nothing was written at %s", req.output);
	} else {
		for (i = 0; i < res->nnotes; i++)
			cli_warnf("%s: %s", res->notes[i].camera != NULL ?
			    res->notes[i].camera : "bundle",
			    res->notes[i].message);
		printf("%s: %zu files, %llu bytes, signed by key ID %s\n"
		    "manifest.xml SHA-256 %s\n", cli_esc(req.output),
		    res->files, (unsigned long long)res->bytes,
		    res->signer_key_id, res->manifest_sha256);
		if (res->register_row > 0)
			printf("recorded as row %lld of the disclosure register "
			    "%s\n", (long long)res->register_row,
			    cli_esc(res->register_path));
		else
			printf("not recorded in a disclosure register "
			    "(--no-register)\n");
		status = EXIT_OK;
	}
out:
	cli_progress_free(&prog);
	for (i = 0; i < ncamlist; i++)
		free(camlist[i]);
	ex_export_result_free(&res);
	ex_export_plan_free(&plan);
	ex_seckey_free(&key);
	ex_mask_set_free(&masks);
	return status;
}
