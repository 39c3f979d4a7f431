/* trace.h: stop a freshly exec'd program at its entry point (ptrace) and read its layout.
 *
 * The child asks to be traced before it execs (trace_child_prepare), so the kernel
 * stops it right after execve with a SIGTRAP. At that first stop the tracer sets
 * PTRACE_O_EXITKILL, reads AT_ENTRY and AT_BASE from /proc/PID/auxv and, for a
 * dynamically linked program, writes a breakpoint (int3) over the first byte of the
 * entry point with PTRACE_POKETEXT (a private copy of the page: the file is never
 * changed) and lets it run: the dynamic loader maps every library, sets up TLS, runs
 * the libraries' constructors and jumps to the entry point, where the int3 stops it
 * again, before any code of the program itself has run. A static program has no
 * loader: its first stop is already its entry. There the tracer reads /proc/PID/maps,
 * /proc/PID/stat and the thread pointer (layout.h). Two stops and three small /proc
 * reads per exec; the caller then kills the process group. */
#ifndef ASLR_TRACE_H
#define ASLR_TRACE_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "layout.h"
#include "maps.h"
#include "procfs.h"

/* The default ptrace_scope path (Yama). */
#define TRACE_PTRACE_SCOPE "/proc/sys/kernel/yama/ptrace_scope"

enum { TRACE_RUNNING = 0, TRACE_AT_ENTRY = 1 };

/* One traced child. */
struct trace_child {
	pid_t pid;
	int elf_class;          /* 32 or 64: its auxv's word size and where its thread pointer is */
	int exec_stopped;       /* its stop after execve was seen */
	struct proc_auxv auxv;
	uint64_t patched_at;    /* the 8-byte word the breakpoint went into; 0: none */
	uint64_t patched_word;  /* that word's original value */
	uint64_t thread_pointer;
};

/* What reading a layout needs, reused from one exec to the next. */
struct trace_io {
	struct proc_buf small;  /* auxv, stat */
	struct proc_buf text;   /* maps: the layout's paths point into it while it is built */
	struct maps maps;
	struct layout layout;
};

/* In the child, after it dropped privileges (changing credentials clears a parent-death
 * signal), just before execve; raw system calls only (rawsys.h: the child may share the
 * harness's memory and errno):
 * PR_SET_PDEATHSIG(SIGKILL) then a check that parent is still the parent (it may have
 * died before), PR_SET_NO_NEW_PRIVS (a set-user-ID program would otherwise clear the
 * parent-death signal at its exec), PTRACE_TRACEME. 0, or an errno with *step naming
 * the call that failed. */
int trace_child_prepare(pid_t parent, const char **step);

void trace_child_init(struct trace_child *t, pid_t pid, int elf_class);

/* The child stopped (a waitpid status with WIFSTOPPED): the stop after execve, the
 * breakpoint, or a signal, which is passed on. TRACE_RUNNING (it was resumed: wait
 * for its next stop) or TRACE_AT_ENTRY (stopped at its entry point); -errno with err
 * naming the step ("PTRACE_POKETEXT at 0x...: ..."). */
int trace_on_stop(struct trace_child *t, int status, struct trace_io *io, struct aslr_error *err);

/* At the entry point: read maps and stat and build io->layout (its record is valid
 * until the next collect). 0 or -errno with err. */
int trace_collect(struct trace_child *t, struct trace_io *io, struct aslr_error *err);

void trace_io_free(struct trace_io *io);

/* Why ptrace may have been refused with errno e, from Yama's ptrace_scope (scope_path,
 * NULL for the real one): one sentence into buf. */
void trace_explain_refusal(int e, const char *scope_path, char *buf, size_t size);

#endif
