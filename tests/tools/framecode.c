/*
 * framecode — read the frame code band of test footage (a check program
 * for the tests; see samples/README.md for the band's layout).
 *
 *   framecode [--band-rows N] [--stats] FILE
 *
 * Decodes the first video stream of FILE and, for every decoded frame in
 * presentation order, prints
 *
 *   <frame number> <pts in seconds, 6 decimals, or -> <frame code>
 *
 * The band is the bottom H/12 rows (or N rows) of the picture, split into
 * 20 equal blocks; block i (0 = leftmost) is bit 19 - i of the code.  A
 * block reads as 1 when the average luma of its middle area (the middle
 * half of its width and of the band's height) is at least 128 on an 8-bit
 * scale.
 *
 * --stats prints, instead of the per-frame lines, one line per break in
 * the sequence ("break: frame F code C after P") and then
 *
 *   first=C last=C count=N first_pts=S last_pts=S consecutive=yes|no
 *
 * Exit status: 0 success; 1 with --stats when no frame was decoded or the
 * codes are not consecutive (each one more than the last); 2 usage error
 * or a file that cannot be opened or decoded at all.  Packets that fail to
 * decode are reported on stderr and skipped, so damaged files still show
 * what survived.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>

#define BLOCKS 20

typedef struct fc_options {
	const char *path;
	int band_rows;     /* 0: height / 12 */
	int stats;
} fc_options;

typedef struct fc_state {
	const fc_options *opts;
	AVRational time_base;
	int64_t frames;    /* frames decoded so far */
	long first, prev;
	double first_pts, last_pts;
	int64_t breaks;
	uint16_t *line[3]; /* one picture row per component read */
	int line_width;
} fc_state;

static void
usage(FILE *f)
{
	fprintf(f, "Usage: framecode [--band-rows N] [--stats] FILE\n");
}

/* Parse argv into opts.  Returns 0, 1 for --help, -1 on a usage error. */
static int
parse_args(int argc, char **argv, fc_options *opts)
{
	int i;

	memset(opts, 0, sizeof(*opts));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stats") == 0) {
			opts->stats = 1;
		} else if (strcmp(argv[i], "--band-rows") == 0 && i + 1 < argc) {
			char *end;
			long v;

			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || v < 1 || v > 65536) {
				fprintf(stderr, "framecode: bad --band-rows '%s'\n",
				    argv[i]);
				return -1;
			}
			opts->band_rows = (int)v;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "framecode: unknown option '%s'\n", argv[i]);
			return -1;
		} else if (opts->path == NULL) {
			opts->path = argv[i];
		} else {
			fprintf(stderr, "framecode: more than one FILE\n");
			return -1;
		}
	}
	if (opts->path == NULL) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Scale a component value of the given bit depth to 0..255. */
static double
to8(unsigned v, int depth)
{
	return (double)v * 255.0 / (double)((1u << depth) - 1);
}

/*
 * Read the frame code of one picture.  Works for any pixel format that
 * libavutil describes: luma for YUV and grey formats, a weighted sum of
 * R, G and B (BT.601 weights) for RGB and palette formats.  Returns the
 * code, or -1 if the picture is too small to hold a band.
 */
static long
read_code(fc_state *st, const AVFrame *frame)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
	double sum[BLOCKS] = { 0 };
	int64_t n[BLOCKS] = { 0 };
	int w = frame->width, h = frame->height;
	int rows, y0, y1, y, i, c, ncomp, rgb, pal, depth[3];
	long code = 0;

	if (desc == NULL || desc->flags & AV_PIX_FMT_FLAG_HWACCEL)
		return -1;
	rows = st->opts->band_rows > 0 ? st->opts->band_rows : h / 12;
	if (w < BLOCKS || rows < 1 || rows > h)
		return -1;
	pal = (desc->flags & AV_PIX_FMT_FLAG_PAL) != 0;
	rgb = !pal && (desc->flags & AV_PIX_FMT_FLAG_RGB) != 0;
	ncomp = rgb ? 3 : 1;
	for (c = 0; c < 3; c++)
		depth[c] = desc->comp[c].depth;
	if (st->line_width < w) {
		for (c = 0; c < 3; c++) {
			av_freep(&st->line[c]);
			st->line[c] = av_malloc_array((size_t)w, sizeof(uint16_t));
			if (st->line[c] == NULL)
				return -1;
		}
		st->line_width = w;
	}
	/* The middle half of the band's rows (at least one row). */
	y0 = h - rows + rows / 4;
	y1 = h - rows / 4;
	if (y1 <= y0)
		y1 = y0 + 1;
	for (y = y0; y < y1; y++) {
		for (c = 0; c < ncomp; c++)
			av_read_image_line2(st->line[c],
			    (const uint8_t **)frame->data, frame->linesize,
			    desc, 0, y, c, w, 0, 2);
		for (i = 0; i < BLOCKS; i++) {
			int bx0 = (int)((int64_t)i * w / BLOCKS);
			int bx1 = (int)((int64_t)(i + 1) * w / BLOCKS);
			int bw = bx1 - bx0, x, xa = bx0 + bw / 4, xb = bx1 - bw / 4;

			if (xb <= xa)
				xb = xa + 1;
			for (x = xa; x < xb; x++) {
				double v;

				if (pal) {
					/* An index into 32-bit ARGB entries. */
					uint32_t e = ((const uint32_t *)
					    frame->data[1])[st->line[0][x] & 0xff];

					v = 0.299 * (double)(e >> 16 & 0xff) +
					    0.587 * (double)(e >> 8 & 0xff) +
					    0.114 * (double)(e & 0xff);
				} else if (rgb) {
					v = 0.299 * to8(st->line[0][x], depth[0]) +
					    0.587 * to8(st->line[1][x], depth[1]) +
					    0.114 * to8(st->line[2][x], depth[2]);
				} else {
					v = to8(st->line[0][x], depth[0]);
				}
				sum[i] += v;
				n[i]++;
			}
		}
	}
	for (i = 0; i < BLOCKS; i++) {
		code <<= 1;
		if (n[i] > 0 && sum[i] / (double)n[i] >= 128.0)
			code |= 1;
	}
	return code;
}

