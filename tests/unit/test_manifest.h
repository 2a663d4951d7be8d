/*
 * test_manifest.h — what the files of the test_manifest program share:
 * the sample manifest and helpers of test_manifest.c and the tests the
 * other file defines.
 */
#ifndef EXHIBIT_TEST_MANIFEST_H
#define EXHIBIT_TEST_MANIFEST_H

#define LONDON "Europe/London"
#define HEX_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

ex_instant at(const char *text);
ex_manifest *sample(void);
void write_ok(const ex_manifest *m, char **xml, size_t *len);
void test_doctype_refused(void **state);
void test_external_entity_refused(void **state);
void test_billion_laughs_refused(void **state);
void test_utf16_refused(void **state);
void test_deep_nesting_refused(void **state);
void test_huge_attribute_refused(void **state);
void test_unknown_hash_algorithm_refused(void **state);
void test_schema_violations_refused(void **state);
void test_xinclude_refused(void **state);
void test_only_the_form_exhibit_writes(void **state);
void test_not_utf8_refused(void **state);
void test_libxml2_is_silent(void **state);

#endif
