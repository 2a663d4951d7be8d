/*
 * test_custody_add.c — rewriting a bundle without touching its payload
 * (bundle/copy.c) and the custody jobs on top of it (custody_add.c).
 *
 * The copy tests make small bundles with the writer and compare old and
 * new entry by entry through libarchive: same names in the same order,
 * same bytes and mtimes, except custody.xml (replaced) and
 * tagmanifest-sha256.txt; bag-info.txt and manifest-sha256.txt come out
 * byte-identical.  The job tests export from samples/archive.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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

#include <archive.h>
#include <archive_entry.h>

#include "exhibit/bundle.h"
#include "exhibit/custody_add.h"
#include "exhibit/export.h"
#include "exhibit/hash.h"
#include "exhibit/verify.h"
#include "scratch.h"

#define MTIME INT64_C(1729990800)
#define REF "EX/2024 001"
#define TOP "EX_2024_001"
#define BIG ((size_t)3 << 19)           /* 1.5 MiB: more than one chunk */

typedef struct work {
	char dir[PATH_MAX / 4];
	char a[PATH_MAX], b[PATH_MAX];
} work;

static int
setup(void **state)
{
	work *w = calloc(1, sizeof(*w));

	if (w == NULL || scratch_make(w->dir, sizeof(w->dir), "test_custody_add") != 0)
		return -1;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	work *w = *state;

	scratch_remove(w->dir);
	free(w);
	return 0;
}

/* 1 when a name starting with prefix-ish temp markers is left in dir. */
static int
temp_left(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".rewrite-") != NULL ||
		    strstr(de->d_name, ".custody-") != NULL ||
		    strstr(de->d_name, ".partial-") != NULL)
			found = 1;
	}
	closedir(d);
	return found;
}

static const ex_bag_field fields[] = {
	{ "Source-Organization", "Town Hall: CCTV" },
	{ "External-Identifier", REF },
};

