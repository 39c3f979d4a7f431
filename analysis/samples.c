#include "samples.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum column_kind { COL_REGION, COL_VARIANT, COL_MODE, COL_SEQ, COL_RND_BITS, COL_RND_COMPAT_BITS };

struct parser {
	struct sample_table *t;
	const char *name;
	long line;
	unsigned ncols;
	unsigned char kind[SAMPLES_MAX_COLUMNS];
	unsigned region_of[SAMPLES_MAX_COLUMNS];
	uint64_t *row; /* region values of the row being read */
	struct sample_series *last;
	struct aslr_error *err;
};

static int bad(struct parser *p, long column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct parser *p, long column, const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return aslr_error_at(p->err, -EINVAL, p->name, p->line, column, "%s", text);
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
static int check_name(struct parser *p, const char *s, size_t len, long column, const char *what)
{
	char byte[40];

	if (len == 0)
		return bad(p, column, "empty %s", what);
	if (len > SAMPLES_NAME_MAX)
		return bad(p, column, "%s longer than 64 characters", what);
	for (size_t i = 0; i < len; i++)
		if (!is_name_char((unsigned char)s[i], i == 0))
			return bad(p, column + (long)i, "%s not allowed in %s ([A-Za-z0-9_] then [A-Za-z0-9_.-])",
				   describe_byte((unsigned char)s[i], byte, sizeof(byte)), what);
	return 0;
}

static enum column_kind kind_of(const char *s, size_t len)
{
	static const struct { const char *name; enum column_kind kind; } fixed[] = {
		{ "variant", COL_VARIANT }, { "mode", COL_MODE }, { "seq", COL_SEQ },
		{ "mmap_rnd_bits", COL_RND_BITS }, { "mmap_rnd_compat_bits", COL_RND_COMPAT_BITS },
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strlen(fixed[i].name) == len && memcmp(fixed[i].name, s, len) == 0)
			return fixed[i].kind;
	return COL_REGION;
}

static int add_column(struct parser *p, const char *s, size_t len, long column)
{
	struct sample_table *t = p->t;
	enum column_kind kind = kind_of(s, len);
	int rc = check_name(p, s, len, column, "a column name");

	if (rc < 0)
		return rc;
	if (p->ncols == SAMPLES_MAX_COLUMNS)
		return bad(p, column, "more than 256 columns");
	for (unsigned c = 0; c < p->ncols; c++) {
		const char *other = p->kind[c] == COL_REGION ? t->region[p->region_of[c]] : NULL;
		if ((other && strlen(other) == len && memcmp(other, s, len) == 0) ||
		    (!other && p->kind[c] == kind))
			return bad(p, column, "duplicate column '%.*s'", (int)len, s);
	}
	p->kind[p->ncols] = (unsigned char)kind;
	if (kind == COL_REGION) {
		p->region_of[p->ncols] = t->region_count;
		memcpy(t->region[t->region_count], s, len);
		t->region[t->region_count++][len] = '\0';
	}
	t->has_variant |= kind == COL_VARIANT;
	t->has_seq |= kind == COL_SEQ;
	t->has_rnd_bits |= kind == COL_RND_BITS;
	t->has_rnd_compat_bits |= kind == COL_RND_COMPAT_BITS;
	p->ncols++;
	return 0;
}

static int parse_header(struct parser *p, const char *line, size_t len)
{
	size_t start = 0;
	int has_mode = 0, rc;

	p->t->region = calloc(SAMPLES_MAX_COLUMNS, sizeof(*p->t->region));
	if (!p->t->region)
		return aslr_error_set(p->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ',')
			continue;
		rc = add_column(p, line + start, i - start, (long)start + 1);
		if (rc < 0)
			return rc;
		has_mode |= p->kind[p->ncols - 1] == COL_MODE;
		start = i + 1;
	}
	if (!has_mode)
		return bad(p, 1, "no 'mode' column: the header must name one");
	if (p->t->region_count == 0)
		return bad(p, 1, "no region columns besides the fixed ones");
	p->row = calloc(p->t->region_count, sizeof(uint64_t));
	return p->row ? 0 : aslr_error_set(p->err, -ENOMEM, "out of memory");
}

