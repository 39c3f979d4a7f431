#include "guest_image.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_args.h"
#include "guest_proto.h"
#include "probes.h"
#include "qemu_arch.h"
#include "strbuf.h"

/* The programs: host and guest paths (the guest paths owned by the list). */
struct programs {
	struct initramfs_file *file;
	char (*guest)[PATH_MAX];
	size_t count;
};

static int programs_alloc(struct programs *p, size_t max)
{
	p->file = calloc(max, sizeof(*p->file));
	p->guest = calloc(max, sizeof(*p->guest));
	p->count = 0;
	return p->file && p->guest ? 0 : -ENOMEM;
}

static void programs_free(struct programs *p)
{
	free(p->file);
	free(p->guest);
}

/* A program at guest_path. */
static void add(struct programs *p, const char *host, const char *guest_path)
{
	snprintf(p->guest[p->count], PATH_MAX, "%s", guest_path);
	p->file[p->count] = (struct initramfs_file){ host, p->guest[p->count] };
	p->count++;
}

/* A program in a guest folder, under its own name. */
static void add_in(struct programs *p, const char *host, const char *guest_dir)
{
	const char *base = strrchr(host, '/');
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", guest_dir, base ? base + 1 : host);
	add(p, host, path);
}

/* "key value" lines for the guest's init. bench_probe: the first variant's probe there. */
static void write_conf(struct strbuf *conf, const struct harness_options *opts, const char *bench_probe)
{
	strbuf_printf(conf, "data %s\n", qemu_arch_host()->data_device);
	if (opts->kernel.bench)
		strbuf_printf(conf, "bench_execs %" PRIu64 "\nbench_jobs %u\nbench_probe %s\n", opts->samples,
			      opts->jobs, bench_probe);
}

/* The harness first, then what options name, the built variants, the bare loop. */
static void add_all(struct programs *p, const struct harness_options *opts, const struct run_config *cfg,
		    const struct guest_args *ga, const char *self, const char *bare)
{
	add(p, self, GUEST_HARNESS);
	for (size_t i = 0; i < ga->program_count; i++)
		add(p, ga->program[i].host, ga->program[i].guest);
	for (unsigned v = 0; !opts->probe_path && v < cfg->variant_count; v++)
		add_in(p, cfg->variants[v].probe, GUEST_BIN_DIR);
	if (opts->kernel.bench)
		add(p, bare, GUEST_BARE_LOOP);
}

int guest_image_write(const struct harness_options *opts, const struct run_config *cfg, int argc, char **argv,
		      const char *path, struct initramfs_stats *stats, struct aslr_error *err)
{
	struct programs p = { 0 };
	struct guest_args ga;
	struct strbuf conf = { 0 };
	char bin[PATH_MAX], self[PATH_MAX + 32], bare[PATH_MAX + 32];
	int rc = guest_args_build(&ga, argc, argv, opts, err);

	if (rc < 0)
		return rc;
	rc = probes_own_dir(bin, sizeof(bin), err);
	snprintf(self, sizeof(self), "%s/aslr-harness", bin);
	snprintf(bare, sizeof(bare), "%s/aslr-bare-loop", bin);
	if (rc == 0 && opts->kernel.bench && access(bare, X_OK) < 0)
		rc = aslr_error_input(err, -ENOENT, bare, 0, 0, "--kernel-bench needs aslr-bare-loop beside aslr-harness");
	if (rc == 0 && programs_alloc(&p, 2 + ga.program_count + cfg->variant_count) < 0)
		rc = aslr_error_set(err, -ENOMEM, "out of memory");
	if (rc == 0) {
		add_all(&p, opts, cfg, &ga, self, bare);
		write_conf(&conf, opts, p.file[1].guest); /* the first probe: after the harness */
		rc = conf.failed ? aslr_error_set(err, -ENOMEM, "out of memory") : 0;
	}
	if (rc == 0)
		rc = initramfs_write(&(struct initramfs_spec){ .arch = qemu_arch_host(), .program = p.file,
				     .program_count = p.count, .init = GUEST_HARNESS, .args = ga.argv.text,
				     .args_len = ga.argv.len, .conf = conf.text }, path, stats, err);
	strbuf_free(&conf);
	guest_args_free(&ga);
	programs_free(&p);
	return rc;
}
