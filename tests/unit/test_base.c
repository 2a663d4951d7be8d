/* test_base.c — the base layer (src/lib/base.h): the string buffer, array
 * growth, tree removal and sibling temporary names. */
#include "config.h"

#include <errno.h>
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

#include "base.h"
#include "scratch.h"

static char dir[4096];

static const char *
at(const char *name)
{
	static char path[8192];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static int
setup(void **state)
{
	(void)state;
	return scratch_make(dir, sizeof(dir), "test_base");
}

static int
teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

static void
test_buf(void **state)
{
	base_buf b = BASE_BUF_INIT;
	char *s;
	int i;

	(void)state;
	s = base_buf_take(&b);          /* nothing added: "" */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	base_buf_adds(&b, "camera ");
	base_buf_printf(&b, "%d of %s", 3, "4");
	base_buf_addc(&b, '.');
	assert_string_equal(b.data, "camera 3 of 4.");
	assert_int_equal(b.len, strlen("camera 3 of 4."));
	base_buf_truncate(&b, 6);
	assert_string_equal(b.data, "camera");
	for (i = 0; i < 10000; i++)     /* grows past many doublings */
		base_buf_add(&b, "0123456789", 10);
	assert_int_equal(b.len, 6 + 100000);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(base_buf_status(&b, NULL), EX_OK);
	s = base_buf_take(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_memory_equal(s + 6, "0123456789", 10);
	free(s);
	base_buf_free(&b);
	base_buf_free(NULL);
}

static void
test_buf_failed(void **state)
{
	base_buf b = BASE_BUF_INIT;
	ex_error err;

	(void)state;
	base_buf_adds(&b, "kept");
	b.failed = 1;                   /* as after a failed allocation */
	base_buf_adds(&b, " dropped");
	assert_string_equal(b.data, "kept");
	assert_true(base_buf_failed(&b));
	assert_int_equal(base_buf_status(&b, &err), EX_ERR_NOMEM);
	assert_string_equal(err.message, "out of memory");
	assert_null(base_buf_take(&b)); /* a failed buffer gives nothing */
	assert_null(b.data);
}

static void
test_grow(void **state)
{
	int *a = NULL;
	size_t cap = 0, i;

	(void)state;
	assert_int_equal(BASE_GROW(a, cap, 1), 0);
	assert_int_equal(cap, 16);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(BASE_GROW(a, cap, i + 1), 0);
		a[i] = (int)i;
	}
	assert_true(cap >= 1000);
	assert_int_equal(a[999], 999);
	/* an overflowing request fails and leaves the array as it was */
	i = cap;
	assert_int_equal(base_grow(&a, &cap, SIZE_MAX / 2, sizeof(*a), 16),
	    -1);
	assert_int_equal(cap, i);
	assert_int_equal(a[999], 999);
	free(a);
}

static void
test_remove_tree(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(mkdir(at("t"), 0700), 0);
	assert_int_equal(mkdir(at("t/sub"), 0700), 0);
	assert_int_equal(mkdir(at("outside"), 0700), 0);
	fd = open(at("outside/kept"), O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	fd = open(at("t/sub/f"), O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* a link inside is removed, not followed */
	assert_int_equal(symlink("../outside", at("t/link")), 0);
	assert_int_equal(base_remove_tree(at("t")), 0);
	assert_int_equal(access(at("t"), F_OK), -1);
	assert_int_equal(access(at("outside/kept"), F_OK), 0);
	/* a missing tree is no error */
	assert_int_equal(base_remove_tree(at("t")), 0);
}

static void
test_sibling(void **state)
{
	char *tmp = NULL;
	ex_error err;
	int fd = -1;

	(void)state;
	assert_int_equal(base_sibling_file(at("bundle.zip"), "partial", &tmp,
	    &fd, &err), EX_OK);
	assert_true(fd >= 0);
	assert_non_null(strstr(tmp, "/.bundle.zip.partial-"));
	close(fd);
	unlink(tmp);
	free(tmp);
	assert_int_equal(base_sibling_dir(at("ABC_1"), "partial", &tmp,
	    &err), EX_OK);
	assert_non_null(strstr(tmp, "/.ABC_1.partial-"));
	rmdir(tmp);
	free(tmp);
	/* a folder that does not exist: named, with the reason */
	assert_int_equal(base_sibling_file(at("nowhere/x.zip"), "partial",
	    &tmp, &fd, &err), EX_ERR_IO);
	assert_null(tmp);
	assert_non_null(strstr(err.message, "nowhere/x.zip: cannot make a "
	    "temporary file beside it: No such file or directory"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_failed),
		cmocka_unit_test(test_grow),
		cmocka_unit_test_setup_teardown(test_remove_tree, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sibling, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
