#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysctl.h"

static char env_path[] = "PATH=/usr/bin:/bin";
static char env_locale[] = "LC_ALL=C";
char *const run_probe_env[] = { env_path, env_locale, NULL };


void run_variant_name(const char *probe_path, char *name, size_t size)
{
	const char *base = strrchr(probe_path, '/');
	size_t i;

	base = base ? base + 1 : probe_path;
	if (strcmp(base, "aslr-probe") == 0)
		base = "pie";
	else if (strncmp(base, "aslr-probe-", 11) == 0 && base[11])
		base += 11;
	for (i = 0; base[i] && i + 1 < size; i++) {
		char c = base[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
		name[i] = ok ? c : '_';
	}
	name[i] = '\0';
}

static int plan_modes(struct run *st, struct aslr_error *err)
{
	int original, rc = sysctl_read_int(st->va_path, &original, err);

	if (rc < 0)
		return rc;
	return mode_plan_make(&st->plan, st->cfg->opts, original, sysctl_writable(st->va_path),
			      st->va_path, err);
}

/* The lock: exclusive with a guardian when we change the sysctl, shared otherwise. */
static int take_control(struct run *st, struct aslr_error *err)
{
	const char *knobs[] = { st->va_path };

	if (st->plan.uses_sysctl)
		return guard_begin(&st->guard, st->cfg->lock_path, knobs, 1, err);
	return guard_lock_shared(st->cfg->lock_path, &st->shared_lock_fd, err);
}

static int start_runinfo(struct run *st, struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	struct runinfo_probe probes[MAX_VARIANTS];
	struct runinfo_config ri = {
		.argc = cfg->argc, .argv = cfg->argv, .paths = &cfg->paths,
		.probe_count = cfg->variant_count, .probes = probes, .probe_env = run_probe_env,
		.jobs = cfg->jobs, .samples = cfg->opts->samples, .timeout_sec = cfg->opts->timeout_sec,
		.mode_count = st->plan.count, .modes = st->plan.mode,
	};

	for (unsigned i = 0; i < cfg->variant_count; i++)
		probes[i] = (struct runinfo_probe){ cfg->variants[i].name, cfg->variants[i].probe };
	st->info = runinfo_new(&ri, err);
	if (!st->info)
		return -EINVAL;
	return runinfo_write(st->info, cfg->out_dir, err);
}

static int open_samples(struct run *st, struct aslr_error *err)
{
	char path[PATH_MAX + 16];

	st->writer = calloc(1, sizeof(*st->writer));
	if (!st->writer)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	st->writer->fd = -1;
	snprintf(path, sizeof(path), "%s/samples.csv", st->cfg->out_dir);
	return samples_writer_create(st->writer, path, err);
}

/* The mode must have stayed in force for the whole series, or its rows are not what they claim. */
static int check_mode_held(struct run *st, unsigned i, int *va_space, struct aslr_error *err)
{
	int expect = st->plan.method[i] == METHOD_SYSCTL ? st->plan.mode[i] : st->plan.original;
	int rc = sysctl_read_int(st->va_path, va_space, err);

	if (rc < 0)
		return rc;
	if (*va_space != expect)
		return aslr_error_at(err, -EIO, st->va_path, 0, 0,
				     "changed to %d by someone else during the mode %d series; "
				     "its samples are not trustworthy",
				     *va_space, st->plan.mode[i]);
	return 0;
}

static int sample_series(struct run *st, unsigned mode_i, struct run_variant *variant,
			 struct aslr_error *err)
{
	struct run_config *cfg = st->cfg;
	char *argv[] = { variant->probe, NULL };
	char label[64];
	struct progress progress;
	struct series s = {
		.variant = variant->name, .mode = st->plan.mode[mode_i], .names = &st->names,
		.writer = st->writer, .progress = &progress,
		.spawn = { .path = variant->probe, .argv = argv, .envp = run_probe_env,
			   .jobs = cfg->jobs, .target = cfg->opts->samples,
			   .no_randomize = st->plan.method[mode_i] == METHOD_PERSONALITY,
			   .timeout_sec = cfg->opts->timeout_sec, .stop = cfg->stop },
	};
	int va_space = -1, rc, held;

	snprintf(label, sizeof(label), "%s mode %d:", variant->name, s.mode);
	progress_begin(&progress, cfg->progress, label, cfg->opts->samples);
	rc = series_run(&s, err);
	progress_end(&progress);
	held = check_mode_held(st, mode_i, &va_space, rc < 0 ? NULL : err);
	if (rc >= 0 && held < 0)
		rc = held;
	runinfo_set_series(st->info, &(struct runinfo_series){
		.variant = variant->name, .mode = s.mode, .method = mode_method_name(st->plan.method[mode_i]),
		.va_space = va_space, .samples = s.accepted, .tally = &s.tally, .seconds = s.seconds });
	if (rc == 0) {
		int written = runinfo_write(st->info, cfg->out_dir, err);
		rc = written < 0 ? written : rc;
	}
	return rc;
}

static int sample_all(struct run *st, struct aslr_error *err)
{
	int rc = 0;

	for (unsigned m = 0; m < st->plan.count && rc == 0; m++) {
		if (st->plan.method[m] == METHOD_SYSCTL &&
		    (rc = guard_set(&st->guard, 0, st->plan.mode[m], err)) < 0)
			break;
		for (unsigned v = 0; v < st->cfg->variant_count && rc == 0; v++)
			rc = sample_series(st, m, &st->cfg->variants[v], err);
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

	if (st->writer && st->writer->fd >= 0 && (r = samples_writer_close(st->writer, &later)) < 0 &&
	    rc >= 0)
		rc = r, *err = later;
	if (st->plan.uses_sysctl && (r = guard_end(&st->guard, &later)) < 0 && rc >= 0)
		rc = r, *err = later;
	if (st->shared_lock_fd >= 0)
		close(st->shared_lock_fd);
	if (st->info) {
		runinfo_set_status(st->info, final_status(rc));
		if ((r = runinfo_write(st->info, st->cfg->out_dir, &later)) < 0 && rc >= 0)
			rc = r, *err = later;
		json_decref(st->info);
	}
	free(st->writer);
	return rc;
}

int run_prepare(struct run *st, struct run_config *cfg, struct aslr_error *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->cfg = cfg;
	st->shared_lock_fd = -1;
	st->va_path = cfg->paths.va_space ? cfg->paths.va_space : SYSCTL_RANDOMIZE_VA_SPACE;
	rc = plan_modes(st, err);
	if (rc < 0)
		return rc;
	return take_control(st, err);
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

void run_abort(struct run *st)
{
	struct aslr_error ignored;

	finish(st, -ECANCELED, &ignored);
}
