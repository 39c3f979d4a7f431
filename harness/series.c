#include "series.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

/* out as printable text, at most about max characters, into buf. */
static void quote_output(const char *out, size_t len, size_t max, char *buf, size_t size)
{
	size_t j = 0;

	for (size_t i = 0; i < len && j + 5 < size; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[j++] = (char)c;
		else
			j += (size_t)snprintf(buf + j, size - j, "\\x%02x", c);
		if (j > max) {
			j += (size_t)snprintf(buf + j, size - j, "...");
			break;
		}
	}
	buf[j < size ? j : size - 1] = '\0';
}

static int names_match(const struct record *rec, const struct region_names *names)
{
	if (rec->count != names->count)
		return 0;
	for (unsigned i = 0; i < rec->count; i++)
		if (strlen(names->name[i]) != rec->name_len[i] ||
		    memcmp(names->name[i], rec->name[i], rec->name_len[i]) != 0)
			return 0;
	return 1;
}

/* Where a record's names first differ from the first record's. */
static void names_difference(const struct record *rec, const struct region_names *names, char *buf, size_t size)
{
	unsigned i = 0;

	while (i < rec->count && i < names->count && strlen(names->name[i]) == rec->name_len[i] &&
	       memcmp(names->name[i], rec->name[i], rec->name_len[i]) == 0)
		i++;
	if (i < rec->count && i < names->count)
		snprintf(buf, size, "region %u is %.*s where the first exec had %s", i + 1, (int)rec->name_len[i],
			 rec->name[i], names->name[i]);
	else if (i < rec->count)
		snprintf(buf, size, "%u regions where the first exec had %u; the first extra one is %.*s", rec->count,
			 names->count, (int)rec->name_len[i], rec->name[i]);
	else
		snprintf(buf, size, "%u regions where the first exec had %u; the first missing one is %s", rec->count,
			 names->count, names->name[i]);
}

/* The last line a traced program wrote to stderr before it ended, e.g. the loader's
 * "error while loading shared libraries: ...". */
static void last_words(const struct probe_result *result, char *buf, size_t size)
{
	size_t len = result->len, start;

	while (len > 0 && (result->out[len - 1] == '\n' || result->out[len - 1] == ' '))
		len--;
	start = len;
	while (start > 0 && result->out[start - 1] != '\n')
		start--;
	buf[0] = '\0';
	if (len > start) {
		char quoted[FAILURE_EXAMPLE - 64]; /* fits in an example after "exit status N before ..." */
		quote_output(result->out + start, len - start, sizeof(quoted) - 30, quoted, sizeof(quoted));
		snprintf(buf, size, ": \"%s\"", quoted);
	}
}

static int classify_exit(const struct probe_result *result, char *example, size_t size)
{
	const char *where = result->before_entry ? " before its entry point" : "";
	char words[FAILURE_EXAMPLE] = "";

	if (result->before_entry)
		last_words(result, words, sizeof(words));
	switch (result->outcome) {
	case PROBE_TIMEOUT:
		snprintf(example, size, "killed after the timeout");
		return FAILURE_TIMEOUT;
	case PROBE_OVERFLOW:
		snprintf(example, size, "%d bytes or more of output", RECORD_MAX_LEN);
		return FAILURE_OVERFLOW;
	case PROBE_EXEC_FAILED:
		snprintf(example, size, "%.*s: %s", (int)result->len, result->out, strerror(result->code));
		return FAILURE_EXEC;
	case PROBE_TRACE_FAILED:
		snprintf(example, size, "%.*s", (int)result->len, result->out);
		return FAILURE_TRACE;
	case PROBE_SIGNALED:
		snprintf(example, size, "signal %d (%s)%s%s", result->code, strsignal(result->code), where, words);
		return FAILURE_SIGNAL;
	case PROBE_EXITED:
		if (result->code == 0 && !result->before_entry)
			return -1;
		snprintf(example, size, "exit status %d%s%s", result->code, where, words);
		return FAILURE_EXIT;
	}
	return FAILURE_EXIT;
}

int series_classify(const struct probe_result *result, const struct region_names *names,
		    struct record *rec, char *example, size_t example_size)
{
	struct record_problem why;
	char quoted[100];
	int kind = result->record ? -1 : classify_exit(result, example, example_size);

	if (kind >= 0)
		return kind;
	if (result->record) {
		*rec = *result->record;
	} else if (result->len == 0) {
		snprintf(example, example_size, "no output");
		return FAILURE_EMPTY;
	} else if (record_parse(result->out, result->len, rec, &why) < 0) {
		quote_output(result->out, result->len, 60, quoted, sizeof(quoted));
		snprintf(example, example_size, "%s at byte %zu: \"%s\"", why.reason, why.offset + 1,
			 quoted);
		return FAILURE_MALFORMED;
	}
	if (names && !names_match(rec, names)) {
		if (result->record) {
			names_difference(rec, names, example, example_size);
		} else {
			quote_output(result->out, result->len, 60, quoted, sizeof(quoted));
			snprintf(example, example_size, "region names differ from the first record: \"%s\"", quoted);
		}
		return FAILURE_REGIONS;
	}
	return -1;
}

