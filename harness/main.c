/* aslr-harness: options, signals and exit codes; the work is in the library. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "guest.h"
#include "kernel_run.h"
#include "options.h"
#include "outdir.h"
#include "preset.h"
#include "probedir.h"
#include "probes.h"
#include "reaper.h"
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

/* --probe PATH, or the variants in the build tree or install aslr-harness runs from (probedir.h). */
static int resolve_probes(struct run_config *cfg, const struct harness_options *opts, struct aslr_error *err)
{
	char bin[PATH_MAX];
	int rc = opts->probe_path ? 0 : probedir_default(bin, sizeof(bin), err);

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
	int rc = run_measure_rate(run, 200, &rate, err);

	if (rc < 0)
		return rc;
	preset_precise_text(text, sizeof(text), cfg->opts->precision, cfg->opts->samples, cfg->opts->max_time,
			    run_series_count(run), rate);
	fprintf(stderr, "aslr-harness: %s\n", text);
	return 0;
}

/* What the run samples: the run it resumes, or the probes and the user the options name. */
static int configure(struct run_config *cfg, struct harness_options *opts, struct resume *resume,
		     struct aslr_error *err)
{
	int rc;

	cfg->jobs = opts->jobs ? opts->jobs : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	/* a traced target spends part of each exec stopped, waiting for the harness: four per
	 * CPU in flight keep the CPUs busy (scripts/bench-target: 0.74-0.77 of the bare loop
	 * at two per CPU, 0.82-0.83 at four to six); --jobs, when given, is taken as it is */
	cfg->target_jobs = opts->jobs ? opts->jobs : 4 * cfg->jobs;
	cfg->progress = !opts->quiet && isatty(STDERR_FILENO);
	if (opts->resume_dir) {
		cfg->resume = resume;
		rc = resume_load(resume, opts->resume_dir, opts, cfg, err);
		if (rc == 0)
			rc = resume_check_probes(resume, cfg, err);
	} else {
		rc = resolve_probes(cfg, opts, err);
	}
	return rc < 0 ? rc : probes_resolve_user(cfg, opts->user, (unsigned)geteuid(), err);
}

/* Announce a precise preset's cost, make the run folder, sample. 0, SPAWN_STOPPED or -errno;
 * what run_prepare took is given back on every return. */
static int sample(struct run *run, struct run_config *cfg, const struct harness_options *opts,
		  struct aslr_error *err)
{
	int rc = opts->preset_precise ? announce_precise(cfg, run, err) : 0;

	if (rc == 0 && !cfg->resume)
		rc = prepare_out_dir(cfg, opts, err);
	if (rc < 0) {
		run_abort(run);
		return rc;
	}
	rc = run_execute(run, err);
	return rc == 0 && stop_signal ? SPAWN_STOPPED : rc; /* a signal after the last exec still interrupts */
}

static int analyze(const struct run_config *cfg, struct aslr_error *err)
{
	struct analyze_request req = { .input = cfg->out_dir, .table_out = stdout };
	int rc = analyze_run(&req, err);

	if (rc < 0)
		return rc;
	if (req.warning[0])
		fprintf(stderr, "aslr-harness: warning: %s\n", req.warning);
	printf("\nreport: %s\n", req.report);
	return 0;
}

/* What the user should know before sampling starts: who the targets run as, what was skipped. */
static void announce(const struct run *run, const struct run_config *cfg, const struct harness_options *opts)
{
	if (cfg->target_user && !opts->user)
		fprintf(stderr, "aslr-harness: targets run as %s (the harness is root and no --user was given): their "
			"libraries' constructors run before the entry point, as that user\n", cfg->target_user);
	for (unsigned v = 0; v < cfg->variant_count; v++)
		if (run_preflight(run, v)->skipped)
			fprintf(stderr, "aslr-harness: skipped %s (%s): %s\n", cfg->variants[v].name,
				cfg->variants[v].probe, run_preflight(run, v)->reason);
}

/* What the probes left that escaped their process groups: killed and reaped. */
static void sweep_leftovers(void)
{
	struct aslr_error err = { 0 };
	unsigned killed = 0;

	if (reaper_sweep(NULL, &killed, &err) < 0)
		fail(&err);
	else if (killed)
		fprintf(stderr, "aslr-harness: reaped %u process(es) the probes left behind\n", killed);
}

/* Configure, prepare, sample and analyze; the exit status. As a child subreaper, the
 * harness adopts what the probes leave behind and reaps it (reaper.h). */
