/*
 * facts.c — the content both pages say in the same words, as a list of
 * items (heading, paragraph, command, label: text) each page renders in
 * its own way: the page's title, the bundle's facts, how to check the
 * evidence, the words used, the notes on a camera's coverage, the labels
 * of the file roles and the custody chain's introduction.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "exhibit/bundle.h"
#include "report/report_private.h"

/* ---- the items ------------------------------------------------------- */

void
report_items_free(report_items *it)
{
	size_t i;

	if (it == NULL)
		return;
	for (i = 0; i < it->n; i++) {
		free(it->v[i].label);
		free(it->v[i].text);
	}
	free(it->v);
	memset(it, 0, sizeof(*it));
}

void
report_add(report_items *it, report_kind kind, const char *label,
    const char *fmt, ...)
{
	base_buf t = BASE_BUF_INIT;
	va_list ap;
	char *text, *copy = NULL;

	if (it->failed)
		return;
	va_start(ap, fmt);
	base_buf_vprintf(&t, fmt, ap);
	va_end(ap);
	text = base_buf_take(&t);
	if (label != NULL)
		copy = strdup(label);
	if (text == NULL || (label != NULL && copy == NULL) ||
	    BASE_GROW(it->v, it->cap, it->n + 1) != 0) {
		free(text);
		free(copy);
		it->failed = 1;
		return;
	}
	it->v[it->n].kind = kind;
	it->v[it->n].label = copy;
	it->v[it->n].text = text;
	it->n++;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

char *
report_title(const ex_manifest *m)
{
	const char *ex = or_empty(m->bundle.exhibit_ref);
	const char *cs = or_empty(m->bundle.case_ref);
	size_t n = strlen(ex) + strlen(cs) + 64;
	char *t = malloc(n);

	if (t != NULL)
		snprintf(t, n, "CCTV evidence: exhibit %s, case %s", ex, cs);
	return t;
}

/* Who asked and why, and whether and how the pictures are redacted. */
static void
disclosure_facts(const ex_manifest_disclosure *d, report_items *it)
{
	if (!d->present)
		return;
	if (d->purpose != NULL)
		report_add(it, REPORT_FACT, "Released for", "%s", d->purpose);
	if (d->requester != NULL || d->requester_org != NULL)
		report_add(it, REPORT_FACT, "Released to", "%s%s%s",
		    or_empty(d->requester), d->requester != NULL &&
		    d->requester_org != NULL ? ", " : "",
		    or_empty(d->requester_org));
	if (d->masks_path != NULL && d->kind != NULL &&
	    strcmp(d->kind, "redacted") == 0)
		report_add(it, REPORT_FACT, "Redacted",
		    "Yes. The pictures in this bundle are redacted: %d "
		    "mask%s (areas blacked out or pixelated, to protect people "
		    "who are not part of the case) were drawn into every "
		    "working copy and still, under the burned-in camera and "
		    "time. The originals are NOT in this bundle. The masks are "
		    "listed in masks.xml (SHA-256 %s), and manifest.xml says "
		    "which masks each file carries.", d->nmasks,
		    d->nmasks == 1 ? "" : "s", d->masks_sha256);
	else if (d->masks_path != NULL)
		report_add(it, REPORT_FACT, "Redacted",
		    "The working copies and stills are redacted: %d mask%s "
		    "(areas blacked out or pixelated) were drawn into them, "
		    "under the burned-in camera and time. The originals "
		    "(masters) and native copies in this bundle are NOT "
		    "redacted. The masks are listed in masks.xml (SHA-256 %s), "
		    "and manifest.xml says which masks each file carries.",
		    d->nmasks, d->nmasks == 1 ? "" : "s", d->masks_sha256);
}

void
report_facts(const ex_manifest *m, report_items *it)
{
	const ex_manifest_bundle *b = &m->bundle;
	const ex_manifest_recorder *r = &m->recorder;
	const ex_manifest_request *q = &m->request;
	const char *zone = q->zone != NULL ? q->zone : EX_TIME_DEFAULT_ZONE;
	char l1[EX_TIME_BUFSZ], l2[EX_TIME_BUFSZ], u1[EX_TIME_BUFSZ],
	    u2[EX_TIME_BUFSZ], off[48];
	report_change ch;
	size_t i;

	report_add(it, REPORT_FACT, "Case", "%s", or_empty(b->case_ref));
	report_add(it, REPORT_FACT, "Exhibit", "%s",
	    or_empty(b->exhibit_ref));
	report_add(it, REPORT_FACT, "Exported by", "%s",
	    or_empty(b->operator_name));
	if (b->organisation != NULL)
		report_add(it, REPORT_FACT, "Organisation", "%s",
		    b->organisation);
	if (b->reason != NULL)
		report_add(it, REPORT_FACT, "Reason", "%s", b->reason);
	report_add(it, REPORT_FACT, "Exported at", "%s\nUTC %s",
	    report_local(b->export_time, zone, l1, sizeof(l1)),
	    report_utc(b->export_time, u1, sizeof(u1)));
	{
		base_buf rb = BASE_BUF_INIT;
		char *s = NULL;

		if (r->make != NULL || r->model != NULL) {
			base_buf_adds(&rb, or_empty(r->make));
			if (r->make != NULL && r->model != NULL)
				base_buf_adds(&rb, " ");
			base_buf_adds(&rb, or_empty(r->model));
		} else {
			base_buf_adds(&rb, "Not named by the archive");
		}
		if (r->serial != NULL)
			base_buf_printf(&rb, ", serial %s", r->serial);
		if (r->site != NULL)
			base_buf_printf(&rb, ", at %s", r->site);
		if (r->layout != NULL)
			base_buf_printf(&rb, " (%s archive)", r->layout);
		if ((s = base_buf_take(&rb)) == NULL) {
			it->failed = 1;
			return;
		}
		report_add(it, REPORT_FACT, "Recorder", "%s", s);
		free(s);
	}
	if (r->zone != NULL)
		report_add(it, REPORT_FACT, "Recorder time zone", "%s",
		    r->zone);
	report_format_offset(r->clock_offset_usec, off, sizeof(off));
	if (r->clock_offset_usec == 0)
		report_add(it, REPORT_FACT, "Clock offset",
		    "None (0 s): the recorder's clock was taken to be right, "
		    "so the times shown are the times the recorder wrote.");
	else
		report_add(it, REPORT_FACT, "Clock offset",
		    "%s applied: the recorder's clock was %s %s true time when "
		    "it was checked%s%s. Every time in this bundle, and the "
		    "time burned into the working copies, is the true time "
		    "(the recorder's reading %s %s); manifest.xml records "
		    "both.",
		    off, off + 1,
		    r->clock_offset_usec > 0 ? "ahead of" : "behind",
		    r->clock_offset_by != NULL ? ", by " : "",
		    or_empty(r->clock_offset_by),
		    r->clock_offset_usec > 0 ? "minus" : "plus", off + 1);
	if (r->clock_offset_note != NULL)
		report_add(it, REPORT_FACT, "Clock check", "%s",
		    r->clock_offset_note);
	{
		base_buf cb = BASE_BUF_INIT;
		char *s = NULL;

		for (i = 0; i < q->ncameras; i++)
			base_buf_printf(&cb, "%s%s", i > 0 ? ", " : "",
			    q->cameras[i]);
		if ((s = base_buf_take(&cb)) == NULL) {
			it->failed = 1;
			return;
		}
		report_add(it, REPORT_FACT, "Cameras", "%s", s);
		free(s);
	}
	report_add(it, REPORT_FACT, "Requested", "%s to %s\nUTC %s to %s",
	    report_local(q->from, zone, l1, sizeof(l1)),
	    report_local(q->to, zone, l2, sizeof(l2)),
	    report_utc(q->from, u1, sizeof(u1)),
	    report_utc(q->to, u2, sizeof(u2)));
	if (report_clock_change(q->from, q->to, zone, &ch)) {
		char len[64], not[128];

		report_format_duration(q->to - q->from, len, sizeof(len));
		/* Back: the end reads earlier than the start; forward: the
		 * clock faces differ by the change plus the length. */
		if (ch.after < ch.before)
			snprintf(not, sizeof(not), "before it");
		else
			snprintf(not, sizeof(not), "%s and %s after it",
			    ch.amount, len);
		report_add(it, REPORT_FACT, "Clock change",
		    "The clocks went %s "
		    "%s during the requested time: at %s %s (%s UTC) local "
		    "time became %s %s. Local times after that moment read %s "
		    "%s, so %s comes %s after %s, not %s. The requested time "
		    "lasts %s. UTC times (the world standard time, which has "
		    "no summer time) run straight on.", ch.direction,
		    ch.amount, ch.wall_before, ch.abbr_before, ch.wall_utc,
		    ch.wall_after, ch.abbr_after, ch.amount,
		    ch.after < ch.before ? "earlier" : "later",
		    report_local(q->to, zone, l2, sizeof(l2)), len,
		    report_local(q->from, zone, l1, sizeof(l1)), not, len);
	}
	report_add(it, REPORT_FACT, "Local times in", "%s", zone);
	disclosure_facts(&m->disclosure, it);
	report_add(it, REPORT_FACT, "Working copies",
	    "H.264 video in MP4 files "
	    "of up to %d s each, re-encoded at quality CRF %d (x264 preset %s; "
	    "see \"Words used here\")", q->segment_seconds, q->crf,
	    or_empty(q->preset));
	report_add(it, REPORT_FACT, "Exporter's key ID", "%s (compare it with "
	    "the key ID the control room gives you: see \"How to check this "
	    "evidence\")", or_empty(b->signer_key_id));
	report_add(it, REPORT_FACT, "Made with",
	    "%s %s", or_empty(b->tool_name),
	    or_empty(b->tool_version));
}

/* The container's own words: how to get at the bag root. */
static void
where_to_run(const ex_manifest *m, report_items *it, const char *top)
{
	const char *k = m->request.container != NULL ?
	    m->request.container : "zip";

	if (strcmp(k, "dir") == 0) {
		report_add(it, REPORT_PARA, NULL, "Run these in the bag root: "
		    "the bundle folder itself, which holds manifest-sha256.txt "
		    "and the data folder (where index.html and README.txt are; "
		    "from the data folder, the bag root is one folder up: "
		    "cd ..). If the folder was packed into a ZIP or other file "
		    "since, unpack it first.");
		return;
	}
	report_add(it, REPORT_PARA, NULL, "Unpack the bundle first: %s. That "
	    "gives one folder, %s: the bag root, which holds "
	    "manifest-sha256.txt and the data folder (where index.html and "
	    "README.txt are). Run these in the bag root (from the data "
	    "folder, that is one folder up: cd ..):",
	    strcmp(k, "tar") == 0 ? "tar -xf with the tar file's name" :
	    strcmp(k, "iso") == 0 ? "open the ISO image (or mount it, or "
	    "unpack it with 7z x or bsdtar -xf)" : "unzip with the ZIP "
	    "file's name, or open it and copy its folder out", top);
}

/* Items of fixed text. */
typedef struct fixed_item {
	report_kind kind;
	const char *text;
} fixed_item;

static void
add_fixed(report_items *it, const fixed_item *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		report_add(it, v[i].kind, NULL, "%s", v[i].text);
}

/* "How to check": with exhibit, then the heading of the standard tools. */
static const fixed_item with_exhibit[] = {
	{ REPORT_HEAD, "1. With exhibit" },
	{ REPORT_PARA, "Put the bundle you received (the ZIP, tar or ISO "
	    "file, or the folder) in place of BUNDLE:" },
	{ REPORT_CMD, "exhibit verify BUNDLE -p control-room.pub" },
	{ REPORT_PARA, "\"RESULT: PASS\" means every file is present and "
	    "unchanged, nothing was added, and the export was signed with "
	    "the control room's key. Custody events added later (for example "
	    "by the officer who received the bundle) are checked and listed "
	    "too; one signed by a key you did not give is shown as "
	    "unverified, which does not make the result FAIL. To check those "
	    "signers as well, get each one's public key from them in the same "
	    "way and add it with -p (OFFICER.pub here); --strict makes the "
	    "result FAIL unless every signer is checked:" },
	{ REPORT_CMD, "exhibit verify BUNDLE --strict -p control-room.pub "
	    "-p OFFICER.pub" },
	{ REPORT_PARA, "Any other result names the problem with each file." },
	{ REPORT_HEAD, "2. With sha256sum and minisign (free standard "
	    "tools)" },
};

/* The standard tools, after where to run them. */
static const fixed_item with_tools[] = {
	{ REPORT_CMD, "sha256sum -c manifest-sha256.txt" },
	{ REPORT_CMD, "sha256sum -c tagmanifest-sha256.txt" },
	{ REPORT_PARA, "Every line must end in OK: the files match the lists. "
	    "The lists are not signed themselves, so this alone does not show "
	    "who made them; the signatures do. Check manifest.xml, the signed "
	    "list of every file and its SHA-256, and any file you rely on, "
	    "with the control room's key:" },
	{ REPORT_CMD, "minisign -Vm manifest.xml -p control-room.pub" },
};

/* After the example of a file's signature check. */
static const fixed_item tools_end[] = {
	{ REPORT_PARA, "minisign must answer \"Signature and comment "
	    "signature verified\" and show the trusted comment, which names "
	    "the file, its SHA-256 and the exhibit; any other answer means the "
	    "file is not the one that was signed. Every file has its "
	    "signature beside it (the same name ending in .minisig), so any "
	    "file can be checked this way, also a clip handed on alone: put "
	    "its path in place of the example. The custody events are signed "
	    "inside custody.xml, which only exhibit checks." },
	{ REPORT_HEAD, "About the times" },
};

void
report_howto(const ex_manifest *m, report_items *it)
{
	const char *kid = or_empty(m->bundle.signer_key_id);
	const char *who = m->bundle.organisation != NULL ?
	    m->bundle.organisation : m->bundle.operator_name != NULL ?
	    m->bundle.operator_name : "the control room";
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;
	const char *first = NULL;
	char top[128];
	size_t c, f;

	for (c = 0; c < m->ncameras && first == NULL; c++)
		for (f = 0; f < m->cameras[c].nfiles && first == NULL; f++)
			if (m->cameras[c].files[f].role == EX_ROLE_WORKING)
				first = m->cameras[c].files[f].path;
	for (c = 0; c < m->ncameras && first == NULL; c++)
		if (m->cameras[c].nfiles > 0)
			first = m->cameras[c].files[0].path;
	ex_bundle_top_name(or_empty(m->bundle.exhibit_ref), top, sizeof(top));

	report_add(it, REPORT_HEAD, NULL, "First: the exporter's public key, "
	    "from outside the bundle");
	report_add(it, REPORT_PARA, NULL, "A signature proves who made a file "
	    "only when it is checked with a key you got from the control room "
	    "itself. Whoever could change the evidence could also change "
	    "anything inside the bundle: the copy of the key in "
	    "data/signer.pub, and the key ID on this page. So ask %s for its "
	    "public key by a route of its own: the key it publishes (on its "
	    "website or in a letter), a copy handed over on paper or on a "
	    "separate disk, or an e-mail confirmed by a phone call. Ask for "
	    "its key ID too: it must be %s, the key ID this bundle names. If "
	    "it is not, this bundle was not signed with the control room's "
	    "key.", who, kid);
	report_add(it, REPORT_PARA, NULL, "Save the key as a file, here called "
	    "control-room.pub. A key file is two lines: \"untrusted comment: "
	    "minisign public key\" and the key ID, then the key itself, a "
	    "line of 56 characters beginning RW; a key given on paper can be "
	    "typed into such a file.");

	add_fixed(it, with_exhibit, sizeof(with_exhibit) /
	    sizeof(with_exhibit[0]));
	where_to_run(m, it, top);
	add_fixed(it, with_tools, sizeof(with_tools) / sizeof(with_tools[0]));
	if (first != NULL)
		report_add(it, REPORT_CMD, NULL, "minisign -Vm %s -p "
		    "control-room.pub", first);
	add_fixed(it, tools_end, sizeof(tools_end) / sizeof(tools_end[0]));
	report_add(it, REPORT_PARA, NULL,
	    "Times are given in %s local time with "
	    "the zone's abbreviation (BST or GMT in the UK, for example), and "
	    "in UTC. When the clocks go back, an hour of local time happens "
	    "twice; the abbreviation and the UTC time tell the two apart, and "
	    "a range that spans a clock change says so and how long it "
	    "really lasts. A working copy shows the same time, to the "
	    "millisecond, burned into every frame.", zone);
	if (m->recorder.clock_offset_usec != 0) {
		char off[48];

		report_add(it, REPORT_PARA, NULL, "The recorder's clock was "
		    "found to be %s out (recorder minus true time). The times "
		    "here and in the pictures have been corrected for it, and "
		    "the working copies say so on screen.",
		    report_format_offset(m->recorder.clock_offset_usec,
		    off, sizeof(off)));
	}
}

void
report_howto_intro(const ex_manifest *m, report_items *it)
{
	report_add(it, REPORT_PARA, NULL, "Every file in this bundle has a "
	    "fingerprint (SHA-256) in the lists manifest.xml and "
	    "manifest-sha256.txt, and a signature made with the exporter's "
	    "key (key ID %s); manifest.xml is signed too. index.html and "
	    "README.txt are among those files, so a change to them is caught "
	    "like any other.",
	    or_empty(m->bundle.signer_key_id));
}

void
report_nocli(report_items *it)
{
	report_add(it, REPORT_PARA, NULL, "Open index.html (in this folder) in "
	    "a web browser such as Edge, Chrome or Firefox and use \"Check "
	    "files on this computer\": pick files of the bundle and the page "
	    "says whether each one matches the SHA-256 listed for it. Or "
	    "compute a file's SHA-256 with any tool (in Windows PowerShell: "
	    "Get-FileHash FILE; on a Mac, in Terminal: shasum -a 256 FILE) and "
	    "compare it with the SHA-256 listed for that file above.");
	report_add(it, REPORT_PARA, NULL, "%s", report_filecheck_limits());
}

const char *
report_filecheck_limits(void)
{
	return "A match shows that your file is, byte for byte, the file "
	    "this page lists. It does not show who made the page: someone "
	    "who replaced a clip could have replaced the page too. Only a "
	    "signature check with the key the control room gave you (below) "
	    "shows that the bundle is the control room's.";
}

/* Does any file of m have a stream of codec (NULL: any), or, when sig,
 * one with in-stream signatures? */
static int
any_stream(const ex_manifest *m, const char *codec, int sig)
{
	size_t c, f, s;

	for (c = 0; c < m->ncameras; c++)
		for (f = 0; f < m->cameras[c].nfiles; f++) {
			const ex_manifest_file *mf = &m->cameras[c].files[f];

			for (s = 0; s < mf->nstreams; s++) {
				const ex_manifest_stream *st = &mf->streams[s];

				if (sig ? st->signatures != NULL :
				    codec == NULL || (st->codec != NULL &&
				    strcmp(st->codec, codec) == 0))
					return 1;
			}
		}
	return 0;
}

/* When a word of the glossary is explained. */
enum word_when {
	ALWAYS,
	IF_AAC,                 /* a stream is AAC */
	IF_LONDON,              /* the request's zone is Europe/London */
	IF_SIGNED,              /* a stream carries the camera's signature */
	IF_G711,                /* a stream is G.711 (A-law or mu-law) */
	IF_STREAMS,             /* any file has stream records */
	CRF                     /* always; the term is "CRF <n>" */
};

static const struct {
	enum word_when when;
	const char *term, *text;
} words[] = {
	{ IF_AAC, "AAC", "The usual sound format of MP4 files, which every "
	    "ordinary video player plays." },
	{ ALWAYS, "Bag root", "The top folder of the bundle, which holds "
	    "manifest-sha256.txt and the data folder (the bundle follows "
	    "BagIt, a standard for packing files with their checksums; a "
	    "bundle is a \"bag\")." },
	{ IF_LONDON, "BST, GMT", "British Summer Time (UTC+1, from late March "
	    "to late October) and Greenwich Mean Time (UTC+0, the rest of the "
	    "year): the local time in the UK." },
	{ ALWAYS, "Burn-in", "The date, time and camera written into every "
	    "picture of a working copy, so they stay with the picture "
	    "whatever plays it." },
	{ IF_SIGNED, "Camera's signature", "Some cameras sign their video as "
	    "they record it, inside the video itself (Axis Signed Video, "
	    "ONVIF Media Signing). The camera maker's tools check such a "
	    "signature: it shows the pictures are the ones the camera made. "
	    "Only an untouched copy keeps it; re-encoding removes it." },
	{ ALWAYS, "Clock change", "When the clocks go back (for the end of "
	    "summer time) an hour of local time happens twice; when they go "
	    "forward, an hour is skipped." },
	{ CRF, NULL, "The working copies' quality setting (Constant Rate "
	    "Factor): lower is better; around 18 the picture looks the same "
	    "as the original." },
	{ ALWAYS, "Custody event", "An entry in the custody log saying who "
	    "received, copied or handed on the evidence, and when, signed "
	    "with that person's own key." },
	{ ALWAYS, "Damaged segment", "A recorder file that was cut short or "
	    "is partly unreadable (recorders can fail mid-write); what could "
	    "be recovered is in the bundle, what could not is named." },
	{ IF_G711, "G.711", "The sound format of telephones, common on IP "
	    "cameras (A-law in most of the world, \xce\xbc-law in North "
	    "America and Japan). MP4 files cannot hold it as recorded, so a "
	    "working copy has the sound as AAC." },
	{ ALWAYS, "Key ID", "The 16-character name of a key (letters A-F and "
	    "digits); a signature names the key ID that made it." },
	{ ALWAYS, "Keyframe", "A complete picture. The pictures between "
	    "keyframes record only what changed, so a copy that is not "
	    "re-encoded can only start on a keyframe." },
	{ ALWAYS, "Master", "An original recorder file, copied bit for bit. "
	    "It is whole, so it usually starts before and ends after the "
	    "requested time." },
	{ ALWAYS, "Native copy", "The requested time cut from the original "
	    "recording without re-encoding: every picture is exactly as the "
	    "camera recorded it. It starts on a keyframe." },
	{ ALWAYS, "No recording (gap)", "A stretch of the requested time for "
	    "which the recorder holds no footage of that camera." },
	{ ALWAYS, "Public key", "The half of a key pair that anyone may have: "
	    "it checks signatures but cannot make them. Get it from its "
	    "owner, not from the bundle." },
	{ ALWAYS, "Re-encoding", "Compressing the pictures again, as a "
	    "working copy is: it looks the same, but it is not the original "
	    "bit for bit (the master and native copy are)." },
	{ ALWAYS, "SHA-256", "A fingerprint of a file: 64 characters computed "
	    "from its contents. Changing even one bit of the file changes it "
	    "completely." },
	{ ALWAYS, "Signature", "A code that only the holder of a secret key "
	    "can make for a file; anyone with the matching public key can "
	    "check it. Each file's is in the .minisig file beside it." },
	{ IF_STREAMS, "Stream", "One track of a video file: the picture, the "
	    "sound, the camera's timecode or other data. Each file's entry "
	    "here lists the streams it keeps and any it leaves out, and why." },
	{ ALWAYS, "UTC", "Coordinated Universal Time, the world standard "
	    "time. It has no summer time, so UTC times always run in order." },
	{ ALWAYS, "Working copy", "A copy to play in any ordinary video "
	    "player (H.264 video in an MP4 file), re-encoded with the burn-in, "
	    "starting and ending at the requested times." },
};

static int
word_applies(const ex_manifest *m, enum word_when when)
{
	const char *zone = m->request.zone != NULL ? m->request.zone :
	    EX_TIME_DEFAULT_ZONE;

	switch (when) {
	case IF_AAC:
		return any_stream(m, "aac", 0);
	case IF_LONDON:
		return strcmp(zone, "Europe/London") == 0;
	case IF_SIGNED:
		return any_stream(m, NULL, 1);
	case IF_G711:
		return any_stream(m, "pcm_alaw", 0) ||
		    any_stream(m, "pcm_mulaw", 0);
	case IF_STREAMS:
		return any_stream(m, NULL, 0);
	default:
		return 1;
	}
}

void
report_glossary(const ex_manifest *m, report_items *it)
{
	char crf[32];
	size_t i;

	snprintf(crf, sizeof(crf), "CRF %d", m->request.crf);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (word_applies(m, words[i].when))
			report_add(it, REPORT_FACT, words[i].when == CRF ? crf :
			    words[i].term, "%s", words[i].text);
}

/* A span for a sentence: "1 second". */
static const char *
span_words(int64_t usec, char *buf, size_t size)
{
	return report_format_duration(usec, buf, size);
}

void
report_camera_notes(const ex_manifest_camera *cam, const char *zone,
    report_items *it)
{
	const ex_manifest_range *q = &cam->requested;
	char l[EX_TIME_BUFSZ], d1[64], d2[64];
	size_t i;

	if (q->from == EX_INSTANT_NONE || q->to == EX_INSTANT_NONE)
		return;
	for (i = 0; i < cam->ncoverage; i++) {
		const ex_manifest_coverage *cv = &cam->coverage[i];

		if (cv->from == EX_INSTANT_NONE || cv->to == EX_INSTANT_NONE)
			continue;
		if (cv->role == EX_ROLE_NATIVE && cv->from < q->from)
			report_add(it, REPORT_PARA, NULL,
			    "The native copy starts "
			    "at %s, %s before the requested start. A copy "
			    "made without re-encoding can only begin on a "
			    "keyframe (a complete picture; the pictures in "
			    "between record only what changed), so it begins "
			    "at the last keyframe before the requested time. "
			    "The working copy starts exactly at the requested "
			    "time.", report_local(cv->from, zone, l,
			    sizeof(l)), span_words(q->from - cv->from, d1,
			    sizeof(d1)));
		if (cv->role == EX_ROLE_MASTER && (cv->from < q->from ||
		    cv->to > q->to)) {
			if (cv->from < q->from && cv->to > q->to)
				report_add(it, REPORT_PARA, NULL,
				    "The original "
				    "files are whole recorder files, so "
				    "together they start %s before and end %s "
				    "after the requested time.", span_words(
				    q->from - cv->from, d1, sizeof(d1)),
				    span_words(cv->to - q->to, d2,
				    sizeof(d2)));
			else if (cv->from < q->from)
				report_add(it, REPORT_PARA, NULL,
				    "The original "
				    "files are whole recorder files, so they "
				    "start %s before the requested time.",
				    span_words(q->from - cv->from, d1,
				    sizeof(d1)));
			else
				report_add(it, REPORT_PARA, NULL,
				    "The original "
				    "files are whole recorder files, so they "
				    "end %s after the requested time.",
				    span_words(cv->to - q->to, d2,
				    sizeof(d2)));
		}
	}
}

ex_status
report_content_make(const ex_manifest *m, report_content *rc,
    ex_error *err)
{
	memset(rc, 0, sizeof(*rc));
	rc->title = report_title(m);
	report_facts(m, &rc->facts);
	report_howto_intro(m, &rc->intro);
	report_howto(m, &rc->howto);
	report_nocli(&rc->nocli);
	report_glossary(m, &rc->words);
	if (rc->title == NULL || rc->facts.failed || rc->intro.failed ||
	    rc->howto.failed || rc->nocli.failed || rc->words.failed) {
		report_content_free(rc);
		return base_nomem(err);
	}
	return EX_OK;
}

void
report_content_free(report_content *rc)
{
	if (rc == NULL)
		return;
	free(rc->title);
	report_items_free(&rc->facts);
	report_items_free(&rc->intro);
	report_items_free(&rc->howto);
	report_items_free(&rc->nocli);
	report_items_free(&rc->words);
	rc->title = NULL;
}

const report_role_words *
report_role(ex_manifest_role role)
{
	static const struct {
		ex_manifest_role role;
		report_role_words w;
	} tab[] = {
		{ EX_ROLE_MASTER, { "Original files", "Master: the original "
		    "recorder file, bit for bit", "original recorder file, bit "
		    "for bit" } },
		{ EX_ROLE_NATIVE, { "Native copies", "Native copy: cut without "
		    "re-encoding", "cut without re-encoding" } },
		{ EX_ROLE_WORKING, { "Working copies", "File", "working copy, "
		    "plays in any video player" } },
		{ EX_ROLE_STILL, { "Files", "Still picture",
		    "still picture" } },
	};
	static const report_role_words other = { "Files", "File", "file" };
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].role == role)
			return &tab[i].w;
	return &other;
}

const char *
report_custody_intro(void)
{
	return "The custody log (custody.xml) records who has held this "
	    "evidence. Event 1 is the export; everyone who later receives, "
	    "copies or hands on the bundle adds an event signed with their "
	    "own key and chained to the one before, so no event can be "
	    "changed or removed unnoticed. This page lists the events known "
	    "when it was made; \"exhibit custody show BUNDLE\" lists them "
	    "all.";
}
