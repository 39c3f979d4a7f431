#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "preset.h"
#include "sysctl.h"

static char env_path[] = "PATH=/usr/bin:/bin";
static char env_locale[] = "LC_ALL=C";
char *const run_probe_env[] = { env_path, env_locale, NULL };

static void describe_knobs(struct run *st)
{
	const struct runinfo_paths *p = &st->cfg->paths;

	st->knob[KNOB_VA_SPACE] = (struct run_knob){ st->va_path, "kernel.randomize_va_space", NULL, -1, 0, 2 };
	st->knob[KNOB_RND_BITS] = (struct run_knob){
		p->mmap_rnd_bits ? p->mmap_rnd_bits : SYSCTL_MMAP_RND_BITS, "vm.mmap_rnd_bits",
		&st->cfg->opts->rnd_bits, -1, 0, 0 };
	st->knob[KNOB_RND_COMPAT_BITS] = (struct run_knob){
		p->mmap_rnd_compat_bits ? p->mmap_rnd_compat_bits : SYSCTL_MMAP_RND_COMPAT_BITS,
		"vm.mmap_rnd_compat_bits", &st->cfg->opts->rnd_compat_bits, -1, 0, 0 };
}

static int swept(const struct run *st, int k)
{
	return st->knob[k].values && st->knob[k].values->count > 0;
}

/* How many values knob k takes: its swept values, or the one it has. */
static unsigned knob_value_count(const struct run *st, int k)
{
	return swept(st, k) ? st->knob[k].values->count : 1;
}

static int plan_modes(struct run *st, struct aslr_error *err)
{
	int original, rc = sysctl_read_int(st->va_path, &original, err);

	if (rc < 0)
		return rc;
	rc = mode_plan_make(&st->plan, st->cfg->opts, original, sysctl_writable(st->va_path), st->va_path, err);
	for (int k = KNOB_RND_BITS; k < KNOB_COUNT && rc == 0; k++) {
		int w = swept(st, k) ? sysctl_writable(st->knob[k].path) : 0;
		if (w < 0)
			rc = aslr_error_at(err, -EPERM, st->knob[k].path, 0, 0,
					   "sweeping %s needs write access (%s): run as root on a writable /proc/sys",
					   st->knob[k].name, strerror(-w));
	}
	return rc;
}

/* Ask the kernel which values it accepts (it refuses others with EINVAL), then check the
 * requested ones. The guard gives the original back whatever happens. */
static int check_knob_values(struct run *st, struct run_knob *knob, struct aslr_error *err)
{
	int lo = -1, hi = -1;

	for (int v = 0; v <= 64; v++)
		if (guard_set(&st->guard, (unsigned)knob->slot, v, NULL) == 0) {
			lo = lo < 0 ? v : lo;
			hi = v;
		}
	if (guard_restore(&st->guard, err) < 0)
		return -EIO;
	knob->min = lo;
	knob->max = hi;
	for (unsigned i = 0; i < knob->values->count; i++)
		if (lo < 0 || knob->values->value[i] < lo || knob->values->value[i] > hi)
			return aslr_error_input(err, -EINVAL, knob->path, 0, 0,
						"%s: %d is outside the range this kernel accepts (%d..%d)", knob->name,
						knob->values->value[i], lo, hi);
	return 0;
}

/* The lock: exclusive with a guardian when we change a sysctl, shared otherwise. */
static int take_control(struct run *st, struct aslr_error *err)
{
	const char *paths[KNOB_COUNT];
	unsigned count = 0;
	int rc;

	st->guarded = st->plan.uses_sysctl || swept(st, KNOB_RND_BITS) || swept(st, KNOB_RND_COMPAT_BITS);
	if (!st->guarded)
		return guard_lock_shared(st->cfg->lock_path, &st->shared_lock_fd, err);
	for (int k = 0; k < KNOB_COUNT; k++)
		if (k == KNOB_VA_SPACE || swept(st, k)) {
			st->knob[k].slot = (int)count;
			paths[count++] = st->knob[k].path;
		}
	rc = guard_begin(&st->guard, st->cfg->lock_path, paths, count, err);
	if (rc < 0) {
		st->guarded = 0;
		return rc;
	}
	for (int k = KNOB_RND_BITS; k < KNOB_COUNT && rc == 0; k++)
		if (swept(st, k))
			rc = check_knob_values(st, &st->knob[k], err);
	return rc;
}

