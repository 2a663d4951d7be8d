/*
 * segindex_row.c — one row of the segment index (segindex.h): the
 * table's layout, a probed segment bound as a row, and a row read back
 * into a segment.  The database is outside input: a row is taken only if
 * every column has the type this file writes, its length fits the
 * segment's fixed arrays and its value the field's range; anything else
 * is "not fresh", never an overflow.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "archive/segindex.h"
#include "base.h"

#define PROBLEM_MAX 4096        /* longest problem taken from a row */

#define SCHEMA \
	"CREATE TABLE segment (" \
	" path BLOB PRIMARY KEY NOT NULL," \
	" size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL," \
	" ctime_ns INTEGER NOT NULL, ino INTEGER NOT NULL," \
	" dev INTEGER NOT NULL, probe INTEGER NOT NULL," \
	" state INTEGER NOT NULL, problem TEXT, refused INTEGER NOT NULL," \
	" container TEXT NOT NULL, codec TEXT NOT NULL," \
	" width INTEGER NOT NULL, height INTEGER NOT NULL," \
	" fps_num INTEGER NOT NULL, fps_den INTEGER NOT NULL," \
	" frames INTEGER NOT NULL, keyframes INTEGER NOT NULL," \
	" vfr INTEGER NOT NULL, signatures INTEGER NOT NULL," \
	" bytes INTEGER NOT NULL, streams BLOB," \
	" first_offset INTEGER NOT NULL, length INTEGER NOT NULL," \
	" last_offset INTEGER NOT NULL, created INTEGER" \
	") WITHOUT ROWID"

/* The columns after path, in the order of enum col. */
#define COLUMNS \
	"size, mtime_ns, ctime_ns, ino, dev, probe, state, problem, " \
	"refused, container, codec, width, height, fps_num, fps_den, " \
	"frames, keyframes, vfr, signatures, bytes, streams, " \
	"first_offset, length, last_offset, created"

enum col {
	C_SIZE, C_MTIME, C_CTIME, C_INO, C_DEV, C_PROBE, C_STATE, C_PROBLEM,
	C_REFUSED, C_CONTAINER, C_CODEC, C_WIDTH, C_HEIGHT, C_FPS_NUM,
	C_FPS_DEN, C_FRAMES, C_KEYFRAMES, C_VFR, C_SIGNATURES, C_BYTES,
	C_STREAMS, C_FIRST, C_LENGTH, C_LAST, C_CREATED
};

const char archive_index_schema[] = SCHEMA;
const char archive_index_select[] =
	"SELECT " COLUMNS " FROM segment WHERE path = ?1";
const char archive_index_insert[] =
	"INSERT OR REPLACE INTO segment (path, " COLUMNS ") VALUES (?1, ?2, "
	"?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	"?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)";

/* --- reading a row ----------------------------------------------------- */

/* Column i as an integer in [lo, hi]. */
static int
col_int(sqlite3_stmt *q, int i, int64_t lo, int64_t hi, int64_t *v)
{
	if (sqlite3_column_type(q, i) != SQLITE_INTEGER)
		return 0;
	*v = sqlite3_column_int64(q, i);
	return *v >= lo && *v <= hi;
}

/* Column i as text of fewer than size bytes without a NUL, into dst. */
static int
col_text(sqlite3_stmt *q, int i, char *dst, size_t size)
{
	const unsigned char *s;
	int n;

	if (sqlite3_column_type(q, i) != SQLITE_TEXT ||
	    (s = sqlite3_column_text(q, i)) == NULL)
		return 0;
	n = sqlite3_column_bytes(q, i);
	if (n < 0 || (size_t)n >= size || memchr(s, '\0', (size_t)n) != NULL)
		return 0;
	memcpy(dst, s, (size_t)n);
	dst[n] = '\0';
	return 1;
}

/* One NUL-terminated field of b[*at..n) into dst (size bytes). */
static int
field(const unsigned char *b, size_t n, size_t *at, char *dst, size_t size)
{
	const unsigned char *end = memchr(b + *at, '\0', n - *at);
	size_t len;

	if (end == NULL || (len = (size_t)(end - (b + *at))) >= size)
		return 0;
	memcpy(dst, b + *at, len + 1);
	*at += len + 1;
	return 1;
}

/* The streams column: NULL (none listed), or "type\0codec\0" for each
 * stream.  1 with t->streams (malloc'd) and t->nstreams, 0 when it does
 * not parse, -1 for out of memory. */
