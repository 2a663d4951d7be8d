## src/lib/bundle: module fragment (included by Makefile.am)
