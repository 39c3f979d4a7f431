/* The strict readers of /proc/PID/maps, stat and auxv, fed files and texts: odd file
 * names (spaces, " (deleted)", a path of 4000 characters), every way a line can be
 * wrong (with its line and column), a comm with spaces and parentheses, fields that
 * are missing or not numbers, auxv vectors of both word sizes; and this process's own
 * files, which must parse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
#include <cmocka.h>

#include "maps.h"
#include "procfs.h"
#include "test_util.h"

#define ODD ASLR_TEST_DATA "/maps/odd-names.maps"

static int path_is(const struct map_entry *e, const char *path)
{
	return e->path && e->path_len == strlen(path) && memcmp(e->path, path, e->path_len) == 0;
}

static void test_odd_names(void **state)
{
	struct maps maps = { 0 };
	struct proc_buf buf = { 0 };
	struct aslr_error err;
	const struct map_entry *e;

	(void)state;
	assert_int_equal(maps_read(&maps, &buf, ODD, &err), 0);
	assert_int_equal(maps.count, 24);
	e = &maps.entry[0];
	assert_true(e->start == 0x555555554000 && e->end == 0x555555556000 && e->offset == 0 && e->inode == 100);
	assert_string_equal(e->perms, "r--p");
	assert_true(e->dev_major == 0xfe && e->dev_minor == 0);
	assert_true(path_is(e, "/opt/My App/bin/server")); /* spaces inside a path */
	assert_true(path_is(&maps.entry[4], "/usr/lib/libplugin.so.1 (deleted)"));
	assert_null(maps.entry[6].path); /* anonymous: the line ends with the inode's space */
	assert_true(map_entry_is(&maps.entry[3], "[heap]") && !map_entry_is_file(&maps.entry[3]));
	assert_true(map_entry_is_file(&maps.entry[15])); /* /memfd:jit (deleted): a path and an inode */
	e = &maps.entry[14];
	assert_true(e->dev_major == 0x103 && e->dev_minor == 2 && e->perms[3] == 's');
	e = &maps.entry[23];
	assert_true(e->start == 0xffffffffff600000 && map_entry_is(e, "[vsyscall]"));
	maps_free(&maps);
	proc_buf_free(&buf);
}

/* A path near PATH_MAX: one line of over 4 KiB, more than one read of the file. */
static void test_long_path(void **state)
{
	char *dir = *state, file[600], *text, *path = malloc(4001);
	struct maps maps = { 0 };
	struct proc_buf buf = { 0 };
	struct aslr_error err;

	path[0] = '/';
	memset(path + 1, 'd', 3999);
	path[4000] = '\0';
	for (int i = 100; i < 4000; i += 100)
		path[i] = '/';
	text = malloc(9000);
	snprintf(text, 9000, "%s%s\n%s\n", "7f0000000000-7f0000001000 r--p 00000000 fe:00 7 ", path,
		 "7f0000001000-7f0000002000 rw-p 00000000 00:00 0 ");
	snprintf(file, sizeof(file), "%s/long.maps", dir);
	assert_int_equal(tu_write_file(file, text), 0);
	assert_int_equal(maps_read(&maps, &buf, file, &err), 0);
	assert_int_equal(maps.count, 2);
	assert_int_equal(maps.entry[0].path_len, 4000);
	assert_memory_equal(maps.entry[0].path, path, 4000);
	maps_free(&maps);
	proc_buf_free(&buf);
	free(text);
	free(path);
}