static int
col_streams(sqlite3_stmt *q, ex_segment *t)
{
	const ex_segment_stream *s0 = NULL;
	const unsigned char *b;
	size_t n, i, k, at = 0;

	switch (sqlite3_column_type(q, C_STREAMS)) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_BLOB:
		break;
	default:
		return 0;
	}
	b = sqlite3_column_blob(q, C_STREAMS);
	n = (size_t)sqlite3_column_bytes(q, C_STREAMS);
	if (n > ARCHIVE_INDEX_MAX_STREAMS * (sizeof(s0->type) +
	    sizeof(s0->codec)) || (n > 0 && (b == NULL || b[n - 1] != '\0')))
		return 0;
	for (i = k = 0; i < n; i++)
		k += b[i] == '\0';
	if (k % 2 != 0 || k / 2 > ARCHIVE_INDEX_MAX_STREAMS)
		return 0;
	if ((t->streams = calloc(k / 2 + 1, sizeof(*t->streams))) == NULL)
		return -1;
	for (i = 0; i < k / 2; i++)
		if (!field(b, n, &at, t->streams[i].type,
		    sizeof(t->streams[i].type)) || !field(b, n, &at,
		    t->streams[i].codec, sizeof(t->streams[i].codec)))
			return 0;
	t->nstreams = k / 2;
	return 1;
}

/* Does the row's key match key, under this probe version? */
static int
row_fresh(sqlite3_stmt *q, const archive_file_key *key)
{
	int64_t v[6];
	int i;

	for (i = C_SIZE; i <= C_PROBE; i++)
		if (!col_int(q, i, INT64_MIN, INT64_MAX, &v[i]))
			return 0;
	return v[C_SIZE] == key->size && v[C_MTIME] == key->mtime_ns &&
	    v[C_CTIME] == key->ctime_ns && v[C_INO] == (int64_t)key->ino &&
	    v[C_DEV] == (int64_t)key->dev && v[C_PROBE] ==
	    ARCHIVE_PROBE_VERSION;
}

int
archive_index_row_take(sqlite3_stmt *q, const archive_file_key *key,
    ex_segment *t, archive_probe_times *tm)
{
	const unsigned char *p;
	int64_t v[C_CREATED + 1];
	int n, r;

	if (!row_fresh(q, key) ||
	    !col_int(q, C_STATE, EX_SEG_OK, EX_SEG_UNREADABLE, &v[C_STATE]) ||
	    !col_int(q, C_REFUSED, 0, 1, &v[C_REFUSED]) ||
	    !col_text(q, C_CONTAINER, t->container, sizeof(t->container)) ||
	    !col_text(q, C_CODEC, t->codec, sizeof(t->codec)) ||
	    !col_int(q, C_WIDTH, 0, INT_MAX, &v[C_WIDTH]) ||
	    !col_int(q, C_HEIGHT, 0, INT_MAX, &v[C_HEIGHT]) ||
	    !col_int(q, C_FPS_NUM, 0, INT_MAX, &v[C_FPS_NUM]) ||
	    !col_int(q, C_FPS_DEN, 0, INT_MAX, &v[C_FPS_DEN]) ||
	    !col_int(q, C_FRAMES, -1, INT64_MAX, &v[C_FRAMES]) ||
	    !col_int(q, C_KEYFRAMES, -1, INT64_MAX, &v[C_KEYFRAMES]) ||
	    !col_int(q, C_VFR, 0, 1, &v[C_VFR]) ||
	    !col_int(q, C_SIGNATURES, 0, UINT_MAX, &v[C_SIGNATURES]) ||
	    !col_int(q, C_BYTES, 0, INT64_MAX, &v[C_BYTES]) ||
	    !col_int(q, C_FIRST, INT64_MIN, INT64_MAX, &v[C_FIRST]) ||
	    !col_int(q, C_LENGTH, INT64_MIN, INT64_MAX, &v[C_LENGTH]) ||
	    !col_int(q, C_LAST, INT64_MIN, INT64_MAX, &v[C_LAST]))
		return 0;
	if (sqlite3_column_type(q, C_CREATED) == SQLITE_NULL)
		v[C_CREATED] = EX_INSTANT_NONE;
	else if (!col_int(q, C_CREATED, INT64_MIN, INT64_MAX, &v[C_CREATED]))
		return 0;
	switch (sqlite3_column_type(q, C_PROBLEM)) {
	case SQLITE_NULL:
		break;
	case SQLITE_TEXT:
		if ((p = sqlite3_column_text(q, C_PROBLEM)) == NULL)
			return 0;
		n = sqlite3_column_bytes(q, C_PROBLEM);
		if (n < 0 || n > PROBLEM_MAX ||
		    memchr(p, '\0', (size_t)n) != NULL)
			return 0;
		if ((t->problem = strndup((const char *)p, (size_t)n)) == NULL)
			return -1;
		break;
	default:
		return 0;
	}
	if ((r = col_streams(q, t)) != 1)
		return r;
	t->state = (ex_segment_state)v[C_STATE];
	t->refused = (int)v[C_REFUSED];
	t->width = (int)v[C_WIDTH];
	t->height = (int)v[C_HEIGHT];
	t->fps_num = (int)v[C_FPS_NUM];
	t->fps_den = (int)v[C_FPS_DEN];
	t->frames = v[C_FRAMES];
	t->keyframes = v[C_KEYFRAMES];
	t->vfr = (int)v[C_VFR];
	t->signatures = (unsigned)v[C_SIGNATURES];
	t->size = v[C_BYTES];
	tm->first_offset = v[C_FIRST];
	tm->length = v[C_LENGTH];
	tm->last_offset = v[C_LAST];
	tm->created = v[C_CREATED];
	return 1;
}

