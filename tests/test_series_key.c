/* The series key: equality field by field, and the label and tag spelled out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "series_key.h"

static void test_equal_needs_every_field(void **state)
{
	char pie[] = "pie"; /* a copy: equality compares the text, not the pointer */
	struct series_key a = { "pie", 2, 28, -1 }, b = { pie, 2, 28, -1 };

	(void)state;
	assert_true(series_key_equal(&a, &b));
	b.variant = "nopie";
	assert_false(series_key_equal(&a, &b));
	b = (struct series_key){ pie, 1, 28, -1 };
	assert_false(series_key_equal(&a, &b));
	b = (struct series_key){ pie, 2, 30, -1 };
	assert_false(series_key_equal(&a, &b));
	b = (struct series_key){ pie, 2, -1, -1 }; /* swept and not swept differ */
	assert_false(series_key_equal(&a, &b));
	b = (struct series_key){ pie, 2, 28, 16 };
	assert_false(series_key_equal(&a, &b));
}

static void test_label(void **state)
{
	char buf[SERIES_KEY_TEXT];

	(void)state;
	series_key_label(&(struct series_key){ "pie", 2, -1, -1 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie mode 2");
	series_key_label(&(struct series_key){ "pie", 0, 28, -1 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie mode 0, mmap_rnd_bits 28");
	series_key_label(&(struct series_key){ "m32", 1, -1, 16 }, buf, sizeof(buf));
	assert_string_equal(buf, "m32 mode 1, mmap_rnd_compat_bits 16");
	series_key_label(&(struct series_key){ "pie", 2, 32, 8 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie mode 2, mmap_rnd_bits 32, mmap_rnd_compat_bits 8");
}

/* Mode -1: a group (every mode of a variant at one knob setting). */
static void test_group(void **state)
{
	char buf[SERIES_KEY_TEXT];

	(void)state;
	series_key_label(&(struct series_key){ "pie", -1, -1, -1 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie");
	series_key_label(&(struct series_key){ "pie", -1, 28, 8 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie, mmap_rnd_bits 28, mmap_rnd_compat_bits 8");
	series_key_tag(&(struct series_key){ "pie", -1, 28, -1 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie-rnd28");
	series_key_tag(&(struct series_key){ "static-pie", -1, -1, 16 }, buf, sizeof(buf));
	assert_string_equal(buf, "static-pie-compat16");
}

static void test_tag(void **state)
{
	char buf[SERIES_KEY_TEXT];

	(void)state;
	series_key_tag(&(struct series_key){ "pie", 2, -1, -1 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie-mode2");
	series_key_tag(&(struct series_key){ "pie", 2, 28, -1 }, buf, sizeof(buf));
	assert_string_equal(buf, "pie-rnd28-mode2");
	series_key_tag(&(struct series_key){ "static-pie", 0, 30, 16 }, buf, sizeof(buf));
	assert_string_equal(buf, "static-pie-rnd30-compat16-mode0");
}

/* The longest label of a 64-character variant fits SERIES_KEY_TEXT; a short buffer truncates
 * and says how much was needed, like snprintf. */
static void test_room(void **state)
{
	char variant[65], buf[SERIES_KEY_TEXT], small[8];
	int n;

	(void)state;
	memset(variant, 'v', 64);
	variant[64] = '\0';
	n = series_key_label(&(struct series_key){ variant, 2, 64, 64 }, buf, sizeof(buf));
	assert_int_equal(n, 64 + strlen(" mode 2, mmap_rnd_bits 64, mmap_rnd_compat_bits 64"));
	assert_true(n < SERIES_KEY_TEXT);
	n = series_key_tag(&(struct series_key){ "pie", 2, 28, -1 }, small, sizeof(small));
	assert_int_equal(n, strlen("pie-rnd28-mode2"));
	assert_string_equal(small, "pie-rnd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_needs_every_field),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_tag),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
