/* analyze_options.h: aslr-analyze's command line, parsed into a plain struct (no
 * printing: usage errors come back as ASLR_ERR_USAGE). Named apart from the harness's
 * options.h: both folders are on aslr-harness's include path. */
#ifndef ASLR_ANALYZE_OPTIONS_H
#define ASLR_ANALYZE_OPTIONS_H

#include "error.h"

enum analyze_command {
	ANALYZE_RUN,      /* analyze one run folder or CSV */
	ANALYZE_COMPARE,  /* --compare RUN... */
	ANALYZE_BASELINE, /* --baseline FILE RUN */
	ANALYZE_HELP,
	ANALYZE_VERSION,
};

struct analyze_options {
	enum analyze_command command;
	const char *out_dir;  /* --out; NULL: beside the samples (compare: the current folder) */
	int quiet;            /* --quiet: no table on stdout */
	int no_plots;         /* --no-plots */
	int no_leaks;         /* --no-leaks */
	const char *baseline; /* --baseline FILE */
	double tolerance;     /* --tolerance BITS, 0..64; default 1 */
	int expect_knobs;     /* --expect-knobs: gate on what the kernel promises (expect.h) */
	const char *ktap;     /* --ktap[=FILE] or --ktap FILE: "-" for stdout; NULL: none */
	const char *junit;    /* --junit FILE; NULL: none */
	char **xfail;         /* --xfail NAME[,NAME...] (repeatable): shortfalls --expect-knobs accepts */
	unsigned xfail_count;
	const char *ktap_word; /* the word after a bare --ktap (parsing only) */
	char **inputs;        /* the operands (argv's): one run, or the runs to compare */
	unsigned input_count;
};

/* Fill opts from argv (getopt_long: permutes argv). 0, or -EINVAL with an ASLR_ERR_USAGE
 * err: an unknown option, a bad --tolerance, --compare with --baseline, --compare with
 * --expect-knobs, --ktap or --junit, --xfail without --expect-knobs or with an empty name
 * (-ENOMEM: out of memory), or operands that do not fit the command (one run;
 * --compare 2 or more; --baseline one). "--ktap WORD" takes WORD as its file only when
 * the command has one operand too many with it (so "--ktap RUN" is KTAP on stdout). */
int analyze_options_parse(struct analyze_options *opts, int argc, char **argv, struct aslr_error *err);

/* What analyze_options_parse allocated (the --xfail names). */
void analyze_options_free(struct analyze_options *opts);

extern const char analyze_usage[];

#endif