void region_names_from_record(struct region_names *names, const struct record *rec)
{
	for (unsigned i = 0; i < rec->count; i++) {
		memcpy(names->name[i], rec->name[i], rec->name_len[i]);
		names->name[i][rec->name_len[i]] = '\0';
	}
	names->count = rec->count;
}

int region_names_merge(struct region_names *all, const struct region_names *more, unsigned *map)
{
	for (unsigned i = 0; i < more->count; i++) {
		unsigned c = 0;
		while (c < all->count && strcmp(all->name[c], more->name[i]) != 0)
			c++;
		if (c == all->count) {
			if (all->count == RECORD_CAPACITY)
				return -E2BIG;
			memcpy(all->name[all->count++], more->name[i], sizeof(more->name[i]));
		}
		map[i] = c;
	}
	return 0;
}

/* The progress line of a precision run: the region furthest from done, and when the
 * series should end at this rate (capped by --max-samples and --max-time). */
static void precision_progress(struct series *s, uint64_t done, double now)
{
	char detail[160];
	double elapsed = now - s->start, rate = elapsed > 0 ? (double)done / elapsed : 0, eta = -1;
	int furthest = precision_furthest(s->precision);

	precision_furthest_text(s->precision, detail, sizeof(detail));
	if (furthest >= 0 && rate > 0) {
		double need = precision_samples_expected(s->precision, (unsigned)furthest);
		eta = (fmin(need, (double)s->precision->rule.max_samples) - (double)done) / rate;
		if (s->precision->rule.max_time > 0)
			eta = fmin(eta, s->precision->rule.max_time - elapsed);
		eta = fmax(eta, 0);
	}
	progress_print_detail(s->progress, done, now, detail, eta);
}

/* The row in CSV column order: regions this probe does not report stay 0x0. */
static int keep_row(struct series *s, const struct record *rec)
{
	uint64_t row[RECORD_CAPACITY] = { 0 };
	double now;
	int rc;

	for (unsigned i = 0; i < rec->count; i++)
		row[s->column_of[i]] = rec->value[i];
	rc = samples_writer_row(s->writer, &s->key, s->first_seq + s->accepted, row, s->columns, s->err);
	if (rc == 0 && s->precision)
		rc = precision_add_row(s->precision, rec->value, s->err);
	if (rc < 0)
		return rc;
	s->accepted++;
	now = aslr_now_sec();
	if (!s->precision)
		progress_update(s->progress, s->first_seq + s->accepted, now);
	else if (progress_due(s->progress, s->first_seq + s->accepted, now))
		precision_progress(s, s->first_seq + s->accepted, now);
	/* whole rows reach the disk at least every second, for --resume after a kill */
	if (now - s->last_flush > 1.0) {
		s->last_flush = now;
		return samples_writer_flush(s->writer, s->err);
	}
	return 0;
}

/* With a precision rule: SPAWN_FINISH or-ed into rc once the rule ends the series. */
static int finish_when_due(struct series *s, int rc)
{
	if (!s->precision || s->end != PRECISION_GOING)
		return rc;
	s->end = precision_end_now(s->precision, aslr_now_sec() - s->start);
	return s->end == PRECISION_GOING ? rc : rc | SPAWN_FINISH;
}

static int on_result(void *ctx, const struct probe_result *result)
{
	struct series *s = ctx;
	struct record rec;
	char example[FAILURE_EXAMPLE];
	int kind = series_classify(result, s->names, &rec, example, sizeof(example));
	int rc;

	failure_tally_count(&s->tally, kind, example);
	if (kind == FAILURE_REGIONS && s->regions_fatal) {
		char label[SERIES_KEY_TEXT];
		series_key_label(&s->key, label, sizeof(label));
		return aslr_error_set(s->err, -ECANCELED, "%s: the files it maps changed between execs (%s): its "
				      "regions cannot be compared from one exec to the next", label, example);
	}
	if (kind >= 0) {
		if (failure_budget_exceeded(&s->tally)) {
			char text[ASLR_ERROR_TEXT], label[SERIES_KEY_TEXT];
			failure_tally_describe(&s->tally, text, sizeof(text));
			series_key_label(&s->key, label, sizeof(label));
			return aslr_error_set(s->err, -ECANCELED, "too many probe failures (%s): %s", label, text);
		}
		return finish_when_due(s, SPAWN_REJECTED);
	}
	rc = keep_row(s, &rec);
	return rc < 0 ? rc : finish_when_due(s, SPAWN_ACCEPTED);
}

int series_run(struct series *s, struct aslr_error *err)
{
	int rc;

	s->err = err;
	s->start = s->last_flush = aslr_now_sec();
	s->end = PRECISION_GOING;
	rc = spawn_run(&s->spawn, on_result, s, err);
	s->seconds = aslr_now_sec() - s->start;
	if (rc == SPAWN_DONE && s->precision && s->end == PRECISION_GOING) /* spawn.target = max_samples reached */
		s->end = precision_end_now(s->precision, s->seconds);
	if (s->precision)
		precision_settle(s->precision);
	if (rc >= 0) {
		int flushed = samples_writer_flush(s->writer, err);
		if (flushed < 0)
			rc = flushed;
	}
	return rc;
}
