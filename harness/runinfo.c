#include "runinfo.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "probeinfo.h"
#include "runmeta.h"
#include "sysctl.h"

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

void runinfo_utc(char *buf, size_t size, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int runinfo_selected_choice(const char *text, char *buf, size_t size)
{
	const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;

	if (!open || !close || (size_t)(close - open - 1) >= size)
		return -EINVAL;
	memcpy(buf, open + 1, (size_t)(close - open - 1));
	buf[close - open - 1] = '\0';
	return 0;
}

static json_t *knob_value(const char *path)
{
	int v;
	return sysctl_read_int(path, &v, NULL) == 0 ? json_integer(v) : json_null();
}

static json_t *thp_value(const char *path)
{
	char text[256] = { 0 }, choice[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0 || runinfo_selected_choice(text, choice, sizeof(choice)) < 0)
		return json_null();
	return json_string(choice);
}

static json_t *kernel_facts(const struct runinfo_paths *p)
{
	return json_pack("{s:o, s:o, s:o, s:o}",
			 "randomize_va_space", knob_value(p && p->va_space ? p->va_space : SYSCTL_RANDOMIZE_VA_SPACE),
			 "mmap_rnd_bits", knob_value(p && p->mmap_rnd_bits ? p->mmap_rnd_bits : SYSCTL_MMAP_RND_BITS),
			 "mmap_rnd_compat_bits",
			 knob_value(p && p->mmap_rnd_compat_bits ? p->mmap_rnd_compat_bits : SYSCTL_MMAP_RND_COMPAT_BITS),
			 "transparent_hugepage", thp_value(p && p->thp_enabled ? p->thp_enabled : THP_ENABLED));
}

json_t *runinfo_host_facts(void)
{
	struct utsname u;
	char host[256] = "";

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "hostname", host, "uname", "sysname",
			 u.sysname, "release", u.release, "version", u.version, "machine", u.machine);
}

