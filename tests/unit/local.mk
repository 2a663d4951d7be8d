## tests/unit/local.mk (included by Makefile.am): THE index of the unit
## tests (cmocka), one program per module or job.  Each links its own
## module's library only (and what that library links), so a call against
## the direction of data (HACKING.md) fails to link.  A one-file test needs
## no _SOURCES (automake's default, tests/unit/<name>.c); the tests find
## the source tree (TEST_SRCDIR) and ffmpeg (FFMPEG) through config.h, and
## make their files with tests/unit/scratch.h under the build tree.
if HAVE_CMOCKA
UNIT_TESTS = \
	tests/unit/test_base tests/unit/test_fileio tests/unit/test_time \
	tests/unit/test_hash tests/unit/test_sign \
	tests/unit/test_manifest tests/unit/test_custody \
	tests/unit/test_archive tests/unit/test_segindex \
	tests/unit/test_overlay tests/unit/test_clock tests/unit/test_media \
	tests/unit/test_media_streams tests/unit/test_thumb \
	tests/unit/test_report tests/unit/test_bundle \
	tests/unit/test_export_io tests/unit/test_export_plan \
	tests/unit/test_custody_add tests/unit/test_register \
	tests/unit/test_mask_draw tests/unit/test_mask
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
endif
EXTRA_DIST += tests/unit/scratch.h

## What each links: core, evidence, manifest, archive, overlay, media,
## report, and the jobs on top of everything.
tests_unit_test_base_LDADD = libexcore.la $(UNIT_LIBS)
tests_unit_test_fileio_LDADD = libexcore.la $(UNIT_LIBS)
tests_unit_test_time_LDADD = libexcore.la $(UNIT_LIBS)
tests_unit_test_hash_LDADD = libexevidence.la $(UNIT_LIBS)
tests_unit_test_sign_LDADD = libexevidence.la $(DEP_LIBS) $(UNIT_LIBS)
tests_unit_test_manifest_LDADD = libexmanifest.la $(UNIT_LIBS)
tests_unit_test_custody_LDADD = libexmanifest.la $(UNIT_LIBS)
tests_unit_test_archive_LDADD = libexarchive.la $(DEP_LIBS) $(UNIT_LIBS)
tests_unit_test_segindex_LDADD = libexarchive.la $(SQLITE_LIBS) $(UNIT_LIBS)
tests_unit_test_overlay_LDADD = libexoverlay.la $(AVUTIL_LIBS) $(UNIT_LIBS)
tests_unit_test_clock_LDADD = libexmedia.la libexcore.la $(UNIT_LIBS)
tests_unit_test_media_LDADD = libexmedia.la $(UNIT_LIBS)
tests_unit_test_media_streams_LDADD = libexmedia.la $(UNIT_LIBS)
tests_unit_test_thumb_LDADD = libexmedia.la $(UNIT_LIBS)
tests_unit_test_mask_draw_LDADD = libexmedia.la $(UNIT_LIBS)
tests_unit_test_report_LDADD = libexreport.la $(DEP_LIBS) $(UNIT_LIBS)
tests_unit_test_bundle_LDADD = libexbundle.la $(UNIT_LIBS)
tests_unit_test_export_io_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
tests_unit_test_export_plan_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
tests_unit_test_custody_add_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
tests_unit_test_register_LDADD = libexregister.la $(SQLITE_LIBS) $(UNIT_LIBS)
tests_unit_test_mask_LDADD = libexmask.la $(UNIT_LIBS)

## The tests of more than one file (a shared header and the cmocka group in
## the first file).
tests_unit_test_archive_SOURCES = tests/unit/test_archive.c \
	tests/unit/test_archive_index.c tests/unit/test_archive.h
tests_unit_test_segindex_SOURCES = tests/unit/test_segindex.c \
	tests/unit/test_segindex_damage.c tests/unit/test_segindex.h
tests_unit_test_manifest_SOURCES = tests/unit/test_manifest.c \
	tests/unit/test_manifest_hostile.c tests/unit/test_manifest.h
tests_unit_test_media_SOURCES = tests/unit/test_media.c \
	tests/unit/test_media_working.c tests/unit/test_media_still.c \
	tests/unit/test_media.h
tests_unit_test_bundle_SOURCES = tests/unit/test_bundle.c \
	tests/unit/test_bundle_write.c tests/unit/test_bundle_read.c \
	tests/unit/test_bundle.h
