/* The growing text buffer: growth past its first allocation against snprintf, bytes
 * appended as they are, a failed buffer that stays as it was, and reuse after free. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"

static void test_printf_grows(void **state)
{
	struct strbuf sb = { 0 };
	char *want = malloc(6000);
	size_t len = 0;

	(void)state;
	assert_null(sb.text);
	for (int i = 0; i < 1000; i++) { /* 5000 bytes: several doublings of the first 256 */
		strbuf_printf(&sb, "%04d,", i);
		len += (size_t)snprintf(want + len, 6000 - len, "%04d,", i);
	}
	assert_false(sb.failed);
	assert_int_equal(sb.len, 5000);
	assert_int_equal(strlen(sb.text), 5000);
	assert_string_equal(sb.text, want);
	assert_true(sb.cap > sb.len);
	strbuf_free(&sb);
	assert_null(sb.text);
	assert_int_equal(sb.len, 0);
	free(want);
}

static void test_append_bytes(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	strbuf_printf(&sb, "%s", "");
	assert_string_equal(sb.text, ""); /* an empty text, not NULL, once something was added */
	strbuf_append(&sb, "a\0b", 3);
	strbuf_append(&sb, "cd", 1);
	assert_int_equal(sb.len, 4);
	assert_memory_equal(sb.text, "a\0bc", 5); /* NUL-terminated after the bytes */
	strbuf_free(&sb);
	strbuf_printf(&sb, "%d", 42); /* usable again after free */
	assert_string_equal(sb.text, "42");
	strbuf_free(&sb);
}

/* Once an allocation failed the text is known incomplete: later appends add nothing. */
static void test_failed_stays_failed(void **state)
{
	struct strbuf sb = { 0 };

	(void)state;
	strbuf_printf(&sb, "kept");
	sb.failed = 1;
	strbuf_printf(&sb, " lost");
	strbuf_append(&sb, " lost", 5);
	assert_string_equal(sb.text, "kept");
	assert_int_equal(sb.len, 4);
	strbuf_free(&sb);
	assert_false(sb.failed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printf_grows),
		cmocka_unit_test(test_append_bytes),
		cmocka_unit_test(test_failed_stays_failed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
