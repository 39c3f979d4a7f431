#include "samples_csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Where the parser is, for its messages. */
struct where {
	const char *file;
	long line;
	struct aslr_error *err;
};

static int bad(const struct where *w, long column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(const struct where *w, long column, const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return aslr_error_input(w->err, -EINVAL, w->file, w->line, column, "%s", text);
}

static int is_name_char(unsigned char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
		return 1;
	return !first && (c == '.' || c == '-');
}

/* A printable description of a byte that does not belong where it is. */
static const char *describe_byte(unsigned char c, char *buf, size_t size)
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x (binary data?)", c);
	return buf;
}

/* Column names and variants: [A-Za-z0-9_] then [A-Za-z0-9_.-], 1..64 characters, since
 * they become JSON keys, table labels and parts of plot file names. what: "a column name". */
static int check_name(const struct where *w, const char *s, size_t len, long column, const char *what)
{
	char byte[40];

	if (len == 0)
		return bad(w, column, "empty %s", what);
	if (len > SAMPLES_CSV_NAME_MAX)
		return bad(w, column, "%s longer than 64 characters", what);
	for (size_t i = 0; i < len; i++)
		if (!is_name_char((unsigned char)s[i], i == 0))
			return bad(w, column + (long)i, "%s not allowed in %s ([A-Za-z0-9_] then [A-Za-z0-9_.-])",
				   describe_byte((unsigned char)s[i], byte, sizeof(byte)), what);
	return 0;
}

static enum samples_csv_column kind_of(const char *s, size_t len)
{
	for (int c = SAMPLES_CSV_VARIANT; c < SAMPLES_CSV_FIXED_END; c++)
		if (strlen(fixed_names[c]) == len && memcmp(fixed_names[c], s, len) == 0)
			return (enum samples_csv_column)c;
	return SAMPLES_CSV_REGION;
}

static int add_column(struct samples_csv_layout *l, const struct where *w, const char *s, size_t len, long column)
{
	enum samples_csv_column kind = kind_of(s, len);
	int rc = check_name(w, s, len, column, "a column name");

	if (rc < 0)
		return rc;
	if (l->columns == SAMPLES_CSV_MAX_COLUMNS)
		return bad(w, column, "more than 256 columns");
	for (unsigned c = 0; c < l->columns; c++) {
		const char *other = l->kind[c] == SAMPLES_CSV_REGION ? l->region[l->region_of[c]] : NULL;
		if ((other && strlen(other) == len && memcmp(other, s, len) == 0) ||
		    (!other && l->kind[c] == kind))
			return bad(w, column, "duplicate column '%.*s'", (int)len, s);
	}
	l->kind[l->columns] = (unsigned char)kind;
	if (kind == SAMPLES_CSV_REGION) {
		l->region_of[l->columns] = l->region_count;
		memcpy(l->region[l->region_count], s, len);
		l->region[l->region_count++][len] = '\0';
	}
	l->has_variant |= kind == SAMPLES_CSV_VARIANT;
	l->has_seq |= kind == SAMPLES_CSV_SEQ;
	l->has_rnd_bits |= kind == SAMPLES_CSV_RND_BITS;
	l->has_rnd_compat_bits |= kind == SAMPLES_CSV_RND_COMPAT_BITS;
	l->columns++;
	return 0;
}

static int read_header(struct samples_csv_layout *l, const struct where *w, const char *line, size_t len)
{
	size_t start = 0;
	int has_mode = 0, rc;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ',')
			continue;
		rc = add_column(l, w, line + start, i - start, (long)start + 1);
		if (rc < 0)
			return rc;
		has_mode |= l->kind[l->columns - 1] == SAMPLES_CSV_MODE;
		start = i + 1;
	}
	if (!has_mode)
		return bad(w, 1, "no 'mode' column: the header must name one");
	if (l->region_count == 0)
		return bad(w, 1, "no region columns besides the fixed ones");
	return 0;
}

int samples_csv_parse_header(struct samples_csv_layout *layout, const char *line, size_t len, const char *file,
			     struct aslr_error *err)
{
	struct where w = { file, 1, err };
	int rc;

	memset(layout, 0, sizeof(*layout));
	layout->region = calloc(SAMPLES_CSV_MAX_COLUMNS, sizeof(*layout->region));
	if (!layout->region)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	rc = read_header(layout, &w, line, len);
	if (rc < 0)
		samples_csv_layout_free(layout);
	return rc;
}

void samples_csv_layout_free(struct samples_csv_layout *layout)
{
	free(layout->region);
	layout->region = NULL;
}

