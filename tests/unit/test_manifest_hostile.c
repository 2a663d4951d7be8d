/*
 * test_manifest_hostile.c — manifest.xml parsing against hostile input:
 * DOCTYPE, entities, deep nesting, huge attributes, schema violations,
 * XInclude, other encodings, and libxml2 printing nothing; part of the
 * test_manifest program (main and the sample manifest: test_manifest.c).
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exhibit/manifest.h"
#include "scratch.h"
#include "test_manifest.h"

/* ---- hostile input ---------------------------------------------------- */

static void
expect_refused(const char *xml, size_t len, ex_status code,
    const char *needle)
{
	ex_manifest *m = (ex_manifest *)&m;   /* must be reset to NULL */
	ex_error err;

	ex_error_clear(&err);
	assert_int_equal(ex_manifest_parse(xml, len, &m, &err), code);
	assert_null(m);
	assert_int_equal(err.code, code);
	if (strstr(err.message, needle) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, needle);
}

/* A valid manifest with one substring replaced (malloc'd). */
static char *
edited(const char *from, const char *to, size_t *len)
{
	ex_manifest *m = sample();
	char *xml, *out, *hit;
	size_t xl;

	write_ok(m, &xml, &xl);
	ex_manifest_free(&m);
	hit = strstr(xml, from);
	assert_non_null(hit);
	out = malloc(xl + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, xml, (size_t)(hit - xml));
	strcpy(out + (hit - xml), to);
	strcat(out, hit + strlen(from));
	*len = strlen(out);
	free(xml);
	return out;
}

void
test_doctype_refused(void **state)
{
	size_t len;
	char *xml;

	(void)state;
	xml = edited("<manifest ", "<!DOCTYPE manifest>\n<manifest ", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "has a DOCTYPE");
	free(xml);
	/* Case does not hide it. */
	xml = edited("<manifest ", "<!doctype manifest>\n<manifest ", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "has a DOCTYPE");
	free(xml);
}

void
test_external_entity_refused(void **state)
{
	size_t len;
	char *xml;

	(void)state;
	xml = edited("<manifest ", "<!DOCTYPE manifest [<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">]>\n<manifest ", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "has a DOCTYPE");
	free(xml);
	/* Without the DOCTYPE an entity reference is undefined. */
	xml = edited("<operator>Jo Smith", "<operator>&x;", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "Entity 'x' not defined");
	free(xml);
}

