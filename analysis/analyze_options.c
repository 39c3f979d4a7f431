#include "analyze_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char analyze_usage[] =
	"Usage: aslr-analyze DIR|FILE.csv [--out DIR] [--no-plots] [--no-leaks] [--quiet]\n"
	"       aslr-analyze --compare RUN... [--out DIR]\n"
	"       aslr-analyze --baseline OLD/summary.json RUN [--tolerance BITS]\n"
	"       aslr-analyze RUN [--expect-knobs] [--baseline OLD/summary.json]\n"
	"                    [--xfail REGION[,REGION...]] [--ktap[=FILE]] [--junit FILE]\n"
	"Compute per-region entropy from a run folder (samples.csv, run.json) or any CSV\n"
	"with a 'mode' column; write summary.json, summary.csv, plots/ (gnuplot) and\n"
	"report.md; print the table.\n"
	"\n"
	"  --out DIR   where to write the summaries (default: beside the samples)\n"
	"  --no-plots  do not draw plots (report.md is still written)\n"
	"  --no-leaks  skip the leak matrix (what one leaked address gives away)\n"
	"  --quiet     no table on stdout\n"
	"  --compare   runs (folders or summary.json files) side by side: tables, plots and\n"
	"              compare.md in --out DIR (default: the current folder)\n"
	"  --baseline FILE  exit 3 when a region of RUN lost more than --tolerance bits\n"
	"              against FILE, beyond the sampling error of both (95 % CI of a\n"
	"              collision estimate, [lower bound, bound] of an upper bound); one\n"
	"              line per such region; a note per region whose loss is within the\n"
	"              sampling error or that has too few samples\n"
	"  --tolerance BITS  the loss accepted (default 1.0). The gate tests 'true loss\n"
	"              <= BITS' at 5 %: a region that lost exactly BITS trips at most 5 %\n"
	"              of the time; an unchanged one far less (BITS 1, a 28-bit region,\n"
	"              N = 100,000: about 2 in a million; BITS 0: under 5 %). docs/gate.md\n"
	"  --expect-knobs  exit 3 when a region gets clearly less than the kernel\n"
	"              promises from the recorded knobs (vm.mmap_rnd_bits and the compat\n"
	"              value, STACK_RND_MASK): the samples allow at most the promise less\n"
	"              1 bit (docs/expectations.md); one line per such region\n"
	"  --xfail REGION[,REGION...]  with --expect-knobs: a listed region short of\n"
	"              its promise is an expected failure (KTAP XFAIL), not a trip; one\n"
	"              with a promise it meets gets a note. For shortfalls the kernel\n"
	"              has on purpose (mmap_2m, mmap_4m since Linux 5.18). Repeatable\n"
	"  --ktap[=FILE]  the verdicts as KTAP version 1 (a test per series, a subtest\n"
	"              per region) on stdout (the table then goes to stderr), or to FILE;\n"
	"              \"--ktap FILE\" also works when RUN follows\n"
	"  --junit FILE  the verdicts as JUnit XML (GitLab, Jenkins)\n"
	"  --help      this text\n"
	"  --version   the version\n"
	"\n"
	"Exit status: 0 success, 1 the work failed, 2 usage error or bad input,\n"
	"3 a gate tripped (--baseline, --expect-knobs).\n";

static const struct option long_options[] = {
	{ "out", required_argument, NULL, 'o' },       { "quiet", no_argument, NULL, 'q' },
	{ "no-plots", no_argument, NULL, 'n' },        { "no-leaks", no_argument, NULL, 'l' },
	{ "compare", no_argument, NULL, 'c' },         { "baseline", required_argument, NULL, 'b' },
	{ "tolerance", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },         { "expect-knobs", no_argument, NULL, 'e' },
	{ "ktap", optional_argument, NULL, 'k' },      { "junit", required_argument, NULL, 'j' },
	{ "xfail", required_argument, NULL, 'x' },     { NULL, 0, NULL, 0 },
};

static int parse_tolerance(struct analyze_options *opts, const char *text, struct aslr_error *err)
{
	char *end;

	opts->tolerance = strtod(text, &end);
	if (*end || !text[0] || !(opts->tolerance >= 0) || opts->tolerance > 64)
		return aslr_error_usage(err, -EINVAL, "--tolerance: expected bits >= 0, got '%s'", text);
	return 0;
}

