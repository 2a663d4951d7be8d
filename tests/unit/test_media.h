/*
 * test_media.h — what the files of the test_media program share: the
 * clip sets and probes of test_media.c and the tests the other files
 * define.
 */
#ifndef EXHIBIT_TEST_MEDIA_H
#define EXHIBIT_TEST_MEDIA_H

#ifndef FFMPEG
#define FFMPEG "ffmpeg"
#endif

#define SEC EX_USEC_PER_SEC
#define MS 1000
#define FRAME (40 * MS)
#define MAXF 1024

/* 2024-10-27T00:59:50Z: the clocks go back ten seconds later in London. */
#define T0 INT64_C(1729990790000000)

typedef struct set {
	ex_segment segs[6];
	size_t n;
} set;

typedef struct probe {
	enum AVCodecID codec;
	uint32_t tag;
	int width, height;
	enum AVPixelFormat pix_fmt;
	enum AVColorRange range;
	int corner_luma;          /* first frame, inside the burn-in box */
	int corner_max;           /* brightest luma in the box area */
	int nstreams;             /* streams in the file (video is stream 0) */
	int npackets;             /* video packets */
	int64_t first_pts;        /* µs, first packet in presentation order */
	int first_packet_key;
	int nframes;              /* decoded, presentation order */
	int64_t pts[MAXF];        /* µs */
	int index[MAXF];          /* code read from the band */
	int key[MAXF];
} probe;

typedef struct progress_state {
	int calls;
	int64_t last_done, last_expected;
	pthread_t caller;
	int sleep_first_usec;     /* hold the encoding thread up once */
} progress_state;

extern char tmpdir[256];
extern set h264, hevc, ts, mkv_bframes, damaged, fullrange, chroma422,
    cutshort;

void run(const char *fmt, ...);
const char *outdir(const char *name);
int count_files(const char *dir);
void probe_file(const char *path, probe *p);
void assert_indexes(const probe *p, int first, int n);
void assert_spacing(const probe *p);
unsigned char *slurp(const char *path, size_t *len);
int64_t check_faststart(const char *path);
ex_media_range range_of(ex_instant from, ex_instant to);
ex_media_working_options wopts(int64_t segment_usec);
ex_media_result *native_ok(const set *s, ex_media_range r, const char *dir);
ex_media_result *
working_ok(const set *s, ex_media_range r, int64_t segment_usec,
    const char *dir);
void check_working_file(const ex_media_file *f, int first_index, int n);
int same_bytes(const char *a, const char *b);
void test_working_reproducible_and_burned_in(void **state);
void test_working_pixel_formats(void **state);
void test_working_mid_gop_across_segments(void **state);
void test_working_exact_bounds(void **state);
void test_working_segments(void **state);
void test_working_splits_at_gap(void **state);
void test_working_clock_offset(void **state);
void test_working_bframes_hevc_ts(void **state);
void on_progress(void *user, int64_t done, int64_t expected);
void test_progress(void **state);
void test_cancel_removes_outputs(void **state);
void test_damaged_segment_reported(void **state);
void test_truncated_data_reported(void **state);
void test_refusals(void **state);
void test_working_cue_track(void **state);
void test_still_frame_and_burn_in(void **state);
void test_still_boundaries(void **state);
void test_still_damage_and_refusals(void **state);
void test_working_same_bytes_however_threads_interleave(void **state);
void test_working_fails_mid_stream(void **state);
void test_queue_bounded_in_order(void **state);
void test_queue_close_stops_producer(void **state);
void test_picpool_reuses_buffers(void **state);
void test_decoder_threads_from_budget(void **state);

#endif
