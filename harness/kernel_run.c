#include "kernel_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "atomic_file.h"
#include "compare.h"
#include "guest_args.h"
#include "guest_image.h"
#include "guest_proto.h"
#include "initramfs.h"
#include "kdiff.h"
#include "kernel_runinfo.h"
#include "outdir.h"
#include "probes.h"
#include "qemu_arch.h"
#include "spawn.h"
#include "vm.h"

static void note(const struct kernel_batch *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const struct kernel_batch *b, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if (!b->note)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	b->note(b->note_ctx, text);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* QEMU there, every image a readable file: before anything is made. */
static int check_inputs(const struct kernel_batch *b, char *qemu, size_t size, struct aslr_error *err)
{
	const struct qemu_arch *arch = qemu_arch_host();

	for (unsigned i = 0; i < b->opts->kernel.count; i++) {
		const char *image = b->opts->kernel.image[i];
		struct stat st;
		if (stat(image, &st) < 0 || access(image, R_OK) < 0)
			return aslr_error_input(err, -ENOENT, image, 0, 0, "--kernel: cannot read the kernel image: %s",
						strerror(errno));
		if (!S_ISREG(st.st_mode))
			return aslr_error_input(err, -EINVAL, image, 0, 0, "--kernel: not a file");
	}
	if (qemu_find_binary(arch, qemu, size) < 0)
		return aslr_error_set(err, -ENOENT, "--kernel needs QEMU: %s is not installed (Debian: apt-get install "
				      "--no-install-recommends %s; scripts/run installs it)", arch->qemu_binary,
				      arch->qemu_package);
	return 0;
}

static void choose_accelerator(struct kernel_batch *b)
{
	char why[256];
	int kvm;

	if (b->opts->kernel.accel == KERNEL_ACCEL_TCG) {
		snprintf(b->accelerator_why, sizeof(b->accelerator_why), "--kernel-accel tcg");
		kvm = 0;
	} else if (b->opts->kernel.accel == KERNEL_ACCEL_KVM) {
		snprintf(b->accelerator_why, sizeof(b->accelerator_why), "--kernel-accel kvm");
		kvm = 1;
	} else {
		kvm = qemu_kvm_usable(NULL, why, sizeof(why));
		snprintf(b->accelerator_why, sizeof(b->accelerator_why), "%s", why);
	}
	snprintf(b->accelerator, sizeof(b->accelerator), "%s", kvm ? "kvm" : "tcg");
}

static int write_text(const char *dir, const char *name, const char *text, size_t len, struct aslr_error *err)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return aslr_write_file_atomic(path, text ? text : "", text ? len : 0, err);
}

/* The guest's files into the temporary folder: samples.csv, its output, then run.json. */
static int write_results(const char *dir, const struct vm_result *res, json_t *info, struct aslr_error *err)
{
	char *text = json_dumps(info, JSON_INDENT(2));
	int rc = text ? 0 : aslr_error_set(err, -ENOMEM, "cannot format run.json");

	if (rc == 0 && res->have_samples)
		rc = write_text(dir, "samples.csv", res->samples_csv.text, res->samples_csv.len, err);
	if (rc == 0 && res->log.len)
		rc = write_text(dir, "guest.log", res->log.text, res->log.len, err);
	if (rc == 0)
		rc = write_text(dir, "run.json", text, strlen(text), err);
	free(text);
	return rc;
}

/* The folder's final name: the guest's release (or the image's name) and a suffix for runs
 * that are not complete; "-2", "-3"... when that name is taken. Renamed without replacing. */
static int publish(const struct kernel_batch *b, struct kernel_outcome *o, const char *tmp, time_t started,
		   const char *suffix, struct aslr_error *err)
{
	char host[256] = "host", name[PATH_MAX], path[PATH_MAX + 16];

	gethostname(host, sizeof(host) - 1);
	if (outdir_default_path(name, sizeof(name) - 16, b->parent, started, host,
				o->release[0] ? o->release : base_name(o->image)) < 0)
		return aslr_error_set(err, -ENAMETOOLONG, "run folder name too long");
	strcat(name, suffix);
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(path, sizeof(path), "%s", name);
		else
			snprintf(path, sizeof(path), "%s-%d", name, n);
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
			snprintf(o->dir, sizeof(o->dir), "%s", path);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return aslr_error_at(err, -errno, path, 0, 0, "cannot rename %s here: %s", tmp, strerror(errno));
}

/* The rows the guest will write, for the progress line. */
static unsigned long long expected_rows(const struct kernel_batch *b)
{
	const struct harness_options *o = b->opts;
	unsigned long long series = (o->modes_current ? 1 : o->mode_count) * (unsigned long long)b->cfg->variant_count *
				    (o->rnd_bits.count ? o->rnd_bits.count : 1) *
				    (o->rnd_compat_bits.count ? o->rnd_compat_bits.count : 1);

	return series * o->samples;
}