void
test_billion_laughs_refused(void **state)
{
	static const char bomb[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE lolz [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    "]>\n<manifest xmlns=\"urn:exhibit:manifest:1\">&lol3;</manifest>\n";

	(void)state;
	expect_refused(bomb, sizeof(bomb) - 1, EX_ERR_FORMAT, "has a DOCTYPE");
}

/* UTF-16 could hide a DOCTYPE from a byte scan: refused as not UTF-8. */
void
test_utf16_refused(void **state)
{
	static const char doc[] = "<!DOCTYPE m><m/>";
	char buf[2 + 2 * sizeof(doc)];
	size_t i;

	(void)state;
	buf[0] = (char)0xff;
	buf[1] = (char)0xfe;
	for (i = 0; i < sizeof(doc) - 1; i++) {
		buf[2 + 2 * i] = doc[i];
		buf[3 + 2 * i] = 0;
	}
	expect_refused(buf, 2 + 2 * (sizeof(doc) - 1), EX_ERR_FORMAT,
	    "NUL byte");
}

void
test_deep_nesting_refused(void **state)
{
	const int depth = 10000;
	size_t len = 0, cap = (size_t)depth * 8 + 256;
	char *xml = malloc(cap);
	int i;

	(void)state;
	assert_non_null(xml);
	len += (size_t)sprintf(xml + len,
	    "<manifest xmlns=\"urn:exhibit:manifest:1\" format=\"1\">");
	for (i = 0; i < depth; i++)
		len += (size_t)sprintf(xml + len, "<a>");
	for (i = 0; i < depth; i++)
		len += (size_t)sprintf(xml + len, "</a>");
	len += (size_t)sprintf(xml + len, "</manifest>");
	expect_refused(xml, len, EX_ERR_FORMAT, "Excessive depth in document");
	free(xml);
}

/* An attribute of 100 MB: refused by size before libxml2 sees it.  One of
 * 20 MB (under the size limit): refused by libxml2's attribute limit. */
void
test_huge_attribute_refused(void **state)
{
	static const char head[] =
	    "<manifest xmlns=\"urn:exhibit:manifest:1\" format=\"1\" x=\"";
	static const char tail[] = "\"/>";
	size_t sizes[] = { (size_t)100 << 20, (size_t)20 << 20 };
	const char *needles[] = { "too large", "AttValue length too long" };
	size_t k, len;
	char *xml;

	(void)state;
	for (k = 0; k < 2; k++) {
		len = sizeof(head) - 1 + sizes[k] + sizeof(tail) - 1;
		xml = malloc(len);
		assert_non_null(xml);
		memcpy(xml, head, sizeof(head) - 1);
		memset(xml + sizeof(head) - 1, 'A', sizes[k]);
		memcpy(xml + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
		expect_refused(xml, len, EX_ERR_FORMAT, needles[k]);
		free(xml);
	}
}

void
test_unknown_hash_algorithm_refused(void **state)
{
	size_t len;
	char *xml;

	(void)state;
	xml = edited("<hash algorithm=\"sha256\">" HEX_B,
	    "<hash algorithm=\"md5\">" HEX_B, &len);
	expect_refused(xml, len, EX_ERR_UNSUPPORTED,
	    "data/cam1/working/cam1-001.mp4: hash algorithm 'md5' is not "
	    "supported");
	free(xml);
}

void
test_schema_violations_refused(void **state)
{
	size_t len;
	char *xml;

	(void)state;
	xml = edited("<case>CASE-2024/1027</case>", "", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	xml = edited("fate=\"left-out\"", "fate=\"lost\"", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	xml = edited("signatures=\"axis-signed-video\"",
	    "signatures=\"vendor-x\"", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	xml = edited("urn:exhibit:manifest:1", "urn:other", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	xml = edited("role=\"master\"", "role=\"copy\"", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	xml = edited(HEX_A, "0123", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	xml = edited("<size>5000000000</size>", "<size>-1</size>", &len);
	expect_refused(xml, len, EX_ERR_FORMAT, "not valid against its schema");
	free(xml);
	expect_refused("", 0, EX_ERR_FORMAT, "empty");
	expect_refused("<manifest", 9, EX_ERR_FORMAT, "not well-formed XML");
}

/* libxml2 must print nothing, whatever it is fed. */
/* An XInclude element is refused by name, before the schema sees it. */
void
test_xinclude_refused(void **state)
{
	size_t len;
	char *xml;

	(void)state;
	xml = edited("<bundle>", "<bundle><xi:include xmlns:xi="
	    "\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\"/>", &len);
	expect_refused(xml, len, EX_ERR_FORMAT,
	    "manifest.xml: uses XInclude at line 3 (not allowed)");
	free(xml);
}

/* exhibit writes no comment, processing instruction, CDATA section or
 * byte-order mark: a manifest.xml carrying one was not written by it. */
void
test_only_the_form_exhibit_writes(void **state)
{
	static const struct {
		const char *from, *to, *needle;
	} cases[] = {
		{ "<bundle>", "<bundle><!-- unsigned -->",
		  "manifest.xml: has a comment at line 3 "
		  "(exhibit writes none)" },
		{ "</manifest>", "</manifest>\n<!-- after the end -->",
		  "manifest.xml: has a comment at line" },
		{ "<manifest ", "<!-- before the root -->\n<manifest ",
		  "manifest.xml: has a comment at line 2" },
		{ "<manifest ", "<?xml-stylesheet href=\"x.xsl\"?>\n<manifest ",
		  "manifest.xml: has a processing instruction at line 2 "
		  "(exhibit writes none)" },
		{ "<operator>Jo Smith", "<operator><?pi x?>Jo Smith",
		  "manifest.xml: has a processing instruction at line" },
		{ "<operator>Jo Smith", "<operator><![CDATA[Jo Smith]]>",
		  "manifest.xml: has a CDATA section at line" },
	};
	size_t len, i;
	char *xml, *bom;
	ex_manifest *m = NULL;
	ex_error err;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xml = edited(cases[i].from, cases[i].to, &len);
		expect_refused(xml, len, EX_ERR_FORMAT, cases[i].needle);
		free(xml);
	}
	/* The same document without the byte-order mark reads. */
	xml = edited("<manifest ", "<manifest ", &len);
	assert_int_equal(ex_manifest_parse(xml, len, &m, &err), EX_OK);
	ex_manifest_free(&m);
	assert_non_null(bom = malloc(len + 3));
	memcpy(bom, "\xef\xbb\xbf", 3);
	memcpy(bom + 3, xml, len);
	expect_refused(bom, len + 3, EX_ERR_FORMAT,
	    "manifest.xml: starts with a byte-order mark (exhibit writes none)");
	free(bom);
	free(xml);
}

/* Bytes are UTF-8, and the declaration may say nothing else. */
void
test_not_utf8_refused(void **state)
{
	static const struct {
		const char *from, *to, *needle;
	} cases[] = {
		{ "Jo Smith", "Jo \xff Smith",
		  "manifest.xml: not valid UTF-8 (byte " },
		/* An overlong '/', a surrogate, above U+10FFFF, Latin-1. */
		{ "Jo Smith", "Jo \xc0\xaf Smith", "not valid UTF-8" },
		{ "Jo Smith", "Jo \xed\xa0\x80 Smith", "not valid UTF-8" },
		{ "Jo Smith", "Jo \xf4\x90\x80\x80 Smith", "not valid UTF-8" },
		{ "Jo Smith", "Jo \xe9", "not valid UTF-8" },
		{ "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"",
		  "manifest.xml: declares encoding 'ISO-8859-1' "
		  "(only UTF-8 is read)" },
		{ "encoding=\"UTF-8\"", "encoding='UTF-16'",
		  "declares encoding 'UTF-16'" },
		{ "version=\"1.0\"", "version=\"1.1\"",
		  "manifest.xml: declares XML version '1.1' "
		  "(only 1.0 is read)" },
	};
	size_t len, i;
	char *xml;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xml = edited(cases[i].from, cases[i].to, &len);
		expect_refused(xml, len, EX_ERR_FORMAT, cases[i].needle);
		free(xml);
	}
}

void
test_libxml2_is_silent(void **state)
{
	char dir[1024], path[1100];
	ex_manifest *m = NULL;
	int fd, saved;
	struct stat st;
	size_t len;
	char *xml;

	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "test_manifest"), 0);
	snprintf(path, sizeof(path), "%s/stderr", dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	assert_int_equal(ex_manifest_parse("<a><b></a>", 10, &m, NULL),
	    EX_ERR_FORMAT);
	xml = edited("<operator>Jo Smith", "<operator>&x;", &len);
	assert_int_equal(ex_manifest_parse(xml, len, &m, NULL), EX_ERR_FORMAT);
	free(xml);
	xml = edited("<case>CASE-2024/1027</case>", "", &len);
	assert_int_equal(ex_manifest_parse(xml, len, &m, NULL), EX_ERR_FORMAT);
	free(xml);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	scratch_remove(dir);
	assert_int_equal(st.st_size, 0);
}
