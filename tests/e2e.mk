## tests/e2e.mk (included by the build): the main job proven end to end.
## Export from the sample archive, then check the bundle with independent
## tools (minisign, sha256sum, xmllint, ffprobe, framecode), tamper with
## it, export it twice, and make the CLI fail in the ways it must.

## custody1: writes a custody log signed by another key (forgery test).
check_PROGRAMS += tests/tools/custody1
tests_tools_custody1_SOURCES = tests/tools/custody1.c
tests_tools_custody1_LDADD = libexmanifest.la $(DEP_LIBS)

E2E_TESTS = \
	tests/cli/export_e2e.sh \
	tests/cli/frame_accuracy.sh \
	tests/cli/ts_wrap.sh \
	tests/cli/verify_tamper.sh \
	tests/cli/reproducible.sh \
	tests/cli/export_errors.sh
TESTS += $(E2E_TESTS)
dist_check_SCRIPTS += $(E2E_TESTS)
## export: the first contact (issue 12: the request as read, coverage and
## gaps, empty ranges, quick checks before the passphrase, usage mistakes).
TESTS += tests/cli/export_first_contact.sh
dist_check_SCRIPTS += tests/cli/export_first_contact.sh
EXTRA_DIST += tests/cli/export_first_contact.sh
check_PROGRAMS += tests/unit/test_export_plan
tests_unit_test_export_plan_SOURCES = tests/unit/test_export_plan.c \
	tests/unit/scratch.h
tests_unit_test_export_plan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_export_plan_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/test_export_plan
## end export
EXTRA_DIST += tests/tools/mp4boxes.py tests/tools/zipcraft.py
## page: the bundle's own pages (issue 12, findings 3 and 9): the page
## across the clock change in a browser (its screenshot kept as
## tests/work/page_clockchange.png), and the commands README.txt gives, run
## as written after a custody event.
PAGE_TESTS = tests/cli/page_clockchange.sh tests/cli/readme_instructions.sh
TESTS += $(PAGE_TESTS)
dist_check_SCRIPTS += $(PAGE_TESTS)
EXTRA_DIST += $(PAGE_TESTS) tests/browser/page_read.mjs
## end page
## pagesound: the page plays each clip with its sound and says what each
## file holds (issue 13, item 5); footage made with ffmpeg, the screenshot
## kept as tests/work/page_sound.png.
TESTS += tests/cli/page_sound.sh
dist_check_SCRIPTS += tests/cli/page_sound.sh
EXTRA_DIST += tests/cli/page_sound.sh tests/browser/page_sound.mjs
## end pagesound

## The screenshots and page texts the browser tests keep as artefacts go
## with make clean (distcheck's distcleancheck wants nothing left).
CLEANFILES += tests/work/page_clockchange.png tests/work/page_clockchange.txt \
	tests/work/page_sound.png tests/work/page_sound.txt
