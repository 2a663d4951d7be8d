## src/lib/archive: module fragment (included by Makefile.am)
