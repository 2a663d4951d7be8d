## src/lib/custody.mk (included by the build)
## The custody jobs on a finished bundle: custody add (a signed event,
## the bundle rewritten atomically, payload untouched) and custody show.
libexhibit_la_SOURCES += src/lib/custody_add.c include/exhibit/custody_add.h
