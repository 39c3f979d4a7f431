/* aslr-analyze: analyze samples already collected, here or on another machine. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "compare.h"

static const char usage[] =
	"Usage: aslr-analyze DIR|FILE.csv [--out DIR] [--no-plots] [--no-leaks] [--quiet]\n"
	"       aslr-analyze --compare RUN... [--out DIR]\n"
	"       aslr-analyze --baseline OLD/summary.json RUN [--tolerance BITS]\n"
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
	"  --help      this text\n"
	"  --version   the version\n"
	"\n"
	"Exit status: 0 success, 1 the work failed, 2 usage error or bad input,\n"
	"3 a regression gate tripped (--baseline).\n";

static int fail(const struct aslr_error *err, int code)
{
	char text[1024];

	aslr_error_format(err, text, sizeof(text));
	fprintf(stderr, "aslr-analyze: %s\n", text);
	return code;
}

static int exit_for(int rc)
{
	return rc == -EINVAL || rc == -ENOENT ? 2 : 1;
}

static int run_compare(char **paths, int n, const char *out_dir, int quiet)
{
	static struct cmp_run runs[COMPARE_MAX_RUNS];
	struct aslr_error err = { 0 };
	char warning[1200];
	int rc = 0, loaded = 0;

	if (n < 2 || n > COMPARE_MAX_RUNS) {
		fprintf(stderr, "aslr-analyze: --compare needs 2 to %d runs\n", COMPARE_MAX_RUNS);
		return 2;
	}
	for (; loaded < n && rc == 0; loaded++)
		rc = compare_load(&runs[loaded], paths[loaded], &err);
	if (rc == 0)
		rc = compare_write(runs, (unsigned)n, out_dir ? out_dir : ".", quiet ? NULL : stdout, warning,
				   sizeof(warning), &err);
	for (int i = 0; i < loaded; i++)
		compare_free(&runs[i]);
	if (rc < 0)
		return fail(&err, exit_for(rc));
	if (warning[0])
		fprintf(stderr, "aslr-analyze: warning: %s\n", warning);
	if (!quiet)
		printf("\ncomparison: %s/compare.md\n", out_dir ? out_dir : ".");
	return 0;
}

static int run_baseline(const char *baseline, const char *run, double tolerance)
{
	struct cmp_run old, now;
	struct aslr_error err = { 0 };
	unsigned regressions;
	int rc = compare_load(&old, baseline, &err);

	if (rc < 0)
		return fail(&err, exit_for(rc));
	rc = compare_load(&now, run, &err);
	if (rc < 0) {
		compare_free(&old);
		return fail(&err, exit_for(rc));
	}
	regressions = compare_baseline(&old, &now, tolerance, stdout);
	printf("%u region%s below the baseline by more than %.2f bits, beyond the sampling error\n", regressions,
	       regressions == 1 ? "" : "s", tolerance);
	compare_free(&old);
	compare_free(&now);
	return regressions ? 3 : 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
		{ "no-plots", no_argument, NULL, 'n' }, { "no-leaks", no_argument, NULL, 'l' },
		{ "compare", no_argument, NULL, 'c' },   { "baseline", required_argument, NULL, 'b' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },      { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct analyze_request req = { .table_out = stdout };
	struct aslr_error err = { 0 };
	const char *baseline = NULL;
	double tolerance = 1.0;
	int opt, rc, compare = 0;
	char *end;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			req.out_dir = optarg;
			break;
		case 'q':
			req.table_out = NULL;
			break;
		case 'n':
			req.no_plots = 1;
			break;
		case 'l':
			req.no_leaks = 1;
			break;
		case 'c':
			compare = 1;
			break;
		case 'b':
			baseline = optarg;
			break;
		case 't':
			tolerance = strtod(optarg, &end);
			if (*end || !optarg[0] || !(tolerance >= 0) || tolerance > 64) {
				fprintf(stderr, "aslr-analyze: --tolerance: expected bits >= 0, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("aslr-analyze %s\n", ASLR_VERSION);
			return 0;
		default:
			fprintf(stderr, "aslr-analyze: unknown option or missing argument: '%s' (try --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (compare && baseline) {
		fprintf(stderr, "aslr-analyze: --compare and --baseline exclude each other\n");
		return 2;
	}
	if (compare)
		return run_compare(argv + optind, argc - optind, req.out_dir, req.table_out == NULL);
	if (baseline && optind == argc - 1)
		return run_baseline(baseline, argv[optind], tolerance);
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}
	req.input = argv[optind];
	rc = analyze_run(&req, &err);
	if (rc == -EINVAL || rc == -ENOENT)
		return fail(&err, 2);
	if (rc < 0)
		return fail(&err, 1);
	if (req.warning[0])
		fprintf(stderr, "aslr-analyze: warning: %s\n", req.warning);
	if (req.table_out)
		printf("\nreport: %s\n", req.report);
	return 0;
}