void
archive_index_row_give(ex_segment *seg, ex_segment *t)
{
	seg->state = t->state;
	free(seg->problem);
	seg->problem = t->problem;
	seg->refused = t->refused;
	memcpy(seg->container, t->container, sizeof(seg->container));
	memcpy(seg->codec, t->codec, sizeof(seg->codec));
	seg->width = t->width;
	seg->height = t->height;
	seg->fps_num = t->fps_num;
	seg->fps_den = t->fps_den;
	seg->frames = t->frames;
	seg->keyframes = t->keyframes;
	seg->vfr = t->vfr;
	free(seg->streams);
	seg->streams = t->streams;
	seg->nstreams = t->nstreams;
	seg->signatures = t->signatures;
	seg->size = t->size;
}

/* --- writing ----------------------------------------------------------- */

/* seg's streams as the streams column keeps them, in b. */
static void
streams_blob(base_buf *b, const ex_segment *seg)
{
	size_t i;

	base_buf_truncate(b, 0);
	for (i = 0; i < seg->nstreams; i++) {
		const ex_segment_stream *s = &seg->streams[i];

		base_buf_add(b, s->type, strnlen(s->type, sizeof(s->type) - 1));
		base_buf_addc(b, '\0');
		base_buf_add(b, s->codec, strnlen(s->codec,
		    sizeof(s->codec) - 1));
		base_buf_addc(b, '\0');
	}
}

static int
bind_text(sqlite3_stmt *q, int i, const char *s, size_t size)
{
	return sqlite3_bind_text(q, i, s, (int)strnlen(s, size - 1),
	    SQLITE_STATIC);
}

int
archive_index_row_bind(sqlite3_stmt *q, const ex_segment *seg,
    const archive_file_key *key, const archive_probe_times *tm,
    base_buf *streams)
{
	const int64_t ints[] = {
		[C_SIZE] = key->size, [C_MTIME] = key->mtime_ns,
		[C_CTIME] = key->ctime_ns, [C_INO] = (int64_t)key->ino,
		[C_DEV] = (int64_t)key->dev, [C_PROBE] = ARCHIVE_PROBE_VERSION,
		[C_STATE] = seg->state, [C_REFUSED] = seg->refused != 0,
		[C_WIDTH] = seg->width, [C_HEIGHT] = seg->height,
		[C_FPS_NUM] = seg->fps_num, [C_FPS_DEN] = seg->fps_den,
		[C_FRAMES] = seg->frames, [C_KEYFRAMES] = seg->keyframes,
		[C_VFR] = seg->vfr, [C_SIGNATURES] = seg->signatures,
		[C_BYTES] = seg->size, [C_FIRST] = tm->first_offset,
		[C_LENGTH] = tm->length, [C_LAST] = tm->last_offset,
		[C_CREATED] = tm->created,
	};
	int i, rc = SQLITE_OK;

	streams_blob(streams, seg);
	if (base_buf_failed(streams)) {
		base_buf_free(streams);
		return SQLITE_NOMEM;
	}
	for (i = C_SIZE; i <= C_CREATED && rc == SQLITE_OK; i++) {
		switch (i) {
		case C_PROBLEM:
			rc = seg->problem == NULL ? sqlite3_bind_null(q, i + 2) :
			    sqlite3_bind_text(q, i + 2, seg->problem,
			    (int)strnlen(seg->problem, PROBLEM_MAX),
			    SQLITE_STATIC);
			break;
		case C_CONTAINER:
			rc = bind_text(q, i + 2, seg->container,
			    sizeof(seg->container));
			break;
		case C_CODEC:
			rc = bind_text(q, i + 2, seg->codec, sizeof(seg->codec));
			break;
		case C_STREAMS:
			if (seg->streams == NULL)
				rc = sqlite3_bind_null(q, i + 2);
			else if (streams->len == 0)
				rc = sqlite3_bind_zeroblob(q, i + 2, 0);
			else
				rc = sqlite3_bind_blob(q, i + 2, streams->data,
				    (int)streams->len, SQLITE_STATIC);
			break;
		case C_CREATED:
			rc = tm->created == EX_INSTANT_NONE ?
			    sqlite3_bind_null(q, i + 2) :
			    sqlite3_bind_int64(q, i + 2, tm->created);
			break;
		default:
			rc = sqlite3_bind_int64(q, i + 2, ints[i]);
			break;
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(q, 1, seg->path,
		    (int)strlen(seg->path), SQLITE_STATIC);
	return rc;
}
