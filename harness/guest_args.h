/* guest_args.h: the command line of the harness inside a guest, made from the host's.
 *
 * Every option is passed on as it was given (so options added later, such as --precision,
 * reach the guest without change here), except: the host's own (--kernel*, --out,
 * --no-analyze, --quiet: the host writes the run folders and analyzes), and options that
 * name a program on the host (--probe, --target): the program goes into the initramfs under
 * GUEST_PROBE_DIR/<n>/ with its own name, and the option names it there. The guest gets
 * --out GUEST_OUT_DIR --no-analyze --quiet, and --samples with --kernel's default unless
 * the command line chose the samples. */
#ifndef ASLR_GUEST_ARGS_H
#define ASLR_GUEST_ARGS_H

#include <stddef.h>

#include "error.h"
#include "options.h"
#include "strbuf.h"

/* A program on the host that the guest runs from another path. */
struct guest_program {
	char *host;
	char *guest;
};

struct guest_args {
	struct strbuf argv;           /* the arguments, each NUL-terminated, argv[0] first */
	unsigned argc;
	struct guest_program *program; /* what the options name, to put into the initramfs */
	size_t program_count;
	int separated;                /* "--" passed on already */
};

/* Build from the host's argc/argv (already parsed into opts). 0 or -ENOMEM. */
int guest_args_build(struct guest_args *ga, int argc, char **argv, const struct harness_options *opts,
		     struct aslr_error *err);
void guest_args_free(struct guest_args *ga);

/* The options that stay on the host, and those that name a program (without "--"). */
int guest_args_host_only(const char *name);
int guest_args_names_program(const char *name);

#endif
