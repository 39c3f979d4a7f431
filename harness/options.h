/* options.h: aslr-harness's command line, parsed into a plain struct. */
#ifndef ASLR_OPTIONS_H
#define ASLR_OPTIONS_H

#include <stdint.h>

#include "error.h"

enum { MAX_MODES = 3, MAX_VARIANTS = 16, VARIANT_NAME_MAX = 32, MAX_KNOB_VALUES = 16 };

/* --kernel: at most as many kernels as one comparison takes (COMPARE_MAX_RUNS). */
enum { MAX_KERNELS = 16 };

/* --kernel-accel */
enum kernel_accel { KERNEL_ACCEL_AUTO, KERNEL_ACCEL_KVM, KERNEL_ACCEL_TCG };

/* --kernel's defaults: an exec in a guest without KVM costs ~30 ms of one emulated CPU. */
enum { KERNEL_DEFAULT_SAMPLES = 2000, KERNEL_DEFAULT_MEMORY_MB = 1024, KERNEL_DEFAULT_TIMEOUT_SEC = 120 };

/* What --kernel runs: each image under QEMU (docs/kernels.md). */
struct kernel_options {
	unsigned count;                  /* 0: sample this machine */
	const char *image[MAX_KERNELS];
	const char *append;              /* --kernel-append, or NULL */
	unsigned cpus;                   /* --kernel-cpus; 0: this machine's online CPUs */
	unsigned memory_mb;              /* --kernel-memory */
	double timeout_sec;              /* --kernel-timeout: longest silence of a guest */
	enum kernel_accel accel;         /* --kernel-accel */
	int bench;                       /* --kernel-bench: a bare exec loop in the guest too */
};

/* A kernel knob to sweep: each value is a series of its own. */
struct knob_values {
	unsigned count; /* 0: not swept */
	int value[MAX_KNOB_VALUES];
};

/* With --precision and no --max-samples / --max-time: a series may take 1,000,000
 * samples (enough for +-0.5 bits up to a 33.7-bit region, every x86-64 region at the
 * largest mmap_rnd_bits; 16.8 MB of collision counts per region) or an hour. */
#define PRECISION_DEFAULT_MAX_SAMPLES 1000000
#define PRECISION_DEFAULT_MAX_TIME 3600.0

struct harness_options {
	uint64_t samples;   /* per series; with --precision, the most (--max-samples) */
	int samples_given;  /* --samples was on the command line */
	int preset_precise; /* --preset precise: --precision PRESET_PRECISE_BITS */
	double precision;   /* --precision BITS: sample until +-BITS (precision.h); 0: N rows */
	double max_time;    /* --max-time SEC per series, with --precision; 0: none */
	int max_samples_given, max_time_given; /* on the command line */
	int modes_current;  /* --modes current: leave the sysctl alone */
	unsigned mode_count;
	int modes[MAX_MODES];
	unsigned jobs;      /* 0: online CPUs */
	const char *out_dir;
	const char *probe_path;
	unsigned variant_count; /* 0: the default variant */
	char variants[MAX_VARIANTS][VARIANT_NAME_MAX + 1];
	unsigned target_count;  /* --target PATH, repeatable */
	const char *targets[MAX_VARIANTS];
	char **target_args;     /* the arguments after --, NULL-terminated (points into argv) */
	int target_argc;
	struct knob_values rnd_bits;        /* --mmap-rnd-bits */
	struct knob_values rnd_compat_bits; /* --mmap-rnd-compat-bits */
	double timeout_sec;
	struct kernel_options kernel;
	const char *user;       /* --user: run the probes as this user */
	const char *resume_dir; /* --resume */
	const char *shape_option; /* the last option that sets what is sampled (for --resume's check) */
	int no_analyze;
	int quiet;
	int help;
	int version;
};

/* Fill opts from argv. 0, or -EINVAL with err describing the usage error. */
int harness_options_parse(struct harness_options *opts, int argc, char **argv,
			  struct aslr_error *err);

/* Call fn for each option of argv as the parser sees it: its long name without "--" and
 * its value (NULL when it takes none); then fn(ctx, NULL, arg) for each argument after
 * "--". Stops at fn's first non-zero return and returns it. argv must parse. */
typedef int (*harness_option_fn)(void *ctx, const char *name, const char *value);
int harness_options_walk(int argc, char **argv, harness_option_fn fn, void *ctx);

/* Parse "0,1,2" or "current". */
int harness_parse_modes(struct harness_options *opts, const char *text, struct aslr_error *err);

/* Parse "28,30,32" or "28-32" (values 0..64, each once). */
int harness_parse_knob_values(struct knob_values *knob, const char *option, const char *text,
			      struct aslr_error *err);

/* Parse "pie,nopie". */
int harness_parse_variants(struct harness_options *opts, const char *text, struct aslr_error *err);

extern const char harness_usage[];

#endif
