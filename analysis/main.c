/* aslr-analyze: analyze samples already collected, here or on another machine. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"

static const char usage[] =
	"Usage: aslr-analyze DIR|FILE.csv [--out DIR] [--no-plots] [--no-leaks] [--quiet]\n"
	"Compute per-region entropy from a run folder (samples.csv, run.json) or any CSV\n"
	"with a 'mode' column; write summary.json, summary.csv, plots/ (gnuplot) and\n"
	"report.md; print the table.\n"
	"\n"
	"  --out DIR   where to write the summaries (default: beside the samples)\n"
	"  --no-plots  do not draw plots (report.md is still written)\n"
	"  --no-leaks  skip the leak matrix (what one leaked address gives away)\n"
	"  --quiet     no table on stdout\n"
	"  --help      this text\n"
	"  --version   the version\n"
	"\n"
	"Exit status: 0 success, 1 the work failed, 2 usage error or bad input.\n";

static int fail(const struct aslr_error *err, int code)
{
	char text[1024];

	aslr_error_format(err, text, sizeof(text));
	fprintf(stderr, "aslr-analyze: %s\n", text);
	return code;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
		{ "no-plots", no_argument, NULL, 'n' }, { "no-leaks", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },      { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct analyze_request req = { .table_out = stdout };
	struct aslr_error err = { 0 };
	int opt, rc;

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
