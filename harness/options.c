#include "options.h"

#include "birthday.h"
#include "preset.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char harness_usage[] =
	"Usage: aslr-harness [OPTION]... [-- TARGET-ARGUMENT...]\n"
	"Sample the address layout of a probe program, or of any program, under each ASLR mode.\n"
	"\n"
	"  --samples N      valid samples per series (default 10000)\n"
	"  --precision BITS sample each series until every region that moves has a\n"
	"                   collision estimate with a 95 % interval of +-BITS or less\n"
	"  --max-samples N  with --precision: at most N samples per series (1000000)\n"
	"  --max-time SEC   with --precision: at most SEC seconds per series (3600)\n"
	"  --preset precise --precision 0.5; says what it will cost before it starts\n"
	"  --modes LIST     randomize_va_space values to measure, e.g. 0,1,2 (default);\n"
	"                   'current' leaves the sysctl alone\n"
	"  --jobs J         probes in flight at once (default: online CPUs; targets:\n"
	"                   four times that)\n"
	"  --out DIR        run folder (default results/<UTC time>-<host>-<kernel>/)\n"
	"  --probe PATH     probe program to run instead of the built one\n"
	"  --variants LIST  built probe variants to run (default pie)\n"
	"  --target PATH    also sample any program: stopped at its entry point (ptrace),\n"
	"                   its mappings read; repeatable; arguments after -- go to every\n"
	"                   target; as root it runs as nobody unless --user is given\n"
	"  --mmap-rnd-bits LIST         sweep vm.mmap_rnd_bits, e.g. 28-32 or 28,32\n"
	"  --mmap-rnd-compat-bits LIST  sweep vm.mmap_rnd_compat_bits, e.g. 8,16\n"
	"                   (each value is a series; the knob is given back afterwards)\n"
	"  --timeout SEC    kill a probe exec after SEC seconds (default 5)\n"
	"  --user NAME      run the probes and targets as NAME (the harness keeps the sysctls)\n"
	"  --resume DIR     continue an interrupted run to the targets in DIR/run.json\n"
	"  --kernel IMAGE   boot IMAGE under QEMU and sample inside it instead of here\n"
	"                   (repeatable; then the runs are compared); default samples\n"
	"                   per series 2000 (docs/kernels.md). The host's sysctls are\n"
	"                   never touched in this mode\n"
	"  --kernel-append STR   more kernel command line (e.g. nokaslr, norandmaps)\n"
	"  --kernel-cpus N       guest CPUs (default: this machine's online CPUs)\n"
	"  --kernel-memory MB    guest memory (default 1024)\n"
	"  --kernel-timeout SEC  longest a guest may stay silent, booting or later (default 120)\n"
	"  --kernel-accel auto|kvm|tcg  (default auto: KVM when it runs at hardware speed)\n"
	"  --kernel-bench   also time a bare exec loop of the probe inside each guest\n"
	"  --no-analyze     only sample; do not compute statistics\n"
	"  --quiet          no progress line\n"
	"  --help           this text\n"
	"  --version        the version\n"
	"\n"
	"Exit status: 0 success, 1 the work failed, 2 usage error or bad input.\n";