/* Best effort: the usual marks container runtimes leave. */
static const char *container_kind(void)
{
	char *env = getenv("container");
	char buf[4096] = { 0 };
	int fd;
	ssize_t n;

	if (env && env[0])
		return env;
	if (access("/.dockerenv", F_OK) == 0)
		return "docker";
	if (access("/run/.containerenv", F_OK) == 0)
		return "podman";
	fd = open("/proc/1/cgroup", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : 0;
	if (fd >= 0)
		close(fd);
	if (n > 0 && (strstr(buf, "docker") || strstr(buf, "kubepods") || strstr(buf, "lxc")))
		return "container";
	return NULL;
}

static json_t *process_facts(void)
{
	struct rlimit rl;
	const char *container = container_kind();
	Dl_info dl;
	json_t *stack;

	getrlimit(RLIMIT_STACK, &rl);
	stack = rl.rlim_cur == RLIM_INFINITY ? json_string("unlimited")
					     : json_integer((json_int_t)rl.rlim_cur);
	if (!dladdr((void *)(uintptr_t)&write, &dl) || !dl.dli_fname)
		dl.dli_fname = "unknown";
	return json_pack("{s:o, s:b, s:b, s:o, s:s, s:s}", "rlimit_stack", stack, "root",
			 geteuid() == 0, "container", container != NULL, "container_kind",
			 container ? json_string(container) : json_null(), "libc", dl.dli_fname,
			 "libc_version", gnu_get_libc_version());
}

static json_t *probe_facts(const struct runinfo_probe *probe, struct aslr_error *err)
{
	struct probe_info info;

	if (probe_info_read(probe->path, &info, err) < 0)
		return NULL;
	return json_pack("{s:s, s:s, s:b, s:i, s:s, s:I, s:I, s:s}", "variant", probe->variant, "path",
			 probe->path, "target", probe->target, "elf_class", info.elf_class, "elf_type",
			 info.elf_type, "pt_load_align", (json_int_t)info.pt_load_align, "size",
			 (json_int_t)info.size, "sha256", info.sha256);
}

static json_t *env_facts(char *const *env)
{
	json_t *names = json_array();
	size_t bytes = 0;

	for (; *env; env++) {
		const char *eq = strchr(*env, '=');
		json_array_append_new(names, json_stringn(*env, eq ? (size_t)(eq - *env) : strlen(*env)));
		bytes += strlen(*env) + 1;
	}
	return json_pack("{s:o, s:I}", "names", names, "bytes", (json_int_t)bytes);
}

static json_t *int_list(const int *values, unsigned count)
{
	json_t *list = json_array();
	for (unsigned i = 0; i < count; i++)
		json_array_append_new(list, json_integer(values[i]));
	return list;
}

static json_t *string_list(char *const *strings)
{
	json_t *list = json_array();

	for (; strings && *strings; strings++)
		json_array_append_new(list, json_string(*strings));
	return list;
}

/* What --resume needs to continue the run exactly as it was asked for. */
static json_t *config_facts(const struct runinfo_config *cfg)
{
	json_t *argv = json_array();
	json_t *facts;

	for (int i = 0; i < cfg->argc; i++)
		json_array_append_new(argv, json_string(cfg->argv[i]));
	facts = json_pack("{s:o, s:I, s:o, s:b, s:i, s:f, s:o}", "command_line", argv, "samples",
			  (json_int_t)cfg->samples, "modes", int_list(cfg->modes, cfg->mode_count),
			  "modes_current", cfg->modes_current, "jobs", (int)cfg->jobs, "timeout_sec",
			  cfg->timeout_sec, "user", cfg->user ? json_string(cfg->user) : json_null());
	json_object_set_new(facts, "target_args", string_list(cfg->target_args));
	json_object_set_new(facts, "target_user", cfg->target_user ? json_string(cfg->target_user) : json_null());
	json_object_set_new(facts, "target_jobs", json_integer(cfg->target_jobs));
	if (cfg->precision > 0) /* samples is then the most a series takes */
		json_object_set_new(facts, "precision", json_pack("{s:f, s:I, s:f}", "bits", cfg->precision,
								  "max_samples", (json_int_t)cfg->samples,
								  "max_time_sec", cfg->max_time));
	if (cfg->rnd_bits_count)
		json_object_set_new(facts, "mmap_rnd_bits", int_list(cfg->rnd_bits, cfg->rnd_bits_count));
	if (cfg->rnd_compat_bits_count)
		json_object_set_new(facts, "mmap_rnd_compat_bits",
				    int_list(cfg->rnd_compat_bits, cfg->rnd_compat_bits_count));
	return facts;
}

json_t *runinfo_new(const struct runinfo_config *cfg, struct aslr_error *err)
{
	char started[32];
	json_t *info, *probes = json_array();

	for (unsigned i = 0; i < cfg->probe_count; i++) {
		json_t *p = probe_facts(&cfg->probes[i], err);
		if (!p) {
			json_decref(probes);
			return NULL;
		}
		json_array_append_new(probes, p);
	}
	runinfo_utc(started, sizeof(started), time(NULL));
	info = json_pack("{s:s, s:s, s:s, s:n, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:[]}",
			 "tool", "aslr-entropy", "version", ASLR_VERSION, "started", started, "ended",
			 "status", "running", "host", runinfo_host_facts(), "kernel", kernel_facts(cfg->paths),
			 "process", process_facts(), "run", config_facts(cfg), "probes", probes,
			 "probe_env", env_facts(cfg->probe_env), "failures", json_object(), "series");
	if (!info)
		aslr_error_set(err, -ENOMEM, "cannot build run.json");
	return info;
}

static json_t *failures_object(const struct failure_tally *tally)
{
	json_t *obj = json_object();

	for (int k = 0; k < FAILURE_KINDS; k++)
		json_object_set_new(obj, failure_kind_name(k), json_integer((json_int_t)tally->count[k]));
	return obj;
}

/* The first failure of each kind that happened, as the harness saw it. */
static json_t *failure_examples(const struct failure_tally *tally)
{
	json_t *obj = json_object();

	for (int k = 0; k < FAILURE_KINDS; k++)
		if (tally->count[k])
			json_object_set_new(obj, failure_kind_name(k), json_string(tally->example[k]));
	return obj;
}

static void add_failures(json_t *total, const json_t *series_failures)
{
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)(uintptr_t)series_failures, key, value) {
		json_t *sum = json_object_get(total, key);
		if (!json_is_integer(value))
			continue;
		json_object_set_new(total, key, json_integer((sum ? json_integer_value(sum) : 0) +
							     json_integer_value(value)));
	}
}