static void test_bad_lines(void **state)
{
	static const struct { const char *text; long line, column; const char *says; } cases[] = {
		{ "7f00-7f01 r--p 0 fe:00 1 /x", 1, 28, "no newline" },
		{ "", 0, 0, "no mappings" },
		{ "7F00-7f01 r--p 0 fe:00 1 /x\n", 1, 2, "'-' expected" },
		{ "7f00-7f01 r--q 0 fe:00 1 /x\n", 1, 14, "permissions" },
		{ "7f00-7f01 rw- 0 fe:00 1 /x\n", 1, 14, "permissions" },
		{ "7f00 7f01 r--p 0 fe:00 1 /x\n", 1, 5, "'-' expected" },
		{ "7f01-7f00 r--p 0 fe:00 1 /x\n", 1, 1, "ends before it starts" },
		{ "7f00-7f01 r--p 0 fe00 1 /x\n", 1, 22, "':' expected" },
		{ "7f00-7f01 r--p 0 fe:00 x /x\n", 1, 24, "inode" },
		{ "7f00-7f01 r--p 0 fe:00 1x\n", 1, 25, "a space expected after the inode" },
		{ "7f00-7f01 r--p 0 fe:00\n", 1, 23, "a space expected after the device" },
		{ "10000000000000000-7f01 r--p 0 fe:00 1 /x\n", 1, 17, "start address" },
		{ "7f00-7f02 r--p 0 fe:00 1 /x\n7f01-7f03 r--p 0 fe:00 1 /x\n", 2, 1, "overlaps" },
		{ "7f00-7f01 r--p 0 fe:00 1 /x\n\n", 2, 1, "start address" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct maps maps = { 0 };
		struct aslr_error err = { 0 };
		int rc = maps_parse(&maps, cases[i].text, strlen(cases[i].text), "m", &err);
		if (rc != -EINVAL || err.line != cases[i].line || err.column != cases[i].column ||
		    !strstr(err.text, cases[i].says))
			fail_msg("case %zu: rc %d at %ld:%ld \"%s\", expected %ld:%ld \"%s\"", i, rc, err.line, err.column,
				 err.text, cases[i].line, cases[i].column, cases[i].says);
		maps_free(&maps);
	}
}

/* This process's maps parse, one entry per line, and hold its own stack and vDSO. */
static void test_own_maps(void **state)
{
	struct maps maps = { 0 };
	struct proc_buf buf = { 0 };
	struct aslr_error err;
	size_t lines = 0;
	int stack = 0, vdso = 0;
	uintptr_t local = (uintptr_t)&lines, ehdr = (uintptr_t)getauxval(AT_SYSINFO_EHDR);

	(void)state;
	assert_int_equal(maps_read(&maps, &buf, "/proc/self/maps", &err), 0);
	for (size_t i = 0; i < buf.len; i++)
		lines += buf.data[i] == '\n';
	assert_int_equal(maps.count, lines);
	for (size_t i = 0; i < maps.count; i++) {
		stack |= map_entry_is(&maps.entry[i], "[stack]") && maps.entry[i].start <= local && local < maps.entry[i].end;
		vdso |= map_entry_is(&maps.entry[i], "[vdso]") && maps.entry[i].start == ehdr;
	}
	assert_true(stack);
	assert_true(vdso || ehdr == 0);
	maps_free(&maps);
	proc_buf_free(&buf);
}

/* 52 fields, comm "(a) b) c" with spaces and parentheses; start_stack, start_brk, arg_start. */
static void test_stat(void **state)
{
	char text[1024];
	struct proc_stat st;
	struct aslr_error err;
	size_t n = (size_t)snprintf(text, sizeof(text), "123 ((a) b) c) t");

	(void)state;
	for (int field = 4; field <= 52; field++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %s",
				      field == 28 ? "140737488347136" : field == 47 ? "94558081024000" :
				      field == 48 ? "140737488350000" : field == 19 ? "-5" :
				      field == 25 ? "18446744073709551615" : "0");
	snprintf(text + n, sizeof(text) - n, "\n");
	assert_int_equal(proc_stat_parse(text, strlen(text), "stat", &st, &err), 0);
	assert_true(st.start_stack == 140737488347136ULL);
	assert_true(st.start_brk == 94558081024000ULL);
	assert_true(st.arg_start == 140737488350000ULL);
}

static void test_bad_stat(void **state)
{
	static const struct { const char *text; const char *says; } cases[] = {
		{ "1 comm S 0\n", "no (comm)" },
		{ "1 (x) 5 0\n", "state letter" },
		{ "1 (x) S 0 1 2\n", "at least 48" },
		{ "1 (x) S 0 a 2\n", "field 5 is not an integer" },
		{ "1 (x) S 0  2\n", "field 5 is not an integer" },
		{ "1 (x) S 99999999999999999999 0\n", "field 4 is not an integer" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proc_stat st;
		struct aslr_error err = { 0 };
		if (proc_stat_parse(cases[i].text, strlen(cases[i].text), "stat", &st, &err) != -EINVAL ||
		    !strstr(err.text, cases[i].says))
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, err.text, cases[i].says);
	}
}

static void test_own_stat(void **state)
{
	struct proc_buf buf = { 0 };
	struct proc_stat st;
	struct aslr_error err;
	uintptr_t local = (uintptr_t)&st;

	(void)state;
	assert_int_equal(proc_buf_read(&buf, "/proc/self/stat"), 0);
	assert_int_equal(proc_stat_parse(buf.data, buf.len, "/proc/self/stat", &st, &err), 0);
	assert_true(st.start_stack > local); /* the stack grows down from where argc is */
	assert_true(st.arg_start > st.start_stack);
	assert_true(st.start_brk != 0);
	proc_buf_free(&buf);
}

static void test_auxv(void **state)
{
	uint64_t v64[] = { AT_PHDR, 0x1040, AT_BASE, 0x7f0000000000, AT_ENTRY, 0x555555556100,
			   AT_SYSINFO_EHDR, 0x7ffff7fc1000, AT_NULL, 0 };
	uint32_t v32[] = { AT_ENTRY, 0x565560e0, AT_BASE, 0xf7f00000, AT_NULL, 0 };
	struct proc_auxv aux;
	struct aslr_error err = { 0 };

	(void)state;
	assert_int_equal(proc_auxv_parse(v64, sizeof(v64), 64, "a", &aux, &err), 0);
	assert_true(aux.entry == 0x555555556100 && aux.base == 0x7f0000000000 && aux.sysinfo_ehdr == 0x7ffff7fc1000);
	assert_int_equal(proc_auxv_parse(v32, sizeof(v32), 32, "a", &aux, &err), 0);
	assert_true(aux.entry == 0x565560e0 && aux.base == 0xf7f00000 && aux.sysinfo_ehdr == 0);
	/* no AT_NULL (the last pair cut off), no AT_ENTRY */
	assert_int_equal(proc_auxv_parse(v64, sizeof(v64) - 8, 64, "a", &aux, &err), -EINVAL);
	assert_non_null(strstr(err.text, "no AT_NULL"));
	assert_int_equal(proc_auxv_parse(v64 + 4, sizeof(v64) - 4 * 8, 64, "a", &aux, &err), 0);
	assert_int_equal(proc_auxv_parse(v64 + 6, sizeof(v64) - 6 * 8, 64, "a", &aux, &err), -EINVAL);
	assert_non_null(strstr(err.text, "no AT_ENTRY"));
}

static void test_own_auxv(void **state)
{
	struct proc_buf buf = { 0 };
	struct proc_auxv aux;
	struct aslr_error err;

	(void)state;
	assert_int_equal(proc_buf_read(&buf, "/proc/self/auxv"), 0);
	assert_int_equal(proc_auxv_parse(buf.data, buf.len, 64, "/proc/self/auxv", &aux, &err), 0);
	assert_true(aux.entry == getauxval(AT_ENTRY));
	assert_true(aux.base == getauxval(AT_BASE));
	proc_buf_free(&buf);
}

static void test_missing_file(void **state)
{
	struct maps maps = { 0 };
	struct proc_buf buf = { 0 };
	struct aslr_error err;

	(void)state;
	assert_int_equal(maps_read(&maps, &buf, "/nonexistent/maps", &err), -ENOENT);
	assert_string_equal(err.file, "/nonexistent/maps");
	proc_buf_free(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd_names),
		cmocka_unit_test_setup_teardown(test_long_path, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_own_maps),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_bad_stat),
		cmocka_unit_test(test_own_stat),
		cmocka_unit_test(test_auxv),
		cmocka_unit_test(test_own_auxv),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