/* The spawn settings of variant v, with its jobs; the target (how many) is the caller's. */
static void variant_spawn(const struct run *st, unsigned v, struct spawn_config *spawn)
{
	const struct run_config *cfg = st->cfg;
	const struct run_variant *var = &cfg->variants[v];

	*spawn = (struct spawn_config){
		.path = var->probe, .argv = st->argv[v], .envp = run_probe_env,
		.jobs = var->target && cfg->target_jobs ? cfg->target_jobs : cfg->jobs,
		.drop_privileges = var->target ? cfg->target_drop_privileges : cfg->drop_privileges,
		.uid = var->target ? cfg->target_uid : cfg->uid, .gid = var->target ? cfg->target_gid : cfg->gid,
		.timeout_sec = cfg->opts->timeout_sec, .stop = cfg->stop, .traced = var->target,
		.elf_class = var->elf_class };
}

/* Each variant's command line: the probe alone, or the target and the arguments after --. */
static int build_argvs(struct run *st, struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	size_t extra = 0;

	while (cfg->target_args && cfg->target_args[extra])
		extra++;
	for (unsigned v = 0; v < cfg->variant_count; v++) {
		size_t n = cfg->variants[v].target ? extra : 0;
		st->argv[v] = calloc(n + 2, sizeof(char *));
		if (!st->argv[v])
			return aslr_error_set(err, -ENOMEM, "out of memory");
		st->argv[v][0] = cfg->variants[v].probe;
		for (size_t i = 0; i < n; i++)
			st->argv[v][i + 1] = cfg->target_args[i];
	}
	return 0;
}

static int measurable(const struct run *st, unsigned v)
{
	return !st->preflight[v].skipped;
}

/* One variant's trial: a target's file first, then its exec. */
static int try_variant(struct run *st, unsigned v, struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	struct run_variant *var = &cfg->variants[v];
	struct preflight_context ctx = { var->target ? "the target" : "the probe",
					 var->target ? cfg->target_user : cfg->opts->user, cfg->ptrace_scope };
	struct spawn_config spawn;

	if (var->target) {
		preflight_target_file(var->probe, &var->elf_class, &st->preflight[v]);
		if (st->preflight[v].skipped)
			return 0;
	}
	variant_spawn(st, v, &spawn);
	return preflight_run(&spawn, &ctx, &st->names[v], &st->preflight[v], err);
}

/* Nothing can be measured: every variant's reason (the path with it, when there is one). */
static int nothing_measurable(const struct run *st, struct aslr_error *err)
{
	const struct run_config *cfg = st->cfg;
	char text[ASLR_ERROR_TEXT] = "";
	size_t used = 0;

	if (cfg->variant_count == 1)
		return aslr_error_at(err, -ENOEXEC, cfg->variants[0].probe, 0, 0, "%s", st->preflight[0].reason);
	for (unsigned v = 0; v < cfg->variant_count && used < sizeof(text); v++) {
		int n = snprintf(text + used, sizeof(text) - used, "%s%s: %s", v ? "; " : "", cfg->variants[v].name,
				 st->preflight[v].reason);
		used += n > 0 ? (size_t)n : 0;
	}
	return aslr_error_set(err, -ENOEXEC, "no variant can be measured: %s", text);
}

/* Before any sysctl changes: try each variant in the mode the machine is in; the CSV's
 * region columns are the regions of those that can be measured, in the order first seen. */
