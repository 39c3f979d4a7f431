/* The architecture table's command line, and the KVM check's answer without /dev/kvm. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "qemu_arch.h"

/* The value after option in argv, or NULL. */
static const char *after(char **argv, const char *option, int nth)
{
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], option) == 0 && nth-- == 0)
			return argv[i + 1];
	return NULL;
}

static int has(char **argv, const char *word)
{
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], word) == 0)
			return 1;
	return 0;
}

static void test_command_line(void **state)
{
	struct qemu_params p = { .binary = "/usr/bin/qemu-system-x86_64", .image = "/boot/vmlinuz", .initramfs = "/tmp/i",
				 .append = "nokaslr", .kvm = 0, .cpus = 3, .memory_mb = 777, .console_fd = 3, .data_fd = 4 };
	struct aslr_error err;
	char **argv;

	(void)state;
	assert_int_equal(qemu_command(qemu_arch_host(), &p, &argv, &err), 0);
	assert_string_equal(argv[0], "/usr/bin/qemu-system-x86_64");
	assert_string_equal(after(argv, "-accel", 0), "tcg,thread=multi");
	assert_string_equal(after(argv, "-cpu", 0), "max");
	assert_string_equal(after(argv, "-smp", 0), "3");
	assert_string_equal(after(argv, "-m", 0), "777");
	assert_string_equal(after(argv, "-kernel", 0), "/boot/vmlinuz");
	assert_string_equal(after(argv, "-initrd", 0), "/tmp/i");
	assert_string_equal(after(argv, "-append", 0), "console=ttyS0 panic=-1 nokaslr");
	assert_string_equal(after(argv, "-serial", 0), "file:/dev/fd/3");
	assert_string_equal(after(argv, "-serial", 1), "file:/dev/fd/4");
	assert_true(has(argv, "-no-reboot") && has(argv, "-nodefaults")); /* a panic ends QEMU; no stray devices */
	qemu_command_free(argv);
	p.kvm = 1;
	p.append = NULL;
	assert_int_equal(qemu_command(qemu_arch_host(), &p, &argv, &err), 0);
	assert_string_equal(after(argv, "-accel", 0), "kvm");
	assert_string_equal(after(argv, "-cpu", 0), "host");
	assert_string_equal(after(argv, "-append", 0), "console=ttyS0 panic=-1");
	qemu_command_free(argv);
}

static void test_no_kvm_device(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(qemu_kvm_usable("/nonexistent/kvm", why, sizeof(why)), 0);
	assert_non_null(strstr(why, "cannot open /nonexistent/kvm"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_no_kvm_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