static void
make_bundle(const char *path, ex_container kind, const char *custody)
{
	ex_bundle_options opt;
	ex_bundle_writer *wr = NULL;
	unsigned char *big = malloc(BIG);
	ex_error err;
	size_t i;

	assert_non_null(big);
	for (i = 0; i < BIG; i++)
		big[i] = (unsigned char)((i * 2654435761u) >> 13);
	memset(&opt, 0, sizeof(opt));
	opt.mtime = MTIME;
	opt.bag_info = fields;
	opt.nbag_info = 2;
	opt.bag_size = 1;
	assert_int_equal(ex_bundle_writer_open(path, kind, REF, &opt, &wr,
	    &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(wr, "data/cam1/a.bin", big, BIG,
	    NULL, &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(wr, "data/README.txt", "hello\n",
	    6, NULL, &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(wr, "manifest.xml", "<m/>\n", 5,
	    NULL, &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(wr, "custody.xml", custody,
	    strlen(custody), NULL, &err), EX_OK);
	assert_int_equal(ex_bundle_add_buffer(wr, "data/z.txt", "last\n", 5,
	    NULL, &err), EX_OK);
	assert_int_equal(ex_bundle_finish(wr, &err), EX_OK);
	ex_bundle_writer_free(&wr);
	free(big);
}

/* Every entry of an archive: "name sha256-hex mtime type" lines. */
static char *
listing(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char *out = NULL, buf[65536], hex[EX_SHA256_HEX], line[1024];
	size_t outlen = 0;
	ex_digest d;
	ex_digest_result r;
	la_ssize_t n;

	assert_non_null(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 65536),
	    ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		assert_int_equal(ex_digest_init(&d, NULL), EX_OK);
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			ex_digest_update(&d, buf, (size_t)n);
		assert_true(n == 0);
		ex_digest_final(&d, &r);
		snprintf(line, sizeof(line), "%s %s %lld %o\n",
		    archive_entry_pathname(ae), ex_sha256_hex(r.sha256, hex),
		    (long long)archive_entry_mtime(ae),
		    (unsigned)archive_entry_filetype(ae));
		out = realloc(out, outlen + strlen(line) + 1);
		assert_non_null(out);
		memcpy(out + outlen, line, strlen(line) + 1);
		outlen += strlen(line);
	}
	archive_read_free(a);
	return out;
}

/* The line of listing l for entry name (without the name), or NULL. */
static char *
line_of(const char *l, const char *name)
{
	char pat[256];
	const char *p;

	snprintf(pat, sizeof(pat), "%s ", name);
	for (p = l; p != NULL && *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, pat, strlen(pat)) == 0)
			return strndup(p, (size_t)(strchr(p, '\n') - p));
		if (strchr(p, '\n') == NULL)
			break;
	}
	return NULL;
}

/* Line l of a listing without its mtime field ("name sha256 type"). */
static void
drop_mtime(char *l)
{
	char *m = strchr(l, ' '), *t;

	assert_non_null(m);
	m = strchr(m + 1, ' ');
	assert_non_null(m);
	t = strchr(m + 1, ' ');
	assert_non_null(t);
	memmove(m, t, strlen(t) + 1);
}

struct seen {
	char names[16][64];
	int n;
};

static ex_status
record(void *user, const char *bag_path, const ex_digest_result *d,
    ex_error *err)
{
	struct seen *s = user;

	(void)d;
	(void)err;
	if (s->n < 16)
		snprintf(s->names[s->n++], 64, "%s", bag_path);
	return EX_OK;
}

static void
copy_one(void **state, ex_container kind, const char *ext)
{
	work *w = *state;
	ex_bundle_writer *wr = NULL;
	ex_bundle_options opt;
	ex_bundle_replacement repl = { "custody.xml", "<new/>\n", 7 };
	ex_bag_field *f = NULL;
	size_t nf = 0, len;
	int bag_size = 0;
	int64_t mtime = 0;
	char *info = NULL, *la, *lb, *x, *y;
	struct seen seen;
	ex_error err;
	char name[128];

	snprintf(w->a, sizeof(w->a), "%s/old.%s", w->dir, ext);
	snprintf(w->b, sizeof(w->b), "%s/new.%s", w->dir, ext);
	make_bundle(w->a, kind, "<old/>\n");
	assert_int_equal(ex_bundle_read_file(w->a, "bag-info.txt", 4096,
	    &info, &len, &mtime, &err), EX_OK);
	assert_int_equal(mtime, MTIME);
	assert_int_equal(ex_bundle_bag_info_parse(info, len, &f, &nf,
	    &bag_size, &err), EX_OK);
	assert_int_equal(nf, 2);
	assert_int_equal(bag_size, 1);
	memset(&opt, 0, sizeof(opt));
	opt.mtime = mtime;
	opt.bag_info = f;
	opt.nbag_info = nf;
	opt.bag_size = bag_size;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(ex_bundle_writer_open(w->b, kind, TOP, &opt, &wr,
	    &err), EX_OK);
	assert_int_equal(ex_bundle_copy(w->a, wr, &repl, 1, record, &seen,
	    &err), EX_OK);
	assert_int_equal(ex_bundle_finish(wr, &err), EX_OK);
	ex_bundle_writer_free(&wr);

	/* The check saw the five files, never the writer's tag files. */
	assert_int_equal(seen.n, 5);
	if (kind != EX_CONTAINER_ISO) {
		assert_string_equal(seen.names[0], "data/cam1/a.bin");
		assert_string_equal(seen.names[3], "custody.xml");
		assert_string_equal(seen.names[4], "data/z.txt");
	}

	la = listing(w->a);
	lb = listing(w->b);
	/* Same entries in the same order; lines differ only for these. */
	{
		const char *p = la, *q = lb;

		while (*p != '\0' && *q != '\0') {
			size_t n1 = strcspn(p, " "), n2 = strcspn(q, " ");

			assert_int_equal(n1, n2);
			assert_memory_equal(p, q, n1);
			snprintf(name, sizeof(name), "%.*s", (int)n1, p);
			if (strstr(name, "custody.xml") == NULL &&
			    strstr(name, "tagmanifest-sha256.txt") == NULL) {
				x = line_of(la, name);
				y = line_of(lb, name);
				assert_non_null(x);
				assert_non_null(y);
				/* An ISO's root directory record carries the
				 * time it was written (libarchive sets it, not
				 * the writer), which differs between two ISOs
				 * made in different seconds. */
				if (kind == EX_CONTAINER_ISO &&
				    strcmp(name, ".") == 0) {
					drop_mtime(x);
					drop_mtime(y);
				}
				assert_string_equal(x, y);
				free(x);
				free(y);
			}
			p = strchr(p, '\n') + 1;
			q = strchr(q, '\n') + 1;
		}
		assert_int_equal(*p, '\0');
		assert_int_equal(*q, '\0');
	}
	x = line_of(la, TOP "/custody.xml");
	y = line_of(lb, TOP "/custody.xml");
	assert_non_null(x);
	assert_non_null(y);
	assert_string_not_equal(x, y);
	free(x);
	free(y);
	/* bag-info.txt and manifest-sha256.txt byte-identical. */
	x = line_of(la, TOP "/bag-info.txt");
	y = line_of(lb, TOP "/bag-info.txt");
	assert_non_null(x);
	assert_string_equal(x, y);
	free(x);
	free(y);
	x = line_of(la, TOP "/manifest-sha256.txt");
	y = line_of(lb, TOP "/manifest-sha256.txt");
	assert_non_null(x);
	assert_string_equal(x, y);
	free(x);
	free(y);
	free(la);
	free(lb);
	free(info);
	info = NULL;
	assert_int_equal(ex_bundle_read_file(w->b, "custody.xml", 4096, &info,
	    &len, NULL, &err), EX_OK);
	assert_string_equal(info, "<new/>\n");
	free(info);
	ex_bundle_bag_info_free(&f, nf);
	assert_null(f);
}

static void test_copy_zip(void **state) { copy_one(state, EX_CONTAINER_ZIP, "zip"); }
static void test_copy_tar(void **state) { copy_one(state, EX_CONTAINER_TAR, "tar"); }
static void test_copy_iso(void **state) { copy_one(state, EX_CONTAINER_ISO, "iso"); }

static void
test_copy_refusals(void **state)
{
	work *w = *state;
	ex_bundle_writer *wr = NULL;
	ex_bundle_options opt;
	ex_bundle_replacement repl = { "nope.xml", "x", 1 };
	char *data = NULL;
	size_t len;
	ex_error err;

	snprintf(w->a, sizeof(w->a), "%s/old.zip", w->dir);
	snprintf(w->b, sizeof(w->b), "%s/new.zip", w->dir);
	make_bundle(w->a, EX_CONTAINER_ZIP, "<old/>\n");
	memset(&opt, 0, sizeof(opt));
	assert_int_equal(ex_bundle_writer_open(w->b, EX_CONTAINER_ZIP, TOP,
	    &opt, &wr, &err), EX_OK);
	assert_int_equal(ex_bundle_copy(w->a, wr, &repl, 1, NULL, NULL, &err),
	    EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "no file nope.xml in the bundle"));
	ex_bundle_writer_free(&wr);
	assert_int_equal(access(w->b, F_OK), -1);
	assert_false(temp_left(w->dir));
	/* Reading a file that is not there, or too large. */
	assert_int_equal(ex_bundle_read_file(w->a, "nope.xml", 100, &data,
	    &len, NULL, &err), EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "no file nope.xml"));
	assert_int_equal(ex_bundle_read_file(w->a, "data/cam1/a.bin", 100,
	    &data, &len, NULL, &err), EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "larger than 100 bytes"));
	assert_null(data);
}