static int learn_regions(struct run *st, struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	unsigned count = 0;

	for (unsigned v = 0; v < cfg->variant_count; v++) {
		int rc = try_variant(st, v, err);
		if (rc < 0)
			return rc;
		if (!measurable(st, v) && cfg->resume)
			return aslr_error_at(err, -ENOEXEC, cfg->variants[v].probe, 0, 0, "cannot resume: variant %s "
					     "can no longer be measured: %s", cfg->variants[v].name, st->preflight[v].reason);
		if (!measurable(st, v))
			continue;
		count++;
		if (region_names_merge(&st->columns, &st->names[v], st->column_of[v]) < 0)
			return aslr_error_set(err, -E2BIG, "the variants report more than %d regions together",
					      RECORD_CAPACITY);
	}
	return count ? 0 : nothing_measurable(st, err);
}

/* run.json's list of what the preflight skipped. */
static json_t *skipped_json(const struct run *st)
{
	json_t *list = json_array();

	for (unsigned v = 0; v < st->cfg->variant_count; v++)
		if (!measurable(st, v))
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "variant",
							      st->cfg->variants[v].name, "path", st->cfg->variants[v].probe,
							      "cause", preflight_cause_name(st->preflight[v].cause),
							      "reason", st->preflight[v].reason));
	return list;
}

static int start_runinfo(struct run *st, struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	struct runinfo_probe probes[MAX_VARIANTS];
	unsigned count = 0;
	struct runinfo_config ri = {
		.argc = cfg->argc, .argv = cfg->argv, .paths = &cfg->paths,
		.probes = probes, .probe_env = run_probe_env, .target_args = cfg->target_args,
		.target_user = cfg->target_user, .target_jobs = cfg->target_jobs ? cfg->target_jobs : cfg->jobs,
		.jobs = cfg->jobs, .samples = cfg->opts->samples, .timeout_sec = cfg->opts->timeout_sec,
		.precision = cfg->opts->precision, .max_time = cfg->opts->max_time,
		.mode_count = st->plan.count, .modes = st->plan.mode, .modes_current = cfg->opts->modes_current,
		.rnd_bits = cfg->opts->rnd_bits.value, .rnd_bits_count = cfg->opts->rnd_bits.count,
		.rnd_compat_bits = cfg->opts->rnd_compat_bits.value,
		.rnd_compat_bits_count = cfg->opts->rnd_compat_bits.count, .user = cfg->opts->user,
	};

	if (cfg->resume) { /* the run's own record goes on, with the time it was picked up again */
		char now[32];
		json_t *resumed = json_object_get(cfg->resume->info, "resumed");
		st->info = json_incref(cfg->resume->info);
		if (!json_is_array(resumed))
			json_object_set_new(st->info, "resumed", resumed = json_array());
		runinfo_utc(now, sizeof(now), time(NULL));
		json_array_append_new(resumed, json_string(now));
		runinfo_set_status(st->info, "running");
		return runinfo_write(st->info, cfg->out_dir, err);
	}
	for (unsigned i = 0; i < cfg->variant_count; i++)
		if (measurable(st, i))
			probes[count++] = (struct runinfo_probe){ cfg->variants[i].name, cfg->variants[i].probe,
								  cfg->variants[i].target };
	ri.probe_count = count;
	st->info = runinfo_new(&ri, err);
	if (!st->info)
		return -EINVAL;
	json_object_set_new(st->info, "skipped", skipped_json(st));
	for (int k = KNOB_RND_BITS; k < KNOB_COUNT; k++)
		if (swept(st, k))
			json_object_set_new(json_object_get(st->info, "kernel"),
					    k == KNOB_RND_BITS ? "mmap_rnd_bits_range" : "mmap_rnd_compat_bits_range",
					    json_pack("[i, i]", st->knob[k].min, st->knob[k].max));
	return runinfo_write(st->info, cfg->out_dir, err);
}

