#include "samples.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct parser {
	struct sample_table *t;
	const char *name;
	long line;
	struct samples_csv_layout layout; /* its region names are the table's (t->region) */
	struct samples_csv_row row;       /* row.value: the region values of the row being read */
	struct sample_series *last;
	struct aslr_error *err;
};

static int parse_header(struct parser *p, const char *line, size_t len)
{
	struct sample_table *t = p->t;
	int rc = samples_csv_parse_header(&p->layout, line, len, p->name, p->err);

	if (rc < 0)
		return rc;
	t->region = p->layout.region; /* the table takes the names */
	t->region_count = p->layout.region_count;
	t->has_variant = p->layout.has_variant;
	t->has_seq = p->layout.has_seq;
	t->has_rnd_bits = p->layout.has_rnd_bits;
	t->has_rnd_compat_bits = p->layout.has_rnd_compat_bits;
	p->row.value = calloc(t->region_count, sizeof(uint64_t));
	return p->row.value ? 0 : aslr_error_set(p->err, -ENOMEM, "out of memory");
}

struct series_key samples_series_key(const struct sample_series *s)
{
	return (struct series_key){ s->variant, s->mode, s->rnd_bits, s->rnd_compat_bits };
}

static int same_series(const struct sample_series *s, const struct series_key *k)
{
	struct series_key key = samples_series_key(s);

	return series_key_equal(&key, k);
}

static struct sample_series *find_series(struct parser *p, const struct series_key *k)
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
	snprintf(s->variant, sizeof(s->variant), "%s", k->variant);
	s->mode = k->mode;
	s->rnd_bits = k->rnd_bits;
	s->rnd_compat_bits = k->rnd_compat_bits;
	s->column = calloc(t->region_count, sizeof(*s->column));
	if (!s->column)
		return NULL;
	t->series_count++;
	return p->last = s;
}

static int store_row(struct parser *p, const struct samples_csv_row *row)
{
	struct sample_series *s = find_series(p, &row->key);

	if (!s)
		return aslr_error_set(p->err, -ENOMEM, "out of memory (or more than %d series)",
				      SAMPLES_MAX_SERIES);
	for (unsigned r = 0; r < p->t->region_count; r++)
		if (u64vec_push(&s->column[r], row->value[r]) < 0)
			return aslr_error_set(p->err, -ENOMEM, "out of memory");
	if (p->t->has_seq && u64vec_push(&s->seq, row->seq) < 0)
		return aslr_error_set(p->err, -ENOMEM, "out of memory");
	s->rows++;
	p->t->rows++;
	return 0;
}

static int parse_row(struct parser *p, const char *line, size_t len)
{
	int rc = samples_csv_parse_row(&p->layout, line, len, p->name, p->line, &p->row, p->err);

	return rc < 0 ? rc : store_row(p, &p->row);
}

static int handle_line(struct parser *p, const char *line, size_t len)
{
	p->line++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > SAMPLES_LINE_MAX)
		return aslr_error_input(p->err, -EINVAL, p->name, p->line, SAMPLES_LINE_MAX + 1,
					"line longer than %d bytes", SAMPLES_LINE_MAX);
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
		return aslr_error_input(p->err, -EINVAL, p->name, p->line, 1,
					"empty file: expected a header with a 'mode' column");
	}
	if (p->t->rows == 0) {
		p->line = 2;
		return aslr_error_input(p->err, -EINVAL, p->name, p->line, 1, "no sample rows after the header");
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
	free(p->row.value);
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
			return aslr_error_input(p->err, -EINVAL, p->name, p->line, SAMPLES_LINE_MAX + 1,
						"line longer than %d bytes", SAMPLES_LINE_MAX);
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
	if (fd < 0 && errno == ENOENT) /* a path that names nothing: bad input, as a wrong operand */
		return aslr_error_input(err, -ENOENT, path, 0, 0, "cannot open: %s", strerror(ENOENT));
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