static void
test_bag_info_parse(void **state)
{
	const char *ok = "A: 1\nB-Label: x: y\nPayload-Oxum: 5.1\n"
	    "Bag-Size: 5 bytes\nC: \xc3\xa9t\xc3\xa9\n";
	ex_bag_field *f = NULL;
	size_t n = 0;
	int bs = 0;
	ex_error err;

	(void)state;
	assert_int_equal(ex_bundle_bag_info_parse(ok, strlen(ok), &f, &n, &bs,
	    &err), EX_OK);
	assert_int_equal(n, 3);
	assert_int_equal(bs, 1);
	assert_string_equal(f[0].label, "A");
	assert_string_equal(f[1].label, "B-Label");
	assert_string_equal(f[1].value, "x: y");
	assert_string_equal(f[2].value, "\xc3\xa9t\xc3\xa9");
	ex_bundle_bag_info_free(&f, n);
	assert_int_equal(ex_bundle_bag_info_parse("A: 1\n  more\n", 12, &f, &n,
	    &bs, &err), EX_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.message, "line 2"));
	assert_null(f);
	assert_int_equal(ex_bundle_bag_info_parse("A: 1", 4, &f, &n, &bs,
	    &err), EX_ERR_UNSUPPORTED);
	assert_non_null(strstr(err.message, "newline"));
	assert_int_equal(ex_bundle_bag_info_parse("A:1\n", 4, &f, &n, &bs,
	    &err), EX_ERR_UNSUPPORTED);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 16) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
