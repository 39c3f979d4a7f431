/* runinfo.h: run.json, the facts of the machine and of the run (jansson).
 *
 * Built once at the start, written atomically then and after every series, and
 * a last time with the final status. Analysis copies it into summary.json. */
#ifndef ASLR_RUNINFO_H
#define ASLR_RUNINFO_H

#include <jansson.h>

#include "error.h"
#include "failures.h"
#include "series_key.h"

struct runinfo_paths {
	const char *va_space;          /* NULL: the real /proc and /sys files */
	const char *mmap_rnd_bits;
	const char *mmap_rnd_compat_bits;
	const char *thp_enabled;
};

struct runinfo_probe {
	const char *variant;
	const char *path;
	int target; /* a --target program (traced), not a probe */
};

struct runinfo_config {
	int argc;
	char **argv;
	const struct runinfo_paths *paths;
	unsigned probe_count;
	const struct runinfo_probe *probes;
	char *const *probe_env;
	unsigned jobs;
	unsigned long long samples;             /* per series; with a precision, the most */
	double precision, max_time;             /* --precision BITS and --max-time; 0: none */
	double timeout_sec;
	unsigned mode_count;
	const int *modes;
	int modes_current;                      /* --modes current */
	const int *rnd_bits, *rnd_compat_bits;  /* swept values, or NULL */
	unsigned rnd_bits_count, rnd_compat_bits_count;
	const char *user;                       /* --user, or NULL */
	char **target_args;                     /* after --, NULL-terminated, or NULL */
	unsigned target_jobs;                   /* targets in flight at once */
	const char *target_user;                /* the user targets run as, or NULL (the harness's) */
};

/* This machine: hostname and uname, as run.json's "host". */
json_t *runinfo_host_facts(void);

/* The run's facts; NULL with err filled when a probe cannot be read. */
json_t *runinfo_new(const struct runinfo_config *cfg, struct aslr_error *err);

struct runinfo_series {
	struct series_key key;
	const char *method;
	int va_space;  /* randomize_va_space during the series */
	unsigned long long samples;
	const struct failure_tally *tally;
	double seconds;
	const char *end;     /* what ended it ("samples", "precision", "max_samples", ...); NULL: not said */
	json_t *precision;   /* the rule's record (stolen); NULL without --precision */
};

/* Set the entry of a series (replacing the one with the same key). */
int runinfo_set_series(json_t *info, const struct runinfo_series *series);

/* The entry of a series, or NULL. A knob -1 in key matches entries without that member. */
json_t *runinfo_find_series(json_t *info, const struct series_key *key);

/* Add what an entry recorded (execs, failures and their first examples) to tally; its seconds to *seconds. */
void runinfo_add_prior(const json_t *entry, struct failure_tally *tally, double *seconds);

/* status: "running", "complete", "interrupted" or "failed"; sets "ended" unless running. */
int runinfo_set_status(json_t *info, const char *status);

/* Write dir/run.json atomically. */
int runinfo_write(json_t *info, const char *dir, struct aslr_error *err);

/* "2026-11-26T12:45:58Z" for t into buf (>= 21 bytes). */
void runinfo_utc(char *buf, size_t size, time_t t);

/* The selected word of a sysfs choice file such as "always [madvise] never", into buf. */
int runinfo_selected_choice(const char *text, char *buf, size_t size);

#endif
