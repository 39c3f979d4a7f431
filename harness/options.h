/* options.h: aslr-harness's command line, parsed into a plain struct. */
#ifndef ASLR_OPTIONS_H
#define ASLR_OPTIONS_H

#include <stdint.h>

#include "error.h"

enum { MAX_MODES = 3, MAX_VARIANTS = 16, VARIANT_NAME_MAX = 32 };

struct harness_options {
	uint64_t samples;
	int modes_current;  /* --modes current: leave the sysctl alone */
	unsigned mode_count;
	int modes[MAX_MODES];
	unsigned jobs;      /* 0: online CPUs */
	const char *out_dir;
	const char *probe_path;
	unsigned variant_count; /* 0: the default variant */
	char variants[MAX_VARIANTS][VARIANT_NAME_MAX + 1];
	double timeout_sec;
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

/* Parse "pie,nopie". */
int harness_parse_variants(struct harness_options *opts, const char *text, struct aslr_error *err);

extern const char harness_usage[];

#endif