/* The comma-separated names of one --xfail, added to opts->xfail. */
static int take_xfail(struct analyze_options *opts, const char *arg, struct aslr_error *err)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		char **grown;
		if (len == 0)
			return aslr_error_usage(err, -EINVAL, "--xfail: an empty region name in '%s'", arg);
		grown = realloc(opts->xfail, (opts->xfail_count + 1) * sizeof(*grown));
		if (!grown)
			return aslr_error_set(err, -ENOMEM, "out of memory");
		opts->xfail = grown;
		if (!(opts->xfail[opts->xfail_count] = strndup(p, len)))
			return aslr_error_set(err, -ENOMEM, "out of memory");
		opts->xfail_count++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* One option (getopt_long's value opt, its argument arg). */
static int take_option(struct analyze_options *opts, int opt, const char *arg, const char *word,
		       struct aslr_error *err)
{
	switch (opt) {
	case 'o': opts->out_dir = arg; return 0;
	case 'q': opts->quiet = 1; return 0;
	case 'n': opts->no_plots = 1; return 0;
	case 'l': opts->no_leaks = 1; return 0;
	case 'c': opts->command = ANALYZE_COMPARE; return 0;
	case 'b': opts->baseline = arg; return 0;
	case 't': return parse_tolerance(opts, arg, err);
	case 'e': opts->expect_knobs = 1; return 0;
	case 'x': return take_xfail(opts, arg, err);
	case 'k':
	case 'j':
		if (arg && !arg[0])
			return aslr_error_usage(err, -EINVAL, "%s: an empty file name", word);
		*(opt == 'k' ? &opts->ktap : &opts->junit) = arg ? arg : "-";
		return 0;
	case 'h': opts->command = ANALYZE_HELP; return 0;
	case 'V': opts->command = ANALYZE_VERSION; return 0;
	}
	return aslr_error_usage(err, -EINVAL, "unknown option or missing argument: '%s' (try --help)", word);
}

/* "--ktap FILE RUN": the operand that followed a bare --ktap is its file. */
static void take_ktap_file(struct analyze_options *opts)
{
	for (unsigned i = 0; opts->ktap_word && i < opts->input_count; i++)
		if (opts->inputs[i] == opts->ktap_word) {
			opts->ktap = opts->ktap_word;
			memmove(&opts->inputs[i], &opts->inputs[i + 1], (opts->input_count - i - 1) * sizeof(char *));
			opts->input_count--;
			return;
		}
}

/* The command the options ask for, with as many operands as it takes. */
static int check_command(struct analyze_options *opts, struct aslr_error *err)
{
	if (opts->command == ANALYZE_HELP || opts->command == ANALYZE_VERSION)
		return 0;
	if (opts->command == ANALYZE_COMPARE && opts->baseline)
		return aslr_error_usage(err, -EINVAL, "--compare and --baseline exclude each other");
	if (opts->command == ANALYZE_COMPARE && (opts->expect_knobs || opts->ktap || opts->junit))
		return aslr_error_usage(err, -EINVAL, "--expect-knobs, --ktap and --junit judge one run, not --compare");
	if (opts->xfail_count && !opts->expect_knobs)
		return aslr_error_usage(err, -EINVAL, "--xfail accepts shortfalls of --expect-knobs: give it too");
	if (opts->baseline)
		opts->command = ANALYZE_BASELINE;
	if (opts->command == ANALYZE_COMPARE && opts->input_count < 2)
		return aslr_error_usage(err, -EINVAL, "--compare needs 2 or more runs (try --help)");
	if (opts->command != ANALYZE_COMPARE && opts->input_count == 2)
		take_ktap_file(opts);
	if (opts->command != ANALYZE_COMPARE && opts->input_count != 1)
		return aslr_error_usage(err, -EINVAL, "expected one run folder or CSV file, got %u (try --help)",
					opts->input_count);
	return 0;
}

int analyze_options_parse(struct analyze_options *opts, int argc, char **argv, struct aslr_error *err)
{
	int opt;

	memset(opts, 0, sizeof(*opts));
	opts->tolerance = 1.0;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		int rc = take_option(opts, opt, optarg, argv[optind - 1], err);
		if (rc < 0)
			return rc;
		/* a bare --ktap: the word after it, if no option, may be its file (take_ktap_file) */
		if (opt == 'k' && !optarg && optind < argc && argv[optind][0] != '-')
			opts->ktap_word = argv[optind];
	}
	opts->inputs = argv + optind;
	opts->input_count = (unsigned)(argc - optind);
	return check_command(opts, err);
}

void analyze_options_free(struct analyze_options *opts)
{
	for (unsigned i = 0; i < opts->xfail_count; i++)
		free(opts->xfail[i]);
	free(opts->xfail);
	opts->xfail = NULL;
	opts->xfail_count = 0;
}
