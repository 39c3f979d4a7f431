/* run.h: a whole run: every variant under every mode, into one run folder. */
#ifndef ASLR_RUN_H
#define ASLR_RUN_H

#include <limits.h>
#include <signal.h>

#include "error.h"
#include "options.h"
#include "series.h"

struct run_variant {
	char name[VARIANT_NAME_MAX + 1];
	char probe[PATH_MAX];
};

struct run_config {
	const struct harness_options *opts;
	char out_dir[PATH_MAX];
	unsigned variant_count;
	struct run_variant variants[MAX_VARIANTS];
	unsigned jobs;
	int progress;                  /* draw a progress line */
	const char *va_space_path;     /* NULL: the real sysctl */
	volatile sig_atomic_t *stop;   /* set by SIGINT/SIGTERM/SIGHUP */
};

/* The probe's fixed environment: stack addresses depend on its size. */
extern char *const run_probe_env[];

/* The variant name for a probe path: aslr-probe -> pie, aslr-probe-<v> -> v,
 * anything else -> its file name with other characters than [a-z0-9_-] as '_'. */
void run_variant_name(const char *probe_path, char *name, size_t size);

/* Sample every series into cfg->out_dir/samples.csv. 0, SPAWN_STOPPED when
 * interrupted, or -errno (-ECANCELED: the failure budget ran out). */
int run_execute(struct run_config *cfg, struct aslr_error *err);

#endif