int samples_csv_parse_value(const char *cell, size_t len, uint64_t *out, const char **why, size_t *bad_offset)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;

	*bad_offset = 0;
	if (len == 0)
		return *why = "empty cell", -1;
	if (cell[0] == '-')
		return *why = "negative number", -1;
	if (len >= 2 && cell[0] == '0' && (cell[1] == 'x' || cell[1] == 'X')) {
		if (len == 2)
			return *why = "no hex digits after 0x", *bad_offset = 2, -1;
		for (i = 2; i < len; i++) {
			char c = cell[i];
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
			if (d == 16)
				return *why = "not a hex digit", *bad_offset = i, -1;
			if ((digits += v != 0 || d != 0) > 16)
				return *why = "value over 64 bits", *bad_offset = i, -1;
			v = v << 4 | d;
		}
		*out = v;
		return 0;
	}
	for (; i < len; i++) {
		unsigned d = (unsigned)(cell[i] - '0');
		if (d > 9)
			return *why = "not a decimal digit (hex needs 0x)", *bad_offset = i, -1;
		if (v > (UINT64_MAX - d) / 10)
			return *why = "value over 64 bits", *bad_offset = i, -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Report a cell that does not parse, naming the byte when it is binary. */
static int bad_value(const struct where *w, const char *what, const char *cell, size_t len, long column,
		     const char *why, size_t off)
{
	char byte[40];
	unsigned char c = off < len ? (unsigned char)cell[off] : ' ';

	if (c < 0x20 || c >= 0x7f)
		return bad(w, column + (long)off, "%s: %s", what, describe_byte(c, byte, sizeof(byte)));
	return bad(w, column + (long)off, "%s: %s", what, why);
}

static int parse_small(const struct where *w, const char *cell, size_t len, long column, uint64_t max,
		       const char *what, uint64_t *out)
{
	const char *why;
	size_t off;

	if (samples_csv_parse_value(cell, len, out, &why, &off) < 0)
		return bad_value(w, what, cell, len, column, why, off);
	if (*out > max)
		return bad(w, column, "%s must be at most %llu", what, (unsigned long long)max);
	return 0;
}

static int parse_cell(const struct samples_csv_layout *l, const struct where *w, unsigned c, const char *cell,
		      size_t len, long column, struct samples_csv_row *row)
{
	const char *why;
	uint64_t v;
	size_t off;

	switch ((enum samples_csv_column)l->kind[c]) {
	case SAMPLES_CSV_REGION:
		if (samples_csv_parse_value(cell, len, &row->value[l->region_of[c]], &why, &off) < 0)
			return bad_value(w, l->region[l->region_of[c]], cell, len, column, why, off);
		return 0;
	case SAMPLES_CSV_VARIANT:
		if (check_name(w, cell, len, column, "a variant name") < 0)
			return -EINVAL;
		memcpy(row->variant, cell, len);
		row->variant[len] = '\0';
		return 0;
	case SAMPLES_CSV_MODE:
		if (parse_small(w, cell, len, column, 2, "mode (0, 1 or 2)", &v) < 0)
			return -EINVAL;
		row->key.mode = (int)v;
		return 0;
	case SAMPLES_CSV_SEQ:
		row->seq_column = column;
		return parse_small(w, cell, len, column, UINT64_MAX, fixed_names[SAMPLES_CSV_SEQ], &row->seq);
	case SAMPLES_CSV_RND_BITS:
	case SAMPLES_CSV_RND_COMPAT_BITS:
		if (parse_small(w, cell, len, column, 64, fixed_names[l->kind[c]], &v) < 0)
			return -EINVAL;
		*(l->kind[c] == SAMPLES_CSV_RND_BITS ? &row->key.rnd_bits : &row->key.rnd_compat_bits) = (int)v;
		return 0;
	case SAMPLES_CSV_FIXED_END:
		break;
	}
	return -EINVAL;
}

int samples_csv_parse_row(const struct samples_csv_layout *layout, const char *line, size_t len, const char *file,
			  long lineno, struct samples_csv_row *row, struct aslr_error *err)
{
	struct where w = { file, lineno, err };
	size_t start = 0, i = 0;
	unsigned c = 0;

	snprintf(row->variant, sizeof(row->variant), "%s", SAMPLES_CSV_DEFAULT_VARIANT);
	row->key = (struct series_key){ row->variant, 0, -1, -1 };
	row->seq = 0;
	row->seq_column = 0;
	if (len == 0)
		return bad(&w, 1, "empty line");
	for (;; i++) {
		if (i < len && line[i] != ',')
			continue;
		if (c == layout->columns)
			return bad(&w, (long)start + 1, "more cells than the header's %u columns", layout->columns);
		if (parse_cell(layout, &w, c, line + start, i - start, (long)start + 1, row) < 0)
			return -EINVAL;
		c++;
		start = i + 1;
		if (i == len)
			break;
	}
	if (c < layout->columns)
		return bad(&w, (long)len + 1, "%u cells, the header has %u columns", c, layout->columns);
	return 0;
}
