#include "record.h"

#include <string.h>

static int is_name_start(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '_';
}

int record_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int record_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > RECORD_NAME_MAX || !is_name_start(name[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_name_char(name[i]))
			return 0;
	return 1;
}

int record_hex(char *out, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	out[0] = '0';
	out[1] = 'x';
	for (int i = 0; i < n; i++)
		out[2 + i] = tmp[n - 1 - i];
	return n + 2;
}

int record_format(char *buf, size_t size, const char *const *names, const uint64_t *values,
		  unsigned n)
{
	size_t limit = size < RECORD_MAX_LEN ? size : RECORD_MAX_LEN;
	size_t pos = sizeof(RECORD_TAG) - 1;

	if (n > RECORD_MAX_REGIONS || pos >= limit)
		return -1;
	memcpy(buf, RECORD_TAG, pos);
	for (unsigned i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		if (!record_name_valid(names[i], len) || pos + len + 2 + 18 + 1 > limit)
			return -1;
		buf[pos++] = ' ';
		memcpy(buf + pos, names[i], len);
		pos += len;
		buf[pos++] = '=';
		pos += (size_t)record_hex(buf + pos, values[i]);
	}
	buf[pos++] = '\n';
	return (int)pos;
}

static int fail(struct record_problem *why, const char *reason, size_t offset)
{
	if (why) {
		why->reason = reason;
		why->offset = offset;
	}
	return -1;
}

/* Parse "0x" and 1..16 lowercase hex digits at *pos; stop at ' ' or '\n'. */
static int parse_value(const char *buf, size_t end, size_t *pos, uint64_t *out,
		       struct record_problem *why)
{
	size_t p = *pos, start;
	uint64_t v = 0;

	if (p + 2 > end || buf[p] != '0' || buf[p + 1] != 'x')
		return fail(why, "value does not start with 0x", p);
	p += 2;
	start = p;
	while (p < end && buf[p] != ' ' && buf[p] != '\n') {
		int d = record_hex_digit(buf[p]);
		if (d < 0)
			return fail(why, "value is not lowercase hex", p);
		if (p - start == 16)
			return fail(why, "value has more than 16 hex digits", p);
		v = (v << 4) | (uint64_t)d;
		p++;
	}
	if (p == start)
		return fail(why, "value has no hex digits", p);
	*pos = p;
	*out = v;
	return 0;
}

static int name_seen(const struct record *rec, const char *name, size_t len)
{
	for (unsigned i = 0; i < rec->count; i++)
		if (rec->name_len[i] == len && memcmp(rec->name[i], name, len) == 0)
			return 1;
	return 0;
}

/* Parse " name=" at *pos into the next slot of rec. */
static int parse_name(const char *buf, size_t end, size_t *pos, struct record *rec,
		      struct record_problem *why)
{
	size_t p = *pos + 1, start = p; /* past the separating space */

	if (p >= end || !is_name_start(buf[p]))
		return fail(why, "region name must start with a-z", p);
	while (p < end && is_name_char(buf[p]))
		p++;
	if (p - start > RECORD_NAME_MAX)
		return fail(why, "region name too long", start);
	if (p >= end || buf[p] != '=')
		return fail(why, "region name must be [a-z][a-z0-9_]* followed by '='", p);
	if (rec->count == RECORD_MAX_REGIONS)
		return fail(why, "too many regions", start);
	if (name_seen(rec, buf + start, p - start))
		return fail(why, "region name repeated", start);
	rec->name[rec->count] = buf + start;
	rec->name_len[rec->count] = (unsigned char)(p - start);
	*pos = p + 1;
	return 0;
}

int record_parse(const char *buf, size_t len, struct record *rec, struct record_problem *why)
{
	const size_t tag_len = sizeof(RECORD_TAG) - 1;
	size_t pos = tag_len, end;

	rec->count = 0;
	if (len == 0)
		return fail(why, "empty output", 0);
	if (len >= RECORD_MAX_LEN)
		return fail(why, "record too long", RECORD_MAX_LEN - 1);
	{
		const char *nl = memchr(buf, '\n', len);
		if (!nl)
			return fail(why, "record not terminated by a newline", len - 1);
		if (nl != buf + len - 1)
			return fail(why, "output continues after the record's newline", (size_t)(nl - buf) + 1);
	}
	end = len - 1;
	if (end < tag_len || memcmp(buf, RECORD_TAG, tag_len) != 0)
		return fail(why, "missing tag " RECORD_TAG, 0);
	if (pos < end && buf[pos] != ' ')
		return fail(why, "tag must be followed by a space", pos);
	while (pos < end) {
		if (buf[pos] != ' ')
			return fail(why, "expected a space before the next region", pos);
		if (parse_name(buf, end, &pos, rec, why) < 0)
			return -1;
		if (parse_value(buf, end, &pos, &rec->value[rec->count], why) < 0)
			return -1;
		rec->count++;
	}
	if (rec->count == 0)
		return fail(why, "record has no regions", pos);
	return 0;
}
