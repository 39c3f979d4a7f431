/* options.h: aslr-harness's command line, parsed into a plain struct. */
#ifndef ASLR_OPTIONS_H
#define ASLR_OPTIONS_H

#include <stdint.h>

#include "error.h"

enum { MAX_MODES = 3, MAX_VARIANTS = 16, VARIANT_NAME_MAX = 32, MAX_KNOB_VALUES = 16 };

/* A kernel knob to sweep: each value is a series of its own. */
struct knob_values {
	unsigned count; /* 0: not swept */
	int value[MAX_KNOB_VALUES];
};

struct harness_options {
	uint64_t samples;
	int samples_given;  /* --samples was on the command line */
	int preset_precise; /* --preset precise */
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

/* Parse "0,1,2" or "current". */
int harness_parse_modes(struct harness_options *opts, const char *text, struct aslr_error *err);

/* Parse "28,30,32" or "28-32" (values 0..64, each once). */
int harness_parse_knob_values(struct knob_values *knob, const char *option, const char *text,
			      struct aslr_error *err);

/* Parse "pie,nopie". */
int harness_parse_variants(struct harness_options *opts, const char *text, struct aslr_error *err);

extern const char harness_usage[];

#endif