static void
got_frame(fc_state *st, const AVFrame *frame)
{
	int64_t ts = frame->best_effort_timestamp;
	double pts = ts == AV_NOPTS_VALUE ? 0.0 : (double)ts * av_q2d(st->time_base);
	long code = read_code(st, frame);
	int64_t no = st->frames++;

	if (!st->opts->stats) {
		if (ts == AV_NOPTS_VALUE)
			printf("%" PRId64 " - %ld\n", no, code);
		else
			printf("%" PRId64 " %.6f %ld\n", no, pts, code);
		return;
	}
	if (no == 0) {
		st->first = code;
		st->first_pts = pts;
	} else if (code != st->prev + 1 || code < 0) {
		st->breaks++;
		printf("break: frame %" PRId64 " code %ld after %ld\n", no,
		    code, st->prev);
	}
	st->prev = code;
	st->last_pts = pts;
}

/* Drain every frame the decoder has ready.  Returns 0, or an AVERROR
 * other than EAGAIN/EOF. */
static int
drain(fc_state *st, AVCodecContext *dec, AVFrame *frame)
{
	int ret;

	for (;;) {
		ret = avcodec_receive_frame(dec, frame);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return 0;
		if (ret < 0)
			return ret;
		got_frame(st, frame);
		av_frame_unref(frame);
	}
}

static void
report(const char *path, const char *what, int ret)
{
	char buf[AV_ERROR_MAX_STRING_SIZE];

	av_strerror(ret, buf, sizeof(buf));
	fprintf(stderr, "framecode: %s: %s: %s\n", path, what, buf);
}

int
main(int argc, char **argv)
{
	fc_options opts;
	fc_state st;
	AVFormatContext *fmt = NULL;
	AVCodecContext *dec = NULL;
	AVPacket *pkt = NULL;
	AVFrame *frame = NULL;
	const AVCodec *codec;
	unsigned si;
	int ret, status = 2, vs = -1, c;

	memset(&st, 0, sizeof(st));
	if ((ret = parse_args(argc, argv, &opts)) != 0)
		return ret > 0 ? 0 : 2;
	st.opts = &opts;
	av_log_set_level(AV_LOG_ERROR);

	if ((ret = avformat_open_input(&fmt, opts.path, NULL, NULL)) < 0) {
		report(opts.path, "cannot open", ret);
		goto out;
	}
	if ((ret = avformat_find_stream_info(fmt, NULL)) < 0) {
		report(opts.path, "cannot read stream info", ret);
		goto out;
	}
	for (si = 0; si < fmt->nb_streams; si++) {
		if (fmt->streams[si]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
			vs = (int)si;
			break;
		}
	}
	if (vs < 0) {
		fprintf(stderr, "framecode: %s: no video stream\n", opts.path);
		goto out;
	}
	codec = avcodec_find_decoder(fmt->streams[vs]->codecpar->codec_id);
	if (codec == NULL) {
		fprintf(stderr, "framecode: %s: no decoder for %s\n", opts.path,
		    avcodec_get_name(fmt->streams[vs]->codecpar->codec_id));
		goto out;
	}
	dec = avcodec_alloc_context3(codec);
	pkt = av_packet_alloc();
	frame = av_frame_alloc();
	if (dec == NULL || pkt == NULL || frame == NULL) {
		fprintf(stderr, "framecode: out of memory\n");
		goto out;
	}
	if ((ret = avcodec_parameters_to_context(dec,
	    fmt->streams[vs]->codecpar)) < 0 ||
	    (ret = avcodec_open2(dec, codec, NULL)) < 0) {
		report(opts.path, "cannot open decoder", ret);
		goto out;
	}
	st.time_base = fmt->streams[vs]->time_base;

	for (;;) {
		ret = av_read_frame(fmt, pkt);
		if (ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			/* A read error ends the file like EOF: keep what decoded. */
			report(opts.path, "read", ret);
			break;
		}
		if (pkt->stream_index == vs) {
			ret = avcodec_send_packet(dec, pkt);
			if (ret < 0 && ret != AVERROR(EAGAIN))
				report(opts.path, "decode (packet skipped)", ret);
			else if ((ret = drain(&st, dec, frame)) < 0)
				report(opts.path, "decode", ret);
		}
		av_packet_unref(pkt);
	}
	if ((ret = avcodec_send_packet(dec, NULL)) < 0 ||
	    (ret = drain(&st, dec, frame)) < 0)
		report(opts.path, "decode (flush)", ret);

	status = 0;
	if (opts.stats) {
		if (st.frames == 0) {
			printf("first=- last=- count=0 first_pts=- last_pts=- "
			    "consecutive=no\n");
			status = 1;
		} else {
			printf("first=%ld last=%ld count=%" PRId64
			    " first_pts=%.6f last_pts=%.6f consecutive=%s\n",
			    st.first, st.prev, st.frames, st.first_pts,
			    st.last_pts, st.breaks == 0 ? "yes" : "no");
			status = st.breaks == 0 ? 0 : 1;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "framecode: write error\n");
		status = 2;
	}
out:
	for (c = 0; c < 3; c++)
		av_freep(&st.line[c]);
	av_frame_free(&frame);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	avformat_close_input(&fmt);
	return status;
}
