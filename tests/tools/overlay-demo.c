/*
 * overlay-demo — render the burn-in on a sample frame and write a PPM
 * image, so a person can look at it (ffmpeg -i out.ppm out.png).
 *
 *   overlay-demo WIDTH HEIGHT OUT.ppm [LINE...]
 *
 * The frame is yuv420p with a bright, busy synthetic background (the
 * worst case for legibility); it is converted to RGB with swscale only
 * for writing the image.  Also prints the time one draw takes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libavutil/frame.h>
#include <libswscale/swscale.h>

#include "exhibit/overlay.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
background(AVFrame *f)
{
	int x, y;

	for (y = 0; y < f->height; y++)
		for (x = 0; x < f->width; x++)
			f->data[0][y * f->linesize[0] + x] = (uint8_t)(60 +
			    (x * 150 / f->width + y * 40 / f->height +
			    ((x / 8 + y / 8) % 2) * 25) % 176);
	for (y = 0; y < (f->height + 1) / 2; y++)
		for (x = 0; x < (f->width + 1) / 2; x++) {
			f->data[1][y * f->linesize[1] + x] =
			    (uint8_t)(90 + x * 80 / (f->width / 2 + 1));
			f->data[2][y * f->linesize[2] + x] =
			    (uint8_t)(170 - y * 80 / (f->height / 2 + 1));
		}
}

int
main(int argc, char **argv)
{
	static const char *const sample[] = {
		"CAM03 High St / Market Sq  (clock +2.5 s corrected)",
		"2024-10-27 01:59:59.960 BST  Caf\xc3\xa9 N\xc2\xb0 7 \xc3\x85\xc3\x96\xc3\x9c",
	};
	const char *const *lines = sample;
	int nlines = 2, w, h, i, reps = 200, rc = 2;
	ex_overlay *ov = NULL;
	AVFrame *f = NULL;
	struct SwsContext *sws = NULL;
	uint8_t *rgb = NULL;
	ex_error err;
	FILE *fp = NULL;
	double t0, t1;

	if (argc < 4) {
		fprintf(stderr, "usage: overlay-demo WIDTH HEIGHT OUT.ppm "
		    "[LINE...]\n");
		return 2;
	}
	w = atoi(argv[1]);
	h = atoi(argv[2]);
	if (argc > 4) {
		lines = (const char *const *)(argv + 4);
		nlines = argc - 4;
	}
	f = av_frame_alloc();
	if (f == NULL)
		goto out;
	f->width = w;
	f->height = h;
	f->format = AV_PIX_FMT_YUV420P;
	if (w <= 0 || h <= 0 || av_frame_get_buffer(f, 0) < 0) {
		fprintf(stderr, "overlay-demo: bad size %dx%d\n", w, h);
		goto out;
	}
	if (ex_overlay_new(w, h, AV_PIX_FMT_YUV420P, &ov, &err) != EX_OK) {
		fprintf(stderr, "overlay-demo: %s\n", err.message);
		goto out;
	}
	background(f);
	t0 = now();
	for (i = 0; i < reps; i++)
		if (ex_overlay_draw(ov, f, lines, nlines, &err) != EX_OK) {
			fprintf(stderr, "overlay-demo: %s\n", err.message);
			goto out;
		}
	t1 = now();
	{
		int cw, ch;

		ex_overlay_cell_size(ov, &cw, &ch);
		printf("%dx%d: cell %dx%d, box %dx%d, %.1f us per draw\n", w,
		    h, cw, ch, ex_overlay_box_width(ov, lines, nlines),
		    ex_overlay_box_height(ov, nlines),
		    (t1 - t0) / reps * 1e6);
	}

	rgb = malloc((size_t)w * (size_t)h * 3);
	sws = sws_getContext(w, h, AV_PIX_FMT_YUV420P, w, h, AV_PIX_FMT_RGB24,
	    SWS_BICUBIC | SWS_ACCURATE_RND, NULL, NULL, NULL);
	if (rgb == NULL || sws == NULL)
		goto out;
	{
		uint8_t *dst[4] = { rgb, NULL, NULL, NULL };
		int dls[4] = { w * 3, 0, 0, 0 };

		sws_scale(sws, (const uint8_t *const *)f->data, f->linesize,
		    0, h, dst, dls);
	}
	fp = fopen(argv[3], "wb");
	if (fp == NULL) {
		perror(argv[3]);
		goto out;
	}
	fprintf(fp, "P6\n%d %d\n255\n", w, h);
	if (fwrite(rgb, 3, (size_t)w * (size_t)h, fp) != (size_t)w * (size_t)h
	    || fclose(fp) != 0) {
		fp = NULL;
		perror(argv[3]);
		goto out;
	}
	fp = NULL;
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	sws_freeContext(sws);
	free(rgb);
	ex_overlay_free(&ov);
	av_frame_free(&f);
	return rc;
}