static void recount_failures(json_t *info)
{
	json_t *total = json_object(), *series;
	size_t i;

	json_array_foreach(json_object_get(info, "series"), i, series)
		add_failures(total, json_object_get(series, "failures"));
	json_object_set_new(info, "failures", total);
}

/* The index of key's entry in list, or the list's size when it has none. */
static size_t series_index(const json_t *list, const struct series_key *key)
{
	const json_t *entry;
	size_t i;

	json_array_foreach((json_t *)(uintptr_t)list, i, entry) {
		struct series_key k = runmeta_series_key(entry);
		if (series_key_equal(&k, key))
			return i;
	}
	return json_array_size(list);
}

int runinfo_set_series(json_t *info, const struct runinfo_series *s)
{
	json_t *list = json_object_get(info, "series");
	size_t i = series_index(list, &s->key);
	json_t *entry = json_pack(
		"{s:s, s:i, s:s, s:i, s:I, s:I, s:o, s:o, s:f, s:f}", "variant", s->key.variant, "mode", s->key.mode,
		"method", s->method, "randomize_va_space", s->va_space, "samples", (json_int_t)s->samples,
		"execs", (json_int_t)s->tally->execs, "failures", failures_object(s->tally),
		"failure_examples", failure_examples(s->tally), "seconds",
		s->seconds, "samples_per_second", s->seconds > 0 ? (double)s->samples / s->seconds : 0.0);

	if (!entry) {
		json_decref(s->precision);
		return -ENOMEM;
	}
	if (s->end)
		json_object_set_new(entry, "end", json_string(s->end));
	if (s->precision)
		json_object_set_new(entry, "precision", s->precision);
	if (s->key.rnd_bits >= 0)
		json_object_set_new(entry, "mmap_rnd_bits", json_integer(s->key.rnd_bits));
	if (s->key.rnd_compat_bits >= 0)
		json_object_set_new(entry, "mmap_rnd_compat_bits", json_integer(s->key.rnd_compat_bits));
	if (i < json_array_size(list))
		json_array_set_new(list, i, entry);
	else
		json_array_append_new(list, entry);
	recount_failures(info);
	return 0;
}

json_t *runinfo_find_series(json_t *info, const struct series_key *key)
{
	json_t *list = json_object_get(info, "series");

	return json_array_get(list, series_index(list, key)); /* NULL past the end */
}

void runinfo_add_prior(const json_t *entry, struct failure_tally *tally, double *seconds)
{
	const json_t *failures = json_object_get(entry, "failures");
	const json_t *examples = json_object_get(entry, "failure_examples");

	tally->execs += (uint64_t)json_integer_value(json_object_get(entry, "execs"));
	for (int k = 0; k < FAILURE_KINDS; k++) {
		uint64_t n = (uint64_t)json_integer_value(json_object_get(failures, failure_kind_name(k)));
		const char *example = json_string_value(json_object_get(examples, failure_kind_name(k)));
		if (n && !tally->count[k] && example)
			snprintf(tally->example[k], sizeof(tally->example[k]), "%s", example);
		tally->count[k] += n;
		tally->failed += n;
	}
	*seconds += json_number_value(json_object_get(entry, "seconds"));
}

int runinfo_set_status(json_t *info, const char *status)
{
	char ended[32];

	json_object_set_new(info, "status", json_string(status));
	if (strcmp(status, "running") != 0) {
		runinfo_utc(ended, sizeof(ended), time(NULL));
		json_object_set_new(info, "ended", json_string(ended));
	}
	return 0;
}

int runinfo_write(json_t *info, const char *dir, struct aslr_error *err)
{
	char path[PATH_MAX];
	char *text = json_dumps(info, JSON_INDENT(2));
	int rc;

	if (!text)
		return aslr_error_set(err, -ENOMEM, "cannot format run.json");
	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = aslr_write_file_atomic(path, text, strlen(text), err);
	free(text);
	return rc;
}
