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

static int run_one_series(struct run_config *cfg, struct run_variant *variant, int mode,
			  struct region_names *names, struct samples_writer *writer,
			  struct aslr_error *err)
{
	char *argv[] = { variant->probe, NULL };
	char label[64];
	struct progress progress;
	struct series series = {
		.variant = variant->name,
		.mode = mode,
		.names = names,
		.writer = writer,
		.progress = &progress,
		.spawn = {
			.path = variant->probe,
			.argv = argv,
			.envp = run_probe_env,
			.jobs = cfg->jobs,
			.target = cfg->opts->samples,
			.timeout_sec = cfg->opts->timeout_sec,
			.stop = cfg->stop,
		},
	};
	int rc;

	snprintf(label, sizeof(label), "%s mode %d:", variant->name, mode);
	progress_begin(&progress, cfg->progress, label, cfg->opts->samples);
	rc = series_run(&series, err);
	progress_end(&progress);
	return rc;
}

int run_execute(struct run_config *cfg, struct aslr_error *err)
{
	const char *va_path = cfg->va_space_path ? cfg->va_space_path : SYSCTL_RANDOMIZE_VA_SPACE;
	struct region_names names = { 0 };
	struct samples_writer *writer = NULL;
	char path[PATH_MAX + 16];
	int mode, rc;

	if (!cfg->opts->modes_current)
		return aslr_error_set(err, -ENOTSUP, "only --modes current is supported so far");
	rc = sysctl_read_int(va_path, &mode, err);
	if (rc < 0)
		return rc;
	writer = calloc(1, sizeof(*writer));
	if (!writer)
		return aslr_error_set(err, -ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/samples.csv", cfg->out_dir);
	rc = samples_writer_create(writer, path, err);
	if (rc < 0)
		goto out_free;
	for (unsigned v = 0; v < cfg->variant_count && rc == 0; v++)
		rc = run_one_series(cfg, &cfg->variants[v], mode, &names, writer, err);
	if (rc >= 0) {
		int closed = samples_writer_close(writer, err);
		rc = closed < 0 ? closed : rc;
	} else {
		samples_writer_close(writer, NULL);
	}
out_free:
	free(writer);
	return rc;
}
