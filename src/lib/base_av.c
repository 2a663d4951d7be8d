/*
 * base_av.c — opening a file with libavformat under exhibit's allow-lists,
 * and the capture of FFmpeg's log (base_av.h).
 */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/avstring.h>
#include <libavutil/log.h>

#include "base.h"
#include "base_av.h"
#include "exhibit/fileio.h"
#include "ffformats.h"

/* --- FFmpeg's log ------------------------------------------------------ */

static pthread_once_t avlog_once = PTHREAD_ONCE_INIT;
static _Thread_local char avlog_last[256];
static _Thread_local int avlog_errors;

static void
avlog_callback(void *avcl, int level, const char *fmt, va_list vl)
{
	char line[sizeof(avlog_last)];
	int prefix = 0;
	size_t n;

	if (level > AV_LOG_ERROR)
		return;
	av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line),
	    &prefix);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	    line[n - 1] == ' '))
		line[--n] = '\0';
	if (n == 0)
		return;
	memcpy(avlog_last, line, n + 1);
	avlog_errors++;
}

static void
avlog_init(void)
{
	av_log_set_callback(avlog_callback);
}

void
base_avlog_install(void)
{
	pthread_once(&avlog_once, avlog_init);
}

void
base_avlog_reset(void)
{
	avlog_last[0] = '\0';
	avlog_errors = 0;
}

const char *
base_avlog_last(void)
{
	return avlog_last;
}

int
base_avlog_errors(void)
{
	return avlog_errors;
}

/* --- opening ----------------------------------------------------------- */

const char *
base_av_err(int code, char *buf, size_t size)
{
	if (av_strerror(code, buf, size) < 0)
		snprintf(buf, size, "error %d", code);
	return buf;
}

int
base_av_open_fd(int fd, const char *path, const char *codecs,
    AVFormatContext **ic)
{
	AVDictionary *opts = NULL;
	const char *name;
	char *url, fdname[32];
	int ret;

	*ic = NULL;
	base_avlog_install();
	/* libavformat opens by name: the name of this very file. */
	name = ex_file_fd_name(fd, path, fdname, sizeof(fdname));
	if ((url = av_asprintf("file:%s", name)) == NULL)
		return AVERROR(ENOMEM);
	if (av_dict_set(&opts, "protocol_whitelist", "file", 0) < 0 ||
	    av_dict_set(&opts, "format_whitelist", EX_FF_FORMATS, 0) < 0 ||
	    (codecs != NULL &&
	    av_dict_set(&opts, "codec_whitelist", codecs, 0) < 0) ||
	    av_dict_set(&opts, "probesize", BASE_AV_PROBESIZE, 0) < 0 ||
	    av_dict_set(&opts, "analyzeduration", BASE_AV_ANALYZE_USEC,
	    0) < 0) {
		av_dict_free(&opts);
		av_free(url);
		return AVERROR(ENOMEM);
	}
	ret = avformat_open_input(ic, url, NULL, &opts);
	av_dict_free(&opts);
	av_free(url);
	if (ret < 0)
		*ic = NULL;
	return ret;
}

ex_status
base_av_open(const char *path, const char *codecs, AVFormatContext **ic,
    ex_error *err)
{
	char ebuf[128];
	ex_error ferr;
	ex_status st;
	int fd, ret;

	*ic = NULL;
	if ((st = ex_file_open(AT_FDCWD, path, 0, "cannot open", &fd, NULL,
	    &ferr)) != EX_OK)
		return ex_error_set(err, st == EX_ERR_NOMEM ? st :
		    EX_ERR_MEDIA, "%s", ferr.message);
	ret = base_av_open_fd(fd, path, codecs, ic);
	close(fd);
	if (ret == AVERROR(ENOMEM))
		return base_nomem(err);
	if (ret < 0)
		return ex_error_set(err, EX_ERR_MEDIA, "cannot open: %s",
		    base_av_err(ret, ebuf, sizeof(ebuf)));
	return EX_OK;
}
