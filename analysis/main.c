/* aslr-analyze: options, printing and exit codes; the work is in the library. */
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "analyze_options.h"
#include "ci.h"
#include "compare.h"

/* Print err; its kind says the exit status (aslr_exit_code). */
static int fail(const struct aslr_error *err)
{
	char text[ASLR_ERROR_TEXT + ASLR_ERROR_FILE + 64];

	aslr_error_format(err, text, sizeof(text));
	fprintf(stderr, "aslr-analyze: %s\n", text);
	return aslr_exit_code(err);
}

static void warn(const char *warning)
{
	if (warning[0])
		fprintf(stderr, "aslr-analyze: warning: %s\n", warning);
}

static int compare(const struct analyze_options *opts)
{
	const char *dir = opts->out_dir ? opts->out_dir : ".";
	struct aslr_error err = { 0 };
	char warning[ASLR_ERROR_TEXT + 400];

	if (compare_runs(opts->inputs, opts->input_count, dir, opts->quiet ? NULL : stdout, warning, sizeof(warning),
			 &err) < 0)
		return fail(&err);
	warn(warning);
	if (!opts->quiet)
		printf("\ncomparison: %s/compare.md\n", dir);
	return ASLR_EXIT_OK;
}

/* The gates and reports a CI job asks for (ci.h) on run (a folder or summary.json). With
 * KTAP on stdout, every line for people goes to stderr. */
static int gates(const struct analyze_options *opts, const char *run)
{
	int ktap_stdout = opts->ktap && strcmp(opts->ktap, "-") == 0;
	struct ci_request req = { .run = run, .baseline = opts->baseline, .tolerance = opts->tolerance,
				  .expect_knobs = opts->expect_knobs, .xfail = opts->xfail,
				  .xfail_count = opts->xfail_count, .ktap = opts->ktap, .junit = opts->junit,
				  .out = ktap_stdout ? stderr : stdout, .ktap_out = stdout };
	struct aslr_error err = { 0 };

	return ci_run(&req, &err) < 0 ? fail(&err) : ASLR_EXIT_OK;
}

static int wants_gates(const struct analyze_options *opts)
{
	return opts->expect_knobs || opts->ktap || opts->junit;
}

static int analyze(const struct analyze_options *opts)
{
	FILE *people = opts->ktap && strcmp(opts->ktap, "-") == 0 ? stderr : stdout;
	struct analyze_request req = { .input = opts->inputs[0], .out_dir = opts->out_dir,
				       .table_out = opts->quiet ? NULL : people, .no_plots = opts->no_plots,
				       .no_leaks = opts->no_leaks };
	struct aslr_error err = { 0 };

	if (analyze_run(&req, &err) < 0)
		return fail(&err);
	warn(req.warning);
	if (req.table_out)
		fprintf(people, "\nreport: %s\n", req.report);
	return wants_gates(opts) ? gates(opts, req.summary) : ASLR_EXIT_OK;
}

/* The command opts asks for; its exit code. */
static int run_command(struct analyze_options *opts)
{
	struct aslr_error err = { 0 };

	switch (opts->command) {
	case ANALYZE_HELP:
		fputs(analyze_usage, stdout);
		return ASLR_EXIT_OK;
	case ANALYZE_VERSION:
		printf("aslr-analyze %s\n", ASLR_VERSION);
		return ASLR_EXIT_OK;
	case ANALYZE_COMPARE:
		return compare(opts);
	case ANALYZE_BASELINE:
		if (wants_gates(opts))
			return gates(opts, opts->inputs[0]);
		return compare_gate(opts->baseline, opts->inputs[0], opts->tolerance, stdout, &err) < 0 ? fail(&err)
													: ASLR_EXIT_OK;
	case ANALYZE_RUN:
		break;
	}
	return analyze(opts);
}

int main(int argc, char **argv)
{
	struct analyze_options opts;
	struct aslr_error err = { 0 };
	int code;

	if (analyze_options_parse(&opts, argc, argv, &err) < 0) {
		analyze_options_free(&opts);
		return fail(&err);
	}
	code = run_command(&opts);
	analyze_options_free(&opts);
	return code;
}
