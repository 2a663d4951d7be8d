## src/lib/evidence: module fragment (included by Makefile.am)