/* The CSV's knob columns: one for each knob the run sweeps. */
static struct samples_knobs csv_knobs(const struct run *st)
{
	return (struct samples_knobs){ swept(st, KNOB_RND_BITS), swept(st, KNOB_RND_COMPAT_BITS) };
}

static void samples_path(const struct run *st, char *buf, size_t size)
{
	snprintf(buf, size, "%s/samples.csv", st->cfg->out_dir);
}

/* A resumed run's samples.csv must be what this run writes: read it before anything is written. */
static int scan_resumed_samples(struct run *st, struct aslr_error *err)
{
	struct samples_knobs knobs = csv_knobs(st);
	struct strbuf header = { 0 };
	char path[PATH_MAX + 16];
	int rc;

	if (!st->cfg->resume)
		return 0;
	samples_path(st, path, sizeof(path));
	samples_csv_header(&header, &knobs, st->columns.name, st->columns.count);
	rc = header.failed ? aslr_error_set(err, -ENOMEM, "out of memory")
			   : resume_scan_samples(st->cfg->resume, path, header.text, header.len, err);
	strbuf_free(&header);
	return rc;
}

static int open_samples(struct run *st, struct aslr_error *err)
{
	struct samples_knobs knobs = csv_knobs(st);
	char path[PATH_MAX + 16];
	int rc;

	st->writer = calloc(1, sizeof(*st->writer));
	if (!st->writer)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	st->writer->fd = -1;
	samples_path(st, path, sizeof(path));
	if (st->cfg->resume)
		return samples_writer_append(st->writer, path, &knobs, st->cfg->resume->whole_rows, err);
	rc = samples_writer_create(st->writer, path, err);
	if (rc == 0)
		rc = samples_writer_header(st->writer, &knobs, st->columns.name, st->columns.count, err);
	return rc;
}

/* What the series claims must have held throughout: its mode and its knob values. */
static int check_held(struct run *st, unsigned i, const struct series_key *key, int *va_space,
		      struct aslr_error *err)
{
	int expect = st->plan.method[i] == METHOD_SYSCTL ? st->plan.mode[i] : st->plan.original;
	int want[KNOB_COUNT] = { expect, key->rnd_bits, key->rnd_compat_bits };

	for (int k = 0; k < KNOB_COUNT; k++) {
		int now, rc;
		if (k != KNOB_VA_SPACE && !swept(st, k))
			continue;
		rc = sysctl_read_int(st->knob[k].path, &now, err);
		if (rc < 0)
			return rc;
		if (k == KNOB_VA_SPACE)
			*va_space = now;
		if (now != want[k])
			return aslr_error_at(err, -EIO, st->knob[k].path, 0, 0,
					     "changed to %d by someone else during a series; its samples are "
					     "not trustworthy", now);
	}
	return 0;
}

/* The precision rule of a series over its probe's regions; s->precision stays NULL
 * without --precision. */
static int start_precision(struct run *st, struct series *s, struct precision *p, struct aslr_error *err)
{
	const struct harness_options *o = st->cfg->opts;
	struct precision_rule rule = { o->precision, PRECISION_MIN_SAMPLES, o->samples, o->max_time };
	int rc;

	if (o->precision <= 0)
		return 0;
	rule.min_samples = rule.min_samples < o->samples ? rule.min_samples : o->samples;
	rc = precision_init(p, &rule, s->names->count, err);
	for (unsigned i = 0; rc == 0 && i < s->names->count; i++)
		precision_set_name(p, i, s->names->name[i]);
	if (rc == 0)
		s->precision = p;
	return rc;
}

/* What ended the series, for run.json. */
static const char *series_end(const struct series *s, int rc)
{
	if (rc == SPAWN_STOPPED)
		return "interrupted";
	if (rc < 0)
		return "failed";
	return s->precision ? precision_end_name(s->end) : "samples";
}