int samples_parse_value(const char *cell, size_t len, uint64_t *out, const char **why,
			size_t *bad_offset)
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
static int bad_value(struct parser *p, const char *what, const char *cell, size_t len, long column,
		     const char *why, size_t off)
{
	char byte[40];
	unsigned char c = off < len ? (unsigned char)cell[off] : ' ';

	if (c < 0x20 || c >= 0x7f)
		return bad(p, column + (long)off, "%s: %s", what, describe_byte(c, byte, sizeof(byte)));
	return bad(p, column + (long)off, "%s: %s", what, why);
}

static int parse_small(struct parser *p, const char *cell, size_t len, long column, uint64_t max,
		       const char *what, uint64_t *out)
{
	const char *why;
	size_t off;

	if (samples_parse_value(cell, len, out, &why, &off) < 0)
		return bad_value(p, what, cell, len, column, why, off);
	if (*out > max)
		return bad(p, column, "%s must be at most %llu", what, (unsigned long long)max);
	return 0;
}

/* The fixed cells of one row, which select its series. */
struct row_key {
	const char *variant;
	size_t variant_len;
	int mode, rnd_bits, rnd_compat_bits;
	uint64_t seq;
};

static int same_series(const struct sample_series *s, const struct row_key *k)
{
	return s->mode == k->mode && s->rnd_bits == k->rnd_bits &&
	       s->rnd_compat_bits == k->rnd_compat_bits && strlen(s->variant) == k->variant_len &&
	       memcmp(s->variant, k->variant, k->variant_len) == 0;
}

static struct sample_series *find_series(struct parser *p, const struct row_key *k)
{
	struct sample_table *t = p->t;
	struct sample_series *s;

	if (p->last && same_series(p->last, k))
		return p->last;
	for (unsigned i = 0; i < t->series_count; i++)
		if (same_series(&t->series[i], k))
			return p->last = &t->series[i];
	if (t->series_count == SAMPLES_MAX_SERIES)
		return NULL;
	if (t->series_count % 16 == 0) {
		void *grown = realloc(t->series, (t->series_count + 16) * sizeof(*t->series));
		if (!grown)
			return NULL;
		t->series = grown;
	}
	s = &t->series[t->series_count];
	memset(s, 0, sizeof(*s));
	memcpy(s->variant, k->variant, k->variant_len);
	s->mode = k->mode;
	s->rnd_bits = k->rnd_bits;
	s->rnd_compat_bits = k->rnd_compat_bits;
	s->column = calloc(t->region_count, sizeof(*s->column));
	if (!s->column)
		return NULL;
	t->series_count++;
	return p->last = s;
}

static int parse_cell(struct parser *p, unsigned c, const char *cell, size_t len, long column,
		      struct row_key *key)
{
	const char *why;
	uint64_t v;
	size_t off;

	switch ((enum column_kind)p->kind[c]) {
	case COL_REGION:
		if (samples_parse_value(cell, len, &p->row[p->region_of[c]], &why, &off) < 0)
			return bad_value(p, p->t->region[p->region_of[c]], cell, len, column, why, off);
		return 0;
	case COL_VARIANT:
		key->variant = cell;
		key->variant_len = len;
		return check_name(p, cell, len, column, "a variant name");
	case COL_MODE:
		if (parse_small(p, cell, len, column, 2, "mode (0, 1 or 2)", &v) < 0)
			return -EINVAL;
		key->mode = (int)v;
		return 0;
	case COL_SEQ:
		return parse_small(p, cell, len, column, UINT64_MAX, "seq", &key->seq);
	case COL_RND_BITS:
	case COL_RND_COMPAT_BITS:
		if (parse_small(p, cell, len, column, 64, "mmap_rnd_bits", &v) < 0)
			return -EINVAL;
		*(p->kind[c] == COL_RND_BITS ? &key->rnd_bits : &key->rnd_compat_bits) = (int)v;
		return 0;
	}
	return -EINVAL;
}

