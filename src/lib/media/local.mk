## src/lib/media: module fragment (included by Makefile.am)
## The media pipeline: native cuts (stream copy) and working copies
## (decode, burn-in, libx264).  One file per stage; see media_private.h.
noinst_LTLIBRARIES += libexmedia.la
## The stages and the results.
libexmedia_la_SOURCES = include/exhibit/media.h src/lib/media/media_private.h \
	src/lib/media/demux.c src/lib/media/decode.c src/lib/media/encode.c \
	src/lib/media/audio.c src/lib/media/mux.c src/lib/media/result.c
## The native cut (stream copy).
libexmedia_la_SOURCES += src/lib/media/native_private.h \
	src/lib/media/native.c src/lib/media/native_streams.c
## The working copy (decode, burn-in, encode) and its pictures.
libexmedia_la_SOURCES += src/lib/media/working_private.h \
	src/lib/media/working.c src/lib/media/working_encode.c \
	src/lib/media/picture.c src/lib/media/queue.c src/lib/media/burn.c
## Stills and the page's thumbnails.
libexmedia_la_SOURCES += src/lib/media/still.c src/lib/media/thumb.c
## The redaction masks drawn into pictures (issue 17).
libexmedia_la_SOURCES += src/lib/media/mask_draw.c
libexmedia_la_LIBADD = libexoverlay.la libexmask.la libexcore.la
libexhibit_la_LIBADD += libexmedia.la