/* A series that ended short of its precision says which regions and why. */
static void note_shortfall(const struct run *st, const struct series *s, const char *label)
{
	char text[2048], note[2300];

	if (!s->precision || !st->cfg->note || !precision_shortfall_text(s->precision, text, sizeof(text)))
		return;
	snprintf(note, sizeof(note), "%s ended at %s (%llu samples) short of +-%g bits: %s", label,
		 precision_end_name(s->end), (unsigned long long)s->accepted, s->precision->rule.bits, text);
	st->cfg->note(note);
}

static int sample_series(struct run *st, unsigned mode_i, unsigned v, struct series_key key,
			 struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	char label[SERIES_KEY_TEXT];
	struct progress progress;
	uint64_t kept = resume_rows(cfg->resume, &key);
	struct series s = {
		.key = key, .first_seq = kept, .names = &st->names[v], .column_of = st->column_of[v],
		.columns = st->columns.count, .writer = st->writer, .progress = &progress,
		.regions_fatal = cfg->variants[v].target,
	};
	json_t *prior = runinfo_find_series(st->info, &key);
	struct precision precision = { 0 };
	double prior_seconds = 0;
	int va_space = -1, rc, held;

	variant_spawn(st, v, &s.spawn);
	s.spawn.target = cfg->opts->samples > kept ? cfg->opts->samples - kept : 0;
	s.spawn.no_randomize = st->plan.method[mode_i] == METHOD_PERSONALITY;
	if (cfg->resume && prior) /* a resumed series goes on counting where it stopped */
		runinfo_add_prior(prior, &s.tally, &prior_seconds);
	series_key_label(&key, label, sizeof(label));
	rc = start_precision(st, &s, &precision, err);
	if (rc < 0)
		return rc;
	progress_begin(&progress, cfg->progress, label, cfg->opts->samples);
	rc = series_run(&s, err);
	progress_end(&progress);
	s.seconds += prior_seconds;
	held = check_held(st, mode_i, &key, &va_space, rc < 0 ? NULL : err);
	if (rc >= 0 && held < 0)
		rc = held;
	note_shortfall(st, &s, label);
	runinfo_set_series(st->info, &(struct runinfo_series){
		.key = key, .method = mode_method_name(st->plan.method[mode_i]),
		.va_space = va_space, .samples = kept + s.accepted, .tally = &s.tally, .seconds = s.seconds,
		.end = series_end(&s, rc), .precision = s.precision ? precision_json(s.precision, s.end) : NULL });
	precision_free(&precision);
	if (rc == 0) {
		int written = runinfo_write(st->info, cfg->out_dir, err);
		rc = written < 0 ? written : rc;
	}
	return rc;
}

/* Every mode and variant at the current knob values. */
static int sample_modes(struct run *st, struct series_key key, struct aslr_error *err)
{
	int rc = 0;

	for (unsigned m = 0; m < st->plan.count && rc == 0; m++) {
		if (st->plan.method[m] == METHOD_SYSCTL &&
		    (rc = guard_set(&st->guard, (unsigned)st->knob[KNOB_VA_SPACE].slot, st->plan.mode[m], err)) < 0)
			break;
		key.mode = st->plan.mode[m];
		for (unsigned v = 0; v < st->cfg->variant_count && rc == 0; v++) {
			if (!measurable(st, v))
				continue;
			key.variant = st->cfg->variants[v].name;
			rc = sample_series(st, m, v, key, err);
		}
	}
	return rc;
}

/* Set knob k to its i-th value (or leave it, when not swept). *value gets it, -1 if not swept. */
static int set_knob(struct run *st, int k, unsigned i, int *value, struct aslr_error *err)
{
	*value = -1;
	if (!swept(st, k))
		return 0;
	*value = st->knob[k].values->value[i];
	return guard_set(&st->guard, (unsigned)st->knob[k].slot, *value, err);
}