static unsigned guest_cpus(const struct kernel_batch *b)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	return b->opts->kernel.cpus ? b->opts->kernel.cpus : online > 0 ? (unsigned)online : 1;
}

/* run.json and the other files into tmp; a failure to write turns a success into a failure. */
static void record(const struct kernel_batch *b, struct kernel_outcome *o, const struct vm_result *res,
		   const char *tmp)
{
	struct kernel_facts facts = {
		.image = o->image, .accelerator = b->accelerator, .accelerator_why = b->accelerator_why,
		.append = b->opts->kernel.append, .cpus = guest_cpus(b), .memory_mb = b->opts->kernel.memory_mb,
		.argc = b->argc, .argv = b->argv, .res = res,
		.status = o->rc == 0 ? "complete" : o->rc == SPAWN_STOPPED ? "interrupted" : "failed",
		.error = o->rc < 0 ? o->err.text : NULL,
	};
	json_t *info = kernel_runinfo(&facts);
	struct aslr_error werr;
	int rc = info ? write_results(tmp, res, info, &werr) : aslr_error_set(&werr, -ENOMEM, "out of memory");

	json_decref(info);
	if (rc < 0 && o->rc == 0) { /* say so in run.json, if that can still be written */
		o->rc = rc;
		o->err = werr;
		facts.status = "failed";
		facts.error = o->err.text;
		if ((info = kernel_runinfo(&facts)))
			write_results(tmp, &(struct vm_result){ 0 }, info, &werr);
		json_decref(info);
	}
	if (res->have_run_json) {
		json_t *guest = json_loadb(res->run_json.text ? res->run_json.text : "", res->run_json.len, 0, NULL);
		o->skipped = kernel_skipped_lines(guest);
		if (o->rc == 0) {
			o->samples_per_sec = kernel_run_rate(guest, -1);
			o->bench_harness_per_sec = kernel_bench_harness_rate(guest);
		}
		json_decref(guest);
	}
}

static void run_one(struct kernel_batch *b, unsigned i, const char *qemu, const char *initramfs)
{
	struct kernel_outcome *o = &b->outcome[i];
	char tmp[PATH_MAX], log[PATH_MAX + 32];
	time_t started = time(NULL);
	struct vm_result res;
	struct vm_config vc = {
		.arch = qemu_arch_host(), .timeout_sec = b->opts->kernel.timeout_sec, .console_log = log,
		.stop = b->stop, .progress = b->progress, .label = base_name(b->opts->kernel.image[i]),
		.expect_rows = expected_rows(b),
		.qemu = { .binary = qemu, .image = b->opts->kernel.image[i], .initramfs = initramfs,
			  .append = b->opts->kernel.append, .kvm = strcmp(b->accelerator, "kvm") == 0,
			  .cpus = guest_cpus(b), .memory_mb = b->opts->kernel.memory_mb },
	};
	const char *release;

	o->image = b->opts->kernel.image[i];
	snprintf(tmp, sizeof(tmp), "%s/.kernel-%ld-%u.tmp", b->parent, (long)getpid(), i);
	snprintf(log, sizeof(log), "%s/console.log", tmp);
	if (mkdir(tmp, 0755) < 0) {
		o->rc = aslr_error_at(&o->err, -errno, tmp, 0, 0, "%s", strerror(errno));
		return;
	}
	note(b, "kernel %u/%u: %s: booting (%s, %u CPUs, %u MB)", i + 1, b->count, o->image, b->accelerator,
	     vc.qemu.cpus, vc.qemu.memory_mb);
	o->rc = vm_run(&vc, &res, &o->err);
	release = json_string_value(json_object_get(res.hello, "release"));
	snprintf(o->release, sizeof(o->release), "%s", release ? release : "");
	record(b, o, &res, tmp);
	o->boot_sec = res.boot_sec, o->run_sec = res.run_sec, o->total_sec = res.total_sec, o->rows = res.rows;
	o->bare_per_sec = kernel_bench_rate(res.bench_before.text) > 0 && kernel_bench_rate(res.bench_after.text) > 0
				  ? (kernel_bench_rate(res.bench_before.text) + kernel_bench_rate(res.bench_after.text)) / 2
				  : 0;
	if (o->rc != 0 && res.console.len)
		o->console = strdup(res.console.text);
	vm_result_free(&res);
	if (publish(b, o, tmp, started, o->rc == 0 ? "" : o->rc == SPAWN_STOPPED ? "-interrupted" : "-failed",
		    o->rc == 0 ? &o->err : &(struct aslr_error){ 0 }) < 0 && o->rc == 0)
		o->rc = -EIO;
}

static void analyze_one(struct kernel_outcome *o, struct aslr_error *err)
{
	struct analyze_request req = { .input = o->dir };

	if (analyze_run(&req, err) < 0) {
		o->rc = -EIO;
		return;
	}
	snprintf(o->report, sizeof(o->report), "%s", req.report);
	snprintf(o->warning, sizeof(o->warning), "%s", req.warning);
}

