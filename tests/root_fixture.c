#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "root_fixture.h"
#include "test_util.h"

int read_va_space(void)
{
	return tu_read_int(VA_SPACE);
}

int wait_va_space(int want)
{
	return tu_wait_int(VA_SPACE, want);
}

static void put_back(const char *path, int value)
{
	FILE *f;

	if (value >= 0 && tu_read_int(path) != value && (f = fopen(path, "w"))) {
		fprintf(f, "%d\n", value);
		fclose(f);
	}
}

int root_setup(void **state)
{
	struct root_fixture *f;

	if (!tu_is_root()) {
		print_message("needs root to change randomize_va_space: skipped\n");
		*state = NULL;
		return 0;
	}
	f = calloc(1, sizeof(*f));
	f->dir = tu_mkdtemp();
	f->original = read_va_space();
	f->original_rnd_bits = tu_read_int("/proc/sys/vm/mmap_rnd_bits");
	f->original_compat = tu_read_int("/proc/sys/vm/mmap_rnd_compat_bits");
	snprintf(f->out, sizeof(f->out), "%s/run", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/stderr", f->dir);
	*state = f;
	return 0;
}

int root_teardown(void **state)
{
	struct root_fixture *f = *state;

	if (!f)
		return 0;
	put_back(VA_SPACE, f->original);
	put_back("/proc/sys/vm/mmap_rnd_bits", f->original_rnd_bits);
	put_back("/proc/sys/vm/mmap_rnd_compat_bits", f->original_compat);
	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}