static int parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!text[0] || text[0] == '-' || text[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int harness_parse_modes(struct harness_options *opts, const char *text, struct aslr_error *err)
{
	const char *p = text;

	opts->mode_count = 0;
	opts->modes_current = strcmp(text, "current") == 0;
	if (opts->modes_current)
		return 0;
	for (;;) {
		if (*p < '0' || *p > '2' || (p[1] != ',' && p[1] != '\0'))
			return aslr_error_usage(err, -EINVAL,
						"--modes: expected 'current' or a list of 0, 1, 2; got '%s'", text);
		for (unsigned i = 0; i < opts->mode_count; i++)
			if (opts->modes[i] == *p - '0')
				return aslr_error_usage(err, -EINVAL, "--modes: mode %c listed twice", *p);
		opts->modes[opts->mode_count++] = *p - '0';
		if (p[1] == '\0')
			return 0;
		p += 2;
	}
}

static int add_knob_value(struct knob_values *knob, const char *option, int v, struct aslr_error *err)
{
	for (unsigned i = 0; i < knob->count; i++)
		if (knob->value[i] == v)
			return aslr_error_usage(err, -EINVAL, "%s: %d listed twice", option, v);
	if (knob->count == MAX_KNOB_VALUES)
		return aslr_error_usage(err, -EINVAL, "%s: more than %d values", option, MAX_KNOB_VALUES);
	knob->value[knob->count++] = v;
	return 0;
}

int harness_parse_knob_values(struct knob_values *knob, const char *option, const char *text,
			      struct aslr_error *err)
{
	const char *p = text;

	knob->count = 0;
	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p || *p == '-' || *p == '+' || lo > 64)
			return aslr_error_usage(err, -EINVAL, "%s: expected values 0..64 like 28,30 or 28-32, got '%s'",
						option, text);
		if (*end == '-') {
			const char *q = end + 1;
			hi = strtol(q, &end, 10);
			if (end == q || *q == '-' || *q == '+' || hi > 64 || hi < lo)
				return aslr_error_usage(err, -EINVAL, "%s: bad range in '%s'", option, text);
		}
		if (*end != ',' && *end != '\0')
			return aslr_error_usage(err, -EINVAL, "%s: expected values 0..64 like 28,30 or 28-32, got '%s'",
						option, text);
		for (long v = lo; v <= hi; v++)
			if (add_knob_value(knob, option, (int)v, err) < 0)
				return -EINVAL;
		if (*end == ',' && end[1] == '\0')
			return aslr_error_usage(err, -EINVAL, "%s: bad list '%s'", option, text);
		p = *end == ',' ? end + 1 : end;
	}
	if (knob->count == 0)
		return aslr_error_usage(err, -EINVAL, "%s: empty list", option);
	return 0;
}

static int valid_variant_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int harness_parse_variants(struct harness_options *opts, const char *text, struct aslr_error *err)
{
	const char *p = text;

	opts->variant_count = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		char *name = opts->variants[opts->variant_count];
		if (len == 0 || len > VARIANT_NAME_MAX)
			return aslr_error_usage(err, -EINVAL, "--variants: bad list '%s'", text);
		if (opts->variant_count == MAX_VARIANTS)
			return aslr_error_usage(err, -EINVAL, "--variants: more than %d", MAX_VARIANTS);
		for (size_t i = 0; i < len; i++)
			if (!valid_variant_char(p[i]))
				return aslr_error_usage(err, -EINVAL,
							"--variants: '%.*s' is not a variant name",
							(int)len, p);
		memcpy(name, p, len);
		name[len] = '\0';
		for (unsigned i = 0; i < opts->variant_count; i++)
			if (strcmp(opts->variants[i], name) == 0)
				return aslr_error_usage(err, -EINVAL, "--variants: '%s' listed twice", name);
		opts->variant_count++;
		p += len;
		if (*p == ',' && *++p == '\0')
			return aslr_error_usage(err, -EINVAL, "--variants: bad list '%s'", text);
	}
	if (opts->variant_count == 0)
		return aslr_error_usage(err, -EINVAL, "--variants: empty list");
	return 0;
}

