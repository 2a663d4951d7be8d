## src/lib/media/overlay.mk: burn-in font and overlay (included by Makefile.am)
