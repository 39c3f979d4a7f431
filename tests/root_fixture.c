#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "root_fixture.h"
#include "test_util.h"

int read_va_space(void)
{
	char *text = tu_read_file(VA_SPACE, NULL);
	int v = text ? atoi(text) : -1;
	free(text);
	return v;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 }, NULL);
}

int wait_va_space(int want)
{
	for (int i = 0; i < 500; i++, sleep_ms(10))
		if (read_va_space() == want)
			return 1;
	return 0;
}

int wait_for_lines(const char *path, int lines)
{
	for (int i = 0; i < 1000; i++, sleep_ms(10)) {
		size_t len;
		char *text = tu_read_file(path, &len);
		int n = 0;
		for (size_t k = 0; text && k < len; k++)
			n += text[k] == '\n';
		free(text);
		if (n >= lines)
			return 1;
	}
	return 0;
}

static int read_knob(const char *path)
{
	char *text = tu_read_file(path, NULL);
	int v = text ? atoi(text) : -1;
	free(text);
	return v;
}

static void put_back(const char *path, int value)
{
	FILE *f;

	if (value >= 0 && read_knob(path) != value && (f = fopen(path, "w"))) {
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
	f->original_rnd_bits = read_knob("/proc/sys/vm/mmap_rnd_bits");
	f->original_compat = read_knob("/proc/sys/vm/mmap_rnd_compat_bits");
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
