/* run_config.h: what a run is asked to do: its probes, folder and jobs, and where it
 * finds the machine's files, lock and stop flag. Filled by main (and by resume_load
 * from run.json) before run_prepare; a header of its own so that the run and resume
 * modules do not include each other. */
#ifndef ASLR_RUN_CONFIG_H
#define ASLR_RUN_CONFIG_H

#include <limits.h>
#include <signal.h>

#include "options.h"
#include "runinfo.h"

struct resume;

struct run_variant {
	char name[VARIANT_NAME_MAX + 1];
	char probe[PATH_MAX]; /* the program: a probe, or a --target */
	int target;           /* traced to its entry point (trace.h); argv gets the target arguments */
	int elf_class;        /* a target's, 32 or 64 (run_prepare reads it) */
};

struct run_config {
	const struct harness_options *opts;
	int argc;                      /* the command line, for run.json */
	char **argv;
	char out_dir[PATH_MAX];
	unsigned variant_count;
	struct run_variant variants[MAX_VARIANTS];
	unsigned jobs;
	int progress;                  /* draw a progress line */
	const char *lock_path;         /* NULL: GUARD_LOCK_PATH */
	struct runinfo_paths paths;    /* NULL members: the real /proc and /sys files */
	volatile sig_atomic_t *stop;   /* set by SIGINT/SIGTERM/SIGHUP */
	int drop_privileges;           /* --user: probes run as uid/gid */
	unsigned uid, gid;
	unsigned target_jobs;          /* targets in flight at once (0: jobs) */
	char **target_args;            /* after --: every target's arguments, NULL-terminated (may be NULL) */
	int target_drop_privileges;    /* targets run as target_uid/gid: --user's, or nobody's for root */
	unsigned target_uid, target_gid;
	const char *target_user;       /* that user's name; NULL when targets run as the harness */
	const char *ptrace_scope;      /* Yama's ptrace_scope; NULL: the real one */
	struct resume *resume;         /* --resume: what the run already holds; NULL otherwise */
	void (*note)(const char *text); /* told when a series ends short of its precision; may be NULL */
};

#endif
