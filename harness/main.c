/* aslr-harness: options, signals and exit codes; the work is in the library. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "options.h"
#include "outdir.h"
#include "preset.h"
#include "probes.h"
#include "run.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: poll returns EINTR at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* A closed 0, 1 or 2 would be reused by a pipe and break the probe's stdout. */
static void ensure_standard_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			open("/dev/null", O_RDWR);
}

/* Print err; its kind says the exit status. */
static int fail(const struct aslr_error *err)
{
	char text[1024];

	aslr_error_format(err, text, sizeof(text));
	fprintf(stderr, "aslr-harness: %s\n", text);
	return aslr_exit_code(err);
}

/* --probe PATH, or the variants built beside aslr-harness. */
static int resolve_probes(struct run_config *cfg, const struct harness_options *opts, struct aslr_error *err)
{
	char bin[PATH_MAX];
	int rc = opts->probe_path ? 0 : probes_own_dir(bin, sizeof(bin), err);

	return rc < 0 ? rc : probes_resolve(cfg, opts, bin, (unsigned)geteuid(), err);
}

static int prepare_out_dir(struct run_config *cfg, const struct harness_options *opts,
			   struct aslr_error *err)
{
	char warning[ASLR_ERROR_TEXT + 64];
	int rc = outdir_prepare(cfg->out_dir, sizeof(cfg->out_dir), opts->out_dir, "results", time(NULL), warning,
				sizeof(warning), err);

	if (warning[0])
		fprintf(stderr, "aslr-harness: warning: %s\n", warning);
	return rc;
}

/* Say what --preset precise will cost before any series starts, from a short measured burst. */
static int announce_precise(const struct run_config *cfg, const struct run *run, struct aslr_error *err)
{
	char text[512];
	double rate;
	int rc = preset_measure_rate(cfg->variants[0].probe, run_probe_env, cfg->jobs, 200, &stop_signal,
				     &rate, err);

	if (rc < 0)
		return rc;
	preset_precise_text(text, sizeof(text), cfg->opts->samples, run->plan.count * cfg->variant_count, rate);
	fprintf(stderr, "aslr-harness: %s\n", text);
	return 0;
}

int main(int argc, char **argv)
{
	struct harness_options opts;
	struct run_config cfg = { .opts = &opts, .argc = argc, .argv = argv, .stop = &stop_signal };
	struct aslr_error err = { 0 };
	static struct run run;
	static struct resume resume;
	int rc;

	ensure_standard_fds();
	if (harness_options_parse(&opts, argc, argv, &err) < 0)
		return fail(&err);
	if (opts.help) {
		fputs(harness_usage, stdout);
		return 0;
	}
	if (opts.version) {
		printf("aslr-harness %s\n", ASLR_VERSION);
		return 0;
	}
	cfg.jobs = opts.jobs ? opts.jobs : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	cfg.progress = !opts.quiet && isatty(STDERR_FILENO);
	if (opts.resume_dir) {
		rc = resume_load(&resume, opts.resume_dir, &opts, &cfg, &err);
		if (rc == 0)
			rc = resume_check_probes(&resume, &cfg, &err);
		if (rc < 0)
			return fail(&err);
		cfg.resume = &resume;
	} else if ((rc = resolve_probes(&cfg, &opts, &err)) < 0) {
		return fail(&err);
	}
	if ((rc = probes_resolve_user(&cfg, opts.user, (unsigned)geteuid(), &err)) < 0)
		return fail(&err);
	install_stop_handlers();
	rc = run_prepare(&run, &cfg, &err);
	if (rc < 0)
		return fail(&err);
	if (opts.preset_precise && announce_precise(&cfg, &run, &err) < 0) {
		run_abort(&run);
		return fail(&err);
	}
	if (!cfg.resume && prepare_out_dir(&cfg, &opts, &err) < 0) {
		run_abort(&run);
		return fail(&err);
	}
	rc = run_execute(&run, &err);
	if (rc == 0 && stop_signal)
		rc = SPAWN_STOPPED; /* the signal came after the last exec: still an interruption */
	if (rc == SPAWN_STOPPED) {
		fprintf(stderr, "aslr-harness: interrupted; rows so far kept in %s\n", cfg.out_dir);
		return 128 + stop_signal;
	}
	if (rc < 0)
		return fail(&err);
	if (!opts.no_analyze) {
		static struct analyze_request req;
		req.input = cfg.out_dir;
		req.table_out = stdout;
		if (analyze_run(&req, &err) < 0)
			return fail(&err);
		if (req.warning[0])
			fprintf(stderr, "aslr-harness: warning: %s\n", req.warning);
		printf("\nreport: %s\n", req.report);
	}
	printf("%s\n", cfg.out_dir);
	return 0;
}
