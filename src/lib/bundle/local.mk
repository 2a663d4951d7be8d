## src/lib/bundle: module fragment (included by Makefile.am)
## The evidence bundle: BagIt layout, ZIP/tar/ISO/folder writers, a safe
## reader.  Needs libexevidence (digests) and libexcore (errors, zones).
noinst_LTLIBRARIES += libexbundle.la
## BagIt and the bag's checks.
libexbundle_la_SOURCES = include/exhibit/bundle.h \
	src/lib/bundle/bundle_private.h src/lib/bundle/bagit.c \
	src/lib/bundle/check.c src/lib/bundle/libarchive.c
## The writer: the front, archives through libarchive, a folder.
libexbundle_la_SOURCES += src/lib/bundle/writer_private.h \
	src/lib/bundle/writer.c src/lib/bundle/writer_archive.c \
	src/lib/bundle/writer_dir.c
## The reader: the loader, through libarchive, a folder, and each
## container's raw check.
libexbundle_la_SOURCES += src/lib/bundle/reader.c \
	src/lib/bundle/reader_archive.c src/lib/bundle/reader_dir.c
libexbundle_la_SOURCES += src/lib/bundle/reader_zip.h \
	src/lib/bundle/reader_zip.c src/lib/bundle/zip_entry.c \
	src/lib/bundle/reader_tar.h src/lib/bundle/reader_tar.c \
	src/lib/bundle/tar_pax.c
libexbundle_la_SOURCES += src/lib/bundle/reader_iso.h \
	src/lib/bundle/reader_iso.c src/lib/bundle/iso_tree.c \
	src/lib/bundle/iso_compare.c
## The rewrite for custody add: one file out, bag-info back, the copy.
libexbundle_la_SOURCES += src/lib/bundle/bag_info.c \
	src/lib/bundle/read_file.c src/lib/bundle/copy.c \
	src/lib/bundle/copy_dir.c
libexbundle_la_LIBADD = libexevidence.la
libexhibit_la_LIBADD += libexbundle.la

EXTRA_DIST += \
	tests/fixtures/bundle/make-fixtures.sh \
	tests/fixtures/bundle/encrypted.zip
