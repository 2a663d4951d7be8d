## tests/e2e.mk (included by tests/local.mk): the programs of the
## end-to-end tests.  The shell tests themselves are listed in
## tests/local.mk.

## custody1: writes a custody log signed by another key (forgery test).
check_PROGRAMS += tests/tools/custody1
tests_tools_custody1_SOURCES = tests/tools/custody1.c
tests_tools_custody1_LDADD = libexmanifest.la $(DEP_LIBS)

## export: the first contact (issue 12): the planner's unit test
## (export_first_contact.sh is in tests/local.mk).
check_PROGRAMS += tests/unit/test_export_plan
tests_unit_test_export_plan_SOURCES = tests/unit/test_export_plan.c \
	tests/unit/scratch.h
tests_unit_test_export_plan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_export_plan_LDADD = libexhibit.la $(DEP_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/test_export_plan
## end export