test_dir_replace(void **state)
{
	work *w = *state;
	ex_bundle_replacement repl = { "custody.xml", "<new/>\n", 7 };
	char p[PATH_MAX + 64], *tm0, *tm1, *info0, *info1, *c, hex[EX_SHA256_HEX];
	struct stat s0, s1, r1;
	ex_digest_result d;
	ex_error err;

	snprintf(w->a, sizeof(w->a), "%s/bag", w->dir);
	make_bundle(w->a, EX_CONTAINER_DIR, "<old/>\n");
	snprintf(p, sizeof(p), "%s/data/cam1/a.bin", w->a);
	assert_int_equal(stat(p, &s0), 0);
	snprintf(p, sizeof(p), "%s/tagmanifest-sha256.txt", w->a);
	tm0 = slurp(p);
	snprintf(p, sizeof(p), "%s/bag-info.txt", w->a);
	info0 = slurp(p);

	assert_int_equal(ex_bundle_dir_replace(w->a, &repl, 1, NULL, NULL,
	    &err), EX_OK);
	/* The payload is the same file (a hard link), untouched. */
	snprintf(p, sizeof(p), "%s/data/cam1/a.bin", w->a);
	assert_int_equal(stat(p, &s1), 0);
	assert_int_equal(s0.st_ino, s1.st_ino);
	assert_int_equal(s1.st_nlink, 1);       /* the old tree is gone */
	assert_int_equal(s1.st_mtime, MTIME);
	snprintf(p, sizeof(p), "%s/custody.xml", w->a);
	c = slurp(p);
	assert_string_equal(c, "<new/>\n");
	free(c);
	assert_int_equal(stat(p, &s1), 0);
	assert_int_equal(s1.st_mtime, MTIME);
	assert_int_equal(s1.st_mode & 0777, 0644);
	assert_int_equal(stat(w->a, &r1), 0);
	assert_int_equal(r1.st_mtime, MTIME);
	assert_int_equal(r1.st_mode & 0777, 0755);
	snprintf(p, sizeof(p), "%s/bag-info.txt", w->a);
	info1 = slurp(p);
	assert_string_equal(info0, info1);
	/* The tag manifest: only custody.xml's line changed, to its hash. */
	snprintf(p, sizeof(p), "%s/tagmanifest-sha256.txt", w->a);
	tm1 = slurp(p);
	assert_int_equal(strlen(tm0), strlen(tm1));
	assert_string_not_equal(tm0, tm1);
	ex_digest_buffer("<new/>\n", 7, &d);
	snprintf(p, sizeof(p), "%s  custody.xml\n", ex_sha256_hex(d.sha256,
	    hex));
	assert_non_null(strstr(tm1, p));
	ex_digest_buffer("<old/>\n", 7, &d);
	snprintf(p, sizeof(p), "%s  custody.xml\n", ex_sha256_hex(d.sha256,
	    hex));
	assert_non_null(strstr(tm0, p));
	assert_false(temp_left(w->dir));
	free(tm0);
	free(tm1);
	free(info0);
	free(info1);
}

