/*
 * ffformats.h — the containers exhibit opens recorder files as.
 *
 * Recorder files are untrusted: libavformat may probe them only as one of
 * these demuxers (its "format_whitelist" option), in scan (archive/) and
 * in export (media/) alike, so that what scan accepts is what export can
 * read.  The names are FFmpeg's demuxer names:
 *   mov,mp4,...      MP4/MOV (H.264, H.265 as hvc1 or hev1)
 *   matroska,webm    Matroska
 *   mpegts           MPEG transport stream
 *   mpeg             MPEG program stream (.ps, .mpg, .vob: DVR exports
 *                    and NVR SD cards)
 *   avi              AVI
 * Anything else is refused unprobed ("Format not on whitelist").
 */
#ifndef EX_FFFORMATS_H
#define EX_FFFORMATS_H

#define EX_FF_FORMATS \
	"mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts,mpeg,avi"

#endif /* EX_FFFORMATS_H */