/* A number in (0, max]. */
static int parse_positive(const char *text, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || *end || !text[0] || !isfinite(v) || v <= 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_timeout(const char *text, double *out)
{
	return parse_positive(text, 86400, out);
}

/* Long options only: their values start past every character getopt_long could return. */
enum {
	OPT_SAMPLES = 256, OPT_PRESET, OPT_PRECISION, OPT_MAX_SAMPLES, OPT_MAX_TIME, OPT_RND_BITS, OPT_RND_COMPAT_BITS,
	OPT_MODES, OPT_JOBS, OPT_OUT, OPT_PROBE, OPT_VARIANTS, OPT_TIMEOUT, OPT_USER, OPT_RESUME, OPT_NO_ANALYZE,
	OPT_QUIET, OPT_HELP, OPT_VERSION, OPT_TARGET,
	OPT_KERNEL, OPT_KERNEL_APPEND, OPT_KERNEL_CPUS, OPT_KERNEL_MEMORY, /* OPT_KERNEL...: the last ones */
	OPT_KERNEL_TIMEOUT, OPT_KERNEL_ACCEL, OPT_KERNEL_BENCH
};

/* --precision, --max-samples, --max-time */
static int apply_precision_option(struct harness_options *opts, int opt, const char *arg, struct aslr_error *err)
{
	switch (opt) {
	case OPT_PRECISION:
		if (parse_positive(arg, 16, &opts->precision) < 0 || opts->precision < 0.01)
			return aslr_error_usage(err, -EINVAL, "--precision: expected bits in 0.01..16, got '%s'", arg);
		return 0;
	case OPT_MAX_SAMPLES:
		opts->max_samples_given = 1;
		if (parse_u64(arg, 1, UINT64_C(1) << 40, &opts->samples) < 0)
			return aslr_error_usage(err, -EINVAL, "--max-samples: expected a positive integer, got '%s'", arg);
		return 0;
	default:
		opts->max_time_given = 1;
		if (parse_positive(arg, 1e7, &opts->max_time) < 0)
			return aslr_error_usage(err, -EINVAL, "--max-time: expected seconds > 0, got '%s'", arg);
		return 0;
	}
}

static const struct option long_options[] = {
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "max-samples", required_argument, NULL, OPT_MAX_SAMPLES },
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "mmap-rnd-bits", required_argument, NULL, OPT_RND_BITS },
	{ "mmap-rnd-compat-bits", required_argument, NULL, OPT_RND_COMPAT_BITS },
	{ "modes", required_argument, NULL, OPT_MODES },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "probe", required_argument, NULL, OPT_PROBE },
	{ "variants", required_argument, NULL, OPT_VARIANTS },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "user", required_argument, NULL, OPT_USER },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "no-analyze", no_argument, NULL, OPT_NO_ANALYZE },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "kernel-append", required_argument, NULL, OPT_KERNEL_APPEND },
	{ "kernel-cpus", required_argument, NULL, OPT_KERNEL_CPUS },
	{ "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
	{ "kernel-timeout", required_argument, NULL, OPT_KERNEL_TIMEOUT },
	{ "kernel-accel", required_argument, NULL, OPT_KERNEL_ACCEL },
	{ "kernel-bench", no_argument, NULL, OPT_KERNEL_BENCH },
	{ NULL, 0, NULL, 0 },
};

/* Options that say what a run samples; --resume takes all of that from the run itself. */
static const char *shape_option_name(int opt)
{
	switch (opt) {
	case OPT_SAMPLES: return "--samples";
	case OPT_PRESET: return "--preset";
	case OPT_PRECISION: return "--precision";
	case OPT_MAX_SAMPLES: return "--max-samples";
	case OPT_MAX_TIME: return "--max-time";
	case OPT_MODES: return "--modes";
	case OPT_OUT: return "--out";
	case OPT_PROBE: return "--probe";
	case OPT_VARIANTS: return "--variants";
	case OPT_TARGET: return "--target";
	case OPT_RND_BITS: return "--mmap-rnd-bits";
	case OPT_RND_COMPAT_BITS: return "--mmap-rnd-compat-bits";
	case OPT_USER: return "--user";
	case OPT_TIMEOUT: return "--timeout";
	}
	return NULL;
}

static int apply_kernel_option(struct kernel_options *k, int opt, const char *arg, struct aslr_error *err)
{
	uint64_t v;

	switch (opt) {
	case OPT_KERNEL:
		if (k->count == MAX_KERNELS)
			return aslr_error_usage(err, -EINVAL, "--kernel: at most %d kernels (one comparison)", MAX_KERNELS);
		k->image[k->count++] = arg;
		return 0;
	case OPT_KERNEL_APPEND:
		k->append = arg;
		return 0;
	case OPT_KERNEL_CPUS:
		if (parse_u64(arg, 1, 255, &v) < 0)
			return aslr_error_usage(err, -EINVAL, "--kernel-cpus: expected 1..255, got '%s'", arg);
		k->cpus = (unsigned)v;
		return 0;
	case OPT_KERNEL_MEMORY:
		if (parse_u64(arg, 128, 1 << 20, &v) < 0)
			return aslr_error_usage(err, -EINVAL, "--kernel-memory: expected 128..1048576 (MB), got '%s'", arg);
		k->memory_mb = (unsigned)v;
		return 0;
	case OPT_KERNEL_TIMEOUT:
		if (parse_timeout(arg, &k->timeout_sec) < 0)
			return aslr_error_usage(err, -EINVAL, "--kernel-timeout: expected seconds > 0, got '%s'", arg);
		return 0;
	case OPT_KERNEL_ACCEL:
		if (strcmp(arg, "auto") && strcmp(arg, "kvm") && strcmp(arg, "tcg"))
			return aslr_error_usage(err, -EINVAL, "--kernel-accel: expected auto, kvm or tcg, got '%s'", arg);
		k->accel = arg[0] == 'k' ? KERNEL_ACCEL_KVM : arg[0] == 't' ? KERNEL_ACCEL_TCG : KERNEL_ACCEL_AUTO;
		return 0;
	case OPT_KERNEL_BENCH:
		k->bench = 1;
		return 0;
	}
	return aslr_error_usage(err, -EINVAL, "unknown option (try --help)");
}

