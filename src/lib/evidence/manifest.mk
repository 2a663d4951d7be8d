## src/lib/evidence/manifest.mk: manifest.xml and custody.xml (included by Makefile.am)
