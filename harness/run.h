/* run.h: a whole run: every variant under every mode, into one run folder.
 *
 * Order of work: decide how each mode is put in force (refusing what cannot be
 * measured), take the lock and start the guardian, write run.json, then for each
 * mode set randomize_va_space and sample every variant, and finally give the
 * sysctl back and write run.json with the final status. */
#ifndef ASLR_RUN_H
#define ASLR_RUN_H

#include <limits.h>
#include <signal.h>

#include "error.h"
#include "guard.h"
#include "modeplan.h"
#include "options.h"
#include "preflight.h"
#include "resume.h"
#include "run_config.h"
#include "runinfo.h"
#include "series.h"

/* The probe's fixed environment: stack addresses depend on its size. */
extern char *const run_probe_env[];

enum { KNOB_VA_SPACE, KNOB_RND_BITS, KNOB_RND_COMPAT_BITS, KNOB_COUNT };

/* A knob the run changes: which guard slot holds it, and the range the kernel accepts. */
struct run_knob {
	const char *path;
	const char *name;          /* "vm.mmap_rnd_bits" */
	const struct knob_values *values; /* NULL for randomize_va_space (the modes) */
	int slot;                  /* index in the guard, -1 when not guarded */
	int min, max;              /* accepted by this kernel (swept knobs only) */
};

/* What a run holds while it samples. */
struct run {
	struct run_config *cfg;
	const char *va_path;
	struct mode_plan plan;
	struct run_knob knob[KNOB_COUNT];
	struct sysctl_guard guard;
	int guarded;
	int shared_lock_fd;
	json_t *info;
	struct samples_writer *writer;
	struct region_names columns;                  /* the CSV's region columns: every probe's */
	struct region_names names[MAX_VARIANTS];      /* what each variant's probe reports */
	unsigned column_of[MAX_VARIANTS][RECORD_CAPACITY];
	struct preflight preflight[MAX_VARIANTS];     /* skipped variants and why */
	char **argv[MAX_VARIANTS];                    /* each variant's command line */
};

/* Decide how each mode is put in force, try each variant once (preflight.h: before any
 * sysctl changes; it learns the variant's regions, or skips it with the reason), take
 * the lock (with the guardian when a sysctl will change), check swept knob values
 * against what the kernel accepts and, when resuming, read samples.csv back: all before
 * anything is written. -EPERM (a mode or knob cannot be set), -EBUSY (another harness
 * holds the lock, err names its pid), -ENOEXEC (no variant can be measured, or a
 * resumed run's variant no longer can: err gives the reasons), -EINVAL (bad input: a
 * knob value the kernel refuses, a samples.csv this run did not write). On failure
 * nothing is held. */
int run_prepare(struct run *run, struct run_config *cfg, struct aslr_error *err);

/* Sample every series into cfg->out_dir (which must exist). 0, SPAWN_STOPPED when
 * interrupted, or -errno (-ECANCELED: the failure budget ran out). Releases what
 * run_prepare took: the sysctl is back to its original value on every return. */
int run_execute(struct run *run, struct aslr_error *err);

/* Release what run_prepare took, without sampling. */
void run_abort(struct run *run);

/* How many series the prepared run samples. */
unsigned run_series_count(const struct run *run);

/* The preflight's verdict on variant v of a prepared run (skipped, and why). */
const struct preflight *run_preflight(const struct run *run, unsigned v);

/* Execs per second of the first variant that can be measured, over n execs in the
 * current mode (preset_measure_rate). 0 or -errno. */
int run_measure_rate(const struct run *run, unsigned n, double *rate, struct aslr_error *err);

#endif
