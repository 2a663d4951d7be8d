/*
 * streams.c — what one file holds, in words: its sound (kept, re-encoded
 * or left out and why), the streams a native copy or master keeps or
 * leaves out, and the camera's own signature in the video, as facts for
 * the file's entry on both pages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "report/report_private.h"

/* A codec in plain words ("G.711 A-law", "AAC"); else FFmpeg's name. */
static const char *
codec_words(const char *codec)
{
	static const struct {
		const char *name, *words;
	} tab[] = {
		{ "aac", "AAC" }, { "pcm_alaw", "G.711 A-law" },
		{ "pcm_mulaw", "G.711 \xce\xbc-law" }, { "mp3", "MP3" },
		{ "opus", "Opus" }, { "ac3", "AC-3" }, { "eac3", "E-AC-3" },
		{ "adpcm_g726", "G.726" }, { "adpcm_g726le", "G.726" },
		{ "g722", "G.722" }, { "h264", "H.264" }, { "hevc", "H.265" },
		{ "mjpeg", "Motion JPEG" }, { "mpeg4", "MPEG-4" },
		{ "mpeg2video", "MPEG-2" }, { "tmcd", "timecode" },
		{ "mov_text", "text" },
	};
	size_t i;

	if (codec == NULL)
		return NULL;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(codec, tab[i].name) == 0)
			return tab[i].words;
	if (strncmp(codec, "pcm_", 4) == 0)
		return "uncompressed PCM";
	return codec;
}

/* "the camera's sound (G.711 A-law)" into buf. */
static const char *
stream_words(const char *type, const char *codec, char *buf, size_t size)
{
	const char *cw = codec_words(codec);
	const char *what = type == NULL ? "a stream" :
	    strcmp(type, "video") == 0 ? "the camera's picture" :
	    strcmp(type, "audio") == 0 ? "the camera's sound" :
	    strcmp(type, "subtitle") == 0 ? "a text track" :
	    strcmp(type, "attachment") == 0 ? "an attached file" :
	    codec != NULL && (strcmp(codec, "tmcd") == 0 ||
	    strcmp(codec, "timecode") == 0) ? "the camera's timecode" :
	    "a data track";

	if (cw != NULL && strcmp(cw, "timecode") != 0)
		snprintf(buf, size, "%s (%s)", what, cw);
	else
		snprintf(buf, size, "%s", what);
	return buf;
}

/* The file of camera c of `role` made from the same recorder file as f
 * (a master: that file itself), or NULL. */
static const ex_manifest_file *
sibling(const ex_manifest_camera *c, const ex_manifest_file *f,
    ex_manifest_role role)
{
	const char *src = f->nderived_from > 0 ? f->derived_from[0] : NULL;
	size_t i;

	if (src == NULL)
		return NULL;
	for (i = 0; i < c->nfiles; i++) {
		const ex_manifest_file *g = &c->files[i];

		if (g->role != role || g == f)
			continue;
		if (role == EX_ROLE_MASTER && g->source_path != NULL &&
		    strcmp(g->source_path, src) == 0)
			return g;
		if (role != EX_ROLE_MASTER && g->nderived_from > 0 &&
		    strcmp(g->derived_from[0], src) == 0)
			return g;
	}
	return NULL;
}

/* The codec of source stream `source_index` of f's recorder file, from
 * its master or its native copy; NULL when neither says. */
static const char *
source_codec(const ex_manifest_camera *c, const ex_manifest_file *f,
    int source_index)
{
	const ex_manifest_file *g;
	size_t i;

	if (source_index < 0)
		return NULL;
	if ((g = sibling(c, f, EX_ROLE_MASTER)) != NULL)
		for (i = 0; i < g->nstreams; i++)
			if (g->streams[i].index == source_index)
				return g->streams[i].codec;
	if ((g = sibling(c, f, EX_ROLE_NATIVE)) != NULL)
		for (i = 0; i < g->nstreams; i++)
			if (g->streams[i].source_index == source_index)
				return g->streams[i].codec;
	return NULL;
}

/* The in-stream signatures of a file's video (NULL: none). */
static const char *
video_signatures(const ex_manifest_file *f)
{
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->nstreams; i++)
		if (f->streams[i].signatures != NULL &&
		    f->streams[i].signatures[0] != '\0')
			return f->streams[i].signatures;
	return NULL;
}

/* "Axis Signed Video and ONVIF Media Signing" for the tokens. */
static void
signature_words(const char *tokens, base_buf *b)
{
	const char *p = tokens, *q;
	int first = 1;

	while (*p != '\0') {
		size_t n;

		while (*p == ' ')
			p++;
		for (q = p; *q != '\0' && *q != ' '; q++)
			;
		n = (size_t)(q - p);
		if (n == 0)
			break;
		if (!first)
			base_buf_adds(b, " and ");
		first = 0;
		if (n == 17 && strncmp(p, "axis-signed-video", n) == 0)
			base_buf_adds(b, "Axis Signed Video");
		else if (n == 19 && strncmp(p, "onvif-media-signing", n) == 0)
			base_buf_adds(b, "ONVIF Media Signing");
		else
			base_buf_add(b, p, n);
		p = q;
	}
}

