#include "resume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probeinfo.h"
#include "run_config.h"

static int not_a_run(struct aslr_error *err, const char *path, const char *what)
{
	return aslr_error_input(err, -EINVAL, path, 0, 0, "cannot resume: %s", what);
}

static int read_int_list(const json_t *list, int *out, unsigned max, unsigned *count)
{
	const json_t *v;
	size_t i;

	*count = 0;
	json_array_foreach((json_t *)(uintptr_t)list, i, v) {
		if (!json_is_integer(v) || *count == max)
			return -1;
		out[(*count)++] = (int)json_integer_value(v);
	}
	return 0;
}

static int load_shape(const json_t *run, struct harness_options *opts, const char *path, struct aslr_error *err)
{
	const json_t *samples = json_object_get(run, "samples"), *user = json_object_get(run, "user");
	const json_t *rnd = json_object_get(run, "mmap_rnd_bits"), *compat = json_object_get(run, "mmap_rnd_compat_bits");
	unsigned modes;

	if (json_object_get(run, "precision"))
		return aslr_error_input(err, -EINVAL, path, 0, 0, "cannot resume a --precision run (the rule would "
					"have to recount the rows kept); start it again");
	if (!json_is_integer(samples) || json_integer_value(samples) < 1 ||
	    read_int_list(json_object_get(run, "modes"), opts->modes, MAX_MODES, &modes) < 0 || !modes)
		return not_a_run(err, path, "run.json has no samples or modes");
	opts->samples = (uint64_t)json_integer_value(samples);
	opts->mode_count = modes;
	opts->modes_current = json_is_true(json_object_get(run, "modes_current"));
	if ((rnd && read_int_list(rnd, opts->rnd_bits.value, MAX_KNOB_VALUES, &opts->rnd_bits.count) < 0) ||
	    (compat && read_int_list(compat, opts->rnd_compat_bits.value, MAX_KNOB_VALUES,
				     &opts->rnd_compat_bits.count) < 0))
		return not_a_run(err, path, "run.json has bad knob values");
	if (json_is_number(json_object_get(run, "timeout_sec")))
		opts->timeout_sec = json_number_value(json_object_get(run, "timeout_sec"));
	opts->user = json_is_string(user) ? json_string_value(user) : NULL;
	return 0;
}

/* The targets' arguments (strings of run.json, which resume keeps). */
static int load_target_args(struct resume *resume, const json_t *list, struct run_config *cfg, const char *path,
			    struct aslr_error *err)
{
	size_t n = json_array_size(list);

	resume->target_args = calloc(n + 1, sizeof(char *));
	if (!resume->target_args)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *arg = json_string_value(json_array_get(list, i));
		if (!arg)
			return not_a_run(err, path, "run.json's target_args are not strings");
		resume->target_args[i] = (char *)(uintptr_t)arg;
	}
	cfg->target_args = resume->target_args;
	return 0;
}

static int load_probes(struct resume *resume, const json_t *probes, struct run_config *cfg, const char *path,
		       struct aslr_error *err)
{
	const json_t *p;
	size_t i;

	cfg->variant_count = 0;
	json_array_foreach((json_t *)(uintptr_t)probes, i, p) {
		const char *variant = json_string_value(json_object_get(p, "variant"));
		const char *probe = json_string_value(json_object_get(p, "path"));
		const char *sha = json_string_value(json_object_get(p, "sha256"));
		if (!variant || !probe || !sha || cfg->variant_count == MAX_VARIANTS)
			return not_a_run(err, path, "run.json's probes are incomplete");
		snprintf(cfg->variants[cfg->variant_count].name, sizeof(cfg->variants[0].name), "%s", variant);
		snprintf(cfg->variants[cfg->variant_count].probe, sizeof(cfg->variants[0].probe), "%s", probe);
		cfg->variants[cfg->variant_count].target = json_is_true(json_object_get(p, "target"));
		snprintf(resume->sha256[cfg->variant_count], sizeof(resume->sha256[0]), "%s", sha);
		cfg->variant_count++;
	}
	return cfg->variant_count ? 0 : not_a_run(err, path, "run.json names no probe");
}

int resume_load(struct resume *resume, const char *dir, struct harness_options *opts,
		struct run_config *cfg, struct aslr_error *err)
{
	char path[PATH_MAX + 16];
	json_error_t jerr;
	const char *status;
	int rc;

	memset(resume, 0, sizeof(*resume));
	snprintf(path, sizeof(path), "%s/run.json", dir);
	resume->info = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!resume->info)
		return aslr_error_input(err, -EINVAL, path, jerr.line, jerr.column, "%s", jerr.text);
	status = json_string_value(json_object_get(resume->info, "status"));
	if (status && strcmp(status, "complete") == 0)
		return aslr_error_at(err, -EALREADY, path, 0, 0, "the run is already complete");
	rc = load_shape(json_object_get(resume->info, "run"), opts, path, err);
	if (rc == 0)
		rc = load_probes(resume, json_object_get(resume->info, "probes"), cfg, path, err);
	if (rc == 0)
		rc = load_target_args(resume, json_object_get(json_object_get(resume->info, "run"), "target_args"), cfg,
				      path, err);
	if (rc == 0 && snprintf(cfg->out_dir, sizeof(cfg->out_dir), "%s", dir) >= (int)sizeof(cfg->out_dir))
		rc = aslr_error_set(err, -ENAMETOOLONG, "folder name too long");
	return rc;
}