static int store_row(struct parser *p, const struct row_key *key)
{
	struct sample_series *s = find_series(p, key);

	if (!s)
		return aslr_error_set(p->err, -ENOMEM, "out of memory (or more than %d series)",
				      SAMPLES_MAX_SERIES);
	for (unsigned r = 0; r < p->t->region_count; r++)
		if (u64vec_push(&s->column[r], p->row[r]) < 0)
			return aslr_error_set(p->err, -ENOMEM, "out of memory");
	if (p->t->has_seq && u64vec_push(&s->seq, key->seq) < 0)
		return aslr_error_set(p->err, -ENOMEM, "out of memory");
	s->rows++;
	p->t->rows++;
	return 0;
}

static int parse_row(struct parser *p, const char *line, size_t len)
{
	struct row_key key = { .variant = "default", .variant_len = 7, .rnd_bits = -1, .rnd_compat_bits = -1 };
	size_t start = 0, i = 0;
	unsigned c = 0;

	if (len == 0)
		return bad(p, 1, "empty line");
	for (;; i++) {
		if (i < len && line[i] != ',')
			continue;
		if (c == p->ncols)
			return bad(p, (long)start + 1, "more cells than the header's %u columns", p->ncols);
		if (parse_cell(p, c, line + start, i - start, (long)start + 1, &key) < 0)
			return -EINVAL;
		c++;
		start = i + 1;
		if (i == len)
			break;
	}
	if (c < p->ncols)
		return bad(p, (long)len + 1, "%u cells, the header has %u columns", c, p->ncols);
	return store_row(p, &key);
}

static int handle_line(struct parser *p, const char *line, size_t len)
{
	p->line++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > SAMPLES_LINE_MAX)
		return bad(p, SAMPLES_LINE_MAX + 1, "line longer than %d bytes", SAMPLES_LINE_MAX);
	return p->line == 1 ? parse_header(p, line, len) : parse_row(p, line, len);
}

/* Feed complete lines of buf to the parser; returns bytes consumed (a partial last line is left). */
static int feed(struct parser *p, const char *buf, size_t len, size_t *consumed)
{
	size_t start = 0;

	for (;;) {
		const char *nl = memchr(buf + start, '\n', len - start);
		int rc;
		if (!nl)
			break;
		rc = handle_line(p, buf + start, (size_t)(nl - buf) - start);
		if (rc < 0)
			return rc;
		start = (size_t)(nl - buf) + 1;
	}
	*consumed = start;
	return 0;
}

static int finish_parse(struct parser *p, const char *rest, size_t len)
{
	int rc = 0;

	if (len > 0)
		rc = handle_line(p, rest, len); /* a last line without its newline */
	if (rc < 0)
		return rc;
	if (p->line == 0) {
		p->line = 1;
		return bad(p, 1, "empty file: expected a header with a 'mode' column");
	}
	if (p->t->rows == 0) {
		p->line = 2;
		return bad(p, 1, "no sample rows after the header");
	}
	return 0;
}

static int compare_series(const void *a, const void *b, void *order)
{
	const struct sample_series *x = a, *y = b;
	(void)order;
	if (x->rnd_bits != y->rnd_bits)
		return x->rnd_bits < y->rnd_bits ? -1 : 1;
	if (x->rnd_compat_bits != y->rnd_compat_bits)
		return x->rnd_compat_bits < y->rnd_compat_bits ? -1 : 1;
	return x->mode - y->mode;
}

/* Variants keep the order they first appeared in; within one, knobs then mode ascend. */
static void order_series(struct sample_table *t)
{
	unsigned done = 0;

	while (done < t->series_count) {
		unsigned end = done + 1;
		for (unsigned i = done + 1; i < t->series_count; i++)
			if (strcmp(t->series[i].variant, t->series[done].variant) == 0) {
				struct sample_series tmp = t->series[i];
				memmove(&t->series[end + 1], &t->series[end], (i - end) * sizeof(tmp));
				t->series[end++] = tmp;
			}
		qsort_r(&t->series[done], end - done, sizeof(*t->series), compare_series, NULL);
		done = end;
	}
}

static void parser_init(struct parser *p, struct sample_table *t, const char *name,
			struct aslr_error *err)
{
	memset(t, 0, sizeof(*t));
	memset(p, 0, sizeof(*p));
	snprintf(t->source, sizeof(t->source), "%s", name);
	p->t = t;
	p->name = t->source;
	p->err = err;
}