static int harness(struct run_config *cfg, struct harness_options *opts, struct aslr_error *err)
{
	struct resume resume = { 0 };
	struct run *run = calloc(1, sizeof(*run));
	int rc = reaper_enable(err);

	if (rc < 0) /* not fatal: leftovers then go to PID 1, as before Linux 3.4 */
		fprintf(stderr, "aslr-harness: warning: %s\n", err->text);
	rc = run ? configure(cfg, opts, &resume, err) : aslr_error_set(err, -ENOMEM, "out of memory");

	if (rc == 0) {
		install_stop_handlers();
		rc = run_prepare(run, cfg, err);
	}
	if (rc == 0) {
		announce(run, cfg, opts);
		rc = sample(run, cfg, opts, err);
	}
	if (rc == 0 && !opts->no_analyze)
		rc = analyze(cfg, err);
	sweep_leftovers(); /* the guardian and gnuplot were waited for: any child left is a probe's */
	free(run);
	resume_free(&resume);
	if (rc == SPAWN_STOPPED) {
		fprintf(stderr, "aslr-harness: interrupted; rows so far kept in %s\n", cfg->out_dir);
		return 128 + stop_signal;
	}
	if (rc < 0)
		return fail(err);
	printf("%s\n", cfg->out_dir);
	return ASLR_EXIT_OK;
}

static void print_note(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "aslr-harness: %s\n", text);
}

/* What the guest could not run, as a run here says it (announce). */
static void print_skipped(const struct kernel_outcome *o)
{
	for (const char *line = o->skipped; line && *line; line += strcspn(line, "\n") + 1)
		fprintf(stderr, "aslr-harness: kernel %s: skipped %.*s\n", o->release[0] ? o->release : o->image,
			(int)strcspn(line, "\n"), line);
}

/* One line per kernel that ran, and what its guest skipped; the error, where its console
 * log is and its last lines for one that did not. */
static void print_outcome(const struct kernel_outcome *o)
{
	char text[1024];

	print_skipped(o);
	if (o->rc == 0) {
		printf("kernel %s: %s: boot %.1f s, sampling %.1f s, %.1f samples/s in the guest", o->image, o->release,
		       o->boot_sec, o->run_sec, o->samples_per_sec);
		if (o->bare_per_sec > 0)
			printf(" (in the bare loop's mode %.1f/s, the bare exec loop %.1f/s: ratio %.2f)",
			       o->bench_harness_per_sec, o->bare_per_sec, o->bench_harness_per_sec / o->bare_per_sec);
		printf("\n  %s\n", o->report[0] ? o->report : o->dir);
		if (o->warning[0])
			fprintf(stderr, "aslr-harness: warning: %s\n", o->warning);
		return;
	}
	if (o->rc == SPAWN_STOPPED)
		return;
	aslr_error_format(&o->err, text, sizeof(text));
	fprintf(stderr, "aslr-harness: kernel %s: %s\n", o->image, text);
	if (o->dir[0])
		fprintf(stderr, "  run folder (not complete): %s\n", o->dir);
	if (o->console && o->console[0]) {
		fprintf(stderr, "  last console lines:\n    ");
		for (const char *c = o->console; *c; c++)
			fputs(*c == '\n' ? "\n    " : (char[]){ *c, 0 }, stderr);
		fputc('\n', stderr);
	}
}

/* --kernel: each image under QEMU; the host's sysctls are never touched. */
static int kernels(struct run_config *cfg, struct harness_options *opts, struct aslr_error *err)
{
	struct kernel_batch b = { .opts = opts, .cfg = cfg, .argc = cfg->argc, .argv = cfg->argv,
				  .parent = opts->out_dir ? opts->out_dir : "results", .stop = &stop_signal,
				  .progress = !opts->quiet && isatty(STDERR_FILENO), .note = print_note };
	int rc = resolve_probes(cfg, opts, err);

	if (rc < 0)
		return fail(err);
	install_stop_handlers();
	rc = kernel_batch_run(&b, err);
	for (unsigned i = 0; i < b.count; i++)
		print_outcome(&b.outcome[i]);
	if (b.compare_dir[0])
		printf("\ncomparison: %s/compare.md\n", b.compare_dir);
	if (b.compare_warning[0])
		fprintf(stderr, "aslr-harness: warning: %s\n", b.compare_warning);
	kernel_batch_free(&b);
	if (rc == SPAWN_STOPPED) {
		fprintf(stderr, "aslr-harness: interrupted; no QEMU is left running\n");
		return 128 + stop_signal;
	}
	if (rc == -EIO && b.count) /* each failed kernel was named above */
		return ASLR_EXIT_FAILED;
	return rc < 0 ? fail(err) : ASLR_EXIT_OK;
}

static void print_run_note(const char *text)
{
	fprintf(stderr, "aslr-harness: note: %s\n", text);
}

int main(int argc, char **argv)
{
	struct harness_options opts;
	struct run_config cfg = { .opts = &opts, .argc = argc, .argv = argv, .stop = &stop_signal, .note = print_run_note };
	struct aslr_error err = { 0 };

	if (guest_is_init())
		guest_init_main(); /* inside a guest booted by --kernel: never returns */
	ensure_standard_fds();
	if (harness_options_parse(&opts, argc, argv, &err) < 0)
		return fail(&err);
	if (opts.help) {
		fputs(harness_usage, stdout);
		return ASLR_EXIT_OK;
	}
	if (opts.version) {
		printf("aslr-harness %s\n", ASLR_VERSION);
		return ASLR_EXIT_OK;
	}
	if (opts.kernel.count)
		return kernels(&cfg, &opts, &err);
	return harness(&cfg, &opts, &err);
}
