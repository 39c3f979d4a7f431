/* What differs between kernels, from two hand-written summaries whose differences are
 * known: vdso joins the mmap block, mmap_2m leaves it and becomes 2 MiB-aligned, the heap
 * gains bits; text is the same in both and must not be mentioned. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "kdiff.h"
#include "test_util.h"

static const char old_kernel[] =
	"{\"schema\":\"aslr-entropy.summary/2\",\"run\":{\"kernel\":{\"release\":\"6.1.0-old\"}},\"series\":[{"
	"\"variant\":\"pie\",\"mode\":2,\"samples\":300,"
	"\"regions\":{"
	"\"text\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"},"
	"\"heap\":{\"alignment_bit\":12,\"estimate_bits\":13.0,\"estimate_kind\":\"range\"},"
	"\"mmap\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"},"
	"\"ld\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"},"
	"\"vdso\":{\"alignment_bit\":12,\"estimate_bits\":21.0,\"estimate_kind\":\"range\"},"
	"\"mmap_2m\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"}},"
	"\"clusters\":[[\"mmap\",\"ld\",\"mmap_2m\"]],"
	"\"leaks\":{\"heap\":{\"best_leak\":\"text\",\"bits_left\":13.0}}}]}";

static const char new_kernel[] =
	"{\"schema\":\"aslr-entropy.summary/2\",\"run\":{\"kernel\":{\"release\":\"6.12.0-new\"}},\"series\":[{"
	"\"variant\":\"pie\",\"mode\":2,\"samples\":300,"
	"\"regions\":{"
	"\"text\":{\"alignment_bit\":12,\"estimate_bits\":28.3,\"estimate_kind\":\"range\"},"
	"\"heap\":{\"alignment_bit\":12,\"estimate_bits\":18.0,\"estimate_kind\":\"range\"},"
	"\"mmap\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"},"
	"\"ld\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"},"
	"\"vdso\":{\"alignment_bit\":12,\"estimate_bits\":28.0,\"estimate_kind\":\"range\"},"
	"\"mmap_2m\":{\"alignment_bit\":21,\"estimate_bits\":19.0,\"estimate_kind\":\"range\"}},"
	"\"clusters\":[[\"mmap\",\"ld\",\"vdso\"]],"
	"\"leaks\":{\"heap\":{\"best_leak\":\"text\",\"bits_left\":18.0}}}]}";

static void write_run(const char *dir, const char *name, const char *summary, char *path, size_t size)
{
	char file[600];

	snprintf(path, size, "%s/%s", dir, name);
	mkdir(path, 0755);
	snprintf(file, sizeof(file), "%s/summary.json", path);
	assert_int_equal(tu_write_file(file, summary), 0);
}

static void test_known_differences(void **state)
{
	char a[512], b[512];
	const char *dirs[2] = { a, b };
	struct strbuf md = { 0 };
	struct aslr_error err;

	write_run(*state, "old", old_kernel, a, sizeof(a));
	write_run(*state, "new", new_kernel, b, sizeof(b));
	assert_int_equal(kdiff_write(dirs, 2, &md, NULL, &err), 0);
	assert_non_null(strstr(md.text, "## What differs between the kernels"));
	assert_non_null(strstr(md.text, "### pie, mode 2"));
	assert_non_null(strstr(md.text, "- `vdso` moves as one block with: no other region (6.1.0-old); mmap, ld (6.12.0-new)\n"));
	assert_non_null(strstr(md.text, "- `mmap_2m` moves as one block with: mmap, ld (6.1.0-old); no other region (6.12.0-new)\n"));
	assert_non_null(strstr(md.text, "- `mmap_2m` is aligned at: bit 12 (4 KiB) (6.1.0-old); bit 21 (2 MiB) (6.12.0-new)\n"));
	assert_non_null(strstr(md.text, "- `heap` has 13.0 ≤ bits (6.1.0-old); 18.0 ≤ bits (6.12.0-new)\n"));
	assert_non_null(strstr(md.text, "- `heap` once its best leak is known keeps 13.0 bits (given text; 6.1.0-old); "
					"18.0 bits (given text; 6.12.0-new)\n"));
	/* mmap and ld only saw others come and go: the movers are named, not them; text is unchanged */
	assert_null(strstr(md.text, "`mmap` moves"));
	assert_null(strstr(md.text, "`ld` moves"));
	assert_null(strstr(md.text, "`text`"));
	strbuf_free(&md);
}

static void test_same_kernel_twice(void **state)
{
	char a[512], b[512];
	const char *dirs[2] = { a, b };
	struct strbuf md = { 0 };
	struct aslr_error err;

	write_run(*state, "one", old_kernel, a, sizeof(a));
	write_run(*state, "two", old_kernel, b, sizeof(b));
	assert_int_equal(kdiff_write(dirs, 2, &md, NULL, &err), 0);
	assert_non_null(strstr(md.text, "No difference in blocks, alignment, headlines or leaks."));
	strbuf_free(&md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_known_differences, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_same_kernel_twice, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
