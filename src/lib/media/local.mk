## src/lib/media: module fragment (included by Makefile.am)
