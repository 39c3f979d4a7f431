#include "samples_csv.h"

#include <string.h>

static const char *const fixed_names[SAMPLES_CSV_FIXED_END] = {
	[SAMPLES_CSV_VARIANT] = "variant",
	[SAMPLES_CSV_MODE] = "mode",
	[SAMPLES_CSV_SEQ] = "seq",
	[SAMPLES_CSV_RND_BITS] = "mmap_rnd_bits",
	[SAMPLES_CSV_RND_COMPAT_BITS] = "mmap_rnd_compat_bits",
};

const char *samples_csv_column_name(enum samples_csv_column column)
{
	return column > SAMPLES_CSV_REGION && column < SAMPLES_CSV_FIXED_END ? fixed_names[column] : NULL;
}

/* Whether the file has fixed column c. */
static int has_column(const struct samples_knobs *knobs, int c)
{
	return c == SAMPLES_CSV_RND_BITS ? knobs->has_rnd_bits
	       : c == SAMPLES_CSV_RND_COMPAT_BITS ? knobs->has_rnd_compat_bits : 1;
}

void samples_csv_header(struct strbuf *sb, const struct samples_knobs *knobs, char names[][RECORD_NAME_MAX + 1],
			unsigned count)
{
	for (int c = SAMPLES_CSV_VARIANT; c < SAMPLES_CSV_FIXED_END; c++)
		if (has_column(knobs, c))
			strbuf_printf(sb, "%s%s", c == SAMPLES_CSV_VARIANT ? "" : ",", fixed_names[c]);
	for (unsigned i = 0; i < count; i++)
		strbuf_printf(sb, ",%s", names[i]);
	strbuf_append(sb, "\n", 1);
}

enum { U64_DIGITS = 20 };

size_t samples_csv_row_max(size_t variant_len, unsigned count)
{
	/* variant, then ",<decimal>" for mode, seq and two knobs, ",0x<16 hex>" a region, "\n" */
	return variant_len + 4 * (1 + U64_DIGITS) + (size_t)count * (1 + 18) + 1;
}

static size_t format_u64(char *out, uint64_t v)
{
	char tmp[U64_DIGITS];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* ",<decimal>" at out; its length. */
static size_t put_number(char *out, uint64_t v)
{
	out[0] = ',';
	return 1 + format_u64(out + 1, v);
}

size_t samples_csv_row(char *buf, const struct samples_knobs *knobs, const struct series_key *key, uint64_t seq,
		       const uint64_t *values, unsigned count)
{
	size_t len = strlen(key->variant);

	memcpy(buf, key->variant, len);
	len += put_number(buf + len, (uint64_t)key->mode);
	len += put_number(buf + len, seq);
	if (knobs->has_rnd_bits)
		len += put_number(buf + len, (uint64_t)key->rnd_bits);
	if (knobs->has_rnd_compat_bits)
		len += put_number(buf + len, (uint64_t)key->rnd_compat_bits);
	for (unsigned i = 0; i < count; i++) {
		buf[len++] = ',';
		len += (size_t)record_hex(buf + len, values[i]);
	}
	buf[len++] = '\n';
	return len;
}