static int apply_option(struct harness_options *opts, int opt, const char *arg,
			struct aslr_error *err)
{
	uint64_t v;

	if (shape_option_name(opt))
		opts->shape_option = shape_option_name(opt);
	if (opt >= OPT_KERNEL)
		return apply_kernel_option(&opts->kernel, opt, arg, err);
	switch (opt) {
	case OPT_SAMPLES:
		if (parse_u64(arg, 1, UINT64_C(1) << 40, &opts->samples) < 0)
			return aslr_error_usage(err, -EINVAL, "--samples: expected a positive integer, got '%s'", arg);
		opts->samples_given = 1;
		return 0;
	case OPT_PRESET:
		if (strcmp(arg, "precise") != 0)
			return aslr_error_usage(err, -EINVAL, "--preset: the only preset is 'precise', got '%s'", arg);
		opts->preset_precise = 1;
		return 0;
	case OPT_PRECISION:
	case OPT_MAX_SAMPLES:
	case OPT_MAX_TIME:
		return apply_precision_option(opts, opt, arg, err);
	case OPT_MODES:
		return harness_parse_modes(opts, arg, err);
	case OPT_RND_BITS:
		return harness_parse_knob_values(&opts->rnd_bits, "--mmap-rnd-bits", arg, err);
	case OPT_RND_COMPAT_BITS:
		return harness_parse_knob_values(&opts->rnd_compat_bits, "--mmap-rnd-compat-bits", arg, err);
	case OPT_JOBS:
		if (parse_u64(arg, 1, 1024, &v) < 0)
			return aslr_error_usage(err, -EINVAL, "--jobs: expected 1..1024, got '%s'", arg);
		opts->jobs = (unsigned)v;
		return 0;
	case OPT_OUT:
		opts->out_dir = arg;
		return 0;
	case OPT_PROBE:
		opts->probe_path = arg;
		return 0;
	case OPT_VARIANTS:
		return harness_parse_variants(opts, arg, err);
	case OPT_TARGET:
		if (!arg[0])
			return aslr_error_usage(err, -EINVAL, "--target: empty path");
		if (opts->target_count == MAX_VARIANTS)
			return aslr_error_usage(err, -EINVAL, "--target: more than %d", MAX_VARIANTS);
		opts->targets[opts->target_count++] = arg;
		return 0;
	case OPT_TIMEOUT:
		if (parse_timeout(arg, &opts->timeout_sec) < 0)
			return aslr_error_usage(err, -EINVAL, "--timeout: expected seconds > 0, got '%s'", arg);
		return 0;
	case OPT_USER:
		opts->user = arg;
		return 0;
	case OPT_RESUME:
		opts->resume_dir = arg;
		return 0;
	case OPT_NO_ANALYZE:
		opts->no_analyze = 1;
		return 0;
	case OPT_QUIET:
		opts->quiet = 1;
		return 0;
	case OPT_HELP:
		opts->help = 1;
		return 0;
	case OPT_VERSION:
		opts->version = 1;
		return 0;
	}
	return aslr_error_usage(err, -EINVAL, "unknown option (try --help)");
}

/* What follows the options: nothing, or "--" and the targets' arguments. getopt stops at
 * the first operand ("+"), so anything else is an operand out of place. */
static int take_target_args(struct harness_options *opts, int argc, char **argv, const char *last_optarg,
			    struct aslr_error *err)
{
	int after_dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0 && argv[optind - 1] != last_optarg;

	if (!after_dashes && optind < argc)
		return aslr_error_usage(err, -EINVAL, "unexpected argument '%s' (try --help)", argv[optind]);
	if (after_dashes && !opts->target_count)
		return aslr_error_usage(err, -EINVAL, "arguments after -- are for --target programs, and there is none");
	opts->target_args = argv + optind; /* argv[argc] is NULL */
	opts->target_argc = argc - optind;
	return 0;
}