static int sample_all(struct run *st, struct aslr_error *err)
{
	unsigned n_bits = knob_value_count(st, KNOB_RND_BITS), n_compat = knob_value_count(st, KNOB_RND_COMPAT_BITS);
	struct series_key key = { 0 };
	int rc = 0;

	for (unsigned b = 0; b < n_bits && rc == 0; b++) {
		rc = set_knob(st, KNOB_RND_BITS, b, &key.rnd_bits, err);
		for (unsigned c = 0; c < n_compat && rc == 0; c++) {
			rc = set_knob(st, KNOB_RND_COMPAT_BITS, c, &key.rnd_compat_bits, err);
			if (rc == 0)
				rc = sample_modes(st, key, err);
		}
	}
	return rc;
}

static const char *final_status(int rc)
{
	return rc == 0 ? "complete" : rc == SPAWN_STOPPED ? "interrupted" : "failed";
}

/* Give everything back; the first error wins, but every step is tried. */
static int finish(struct run *st, int rc, struct aslr_error *err)
{
	struct aslr_error later;
	int r;

	if (st->writer && st->writer->fd >= 0 && (r = samples_writer_close(st->writer, &later)) < 0 && rc >= 0)
		rc = r, *err = later;
	if (st->guarded && (r = guard_end(&st->guard, &later)) < 0 && rc >= 0)
		rc = r, *err = later;
	st->guarded = 0;
	if (st->shared_lock_fd >= 0)
		close(st->shared_lock_fd);
	st->shared_lock_fd = -1;
	if (st->info) {
		runinfo_set_status(st->info, final_status(rc));
		if ((r = runinfo_write(st->info, st->cfg->out_dir, &later)) < 0 && rc >= 0)
			rc = r, *err = later;
		json_decref(st->info);
		st->info = NULL;
	}
	free(st->writer);
	st->writer = NULL;
	for (unsigned v = 0; v < MAX_VARIANTS; v++) {
		free(st->argv[v]);
		st->argv[v] = NULL;
	}
	return rc;
}

int run_prepare(struct run *st, struct run_config *cfg, struct aslr_error *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->cfg = cfg;
	st->shared_lock_fd = -1;
	st->va_path = cfg->paths.va_space ? cfg->paths.va_space : SYSCTL_RANDOMIZE_VA_SPACE;
	describe_knobs(st);
	rc = plan_modes(st, err);
	if (rc == 0)
		rc = build_argvs(st, err);
	if (rc == 0)
		rc = learn_regions(st, err);
	if (rc == 0)
		rc = take_control(st, err);
	if (rc == 0)
		rc = scan_resumed_samples(st, err);
	if (rc < 0)
		finish(st, rc, &(struct aslr_error){ 0 });
	return rc;
}

int run_execute(struct run *st, struct aslr_error *err)
{
	int rc = start_runinfo(st, err);

	if (rc == 0)
		rc = open_samples(st, err);
	if (rc == 0)
		rc = sample_all(st, err);
	return finish(st, rc, err);
}

unsigned run_series_count(const struct run *st)
{
	unsigned variants = 0;

	for (unsigned v = 0; v < st->cfg->variant_count; v++)
		variants += measurable(st, v) ? 1 : 0;
	return st->plan.count * variants * knob_value_count(st, KNOB_RND_BITS) *
	       knob_value_count(st, KNOB_RND_COMPAT_BITS);
}

const struct preflight *run_preflight(const struct run *st, unsigned v)
{
	return &st->preflight[v];
}

int run_measure_rate(const struct run *st, unsigned n, double *rate, struct aslr_error *err)
{
	struct spawn_config spawn;
	unsigned v = 0;

	while (v + 1 < st->cfg->variant_count && !measurable(st, v))
		v++;
	variant_spawn(st, v, &spawn);
	return preset_measure_rate(&spawn, n, rate, err);
}

void run_abort(struct run *st)
{
	struct aslr_error ignored;

	finish(st, -ECANCELED, &ignored);
}
