## src/lib/custody.mk (included by the build)
## The custody jobs on a finished bundle: custody add (a signed event,
## the bundle rewritten atomically, payload untouched) and custody show.
libexhibit_la_SOURCES += src/lib/custody_add.c include/exhibit/custody_add.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_custody_add
tests_unit_test_custody_add_SOURCES = tests/unit/test_custody_add.c tests/unit/scratch.h
tests_unit_test_custody_add_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_custody_add_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/test_custody_add
endif
