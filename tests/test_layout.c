/* A layout from maps, stat and auxv read from files: which mapping is the executable (the
 * one AT_ENTRY lies in) and which the loader (at AT_BASE), every other file named by the
 * rules of layout.h (lower case, [a-z0-9_], 32 characters, clashes "_2" in path order,
 * " (deleted)" dropped), each at the lowest of its mappings; a static program (no
 * AT_BASE, no thread pointer) has no ld and no tls; the limit on files is loud. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "layout.h"
#include "test_util.h"

#define ODD ASLR_TEST_DATA "/maps/odd-names.maps"

static const struct proc_stat stat_fields = { 0x7ffc00020b30, 0x55555557a000, 0x7ffc00020fa0 };

struct fixture {
	struct maps maps;
	struct proc_buf buf;
	struct layout layout;
	struct aslr_error err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f && maps_read(&f->maps, &f->buf, ODD, &f->err) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	maps_free(&f->maps);
	proc_buf_free(&f->buf);
	layout_free(&f->layout);
	free(f);
	return 0;
}

static void assert_regions(const struct record *rec, const char *const *names, const uint64_t *values, unsigned n)
{
	assert_int_equal(rec->count, n);
	for (unsigned i = 0; i < n; i++) {
		if (rec->name_len[i] != strlen(names[i]) || memcmp(rec->name[i], names[i], rec->name_len[i]) != 0)
			fail_msg("region %u is %.*s, expected %s", i, (int)rec->name_len[i], rec->name[i], names[i]);
		if (rec->value[i] != values[i])
			fail_msg("%s is 0x%llx, expected 0x%llx", names[i], (unsigned long long)rec->value[i],
				 (unsigned long long)values[i]);
		assert_true(record_name_valid(rec->name[i], rec->name_len[i]));
	}
}

static void test_dynamic(void **state)
{
	struct fixture *f = *state;
	struct proc_auxv auxv = { 0x555555556100, 0x7f0000058000, 0x7f0000056000 };
	static const char *const names[] = {
		"exe", "ld", "vdso", "vvar", "stack", "argv", "brk", "tls",
		"lib_memfd_jit",                    /* /memfd:jit (deleted) */
		"lib_libdup_so",                    /* /opt/a/libdup.so */
		"lib_libdup_so_2",                  /* /opt/b/libdup.so: the same name, later path */
		"lib_libc___with_spaces_so",        /* /usr/lib/libc++ with spaces.so */
		"lib_libplugin_so_1",               /* /usr/lib/libplugin.so.1 (deleted) */
		"lib_libwithaverylongfilenamethat", /* ...thatDIFFERS.so, cut to 32 */
		"lib_libwithaverylongfilenameth_2", /* ...thatgoesonandon.so.3: the same cut name */
		"lib_libc_so_6",                    /* mapped twice, apart: the lower one */
	};
	static const uint64_t values[] = {
		0x555555554000, 0x7f0000058000, 0x7f0000056000, 0x7f0000050000, 0x7ffc00020b30, 0x7ffc00020fa0,
		0x55555557a000, 0x7f00000020c0, 0x7f0000042000, 0x7f0000005000, 0x7f0000004000, 0x7f0000006000,
		0x7f0000000000, 0x7f0000041000, 0x7f0000040000, 0x7f0000010000,
	};

	assert_int_equal(layout_build(&f->layout, &(struct layout_facts){ &f->maps, &stat_fields, &auxv, 0x7f00000020c0 },
				      &f->err), 0);
	assert_regions(&f->layout.rec, names, values, sizeof(names) / sizeof(names[0]));
}

/* No loader, no thread pointer yet: the executable is all there is of the program. */
static void test_static(void **state)
{
	struct fixture *f = *state;
	struct proc_auxv auxv = { 0x555555556100, 0, 0x7f0000056000 };

	assert_int_equal(layout_build(&f->layout, &(struct layout_facts){ &f->maps, &stat_fields, &auxv, 0 }, &f->err), 0);
	assert_int_equal(f->layout.rec.count, 6 + 9); /* no ld, no tls; the loader's file is a library now */
	assert_memory_equal(f->layout.rec.name[1], "vdso", 4);
	assert_memory_equal(f->layout.rec.name[6], "lib_", 4);
}

static void test_entry_nowhere(void **state)
{
	struct fixture *f = *state;
	struct proc_auxv outside = { 0x555555559100, 0, 0 }; /* in [heap]: no file */
	struct proc_auxv no_loader = { 0x555555556100, 0x7f0000057000, 0 };

	assert_int_equal(layout_build(&f->layout, &(struct layout_facts){ &f->maps, &stat_fields, &outside, 0 }, &f->err),
			 -EINVAL);
	assert_non_null(strstr(f->err.text, "lies in no mapped file"));
	assert_int_equal(layout_build(&f->layout, &(struct layout_facts){ &f->maps, &stat_fields, &no_loader, 0 }, &f->err),
			 -EINVAL);
	assert_non_null(strstr(f->err.text, "interpreter's base"));
}

static void test_names(void **state)
{
	char name[RECORD_NAME_MAX + 1];

	(void)state;
	layout_file_name("/lib/x86_64-linux-gnu/libstdc++.so.6", 36, name);
	assert_string_equal(name, "lib_libstdc___so_6");
	layout_file_name("/opt/Qt/libQt5Core.so.5 (deleted)", 33, name);
	assert_string_equal(name, "lib_libqt5core_so_5");
	layout_file_name("/noslash-here/", 14, name); /* an empty base name still makes a valid name */
	assert_string_equal(name, "lib_");
	assert_true(record_name_valid(name, strlen(name)));
}

/* More files than a record holds: refused with the count, not cut silently. */
static void test_too_many_files(void **state)
{
	struct fixture *f = *state;
	size_t size = 300 * 120, n = 0;
	char *text = malloc(size);
	struct maps maps = { 0 };
	struct proc_auxv auxv = { 0x1000, 0, 0 };

	for (unsigned i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, size - n, "%x-%x r--p 0 fe:00 %u /lib/lib%u.so\n", (i + 1) * 0x1000,
				      (i + 2) * 0x1000, i + 1, i);
	assert_int_equal(maps_parse(&maps, text, n, "many", &f->err), 0);
	assert_int_equal(layout_build(&f->layout, &(struct layout_facts){ &maps, &stat_fields, &auxv, 0 }, &f->err),
			 -E2BIG);
	assert_non_null(strstr(f->err.text, "it maps 300 files"));
	maps_free(&maps);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dynamic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_nowhere, setup, teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_too_many_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