struct seq_row {
	uint64_t seq;
	size_t row;
};

static int compare_seq(const void *a, const void *b)
{
	const struct seq_row *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row; /* stable: file order among equal seqs */
}

/* Rows of series s into seq order, when they are not already (the harness writes them
 * in order; a CSV from elsewhere may not). 0 or -ENOMEM. */
static int order_rows(struct sample_table *t, struct sample_series *s)
{
	struct seq_row *order;
	uint64_t *moved;
	size_t i = 1;
	int rc = -ENOMEM;

	while (i < s->seq.len && s->seq.data[i - 1] <= s->seq.data[i])
		i++;
	if (i >= s->seq.len)
		return 0;
	order = malloc(s->rows * sizeof(*order));
	moved = malloc(s->rows * sizeof(*moved));
	if (order && moved) {
		for (i = 0; i < s->rows; i++)
			order[i] = (struct seq_row){ s->seq.data[i], i };
		qsort(order, s->rows, sizeof(*order), compare_seq);
		for (unsigned r = 0; r <= t->region_count; r++) {
			uint64_t *col = r < t->region_count ? s->column[r].data : s->seq.data;
			for (i = 0; i < s->rows; i++)
				moved[i] = col[order[i].row];
			memcpy(col, moved, s->rows * sizeof(*moved));
		}
		rc = 0;
	}
	free(moved);
	free(order);
	return rc;
}

static int parser_done(struct parser *p, int rc)
{
	free(p->row);
	for (unsigned i = 0; rc == 0 && i < p->t->series_count; i++)
		if (order_rows(p->t, &p->t->series[i]) < 0)
			rc = aslr_error_set(p->err, -ENOMEM, "out of memory");
	if (rc < 0)
		samples_free(p->t);
	else
		order_series(p->t);
	return rc;
}

int samples_load_buffer(struct sample_table *t, const char *name, const char *buf, size_t len,
			struct aslr_error *err)
{
	struct parser p;
	size_t used = 0;
	int rc;

	parser_init(&p, t, name, err);
	rc = feed(&p, buf, len, &used);
	if (rc == 0)
		rc = finish_parse(&p, buf + used, len - used);
	return parser_done(&p, rc);
}

enum { READ_CHUNK = 1 << 20 };

static int read_loop(struct parser *p, int fd, char *buf, size_t size)
{
	size_t have = 0, used;
	ssize_t n;
	int rc;

	for (;;) {
		n = read(fd, buf + have, size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return aslr_error_at(p->err, -errno, p->name, 0, 0, "read failed: %s", strerror(errno));
		if (n == 0)
			return finish_parse(p, buf, have);
		have += (size_t)n;
		rc = feed(p, buf, have, &used);
		if (rc < 0)
			return rc;
		memmove(buf, buf + used, have - used);
		have -= used;
		if (have == size) { /* no newline in a whole buffer: a line far too long */
			p->line++;
			return bad(p, SAMPLES_LINE_MAX + 1, "line longer than %d bytes", SAMPLES_LINE_MAX);
		}
	}
}

int samples_load(struct sample_table *t, const char *path, struct aslr_error *err)
{
	struct parser p;
	char *buf = NULL;
	int fd, rc;

	parser_init(&p, t, path, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return aslr_error_at(err, -errno, path, 0, 0, "cannot open: %s", strerror(errno));
	buf = malloc(READ_CHUNK + SAMPLES_LINE_MAX + 2);
	rc = buf ? read_loop(&p, fd, buf, READ_CHUNK + SAMPLES_LINE_MAX + 2)
		 : aslr_error_set(err, -ENOMEM, "out of memory");
	free(buf);
	close(fd);
	return parser_done(&p, rc);
}

void samples_free(struct sample_table *t)
{
	for (unsigned i = 0; i < t->series_count; i++) {
		for (unsigned r = 0; r < t->region_count; r++)
			u64vec_free(&t->series[i].column[r]);
		u64vec_free(&t->series[i].seq);
		free(t->series[i].column);
	}
	free(t->series);
	free(t->region);
	t->series = NULL;
	t->region = NULL;
	t->series_count = t->region_count = 0;
}
