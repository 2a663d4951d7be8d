## src/lib/mask: redaction masks (issue 17; exhibit/mask.h): the mask
## file read through the hardened XML reader and checked against an
## export (parse.c), and what a mask covers at a moment (geometry.c).  On
## the core; media draws them.
noinst_LTLIBRARIES += libexmask.la
libexmask_la_SOURCES = include/exhibit/mask.h src/lib/mask/geometry.c
libexmask_la_LIBADD = libexcore.la -lm
libexhibit_la_LIBADD += libexmask.la
