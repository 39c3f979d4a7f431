#include "kernel_runinfo.h"

#include <stdio.h>
#include <string.h>

#include "probeinfo.h"
#include "runinfo.h"
#include "runmeta.h"
#include "strbuf.h"

char *kernel_skipped_lines(const json_t *info)
{
	struct strbuf lines = { 0 };
	const json_t *s;
	size_t i;

	json_array_foreach(runmeta_skipped(info), i, s)
		strbuf_printf(&lines, "%s (%s): %s\n", runmeta_string(s, "variant", "?"), runmeta_string(s, "path", "?"),
			      runmeta_string(s, "reason", "?"));
	return lines.text;
}

double kernel_bench_rate(const char *line)
{
	const char *eq = line ? strstr(line, " = ") : NULL;
	double rate = 0;

	return eq && sscanf(eq, " = %lf/s", &rate) == 1 ? rate : 0;
}

double kernel_run_rate(const json_t *info, int mode)
{
	const json_t *s;
	double samples = 0, seconds = 0;
	size_t i;

	json_array_foreach(json_object_get(info, "series"), i, s) {
		if (mode >= 0 && json_integer_value(json_object_get(s, "mode")) != mode)
			continue;
		samples += json_number_value(json_object_get(s, "samples"));
		seconds += json_number_value(json_object_get(s, "seconds"));
	}
	return seconds > 0 ? samples / seconds : 0;
}

double kernel_bench_harness_rate(const json_t *info)
{
	const json_t *mode = json_object_get(json_object_get(info, "kernel"), "randomize_va_space");

	return kernel_run_rate(info, json_is_integer(mode) ? (int)json_integer_value(mode) : -1);
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The guest kernel: what it said about itself, its image, and the knobs its harness read. */
static json_t *guest_kernel(const struct kernel_facts *f, const json_t *guest_run)
{
	json_t *k = json_deep_copy(json_object_get(guest_run, "kernel"));
	json_t *image = json_object();
	const json_t *hello = f->res->hello;
	struct aslr_error ignored;
	char sha[65];
	uint64_t size;

	if (!json_is_object(k)) {
		json_decref(k);
		k = json_object();
	}
	json_object_set_new(image, "path", json_string(f->image));
	if (file_sha256(f->image, &size, sha, &ignored) == 0) {
		json_object_set_new(image, "size", json_integer((json_int_t)size));
		json_object_set_new(image, "sha256", json_string(sha));
	}
	json_object_set_new(k, "image", image);
	for (const char *const *key = (const char *const[]){ "release", "version", "machine", "cmdline", NULL };
	     *key; key++)
		json_object_set(k, *key, json_object_get(hello, *key) ? json_object_get(hello, *key) : json_null());
	return k;
}

static json_t *bench_facts(const struct vm_result *res, double harness_rate)
{
	double before = kernel_bench_rate(res->bench_before.text), after = kernel_bench_rate(res->bench_after.text);
	double bare = before > 0 && after > 0 ? (before + after) / 2 : before > 0 ? before : after;

	if (bare <= 0)
		return json_null();
	return json_pack("{s:f, s:f, s:f, s:f, s:o}", "bare_loop_before_per_second", before,
			 "bare_loop_after_per_second", after, "bare_loop_per_second", bare,
			 "harness_samples_per_second_same_mode", harness_rate, "ratio",
			 harness_rate > 0 ? json_real(harness_rate / bare) : json_null());
}

static json_t *qemu_facts(const struct kernel_facts *f, const json_t *guest_run)
{
	const struct vm_result *res = f->res;
	json_t *argv = json_array();

	for (size_t i = 0; res->argv && res->argv[i]; i++)
		json_array_append_new(argv, json_string(res->argv[i]));
	return json_pack("{s:o, s:o, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:f, s:f, s:f, s:o}",
			 "binary", string_or_null(res->argv ? res->argv[0] : NULL), "command_line", argv,
			 "accelerator", f->accelerator, "accelerator_why", f->accelerator_why, "cpus", (int)f->cpus,
			 "memory_mb", (int)f->memory_mb, "append", string_or_null(f->append),
			 "guest_cpus", json_deep_copy(json_object_get(res->hello, "cpus")) ?: json_null(),
			 "guest_memory_kb", json_deep_copy(json_object_get(res->hello, "memory_kb")) ?: json_null(),
			 "boot_seconds", res->boot_sec, "run_seconds", res->run_sec, "total_seconds", res->total_sec,
			 "bench", bench_facts(res, kernel_bench_harness_rate(guest_run)));
}

static json_t *host_command_line(const struct kernel_facts *f)
{
	json_t *argv = json_array();

	for (int i = 0; i < f->argc; i++)
		json_array_append_new(argv, json_string(f->argv[i]));
	return argv;
}

static json_t *guest_run_json(const struct vm_result *res)
{
	json_t *doc = res->have_run_json ? json_loadb(res->run_json.text ? res->run_json.text : "", res->run_json.len,
						      0, NULL) : NULL;

	if (json_is_object(doc))
		return doc;
	json_decref(doc);
	return json_pack("{s:s, s:s, s:{}}", "tool", "aslr-entropy", "version", ASLR_VERSION, "run");
}

json_t *kernel_runinfo(const struct kernel_facts *f)
{
	json_t *info = guest_run_json(f->res);
	json_t *run = json_object_get(info, "run");

	if (!info)
		return NULL;
	if (!json_is_object(run))
		json_object_set_new(info, "run", run = json_object());
	json_object_set(run, "guest_command_line", json_object_get(run, "command_line") ?: json_null());
	json_object_set_new(run, "command_line", host_command_line(f));
	json_object_set_new(info, "kernel", guest_kernel(f, info));
	json_object_set_new(info, "host", runinfo_host_facts());
	json_object_set_new(info, "qemu", qemu_facts(f, info));
	runinfo_set_status(info, f->status);
	json_object_set_new(info, "error", string_or_null(f->error));
	return info;
}