/* compare_write into a hidden folder, the differences on top, renamed once whole. */
static int compare_into(struct kernel_batch *b, const char *const *dirs, unsigned n, struct aslr_error *err)
{
	struct cmp_run *runs = calloc(n, sizeof(*runs));
	char tmp[PATH_MAX], host[256] = "host";
	unsigned loaded = 0;
	int rc = runs ? 0 : aslr_error_set(err, -ENOMEM, "out of memory");

	snprintf(tmp, sizeof(tmp), "%s/.compare-%ld.tmp", b->parent, (long)getpid());
	if (rc == 0 && mkdir(tmp, 0755) < 0)
		rc = aslr_error_at(err, -errno, tmp, 0, 0, "%s", strerror(errno));
	for (; rc == 0 && loaded < n; loaded++)
		rc = compare_load(&runs[loaded], dirs[loaded], err);
	if (rc == 0)
		rc = compare_write(runs, n, tmp, NULL, b->compare_warning, sizeof(b->compare_warning), err);
	if (rc == 0)
		rc = kdiff_prepend(tmp, dirs, n, err);
	gethostname(host, sizeof(host) - 1);
	if (rc == 0 && outdir_default_path(b->compare_dir, sizeof(b->compare_dir), b->parent, time(NULL), host,
					   "compare-kernels") < 0)
		rc = aslr_error_set(err, -ENAMETOOLONG, "comparison folder name too long");
	if (rc == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, b->compare_dir, RENAME_NOREPLACE) < 0)
		rc = aslr_error_at(err, -errno, b->compare_dir, 0, 0, "cannot rename %s here: %s", tmp, strerror(errno));
	if (rc < 0)
		b->compare_dir[0] = '\0';
	for (unsigned i = 0; i < loaded && runs; i++)
		compare_free(&runs[i]);
	free(runs);
	return rc;
}

/* Analyze every complete run; compare them when there are two or more. */
static int analyze_and_compare(struct kernel_batch *b, struct aslr_error *err)
{
	const char *dirs[MAX_KERNELS];
	unsigned n = 0;

	for (unsigned i = 0; i < b->count; i++) {
		struct kernel_outcome *o = &b->outcome[i];
		if (o->rc != 0)
			continue;
		note(b, "analyzing %s", o->dir);
		analyze_one(o, &o->err);
		if (o->rc == 0)
			dirs[n++] = o->dir;
	}
	return n >= 2 ? compare_into(b, dirs, n, err) : 0;
}

static void link_latest(struct kernel_batch *b)
{
	const char *target = b->compare_dir[0] ? b->compare_dir : NULL;
	struct aslr_error ignored;

	for (unsigned i = 0; !target && i < b->count; i++)
		if (b->outcome[i].rc == 0)
			target = b->outcome[i].dir;
	if (target && !b->opts->out_dir)
		outdir_link_latest(b->parent, base_name(target), &ignored);
}

static int run_all(struct kernel_batch *b, const char *qemu, const char *initramfs, struct aslr_error *err)
{
	int failed = 0;

	for (unsigned i = 0; i < b->count && !(b->stop && *b->stop); i++) {
		run_one(b, i, qemu, initramfs);
		if (b->outcome[i].rc == SPAWN_STOPPED)
			return SPAWN_STOPPED;
		failed |= b->outcome[i].rc != 0;
	}
	if (b->stop && *b->stop)
		return SPAWN_STOPPED;
	if (analyze_and_compare(b, err) < 0)
		return -EIO;
	for (unsigned i = 0; i < b->count; i++)
		failed |= b->outcome[i].rc != 0;
	link_latest(b);
	return failed ? aslr_error_set(err, -EIO, "%s", "some kernels failed") : 0;
}

int kernel_batch_run(struct kernel_batch *b, struct aslr_error *err)
{
	char qemu[PATH_MAX], initramfs[PATH_MAX];
	struct initramfs_stats stats;
	int rc = check_inputs(b, qemu, sizeof(qemu), err);

	b->count = b->opts->kernel.count;
	if (rc == 0)
		rc = outdir_create(b->parent, err);
	if (rc < 0)
		return rc;
	choose_accelerator(b);
	note(b, "accelerator: %s (%s)", b->accelerator, b->accelerator_why);
	snprintf(initramfs, sizeof(initramfs), "%s/.initramfs-%ld.cpio", b->parent, (long)getpid());
	rc = guest_image_write(b->opts, b->cfg, b->argc, b->argv, initramfs, &stats, err);
	if (rc == 0) {
		note(b, "initramfs: %zu files (%zu more names), %.1f MB", stats.files, stats.links, (double)stats.bytes / 1e6);
		rc = run_all(b, qemu, initramfs, err);
		unlink(initramfs);
	}
	return rc;
}

void kernel_batch_free(struct kernel_batch *b)
{
	for (unsigned i = 0; i < MAX_KERNELS; i++) {
		free(b->outcome[i].console);
		b->outcome[i].console = NULL;
		free(b->outcome[i].skipped);
		b->outcome[i].skipped = NULL;
	}
}
