#include "guest_args.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_proto.h"

static const char *const host_only[] = { "kernel", "kernel-append", "kernel-cpus", "kernel-memory",
					 "kernel-timeout", "kernel-accel", "kernel-bench", "out",
					 "no-analyze", "quiet", NULL };
static const char *const names_program[] = { "probe", "target", NULL };

static int listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

int guest_args_host_only(const char *name)
{
	return listed(host_only, name);
}

int guest_args_names_program(const char *name)
{
	return listed(names_program, name);
}

static void add_arg(struct guest_args *ga, const char *text)
{
	strbuf_append(&ga->argv, text, strlen(text) + 1); /* with the NUL that ends it */
	ga->argc++;
}

/* "--name=value", or "--name" when value is NULL. */
static void add_option(struct guest_args *ga, const char *name, const char *value)
{
	strbuf_printf(&ga->argv, "--%s%s%s", name, value ? "=" : "", value ? value : "");
	strbuf_append(&ga->argv, "", 1);
	ga->argc++;
}

/* The program goes to GUEST_PROBE_DIR/<n>/<its name>: two programs of the same name
 * stay apart, and each keeps the name the harness derives its variant from. */
static const char *add_program(struct guest_args *ga, const char *host)
{
	struct guest_program *grown = realloc(ga->program, (ga->program_count + 1) * sizeof(*grown));
	const char *base = strrchr(host, '/');
	char *guest = NULL, *copy = strdup(host);

	if (grown)
		ga->program = grown;
	if (!grown || !copy || asprintf(&guest, "%s/%zu/%s", GUEST_PROBE_DIR, ga->program_count,
					base ? base + 1 : host) < 0) {
		free(copy);
		return NULL;
	}
	ga->program[ga->program_count++] = (struct guest_program){ copy, guest };
	return guest;
}

static int take_option(void *ctx, const char *name, const char *value)
{
	struct guest_args *ga = ctx;
	const char *guest;

	if (!name) { /* after "--": passed as it is, behind a "--" of its own */
		if (!ga->separated++)
			add_arg(ga, "--");
		add_arg(ga, value);
		return 0;
	}
	if (guest_args_host_only(name))
		return 0;
	if (guest_args_names_program(name)) {
		if (!(guest = add_program(ga, value)))
			return -ENOMEM;
		value = guest;
	}
	add_option(ga, name, value);
	return 0;
}

int guest_args_build(struct guest_args *ga, int argc, char **argv, const struct harness_options *opts,
		     struct aslr_error *err)
{
	char samples[32];
	int rc;

	memset(ga, 0, sizeof(*ga));
	add_arg(ga, GUEST_HARNESS);
	add_option(ga, "out", GUEST_OUT_DIR);
	add_option(ga, "no-analyze", NULL);
	add_option(ga, "quiet", NULL);
	if (!opts->samples_given && !opts->preset_precise) {
		snprintf(samples, sizeof(samples), "%" PRIu64, opts->samples);
		add_option(ga, "samples", samples);
	}
	rc = harness_options_walk(argc, argv, take_option, ga);
	if (rc == 0 && ga->argv.failed)
		rc = -ENOMEM;
	if (rc < 0) {
		guest_args_free(ga);
		return aslr_error_set(err, rc, "cannot build the guest's command line: %s", strerror(-rc));
	}
	return 0;
}

void guest_args_free(struct guest_args *ga)
{
	for (size_t i = 0; i < ga->program_count; i++) {
		free(ga->program[i].host);
		free(ga->program[i].guest);
	}
	free(ga->program);
	strbuf_free(&ga->argv);
	memset(ga, 0, sizeof(*ga));
}
