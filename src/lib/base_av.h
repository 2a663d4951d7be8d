/*
 * base_av.h — the one way the library lets FFmpeg open a file, and the
 * one capture of FFmpeg's log (libexcore).  Not installed.
 *
 * FFmpeg prints to stderr unless told otherwise; the library never prints.
 * base_av_open() installs the capture (once per process, before anything
 * is opened), and every FFmpeg call in the library goes through a module
 * that opened its input here, so the capture is always in place.  The
 * capture keeps, per thread, the last error line and a count of error
 * lines since base_avlog_reset().
 *
 * What an input may be: a regular file, opened without waiting
 * (exhibit/fileio.h), read by libavformat through its /proc/self/fd name
 * (so the file opened is the file checked), with only the "file" protocol,
 * the container formats of ffformats.h (EX_FF_FORMATS) and, when codecs is
 * not NULL, only those decoders (a comma-separated FFmpeg codec_whitelist).
 */
#ifndef EXHIBIT_BASE_AV_H
#define EXHIBIT_BASE_AV_H

#include <libavformat/avformat.h>

#include "exhibit/error.h"

/* How much of a file libavformat reads to find its streams: the same for
 * scan and export, so both see the same streams. */
#define BASE_AV_PROBESIZE "5000000"
#define BASE_AV_ANALYZE_USEC "5000000"

/* Open the file fd (already opened and checked; the caller keeps it and
 * may close it once this returns) into *ic.  0, or a negative AVERROR
 * (AVERROR(ENOMEM) when the options cannot be set); on failure *ic is
 * NULL.  The log capture is installed first. */
int base_av_open_fd(int fd, const char *path, const char *codecs,
    AVFormatContext **ic);

/* As base_av_open_fd, opening path itself with ex_file_open (a regular
 * file, never waiting).  On failure err says why: the file ("cannot open:
 * ..."), or FFmpeg's answer ("<what>: ...", what = "cannot open"). */
ex_status base_av_open(const char *path, const char *codecs,
    AVFormatContext **ic, ex_error *err);

/* FFmpeg's message for an AVERROR code, in buf. */
const char *base_av_err(int code, char *buf, size_t size);

void base_avlog_install(void);
void base_avlog_reset(void);
const char *base_avlog_last(void);
int base_avlog_errors(void);

#endif
