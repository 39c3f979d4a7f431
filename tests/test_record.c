/* Record format: what the probe writes and the harness accepts, and every way a
 * record can be bad. Expected values are written out by hand from the format's rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "record.h"

static int parse_str(const char *s, struct record *rec, struct record_problem *why)
{
	return record_parse(s, strlen(s), rec, why);
}

static void test_format_simple(void **state)
{
	const char *names[] = { "text", "heap" };
	uint64_t values[] = { 0x55d0c0a01189, 0 };
	char buf[256];
	int n = record_format(buf, sizeof(buf), names, values, 2);

	(void)state;
	assert_int_equal(n, (int)strlen("aslr-probe/1 text=0x55d0c0a01189 heap=0x0\n"));
	assert_memory_equal(buf, "aslr-probe/1 text=0x55d0c0a01189 heap=0x0\n", (size_t)n);
}

static void test_format_parse_round_trip(void **state)
{
	const char *names[] = { "a", "b_2", "stack" };
	uint64_t values[] = { UINT64_MAX, 1, 0x7ffc00001000 };
	struct record rec;
	char buf[256];
	int n = record_format(buf, sizeof(buf), names, values, 3);

	(void)state;
	assert_true(n > 0);
	assert_int_equal(record_parse(buf, (size_t)n, &rec, NULL), 0);
	assert_int_equal(rec.count, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(rec.name_len[i], strlen(names[i]));
		assert_memory_equal(rec.name[i], names[i], rec.name_len[i]);
		assert_true(rec.value[i] == values[i]);
	}
}

static void test_format_rejects(void **state)
{
	const char *bad_name[] = { "Text" };
	const char *ok_name[] = { "x" };
	uint64_t v = 1;
	char small[16], buf[RECORD_MAX_LEN];
	const char *many[RECORD_MAX_REGIONS + 1];

	(void)state;
	assert_int_equal(record_format(buf, sizeof(buf), bad_name, &v, 1), -1);
	assert_int_equal(record_format(small, sizeof(small), ok_name, &v, 1), -1);
	for (int i = 0; i <= RECORD_MAX_REGIONS; i++)
		many[i] = "x";
	assert_int_equal(record_format(buf, sizeof(buf), many, &v, RECORD_MAX_REGIONS + 1), -1);
}

static void test_parse_good(void **state)
{
	struct record rec;

	(void)state;
	assert_int_equal(parse_str("aslr-probe/1 x=0x0\n", &rec, NULL), 0);
	assert_int_equal(rec.count, 1);
	assert_true(rec.value[0] == 0);
	assert_int_equal(parse_str("aslr-probe/1 a9_=0xffffffffffffffff b=0xabc\n", &rec, NULL), 0);
	assert_int_equal(rec.count, 2);
	assert_true(rec.value[0] == UINT64_MAX);
	assert_true(rec.value[1] == 0xabc);
}

struct bad_case {
	const char *text;
	const char *reason_part;
	size_t offset;
};

static void test_parse_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ "", "empty", 0 },
		{ "aslr-probe/1 x=0x1", "not terminated", 17 },
		{ "aslr-probe/1 x=0x1\nextra\n", "continues", 19 },
		{ "aslr-probe/2 x=0x1\n", "missing tag", 0 },
		{ "aslr-probe/1\n", "no regions", 12 },
		{ "aslr-probe/1x=0x1\n", "followed by a space", 12 },
		{ "aslr-probe/1  x=0x1\n", "must start with a-z", 13 },
		{ "aslr-probe/1 X=0x1\n", "must start with a-z", 13 },
		{ "aslr-probe/1 1x=0x1\n", "must start with a-z", 13 },
		{ "aslr-probe/1 x-y=0x1\n", "followed by '='", 14 },
		{ "aslr-probe/1 x=1\n", "0x", 15 },
		{ "aslr-probe/1 x=0x\n", "no hex digits", 17 },
		{ "aslr-probe/1 x=0xAB\n", "lowercase hex", 17 },
		{ "aslr-probe/1 x=0x1g\n", "lowercase hex", 18 },
		{ "aslr-probe/1 x=0x10000000000000000\n", "more than 16", 33 },
		{ "aslr-probe/1 x=0x1 x=0x2\n", "repeated", 19 },
		{ "aslr-probe/1 x=0x1 \n", "must start with a-z", 19 },
		{ "aslr-probe/1 x=0x1\r\n", "lowercase hex", 18 },
		{ "aslr-probe/1 abcdefghijklmnopqrstuvwxyzabcdefg=0x1\n", "too long", 13 },
	};
	struct record rec;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct record_problem why = { 0 };
		int rc = parse_str(cases[i].text, &rec, &why);
		if (rc != -1 || !strstr(why.reason, cases[i].reason_part) || why.offset != cases[i].offset)
			fail_msg("case %zu \"%s\": rc %d reason '%s' offset %zu, wanted '%s' at %zu", i,
				 cases[i].text, rc, rc ? why.reason : "", why.offset, cases[i].reason_part,
				 cases[i].offset);
	}
}

static void test_parse_nul_byte(void **state)
{
	static const char text[] = "aslr-probe/1 x=0x1\0y=0x2\n";
	struct record rec;
	struct record_problem why;

	(void)state;
	assert_int_equal(record_parse(text, sizeof(text) - 1, &rec, &why), -1);
	assert_int_equal(why.offset, 18);
}

static void test_parse_length_limit(void **state)
{
	char buf[RECORD_MAX_LEN + 8];
	struct record rec;
	struct record_problem why;
	size_t pos;
	int i = 0;

	(void)state;
	/* the longest valid record: every region, 32-character names, 16-digit values */
	pos = (size_t)sprintf(buf, "aslr-probe/1");
	for (i = 0; i < RECORD_MAX_REGIONS; i++)
		pos += (size_t)sprintf(buf + pos, " r%031d=0x%016x", i, 0xabc);
	buf[pos++] = '\n';
	assert_int_equal(record_parse(buf, pos, &rec, &why), 0);
	/* exactly RECORD_MAX_LEN bytes is one too many */
	memset(buf, 'a', RECORD_MAX_LEN);
	buf[RECORD_MAX_LEN - 1] = '\n';
	assert_int_equal(record_parse(buf, RECORD_MAX_LEN, &rec, &why), -1);
	assert_non_null(strstr(why.reason, "too long"));
}

static void test_too_many_regions(void **state)
{
	char buf[RECORD_MAX_LEN];
	struct record rec;
	struct record_problem why;
	size_t pos = (size_t)sprintf(buf, "aslr-probe/1");

	(void)state;
	for (int i = 0; i <= RECORD_MAX_REGIONS; i++)
		pos += (size_t)sprintf(buf + pos, " r%d=0x1", i);
	buf[pos++] = '\n';
	assert_int_equal(record_parse(buf, pos, &rec, &why), -1);
	assert_non_null(strstr(why.reason, "too many"));
}

static void test_hex(void **state)
{
	char out[20], expect[24];
	const uint64_t values[] = { 0, 1, 0xf, 0x10, 0xdeadbeef, UINT64_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		int n = record_hex(out, values[i]);
		snprintf(expect, sizeof(expect), "0x%llx", (unsigned long long)values[i]);
		assert_int_equal(n, (int)strlen(expect));
		assert_memory_equal(out, expect, (size_t)n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_simple),
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_nul_byte),
		cmocka_unit_test(test_parse_length_limit),
		cmocka_unit_test(test_too_many_regions),
		cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