static void
test_dir_replace_refusals(void **state)
{
	work *w = *state;
	ex_bundle_replacement other = { "other.xml", "x", 1 };
	ex_bundle_replacement payload = { "data/README.txt", "x", 1 };
	char p[PATH_MAX + 64], *c;
	ex_error err;

	snprintf(w->a, sizeof(w->a), "%s/bag", w->dir);
	make_bundle(w->a, EX_CONTAINER_DIR, "<old/>\n");
	assert_int_equal(ex_bundle_dir_replace(w->a, &other, 1, NULL, NULL,
	    &err), EX_ERR_FORMAT);
	assert_non_null(strstr(err.message, "does not list other.xml"));
	assert_int_equal(ex_bundle_dir_replace(w->a, &payload, 1, NULL, NULL,
	    &err), EX_ERR_USAGE);
	assert_non_null(strstr(err.message, "payload is never rewritten"));
	assert_false(temp_left(w->dir));
	snprintf(p, sizeof(p), "%s/custody.xml", w->a);
	c = slurp(p);
	assert_string_equal(c, "<old/>\n");
	free(c);
}

/* ---- the job, on a real export -------------------------------------- */

static void
export_bundle(const char *out, ex_container kind, const ex_seckey *key)
{
	static const char *const cams[] = { "cam1" };
	ex_export_request req;
	ex_export_result *res = NULL;
	char archive[PATH_MAX];
	ex_error err;

	snprintf(archive, sizeof(archive), "%s/samples/archive", TEST_SRCDIR);
	memset(&req, 0, sizeof(req));
	req.archive = archive;
	req.output = out;
	req.cameras = cams;
	req.ncameras = 1;
	assert_int_equal(ex_time_parse("2024-10-27T01:00:00Z", NULL, &req.from,
	    &err), EX_OK);
	req.to = req.from + 2 * EX_USEC_PER_SEC;
	req.case_ref = "C-1";
	req.exhibit_ref = "ABC/1";
	req.operator_name = "Jo Bloggs";
	req.container = kind;
	req.no_working = 1;
	req.crf = -1;
	req.jobs = 1;
	req.key = key;
	req.now = INT64_C(1730000000) * EX_USEC_PER_SEC;
	if (ex_export(&req, &res, &err) != EX_OK)
		fail_msg("export: %s", err.message);
	ex_export_result_free(&res);
}