/* --kernel's own options need --kernel; what the guest cannot do is refused. */
static int check_kernel_options(struct harness_options *opts, struct aslr_error *err)
{
	struct kernel_options *k = &opts->kernel;

	if (!k->count) {
		if (k->append || k->cpus || k->memory_mb || k->timeout_sec > 0 || k->accel != KERNEL_ACCEL_AUTO ||
		    k->bench)
			return aslr_error_usage(err, -EINVAL, "--kernel-* options need --kernel IMAGE");
		return 0;
	}
	if (opts->resume_dir)
		return aslr_error_usage(err, -EINVAL, "--resume and --kernel exclude each other (a guest's run is "
					"sent back whole or not at all)");
	if (opts->user)
		return aslr_error_usage(err, -EINVAL, "--user and --kernel exclude each other (the guest has no "
					"users but root)");
	if (opts->target_count)
		return aslr_error_usage(err, -EINVAL, "--target and --kernel exclude each other (the guest holds "
					"the probes only)");
	if (!opts->samples_given && opts->precision == 0)
		opts->samples = KERNEL_DEFAULT_SAMPLES;
	if (!k->memory_mb)
		k->memory_mb = KERNEL_DEFAULT_MEMORY_MB;
	if (k->timeout_sec <= 0)
		k->timeout_sec = KERNEL_DEFAULT_TIMEOUT_SEC;
	return 0;
}

/* --samples is a fixed N; --precision (or --preset precise) a rule with its limits. */
static int check_precision(struct harness_options *opts, struct aslr_error *err)
{
	if (opts->preset_precise && opts->precision > 0)
		return aslr_error_usage(err, -EINVAL, "--preset precise is --precision %g: give one of them",
					PRESET_PRECISE_BITS);
	if (opts->preset_precise)
		opts->precision = PRESET_PRECISE_BITS;
	if (opts->precision > 0 && opts->samples_given)
		return aslr_error_usage(err, -EINVAL, "--%s and --samples exclude each other (--max-samples caps a "
					"precision run)", opts->preset_precise ? "preset" : "precision");
	if (opts->precision == 0 && (opts->max_samples_given || opts->max_time_given))
		return aslr_error_usage(err, -EINVAL, "--max-samples and --max-time go with --precision");
	if (opts->precision > 0 && !opts->max_samples_given)
		opts->samples = PRECISION_DEFAULT_MAX_SAMPLES;
	if (opts->precision > 0 && !opts->max_time_given)
		opts->max_time = PRECISION_DEFAULT_MAX_TIME;
	return 0;
}

int harness_options_parse(struct harness_options *opts, int argc, char **argv,
			  struct aslr_error *err)
{
	const char *last_optarg = NULL;
	int opt, rc;

	memset(opts, 0, sizeof(*opts));
	opts->samples = 10000;
	opts->timeout_sec = 5;
	harness_parse_modes(opts, "0,1,2", NULL);
	optind = 0; /* reset getopt, so the parser can run more than once (tests) */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return aslr_error_usage(err, -EINVAL, "unknown option or missing argument: '%s' (try --help)",
						argv[optind - 1]);
		rc = apply_option(opts, opt, optarg, err);
		if (rc < 0)
			return rc;
		last_optarg = optarg;
	}
	rc = take_target_args(opts, argc, argv, last_optarg, err);
	if (rc < 0)
		return rc;
	if (opts->probe_path && opts->variant_count)
		return aslr_error_usage(err, -EINVAL, "--probe and --variants exclude each other");
	if (opts->resume_dir && opts->shape_option)
		return aslr_error_usage(err, -EINVAL, "--resume continues the run as its run.json describes it; "
					"drop %s", opts->shape_option);
	rc = check_precision(opts, err);
	return rc < 0 ? rc : check_kernel_options(opts, err);
}

int harness_options_walk(int argc, char **argv, harness_option_fn fn, void *ctx)
{
	int opt, which, rc = 0;

	optind = 0;
	opterr = 0;
	while (rc == 0 && (opt = getopt_long(argc, argv, "", long_options, &which)) != -1)
		rc = opt == '?' || opt == ':' ? -EINVAL : fn(ctx, long_options[which].name, optarg);
	for (int i = optind; rc == 0 && i < argc; i++)
		rc = fn(ctx, NULL, argv[i]);
	return rc;
}