int resume_check_probes(const struct resume *resume, const struct run_config *cfg, struct aslr_error *err)
{
	for (unsigned v = 0; v < cfg->variant_count; v++) {
		struct probe_info info;
		int rc = probe_info_read(cfg->variants[v].probe, &info, err);
		if (rc < 0)
			return rc;
		if (strcmp(info.sha256, resume->sha256[v]) != 0)
			return aslr_error_input(err, -EINVAL, cfg->variants[v].probe, 0, 0,
						"cannot resume: the probe changed since the run started "
						"(SHA-256 %.16s..., the run used %.16s...)", info.sha256,
						resume->sha256[v]);
	}
	return 0;
}

/* The file up to its last newline (a row a kill cut short is left out), NUL-terminated. */
static char *read_whole_rows(const char *path, size_t *len, struct aslr_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	ssize_t n = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		aslr_error_at(err, -errno, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out_close;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text || (n = pread(fd, text, (size_t)st.st_size, 0)) != st.st_size) {
		aslr_error_at(err, -EIO, path, 0, 0, "cannot read");
		free(text);
		text = NULL;
		goto out_close;
	}
	while (n > 0 && text[n - 1] != '\n')
		n--;
	text[n] = '\0';
	*len = (size_t)n;
out_close:
	if (fd >= 0)
		close(fd);
	return text;
}

static struct resume_series *find_series(const struct resume *resume, const struct series_key *key)
{
	for (unsigned i = 0; resume && i < resume->series_count; i++)
		if (series_key_equal(&resume->series[i].key, key))
			return &resume->series[i];
	return NULL;
}

/* key's series, added with no rows when it is new; NULL when out of memory. */
static struct resume_series *series_for(struct resume *resume, const struct series_key *key)
{
	struct resume_series *s = find_series(resume, key);
	char *variant;

	if (s)
		return s;
	s = realloc(resume->series, (resume->series_count + 1) * sizeof(*s));
	if (!s)
		return NULL;
	resume->series = s;
	variant = strdup(key->variant);
	if (!variant)
		return NULL;
	s = &resume->series[resume->series_count++];
	*s = (struct resume_series){ *key, 0 };
	s->key.variant = variant;
	return s;
}

/* Put "cannot resume: " before what the reader found wrong. */
static int refused(struct aslr_error *err, int rc)
{
	static const char prefix[] = "cannot resume: ";
	size_t n = strnlen(err->text, sizeof(err->text) - sizeof(prefix));

	memmove(err->text + sizeof(prefix) - 1, err->text, n);
	memcpy(err->text, prefix, sizeof(prefix) - 1);
	err->text[sizeof(prefix) - 1 + n] = '\0';
	return rc;
}

/* One row (len bytes, no newline): strictly parsed, and its seq the next of its series. */
static int count_row(struct resume *resume, const struct samples_csv_layout *layout, struct samples_csv_row *row,
		     const char *line, size_t len, long lineno, const char *path, struct aslr_error *err)
{
	int rc = samples_csv_parse_row(layout, line, len, path, lineno, row, err);
	struct resume_series *s;

	if (rc < 0)
		return refused(err, rc);
	s = series_for(resume, &row->key);
	if (!s)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	if (row->seq != s->rows)
		return aslr_error_input(err, -EINVAL, path, lineno, row->seq_column,
					"cannot resume: seq %llu where %llu was due", (unsigned long long)row->seq,
					(unsigned long long)s->rows);
	s->rows++;
	return 0;
}

/* Every row after the header (text holds whole lines only). */
static int count_rows(struct resume *resume, const struct samples_csv_layout *layout, const char *text,
		      const char *path, struct aslr_error *err)
{
	struct samples_csv_row row = { .value = calloc(layout->region_count, sizeof(uint64_t)) };
	long lineno = 1;
	int rc = row.value ? 0 : aslr_error_set(err, -ENOMEM, "out of memory");

	for (const char *line = text, *nl; rc == 0 && (nl = strchr(line, '\n')); line = nl + 1)
		rc = count_row(resume, layout, &row, line, (size_t)(nl - line), ++lineno, path, err);
	free(row.value);
	return rc;
}

int resume_scan_samples(struct resume *resume, const char *path, const char *header, size_t len,
			struct aslr_error *err)
{
	struct samples_csv_layout layout;
	size_t size = 0;
	char *text = read_whole_rows(path, &size, err);
	int rc;

	if (!text)
		return -EIO;
	if (size < len || memcmp(text, header, len) != 0) {
		rc = aslr_error_input(err, -EINVAL, path, 1, 1, "cannot resume: the header is not the one this "
				      "run writes (did the probes change?)");
		goto out_free;
	}
	rc = samples_csv_parse_header(&layout, header, len - 1, path, err);
	if (rc < 0)
		goto out_free;
	rc = count_rows(resume, &layout, text + len, path, err);
	if (rc == 0)
		resume->whole_rows = size;
	samples_csv_layout_free(&layout);
out_free:
	free(text);
	return rc;
}

uint64_t resume_rows(const struct resume *resume, const struct series_key *key)
{
	const struct resume_series *s = find_series(resume, key);

	return s ? s->rows : 0;
}

void resume_free(struct resume *resume)
{
	free(resume->target_args);
	json_decref(resume->info);
	for (unsigned i = 0; i < resume->series_count; i++)
		free((char *)(uintptr_t)resume->series[i].key.variant);
	free(resume->series);
	memset(resume, 0, sizeof(*resume));
}