static void
test_custody_add_job(void **state)
{
	work *w = *state;
	ex_seckey *k1 = NULL, *k2 = NULL;
	ex_pubkey p[2];
	ex_verify_report *r = NULL;
	ex_custody *log = NULL;
	ex_custody_report rep;
	uint64_t seq = 0;
	ex_error err;
	ex_instant now = INT64_C(1730086400) * EX_USEC_PER_SEC;

	assert_int_equal(ex_key_generate(&k1, &err), EX_OK);
	assert_int_equal(ex_key_generate(&k2, &err), EX_OK);
	ex_seckey_pubkey(k1, &p[0]);
	ex_seckey_pubkey(k2, &p[1]);
	snprintf(w->a, sizeof(w->a), "%s/b.zip", w->dir);
	export_bundle(w->a, EX_CONTAINER_ZIP, k1);

	assert_int_equal(ex_custody_add(w->a, k2, "PC Smith", "", NULL, now,
	    &seq, &err), EX_ERR_USAGE);
	assert_int_equal(ex_custody_add(w->a, k2, "PC Smith", "received",
	    "sealed bag", now, &seq, &err), EX_OK);
	assert_int_equal(seq, 2);
	assert_false(temp_left(w->dir));

	assert_int_equal(ex_verify(w->a, p, 2, &r, &err), EX_OK);
	assert_true(r->passed);
	assert_int_equal(r->custody.nevents, 2);
	ex_verify_report_free(&r);
	/* Only the exporter's key: intact evidence from a trusted exporter
	 * passes, event 2's signer unverified (no problem); EX_VERIFY_STRICT
	 * demands every signer. */
	assert_int_equal(ex_verify(w->a, p, 1, &r, &err), EX_OK);
	assert_true(r->intact);
	assert_true(r->passed);
	assert_false(r->trusted);
	assert_false(r->custody.events[1].trusted);
	assert_int_equal(r->custody_unverified, 1);
	assert_int_equal(r->nproblems, 0);
	assert_non_null(r->custody_log);
	assert_string_equal(r->custody_log->events[1].actor, "PC Smith");
	ex_verify_report_free(&r);
	assert_int_equal(ex_verify_flags(w->a, p, 1, EX_VERIFY_STRICT, &r,
	    &err), EX_OK);
	assert_true(r->intact);
	assert_false(r->passed);
	assert_int_equal(r->nproblems, 1);
	assert_int_equal(r->problems[0].kind, EX_VERIFY_UNTRUSTED);
	assert_non_null(strstr(r->problems[0].message, "custody event 2: "));
	ex_verify_report_free(&r);
	/* Only the custody signer's key: the exporter is untrusted. */
	assert_int_equal(ex_verify(w->a, &p[1], 1, &r, &err), EX_OK);
	assert_true(r->intact);
	assert_false(r->passed);
	assert_false(r->signer_trusted);
	ex_verify_report_free(&r);

	assert_int_equal(ex_custody_show(w->a, &p[1], 1, &log, &rep, &err),
	    EX_OK);
	assert_int_equal(log->nevents, 2);
	assert_string_equal(log->events[1].actor, "PC Smith");
	assert_string_equal(log->events[1].action, "received");
	assert_string_equal(log->events[1].note, "sealed bag");
	assert_true(log->events[1].time == now);
	assert_true(rep.intact);
	assert_false(rep.events[0].trusted);
	assert_true(rep.events[1].trusted);
	ex_custody_report_free(&rep);
	ex_custody_free(&log);
	ex_seckey_free(&k1);
	ex_seckey_free(&k2);
}

static void
test_custody_add_refuses_tampered(void **state)
{
	work *w = *state;
	ex_seckey *k1 = NULL;
	char p[PATH_MAX + 64], *before, *after;
	FILE *fp;
	ex_error err;

	assert_int_equal(ex_key_generate(&k1, &err), EX_OK);
	snprintf(w->a, sizeof(w->a), "%s/b.dir", w->dir);
	export_bundle(w->a, EX_CONTAINER_DIR, k1);
	snprintf(p, sizeof(p), "%s/data/README.txt", w->a);
	assert_non_null(fp = fopen(p, "ab"));
	fputs("x", fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s/custody.xml", w->a);
	before = slurp(p);
	assert_int_equal(ex_custody_add(w->a, k1, "X", "received", NULL, 0,
	    NULL, &err), EX_ERR_VERIFY);
	assert_non_null(strstr(err.message, "not intact, refusing to extend "
	    "its custody log"));
	assert_non_null(strstr(err.message, "data/README.txt"));
	after = slurp(p);
	assert_string_equal(before, after);
	assert_false(temp_left(w->dir));
	free(before);
	free(after);
	ex_seckey_free(&k1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_zip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_iso, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_refusals, setup,
		    teardown),
		cmocka_unit_test(test_bag_info_parse),
		cmocka_unit_test_setup_teardown(test_dir_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dir_replace_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_custody_add_job, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_custody_add_refuses_tampered, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
