/* The initramfs's cpio writer: its archive read back by an independent newc parser (the
 * format as buffer-format.rst states it) and, where installed, listed by cpio -t. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpio.h"
#include "test_util.h"

struct entry {
	char name[256];
	unsigned mode, nlink, rdev_major, rdev_minor;
	size_t size;
	const char *data;
};

static unsigned hex8(const char *p)
{
	char buf[9];
	memcpy(buf, p, 8);
	buf[8] = '\0';
	return (unsigned)strtoul(buf, NULL, 16);
}

/* Parse a newc archive: headers of "070701" and 13 8-digit hex fields, name and data each
 * padded to 4 bytes, up to TRAILER!!!. The number of entries before the trailer, -1 if bad. */
static int parse(const char *buf, size_t len, struct entry *out, int max)
{
	size_t at = 0;
	int n = 0;

	while (at + 110 <= len && n < max) {
		struct entry *e = &out[n];
		unsigned name_size;
		if (memcmp(buf + at, "070701", 6) != 0)
			return -1;
		e->mode = hex8(buf + at + 14);
		e->nlink = hex8(buf + at + 38);
		e->size = hex8(buf + at + 54);
		e->rdev_major = hex8(buf + at + 78);
		e->rdev_minor = hex8(buf + at + 86);
		name_size = hex8(buf + at + 94);
		if (hex8(buf + at + 102) != 0 || name_size == 0 || name_size > sizeof(e->name) ||
		    buf[at + 110 + name_size - 1] != '\0')
			return -1;
		memcpy(e->name, buf + at + 110, name_size);
		at = (at + 110 + name_size + 3) & ~(size_t)3;
		e->data = buf + at;
		at = (at + e->size + 3) & ~(size_t)3;
		if (at > len)
			return -1;
		if (strcmp(e->name, "TRAILER!!!") == 0)
			return n;
		n++;
	}
	return -1;
}

static const struct entry *find(const struct entry *e, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

static char *write_archive(const char *dir, size_t *len)
{
	char path[512], src[512];
	struct cpio_writer w;
	struct aslr_error err;
	static const char payload[] = "hello, initramfs\n";
	int fd;

	snprintf(src, sizeof(src), "%s/source", dir);
	assert_int_equal(tu_write_file(src, "abcdefg"), 0);
	snprintf(path, sizeof(path), "%s/out.cpio", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	cpio_begin(&w, fd);
	assert_int_equal(cpio_add_dir(&w, "tmp", 01777, &err), 0);
	assert_int_equal(cpio_add_data(&w, "aslr/bin/hello.txt", 0644, payload, strlen(payload), &err), 0);
	assert_int_equal(cpio_add_copy(&w, "aslr/bin/copy", 0755, src, &err), 0);
	assert_int_equal(cpio_add_symlink(&w, "init", "/aslr/bin/copy", &err), 0);
	assert_int_equal(cpio_add_device(&w, "dev/ttyS1", S_IFCHR | 0600, 4, 65, &err), 0);
	assert_int_equal(cpio_add_data(&w, "empty", 0600, "", 0, &err), 0);
	/* refused: twice the same name, a leading slash, a folder-less device type */
	assert_int_equal(cpio_add_data(&w, "aslr/bin/copy", 0644, "x", 1, &err), -EEXIST);
	assert_int_equal(cpio_add_dir(&w, "/abs", 0755, &err), -EINVAL);
	assert_int_equal(cpio_add_device(&w, "dev/x", S_IFREG | 0600, 1, 1, &err), -EINVAL);
	assert_int_equal(cpio_finish(&w, &err), 0);
	close(fd);
	return tu_read_file(path, len);
}

static void test_independent_parser(void **state)
{
	struct entry e[32];
	size_t len;
	char *buf = write_archive(*state, &len);
	int n = parse(buf, len, e, 32);
	const struct entry *x;

	assert_int_equal(len % 512, 0);
	assert_int_equal(n, 9); /* tmp, aslr, aslr/bin, hello.txt, copy, init, dev, dev/ttyS1, empty */
	/* every folder comes before what is in it */
	assert_true(find(e, n, "aslr") < find(e, n, "aslr/bin") && find(e, n, "aslr/bin") < find(e, n, "aslr/bin/copy"));
	assert_int_equal(find(e, n, "aslr/bin")->mode, S_IFDIR | 0755);
	assert_int_equal(find(e, n, "tmp")->mode, S_IFDIR | 01777);
	x = find(e, n, "aslr/bin/hello.txt");
	assert_int_equal(x->mode, S_IFREG | 0644);
	assert_int_equal(x->size, strlen("hello, initramfs\n"));
	assert_memory_equal(x->data, "hello, initramfs\n", x->size);
	x = find(e, n, "aslr/bin/copy");
	assert_int_equal(x->mode, S_IFREG | 0755);
	assert_memory_equal(x->data, "abcdefg", 7);
	x = find(e, n, "init");
	assert_int_equal(x->mode, S_IFLNK | 0777);
	assert_memory_equal(x->data, "/aslr/bin/copy", x->size);
	x = find(e, n, "dev/ttyS1");
	assert_int_equal(x->mode, S_IFCHR | 0600);
	assert_int_equal(x->rdev_major, 4);
	assert_int_equal(x->rdev_minor, 65);
	assert_int_equal(find(e, n, "empty")->size, 0);
	free(buf);
}

/* GNU cpio lists what the kernel would unpack. */
static void test_cpio_lists_it(void **state)
{
	char archive[512], out[512], tool[32], t[] = "-t", quiet[] = "--quiet", file[] = "-F";
	size_t len;
	char *buf = write_archive(*state, &len), *listing;

	free(buf);
	snprintf(tool, sizeof(tool), "%s", access("/usr/bin/cpio", X_OK) == 0 ? "/usr/bin/cpio" : "/bin/cpio");
	if (access(tool, X_OK) != 0)
		skip(); /* cpio is not installed (scripts/lib.sh installs it) */
	snprintf(archive, sizeof(archive), "%s/out.cpio", (char *)*state);
	snprintf(out, sizeof(out), "%s/listing", (char *)*state);
	assert_int_equal(tu_run((char *const[]){ tool, t, quiet, file, archive, NULL }, out, NULL), 0);
	listing = tu_read_file(out, NULL);
	assert_string_equal(listing, "tmp\naslr\naslr/bin\naslr/bin/hello.txt\naslr/bin/copy\ninit\ndev\ndev/ttyS1\nempty\n");
	free(listing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_independent_parser, tu_tmpdir_setup, tu_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cpio_lists_it, tu_tmpdir_setup, tu_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
