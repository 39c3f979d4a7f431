/* spawn.h: run the probe many times, as fast as the kernel can exec it.
 *
 * J slots, each holding one probe in flight: clone(CLONE_VM) + execve on x86-64, vfork +
 * execve elsewhere (no shell; spawn.c's launch() says why), stdout to a
 * pipe, stdin and stderr to /dev/null, a process group of its own, a pidfd
 * to see it end. Each finished exec is handed to a callback, which accepts it (a row) or
 * rejects it (a failure). Nothing is allocated per exec.
 *
 * A traced run (cfg->traced: --target) starts any program the same way, but traced
 * (trace.h): stdout and stderr to /dev/null (stderr to the pipe with capture_stderr),
 * and the callback gets the layout at the program's entry point as a record;
 * the process group is killed as soon as it is read. Its stops are seen through
 * SIGCHLD (blocked while spawn_run runs, read from a signalfd), since a pidfd only
 * reports an exit. If execve (or a step before it) fails, the child tells the parent
 * which call and errno through the memory it shares until it execs, as posix_spawn does.
 *
 * When the caller is a child subreaper (reaper.h), what a probe leaves behind becomes
 * the caller's child: spawn_run reaps each probe's process group after killing it, and
 * between execs any other child that has exited. So while it runs, the caller must not
 * expect to wait for other children of its own that exit meanwhile (the guardian's exit
 * status is never needed). */
#ifndef ASLR_SPAWN_H
#define ASLR_SPAWN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "record.h"

enum probe_outcome {
	PROBE_EXITED,   /* exit status in code (0 = success) */
	PROBE_SIGNALED, /* killed by signal `code` */
	PROBE_TIMEOUT,  /* killed by us after cfg->timeout_sec */
	PROBE_OVERFLOW, /* wrote RECORD_MAX_LEN bytes or more: killed, output cut off */
	PROBE_EXEC_FAILED,  /* execve or a step before it failed: errno in code, the call in out */
	PROBE_TRACE_FAILED, /* traced: a ptrace or /proc step failed: errno in code, what in out */
};

struct probe_result {
	enum probe_outcome outcome;
	int code;
	const char *out; /* what it wrote to stdout (traced: stderr); valid during the callback only */
	size_t len;
	int before_entry;            /* traced: it exited or died before reaching its entry point */
	const struct record *record; /* traced: its layout at the entry point; NULL otherwise */
};

enum { SPAWN_REJECTED = 0, SPAWN_ACCEPTED = 1, SPAWN_FINISH = 2 };

/* Called once per finished exec. SPAWN_ACCEPTED or SPAWN_REJECTED, either with
 * SPAWN_FINISH or-ed in to start nothing more (the probes in flight still end and are
 * handed over: at most jobs - 1 more results), or a negative errno (with the
 * callback's own error filled) to stop the run. */
typedef int (*spawn_result_fn)(void *ctx, const struct probe_result *result);

struct spawn_config {
	const char *path;
	char *const *argv;
	char *const *envp;
	unsigned jobs;
	uint64_t target;                /* stop once this many results were accepted */
	int no_randomize;               /* personality(ADDR_NO_RANDOMIZE) in the child */
	int drop_privileges;            /* run the probe as uid/gid, no supplementary groups */
	unsigned uid, gid;
	double timeout_sec;             /* per exec; <= 0: none */
	volatile sig_atomic_t *stop;    /* set by a signal handler: kill in-flight, return */
	int traced;                     /* stop each exec at its entry point and read its layout */
	int elf_class;                  /* traced: the program's ELF class, 32 or 64 */
	int capture_stderr;             /* traced: stderr to the result's out, for what the loader says
					 * when it fails (a pipe per exec: the preflight's trial asks) */
};

enum { SPAWN_DONE = 0, SPAWN_STOPPED = 1 };

/* Run until cfg->target results were accepted or a callback said SPAWN_FINISH and the
 * probes in flight ended (SPAWN_DONE), *cfg->stop was set
 * (SPAWN_STOPPED), or an error (-errno; a callback's error is passed through).
 * Every child is reaped and every process group killed before it returns. */
int spawn_run(const struct spawn_config *cfg, spawn_result_fn on_result, void *ctx,
	      struct aslr_error *err);

#endif
