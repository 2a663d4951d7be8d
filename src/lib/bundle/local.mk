## src/lib/bundle: module fragment (included by Makefile.am)
## The evidence bundle: BagIt layout, ZIP/tar/ISO/folder writers, a safe
## reader.  Needs libexevidence (digests) and libexcore (errors, zones).
noinst_LTLIBRARIES += libexbundle.la
libexbundle_la_SOURCES = \
	include/exhibit/bundle.h \
	src/lib/bundle/bundle_private.h \
	src/lib/bundle/bagit.c \
	src/lib/bundle/writer_private.h \
	src/lib/bundle/writer.c \
	src/lib/bundle/writer_archive.c \
	src/lib/bundle/writer_dir.c \
	src/lib/bundle/libarchive.c \
	src/lib/bundle/reader.c \
	src/lib/bundle/reader_archive.c \
	src/lib/bundle/reader_dir.c \
	src/lib/bundle/reader_zip.h \
	src/lib/bundle/reader_zip.c \
	src/lib/bundle/zip_entry.c \
	src/lib/bundle/reader_tar.h \
	src/lib/bundle/reader_tar.c \
	src/lib/bundle/tar_pax.c \
	src/lib/bundle/reader_iso.h \
	src/lib/bundle/reader_iso.c \
	src/lib/bundle/iso_tree.c \
	src/lib/bundle/iso_compare.c \
	src/lib/bundle/check.c \
	src/lib/bundle/bag_info.c \
	src/lib/bundle/read_file.c \
	src/lib/bundle/copy.c \
	src/lib/bundle/copy_dir.c
libexbundle_la_LIBADD = libexevidence.la
libexhibit_la_LIBADD += libexbundle.la

EXTRA_DIST += \
	tests/fixtures/bundle/make-fixtures.sh \
	tests/fixtures/bundle/encrypted.zip

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_bundle
tests_unit_test_bundle_SOURCES = tests/unit/test_bundle.c \
    tests/unit/test_bundle_write.c tests/unit/test_bundle_read.c \
    tests/unit/test_bundle.h tests/unit/scratch.h
tests_unit_test_bundle_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bundle_LDADD = libexbundle.la $(UNIT_LIBS)
TESTS += tests/unit/test_bundle
endif

## The digests (src/lib/evidence/hash.c): known answers, the two-thread
## hasher, whole files.  Kept here with the bundle code that is their
## main user (the evidence fragment belongs to another module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_hash
tests_unit_test_hash_SOURCES = tests/unit/test_hash.c tests/unit/scratch.h
tests_unit_test_hash_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_hash_LDADD = libexevidence.la $(UNIT_LIBS)
TESTS += tests/unit/test_hash
endif

## The export job's I/O (src/lib/export.c): the source re-hash beside the
## media work, staged files renamed into a folder bundle.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_export_io
tests_unit_test_export_io_SOURCES = tests/unit/test_export_io.c tests/unit/scratch.h
tests_unit_test_export_io_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_export_io_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/test_export_io
endif