void
report_file_streams(const ex_manifest_camera *c,
    const ex_manifest_file *f, report_items *it)
{
	const ex_manifest_stream *sound = NULL, *gone = NULL;
	const char *sigs;
	char w[160];
	size_t i;

	if (f->nstreams == 0 || f->role == EX_ROLE_STILL)
		return;
	for (i = 0; i < f->nstreams; i++) {
		const ex_manifest_stream *s = &f->streams[i];

		if (s->type == NULL || strcmp(s->type, "audio") != 0)
			continue;
		if (s->fate == EX_FATE_LEFT_OUT) {
			if (gone == NULL)
				gone = s;
		} else if (sound == NULL) {
			sound = s;
		}
	}
	if (sound != NULL) {
		const char *from = sound->fate == EX_FATE_REENCODED ?
		    source_codec(c, f, sound->source_index) : sound->codec;

		stream_words("audio", from, w, sizeof(w));
		report_add(it, REPORT_FACT, "Sound",
		    "yes \xe2\x80\x94 %s, %s%s",
		    w, sound->fate == EX_FATE_REENCODED ? "re-encoded as " :
		    sound->fate == EX_FATE_KEPT ? "kept as recorded" :
		    "as recorded", sound->fate == EX_FATE_REENCODED &&
		    sound->codec != NULL ? codec_words(sound->codec) : "");
	} else if (gone != NULL) {
		if (f->role != EX_ROLE_WORKING)
			report_add(it, REPORT_FACT, "Sound", "not in this copy "
			    "(see Left out)");
		else
			report_add(it, REPORT_FACT, "Sound",
			    "not in this copy: "
			    "%s is left out: %s", stream_words("audio",
			    gone->codec, w, sizeof(w)), gone->reason != NULL ?
			    gone->reason : "it cannot be carried");
	} else {
		report_add(it, REPORT_FACT, "Sound", "none recorded");
	}

	if (f->role != EX_ROLE_WORKING) {
		base_buf b = BASE_BUF_INIT;
		char *kept = NULL;
		int n = 0;

		for (i = 0; i < f->nstreams; i++) {
			const ex_manifest_stream *s = &f->streams[i];

			if (s->fate != EX_FATE_KEPT &&
			    s->fate != EX_FATE_RECORDED)
				continue;
			base_buf_adds(&b, n++ > 0 ? ", " : "");
			base_buf_adds(&b, stream_words(s->type, s->codec,
			    w, sizeof(w)));
		}
		if (n > 0 && (kept = base_buf_take(&b)) == NULL)
			it->failed = 1;
		base_buf_free(&b);
		if (kept != NULL)
			report_add(it, REPORT_FACT, "Kept", "%s: %s", f->role ==
			    EX_ROLE_MASTER ? "every stream, as the camera "
			    "recorded it" : "as the camera recorded them, "
			    "packet for packet", kept);
		free(kept);
		for (i = 0; i < f->nstreams; i++) {
			const ex_manifest_stream *s = &f->streams[i];

			if (s->fate != EX_FATE_LEFT_OUT)
				continue;
			report_add(it, REPORT_FACT, "Left out", "%s is not in "
			    "this copy: %s", stream_words(s->type, s->codec, w,
			    sizeof(w)), s->reason != NULL ? s->reason :
			    "it cannot be carried");
		}
	}

	sigs = video_signatures(f);
	if (sigs == NULL && f->role == EX_ROLE_WORKING) {
		sigs = video_signatures(sibling(c, f, EX_ROLE_MASTER));
		if (sigs == NULL)
			sigs = video_signatures(sibling(c, f,
			    EX_ROLE_NATIVE));
	}
	if (sigs != NULL) {
		base_buf b = BASE_BUF_INIT;
		char *names = NULL;

		signature_words(sigs, &b);
		if ((names = base_buf_take(&b)) == NULL)
			it->failed = 1;
		else
			report_add(it, REPORT_FACT, "Camera's signature",
			    "The camera signed its video (%s). %s", names,
			    f->role == EX_ROLE_MASTER ? "This original file "
			    "holds those signatures as recorded, and they can "
			    "be checked with the camera maker's tools." :
			    "The native copy keeps those signatures byte for "
			    "byte, and they can be checked with the camera "
			    "maker's tools; the working copy (re-encoded) does "
			    "not carry them.");
		free(names);
	}
}
